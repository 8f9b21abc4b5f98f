//! A process killed with SIGKILL in the middle of an import leaves the previous network intact,
//! and the next import works; a command whose output is closed under it stops quietly.

use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{arsenal, run, sample, stdout};

#[test]
fn kill_during_import_keeps_the_previous_network() {
    let dir = tempfile::tempdir().unwrap();
    assert!(run(dir.path(), &["-q", "demo"]).status.success());
    let before = stdout(&run(dir.path(), &["summary", "--json"]));
    assert!(
        run(dir.path(), &["-q", "generate", "--sites", "40000", "--out", "big"]).status.success()
    );

    let wal = dir.path().join("data/arsenal.db-wal");
    let mut child = Command::new(arsenal())
        .current_dir(dir.path())
        .args(["--data", "data", "-q", "import", "big"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The write-ahead log grows only while the import's transaction writes.
    let started = Instant::now();
    while std::fs::metadata(&wal).map_or(0, |m| m.len()) < 4 << 20 {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the import finished before it could be killed"
        );
        assert!(started.elapsed() < Duration::from_secs(120), "the import never started writing");
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.signal(), Some(9), "the import was killed mid-write");

    assert_eq!(stdout(&run(dir.path(), &["summary", "--json"])), before);
    assert!(run(dir.path(), &["-q", "import", "big"]).status.success());
    let after: serde_json::Value =
        serde_json::from_str(&stdout(&run(dir.path(), &["summary", "--json"]))).unwrap();
    assert_eq!(after["counts"]["sites"], 40000);
}

#[test]
fn a_closed_output_ends_the_command_quietly() {
    let dir = sample();
    for args in [
        &["summary"][..],
        &["summary", "--json"],
        &["stress", "--scenario", "data/examples/scenarios/gulf-hurricane.toml"],
    ] {
        // As `arsenal summary | head -0`: nobody will ever read what it writes.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let output = Command::new(arsenal())
            .current_dir(dir.path())
            .args(["--data", "data"])
            .args(args)
            .stdout(writer)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{args:?}: {:?} {stderr}", output.status);
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
    }
}
