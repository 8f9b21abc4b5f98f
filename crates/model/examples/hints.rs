//! How long a "did you mean" hint takes over as many site ids as the national network has:
//! `cargo run --release -p model --example hints` (docs/benchmarks.md).

use std::io::Write;
use std::time::Instant;

fn main() -> std::io::Result<()> {
    let ids: Vec<String> = (1..=300_000).map(|i| format!("site-{i:06}")).collect();
    let mut out = std::io::stdout().lock();
    for round in 1..=2 {
        for id in ["site-22505x", "sitte-225052", "no-such-site", "site-225052x"] {
            let started = Instant::now();
            let hint = model::did_you_mean(id, ids.iter().map(String::as_str));
            let ms = started.elapsed().as_secs_f64() * 1e3;
            writeln!(out, "round {round}: {id:<13} {ms:5.1} ms{hint}")?;
        }
    }
    Ok(())
}
