//! `cargo xtask bench-stress`: the stress-test benchmark. On generated networks (300 and 1,000
//! sites) it runs one scenario of each kind (bench/peers/make_scenarios.py) through `arsenal
//! stress` and through the SimPy peer (bench/peers/stress_sim.py), checks that both give the same
//! units due and served in every period for every product, and compares their simulation times;
//! with `--national`, it times one 52-week scenario on the 300,000-site network, and with
//! `--monte-carlo N`, N Monte Carlo scenarios on a 10,000-site network.

use anyhow::{Context, bail};
use serde_json::Value;
use xshell::{Shell, cmd};

use crate::bench::{logged_seconds, measure, peers_python, uncached_then_cached};

/// Largest relative difference (to 1 + |x|) allowed between arsenal and the peer.
const AGREEMENT: f64 = 1e-9;

pub(crate) fn run(sh: &Shell, args: &[String]) -> anyhow::Result<()> {
    let (mut national, mut monte_carlo) = (false, 0u32);
    let mut args = args.iter();
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "--national" => national = true,
            "--monte-carlo" => {
                monte_carlo = args.next().context("--monte-carlo needs a number")?.parse()?;
            }
            _ => bail!("usage: cargo xtask bench-stress [--national] [--monte-carlo N]"),
        }
    }
    let root = crate::root();
    cmd!(sh, "cargo build --release -p cli").run()?;
    let arsenal = crate::target_dir().join("release/arsenal");
    let arsenal = arsenal.to_str().context("path")?;
    let python = peers_python(sh, &["simpy"])?;
    let peers = root.join("bench/peers");
    let work = root.join("target/bench-stress");
    let _ = std::fs::remove_dir_all(&work);

    println!(
        "| network | scenario | units short (arsenal) | units short (SimPy) | largest difference | arsenal | SimPy | SimPy / arsenal |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for sites in [300u32, 1000] {
        let dir = work.join(sites.to_string());
        let (net, data, scenarios) = (dir.join("network"), dir.join("data"), dir.join("scenarios"));
        let (net, data, scenarios) = (
            net.to_str().context("path")?,
            data.to_str().context("path")?,
            scenarios.to_str().context("path")?,
        );
        let n = sites.to_string();
        cmd!(sh, "{arsenal} -q generate --sites {n} --seed 1 --out {net} --force").run()?;
        cmd!(sh, "{arsenal} -q --data {data} import {net}").run()?;
        let maker = peers.join("make_scenarios.py");
        let names = cmd!(sh, "{python} {maker} {net} {scenarios}").read()?;
        let (mut ours_total, mut peer_total) = (0.0, 0.0);
        for name in names.split_whitespace() {
            let file = format!("{scenarios}/{name}.json");
            let ours = measure(
                sh,
                arsenal,
                &["-q", "-v", "--data", data, "stress", "--scenario", &file, "--json"],
            )?;
            let ours_seconds = logged_seconds(&ours.stderr, "simulated")?;
            let ours: Value = serde_json::from_str(&ours.stdout)?;
            let simulator = peers.join("stress_sim.py");
            let peer: Value =
                serde_json::from_str(&cmd!(sh, "{python} {simulator} {net} {file}").read()?)?;
            let peer_seconds = peer["simulate_seconds"].as_f64().context("peer output")?;
            let (short_ours, short_peer, worst) = compare(&ours, &peer)?;
            if worst > AGREEMENT {
                bail!("{sites} sites, {name}: arsenal and the SimPy peer differ by {worst:.1e}");
            }
            ours_total += ours_seconds;
            peer_total += peer_seconds;
            println!(
                "| {sites} sites | {name} | {short_ours:.2} | {short_peer:.2} | {worst:.1e} | {ours_seconds:.4} s | {peer_seconds:.2} s | {:.0} |",
                peer_seconds / ours_seconds
            );
        }
        println!(
            "| {sites} sites | all six | | | | {ours_total:.4} s | {peer_total:.2} s | {:.0} |",
            peer_total / ours_total
        );
    }
    if national {
        national_run(sh, arsenal, &python, &root)?;
    }
    if monte_carlo > 0 {
        monte_carlo_run(sh, arsenal, &work, monte_carlo)?;
    }
    Ok(())
}

