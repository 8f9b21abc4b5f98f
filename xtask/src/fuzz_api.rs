//! `cargo xtask fuzz-api`: schemathesis generates requests from the OpenAPI document of a running
//! `arsenal serve` (the sample network, a key of each role) and fails on any 5xx answer or a
//! response that does not match the document; the server must not panic.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use xshell::{Shell, cmd};

use crate::bench::peers_python;

pub(crate) fn run(sh: &Shell, args: &[String]) -> anyhow::Result<()> {
    let examples = match args {
        [] => "100".to_owned(),
        [flag, n] if flag == "--examples" => n.clone(),
        _ => bail!("usage: cargo xtask fuzz-api [--examples N]"),
    };
    cmd!(sh, "cargo build -p cli").run()?;
    let arsenal = crate::target_dir().join("debug/arsenal");
    let python = peers_python(sh, &["schemathesis"])?;
    let work = tempfile_dir()?;
    let data = work.join("data");
    let data = data.to_str().context("path")?;
    let sample = crate::root().join("data/sample");
    cmd!(sh, "{arsenal} -q --data {data} import {sample}").run()?;
    let mut keys = Vec::new();
    for (org, role) in [("america-makes", "operator"), ("org-008", "member"), ("org-001", "viewer")]
    {
        let out = cmd!(sh, "{arsenal} --data {data} key create --org {org} --role {role} --json")
            .read()?;
        let key: serde_json::Value = serde_json::from_str(&out)?;
        keys.push((role, key["key"].as_str().context("no key")?.to_owned()));
    }

    // The server logs a line per request: to a file, which cannot fill up and stall it as an
    // unread pipe would.
    let log = work.join("server.log");
    let mut server = Command::new(&arsenal)
        .args(["--data", data, "serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log)?)
        .spawn()?;
    let mut line = String::new();
    BufReader::new(server.stdout.take().context("stdout")?).read_line(&mut line)?;
    let url = line.trim().strip_prefix("listening on ").context("no address")?.to_owned();
    wait_ready(&url)?;

    let schemathesis = std::path::Path::new(&python).with_file_name("schemathesis");
    let mut failed = Vec::new();
    for (role, key) in &keys {
        println!("== as {role}");
        let header = format!("Authorization: Bearer {key}");
        let schema = format!("{url}/openapi.json");
        let run = cmd!(
            sh,
            "{schemathesis} run {schema} --checks not_a_server_error,response_schema_conformance --header {header} --max-examples {examples}"
        )
        .ignore_status()
        .output()?;
        print!("{}", String::from_utf8_lossy(&run.stdout));
        if !run.status.success() {
            failed.push(*role);
        }
    }
    server.kill()?;
    server.wait()?;
    let stderr = std::fs::read_to_string(&log)?;
    if stderr.contains("panicked") {
        bail!("the server panicked:\n{stderr}");
    }
    if !failed.is_empty() {
        bail!("schemathesis found failures as {}", failed.join(", "));
    }
    println!("no 5xx, every response matches the document, no panic");
    Ok(())
}

/// Waits until `/readyz` answers 200.
fn wait_ready(url: &str) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(60);
    let ready = format!("{url}/readyz");
    let http = crate::bench::http();
    while http.get(&ready).call().map(|r| r.status().as_u16()).unwrap_or(0) != 200 {
        if Instant::now() > deadline {
            bail!("the server did not become ready");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(())
}

/// A new directory under target/ for this run.
fn tempfile_dir() -> anyhow::Result<std::path::PathBuf> {
    let dir = crate::target_dir().join("fuzz-api");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
