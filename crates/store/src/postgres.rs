//! The PostgreSQL backend, for a store shared by several processes: the same tables as SQLite,
//! migrated from the numbered scripts in `migrations/postgres/` under an advisory lock, written
//! with `COPY` in one transaction.
//!
//! Two writers never mix: an import takes a lock that the next one waits for, then deletes and
//! refills every table, so the second import replaces the first whole (the last import wins).
//! Readers read in one repeatable-read snapshot and see one network or the other; `TRUNCATE`
//! is not used because it is not safe under such snapshots (a table emptied after the snapshot
//! was taken would read as empty). An organization's write takes the same lock and then checks
//! that no import came since the network it was computed from.

use std::cell::RefCell;
use std::fmt::Write as _;
use std::io::Write as _;

use postgres::error::SqlState;
use postgres::types::FromSqlOwned;
use postgres::{Client, GenericClient, NoTls, Row, Transaction};

use crate::access::{
    ApiKey, AuditEntry, EventFilter, Newest, RegisteredOrganization, StoredEvent, Unregistered,
};
use crate::tables::{
    Cell, Cells, Counter, OrganizationWrite, cells, check_based_on, columns, owned_rows, push,
};
use crate::{Error, ImportRecord};
use model::Network;

/// The schema, one script per version; never edit a released script, add a new one.
pub(crate) const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/postgres/0001_network.sql"),
    include_str!("../migrations/postgres/0002_access.sql"),
    include_str!("../migrations/postgres/0003_events.sql"),
    include_str!("../migrations/postgres/0004_organizations.sql"),
    include_str!("../migrations/postgres/0005_log_lines.sql"),
];

/// The advisory lock that serializes migrations between processes ("arsenal" in ASCII).
const MIGRATION_LOCK: i64 = 0x0061_7273_656e_616c;

/// PostgreSQL's clock, as the store writes times.
const NOW: &str = "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')";

/// How long `Db::works` waits for the server's answer.
const WORKS_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// The advisory lock that serializes imports between processes.
const WRITE_LOCK: i64 = MIGRATION_LOCK + 1;

pub(crate) struct Db {
    client: RefCell<Client>,
}

impl Db {
    pub(crate) fn connect(url: &str) -> Result<Db, Error> {
        let mut client = Client::connect(url, NoTls).map_err(|e| cannot_connect(url, &e))?;
        migrate(&mut client)?;
        Ok(Db { client: RefCell::new(client) })
    }

    /// Whether the server still answers (within `WORKS_TIMEOUT`).
    pub(crate) fn works(&self) -> bool {
        self.client.borrow_mut().is_valid(WORKS_TIMEOUT).is_ok()
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.client.borrow().is_closed()
    }

