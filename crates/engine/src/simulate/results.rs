//! From the loop's trace to what the report says per product: fill rate, when it fell short and
//! for how long, what was lost, and the binding constraints upstream.

use rayon::prelude::*;

use super::effects::Effects;
use super::step::{TOLERANCE, Trace};
use super::{Cause, Flows, Outcome, ProductResult, Reason, Settings};
use crate::graph::Graph;

/// Causes named per product, at most.
const MAX_CAUSES: usize = 10;

pub(super) fn summarize(
    graph: &Graph,
    flows: &Flows,
    effects: &Effects,
    settings: &Settings,
    trace: Trace,
) -> Outcome {
    let horizon = settings.horizon as usize;
    // By item: its demand rows.
    let mut rows_of: Vec<Vec<u32>> = vec![Vec::new(); graph.n_items()];
    for (r, row) in flows.demand.iter().enumerate() {
        rows_of[row.item as usize].push(r as u32);
    }
    let mut products: Vec<ProductResult> = Vec::new();
    // (product, item) of the products that fell short, whose causes are found below.
    let mut short_items: Vec<(usize, u32)> = Vec::new();
    for (item, rows) in rows_of.iter().enumerate().filter(|(_, rows)| !rows.is_empty()) {
        let sum = |series: &[Vec<f64>], t: usize| {
            rows.iter().map(|&r| series[r as usize][t]).sum::<f64>()
        };
        let due: Vec<f64> = (0..horizon).map(|t| sum(&trace.due, t)).collect();
        let served: Vec<f64> = (0..horizon).map(|t| sum(&trace.on_time, t)).collect();
        let short: Vec<bool> =
            due.iter().zip(&served).map(|(d, s)| d - s > TOLERANCE * d.max(1.0)).collect();
        let first_short = short.iter().position(|&s| s).map(|t| t as u32);
        let last_short = short.iter().rposition(|&s| s);
        let units_short: f64 = due.iter().zip(&served).map(|(d, s)| (d - s).max(0.0)).sum();
        let total_due: f64 = due.iter().sum();
        let value = graph.items[item].unit_value;
        let time_to_recover = match (first_short, last_short) {
            (Some(first), Some(last)) if last + 1 < horizon => Some(last as u32 + 1 - first),
            _ => None,
        };
        if first_short.is_some() {
            short_items.push((products.len(), item as u32));
        }
        let value_short = if first_short.is_some() { units_short * value } else { 0.0 };
        products.push(ProductResult {
            item: graph.item_ids[item].clone(),
            fill_rate: if total_due > 0.0 { (total_due - units_short) / total_due } else { 1.0 },
            first_short,
            periods_short: short.iter().filter(|&&s| s).count() as u32,
            units_short: if first_short.is_some() { units_short } else { 0.0 },
            value_short,
            time_to_recover,
            due,
            served,
            causes: Vec::new(),
        });
    }
    // Each walk up from a product is independent of the others: in parallel, each thread
    // marking what it has seen in its own array. None goes where no cause is upstream.
    let unseen = if short_items.is_empty() { Vec::new() } else { unseen(flows, &trace) };
    let found: Vec<Vec<Cause>> = short_items
        .par_iter()
        .map_init(
            || unseen.clone(),
            |seen, &(_, item)| {
                causes(graph, flows, effects, &trace, &rows_of[item as usize], item, seen)
            },
        )
        .collect();
    for (&(p, _), causes) in short_items.iter().zip(found) {
        products[p].causes = causes;
    }
    products
        .sort_by(|a, b| b.value_short.total_cmp(&a.value_short).then_with(|| a.item.cmp(&b.item)));
    Outcome {
        period: flows.period,
        horizon: settings.horizon,
        unmet: settings.unmet,
        value_short: products.iter().map(|p| p.value_short).sum(),
        products,
        ledger: trace.ledger,
    }
}

/// A walk's array of what it has seen, before any walk: `NO_CAUSE` where a walk up from the
/// position can find no cause, 0 elsewhere (where a source was held back, a link in was cut, or
/// either upstream: everything downstream of such a place, along the links and from components
/// to their users' positions).
pub(super) fn unseen(flows: &Flows, trace: &Trace) -> Vec<u32> {
    let mut leads = vec![NO_CAUSE; flows.positions.len()];
    let mut stack: Vec<u32> = Vec::new();
    let mark = |q: u32, leads: &mut Vec<u32>, stack: &mut Vec<u32>| {
        if std::mem::replace(&mut leads[q as usize], 0) == NO_CAUSE {
            stack.push(q);
        }
    };
    for (source, held) in flows.sources.iter().zip(&trace.held_back) {
        if held.disrupted > 0.0 || held.capacity > 0.0 || held.hours > 0.0 {
            mark(source.position, &mut leads, &mut stack);
        }
    }
    for (link, cut) in flows.links.iter().zip(&trace.cut) {
        if cut.units > 0.0 {
            mark(link.to, &mut leads, &mut stack);
        }
    }
    while let Some(q) = stack.pop() {
        for &l in flows.links_out.row(q) {
            mark(flows.links[l as usize].to, &mut leads, &mut stack);
        }
        for &(k, units) in flows.stock_changes.row(q) {
            if units < 0.0 {
                mark(flows.sources[k as usize].position, &mut leads, &mut stack);
            }
        }
    }
    leads
}

