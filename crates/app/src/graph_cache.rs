//! The engines' graph of the stored network, kept in a file beside the embedded store with the
//! labels a supply map shows (`map::Labels`: sites' names and cities, items' names): a command
//! that reads a large network (risks, stress, Monte Carlo, the summary, a map) reads them from
//! there instead of loading the network and building the graph on every run. `arsenal import`
//! and the demo write the file with the network; after any other write (an organization's
//! records, an import by the server) the first command that needs the graph builds and writes it.
//!
//! The file (`graph.cache` in the data directory) holds a magic, the key of the write it was
//! built from (the graph's format number and the store's last import: its number, time, source
//! and records), a CRC-32 of the body, and the body (the graph, then the labels), in postcard.
//! It is used only when all of them match. Anything else (no file, another format, a later
//! write, a damaged file) builds the graph from the store and writes the file again: beside it
//! first and then moved over it, so a reader sees a whole file or none. A file that cannot be
//! written costs only the next run's time, so it is logged, not an error. PostgreSQL's network
//! is shared by processes on other machines, and is read from the database every time.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use engine::graph::Graph;
use serde::{Deserialize, Serialize};

use crate::map::Labels;
use crate::{Config, Error, Progress};

/// The file name of the cache inside a data directory.
pub(crate) const FILE: &str = "graph.cache";

const MAGIC: &[u8; 8] = b"ARSGRAPH";

/// The form of `engine::graph::Graph` and `map::Labels` in the file, and how they are built:
/// raise it when either changes (a test pins the bytes of a small network's and fails when they
/// change).
const FORMAT: u32 = 2;

/// What the file holds: the graph of the stored network and its labels.
struct Cached {
    graph: Graph,
    labels: Labels,
}

impl Cached {
    /// The graph and labels of `network`.
    fn of(network: &model::Network) -> Result<Cached, Error> {
        let graph = crate::network::build_graph(network)?;
        Ok(Cached { graph, labels: Labels::of(network) })
    }
}

/// What a cached graph was built from.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Key {
    format: u32,
    seq: i64,
    imported_at: String,
    source: String,
    records: u64,
}

impl Key {
    fn of(import: &store::ImportRecord) -> Key {
        Key {
            format: FORMAT,
            seq: import.seq,
            imported_at: import.imported_at.clone(),
            source: import.source.clone(),
            records: import.records,
        }
    }
}

/// The graph of the stored network: from the cache when it holds the last write's, otherwise
/// loaded and built, and cached for the next run.
pub(crate) fn graph(config: &Config, progress: &dyn Progress) -> Result<Graph, Error> {
    Ok(stamped(config, progress)?.1)
}

/// The graph of the stored network, as `graph` gives it, with the import that left the network.
pub(crate) fn stamped(
    config: &Config,
    progress: &dyn Progress,
) -> Result<(store::ImportRecord, Graph), Error> {
    let (import, cached) = cached(config, progress, Labelled::No)?;
    Ok((import, cached.graph))
}

/// Asks the graph of the stored network one question with `ask`, and frees it on a thread of
/// its own (`free_aside`: a national graph is many allocations, which a command about to print
/// its answer and end need not wait to free).
pub(crate) fn once<R>(
    config: &Config,
    progress: &dyn Progress,
    ask: impl FnOnce(&Graph) -> Result<R, Error>,
) -> Result<R, Error> {
    let graph = graph(config, progress)?;
    let answer = ask(&graph);
    crate::free_aside(graph);
    answer
}

/// Asks the graph and labels of the stored network one question with `ask`, as `once` does.
pub(crate) fn once_labelled<R>(
    config: &Config,
    progress: &dyn Progress,
    ask: impl FnOnce(&Graph, &Labels) -> Result<R, Error>,
) -> Result<R, Error> {
    let (_, cached) = cached(config, progress, Labelled::Yes)?;
    let answer = ask(&cached.graph, &cached.labels);
    crate::free_aside(cached);
    answer
}

/// Whether a caller wants the labels too (the file holds them after the graph, so a reader of
/// the graph alone leaves them undecoded).
#[derive(Clone, Copy, PartialEq)]
enum Labelled {
    Yes,
    No,
}

/// The graph of the stored network, with its labels when asked (otherwise empty ones), from
/// the cache when it holds the last write's, otherwise loaded and built, and cached for the
/// next run; with the import that left the network.
fn cached(
    config: &Config,
    progress: &dyn Progress,
    labelled: Labelled,
) -> Result<(store::ImportRecord, Cached), Error> {
    let (import, mut cached) = read_or_build(config, progress, labelled)?;
    if labelled == Labelled::No {
        crate::free_aside(std::mem::take(&mut cached.labels));
    }
    Ok((import, cached))
}

