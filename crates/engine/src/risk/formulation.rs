//! The linear programs of Simchi-Levi et al., on the pooled form of our network.
//!
//! Decisions: production of each qualified source over the window, inventory used of each item,
//! and demand lost of each demanded item. Constraints: production of a source within its
//! `max_units_per_week` times the window; process hours of a site within its capability times
//! the window (capacity per process is shared by every item the site makes, through routing
//! hours); for each item, production plus inventory used covers what the parents' production
//! consumes (BOM) plus the demand served; the down site produces nothing but its inventory
//! counts. Any qualified source may ship to any consumer (free re-routing), so the flows of the
//! paper between supplier and customer nodes aggregate per item without loss.

use crate::graph::Graph;
use crate::lp::{Col, Problem, Row};

/// What the program asks.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Question {
    /// Minimise the value of demand lost over a window of `weeks` (time to recover).
    Loss { weeks: f64 },
    /// Maximise the weeks all demand can be met (time to survive).
    Survive,
}

/// The data the programs share, computed once per graph.
pub(crate) struct Pooled {
    /// Items that matter: the bills of materials of every demanded item.
    pub(crate) relevant: Vec<bool>,
    /// Demand per week by item.
    pub(crate) demand: Vec<f64>,
    /// Inventory on hand by item, all sites together.
    pub(crate) inventory: Vec<f64>,
}

impl Pooled {
    /// The pooled data; with `scope`, only the demand for that item counts.
    pub(crate) fn new(graph: &Graph, scope: Option<u32>) -> Pooled {
        let mut demand = vec![0.0; graph.n_items()];
        for d in graph.demand.iter().filter(|d| scope.is_none_or(|item| d.item == item)) {
            demand[d.item as usize] += d.units_per_week;
        }
        let mut relevant = vec![false; graph.n_items()];
        for &item in &graph.topo_order {
            if demand[item as usize] > 0.0 {
                relevant[item as usize] = true;
            }
            if relevant[item as usize] {
                for e in graph.components.row(item) {
                    relevant[e.item as usize] = true;
                }
            }
        }
        let mut inventory = vec![0.0; graph.n_items()];
        for stock in graph.inventory.entries() {
            inventory[stock.item as usize] += stock.units;
        }
        Pooled { relevant, demand, inventory }
    }
}

/// A program and where its decisions are.
pub(crate) struct Program {
    pub(crate) problem: Problem,
    /// By entry of `graph.sources`: the production column, if the source takes part.
    pub(crate) production: Vec<Option<Col>>,
    /// The demand-lost columns.
    pub(crate) lost: Vec<Col>,
}

/// The program with `down` out (or none).
pub(crate) fn program(
    graph: &Graph,
    pooled: &Pooled,
    down: Option<u32>,
    question: Question,
) -> Program {
    let mut p = Problem::default();
    let mut production = vec![None; graph.sources.entries().len()];
    let mut lost_cols = Vec::new();
    let (weeks, t) = window(&mut p, question);
    let n_items = graph.n_items();
    // Item balance rows: supply - use >= demand served.
    let mut balance = vec![None; n_items];
    for (item, slot) in balance.iter_mut().enumerate() {
        if !pooled.relevant[item] {
            continue;
        }
        let (row, lost) = balance_row(&mut p, graph, pooled, item as u32, t, weeks);
        *slot = Some(row);
        lost_cols.extend(lost);
    }
    // Production columns, in each source's item balance and each parent's consumption.
    let mut hours: Vec<Vec<(u32, Col, f64)>> = vec![Vec::new(); graph.n_sites()];
    for item in 0..n_items as u32 {
        let Some(row) = balance[item as usize] else { continue };
        for (entry, source) in graph.sources.range(item).zip(graph.sources.row(item)) {
            if Some(source.site) == down {
                continue;
            }
            let x = production_column(&mut p, t, weeks, source.max_units_per_week);
            production[entry] = Some(x);
            p.add_term(row, x, 1.0);
            for e in graph.components.row(item) {
                if let Some(component_row) = balance[e.item as usize] {
                    p.add_term(component_row, x, -e.quantity);
                }
            }
            for routing in graph.routings.row(item) {
                hours[source.site as usize].push((routing.process, x, routing.hours));
            }
        }
    }
    // Process hours per site.
    for (site, uses) in hours.into_iter().enumerate() {
        let mut processes: Vec<u32> = uses.iter().map(|&(process, _, _)| process).collect();
        processes.sort_unstable();
        processes.dedup();
        for process in processes {
            let available = graph.hours_per_week(site as u32, process);
            let terms: Vec<(Col, f64)> =
                uses.iter().filter(|u| u.0 == process).map(|&(_, x, h)| (x, h)).collect();
            hours_row(&mut p, t, weeks, &terms, available);
        }
    }
    Program { problem: p, production, lost: lost_cols }
}

/// The window of a program: a fixed number of weeks (time to recover), or the column `t` to
/// maximise (time to survive, with every rate per week of `t`).
pub(crate) fn window(p: &mut Problem, question: Question) -> (f64, Option<Col>) {
    match question {
        Question::Loss { weeks } => (weeks, None),
        Question::Survive => (1.0, Some(p.col(1.0, 0.0, f64::INFINITY))),
    }
}

/// An item's balance over the window: supply minus use covers the demand served, with a column
/// for the inventory used and, when losses are counted, one for the demand lost (returned).
pub(crate) fn balance_row(
    p: &mut Problem,
    graph: &Graph,
    pooled: &Pooled,
    item: u32,
    t: Option<Col>,
    weeks: f64,
) -> (Row, Option<Col>) {
    let demand = pooled.demand[item as usize];
    let row = match t {
        Some(t) => {
            let row = p.row(0.0, f64::INFINITY, &[]);
            p.add_term(row, t, -demand);
            row
        }
        None => p.row(demand * weeks, f64::INFINITY, &[]),
    };
    let stock = pooled.inventory[item as usize];
    if stock > 0.0 {
        let used = p.col(0.0, 0.0, stock);
        p.add_term(row, used, 1.0);
    }
    let mut lost = None;
    if t.is_none() && demand > 0.0 {
        let col = p.col(graph.items[item as usize].unit_value, 0.0, demand * weeks);
        p.add_term(row, col, 1.0);
        lost = Some(col);
    }
    (row, lost)
}

/// A source's production over the window: at most `per_week` times the window, which is the
/// fixed `weeks` or, when surviving, the window column `t`.
pub(crate) fn production_column(p: &mut Problem, t: Option<Col>, weeks: f64, per_week: f64) -> Col {
    match t {
        Some(t) => {
            let x = p.col(0.0, 0.0, f64::INFINITY);
            p.row(f64::NEG_INFINITY, 0.0, &[(x, 1.0), (t, -per_week)]);
            x
        }
        None => p.col(0.0, 0.0, per_week * weeks),
    }
}

/// Process hours over the window: `terms` at most `per_week` hours times the window.
pub(crate) fn hours_row(
    p: &mut Problem,
    t: Option<Col>,
    weeks: f64,
    terms: &[(Col, f64)],
    per_week: f64,
) -> Row {
    match t {
        Some(t) => {
            let row = p.row(f64::NEG_INFINITY, 0.0, terms);
            p.add_term(row, t, -per_week);
            row
        }
        None => p.row(f64::NEG_INFINITY, per_week * weeks, terms),
    }
}
