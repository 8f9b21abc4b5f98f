//! The API on the bundled sample network, through the router (`oneshot`, no socket): answers,
//! error bodies, pagination against a naive slice, and the OpenAPI document against the routes.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use expect_test::{expect, expect_file};
use http_body_util::BodyExt;
use proptest::prelude::*;
use serde_json::Value;
use tower::ServiceExt;

use crate::{State, router};

fn sample() -> Arc<State> {
    State::ready(app::sample_network(&app::Silent).expect("the sample network is valid"))
}

/// Sends a request; returns the status and the body as JSON.
async fn call(state: &Arc<State>, method: Method, uri: &str) -> (StatusCode, Value) {
    let request = Request::builder().method(method).uri(uri).body(Body::empty()).unwrap();
    let response = router(Arc::clone(state)).oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("{uri}: not JSON ({e}): {}", String::from_utf8_lossy(&bytes)));
    (status, body)
}

async fn get(state: &Arc<State>, uri: &str) -> (StatusCode, Value) {
    call(state, Method::GET, uri).await
}

#[tokio::test]
async fn health_answers_at_once_and_data_waits_for_the_network() {
    let state = State::loading();
    assert_eq!(
        get(&state, "/healthz").await,
        (StatusCode::OK, serde_json::json!({"status": "ok", "sites": null}))
    );
    let (status, body) = get(&state, "/readyz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    expect![[
        r#"{"error":{"code":"not_ready","message":"the network is still loading","details":[]}}"#
    ]]
    .assert_eq(&body.to_string());
    assert_eq!(get(&state, "/sites").await.0, StatusCode::SERVICE_UNAVAILABLE);

    let state = sample();
    assert_eq!(
        get(&state, "/readyz").await,
        (StatusCode::OK, serde_json::json!({"status": "ok", "sites": 300}))
    );
}

