//! Rules on single records (ids, numbers, coordinates, codes), on references between tables, on
//! duplicate keys, and the coverage warnings (needed items nobody makes).

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::hash::Hash;

use super::{Diagnostic, Index, Severity};
use crate::network::Network;
use crate::table::Table;

/// The longest id accepted.
const MAX_ID_CHARS: usize = 128;

/// USPS codes of the states, the District of Columbia and the territories.
const US_STATES: &[&str] = &[
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
    "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM",
    "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA",
    "WV", "WI", "WY", "PR", "GU", "VI", "AS", "MP",
];

/// Most unknown references searched for a near id ("did you mean ...?") in one validation: each
/// search reads every id of its table, so a file with thousands of bad references stays quick
/// to check.
const MOST_HINTS: usize = 10;

#[derive(Default)]
pub(super) struct Checker {
    out: Vec<Diagnostic>,
    /// Unknown references searched for a near id so far.
    hinted: usize,
}

impl Checker {
    pub(super) fn finish(self) -> Vec<Diagnostic> {
        self.out
    }

    pub(super) fn error(&mut self, table: Table, row: usize, field: &'static str, message: String) {
        self.push(Severity::Error, table, row, field, message, None);
    }

    fn warning(&mut self, table: Table, row: usize, field: &'static str, message: String) {
        self.push(Severity::Warning, table, row, field, message, None);
    }

    fn push(
        &mut self,
        severity: Severity,
        table: Table,
        row: usize,
        field: &'static str,
        message: String,
        related_row: Option<usize>,
    ) {
        self.out.push(Diagnostic {
            severity,
            table,
            row,
            field,
            message,
            related_row,
            refers_to: None,
        });
    }

    /// Indexes the ids of a table, reporting bad and duplicate ones.
    pub(super) fn ids<'a>(
        &mut self,
        table: Table,
        ids: impl Iterator<Item = &'a str>,
    ) -> HashMap<&'a str, usize> {
        let mut index = HashMap::new();
        for (row, id) in ids.enumerate() {
            self.id(table, row, "id", id);
            self.unique(&mut index, id, table, row, "id", || format!("duplicate id {id:?}"));
        }
        index
    }

    /// Reports a key seen before, pointing at its first row.
    fn unique<K: Eq + Hash>(
        &mut self,
        seen: &mut HashMap<K, usize>,
        key: K,
        table: Table,
        row: usize,
        field: &'static str,
        message: impl FnOnce() -> String,
    ) {
        match seen.entry(key) {
            Entry::Vacant(slot) => {
                slot.insert(row);
            }
            Entry::Occupied(first) => {
                self.push(Severity::Error, table, row, field, message(), Some(*first.get()));
            }
        }
    }

    fn id(&mut self, table: Table, row: usize, field: &'static str, id: &str) {
        let reason = if id.is_empty() {
            "is empty"
        } else if id.trim() != id {
            "has leading or trailing spaces"
        } else if id.chars().any(char::is_control) {
            "contains a control character"
        } else if id.chars().count() > MAX_ID_CHARS {
            "is longer than 128 characters"
        } else {
            return;
        };
        self.error(table, row, field, format!("id {id:?} {reason}"));
    }

    /// A name, a unit or a certification: not empty, and free text.
    fn text(&mut self, table: Table, row: usize, field: &'static str, text: &str) {
        if text.trim().is_empty() {
            self.error(table, row, field, "must not be empty".to_owned());
        } else {
            self.free_text(table, row, field, text);
        }
    }

    /// Free text: the NUL character is an error, since a PostgreSQL store cannot hold it (and a
    /// network must move between the stores); another control character is a warning, since
    /// text reports and tables show it broken.
    fn free_text(&mut self, table: Table, row: usize, field: &'static str, text: &str) {
        let Some(control) = text.chars().find(|c| c.is_control()) else { return };
        if text.contains('\0') {
            let message = "holds the NUL character '\\0', which a PostgreSQL store cannot hold";
            self.error(table, row, field, message.to_owned());
            return;
        }
        let what = match control {
            '\n' | '\r' => "a line break".to_owned(),
            '\t' => "a tab".to_owned(),
            other => format!("the control character {:?}", other),
        };
        let message = format!("holds {what}, which text reports and tables show broken");
        self.warning(table, row, field, message);
    }

    fn amount(&mut self, table: Table, row: usize, field: &'static str, value: f64) {
        if !value.is_finite() {
            self.error(
                table,
                row,
                field,
                format!("must be a finite number, got {}", crate::Shown(value)),
            );
        } else if value < 0.0 {
            self.error(
                table,
                row,
                field,
                format!("must not be negative, got {}", crate::Shown(value)),
            );
        } else if let Some(message) = super::too_large(value) {
            self.error(table, row, field, message);
        }
    }

    /// A time in weeks: an amount of at most `MAX_WEEKS`.
    fn weeks(&mut self, table: Table, row: usize, field: &'static str, value: f64) {
        if let Some(message) = super::too_long(value) {
            self.error(table, row, field, message);
        } else {
            self.amount(table, row, field, value);
        }
    }

    fn positive(&mut self, table: Table, row: usize, field: &'static str, value: f64) {
        if !value.is_finite() || value <= 0.0 {
            self.error(table, row, field, format!("must be a finite number above 0, got {value}"));
        } else if let Some(message) = super::too_large(value) {
            self.error(table, row, field, message);
        }
    }

    fn reference(
        &mut self,
        index: &HashMap<&str, usize>,
        target: Table,
        table: Table,
        row: usize,
        field: &'static str,
        id: &str,
    ) -> Option<usize> {
        let found = index.get(id).copied();
        if found.is_none() {
            let hint = if self.hinted < MOST_HINTS {
                self.hinted += 1;
                crate::did_you_mean(id, index.keys().copied())
            } else {
                String::new()
            };
            let message = format!("unknown {} id {id:?}{hint}", singular(target));
            self.error(table, row, field, message);
            if let Some(last) = self.out.last_mut() {
                last.refers_to = Some(target);
            }
        }
        found
    }
}

