//! Tidy checks, run by `cargo test -p xtask`: every Rust file explains itself, crates depend only
//! along the edges ARCHITECTURE.md allows, and the pure crates do no I/O.

use std::fs;
use std::path::{Path, PathBuf};

/// The repository root, found from `CARGO_MANIFEST_DIR` as cargo sets it when it runs this, not
/// as it was at compile time: a build shared between two checkouts (one `CARGO_TARGET_DIR`) is
/// reused by the second without compiling again, and would otherwise work in the first.
fn root() -> PathBuf {
    #[allow(clippy::disallowed_methods)]
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    manifest.parent().map(Path::to_path_buf).unwrap_or_default()
}

/// The workspace crates each crate may depend on (normal dependencies).
const ALLOWED: &[(&str, &[&str])] = &[
    ("model", &[]),
    ("engine", &["model"]),
    ("store", &["model"]),
    ("app", &["model", "engine", "store"]),
    ("server", &["app", "model"]),
    ("cli", &["app", "engine", "server"]),
    ("xtask", &[]),
];

/// Text that must not appear in the pure crates (`model`, `engine`).
const IMPURE: &[&str] = &[
    "std::fs",
    "std::env",
    "std::net",
    "std::process",
    "tokio",
    "Instant::now",
    "SystemTime",
    "rusqlite",
    "println!",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "target") {
                rust_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn crate_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> =
        fs::read_dir(root().join("crates")).unwrap().flatten().map(|e| e.path()).collect();
    dirs.push(root().join("xtask"));
    dirs.sort();
    dirs
}

#[test]
fn every_rust_file_starts_with_a_doc_comment() {
    let mut files = Vec::new();
    for dir in crate_dirs() {
        rust_files(&dir, &mut files);
    }
    let missing: Vec<String> = files
        .iter()
        .filter(|f| !fs::read_to_string(f).unwrap().starts_with("//!"))
        .map(|f| f.display().to_string())
        .collect();
    assert!(missing.is_empty(), "files without a leading //! comment: {missing:#?}");
}

#[test]
fn crates_depend_only_along_allowed_edges() {
    for dir in crate_dirs() {
        let manifest: toml::Table =
            fs::read_to_string(dir.join("Cargo.toml")).unwrap().parse().unwrap();
        let name = manifest["package"]["name"].as_str().unwrap().to_owned();
        let allowed = ALLOWED.iter().find(|(n, _)| *n == name).map(|(_, deps)| *deps);
        let allowed = allowed.unwrap_or_else(|| panic!("crate {name} is not in the tidy table"));
        let deps =
            manifest.get("dependencies").and_then(|d| d.as_table()).cloned().unwrap_or_default();
        for dep in deps.keys() {
            let internal = ALLOWED.iter().any(|(n, _)| n == dep);
            assert!(
                !internal || allowed.contains(&dep.as_str()),
                "{name} must not depend on {dep}"
            );
        }
        let lints =
            manifest.get("lints").and_then(|l| l.get("workspace")).and_then(toml::Value::as_bool);
        assert_eq!(lints, Some(true), "{name} must set [lints] workspace = true");
    }
}

#[test]
fn pure_crates_do_no_io() {
    for name in ["model", "engine"] {
        let mut files = Vec::new();
        rust_files(&root().join("crates").join(name).join("src"), &mut files);
        for file in files {
            let text = fs::read_to_string(&file).unwrap();
            for word in IMPURE {
                assert!(!text.contains(word), "{} mentions {word}", file.display());
            }
        }
    }
}
