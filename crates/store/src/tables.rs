//! How each record is laid out in a database table, once for every backend: its columns in
//! order, the cells a record writes, and the record a row of cells reads back.
//!
//! Lists (NAICS codes, certifications) are stored as in CSV: entries joined by `;`.

use std::borrow::Cow;
use std::str::FromStr;

use model::{
    BomLine, Capability, Demand, Inventory, Item, Link, Network, Organization, Routing, Site,
    Source, Table,
};

use crate::Error;

/// The separator of list entries in a text column, as in CSV.
const LIST_SEPARATOR: char = ';';

/// Rows between two progress reports.
pub(crate) const PROGRESS_EVERY: u64 = 20_000;

/// One value written to a column.
#[derive(Debug)]
pub(crate) enum Cell<'a> {
    Text(Cow<'a, str>),
    OptText(Option<&'a str>),
    Real(f64),
    OptReal(Option<f64>),
    OptInt(Option<i64>),
}

/// A row read back, cell by cell; each backend implements it over its own row type.
pub(crate) trait Cells {
    fn text(&self, column: usize) -> Result<String, Error>;
    fn opt_text(&self, column: usize) -> Result<Option<String>, Error>;
    fn real(&self, column: usize) -> Result<f64, Error>;
    fn opt_real(&self, column: usize) -> Result<Option<f64>, Error>;
    fn opt_int(&self, column: usize) -> Result<Option<i64>, Error>;
}

/// The columns of a table, in the order `cells` writes and `push` reads them.
pub(crate) fn columns(table: Table) -> &'static [&'static str] {
    match table {
        Table::Organizations => &["id", "name", "kind", "sponsor", "focus"],
        Table::Sites => &[
            "id",
            "organization",
            "name",
            "kind",
            "latitude",
            "longitude",
            "city",
            "state",
            "country",
            "naics",
            "employees",
            "certifications",
            "ttr_weeks",
        ],
        Table::Capabilities => &["site", "process", "hours_per_week"],
        Table::Items => &["id", "name", "kind", "unit", "unit_value"],
        Table::Bom => &["parent", "component", "quantity"],
        Table::Routings => &["item", "process", "hours_per_unit"],
        Table::Sources => &["site", "item", "max_units_per_week", "lead_time_weeks", "unit_cost"],
        Table::Links => &["supplier", "customer", "item", "units_per_week", "lead_time_weeks"],
        Table::Inventory => &["site", "item", "units"],
        Table::Demand => &["item", "site", "units_per_week"],
    }
}

/// The condition selecting the rows of `table` that belong to the organization bound to
/// `param`: its own record, its sites, what is at them (capabilities, sources, inventory,
/// demand) and the links they ship on. `None` for the tables every organization shares (items,
/// bills of materials, routings).
pub(crate) fn owned_rows(table: Table, param: &str) -> Option<String> {
    let at_its_sites =
        |column: &str| format!("{column} IN (SELECT id FROM sites WHERE organization = {param})");
    match table {
        Table::Organizations => Some(format!("id = {param}")),
        Table::Sites => Some(format!("organization = {param}")),
        Table::Capabilities | Table::Sources | Table::Inventory | Table::Demand => {
            Some(at_its_sites("site"))
        }
        Table::Links => Some(at_its_sites("supplier")),
        Table::Items | Table::Bom | Table::Routings => None,
    }
}

/// The tables an organization's write replaces, children before parents (the conditions of
/// `owned_rows` look sites up): its own record only when `part` has one.
pub(crate) fn replaced_tables(part: &Network) -> Result<Vec<Table>, Error> {
    let mut tables = Vec::new();
    for &table in Table::ALL.iter().rev() {
        if owned_rows(table, "").is_none() {
            if part.len_of(table) > 0 {
                return Err(Error::Conflict(format!(
                    "{table} are shared by every organization; an organization's write cannot hold them"
                )));
            }
        } else if table != Table::Organizations || !part.organizations.is_empty() {
            tables.push(table);
        }
    }
    Ok(tables)
}