/// In a walk's array of what it has seen: no cause is upstream of the position.
pub(super) const NO_CAUSE: u32 = u32::MAX;

/// The constraints upstream of a product's demand that held production or links back: walks
/// from the demand's positions up the links and the components of their sources, where a
/// cause can be found (`seen` starts as `unseen` made it).
pub(super) fn causes(
    graph: &Graph,
    flows: &Flows,
    effects: &Effects,
    trace: &Trace,
    rows: &[u32],
    product: u32,
    seen: &mut [u32],
) -> Vec<Cause> {
    // Positions seen on this walk hold this mark (0 is no walk's, `NO_CAUSE` none's to visit).
    let mark = product + 1;
    // A cause, with the value of its units for ranking; named once it is among those kept.
    let cause = |site: u32, item: u32, reason: Reason, units: f64| Found {
        value: units * graph.items[item as usize].unit_value,
        site,
        item,
        reason,
        units,
    };
    let mut found: Vec<Found> = Vec::new();
    let mut stack: Vec<u32> = rows.iter().map(|&r| flows.demand[r as usize].position).collect();
    for &q in &stack {
        seen[q as usize] = mark;
    }
    let mut visit = |q: u32, stack: &mut Vec<u32>| {
        if seen[q as usize] != mark && seen[q as usize] != NO_CAUSE {
            seen[q as usize] = mark;
            stack.push(q);
        }
    };
    while let Some(q) = stack.pop() {
        if let Some(k) = flows.source_at[q as usize] {
            let source = &flows.sources[k as usize];
            let held = &trace.held_back[k as usize];
            for (units, reason) in
                [(held.disrupted, Reason::Disrupted), (held.capacity, Reason::Capacity)]
            {
                if units > 0.0 {
                    found.push(cause(source.site, source.item, reason, units));
                }
            }
            if held.hours > 0.0 {
                let process = graph.processes[held.process as usize].clone();
                found.push(cause(source.site, source.item, Reason::Hours { process }, held.hours));
            }
            for &(c, _) in flows.components.row(k) {
                visit(c, &mut stack);
            }
        }
        for &l in flows.links_in.row(q) {
            let link = &flows.links[l as usize];
            let cut = trace.cut[l as usize].units;
            if cut > 0.0 {
                let supplier = graph.site_ids[link.supplier as usize].clone();
                found.push(cause(link.customer, link.item, Reason::LinkCut { supplier }, cut));
            }
            // A supplier outside a restriction delivered its normal flow: nothing to trace.
            if !link.external {
                visit(link.from, &mut stack);
            }
        }
    }
    if effects.has_surge() {
        for &r in rows {
            let units = trace.surge[r as usize];
            if units > 0.0 {
                let site = flows.positions[flows.demand[r as usize].position as usize].0;
                found.push(cause(site, product, Reason::Surge, units));
            }
        }
    }
    // What the scenario did first, then the capacities that kept the network from making it up;
    // by value within each.
    let from_scenario = |c: &Found| !matches!(c.reason, Reason::Capacity | Reason::Hours { .. });
    let site_id = |c: &Found| &graph.site_ids[c.site as usize];
    let item_id = |c: &Found| &graph.item_ids[c.item as usize];
    found.sort_by(|a, b| {
        from_scenario(b)
            .cmp(&from_scenario(a))
            .then(b.value.total_cmp(&a.value))
            .then_with(|| site_id(a).cmp(site_id(b)))
            .then_with(|| item_id(a).cmp(item_id(b)))
    });
    found.truncate(MAX_CAUSES);
    found
        .into_iter()
        .map(|c| Cause {
            site: site_id(&c).clone(),
            item: item_id(&c).clone(),
            site_index: c.site,
            item_index: c.item,
            reason: c.reason,
            units: c.units,
        })
        .collect()
}

/// A cause found on the walk up from a product, not yet named.
struct Found {
    /// Its units' value, to rank by.
    value: f64,
    site: u32,
    item: u32,
    reason: Reason,
    units: f64,
}
