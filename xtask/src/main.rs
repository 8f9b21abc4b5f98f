//! Project automation, run as `cargo xtask <command>`: the README's demo and test commands (which
//! install the build tools first), and benchmarks that need a release build and a peer.
//! The tidy checks that keep the house rules are `xtask/tests/tidy.rs`.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod bench;
mod bench_plan;
mod bench_risks;
mod bench_serve;
mod bench_stress;
mod fuzz_api;
mod setup;

use std::path::{Path, PathBuf};

use xshell::cmd;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let sh = xshell::Shell::new()?;
    sh.change_dir(root());
    let rest = args.get(1..).unwrap_or_default();
    match args.first().map(String::as_str) {
        Some("test") => {
            setup::native_dependencies(&sh)?;
            cmd!(sh, "cargo test --workspace {rest...}").run()?;
            Ok(())
        }
        Some("demo") => {
            setup::native_dependencies(&sh)?;
            cmd!(sh, "cargo run --release -p cli -- demo {rest...}").run()?;
            Ok(())
        }
        Some("setup") => setup::native_dependencies(&sh),
        Some("bench-risks") => {
            setup::native_dependencies(&sh)?;
            bench_risks::run(&sh, rest)
        }
        Some("bench-stress") => {
            setup::native_dependencies(&sh)?;
            bench_stress::run(&sh, rest)
        }
        Some("bench-plan") => {
            setup::native_dependencies(&sh)?;
            bench_plan::run(&sh, rest)
        }
        Some("fuzz-api") => fuzz_api::run(&sh, rest),
        Some("bench-serve") => {
            setup::native_dependencies(&sh)?;
            bench_serve::run(&sh, rest)
        }
        Some("bench") => {
            setup::native_dependencies(&sh)?;
            bench::foundation(&bench::Options::parse(rest)?)
        }
        _ => {
            eprintln!("usage: cargo xtask <command>");
            eprintln!(
                "  test    install build tools if missing, then run every test (cargo test --workspace)"
            );
            eprintln!(
                "  demo    install build tools if missing, then run `arsenal demo` (release build)"
            );
            eprintln!("  setup   install the build tools HiGHS needs (cmake, libclang) if missing");
            eprintln!("  bench [--sites N] [--seed S] [--work DIR]");
            eprintln!(
                "          generate, import and load a network; compare with the Python peer"
            );
            eprintln!("  bench-risks [--sites N] [--national]");
            eprintln!("          risk report: fast path vs reference, structural vs NetworkX");
            eprintln!("  bench-stress [--national] [--monte-carlo N]");
            eprintln!("          stress test: arsenal vs the SimPy peer, same shortages");
            eprintln!("  bench-serve [--sites N] [--seconds S] [--binary PATH]");
            eprintln!("          the API under load: site queries with wrk, event ingestion");
            eprintln!("  fuzz-api [--examples N]");
            eprintln!(
                "          schemathesis against arsenal serve: no 5xx, responses as documented"
            );
            eprintln!("  bench-plan [--sites N] [--products N] [--no-peer]");
            eprintln!(
                "          planning: arsenal vs the highspy peer, same optima; re-plan timing"
            );
            std::process::exit(2);
        }
    }
}

/// The repository root, found from `CARGO_MANIFEST_DIR` as cargo sets it when it runs this, not
/// as it was at compile time: a build shared between two checkouts (one `CARGO_TARGET_DIR`) is
/// reused by the second without compiling again, and would otherwise work in the first.
fn root() -> PathBuf {
    #[allow(clippy::disallowed_methods)]
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    manifest.parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Where cargo puts what it builds: `CARGO_TARGET_DIR` when set (as `.ci/run` sets it), else
/// `target/` in the repository.
fn target_dir() -> PathBuf {
    #[allow(clippy::disallowed_methods)]
    let configured = std::env::var_os("CARGO_TARGET_DIR");
    configured.map_or_else(|| root().join("target"), PathBuf::from)
}
