//! The network model: the records a user imports (organizations, sites, items, bills of materials,
//! who can make what and who supplies whom) and the rules that make a set of them a valid network.
//!
//! This crate is pure data: it does no I/O and knows no file format.
//! The interchange formats are written and read by `app::interchange`, the engines work on
//! `engine::graph::Graph`, which is built from a validated `Network`.

mod kinds;
mod network;
mod shown;
mod suggest;
mod table;
mod validate;

pub use kinds::{ItemKind, OrgKind, SiteKind};
pub use network::{
    BomLine, Capability, Demand, Inventory, Item, Link, Network, Organization, Routing, Site,
    Source,
};
pub use shown::{Shown, counted, gibibytes, grouped, listed};
pub use suggest::did_you_mean;
pub use table::Table;
pub use validate::{Diagnostic, MAX_AMOUNT, MAX_WEEKS, Severity, too_large, too_long, validate};
