//! API keys and the audit log in SQLite.

use rusqlite::{OptionalExtension, params};

use super::{Db, NOW, backend, classify};
use crate::Error;
use crate::access::{ApiKey, AuditEntry, StoredEvent};

impl Db {
    pub(crate) fn add_key(&mut self, key: &ApiKey) -> Result<(), Error> {
        self.conn
            .execute(
                &format!(
                    "INSERT INTO api_keys (id, organization, role, hash, created_at) VALUES (?1, ?2, ?3, ?4, {NOW})"
                ),
                params![key.id, key.organization, key.role, key.hash],
            )
            .map_err(|e| classify("cannot store the key", e))?;
        Ok(())
    }

    pub(crate) fn key(&self, id: &str) -> Result<Option<ApiKey>, Error> {
        self.conn
            .query_row(
                "SELECT id, organization, role, hash, created_at FROM api_keys WHERE id = ?1",
                [id],
                |r| {
                    Ok(ApiKey {
                        id: r.get(0)?,
                        organization: r.get(1)?,
                        role: r.get(2)?,
                        hash: r.get(3)?,
                        created_at: r.get(4)?,
                    })
                },
            )
            .optional()
            .map_err(|e| backend("cannot read the key", e))
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

    pub(crate) fn audit_log(&self, limit: u32) -> Result<Vec<AuditEntry>, Error> {
        let context = "cannot read the audit log";
        let mut stmt = self
            .conn
            .prepare(
                "SELECT at, key, organization, role, action, target FROM audit ORDER BY seq DESC LIMIT ?1",
            )
            .map_err(|e| backend(context, e))?;
        let rows = stmt
            .query_map([limit], |r| {
                Ok(AuditEntry {
                    at: r.get(0)?,
                    key: r.get(1)?,
                    organization: r.get(2)?,
                    role: r.get(3)?,
                    action: r.get(4)?,
                    target: r.get(5)?,
                })
            })
            .map_err(|e| backend(context, e))?;
        rows.collect::<Result<_, _>>().map_err(|e| backend(context, e))
    }

    pub(crate) fn append_events(&mut self, events: &[StoredEvent]) -> Result<Vec<bool>, Error> {
        let context = "cannot store the events";
        let tx = self.conn.transaction().map_err(|e| classify(context, e))?;
        let mut fresh = Vec::with_capacity(events.len());
        {
            let mut stmt = tx
                .prepare(&format!(
                    "INSERT OR IGNORE INTO events (id, received_at, key, organization, body) VALUES (?1, {NOW}, ?2, ?3, ?4)"
                ))
                .map_err(|e| classify(context, e))?;
            for e in events {
                let inserted = stmt
                    .execute(params![e.id, e.key, e.organization, e.body])
                    .map_err(|e| classify(context, e))?;
                fresh.push(inserted == 1);
            }
        }
        tx.commit().map_err(|e| classify(context, e))?;
        Ok(fresh)
    }

    pub(crate) fn events(&self) -> Result<Vec<StoredEvent>, Error> {
        let context = "cannot read the events";
        let mut stmt = self
            .conn
            .prepare("SELECT id, received_at, key, organization, body FROM events ORDER BY seq")
            .map_err(|e| backend(context, e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(StoredEvent {
                    id: r.get(0)?,
                    received_at: r.get(1)?,
                    key: r.get(2)?,
                    organization: r.get(3)?,
                    body: r.get(4)?,
                })
            })
            .map_err(|e| backend(context, e))?;
        rows.collect::<Result<_, _>>().map_err(|e| backend(context, e))
    }
}
