//! API keys and the audit log in SQLite.

use rusqlite::{OptionalExtension, Params, TransactionBehavior, params};

use super::{Db, NOW, backend, classify};
use crate::Error;
use crate::access::{
    ApiKey, AuditEntry, EventFilter, Newest, RegisteredOrganization, StoredEvent, Unregistered,
};

/// The columns `key_row` reads.
const KEY_COLUMNS: &str = "id, organization, role, hash, created_at";

fn key_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ApiKey> {
    Ok(ApiKey {
        id: r.get(0)?,
        organization: r.get(1)?,
        role: r.get(2)?,
        hash: r.get(3)?,
        created_at: r.get(4)?,
    })
}

impl Db {
    pub(crate) fn add_key(&mut self, key: &ApiKey) -> Result<(), Error> {
        insert_key(&self.conn, key)
    }

    pub(crate) fn add_key_if_registered(&mut self, key: &ApiKey) -> Result<bool, Error> {
        let added = self
            .if_registered(&key.organization, "cannot store the key", |tx| insert_key(tx, key))?;
        Ok(added.is_some())
    }

    pub(crate) fn unregister_organization(&mut self, id: &str) -> Result<Unregistered, Error> {
        let context = "cannot unregister the organization";
        let done = self.if_registered(id, context, |tx| {
            let mut statement = tx
                .prepare("SELECT id FROM api_keys WHERE organization = ?1 ORDER BY created_at, id")
                .map_err(|e| backend(context, e))?;
            let rows = statement.query_map([id], |r| r.get(0)).map_err(|e| backend(context, e))?;
            let keys = rows.collect::<Result<Vec<String>, _>>().map_err(|e| backend(context, e))?;
            if !keys.is_empty() {
                return Ok(Unregistered::HoldsKeys(keys));
            }
            tx.execute("DELETE FROM registered_organizations WHERE id = ?1", [id])
                .map_err(|e| backend(context, e))?;
            Ok(Unregistered::Removed)
        })?;
        Ok(done.unwrap_or(Unregistered::NotRegistered))
    }

