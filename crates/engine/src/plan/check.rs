//! The plan checker: verifies every constraint of a plan against its model and recomputes the
//! objective, from the plan's flows alone (it shares nothing with the program but the model).
//! Every plan the optimizer returns in tests goes through it.

use serde::Serialize;

use super::model::Model;
use super::weekly::ByWeek;
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

/// Broken constraints as they are found; a message is written only for a constraint that
/// breaks (a national model has tens of millions that hold).
#[derive(Default)]
struct Found(Vec<Violation>);

impl Found {
    /// Records the constraint `what` says when it is off by `excess`, more than the tolerance
    /// for a bound of size `scale`.
    fn off(&mut self, excess: f64, scale: f64, what: impl FnOnce() -> String) {
        if excess > TOLERANCE * (1.0 + scale.abs()) || excess.is_nan() {
            self.0.push(Violation { what: what(), excess });
        }
    }
}

/// Checks `plan` against `model`.
pub fn check(model: &Model<'_>, plan: &Plan) -> Checked {
    let graph = model.graph;
    let flows = &model.flows;
    let horizon = model.horizon;
    let mut found = Found::default();
    let site = |s: u32| &graph.site_ids[s as usize];
    let item = |i: u32| &graph.item_ids[i as usize];

    let mut cost = Cost::default();
    let mut hours_used = ByWeek::filled(flows.hours.len(), horizon, 0.0);
    for p in &plan.production {
        let (s_site, s_item) = model.source(p.source);
        let what =
            || format!("production of {} at {} in week {}", item(s_item), site(s_site), p.period);
        found.off(-p.units, 0.0, || format!("{} is negative", what()));
        if p.period >= horizon {
            found.off(p.units, 0.0, || format!("{} is after the horizon", what()));
            continue;
        }
        let capacity = model.capacity(p.source, p.period);
        found.off(p.units - capacity, capacity, || {
            format!("{} exceeds its capacity {capacity}", what())
        });
        for &(h, per_unit) in flows.hours_use.row(p.source) {
            hours_used.row_mut(h as usize)[p.period as usize] += per_unit * p.units;
        }
        cost.production += p.units * model.unit_cost[p.source as usize];
    }
    for h in 0..flows.hours.len() {
        let (h_site, process, _) = flows.hours[h];
        for (t, used) in hours_used.row(h).iter().enumerate() {
            let available = model.hours.at(h, t);
            found.off(used - available, available, || {
                format!(
                    "hours of {} at {} in week {t}: {used} used, {available} available",
                    graph.processes[process as usize],
                    site(h_site)
                )
            });
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
        found.off(-s.units, 0.0, || format!("{} is negative", what()));
        if s.period < arc.opens || s.period >= horizon {
            found.off(s.units, 0.0, || {
                format!("{} is outside weeks {} to {}", what(), arc.opens, horizon - 1)
            });
        }
        if let Some(limit) = arc.limit.as_ref().and_then(|l| l.get(s.period as usize)) {
            found.off(s.units - limit, *limit, || {
                format!("{} exceeds the link's limit {limit}", what())
            });
        }
        cost.freight += s.units * arc.freight;
        cost.setup += s.units * arc.setup;
    }
    let mut delivered = vec![0.0; model.targets.len()];
    for d in &plan.deliveries {
        let Some(row) = model.targets.get(d.target as usize) else {
            found.off(d.units, 0.0, || {
                format!("delivery to target row {}, which does not exist", d.target)
            });
            continue;
        };
        let (d_site, _) = model.position(d.position);
        let what =
            || format!("delivery of {} from {} in week {}", item(row.item), site(d_site), d.period);
        found.off(-d.units, 0.0, || format!("{} is negative", what()));
        if !row.positions.contains(&d.position) {
            found.off(d.units, 0.0, || {
                format!("{} is from a position the target is not served at", what())
            });
        }
        if d.period < row.first || d.period >= row.due {
            found.off(d.units, 0.0, || {
                format!(
                    "{} is outside weeks {} to {}",
                    what(),
                    row.first,
                    row.due.saturating_sub(1)
                )
            });
        }
        delivered[d.target as usize] += d.units;
    }
    let mut met_value = 0.0;
    let mut met = Vec::with_capacity(model.targets.len());
    for (row, &units) in model.targets.iter().zip(&delivered) {
        found.off(units - row.quantity, row.quantity, || {
            format!("{} of {} delivered where {} are due", units, item(row.item), row.quantity)
        });
        let counted = units.min(row.quantity);
        met_value += row.value * counted;
        met.push(counted);
    }
    let changes = stock_changes(model, plan);
    for (q, &opening) in flows.opening.iter().enumerate() {
        let (q_site, q_item) = model.position(q as u32);
        let mut level = opening;
        for (t, change) in changes.row(q).iter().enumerate() {
            level += change;
            found.off(-level, 0.0, || {
                format!("stock of {} at {} after week {t} is {level}", item(q_item), site(q_site))
            });
        }
    }
    Checked { violations: found.0, met_value, met, cost }
}

/// By position, by period: how the stock changes when the plan runs, beyond its opening stock
/// (what was on its way, arrivals and output in, shipments, components consumed and deliveries
/// out).
fn stock_changes(model: &Model<'_>, plan: &Plan) -> ByWeek<f64> {
    let flows = &model.flows;
    let horizon = model.horizon as usize;
    let mut changes = ByWeek::filled(flows.positions.len(), model.horizon, 0.0);
    let mut change = |q: u32, t: usize, units: f64| {
        if t < horizon {
            changes.row_mut(q as usize)[t] += units;
        }
    };
    for q in 0..flows.positions.len() as u32 {
        for &(t, units) in model.pipeline.row(q) {
            change(q, t as usize, units);
        }
    }
    for p in &plan.production {
        let source = &flows.sources[p.source as usize];
        change(source.position, (p.period + model.lead[p.source as usize]) as usize, p.units);
        for &(c, quantity) in flows.components.row(p.source) {
            change(c, p.period as usize, -quantity * p.units);
        }
    }
    for s in &plan.shipments {
        let arc = &model.arcs[s.arc as usize];
        change(arc.from, s.period as usize, -s.units);
        change(arc.to, (s.period + arc.transit) as usize, s.units);
    }
    for d in &plan.deliveries {
        change(d.position, d.period as usize, -d.units);
    }
    changes
}