/// One organization's write, checked by `Store::replace_organization`.
pub(crate) struct OrganizationWrite<'a> {
    pub(crate) organization: &'a str,
    pub(crate) part: &'a Network,
    /// The tables to empty of the organization's rows, children first.
    pub(crate) tables: Vec<Table>,
    pub(crate) based_on: i64,
    pub(crate) records: u64,
    pub(crate) source: &'a str,
}

/// Fails unless the last import is still `based_on`: a write computed from an older network
/// would undo what was written since.
pub(crate) fn check_based_on(last: Option<i64>, based_on: i64) -> Result<(), Error> {
    match last {
        Some(last) if last == based_on => Ok(()),
        last => Err(Error::Stale(format!(
            "the network changed since it was read (import {based_on}, now {})",
            last.map_or_else(|| "none".to_owned(), |n| n.to_string())
        ))),
    }
}

/// The cells of record `row` of a table.
pub(crate) fn cells(network: &Network, table: Table, row: usize) -> Vec<Cell<'_>> {
    match table {
        Table::Organizations => {
            let o = &network.organizations[row];
            vec![
                text(&o.id),
                text(&o.name),
                text(o.kind.as_str()),
                Cell::OptText(o.sponsor.as_deref()),
                Cell::OptText(o.focus.as_deref()),
            ]
        }
        Table::Sites => {
            let s = &network.sites[row];
            let separator = LIST_SEPARATOR.to_string();
            vec![
                text(&s.id),
                text(&s.organization),
                text(&s.name),
                text(s.kind.as_str()),
                Cell::OptReal(s.latitude),
                Cell::OptReal(s.longitude),
                Cell::OptText(s.city.as_deref()),
                Cell::OptText(s.state.as_deref()),
                Cell::OptText(s.country.as_deref()),
                Cell::Text(Cow::Owned(s.naics.join(&separator))),
                Cell::OptInt(s.employees.map(i64::from)),
                Cell::Text(Cow::Owned(s.certifications.join(&separator))),
                Cell::Real(s.ttr_weeks),
            ]
        }
        Table::Capabilities => {
            let c = &network.capabilities[row];
            vec![text(&c.site), text(&c.process), Cell::Real(c.hours_per_week)]
        }
        Table::Items => {
            let i = &network.items[row];
            vec![
                text(&i.id),
                text(&i.name),
                text(i.kind.as_str()),
                text(&i.unit),
                Cell::Real(i.unit_value),
            ]
        }
        Table::Bom => {
            let b = &network.bom[row];
            vec![text(&b.parent), text(&b.component), Cell::Real(b.quantity)]
        }
        Table::Routings => {
            let r = &network.routings[row];
            vec![text(&r.item), text(&r.process), Cell::Real(r.hours_per_unit)]
        }
        Table::Sources => {
            let s = &network.sources[row];
            vec![
                text(&s.site),
                text(&s.item),
                Cell::Real(s.max_units_per_week),
                Cell::Real(s.lead_time_weeks),
                Cell::Real(s.unit_cost),
            ]
        }
        Table::Links => {
            let l = &network.links[row];
            vec![
                text(&l.supplier),
                text(&l.customer),
                text(&l.item),
                Cell::Real(l.units_per_week),
                Cell::OptReal(l.lead_time_weeks),
            ]
        }
        Table::Inventory => {
            let i = &network.inventory[row];
            vec![text(&i.site), text(&i.item), Cell::Real(i.units)]
        }
        Table::Demand => {
            let d = &network.demand[row];
            vec![text(&d.item), Cell::OptText(d.site.as_deref()), Cell::Real(d.units_per_week)]
        }
    }
}

fn text(s: &str) -> Cell<'_> {
    Cell::Text(Cow::Borrowed(s))
}

