//! `arsenal serve` as a process: it says where it listens, becomes ready once the network is
//! loaded, answers over a real socket, and stops cleanly on SIGTERM.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::{arsenal, sample};

/// A running server and the address it listens on.
struct Server {
    child: Child,
    address: String,
}

fn start(dir: &Path, listen: &str) -> Server {
    let mut child = Command::new(arsenal())
        .current_dir(dir)
        .env_remove("ARSENAL_DATA")
        .args(["--data", "data", "serve", "--listen", listen])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the arsenal binary runs");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let address = line.trim().strip_prefix("listening on http://").unwrap_or_else(|| {
        panic!("first line was {line:?}");
    });
    Server { address: address.to_owned(), child }
}

/// One HTTP/1.1 GET over a new connection: the status and the body.
fn get(address: &str, path: &str) -> (u16, serde_json::Value) {
    let mut stream = TcpStream::connect(address).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, serde_json::from_str(body).unwrap_or_else(|e| panic!("{path}: {e}: {body:?}")))
}

/// Waits until `/readyz` stops answering 503 (the network loads in the background).
fn ready(address: &str) -> (u16, serde_json::Value) {
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
fn terminate(mut server: Server) -> (bool, String) {
    let pid = server.child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let status = server.child.wait().unwrap();
    let mut stderr = String::new();
    server.child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    (status.success(), stderr)
}

#[test]
fn serves_the_sample_and_stops_on_sigterm() {
    let dir = sample();
    let server = start(dir.path(), "127.0.0.1:0");
    assert_eq!(get(&server.address, "/healthz").0, 200);
    assert_eq!(ready(&server.address), (200, serde_json::json!({"status": "ok", "sites": 300})));
    let (status, body) = get(&server.address, "/sites?state=OH&limit=2");
    assert_eq!(status, 200);
    assert_eq!(body["results"].as_array().map(Vec::len), Some(2));
    assert_eq!(body["results"][0]["state"], "OH");
    let (status, body) = get(&server.address, "/openapi.json");
    assert_eq!((status, &body["info"]["title"]), (200, &serde_json::Value::from("Arsenal")));

    let (success, stderr) = terminate(server);
    assert!(success, "{stderr}");
    assert!(stderr.contains("shutting down"), "{stderr}");
    assert!(stderr.contains("stopped"), "{stderr}");
}

#[test]
fn an_empty_store_is_not_ready_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path(), "127.0.0.1:0");
    let (status, body) = ready(&server.address);
    assert_eq!(status, 503);
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("holds no network yet"), "{message}");
    assert_eq!(get(&server.address, "/sites").0, 503);
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
