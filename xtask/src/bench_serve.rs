//! `cargo xtask bench-serve`: the HTTP API under load on a generated network (300,000 sites by
//! default), on the embedded store or on PostgreSQL (`--postgres URL`). wrk, from a second
//! process, asks for random sites by id; an operator reads an organization's records and writes
//! them back; then client threads post batches of events, and with
//! `--mqtt HOST:PORT` a Python client (paho-mqtt, `bench/mqtt_load.py`) publishes batches to the
//! broker; every event is counted from the receipts and again in the store afterwards.
//! `--binary PATH` runs another build of `arsenal` (an earlier commit's, to compare) instead of
//! building this checkout's.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use xshell::{Shell, cmd};

/// Events per batch, and client threads posting them.
const BATCH: usize = 1000;
const CLIENTS: usize = 2;

/// The schema the PostgreSQL runs use.
const SCHEMA: &str = "arsenal_bench";

pub(crate) fn run(sh: &Shell, args: &[String]) -> anyhow::Result<()> {
    let (mut sites, mut seconds) = (300_000u32, 20u32);
    let mut postgres: Option<String> = None;
    let mut mqtt: Option<String> = None;
    let mut soak: Option<u64> = None;
    let mut binary: Option<std::path::PathBuf> = None;
    let mut args = args.iter();
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "--sites" => sites = args.next().context("--sites needs a number")?.parse()?,
            "--seconds" => seconds = args.next().context("--seconds needs a number")?.parse()?,
            "--postgres" => postgres = Some(args.next().context("--postgres needs a URL")?.clone()),
            "--mqtt" => mqtt = Some(args.next().context("--mqtt needs HOST:PORT")?.clone()),
            "--soak" => soak = Some(args.next().context("--soak needs minutes")?.parse()?),
            "--binary" => binary = Some(args.next().context("--binary needs a path")?.into()),
            _ => bail!(
                "usage: cargo xtask bench-serve [--sites N] [--seconds S] [--postgres URL] [--mqtt HOST:PORT] [--soak MINUTES] [--binary PATH]"
            ),
        }
    }
    crate::setup::tool(sh, "wrk", "wrk")?;
    let arsenal = match binary {
        Some(path) => std::path::absolute(path)?,
        None => {
            cmd!(sh, "cargo build --release -p cli").run()?;
            crate::target_dir().join("release/arsenal")
        }
    };
    let work = crate::target_dir().join(format!("bench-serve-{sites}"));
    let (net, data) = (work.join("network"), work.join("data"));
    if !net.join("sites.csv").exists() {
        let n = sites.to_string();
        cmd!(sh, "{arsenal} -q generate --sites {n} --seed 1 --out {net} --force").run()?;
    }
    // Every run starts from the store as imported: no keys, events or audit lines of earlier
    // runs. SQLite: a copy of the imported file; PostgreSQL: a new schema, imported again.
    let mut store = vec!["--data".to_owned(), data.to_str().context("path")?.to_owned()];
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&data)?;
    let count: Box<dyn Fn() -> anyhow::Result<usize>> = match &postgres {
        None => {
            let pristine = work.join("imported.db");
            if !pristine.exists() {
                let store_args = &store;
                cmd!(sh, "{arsenal} -q {store_args...} import {net}").run()?;
                std::fs::copy(data.join("arsenal.db"), &pristine)?;
            }
            std::fs::copy(&pristine, data.join("arsenal.db"))?;
            let db = data.join("arsenal.db").to_str().context("path")?.to_owned();
            Box::new(move || Ok(cmd!(sh, "python3 -c {COUNT} {db}").read()?.trim().parse()?))
        }
        Some(url) => {
            let reset = format!("DROP SCHEMA IF EXISTS {SCHEMA} CASCADE; CREATE SCHEMA {SCHEMA}");
            cmd!(sh, "psql -q {url} -c {reset}").run()?;
            let join = if url.contains('?') { '&' } else { '?' };
            store.push("--database".to_owned());
            store.push(format!("{url}{join}options=-c%20search_path%3D{SCHEMA}"));
            let started = Instant::now();
            let store_args = &store;
            cmd!(sh, "{arsenal} -q {store_args...} import {net}").run()?;
            println!("Imported into PostgreSQL in {:.1} s.", started.elapsed().as_secs_f64());
            let query = format!("SELECT count(*) FROM {SCHEMA}.events");
            let url = url.clone();
            Box::new(move || Ok(cmd!(sh, "psql -tA {url} -c {query}").read()?.trim().parse()?))
        }
    };
    let store_args = &store;
    let key = |role: &str| -> anyhow::Result<String> {
        let out =
            cmd!(sh, "{arsenal} {store_args...} key create --org org-000001 --role {role} --json")
                .read()?;
        let key: serde_json::Value = serde_json::from_str(&out)?;
        Ok(key["key"].as_str().context("no key")?.to_owned())
    };
    let (viewer, operator) = (key("viewer")?, key("operator")?);

    let run_id = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs();
    let mut serve = vec!["serve".to_owned(), "--listen".to_owned(), "127.0.0.1:0".to_owned()];
    if let Some(broker) = &mqtt {
        serve.extend(["--mqtt".to_owned(), broker.clone()]);
        serve.extend(["--mqtt-client-id".to_owned(), format!("bench-serve-{run_id}")]);
    }
    let log = std::fs::File::create(work.join("server.log"))?;
    let started = Instant::now();
    let mut server = Command::new(&arsenal)
        .args(&store)
        .args(&serve)
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()?;
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(server.stdout.take().context("stdout")?),
        &mut line,
    )?;
    let address =
        line.trim().strip_prefix("listening on http://").context("no address")?.to_owned();
    let http = crate::bench::http();
    let ready = format!("http://{address}/readyz");
    while http.get(&ready).call().map(|r| r.status().as_u16()).unwrap_or(0) != 200 {
        std::thread::sleep(Duration::from_millis(100));
    }
    let backend = if postgres.is_some() { "PostgreSQL" } else { "SQLite" };
    println!(
        "Network: {sites} sites on {backend}; ready {:.1} s after start.",
        started.elapsed().as_secs_f64()
    );
    println!();
    println!("| measure | value |");
    println!("|---|---|");

    // Site queries: wrk, one thread and 32 connections, random ids.
    let script = work.join("sites.lua");
    std::fs::write(
        &script,
        format!(
            "wrk.headers[\"Authorization\"] = \"Bearer {viewer}\"\n\
             request = function()\n  return wrk.format(\"GET\", string.format(\"/sites/site-%06d\", math.random(1, {sites})))\nend\n"
        ),
    )?;
    let (url, duration) = (format!("http://{address}"), format!("{seconds}s"));
    let out = cmd!(sh, "wrk -t1 -c32 -d{duration} --latency -s {script} {url}").read()?;
    let rate = field(&out, "Requests/sec:")?;
    let p99 = out.lines().find(|l| l.trim_start().starts_with("99%")).context("no p99")?;
    let errors = out.lines().find(|l| l.contains("Non-2xx")).unwrap_or("none");
    println!("| GET /sites/{{id}}, random ids, wrk -t1 -c32 {seconds} s | {rate} req/s |");
    println!("| latency p99 | {} |", p99.split_whitespace().nth(1).unwrap_or("?"));
    println!("| non-2xx answers | {} |", errors.trim());

    // An organization's own records, read and written back unchanged, a few times.
    let (reads, writes) = records_round_trips(&address, &operator)?;
    println!("| GET /organizations/org-000001/records, {ROUND_TRIPS} times | {reads} |");
    println!("| PUT of the same records, {ROUND_TRIPS} times | {writes} |");

    // Event ingestion: batches of BATCH outage events from CLIENTS threads (ids unique to this
    // run), counted from the receipts and then in the store.
    let before = count()?;
    let started = Instant::now();
    let deadline = started + Duration::from_secs(u64::from(seconds));
    let acknowledged: usize = std::thread::scope(|threads| {
        let workers: Vec<_> = (0..CLIENTS)
            .map(|client| {
                let (address, operator) = (&address, &operator);
                threads.spawn(move || -> anyhow::Result<usize> {
                    let mut acknowledged = 0;
                    let mut batch = 0;
                    while Instant::now() < deadline {
                        let ids = format!("r{run_id}-c{client}-b{batch}");
                        acknowledged += post_batch(address, operator, &ids, batch, sites)?;
                        batch += 1;
                    }
                    Ok(acknowledged)
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().expect("client thread")).sum::<anyhow::Result<usize>>()
    })?;
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "| POST /events, {CLIENTS} clients, batches of {BATCH}, {seconds} s | {:.0} events/s ({acknowledged} acknowledged) |",
        acknowledged as f64 / elapsed
    );
    let over_mqtt = match &mqtt {
        Some(broker) => mqtt_load(sh, broker, &operator, sites, seconds, run_id)?,
        None => 0,
    };
    let soaked = match soak {
        Some(minutes) => {
            soak_run(&address, &operator, &script, sites, minutes, server.id(), run_id)?
        }
        None => 0,
    };
    let peak = peak_rss_kb(server.id())?;
    server.kill()?;
    server.wait()?;
    let stored = count()? - before;
    println!("| events of this run in the store afterwards | {stored} |");
    println!("| server peak memory | {:.2} GiB |", peak as f64 / 1024.0 / 1024.0);
    let all = acknowledged + over_mqtt + soaked;
    if stored != all {
        bail!("{all} events acknowledged but {stored} in the store");
    }
    Ok(())
}

/// Times of reading an organization's records and writing them back.
const ROUND_TRIPS: usize = 3;

/// Reads org-000001's records and writes them back unchanged, `ROUND_TRIPS` times; returns the
/// seconds of the reads and of the writes, as lists.
fn records_round_trips(address: &str, operator: &str) -> anyhow::Result<(String, String)> {
    let url = format!("http://{address}/organizations/org-000001/records");
    let authorization = format!("Bearer {operator}");
    let (mut reads, mut writes) = (Vec::new(), Vec::new());
    for _ in 0..ROUND_TRIPS {
        let started = Instant::now();
        let mut answer =
            crate::bench::http().get(&url).header("Authorization", &authorization).call()?;
        let document = answer.body_mut().read_to_string()?;
        if answer.status() != 200 {
            bail!("GET {url}: {} {document}", answer.status());
        }
        reads.push(format!("{:.2} s", started.elapsed().as_secs_f64()));
        let started = Instant::now();
        let mut answer = crate::bench::http()
            .put(&url)
            .header("Authorization", &authorization)
            .header("Content-Type", "application/json")
            .send(&document)?;
        let text = answer.body_mut().read_to_string()?;
        if answer.status() != 200 {
            bail!("PUT {url}: {} {text}", answer.status());
        }
        writes.push(format!("{:.2} s", started.elapsed().as_secs_f64()));
    }
    Ok((reads.join(", "), writes.join(", ")))
}

/// Posts the `batch`-th batch of `BATCH` outage events (ids `<ids>-e<n>`, sites in turn) and
/// returns how many the receipt acknowledges as new.
fn post_batch(
    address: &str,
    operator: &str,
    ids: &str,
    batch: usize,
    sites: u32,
) -> anyhow::Result<usize> {
    let events: Vec<String> = (0..BATCH)
        .map(|e| {
            let site = (batch * BATCH + e) % sites as usize + 1;
            format!(r#"{{"kind":"outage_start","id":"{ids}-e{e}","site":"site-{site:06}"}}"#)
        })
        .collect();
    let body = format!(r#"{{"events":[{}]}}"#, events.join(","));
    let mut answer = crate::bench::http()
        .post(&format!("http://{address}/events"))
        .header("Content-Type", "application/json")
        .header("Authorization", &format!("Bearer {operator}"))
        .send(&body)?;
    let text = answer.body_mut().read_to_string()?;
    if answer.status() != 200 {
        bail!("batch {ids}: {} {text}", answer.status());
    }
    let receipt: serde_json::Value = serde_json::from_str(&text)?;
    Ok(receipt["accepted"].as_array().map_or(0, Vec::len))
}

/// Batches a second posted during the soak.
const SOAK_BATCHES_PER_SECOND: u64 = 5;

/// Keeps the server busy for `minutes` (wrk asking for sites over 8 connections, and
/// `SOAK_BATCHES_PER_SECOND` batches of events a second) while its resident memory is sampled
/// every 10 s; prints the samples and returns the events acknowledged.
fn soak_run(
    address: &str,
    operator: &str,
    script: &Path,
    sites: u32,
    minutes: u64,
    pid: u32,
    run_id: u64,
) -> anyhow::Result<usize> {
    let seconds = minutes * 60;
    let mut wrk = Command::new("wrk")
        .args(["-t1", "-c8", &format!("-d{seconds}s"), "-s"])
        .arg(script)
        .arg(format!("http://{address}"))
        .stdout(Stdio::null())
        .spawn()?;
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let mut samples: Vec<(u64, u64)> = Vec::new();
    let mut acknowledged = 0;
    let mut batch: u64 = 0;
    while Instant::now() < deadline {
        let elapsed = started.elapsed().as_secs();
        if samples.last().is_none_or(|&(at, _)| elapsed >= at + 10) {
            samples.push((elapsed, rss_kb(pid)?));
        }
        let ids = format!("r{run_id}-soak-b{batch}");
        acknowledged += post_batch(address, operator, &ids, batch as usize, sites)?;
        batch += 1;
        let due = started + Duration::from_millis(batch * 1000 / SOAK_BATCHES_PER_SECOND);
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
    }
    samples.push((started.elapsed().as_secs(), rss_kb(pid)?));
    wrk.wait()?;
    let gib = |kb: u64| kb as f64 / 1024.0 / 1024.0;
    for (at, kb) in &samples {
        println!("soak: {at:>4} s  resident {:.3} GiB", gib(*kb));
    }
    let at = |s: u64| samples.iter().find(|(t, _)| *t >= s).map_or(0, |&(_, kb)| kb);
    let last = samples.last().map_or(0, |&(_, kb)| kb);
    let highest = samples.iter().map(|&(_, kb)| kb).max().unwrap_or(0);
    println!(
        "| soak, {minutes} min: wrk -c8 site queries and {} events/s | resident {:.2} GiB after 1 min, {:.2} GiB at the end, highest {:.2} GiB ({acknowledged} events) |",
        SOAK_BATCHES_PER_SECOND * BATCH as u64,
        gib(at(60)),
        gib(last),
        gib(highest)
    );
    Ok(acknowledged)
}

/// The resident memory of a process now, from /proc.
fn rss_kb(pid: u32) -> anyhow::Result<u64> {
    proc_status_kb(pid, "VmRSS:")
}

/// Publishes event batches over MQTT for `seconds` (`bench/mqtt_load.py`) and prints the rate;
/// returns the events acknowledged, and fails unless every event published was acknowledged
/// once.
fn mqtt_load(
    sh: &Shell,
    broker: &str,
    key: &str,
    sites: u32,
    seconds: u32,
    run_id: u64,
) -> anyhow::Result<usize> {
    let python = crate::bench::peers_python(sh, &["paho-mqtt"])?;
    let script = crate::root().join("bench/mqtt_load.py");
    let (host, port) = broker.rsplit_once(':').unwrap_or((broker, "1883"));
    let (sites, seconds, run, batch) =
        (sites.to_string(), seconds.to_string(), run_id.to_string(), BATCH.to_string());
    let out = cmd!(
        sh,
        "{python} {script} --host {host} --port {port} --organization org-000001 --key {key} --sites {sites} --seconds {seconds} --batch {batch} --run {run}"
    )
    .read()?;
    let load: serde_json::Value = serde_json::from_str(&out)?;
    let count = |field: &str| load[field].as_u64().map_or(0, |n| n as usize);
    let (published, acknowledged) = (count("published"), count("acknowledged"));
    let elapsed = load["seconds"].as_f64().context("seconds")?;
    println!(
        "| MQTT arsenal/org-000001/events, QoS 1, batches of {BATCH}, {seconds} s | {:.0} events/s ({acknowledged} acknowledged of {published} published) |",
        acknowledged as f64 / elapsed
    );
    if acknowledged != published || count("repeated") > 0 {
        bail!("over MQTT {published} events published, {acknowledged} acknowledged: {load}");
    }
    Ok(acknowledged)
}

/// Counts the stored events with Python's sqlite3 (a second reader of the file).
const COUNT: &str = "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from events').fetchone()[0])";

/// The number after `label` in wrk's output.
fn field(out: &str, label: &str) -> anyhow::Result<String> {
    let line = out.lines().find(|l| l.trim_start().starts_with(label)).context(label.to_owned())?;
    Ok(line.trim_start().trim_start_matches(label).trim().to_owned())
}

/// The peak resident memory of a process, from /proc.
fn peak_rss_kb(pid: u32) -> anyhow::Result<u64> {
    proc_status_kb(pid, "VmHWM:")
}

/// A figure in kB from a process's /proc status.
fn proc_status_kb(pid: u32, field: &str) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(Path::new("/proc").join(pid.to_string()).join("status"))?;
    let line = status.lines().find(|l| l.starts_with(field)).context(field.to_owned())?;
    Ok(line.split_whitespace().nth(1).context(field.to_owned())?.parse()?)
}
