//! Writes a whole network in one transaction: every table is emptied and refilled, then the
//! import is recorded; or one organization's rows are replaced, the same way. Nothing is visible
//! until the commit.

use rusqlite::types::{ToSql, ToSqlOutput};
use rusqlite::{Transaction, TransactionBehavior, params, params_from_iter};

use super::{Db, NOW, classify};
use crate::tables::{Cell, Counter, OrganizationWrite, cells, check_based_on, columns, owned_rows};
use crate::{Error, ImportRecord};
use model::{Network, Table};

impl Db {
    pub(crate) fn replace_network(
        &mut self,
        network: &Network,
        source: &str,
        progress: &mut dyn FnMut(u64),
    ) -> Result<ImportRecord, Error> {
        let tx = self.conn.transaction().map_err(|e| classify("cannot begin transaction", e))?;
        let mut counter = Counter::new(progress);
        for &table in model::Table::ALL {
            let context = format!("cannot write table {table}");
            tx.execute(&format!("DELETE FROM {table}"), []).map_err(|e| classify(&context, e))?;
            insert_rows(&tx, network, table, &mut counter)?;
        }
        let record = record_import(&tx, source, network.n_records() as u64)?;
        tracing::debug!(records = network.n_records(), "committing");
        tx.commit().map_err(|e| classify("cannot commit", e))?;
        Ok(record)
    }

    pub(crate) fn replace_organization(
        &mut self,
        write: &OrganizationWrite<'_>,
    ) -> Result<ImportRecord, Error> {
        // Immediate: the write lock is taken before the last import is read.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| classify("cannot begin transaction", e))?;
        let last: Option<i64> = tx
            .query_row("SELECT max(seq) FROM imports", [], |row| row.get(0))
            .map_err(|e| classify("cannot read imports", e))?;
        check_based_on(last, write.based_on)?;
        for &table in &write.tables {
            let context = format!("cannot write table {table}");
            if let Some(owned) = owned_rows(table, "?1") {
                tx.execute(&format!("DELETE FROM {table} WHERE {owned}"), [write.organization])
                    .map_err(|e| classify(&context, e))?;
            }
        }
        let mut progress = |_| {};
        let mut counter = Counter::new(&mut progress);
        for &table in write.tables.iter().rev() {
            insert_rows(&tx, write.part, table, &mut counter)?;
        }
        let record = record_import(&tx, write.source, write.records)?;
        tx.commit().map_err(|e| classify("cannot commit", e))?;
        Ok(record)
    }
}

/// Appends every record of `table` in `network`.
fn insert_rows(
    tx: &Transaction<'_>,
    network: &Network,
    table: Table,
    counter: &mut Counter<'_>,
) -> Result<(), Error> {
    let context = format!("cannot write table {table}");
    let names = columns(table);
    let marks: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
    let mut stmt = tx
        .prepare(&format!(
            "INSERT INTO {table} ({}) VALUES ({})",
            names.join(", "),
            marks.join(", ")
        ))
        .map_err(|e| classify(&context, e))?;
    for row in 0..network.len_of(table) {
        stmt.execute(params_from_iter(cells(network, table, row)))
            .map_err(|e| classify(&context, e))?;
        counter.tick();
    }
    counter.finish();
    Ok(())
}

fn record_import(tx: &Transaction<'_>, source: &str, records: u64) -> Result<ImportRecord, Error> {
    tx.query_row(
        &format!(
            "INSERT INTO imports (imported_at, source, records) VALUES ({NOW}, ?1, ?2) \
             RETURNING seq, imported_at"
        ),
        params![source, i64::try_from(records).unwrap_or(i64::MAX)],
        |row| {
            Ok(ImportRecord {
                seq: row.get(0)?,
                imported_at: row.get(1)?,
                source: source.to_owned(),
                records,
            })
        },
    )
    .map_err(|e| classify("cannot record the import", e))
}

impl ToSql for Cell<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        match self {
            Cell::Text(text) => text.as_ref().to_sql(),
            Cell::OptText(text) => text.to_sql(),
            Cell::Real(x) => x.to_sql(),
            Cell::OptReal(x) => x.to_sql(),
            Cell::OptInt(n) => n.to_sql(),
        }
    }
}