    pub(crate) fn replace_network(
        &mut self,
        network: &Network,
        source: &str,
        progress: &mut dyn FnMut(u64),
    ) -> Result<ImportRecord, Error> {
        let client = self.client.get_mut();
        let mut tx = client.transaction().map_err(|e| classify("cannot begin transaction", &e))?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK])
            .map_err(|e| classify("cannot wait for other writers", &e))?;
        let mut counter = Counter::new(progress);
        let mut line = String::new();
        for &table in model::Table::ALL {
            let context = format!("cannot write table {table}");
            tx.execute(&format!("DELETE FROM {table}"), &[]).map_err(|e| classify(&context, &e))?;
            copy_rows(&mut tx, network, table, &mut counter, &mut line)?;
        }
        let record = record_import(&mut tx, source, network.n_records() as u64)?;
        tracing::debug!(records = network.n_records(), "committing");
        tx.commit().map_err(|e| classify("cannot commit", &e))?;
        Ok(record)
    }

    pub(crate) fn replace_organization(
        &mut self,
        write: &OrganizationWrite<'_>,
    ) -> Result<ImportRecord, Error> {
        let client = self.client.get_mut();
        let mut tx = client.transaction().map_err(|e| classify("cannot begin transaction", &e))?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK])
            .map_err(|e| classify("cannot wait for other writers", &e))?;
        let last: Option<i64> = tx
            .query_one("SELECT max(seq) FROM imports", &[])
            .map_err(|e| classify("cannot read imports", &e))?
            .get(0);
        check_based_on(last, write.based_on)?;
        for &table in &write.tables {
            if let Some(owned) = owned_rows(table, "$1") {
                tx.execute(&format!("DELETE FROM {table} WHERE {owned}"), &[&write.organization])
                    .map_err(|e| classify(&format!("cannot write table {table}"), &e))?;
            }
        }
        let mut progress = |_| {};
        let mut counter = Counter::new(&mut progress);
        let mut line = String::new();
        for &table in write.tables.iter().rev() {
            copy_rows(&mut tx, write.part, table, &mut counter, &mut line)?;
        }
        let record = record_import(&mut tx, write.source, write.records)?;
        tx.commit().map_err(|e| classify("cannot commit", &e))?;
        Ok(record)
    }

    pub(crate) fn load_network(
        &self,
        progress: &mut dyn FnMut(u64),
    ) -> Result<(Option<ImportRecord>, Network), Error> {
        let mut client = self.client.borrow_mut();
        let mut tx = client
            .build_transaction()
            .isolation_level(postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(|e| classify("cannot begin transaction", &e))?;
        let import = last_import(&mut tx)?;
        let mut counter = Counter::new(progress);
        let mut network = Network::default();
        for &table in model::Table::ALL {
            let sql = format!("SELECT {} FROM {table} ORDER BY seq", columns(table).join(", "));
            let rows = tx
                .query(&sql, &[])
                .map_err(|e| classify(&format!("cannot read table {table}"), &e))?;
            network.reserve(table, rows.len());
            for row in &rows {
                push(&mut network, table, &PgRow(row))?;
                counter.tick();
            }
        }
        tx.commit().map_err(|e| classify("cannot end transaction", &e))?;
        counter.finish();
        Ok((import, network))
    }

    pub(crate) fn last_import(&self) -> Result<Option<ImportRecord>, Error> {
        last_import(&mut *self.client.borrow_mut())
    }
}

fn insert_key(client: &mut impl GenericClient, key: &ApiKey) -> Result<(), Error> {
    client
        .execute(
            &format!(
                "INSERT INTO api_keys (id, organization, role, hash, created_at) VALUES ($1, $2, $3, $4, {NOW})"
            ),
            &[&key.id, &key.organization, &key.role, &key.hash],
        )
        .map_err(|e| classify("cannot store the key", &e))?;
    Ok(())
}

/// The last import `client` sees, or `None` before the first.
fn last_import(client: &mut impl GenericClient) -> Result<Option<ImportRecord>, Error> {
    let row = client
        .query_opt(
            "SELECT seq, imported_at, source, records FROM imports ORDER BY seq DESC LIMIT 1",
            &[],
        )
        .map_err(|e| classify("cannot read imports", &e))?;
    Ok(row.map(|row| ImportRecord {
        seq: row.get(0),
        imported_at: row.get(1),
        source: row.get(2),
        records: row.get::<_, i64>(3).unsigned_abs(),
    }))
}

impl Db {
    pub(crate) fn add_key(&mut self, key: &ApiKey) -> Result<(), Error> {
        insert_key(self.client.get_mut(), key)
    }

