//! Jobs through the API on the sample network: each answer equals the use case the CLI runs,
//! bad documents are refused before anything is queued, and cancellation stops queued and
//! running work.

use std::time::{Duration, Instant};

use axum::http::{Method, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

use super::{Fixture, MOBILIZE, STRESS, call, fixture, send};

/// Posts a job as the operator; returns its id.
async fn post(f: &Fixture, path: &str, body: &str) -> String {
    let (status, job) = send(&f.state, Method::POST, path, Some(&f.operator), body).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{path}: {job}");
    assert_eq!(job["status"], "queued", "{job}");
    job["id"].as_str().unwrap().to_owned()
}

/// The job once it has stopped queueing and running.
async fn finished(f: &Fixture, id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let (status, job) =
            call(&f.state, Method::GET, &format!("/jobs/{id}"), Some(&f.operator)).await;
        assert_eq!(status, StatusCode::OK, "{job}");
        if !matches!(job["status"].as_str(), Some("queued" | "running")) {
            return job;
        }
        assert!(Instant::now() < deadline, "job {id} did not finish: {job}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The result of a job that must finish well.
async fn result(f: &Fixture, id: &str) -> Value {
    let job = finished(f, id).await;
    assert_eq!(job["status"], "done", "{job}");
    let (status, result) =
        call(&f.state, Method::GET, &format!("/jobs/{id}/result"), Some(&f.operator)).await;
    assert_eq!(status, StatusCode::OK, "{result}");
    result
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_risk_report_equals_the_cli_s() {
    let f = fixture();
    let id = post(&f, "/jobs/risks", r#"{"item": "icu-ventilator"}"#).await;
    let served = result(&f, &id).await;
    let direct =
        app::risks(&f.config, Some("icu-ventilator"), app::ExposureMethod::Fast, &app::Silent)
            .unwrap();
    assert_eq!(served, serde_json::to_value(&direct).unwrap());
    assert!(!served["exposure"].as_array().unwrap().is_empty());
    // Starting it was audited with the job's id.
    let (_, log) = call(&f.state, Method::GET, "/audit?limit=5", Some(&f.operator)).await;
    assert!(
        log["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "run risks" && e["target"] == id),
        "{log}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stress_test_equals_the_cli_s() {
    let f = fixture();
    let id = post(&f, "/jobs/stress", STRESS).await;
    let served = result(&f, &id).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fire.json");
    let body: Value = serde_json::from_str(STRESS).unwrap();
    std::fs::write(&path, body["scenario"].to_string()).unwrap();
    let options = app::StressOptions { horizon_weeks: Some(20.0), ..app::StressOptions::default() };
    let direct = app::stress(&f.config, &path, &options, &app::Silent).unwrap();
    assert_eq!(served, serde_json::to_value(&direct).unwrap());
    let ventilator = served["products"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["item"] == "icu-ventilator")
        .unwrap();
    assert!(ventilator["fill_rate"].as_f64().unwrap() < 1.0, "{ventilator}");
}

#[tokio::test]
async fn bad_documents_are_refused_before_anything_is_queued() {
    let f = fixture();
    let cases = [
        (
            "/jobs/stress",
            r#"{"scenario": {"event": [{"kind": "site", "site": "nowhere", "start_week": 1, "duration_weeks": 2}]}}"#,
        ),
        ("/jobs/stress", r#"{"scenario": {"event": [{"kind": "site"}]}}"#),
        ("/jobs/monte-carlo", r#"{"scenarios": 0}"#),
        ("/jobs/monte-carlo", r#"{"scenarios": 35, "horizon_weeks": 4.8e228, "period": "day"}"#),
        ("/jobs/monte-carlo", r#"{"scenarios": 3, "hazards": {"site_outages_per_year": 1e300}}"#),
        ("/jobs/stress", r#"{"scenario": {"horizon_weeks": 1e9}}"#),
        (
            "/jobs/monte-carlo",
            r#"{"scenarios": 3, "hazards": {"ttr_sigma": -1, "partial_shares": 0.5}}"#,
        ),
        (
            "/jobs/mobilize",
            r#"{"demand": {"target": [{"item": "unobtainium", "quantity": 5, "due_week": 3}]}}"#,
        ),
        (
            "/jobs/mobilize",
            r#"{"demand": {"horizon_weeks": 26, "target": [{"item": "icu-ventilator", "quantity": 5, "due_week": 3}]}, "horizon_weeks": 600}"#,
        ),
        ("/jobs/risks", r#"{"item": "unobtainium"}"#),
        ("/jobs/risks", r#"{"itm": "icu-ventilator"}"#),
        ("/jobs/risks", r#"{"item": "icu-ventilator", "item": "small-uas"}"#),
        ("/jobs/stress", r#"{"scenario": "data/scenarios/gulf-hurricane.toml"}"#),
        ("/jobs/replan", r#"{"events": {"event": []}}"#),
        (
            "/jobs/mobilize",
            r#"{"demand": {"target": [{"item": "icu-ventilator", "quantity": 5, "due_week": 3}]}, "time_limit_seconds": 0}"#,
        ),
        ("/jobs/monte-carlo", r#"{"scenarios": 3, "time_limit_seconds": -1}"#),
    ];
    let mut out = String::new();
    for (path, body) in cases {
        let (status, answer) = send(&f.state, Method::POST, path, Some(&f.operator), body).await;
        out.push_str(&format!("{path} -> {} {answer}\n", status.as_u16()));
    }
    expect_test::expect![[r#"
        /jobs/stress -> 400 {"error":{"code":"invalid_request","message":"scenario: 1 problem in the scenario","details":[{"location":"scenario: $.event[0]","field":"site","message":"no site \"nowhere\" in the stored network"}]}}
        /jobs/stress -> 400 {"error":{"code":"invalid_request","message":"scenario: 1 problem in the scenario","details":[{"location":"scenario: $.event[0]","field":"site","message":"a site event needs site"}]}}
        /jobs/monte-carlo -> 400 {"error":{"code":"invalid_request","message":"a Monte Carlo run draws 1 to 1,000,000 scenarios, not 0","details":[]}}
        /jobs/monte-carlo -> 400 {"error":{"code":"invalid_request","message":"the horizon must be 1 to 520 weeks, not 4.8e228","details":[]}}
        /jobs/monte-carlo -> 400 {"error":{"code":"invalid_request","message":"hazards: 1 problem in the hazards","details":[{"location":"hazards","field":"site_outages_per_year","message":"must be 0 to 12, not 1e300"}]}}
        /jobs/stress -> 400 {"error":{"code":"invalid_request","message":"scenario: 1 problem in the scenario","details":[{"location":"scenario","field":"horizon_weeks","message":"must be 1 to 520, not 1000000000"}]}}
        /jobs/monte-carlo -> 400 {"error":{"code":"invalid_request","message":"hazards: 2 problems in the hazards","details":[{"location":"hazards","field":"ttr_sigma","message":"must be 0 to 3, not -1"},{"location":"hazards","field":"partial_shares","message":"unknown field \"partial_shares\" (did you mean \"partial_share\"?); expected one of site_outages_per_year, ttr_sigma, partial_share, regional_events_per_year, regional_radius_km, regional_weeks, regional_recovery_weeks, state_events_per_year, state_weeks"}]}}
        /jobs/mobilize -> 400 {"error":{"code":"invalid_request","message":"demand: 1 problem in the plan's request","details":[{"location":"demand: $.target[0]","field":"item","message":"no item \"unobtainium\" in the stored network"}]}}
        /jobs/mobilize -> 400 {"error":{"code":"invalid_request","message":"the horizon must be 1 to 520 weeks, not 600","details":[]}}
        /jobs/risks -> 404 {"error":{"code":"not_found","message":"no item \"unobtainium\" in the stored network","details":[]}}
        /jobs/risks -> 400 {"error":{"code":"invalid_request","message":"the body is not valid: itm: unknown field \"itm\" (did you mean \"item\"?); expected item","details":[{"location":"body","field":"itm","message":"unknown field \"itm\" (did you mean \"item\"?); expected item"}]}}
        /jobs/risks -> 400 {"error":{"code":"invalid_request","message":"the body is not valid: item: duplicate field `item` at line 1 column 33","details":[{"location":"body","field":"item","message":"duplicate field `item` at line 1 column 33"}]}}
        /jobs/stress -> 400 {"error":{"code":"invalid_request","message":"scenario: 1 problem in the scenario","details":[{"location":"scenario","field":null,"message":"expected a JSON object with the fields of the scenario, got text; send the document itself, not its file name"}]}}
        /jobs/replan -> 400 {"error":{"code":"invalid_request","message":"the body is not valid: plan: missing; it is required","details":[{"location":"body","field":"plan","message":"missing; it is required"}]}}
        /jobs/mobilize -> 400 {"error":{"code":"invalid_request","message":"the body is not valid: time_limit_seconds: a time limit is more than zero seconds, not 0","details":[{"location":"body","field":"time_limit_seconds","message":"a time limit is more than zero seconds, not 0"}]}}
        /jobs/monte-carlo -> 400 {"error":{"code":"invalid_request","message":"the body is not valid: time_limit_seconds: a time limit is more than zero seconds, not -1","details":[{"location":"body","field":"time_limit_seconds","message":"a time limit is more than zero seconds, not -1"}]}}
    "#]].assert_eq(&out);
    let (_, jobs) = call(&f.state, Method::GET, "/jobs", Some(&f.operator)).await;
    assert_eq!(jobs, serde_json::json!([]));
}

/// A job the engines fail on after it was accepted ends `failed`, with the error body's form and
/// the engine's reason, and has no result: here a target worth 1e15 a unit, which passes the
/// request's checks but not the LP solver's (it refuses a coefficient of 1e15), so the request is
/// named as the likely cause.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_that_fails_after_it_was_accepted_says_why() {
    let f = fixture();
    let body = r#"{"demand": {"target": [{"item": "icu-ventilator", "quantity": 5, "due_week": 20, "value": 1e15}]}}"#;
    let id = post(&f, "/jobs/mobilize", body).await;
    let job = finished(&f, &id).await;
    assert_eq!(job["status"], "failed", "{job}");
    assert_eq!(job["error"]["code"], "invalid_request", "{job}");
    let message = job["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("the planning program could not be solved: HiGHS refused the program")
            && message.contains("the program's numbers run from 3.74e-4 to 1.00e15"),
        "{message}"
    );
    let (status, answer) =
        call(&f.state, Method::GET, &format!("/jobs/{id}/result"), Some(&f.operator)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{answer}");
    let said = answer["error"]["message"].as_str().unwrap();
    assert!(said.contains("has no result: it failed: the planning program could not"), "{said}");
}

/// A plan job out of its time limit fails with the code `timeout`, saying so, and has no result.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plan_job_out_of_time_fails_as_a_timeout() {
    let f = fixture();
    let mut body: Value = serde_json::from_str(MOBILIZE).unwrap();
    body["time_limit_seconds"] = Value::from(1e-9);
    let id = post(&f, "/jobs/mobilize", &body.to_string()).await;
    let job = finished(&f, &id).await;
    assert_eq!(job["status"], "failed", "{job}");
    assert_eq!(job["error"]["code"], "timeout", "{job}");
    let message = job["error"]["message"].as_str().unwrap();
    let said = "the plan ran out of its time limit of 1ns while building the program (after ";
    assert!(message.starts_with(said), "{message}");
    let (status, _) =
        call(&f.state, Method::GET, &format!("/jobs/{id}/result"), Some(&f.operator)).await;
    assert_eq!(status, StatusCode::CONFLICT);
}

/// A Monte Carlo job out of its time limit is done, its result covering the scenarios it ran
/// from the first on, of those asked; the server's plan time limit is not its.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_monte_carlo_job_out_of_time_reports_what_it_ran() {
    let f = fixture();
    let settings = crate::Settings {
        plan_time_limit: Some(Duration::from_nanos(1)),
        ..crate::Settings::default()
    };
    let twin = app::Twin::load(&f.config, &app::Silent).unwrap();
    let f = Fixture { state: crate::State::ready(f.config.clone(), settings, twin), ..f };
    let id =
        post(&f, "/jobs/monte-carlo", r#"{"scenarios": 1000000, "time_limit_seconds": 0.5}"#).await;
    let job = finished(&f, &id).await;
    assert_eq!(job["status"], "done", "{job}");
    // Its `total` is every scenario asked, so the stage says when it stops.
    assert_eq!(job["stage"], "scenarios, stopping at 500ms", "{job}");
    let (status, result) =
        call(&f.state, Method::GET, &format!("/jobs/{id}/result"), Some(&f.operator)).await;
    assert_eq!(status, StatusCode::OK, "{result}");
    assert_eq!(result["asked"], 1_000_000);
    let ran = result["scenarios"].as_u64().unwrap();
    assert!((1..1_000_000).contains(&ran), "{ran}");
    assert_eq!(result["losses"].as_array().unwrap().len() as u64, ran);
}

/// A server's plan time limit is that of a job that asks for none, and caps one that asks for
/// more; a job asking for less keeps its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_servers_plan_time_limit_caps_every_plan_job() {
    let (nanosecond, hour) = (Duration::from_nanos(1), Duration::from_secs(3600));
    for (server, asked, limit) in
        [(nanosecond, None, "1ns"), (nanosecond, Some(3600.0), "1ns"), (hour, Some(2e-9), "2ns")]
    {
        let f = fixture();
        let settings =
            crate::Settings { plan_time_limit: Some(server), ..crate::Settings::default() };
        let twin = app::Twin::load(&f.config, &app::Silent).unwrap();
        let f = Fixture { state: crate::State::ready(f.config.clone(), settings, twin), ..f };
        let mut body: Value = serde_json::from_str(MOBILIZE).unwrap();
        if let Some(seconds) = asked {
            body["time_limit_seconds"] = Value::from(seconds);
        }
        let id = post(&f, "/jobs/mobilize", &body.to_string()).await;
        let job = finished(&f, &id).await;
        assert_eq!(job["error"]["code"], "timeout", "{asked:?}: {job}");
        let message = job["error"]["message"].as_str().unwrap();
        let said = format!("the plan ran out of its time limit of {limit} while building");
        assert!(message.starts_with(&said), "{asked:?}: {message}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelled_jobs_stop() {
    let f = fixture();
    // Far more scenarios than the test waits for: only cancellation ends it in time.
    let running = post(&f, "/jobs/monte-carlo", r#"{"scenarios": 1000000}"#).await;
    let queued = post(&f, "/jobs/risks", "{}").await;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (_, job) =
            call(&f.state, Method::GET, &format!("/jobs/{running}"), Some(&f.operator)).await;
        if job["status"] == "running" && job["done"].as_u64().unwrap_or(0) > 0 {
            assert_eq!(job["stage"], "scenarios");
            break;
        }
        assert!(Instant::now() < deadline, "the Monte Carlo job never ran: {job}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Checking a job needs parallel work too (the graph of a plan's network), which does not
    // wait behind the running job: the plan is queued while the Monte Carlo run goes on.
    let plan = post(&f, "/jobs/mobilize", MOBILIZE).await;
    let (_, job) =
        call(&f.state, Method::GET, &format!("/jobs/{running}"), Some(&f.operator)).await;
    assert_eq!(job["status"], "running");
    call(&f.state, Method::DELETE, &format!("/jobs/{plan}"), Some(&f.operator)).await;
    // The queued job is cancelled at once and never runs.
    let (status, job) =
        call(&f.state, Method::DELETE, &format!("/jobs/{queued}"), Some(&f.operator)).await;
    assert_eq!((status, &job["status"]), (StatusCode::OK, &Value::from("cancelled")));
    let (status, job) =
        call(&f.state, Method::DELETE, &format!("/jobs/{running}"), Some(&f.operator)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(job["status"], "running");
    let stopped = finished(&f, &running).await;
    assert_eq!(stopped["status"], "cancelled", "{stopped}");
    assert!(stopped["done"].as_u64().unwrap() < 1_000_000);
    let (status, body) =
        call(&f.state, Method::GET, &format!("/jobs/{running}/result"), Some(&f.operator)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let said = format!("job {running} has no result: it was cancelled");
    assert_eq!(body["error"]["message"], said.as_str());
    let (status, body) =
        call(&f.state, Method::DELETE, &format!("/jobs/{running}"), Some(&f.operator)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let said = format!("job {running} has finished already: it was cancelled");
    assert_eq!(body["error"]["message"], said.as_str());
    assert_eq!(finished(&f, &queued).await["status"], "cancelled");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replan_from_a_plan_job_equals_a_cold_solve() {
    let f = fixture();
    let plan = post(&f, "/jobs/mobilize", MOBILIZE).await;
    let planned = result(&f, &plan).await;
    assert!(planned["plan"]["value_met"].as_f64().unwrap() > 0.0, "{}", planned["plan"]);
    let events = r#"{"event": [{"kind": "site", "site": "site-133", "start_week": 4}]}"#;
    let warm =
        post(&f, "/jobs/replan", &format!(r#"{{"plan": "{plan}", "events": {events}}}"#)).await;
    let cold = post(
        &f,
        "/jobs/replan",
        &format!(r#"{{"plan": "{plan}", "events": {events}, "cold": true}}"#),
    )
    .await;
    let (warm, cold) = (result(&f, &warm).await, result(&f, &cold).await);
    assert_eq!(warm["events"], 1);
    assert_eq!(warm["document"]["plan"]["program"]["warm_start"], true);
    assert_eq!(cold["document"]["plan"]["program"]["warm_start"], false);
    for objective in ["objective_met", "objective_cost"] {
        let (w, c) = (
            warm["document"]["plan"]["program"][objective].as_f64().unwrap(),
            cold["document"]["plan"]["program"][objective].as_f64().unwrap(),
        );
        assert!((w - c).abs() <= 1e-6 * (1.0 + c.abs()), "{objective}: {w} vs {c}");
    }
    assert_eq!(warm["diff"]["value_met_before"], planned["plan"]["value_met"]);

    // A job without a plan cannot be re-planned.
    let risks = post(&f, "/jobs/risks", "{}").await;
    finished(&f, &risks).await;
    let (status, body) = send(
        &f.state,
        Method::POST,
        "/jobs/replan",
        Some(&f.operator),
        &format!(r#"{{"plan": "{risks}", "events": {events}}}"#),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
}

#[tokio::test]
async fn maps_equal_the_cli_s_in_every_format() {
    let f = fixture();
    let (status, served) =
        call(&f.state, Method::GET, "/items/icu-ventilator/map?depth=2", Some(&f.operator)).await;
    assert_eq!(status, StatusCode::OK);
    let direct = app::map(&f.config, "icu-ventilator", None, Some(2), &app::Silent).unwrap();
    assert_eq!(served, serde_json::to_value(&direct).unwrap());
    let (status, geojson) = call(
        &f.state,
        Method::GET,
        "/items/icu-ventilator/map?format=geojson&site=wh-04",
        Some(&f.operator),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let direct = app::map(&f.config, "icu-ventilator", Some("wh-04"), None, &app::Silent).unwrap();
    assert_eq!(geojson, app::map::to_geojson(&direct));
    let request = axum::http::Request::get("/items/icu-ventilator/map?format=dot")
        .header(axum::http::header::AUTHORIZATION, format!("Bearer {}", f.operator))
        .body(axum::body::Body::empty())
        .unwrap();
    let response = crate::router(std::sync::Arc::clone(&f.state)).oneshot(request).await.unwrap();
    assert_eq!(response.headers()[axum::http::header::CONTENT_TYPE], "text/vnd.graphviz");
    let dot = response.into_body().collect().await.unwrap().to_bytes();
    let direct = app::map(&f.config, "icu-ventilator", None, None, &app::Silent).unwrap();
    assert_eq!(String::from_utf8_lossy(&dot), app::map::to_dot(&direct));
    let (status, body) =
        call(&f.state, Method::GET, "/items/icu-ventilator/map?format=svg", Some(&f.operator))
            .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, _) =
        call(&f.state, Method::GET, "/items/unobtainium/map", Some(&f.operator)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
