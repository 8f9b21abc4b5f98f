//! Storage of the network: one `Store` type over a closed set of backends.
//!
//! The embedded SQLite database (a file in the data directory) is the default; PostgreSQL is the
//! shared backend, for several processes over one database. Both lay the records out the same
//! way (`tables`), and `Store` is one concrete type over the closed enum of the two.
//! Every write of a network is one transaction: readers and a crash see the old network or the
//! new one, never a mix.

mod access;
pub mod pool;
mod postgres;
mod sqlite;
mod tables;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

use std::path::Path;

use model::Network;

pub use access::{
    ApiKey, AuditEntry, EventFilter, Newest, RegisteredOrganization, StoredEvent, Unregistered,
};

/// The file name of the database inside a data directory.
pub const DB_FILE: &str = "arsenal.db";

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    /// A write was checked against a network that another write has replaced since.
    #[error("{0}")]
    Stale(String),
    #[error("{context}: {source}")]
    Backend {
        context: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// Where a stored network came from.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportRecord {
    /// Increases with every write; a write based on an older one is refused.
    pub seq: i64,
    /// UTC, as `YYYY-MM-DD HH:MM:SS`.
    pub imported_at: String,
    pub source: String,
    /// The records of the network it left.
    pub records: u64,
}

/// The network store.
pub struct Store {
    backend: Backend,
}

enum Backend {
    Sqlite(sqlite::Db),
    Postgres(postgres::Db),
}

impl Store {
    /// Opens (creating if needed) the embedded store in a data directory and brings its schema
    /// up to date.
    pub fn open_dir(dir: &Path) -> Result<Store, Error> {
        Ok(Store { backend: Backend::Sqlite(sqlite::Db::open_dir(dir)?) })
    }

    /// Connects to a PostgreSQL database (`postgres://user@host:port/database`) and brings its
    /// schema up to date.
    pub fn connect(url: &str) -> Result<Store, Error> {
        Ok(Store { backend: Backend::Postgres(postgres::Db::connect(url)?) })
    }

    /// A store that lives in memory, for tests.
    pub fn open_in_memory() -> Result<Store, Error> {
        Ok(Store { backend: Backend::Sqlite(sqlite::Db::open_in_memory()?) })
    }

    /// Replaces the stored network with `network` in one transaction, recording `source`, and
    /// returns the record of this import. `progress` is called with the number of records
    /// written so far.
    pub fn replace_network(
        &mut self,
        network: &Network,
        source: &str,
        progress: &mut dyn FnMut(u64),
    ) -> Result<ImportRecord, Error> {
        match &mut self.backend {
            Backend::Sqlite(db) => db.replace_network(network, source, progress),
            Backend::Postgres(db) => db.replace_network(network, source, progress),
        }
    }

    /// Replaces one organization's records (`tables::owned_rows`: its sites, what is at them and
    /// the links they ship on, and its own record when `part` has one) with `part`'s, in one
    /// transaction, and records the write as an import of `records` records in all from
    /// `source`. Writes nothing and fails with `Stale` unless the last import is still
    /// `based_on` (optimistic concurrency between processes), or with `Conflict` if `part`
    /// holds shared records (items, bills of materials, routings). The new rows follow every
    /// other row of their tables. Checking `part` against the rest of the network is the
    /// caller's job.
    pub fn replace_organization(
        &mut self,
        organization: &str,
        part: &Network,
        based_on: i64,
        records: u64,
        source: &str,
    ) -> Result<ImportRecord, Error> {
        let tables = tables::replaced_tables(part)?;
        let write =
            tables::OrganizationWrite { organization, part, tables, based_on, records, source };
        match &mut self.backend {
            Backend::Sqlite(db) => db.replace_organization(&write),
            Backend::Postgres(db) => db.replace_organization(&write),
        }
    }

    /// Reads the stored network, in the order it was imported.
    /// `progress` is called with the number of records read so far.
    pub fn load_network(&self, progress: &mut dyn FnMut(u64)) -> Result<Network, Error> {
        Ok(self.load_stamped(progress)?.1)
    }

    /// Reads the stored network and the import that left it, as one transaction sees them
    /// (`None` and an empty network before the first import).
    pub fn load_stamped(
        &self,
        progress: &mut dyn FnMut(u64),
    ) -> Result<(Option<ImportRecord>, Network), Error> {
        match &self.backend {
            Backend::Sqlite(db) => db.load_network(progress),
            Backend::Postgres(db) => db.load_network(progress),
        }
    }

    /// Whether the store still answers: a PostgreSQL connection is asked (a server restarted
    /// since closed it); the embedded store always does.
    pub(crate) fn works(&self) -> bool {
        match &self.backend {
            Backend::Sqlite(_) => true,
            Backend::Postgres(db) => db.works(),
        }
    }

    /// Whether the store's connection is known to be closed (after an error that closed it).
    pub(crate) fn is_closed(&self) -> bool {
        match &self.backend {
            Backend::Sqlite(_) => false,
            Backend::Postgres(db) => db.is_closed(),
        }
    }

    /// The last import, or `None` when the store is empty.
    pub fn last_import(&self) -> Result<Option<ImportRecord>, Error> {
        match &self.backend {
            Backend::Sqlite(db) => db.last_import(),
            Backend::Postgres(db) => db.last_import(),
        }
    }
}

#[cfg(test)]
mod tests;
