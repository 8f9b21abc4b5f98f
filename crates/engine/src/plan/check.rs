//! The plan checker: verifies every constraint of a plan against its model and recomputes the
//! objective, from the plan's flows alone (it shares nothing with the program but the model).
//! Every plan the optimizer returns in tests goes through it.

use serde::Serialize;

use super::model::Model;
use super::{Cost, Plan};

/// A constraint holds when it is off by no more than this, relative to 1 + the size of what it
/// bounds.
pub(crate) const TOLERANCE: f64 = 1e-6;

/// What the checker found.
#[derive(Clone, Debug, Serialize)]
pub struct Checked {
    /// Broken constraints; empty for a valid plan.
    pub violations: Vec<Violation>,
    /// The value of target demand met (the first objective).
    pub met_value: f64,
    /// By target row: units delivered in its window (at most its quantity).
    pub met: Vec<f64>,
    /// The cost (the second objective).
    pub cost: Cost,
}

/// A broken constraint, in words, and by how much.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Violation {
    pub what: String,
    pub excess: f64,
}

/// Checks `plan` against `model`.
pub fn check(model: &Model<'_>, plan: &Plan) -> Checked {
    let graph = model.graph;
    let flows = &model.flows;
    let horizon = model.horizon;
    let mut violations = Vec::new();
    let mut fail = |what: String, excess: f64, scale: f64| {
        if excess > TOLERANCE * (1.0 + scale.abs()) || excess.is_nan() {
            violations.push(Violation { what, excess });
        }
    };
    let site = |s: u32| &graph.site_ids[s as usize];
    let item = |i: u32| &graph.item_ids[i as usize];

    let mut cost = Cost::default();
    let mut hours_used = vec![vec![0.0; horizon as usize]; flows.hours.len()];
    for p in &plan.production {
        let (s_site, s_item) = model.source(p.source);
        let what =
            || format!("production of {} at {} in week {}", item(s_item), site(s_site), p.period);
        fail(format!("{} is negative", what()), -p.units, 0.0);
        if p.period >= horizon {
            fail(format!("{} is after the horizon", what()), p.units, 0.0);
            continue;
        }
        let capacity = model.capacity(p.source, p.period);
        fail(format!("{} exceeds its capacity {capacity}", what()), p.units - capacity, capacity);
        for &(h, per_unit) in flows.hours_use.row(p.source) {
            hours_used[h as usize][p.period as usize] += per_unit * p.units;
        }
        cost.production += p.units * model.unit_cost[p.source as usize];
    }
    for (h, used) in hours_used.iter().enumerate() {
        let (h_site, process, _) = flows.hours[h];
        for (t, &used) in used.iter().enumerate() {
            let available = model.hours[h][t];
            fail(
                format!(
                    "hours of {} at {} in week {t}: {used} used, {available} available",
                    graph.processes[process as usize],
                    site(h_site)
                ),
                used - available,
                available,
            );
        }
    }
    for s in &plan.shipments {
        let arc = &model.arcs[s.arc as usize];
        let what = || {
            format!(
                "shipment of {} from {} to {} in week {}",
                item(arc.item),
                site(arc.supplier),
                site(arc.customer),
                s.period
            )
        };
        fail(format!("{} is negative", what()), -s.units, 0.0);
        if s.period < arc.opens || s.period >= horizon {
            fail(
                format!("{} is outside weeks {} to {}", what(), arc.opens, horizon - 1),
                s.units,
                0.0,
            );
        }
        if let Some(limit) = arc.limit.as_ref().and_then(|l| l.get(s.period as usize)) {
            fail(format!("{} exceeds the link's limit {limit}", what()), s.units - limit, *limit);
        }
        cost.freight += s.units * arc.freight;
        cost.setup += s.units * arc.setup;
    }
    let mut delivered = vec![0.0; model.targets.len()];
    for d in &plan.deliveries {
        let Some(row) = model.targets.get(d.target as usize) else {
            fail(
                format!("delivery to target row {}, which does not exist", d.target),
                d.units,
                0.0,
            );
            continue;
        };
        let (d_site, _) = model.position(d.position);
        let what =
            || format!("delivery of {} from {} in week {}", item(row.item), site(d_site), d.period);
        fail(format!("{} is negative", what()), -d.units, 0.0);
        if !row.positions.contains(&d.position) {
            fail(
                format!("{} is from a position the target is not served at", what()),
                d.units,
                0.0,
            );
        }
        if d.period < row.first || d.period >= row.due {
            fail(
                format!(
                    "{} is outside weeks {} to {}",
                    what(),
                    row.first,
                    row.due.saturating_sub(1)
                ),
                d.units,
                0.0,
            );
        }
        delivered[d.target as usize] += d.units;
    }
    let mut met_value = 0.0;
    let mut met = Vec::with_capacity(model.targets.len());
    for (row, &units) in model.targets.iter().zip(&delivered) {
        fail(
            format!("{} of {} delivered where {} are due", units, item(row.item), row.quantity),
            units - row.quantity,
            row.quantity,
        );
        let counted = units.min(row.quantity);
        met_value += row.value * counted;
        met.push(counted);
    }
    let levels = stock_levels(model, plan);
    for (q, levels) in levels.iter().enumerate() {
        let (q_site, q_item) = model.position(q as u32);
        for (t, &level) in levels.iter().enumerate() {
            fail(
                format!("stock of {} at {} after week {t} is {level}", item(q_item), site(q_site)),
                -level,
                0.0,
            );
        }
    }
    Checked { violations, met_value, met, cost }
}

/// By position, by period: the stock left at the end of the period when the plan runs (opening
/// stock, what was on its way, arrivals and output in, shipments, components consumed and
/// deliveries out).
pub(crate) fn stock_levels(model: &Model<'_>, plan: &Plan) -> Vec<Vec<f64>> {
    let flows = &model.flows;
    let horizon = model.horizon as usize;
    let mut change = vec![vec![0.0; horizon]; flows.positions.len()];
    let mut add = |q: u32, t: usize, units: f64| {
        if t < horizon {
            change[q as usize][t] += units;
        }
    };
    for (q, &opening) in flows.opening.iter().enumerate() {
        add(q as u32, 0, opening);
        for &(t, units) in model.pipeline.row(q as u32) {
            add(q as u32, t as usize, units);
        }
    }
    for p in &plan.production {
        let source = &flows.sources[p.source as usize];
        add(source.position, (p.period + model.lead[p.source as usize]) as usize, p.units);
        for &(c, quantity) in flows.components.row(p.source) {
            add(c, p.period as usize, -quantity * p.units);
        }
    }
    for s in &plan.shipments {
        let arc = &model.arcs[s.arc as usize];
        add(arc.from, s.period as usize, -s.units);
        add(arc.to, (s.period + arc.transit) as usize, s.units);
    }
    for d in &plan.deliveries {
        add(d.position, d.period as usize, -d.units);
    }
    for levels in &mut change {
        let mut level = 0.0;
        for slot in levels.iter_mut() {
            level += *slot;
            *slot = level;
        }
    }
    change
}
