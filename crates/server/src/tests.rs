//! The API on the bundled sample network, through the router (`oneshot`, no socket): answers,
//! error bodies, pagination against a naive slice, and the OpenAPI document against the routes.

use std::sync::Arc;

use app::access::Role;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use expect_test::{expect, expect_file};
use http_body_util::BodyExt;
use proptest::prelude::*;
use serde_json::Value;
use tower::ServiceExt;

use crate::{Settings, State, router};

/// The sample network in a store of its own, served, with a key of each kind.
struct Fixture {
    _dir: tempfile::TempDir,
    state: Arc<State>,
    config: app::Config,
    operator: String,
    /// A member of org-008, which runs site-027.
    owner: String,
    /// A member of org-001.
    member: String,
    viewer: String,
}

/// The site whose confidential figures the tests read, and its organization.
const SITE: &str = "site-027";
const OWNER: &str = "org-008";

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let sample = dir.path().join("sample");
    std::fs::create_dir(&sample).unwrap();
    for (name, text) in app::SAMPLE_FILES {
        std::fs::write(sample.join(name), text).unwrap();
    }
    let config = app::Config::new(dir.path().join("data"), None);
    app::import(&config, &sample, None, &app::Silent).unwrap();
    let key = |org: &str, role: Role| app::access::create_key(&config, org, role).unwrap().key;
    let (operator, owner) = (key("america-makes", Role::Operator), key(OWNER, Role::Member));
    let (member, viewer) = (key("org-001", Role::Member), key("org-001", Role::Viewer));
    let twin = app::Twin::load(&config, &app::Silent).unwrap();
    let state = State::ready(config.clone(), Settings::default(), twin);
    Fixture { _dir: dir, state, config, operator, owner, member, viewer }
}

/// When the graph cache beside the fixture's store was last written.
fn cached_at(f: &Fixture) -> std::time::SystemTime {
    let cache = f.config.data_dir().join("graph.cache");
    std::fs::metadata(&cache).unwrap().modified().unwrap()
}

/// Sends a request with an optional key; returns the status and the body as JSON.
async fn call(
    state: &Arc<State>,
    method: Method,
    uri: &str,
    key: Option<&str>,
) -> (StatusCode, Value) {
    send(state, method, uri, key, "").await
}

/// Sends a request with an optional key and a JSON body (none when empty).
async fn send(
    state: &Arc<State>,
    method: Method,
    uri: &str,
    key: Option<&str>,
    body: &str,
) -> (StatusCode, Value) {
    let json = (!body.is_empty()).then_some("application/json");
    send_as(state, method, uri, key, json, body).await
}

/// Sends a request with an optional key, and a body with an optional content type.
async fn send_as(
    state: &Arc<State>,
    method: Method,
    uri: &str,
    key: Option<&str>,
    content_type: Option<&str>,
    body: &str,
) -> (StatusCode, Value) {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(key) = key {
        request = request.header(header::AUTHORIZATION, format!("Bearer {key}"));
    }
    if let Some(content_type) = content_type {
        request = request.header(header::CONTENT_TYPE, content_type);
    }
    let request = request.body(Body::from(body.to_owned())).unwrap();
    let response = router(Arc::clone(state)).oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("{uri}: not JSON ({e}): {}", String::from_utf8_lossy(&bytes)));
    (status, body)
}

/// A GET with the viewer's key.
async fn get(f: &Fixture, uri: &str) -> (StatusCode, Value) {
    call(&f.state, Method::GET, uri, Some(&f.viewer)).await
}

#[tokio::test]
async fn health_answers_at_once_and_data_waits_for_the_network() {
    let f = fixture();
    let state = State::loading(f.config.clone(), Settings::default());
    let health = call(&state, Method::GET, "/healthz", None).await;
    assert_eq!(health, (StatusCode::OK, serde_json::json!({"status": "ok", "sites": null})));
    let (status, body) = call(&state, Method::GET, "/readyz", None).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    expect![[
        r#"{"error":{"code":"not_ready","message":"the network is still loading","details":[]}}"#
    ]]
    .assert_eq(&body.to_string());
    assert_eq!(
        call(&state, Method::GET, "/sites", Some(&f.viewer)).await.0,
        StatusCode::SERVICE_UNAVAILABLE
    );

    let ready = call(&f.state, Method::GET, "/readyz", None).await;
    assert_eq!(ready, (StatusCode::OK, serde_json::json!({"status": "ok", "sites": 300})));
}