    pub(crate) fn key(&self, id: &str) -> Result<Option<ApiKey>, Error> {
        let row = self
            .client
            .borrow_mut()
            .query_opt(&format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE id = $1"), &[&id])
            .map_err(|e| classify("cannot read the key", &e))?;
        Ok(row.as_ref().map(key_row))
    }

    pub(crate) fn keys(&self) -> Result<Vec<ApiKey>, Error> {
        let rows = self
            .client
            .borrow_mut()
            .query(&format!("SELECT {KEY_COLUMNS} FROM api_keys ORDER BY created_at, id"), &[])
            .map_err(|e| classify("cannot read the keys", &e))?;
        Ok(rows.iter().map(key_row).collect())
    }

    pub(crate) fn remove_key(&mut self, id: &str) -> Result<bool, Error> {
        let removed = self
            .client
            .get_mut()
            .execute("DELETE FROM api_keys WHERE id = $1", &[&id])
            .map_err(|e| classify(&format!("cannot delete the key {id}"), &e))?;
        Ok(removed > 0)
    }

    /// Holds the registration's row shared while it inserts: an unregistering waits for it.
    pub(crate) fn add_key_if_registered(&mut self, key: &ApiKey) -> Result<bool, Error> {
        let added =
            self.if_registered(&key.organization, "SHARE", "cannot store the key", |tx| {
                insert_key(tx, key)
            })?;
        Ok(added.is_some())
    }

    /// Takes the registration's row for update first, so a key being added for it is either
    /// committed before the look for keys (which, read committed, sees it) or refused after.
    pub(crate) fn unregister_organization(&mut self, id: &str) -> Result<Unregistered, Error> {
        let context = "cannot unregister the organization";
        let done = self.if_registered(id, "UPDATE", context, |tx| {
            let keys: Vec<String> = tx
                .query(
                    "SELECT id FROM api_keys WHERE organization = $1 ORDER BY created_at, id",
                    &[&id],
                )
                .map_err(|e| classify(context, &e))?
                .iter()
                .map(|row| row.get(0))
                .collect();
            if !keys.is_empty() {
                return Ok(Unregistered::HoldsKeys(keys));
            }
            tx.execute("DELETE FROM registered_organizations WHERE id = $1", &[&id])
                .map_err(|e| classify(context, &e))?;
            Ok(Unregistered::Removed)
        })?;
        Ok(done.unwrap_or(Unregistered::NotRegistered))
    }

    /// Runs `then` in one transaction that first locks `organization`'s registration row (`FOR
    /// SHARE` or `FOR UPDATE`), and commits it; `None` when it is not registered.
    fn if_registered<T>(
        &mut self,
        organization: &str,
        lock: &str,
        context: &str,
        then: impl FnOnce(&mut Transaction<'_>) -> Result<T, Error>,
    ) -> Result<Option<T>, Error> {
        let mut tx = self.client.get_mut().transaction().map_err(|e| classify(context, &e))?;
        let locked = format!("SELECT 1 FROM registered_organizations WHERE id = $1 FOR {lock}");
        if tx.query_opt(&locked, &[&organization]).map_err(|e| classify(context, &e))?.is_none() {
            return Ok(None);
        }
        let done = then(&mut tx)?;
        tx.commit().map_err(|e| classify(context, &e))?;
        Ok(Some(done))
    }

    pub(crate) fn register_organization(
        &mut self,
        organization: &RegisteredOrganization,
    ) -> Result<(), Error> {
        self.client
            .get_mut()
            .execute(
                &format!(
                    "INSERT INTO registered_organizations (id, name, created_at) VALUES ($1, $2, {NOW})"
                ),
                &[&organization.id, &organization.name],
            )
            .map_err(|e| classify("cannot register the organization", &e))?;
        Ok(())
    }

    pub(crate) fn registered_organizations(&self) -> Result<Vec<RegisteredOrganization>, Error> {
        let rows = self
            .client
            .borrow_mut()
            .query(
                "SELECT id, name, created_at FROM registered_organizations ORDER BY created_at, id",
                &[],
            )
            .map_err(|e| classify("cannot read the registered organizations", &e))?;
        Ok(rows
            .iter()
            .map(|r| RegisteredOrganization { id: r.get(0), name: r.get(1), created_at: r.get(2) })
            .collect())
    }

    pub(crate) fn audit(&mut self, entry: &AuditEntry) -> Result<(), Error> {
        self.client
            .get_mut()
            .execute(
                &format!(
                    "INSERT INTO audit (at, key, organization, role, action, target) VALUES ({NOW}, $1, $2, $3, $4, $5)"
                ),
                &[&entry.key, &entry.organization, &entry.role, &entry.action, &entry.target],
            )
            .map_err(|e| classify("cannot write the audit log", &e))?;
        Ok(())
    }

    pub(crate) fn audit_log(&self, page: Newest) -> Result<Vec<AuditEntry>, Error> {
        let rows = self
            .client
            .borrow_mut()
            .query(
                "SELECT seq, at, key, organization, role, action, target FROM audit WHERE seq < $3 ORDER BY seq DESC LIMIT $1 OFFSET $2",
                &[&i64::from(page.limit), &i64::from(page.offset), &page.below()],
            )
            .map_err(|e| classify("cannot read the audit log", &e))?;
        Ok(rows
            .iter()
            .map(|r| AuditEntry {
                seq: r.get(0),
                at: r.get(1),
                key: r.get(2),
                organization: r.get(3),
                role: r.get(4),
                action: r.get(5),
                target: r.get(6),
            })
            .collect())
    }
}

impl Db {
    /// One statement for the whole batch (one round trip), in the order given.
    pub(crate) fn append_events(&mut self, events: &[StoredEvent]) -> Result<Vec<bool>, Error> {
        let column =
            |field: fn(&StoredEvent) -> &str| -> Vec<&str> { events.iter().map(field).collect() };
        let (ids, keys) = (column(|e| &e.id), column(|e| &e.key));
        let (organizations, bodies) = (column(|e| &e.organization), column(|e| &e.body));
        let sites: Vec<Option<&str>> = events.iter().map(|e| e.site.as_deref()).collect();
        let rows = self
            .client
            .get_mut()
            .query(
                &format!(
                    "INSERT INTO events (id, received_at, key, organization, site, body) \
                     SELECT id, {NOW}, key, organization, site, body \
                     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) \
                     WITH ORDINALITY AS batch(id, key, organization, site, body, n) ORDER BY n \
                     ON CONFLICT (id) DO NOTHING RETURNING id"
                ),
                &[&ids, &keys, &organizations, &sites, &bodies],
            )
            .map_err(|e| classify("cannot store the events", &e))?;
        let stored: std::collections::HashSet<String> = rows.iter().map(|r| r.get(0)).collect();
        Ok(events.iter().map(|e| stored.contains(&e.id)).collect())
    }

    pub(crate) fn events(&self, filter: &EventFilter) -> Result<Vec<StoredEvent>, Error> {
        let order = if filter.newest.is_some() { "DESC" } else { "ASC" };
        let limit = filter.newest.map(|p| i64::from(p.limit));
        let offset = filter.newest.map_or(0, |p| i64::from(p.offset));
        let below = filter.newest.map_or(i64::MAX, |p| p.below());
        let rows = self
            .client
            .borrow_mut()
            .query(
                &format!(
                    "SELECT seq, id, received_at, key, organization, site, body FROM events \
                     WHERE {} AND seq < $5 ORDER BY seq {order} LIMIT $3 OFFSET $4",
                    filter.selected(ORGANIZATION, SITE)
                ),
                &[&filter.organization, &filter.site, &limit, &offset, &below],
            )
            .map_err(|e| classify("cannot read the events", &e))?;
        Ok(rows
            .iter()
            .map(|r| StoredEvent {
                seq: r.get(0),
                id: r.get(1),
                received_at: r.get(2),
                key: r.get(3),
                organization: r.get(4),
                site: r.get(5),
                body: r.get(6),
            })
            .collect())
    }

    pub(crate) fn count_events(&self, filter: &EventFilter) -> Result<u64, Error> {
        let context = "cannot count the events";
        if filter.is_all() {
            return self.count(LOG_LINES, &[&"events"], context);
        }
        let query =
            format!("SELECT COUNT(*) FROM events WHERE {}", filter.selected(ORGANIZATION, SITE));
        self.count(&query, &[&filter.organization, &filter.site], context)
    }

    pub(crate) fn audit_lines(&self) -> Result<u64, Error> {
        self.count(LOG_LINES, &[&"audit"], "cannot count the audit log")
    }

    /// The count (a `COUNT(*)`, or the lines of a log) a query answers.
    fn count(
        &self,
        query: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
        context: &str,
    ) -> Result<u64, Error> {
        let row =
            self.client.borrow_mut().query_one(query, params).map_err(|e| classify(context, &e))?;
        let count: i64 = row.get(0);
        Ok(count.unsigned_abs())
    }
}

/// The lines a log holds (`log_lines`, kept by triggers: migration 0005).
const LOG_LINES: &str = "SELECT lines FROM log_lines WHERE log = $1";

/// The placeholders of an `EventFilter`'s organization and site (`EventFilter::selected`).
const ORGANIZATION: &str = "$1::text";
const SITE: &str = "$2::text";

/// Appends every record of `table` in `network` with `COPY`; `line` is a reused buffer.
fn copy_rows(
    tx: &mut Transaction<'_>,
    network: &Network,
    table: model::Table,
    counter: &mut Counter<'_>,
    line: &mut String,
) -> Result<(), Error> {
    let context = format!("cannot write table {table}");
    let copy = format!("COPY {table} ({}) FROM STDIN WITH (FORMAT csv)", columns(table).join(", "));
    let mut writer = tx.copy_in(&copy).map_err(|e| classify(&context, &e))?;
    for row in 0..network.len_of(table) {
        line.clear();
        csv_line(line, &cells(network, table, row));
        writer.write_all(line.as_bytes()).map_err(|e| backend(&context, e))?;
        counter.tick();
    }
    writer.finish().map_err(|e| classify(&context, &e))?;
    counter.finish();
    Ok(())
}

fn record_import(
    tx: &mut Transaction<'_>,
    source: &str,
    records: u64,
) -> Result<ImportRecord, Error> {
    let row = tx
        .query_one(
            &format!(
                "INSERT INTO imports (imported_at, source, records) VALUES ({NOW}, $1, $2) \
                 RETURNING seq, imported_at"
            ),
            &[&source, &i64::try_from(records).unwrap_or(i64::MAX)],
        )
        .map_err(|e| classify("cannot record the import", &e))?;
    Ok(ImportRecord {
        seq: row.get(0),
        imported_at: row.get(1),
        source: source.to_owned(),
        records,
    })
}

/// Brings the schema up to date; concurrent processes wait for each other on the lock.
fn migrate(client: &mut Client) -> Result<(), Error> {
    let context = "cannot migrate the database";
    let mut tx = client.transaction().map_err(|e| classify(context, &e))?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .map_err(|e| classify(context, &e))?;
    tx.batch_execute("SET LOCAL client_min_messages = warning")
        .map_err(|e| classify(context, &e))?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS arsenal_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
    )
    .map_err(|e| classify(context, &e))?;
    let applied: i32 = tx
        .query_one("SELECT coalesce(max(version), 0) FROM arsenal_migrations", &[])
        .map_err(|e| classify(context, &e))?
        .get(0);
    for (index, script) in MIGRATIONS.iter().enumerate() {
        let version = i32::try_from(index + 1).unwrap_or(i32::MAX);
        if version > applied {
            tx.batch_execute(script).map_err(|e| classify(context, &e))?;
            tx.execute("INSERT INTO arsenal_migrations (version) VALUES ($1)", &[&version])
                .map_err(|e| classify(context, &e))?;
            tracing::info!(version, "migrated the PostgreSQL schema");
        }
    }
    tx.commit().map_err(|e| classify(context, &e))
}

/// One line of `COPY ... (FORMAT csv)`: text always quoted (so an empty text is not NULL),
/// NULL as nothing, numbers in Rust's shortest round-trip form.
fn csv_line(line: &mut String, cells: &[Cell<'_>]) {
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        let text = match cell {
            Cell::Text(text) => Some(text.as_ref()),
            Cell::OptText(text) => *text,
            Cell::Real(x) => {
                let _ = write!(line, "{x}");
                None
            }
            Cell::OptReal(x) => {
                if let Some(x) = x {
                    let _ = write!(line, "{x}");
                }
                None
            }
            Cell::OptInt(n) => {
                if let Some(n) = n {
                    let _ = write!(line, "{n}");
                }
                None
            }
        };
        if let Some(text) = text {
            line.push('"');
            line.push_str(&text.replace('"', "\"\""));
            line.push('"');
        }
    }
    line.push('\n');
}

struct PgRow<'r>(&'r Row);

