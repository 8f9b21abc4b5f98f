//! The linear program of a `Model` loaded into the solver, and its solves: the first
//! maximises the value delivered; the second holds that value and minimises cost (production,
//! freight, new links' set-up). A re-plan starts both from the bases of the plan it changes.

use serde::{Deserialize, Serialize};

use super::layout::Layout;
use super::model::{Model, Origin};
use super::{Delivery, Plan, Production, Shipment};
use crate::lp::{Basis, Col, Outcome, Sense, Session, Solution};

/// Values below this are left out of plans.
pub(crate) const ZERO: f64 = 1e-9;

/// The second solve may give up this much of the value met (relative), for the solver's
/// tolerances.
const HOLD: f64 = 1e-9;

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
    pub(crate) layout: Layout,
    pub(crate) session: Session,
    size: Size,
    /// The value met by the first solve, and its solution.
    pub(crate) first: Option<(f64, Solution)>,
    last: Option<Solution>,
    /// The bases the solves ended on.
    bases: (Option<Basis>, Option<Basis>),
    /// A re-plan's start for the second solve, carried from the plan it changes.
    cost_start: Option<Basis>,
    /// Solve from nothing by the interior point method: programs where the steady demand
    /// competes week by week are so degenerate that the simplex method crawls (measured:
    /// docs/benchmarks.md).
    interior: bool,
    /// Whether the first solve starts from a carried basis.
    warm: bool,
}

/// The bases a plan's two solves ended on, which a re-plan starts from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bases {
    pub met: Basis,
    pub cost: Basis,
}

/// Why a solve gave no plan.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("the planning program could not be solved: {0}")]
pub struct Failure(pub String);

impl<'m, 'g> Program<'m, 'g> {
    /// Builds the program of `model` and loads it into the solver.
    pub fn new(model: &'m Model<'g>) -> Program<'m, 'g> {
        let (layout, problem) = Layout::new(model);
        let size = Size {
            columns: problem.n_cols(),
            rows: problem.n_rows(),
            nonzeros: problem.n_entries(),
        };
        let session = Session::new(&problem, Sense::Maximise);
        let interior = model.targets.iter().any(|t| matches!(t.origin, Origin::Baseline { .. }));
        Program {
            model,
            layout,
            session,
            size,
            first: None,
            last: None,
            bases: (None, None),
            cost_start: None,
            interior,
            warm: false,
        }
    }

    pub fn size(&self) -> Size {
        self.size
    }

    /// Starts both solves from the bases `bases` of a plan of `previous` (a model of the same
    /// network before some events, which this program's model covers: `Model::cover`), carried
    /// over column by column and row by row. False when the solver refused them (the solves then
    /// start from nothing).
    pub fn start_from(&mut self, previous: &Model<'_>, bases: &Bases) -> bool {
        let (old_layout, _) = Layout::new(previous);
        let n_cols = self.size.columns;
        let met = self.layout.carry(
            self.model,
            previous,
            &old_layout,
            &bases.met,
            n_cols,
            self.size.rows,
        );
        self.cost_start = Some(self.layout.carry(
            self.model,
            previous,
            &old_layout,
            &bases.cost,
            n_cols,
            self.size.rows + 1,
        ));
        self.warm = self.session.set_basis(&met);
        self.warm
    }

    /// The bases the two solves ended on, once both have run.
    pub fn bases(&self) -> Option<Bases> {
        let (met, cost) = (self.bases.0.clone()?, self.bases.1.clone()?);
        Some(Bases { met, cost })
    }

    /// The first solve: the most value of target demand that can be met. Returns that value.
    pub fn maximise_met(&mut self) -> Result<f64, Failure> {
        self.session.prefer_interior_point(self.interior && !self.warm);
        let solution = self.solve()?;
        let met = solution.objective;
        self.bases.0 = self.session.basis();
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
            .layout
            .worth
            .iter()
            .enumerate()
            .filter(|(_, w)| **w != 0.0)
            .map(|(c, &w)| (Col(c as u32), w))
            .collect();
        self.session.add_row(hold, f64::INFINITY, &terms);
        self.session.set_objective(&self.layout.costs, Sense::Minimise);
        let started = self.cost_start.take().is_some_and(|mut start| {
            // Columns the bottleneck checks added since are at their lower bound.
            start.cols.resize(self.session.n_cols(), Basis::LOWER);
            self.session.set_basis(&start)
        });
        self.session.prefer_interior_point(self.interior && !started);
        let cost = self.solve()?.objective;
        self.bases.1 = self.session.basis();
        Ok(cost)
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
        for (s, span) in self.layout.make.iter().enumerate() {
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
        for (a, span) in self.layout.ship.iter().enumerate() {
            for (t, c) in span.periods() {
                if value(c) > ZERO {
                    plan.shipments.push(Shipment { arc: a as u32, period: t, units: value(c) });
                }
            }
        }
        for &(k, q, span) in &self.layout.deliver {
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
