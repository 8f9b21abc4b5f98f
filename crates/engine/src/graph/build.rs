//! Builds a `Graph` from a `model::Network`: interns ids to dense indices and groups every
//! relation into flat arrays.
//!
//! Resolving text ids is most of the work at national scale, so each table's references are
//! resolved in parallel (order is kept, so the result does not depend on the thread count), and
//! within each run of rows a thread takes, each column first compares its id with the one it
//! looked up last.

use model::{Network, Table};
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::{
    BomEdge, Csr, DemandNode, Graph, ItemNode, LinkEdge, Name, ProcessHours, SiteNode, SourceEdge,
    Stock, by_id,
};

/// Why a network cannot become a graph; `model::validate` reports these first, with locations.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum Error {
    #[error("{table} row {row}: unknown id {id:?} in {field}")]
    UnknownId { table: Table, row: usize, field: &'static str, id: String },
    #[error("bill of materials has a cycle through item {item:?}")]
    BomCycle { item: String },
}

/// Indices by id. Ids of up to 15 bytes (generated ids and most real ones) are kept packed into
/// one number, so looking one up compares numbers instead of following a pointer to the text.
#[derive(Default)]
struct Index<'a> {
    short: FxHashMap<u128, u32>,
    long: FxHashMap<&'a str, u32>,
}

impl<'a> Index<'a> {
    /// Gives `id` the index `i` unless it already has one.
    fn insert_first(&mut self, id: &'a str, i: u32) {
        match packed(id) {
            Some(key) => self.short.entry(key).or_insert(i),
            None => self.long.entry(id).or_insert(i),
        };
    }

    fn get(&self, id: &str) -> Option<u32> {
        match packed(id) {
            Some(key) => self.short.get(&key),
            None => self.long.get(id),
        }
        .copied()
    }
}

/// An id of up to 15 bytes as one number: its bytes, then its length in the last byte.
fn packed(id: &str) -> Option<u128> {
    let bytes = id.as_bytes();
    let mut key = [0u8; 16];
    key.get_mut(..bytes.len())?.copy_from_slice(bytes);
    key[15] = u8::try_from(bytes.len()).ok().filter(|&n| n < 16)?;
    Some(u128::from_le_bytes(key))
}

