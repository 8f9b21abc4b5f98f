//! Use cases on the whole network: import, export, summary, generate and the demo.

use std::path::Path;
use std::time::Instant;

use engine::generate::GenerateConfig;
use engine::graph::Graph;
use engine::summary::Summary;
use model::Network;
use serde::Serialize;

use crate::interchange::{self, Finding, Format};
use crate::{Config, Error, Progress, SAMPLE_FILES};

/// What an import did.
#[derive(Debug, Serialize)]
pub struct ImportReport {
    pub source: String,
    pub records: usize,
    pub warnings: Vec<Finding>,
}

/// Reads, validates and stores a network, replacing the stored one in one transaction.
/// Invalid data changes nothing.
pub fn import(
    config: &Config,
    path: &Path,
    format: Option<Format>,
    progress: &dyn Progress,
) -> Result<ImportReport, Error> {
    let format = match format.or_else(|| Format::detect(path)) {
        Some(format) => format,
        None if !path.exists() => {
            return Err(Error::invalid(format!("{} does not exist", path.display())));
        }
        None if interchange::is_workbook(path) => {
            return Err(Error::invalid(format!(
                "{} is a spreadsheet workbook; save each sheet as a CSV file named after its table (sites.csv, items.csv, ...) in one directory, and import the directory",
                path.display()
            )));
        }
        None => {
            let csv = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
            let hint = if csv {
                ": one CSV file is not a network; give the directory that holds sites.csv, items.csv and the other tables"
            } else {
                "; give a directory of CSV files, a .json file, a Willems chain file, or --format"
            };
            return Err(Error::invalid(format!(
                "cannot tell the format of {}{hint}",
                path.display()
            )));
        }
    };
    let source = path.display().to_string();
    let network = read_valid(&source, progress, || interchange::read(path, format))?;
    store_valid(config, network, source, progress)
}

/// Validates and stores the text of a JSON network document, reported as `source`, replacing
/// the stored network in one transaction (as `import` does with a file), and caches its graph
/// for the next commands.
pub fn import_json(
    config: &Config,
    text: &str,
    source: &str,
    progress: &dyn Progress,
) -> Result<ImportReport, Error> {
    let network = read_valid(source, progress, || interchange::parse_json(text, source))?;
    store_valid(config, network, source.to_owned(), progress)
}

/// Imports a JSON network document as `import_json` does, for a server: with the twin of the
/// network written, held from the document rather than read back, and its graph cached as an
/// import from a file caches it.
pub fn import_json_twin(
    config: &Config,
    text: &str,
    source: &str,
) -> Result<(ImportReport, crate::Twin), Error> {
    let loaded = read_valid(source, &crate::Silent, || interchange::parse_json(text, source))?;
    let (report, import, network) = write_valid(config, loaded, source.to_owned(), &crate::Silent)?;
    Ok((report, crate::Twin::cached(config, network, &import)?))
}

/// Writes a valid network and caches its graph for the next commands.
fn store_valid(
    config: &Config,
    loaded: interchange::Loaded,
    source: String,
    progress: &dyn Progress,
) -> Result<ImportReport, Error> {
    let (report, import, network) = write_valid(config, loaded, source, progress)?;
    crate::graph_cache::keep_built(config, &import, &network, progress);
    Ok(report)
}

/// Writes a valid network: what the import did, the record of the write, and the network.
fn write_valid(
    config: &Config,
    loaded: interchange::Loaded,
    source: String,
    progress: &dyn Progress,
) -> Result<(ImportReport, store::ImportRecord, Network), Error> {
    let records = loaded.network.n_records();
    let import = write_network(config, &loaded.network, &source, progress)?;
    Ok((ImportReport { source, records, warnings: loaded.findings }, import, loaded.network))
}

/// Reads and validates a network with `read`; `source` names it in errors.
fn read_valid(
    source: &str,
    progress: &dyn Progress,
    read: impl FnOnce() -> interchange::Loaded,
) -> Result<interchange::Loaded, Error> {
    progress.begin("reading and validating", None);
    let started = Instant::now();
    let loaded = read();
    progress.end();
    tracing::info!(
        records = loaded.network.n_records(),
        seconds = started.elapsed().as_secs_f64(),
        "read and validated"
    );
    let n_errors = loaded.n_errors();
    if n_errors > 0 {
        let errors = model::counted(n_errors, "error");
        let message = format!("{source} is invalid: {errors}; nothing was imported");
        return Err(Error::Invalid { message, findings: loaded.findings });
    }
    Ok(loaded)
}

fn write_network(
    config: &Config,
    network: &Network,
    source: &str,
    progress: &dyn Progress,
) -> Result<store::ImportRecord, Error> {
    let started = Instant::now();
    let mut store = config.open_store()?;
    progress.begin("writing to the store", Some(network.n_records() as u64));
    tracing::info!(store = %config.store_name(), "writing network to the store");
    let result = store.replace_network(network, source, &mut |n| progress.advance(n));
    progress.end();
    let import = result?;
    tracing::info!(seconds = started.elapsed().as_secs_f64(), "stored");
    Ok(import)
}