fn singular(table: Table) -> &'static str {
    match table {
        Table::Organizations => "organization",
        Table::Sites => "site",
        Table::Items => "item",
        _ => table.name(),
    }
}

pub(super) fn check_records(check: &mut Checker, network: &Network, index: &Index<'_>) {
    check_sites(check, network, index);
    let t = Table::Organizations;
    for (row, org) in network.organizations.iter().enumerate() {
        check.text(t, row, "name", &org.name);
        for (field, text) in [("sponsor", &org.sponsor), ("focus", &org.focus)] {
            if let Some(text) = text {
                check.free_text(t, row, field, text);
            }
        }
    }
    let t = Table::Capabilities;
    let mut seen = HashMap::new();
    for (row, cap) in network.capabilities.iter().enumerate() {
        let site = check.reference(&index.sites, Table::Sites, t, row, "site", &cap.site);
        check.id(t, row, "process", &cap.process);
        check.amount(t, row, "hours_per_week", cap.hours_per_week);
        if let Some(site) = site {
            check.unique(&mut seen, (site, cap.process.as_str()), t, row, "process", || {
                format!("site {:?} lists process {:?} twice", cap.site, cap.process)
            });
        }
    }
    let t = Table::Items;
    for (row, item) in network.items.iter().enumerate() {
        check.text(t, row, "name", &item.name);
        check.text(t, row, "unit", &item.unit);
        check.amount(t, row, "unit_value", item.unit_value);
    }
    let t = Table::Bom;
    let mut seen = HashMap::new();
    for (row, line) in network.bom.iter().enumerate() {
        let parent = check.reference(&index.items, Table::Items, t, row, "parent", &line.parent);
        let component =
            check.reference(&index.items, Table::Items, t, row, "component", &line.component);
        check.positive(t, row, "quantity", line.quantity);
        if let (Some(parent), Some(component)) = (parent, component) {
            check.unique(&mut seen, (parent, component), t, row, "component", || {
                format!("item {:?} lists component {:?} twice", line.parent, line.component)
            });
        }
    }
    let t = Table::Routings;
    let mut seen = HashMap::new();
    for (row, routing) in network.routings.iter().enumerate() {
        let item = check.reference(&index.items, Table::Items, t, row, "item", &routing.item);
        check.id(t, row, "process", &routing.process);
        check.amount(t, row, "hours_per_unit", routing.hours_per_unit);
        if let Some(item) = item {
            check.unique(&mut seen, (item, routing.process.as_str()), t, row, "process", || {
                format!("item {:?} lists process {:?} twice", routing.item, routing.process)
            });
        }
    }
    check_flows(check, network, index);
}

