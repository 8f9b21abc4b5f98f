//! Supply maps: what an item depends on, tier by tier.
//!
//! `item_map` follows the bills of materials and the qualified sources of each item (what could
//! supply it); `site_map` follows the actual links into one customer site (what does supply it),
//! splitting each need among the links that carry it in proportion to their flows.
//! Both return graph indices; the caller names them.

use rustc_hash::FxHashMap;

use crate::closure::{Closures, Requirement};
use crate::graph::Graph;

/// The item-level map: the closure of `item`, cut at `depth` tiers when given.
pub fn item_map(graph: &Graph, item: u32, depth: Option<u32>) -> Vec<Requirement> {
    let mut map = Closures::new(graph).of(item);
    if let Some(depth) = depth {
        map.retain(|r| r.tier <= depth);
    }
    map
}

/// One (site, item) of a site-level map.
#[derive(Clone, Debug, PartialEq)]
pub struct SiteStep {
    pub site: u32,
    pub item: u32,
    /// 0 for the root, then one more per link followed (shortest path).
    pub tier: u32,
    /// Units of `item` from `site` per unit of the root item at the root site.
    pub quantity: f64,
    /// The steps this one supplies: (index into the map, units per week on the link).
    pub customers: Vec<(usize, f64)>,
}

/// The map of `item` as seen from `site`, following actual links upstream.
/// If the site makes the item, its inputs are the item's components; otherwise (a warehouse,
/// a customer) its input is the item itself.
pub fn site_map(graph: &Graph, site: u32, item: u32, depth: Option<u32>) -> Vec<SiteStep> {
    let mut topo_position = vec![0u32; graph.n_items()];
    for (position, &i) in graph.topo_order.iter().enumerate() {
        topo_position[i as usize] = position as u32;
    }
    let makes = |s: u32, i: u32| graph.makes.row(s).contains(&i);
    let mut steps = vec![SiteStep { site, item, tier: 0, quantity: 1.0, customers: Vec::new() }];
    let mut index: FxHashMap<(u32, u32), usize> = FxHashMap::default();
    index.insert((site, item), 0);
    let mut next = 0;
    while next < steps.len() {
        let (s, i, tier) = (steps[next].site, steps[next].item, steps[next].tier);
        if depth.is_some_and(|d| tier >= d) {
            next += 1;
            continue;
        }
        // (input item, quantity per unit of this step's item)
        let inputs: Vec<(u32, f64)> = if makes(s, i) {
            graph.components.row(i).iter().map(|e| (e.item, e.quantity)).collect()
        } else if next == 0 {
            vec![(i, 1.0)]
        } else {
            Vec::new()
        };
        for (input, _) in inputs {
            for link in graph.links_in.row(s).iter().filter(|l| l.item == input) {
                let at = *index.entry((link.site, input)).or_insert_with(|| {
                    steps.push(SiteStep {
                        site: link.site,
                        item: input,
                        tier: tier + 1,
                        quantity: 0.0,
                        customers: Vec::new(),
                    });
                    steps.len() - 1
                });
                steps[at].customers.push((next, link.units_per_week));
            }
        }
        next += 1;
    }
    // Quantities flow downstream-first: a step's customers all make items above its own in the
    // BOM (or are the root), so visiting steps in topological order of their items settles every
    // customer before its suppliers.
    let mut order: Vec<usize> = (0..steps.len()).collect();
    order.sort_by_key(|&k| {
        (steps[k].item != item || steps[k].site != site, topo_position[steps[k].item as usize])
    });
    let mut inflow: FxHashMap<(usize, u32), f64> = FxHashMap::default();
    for step in &steps {
        for &(customer, units) in &step.customers {
            *inflow.entry((customer, step.item)).or_default() += units;
        }
    }
    for &k in &order {
        if k == 0 {
            continue;
        }
        let mut quantity = 0.0;
        for &(customer, units) in &steps[k].customers {
            let total = inflow[&(customer, steps[k].item)];
            let c = &steps[customer];
            let per_unit = if c.item == steps[k].item {
                1.0
            } else {
                graph
                    .components
                    .row(c.item)
                    .iter()
                    .find(|e| e.item == steps[k].item)
                    .map_or(0.0, |e| e.quantity)
            };
            let share = if total > 0.0 { units / total } else { 0.0 };
            quantity += c.quantity * per_unit * share;
        }
        steps[k].quantity = quantity;
    }
    steps
}

#[cfg(test)]
mod tests;
