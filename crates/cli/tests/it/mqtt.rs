//! Events over MQTT through a real broker, when `ARSENAL_TEST_MQTT_URL` names one (otherwise
//! skipped, with the reason printed): a batch published with a key is stored, answered on the
//! receipts topic, and served by `GET /events`.

use std::io::Write;
use std::time::Duration;

use rumqttc::{Client, Event, MqttOptions, Packet, QoS};

use crate::run;
use crate::serve::{get_with, ready, start, terminate};

#[test]
fn a_batch_over_mqtt_is_stored_and_answered() {
    // The test reads the environment itself: this is the switch .ci/run sets.
    #[allow(clippy::disallowed_methods)]
    let Ok(url) = std::env::var("ARSENAL_TEST_MQTT_URL") else {
        // Straight to the terminal: the test harness captures `eprintln!`.
        let _ = writeln!(std::io::stderr(), "mqtt: skipped: ARSENAL_TEST_MQTT_URL is not set");
        return;
    };
    let server::mqtt::Broker { host, port, .. } = server::mqtt::broker(&url).unwrap();
    let dir = crate::sample();
    let created =
        run(dir.path(), &["key", "create", "--org", "org-008", "--role", "member", "--json"]);
    let created: serde_json::Value = serde_json::from_slice(&created.stdout).unwrap();
    let key = created["key"].as_str().unwrap().to_owned();
    // A client id of its own, so test runs and servers on the same broker do not take over
    // each other's session.
    let id = format!("arsenal-test-server-{}", std::process::id());
    let server = start(dir.path(), "127.0.0.1:0", &["--mqtt", &url, "--mqtt-client-id", &id]);
    ready(&server.address);

    let mut options = MqttOptions::new(format!("arsenal-test-{}", std::process::id()), host, port);
    options.set_keep_alive(Duration::from_secs(10));
    let (client, mut connection) = Client::new(options, 10);
    client.subscribe("arsenal/org-008/receipts", QoS::AtLeastOnce).unwrap();
    let batch = serde_json::json!({
        "key": key,
        "events": [
            {"kind": "outage_start", "id": "mqtt-1", "site": "site-027", "expected_weeks": 3},
            {"kind": "inventory", "id": "mqtt-2", "site": "site-027", "item": "icu-ventilator", "units": 5}
        ]
    });
    // The server subscribes once the network is loaded, so publish until it answers.
    let mut receipt = None;
    'waiting: for _ in 0..30 {
        client
            .publish("arsenal/org-008/events", QoS::AtLeastOnce, false, batch.to_string())
            .unwrap();
        while let Ok(Ok(event)) = connection.recv_timeout(Duration::from_secs(1)) {
            if let Event::Incoming(Packet::Publish(p)) = event {
                receipt = Some(serde_json::from_slice::<serde_json::Value>(&p.payload).unwrap());
                break 'waiting;
            }
        }
    }
    let receipt = receipt.expect("no receipt from the server");
    let stored: Vec<&str> = receipt["accepted"]
        .as_array()
        .into_iter()
        .chain(receipt["duplicates"].as_array())
        .flatten()
        .map(|id| id.as_str().unwrap())
        .collect();
    assert_eq!(stored, ["mqtt-1", "mqtt-2"], "{receipt}");

    // An event that gives a field twice is refused, not stored with the last value.
    let twice = format!(
        r#"{{"key": "{key}", "events": [{{"kind": "inventory", "id": "mqtt-3", "site": "site-027", "item": "icu-ventilator", "units": 5, "units": 50}}]}}"#
    );
    client.publish("arsenal/org-008/events", QoS::AtLeastOnce, false, twice).unwrap();
    let mut refusal = None;
    for _ in 0..30 {
        if let Ok(Ok(Event::Incoming(Packet::Publish(p)))) =
            connection.recv_timeout(Duration::from_secs(1))
        {
            refusal = Some(serde_json::from_slice::<serde_json::Value>(&p.payload).unwrap());
            break;
        }
    }
    let refusal = refusal.expect("no answer to the batch with a field twice");
    let said = refusal["error"]["message"].as_str().unwrap_or_default();
    assert!(said.contains("duplicate field `units`"), "{refusal}");

    let (status, history) = get_with(&server.address, "/events", &key);
    assert_eq!(status, 200);
    let ids: Vec<&str> = history["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["event"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["mqtt-2", "mqtt-1"]);
    let (_, capacity) = get_with(&server.address, "/sites/site-027/capacity", &key);
    assert_eq!(capacity["down"], true);

    // An operator reports a fire at the sole maker of the pressure sensor: the alert comes on
    // arsenal/alerts.
    let created = run(
        dir.path(),
        &["key", "create", "--org", "america-makes", "--role", "operator", "--json"],
    );
    let created: serde_json::Value = serde_json::from_slice(&created.stdout).unwrap();
    client.subscribe("arsenal/alerts", QoS::AtLeastOnce).unwrap();
    let fire = serde_json::json!({
        "key": created["key"],
        "events": [{"kind": "outage_start", "id": "mqtt-fire", "site": "site-062", "expected_weeks": 8}]
    });
    client
        .publish("arsenal/america-makes/events", QoS::AtLeastOnce, false, fire.to_string())
        .unwrap();
    let mut alert = None;
    for _ in 0..60 {
        if let Ok(Ok(Event::Incoming(Packet::Publish(p)))) =
            connection.recv_timeout(Duration::from_secs(1))
            && p.topic == "arsenal/alerts"
        {
            alert = Some(serde_json::from_slice::<serde_json::Value>(&p.payload).unwrap());
            break;
        }
    }
    let alert = alert.expect("no alert on arsenal/alerts");
    assert_eq!(
        (&alert["product"], &alert["cause_site"]),
        (&serde_json::json!("icu-ventilator"), &serde_json::json!("site-062"))
    );
    assert!(terminate(server).0);
}
