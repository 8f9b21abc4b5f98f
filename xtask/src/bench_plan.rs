//! `cargo xtask bench-plan`: the planning benchmark. On generated networks it plans demand
//! targets with `arsenal mobilize` and with the highspy peer (bench/peers/plan_lp.py, which
//! builds the same program without pruning) and checks that both reach the same optima; then, on
//! the large instance (10,000 sites, 200 products, 26 weeks), it reports the program's size and
//! the time of each stage, the peer's time on the same instance, and a re-plan after the busiest
//! site goes down, started from the plan and from nothing.

use std::path::Path;

use anyhow::{Context, bail};
use serde_json::Value;
use xshell::{Shell, cmd};

use crate::bench::{Measured, measure, peers_python};

/// Largest relative difference (to 1 + |x|) allowed between arsenal's optima and the peer's.
const AGREEMENT: f64 = 1e-6;

struct Options {
    sites: u32,
    products: usize,
    peer: bool,
}

pub(crate) fn run(sh: &Shell, args: &[String]) -> anyhow::Result<()> {
    let mut options = Options { sites: 10_000, products: 200, peer: true };
    let mut args = args.iter();
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "--sites" => options.sites = args.next().context("--sites needs a number")?.parse()?,
            "--products" => {
                options.products = args.next().context("--products needs a number")?.parse()?;
            }
            "--no-peer" => options.peer = false,
            _ => bail!("usage: cargo xtask bench-plan [--sites N] [--products N] [--no-peer]"),
        }
    }
    let root = crate::root();
    cmd!(sh, "cargo build --release -p cli").run()?;
    let arsenal = crate::target_dir().join("release/arsenal");
    let arsenal = arsenal.to_str().context("path")?;
    let python = peers_python(sh, &["highspy", "simpy"])?;
    let peer = root.join("bench/peers/plan_lp.py");
    let peer = peer.to_str().context("path")?;
    let work = root.join("target/bench-plan");
    let _ = std::fs::remove_dir_all(&work);

    println!("Agreement with the peer (value met and cost, the two optima):");
    println!();
    println!(
        "| network | steady demand | products | arsenal value met | peer value met | arsenal cost | peer cost | largest difference | arsenal columns | peer columns |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for (sites, seed, baseline) in [
        (300, 1, "reserve"),
        (300, 2, "compete"),
        (300, 3, "ignore"),
        (1000, 1, "reserve"),
        (1000, 2, "ignore"),
        (2000, 1, "reserve"),
    ] {
        let dir = work.join(format!("{sites}-{seed}"));
        let (net, data) = network(sh, arsenal, &dir, sites, seed)?;
        let demand = dir.join(format!("demand-{baseline}.toml"));
        let products = write_demand(&net, &demand, 10, 0.6, 26, baseline)?;
        let demand = demand.to_str().context("path")?;
        let ours = measure(
            sh,
            arsenal,
            &["-q", "--data", &data, "mobilize", "--demand", demand, "--json", "--recheck", "0"],
        )?;
        let ours: Value = serde_json::from_str(&ours.stdout)?;
        let theirs = last_line(&cmd!(sh, "{python} {peer} {net} {demand}").read()?)?;
        let program = &ours["plan"]["program"];
        let (met, cost) = (number(program, "objective_met")?, number(program, "objective_cost")?);
        let (peer_met, peer_cost) = (number(&theirs, "value_met")?, number(&theirs, "cost")?);
        let worst = relative(met, peer_met).max(relative(cost, peer_cost));
        if worst > AGREEMENT {
            bail!(
                "{sites} sites, seed {seed}, {baseline}: arsenal and the peer differ by {worst:.1e}"
            );
        }
        println!(
            "| {sites} sites, seed {seed} | {baseline} | {products} | {met:.2} | {peer_met:.2} | {cost:.2} | {peer_cost:.2} | {worst:.1e} | {} | {} |",
            program["size"]["columns"], theirs["columns"]
        );
    }

    let sites = options.sites;
    let dir = work.join(sites.to_string());
    let (net, data) = network(sh, arsenal, &dir, sites, 1)?;
    let demand = dir.join("demand.toml");
    let products = write_demand(&net, &demand, options.products, 0.5, 26, "reserve")?;
    let demand = demand.to_str().context("path")?;
    let plan = dir.join("plan.json");
    let plan = plan.to_str().context("path")?;
    let ours = measure(
        sh,
        arsenal,
        &["-q", "--data", &data, "mobilize", "--demand", demand, "--json", "--out", plan],
    )?;
    let report: Value = serde_json::from_str(&ours.stdout)?;
    let program = &report["plan"]["program"];
    let s = &program["seconds"];
    let (model, build, met, cost, extract) = (
        number(s, "model")?,
        number(s, "build")?,
        number(s, "solve_met")?,
        number(s, "cost_and_bottlenecks")?,
        number(s, "extract")?,
    );
    let solve = met + cost;
    println!();
    println!(
        "Plan of {products} products over 26 weeks on {sites} generated sites (seed 1), today's demand reserved:"
    );
    println!();
    println!("| stage | seconds |");
    println!("|---|---|");
    println!(
        "| program | {} columns, {} rows, {} nonzeros |",
        program["size"]["columns"], program["size"]["rows"], program["size"]["nonzeros"]
    );
    println!("| model (capacities by week, arcs, windows) | {model:.2} |");
    println!("| build the program and load it into HiGHS | {build:.2} |");
    println!("| HiGHS: value met | {met:.2} |");
    println!("| HiGHS: 5 bottleneck re-solves, then cost | {cost:.2} |");
    println!("| extract, check and name the plan | {extract:.2} |");
    println!(
        "| building and extraction / HiGHS's solves | {:.1} % |",
        100.0 * (model + build + extract) / solve
    );
    println!(
        "| arsenal mobilize, end to end (wall) | {:.1} s, peak {:.2} GiB |",
        ours.seconds,
        gib(&ours)
    );

    if options.peer {
        // The same work as the peer: the two solves, no bottleneck checks.
        let same = measure(
            sh,
            arsenal,
            &["-q", "--data", &data, "mobilize", "--demand", demand, "--json", "--recheck", "0"],
        )?;
        println!(
            "| arsenal mobilize --recheck 0 (the peer's work), end to end (wall) | {:.1} s |",
            same.seconds
        );
        let theirs = measure(sh, &python, &[peer, &net, demand])?;
        let peer = last_line(&theirs.stdout)?;
        let worst = relative(number(program, "objective_met")?, number(&peer, "value_met")?)
            .max(relative(number(program, "objective_cost")?, number(&peer, "cost")?));
        println!(
            "| peer (highspy, unpruned: {} columns), end to end (wall) | {:.1} s (read {:.1}, build {:.1}, solve {:.1} + {:.1}), peak {:.2} GiB; optima differ by {worst:.1e} |",
            peer["columns"],
            theirs.seconds,
            number(&peer, "read_seconds")?,
            number(&peer, "build_seconds")?,
            number(&peer, "solve_met_seconds")?,
            number(&peer, "solve_cost_seconds")?,
            gib(&theirs)
        );
        println!(
            "| peer / arsenal --recheck 0, end to end | {:.1} |",
            theirs.seconds / same.seconds
        );
        println!(
            "| peer / arsenal, the two solves alone | {:.1} |",
            (number(&peer, "solve_met_seconds")? + number(&peer, "solve_cost_seconds")?) / solve
        );
    }

    // Re-plans after one site goes down: the busiest, and a typical producing site.
    let (busiest, typical) = producing_sites(&report)?;
    println!();
    println!("Re-plan after one site goes down from week 4 (to the end of the horizon):");
    println!();
    println!(
        "| site down | re-plan | model + build + value met + cost and bottlenecks (s) | wall (s) |"
    );
    println!("|---|---|---|---|");
    for (site, which) in [(busiest, "the most production orders"), (typical, "the median number")] {
        let events = dir.join(format!("{site}-down.toml"));
        std::fs::write(
            &events,
            format!("[[event]]\nkind = \"site\"\nsite = \"{site}\"\nstart_week = 4\n"),
        )?;
        let events = events.to_str().context("path")?;
        let replan = |cold: bool| -> anyhow::Result<(Measured, Value)> {
            let mut args =
                vec!["-q", "--data", &data, "replan", "--plan", plan, "--event", events, "--json"];
            if cold {
                args.push("--cold");
            }
            let run = measure(sh, arsenal, &args)?;
            let value: Value = serde_json::from_str(&run.stdout)?;
            Ok((run, value))
        };
        let (warm_run, warm) = replan(false)?;
        let (cold_run, cold) = replan(true)?;
        let program = |v: &Value| v["document"]["plan"]["program"].clone();
        let solving = |v: &Value| -> anyhow::Result<f64> {
            let s = &program(v)["seconds"];
            Ok(number(s, "model")?
                + number(s, "build")?
                + number(s, "solve_met")?
                + number(s, "cost_and_bottlenecks")?)
        };
        let worst = relative(
            number(&program(&warm), "objective_met")?,
            number(&program(&cold), "objective_met")?,
        )
        .max(relative(
            number(&program(&warm), "objective_cost")?,
            number(&program(&cold), "objective_cost")?,
        ));
        if worst > AGREEMENT {
            bail!("re-planning {site} from the plan and from nothing differ by {worst:.1e}");
        }
        if program(&warm)["warm_start"] != true {
            bail!("the re-plan of {site} did not start from the saved plan");
        }
        let (w, c) = (solving(&warm)?, solving(&cold)?);
        let label = format!("{site} ({which})");
        println!("| {label} | from the saved plan's bases | {w:.2} | {:.1} |", warm_run.seconds);
        println!("| {label} | from nothing (--cold) | {c:.2} | {:.1} |", cold_run.seconds);
        println!(
            "| {label} | cold / warm | {:.1} | {:.1} |",
            c / w,
            cold_run.seconds / warm_run.seconds
        );
        println!("| {label} | largest difference of the optima | {worst:.1e} | |");
    }
    Ok(())
}

