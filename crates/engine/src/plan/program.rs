//! The linear program of a `Model` and its two solves.
//!
//! Columns: production of each source in each period it can usefully start (at most its
//! capacity), shipments on each arc in each period it can usefully ship, stock held at each
//! position at the end of each period it can matter, and deliveries to each target row from
//! each of its positions in each period of its window. Rows: stock balance per position and
//! period (what is there, arrives or is made, less what ships, is consumed, is delivered or is
//! held over, is never negative), process hours per site and period, and a target row's
//! deliveries within its quantity. The first solve maximises the value delivered; the second
//! holds that value and minimises cost (production, freight, new links' set-up).

use serde::{Deserialize, Serialize};

use super::check::stock_levels;
use super::model::Model;
use super::{Delivery, Plan, Production, Shipment};
use crate::lp::{Col, Outcome, Problem, Row, Sense, Session, Solution};

/// Values below this are left out of plans.
pub(crate) const ZERO: f64 = 1e-9;

/// The second solve may give up this much of the value met (relative), for the solver's
/// tolerances.
const HOLD: f64 = 1e-9;

/// Consecutive columns or rows, one per period from `first`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Span {
    pub(crate) start: u32,
    pub(crate) first: u32,
    pub(crate) len: u32,
}

impl Span {
    pub(crate) const EMPTY: Span = Span { start: 0, first: 0, len: 0 };

    /// The index for period `t`, if the span covers it.
    pub(crate) fn at(self, t: u32) -> Option<u32> {
        let k = t.checked_sub(self.first)?;
        (k < self.len).then_some(self.start + k)
    }

    pub(crate) fn periods(self) -> impl Iterator<Item = (u32, u32)> {
        (0..self.len).map(move |k| (self.first + k, self.start + k))
    }
}

/// The size of a program.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Size {
    pub columns: usize,
    pub rows: usize,
    pub nonzeros: usize,
}

/// The program of a model, loaded into the solver.
pub struct Program<'m, 'g> {
    pub(crate) model: &'m Model<'g>,
    pub(crate) session: Session,
    size: Size,
    /// By column: what one unit is worth (first objective) and costs (second).
    pub(crate) worth: Vec<f64>,
    costs: Vec<f64>,
    /// Columns, by source, by arc, by position (stock), and per (target row, position).
    pub(crate) make: Vec<Span>,
    pub(crate) ship: Vec<Span>,
    pub(crate) stock: Vec<Span>,
    pub(crate) deliver: Vec<(u32, u32, Span)>,
    /// Rows, by position (balance) and by hours row.
    pub(crate) balance: Vec<Span>,
    pub(crate) hours: Vec<Span>,
    /// The value met by the first solve, and its solution.
    pub(crate) first: Option<(f64, Solution)>,
    /// The cost of the second solve.
    cost: Option<f64>,
    last: Option<Solution>,
}

/// Why a solve gave no plan.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("the planning program could not be solved: {0}")]
pub struct Failure(pub String);