impl PgRow<'_> {
    fn get<T: FromSqlOwned>(&self, column: usize) -> Result<T, Error> {
        self.0.try_get(column).map_err(|e| backend(&format!("cannot read column {column}"), e))
    }
}

impl Cells for PgRow<'_> {
    fn text(&self, column: usize) -> Result<String, Error> {
        self.get(column)
    }
    fn opt_text(&self, column: usize) -> Result<Option<String>, Error> {
        self.get(column)
    }
    fn real(&self, column: usize) -> Result<f64, Error> {
        self.get(column)
    }
    fn opt_real(&self, column: usize) -> Result<Option<f64>, Error> {
        self.get(column)
    }
    fn opt_int(&self, column: usize) -> Result<Option<i64>, Error> {
        self.get(column)
    }
}

fn backend(context: &str, source: impl std::error::Error + Send + Sync + 'static) -> Error {
    Error::Backend { context: context.into(), source: Box::new(source) }
}

/// Why a connection to `url` failed, with the server it tried and what to check: that a server
/// listens there, that the database exists, or the user and password.
fn cannot_connect(url: &str, error: &postgres::Error) -> Error {
    let config = url.parse::<postgres::Config>().ok();
    let server = config.as_ref().and_then(|c| c.get_hosts().first()).map(|host| {
        let port = config.as_ref().and_then(|c| c.get_ports().first()).copied().unwrap_or(5432);
        match host {
            postgres::config::Host::Tcp(name) => format!(" at {name}:{port}"),
            postgres::config::Host::Unix(dir) => format!(" at {}", dir.display()),
        }
    });
    let server = server.unwrap_or_default();
    let hint = match error.as_db_error().map(postgres::error::DbError::code) {
        Some(&SqlState::INVALID_CATALOG_NAME) => {
            let database = config.as_ref().and_then(|c| c.get_dbname()).unwrap_or("NAME");
            format!(
                "; create it first (`createdb {database}`, or CREATE DATABASE {database}); Arsenal makes its tables in it"
            )
        }
        Some(&SqlState::INVALID_PASSWORD | &SqlState::INVALID_AUTHORIZATION_SPECIFICATION) => {
            "; check the user and password the URL gives".to_owned()
        }
        Some(_) => String::new(),
        None if connection_refused(error) => {
            format!("; is a PostgreSQL server running{server}?")
        }
        None => String::new(),
    };
    match classify(&format!("cannot connect to PostgreSQL{server}"), error) {
        Error::Backend { context, source } => {
            Error::Backend { context, source: format!("{source}{hint}").into() }
        }
        other => other,
    }
}