impl Graph {
    /// Builds the graph of a network that `model::validate` found free of errors.
    pub fn build(network: &Network) -> Result<Graph, Error> {
        let (sites_ix, (orgs, items_ix)) = rayon::join(
            || index(network.sites.iter().map(|s| s.id.as_str())),
            || {
                rayon::join(
                    || index(network.organizations.iter().map(|o| o.id.as_str())),
                    || index(network.items.iter().map(|i| i.id.as_str())),
                )
            },
        );
        let n_sites = network.sites.len();
        let n_items = network.items.len();
        let mut states = Interner::default();
        let mut countries = Interner::default();
        let mut processes = Interner::default();

        let site_orgs = resolve(Table::Sites, &network.sites, |s, [org, ..]| {
            lookup(&orgs, org, "organization", &s.organization)
        })?;
        let sites = network
            .sites
            .iter()
            .zip(site_orgs)
            .map(|(site, org)| SiteNode {
                org,
                kind: site.kind,
                latitude: site.latitude,
                longitude: site.longitude,
                state: site.state.as_deref().map(|s| states.intern(s)),
                country: site.country.as_deref().map(|c| countries.intern(c)),
                ttr_weeks: site.ttr_weeks,
            })
            .collect();
        let items = network
            .items
            .iter()
            .map(|i| ItemNode { kind: i.kind, unit_value: i.unit_value })
            .collect();

        let bom = resolve(Table::Bom, &network.bom, |line, [parent, component, _]| {
            Ok((
                lookup(&items_ix, parent, "parent", &line.parent)?,
                lookup(&items_ix, component, "component", &line.component)?,
            ))
        })?;
        let components = network.bom.iter().zip(&bom).map(|(line, &(parent, component))| {
            (parent, BomEdge { item: component, quantity: line.quantity })
        });
        let components = Csr::from_pairs(n_items, components.collect());
        let used_in = network.bom.iter().zip(&bom).map(|(line, &(parent, component))| {
            (component, BomEdge { item: parent, quantity: line.quantity })
        });

        let sources = resolve(Table::Sources, &network.sources, |s, [site, item, _]| {
            Ok((
                lookup(&sites_ix, site, "site", &s.site)?,
                lookup(&items_ix, item, "item", &s.item)?,
            ))
        })?;
        let makes = sources.iter().map(|&(site, item)| (site, item)).collect();
        let sources = network.sources.iter().zip(sources).map(|(s, (site, item))| {
            let edge = SourceEdge {
                site,
                max_units_per_week: s.max_units_per_week,
                lead_time_weeks: s.lead_time_weeks,
                unit_cost: s.unit_cost,
            };
            (item, edge)
        });

        let links = resolve(Table::Links, &network.links, |l, [supplier, customer, item]| {
            Ok((
                lookup(&sites_ix, supplier, "supplier", &l.supplier)?,
                lookup(&sites_ix, customer, "customer", &l.customer)?,
                lookup(&items_ix, item, "item", &l.item)?,
            ))
        })?;
        let edge = |l: &model::Link, other: u32, item: u32| LinkEdge {
            site: other,
            item,
            units_per_week: l.units_per_week,
            lead_time_weeks: l.lead_time_weeks,
        };
        let links_out = network.links.iter().zip(&links).map(|(l, &(s, c, i))| (s, edge(l, c, i)));
        let links_in = network.links.iter().zip(&links).map(|(l, &(s, c, i))| (c, edge(l, s, i)));

        let capability_sites =
            resolve(Table::Capabilities, &network.capabilities, |c, [site, ..]| {
                lookup(&sites_ix, site, "site", &c.site)
            })?;
        let capabilities = network.capabilities.iter().zip(capability_sites).map(|(c, site)| {
            (site, ProcessHours { process: processes.intern(&c.process), hours: c.hours_per_week })
        });
        let capabilities = Csr::from_pairs(n_sites, capabilities.collect());
        let routing_items = resolve(Table::Routings, &network.routings, |r, [item, ..]| {
            lookup(&items_ix, item, "item", &r.item)
        })?;
        let routings = network.routings.iter().zip(routing_items).map(|(r, item)| {
            (item, ProcessHours { process: processes.intern(&r.process), hours: r.hours_per_unit })
        });
        let routings = Csr::from_pairs(n_items, routings.collect());
        let inventory = resolve(Table::Inventory, &network.inventory, |s, [site, item, _]| {
            Ok((
                lookup(&sites_ix, site, "site", &s.site)?,
                lookup(&items_ix, item, "item", &s.item)?,
            ))
        })?;
        let inventory = network
            .inventory
            .iter()
            .zip(inventory)
            .map(|(s, (site, item))| (site, Stock { item, units: s.units }));
        let demand = resolve(Table::Demand, &network.demand, |d, [item, site, _]| {
            Ok(DemandNode {
                item: lookup(&items_ix, item, "item", &d.item)?,
                site: d.site.as_deref().map(|s| lookup(&sites_ix, site, "site", s)).transpose()?,
                units_per_week: d.units_per_week,
            })
        })?;

        let topo_order = topological_order(&components)
            .map_err(|item| Error::BomCycle { item: network.items[item as usize].id.clone() })?;
        let site_ids: Vec<Name> = network.sites.iter().map(|s| s.id.as_str().into()).collect();
        let item_ids: Vec<Name> = network.items.iter().map(|i| i.id.as_str().into()).collect();
        // The rest are apart from each other: built side by side (the links are most of it).
        let links = || {
            rayon::join(
                || Csr::from_pairs(n_sites, links_out.collect()),
                || Csr::from_pairs(n_sites, links_in.collect()),
            )
        };
        let others = || {
            let org_ids: Vec<Name> =
                network.organizations.iter().map(|o| o.id.as_str().into()).collect();
            let used_in = Csr::from_pairs(n_items, used_in.collect());
            let sources = Csr::from_pairs(n_items, sources.collect());
            let makes = Csr::from_pairs(n_sites, makes);
            let inventory = Csr::from_pairs(n_sites, inventory.collect());
            (org_ids, used_in, sources, makes, inventory)
        };
        let indices = || rayon::join(|| by_id(&site_ids), || by_id(&item_ids));
        let ((links_out, links_in), ((site_index, item_index), others)) =
            rayon::join(links, || rayon::join(indices, others));
        let (org_ids, used_in, sources, makes, inventory) = others;
        Ok(Graph {
            org_ids,
            site_index,
            item_index,
            site_ids,
            item_ids,
            processes: processes.names,
            states: states.names,
            countries: countries.names,
            sites,
            items,
            components,
            used_in,
            sources,
            makes,
            links_out,
            links_in,
            capabilities,
            routings,
            inventory,
            demand,
            topo_order,
        })
    }
}

