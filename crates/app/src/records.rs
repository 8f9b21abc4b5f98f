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
use std::time::Instant;

use model::{Diagnostic, Network, Severity, Table};
use store::ImportRecord;

use crate::interchange::{self, Finding, FindingSeverity};
use crate::{Config, Error};

/// The records `organization` owns, in network order.
pub fn part(network: &Network, organization: &str) -> Network {
    select(network, organization, true, true)
}

/// The records of `organization`, or a not-found error (naming the nearest organization's id
/// when one clearly is) when the network has neither the organization nor sites of it.
pub fn read(network: &Network, organization: &str) -> Result<Network, Error> {
    let part = part(network, organization);
    if part.organizations.is_empty() && part.sites.is_empty() {
        let known = network.organizations.iter().map(|o| o.id.as_str());
        return Err(Error::NotFound(crate::lookup::absent("organization", organization, known)));
    }
    Ok(part)
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
    let started = Instant::now();
    let document = interchange::parse_json_part(text, source, &[Table::Sites]);
    let mut findings = document.findings.clone();
    let part = &document.network;
    if findings.iter().all(|f| !f.is_error()) {
        let checked = check(part, base, organization);
        findings.extend(document.locate(&checked.own));
        findings.extend(checked.left_out.iter().map(|site| Finding {
            severity: FindingSeverity::Error,
            location: format!("{source}: $.sites"),
            field: Some("id".into()),
            message: format!(
                "site {site:?} is left out, but another organization's links deliver to it; keep it, or ask an operator"
            ),
        }));
    }
    findings.sort_by_key(|f| !f.is_error());
    let n_errors = findings.iter().filter(|f| f.is_error()).count();
    if n_errors > 0 {
        let errors = model::counted(n_errors, "error");
        let message = format!("{source} is invalid: {errors}; nothing was written");
        return Err(Error::Invalid { message, findings });
    }
    tracing::info!(seconds = started.elapsed().as_secs_f64(), "checked an organization's records");
    let started = Instant::now();
    let mut network = select(base, organization, !part.organizations.is_empty(), false);
    append(&mut network, part);
    tracing::info!(seconds = started.elapsed().as_secs_f64(), "joined them to the network");
    let started = Instant::now();
    let mut store = config.open_store()?;
    let import = store
        .replace_organization(organization, part, based_on, network.n_records() as u64, source)
        .map_err(|e| match e {
            store::Error::Stale(reason) => Error::Conflict(format!(
                "{reason}: another write came first; read the records again and retry"
            )),
            other => other.into(),
        })?;
    tracing::info!(seconds = started.elapsed().as_secs_f64(), "wrote an organization's records");
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
            refers_to: None,
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

/// The ids of the sites of `organization`.
fn sites_of<'a>(network: &'a Network, organization: &str) -> HashSet<&'a str> {
    network.sites.iter().filter(|s| s.organization == organization).map(|s| s.id.as_str()).collect()
}

