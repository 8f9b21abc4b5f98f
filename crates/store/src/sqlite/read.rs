//! Reads a whole network back, table by table, in import order.

use rusqlite::Row;
use rusqlite::types::FromSql;

use super::{Db, backend};
use crate::Error;
use crate::tables::{Cells, Counter, columns, push};
use model::Network;

impl Db {
    pub(crate) fn load_network(&self, progress: &mut dyn FnMut(u64)) -> Result<Network, Error> {
        let mut counter = Counter::new(progress);
        let mut network = Network::default();
        for &table in model::Table::ALL {
            network.reserve(table, self.count(table)?);
            let context = format!("cannot read table {table}");
            let mut stmt = self
                .conn
                .prepare(&format!("SELECT {} FROM {table} ORDER BY seq", columns(table).join(", ")))
                .map_err(|e| backend(context.clone(), e))?;
            let mut rows = stmt.query([]).map_err(|e| backend(context.clone(), e))?;
            while let Some(row) = rows.next().map_err(|e| backend(context.clone(), e))? {
                push(&mut network, table, &SqliteRow(row))?;
                counter.tick();
            }
        }
        counter.finish();
        Ok(network)
    }

    pub(crate) fn n_records(&self) -> Result<u64, Error> {
        let mut total = 0u64;
        for &table in model::Table::ALL {
            total += self.count(table)? as u64;
        }
        Ok(total)
    }

    fn count(&self, table: model::Table) -> Result<usize, Error> {
        let count: i64 = self
            .conn
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .map_err(|e| backend(format!("cannot count table {table}"), e))?;
        Ok(usize::try_from(count).unwrap_or(0))
    }
}

struct SqliteRow<'r, 's>(&'r Row<'s>);

impl SqliteRow<'_, '_> {
    fn get<T: FromSql>(&self, column: usize) -> Result<T, Error> {
        self.0.get(column).map_err(|e| backend(format!("cannot read column {column}"), e))
    }
}

impl Cells for SqliteRow<'_, '_> {
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
