//! Where the qualified capacity of an item sits: shares by state and by country, and the
//! Herfindahl–Hirschman index of each (the sum of squared percentage shares, 0 to 10,000; the
//! U.S. merger guidelines of 2023 call a market above 1,800 highly concentrated).

use serde::Serialize;

use crate::graph::{Graph, Name};

/// A region's share of an item's qualified capacity.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Share {
    /// The state or country; `None` when sites do not say.
    pub region: Option<Name>,
    /// 0 to 1.
    pub share: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Concentration {
    pub item: Name,
    pub n_sources: usize,
    /// Units per week, all qualified sources together.
    pub capacity: f64,
    /// Largest share first.
    pub by_state: Vec<Share>,
    pub by_country: Vec<Share>,
    pub hhi_state: f64,
    pub hhi_country: f64,
    /// The one state that holds all the capacity, if any.
    pub single_state: Option<Name>,
    /// The one foreign country (not `US`) that holds all the capacity, if any.
    pub single_foreign_country: Option<Name>,
}

/// Concentration of every item of `items` with two or more sources and some capacity, most
/// concentrated first.
pub(super) fn of_items(graph: &Graph, items: &[u32]) -> Vec<Concentration> {
    let mut out: Vec<Concentration> = items
        .iter()
        .filter(|&&item| graph.sources.row(item).len() >= 2)
        .filter_map(|&item| of_item(graph, item))
        .collect();
    out.sort_by(|a, b| {
        b.hhi_state
            .total_cmp(&a.hhi_state)
            .then(b.hhi_country.total_cmp(&a.hhi_country))
            .then_with(|| a.item.cmp(&b.item))
    });
    out
}

fn of_item(graph: &Graph, item: u32) -> Option<Concentration> {
    let sources = graph.sources.row(item);
    let capacity: f64 = sources.iter().map(|s| s.max_units_per_week).sum();
    if capacity <= 0.0 {
        return None;
    }
    // Aggregate by interned region index first, name the regions last.
    let shares = |region: &dyn Fn(u32) -> Option<u32>, names: &[Name]| {
        let mut by_region: Vec<(Option<u32>, f64)> = Vec::new();
        for source in sources {
            let key = region(source.site);
            let share = source.max_units_per_week / capacity;
            match by_region.iter_mut().find(|(r, _)| *r == key) {
                Some(existing) => existing.1 += share,
                None => by_region.push((key, share)),
            }
        }
        let mut shares: Vec<Share> = by_region
            .into_iter()
            .map(|(r, share)| Share { region: r.map(|r| names[r as usize].clone()), share })
            .collect();
        shares.sort_by(|a, b| b.share.total_cmp(&a.share).then_with(|| a.region.cmp(&b.region)));
        shares
    };
    let by_state = shares(&|site| graph.sites[site as usize].state, &graph.states);
    let by_country = shares(&|site| graph.sites[site as usize].country, &graph.countries);
    let hhi = |shares: &[Share]| shares.iter().map(|s| (100.0 * s.share).powi(2)).sum::<f64>();
    let single = |shares: &[Share]| match shares {
        [only] => only.region.clone(),
        _ => None,
    };
    let single_foreign_country = single(&by_country).filter(|c| &**c != "US");
    Some(Concentration {
        item: graph.item_ids[item as usize].clone(),
        n_sources: sources.len(),
        capacity,
        hhi_state: hhi(&by_state),
        hhi_country: hhi(&by_country),
        single_state: single(&by_state),
        single_foreign_country,
        by_state,
        by_country,
    })
}
