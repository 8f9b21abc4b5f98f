//! Bottlenecks: the capacities and supplies that bind in the first solve, with what one more
//! unit of each is worth in demand met, read from the duals and then checked by solving again
//! with the unit added.

use serde::Serialize;

use super::program::{Failure, Program};

/// A constraint that limits the value met.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Bottleneck {
    pub constraint: Constraint,
    /// Value of demand met per extra unit, from the duals: one more hour (or unit) in every
    /// week the program plans it, or one more unit on hand.
    pub marginal: f64,
    /// The weeks in which it binds.
    pub weeks: Vec<u32>,
    /// What solving again with the extra unit gave, when it was checked.
    pub gain: Option<Gain>,
}

/// What a constraint bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Constraint {
    /// Hours per week of a process at a site (a row of `flows.hours`).
    Hours { site: u32, process: u32 },
    /// Units per week of a source (an entry of `graph.sources`).
    Capacity { source: u32 },
    /// Units on hand at the start at a position.
    Stock { position: u32 },
}

/// The value met and the units each target row gains when the first solve runs again with one
/// more unit of a constraint.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Gain {
    pub value: f64,
    /// (target row, units more delivered in its window), for rows that gained.
    pub targets: Vec<(u32, f64)>,
}

/// Duals below this (relative to the largest unit value) are taken as zero.
const DUAL_TOLERANCE: f64 = 1e-9;

impl Program<'_, '_> {
    /// Every constraint that binds in the first solve, the most valuable first; the first
    /// `recheck` are solved again with one more unit each. Call between `maximise_met` and
    /// `minimise_cost`.
    pub fn bottlenecks(&mut self, recheck: usize) -> Result<Vec<Bottleneck>, Failure> {
        let Some((met, solution)) = self.first.clone() else {
            return Err(Failure("the value met must be maximised first".into()));
        };
        let model = self.model;
        let flows = &model.flows;
        let scale = 1.0 + model.targets.iter().map(|t| t.value).fold(0.0, f64::max);
        let tolerance = DUAL_TOLERANCE * scale;
        let mut found = Vec::new();
        let mut add = |constraint: Constraint, duals: &mut dyn Iterator<Item = (u32, f64)>| {
            let (mut marginal, mut weeks) = (0.0, Vec::new());
            for (t, dual) in duals {
                if dual > tolerance {
                    marginal += dual;
                    weeks.push(t);
                }
            }
            if !weeks.is_empty() {
                found.push(Bottleneck { constraint, marginal, weeks, gain: None });
            }
        };
        for (h, span) in self.layout.hours.iter().enumerate() {
            let (site, process, _) = flows.hours[h];
            let mut duals = span.periods().map(|(t, r)| (t, solution.row_duals[r as usize]));
            add(Constraint::Hours { site, process }, &mut duals);
        }
        for (s, span) in self.layout.make.iter().enumerate() {
            let capacity = &model.capacity[s];
            let mut duals = span.periods().filter_map(|(t, c)| {
                let at_bound = solution.cols[c as usize] >= capacity[t as usize] - 1e-9;
                at_bound.then(|| (t, solution.col_duals[c as usize]))
            });
            add(Constraint::Capacity { source: s as u32 }, &mut duals);
        }
        for (q, span) in self.layout.balance.iter().enumerate() {
            if flows.opening[q] <= 0.0 {
                continue;
            }
            // More stock lowers the row's lower bound.
            let mut duals = span.at(0).map(|r| (0, -solution.row_duals[r as usize])).into_iter();
            add(Constraint::Stock { position: q as u32 }, &mut duals);
        }
        found.sort_by(|a, b| b.marginal.total_cmp(&a.marginal));
        // Each check changes one bound or column: the simplex method from the last basis.
        self.session.prefer_interior_point(false);
        for bottleneck in found.iter_mut().take(recheck) {
            bottleneck.gain = Some(self.one_more(bottleneck.constraint, met, &solution)?);
        }
        self.first = Some((met, solution));
        Ok(found)
    }

    /// Solves the first program again with one more unit of `constraint`, then takes it back.
    fn one_more(
        &mut self,
        constraint: Constraint,
        met: f64,
        before: &crate::lp::Solution,
    ) -> Result<Gain, Failure> {
        use crate::lp::{Col, Row};
        let model = self.model;
        let undo: Box<dyn Fn(&mut crate::lp::Session)> = match constraint {
            Constraint::Hours { site, process } => {
                let h = model.flows.hours.iter().position(|&(s, p, _)| s == site && p == process);
                let span = h.map(|h| self.layout.hours[h]).unwrap_or(super::layout::Span::EMPTY);
                let terms: Vec<(Row, f64)> = span.periods().map(|(_, r)| (Row(r), -1.0)).collect();
                let z = self.session.add_col(0.0, 1.0, 1.0, &terms);
                Box::new(move |session| session.set_bounds(z, 0.0, 0.0))
            }
            Constraint::Capacity { source } => {
                let span = self.layout.make[source as usize];
                let capacity = model.capacity[source as usize].clone();
                for (t, c) in span.periods() {
                    self.session.set_bounds(Col(c), 0.0, capacity[t as usize] + 1.0);
                }
                Box::new(move |session| {
                    for (t, c) in span.periods() {
                        session.set_bounds(Col(c), 0.0, capacity[t as usize]);
                    }
                })
            }
            Constraint::Stock { position } => {
                let span = self.layout.balance[position as usize];
                let terms: Vec<(Row, f64)> =
                    span.at(0).map(|r| (Row(r), 1.0)).into_iter().collect();
                let z = self.session.add_col(0.0, 1.0, 1.0, &terms);
                Box::new(move |session| session.set_bounds(z, 0.0, 0.0))
            }
        };
        let after = self.solve();
        undo(&mut self.session);
        let after = after?;
        let delivered = |solution: &crate::lp::Solution| {
            let mut by_target = vec![0.0; model.targets.len()];
            for &(k, _, span) in &self.layout.deliver {
                for (_, c) in span.periods() {
                    by_target[k as usize] += solution.cols[c as usize];
                }
            }
            by_target
        };
        let (old, new) = (delivered(before), delivered(&after));
        let targets = old
            .iter()
            .zip(&new)
            .enumerate()
            .filter(|(_, (o, n))| *n - *o > 1e-9)
            .map(|(k, (o, n))| (k as u32, n - o))
            .collect();
        Ok(Gain { value: after.objective - met, targets })
    }
}