fn index<'a>(ids: impl Iterator<Item = &'a str>) -> Index<'a> {
    let mut index = Index::default();
    for (i, id) in ids.enumerate() {
        index.insert_first(id, i as u32);
    }
    index
}

/// An unknown id, before it is told which table and row it is in.
struct Unknown {
    field: &'static str,
    id: String,
}

/// Per column of a table (at most three), the id it looked up last and that id's index (one for
/// each run of consecutive rows a thread resolves).
type Last<'r> = [Option<(&'r str, u32)>; 3];

/// Looks `id` up, first comparing it with the id its column looked up last (`last`): rows often
/// come grouped by an id (a supplier's links, a parent's lines), and comparing two short texts
/// costs less than a hash table's cache miss.
fn lookup<'r>(
    index: &Index<'_>,
    last: &mut Option<(&'r str, u32)>,
    field: &'static str,
    id: &'r str,
) -> Result<u32, Unknown> {
    if let Some((seen, i)) = *last
        && seen == id
    {
        return Ok(i);
    }
    let i = index.get(id).ok_or_else(|| Unknown { field, id: id.to_owned() })?;
    *last = Some((id, i));
    Ok(i)
}

/// Resolves the references of every row of a table in parallel, keeping row order; on unknown
/// ids, reports the first row that has one.
fn resolve<'r, T: Sync, R: Send>(
    table: Table,
    rows: &'r [T],
    resolve_row: impl Fn(&'r T, &mut Last<'r>) -> Result<R, Unknown> + Sync,
) -> Result<Vec<R>, Error> {
    let resolved: Vec<Result<R, Unknown>> =
        rows.par_iter().map_init(|| [None; 3], |last, row| resolve_row(row, last)).collect();
    let mut out = Vec::with_capacity(resolved.len());
    for (row, result) in resolved.into_iter().enumerate() {
        match result {
            Ok(value) => out.push(value),
            Err(Unknown { field, id }) => return Err(Error::UnknownId { table, row, field, id }),
        }
    }
    Ok(out)
}

/// Kahn's algorithm over parent -> component edges; on a cycle, returns an item on it.
fn topological_order(components: &Csr<BomEdge>) -> Result<Vec<u32>, u32> {
    let n = components.n_rows();
    let mut n_parents = vec![0u32; n];
    for edge in components.entries() {
        n_parents[edge.item as usize] += 1;
    }
    let mut order: Vec<u32> = (0..n as u32).filter(|&i| n_parents[i as usize] == 0).collect();
    let mut next = 0;
    while next < order.len() {
        let item = order[next];
        next += 1;
        for edge in components.row(item) {
            let count = &mut n_parents[edge.item as usize];
            *count -= 1;
            if *count == 0 {
                order.push(edge.item);
            }
        }
    }
    match n_parents.iter().position(|&count| count > 0) {
        Some(item) => Err(item as u32),
        None => Ok(order),
    }
}

#[derive(Default)]
struct Interner {
    names: Vec<super::Name>,
    index: FxHashMap<String, u32>,
}

impl Interner {
    fn intern(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        let i = self.names.len() as u32;
        self.index.insert(name.to_owned(), i);
        self.names.push(name.into());
        i
    }
}
