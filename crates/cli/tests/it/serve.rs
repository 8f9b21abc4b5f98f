//! `arsenal serve` as a process: it says where it listens, becomes ready once the network is
//! loaded, answers over a real socket, and stops cleanly on SIGTERM.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::{arsenal, run, sample, stdout};

/// A running server, the address it listens on, and its standard error as read so far (read
/// on a thread of its own, so a server that logs a lot never waits on a full pipe).
pub(crate) struct Server {
    pub(crate) child: Child,
    pub(crate) address: String,
    stderr: std::thread::JoinHandle<String>,
}

pub(crate) fn start(dir: &Path, listen: &str, extra: &[&str]) -> Server {
    start_with(dir, listen, extra, &[])
}

/// `start`, with these variables set in the server's environment.
pub(crate) fn start_with(
    dir: &Path,
    listen: &str,
    extra: &[&str],
    environment: &[(&str, &str)],
) -> Server {
    let mut child = Command::new(arsenal())
        .current_dir(dir)
        .env_remove("ARSENAL_DATA")
        .envs(environment.iter().copied())
        .args(["--data", "data", "serve", "--listen", listen])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the arsenal binary runs");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let address = line.trim().strip_prefix("listening on http://").unwrap_or_else(|| {
        panic!("first line was {line:?}");
    });
    let mut pipe = child.stderr.take().unwrap();
    let stderr = std::thread::spawn(move || {
        let mut text = String::new();
        pipe.read_to_string(&mut text).unwrap();
        text
    });
    Server { address: address.to_owned(), child, stderr }
}

/// One HTTP/1.1 GET over a new connection: the status and the body.
fn get(address: &str, path: &str) -> (u16, serde_json::Value) {
    get_with(address, path, "")
}

/// A GET with an API key.
pub(crate) fn get_with(address: &str, path: &str, key: &str) -> (u16, serde_json::Value) {
    request(address, "GET", path, key, "")
}

/// One HTTP request, with an API key (unless empty) and a JSON body (unless empty): the
/// status and the body.
fn request(
    address: &str,
    method: &str,
    path: &str,
    key: &str,
    body: &str,
) -> (u16, serde_json::Value) {
    let agent: ureq::Agent =
        ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let url = format!("http://{address}{path}");
    let authorization = format!("Bearer {key}");
    let mut response = match method {
        "POST" => {
            let mut post = agent.post(&url).header("Content-Type", "application/json");
            if !key.is_empty() {
                post = post.header("Authorization", &authorization);
            }
            post.send(body)
        }
        _ => {
            let mut get = agent.get(&url);
            if !key.is_empty() {
                get = get.header("Authorization", &authorization);
            }
            get.call()
        }
    }
    .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
    let text = response.body_mut().read_to_string().unwrap();
    let status = response.status().as_u16();
    (status, serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}: {text:?}")))
}

