//! Bottlenecks: the capacities and supplies that bind in the first solve, with what one more
//! unit of each is worth in demand met, read from the duals and then checked by solving again
//! with the unit added.

use serde::Serialize;

use super::layout::{Layout, Span};
use super::model::Model;
use super::program::{Failure, optimum};
use crate::lp::{Col, Row, Session, Solution, Stop};

/// A constraint that limits the value met.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Bottleneck {
    pub constraint: Constraint,
    /// Value of demand met per extra unit, from the duals: one more hour (or unit) in every
    /// week the program plans it and it works, or one more unit on hand.
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

/// The value met and the units each target row gains or loses when the first solve runs again
/// with one more unit of a constraint. Where the program has several optima, the new solution
/// can deliver to other target rows of the same value than the first did: those rows lose what
/// the others gain, and the changes times the rows' values sum to `value`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Gain {
    pub value: f64,
    /// (target row, units more (or, when negative, fewer) delivered in its window), for rows
    /// that changed.
    pub targets: Vec<(u32, f64)>,
}

/// Duals below this (relative to the largest unit value) are taken as zero.
const DUAL_TOLERANCE: f64 = 1e-9;

/// Every constraint that binds in the first solve (`solution`, of the program laid out as
/// `layout`), the most valuable first, unchecked. A source or process binds only in the weeks it
/// works: in a week it is down (or not yet started), the outage binds, not its capacity.
pub(super) fn binding(layout: &Layout, model: &Model<'_>, solution: &Solution) -> Vec<Bottleneck> {
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
    for (h, span) in layout.hours.iter().enumerate() {
        let (site, process, _) = flows.hours[h];
        let up = model.hours_up.row(h);
        let mut duals = span
            .periods()
            .filter(|&(t, _)| up.at(t as usize))
            .map(|(t, r)| (t, solution.row_duals[r as usize]));
        add(Constraint::Hours { site, process }, &mut duals);
    }
    for (s, span) in layout.make.iter().enumerate() {
        let (capacity, up) = (model.capacity.row(s), model.source_up.row(s));
        let mut duals = span.periods().filter_map(|(t, c)| {
            let at_bound =
                up.at(t as usize) && solution.cols[c as usize] >= capacity.at(t as usize) - 1e-9;
            at_bound.then(|| (t, solution.col_duals[c as usize]))
        });
        add(Constraint::Capacity { source: s as u32 }, &mut duals);
    }
    for (q, span) in layout.balance.iter().enumerate() {
        if flows.opening[q] <= 0.0 {
            continue;
        }
        // More stock lowers the row's lower bound.
        let mut duals = span.at(0).map(|r| (0, -solution.row_duals[r as usize])).into_iter();
        add(Constraint::Stock { position: q as u32 }, &mut duals);
    }
    found.sort_by(|a, b| b.marginal.total_cmp(&a.marginal));
    found
}

/// Checks the first `recheck` of `found` by solving the first program again with one more unit
/// each (`first`: the value it met and its solution), on `session`, which is left with the
/// program as it was; each solve runs until `stop` stops it.
pub(super) fn check(
    session: &mut Session,
    layout: &Layout,
    model: &Model<'_>,
    first: &(f64, Solution),
    found: &mut [Bottleneck],
    recheck: usize,
    stop: &dyn Stop,
) -> Result<(), Failure> {
    // Each check changes bounds only: the simplex method from the last basis.
    session.prefer_interior_point(false);
    let (met, solution) = first;
    for bottleneck in found.iter_mut().take(recheck) {
        let constraint = bottleneck.constraint;
        let before = (*met, solution);
        bottleneck.gain = Some(one_more(session, layout, model, constraint, before, stop)?);
    }
    Ok(())
}

/// Solves the first program again with one more unit of `constraint`, then takes it back.
fn one_more(
    session: &mut Session,
    layout: &Layout,
    model: &Model<'_>,
    constraint: Constraint,
    (met, before): (f64, &Solution),
    stop: &dyn Stop,
) -> Result<Gain, Failure> {
    // One more hour in every week it works raises the upper bounds of the process's hours rows
    // by one, one more unit of a source those of its production columns, and one more unit on
    // hand lowers the lower bound of the position's first balance row by one. Each entry
    // holds the bounds before and with the extra unit.
    type Bounds = (f64, f64);
    let mut rows: Vec<(Row, Bounds, Bounds)> = Vec::new();
    let mut cols: Vec<(Col, f64, f64)> = Vec::new();
    match constraint {
        Constraint::Hours { site, process } => {
            let h = model.flows.hours.iter().position(|&(s, p, _)| s == site && p == process);
            let span = h.map(|h| layout.hours[h]).unwrap_or(Span::EMPTY);
            let up = h.map(|h| model.hours_up.row(h));
            for (_, r) in span.periods().filter(|&(t, _)| up.is_some_and(|up| up.at(t as usize))) {
                let (lower, upper) = session.row_bounds(Row(r));
                rows.push((Row(r), (lower, upper), (lower, upper + 1.0)));
            }
        }
        Constraint::Capacity { source } => {
            let (capacity, up) =
                (model.capacity.row(source as usize), model.source_up.row(source as usize));
            for (t, c) in layout.make[source as usize].periods().filter(|&(t, _)| up.at(t as usize))
            {
                let upper = capacity.at(t as usize);
                cols.push((Col(c), upper, upper + 1.0));
            }
        }
        Constraint::Stock { position } => {
            if let Some(r) = layout.balance[position as usize].at(0) {
                let (lower, upper) = session.row_bounds(Row(r));
                rows.push((Row(r), (lower, upper), (lower - 1.0, upper)));
            }
        }
    }
    for &(r, _, (lower, upper)) in &rows {
        session.set_row_bounds(r, lower, upper);
    }
    for &(c, _, upper) in &cols {
        session.set_bounds(c, 0.0, upper);
    }
    let after = optimum(session.solve(stop));
    for &(r, (lower, upper), _) in &rows {
        session.set_row_bounds(r, lower, upper);
    }
    for &(c, upper, _) in &cols {
        session.set_bounds(c, 0.0, upper);
    }
    let after = after?;
    let delivered = |solution: &Solution| {
        let mut by_target = vec![0.0; model.targets.len()];
        for &(k, _, span) in &layout.deliver {
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
        .filter(|(_, (o, n))| (*n - *o).abs() > 1e-9)
        .map(|(k, (o, n))| (k as u32, n - o))
        .collect();
    Ok(Gain { value: after.objective - met, targets })
}
