//! The programs of one site restricted to the part of the network its sole items feed.
//!
//! When a site is down and the rest of its planned production moves to other sources within
//! their spare capacity, the only items that run short are those the site alone makes ("short
//! items"). What is lost then depends only on the items above them in the bills of materials
//! (their upward closure U): every other component keeps its steady-state supply, which covers
//! full demand, so it never binds. The restricted program keeps, for the items of U, production
//! (none for short items), inventory used and demand lost, and drops capacities: production in
//! U never needs to exceed what served demand requires, which the steady-state plan already
//! provides within capacity, so the restricted optimum is the optimum of the whole program.
//!
//! When some of the site's production cannot be moved within spare capacity, `Capacities` keeps
//! the sources of the items above those items with their capacities, and the process hours
//! their sites have left after the steady-state production of every other item. Holding the
//! other items at their steady-state production makes this a restriction of the whole program:
//! its loss is an upper bound (and its time to survive a lower bound). It is exact when no
//! hours row shared with the fixed items binds: the restricted duals, extended by zero to every
//! other row, are then feasible for the whole program (the fixed items' columns meet only rows
//! with zero duals), so both programs have the same optimum. `Restricted::certified` says which.

use rustc_hash::{FxHashMap, FxHashSet};

use crate::graph::Graph;
use crate::lp::{Col, Outcome, Problem, Sense, solve};

use super::formulation::{Pooled, Question, balance_row, hours_row, production_column, window};

/// The steady-state production the capacity-aware restriction holds fixed.
pub(super) struct Capacities<'a> {
    /// The down site.
    pub(super) down: u32,
    /// Units per week by entry of `graph.sources`.
    pub(super) rate: &'a [f64],
    /// Hours per week the plan uses at each (site, process).
    pub(super) used_hours: &'a FxHashMap<(u32, u32), f64>,
}

