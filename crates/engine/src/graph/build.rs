//! Builds a `Graph` from a `model::Network`: interns ids to dense indices and groups every
//! relation into flat arrays.

use std::collections::HashMap;

use model::{Network, Table};

use super::{
    BomEdge, Csr, DemandNode, Graph, ItemNode, LinkEdge, ProcessHours, SiteNode, SourceEdge, Stock,
};

/// Why a network cannot become a graph; `model::validate` reports these first, with locations.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum Error {
    #[error("{table} row {row}: unknown id {id:?} in {field}")]
    UnknownId { table: Table, row: usize, field: &'static str, id: String },
    #[error("bill of materials has a cycle through item {item:?}")]
    BomCycle { item: String },
}

impl Graph {
    /// Builds the graph of a network that `model::validate` found free of errors.
    pub fn build(network: &Network) -> Result<Graph, Error> {
        let orgs = index(network.organizations.iter().map(|o| o.id.as_str()));
        let site_index = index(network.sites.iter().map(|s| s.id.as_str()));
        let item_index = index(network.items.iter().map(|i| i.id.as_str()));
        let n_sites = network.sites.len();
        let n_items = network.items.len();
        let mut states = Interner::default();
        let mut countries = Interner::default();
        let mut processes = Interner::default();

        let mut sites = Vec::with_capacity(n_sites);
        for (row, site) in network.sites.iter().enumerate() {
            let org = lookup(&orgs, Table::Sites, row, "organization", &site.organization)?;
            sites.push(SiteNode {
                org,
                kind: site.kind,
                latitude: site.latitude,
                longitude: site.longitude,
                state: site.state.as_deref().map(|s| states.intern(s)),
                country: site.country.as_deref().map(|c| countries.intern(c)),
                ttr_weeks: site.ttr_weeks,
            });
        }
        let items = network
            .items
            .iter()
            .map(|i| ItemNode { kind: i.kind, unit_value: i.unit_value })
            .collect();
        let site = |table, row, field, id: &str| lookup(&site_index, table, row, field, id);
        let item = |table, row, field, id: &str| lookup(&item_index, table, row, field, id);

        let mut components = Vec::with_capacity(network.bom.len());
        let mut used_in = Vec::with_capacity(network.bom.len());
        for (row, line) in network.bom.iter().enumerate() {
            let parent = item(Table::Bom, row, "parent", &line.parent)?;
            let component = item(Table::Bom, row, "component", &line.component)?;
            components.push((parent, BomEdge { item: component, quantity: line.quantity }));
            used_in.push((component, BomEdge { item: parent, quantity: line.quantity }));
        }
        let mut sources = Vec::with_capacity(network.sources.len());
        let mut makes = Vec::with_capacity(network.sources.len());
        for (row, source) in network.sources.iter().enumerate() {
            let at = site(Table::Sources, row, "site", &source.site)?;
            let what = item(Table::Sources, row, "item", &source.item)?;
            sources.push((
                what,
                SourceEdge {
                    site: at,
                    max_units_per_week: source.max_units_per_week,
                    lead_time_weeks: source.lead_time_weeks,
                    unit_cost: source.unit_cost,
                },
            ));
            makes.push((at, what));
        }
        let mut links_out = Vec::with_capacity(network.links.len());
        let mut links_in = Vec::with_capacity(network.links.len());
        for (row, link) in network.links.iter().enumerate() {
            let supplier = site(Table::Links, row, "supplier", &link.supplier)?;
            let customer = site(Table::Links, row, "customer", &link.customer)?;
            let what = item(Table::Links, row, "item", &link.item)?;
            let edge = |other| LinkEdge {
                site: other,
                item: what,
                units_per_week: link.units_per_week,
                lead_time_weeks: link.lead_time_weeks,
            };
            links_out.push((supplier, edge(customer)));
            links_in.push((customer, edge(supplier)));
        }
        let mut capabilities = Vec::with_capacity(network.capabilities.len());
        for (row, cap) in network.capabilities.iter().enumerate() {
            let at = site(Table::Capabilities, row, "site", &cap.site)?;
            let process = processes.intern(&cap.process);
            capabilities.push((at, ProcessHours { process, hours: cap.hours_per_week }));
        }
        let mut routings = Vec::with_capacity(network.routings.len());
        for (row, routing) in network.routings.iter().enumerate() {
            let what = item(Table::Routings, row, "item", &routing.item)?;
            let process = processes.intern(&routing.process);
            routings.push((what, ProcessHours { process, hours: routing.hours_per_unit }));
        }
        let mut inventory = Vec::with_capacity(network.inventory.len());
        for (row, stock) in network.inventory.iter().enumerate() {
            let at = site(Table::Inventory, row, "site", &stock.site)?;
            let what = item(Table::Inventory, row, "item", &stock.item)?;
            inventory.push((at, Stock { item: what, units: stock.units }));
        }
        let mut demand = Vec::with_capacity(network.demand.len());
        for (row, d) in network.demand.iter().enumerate() {
            demand.push(DemandNode {
                item: item(Table::Demand, row, "item", &d.item)?,
                site: d.site.as_deref().map(|s| site(Table::Demand, row, "site", s)).transpose()?,
                units_per_week: d.units_per_week,
            });
        }

        let components = Csr::from_pairs(n_items, components);
        let topo_order = topological_order(&components)
            .map_err(|item| Error::BomCycle { item: network.items[item as usize].id.clone() })?;
        Ok(Graph {
            org_ids: network.organizations.iter().map(|o| o.id.clone()).collect(),
            site_ids: network.sites.iter().map(|s| s.id.clone()).collect(),
            item_ids: network.items.iter().map(|i| i.id.clone()).collect(),
            processes: processes.names,
            states: states.names,
            countries: countries.names,
            sites,
            items,
            components,
            used_in: Csr::from_pairs(n_items, used_in),
            sources: Csr::from_pairs(n_items, sources),
            makes: Csr::from_pairs(n_sites, makes),
            links_out: Csr::from_pairs(n_sites, links_out),
            links_in: Csr::from_pairs(n_sites, links_in),
            capabilities: Csr::from_pairs(n_sites, capabilities),
            routings: Csr::from_pairs(n_items, routings),
            inventory: Csr::from_pairs(n_sites, inventory),
            demand,
            topo_order,
        })
    }
}

fn index<'a>(ids: impl Iterator<Item = &'a str>) -> HashMap<&'a str, u32> {
    let mut index = HashMap::new();
    for (i, id) in ids.enumerate() {
        index.entry(id).or_insert(i as u32);
    }
    index
}

fn lookup(
    index: &HashMap<&str, u32>,
    table: Table,
    row: usize,
    field: &'static str,
    id: &str,
) -> Result<u32, Error> {
    index.get(id).copied().ok_or_else(|| Error::UnknownId { table, row, field, id: id.to_owned() })
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
    names: Vec<String>,
    index: HashMap<String, u32>,
}

impl Interner {
    fn intern(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        let i = self.names.len() as u32;
        self.index.insert(name.to_owned(), i);
        self.names.push(name.to_owned());
        i
    }
}
