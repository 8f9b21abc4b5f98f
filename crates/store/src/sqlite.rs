//! The SQLite backend: a database file in WAL mode, migrated by `rusqlite_migration` from the
//! numbered scripts in `migrations/sqlite/`.

mod access;
mod read;
mod write;

use std::path::{Path, PathBuf};

use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};

use crate::{DB_FILE, Error, ImportRecord};

/// The schema, one script per version; never edit a released script, add a new one.
pub(crate) const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/sqlite/0001_network.sql"),
    include_str!("../migrations/sqlite/0002_access.sql"),
    include_str!("../migrations/sqlite/0003_events.sql"),
    include_str!("../migrations/sqlite/0004_organizations.sql"),
    include_str!("../migrations/sqlite/0005_log_lines.sql"),
];

/// SQLite's clock, as the store writes times.
const NOW: &str = "strftime('%Y-%m-%d %H:%M:%S', 'now')";

pub(crate) struct Db {
    conn: Connection,
    /// The database file; `None` in memory.
    path: Option<PathBuf>,
}

impl Db {
    pub(crate) fn open_dir(dir: &Path) -> Result<Db, Error> {
        std::fs::create_dir_all(dir)
            .map_err(|e| backend(format!("cannot create data directory {}", dir.display()), e))?;
        let path = dir.join(DB_FILE);
        let conn = Connection::open(&path)
            .map_err(|e| backend(format!("cannot open database {}", path.display()), e))?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(|e| backend("cannot enable WAL", e))?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(|e| backend("cannot set synchronous mode", e))?;
        Db::migrate(conn, Some(path))
    }

    pub(crate) fn open_in_memory() -> Result<Db, Error> {
        let conn = Connection::open_in_memory().map_err(|e| backend("cannot open database", e))?;
        Db::migrate(conn, None)
    }

    fn migrate(mut conn: Connection, path: Option<PathBuf>) -> Result<Db, Error> {
        conn.busy_timeout(std::time::Duration::from_secs(30))
            .map_err(|e| backend("cannot set busy timeout", e))?;
        let migrations = Migrations::new(MIGRATIONS.iter().map(|sql| M::up(sql)).collect());
        migrations.to_latest(&mut conn).map_err(|e| backend("cannot migrate database", e))?;
        Ok(Db { conn, path })
    }

    pub(crate) fn last_import(&self) -> Result<Option<ImportRecord>, Error> {
        last_import(&self.conn)
    }
}

/// The last import `conn` sees, or `None` before the first.
fn last_import(conn: &Connection) -> Result<Option<ImportRecord>, Error> {
    let read = |e| backend("cannot read imports", e);
    let mut stmt = conn
        .prepare("SELECT seq, imported_at, source, records FROM imports ORDER BY seq DESC LIMIT 1")
        .map_err(read)?;
    let mut rows = stmt.query([]).map_err(read)?;
    let Some(row) = rows.next().map_err(read)? else {
        return Ok(None);
    };
    Ok(Some(ImportRecord {
        seq: row.get(0).map_err(read)?,
        imported_at: row.get(1).map_err(read)?,
        source: row.get(2).map_err(read)?,
        records: row.get::<_, i64>(3).map_err(read)?.unsigned_abs(),
    }))
}

fn backend(
    context: impl Into<String>,
    source: impl std::error::Error + Send + Sync + 'static,
) -> Error {
    Error::Backend { context: context.into(), source: Box::new(source) }
}

/// Maps a failed statement, telling unique violations (a conflict) from other failures.
fn classify(context: &str, error: rusqlite::Error) -> Error {
    match error.sqlite_error_code() {
        Some(rusqlite::ErrorCode::ConstraintViolation) => {
            Error::Conflict(format!("{context}: {error}"))
        }
        _ => backend(context, error),
    }
}