#[tokio::test]
async fn sites_filtered_and_paginated() {
    let state = sample();
    let (status, body) = get(&state, "/sites?country=KR&limit=1").await;
    assert_eq!(status, StatusCode::OK);
    expect![[r#"
        {
          "results": [
            {
              "id": "site-027",
              "organization": "org-008",
              "name": "Liberty Ulsan plant",
              "kind": "factory",
              "latitude": 35.5437,
              "longitude": 129.3101,
              "city": "Ulsan",
              "state": "Ulsan",
              "country": "KR",
              "naics": [
                "331315"
              ],
              "employees": 14,
              "certifications": [
                "ISO 9001"
              ],
              "ttr_weeks": 16.0
            }
          ],
          "page": {
            "total": 4,
            "offset": 0,
            "limit": 1,
            "next_offset": 1
          }
        }"#]]
    .assert_eq(&serde_json::to_string_pretty(&body).unwrap());

    // Walking the pages of Ohio's factories visits each of them once, in import order.
    let network = app::sample_network(&app::Silent).unwrap();
    let expected: Vec<&str> = network
        .sites
        .iter()
        .filter(|s| s.state.as_deref() == Some("OH") && s.kind == model::SiteKind::Factory)
        .map(|s| s.id.as_str())
        .collect();
    assert!(expected.len() > 3, "the fixture needs several pages");
    let mut seen = Vec::new();
    let mut offset = Some(0);
    while let Some(at) = offset {
        let (status, body) =
            get(&state, &format!("/sites?state=OH&kind=factory&limit=3&offset={at}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["page"]["total"], expected.len());
        for site in body["results"].as_array().unwrap() {
            seen.push(site["id"].as_str().unwrap().to_owned());
        }
        offset = body["page"]["next_offset"].as_u64();
    }
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn one_record_by_id() {
    let state = sample();
    let (status, body) = get(&state, "/items/icu-ventilator").await;
    assert_eq!(status, StatusCode::OK);
    expect![[r#"{"id":"icu-ventilator","name":"ICU ventilator","kind":"product","unit":"each","unit_value":1924.12}"#]]
        .assert_eq(&body.to_string());
    let (status, body) = get(&state, "/sites/site-027").await;
    assert_eq!((status, &body["city"]), (StatusCode::OK, &Value::from("Ulsan")));
    let (status, body) = get(&state, "/sites/no-such-site").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    expect![[r#"{"error":{"code":"not_found","message":"no site no-such-site","details":[]}}"#]]
        .assert_eq(&body.to_string());
}

#[tokio::test]
async fn every_error_has_the_error_body() {
    let state = sample();
    let cases = [
        (Method::GET, "/sites?limit=0"),
        (Method::GET, "/sites?limit=many"),
        (Method::GET, "/sites?stat=OH"),
        (Method::GET, "/sites?kind=castle"),
        (Method::GET, "/items?kind=gadget"),
        (Method::GET, "/nowhere"),
        (Method::POST, "/sites"),
    ];
    let mut out = String::new();
    for (method, uri) in cases {
        let (status, body) = call(&state, method.clone(), uri).await;
        out.push_str(&format!("{method} {uri} -> {} {body}\n", status.as_u16()));
    }
    expect![[r#"
        GET /sites?limit=0 -> 400 {"error":{"code":"invalid_request","message":"invalid query parameter limit: must be from 1 to 1000, not 0","details":[{"location":"query","field":"limit","message":"must be from 1 to 1000, not 0"}]}}
        GET /sites?limit=many -> 400 {"error":{"code":"invalid_request","message":"invalid query parameter limit: invalid digit found in string","details":[{"location":"query","field":"limit","message":"invalid digit found in string"}]}}
        GET /sites?stat=OH -> 400 {"error":{"code":"invalid_request","message":"invalid query parameter stat: unknown field `stat`, expected one of `organization`, `state`, `country`, `kind`, `offset`, `limit`","details":[{"location":"query","field":"stat","message":"unknown field `stat`, expected one of `organization`, `state`, `country`, `kind`, `offset`, `limit`"}]}}
        GET /sites?kind=castle -> 400 {"error":{"code":"invalid_request","message":"invalid query parameter kind: unknown value \"castle\"; expected one of factory, institute, biomanufacturing, additive, warehouse, lab","details":[{"location":"query","field":"kind","message":"unknown value \"castle\"; expected one of factory, institute, biomanufacturing, additive, warehouse, lab"}]}}
        GET /items?kind=gadget -> 400 {"error":{"code":"invalid_request","message":"invalid query parameter kind: unknown value \"gadget\"; expected one of product, part, material","details":[{"location":"query","field":"kind","message":"unknown value \"gadget\"; expected one of product, part, material"}]}}
        GET /nowhere -> 404 {"error":{"code":"not_found","message":"no such path; the API is described at /openapi.json","details":[]}}
        POST /sites -> 405 {"error":{"code":"method_not_allowed","message":"method not allowed","details":[]}}
    "#]].assert_eq(&out);
}

#[tokio::test]
async fn the_document_describes_every_route_and_is_committed() {
    let document = serde_json::to_string_pretty(&crate::openapi::openapi()).unwrap() + "\n";
    expect_file!["../../../docs/openapi.json"].assert_eq(&document);

    // Every path of the document answers on the sample, with a real id where it takes one.
    let state = sample();
    let (_, served) = get(&state, "/openapi.json").await;
    let paths = served["paths"].as_object().unwrap();
    assert!(paths.len() >= 7);
    for path in paths.keys() {
        let uri = path
            .replace("/sites/{id}", "/sites/site-027")
            .replace("/items/{id}", "/items/icu-ventilator");
        assert!(!uri.contains('{'), "{path} takes a parameter the test does not fill");
        let (status, _) = get(&state, &uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
    }
}

proptest! {
    /// A page is the naive slice of the matching records, and its next offset leads on exactly
    /// when records remain.
    #[test]
    fn a_page_is_the_slice(n in 0usize..300, offset in 0usize..400, limit in 1usize..=crate::network::MAX_LIMIT) {
        let records: Vec<usize> = (0..n).collect();
        let (page, info): (Vec<usize>, _) =
            crate::network::page(records.iter().copied(), Some(offset), Some(limit)).unwrap();
        let naive: Vec<usize> = records.iter().copied().skip(offset).take(limit).collect();
        prop_assert_eq!(page, naive);
        prop_assert_eq!(info.total, n);
        prop_assert_eq!(info.next_offset, (offset + limit < n).then_some(offset + limit));
    }
}