/// Reads one row of a table and appends its record to the network.
pub(crate) fn push(network: &mut Network, table: Table, r: &dyn Cells) -> Result<(), Error> {
    match table {
        Table::Organizations => network.organizations.push(Organization {
            id: r.text(0)?,
            name: r.text(1)?,
            kind: parse(r, 2)?,
            sponsor: r.opt_text(3)?,
            focus: r.opt_text(4)?,
        }),
        Table::Sites => network.sites.push(Site {
            id: r.text(0)?,
            organization: r.text(1)?,
            name: r.text(2)?,
            kind: parse(r, 3)?,
            latitude: r.opt_real(4)?,
            longitude: r.opt_real(5)?,
            city: r.opt_text(6)?,
            state: r.opt_text(7)?,
            country: r.opt_text(8)?,
            naics: list(r, 9)?,
            employees: r
                .opt_int(10)?
                .map(|n| u32::try_from(n).map_err(|e| corrupt(10, e.to_string())))
                .transpose()?,
            certifications: list(r, 11)?,
            ttr_weeks: r.real(12)?,
        }),
        Table::Capabilities => network.capabilities.push(Capability {
            site: r.text(0)?,
            process: r.text(1)?,
            hours_per_week: r.real(2)?,
        }),
        Table::Items => network.items.push(Item {
            id: r.text(0)?,
            name: r.text(1)?,
            kind: parse(r, 2)?,
            unit: r.text(3)?,
            unit_value: r.real(4)?,
        }),
        Table::Bom => network.bom.push(BomLine {
            parent: r.text(0)?,
            component: r.text(1)?,
            quantity: r.real(2)?,
        }),
        Table::Routings => network.routings.push(Routing {
            item: r.text(0)?,
            process: r.text(1)?,
            hours_per_unit: r.real(2)?,
        }),
        Table::Sources => network.sources.push(Source {
            site: r.text(0)?,
            item: r.text(1)?,
            max_units_per_week: r.real(2)?,
            lead_time_weeks: r.real(3)?,
            unit_cost: r.real(4)?,
        }),
        Table::Links => network.links.push(Link {
            supplier: r.text(0)?,
            customer: r.text(1)?,
            item: r.text(2)?,
            units_per_week: r.real(3)?,
            lead_time_weeks: r.opt_real(4)?,
        }),
        Table::Inventory => network.inventory.push(Inventory {
            site: r.text(0)?,
            item: r.text(1)?,
            units: r.real(2)?,
        }),
        Table::Demand => network.demand.push(Demand {
            item: r.text(0)?,
            site: r.opt_text(1)?,
            units_per_week: r.real(2)?,
        }),
    }
    Ok(())
}

/// Reads a vocabulary column (a kind).
fn parse<T: FromStr<Err = String>>(row: &dyn Cells, column: usize) -> Result<T, Error> {
    row.text(column)?.parse().map_err(|message| corrupt(column, message))
}

fn list(row: &dyn Cells, column: usize) -> Result<Vec<String>, Error> {
    let text = row.text(column)?;
    Ok(if text.is_empty() {
        Vec::new()
    } else {
        text.split(LIST_SEPARATOR).map(str::to_owned).collect()
    })
}

/// A stored value the model cannot hold.
fn corrupt(column: usize, message: String) -> Error {
    Error::Backend {
        context: format!("stored value in column {column} is invalid"),
        source: message.into(),
    }
}

/// Counts records as they are read or written and reports every `PROGRESS_EVERY`.
pub(crate) struct Counter<'a> {
    done: u64,
    progress: &'a mut dyn FnMut(u64),
}

impl<'a> Counter<'a> {
    pub(crate) fn new(progress: &'a mut dyn FnMut(u64)) -> Counter<'a> {
        Counter { done: 0, progress }
    }

    pub(crate) fn tick(&mut self) {
        self.done += 1;
        if self.done.is_multiple_of(PROGRESS_EVERY) {
            (self.progress)(self.done);
        }
    }

    pub(crate) fn finish(&mut self) {
        (self.progress)(self.done);
    }
}