fn check_sites(check: &mut Checker, network: &Network, index: &Index<'_>) {
    let t = Table::Sites;
    for (row, site) in network.sites.iter().enumerate() {
        check.reference(
            &index.orgs,
            Table::Organizations,
            t,
            row,
            "organization",
            &site.organization,
        );
        check.text(t, row, "name", &site.name);
        if let Some(city) = &site.city {
            check.free_text(t, row, "city", city);
        }
        // A state outside the US is free text (a US one is a code, checked below).
        if let (Some(state), false) = (&site.state, site.country.as_deref() == Some("US")) {
            check.free_text(t, row, "state", state);
        }
        match (site.latitude, site.longitude) {
            (Some(lat), Some(lon)) => {
                if !(-90.0..=90.0).contains(&lat) {
                    check.error(t, row, "latitude", format!("must be within -90..=90, got {lat}"));
                }
                if !(-180.0..=180.0).contains(&lon) {
                    let message = format!("must be within -180..=180, got {lon}");
                    check.error(t, row, "longitude", message);
                }
            }
            (None, None) => {}
            (Some(_), None) => {
                check.error(t, row, "longitude", "missing; latitude is given".into())
            }
            (None, Some(_)) => {
                check.error(t, row, "latitude", "missing; longitude is given".into())
            }
        }
        if let Some(country) = &site.country
            && (country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()))
        {
            let message = format!("{country:?} is not an ISO 3166-1 alpha-2 code like US");
            check.error(t, row, "country", message);
        }
        if let (Some("US"), Some(state)) = (site.country.as_deref(), &site.state)
            && !US_STATES.contains(&state.as_str())
        {
            let message = format!("{state:?} is not a USPS state code like OH");
            check.error(t, row, "state", message);
        }
        for code in &site.naics {
            if !(2..=6).contains(&code.len()) || !code.bytes().all(|b| b.is_ascii_digit()) {
                let message = format!("{code:?} is not a NAICS code (2 to 6 digits)");
                check.error(t, row, "naics", message);
            }
        }
        for cert in &site.certifications {
            check.text(t, row, "certifications", cert);
        }
        check.weeks(t, row, "ttr_weeks", site.ttr_weeks);
    }
}

/// Sources, links, inventory and demand: who makes, moves, holds and needs what.
fn check_flows(check: &mut Checker, network: &Network, index: &Index<'_>) {
    let t = Table::Sources;
    let mut seen = HashMap::new();
    for (row, source) in network.sources.iter().enumerate() {
        let site = check.reference(&index.sites, Table::Sites, t, row, "site", &source.site);
        let item = check.reference(&index.items, Table::Items, t, row, "item", &source.item);
        check.amount(t, row, "max_units_per_week", source.max_units_per_week);
        check.weeks(t, row, "lead_time_weeks", source.lead_time_weeks);
        check.amount(t, row, "unit_cost", source.unit_cost);
        if let (Some(site), Some(item)) = (site, item) {
            check.unique(&mut seen, (site, item), t, row, "item", || {
                format!("site {:?} is listed twice as a source of {:?}", source.site, source.item)
            });
        }
    }
    let t = Table::Links;
    let mut seen = HashMap::new();
    for (row, link) in network.links.iter().enumerate() {
        let supplier =
            check.reference(&index.sites, Table::Sites, t, row, "supplier", &link.supplier);
        let customer =
            check.reference(&index.sites, Table::Sites, t, row, "customer", &link.customer);
        let item = check.reference(&index.items, Table::Items, t, row, "item", &link.item);
        check.amount(t, row, "units_per_week", link.units_per_week);
        if let Some(lead) = link.lead_time_weeks {
            check.weeks(t, row, "lead_time_weeks", lead);
        }
        if supplier.is_some() && supplier == customer {
            check.error(t, row, "customer", format!("site {:?} supplies itself", link.supplier));
        }
        if let (Some(supplier), Some(customer), Some(item)) = (supplier, customer, item) {
            check.unique(&mut seen, (supplier, customer, item), t, row, "item", || {
                format!(
                    "link {:?} -> {:?} for {:?} is listed twice",
                    link.supplier, link.customer, link.item
                )
            });
        }
    }
    let t = Table::Inventory;
    let mut seen = HashMap::new();
    for (row, stock) in network.inventory.iter().enumerate() {
        let site = check.reference(&index.sites, Table::Sites, t, row, "site", &stock.site);
        let item = check.reference(&index.items, Table::Items, t, row, "item", &stock.item);
        check.amount(t, row, "units", stock.units);
        if let (Some(site), Some(item)) = (site, item) {
            check.unique(&mut seen, (site, item), t, row, "item", || {
                format!("inventory of {:?} at {:?} is listed twice", stock.item, stock.site)
            });
        }
    }
    let t = Table::Demand;
    let mut seen = HashMap::new();
    for (row, demand) in network.demand.iter().enumerate() {
        let item = check.reference(&index.items, Table::Items, t, row, "item", &demand.item);
        let site = match &demand.site {
            Some(id) => check.reference(&index.sites, Table::Sites, t, row, "site", id).map(Some),
            None => Some(None),
        };
        check.amount(t, row, "units_per_week", demand.units_per_week);
        if let (Some(item), Some(site)) = (item, site) {
            check.unique(&mut seen, (item, site), t, row, "site", || {
                format!("demand for {:?} at this site is listed twice", demand.item)
            });
        }
    }
}