impl<'m, 'g> Program<'m, 'g> {
    /// Builds the program of `model` and loads it into the solver.
    pub fn new(model: &'m Model<'g>) -> Program<'m, 'g> {
        let flows = &model.flows;
        let windows = &model.windows;
        let mut p = Problem::default();
        let mut costs = Vec::new();

        // Balance rows: Σ in − Σ out ≥ −(opening + what arrives from before the plan).
        let mut balance = vec![Span::EMPTY; flows.positions.len()];
        for (q, window) in windows.position.iter().enumerate() {
            let Some((first, last)) = *window else { continue };
            let start = p.n_rows() as u32;
            for t in first..=last {
                let mut fixed: f64 =
                    model.pipeline.row(q as u32).iter().filter(|a| a.0 == t).map(|a| a.1).sum();
                if t == 0 {
                    fixed += flows.opening[q];
                }
                p.row(-fixed, f64::INFINITY, &[]);
            }
            balance[q] = Span { start, first, len: last - first + 1 };
        }
        // Hours rows over the periods any source using them can start in.
        let mut hour_periods: Vec<Option<(u32, u32)>> = vec![None; flows.hours.len()];
        for (s, window) in windows.source.iter().enumerate() {
            let Some((first, last)) = *window else { continue };
            for &(h, _) in flows.hours_use.row(s as u32) {
                let span = &mut hour_periods[h as usize];
                *span = Some(span.map_or((first, last), |(a, b)| (a.min(first), b.max(last))));
            }
        }
        let mut hours = vec![Span::EMPTY; flows.hours.len()];
        for (h, span) in hour_periods.iter().enumerate() {
            let Some((first, last)) = *span else { continue };
            let start = p.n_rows() as u32;
            for t in first..=last {
                p.row(f64::NEG_INFINITY, model.hours[h][t as usize], &[]);
            }
            hours[h] = Span { start, first, len: last - first + 1 };
        }
        let row = |span: Span, t: u32| span.at(t).map(Row);

        // Production.
        let mut make = vec![Span::EMPTY; flows.sources.len()];
        for (s, window) in windows.source.iter().enumerate() {
            let Some((first, last)) = *window else { continue };
            let source = &flows.sources[s];
            let lead = model.lead[s];
            let start = p.n_cols() as u32;
            for t in first..=last {
                let x = p.col(0.0, 0.0, model.capacity[s][t as usize]);
                costs.push(model.unit_cost[s]);
                if let Some(r) = row(balance[source.position as usize], t + lead) {
                    p.add_term(r, x, 1.0);
                }
                for &(c, quantity) in flows.components.row(s as u32) {
                    if let Some(r) = row(balance[c as usize], t) {
                        p.add_term(r, x, -quantity);
                    }
                }
                for &(h, per_unit) in flows.hours_use.row(s as u32) {
                    if let Some(r) = row(hours[h as usize], t) {
                        p.add_term(r, x, per_unit);
                    }
                }
            }
            make[s] = Span { start, first, len: last - first + 1 };
        }
        // Shipments.
        let mut ship = vec![Span::EMPTY; model.arcs.len()];
        for (a, window) in windows.arc.iter().enumerate() {
            let Some((first, last)) = *window else { continue };
            let arc = &model.arcs[a];
            let start = p.n_cols() as u32;
            for t in first..=last {
                let limit = arc.limit.as_ref().map_or(f64::INFINITY, |l| l[t as usize]);
                let y = p.col(0.0, 0.0, limit);
                costs.push(arc.freight + arc.setup);
                if let Some(r) = row(balance[arc.from as usize], t) {
                    p.add_term(r, y, -1.0);
                }
                if let Some(r) = row(balance[arc.to as usize], t + arc.transit) {
                    p.add_term(r, y, 1.0);
                }
            }
            ship[a] = Span { start, first, len: last - first + 1 };
        }
        // Stock held over from one period to the next.
        let mut stock = vec![Span::EMPTY; flows.positions.len()];
        for (q, span) in balance.iter().enumerate() {
            if span.len < 2 {
                continue;
            }
            let start = p.n_cols() as u32;
            for t in span.first..span.first + span.len - 1 {
                let held = p.col(0.0, 0.0, f64::INFINITY);
                costs.push(0.0);
                p.add_term(Row(span.at(t).unwrap_or_default()), held, -1.0);
                p.add_term(Row(span.at(t + 1).unwrap_or_default()), held, 1.0);
            }
            stock[q] = Span { start, first: span.first, len: span.len - 1 };
        }
        // Deliveries, and each target row's quantity.
        let mut deliver = Vec::new();
        for (k, target) in model.targets.iter().enumerate() {
            let mut cols: Vec<(u32, Span)> = Vec::new();
            for &q in &target.positions {
                let span = balance[q as usize];
                let first = target.first.max(span.first);
                let last = target.due.min(span.first + span.len);
                if span.len == 0 || first >= last {
                    continue;
                }
                let start = p.n_cols() as u32;
                for t in first..last {
                    let d = p.col(target.value, 0.0, f64::INFINITY);
                    costs.push(0.0);
                    p.add_term(Row(span.at(t).unwrap_or_default()), d, -1.0);
                }
                cols.push((q, Span { start, first, len: last - first }));
            }
            if cols.is_empty() {
                continue;
            }
            let terms: Vec<(Col, f64)> = cols
                .iter()
                .flat_map(|&(_, span)| span.periods().map(|(_, c)| (Col(c), 1.0)))
                .collect();
            p.row(f64::NEG_INFINITY, target.quantity, &terms);
            deliver.extend(cols.into_iter().map(|(q, span)| (k as u32, q, span)));
        }

        let size = Size { columns: p.n_cols(), rows: p.n_rows(), nonzeros: p.n_entries() };
        let worth = p.costs().to_vec();
        let session = Session::new(&p, Sense::Maximise);
        Program {
            model,
            session,
            size,
            worth,
            costs,
            make,
            ship,
            stock,
            deliver,
            balance,
            hours,
            first: None,
            cost: None,
            last: None,
        }
    }

    pub fn size(&self) -> Size {
        self.size
    }

    /// Starts the first solve from `plan` (a plan of a model of the same network, as after an
    /// event): its production, shipments and deliveries where the columns still exist, and the
    /// stock they leave. False when the solver refused the point.
    pub fn start_from(&mut self, plan: &Plan) -> bool {
        let mut cols = vec![0.0; self.size.columns];
        for p in &plan.production {
            if let Some(c) = self.make.get(p.source as usize).and_then(|s| s.at(p.period)) {
                cols[c as usize] = p.units;
            }
        }
        for s in &plan.shipments {
            if let Some(c) = self.ship.get(s.arc as usize).and_then(|span| span.at(s.period)) {
                cols[c as usize] = s.units;
            }
        }
        let mut by_target: rustc_hash::FxHashMap<(u32, u32), Span> =
            rustc_hash::FxHashMap::default();
        for &(k, q, span) in &self.deliver {
            by_target.insert((k, q), span);
        }
        for d in &plan.deliveries {
            if let Some(c) = by_target.get(&(d.target, d.position)).and_then(|s| s.at(d.period)) {
                cols[c as usize] = d.units;
            }
        }
        let levels = stock_levels(self.model, plan);
        for (q, span) in self.stock.iter().enumerate() {
            for (t, c) in span.periods() {
                cols[c as usize] = levels[q][t as usize].max(0.0);
            }
        }
        self.session.start_from(&cols)
    }