/// Waits until `/readyz` stops answering 503 (the network loads in the background).
pub(crate) fn ready(address: &str) -> (u16, serde_json::Value) {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let (status, body) = get(address, "/readyz");
        if status != 503 || body["error"]["message"] != "the network is still loading" {
            return (status, body);
        }
        assert!(Instant::now() < deadline, "the sample network never finished loading");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Sends SIGTERM and waits for the process; returns whether it exited with success, and its
/// standard error.
pub(crate) fn terminate(mut server: Server) -> (bool, String) {
    let pid = server.child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let status = server.child.wait().unwrap();
    (status.success(), server.stderr.join().unwrap())
}

#[test]
fn serves_the_sample_and_stops_on_sigterm() {
    let dir = sample();
    let created =
        run(dir.path(), &["key", "create", "--org", "org-008", "--role", "member", "--json"]);
    assert!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));
    let created: serde_json::Value = serde_json::from_slice(&created.stdout).unwrap();
    let key = created["key"].as_str().unwrap();
    assert!(key.starts_with(&format!("ak_{}_", created["id"].as_str().unwrap())), "{created}");

    let server = start(dir.path(), "127.0.0.1:0", &["--log-format", "json"]);
    assert_eq!(get(&server.address, "/healthz").0, 200);
    assert_eq!(ready(&server.address), (200, serde_json::json!({"status": "ok", "sites": 300})));
    assert_eq!(get(&server.address, "/sites").0, 401);
    let (status, body) = get_with(&server.address, "/sites?state=OH&limit=2", key);
    assert_eq!(status, 200);
    assert_eq!(body["results"].as_array().map(Vec::len), Some(2));
    assert_eq!(body["results"][0]["state"], "OH");
    let (status, body) = get(&server.address, "/openapi.json");
    assert_eq!((status, &body["info"]["title"]), (200, &serde_json::Value::from("Arsenal")));
    let (status, body) = get_with(&server.address, "/sites/site-027/capacity", key);
    assert_eq!((status, &body["organization"]), (200, &serde_json::Value::from("org-008")));
    assert_eq!(get_with(&server.address, "/sites/site-018/capacity", key).0, 403);

    let (success, stderr) = terminate(server);
    assert!(success, "{stderr}");
    // One JSON object a line: the requests with their status, then the shutdown.
    let logs: Vec<serde_json::Value> = stderr
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    let said = |message: &str| logs.iter().any(|l| l["message"] == message);
    assert!(said("shutting down; finishing requests in flight") && said("stopped"), "{stderr}");
    assert!(logs.iter().any(|l| l["status"] == 401 && l["span"]["uri"] == "/sites"), "{stderr}");
}

#[test]
fn an_empty_store_is_not_ready_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path(), "127.0.0.1:0", &[]);
    let (status, body) = ready(&server.address);
    assert_eq!(status, 503);
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("no network is stored in data: there is no such directory"),
        "{message}"
    );
    // Keys are checked first: no key, no answer about the data.
    assert_eq!(get(&server.address, "/sites").0, 401);
    let (success, stderr) = terminate(server);
    assert!(success, "{stderr}");
    // Why it is not ready is logged once as an error; the 503 answers are not errors of theirs.
    assert!(stderr.contains("cannot load the network"), "{stderr}");
    assert!(stderr.contains("status=503"), "{stderr}");
    assert!(!stderr.contains("response failed"), "{stderr}");
}

/// A server is set up from nothing: an operator's office is registered and holds a key before
/// any network is stored, and its first import over HTTP makes the server ready.
#[test]
fn a_registered_office_imports_the_first_network_over_http() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(dir.path(), &["key", "create", "--org", "office", "--role", "operator"]);
    assert_eq!(output.status.code(), Some(2));
    let said = String::from_utf8_lossy(&output.stderr);
    let hint = "no organization office is registered, and the store in data holds no network yet; register it first with `arsenal org add office --name NAME`";
    assert!(said.contains(hint), "{said}");
    assert!(run(dir.path(), &["org", "add", "office", "--name", "The office"]).status.success());
    let created =
        run(dir.path(), &["key", "create", "--org", "office", "--role", "operator", "--json"]);
    assert!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));
    let created: serde_json::Value = serde_json::from_slice(&created.stdout).unwrap();
    let key = created["key"].as_str().unwrap();

    let network = stdout(&run(sample().path(), &["export", "--out", "-"]));
    let server = start(dir.path(), "127.0.0.1:0", &[]);
    assert_eq!(ready(&server.address).0, 503);
    let (status, body) = request(&server.address, "POST", "/import", key, &network);
    assert_eq!(status, 200, "{body}");
    assert_eq!(ready(&server.address), (200, serde_json::json!({"status": "ok", "sites": 300})));
    let (status, sites) = get_with(&server.address, "/sites?organization=org-008", key);
    assert_eq!(status, 200, "{sites}");
    assert_eq!(sites["results"][0]["organization"], "org-008", "{sites}");
    assert!(terminate(server).0);
}

#[test]
fn a_busy_port_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();
    let output = Command::new(arsenal())
        .current_dir(dir.path())
        .args(["--data", "data", "serve", "--listen", &address])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&format!("error: cannot serve on {address}")), "{stderr}");
}

