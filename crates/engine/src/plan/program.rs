//! The linear program of a `Model` loaded into the solver, and its solves: the first
//! maximises the value delivered; the second holds that value and minimises cost (production,
//! freight, new links' set-up). A re-plan starts both from the bases of the plan it changes, and
//! solves the second on a solver of its own while the first checks the bottlenecks.

use serde::{Deserialize, Serialize};

use super::bottleneck::{Bottleneck, binding, check};
use super::layout::Layout;
use super::model::{Model, Origin};
use super::{Delivery, Plan, Production, Shipment};
use crate::lp::{Basis, Col, Outcome, Problem, Sense, Session, Solution, Stop, spread};

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
    /// The program as built, until the cost solve's own solver takes it.
    problem: Option<Problem>,
    /// The solver of the first solve and the bottleneck checks.
    session: Session,
    size: Size,
    /// The smallest and largest magnitude of the numbers of both solves' programs.
    spread: Option<(f64, f64)>,
    /// The value met by the first solve, and its solution.
    pub(crate) first: Option<(f64, Solution)>,
    /// The solution of the second solve.
    second: Option<Solution>,
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

impl Bases {
    /// Whether these are bases of a program of `size`: a status for each of its columns and
    /// rows, and in the second solve's also for the row that holds the value met.
    pub fn fit(&self, size: Size) -> bool {
        let fits = |basis: &Basis, rows: usize| {
            basis.cols.len() == size.columns && basis.rows.len() == rows
        };
        fits(&self.met, size.rows) && fits(&self.cost, size.rows + 1)
    }
}

/// Why a solve gave no plan.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum Failure {
    /// The solver failed, or gave no optimum, on a program of ordinary numbers.
    #[error("the planning program could not be solved: {0}")]
    Solver(String),
    /// The solver failed on a program whose largest number is more than `WIDEST_SPAN` times its
    /// smallest: an amount of the network or the request given in the wrong unit is the likely
    /// cause.
    #[error(
        "the planning program could not be solved: {reason}; the program's numbers run from {low:.2e} to {high:.2e} (the network's and the request's unit values, costs, capacities, hours and bill-of-materials quantities), too wide a spread for the solver: look for an amount given in the wrong unit"
    )]
    TooWide { reason: String, low: f64, high: f64 },
    /// The program would have more columns than the memory given can hold
    /// (`BYTES_PER_COLUMN` each).
    #[error(
        "the planning program would have {} columns, more than the {} that {} of memory can hold (at its peak the solver needs up to about 1.7 KB a column, and a plan is given 3 KB); plan fewer targets, over a shorter horizon, or reserve today's demand instead of letting it compete",
        grouped(.columns),
        grouped(.most),
        model::gibibytes(*.memory)
    )]
    TooLarge { columns: u64, most: u64, memory: u64 },
    /// The solve's `Stop` stopped it.
    #[error("the planning program's solve was stopped")]
    Stopped,
}

fn grouped(n: &u64) -> String {
    model::grouped(*n)
}

/// The memory a program may take for each of its columns. At its peak the solver takes about
/// 1.7 KB a column with the simplex method (1.6 GiB for the 953,069 of the 10,000-site
/// benchmark instance) and less with interior point (2.6 GiB for 2,937,934 columns, still
/// solving after 25 minutes, docs/planning-model.md); the rest leaves room for the network and
/// everything else the process holds. A machine of the kind (24 GiB) holds 8,589,934 columns.
pub const BYTES_PER_COLUMN: u64 = 3_000;

impl<'m, 'g> Program<'m, 'g> {
    /// Builds the program of `model` and loads it into the solver, unless it would have more
    /// columns than `memory` bytes can hold (`BYTES_PER_COLUMN` each).
    pub fn new(model: &'m Model<'g>, memory: u64) -> Result<Program<'m, 'g>, Failure> {
        let columns = Layout::columns(model);
        let most = memory / BYTES_PER_COLUMN;
        if columns > most {
            return Err(Failure::TooLarge { columns, most, memory });
        }
        let (layout, problem) = Layout::new(model);
        let size = Size {
            columns: problem.n_cols(),
            rows: problem.n_rows(),
            nonzeros: problem.n_entries(),
        };
        let session = Session::new(&problem, Sense::Maximise);
        let spread = spread(problem.numbers().chain(layout.costs.iter().copied()));
        let interior = model.targets.iter().any(|t| matches!(t.origin, Origin::Baseline { .. }));
        Ok(Program {
            model,
            layout,
            problem: Some(problem),
            spread,
            session,
            size,
            first: None,
            second: None,
            bases: (None, None),
            cost_start: None,
            interior,
            warm: false,
        })
    }

    pub fn size(&self) -> Size {
        self.size
    }

