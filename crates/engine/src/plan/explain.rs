//! Why a target falls short, in terms a planner uses: an item it needs has no qualified source,
//! or every source of it is down; a new unit cannot reach it before it is due; or capacities in
//! its supply chain bind (the bottlenecks there), or only other demand uses what could serve it.

use serde::Serialize;

use super::bottleneck::{Bottleneck, Constraint};
use super::model::{Model, Origin};
use super::windows::Via;
use crate::closure::Closures;

/// One reason a target falls short.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    /// An item in its bill of materials has no qualified source.
    NoSource { item: u32 },
    /// Every qualified source of an item in its bill of materials has no capacity over the
    /// horizon (down, or set to zero).
    SourcesDown { item: u32, sites: Vec<u32> },
    /// A unit made from nothing on hand reaches the target's site no earlier than `earliest`,
    /// after it is due: only stock and goods on their way can count. `path` is how that
    /// earliest unit comes, as (site, item, period it is there), from the start.
    LeadTime { earliest: u32, due: u32, path: Vec<(u32, u32, u32)> },
    /// No unit made from nothing on hand can reach the target's site within the horizon,
    /// though every item it needs has a working source: no link (or new link) brings it there
    /// in time.
    Unreachable,
    /// Binding constraints in its supply chain: indices into the bottleneck list.
    Bottlenecks { bottlenecks: Vec<u32> },
    /// Nothing in its supply chain binds: what could serve it serves other demand worth as much
    /// or more.
    OtherDemand,
}

/// Targets met below this share of their quantity are short, and explained.
const SHORT: f64 = 1.0 - 1e-6;

/// Whether a target of `quantity` with `met` units delivered in time falls short.
pub fn falls_short(met: f64, quantity: f64) -> bool {
    met < SHORT * quantity
}

/// Bottlenecks named per target at most.
const MAX_BOTTLENECKS: usize = 3;

/// The reasons for every given target (`Origin::Target`) that `met` (units by target row) leaves
/// short, as (target row, reasons).
pub fn explain(
    model: &Model<'_>,
    met: &[f64],
    bottlenecks: &[Bottleneck],
) -> Vec<(u32, Vec<Reason>)> {
    let graph = model.graph;
    let flows = &model.flows;
    let mut closures = Closures::new(graph);
    let mut out = Vec::new();
    for (k, row) in model.targets.iter().enumerate() {
        if !matches!(row.origin, Origin::Target(_)) || !falls_short(met[k], row.quantity) {
            continue;
        }
        let mut reasons = Vec::new();
        for item in closures.items(row.item) {
            let sources = graph.sources.range(item);
            if sources.is_empty() {
                reasons.push(Reason::NoSource { item });
            } else if sources.clone().all(|s| model.capacity.row(s).iter().all(|c| c <= 0.0)) {
                let mut sites: Vec<u32> = sources.map(|s| flows.sources[s].site).collect();
                sites.sort_unstable();
                sites.dedup();
                reasons.push(Reason::SourcesDown { item, sites });
            }
        }
        let fresh = &model.windows.fresh;
        let best = row.positions.iter().copied().min_by_key(|&q| fresh[q as usize].0);
        match best.map(|q| (q, fresh[q as usize].0)) {
            Some((q, earliest)) if earliest != u32::MAX && earliest >= row.due => {
                let path = path(model, q);
                reasons.push(Reason::LeadTime { earliest, due: row.due, path });
            }
            Some((_, earliest)) if earliest != u32::MAX => {}
            _ if reasons.is_empty() => reasons.push(Reason::Unreachable),
            _ => {}
        }
        if reasons.is_empty() {
            let chain = supply_chain(model, &row.positions);
            let binding: Vec<u32> = bottlenecks
                .iter()
                .enumerate()
                .filter(|(_, b)| {
                    let site = match b.constraint {
                        Constraint::Hours { site, .. } => site,
                        Constraint::Capacity { source } => flows.sources[source as usize].site,
                        Constraint::Stock { position } => flows.positions[position as usize].0,
                    };
                    chain[site as usize]
                })
                .map(|(i, _)| i as u32)
                .take(MAX_BOTTLENECKS)
                .collect();
            reasons.push(if binding.is_empty() {
                Reason::OtherDemand
            } else {
                Reason::Bottlenecks { bottlenecks: binding }
            });
        }
        out.push((k as u32, reasons));
    }
    out
}

/// How the earliest fresh unit reaches position `q`, from the start: (site, item, period).
fn path(model: &Model<'_>, q: u32) -> Vec<(u32, u32, u32)> {
    let flows = &model.flows;
    let fresh = &model.windows.fresh;
    let mut steps = Vec::new();
    let mut at = Some(q);
    while let Some(q) = at.take() {
        let (time, via) = fresh[q as usize];
        if time == u32::MAX || steps.len() > flows.positions.len() {
            break;
        }
        let (site, item) = flows.positions[q as usize];
        steps.push((site, item, time));
        at = match via {
            Via::Arc(a) => Some(model.arcs[a as usize].from),
            // The component that arrives last holds production back.
            Via::Source(s) => {
                flows.components.row(s).iter().map(|&(c, _)| c).max_by_key(|&c| fresh[c as usize].0)
            }
            Via::Stock | Via::Never => None,
        };
    }
    steps.reverse();
    steps
}

/// By site: whether it can contribute to the given positions (through arcs, and through the
/// components its sources consume).
fn supply_chain(model: &Model<'_>, positions: &[u32]) -> Vec<bool> {
    let flows = &model.flows;
    let mut seen = vec![false; flows.positions.len()];
    let mut sites = vec![false; model.graph.n_sites()];
    let mut stack: Vec<u32> = positions.to_vec();
    while let Some(q) = stack.pop() {
        if std::mem::replace(&mut seen[q as usize], true) {
            continue;
        }
        sites[flows.positions[q as usize].0 as usize] = true;
        stack.extend(model.arcs_in.row(q).iter().map(|&a| model.arcs[a as usize].from));
        if let Some(s) = flows.source_at[q as usize] {
            stack.extend(flows.components.row(s).iter().map(|&(c, _)| c));
        }
    }
    sites
}
