//! The records of a network, one struct per table, and `Network`, which holds them all in file
//! order.
//!
//! Records refer to each other by their text ids, as the files do.
//! Units: capacities are per week, lead times and times-to-recover are in weeks, values and costs
//! in one currency chosen by the user.

use crate::kinds::{ItemKind, OrgKind, SiteKind};
use crate::table::Table;

/// A whole network: every record of every table, in the order they were read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Network {
    pub organizations: Vec<Organization>,
    pub sites: Vec<Site>,
    pub capabilities: Vec<Capability>,
    pub items: Vec<Item>,
    pub bom: Vec<BomLine>,
    pub routings: Vec<Routing>,
    pub sources: Vec<Source>,
    pub links: Vec<Link>,
    pub inventory: Vec<Inventory>,
    pub demand: Vec<Demand>,
}

impl Network {
    /// The number of records in every table together.
    pub fn n_records(&self) -> usize {
        Table::ALL.iter().map(|&table| self.len_of(table)).sum()
    }

    /// Makes room for `additional` more records in one table (a reader that knows how many
    /// rows are coming grows each table once).
    pub fn reserve(&mut self, table: Table, additional: usize) {
        match table {
            Table::Organizations => self.organizations.reserve(additional),
            Table::Sites => self.sites.reserve(additional),
            Table::Capabilities => self.capabilities.reserve(additional),
            Table::Items => self.items.reserve(additional),
            Table::Bom => self.bom.reserve(additional),
            Table::Routings => self.routings.reserve(additional),
            Table::Sources => self.sources.reserve(additional),
            Table::Links => self.links.reserve(additional),
            Table::Inventory => self.inventory.reserve(additional),
            Table::Demand => self.demand.reserve(additional),
        }
    }

    /// Moves every record of `other` to the end of this network's tables.
    pub fn append(&mut self, other: &mut Network) {
        self.organizations.append(&mut other.organizations);
        self.sites.append(&mut other.sites);
        self.capabilities.append(&mut other.capabilities);
        self.items.append(&mut other.items);
        self.bom.append(&mut other.bom);
        self.routings.append(&mut other.routings);
        self.sources.append(&mut other.sources);
        self.links.append(&mut other.links);
        self.inventory.append(&mut other.inventory);
        self.demand.append(&mut other.demand);
    }

    /// The number of records of one table.
    pub fn len_of(&self, table: Table) -> usize {
        match table {
            Table::Organizations => self.organizations.len(),
            Table::Sites => self.sites.len(),
            Table::Capabilities => self.capabilities.len(),
            Table::Items => self.items.len(),
            Table::Bom => self.bom.len(),
            Table::Routings => self.routings.len(),
            Table::Sources => self.sources.len(),
            Table::Links => self.links.len(),
            Table::Inventory => self.inventory.len(),
            Table::Demand => self.demand.len(),
        }
    }
}

/// A firm, institute, university or agency that owns sites.
#[derive(Clone, Debug, PartialEq)]
pub struct Organization {
    pub id: String,
    pub name: String,
    pub kind: OrgKind,
    /// The agency that sponsors it, for institutes of a public network.
    pub sponsor: Option<String>,
    /// Its technology focus, in a few words.
    pub focus: Option<String>,
}

/// One physical facility.
#[derive(Clone, Debug, PartialEq)]
pub struct Site {
    pub id: String,
    pub organization: String,
    pub name: String,
    pub kind: SiteKind,
    /// Degrees north; present exactly when `longitude` is.
    pub latitude: Option<f64>,
    /// Degrees east; present exactly when `latitude` is.
    pub longitude: Option<f64>,
    pub city: Option<String>,
    /// A USPS code when the country is `US`, otherwise free text.
    pub state: Option<String>,
    /// An ISO 3166-1 alpha-2 code.
    pub country: Option<String>,
    /// NAICS codes (2 to 6 digits).
    pub naics: Vec<String>,
    pub employees: Option<u32>,
    pub certifications: Vec<String>,
    /// Weeks the site needs to come back after a disruption.
    pub ttr_weeks: f64,
}

impl Site {
    /// A site with only what every site has: no coordinates, place, codes, staff or
    /// certifications (a stage of a Willems chain, say).
    pub fn new(
        id: String,
        organization: String,
        name: String,
        kind: SiteKind,
        ttr_weeks: f64,
    ) -> Site {
        Site {
            id,
            organization,
            name,
            kind,
            latitude: None,
            longitude: None,
            city: None,
            state: None,
            country: None,
            naics: Vec::new(),
            employees: None,
            certifications: Vec::new(),
            ttr_weeks,
        }
    }
}

/// A process a site can run, with its capacity.
#[derive(Clone, Debug, PartialEq)]
pub struct Capability {
    pub site: String,
    pub process: String,
    pub hours_per_week: f64,
}

/// A product, part or material.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub id: String,
    pub name: String,
    pub kind: ItemKind,
    /// The unit one quantity of the item is counted in ("each", "kg", "L").
    pub unit: String,
    /// The value of one unit.
    pub unit_value: f64,
}

/// One line of a bill of materials: `quantity` units of `component` go into one unit of `parent`.
#[derive(Clone, Debug, PartialEq)]
pub struct BomLine {
    pub parent: String,
    pub component: String,
    pub quantity: f64,
}

/// The hours of `process` that one unit of `item` takes.
#[derive(Clone, Debug, PartialEq)]
pub struct Routing {
    pub item: String,
    pub process: String,
    pub hours_per_unit: f64,
}

/// A site qualified to make an item.
#[derive(Clone, Debug, PartialEq)]
pub struct Source {
    pub site: String,
    pub item: String,
    pub max_units_per_week: f64,
    pub lead_time_weeks: f64,
    pub unit_cost: f64,
}

/// An actual supply relationship: `supplier` ships `item` to `customer`.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    pub supplier: String,
    pub customer: String,
    pub item: String,
    pub units_per_week: f64,
    /// Transit time; when absent, engines derive it from distance.
    pub lead_time_weeks: Option<f64>,
}

/// Units of an item on hand at a site.
#[derive(Clone, Debug, PartialEq)]
pub struct Inventory {
    pub site: String,
    pub item: String,
    pub units: f64,
}

/// Steady demand for an item, at one site or for the network as a whole.
#[derive(Clone, Debug, PartialEq)]
pub struct Demand {
    pub item: String,
    pub site: Option<String>,
    pub units_per_week: f64,
}