/// Loads the stored network and the import that left it, as one read of the store sees them.
pub(crate) fn load_network(
    config: &Config,
    progress: &dyn Progress,
) -> Result<(store::ImportRecord, Network), Error> {
    let started = Instant::now();
    // Reading leaves no trace: no empty store is made where none was.
    if config.database().is_none() && !config.data_dir().join(store::DB_FILE).exists() {
        return Err(empty_store(config));
    }
    let store = config.open_store()?;
    // Said before a progress bar starts.
    let Some(last) = store.last_import()? else {
        return Err(empty_store(config));
    };
    progress.begin("loading from the store", Some(last.records));
    let loaded = store.load_stamped(&mut |n| progress.advance(n));
    progress.end();
    let (import, network) = loaded?;
    let import = import.ok_or_else(|| empty_store(config))?;
    tracing::info!(
        records = network.n_records(),
        seconds = started.elapsed().as_secs_f64(),
        "loaded network"
    );
    Ok((import, network))
}

fn empty_store(config: &Config) -> Error {
    let next = "run `arsenal import PATH` or `arsenal demo`";
    let dir = config.data_dir();
    if config.database().is_none() && !dir.exists() {
        // Often a mistyped --data, or a command run from another directory.
        let here = std::env::current_dir().ok().filter(|_| dir.is_relative());
        let within = here.map_or(String::new(), |here| format!(" in {}", here.display()));
        return Error::NotFound(format!(
            "no network is stored in {}: there is no such directory{within}; {next}, or give --data the directory a network was imported into",
            dir.display()
        ));
    }
    Error::NotFound(format!("the store in {} holds no network yet; {next}", config.store_name()))
}

/// The stored network, as its records.
pub fn network(config: &Config, progress: &dyn Progress) -> Result<Network, Error> {
    Ok(load_network(config, progress)?.1)
}

/// The bundled sample network, read and validated like any import.
pub fn sample_network(progress: &dyn Progress) -> Result<Network, Error> {
    let staging = tempfile::tempdir()
        .map_err(|e| Error::Internal(format!("cannot create a temporary directory: {e}")))?;
    for (name, text) in SAMPLE_FILES {
        std::fs::write(staging.path().join(name), text)
            .map_err(|e| Error::Internal(format!("cannot unpack the sample: {e}")))?;
    }
    let source = staging.path().display().to_string();
    Ok(read_valid(&source, progress, || interchange::read(staging.path(), Format::Csv))?.network)
}

/// The engines' graph of the stored network (from the cache beside the embedded store when it
/// holds the last write's).
pub fn load_graph(config: &Config, progress: &dyn Progress) -> Result<Graph, Error> {
    crate::graph_cache::graph(config, progress)
}

pub(crate) fn build_graph(network: &Network) -> Result<Graph, Error> {
    let started = Instant::now();
    let graph = Graph::build(network)
        .map_err(|e| Error::Internal(format!("stored network is inconsistent: {e}")))?;
    tracing::info!(seconds = started.elapsed().as_secs_f64(), "built graph");
    Ok(graph)
}

/// Writes the stored network to a CSV directory or a JSON file; returns the number of records.
/// A path that holds something already (a file, or a directory that is not empty) is refused
/// unless `replace` says to replace an earlier export there: its files may have been edited.
pub fn export(
    config: &Config,
    out: &Path,
    format: Format,
    replace: bool,
    progress: &dyn Progress,
) -> Result<usize, Error> {
    writable(out, replace, "export", format)?;
    let network = network(config, progress)?;
    progress.begin("writing files", None);
    let result = interchange::write(&network, out, format);
    progress.end();
    result.map_err(|e| Error::Internal(format!("cannot write {}: {e}", out.display())))?;
    Ok(network.n_records())
}

/// Refuses, before any work, a path `format` cannot be written at, and one that holds something
/// already (a file, or a directory that is not empty) unless `replace` says to replace the
/// earlier `what` there.
fn writable(out: &Path, replace: bool, what: &str, format: Format) -> Result<(), Error> {
    let occupied = match std::fs::read_dir(out) {
        Ok(mut entries) => entries.next().is_some(),
        Err(_) => out.exists(),
    };
    if occupied && !replace {
        return Err(Error::Conflict(format!(
            "{} already exists; choose a new path, or replace the {what} there with --force \
             (edits made to its files are lost)",
            out.display()
        )));
    }
    interchange::check_write(out, format)
        .map_err(|e| Error::invalid(format!("cannot write {}: {e}", out.display())))
}

/// Summarizes the stored network.
pub fn summary(config: &Config, progress: &dyn Progress) -> Result<Summary, Error> {
    let graph = load_graph(config, progress)?;
    Ok(engine::summary::summarize(&graph))
}