#[tokio::test]
async fn sites_filtered_and_paginated() {
    let f = fixture();
    let (status, body) = get(&f, "/sites?country=KR&limit=1").await;
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
            get(&f, &format!("/sites?state=OH&kind=factory&limit=3&offset={at}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["page"]["total"], expected.len());
        for site in body["results"].as_array().unwrap() {
            seen.push(site["id"].as_str().unwrap().to_owned());
        }
        offset = body["page"]["next_offset"].as_u64();
    }
    assert_eq!(seen, expected);
    let (_, other_case) = get(&f, "/sites?state=oh&kind=Factory&country=us&limit=1000").await;
    assert_eq!(other_case["page"]["total"], expected.len(), "codes and kinds ignore case");
}

#[tokio::test]
async fn one_record_by_id() {
    let f = fixture();
    let (status, body) = get(&f, "/items/icu-ventilator").await;
    assert_eq!(status, StatusCode::OK);
    expect![[r#"{"id":"icu-ventilator","name":"ICU ventilator","kind":"product","unit":"each","unit_value":1924.12}"#]]
        .assert_eq(&body.to_string());
    let (status, body) = get(&f, "/sites/site-027").await;
    assert_eq!((status, &body["city"]), (StatusCode::OK, &Value::from("Ulsan")));
    let (status, body) = get(&f, "/sites/no-such-site").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    expect![[r#"{"error":{"code":"not_found","message":"no site \"no-such-site\" in the stored network","details":[]}}"#]]
        .assert_eq(&body.to_string());
    let (status, body) = get(&f, "/items/icu-ventilatr").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    expect![[r#"{"error":{"code":"not_found","message":"no item \"icu-ventilatr\" in the stored network (did you mean \"icu-ventilator\"?)","details":[]}}"#]]
        .assert_eq(&body.to_string());
}

#[tokio::test]
async fn every_error_has_the_error_body() {
    let f = fixture();
    let cases = [
        (Method::GET, "/sites?limit=0"),
        (Method::GET, "/sites?limit=many"),
        (Method::GET, "/sites?offset=-1"),
        (Method::GET, "/sites?limit=99999999999999999999999"),
        (Method::GET, "/sites?stat=OH"),
        (Method::GET, "/sites?kind=castle"),
        (Method::GET, "/items?kind=gadget"),
        (Method::GET, "/nowhere"),
        (Method::POST, "/sites"),
        (Method::GET, "/aggregates/capacity"),
        (Method::GET, "/aggregates/capacity?process=stamping&by=county"),
        (Method::GET, "/audit?limit=5000"),
        (Method::GET, "/events?after=10"),
        (Method::GET, "/items/icu-ventilator/map?site=site-019"),
        (Method::GET, "/alerts?product=icu-ventilator"),
        (Method::GET, "/sites/site-027?fields=name"),
        (Method::POST, "/jobs/risks?top=3"),
        (Method::GET, "/organizations/org-008/records?table=sites"),
    ];
    let mut out = String::new();
    for (method, uri) in cases {
        let (status, body) = call(&f.state, method.clone(), uri, Some(&f.operator)).await;
        out.push_str(&format!("{method} {uri} -> {} {body}\n", status.as_u16()));
    }
    expect![[r#"
        GET /sites?limit=0 -> 400 {"error":{"code":"invalid_request","message":"invalid query parameter limit: must be from 1 to 1000, not 0","details":[{"location":"query","field":"limit","message":"must be from 1 to 1000, not 0"}]}}
        GET /sites?limit=many -> 400 {"error":{"code":"invalid_request","message":"invalid query parameter limit: expected a whole number of at least 0","details":[{"location":"query","field":"limit","message":"expected a whole number of at least 0"}]}}
        GET /sites?offset=-1 -> 400 {"error":{"code":"invalid_request","message":"invalid query parameter offset: expected a whole number of at least 0","details":[{"location":"query","field":"offset","message":"expected a whole number of at least 0"}]}}
        GET /sites?limit=99999999999999999999999 -> 400 {"error":{"code":"invalid_request","message":"invalid query parameter limit: expected a smaller whole number","details":[{"location":"query","field":"limit","message":"expected a smaller whole number"}]}}
        GET /sites?stat=OH -> 400 {"error":{"code":"invalid_request","message":"invalid query parameter stat: unknown field \"stat\" (did you mean \"state\"?); expected one of organization, state, country, kind, offset, limit","details":[{"location":"query","field":"stat","message":"unknown field \"stat\" (did you mean \"state\"?); expected one of organization, state, country, kind, offset, limit"}]}}
        GET /sites?kind=castle -> 400 {"error":{"code":"invalid_request","message":"invalid query parameter kind: unknown value \"castle\"; expected one of factory, institute, biomanufacturing, additive, warehouse, lab","details":[{"location":"query","field":"kind","message":"unknown value \"castle\"; expected one of factory, institute, biomanufacturing, additive, warehouse, lab"}]}}
        GET /items?kind=gadget -> 400 {"error":{"code":"invalid_request","message":"invalid query parameter kind: unknown value \"gadget\"; expected one of product, part, material","details":[{"location":"query","field":"kind","message":"unknown value \"gadget\"; expected one of product, part, material"}]}}
        GET /nowhere -> 404 {"error":{"code":"not_found","message":"no such path; the API is described at /openapi.json","details":[]}}
        POST /sites -> 405 {"error":{"code":"method_not_allowed","message":"method not allowed on this path (the Allow header lists the methods it takes); the API is described at /openapi.json","details":[]}}
        GET /aggregates/capacity -> 400 {"error":{"code":"invalid_request","message":"invalid query parameter process: missing; it is required","details":[{"location":"query","field":"process","message":"missing; it is required"}]}}
        GET /aggregates/capacity?process=stamping&by=county -> 400 {"error":{"code":"invalid_request","message":"invalid query parameter by: unknown grouping \"county\"; expected state or country","details":[{"location":"query","field":"by","message":"unknown grouping \"county\"; expected state or country"}]}}
        GET /audit?limit=5000 -> 400 {"error":{"code":"invalid_request","message":"invalid query parameter limit: must be from 1 to 1000, not 5000","details":[{"location":"query","field":"limit","message":"must be from 1 to 1000, not 5000"}]}}
        GET /events?after=10 -> 400 {"error":{"code":"invalid_request","message":"invalid query parameter after: unknown field \"after\"; expected one of site, before, offset, limit","details":[{"location":"query","field":"after","message":"unknown field \"after\"; expected one of site, before, offset, limit"}]}}
        GET /items/icu-ventilator/map?site=site-019 -> 404 {"error":{"code":"not_found","message":"site-019 neither makes icu-ventilator nor receives it along a link, nor holds or needs any, so there is no map of it as seen from site-019; it is made or received at site-132, site-133, site-134, wh-01, wh-02 and 3 more; a map asked with no site is over every qualified source","details":[]}}
        GET /alerts?product=icu-ventilator -> 400 {"error":{"code":"invalid_request","message":"invalid query parameter product: unknown; GET /alerts takes no query parameters","details":[{"location":"query","field":"product","message":"unknown; GET /alerts takes no query parameters"}]}}
        GET /sites/site-027?fields=name -> 400 {"error":{"code":"invalid_request","message":"invalid query parameter fields: unknown; GET /sites/site-027 takes no query parameters","details":[{"location":"query","field":"fields","message":"unknown; GET /sites/site-027 takes no query parameters"}]}}
        POST /jobs/risks?top=3 -> 400 {"error":{"code":"invalid_request","message":"invalid query parameter top: unknown; POST /jobs/risks takes no query parameters; what it takes goes in the JSON body","details":[{"location":"query","field":"top","message":"unknown; POST /jobs/risks takes no query parameters; what it takes goes in the JSON body"}]}}
        GET /organizations/org-008/records?table=sites -> 400 {"error":{"code":"invalid_request","message":"invalid query parameter table: unknown; GET /organizations/org-008/records takes no query parameters","details":[{"location":"query","field":"table","message":"unknown; GET /organizations/org-008/records takes no query parameters"}]}}
    "#]].assert_eq(&out);
}

/// The Authorization scheme is matched ignoring case; any other scheme, or none, is refused.
#[tokio::test]
async fn the_bearer_scheme_is_matched_ignoring_case() {
    let f = fixture();
    let mut out = String::new();
    for scheme in ["Bearer", "bearer", "BEARER", "Basic", ""] {
        let value = format!("{scheme} {}", f.viewer);
        let request = Request::builder()
            .uri("/sites?limit=1")
            .header(header::AUTHORIZATION, value.trim_start())
            .body(Body::empty())
            .unwrap();
        let response = router(Arc::clone(&f.state)).oneshot(request).await.unwrap();
        out.push_str(&format!("{scheme:?} -> {}\n", response.status().as_u16()));
    }
    expect![[r#"
        "Bearer" -> 200
        "bearer" -> 200
        "BEARER" -> 200
        "Basic" -> 401
        "" -> 401
    "#]]
    .assert_eq(&out);
}

/// A path asked with a method it does not take answers 405 with the methods it does take, as
/// its message says.
#[tokio::test]
async fn a_wrong_method_names_the_allowed_ones() {
    let f = fixture();
    let request = Request::builder()
        .method(Method::POST)
        .uri("/jobs/monte_carlo")
        .header(header::AUTHORIZATION, format!("Bearer {}", f.operator))
        .body(Body::empty())
        .unwrap();
    let response = router(Arc::clone(&f.state)).oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    let allow = response.headers().get(header::ALLOW).map(|a| a.to_str().unwrap().to_owned());
    assert_eq!(allow.as_deref(), Some("GET,HEAD,DELETE"));
}

#[tokio::test]
async fn the_document_is_committed() {
    let document = serde_json::to_string_pretty(&crate::openapi::openapi()).unwrap() + "\n";
    expect_file!["../../../docs/openapi.json"].assert_eq(&document);
}

/// Who may call what: one row per operation of the OpenAPI document (an operation the table
/// does not know fails the test, so no new endpoint escapes it), one status per caller: no
/// key, a viewer, a member of another organization, a member of the site's organization, an
/// operator.
const ACCESS: &[(&str, &str, &str, [u16; 5])] = &[
    ("get", "/healthz", "/healthz", [200, 200, 200, 200, 200]),
    ("get", "/readyz", "/readyz", [200, 200, 200, 200, 200]),
    ("get", "/openapi.json", "/openapi.json", [200, 200, 200, 200, 200]),
    ("get", "/organizations", "/organizations", [401, 200, 200, 200, 200]),
    ("get", "/sites", "/sites", [401, 200, 200, 200, 200]),
    ("get", "/sites/{id}", "/sites/site-027", [401, 200, 200, 200, 200]),
    ("get", "/sites/{id}/capacity", "/sites/site-027/capacity", [401, 403, 403, 200, 200]),
    ("get", "/items", "/items", [401, 200, 200, 200, 200]),
    ("get", "/items/{id}", "/items/icu-ventilator", [401, 200, 200, 200, 200]),
    (
        "get",
        "/aggregates/capacity",
        "/aggregates/capacity?process=stamping",
        [401, 200, 200, 200, 200],
    ),
    ("get", "/audit", "/audit", [401, 403, 403, 403, 200]),
    ("get", "/events", "/events", [401, 403, 200, 200, 200]),
    ("post", "/events", "/events", [401, 403, 403, 200, 200]),
    ("get", "/alerts", "/alerts", [401, 403, 403, 403, 200]),
    ("get", "/items/{id}/map", "/items/icu-ventilator/map", [401, 403, 403, 403, 200]),
    ("post", "/jobs/risks", "/jobs/risks", [401, 403, 403, 403, 202]),
    ("post", "/jobs/stress", "/jobs/stress", [401, 403, 403, 403, 202]),
    ("post", "/jobs/monte-carlo", "/jobs/monte-carlo", [401, 403, 403, 403, 202]),
    ("post", "/jobs/mobilize", "/jobs/mobilize", [401, 403, 403, 403, 202]),
    ("post", "/jobs/replan", "/jobs/replan", [401, 403, 403, 403, 404]),
    ("get", "/jobs", "/jobs", [401, 403, 403, 403, 200]),
    ("get", "/jobs/{id}", "/jobs/no-such-job", [401, 403, 403, 403, 404]),
    ("delete", "/jobs/{id}", "/jobs/no-such-job", [401, 403, 403, 403, 404]),
    ("get", "/jobs/{id}/result", "/jobs/no-such-job/result", [401, 403, 403, 403, 404]),
    ("post", "/import", "/import", [401, 403, 403, 403, 200]),
    (
        "get",
        "/organizations/{id}/records",
        "/organizations/org-008/records",
        [401, 403, 403, 200, 200],
    ),
    (
        "put",
        "/organizations/{id}/records",
        "/organizations/org-008/records",
        [401, 403, 403, 200, 200],
    ),
];

/// The body each operation that takes one is called with: an outage at site-027 for events,
/// a small valid question for each job, the stored network for an import, and org-008's own
/// records for their write.
fn body_of(f: &Fixture, path: &str) -> String {
    match path {
        "/import" => return document(f),
        "/organizations/{id}/records" => return records(f, OWNER),
        _ => {}
    }
    let body = match path {
        "/events" => OUTAGE,
        "/jobs/risks" => r#"{"item": "icu-ventilator"}"#,
        "/jobs/stress" => STRESS,
        "/jobs/monte-carlo" => r#"{"scenarios": 5}"#,
        "/jobs/mobilize" => MOBILIZE,
        "/jobs/replan" => {
            r#"{"plan": "no-such-job", "events": {"event": [{"kind": "site", "site": "site-133", "start_week": 4}]}}"#
        }
        _ => "",
    };
    body.to_owned()
}

/// The stored network as a JSON network document.
fn document(f: &Fixture) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("network.json");
    app::export(&f.config, &path, app::interchange::Format::Json, false, &app::Silent).unwrap();
    std::fs::read_to_string(path).unwrap()
}

/// The records an organization owns in the stored network, as a JSON network document.
fn records(f: &Fixture, organization: &str) -> String {
    let network = app::network(&f.config, &app::Silent).unwrap();
    app::interchange::json_document(&app::records::part(&network, organization)).to_string()
}

/// The sole-source sensor maker down for eight weeks.
const STRESS: &str = r#"{"scenario": {"name": "fire", "event": [{"kind": "site", "site": "site-062", "start_week": 1, "duration_weeks": 8}]}, "horizon_weeks": 20}"#;

/// 300 ventilators to wh-04 by week 12.
const MOBILIZE: &str = r#"{"demand": {"name": "surge", "horizon_weeks": 16, "baseline": "reserve", "target": [{"item": "icu-ventilator", "site": "wh-04", "quantity": 300, "due_week": 12}]}, "recheck": 1}"#;

/// An outage at site-027.
const OUTAGE: &str =
    r#"{"events": [{"kind": "outage_start", "id": "matrix-1", "site": "site-027"}]}"#;

#[tokio::test]
async fn every_endpoint_answers_each_role_as_the_table_says() {
    let f = fixture();
    let (_, document) = call(&f.state, Method::GET, "/openapi.json", None).await;
    let mut operations = Vec::new();
    for (path, methods) in document["paths"].as_object().unwrap() {
        for method in methods.as_object().unwrap().keys() {
            operations.push((method.clone(), path.clone()));
        }
    }
    for (method, path) in &operations {
        let known = ACCESS.iter().any(|(m, p, _, _)| m == method && p == path);
        assert!(known, "{method} {path} is not in the access table");
    }
    assert_eq!(operations.len(), ACCESS.len(), "the table names an operation the document lacks");
    let callers = [None, Some(&f.viewer), Some(&f.member), Some(&f.owner), Some(&f.operator)];
    for (method, path, uri, expected) in ACCESS {
        for (caller, want) in callers.iter().zip(expected) {
            let method: Method = method.to_uppercase().parse().unwrap();
            let takes_body = method == Method::POST || method == Method::PUT;
            let body = if takes_body { body_of(&f, path) } else { String::new() };
            let (status, answer) =
                send(&f.state, method.clone(), uri, caller.map(String::as_str), &body).await;
            assert_eq!(status.as_u16(), *want, "{method} {path} as caller {caller:?}: {answer}");
        }
    }
    // A wrong secret for a real key id is refused like no key at all.
    let forged = format!("{}x", &f.owner[..f.owner.len() - 1]);
    let (status, _) = call(&f.state, Method::GET, "/sites", Some(&forged)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn confidential_reads_are_audited() {
    let f = fixture();
    let (status, body) =
        call(&f.state, Method::GET, "/sites/site-027/capacity", Some(&f.owner)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["organization"], OWNER);
    let network = app::network(&f.config, &app::Silent).unwrap();
    let hours: f64 =
        network.capabilities.iter().filter(|c| c.site == SITE).map(|c| c.hours_per_week).sum();
    let served: f64 = body["capabilities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["hours_per_week"].as_f64().unwrap())
        .sum();
    assert_eq!(served, hours);
    assert!(!body["capabilities"].as_array().unwrap().is_empty());

    // The refused read is not recorded; the served one is, with the key that made it.
    call(&f.state, Method::GET, "/sites/site-027/capacity", Some(&f.member)).await;
    let (status, log) = call(&f.state, Method::GET, "/audit?limit=10", Some(&f.operator)).await;
    assert_eq!(status, StatusCode::OK);
    let entries = log["results"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{log}");
    let owner_id = f.owner.split('_').nth(1).unwrap();
    assert_eq!(
        (
            &entries[0]["key"],
            &entries[0]["organization"],
            &entries[0]["action"],
            &entries[0]["target"]
        ),
        (
            &Value::from(owner_id),
            &Value::from(OWNER),
            &Value::from("read capacity"),
            &Value::from(SITE)
        )
    );
}

/// Every group a non-operator sees has at least 3 organizations and none above 80 %, computed
/// here from the records; operators see every group's figures.
#[tokio::test]
async fn aggregates_never_reveal_small_or_dominated_groups() {
    use std::collections::BTreeMap;
    let f = fixture();
    let network = app::network(&f.config, &app::Silent).unwrap();
    let mut processes: Vec<&str> =
        network.capabilities.iter().map(|c| c.process.as_str()).collect();
    processes.sort_unstable();
    processes.dedup();
    let (mut published, mut suppressed) = (0, 0);
    for process in processes {
        for by in ["state", "country"] {
            // Naive: group → organization → hours.
            let mut naive: BTreeMap<String, BTreeMap<&str, f64>> = BTreeMap::new();
            for c in network.capabilities.iter().filter(|c| c.process == process) {
                let site = network.sites.iter().find(|s| s.id == c.site).unwrap();
                let place = if by == "state" { &site.state } else { &site.country };
                let group = place.clone().unwrap_or_else(|| format!("(no {by})"));
                *naive.entry(group).or_default().entry(&site.organization).or_default() +=
                    c.hours_per_week;
            }
            let uri = format!("/aggregates/capacity?process={process}&by={by}");
            for (key, operator) in [(&f.viewer, false), (&f.member, false), (&f.operator, true)] {
                let (status, body) = call(&f.state, Method::GET, &uri, Some(key)).await;
                assert_eq!(status, StatusCode::OK);
                let groups = body["groups"].as_array().unwrap();
                assert_eq!(groups.len(), naive.len());
                for group in groups {
                    let orgs = &naive[group["group"].as_str().unwrap()];
                    let total: f64 = orgs.values().sum();
                    let largest = orgs.values().copied().fold(0.0, f64::max);
                    let safe = orgs.len() >= 3 && largest <= 0.8 * total;
                    assert_eq!(group["suppressed"].is_null(), safe, "{uri}: {group}");
                    let shown = group["hours_per_week"].as_f64();
                    if operator || safe {
                        assert!(
                            (shown.unwrap() - total).abs() <= 1e-9 * total.max(1.0),
                            "{uri}: {group}"
                        );
                        published += usize::from(!operator);
                    } else {
                        assert_eq!(shown, None, "{uri}: {group}");
                        assert!(group["sites"].is_null() && group["organizations"].is_null());
                        suppressed += 1;
                    }
                }
            }
        }
    }
    assert!(published > 0 && suppressed > 0, "the sample exercises both: {published} {suppressed}");
    // A misspelt process is not an empty table.
    let uri = "/aggregates/capacity?process=final-asembly";
    let (status, body) = call(&f.state, Method::GET, uri, Some(&f.viewer)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        body["error"]["message"],
        "no process \"final-asembly\" in the stored network (did you mean \"final-assembly\"?)"
    );
}

/// The ids of a page of `GET /events`, in its order.
fn event_ids(page: &Value) -> Vec<&str> {
    page["results"].as_array().unwrap().iter().map(|r| r["event"]["id"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn events_are_stored_once_applied_and_kept() {
    let f = fixture();
    let batch = r#"{"events": [
        {"kind": "outage_start", "id": "e1", "site": "site-027", "expected_weeks": 6},
        {"kind": "inventory", "id": "e2", "site": "site-027", "item": "icu-ventilator", "units": 7}
    ]}"#;
    let (status, receipt) = send(&f.state, Method::POST, "/events", Some(&f.owner), batch).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(receipt.to_string(), r#"{"accepted":["e1","e2"],"duplicates":[],"warnings":[]}"#);
    let (_, capacity) =
        call(&f.state, Method::GET, "/sites/site-027/capacity", Some(&f.owner)).await;
    assert_eq!(
        (&capacity["down"], &capacity["expected_weeks"]),
        (&Value::from(true), &Value::from(6.0))
    );
    let stock = capacity["inventory"].as_array().unwrap();
    let ventilators: Vec<&Value> = stock.iter().filter(|s| s["item"] == "icu-ventilator").collect();
    assert_eq!(ventilators, [&serde_json::json!({"item": "icu-ventilator", "units": 7.0})]);

    // Sent again, with the outage ended in the same batch: the old ids are not applied again.
    let again = r#"{"events": [
        {"kind": "outage_start", "id": "e1", "site": "site-027", "expected_weeks": 6},
        {"kind": "outage_end", "id": "e3", "site": "site-027"}
    ]}"#;
    let (_, receipt) = send(&f.state, Method::POST, "/events", Some(&f.owner), again).await;
    assert_eq!(receipt.to_string(), r#"{"accepted":["e3"],"duplicates":["e1"],"warnings":[]}"#);
    let (_, log) = call(&f.state, Method::GET, "/audit?limit=1", Some(&f.operator)).await;
    assert_eq!(
        (&log["results"][0]["action"], &log["results"][0]["target"]),
        (&"report events".into(), &"2 events, 1 new".into())
    );
    let one = r#"{"events": [{"kind": "outage_end", "id": "e4", "site": "site-027"}]}"#;
    send(&f.state, Method::POST, "/events", Some(&f.owner), one).await;
    let (_, log) = call(&f.state, Method::GET, "/audit?limit=1", Some(&f.operator)).await;
    assert_eq!(log["results"][0]["target"], "1 event, 1 new");
    let (_, capacity) =
        call(&f.state, Method::GET, "/sites/site-027/capacity", Some(&f.owner)).await;
    assert_eq!(capacity["down"], false);

    // A server started on the same store replays the history to the same state.
    let replayed = State::loading(f.config.clone(), Settings::default());
    replayed.load();
    assert_eq!(*replayed.live(), *f.state.live());
    let (_, history) =
        call(&f.state, Method::GET, "/events?site=site-027", Some(&f.operator)).await;
    assert_eq!(event_ids(&history), ["e4", "e3", "e2", "e1"]);
    // A page further back, and where it sits.
    let (_, page) =
        call(&f.state, Method::GET, "/events?site=site-027&offset=1&limit=2", Some(&f.operator))
            .await;
    assert_eq!(event_ids(&page), ["e3", "e2"]);
    let e2 = page["results"][1]["seq"].as_i64().unwrap();
    assert_eq!(
        page["page"],
        serde_json::json!({"total": 4, "offset": 1, "limit": 2, "next_offset": 3, "next_before": e2})
    );
    let (_, log) = call(&f.state, Method::GET, "/audit?offset=2&limit=1", Some(&f.operator)).await;
    assert_eq!(log["results"][0]["target"], "2 events, 1 new", "{log}");
    assert_eq!(log["page"]["offset"], 2);
    let (_, theirs) = call(&f.state, Method::GET, "/events", Some(&f.member)).await;
    assert_eq!(
        theirs["results"],
        serde_json::json!([]),
        "another organization's events are not theirs to read"
    );

    // Demand where the network has none is stored, with a warning that alerts cannot scale it;
    // demand for an item demanded elsewhere, anywhere, can be.
    let demand = r#"{"events": [
        {"kind": "demand", "id": "d1", "site": "site-027", "item": "icu-ventilator", "units_per_week": 3},
        {"kind": "demand", "id": "d2", "item": "icu-ventilator", "units_per_week": 30}
    ]}"#;
    let (_, receipt) = send(&f.state, Method::POST, "/events", Some(&f.operator), demand).await;
    expect![[r#"{"accepted":["d1","d2"],"duplicates":[],"warnings":[{"location":"events[0]","field":"units_per_week","message":"the network has no demand for icu-ventilator at site-027, so the alerts cannot scale it to this rate; it is stored, and shown in the history"}]}"#]].assert_eq(&receipt.to_string());

    // The page after a page by its last line (`before`) stays the same page while new lines
    // arrive; an offset shifts by as many.
    let (_, log) = call(&f.state, Method::GET, "/audit?limit=2", Some(&f.operator)).await;
    let second = log["results"][1].clone();
    let newer = r#"{"events": [{"kind": "outage_start", "id": "e5", "site": "site-027"}]}"#;
    send(&f.state, Method::POST, "/events", Some(&f.owner), newer).await;
    let next = format!("/events?site=site-027&limit=2&before={e2}");
    let (_, after) = call(&f.state, Method::GET, &next, Some(&f.operator)).await;
    assert_eq!(event_ids(&after), ["e1"]);
    assert_eq!(
        (&after["page"]["next_offset"], &after["page"]["next_before"]),
        (&Value::Null, &Value::Null)
    );
    let (_, shifted) =
        call(&f.state, Method::GET, "/events?site=site-027&offset=3&limit=2", Some(&f.operator))
            .await;
    assert_eq!(event_ids(&shifted), ["e3", "e2"], "by offset, two pages overlap");
    let first = log["results"][0]["seq"].as_i64().unwrap();
    let (_, log) =
        call(&f.state, Method::GET, &format!("/audit?limit=1&before={first}"), Some(&f.operator))
            .await;
    assert_eq!(log["results"][0], second);
    assert_eq!(log["page"]["next_before"], second["seq"]);
    // A full page that is the last has no next: the page reads one line beyond itself.
    let (_, oldest) =
        call(&f.state, Method::GET, "/events?site=site-027&limit=2&offset=4", Some(&f.operator))
            .await;
    assert_eq!(event_ids(&oldest), ["e2", "e1"]);
    assert_eq!(
        (&oldest["page"]["next_offset"], &oldest["page"]["next_before"]),
        (&Value::Null, &Value::Null)
    );
    let before_e3 = format!(
        "/events?site=site-027&limit=2&before={}",
        oldest["results"][0]["seq"].as_i64().unwrap() + 1
    );
    let (_, oldest) = call(&f.state, Method::GET, &before_e3, Some(&f.operator)).await;
    assert_eq!(event_ids(&oldest), ["e2", "e1"]);
    assert_eq!(oldest["page"]["next_before"], Value::Null);
}

#[tokio::test]
async fn a_bad_batch_stores_nothing_and_says_where() {
    let f = fixture();
    let batch = r#"{"events": [
        {"kind": "capacity", "id": "b1", "site": "site-027", "process": "no-such-process", "hours_per_week": 40},
        {"kind": "inventory", "id": "b2", "site": "site-027", "item": "icu-ventilator", "units": -3},
        {"kind": "outage_start", "id": "b2", "site": "site-999", "expected_weeks": 2e6},
        {"kind": "capacity", "id": "b3", "site": "site-027", "process": "Rollng", "hours_per_week": 1e300},
        {"kind": "demand", "id": "b4", "site": "site-027", "item": "icu-ventilater", "units_per_week": 1},
        {"kind": "demand", "id": "b5\u0000", "site": "site-027", "item": "icu-ventilator", "units_per_week": 1}
    ]}"#;
    let (status, body) = send(&f.state, Method::POST, "/events", Some(&f.operator), batch).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    expect![[r#"
        {
          "error": {
            "code": "invalid_request",
            "message": "9 problems in the batch; nothing was stored",
            "details": [
              {
                "location": "events[0]",
                "field": "process",
                "message": "site site-027 has no process no-such-process"
              },
              {
                "location": "events[1]",
                "field": "units",
                "message": "must be a number of at least 0, not -3"
              },
              {
                "location": "events[2]",
                "field": "id",
                "message": "b2 is also the id of events[1]"
              },
              {
                "location": "events[2]",
                "field": "site",
                "message": "no site site-999 in the network"
              },
              {
                "location": "events[2]",
                "field": "expected_weeks",
                "message": "must be at most 1,000,000 weeks, not 2000000"
              },
              {
                "location": "events[3]",
                "field": "hours_per_week",
                "message": "must be at most 1e15, not 1e300"
              },
              {
                "location": "events[3]",
                "field": "process",
                "message": "site site-027 has no process Rollng (did you mean \"rolling\"?)"
              },
              {
                "location": "events[4]",
                "field": "item",
                "message": "no item icu-ventilater in the network (did you mean \"icu-ventilator\"?)"
              },
              {
                "location": "events[5]",
                "field": "id",
                "message": "\"b5\\0\" contains a control character"
              }
            ]
          }
        }"#]]
    .assert_eq(&serde_json::to_string_pretty(&body).unwrap());
    // Every event of the wrong shape is named, not only the first, and nothing is stored.
    let shapes = r#"{"events": [
        {"kind": "flood", "id": "x"},
        {"kind": "outage_start", "id": "y", "site": "site-027"},
        {"kind": "inventory", "id": "z", "site": "site-027", "item": "icu-ventilator", "units": "lots"},
        {"kind": "outage_end", "id": "w", "site": "site-027", "expected_weeks": 3}
    ]}"#;
    let (status, body) = send(&f.state, Method::POST, "/events", Some(&f.operator), shapes).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    expect![[r#"
        {
          "error": {
            "code": "invalid_request",
            "message": "3 problems in the batch; nothing was stored",
            "details": [
              {
                "location": "events[0]",
                "field": "kind",
                "message": "unknown variant `flood`, expected one of `capacity`, `outage_start`, `outage_end`, `inventory`, `demand`"
              },
              {
                "location": "events[2]",
                "field": "units",
                "message": "expected a number, got \"lots\""
              },
              {
                "location": "events[3]",
                "field": "expected_weeks",
                "message": "unknown field \"expected_weeks\"; expected id or site"
              }
            ]
          }
        }"#]].assert_eq(&serde_json::to_string_pretty(&body).unwrap());
    let one = r#"{"events": [{"kind": "outage_start", "id": "q", "site": "site-999"}]}"#;
    let (_, body) = send(&f.state, Method::POST, "/events", Some(&f.operator), one).await;
    assert_eq!(body["error"]["message"], "1 problem in the batch; nothing was stored");
    // A body that is not JSON is placed by line and column.
    let (status, body) =
        send(&f.state, Method::POST, "/events", Some(&f.operator), "{\"events\": [").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    expect![[r#"{"error":{"code":"invalid_request","message":"the body is not valid: events: the JSON ends at line 1 column 12 before it is complete: was it cut short, or is a bracket, brace or quote left open?","details":[{"location":"body","field":"events","message":"the JSON ends at line 1 column 12 before it is complete: was it cut short, or is a bracket, brace or quote left open?"}]}}"#]].assert_eq(&body.to_string());
    // A body that is not an object says so.
    let (status, body) = send(&f.state, Method::POST, "/events", Some(&f.operator), "[]").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    expect![[r#"{"error":{"code":"invalid_request","message":"the body is not valid: expected a JSON object, got a list","details":[{"location":"body","field":null,"message":"expected a JSON object ({\"field\": value, ...}), got a list"}]}}"#]].assert_eq(&body.to_string());
    // The form curl sends with -d, and a body over the limit, are named as what they are.
    let batch = r#"{"events": []}"#;
    let form = Some("application/x-www-form-urlencoded");
    let (status, body) =
        send_as(&f.state, Method::POST, "/events", Some(&f.operator), form, batch).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    expect![[r#"{"error":{"code":"invalid_request","message":"the body is not marked as JSON: expected the header Content-Type: application/json (curl sends it with -H 'Content-Type: application/json')","details":[{"location":"header","field":"content-type","message":"expected the header Content-Type: application/json (curl sends it with -H 'Content-Type: application/json')"}]}}"#]].assert_eq(&body.to_string());
    let large = format!("{batch}{}", " ".repeat(crate::MAX_BODY_BYTES));
    let (status, body) = send(&f.state, Method::POST, "/events", Some(&f.operator), &large).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    expect![[r#"{"error":{"code":"payload_too_large","message":"the body is larger than 16 MiB, the limit of this endpoint","details":[]}}"#]].assert_eq(&body.to_string());
    let (_, history) = call(&f.state, Method::GET, "/events", Some(&f.operator)).await;
    assert_eq!(history["results"], serde_json::json!([]));
}

/// Polls `GET /alerts` until `done` holds for the products alerted (the prediction runs in the
/// background after each batch).
async fn alerts_until(f: &Fixture, done: impl Fn(&[String]) -> bool) -> Value {
    for _ in 0..600 {
        let (_, alerts) = call(&f.state, Method::GET, "/alerts", Some(&f.operator)).await;
        let products: Vec<String> = alerts
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["product"].as_str().unwrap().to_owned())
            .collect();
        if done(&products) {
            return alerts;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the alerts never settled");
}

/// The sole maker of the pressure sensor reports a fire: the ventilator is predicted short,
/// caused by that site; when it is back, the alert goes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outage_at_a_sole_source_raises_an_alert_until_it_ends() {
    let f = fixture();
    assert_eq!(
        call(&f.state, Method::GET, "/alerts", Some(&f.operator)).await.1,
        serde_json::json!([])
    );
    let fire = r#"{"events": [{"kind": "outage_start", "id": "fire", "site": "site-062", "expected_weeks": 8}]}"#;
    assert_eq!(
        send(&f.state, Method::POST, "/events", Some(&f.operator), fire).await.0,
        StatusCode::OK
    );
    let alerts = alerts_until(&f, |products| products.iter().any(|p| p == "icu-ventilator")).await;
    let ventilator =
        alerts.as_array().unwrap().iter().find(|a| a["product"] == "icu-ventilator").unwrap();
    assert_eq!(
        (&ventilator["cause_site"], &ventilator["cause_item"]),
        (&Value::from("site-062"), &Value::from("pressure-sensor"))
    );
    assert!(ventilator["fill_rate"].as_f64().unwrap() < 0.95, "{ventilator}");
    assert!(ventilator["units_short"].as_f64().unwrap() > 0.0, "{ventilator}");

    let back = r#"{"events": [{"kind": "outage_end", "id": "fire-out", "site": "site-062"}]}"#;
    assert_eq!(
        send(&f.state, Method::POST, "/events", Some(&f.operator), back).await.0,
        StatusCode::OK
    );
    alerts_until(&f, <[String]>::is_empty).await;
}

/// Demand reported far above what the network makes is an alert with no outage at all; back at
/// its rate, the alert goes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_demand_surge_raises_an_alert_until_it_subsides() {
    let f = fixture();
    let surge = r#"{"events": [{"kind": "demand", "id": "surge", "item": "icu-ventilator", "site": "wh-04", "units_per_week": 5000}]}"#;
    assert_eq!(
        send(&f.state, Method::POST, "/events", Some(&f.operator), surge).await.0,
        StatusCode::OK
    );
    let alerts = alerts_until(&f, |products| products.iter().any(|p| p == "icu-ventilator")).await;
    let ventilator =
        alerts.as_array().unwrap().iter().find(|a| a["product"] == "icu-ventilator").unwrap();
    assert!(ventilator["fill_rate"].as_f64().unwrap() < 0.95, "{ventilator}");
    let calm = r#"{"events": [{"kind": "demand", "id": "calm", "item": "icu-ventilator", "site": "wh-04", "units_per_week": 50}]}"#;
    assert_eq!(
        send(&f.state, Method::POST, "/events", Some(&f.operator), calm).await.0,
        StatusCode::OK
    );
    alerts_until(&f, <[String]>::is_empty).await;
}

/// The sole maker of the pressure sensor reports a fire: the ventilator is an alert. When every
/// site it supplies reports enough sensors in stock to last the outage, the prediction starts
/// from that stock and the alert goes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reported_stock_that_covers_an_outage_clears_its_alert() {
    let f = fixture();
    let fire = r#"{"events": [{"kind": "outage_start", "id": "fire", "site": "site-062", "expected_weeks": 8}]}"#;
    assert_eq!(
        send(&f.state, Method::POST, "/events", Some(&f.operator), fire).await.0,
        StatusCode::OK
    );
    alerts_until(&f, |products| products.iter().any(|p| p == "icu-ventilator")).await;
    let customers = ["site-063", "site-064", "site-115", "site-116", "site-126", "site-127"];
    let events: Vec<String> = customers
        .iter()
        .map(|site| format!(r#"{{"kind": "inventory", "id": "stock-{site}", "site": "{site}", "item": "pressure-sensor", "units": 100000}}"#))
        .collect();
    let stock = format!(r#"{{"events": [{}]}}"#, events.join(", "));
    assert_eq!(
        send(&f.state, Method::POST, "/events", Some(&f.operator), &stock).await.0,
        StatusCode::OK
    );
    alerts_until(&f, <[String]>::is_empty).await;
}

/// The sole maker of the pressure sensor reports its fab hours gone: the ventilator is an alert
/// with no outage reported; with the hours back, the alert goes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lost_capacity_raises_an_alert_until_it_returns() {
    let f = fixture();
    let lost = r#"{"events": [{"kind": "capacity", "id": "fab-lost", "site": "site-062", "process": "semiconductor-fab", "hours_per_week": 0}]}"#;
    assert_eq!(
        send(&f.state, Method::POST, "/events", Some(&f.operator), lost).await.0,
        StatusCode::OK
    );
    let alerts = alerts_until(&f, |products| products.iter().any(|p| p == "icu-ventilator")).await;
    let ventilator =
        alerts.as_array().unwrap().iter().find(|a| a["product"] == "icu-ventilator").unwrap();
    assert!(ventilator["fill_rate"].as_f64().unwrap() < 0.95, "{ventilator}");
    assert_eq!(
        (&ventilator["cause_site"], &ventilator["cause_item"]),
        (&Value::from("site-062"), &Value::from("pressure-sensor")),
        "{ventilator}"
    );
    let back = r#"{"events": [{"kind": "capacity", "id": "fab-back", "site": "site-062", "process": "semiconductor-fab", "hours_per_week": 53.2}]}"#;
    assert_eq!(
        send(&f.state, Method::POST, "/events", Some(&f.operator), back).await.0,
        StatusCode::OK
    );
    alerts_until(&f, <[String]>::is_empty).await;
}

/// Each new alert is posted to the webhook once, with the body `GET /alerts` serves: over
/// http://, and over https:// to a server whose certificate is of a private authority given as
/// the webhook's CA. Without that CA the certificate is not trusted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_alerts_are_posted_to_the_webhook() {
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    let acceptor = authority_and_server(&ca);
    for tls in [None, Some(acceptor)] {
        let f = fixture();
        let received = Arc::new(std::sync::Mutex::new(Vec::<Value>::new()));
        let sink = Arc::clone(&received);
        let hook = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |axum::Json(body): axum::Json<Value>| {
                let sink = Arc::clone(&sink);
                async move { sink.lock().unwrap().push(body) }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let webhook = match tls {
            None => {
                tokio::spawn(async move { axum::serve(listener, hook).await });
                crate::webhook(&format!("http://{address}/hook"), None).unwrap()
            }
            Some(acceptor) => {
                tokio::spawn(async move { axum::serve(Tls { listener, acceptor }, hook).await });
                let url = format!("https://{address}/hook");
                let untrusted = crate::webhook(&url, None).unwrap();
                let refused = tokio::task::spawn_blocking(move || untrusted.send(b"{}"));
                let refused = refused.await.unwrap().unwrap_err().to_string();
                assert!(refused.contains("UnknownIssuer"), "{refused}");
                crate::webhook(&url, Some(&ca)).unwrap()
            }
        };
        let settings = Settings { alert_webhook: Some(webhook), ..Settings::default() };
        let twin = app::Twin::load(&f.config, &app::Silent).unwrap();
        let state = State::ready(f.config.clone(), settings, twin);
        let fire = r#"{"events": [{"kind": "outage_start", "id": "hook-fire", "site": "site-062", "expected_weeks": 8}]}"#;
        assert_eq!(
            send(&state, Method::POST, "/events", Some(&f.operator), fire).await.0,
            StatusCode::OK
        );
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while !received.lock().unwrap().iter().any(|a| a["product"] == "icu-ventilator") {
            assert!(std::time::Instant::now() < deadline, "no alert reached the webhook");
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        let (_, current) = call(&state, Method::GET, "/alerts", Some(&f.operator)).await;
        let posted = received.lock().unwrap().clone();
        let mut products: Vec<&str> =
            posted.iter().map(|a| a["product"].as_str().unwrap()).collect();
        products.sort_unstable();
        products.dedup();
        assert_eq!(products.len(), posted.len(), "each alert posted once: {posted:?}");
        for alert in &posted {
            assert!(current.as_array().unwrap().contains(alert), "{alert} is not a current alert");
        }
    }
    // Logs show no part of the URL that may hold the webhook's token.
    let shown: Vec<String> = [
        "https://hooks.example/services/T000/B000/s3cret?token=s3cret",
        "http://user:s3cret@127.0.0.1:9000/alerts",
        "https://hooks.example",
    ]
    .into_iter()
    .map(|url| crate::webhook(url, None).unwrap().shown)
    .collect();
    assert_eq!(
        shown,
        ["https://hooks.example/...", "http://...@127.0.0.1:9000/...", "https://hooks.example"]
    );
    let not_pem = dir.path().join("key.txt");
    std::fs::write(&not_pem, "not a certificate\n").unwrap();
    let refused: Vec<String> = [
        ("ftp://example.org/hook", None),
        ("example.org", None),
        ("http://example.org/hook", Some(ca.as_path())),
        ("https://example.org/hook", Some(not_pem.as_path())),
    ]
    .into_iter()
    .map(|(url, ca)| crate::webhook(url, ca).unwrap_err())
    .map(|e| e.replace(&dir.path().display().to_string(), "DIR"))
    .collect();
    expect![[r#"
        [
            "\"ftp://example.org/hook\" must be an http:// or https:// URL with a host",
            "\"example.org\" must be an http:// or https:// URL with a host",
            "http://example.org/...: a certificate authority is given (--alert-webhook-ca) but the URL is not https://",
            "DIR/key.txt: no certificate in it; give the PEM file of a certificate authority (-----BEGIN CERTIFICATE-----)",
        ]
    "#]].assert_debug_eq(&refused);
}

/// Writes a new certificate authority to `ca` and gives a TLS acceptor with a certificate it
/// signed for 127.0.0.1.
fn authority_and_server(ca: &std::path::Path) -> tokio_rustls::TlsAcceptor {
    let mut authority = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    authority.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let authority_key = rcgen::KeyPair::generate().unwrap();
    let authority = authority.self_signed(&authority_key).unwrap();
    std::fs::write(ca, authority.pem()).unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let certificate = rcgen::CertificateParams::new(vec!["127.0.0.1".to_owned()])
        .unwrap()
        .signed_by(&key, &authority, &authority_key)
        .unwrap();
    let key = rustls_pki_types::PrivatePkcs8KeyDer::from(key.serialize_der());
    let config = rustls::ServerConfig::builder_with_provider(crate::tls::provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![certificate.der().clone()], key.into())
        .unwrap();
    tokio_rustls::TlsAcceptor::from(Arc::new(config))
}

/// A TCP listener whose connections are served over TLS (those that fail the handshake are
/// dropped).
struct Tls {
    listener: tokio::net::TcpListener,
    acceptor: tokio_rustls::TlsAcceptor,
}

impl axum::serve::Listener for Tls {
    type Io = tokio_rustls::server::TlsStream<tokio::net::TcpStream>;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            if let Ok((stream, address)) = self.listener.accept().await
                && let Ok(stream) = self.acceptor.accept(stream).await
            {
                return (stream, address);
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.listener.local_addr()
    }
}

#[tokio::test]
async fn a_revoked_key_is_refused_once_its_recheck_interval_has_passed() {
    let f = fixture();
    let settings = Settings { key_recheck: std::time::Duration::ZERO, ..Settings::default() };
    let twin = app::Twin::load(&f.config, &app::Silent).unwrap();
    let rechecking = State::ready(f.config.clone(), settings, twin);
    for state in [&f.state, &rechecking] {
        assert_eq!(call(state, Method::GET, "/sites", Some(&f.member)).await.0, StatusCode::OK);
    }
    let id = f.member.split('_').nth(1).unwrap();
    app::access::revoke_key(&f.config, id).unwrap();
    let (status, body) = call(&rechecking, Method::GET, "/sites", Some(&f.member)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    // Within the default interval the key checked a moment ago is still trusted.
    assert_eq!(call(&f.state, Method::GET, "/sites", Some(&f.member)).await.0, StatusCode::OK);
    // Other keys are untouched.
    assert_eq!(call(&rechecking, Method::GET, "/sites", Some(&f.viewer)).await.0, StatusCode::OK);
    assert!(matches!(app::access::revoke_key(&f.config, id), Err(app::Error::NotFound(_))));
}

/// An operator's import is validated whole, stored, and served at once; a bad document changes
/// nothing and says where it is wrong; plans made on the old network cannot be re-planned.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_replaces_the_served_network() {
    let f = fixture();
    let plan = send(&f.state, Method::POST, "/jobs/mobilize", Some(&f.operator), MOBILIZE).await.1;
    let plan = plan["id"].as_str().unwrap().to_owned();
    let original = document(&f);
    assert!(original.contains("Liberty Ulsan plant"));

    let broken = original.replacen("\"org-008\"", "\"org-nobody\"", 1);
    let (status, body) = send(&f.state, Method::POST, "/import", Some(&f.operator), &broken).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let details = body["error"]["details"].as_array().unwrap();
    assert!(
        details.iter().any(|d| d["location"]
            .as_str()
            .unwrap()
            .starts_with("POST /import by america-makes: $.")),
        "{body}"
    );
    assert_eq!(
        call(&f.state, Method::GET, "/sites/site-027", Some(&f.viewer)).await.1["name"],
        "Liberty Ulsan plant"
    );
    // The log holds the attempt, then that it was refused and why.
    let (_, log) = call(&f.state, Method::GET, "/audit?limit=2", Some(&f.operator)).await;
    let lines: Vec<(&str, &str)> = log["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["action"].as_str().unwrap(), e["target"].as_str().unwrap()))
        .collect();
    assert_eq!(lines[1], ("import network", format!("{} bytes", broken.len()).as_str()));
    assert_eq!(lines[0].0, "import network refused");
    let message = body["error"]["message"].as_str().unwrap();
    assert_eq!(lines[0].1, format!("400: {message}"), "{log}");

    // Larger than the limit of other requests: the import has its own. Like the CLI's, it
    // caches the new network's graph for the commands after it.
    let cached_before = cached_at(&f);
    let renamed = original.replace("Liberty Ulsan plant", "Liberty Ulsan works")
        + &" ".repeat(crate::MAX_BODY_BYTES);
    let (status, receipt) =
        send(&f.state, Method::POST, "/import", Some(&f.operator), &renamed).await;
    assert_eq!(status, StatusCode::OK, "{receipt}");
    assert_ne!(cached_at(&f), cached_before, "the graph cache is written again");
    assert_eq!(receipt["source"], "POST /import by america-makes");
    let records = app::network(&f.config, &app::Silent).unwrap().n_records();
    assert_eq!(receipt["records"], records);
    assert_eq!(
        call(&f.state, Method::GET, "/sites/site-027", Some(&f.viewer)).await.1["name"],
        "Liberty Ulsan works"
    );
    let (_, log) = call(&f.state, Method::GET, "/audit?limit=1", Some(&f.operator)).await;
    assert_eq!(log["results"][0]["action"], "import network");

    // The plan was made on the network before.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while call(&f.state, Method::GET, &format!("/jobs/{plan}"), Some(&f.operator)).await.1["status"]
        != "done"
    {
        assert!(std::time::Instant::now() < deadline, "the plan never finished");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let replan = format!(
        r#"{{"plan": "{plan}", "events": {{"event": [{{"kind": "site", "site": "site-133", "start_week": 4}}]}}}}"#
    );
    let (status, body) =
        send(&f.state, Method::POST, "/jobs/replan", Some(&f.operator), &replan).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("plan again"), "{body}");
}

/// A member reads its organization's records and writes them back changed: the server serves
/// the change at once, both are audited, and records that are not its own are refused where they
/// stand in the document, with nothing written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_writes_its_own_records() {
    let f = fixture();
    let uri = format!("/organizations/{OWNER}/records");
    let (status, mine) = call(&f.state, Method::GET, &uri, Some(&f.owner)).await;
    assert_eq!(status, StatusCode::OK, "{mine}");
    let sites = mine["sites"].as_array().unwrap();
    let at = sites.iter().position(|s| s["id"] == SITE).unwrap();
    assert!(sites.iter().all(|s| s["organization"] == OWNER), "{mine}");
    let mut changed = mine.clone();
    changed["sites"][at]["name"] = "Liberty Ulsan works".into();
    changed["capabilities"][0]["hours_per_week"] = 999.0.into();
    let process = changed["capabilities"][0]["process"].as_str().unwrap().to_owned();
    let cached_before = cached_at(&f);
    let (status, receipt) =
        send(&f.state, Method::PUT, &uri, Some(&f.owner), &changed.to_string()).await;
    assert_eq!(status, StatusCode::OK, "{receipt}");
    assert_eq!(receipt["source"], "PUT /organizations/org-008/records by org-008");
    assert_ne!(cached_at(&f), cached_before, "the new network's graph is cached");
    assert_eq!(
        call(&f.state, Method::GET, "/sites/site-027", Some(&f.viewer)).await.1["name"],
        "Liberty Ulsan works"
    );
    let (_, capacity) =
        call(&f.state, Method::GET, "/sites/site-027/capacity", Some(&f.owner)).await;
    let hours = capacity["capabilities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["process"] == process.as_str())
        .unwrap();
    assert_eq!(hours["hours_per_week"], 999.0);
    assert_eq!(call(&f.state, Method::GET, &uri, Some(&f.owner)).await.1, changed);
    let (_, log) = call(&f.state, Method::GET, "/audit?limit=4", Some(&f.operator)).await;
    let actions: Vec<&str> =
        log["results"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["read records", "read capacity", "write records", "read records"]);

    // Another organization's site in the document: refused, located, nothing written.
    let other = records(&f, "org-001");
    let other: Value = serde_json::from_str(&other).unwrap();
    let mut taken = changed.clone();
    taken["sites"].as_array_mut().unwrap().push(other["sites"][0].clone());
    let (status, body) =
        send(&f.state, Method::PUT, &uri, Some(&f.owner), &taken.to_string()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let detail = &body["error"]["details"][0];
    let location =
        format!("PUT /organizations/org-008/records by org-008: $.sites[{}]", sites.len());
    assert_eq!(detail["location"], location.as_str(), "{body}");
    assert_eq!(detail["field"], "organization", "{body}");
    let (_, log) = call(&f.state, Method::GET, "/audit?limit=2", Some(&f.operator)).await;
    let actions: Vec<&str> =
        log["results"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["write records refused", "write records"]);
    assert!(log["results"][0]["target"].as_str().unwrap().starts_with("400: "), "{log}");
    assert_eq!(call(&f.state, Method::GET, &uri, Some(&f.owner)).await.1, changed);
    let (status, _) = send(
        &f.state,
        Method::PUT,
        "/organizations/org-001/records",
        Some(&f.owner),
        &taken.to_string(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// Another process writes to the store the server serves: the server's next write is checked
/// against the stored network instead of undoing that write, and the server serves what the
/// store holds once it looks.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_processs_write_is_never_undone() {
    let f = fixture();
    // The other process: org-001 renames its first site.
    let elsewhere = app::Twin::load(&f.config, &app::Silent).unwrap();
    let mut theirs = app::records::part(elsewhere.network(), "org-001");
    let site = theirs.sites[0].id.clone();
    theirs.sites[0].name = "Renamed elsewhere".into();
    let text = app::interchange::json_document(&theirs).to_string();
    elsewhere.replace_records(&f.config, "org-001", &text, "another server").unwrap();

    // This server still serves the network before, and writes org-008's records on it.
    let site_uri = format!("/sites/{site}");
    assert_ne!(
        call(&f.state, Method::GET, &site_uri, Some(&f.viewer)).await.1["name"],
        "Renamed elsewhere"
    );
    let uri = format!("/organizations/{OWNER}/records");
    let mut mine = call(&f.state, Method::GET, &uri, Some(&f.owner)).await.1;
    let at = mine["sites"].as_array().unwrap().iter().position(|s| s["id"] == SITE).unwrap();
    mine["sites"][at]["name"] = "Liberty Ulsan works".into();
    let (status, receipt) =
        send(&f.state, Method::PUT, &uri, Some(&f.owner), &mine.to_string()).await;
    assert_eq!(status, StatusCode::OK, "{receipt}");
    let stored = app::network(&f.config, &app::Silent).unwrap();
    let name = |id: &str| stored.sites.iter().find(|s| s.id == id).unwrap().name.clone();
    assert_eq!(
        (name(&site), name(SITE)),
        ("Renamed elsewhere".to_owned(), "Liberty Ulsan works".to_owned())
    );
    assert_eq!(
        call(&f.state, Method::GET, &site_uri, Some(&f.viewer)).await.1["name"],
        "Renamed elsewhere"
    );

    // An import by another process: served once the server looks, and not before.
    assert!(!crate::import::reload_if_stale(&f.state).await.unwrap());
    let mut renamed = stored.clone();
    renamed.sites.iter_mut().find(|s| s.id == SITE).unwrap().name = "Imported elsewhere".into();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("network.json");
    app::interchange::write(&renamed, &path, app::interchange::Format::Json).unwrap();
    app::import(&f.config, &path, None, &app::Silent).unwrap();
    assert!(crate::import::reload_if_stale(&f.state).await.unwrap());
    let served = call(&f.state, Method::GET, "/sites/site-027", Some(&f.viewer)).await.1;
    assert_eq!(served["name"], "Imported elsewhere");
}

mod jobs;

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

/// A broker is `HOST:PORT`, `mqtt://[USER[:PASSWORD]@]HOST[:PORT]` or the same with `mqtts://`
/// for TLS; what cannot be one is named, with the password hidden.
#[test]
fn broker_addresses_are_read_or_refused_with_the_reason() {
    use crate::mqtt::{Reach, broker};
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    let authority = rcgen::generate_simple_self_signed(["broker.example".to_owned()]).unwrap();
    std::fs::write(&ca, authority.cert.pem()).unwrap();
    let not_pem = dir.path().join("key.txt");
    std::fs::write(&not_pem, "not a certificate\n").unwrap();
    // A client certificate, with its key and with another one.
    let key = dir.path().join("key.pem");
    std::fs::write(&key, authority.key_pair.serialize_pem()).unwrap();
    let other_key = dir.path().join("other-key.pem");
    std::fs::write(&other_key, rcgen::KeyPair::generate().unwrap().serialize_pem()).unwrap();
    let identity = |key| Reach { ca: Some(&ca), identity: Some((&ca, key)), ..Reach::default() };
    let read = |url: &str, reach: Reach<'_>| {
        broker(url, reach).map(|b| {
            let login = b.login.map(|l| format!(" as {}/{}", l.user, l.password));
            let tls = if b.tls.is_some() { " over TLS" } else { "" };
            format!("{}:{}{tls}{}", b.host, b.port, login.unwrap_or_default())
        })
    };
    let plain = Reach::default();
    let password = Reach { password: Some("from-env"), ..Reach::default() };
    let trusting = Reach { ca: Some(&ca), ..Reach::default() };
    let read: Vec<Result<String, String>> = vec![
        read("127.0.0.1:1883", plain),
        read("mqtt://broker.example/", plain),
        read("mqtt://arsenal:p%40ss%3Aw0rd@broker.example:1884", plain),
        read("mqtt://arsenal@broker.example", password),
        read("mqtt://arsenal:in-url@broker.example", password),
        read("mqtts://broker.example", trusting),
        read("mqtts://arsenal@broker.example:8884", Reach { password: Some("p"), ..trusting }),
        read("mqtts://broker.example", identity(&key)),
        read("nowhere:99999", plain),
        read("nowhere:0", plain),
        read("mqtt://arsenal:s3cret@nowhere:x", plain),
        read(":1883", plain),
        read("http://broker.example", plain),
        read("mqtt://arsenal@broker.example", plain),
        read("mqtt://broker.example", password),
        read("mqtt://:s3cret@broker.example", plain),
        read("mqtt://broker.example", trusting),
        read("mqtts://broker.example", Reach { ca: Some(&not_pem), ..Reach::default() }),
        read("mqtts://broker.example", Reach { ca: Some(&dir.path().join("no.pem")), ..plain }),
        read("mqtt://broker.example", Reach { identity: Some((&ca, &key)), ..plain }),
        read("mqtts://broker.example", identity(&other_key)),
        read("mqtts://broker.example", identity(&not_pem)),
    ];
    let read = format!("{read:#?}").replace(&dir.path().display().to_string(), "DIR");
    expect![[r#"
        [
            Ok(
                "127.0.0.1:1883",
            ),
            Ok(
                "broker.example:1883",
            ),
            Ok(
                "broker.example:1884 as arsenal/p@ss:w0rd",
            ),
            Ok(
                "broker.example:1883 as arsenal/from-env",
            ),
            Ok(
                "broker.example:1883 as arsenal/in-url",
            ),
            Ok(
                "broker.example:8883 over TLS",
            ),
            Ok(
                "broker.example:8884 over TLS as arsenal/p",
            ),
            Ok(
                "broker.example:8883 over TLS",
            ),
            Err(
                "nowhere:99999: the port must be a whole number from 1 to 65535, not \"99999\"",
            ),
            Err(
                "nowhere:0: the port must be a whole number from 1 to 65535, not \"0\"",
            ),
            Err(
                "mqtt://arsenal:***@nowhere:x: the port must be a whole number from 1 to 65535, not \"x\"",
            ),
            Err(
                ":1883: no host",
            ),
            Err(
                "http://broker.example: http:// is not a broker's address; mqtt:// for TCP, mqtts:// for TLS",
            ),
            Err(
                "mqtt://arsenal@broker.example: no password for arsenal: set ARSENAL_MQTT_PASSWORD (or write mqtt://USER:PASSWORD@HOST)",
            ),
            Err(
                "mqtt://broker.example: a password is given (ARSENAL_MQTT_PASSWORD or --mqtt-password) but no user: write the user in the address, mqtt://USER@HOST",
            ),
            Err(
                "mqtt://:***@broker.example: no user before the '@'",
            ),
            Err(
                "mqtt://broker.example: a CA or a client certificate is given (--mqtt-ca, --mqtt-cert) but the broker is not reached over TLS; write mqtts://",
            ),
            Err(
                "DIR/key.txt: no certificate in it; give the PEM file of a certificate authority (-----BEGIN CERTIFICATE-----)",
            ),
            Err(
                "DIR/no.pem: cannot read certificates: I/O error: No such file or directory (os error 2)",
            ),
            Err(
                "mqtt://broker.example: a CA or a client certificate is given (--mqtt-ca, --mqtt-cert) but the broker is not reached over TLS; write mqtts://",
            ),
            Err(
                "DIR/ca.pem: does not go with its key: keys may not be consistent: KeyMismatch",
            ),
            Err(
                "DIR/key.txt: cannot read a private key (-----BEGIN PRIVATE KEY-----): no items found",
            ),
        ]"#]].assert_eq(&read);
}
