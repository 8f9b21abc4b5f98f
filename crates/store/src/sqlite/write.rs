//! Writes a whole network in one transaction: every table is emptied and refilled, then the
//! import is recorded; nothing is visible until the commit.

use rusqlite::types::{ToSql, ToSqlOutput};
use rusqlite::{params, params_from_iter};

use super::{Db, NOW, classify};
use crate::Error;
use crate::tables::{Cell, Counter, cells, columns, len};
use model::Network;

impl Db {
    pub(crate) fn replace_network(
        &mut self,
        network: &Network,
        source: &str,
        progress: &mut dyn FnMut(u64),
    ) -> Result<(), Error> {
        let tx = self.conn.transaction().map_err(|e| classify("cannot begin transaction", e))?;
        let mut counter = Counter::new(progress);
        for &table in model::Table::ALL {
            let context = format!("cannot write table {table}");
            tx.execute(&format!("DELETE FROM {table}"), []).map_err(|e| classify(&context, e))?;
            let names = columns(table);
            let marks: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
            let mut stmt = tx
                .prepare(&format!(
                    "INSERT INTO {table} ({}) VALUES ({})",
                    names.join(", "),
                    marks.join(", ")
                ))
                .map_err(|e| classify(&context, e))?;
            for row in 0..len(network, table) {
                stmt.execute(params_from_iter(cells(network, table, row)))
                    .map_err(|e| classify(&context, e))?;
                counter.tick();
            }
            counter.finish();
        }
        tx.execute(
            &format!("INSERT INTO imports (imported_at, source, records) VALUES ({NOW}, ?1, ?2)"),
            params![source, network.n_records() as i64],
        )
        .map_err(|e| classify("cannot record the import", e))?;
        tracing::debug!(records = network.n_records(), "committing");
        tx.commit().map_err(|e| classify("cannot commit", e))
    }
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
