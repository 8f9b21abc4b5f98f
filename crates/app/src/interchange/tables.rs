//! The columns of every table, and how a record is read from and written to a row.
//!
//! This is the one definition of the interchange formats: CSV headers, JSON fields, the JSON
//! Schema and docs/data-format.md all follow it.

use model::{
    BomLine, Capability, Demand, Inventory, Item, ItemKind, Link, Network, OrgKind, Organization,
    Routing, Site, SiteKind, Source, Table,
};

use super::row::{Cell, RowReader};

/// What a column holds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ColumnType {
    Text,
    Number,
    Integer,
    /// One of a closed list of words.
    Vocabulary(&'static [&'static str]),
    /// Text entries; in CSV joined by `;`.
    List,
}

#[derive(Clone, Copy, Debug)]
pub struct Column {
    pub name: &'static str,
    pub ty: ColumnType,
    pub required: bool,
    pub doc: &'static str,
}

const fn col(name: &'static str, ty: ColumnType, required: bool, doc: &'static str) -> Column {
    Column { name, ty, required, doc }
}

use ColumnType::{Integer, List, Number, Text};

/// The columns of a table, in file order.
pub fn columns(table: Table) -> &'static [Column] {
    match table {
        Table::Organizations => {
            const {
                &[
                    col("id", Text, true, "unique id"),
                    col("name", Text, true, "display name"),
                    col(
                        "kind",
                        ColumnType::Vocabulary(OrgKind::NAMES),
                        true,
                        "what the organization is",
                    ),
                    col("sponsor", Text, false, "sponsoring agency, for institutes"),
                    col("focus", Text, false, "technology focus"),
                ]
            }
        }
        Table::Sites => {
            const {
                &[
                    col("id", Text, true, "unique id"),
                    col("organization", Text, true, "id of the owning organization"),
                    col("name", Text, true, "display name"),
                    col("kind", ColumnType::Vocabulary(SiteKind::NAMES), true, "what the site is"),
                    col(
                        "latitude",
                        Number,
                        false,
                        "degrees north, -90 to 90; given with longitude",
                    ),
                    col(
                        "longitude",
                        Number,
                        false,
                        "degrees east, -180 to 180; given with latitude",
                    ),
                    col("city", Text, false, "city"),
                    col("state", Text, false, "USPS code when country is US"),
                    col("country", Text, false, "ISO 3166-1 alpha-2 code"),
                    col("naics", List, false, "NAICS codes, 2 to 6 digits"),
                    col("employees", Integer, false, "head count"),
                    col(
                        "certifications",
                        List,
                        false,
                        "quality certifications (ISO 9001, AS9100, ...)",
                    ),
                    col("ttr_weeks", Number, true, "time to recover after a disruption, in weeks"),
                ]
            }
        }
        Table::Capabilities => {
            const {
                &[
                    col("site", Text, true, "site id"),
                    col("process", Text, true, "process name, e.g. 5-axis-cnc"),
                    col("hours_per_week", Number, true, "capacity of the process at the site"),
                ]
            }
        }
        Table::Items => {
            const {
                &[
                    col("id", Text, true, "unique id"),
                    col("name", Text, true, "display name"),
                    col(
                        "kind",
                        ColumnType::Vocabulary(ItemKind::NAMES),
                        true,
                        "place in the bill of materials",
                    ),
                    col("unit", Text, true, "unit of count: each, kg, L, ..."),
                    col("unit_value", Number, true, "value of one unit"),
                ]
            }
        }
        Table::Bom => {
            const {
                &[
                    col("parent", Text, true, "item id of the assembly"),
                    col("component", Text, true, "item id that goes into it"),
                    col("quantity", Number, true, "units of component per unit of parent, above 0"),
                ]
            }
        }
        Table::Routings => {
            const {
                &[
                    col("item", Text, true, "item id"),
                    col("process", Text, true, "process name"),
                    col("hours_per_unit", Number, true, "hours of the process one unit takes"),
                ]
            }
        }
        Table::Sources => {
            const {
                &[
                    col("site", Text, true, "site id"),
                    col("item", Text, true, "item id the site is qualified to make"),
                    col("max_units_per_week", Number, true, "most units per week"),
                    col("lead_time_weeks", Number, true, "weeks from order to shipment"),
                    col("unit_cost", Number, true, "cost of one unit"),
                ]
            }
        }
        Table::Links => {
            const {
                &[
                    col("supplier", Text, true, "site id that ships"),
                    col("customer", Text, true, "site id that receives"),
                    col("item", Text, true, "item id shipped"),
                    col("units_per_week", Number, true, "normal flow"),
                    col(
                        "lead_time_weeks",
                        Number,
                        false,
                        "transit time; derived from distance when empty",
                    ),
                ]
            }
        }
        Table::Inventory => {
            const {
                &[
                    col("site", Text, true, "site id"),
                    col("item", Text, true, "item id"),
                    col("units", Number, true, "units on hand"),
                ]
            }
        }
        Table::Demand => {
            const {
                &[
                    col("item", Text, true, "item id"),
                    col("site", Text, false, "site id where it is needed; empty for the network"),
                    col("units_per_week", Number, true, "steady demand"),
                ]
            }
        }
    }
}