/// Whether the connection was refused: no server listens where it was tried.
fn connection_refused(error: &postgres::Error) -> bool {
    let mut cause = std::error::Error::source(error);
    while let Some(inner) = cause {
        if let Some(io) = inner.downcast_ref::<std::io::Error>() {
            return io.kind() == std::io::ErrorKind::ConnectionRefused;
        }
        cause = inner.source();
    }
    false
}

/// Maps a failed statement, telling unique violations (a conflict) from other failures, with
/// the server's own message when there is one.
fn classify(context: &str, error: &postgres::Error) -> Error {
    let Some(db) = error.as_db_error() else {
        // The causes too: "error connecting to server" alone does not say what failed.
        let mut detail = error.to_string();
        let mut cause = std::error::Error::source(error);
        while let Some(inner) = cause {
            detail = format!("{detail}: {inner}");
            cause = inner.source();
        }
        return Error::Backend { context: context.into(), source: detail.into() };
    };
    if db.code() == &SqlState::UNIQUE_VIOLATION {
        return Error::Conflict(format!("{context}: {db}"));
    }
    Error::Backend { context: context.into(), source: db.to_string().into() }
}

/// The columns `key_row` reads.
const KEY_COLUMNS: &str = "id, organization, role, hash, created_at";

fn key_row(r: &Row) -> ApiKey {
    ApiKey {
        id: r.get(0),
        organization: r.get(1),
        role: r.get(2),
        hash: r.get(3),
        created_at: r.get(4),
    }
}