/// Warnings about data that is legal but cannot work as the user probably means it.
pub(super) fn check_coverage(check: &mut Checker, network: &Network, index: &Index<'_>) {
    let made: HashSet<&str> = network.sources.iter().map(|s| s.item.as_str()).collect();
    let mut warned = HashSet::new();
    for (row, line) in network.bom.iter().enumerate() {
        let known = index.items.contains_key(line.component.as_str());
        if known && !made.contains(line.component.as_str()) && warned.insert(&line.component) {
            let message = format!(
                "no site is qualified to make {:?}, which {:?} needs",
                line.component, line.parent
            );
            check.warning(Table::Bom, row, "component", message);
        }
    }
    for (row, demand) in network.demand.iter().enumerate() {
        let known = index.items.contains_key(demand.item.as_str());
        if known && !made.contains(demand.item.as_str()) && warned.insert(&demand.item) {
            let message =
                format!("no site is qualified to make {:?}, which is demanded", demand.item);
            check.warning(Table::Demand, row, "item", message);
        }
    }
    let sourced: HashSet<(&str, &str)> =
        network.sources.iter().map(|s| (s.site.as_str(), s.item.as_str())).collect();
    let held: HashSet<(&str, &str)> = network
        .inventory
        .iter()
        .map(|i| (i.site.as_str(), i.item.as_str()))
        .chain(network.links.iter().map(|l| (l.customer.as_str(), l.item.as_str())))
        .collect();
    for (row, link) in network.links.iter().enumerate() {
        let key = (link.supplier.as_str(), link.item.as_str());
        if !sourced.contains(&key) && !held.contains(&key) {
            let message = format!(
                "site {:?} ships {:?} but neither makes it, holds it nor receives it",
                link.supplier, link.item
            );
            check.warning(Table::Links, row, "supplier", message);
        }
    }
    let capable: HashSet<(&str, &str)> =
        network.capabilities.iter().map(|c| (c.site.as_str(), c.process.as_str())).collect();
    let mut routings: HashMap<&str, Vec<&str>> = HashMap::new();
    for routing in &network.routings {
        routings.entry(routing.item.as_str()).or_default().push(routing.process.as_str());
    }
    for (row, source) in network.sources.iter().enumerate() {
        let processes = routings.get(source.item.as_str()).map_or(&[][..], Vec::as_slice);
        for process in processes {
            if !capable.contains(&(source.site.as_str(), process)) {
                let message = format!(
                    "site {:?} makes {:?} but has no capability for its process {process:?}",
                    source.site, source.item
                );
                check.warning(Table::Sources, row, "site", message);
            }
        }
    }
}