/// The JSON the peer prints last (highspy prints a banner first).
fn last_line(stdout: &str) -> anyhow::Result<Value> {
    let line = stdout.lines().last().context("the peer printed nothing")?;
    Ok(serde_json::from_str(line)?)
}

fn gib(m: &Measured) -> f64 {
    m.peak_kb as f64 / 1024.0 / 1024.0
}

fn number(v: &Value, key: &str) -> anyhow::Result<f64> {
    v[key].as_f64().with_context(|| format!("no {key} in the output"))
}

fn relative(a: f64, b: f64) -> f64 {
    (a - b).abs() / (1.0 + a.abs().max(b.abs()))
}

/// Generates and imports a network; returns its CSV directory and data directory.
fn network(
    sh: &Shell,
    arsenal: &str,
    dir: &Path,
    sites: u32,
    seed: u32,
) -> anyhow::Result<(String, String)> {
    let net = dir.join("network").to_str().context("path")?.to_owned();
    let data = dir.join("data").to_str().context("path")?.to_owned();
    if !Path::new(&net).exists() {
        let (n, s) = (sites.to_string(), seed.to_string());
        cmd!(sh, "{arsenal} -q generate --sites {n} --seed {s} --out {net} --force").run()?;
        cmd!(sh, "{arsenal} -q --data {data} import {net}").run()?;
    }
    Ok((net, data))
}

