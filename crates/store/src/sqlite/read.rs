//! Reads a whole network back, table by table, in import order, in one read transaction: every
//! table as one import left it. A database file holding a large network is read in parts side
//! by side, one connection each: part `j` of `n` holds the rows in the `j`-th `n`-th of every
//! table's range of `seq`s, and the parts are joined in order. SQLite cannot share a snapshot
//! between connections, so each part's transaction checks that the last import is the one the
//! first connection sees; a part that sees a later one is read again on the first connection.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use rusqlite::types::FromSql;
use rusqlite::{Connection, Row};

use super::{Db, backend};
use crate::tables::{Cells, PROGRESS_EVERY, columns, push};
use crate::{Error, ImportRecord};
use model::{Network, Table};

/// Networks of at most this many records are read on one connection.
const READ_ALONE: usize = 100_000;

/// Parts read side by side at most.
const MOST_PARTS: usize = 4;

/// The rows of one table a part reads: those with `seq` in `seqs`, and room for `count`.
#[derive(Clone)]
struct Rows {
    seqs: Option<(i64, i64)>,
    count: usize,
}

impl Db {
    pub(crate) fn load_network(
        &self,
        progress: &mut dyn FnMut(u64),
    ) -> Result<(Option<ImportRecord>, Network), Error> {
        self.load_in_parts(None, progress)
    }

    /// Reads the network in `n_parts` parts side by side, or (`None`) in as many as the machine
    /// has cores (at most `MOST_PARTS`) when it has more than `READ_ALONE` records; a database
    /// in memory is read in one. With the network, the import that left it.
    pub(crate) fn load_in_parts(
        &self,
        n_parts: Option<usize>,
        progress: &mut dyn FnMut(u64),
    ) -> Result<(Option<ImportRecord>, Network), Error> {
        // Every read on this connection, from here to the end, sees the same commit.
        let snapshot = self
            .conn
            .unchecked_transaction()
            .map_err(|e| backend("cannot begin a read transaction", e))?;
        let import = super::last_import(&snapshot)?;
        let last_seq = import.as_ref().map(|record| record.seq);
        let tables = Table::ALL.iter().map(|&t| self.all_rows(t)).collect::<Result<Vec<_>, _>>()?;
        let n_parts = n_parts.unwrap_or_else(|| {
            if tables.iter().map(|rows| rows.count).sum::<usize>() > READ_ALONE {
                std::thread::available_parallelism().map_or(1, |n| n.get().min(MOST_PARTS))
            } else {
                1
            }
        });
        let path = self.path.as_deref().filter(|_| n_parts > 1);
        let n_parts = if path.is_some() { n_parts } else { 1 };
        let mut parts = vec![Vec::with_capacity(Table::ALL.len()); n_parts];
        for table in &tables {
            for (j, part) in parts.iter_mut().enumerate() {
                let seqs = table.seqs.map(|(first, last)| {
                    // The `j`-th `n`-th of the table's `seq`s, whatever is stored there.
                    let at = |j: usize| {
                        let span = i128::from(last) - i128::from(first) + 1;
                        let offset = span * j as i128 / n_parts as i128;
                        i64::try_from(i128::from(first) + offset).unwrap_or(i64::MAX)
                    };
                    let from = if j == 0 { i64::MIN } else { at(j) };
                    (from, if j + 1 == n_parts { i64::MAX } else { at(j + 1) - 1 })
                });
                // The first part's tables take the other parts' rows after their own.
                let count = if j == 0 { table.count } else { table.count / n_parts };
                part.push(Rows { seqs, count });
            }
        }
        let read = AtomicU64::new(0);
        let network = std::thread::scope(|scope| {
            let others: Vec<_> = path
                .into_iter()
                .flat_map(|path| parts[1..].iter().map(move |rows| (path, rows)))
                .map(|(path, rows)| {
                    let read = &read;
                    scope.spawn(move || {
                        let conn = reader(path)?;
                        let tx = conn
                            .unchecked_transaction()
                            .map_err(|e| backend("cannot begin a read transaction", e))?;
                        if super::last_import(&tx)?.map(|record| record.seq) != last_seq {
                            return Ok(None);
                        }
                        read_part(&tx, rows, &mut |n| {
                            read.fetch_add(n, Ordering::Relaxed);
                        })
                        .map(Some)
                    })
                })
                .collect();
            let mut on_first = |n| progress(read.fetch_add(n, Ordering::Relaxed) + n);
            let mut network = read_part(&self.conn, &parts[0], &mut on_first)?;
            for (other, rows) in others.into_iter().zip(&parts[1..]) {
                let other = other.join().map_err(|_| Error::Backend {
                    context: "cannot read the network".to_owned(),
                    source: "a thread reading part of it stopped".into(),
                })??;
                let mut other = match other {
                    Some(other) => other,
                    None => {
                        tracing::debug!("an import landed while reading: part read again");
                        read_part(&self.conn, rows, &mut on_first)?
                    }
                };
                network.append(&mut other);
            }
            Ok::<_, Error>(network)
        })?;
        snapshot.commit().map_err(|e| backend("cannot end the read transaction", e))?;
        progress(network.n_records() as u64);
        Ok((import, network))
    }

    /// All the rows of a table: from its first to its last `seq` (`None` when it is empty), and
    /// how many. Parts split that range of `seq`s, which needs no walk to a row offset.
    fn all_rows(&self, table: Table) -> Result<Rows, Error> {
        // Asked apart, each is quick (SQLite counts from the table's b-tree and reads the ends
        // of its key); asked in one query, they make it step through every row.
        let sql = format!(
            "SELECT (SELECT count(*) FROM {table}), (SELECT min(seq) FROM {table}), \
             (SELECT max(seq) FROM {table})"
        );
        let (count, first, last): (i64, Option<i64>, Option<i64>) = self
            .conn
            .query_row(&sql, [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .map_err(|e| backend(format!("cannot count table {table}"), e))?;
        Ok(Rows { seqs: first.zip(last), count: usize::try_from(count).unwrap_or(0) })
    }
}

/// Another connection to the database file, for reading a part.
fn reader(path: &Path) -> Result<Connection, Error> {
    let conn = Connection::open(path)
        .map_err(|e| backend(format!("cannot open database {}", path.display()), e))?;
    conn.busy_timeout(std::time::Duration::from_secs(30))
        .map_err(|e| backend("cannot set busy timeout", e))?;
    Ok(conn)
}

/// Reads one part's rows of every table, telling `read` how many as it goes.
fn read_part(
    conn: &Connection,
    part: &[Rows],
    read: &mut dyn FnMut(u64),
) -> Result<Network, Error> {
    let mut network = Network::default();
    for (&table, rows) in Table::ALL.iter().zip(part) {
        let Some((first, last)) = rows.seqs else { continue };
        network.reserve(table, rows.count);
        let context = format!("cannot read table {table}");
        let sql = format!(
            "SELECT {} FROM {table} WHERE seq BETWEEN ?1 AND ?2 ORDER BY seq",
            columns(table).join(", ")
        );
        let mut stmt = conn.prepare(&sql).map_err(|e| backend(context.clone(), e))?;
        let mut cursor = stmt.query([first, last]).map_err(|e| backend(context.clone(), e))?;
        let mut n = 0u64;
        while let Some(row) = cursor.next().map_err(|e| backend(context.clone(), e))? {
            push(&mut network, table, &SqliteRow(row))?;
            n += 1;
            if n.is_multiple_of(PROGRESS_EVERY) {
                read(PROGRESS_EVERY);
            }
        }
        read(n % PROGRESS_EVERY);
    }
    Ok(network)
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
