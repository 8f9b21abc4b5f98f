//! `summarize`: the first look at a network — how many of everything, where the sites are, how
//! deep the bills of materials go, which items have a single source, and capacity by process.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::graph::Graph;

/// How many of the sole-sourced items a summary names.
const MAX_NAMED_SOLE_SOURCED: usize = 10;

/// The counts of every table.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Counts {
    pub organizations: usize,
    pub sites: usize,
    pub capabilities: usize,
    pub items: usize,
    pub bom_lines: usize,
    pub routings: usize,
    pub sources: usize,
    pub links: usize,
    pub inventory: usize,
    pub demand: usize,
}

/// A label and how many things carry it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Tally {
    pub name: String,
    pub count: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProcessCapacity {
    pub process: String,
    pub sites: usize,
    pub hours_per_week: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    pub counts: Counts,
    /// Largest first, then by name.
    pub sites_by_kind: Vec<Tally>,
    pub sites_by_state: Vec<Tally>,
    pub sites_by_country: Vec<Tally>,
    pub items_by_kind: Vec<Tally>,
    /// Items with exactly one qualified source site.
    pub sole_sourced_items: usize,
    /// The first few sole-sourced items, most valuable first.
    pub sole_sourced_examples: Vec<String>,
    /// Items no site is qualified to make.
    pub unsourced_items: usize,
    /// Levels in the deepest bill of materials (an item with no components has depth 1; 0 when
    /// there are no items).
    pub bom_depth: usize,
    /// Capacity by process, largest first.
    pub capacity_by_process: Vec<ProcessCapacity>,
}

/// Summarizes a graph.
pub fn summarize(graph: &Graph) -> Summary {
    let counts = Counts {
        organizations: graph.org_ids.len(),
        sites: graph.n_sites(),
        capabilities: graph.capabilities.entries().len(),
        items: graph.n_items(),
        bom_lines: graph.components.entries().len(),
        routings: graph.routings.entries().len(),
        sources: graph.sources.entries().len(),
        links: graph.n_links(),
        inventory: graph.inventory.entries().len(),
        demand: graph.demand.len(),
    };
    let sites_by_kind = tally(graph.sites.iter().map(|s| s.kind.as_str()));
    let sites_by_state =
        tally(graph.sites.iter().filter_map(|s| s.state).map(|i| &*graph.states[i as usize]));
    let sites_by_country =
        tally(graph.sites.iter().filter_map(|s| s.country).map(|i| &*graph.countries[i as usize]));
    let items_by_kind = tally(graph.items.iter().map(|i| i.kind.as_str()));

    let mut sole: Vec<u32> =
        (0..graph.n_items() as u32).filter(|&i| graph.sources.row(i).len() == 1).collect();
    let unsourced =
        (0..graph.n_items() as u32).filter(|&i| graph.sources.row(i).is_empty()).count();
    let sole_sourced_items = sole.len();
    sole.sort_by(|&a, &b| {
        let value = |i: u32| graph.items[i as usize].unit_value;
        value(b).total_cmp(&value(a)).then(a.cmp(&b))
    });
    let sole_sourced_examples = sole
        .iter()
        .take(MAX_NAMED_SOLE_SOURCED)
        .map(|&i| graph.item_ids[i as usize].to_string())
        .collect();

    let mut capacity: Vec<(usize, f64)> = vec![(0, 0.0); graph.processes.len()];
    for cap in graph.capabilities.entries() {
        let entry = &mut capacity[cap.process as usize];
        entry.0 += 1;
        entry.1 += cap.hours;
    }
    let mut capacity_by_process: Vec<ProcessCapacity> = capacity
        .into_iter()
        .enumerate()
        .filter(|(_, (sites, _))| *sites > 0)
        .map(|(i, (sites, hours_per_week))| ProcessCapacity {
            process: graph.processes[i].to_string(),
            sites,
            hours_per_week,
        })
        .collect();
    capacity_by_process.sort_by(|a, b| {
        b.hours_per_week.total_cmp(&a.hours_per_week).then_with(|| a.process.cmp(&b.process))
    });

    Summary {
        counts,
        sites_by_kind,
        sites_by_state,
        sites_by_country,
        items_by_kind,
        sole_sourced_items,
        sole_sourced_examples,
        unsourced_items: unsourced,
        bom_depth: bom_depth(graph),
        capacity_by_process,
    }
}

/// Levels in the deepest bill of materials, computed components-first along `topo_order`.
pub fn bom_depth(graph: &Graph) -> usize {
    let mut depth = vec![1usize; graph.n_items()];
    for &item in graph.topo_order.iter().rev() {
        let below = graph.components.row(item).iter().map(|e| depth[e.item as usize]).max();
        depth[item as usize] = 1 + below.unwrap_or(0);
    }
    depth.into_iter().max().unwrap_or(0)
}

fn tally<'a>(names: impl Iterator<Item = &'a str>) -> Vec<Tally> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for name in names {
        *counts.entry(name).or_default() += 1;
    }
    let mut tallies: Vec<Tally> =
        counts.into_iter().map(|(name, count)| Tally { name: name.to_owned(), count }).collect();
    tallies.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    tallies
}