    /// The first solve: the most value of target demand that can be met. Returns that value.
    pub fn maximise_met(&mut self) -> Result<f64, Failure> {
        let solution = self.solve()?;
        let met = solution.objective;
        self.first = Some((met, solution));
        Ok(met)
    }

    /// The second solve: the cheapest plan that still meets the value of the first.
    pub fn minimise_cost(&mut self) -> Result<f64, Failure> {
        let Some((met, _)) = &self.first else {
            return Err(Failure("the value met must be maximised first".into()));
        };
        let hold = met - HOLD * met.abs().max(1.0);
        let terms: Vec<(Col, f64)> = self
            .worth
            .iter()
            .enumerate()
            .filter(|(_, w)| **w != 0.0)
            .map(|(c, &w)| (Col(c as u32), w))
            .collect();
        self.session.add_row(hold, f64::INFINITY, &terms);
        self.session.set_objective(&self.costs, Sense::Minimise);
        let cost = self.solve()?.objective;
        self.cost = Some(cost);
        Ok(cost)
    }

    /// A third solve, for re-plans: among plans that meet the same value at the same cost, the
    /// one that starts least production and ships least where `previous` did not (weighted by
    /// the item's unit value), so equally good alternatives do not show up as changes.
    pub fn stay_close(&mut self, previous: &Plan) -> Result<(), Failure> {
        let Some(cost) = self.cost else {
            return Err(Failure("the cost must be minimised first".into()));
        };
        let terms: Vec<(Col, f64)> = self
            .costs
            .iter()
            .enumerate()
            .filter(|(_, c)| **c != 0.0)
            .map(|(c, &w)| (Col(c as u32), w))
            .collect();
        self.session.add_row(f64::NEG_INFINITY, cost + HOLD * cost.abs().max(1.0), &terms);
        let model = self.model;
        let value = |item: u32| model.graph.items[item as usize].unit_value.max(1e-6);
        let mut weights = vec![0.0; self.worth.len()];
        for (s, span) in self.make.iter().enumerate() {
            let item = model.flows.sources[s].item;
            for (_, c) in span.periods() {
                weights[c as usize] = value(item);
            }
        }
        for (a, span) in self.ship.iter().enumerate() {
            let item = model.arcs[a].item;
            for (_, c) in span.periods() {
                weights[c as usize] = value(item);
            }
        }
        for p in &previous.production {
            if let Some(c) = self.make.get(p.source as usize).and_then(|s| s.at(p.period)) {
                weights[c as usize] = 0.0;
            }
        }
        for s in &previous.shipments {
            if let Some(c) = self.ship.get(s.arc as usize).and_then(|span| span.at(s.period)) {
                weights[c as usize] = 0.0;
            }
        }
        self.session.set_objective(&weights, Sense::Minimise);
        self.solve().map(|_| ())
    }

    /// Solves the program as it stands and keeps the solution.
    pub(crate) fn solve(&mut self) -> Result<Solution, Failure> {
        match self.session.solve() {
            Outcome::Optimal(solution) => {
                self.last = Some(solution.clone());
                Ok(solution)
            }
            Outcome::Infeasible => Err(Failure("HiGHS found the program infeasible".into())),
            Outcome::Unbounded => Err(Failure("HiGHS found the program unbounded".into())),
            Outcome::Failed(why) => Err(Failure(why)),
        }
    }

    /// The plan of the last solve.
    pub fn plan(&self) -> Plan {
        let Some(solution) = &self.last else { return Plan::default() };
        let value = |c: u32| solution.cols[c as usize];
        let mut plan = Plan::default();
        for (s, span) in self.make.iter().enumerate() {
            for (t, c) in span.periods() {
                if value(c) > ZERO {
                    plan.production.push(Production {
                        source: s as u32,
                        period: t,
                        units: value(c),
                    });
                }
            }
        }
        for (a, span) in self.ship.iter().enumerate() {
            for (t, c) in span.periods() {
                if value(c) > ZERO {
                    plan.shipments.push(Shipment { arc: a as u32, period: t, units: value(c) });
                }
            }
        }
        for &(k, q, span) in &self.deliver {
            for (t, c) in span.periods() {
                if value(c) > ZERO {
                    plan.deliveries.push(Delivery {
                        target: k,
                        position: q,
                        period: t,
                        units: value(c),
                    });
                }
            }
        }
        plan
    }
}
