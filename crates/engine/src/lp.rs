//! Linear programs: our own `Problem` type, and the one place that calls HiGHS.
//!
//! Engines build a `Problem` (columns with bounds and costs, rows over columns with bounds) and
//! get an `Outcome` back; infeasible and unbounded programs are outcomes, not errors.

mod highs_solver;

use std::time::Duration;

pub use highs_solver::{Basis, Session, solve};

/// When a solve stops, ending as `Outcome::Stopped`. It is asked from the thread of any solve
/// it is given to. A function `Fn() -> bool` is one: `now`, with no time limit.
pub trait Stop: Sync {
    /// Whether to stop now: asked in every iteration of a solve.
    fn now(&self) -> bool;

    /// The time a solve has left, asked as it starts: the solver keeps to it even where it asks
    /// nothing (HiGHS's presolve). None: as long as it takes.
    fn time_left(&self) -> Option<Duration> {
        None
    }

    /// Told, as a solve goes, of each iteration it completes (`Iteration::count` restarts with
    /// each method a solve goes through).
    fn iterated(&self, _at: Iteration) {}
}

/// Where a solve stands: the method working and the iterations it has completed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Iteration {
    pub method: Method,
    pub count: u64,
}

/// A method a solve goes through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Simplex,
    InteriorPoint,
}

impl Method {
    /// Its name in words.
    pub fn name(self) -> &'static str {
        match self {
            Method::Simplex => "simplex",
            Method::InteriorPoint => "interior point",
        }
    }
}

impl<F: Fn() -> bool + Sync> Stop for F {
    fn now(&self) -> bool {
        self()
    }
}

/// A column (variable) of a problem.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Col(pub u32);

/// A row (constraint) of a problem.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Row(pub u32);

/// Whether to minimise or maximise the objective.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sense {
    Minimise,
    Maximise,
}

/// The smallest and largest magnitude of the nonzero numbers among `numbers`, if any.
pub fn spread(numbers: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    numbers.into_iter().map(f64::abs).filter(|a| *a > 0.0).fold(None, |range, a| match range {
        None => Some((a, a)),
        Some((low, high)) => Some((a.min(low), a.max(high))),
    })
}

/// A linear program: `sense` c·x subject to row bounds on A·x and column bounds on x.
#[derive(Clone, Debug, Default)]
pub struct Problem {
    pub(crate) costs: Vec<f64>,
    pub(crate) col_lower: Vec<f64>,
    pub(crate) col_upper: Vec<f64>,
    pub(crate) row_lower: Vec<f64>,
    pub(crate) row_upper: Vec<f64>,
    /// (row, column, coefficient) triplets.
    pub(crate) entries: Vec<(u32, u32, f64)>,
}

impl Problem {
    /// Adds a column with objective coefficient `cost` and bounds `lower..=upper`
    /// (`f64::INFINITY` for none).
    pub fn col(&mut self, cost: f64, lower: f64, upper: f64) -> Col {
        self.costs.push(cost);
        self.col_lower.push(lower);
        self.col_upper.push(upper);
        Col(self.costs.len() as u32 - 1)
    }

    /// Adds a row `lower <= Σ coefficient·column <= upper`.
    pub fn row(&mut self, lower: f64, upper: f64, terms: &[(Col, f64)]) -> Row {
        let row = self.row_lower.len() as u32;
        self.row_lower.push(lower);
        self.row_upper.push(upper);
        self.entries.extend(terms.iter().filter(|(_, a)| *a != 0.0).map(|&(c, a)| (row, c.0, a)));
        Row(row)
    }

    /// Adds a term to an existing row.
    pub fn add_term(&mut self, row: Row, col: Col, coefficient: f64) {
        if coefficient != 0.0 {
            self.entries.push((row.0, col.0, coefficient));
        }
    }

    /// Changes a column's objective coefficient.
    pub fn set_cost(&mut self, col: Col, cost: f64) {
        self.costs[col.0 as usize] = cost;
    }

    /// Changes a column's bounds.
    pub fn set_bounds(&mut self, col: Col, lower: f64, upper: f64) {
        self.col_lower[col.0 as usize] = lower;
        self.col_upper[col.0 as usize] = upper;
    }

    pub fn n_cols(&self) -> usize {
        self.costs.len()
    }

    pub fn n_rows(&self) -> usize {
        self.row_lower.len()
    }

    /// The number of nonzero coefficients.
    pub fn n_entries(&self) -> usize {
        self.entries.len()
    }

    /// Its coefficients and its costs.
    pub fn numbers(&self) -> impl Iterator<Item = f64> + '_ {
        self.entries.iter().map(|e| e.2).chain(self.costs.iter().copied())
    }

    /// The objective coefficients, by column.
    pub fn costs(&self) -> &[f64] {
        &self.costs
    }
}

/// How a solve ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Optimal(Solution),
    Infeasible,
    Unbounded,
    /// The solve's `Stop` stopped it.
    Stopped,
    /// The solver stopped without a proof either way (an iteration limit, a numerical failure);
    /// the text says why.
    Failed(String),
}

/// An optimal solution.
#[derive(Clone, Debug, PartialEq)]
pub struct Solution {
    pub objective: f64,
    pub cols: Vec<f64>,
    /// Duals of the rows: the change of the objective per unit of a row's binding bound.
    pub row_duals: Vec<f64>,
    /// Reduced costs of the columns: the change of the objective per unit of a column's binding
    /// bound.
    pub col_duals: Vec<f64>,
}

impl Solution {
    pub fn value(&self, col: Col) -> f64 {
        self.cols[col.0 as usize]
    }
}

#[cfg(test)]
mod tests;
