//! `validate` checks a whole network and returns every finding at once: errors make the network
//! unusable, warnings point at data that is legal but probably not what the user meant.
//!
//! Findings name a table, a row (0-based, in table order) and a field; the reader that built the
//! network turns that into a file and line or a JSON path.

mod cycles;
mod fields;

use std::collections::HashMap;

use crate::network::Network;
use crate::table::Table;

use self::fields::Checker;

/// The largest amount (units, hours, money, weeks, BOM quantities) a network, a request or an
/// event may give: the engines multiply and add amounts, so much larger ones overflow to
/// infinity (which JSON cannot write), and the LP solver takes bounds from 1e20 on as none.
pub const MAX_AMOUNT: f64 = 1e15;

/// The longest time (a lead time, a time to recover, an event's start, length or recovery) a
/// network, a scenario or a hazards file may give, in weeks: far beyond any horizon (ten years),
/// and small enough that a count of periods of a day stays countable.
pub const MAX_WEEKS: f64 = 1e6;

/// Why an amount is too large to compute with, if it is: `must be at most 1e15, not 1e300`.
pub fn too_large(value: f64) -> Option<String> {
    (value > MAX_AMOUNT).then(|| {
        format!("must be at most {}, not {}", crate::Shown(MAX_AMOUNT), crate::Shown(value))
    })
}

/// Why a time in weeks is too long, if it is: `must be at most 1,000,000 weeks, not 1e300`.
pub fn too_long(weeks: f64) -> Option<String> {
    (weeks > MAX_WEEKS).then(|| {
        let most = crate::grouped(MAX_WEEKS as u64);
        format!("must be at most {most} weeks, not {}", crate::Shown(weeks))
    })
}

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One finding of `validate`.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub table: Table,
    /// The row of `table`, 0-based.
    pub row: usize,
    pub field: &'static str,
    pub message: String,
    /// Another row of the same table the finding refers to (the first copy of a duplicate).
    pub related_row: Option<usize>,
    /// For an unknown reference, the table its id was looked for in.
    pub refers_to: Option<Table>,
}

/// Checks every rule of the model and returns every finding, errors and warnings, in table order.
pub fn validate(network: &Network) -> Vec<Diagnostic> {
    let mut check = Checker::default();
    let orgs = check.ids(Table::Organizations, network.organizations.iter().map(|o| o.id.as_str()));
    let sites = check.ids(Table::Sites, network.sites.iter().map(|s| s.id.as_str()));
    let items = check.ids(Table::Items, network.items.iter().map(|i| i.id.as_str()));
    let index = Index { orgs, sites, items };
    fields::check_records(&mut check, network, &index);
    cycles::check_bom(&mut check, network, &index.items);
    fields::check_coverage(&mut check, network, &index);
    let mut out = check.finish();
    out.sort_by_key(|d| (d.table, d.row));
    out
}

/// Positions of every id, first occurrence first.
struct Index<'a> {
    orgs: HashMap<&'a str, usize>,
    sites: HashMap<&'a str, usize>,
    items: HashMap<&'a str, usize>,
}

#[cfg(test)]
mod tests;
