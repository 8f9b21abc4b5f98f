//! Events over MQTT through a real broker, when `ARSENAL_TEST_MQTT_URL` names one (otherwise
//! skipped, with the reason printed): a batch published with a key is stored, answered on the
//! receipts topic, and served by `GET /events`.

use std::io::Write;
use std::time::Duration;

use rumqttc::{Client, Event, MqttOptions, Packet, QoS, TlsConfiguration, Transport};

use crate::run;
use crate::serve::{get_with, ready, start, start_with, terminate};

#[test]
fn a_batch_over_mqtt_is_stored_and_answered() {
    // The test reads the environment itself: this is the switch .ci/run sets.
    #[allow(clippy::disallowed_methods)]
    let Ok(url) = std::env::var("ARSENAL_TEST_MQTT_URL") else {
        // Straight to the terminal: the test harness captures `eprintln!`.
        let _ = writeln!(std::io::stderr(), "mqtt: skipped: ARSENAL_TEST_MQTT_URL is not set");
        return;
    };
    let server::mqtt::Broker { host, port, .. } =
        server::mqtt::broker(&url, server::mqtt::Reach::default()).unwrap();
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
    let receipt = answer(&client, &mut connection, &batch).expect("no receipt from the server");
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

/// Publishes `batch` on org-008's events topic until the first message comes on a topic the
/// client subscribed to (the server subscribes once the network is loaded), and gives it.
fn answer(
    client: &Client,
    connection: &mut rumqttc::Connection,
    batch: &serde_json::Value,
) -> Option<serde_json::Value> {
    for _ in 0..30 {
        client
            .publish("arsenal/org-008/events", QoS::AtLeastOnce, false, batch.to_string())
            .unwrap();
        while let Ok(Ok(event)) = connection.recv_timeout(Duration::from_secs(1)) {
            if let Event::Incoming(Packet::Publish(p)) = event {
                return Some(serde_json::from_slice(&p.payload).unwrap());
            }
        }
    }
    None
}

/// A broker of the test's own (the machine's Mosquitto, started on a free port) that takes only
/// TLS, with a certificate of a private authority, from clients with a certificate of that
/// authority, and only a user with a password: the server reaches it with `--mqtt
/// mqtts://USER@HOST:PORT --mqtt-ca CA --mqtt-cert C --mqtt-key K` and the password in
/// `ARSENAL_MQTT_PASSWORD`, and a batch published there is stored and answered. A server with a
/// wrong password, or no user, says that the broker refused it; one that does not trust the
/// authority, or shows no certificate, says why it cannot connect.
#[test]
fn a_broker_over_tls_that_asks_for_a_certificate_and_a_password() {
    #[allow(clippy::disallowed_methods)]
    if std::env::var_os("ARSENAL_TEST_MQTT_URL").is_none() {
        let _ = writeln!(std::io::stderr(), "mqtt tls: skipped: ARSENAL_TEST_MQTT_URL is not set");
        return;
    }
    let dir = crate::sample();
    let Some(broker) = Mosquitto::start(dir.path()) else {
        let _ = writeln!(std::io::stderr(), "mqtt tls: skipped: no mosquitto binary to start");
        return;
    };
    let created =
        run(dir.path(), &["key", "create", "--org", "org-008", "--role", "member", "--json"]);
    let created: serde_json::Value = serde_json::from_slice(&created.stdout).unwrap();
    let key = created["key"].as_str().unwrap().to_owned();
    let url = format!("mqtts://arsenal@127.0.0.1:{}", broker.port);
    let file = |name: &str| dir.path().join(name).display().to_string();
    let (ca, certificate, client_key) = (file("ca.pem"), file("client.pem"), file("client.key"));
    let (trust, identity) =
        (["--mqtt-ca", &ca], ["--mqtt-cert", &certificate, "--mqtt-key", &client_key]);
    let id = format!("arsenal-test-tls-{}", std::process::id());
    let server = start_with(
        dir.path(),
        "127.0.0.1:0",
        &[&["--mqtt", &url, "--mqtt-client-id", &id][..], &trust, &identity].concat(),
        &[("ARSENAL_MQTT_PASSWORD", "s3cret word")],
    );
    ready(&server.address);

    // The test's client reaches the broker the same way, as another user.
    let path = std::path::Path::new;
    let reach = server::mqtt::Reach {
        ca: Some(path(&ca)),
        identity: Some((path(&certificate), path(&client_key))),
        password: None,
    };
    let publisher = format!("mqtts://publisher:pub%40pass@127.0.0.1:{}", broker.port);
    let publisher = server::mqtt::broker(&publisher, reach).unwrap();
    let mut options = MqttOptions::new(format!("{id}-client"), publisher.host, publisher.port);
    options.set_keep_alive(Duration::from_secs(10));
    let login = publisher.login.unwrap();
    options.set_credentials(login.user, login.password);
    options.set_transport(Transport::tls_with_config(TlsConfiguration::Rustls(
        publisher.tls.unwrap(),
    )));
    let (client, mut connection) = Client::new(options, 10);
    client.subscribe("arsenal/org-008/receipts", QoS::AtLeastOnce).unwrap();
    let batch = serde_json::json!({
        "key": key,
        "events": [{"kind": "outage_start", "id": "tls-1", "site": "site-027", "expected_weeks": 2}]
    });
    let receipt =
        answer(&client, &mut connection, &batch).expect("no receipt from the server over TLS");
    assert_eq!(receipt["accepted"], serde_json::json!(["tls-1"]), "{receipt}");
    let (_, capacity) = get_with(&server.address, "/sites/site-027/capacity", &key);
    assert_eq!(capacity["down"], true);
    let (stopped, said) = terminate(server);
    assert!(stopped, "{said}");
    assert!(!said.contains("s3cret"), "the password is never logged: {said}");

    // A wrong password, no user at all, an authority the server does not trust and no client
    // certificate: each says why.
    let anonymous = format!("mqtts://127.0.0.1:{}", broker.port);
    let untrusted = "the MQTT broker's certificate is not trusted (a certificate of a private authority needs --mqtt-ca FILE)";
    let both = [&trust[..], &identity].concat();
    for (url, password, tls, why) in [
        (&url, Some("wrong"), &both[..], "the MQTT broker refused the user and password of --mqtt"),
        (&anonymous, None, &both, "the MQTT broker asks for a user and password"),
        (&url, Some("s3cret word"), &identity, untrusted),
        (
            &url,
            Some("s3cret word"),
            &trust,
            "the TLS handshake with the MQTT broker failed (one that asks for a client certificate needs --mqtt-cert and --mqtt-key)",
        ),
    ] {
        let extra = [&["--mqtt", url, "--mqtt-client-id", &id][..], tls].concat();
        let environment: Vec<_> =
            password.map(|p| ("ARSENAL_MQTT_PASSWORD", p)).into_iter().collect();
        let server = start_with(dir.path(), "127.0.0.1:0", &extra, &environment);
        ready(&server.address);
        std::thread::sleep(Duration::from_secs(2));
        let (_, said) = terminate(server);
        assert!(said.contains(why), "{why}: {said}");
        if why == untrusted {
            assert!(said.contains("UnknownIssuer"), "{said}");
        }
    }
}

/// A Mosquitto of the test's own on a free port: TLS only, with a certificate of a private
/// authority written to `ca.pem` in the directory given, for clients with a certificate of that
/// authority (one written to `client.pem` and `client.key`), and two users with passwords.
/// Stopped when dropped.
struct Mosquitto {
    child: std::process::Child,
    port: u16,
}

impl Mosquitto {
    /// None when the machine has no `mosquitto` to run.
    fn start(dir: &std::path::Path) -> Option<Mosquitto> {
        let binary = ["mosquitto", "/usr/sbin/mosquitto"]
            .into_iter()
            .find(|b| std::process::Command::new(b).arg("-h").output().is_ok())?;
        let mut authority = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        authority.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        authority.distinguished_name.push(rcgen::DnType::CommonName, "Arsenal test authority");
        let authority_key = rcgen::KeyPair::generate().unwrap();
        let authority = authority.self_signed(&authority_key).unwrap();
        let broker_key = rcgen::KeyPair::generate().unwrap();
        let broker = rcgen::CertificateParams::new(vec!["127.0.0.1".to_owned()])
            .unwrap()
            .signed_by(&broker_key, &authority, &authority_key)
            .unwrap();
        let write = |name: &str, text: String| {
            let path = dir.join(name);
            std::fs::write(&path, text).unwrap();
            path.display().to_string()
        };
        let ca = write("ca.pem", authority.pem());
        let certificate = write("broker.pem", broker.pem());
        let key = write("broker.key", broker_key.serialize_pem());
        let client_key = rcgen::KeyPair::generate().unwrap();
        let client = rcgen::CertificateParams::new(vec!["arsenal-server".to_owned()])
            .unwrap()
            .signed_by(&client_key, &authority, &authority_key)
            .unwrap();
        write("client.pem", client.pem());
        write("client.key", client_key.serialize_pem());
        let passwords = write("passwords", String::new());
        for (user, password) in [("arsenal", "s3cret word"), ("publisher", "pub@pass")] {
            let made = std::process::Command::new("mosquitto_passwd")
                .args(["-b", &passwords, user, password])
                .output()
                .unwrap();
            assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let config = write(
            "mosquitto.conf",
            format!(
                "listener {port} 127.0.0.1\nallow_anonymous false\npassword_file {passwords}\n\
                 cafile {ca}\ncertfile {certificate}\nkeyfile {key}\nrequire_certificate true\n\
                 persistence false\nuser root\n"
            ),
        );
        let child = std::process::Command::new(binary)
            .args(["-c", &config])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let broker = Mosquitto { child, port };
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(std::time::Instant::now() < deadline, "mosquitto did not start on {port}");
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(broker)
    }
}

impl Drop for Mosquitto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
