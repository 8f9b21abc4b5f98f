//! API keys and the audit log in SQLite.

use rusqlite::{OptionalExtension, params};

use super::{Db, NOW, backend, classify};
use crate::Error;
use crate::access::{ApiKey, AuditEntry};

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
}
