//! One organization's records: what it owns in the network, read as a JSON network document and
//! replaced by one, so a member keeps its own data current (docs/security.md).
//!
//! An organization owns its own record, its sites, what is at them (capabilities, sources,
//! inventory, demand at a site) and the links its sites ship on. Items, bills of materials,
//! routings and demand not at a site are shared by every organization: only an import changes
//! them. A write is checked whole against the rest of the network before anything is written,
//! and is written in one transaction only if no other write came since the network it was
//! checked against (`store::Store::replace_organization`).

use std::collections::HashSet;

use model::{Diagnostic, Network, Severity, Table};
use store::ImportRecord;

use crate::interchange::{self, Finding, FindingSeverity};
use crate::{Config, Error};

/// The records `organization` owns, in network order.
pub fn part(network: &Network, organization: &str) -> Network {
    split(network, organization, true).0
}

/// What a write did.
#[derive(Debug)]
pub struct Written {
    /// The records the organization now has.
    pub records: usize,
    /// The import this write was recorded as.
    pub import: ImportRecord,
    /// Warnings about the document's records.
    pub warnings: Vec<Finding>,
}

/// Replaces the records `organization` owns in `base` (the stored network as of import
/// `based_on`) with those of the JSON network document `text`, reported as `source`. Returns
/// what was written and the network as it now is. Every problem is located in the document and
/// nothing is written when there is one; a write that another came before fails with
/// `Error::Conflict`. Whether the caller may write for `organization` is the caller's check.
pub fn replace(
    config: &Config,
    base: &Network,
    based_on: i64,
    organization: &str,
    text: &str,
    source: &str,
) -> Result<(Written, Network), Error> {
    let document = interchange::parse_json_part(text, source, &[Table::Sites]);
    let mut findings = document.findings.clone();
    let part = &document.network;
    let network = if findings.iter().all(|f| !f.is_error()) {
        let not_its_own = ownership(part, base, organization);
        let refused: HashSet<(Table, usize)> =
            not_its_own.iter().map(|d| (d.table, d.row)).collect();
        findings.extend(document.locate(&not_its_own));
        let (_, mut network) = split(base, organization, !part.organizations.is_empty());
        let offsets = Offsets::of(&network);
        append(&mut network, part);
        let (mut own, others) = offsets.sort(model::validate(&network));
        // A record already refused as not the organization's says so once.
        own.retain(|d| !refused.contains(&(d.table, d.row)));
        findings.extend(document.locate(&own));
        findings.extend(others.into_iter().map(|d| {
            Finding {
                severity: FindingSeverity::Error,
                location: format!("{source}: $.sites"),
                field: None,
                message: format!(
                    "a record of another organization (in {}, field {}) would no longer hold: {}; keep what it refers to, or ask an operator",
                    d.table, d.field, d.message
                ),
            }
        }));
        Some(network)
    } else {
        None
    };
    findings.sort_by_key(|f| !f.is_error());
    let n_errors = findings.iter().filter(|f| f.is_error()).count();
    let Some(network) = network.filter(|_| n_errors == 0) else {
        let message = format!("{source} is invalid: {n_errors} error(s); nothing was written");
        return Err(Error::Invalid { message, findings });
    };
    let mut store = config.open_store()?;
    let import = store
        .replace_organization(organization, part, based_on, network.n_records() as u64, source)
        .map_err(|e| match e {
            store::Error::Stale(reason) => Error::Conflict(format!(
                "{reason}: another write came first; read the records again and retry"
            )),
            other => other.into(),
        })?;
    let written = Written { records: part.n_records(), import, warnings: findings };
    Ok((written, network))
}