#[test]
fn keys_are_for_organizations_of_the_network_and_known_roles() {
    let dir = sample();
    let output = run(dir.path(), &["key", "create", "--org", "no-such-org", "--role", "viewer"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no organization no-such-org in the stored network"), "{stderr}");
    let output = run(dir.path(), &["key", "create", "--org", "america-make", "--role", "viewer"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let hint = r#"no organization america-make in the stored network or registered (did you mean "america-makes"?)"#;
    assert!(stderr.contains(hint), "{stderr}");
    let output = run(dir.path(), &["key", "create", "--org", "org-001", "--role", "admin"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("unknown role \"admin\"; expected one of operator, member, viewer"),
        "{stderr}"
    );
    let output = run(dir.path(), &["key", "create", "--org", "org-001", "--role", "viewer"]);
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(said.contains("for org-001 (viewer); it is shown only this once"), "{said}");
    assert!(said.lines().nth(1).is_some_and(|l| l.starts_with("ak_")), "{said}");
}

/// A key whose secret cannot be shown (nobody reads the output) is revoked, not kept unseen:
/// its secret is stored only as a hash.
#[test]
fn a_key_nobody_can_see_is_revoked() {
    let dir = sample();
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let output = Command::new(arsenal())
        .current_dir(dir.path())
        .env_remove("ARSENAL_DATA")
        .args(["--data", "data", "key", "create", "--org", "org-008", "--role", "member"])
        .stdout(writer)
        .output()
        .expect("the arsenal binary runs");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.starts_with("error: cannot show the new key (Broken pipe"), "{stderr}");
    assert!(stderr.contains(" was revoked\n"), "{stderr}");
    let listed = stdout(&run(dir.path(), &["key", "list"]));
    assert!(listed.starts_with("no keys;"), "{listed}");
}

/// Bad flags of `arsenal serve` are refused, each with its reason, before anything starts.
#[test]
fn bad_serve_flags_are_refused() {
    let dir = sample();
    for (args, said) in [
        (
            &["--alert-webhook", "http://example.org/hook", "--alert-webhook-ca", "ca.pem"][..],
            "--alert-webhook: http://example.org/...: a certificate authority is given (--alert-webhook-ca) but the URL is not https://",
        ),
        (
            &["--alert-webhook", "hook"][..],
            "--alert-webhook: \"hook\" must be an http:// or https:// URL with a host",
        ),
        (
            &["--mqtt", "mqtt://arsenal@127.0.0.1"][..],
            "--mqtt: mqtt://arsenal@127.0.0.1: no password for arsenal: set ARSENAL_MQTT_PASSWORD",
        ),
        (
            &["--mqtt", "mqtts://arsenal:s3cret@127.0.0.1:0"][..],
            "--mqtt: mqtts://arsenal:***@127.0.0.1:0: the port must be a whole number",
        ),
        (
            &["--mqtt", "mqtts://127.0.0.1", "--mqtt-ca", "missing.pem"][..],
            "--mqtt: missing.pem: cannot read certificates",
        ),
        (
            &["--mqtt", "127.0.0.1:1883", "--mqtt-client-id", "a b"][..],
            "--mqtt-client-id: \"a b\" must be 1 to 64 letters",
        ),
        (&["--alert-weeks", "600"][..], "--alert-weeks must be 1 to 520, not 600"),
        (
            &["--alert-threshold", "90"][..],
            "--alert-threshold must be from 0 to 1, not 90 (a share: 90 % is 0.9)\n",
        ),
        (&["--max-share", "150"][..], "--max-share must be from 0 to 1, not 150\n"),
    ] {
        let output = run(dir.path(), &[&["serve", "--listen", "127.0.0.1:0"][..], args].concat());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(said), "{args:?}: {stderr}");
    }
}

/// An organization outside the network is registered once and then holds keys; keys are
/// listed without their secrets and revoked once.
#[test]
fn registered_organizations_hold_keys_that_can_be_revoked() {
    let dir = sample();
    let output =
        run(dir.path(), &["org", "add", "national-office", "--name", "The national office"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout(&output).starts_with("registered organization national-office"));
    // With -q, no confirmation.
    let quiet = run(dir.path(), &["-q", "org", "add", "office-2", "--name", "Another"]);
    assert!(quiet.status.success() && quiet.stdout.is_empty(), "{}", stdout(&quiet));
    for (args, code, said) in [
        (
            &["org", "add", "national-office", "--name", "Again"][..],
            1,
            "national-office is registered already",
        ),
        (
            &["org", "add", "org-001", "--name", "Twin"][..],
            1,
            "org-001 is an organization of the stored network already",
        ),
        (
            &["org", "add", "a b", "--name", "Spaced"][..],
            2,
            "organization id \"a b\" must be letters",
        ),
        (&["key", "revoke", "nope"][..], 1, "no key nope"),
    ] {
        let output = run(dir.path(), args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(code), "{args:?}: {stderr}");
        assert!(stderr.contains(said), "{args:?}: {stderr}");
    }
    let listed = run(dir.path(), &["org", "list", "--json"]);
    let listed: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(listed[0]["id"], "national-office");
    assert_eq!(listed[1]["id"], "office-2");
    assert_eq!(listed.as_array().unwrap().len(), 2);

    let created = run(
        dir.path(),
        &["key", "create", "--org", "national-office", "--role", "operator", "--json"],
    );
    let created: serde_json::Value = serde_json::from_slice(&created.stdout).unwrap();
    let id = created["id"].as_str().unwrap();
    run(dir.path(), &["key", "create", "--org", "org-001", "--role", "viewer"]);
    let keys = run(dir.path(), &["key", "list", "--json"]);
    let keys: serde_json::Value = serde_json::from_slice(&keys.stdout).unwrap();
    let organizations: Vec<&str> =
        keys.as_array().unwrap().iter().map(|k| k["organization"].as_str().unwrap()).collect();
    assert_eq!(organizations.len(), 2);
    assert!(organizations.contains(&"national-office") && organizations.contains(&"org-001"));
    assert!(!keys.to_string().contains("argon2"), "no hash is listed: {keys}");
    let table = stdout(&run(dir.path(), &["key", "list"]));
    assert!(table.contains(id) && table.contains("operator"), "{table}");

    // An organization is removed only once it holds no keys; one of the network is not.
    for (args, code, said) in [
        (
            &["org", "remove", "national-office"][..],
            1,
            format!("national-office still holds 1 key: {id}; revoke them first"),
        ),
        (
            &["org", "remove", "org-001"][..],
            2,
            "org-001 is an organization of the stored network, not a registered one".to_owned(),
        ),
        (
            &["org", "remove", "office-3"][..],
            1,
            "no registered organization office-3 (did you mean \"office-2\"?)".to_owned(),
        ),
    ] {
        let output = run(dir.path(), args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(code), "{args:?}: {stderr}");
        assert!(stderr.contains(&said), "{args:?}: {stderr}");
    }
    let removed = run(dir.path(), &["org", "remove", "office-2"]);
    assert_eq!(stdout(&removed), "removed organization office-2\n");
    let listed = run(dir.path(), &["org", "list", "--json"]);
    let listed: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");

    // An id one character off is named with the nearest; a whole key is revoked by its id,
    // and its secret is never written back.
    let typo = format!("{}x", &id[..id.len() - 1]);
    let output = run(dir.path(), &["key", "revoke", &typo]);
    assert_eq!(output.status.code(), Some(1));
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains(&format!("no key {typo} (did you mean \"{id}\"?)")), "{said}");
    let key = created["key"].as_str().unwrap();
    let wrong = format!("ak_{typo}_{}", key.rsplit('_').next().unwrap());
    let output = run(dir.path(), &["key", "revoke", &wrong]);
    assert!(!String::from_utf8_lossy(&output.stderr).contains(&wrong[4 + typo.len()..]));
    let revoked = run(dir.path(), &["key", "revoke", key]);
    assert!(revoked.status.success(), "{}", String::from_utf8_lossy(&revoked.stderr));
    assert_eq!(stdout(&revoked), format!("revoked key {id} (national-office, operator)\n"));
    let keys = run(dir.path(), &["key", "list", "--json"]);
    let keys: serde_json::Value = serde_json::from_slice(&keys.stdout).unwrap();
    assert_eq!(keys.as_array().unwrap().len(), 1);
    assert_eq!(keys[0]["organization"], "org-001");
    // Its key revoked, the office can go.
    let removed = run(dir.path(), &["-q", "org", "remove", "national-office"]);
    assert!(removed.status.success() && removed.stdout.is_empty(), "{}", stdout(&removed));
    assert_eq!(stdout(&run(dir.path(), &["org", "list", "--json"])).trim(), "[]");
}

/// Every event the server acknowledged is still there after `kill -9` and a restart, and
/// sending the batches again applies none of them twice.
#[test]
fn acknowledged_events_survive_kill_9() {
    let dir = sample();
    let created =
        run(dir.path(), &["key", "create", "--org", "org-008", "--role", "member", "--json"]);
    let created: serde_json::Value = serde_json::from_slice(&created.stdout).unwrap();
    let key = created["key"].as_str().unwrap().to_owned();
    const BATCHES: usize = 200;
    let batches: Vec<String> = (0..BATCHES)
        .map(|b| {
            let events: Vec<String> = (0..50)
                .map(|e| {
                    format!(
                        r#"{{"kind": "inventory", "id": "b{b}-e{e}", "site": "site-027", "item": "icu-ventilator", "units": {}}}"#,
                        b * 50 + e
                    )
                })
                .collect();
            format!(r#"{{"events": [{}]}}"#, events.join(","))
        })
        .collect();

    let mut server = start(dir.path(), "127.0.0.1:0", &[]);
    ready(&server.address);
    // A client sends batch after batch while the server is killed in the middle.
    let address = server.address.clone();
    let sender = {
        let (batches, key) = (batches.clone(), key.clone());
        std::thread::spawn(move || {
            let mut acknowledged = Vec::new();
            for batch in &batches {
                let sent =
                    std::panic::catch_unwind(|| request(&address, "POST", "/events", &key, batch));
                match sent {
                    Ok((200, receipt)) => acknowledged.extend(
                        receipt["accepted"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|id| id.as_str().unwrap().to_owned()),
                    ),
                    _ => break,
                }
            }
            acknowledged
        })
    };
    std::thread::sleep(Duration::from_millis(150));
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    let acknowledged = sender.join().unwrap();
    assert!(acknowledged.len() < BATCHES * 50, "the kill came after the last batch");

    // After a restart, sending everything again finds every acknowledged event already stored
    // (a duplicate), whole batches only, and stores the rest once.
    let server = start(dir.path(), "127.0.0.1:0", &[]);
    ready(&server.address);
    let mut duplicates = Vec::new();
    let mut new = 0;
    for batch in &batches {
        let (status, receipt) = request(&server.address, "POST", "/events", &key, batch);
        assert_eq!(status, 200, "{receipt}");
        let ids = |field: &str| -> Vec<String> {
            receipt[field]
                .as_array()
                .unwrap()
                .iter()
                .map(|id| id.as_str().unwrap().to_owned())
                .collect()
        };
        let (accepted, again) = (ids("accepted"), ids("duplicates"));
        assert!(accepted.is_empty() || again.is_empty(), "a batch was stored in part: {receipt}");
        new += accepted.len();
        duplicates.extend(again);
    }
    for id in &acknowledged {
        assert!(duplicates.contains(id), "acknowledged event {id} was lost");
    }
    assert_eq!(new + duplicates.len(), BATCHES * 50);
    let (_, capacity) = get_with(&server.address, "/sites/site-027/capacity", &key);
    let stock = capacity["inventory"].as_array().unwrap();
    let last = stock.iter().find(|s| s["item"] == "icu-ventilator").unwrap();
    assert_eq!(last["units"], (BATCHES * 50 - 1) as f64, "the last event sent is the state");
    assert!(terminate(server).0);
}
