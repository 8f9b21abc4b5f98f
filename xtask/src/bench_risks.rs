//! `cargo xtask bench-risks`: the risk benchmark. On a generated network (2,000 sites by
//! default) it times `arsenal risks` on the fast path and on the literal per-site reference and
//! checks that every site's numbers agree; it times the critical-site computation against a
//! NetworkX peer (installed into a virtual environment under target/); and, with `--national`,
//! runs the full report on the 300,000-site network, split by stage.

use anyhow::{Context, bail};
use serde_json::Value;
use xshell::{Shell, cmd};

use crate::bench::{logged_seconds, measure, peers_python, uncached_then_cached};

pub(crate) fn run(sh: &Shell, args: &[String]) -> anyhow::Result<()> {
    let mut sites = 2_000u64;
    let mut national = false;
    let mut args = args.iter();
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "--sites" => sites = args.next().context("--sites needs a value")?.parse()?,
            "--national" => national = true,
            _ => bail!("unknown option {flag}"),
        }
    }
    let root = crate::root();
    cmd!(sh, "cargo build --release -p cli").run()?;
    let arsenal = crate::target_dir().join("release/arsenal");
    let arsenal = arsenal.to_str().context("path")?;
    let work = root.join("target/bench-risks");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work)?;
    let (net, data) = (work.join("network"), work.join("data"));
    let (net, data) = (net.to_str().context("path")?, data.to_str().context("path")?);
    let n = sites.to_string();
    cmd!(sh, "{arsenal} -q generate --sites {n} --seed 1 --out {net} --force").run()?;
    cmd!(sh, "{arsenal} -q --data {data} import {net}").run()?;

    let fast = measure(sh, arsenal, &["-q", "-v", "--data", data, "risks", "--json"])?;
    let reference =
        measure(sh, arsenal, &["-q", "-v", "--data", data, "risks", "--json", "--reference"])?;
    let fast_json: Value = serde_json::from_str(&fast.stdout)?;
    let reference_json: Value = serde_json::from_str(&reference.stdout)?;
    let (compared, worst) = compare(&fast_json, &reference_json)?;
    let fast_exposure = logged_seconds(&fast.stderr, "exposure")?;
    let reference_exposure = logged_seconds(&reference.stderr, "exposure")?;
    let structural = logged_seconds(&fast.stderr, "structural risks")?;
    let methods =
        fast.stderr.lines().find(|l| l.contains("no_downstream_demand=")).unwrap_or("").to_owned();

    let python = peers_python(sh, &["networkx"])?;
    let peer_script = root.join("bench/peers/critical_sites.py");
    let peer: Value = serde_json::from_str(&cmd!(sh, "{python} {peer_script} {net}").read()?)?;
    let peer_seconds = peer["critical_seconds"].as_f64().context("peer output")?;
    let peer_pairs = peer["pairs"].as_u64().context("peer output")?;
    let our_pairs: u64 = fast_json["critical_sites"]
        .as_array()
        .context("critical_sites")?
        .iter()
        .map(|c| c["products"].as_array().map_or(0, |p| p.len() as u64))
        .sum();
    if peer_pairs != our_pairs {
        bail!("critical (site, product) pairs differ: arsenal {our_pairs}, NetworkX {peer_pairs}");
    }
    for (key, ours) in [("sole_sourced", "sole_sources"), ("concentrated", "concentration")] {
        let (theirs, mine) =
            (peer[key].as_u64(), fast_json[ours].as_array().map(|a| a.len() as u64));
        if theirs != mine {
            bail!("{key} differs: arsenal {mine:?}, NetworkX {theirs:?}");
        }
    }

    println!("Network: {sites} generated sites (seed 1).");
    println!();
    println!("| measure | arsenal | peer | peer / arsenal |");
    println!("|---|---|---|---|");
    println!(
        "| exposure + time to survive, every site | fast path {fast_exposure:.2} s | literal per-site programs {reference_exposure:.1} s | {:.0} |",
        reference_exposure / fast_exposure
    );
    println!(
        "| sole sources, concentration and critical sites of every end product ({our_pairs} site-product pairs) | {structural:.4} s | NetworkX {peer_seconds:.4} s | {:.0} |",
        peer_seconds / structural
    );
    println!();
    println!("Agreement: {compared} sites compared, largest relative difference {worst:.1e}.");
    println!("Fast-path methods: {}", methods.split("exposure").nth(1).unwrap_or("").trim());
    if national {
        national_run(sh, arsenal, &root)?;
    }
    Ok(())
}