/// Writes a demand file for the first `products` products with steady demand: `extra` times
/// their weekly demand over `weeks`, anywhere, due at the end; returns how many.
fn write_demand(
    net: &str,
    path: &Path,
    products: usize,
    extra: f64,
    weeks: u32,
    baseline: &str,
) -> anyhow::Result<usize> {
    let text = std::fs::read_to_string(Path::new(net).join("demand.csv"))?;
    let mut weekly: Vec<(String, f64)> = Vec::new();
    for line in text.lines().skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        let (item, units) = (fields[0].to_owned(), fields[2].parse::<f64>()?);
        match weekly.iter_mut().find(|(i, _)| *i == item) {
            Some(entry) => entry.1 += units,
            None => weekly.push((item, units)),
        }
    }
    weekly.sort_by(|a, b| a.0.cmp(&b.0));
    weekly.truncate(products);
    let mut toml = format!(
        "name = \"bench: {} products\"\nhorizon_weeks = {weeks}\nbaseline = \"{baseline}\"\nsetup_cost = 500\n",
        weekly.len()
    );
    for (item, units) in &weekly {
        toml.push_str(&format!(
            "\n[[target]]\nitem = \"{item}\"\nquantity = {}\ndue_week = {weeks}\n",
            (extra * units * f64::from(weeks)).round().max(1.0)
        ));
    }
    std::fs::write(path, toml)?;
    Ok(weekly.len())
}

/// The sites with the most production orders in a plan and with the median number (of sites
/// with any).
fn producing_sites(report: &Value) -> anyhow::Result<(String, String)> {
    let rows = report["plan"]["production"].as_array().context("no production in the plan")?;
    let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for row in rows {
        *counts.entry(row["site"].as_str().context("production site")?).or_default() += 1;
    }
    let mut sites: Vec<(&str, usize)> = counts.into_iter().collect();
    sites.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let busiest = sites.first().context("the plan produces nothing")?.0.to_owned();
    let median = sites[sites.len() / 2].0.to_owned();
    Ok((busiest, median))
}
