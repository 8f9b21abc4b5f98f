//! The use cases of Arsenal, independent of any user interface: each one loads what it needs,
//! runs an engine and saves or returns the result.
//!
//! **Boundary:** the CLI and the server call only this crate's functions and show its
//! types; they never reach into `store` or `engine` themselves.

pub mod access;
pub mod alerts;
pub mod chart;
pub mod events;
mod graph_cache;
pub mod interchange;
mod lookup;
mod machine;
pub mod map;
mod network;
pub mod plan;
pub mod records;
mod request;
mod risks;
mod sample;
pub mod scenario;
mod stress;
mod twin;

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The simulation's settings, for interfaces that set them.
pub use engine::simulate::{Hazards, Period, Unmet};
pub use map::{SupplyMap, map};
/// Counts in messages, for interfaces that write them as `app`'s do.
pub use model::{counted, grouped, listed};
pub use network::{
    DemoReport, ImportReport, demo, export, generate, import, import_json, import_json_twin,
    load_graph, network, sample_network, summary,
};
pub use request::{Request, StrictJson, from_json, json_syntax, shape_of, unknown_field};
pub use risks::{ExposureMethod, RiskReport, risks};
pub use sample::SAMPLE_FILES;
pub use stress::{
    DEFAULT_HORIZON_WEEKS, MAX_SCENARIOS, MonteCarloOptions, StressOptions, StressReport,
    monte_carlo, stress,
};
pub use twin::{Answer, Ask, Question, Twin, free_aside};

use interchange::Finding;

/// The validated settings every use case runs with, and the stores it has open: its clones
/// share them (`store::pool`), so a server's requests reuse connections instead of each
/// opening its own.
#[derive(Clone, Debug)]
pub struct Config {
    /// The data directory: the embedded store, and files such as the demo's chart.
    data_dir: PathBuf,
    /// The embedded store in `data_dir`, or the PostgreSQL database it is kept in instead.
    stores: Arc<store::pool::Pool>,
}

impl Config {
    /// The settings of a data directory and, when `database` (a PostgreSQL URL) is given, the
    /// database the network is stored in instead of the directory. Opens nothing yet.
    pub fn new(data_dir: PathBuf, database: Option<String>) -> Config {
        let place = match database {
            None => store::pool::Place::Dir(data_dir.clone()),
            Some(url) => store::pool::Place::Url(url),
        };
        Config { data_dir, stores: Arc::new(store::pool::Pool::new(place)) }
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The PostgreSQL URL the network is stored at, if not in the data directory.
    pub fn database(&self) -> Option<&str> {
        match self.stores.place() {
            store::pool::Place::Dir(_) => None,
            store::pool::Place::Url(url) => Some(url),
        }
    }

    /// Where the network is stored, for messages: the data directory, or the database URL
    /// without its password.
    pub fn store_name(&self) -> String {
        match self.database() {
            None => self.data_dir.display().to_string(),
            Some(url) => redact(url),
        }
    }

    /// A store open on the place, idle since an earlier use or newly opened.
    pub(crate) fn open_store(&self) -> Result<store::pool::Pooled, Error> {
        Ok(self.stores.get()?)
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let authority = rest.split('/').next().unwrap_or(rest);
    match authority.rsplit_once('@').and_then(|(user, _)| user.split_once(':')) {
        Some((name, password)) => url.replacen(
            &format!("{scheme}://{name}:{password}@"),
            &format!("{scheme}://{name}:***@"),
            1,
        ),
        None => url.to_owned(),
    }
}

/// Why a use case failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The user's data or request is wrong; `findings` says where and why.
    #[error("{message}")]
    Invalid { message: String, findings: Vec<Finding> },
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    /// The caller may not do this.
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Internal(String),
    /// The work stopped early because its `Progress` asked it to.
    #[error("cancelled")]
    Cancelled,
    /// The work ran past the time it was given.
    #[error("{0}")]
    TimeLimit(String),
}

impl Error {
    fn invalid(message: impl Into<String>) -> Error {
        Error::Invalid { message: message.into(), findings: Vec::new() }
    }
}

impl From<store::Error> for Error {
    fn from(error: store::Error) -> Error {
        match error {
            store::Error::NotFound => Error::NotFound("not found in the store".into()),
            store::Error::Conflict(message) | store::Error::Stale(message) => {
                Error::Conflict(message)
            }
            store::Error::Backend { .. } => Error::Internal(format!("store: {error}")),
        }
    }
}

/// Reports progress of long work; the CLI draws bars, tests stay silent. Work on other threads
/// may ask it whether to stop (a solver, between its iterations).
pub trait Progress: Sync {
    /// A new stage of work with a known or unknown amount.
    fn begin(&self, label: &str, total: Option<u64>);
    /// How much of the stage is done; in a stage of unknown amount, the steps taken so far,
    /// which its label names (a solver's iterations).
    fn advance(&self, done: u64);
    /// The stage of unknown amount under way goes on under a new label, its steps counted
    /// again from none (a solve's iterations, once its method is known).
    fn relabel(&self, label: &str) {
        self.begin(label, None);
    }
    fn end(&self);
    /// Whether the work should stop: long stages ask between units of work (a site, a
    /// scenario) and a plan's solver in each of its iterations, and then fail with
    /// `Error::Cancelled`.
    fn cancelled(&self) -> bool {
        false
    }
}

/// Runs `work` on its own thread while this thread draws its progress: `work` reports how much
/// is done through the function it is given, which answers whether to go on (engines run
/// parallel work whose threads share one count, so that drawing a bar never holds them up).
/// `work` returns `None` when it stopped early, which is `Error::Cancelled`.
pub(crate) fn with_progress<T: Send>(
    progress: &dyn Progress,
    label: &str,
    total: u64,
    work: impl FnOnce(&(dyn Fn(u64) -> bool + Sync)) -> Option<T> + Send,
) -> Result<T, Error> {
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    progress.begin(label, Some(total));
    let done = AtomicU64::new(0);
    let stop = AtomicBool::new(progress.cancelled());
    let result = std::thread::scope(|threads| {
        let report = |n: u64| {
            done.fetch_max(n, Ordering::Relaxed);
            !stop.load(Ordering::Relaxed)
        };
        let worker = threads.spawn(move || work(&report));
        while !worker.is_finished() {
            progress.advance(done.load(Ordering::Relaxed));
            if progress.cancelled() {
                stop.store(true, Ordering::Relaxed);
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        worker.join()
    });
    progress.advance(done.load(Ordering::Relaxed));
    progress.end();
    result
        .map_err(|_| Error::Internal(format!("{label}: the computation panicked")))?
        .ok_or(Error::Cancelled)
}

/// `Error::Cancelled` when `progress` asks to stop.
pub(crate) fn go_on(progress: &dyn Progress) -> Result<(), Error> {
    if progress.cancelled() { Err(Error::Cancelled) } else { Ok(()) }
}

/// For the error that refuses `value` as a share from 0 to 1: the share it means when it reads
/// as a percentage, a whole number from 2 to 100 (` (a share: 95 % is 0.95)`), else nothing.
pub fn as_percentage(value: f64) -> String {
    if value.fract() == 0.0 && (2.0..=100.0).contains(&value) {
        format!(" (a share: {} % is {})", model::Shown(value), model::Shown(value / 100.0))
    } else {
        String::new()
    }
}

/// Progress that shows nothing.
pub struct Silent;

impl Progress for Silent {
    fn begin(&self, _: &str, _: Option<u64>) {}
    fn advance(&self, _: u64) {}
    fn end(&self) {}
}

#[cfg(test)]
mod tests;
