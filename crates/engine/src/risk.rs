//! The structural risk measures, exact and without an optimizer: sole sources, geographic
//! concentration of qualified capacity, and critical sites.
//!
//! A product can be made when it has a qualified source and each of its components can be made,
//! from any qualified source (re-routing is free here; capacity is the business of the
//! time-to-recover measures). Under that rule the sites without which a product cannot be made at
//! all are exactly the sole qualified sources of the items in its bill of materials: removing
//! any other single site leaves every item at least one source. `critical_sites` computes that
//! set; the tests check it against removing each site in turn.

mod concentration;
mod exposure;
mod formulation;
mod restricted;

use serde::Serialize;

use crate::closure::{Closures, demand_value, end_products};
use crate::graph::{Csr, Graph, Name};

pub use concentration::{Concentration, Share};
pub use exposure::{Method, SiteExposure, exposure, reference};

/// An item with exactly one qualified source.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SoleSource {
    pub item: Name,
    pub site: Name,
    /// The end products that need the item, at any tier.
    pub products: Vec<Name>,
    /// Weekly demand value of those products.
    pub value_at_stake: f64,
}

/// A site without which some products cannot be made at all (products that cannot be made even
/// with every site up are not counted).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CriticalSite {
    pub site: Name,
    pub state: Option<Name>,
    pub country: Option<Name>,
    /// The items only this site is qualified to make, on which the products depend.
    pub items: Vec<Name>,
    pub products: Vec<Name>,
    /// Weekly demand value of those products.
    pub value_at_stake: f64,
}

/// The structural part of the risk report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Structure {
    /// The end products assessed (all, or the one the report is scoped to).
    pub products: Vec<Name>,
    /// End products that cannot be made even with every site up (an item has no source).
    pub unmakeable: Vec<Name>,
    /// Largest value at stake first.
    pub sole_sources: Vec<SoleSource>,
    /// Most concentrated first (state HHI, then country HHI), items with two or more sources.
    pub concentration: Vec<Concentration>,
    /// Largest value at stake first.
    pub critical_sites: Vec<CriticalSite>,
}

/// Assesses every end product (items with demand or of kind product), or only `scope`.
pub fn structure(graph: &Graph, scope: Option<u32>) -> Structure {
    let products = match scope {
        Some(item) => vec![item],
        None => end_products(graph),
    };
    let value = demand_value(graph);
    let mut closures = Closures::new(graph);
    let mut needs: Vec<(u32, u32)> = Vec::new();
    let mut makeable = vec![true; graph.n_items()];
    for &product in &products {
        for item in closures.items(product) {
            needs.push((item, product));
            makeable[product as usize] &= !graph.sources.row(item).is_empty();
        }
    }
    // By item: the products that need it.
    let needed_by = Csr::from_pairs(graph.n_items(), needs);
    let unmakeable = products
        .iter()
        .filter(|&&p| !makeable[p as usize])
        .map(|&p| graph.item_ids[p as usize].clone())
        .collect();
    let at_stake = |products: &[u32]| products.iter().map(|&p| value[p as usize]).sum::<f64>();
    let names =
        |products: &[u32]| products.iter().map(|&p| graph.item_ids[p as usize].clone()).collect();

    let mut sole_sources = Vec::new();
    // By site: (items it alone makes, products depending on them).
    let mut critical: Vec<(Vec<u32>, Vec<u32>)> = vec![(Vec::new(), Vec::new()); graph.n_sites()];
    for item in 0..graph.n_items() {
        let needing = needed_by.row(item as u32);
        let sources = graph.sources.row(item as u32);
        if needing.is_empty() || sources.len() != 1 {
            continue;
        }
        let site = sources[0].site;
        sole_sources.push(SoleSource {
            item: graph.item_ids[item].clone(),
            site: graph.site_ids[site as usize].clone(),
            products: names(needing),
            value_at_stake: at_stake(needing),
        });
        let stopped: Vec<u32> = needing.iter().copied().filter(|&p| makeable[p as usize]).collect();
        if !stopped.is_empty() {
            let (items, products) = &mut critical[site as usize];
            items.push(item as u32);
            products.extend(stopped);
        }
    }
    let mut critical_sites: Vec<CriticalSite> = critical
        .into_iter()
        .enumerate()
        .filter(|(_, (items, _))| !items.is_empty())
        .map(|(site, (items, mut products))| {
            products.sort_unstable();
            products.dedup();
            let node = &graph.sites[site];
            CriticalSite {
                site: graph.site_ids[site].clone(),
                state: node.state.map(|s| graph.states[s as usize].clone()),
                country: node.country.map(|c| graph.countries[c as usize].clone()),
                items: items.iter().map(|&i| graph.item_ids[i as usize].clone()).collect(),
                value_at_stake: at_stake(&products),
                products: names(&products),
            }
        })
        .collect();
    sole_sources.sort_by(|a, b| {
        b.value_at_stake.total_cmp(&a.value_at_stake).then_with(|| a.item.cmp(&b.item))
    });
    critical_sites.sort_by(|a, b| {
        b.value_at_stake.total_cmp(&a.value_at_stake).then_with(|| a.site.cmp(&b.site))
    });
    let in_scope: Vec<u32> =
        (0..graph.n_items() as u32).filter(|&i| !needed_by.row(i).is_empty()).collect();
    Structure {
        products: names(&products),
        unmakeable,
        sole_sources,
        concentration: concentration::of_items(graph, &in_scope),
        critical_sites,
    }
}

#[cfg(test)]
mod tests;