/// The restricted program's optimum: the loss (for `Question::Loss`) or the weeks survived
/// (`None` for ever, for `Question::Survive`). `short` are the items whose supply the program
/// decides: without `capacities`, items only the down site makes (no production at all); with
/// them, every item of the down site that spare capacity cannot cover.
pub(super) fn solve_restricted(
    graph: &Graph,
    pooled: &Pooled,
    short: &[u32],
    capacities: Option<&Capacities<'_>>,
    question: Question,
) -> Result<Restricted, String> {
    // Hours rows also used by items held at their plan.
    let mut shared: Vec<crate::lp::Row> = Vec::new();
    // The upward closure of the short items, within the items demand needs. Sets are sparse:
    // U is small next to the network, and this runs once per site.
    let mut in_u: FxHashSet<u32> = FxHashSet::default();
    let mut order: Vec<u32> = Vec::new();
    let mut stack: Vec<u32> = short.to_vec();
    while let Some(item) = stack.pop() {
        if !pooled.relevant[item as usize] || !in_u.insert(item) {
            continue;
        }
        order.push(item);
        stack.extend(graph.used_in.row(item).iter().map(|e| e.item));
    }
    let is_short: FxHashSet<u32> = short.iter().copied().collect();
    // Only sole items short and no inventory anywhere above them: nothing in U can be made or
    // supplied (every item of U needs a short item, through BOM quantities above 0), so all of
    // U's demand is lost and it runs short at once.
    if capacities.is_none() && order.iter().all(|&i| pooled.inventory[i as usize] == 0.0) {
        let demanded = order.iter().filter(|&&i| pooled.demand[i as usize] > 0.0);
        let optimum = match question {
            Question::Loss { weeks } => Some(
                demanded
                    .map(|&i| {
                        pooled.demand[i as usize] * weeks * graph.items[i as usize].unit_value
                    })
                    .sum(),
            ),
            Question::Survive => demanded.count().gt(&0).then_some(0.0),
        };
        return Ok(Restricted { optimum, certified: true });
    }
    let inf = f64::INFINITY;
    let mut p = Problem::default();
    let (weeks, t) = window(&mut p, question);
    let mut row_of: FxHashMap<u32, crate::lp::Row> = FxHashMap::default();
    for &item in &order {
        let (row, _) = balance_row(&mut p, graph, pooled, item, t, weeks);
        row_of.insert(item, row);
    }
    match capacities {
        None => {
            let mut production: Vec<(u32, Col)> = Vec::new();
            for &item in &order {
                if !is_short.contains(&item) {
                    production.push((item, p.col(0.0, 0.0, inf)));
                }
            }
            for (item, x) in production {
                add_production(&mut p, graph, &row_of, item, x);
            }
        }
        Some(capacities) => {
            // Hours per (site, process) the U items may use: what the plan leaves after the
            // steady-state production of the other items.
            let mut hours: FxHashMap<(u32, u32), Vec<(Col, f64)>> = FxHashMap::default();
            // Hours the plan spends on the U items themselves, which the program re-decides.
            let mut own: FxHashMap<(u32, u32), f64> = FxHashMap::default();
            for &item in &order {
                for (entry, source) in graph.sources.range(item).zip(graph.sources.row(item)) {
                    for routing in graph.routings.row(item) {
                        *own.entry((source.site, routing.process)).or_default() +=
                            capacities.rate[entry] * routing.hours;
                    }
                    if source.site == capacities.down {
                        continue;
                    }
                    let x = production_column(&mut p, t, weeks, source.max_units_per_week);
                    add_production(&mut p, graph, &row_of, item, x);
                    for routing in graph.routings.row(item) {
                        hours
                            .entry((source.site, routing.process))
                            .or_default()
                            .push((x, routing.hours));
                    }
                }
            }
            let mut keys: Vec<(u32, u32)> = hours.keys().copied().collect();
            keys.sort_unstable();
            for key in keys {
                let available = graph.hours_per_week(key.0, key.1);
                let others = capacities.used_hours.get(&key).copied().unwrap_or(0.0)
                    - own.get(&key).copied().unwrap_or(0.0);
                let left = (available - others).max(0.0);
                let terms = &hours[&key];
                let row = hours_row(&mut p, t, weeks, terms, left);
                if others > 0.0 {
                    shared.push(row);
                }
            }
        }
    }
    let sense = if t.is_some() { Sense::Maximise } else { Sense::Minimise };
    match solve(&p, sense) {
        Outcome::Optimal(s) => {
            // Exact when no hours row shared with the fixed items binds (see the module comment).
            let scale = s.objective.abs().max(1.0);
            let certified = shared
                .iter()
                .all(|row| s.row_duals[row.0 as usize].abs() <= DUAL_TOLERANCE * scale);
            Ok(Restricted { optimum: Some(s.objective), certified })
        }
        Outcome::Unbounded if t.is_some() => {
            Ok(Restricted { optimum: None, certified: shared.is_empty() })
        }
        other => Err(format!("restricted program: {other:?}")),
    }
}

/// Relative size of a dual under which a shared row counts as not binding.
const DUAL_TOLERANCE: f64 = 1e-9;

/// The optimum of a restricted program and whether it is proven to be the whole program's.
pub(super) struct Restricted {
    /// The loss, or the weeks survived (`None` for ever).
    pub(super) optimum: Option<f64>,
    /// True when the optimum is the whole program's: always without capacities, and with them
    /// when no process-hours row shared with items held at their plan binds.
    pub(super) certified: bool,
}

/// A production column supplies its item and consumes its components within U.
fn add_production(
    p: &mut Problem,
    graph: &Graph,
    row_of: &FxHashMap<u32, crate::lp::Row>,
    item: u32,
    x: Col,
) {
    if let Some(&row) = row_of.get(&item) {
        p.add_term(row, x, 1.0);
    }
    for e in graph.components.row(item) {
        if let Some(&row) = row_of.get(&e.item) {
            p.add_term(row, x, -e.quantity);
        }
    }
}