    /// Runs `then` in one write transaction with the check that `organization` is registered,
    /// and commits it; `None` when it is not registered. SQLite lets one write at a time, so
    /// nothing is registered or unregistered in between.
    fn if_registered<T>(
        &mut self,
        organization: &str,
        context: &str,
        then: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, Error>,
    ) -> Result<Option<T>, Error> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| classify(context, e))?;
        let registered = tx
            .query_row(
                "SELECT 1 FROM registered_organizations WHERE id = ?1",
                [organization],
                |_| Ok(()),
            )
            .optional()
            .map_err(|e| backend(context, e))?;
        if registered.is_none() {
            return Ok(None);
        }
        let done = then(&tx)?;
        tx.commit().map_err(|e| classify(context, e))?;
        Ok(Some(done))
    }

    pub(crate) fn key(&self, id: &str) -> Result<Option<ApiKey>, Error> {
        self.conn
            .query_row(&format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE id = ?1"), [id], key_row)
            .optional()
            .map_err(|e| backend("cannot read the key", e))
    }

    pub(crate) fn keys(&self) -> Result<Vec<ApiKey>, Error> {
        let read = || -> rusqlite::Result<Vec<ApiKey>> {
            let mut statement = self
                .conn
                .prepare(&format!("SELECT {KEY_COLUMNS} FROM api_keys ORDER BY created_at, id"))?;
            statement.query_map([], key_row)?.collect()
        };
        read().map_err(|e| backend("cannot read the keys", e))
    }

    pub(crate) fn remove_key(&mut self, id: &str) -> Result<bool, Error> {
        let removed = self
            .conn
            .execute("DELETE FROM api_keys WHERE id = ?1", [id])
            .map_err(|e| backend(format!("cannot delete the key {id}"), e))?;
        Ok(removed > 0)
    }

    pub(crate) fn register_organization(
        &mut self,
        organization: &RegisteredOrganization,
    ) -> Result<(), Error> {
        self.conn
            .execute(
                &format!(
                    "INSERT INTO registered_organizations (id, name, created_at) VALUES (?1, ?2, {NOW})"
                ),
                params![organization.id, organization.name],
            )
            .map_err(|e| classify("cannot register the organization", e))?;
        Ok(())
    }

    pub(crate) fn registered_organizations(&self) -> Result<Vec<RegisteredOrganization>, Error> {
        let read = || -> rusqlite::Result<Vec<RegisteredOrganization>> {
            let mut statement = self.conn.prepare(
                "SELECT id, name, created_at FROM registered_organizations ORDER BY created_at, id",
            )?;
            statement
                .query_map([], |r| {
                    Ok(RegisteredOrganization {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        created_at: r.get(2)?,
                    })
                })?
                .collect()
        };
        read().map_err(|e| backend("cannot read the registered organizations", e))
    }

    pub(crate) fn audit(&mut self, entry: &AuditEntry) -> Result<(), Error> {
        self.conn
            .execute(
                &format!(
                    "INSERT INTO audit (at, key, organization, role, action, target) VALUES ({NOW}, ?1, ?2, ?3, ?4, ?5)"
                ),
                params![entry.key, entry.organization, entry.role, entry.action, entry.target],
            )
            .map_err(|e| classify("cannot write the audit log", e))?;
        Ok(())
    }

    pub(crate) fn audit_log(&self, page: Newest) -> Result<Vec<AuditEntry>, Error> {
        let context = "cannot read the audit log";
        let mut stmt = self
            .conn
            .prepare(
                "SELECT seq, at, key, organization, role, action, target FROM audit WHERE seq < ?3 ORDER BY seq DESC LIMIT ?1 OFFSET ?2",
            )
            .map_err(|e| backend(context, e))?;
        let rows = stmt
            .query_map(params![page.limit, page.offset, page.below()], |r| {
                Ok(AuditEntry {
                    seq: r.get(0)?,
                    at: r.get(1)?,
                    key: r.get(2)?,
                    organization: r.get(3)?,
                    role: r.get(4)?,
                    action: r.get(5)?,
                    target: r.get(6)?,
                })
            })
            .map_err(|e| backend(context, e))?;
        rows.collect::<Result<_, _>>().map_err(|e| backend(context, e))
    }

    pub(crate) fn audit_lines(&self) -> Result<u64, Error> {
        self.count(LOG_LINES, ["audit"], "cannot count the audit log")
    }

    pub(crate) fn append_events(&mut self, events: &[StoredEvent]) -> Result<Vec<bool>, Error> {
        let context = "cannot store the events";
        let tx = self.conn.transaction().map_err(|e| classify(context, e))?;
        let mut fresh = Vec::with_capacity(events.len());
        {
            let mut stmt = tx
                .prepare(&format!(
                    "INSERT OR IGNORE INTO events (id, received_at, key, organization, site, body) VALUES (?1, {NOW}, ?2, ?3, ?4, ?5)"
                ))
                .map_err(|e| classify(context, e))?;
            for e in events {
                let inserted = stmt
                    .execute(params![e.id, e.key, e.organization, e.site, e.body])
                    .map_err(|e| classify(context, e))?;
                fresh.push(inserted == 1);
            }
        }
        tx.commit().map_err(|e| classify(context, e))?;
        Ok(fresh)
    }

    pub(crate) fn events(&self, filter: &EventFilter) -> Result<Vec<StoredEvent>, Error> {
        let context = "cannot read the events";
        let mut stmt = self.conn.prepare(&events_query(filter)).map_err(|e| backend(context, e))?;
        // SQLite reads a negative limit as none.
        let (limit, offset) = filter.newest.map_or((-1, 0), |p| (i64::from(p.limit), p.offset));
        let below = filter.newest.map_or(i64::MAX, |p| p.below());
        let rows = stmt
            .query_map(params![filter.organization, filter.site, limit, offset, below], |r| {
                Ok(StoredEvent {
                    seq: r.get(0)?,
                    id: r.get(1)?,
                    received_at: r.get(2)?,
                    key: r.get(3)?,
                    organization: r.get(4)?,
                    site: r.get(5)?,
                    body: r.get(6)?,
                })
            })
            .map_err(|e| backend(context, e))?;
        rows.collect::<Result<_, _>>().map_err(|e| backend(context, e))
    }

    pub(crate) fn count_events(&self, filter: &EventFilter) -> Result<u64, Error> {
        let context = "cannot count the events";
        if filter.is_all() {
            return self.count(LOG_LINES, ["events"], context);
        }
        // Only the filters given, so that SQLite counts along the index of the one given.
        let query = format!("SELECT COUNT(*) FROM events WHERE {}", filter.selected("?1", "?2"));
        self.count(&query, params![filter.organization, filter.site], context)
    }

    /// The count (a `COUNT(*)`, or the lines of a log) a query answers.
    fn count(&self, query: &str, params: impl Params, context: &str) -> Result<u64, Error> {
        let count: i64 =
            self.conn.query_row(query, params, |r| r.get(0)).map_err(|e| backend(context, e))?;
        Ok(count.unsigned_abs())
    }
}

