//! `Graph`, the compact form of a network the engines work on: dense `u32` indices for sites,
//! items, organizations, processes and regions, and adjacency in flat arrays (`Csr`).
//!
//! It is built once from a validated `model::Network` and never changes; the engines read it.
//! Text ids are kept only to name things in reports.

mod build;
mod csr;

pub use build::Error;
pub use csr::Csr;

/// A name shared by the graph and the reports that mention it (cloning one is a reference count,
/// not a copy).
pub type Name = std::sync::Arc<str>;
use model::{ItemKind, SiteKind};
use serde::{Deserialize, Serialize};

/// A network as dense indices and flat adjacency arrays.
///
/// It serializes (for a cache of it) without its indices by id; `indexed` builds them again.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Graph {
    pub org_ids: Vec<Name>,
    pub site_ids: Vec<Name>,
    pub item_ids: Vec<Name>,
    /// Site and item indices by id, for lookups by name in large networks.
    #[serde(skip)]
    site_index: rustc_hash::FxHashMap<Name, u32>,
    #[serde(skip)]
    item_index: rustc_hash::FxHashMap<Name, u32>,
    /// Process names, interned; `capabilities` and `routings` refer to them by index.
    pub processes: Vec<Name>,
    /// State names, interned.
    pub states: Vec<Name>,
    /// Country codes, interned.
    pub countries: Vec<Name>,
    pub sites: Vec<SiteNode>,
    pub items: Vec<ItemNode>,
    /// By parent item: the components of one unit.
    pub components: Csr<BomEdge>,
    /// By component item: the parents it goes into, with the quantity per parent.
    pub used_in: Csr<BomEdge>,
    /// By item: the sites qualified to make it.
    pub sources: Csr<SourceEdge>,
    /// By site: the items it is qualified to make.
    pub makes: Csr<u32>,
    /// By supplier site: what it ships to whom.
    pub links_out: Csr<LinkEdge>,
    /// By customer site: what it receives from whom (`LinkEdge::site` is the supplier).
    pub links_in: Csr<LinkEdge>,
    /// By site: processes and their hours per week.
    pub capabilities: Csr<ProcessHours>,
    /// By item: processes and their hours per unit.
    pub routings: Csr<ProcessHours>,
    /// By site: items on hand.
    pub inventory: Csr<Stock>,
    pub demand: Vec<DemandNode>,
    /// Every item, each before all of its components.
    pub topo_order: Vec<u32>,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct SiteNode {
    pub org: u32,
    #[serde(with = "text")]
    pub kind: SiteKind,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub state: Option<u32>,
    pub country: Option<u32>,
    pub ttr_weeks: f64,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct ItemNode {
    #[serde(with = "text")]
    pub kind: ItemKind,
    pub unit_value: f64,
}

/// One end of a BOM line and its quantity per unit of the parent.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct BomEdge {
    pub item: u32,
    pub quantity: f64,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct SourceEdge {
    pub site: u32,
    pub max_units_per_week: f64,
    pub lead_time_weeks: f64,
    pub unit_cost: f64,
}

/// A link seen from one of its ends; `site` is the other end.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct LinkEdge {
    pub site: u32,
    pub item: u32,
    pub units_per_week: f64,
    pub lead_time_weeks: Option<f64>,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct ProcessHours {
    pub process: u32,
    pub hours: f64,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct Stock {
    pub item: u32,
    pub units: f64,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct DemandNode {
    pub item: u32,
    pub site: Option<u32>,
    pub units_per_week: f64,
}

impl Graph {
    /// The graph with its indices by id built again (after it was deserialized without them).
    pub fn indexed(self) -> Graph {
        let (site_index, item_index) =
            rayon::join(|| by_id(&self.site_ids), || by_id(&self.item_ids));
        Graph { site_index, item_index, ..self }
    }

    /// The index of the site with this id.
    pub fn site(&self, id: &str) -> Option<u32> {
        self.site_index.get(id).copied()
    }

    /// The index of the item with this id.
    pub fn item(&self, id: &str) -> Option<u32> {
        self.item_index.get(id).copied()
    }

    pub fn n_sites(&self) -> usize {
        self.sites.len()
    }

    pub fn n_items(&self) -> usize {
        self.items.len()
    }

    /// The number of links (supplier, customer, item).
    pub fn n_links(&self) -> usize {
        self.links_out.entries().len()
    }

    /// Hours per week `site` has for `process` (0 when it lacks the capability).
    pub fn hours_per_week(&self, site: u32, process: u32) -> f64 {
        self.capabilities.row(site).iter().filter(|c| c.process == process).map(|c| c.hours).sum()
    }
}

/// Each id's index in `ids`.
fn by_id(ids: &[Name]) -> rustc_hash::FxHashMap<Name, u32> {
    ids.iter().enumerate().map(|(i, id)| (id.clone(), i as u32)).collect()
}

/// A kind as its spelling in files: the cache of a graph stays readable when kinds are added.
mod text {
    use std::fmt::Display;
    use std::str::FromStr;

    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<T: Display, S: Serializer>(
        value: &T,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_str(value)
    }

    pub(super) fn deserialize<'de, T, D>(deserializer: D) -> Result<T, D::Error>
    where
        T: FromStr<Err = String>,
        D: Deserializer<'de>,
    {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests;