/// As `cached`, with the labels of a graph built here whether asked or not.
fn read_or_build(
    config: &Config,
    progress: &dyn Progress,
    labelled: Labelled,
) -> Result<(store::ImportRecord, Cached), Error> {
    if config.database().is_some() {
        let (import, network) = crate::network::load_network(config, progress)?;
        return Ok((import, built(network)?));
    }
    let path = config.data_dir().join(FILE);
    // A read opens only a store that exists (it leaves no trace; `load_network` says so).
    let last = if config.data_dir().join(store::DB_FILE).exists() {
        config.open_store()?.last_import()?
    } else {
        None
    };
    if let Some(last) = last {
        let started = Instant::now();
        progress.begin("reading the cached graph", None);
        let cached = read(&path, &Key::of(&last), labelled);
        progress.end();
        match cached {
            Ok(cached) => {
                tracing::info!(seconds = started.elapsed().as_secs_f64(), "read the cached graph");
                return Ok((last, cached));
            }
            Err(reason) => tracing::info!(%reason, "building the graph"),
        }
    }
    let (import, network) = crate::network::load_network(config, progress)?;
    let cached = built(network)?;
    keep(config, &import, &cached.graph, &cached.labels, progress);
    Ok((import, cached))
}

/// Builds the graph of `network`, just written to the store as `import`, and caches it, so
/// that the next command reads it instead of the store (an import costs the build and the
/// write, about 2 s on the national network). With PostgreSQL, nothing.
pub(crate) fn keep_built(
    config: &Config,
    import: &store::ImportRecord,
    network: &model::Network,
    progress: &dyn Progress,
) {
    if config.database().is_some() {
        return;
    }
    progress.begin("indexing the network for the next commands", None);
    let cached = Cached::of(network);
    progress.end();
    match cached {
        Ok(cached) => {
            keep(config, import, &cached.graph, &cached.labels, progress);
            crate::free_aside(cached);
        }
        Err(e) => tracing::warn!("cannot cache the graph: {e}"),
    }
}

/// Caches `graph` and `labels`, of the network `import` wrote, in the embedded store's data
/// directory (with PostgreSQL, nothing); a file that cannot be written is logged.
pub(crate) fn keep(
    config: &Config,
    import: &store::ImportRecord,
    graph: &Graph,
    labels: &Labels,
    progress: &dyn Progress,
) {
    if config.database().is_some() {
        return;
    }
    let path = config.data_dir().join(FILE);
    let started = Instant::now();
    progress.begin("caching the graph", None);
    let written = write(&path, &Key::of(import), graph, labels);
    progress.end();
    match written {
        Ok(()) => {
            tracing::info!(seconds = started.elapsed().as_secs_f64(), "wrote the graph cache")
        }
        Err(e) => tracing::warn!("cannot cache the graph in {}: {e}", path.display()),
    }
}

/// The graph and labels of `network`, with the network freed aside.
fn built(network: model::Network) -> Result<Cached, Error> {
    let cached = Cached::of(&network);
    crate::free_aside(network);
    cached
}

/// The cached graph and, when asked, labels (otherwise empty ones), or why there are none to use.
fn read(path: &Path, key: &Key, labelled: Labelled) -> Result<Cached, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("no cached graph: {e}"))?;
    let rest = bytes.strip_prefix(MAGIC.as_slice()).ok_or("not a cached graph")?;
    let (stored, rest): (Key, _) =
        postcard::take_from_bytes(rest).map_err(|e| format!("unreadable cached graph: {e}"))?;
    if stored != *key {
        return Err("the cached graph is of another network or format".to_owned());
    }
    let (crc, body) = rest.split_first_chunk::<4>().ok_or("truncated cached graph")?;
    if u32::from_le_bytes(*crc) != crc32fast::hash(body) {
        return Err("the cached graph is damaged".to_owned());
    }
    let unreadable = |e: postcard::Error| format!("unreadable cached graph: {e}");
    let (graph, rest): (Graph, _) = postcard::take_from_bytes(body).map_err(unreadable)?;
    let labels = match labelled {
        Labelled::Yes => postcard::from_bytes(rest).map_err(unreadable)?,
        Labelled::No => Labels::default(),
    };
    Ok(Cached { graph: graph.indexed(), labels })
}

/// The bytes of the file's body.
fn body(graph: &Graph, labels: &Labels) -> Result<Vec<u8>, postcard::Error> {
    postcard::to_stdvec(&(graph, labels))
}

/// Writes the cache file whole, beside `path` and then over it.
fn write(path: &Path, key: &Key, graph: &Graph, labels: &Labels) -> std::io::Result<()> {
    let invalid = |e: postcard::Error| std::io::Error::other(e.to_string());
    let key = postcard::to_stdvec(key).map_err(invalid)?;
    let body = body(graph, labels).map_err(invalid)?;
    let dir = path.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    // Named for what it becomes, should a killed process leave it behind.
    let mut file = crate::interchange::to_keep(".graph.cache.").tempfile_in(dir)?;
    for part in [MAGIC.as_slice(), &key, &crc32fast::hash(&body).to_le_bytes(), &body] {
        file.write_all(part)?;
    }
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests;