/// The query of the events `filter` selects, over `?1` (organization), `?2` (site), `?3`
/// (limit) and `?4` (offset).
fn events_query(filter: &EventFilter) -> String {
    let order = if filter.newest.is_some() { "DESC" } else { "ASC" };
    format!(
        "SELECT seq, id, received_at, key, organization, site, body FROM events \
         WHERE {} AND seq < ?5 ORDER BY seq {order} LIMIT ?3 OFFSET ?4",
        filter.selected("?1", "?2")
    )
}

fn insert_key(conn: &rusqlite::Connection, key: &ApiKey) -> Result<(), Error> {
    conn.execute(
        &format!(
            "INSERT INTO api_keys (id, organization, role, hash, created_at) VALUES (?1, ?2, ?3, ?4, {NOW})"
        ),
        params![key.id, key.organization, key.role, key.hash],
    )
    .map_err(|e| classify("cannot store the key", e))?;
    Ok(())
}

/// The lines a log holds (`log_lines`, kept by triggers: migration 0005).
const LOG_LINES: &str = "SELECT lines FROM log_lines WHERE log = ?1";

#[cfg(test)]
mod tests {
    use rusqlite::params;

    use super::{EventFilter, events_query};

    /// A page of the events of an organization or a site is read along that column's index,
    /// not by scanning every event (as `(?1 IS NULL OR organization = ?1)` made SQLite do), and
    /// a page of all events older than a line starts at that line, not at the newest.
    #[test]
    fn a_page_reads_along_its_index() {
        let db = super::super::Db::open_in_memory().unwrap();
        let by_organization =
            EventFilter { organization: Some("org-1".into()), ..EventFilter::default() };
        let by_site = EventFilter { site: Some("site-1".into()), ..EventFilter::default() };
        let all = EventFilter::default();
        for (filter, index) in [
            (by_organization, "events_by_organization (organization=? AND seq<?)"),
            (by_site, "events_by_site (site=? AND seq<?)"),
            (all, "INTEGER PRIMARY KEY (rowid<?)"),
        ] {
            let query = format!("EXPLAIN QUERY PLAN {}", events_query(&filter));
            let mut stmt = db.conn.prepare(&query).unwrap();
            let plan: Vec<String> = stmt
                .query_map(params![filter.organization, filter.site, 10, 0, 500], |r| r.get(3))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            assert!(plan.iter().any(|step| step.contains(index)), "{index}: {plan:?}");
        }
    }
}
