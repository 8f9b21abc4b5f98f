//! `cargo xtask bench`: the foundation benchmark. Generates a network, imports it into a fresh
//! store, loads it back into the engine graph, and runs the Python peer on the same files, all
//! in one run; prints a Markdown table for docs/benchmarks.md.

use std::time::Instant;

use anyhow::{Context, bail};
use xshell::{Shell, cmd};

pub(crate) struct Options {
    sites: u64,
    seed: u64,
    work: String,
}

impl Options {
    pub(crate) fn parse(args: &[String]) -> anyhow::Result<Options> {
        let mut options = Options { sites: 300_000, seed: 1, work: "target/bench".into() };
        let mut args = args.iter();
        while let Some(flag) = args.next() {
            let value = args.next().with_context(|| format!("{flag} needs a value"))?;
            match flag.as_str() {
                "--sites" => options.sites = value.parse().context("--sites")?,
                "--seed" => options.seed = value.parse().context("--seed")?,
                "--work" => options.work = value.clone(),
                _ => bail!("unknown option {flag}"),
            }
        }
        Ok(options)
    }
}

/// Wall seconds and peak resident memory of a command, measured by GNU time.
pub(crate) struct Measured {
    pub(crate) seconds: f64,
    pub(crate) peak_kb: u64,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

pub(crate) fn measure(sh: &Shell, program: &str, args: &[&str]) -> anyhow::Result<Measured> {
    let time = "/usr/bin/time";
    if !std::path::Path::new(time).exists() {
        bail!("{time} is missing; install the Debian package `time`");
    }
    let started = Instant::now();
    let output = cmd!(sh, "{time} -f __peak_kb=%M {program} {args...}").ignore_status().output()?;
    let seconds = started.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if !output.status.success() {
        bail!("{program} {} failed:\n{stderr}", args.join(" "));
    }
    let peak_kb = stderr
        .lines()
        .find_map(|l| l.strip_prefix("__peak_kb="))
        .and_then(|v| v.trim().parse().ok())
        .context("no peak memory from /usr/bin/time")?;
    Ok(Measured {
        seconds,
        peak_kb,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr,
    })
}

/// Runs `args` twice over the data directory `data`: first without a cache of the graph (the
/// network is loaded, its graph built and cached), then reading the cache.
pub(crate) fn uncached_then_cached(
    sh: &Shell,
    program: &str,
    data: &str,
    args: &[&str],
) -> anyhow::Result<(Measured, Measured)> {
    let cache = std::path::Path::new(data).join("graph.cache");
    if cache.exists() {
        std::fs::remove_file(&cache)?;
    }
    Ok((measure(sh, program, args)?, measure(sh, program, args)?))
}

/// The `seconds=` of a log line that contains `what`.
pub(crate) fn logged_seconds(stderr: &str, what: &str) -> anyhow::Result<f64> {
    stderr
        .lines()
        .filter(|l| l.contains(what))
        .find_map(|l| l.split("seconds=").nth(1))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.trim_end_matches(|c: char| !c.is_ascii_digit()).parse().ok())
        .with_context(|| format!("no {what:?} timing in the log"))
}

pub(crate) fn foundation(options: &Options) -> anyhow::Result<()> {
    let sh = Shell::new()?;
    let root = crate::root();
    sh.change_dir(&root);
    cmd!(sh, "cargo build --release -p cli").run()?;
    let arsenal = crate::target_dir().join("release/arsenal");
    let arsenal = arsenal.to_str().context("path")?;
    let work = root.join(&options.work);
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work)?;
    let net = work.join("network");
    let data = work.join("data");
    let (net, data) = (net.to_str().context("path")?, data.to_str().context("path")?);
    let (sites, seed) = (options.sites.to_string(), options.seed.to_string());

    let generate = measure(
        &sh,
        arsenal,
        &["-q", "generate", "--sites", &sites, "--seed", &seed, "--out", net],
    )?;
    let import = measure(&sh, arsenal, &["-q", "-v", "--data", data, "import", net])?;
    let (summary, cached) =
        uncached_then_cached(&sh, arsenal, data, &["-q", "-v", "--data", data, "summary"])?;
    let validate = logged_seconds(&import.stderr, "read and validated")?;
    let store = logged_seconds(&import.stderr, "stored")?;
    let indexed = logged_seconds(&import.stderr, "built graph")?
        + logged_seconds(&import.stderr, "wrote the graph cache")?;
    let load = logged_seconds(&summary.stderr, "loaded network")?;
    let graph = logged_seconds(&summary.stderr, "built graph")?;
    let cache = logged_seconds(&summary.stderr, "wrote the graph cache")?;
    let read = logged_seconds(&cached.stderr, "read the cached graph")?;

    let schema = root.join("crates/store/migrations/sqlite/0001_network.sql");
    let peer_db = work.join("peer.db");
    let peer = root.join("bench/peers/foundation.py");
    let peer_out = cmd!(sh, "python3 {peer} {net} {schema} {peer_db}").read()?;
    let peer: serde_json::Value = serde_json::from_str(&peer_out)?;
    let number = |key: &str| peer[key].as_f64().with_context(|| format!("peer output lacks {key}"));
    let (peer_import, peer_load, peer_index) =
        (number("import_seconds")?, number("load_seconds")?, number("index_seconds")?);
    let peer_peak_kb = number("peak_kb")?;

    let gib = |kb: f64| kb / 1024.0 / 1024.0;
    println!("| step | arsenal | Python peer | peer / arsenal |");
    println!("|---|---|---|---|");
    println!(
        "| generate {sites} sites (seed {seed}) | {:.1} s, peak {:.2} GiB | - | - |",
        generate.seconds,
        gib(generate.peak_kb as f64)
    );
    println!(
        "| import (read + validate {validate:.1} s, store {store:.1} s, graph built and cached {indexed:.1} s) | {:.1} s, peak {:.2} GiB | {peer_import:.1} s (no validation) | {:.2} |",
        import.seconds,
        gib(import.peak_kb as f64),
        peer_import / import.seconds
    );
    println!(
        "| load from store + build graph | {load:.1} s + {graph:.1} s = {:.1} s | {peer_load:.1} s + {peer_index:.1} s = {:.1} s | {:.2} |",
        load + graph,
        peer_load + peer_index,
        (peer_load + peer_index) / (load + graph)
    );
    println!(
        "| summary command, end to end (then caching the graph, {cache:.1} s) | {:.1} s, peak {:.2} GiB | - | - |",
        summary.seconds,
        gib(summary.peak_kb as f64)
    );
    println!(
        "| summary command again, the graph read from its cache in {read:.1} s | {:.1} s, peak {:.2} GiB | - | - |",
        cached.seconds,
        gib(cached.peak_kb as f64)
    );
    println!("| peak memory of the peer (import + load) | - | {:.2} GiB | - |", gib(peer_peak_kb));
    Ok(())
}

/// The Python of the peers' virtual environment (target/peers-venv), created if missing, with
/// `packages` installed; returns its path.
pub(crate) fn peers_python(sh: &Shell, packages: &[&str]) -> anyhow::Result<String> {
    let venv = crate::root().join("target/peers-venv");
    if !venv.join("bin/python").exists() {
        cmd!(sh, "python3 -m venv {venv}").run()?;
    }
    let pip = venv.join("bin/pip");
    cmd!(sh, "{pip} install -q {packages...}").run()?;
    Ok(venv.join("bin/python").to_str().context("path")?.to_owned())
}

/// An HTTP client that hands back error answers instead of failing on them.
pub(crate) fn http() -> ureq::Agent {
    ureq::Agent::config_builder().http_status_as_error(false).build().into()
}