/// The records `organization` owns (`owned`), or the rest (`!owned`), in network order; its own
/// record counts as owned only `with_record`.
fn select(network: &Network, organization: &str, with_record: bool, owned: bool) -> Network {
    let sites = sites_of(network, organization);
    let at = |site: &str| sites.contains(site);
    fn keep<T: Clone>(rows: &[T], owned: bool, owns: impl Fn(&T) -> bool) -> Vec<T> {
        rows.iter().filter(|r| owns(r) == owned).cloned().collect()
    }
    // Shared tables belong to the rest.
    fn shared<T: Clone>(rows: &[T], owned: bool) -> Vec<T> {
        if owned { Vec::new() } else { rows.to_vec() }
    }
    Network {
        organizations: keep(&network.organizations, owned, |o| with_record && o.id == organization),
        sites: keep(&network.sites, owned, |s| s.organization == organization),
        capabilities: keep(&network.capabilities, owned, |c| at(&c.site)),
        items: shared(&network.items, owned),
        bom: shared(&network.bom, owned),
        routings: shared(&network.routings, owned),
        sources: keep(&network.sources, owned, |x| at(&x.site)),
        links: keep(&network.links, owned, |l| at(&l.supplier)),
        inventory: keep(&network.inventory, owned, |i| at(&i.site)),
        demand: keep(&network.demand, owned, |d| d.site.as_deref().is_some_and(at)),
    }
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

/// What is wrong with an organization's write.
#[derive(Clone, Debug, Default, PartialEq)]
struct Checked {
    /// About the document's records, by table and row of the document: records that are not
    /// the organization's, and what `model::validate` finds with the write in place.
    own: Vec<Diagnostic>,
    /// Sites the write leaves out that other organizations' links deliver to.
    left_out: Vec<String>,
}

/// Checks an organization's write (`part`) against the network it replaces records of.
///
/// `model::validate` runs over the document's records after what of the rest of the network
/// they can meet, in the network's order, as in the whole network with the write in place; not
/// over the whole network. What they can meet: records of other organizations' sites that have
/// a document site's id (a taken id), the links into the document's sites and those links' sites,
/// the sites its links reach, one source elsewhere of each item it demands and the first other
/// demand for it, the BOM lines of those items, the routings of what it makes, and the
/// organizations and items all these refer to. The rest was valid before the write and cannot
/// change with it except through what the document leaves out (sites others deliver to), which
/// is checked directly. The tests compare this with validating the whole network.
fn check(part: &Network, base: &Network, organization: &str) -> Checked {
    let not_its_own = ownership(part, base, organization);
    let refused: HashSet<(Table, usize)> = not_its_own.iter().map(|d| (d.table, d.row)).collect();
    let was_mine = sites_of(base, organization);
    let mine: HashSet<&str> = part.sites.iter().map(|s| s.id.as_str()).collect();
    let theirs = |site: &str| !was_mine.contains(site);
    // Sites of others with a document site's id, and what is at them.
    let taken: HashSet<&str> = base
        .sites
        .iter()
        .filter(|s| theirs(&s.id) && mine.contains(s.id.as_str()))
        .map(|s| s.id.as_str())
        .collect();
    let at_taken = |site: &str| taken.contains(site);
    let demanded: HashSet<&str> = part.demand.iter().map(|d| d.item.as_str()).collect();
    let mut context = Network::default();
    let mut sites: HashSet<&str> = taken.clone();
    sites.extend(part.links.iter().map(|l| l.customer.as_str()));
    // Links of other organizations: into the document's sites or from taken ones (context), or
    // into sites the document leaves out.
    let mut left_out = Vec::new();
    for link in base.links.iter().filter(|l| theirs(&l.supplier)) {
        let (from, to) = (link.supplier.as_str(), link.customer.as_str());
        if mine.contains(to) || at_taken(from) {
            sites.extend([from, to]);
            context.links.push(link.clone());
        }
        if was_mine.contains(to) && !mine.contains(to) {
            left_out.push(link.customer.clone());
        }
    }
    left_out.sort();
    left_out.dedup();
    let mut made_elsewhere = HashSet::new();
    for source in &base.sources {
        let (site, item) = (source.site.as_str(), source.item.as_str());
        let first_maker = demanded.contains(item) && theirs(site) && made_elsewhere.insert(item);
        if first_maker || at_taken(site) {
            sites.insert(site);
            context.sources.push(source.clone());
        }
    }
    let mut demand_elsewhere = HashSet::new();
    for demand in &base.demand {
        let site = demand.site.as_deref();
        let item = demand.item.as_str();
        let first =
            demanded.contains(item) && site.is_none_or(theirs) && demand_elsewhere.insert(item);
        if first || site.is_some_and(at_taken) {
            context.demand.push(demand.clone());
        }
    }
    context.capabilities =
        base.capabilities.iter().filter(|c| at_taken(&c.site)).cloned().collect();
    context.inventory = base.inventory.iter().filter(|i| at_taken(&i.site)).cloned().collect();
    context.sites = base
        .sites
        .iter()
        .filter(|s| theirs(&s.id) && sites.contains(s.id.as_str()))
        .cloned()
        .collect();
    context.bom =
        base.bom.iter().filter(|b| demanded.contains(b.component.as_str())).cloned().collect();
    let made: HashSet<&str> = part.sources.iter().map(|s| s.item.as_str()).collect();
    context.routings =
        base.routings.iter().filter(|r| made.contains(r.item.as_str())).cloned().collect();
    let items: HashSet<&str> = [&context, part]
        .into_iter()
        .flat_map(|n| {
            (n.sources.iter().map(|s| s.item.as_str()))
                .chain(n.links.iter().map(|l| l.item.as_str()))
                .chain(n.inventory.iter().map(|i| i.item.as_str()))
                .chain(n.demand.iter().map(|d| d.item.as_str()))
                .chain(n.bom.iter().flat_map(|b| [b.parent.as_str(), b.component.as_str()]))
                .chain(n.routings.iter().map(|r| r.item.as_str()))
        })
        .collect();
    context.items = base.items.iter().filter(|i| items.contains(i.id.as_str())).cloned().collect();
    let organizations: HashSet<&str> = (context.sites.iter().chain(&part.sites))
        .map(|s| s.organization.as_str())
        .chain([organization])
        .collect();
    let replaced = !part.organizations.is_empty();
    context.organizations = base
        .organizations
        .iter()
        .filter(|o| !(replaced && o.id == organization) && organizations.contains(o.id.as_str()))
        .cloned()
        .collect();

    let mut own = not_its_own;
    own.extend(with_write(context, part, &refused).0);
    Checked { own, left_out }
}

/// `model::validate` over `rest` with `part` appended: what it finds about the document's rows,
/// renumbered to them (a duplicate of a record of `rest` said to be another organization's),
/// leaving out `refused` rows; and the errors about the rows of `rest`.
fn with_write(
    mut rest: Network,
    part: &Network,
    refused: &HashSet<(Table, usize)>,
) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
    let offsets: Vec<(Table, usize)> = Table::ALL.iter().map(|&t| (t, rest.len_of(t))).collect();
    append(&mut rest, part);
    let offset = |table| offsets.iter().find(|(t, _)| *t == table).map_or(0, |&(_, n)| n);
    let (mut own, mut others) = (Vec::new(), Vec::new());
    for mut d in model::validate(&rest) {
        let start = offset(d.table);
        if d.row < start {
            if d.severity == Severity::Error {
                others.push(d);
            }
            continue;
        }
        d.row -= start;
        d.related_row = match d.related_row {
            Some(first) if first >= start => Some(first - start),
            Some(_) => {
                d.message.push_str(TAKEN);
                None
            }
            None => None,
        };
        if !refused.contains(&(d.table, d.row)) {
            own.push(d);
        }
    }
    (own, others)
}

/// Said of a duplicate of another organization's record.
const TAKEN: &str = " (another organization's record has it)";

#[cfg(test)]
mod tests;
