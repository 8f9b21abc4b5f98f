//! Reads a whole network back, table by table, in import order.

use std::str::FromStr;

use rusqlite::Row;

use super::{Db, LIST_SEPARATOR, PROGRESS_EVERY, backend};
use crate::Error;
use model::{
    BomLine, Capability, Demand, Inventory, Item, Link, Network, Organization, Routing, Site,
    Source,
};

impl Db {
    pub(crate) fn load_network(&self, progress: &mut dyn FnMut(u64)) -> Result<Network, Error> {
        let mut n = 0u64;
        let mut network = Network::default();
        let mut tick = || {
            n += 1;
            if n.is_multiple_of(PROGRESS_EVERY) {
                progress(n);
            }
        };
        network.organizations =
            self.select_all("organizations", "id, name, kind, sponsor, focus", &mut tick, |r| {
                Ok(Organization {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    kind: parse(r, 2)?,
                    sponsor: r.get(3)?,
                    focus: r.get(4)?,
                })
            })?;
        network.sites = self.select_all("sites", "id, organization, name, kind, latitude, longitude, city, state, country, naics, employees, certifications, ttr_weeks", &mut tick, |r| {
            Ok(Site {
                id: r.get(0)?,
                organization: r.get(1)?,
                name: r.get(2)?,
                kind: parse(r, 3)?,
                latitude: r.get(4)?,
                longitude: r.get(5)?,
                city: r.get(6)?,
                state: r.get(7)?,
                country: r.get(8)?,
                naics: list(r, 9)?,
                employees: r.get(10)?,
                certifications: list(r, 11)?,
                ttr_weeks: r.get(12)?,
            })
        })?;
        network.capabilities =
            self.select_all("capabilities", "site, process, hours_per_week", &mut tick, |r| {
                Ok(Capability { site: r.get(0)?, process: r.get(1)?, hours_per_week: r.get(2)? })
            })?;
        network.items =
            self.select_all("items", "id, name, kind, unit, unit_value", &mut tick, |r| {
                Ok(Item {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    kind: parse(r, 2)?,
                    unit: r.get(3)?,
                    unit_value: r.get(4)?,
                })
            })?;
        network.bom = self.select_all("bom", "parent, component, quantity", &mut tick, |r| {
            Ok(BomLine { parent: r.get(0)?, component: r.get(1)?, quantity: r.get(2)? })
        })?;
        network.routings =
            self.select_all("routings", "item, process, hours_per_unit", &mut tick, |r| {
                Ok(Routing { item: r.get(0)?, process: r.get(1)?, hours_per_unit: r.get(2)? })
            })?;
        network.sources = self.select_all(
            "sources",
            "site, item, max_units_per_week, lead_time_weeks, unit_cost",
            &mut tick,
            |r| {
                Ok(Source {
                    site: r.get(0)?,
                    item: r.get(1)?,
                    max_units_per_week: r.get(2)?,
                    lead_time_weeks: r.get(3)?,
                    unit_cost: r.get(4)?,
                })
            },
        )?;
        network.links = self.select_all(
            "links",
            "supplier, customer, item, units_per_week, lead_time_weeks",
            &mut tick,
            |r| {
                Ok(Link {
                    supplier: r.get(0)?,
                    customer: r.get(1)?,
                    item: r.get(2)?,
                    units_per_week: r.get(3)?,
                    lead_time_weeks: r.get(4)?,
                })
            },
        )?;
        network.inventory = self.select_all("inventory", "site, item, units", &mut tick, |r| {
            Ok(Inventory { site: r.get(0)?, item: r.get(1)?, units: r.get(2)? })
        })?;
        network.demand =
            self.select_all("demand", "item, site, units_per_week", &mut tick, |r| {
                Ok(Demand { item: r.get(0)?, site: r.get(1)?, units_per_week: r.get(2)? })
            })?;
        progress(n);
        Ok(network)
    }

    pub(crate) fn n_records(&self) -> Result<u64, Error> {
        let mut total = 0u64;
        for table in model::Table::ALL {
            let count: i64 = self
                .conn
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
                .map_err(|e| backend(format!("cannot count table {table}"), e))?;
            total += count.unsigned_abs();
        }
        Ok(total)
    }

    fn select_all<T>(
        &self,
        table: &str,
        columns: &str,
        tick: &mut dyn FnMut(),
        read: impl Fn(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>, Error> {
        let context = format!("cannot read table {table}");
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {columns} FROM {table} ORDER BY seq"))
            .map_err(|e| backend(context.clone(), e))?;
        let mut rows = stmt.query([]).map_err(|e| backend(context.clone(), e))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(|e| backend(context.clone(), e))? {
            out.push(read(row).map_err(|e| backend(context.clone(), e))?);
            tick();
        }
        Ok(out)
    }
}

/// Reads a vocabulary column (a kind).
fn parse<T: FromStr<Err = String>>(row: &Row<'_>, column: usize) -> rusqlite::Result<T> {
    let text: String = row.get(column)?;
    text.parse().map_err(|message: String| {
        rusqlite::Error::FromSqlConversionFailure(
            column,
            rusqlite::types::Type::Text,
            message.into(),
        )
    })
}

fn list(row: &Row<'_>, column: usize) -> rusqlite::Result<Vec<String>> {
    let text: String = row.get(column)?;
    Ok(if text.is_empty() {
        Vec::new()
    } else {
        text.split(LIST_SEPARATOR).map(str::to_owned).collect()
    })
}