/// `scenarios` Monte Carlo scenarios of 52 weeks with the default hazards on a generated
/// 10,000-site network.
fn monte_carlo_run(
    sh: &Shell,
    arsenal: &str,
    work: &std::path::Path,
    scenarios: u32,
) -> anyhow::Result<()> {
    let dir = work.join("10000");
    let (net, data) = (dir.join("network"), dir.join("data"));
    let (net, data) = (net.to_str().context("path")?, data.to_str().context("path")?);
    cmd!(sh, "{arsenal} -q generate --sites 10000 --seed 1 --out {net} --force").run()?;
    cmd!(sh, "{arsenal} -q --data {data} import {net}").run()?;
    let n = scenarios.to_string();
    let run = measure(
        sh,
        arsenal,
        &["-q", "-v", "--data", data, "stress", "--monte-carlo", &n, "--seed", "1", "--top", "3"],
    )?;
    let seconds = logged_seconds(&run.stderr, "monte carlo")?;
    println!();
    println!(
        "Monte Carlo on 10,000 generated sites (seed 1), {scenarios} scenarios of 52 weeks, default hazards: {seconds:.1} s ({:.1} ms a scenario), {:.1} s wall, peak {:.2} GiB.",
        1000.0 * seconds / f64::from(scenarios),
        run.seconds,
        run.peak_kb as f64 / 1024.0 / 1024.0
    );
    print!("{}", run.stdout);
    Ok(())
}

/// Per product and period, the units due and served on time of both; returns the units short
/// of each and the largest relative difference.
fn compare(ours: &Value, peer: &Value) -> anyhow::Result<(f64, f64, f64)> {
    let ours = ours["products"].as_array().context("products")?;
    let theirs = peer["products"].as_object().context("products")?;
    if ours.len() != theirs.len() {
        bail!("{} products in arsenal's report, {} in the peer's", ours.len(), theirs.len());
    }
    let series = |v: &Value| -> anyhow::Result<Vec<f64>> {
        v.as_array().context("series")?.iter().map(|x| x.as_f64().context("number")).collect()
    };
    let (mut short_ours, mut short_peer, mut worst) = (0.0, 0.0, 0.0f64);
    for product in ours {
        let item = product["item"].as_str().context("item")?;
        let other = theirs.get(item).with_context(|| format!("{item} missing from the peer"))?;
        let short = |p: &Value| -> anyhow::Result<f64> {
            Ok(series(&p["due"])?.iter().zip(series(&p["served"])?).map(|(d, s)| d - s).sum())
        };
        short_ours += short(product)?;
        short_peer += short(other)?;
        for key in ["due", "served"] {
            for (a, b) in series(&product[key])?.into_iter().zip(series(&other[key])?) {
                worst = worst.max((a - b).abs() / (1.0 + a.abs().max(b.abs())));
            }
        }
    }
    Ok((short_ours, short_peer, worst))
}

/// One 52-week scenario (the `site` scenario of the set) on the 300,000-site network.
fn national_run(
    sh: &Shell,
    arsenal: &str,
    python: &str,
    root: &std::path::Path,
) -> anyhow::Result<()> {
    let work = root.join("target/bench-risks-national");
    let (net, data) = (work.join("network"), work.join("data"));
    let (net, data) = (net.to_str().context("path")?, data.to_str().context("path")?);
    if !work.join("data").exists() {
        cmd!(sh, "{arsenal} -q generate --sites 300000 --seed 1 --out {net} --force").run()?;
        cmd!(sh, "{arsenal} -q --data {data} import {net}").run()?;
    }
    let scenarios = root.join("target/bench-stress/national");
    let maker = root.join("bench/peers/make_scenarios.py");
    cmd!(sh, "{python} {maker} {net} {scenarios}").run()?;
    let file = scenarios.join("site.json");
    let file = file.to_str().context("path")?;
    let args = ["-q", "-v", "--data", data, "stress", "--scenario", file, "--top", "3"];
    let (run, cached) = uncached_then_cached(sh, arsenal, data, &args)?;
    let gib = |kb: u64| kb as f64 / 1024.0 / 1024.0;
    println!();
    println!(
        "National network (300,000 sites, seed 1), one 52-week scenario: `arsenal stress` {:.1} s wall, peak {:.2} GiB; load {:.1} s, graph {:.1} s, flows {:.1} s, simulation {:.1} s, caching the graph {:.1} s.",
        run.seconds,
        gib(run.peak_kb),
        logged_seconds(&run.stderr, "loaded network")?,
        logged_seconds(&run.stderr, "built graph")?,
        logged_seconds(&run.stderr, "flows built")?,
        logged_seconds(&run.stderr, "simulated")?,
        logged_seconds(&run.stderr, "wrote the graph cache")?,
    );
    println!(
        "Again, the graph read from its cache: {:.1} s wall, peak {:.2} GiB; cache {:.1} s, flows {:.1} s, simulation {:.1} s.",
        cached.seconds,
        gib(cached.peak_kb),
        logged_seconds(&cached.stderr, "read the cached graph")?,
        logged_seconds(&cached.stderr, "flows built")?,
        logged_seconds(&cached.stderr, "simulated")?,
    );
    print!("{}", cached.stdout);
    Ok(())
}