/// Every site's loss and time to survive agree within 1e-6 (relative); returns how many sites
/// were compared and the largest relative difference.
fn compare(fast: &Value, reference: &Value) -> anyhow::Result<(usize, f64)> {
    let list = |v: &Value| v["exposure"].as_array().cloned().context("exposure missing");
    let (fast, reference) = (list(fast)?, list(reference)?);
    if fast.len() != reference.len() {
        bail!("{} sites on the fast path, {} in the reference", fast.len(), reference.len());
    }
    let mut worst: f64 = 0.0;
    for f in &fast {
        let r = reference
            .iter()
            .find(|r| r["site"] == f["site"])
            .context("site missing in the reference")?;
        for key in ["loss", "tts_weeks"] {
            match (f[key].as_f64(), r[key].as_f64()) {
                (None, None) => {}
                (Some(a), Some(b)) => {
                    let difference = (a - b).abs() / (1.0 + a.abs().max(b.abs()));
                    worst = worst.max(difference);
                    if difference > 1e-6 {
                        bail!(
                            "site {}: {key} {a} on the fast path, {b} in the reference",
                            f["site"]
                        );
                    }
                }
                (a, b) => bail!(
                    "site {}: {key} {a:?} on the fast path, {b:?} in the reference",
                    f["site"]
                ),
            }
        }
    }
    Ok((fast.len(), worst))
}

/// The full report on the 300,000-site network (generated and imported first if needed).
fn national_run(sh: &Shell, arsenal: &str, root: &std::path::Path) -> anyhow::Result<()> {
    let work = root.join("target/bench-risks-national");
    let (net, data) = (work.join("network"), work.join("data"));
    let (net, data) = (net.to_str().context("path")?, data.to_str().context("path")?);
    if !work.join("data").exists() {
        cmd!(sh, "{arsenal} -q generate --sites 300000 --seed 1 --out {net} --force").run()?;
        cmd!(sh, "{arsenal} -q --data {data} import {net}").run()?;
    }
    let args = ["-q", "-v", "--data", data, "risks", "--top", "5"];
    let (run, cached) = uncached_then_cached(sh, arsenal, data, &args)?;
    let stage = |what: &str| logged_seconds(&run.stderr, what);
    println!();
    println!(
        "National network (300,000 sites, seed 1): `arsenal risks` {:.1} s wall, peak {:.2} GiB.",
        run.seconds,
        run.peak_kb as f64 / 1024.0 / 1024.0
    );
    println!(
        "Stages: load {:.1} s, graph {:.1} s, structural {:.1} s, exposure {:.1} s; then caching the graph {:.1} s.",
        stage("loaded network")?,
        stage("built graph")?,
        stage("structural risks")?,
        stage("exposure")?,
        stage("wrote the graph cache")?
    );
    println!(
        "Again, the graph read from its cache in {:.1} s: {:.1} s wall, peak {:.2} GiB.",
        logged_seconds(&cached.stderr, "read the cached graph")?,
        cached.seconds,
        cached.peak_kb as f64 / 1024.0 / 1024.0
    );
    let methods =
        run.stderr.lines().find(|l| l.contains("no_downstream_demand=")).unwrap_or("").to_owned();
    println!("Methods: {}", methods.split("exposure").nth(1).unwrap_or("").trim());
    Ok(())
}
