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

use crate::graph::Graph;
use crate::lp::{Col, Outcome, Problem, Sense, solve};

use super::formulation::{Pooled, Question};

/// The restricted program's optimum: the loss (for `Question::Loss`) or the weeks survived
/// (`None` for ever, for `Question::Survive`).
pub(super) fn solve_restricted(
    graph: &Graph,
    pooled: &Pooled,
    short: &[u32],
    question: Question,
) -> Result<Option<f64>, String> {
    let n_items = graph.n_items();
    // The upward closure of the short items, within the items demand needs.
    let mut in_u = vec![false; n_items];
    let mut order: Vec<u32> = Vec::new();
    let mut stack: Vec<u32> = short.to_vec();
    while let Some(item) = stack.pop() {
        if in_u[item as usize] || !pooled.relevant[item as usize] {
            continue;
        }
        in_u[item as usize] = true;
        order.push(item);
        stack.extend(graph.used_in.row(item).iter().map(|e| e.item));
    }
    let mut is_short = vec![false; n_items];
    for &item in short {
        is_short[item as usize] = true;
    }
    let inf = f64::INFINITY;
    let mut p = Problem::default();
    let (weeks, t) = match question {
        Question::Loss { weeks } => (weeks, None),
        Question::Survive => (1.0, Some(p.col(1.0, 0.0, inf))),
    };
    let mut row_of = vec![None; n_items];
    for &item in &order {
        let demand = pooled.demand[item as usize];
        let row = match t {
            Some(t) => {
                let row = p.row(0.0, inf, &[]);
                p.add_term(row, t, -demand);
                row
            }
            None => p.row(demand * weeks, inf, &[]),
        };
        row_of[item as usize] = Some(row);
        if pooled.inventory[item as usize] > 0.0 {
            let used = p.col(0.0, 0.0, pooled.inventory[item as usize]);
            p.add_term(row, used, 1.0);
        }
        if t.is_none() && demand > 0.0 {
            let lost = p.col(graph.items[item as usize].unit_value, 0.0, demand * weeks);
            p.add_term(row, lost, 1.0);
        }
    }
    let mut production: Vec<(u32, Col)> = Vec::new();
    for &item in &order {
        if !is_short[item as usize] {
            production.push((item, p.col(0.0, 0.0, inf)));
        }
    }
    for (item, x) in production {
        if let Some(row) = row_of[item as usize] {
            p.add_term(row, x, 1.0);
        }
        for e in graph.components.row(item) {
            if let Some(row) = row_of[e.item as usize] {
                p.add_term(row, x, -e.quantity);
            }
        }
    }
    let sense = if t.is_some() { Sense::Maximise } else { Sense::Minimise };
    match solve(&p, sense) {
        Outcome::Optimal(s) => Ok(Some(s.objective)),
        Outcome::Unbounded if t.is_some() => Ok(None),
        other => Err(format!("restricted program: {other:?}")),
    }
}
