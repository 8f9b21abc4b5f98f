//! Writes a whole network in one transaction: every table is emptied and refilled, then the
//! import is recorded; nothing is visible until the commit.

use rusqlite::{Statement, Transaction, params};

use super::{Db, LIST_SEPARATOR, PROGRESS_EVERY, classify};
use crate::Error;
use model::Network;

impl Db {
    pub(crate) fn replace_network(
        &mut self,
        network: &Network,
        source: &str,
        progress: &mut dyn FnMut(u64),
    ) -> Result<(), Error> {
        let tx = self.conn.transaction().map_err(|e| classify("cannot begin transaction", e))?;
        for table in model::Table::ALL {
            tx.execute(&format!("DELETE FROM {table}"), [])
                .map_err(|e| classify(&format!("cannot empty table {table}"), e))?;
        }
        let mut counter = Counter { written: 0, progress };
        let n = &mut counter;
        insert_all(
            &tx,
            n,
            "organizations (id, name, kind, sponsor, focus) VALUES (?1, ?2, ?3, ?4, ?5)",
            &network.organizations,
            |stmt, o| stmt.execute(params![o.id, o.name, o.kind.as_str(), o.sponsor, o.focus]),
        )?;
        insert_all(
            &tx,
            n,
            "sites (id, organization, name, kind, latitude, longitude, city, state, country, naics, employees, certifications, ttr_weeks) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            &network.sites,
            |stmt, s| {
                let separator = LIST_SEPARATOR.to_string();
                stmt.execute(params![
                    s.id,
                    s.organization,
                    s.name,
                    s.kind.as_str(),
                    s.latitude,
                    s.longitude,
                    s.city,
                    s.state,
                    s.country,
                    s.naics.join(&separator),
                    s.employees,
                    s.certifications.join(&separator),
                    s.ttr_weeks
                ])
            },
        )?;
        insert_all(
            &tx,
            n,
            "capabilities (site, process, hours_per_week) VALUES (?1, ?2, ?3)",
            &network.capabilities,
            |stmt, c| stmt.execute(params![c.site, c.process, c.hours_per_week]),
        )?;
        insert_all(
            &tx,
            n,
            "items (id, name, kind, unit, unit_value) VALUES (?1, ?2, ?3, ?4, ?5)",
            &network.items,
            |stmt, i| stmt.execute(params![i.id, i.name, i.kind.as_str(), i.unit, i.unit_value]),
        )?;
        insert_all(
            &tx,
            n,
            "bom (parent, component, quantity) VALUES (?1, ?2, ?3)",
            &network.bom,
            |stmt, b| stmt.execute(params![b.parent, b.component, b.quantity]),
        )?;
        insert_all(
            &tx,
            n,
            "routings (item, process, hours_per_unit) VALUES (?1, ?2, ?3)",
            &network.routings,
            |stmt, r| stmt.execute(params![r.item, r.process, r.hours_per_unit]),
        )?;
        insert_all(
            &tx,
            n,
            "sources (site, item, max_units_per_week, lead_time_weeks, unit_cost) VALUES (?1, ?2, ?3, ?4, ?5)",
            &network.sources,
            |stmt, s| {
                stmt.execute(params![
                    s.site,
                    s.item,
                    s.max_units_per_week,
                    s.lead_time_weeks,
                    s.unit_cost
                ])
            },
        )?;
        insert_all(
            &tx,
            n,
            "links (supplier, customer, item, units_per_week, lead_time_weeks) VALUES (?1, ?2, ?3, ?4, ?5)",
            &network.links,
            |stmt, l| {
                stmt.execute(params![
                    l.supplier,
                    l.customer,
                    l.item,
                    l.units_per_week,
                    l.lead_time_weeks
                ])
            },
        )?;
        insert_all(
            &tx,
            n,
            "inventory (site, item, units) VALUES (?1, ?2, ?3)",
            &network.inventory,
            |stmt, i| stmt.execute(params![i.site, i.item, i.units]),
        )?;
        insert_all(
            &tx,
            n,
            "demand (item, site, units_per_week) VALUES (?1, ?2, ?3)",
            &network.demand,
            |stmt, d| stmt.execute(params![d.item, d.site, d.units_per_week]),
        )?;
        tx.execute(
            "INSERT INTO imports (imported_at, source, records) \
             VALUES (strftime('%Y-%m-%d %H:%M:%S', 'now'), ?1, ?2)",
            params![source, network.n_records() as i64],
        )
        .map_err(|e| classify("cannot record the import", e))?;
        tracing::debug!(records = network.n_records(), "committing");
        tx.commit().map_err(|e| classify("cannot commit", e))
    }
}

struct Counter<'a> {
    written: u64,
    progress: &'a mut dyn FnMut(u64),
}

/// Inserts every row with one prepared statement.
fn insert_all<T>(
    tx: &Transaction<'_>,
    counter: &mut Counter<'_>,
    into: &str,
    rows: &[T],
    mut insert: impl FnMut(&mut Statement<'_>, &T) -> rusqlite::Result<usize>,
) -> Result<(), Error> {
    let table = into.split_whitespace().next().unwrap_or(into);
    let context = format!("cannot write table {table}");
    let mut stmt = tx.prepare(&format!("INSERT INTO {into}")).map_err(|e| classify(&context, e))?;
    for row in rows {
        insert(&mut stmt, row).map_err(|e| classify(&context, e))?;
        counter.written += 1;
        if counter.written.is_multiple_of(PROGRESS_EVERY) {
            (counter.progress)(counter.written);
        }
    }
    (counter.progress)(counter.written);
    Ok(())
}