/// The records of a write that are not the organization's to write, by table and row of the
/// document.
fn ownership(part: &Network, base: &Network, organization: &str) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let mut error = |table, row, field, message: String| {
        found.push(Diagnostic {
            severity: Severity::Error,
            table,
            row,
            field,
            message,
            related_row: None,
        });
    };
    for (row, o) in part.organizations.iter().enumerate() {
        if o.id != organization {
            let message = format!(
                "is not {organization:?}: a write holds only the record of the organization it is for"
            );
            error(Table::Organizations, row, "id", message);
        }
    }
    let shared = [
        (Table::Items, part.items.len(), "id"),
        (Table::Bom, part.bom.len(), "parent"),
        (Table::Routings, part.routings.len(), "item"),
    ];
    for (table, rows, field) in shared {
        if rows > 0 {
            let message =
                format!("{table} are shared by every organization; only an import changes them");
            error(table, 0, field, message);
        }
    }
    for (row, site) in part.sites.iter().enumerate() {
        if site.organization != organization {
            let message =
                format!("is not {organization:?}: a write holds only that organization's sites");
            error(Table::Sites, row, "organization", message);
        }
    }
    let sites: HashSet<&str> = part.sites.iter().map(|s| s.id.as_str()).collect();
    let others: HashSet<&str> = base
        .sites
        .iter()
        .filter(|s| s.organization != organization)
        .map(|s| s.id.as_str())
        .collect();
    let mut at_its_site = |table, row, field, site: Option<&str>| {
        let message = match site {
            None => {
                "demand not at a site is shared by every organization; only an import changes it"
                    .to_owned()
            }
            Some(site) if sites.contains(site) => return,
            Some(site) if others.contains(site) => {
                format!("site {site:?} belongs to another organization")
            }
            Some(site) => format!("site {site:?} is not one of the document's sites"),
        };
        error(table, row, field, message);
    };
    for (row, c) in part.capabilities.iter().enumerate() {
        at_its_site(Table::Capabilities, row, "site", Some(&c.site));
    }
    for (row, s) in part.sources.iter().enumerate() {
        at_its_site(Table::Sources, row, "site", Some(&s.site));
    }
    for (row, l) in part.links.iter().enumerate() {
        at_its_site(Table::Links, row, "supplier", Some(&l.supplier));
    }
    for (row, i) in part.inventory.iter().enumerate() {
        at_its_site(Table::Inventory, row, "site", Some(&i.site));
    }
    for (row, d) in part.demand.iter().enumerate() {
        at_its_site(Table::Demand, row, "site", d.site.as_deref());
    }
    found
}

/// The records `organization` owns and the rest, each in network order; its own record goes
/// with the rest unless `with_record`.
fn split(network: &Network, organization: &str, with_record: bool) -> (Network, Network) {
    let sites: HashSet<&str> = network
        .sites
        .iter()
        .filter(|s| s.organization == organization)
        .map(|s| s.id.as_str())
        .collect();
    let at = |site: &str| sites.contains(site);
    fn divide<T: Clone>(rows: &[T], owned: impl Fn(&T) -> bool) -> (Vec<T>, Vec<T>) {
        rows.iter().cloned().partition(owned)
    }
    let (organizations, rest_organizations) =
        divide(&network.organizations, |o| with_record && o.id == organization);
    let (sites_owned, rest_sites) = divide(&network.sites, |s| s.organization == organization);
    let (capabilities, rest_capabilities) = divide(&network.capabilities, |c| at(&c.site));
    let (sources, rest_sources) = divide(&network.sources, |s| at(&s.site));
    let (links, rest_links) = divide(&network.links, |l| at(&l.supplier));
    let (inventory, rest_inventory) = divide(&network.inventory, |i| at(&i.site));
    let (demand, rest_demand) = divide(&network.demand, |d| d.site.as_deref().is_some_and(at));
    let owned = Network {
        organizations,
        sites: sites_owned,
        capabilities,
        sources,
        links,
        inventory,
        demand,
        ..Network::default()
    };
    let rest = Network {
        organizations: rest_organizations,
        sites: rest_sites,
        capabilities: rest_capabilities,
        items: network.items.clone(),
        bom: network.bom.clone(),
        routings: network.routings.clone(),
        sources: rest_sources,
        links: rest_links,
        inventory: rest_inventory,
        demand: rest_demand,
    };
    (owned, rest)
}

/// Appends `part`'s records after `network`'s, table by table, as the store does.
fn append(network: &mut Network, part: &Network) {
    network.organizations.extend(part.organizations.iter().cloned());
    network.sites.extend(part.sites.iter().cloned());
    network.capabilities.extend(part.capabilities.iter().cloned());
    network.sources.extend(part.sources.iter().cloned());
    network.links.extend(part.links.iter().cloned());
    network.inventory.extend(part.inventory.iter().cloned());
    network.demand.extend(part.demand.iter().cloned());
}

/// Where the document's rows start in each table of the joined network.
struct Offsets(Vec<(Table, usize)>);

impl Offsets {
    fn of(rest: &Network) -> Offsets {
        Offsets(Table::ALL.iter().map(|&t| (t, rest.len_of(t))).collect())
    }

    fn offset(&self, table: Table) -> usize {
        self.0.iter().find(|(t, _)| *t == table).map_or(0, |&(_, n)| n)
    }

    /// The findings about the document's rows, renumbered to the document's rows, and the errors
    /// about other organizations' rows.
    fn sort(&self, diagnostics: Vec<Diagnostic>) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
        let mut own = Vec::new();
        let mut others = Vec::new();
        for mut d in diagnostics {
            let offset = self.offset(d.table);
            if d.row < offset {
                if d.severity == Severity::Error {
                    others.push(d);
                }
                continue;
            }
            d.row -= offset;
            d.related_row = match d.related_row {
                Some(first) if first >= offset => Some(first - offset),
                Some(_) => {
                    d.message.push_str(" (another organization's record has it)");
                    None
                }
                None => None,
            };
            own.push(d);
        }
        (own, others)
    }
}