/// Reads the rows of one table into the network.
pub(super) fn read_row(table: Table, r: &mut RowReader<'_>, network: &mut Network) {
    match table {
        Table::Organizations => network.organizations.push(Organization {
            id: r.text("id"),
            name: r.text("name"),
            kind: r.vocabulary::<OrgKind>("kind").unwrap_or(OrgKind::Company),
            sponsor: r.opt_text("sponsor"),
            focus: r.opt_text("focus"),
        }),
        Table::Sites => network.sites.push(Site {
            id: r.text("id"),
            organization: r.text("organization"),
            name: r.text("name"),
            kind: r.vocabulary::<SiteKind>("kind").unwrap_or(SiteKind::Factory),
            latitude: r.opt_number("latitude"),
            longitude: r.opt_number("longitude"),
            city: r.opt_text("city"),
            state: r.opt_text("state"),
            country: r.opt_text("country"),
            naics: r.list("naics"),
            employees: r.opt_integer("employees"),
            certifications: r.list("certifications"),
            ttr_weeks: r.number("ttr_weeks"),
        }),
        Table::Capabilities => network.capabilities.push(Capability {
            site: r.text("site"),
            process: r.text("process"),
            hours_per_week: r.number("hours_per_week"),
        }),
        Table::Items => network.items.push(Item {
            id: r.text("id"),
            name: r.text("name"),
            kind: r.vocabulary::<ItemKind>("kind").unwrap_or(ItemKind::Part),
            unit: r.text("unit"),
            unit_value: r.number("unit_value"),
        }),
        Table::Bom => network.bom.push(BomLine {
            parent: r.text("parent"),
            component: r.text("component"),
            quantity: r.number("quantity"),
        }),
        Table::Routings => network.routings.push(Routing {
            item: r.text("item"),
            process: r.text("process"),
            hours_per_unit: r.number("hours_per_unit"),
        }),
        Table::Sources => network.sources.push(Source {
            site: r.text("site"),
            item: r.text("item"),
            max_units_per_week: r.number("max_units_per_week"),
            lead_time_weeks: r.number("lead_time_weeks"),
            unit_cost: r.number("unit_cost"),
        }),
        Table::Links => network.links.push(Link {
            supplier: r.text("supplier"),
            customer: r.text("customer"),
            item: r.text("item"),
            units_per_week: r.number("units_per_week"),
            lead_time_weeks: r.opt_number("lead_time_weeks"),
        }),
        Table::Inventory => network.inventory.push(Inventory {
            site: r.text("site"),
            item: r.text("item"),
            units: r.number("units"),
        }),
        Table::Demand => network.demand.push(Demand {
            item: r.text("item"),
            site: r.opt_text("site"),
            units_per_week: r.number("units_per_week"),
        }),
    }
}

/// The cells of every row of a table, in column order.
pub(super) fn write_rows(
    table: Table,
    network: &Network,
) -> Box<dyn Iterator<Item = Vec<Cell<'_>>> + '_> {
    use Cell::{Float, Int, Missing, Words};
    fn text(s: &str) -> Cell<'_> {
        Cell::Text(s)
    }
    fn opt(s: &Option<String>) -> Cell<'_> {
        s.as_deref().map_or(Missing, Cell::Text)
    }
    fn opt_float(x: Option<f64>) -> Cell<'static> {
        x.map_or(Missing, Float)
    }
    match table {
        Table::Organizations => Box::new(network.organizations.iter().map(|o| {
            vec![text(&o.id), text(&o.name), text(o.kind.as_str()), opt(&o.sponsor), opt(&o.focus)]
        })),
        Table::Sites => Box::new(network.sites.iter().map(|s| {
            vec![
                text(&s.id),
                text(&s.organization),
                text(&s.name),
                text(s.kind.as_str()),
                opt_float(s.latitude),
                opt_float(s.longitude),
                opt(&s.city),
                opt(&s.state),
                opt(&s.country),
                Words(&s.naics),
                s.employees.map_or(Missing, Int),
                Words(&s.certifications),
                Float(s.ttr_weeks),
            ]
        })),
        Table::Capabilities => Box::new(
            network
                .capabilities
                .iter()
                .map(|c| vec![text(&c.site), text(&c.process), Float(c.hours_per_week)]),
        ),
        Table::Items => Box::new(network.items.iter().map(|i| {
            vec![
                text(&i.id),
                text(&i.name),
                text(i.kind.as_str()),
                text(&i.unit),
                Float(i.unit_value),
            ]
        })),
        Table::Bom => Box::new(
            network
                .bom
                .iter()
                .map(|b| vec![text(&b.parent), text(&b.component), Float(b.quantity)]),
        ),
        Table::Routings => Box::new(
            network
                .routings
                .iter()
                .map(|r| vec![text(&r.item), text(&r.process), Float(r.hours_per_unit)]),
        ),
        Table::Sources => Box::new(network.sources.iter().map(|s| {
            vec![
                text(&s.site),
                text(&s.item),
                Float(s.max_units_per_week),
                Float(s.lead_time_weeks),
                Float(s.unit_cost),
            ]
        })),
        Table::Links => Box::new(network.links.iter().map(|l| {
            vec![
                text(&l.supplier),
                text(&l.customer),
                text(&l.item),
                Float(l.units_per_week),
                opt_float(l.lead_time_weeks),
            ]
        })),
        Table::Inventory => Box::new(
            network.inventory.iter().map(|i| vec![text(&i.site), text(&i.item), Float(i.units)]),
        ),
        Table::Demand => Box::new(
            network
                .demand
                .iter()
                .map(|d| vec![text(&d.item), opt(&d.site), Float(d.units_per_week)]),
        ),
    }
}