    /// Starts both solves from the bases a plan of `previous` ended on (a model of the same
    /// network before some events, which this program's model covers: `Model::covering`),
    /// carried over column by column and row by row. `bases` gives them for the size of
    /// `previous`'s program, or none. False when it gives none, when they are not of that size
    /// (`Bases::fit`), or when the solver refused them (the solves then start from nothing).
    pub fn start_from(
        &mut self,
        previous: &Model<'_>,
        bases: impl FnOnce(Size) -> Option<Bases>,
    ) -> bool {
        let (old_layout, old_problem) = Layout::new(previous);
        let old_size = Size {
            columns: old_problem.n_cols(),
            rows: old_problem.n_rows(),
            nonzeros: old_problem.n_entries(),
        };
        drop(old_problem);
        let Some(given) = bases(old_size).filter(|given| given.fit(old_size)) else {
            return false;
        };
        let n_cols = self.size.columns;
        let met = self.layout.carry(
            self.model,
            previous,
            &old_layout,
            &given.met,
            n_cols,
            self.size.rows,
        );
        self.cost_start = Some(self.layout.carry(
            self.model,
            previous,
            &old_layout,
            &given.cost,
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

    /// The first solve: the most value of target demand that can be met, unless `stop` stops
    /// it. Returns that value.
    pub fn maximise_met(&mut self, stop: &dyn Stop) -> Result<f64, Failure> {
        self.session.prefer_interior_point(self.interior && !self.warm);
        let solution = optimum(self.session.solve(stop)).map_err(|f| explained(self.spread, f))?;
        let met = solution.objective;
        self.bases.0 = self.session.basis();
        self.first = Some((met, solution));
        Ok(met)
    }

    /// After the first solve: the bottlenecks, the first `recheck` of them checked by solving
    /// the first program again with one more unit each, and the second solve, the cheapest plan
    /// that still meets the value of the first. The second solve continues from where the checks
    /// leave the first solve's solver; a re-plan's, which starts from its carried basis instead,
    /// runs on a solver of its own on a second thread, side by side with the checks. Every solve
    /// runs until `stop` stops it. Returns the bottlenecks and the cost.
    pub fn bottlenecks_and_cost(
        &mut self,
        recheck: usize,
        stop: &dyn Stop,
    ) -> Result<(Vec<Bottleneck>, f64), Failure> {
        let Some(first) = &self.first else {
            return Err(Failure::Solver("the value met must be maximised first".into()));
        };
        let Some(problem) = self.problem.take() else {
            return Err(Failure::Solver("the cost has been minimised already".into()));
        };
        let (met, model, layout) = (first.0, self.model, &self.layout);
        let panicked = || Failure::Solver("a planning thread panicked".into());
        let hold = met - HOLD * met.abs().max(1.0);
        let hold_terms: Vec<(Col, f64)> = layout
            .worth
            .iter()
            .enumerate()
            .filter(|(_, w)| **w != 0.0)
            .map(|(c, &w)| (Col(c as u32), w))
            .collect();
        let mut found = binding(layout, model, &first.1);
        let (checked, second) = match self.cost_start.take() {
            Some(carried) => {
                let mut problem = problem;
                problem.row(hold, f64::INFINITY, &hold_terms);
                problem.costs.copy_from_slice(&layout.costs);
                let interior = self.interior;
                std::thread::scope(|scope| {
                    let second = scope.spawn(move || {
                        let mut session = Session::new(&problem, Sense::Minimise);
                        drop(problem);
                        let started = session.set_basis(&carried);
                        session.prefer_interior_point(interior && !started);
                        let solution = optimum(session.solve(stop))?;
                        Ok((solution, session.basis()))
                    });
                    let session = &mut self.session;
                    let checked = check(session, layout, model, first, &mut found, recheck, stop);
                    (checked, second.join().unwrap_or_else(|_| Err(panicked())))
                })
            }
            None => {
                drop(problem);
                let session = &mut self.session;
                check(session, layout, model, first, &mut found, recheck, stop)?;
                session.add_row(hold, f64::INFINITY, &hold_terms);
                session.set_objective(&layout.costs, Sense::Minimise);
                session.prefer_interior_point(self.interior);
                let second = optimum(session.solve(stop)).map(|s| (s, session.basis()));
                (Ok(()), second)
            }
        };
        checked.map_err(|f| explained(self.spread, f))?;
        let (solution, basis) = second.map_err(|f| explained(self.spread, f))?;
        self.bases.1 = basis;
        let cost = solution.objective;
        self.second = Some(solution);
        Ok((found, cost))
    }

    /// The plan of the last solve.
    pub fn plan(&self) -> Plan {
        let Some(solution) = self.second.as_ref().or(self.first.as_ref().map(|f| &f.1)) else {
            return Plan::default();
        };
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

/// A program whose largest number is more than this many times its smallest is more than the
/// solver's arithmetic can be trusted with (ten powers of ten; the sample's programs span six,
/// the generated networks' about five).
const WIDEST_SPAN: f64 = 1e10;

/// A solver's `failure` as `Failure::TooWide` when the program's numbers spread too widely to
/// be solved reliably.
pub(crate) fn explained(spread: Option<(f64, f64)>, failure: Failure) -> Failure {
    match (spread, failure) {
        (Some((low, high)), Failure::Solver(reason)) if high > WIDEST_SPAN * low => {
            Failure::TooWide { reason, low, high }
        }
        (_, failure) => failure,
    }
}

/// The solution of an optimal outcome; any other outcome is a failure.
pub(crate) fn optimum(outcome: Outcome) -> Result<Solution, Failure> {
    match outcome {
        Outcome::Optimal(solution) => Ok(solution),
        Outcome::Infeasible => Err(Failure::Solver("HiGHS found the program infeasible".into())),
        Outcome::Unbounded => Err(Failure::Solver("HiGHS found the program unbounded".into())),
        Outcome::Stopped => Err(Failure::Stopped),
        Outcome::Failed(why) => Err(Failure::Solver(why)),
    }
}
