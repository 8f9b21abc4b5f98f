//! A process killed with SIGKILL in the middle of an import leaves the previous network intact,
//! and the next import works.

use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{arsenal, run, stdout};

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
