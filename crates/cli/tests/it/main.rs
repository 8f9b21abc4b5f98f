//! Integration tests of the `arsenal` binary: each runs it in a temporary directory and checks
//! its output and exit code.

mod assess;
mod crash;
mod demo;
mod docs;
mod invalid;
mod mqtt;
mod plan;
mod postgres;
mod serve;
mod stress;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The built binary.
fn arsenal() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_arsenal"))
}

/// Runs the binary in `dir` with its store in `dir/data`.
fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(arsenal())
        .current_dir(dir)
        .env_remove("ARSENAL_DATA")
        .env_remove("ARSENAL_MQTT_PASSWORD")
        .args(["--data", "data"])
        .args(args)
        .output()
        .expect("the arsenal binary runs")
}

/// A temporary directory whose store holds the sample network.
fn sample() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    assert!(run(dir.path(), &["-q", "demo"]).status.success());
    dir
}

/// A temporary directory whose store holds a generated network of `sites` sites (seed 1), with
/// its CSV files in `net`.
fn generated(sites: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    assert!(
        run(dir.path(), &["-q", "generate", "--sites", sites, "--out", "net"]).status.success()
    );
    assert!(run(dir.path(), &["-q", "import", "net"]).status.success());
    dir
}

/// The repository root, found from `CARGO_MANIFEST_DIR` as cargo sets it when it runs the
/// tests, not as it was when they were compiled: a build shared between two checkouts (one
/// `CARGO_TARGET_DIR`) is reused by the second without compiling again, and would otherwise
/// read the first checkout's files.
fn root() -> PathBuf {
    #[allow(clippy::disallowed_methods)]
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    manifest.join("../..")
}

/// A path of the repository, as a string for the command line.
fn repo(path: &str) -> String {
    root().join(path).display().to_string()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Standard error with the temporary directory replaced by `$DIR`.
fn stderr(output: &Output, dir: &Path) -> String {
    String::from_utf8_lossy(&output.stderr).replace(&dir.display().to_string(), "$DIR")
}

/// Writes the files of a fixture: sections starting with `--- name` hold each file's text.
fn write_fixture(dir: &Path, fixture: &str) {
    std::fs::create_dir_all(dir).unwrap();
    let mut name: Option<&str> = None;
    let mut text = String::new();
    for line in fixture.lines().chain(std::iter::once("--- ")) {
        if let Some(next) = line.trim_start().strip_prefix("--- ") {
            if let Some(name) = name {
                std::fs::write(dir.join(name), &text).unwrap();
            }
            name = Some(next.trim()).filter(|n| !n.is_empty());
            text.clear();
        } else {
            text.push_str(line.trim_start());
            text.push('\n');
        }
    }
}
