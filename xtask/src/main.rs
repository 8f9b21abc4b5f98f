//! Project automation, run as `cargo xtask <command>`: benchmarks that need a release build and
//! a peer, and (as `cargo test -p xtask`) the tidy checks that keep the house rules.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod bench;
#[cfg(test)]
mod tidy;

use std::path::{Path, PathBuf};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("bench") => bench::foundation(&bench::Options::parse(&args[1..])?),
        _ => {
            eprintln!("usage: cargo xtask bench [--sites N] [--seed S] [--work DIR]");
            eprintln!(
                "  bench   generate, import and load a network; compare with the Python peer"
            );
            std::process::exit(2);
        }
    }
}

/// The repository root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}