/// Generates a synthetic network and writes it as a CSV directory; returns its record count.
/// A path that holds something already is refused unless `replace` says to replace it, as by
/// [`export`].
pub fn generate(
    generate: &GenerateConfig,
    out: &Path,
    replace: bool,
    progress: &dyn Progress,
) -> Result<usize, Error> {
    if generate.n_sites < engine::generate::MIN_SITES {
        return Err(Error::invalid(format!(
            "--sites must be at least {}, not {} (the smallest network the generator makes)",
            engine::generate::MIN_SITES,
            generate.n_sites
        )));
    }
    if generate.n_sites > engine::generate::MAX_SITES {
        return Err(Error::invalid(format!(
            "--sites must be at most {}, not {} (the largest network the generator makes, more than three times the U.S. manufacturing base)",
            model::grouped(engine::generate::MAX_SITES as u64),
            model::grouped(generate.n_sites as u64)
        )));
    }
    writable(out, replace, "generated network", Format::Csv)?;
    progress.begin("generating", None);
    let network = engine::generate::generate(generate);
    progress.end();
    progress.begin("writing files", None);
    let result = interchange::write(&network, out, Format::Csv);
    progress.end();
    result.map_err(|e| Error::Internal(format!("cannot write {}: {e}", out.display())))?;
    Ok(network.n_records())
}

/// Bottlenecks the demo checks by solving again.
const DEMO_RECHECK: usize = 3;

/// What the demo did.
#[derive(Debug, Serialize)]
pub struct DemoReport {
    /// Whether the sample was imported now (false: the store already held it).
    pub imported: bool,
    pub summary: Summary,
    /// The risks of the sample's end products.
    pub risks: crate::RiskReport,
    /// The bundled example scenario, run on the sample.
    pub stress: crate::StressReport,
    /// Where the scenario's fill-rate chart was written.
    pub chart: std::path::PathBuf,
    /// The directory the bundled example scenarios, hazards, demand and events files were
    /// written to (`scenarios/`, `hazards/`, `demand/`, `events/`), for the commands to try next.
    pub examples: std::path::PathBuf,
    /// The bundled pandemic demand, planned on the sample.
    pub plan: crate::plan::PlanReport,
}

/// Loads the bundled sample network into the store (unless it is already there) and summarizes
/// it. A store that holds another network is left alone.
pub fn demo(config: &Config, progress: &dyn Progress) -> Result<DemoReport, Error> {
    let sample = sample_network(progress)?;
    let store = config.open_store()?;
    let imported = match store.last_import()? {
        None => true,
        Some(_) => {
            let stored = store.load_network(&mut |_| {})?;
            if stored != sample {
                return Err(Error::Conflict(format!(
                    "the store in {} holds another network; run the demo on a new data directory or database",
                    config.store_name()
                )));
            }
            false
        }
    };
    drop(store);
    let import = if imported {
        Some(write_network(config, &sample, "the bundled sample network", progress)?)
    } else {
        None
    };
    let graph = build_graph(&sample)?;
    if let Some(import) = import {
        let labels = crate::map::Labels::of(&sample);
        crate::graph_cache::keep(config, &import, &graph, &labels, progress);
    }
    let (file, text) = crate::sample::DEMO_SCENARIO;
    let options = crate::StressOptions::default();
    let scenario = crate::scenario::parse(text, file, "demo", &graph, options.period)?;
    let stress = crate::stress::run(&graph, &scenario, &options, progress)?;
    std::fs::create_dir_all(config.data_dir()).map_err(|e| {
        Error::Internal(format!("cannot create {}: {e}", config.data_dir().display()))
    })?;
    let chart = config.data_dir().join("demo-fill-rate.svg");
    crate::chart::fill_rates(&stress, &chart)?;
    let examples = config.data_dir().join("examples");
    write_examples(&examples)?;
    let (file, text) = crate::sample::DEMO_DEMAND;
    let plan = crate::plan::plan_text(&sample, file, text, (DEMO_RECHECK, None), progress)?;
    Ok(DemoReport {
        imported,
        summary: engine::summary::summarize(&graph),
        risks: crate::risks::assess(&graph, None, crate::ExposureMethod::Fast, progress)?,
        stress,
        chart,
        examples,
        plan,
    })
}

/// Writes the bundled example files under `dir`, each replacing the file of the same name.
fn write_examples(dir: &Path) -> Result<(), Error> {
    for (name, text) in crate::sample::EXAMPLES {
        let path = dir.join(name);
        let failed =
            |e: std::io::Error| Error::Internal(format!("cannot write {}: {e}", path.display()));
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(failed)?;
        }
        interchange::write_atomic(&path, |out| out.write_all(text.as_bytes())).map_err(failed)?;
    }
    Ok(())
}
