//! The layout of a model's linear program: which column and row each decision and constraint
//! of each period is (`Span`s over periods), built once with the program's coefficients; and the
//! carrying of a simplex basis from the layout of one model to that of another (a re-plan's),
//! matched by what each column and row stands for.
//!
//! Columns: production of each source in each period it can usefully start (at most its
//! capacity), shipments on each arc in each period it can usefully ship, stock held at each
//! position at the end of each period it can matter, and deliveries to each target row from
//! each of its positions in each period of its window. Rows: stock balance per position and
//! period (what is there, arrives or is made, less what ships, is consumed, is delivered or is
//! held over, is never negative), process hours per site and period, and a target row's
//! deliveries within its quantity.

use rustc_hash::FxHashMap;

use super::model::{Model, Origin, TargetRow};
use super::windows::Window;
use crate::lp::{Basis, Col, Problem, Row};

/// The weeks `first..end` in which `target` takes deliveries from a position whose stock has
/// `window`, if any.
fn delivered(target: &TargetRow, window: Window) -> Option<(u32, u32)> {
    let (first, last) = window?;
    let (first, end) = (target.first.max(first), target.due.min(last + 1));
    (first < end).then_some((first, end))
}

/// The spans of `spans` that hold any column or row, with their index.
fn laid(spans: &[Span]) -> impl Iterator<Item = (u32, Span)> + '_ {
    spans.iter().enumerate().filter(|(_, span)| span.len > 0).map(|(i, &span)| (i as u32, span))
}

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

/// Where every decision and constraint of a model's program is.
pub(crate) struct Layout {
    /// Columns, by source, by arc, by position (stock), and per (target row, position).
    pub(crate) make: Vec<Span>,
    pub(crate) ship: Vec<Span>,
    pub(crate) stock: Vec<Span>,
    pub(crate) deliver: Vec<(u32, u32, Span)>,
    /// Rows, by position (balance), by hours row, and by target row.
    pub(crate) balance: Vec<Span>,
    pub(crate) hours: Vec<Span>,
    pub(crate) targets: Vec<Option<u32>>,
    /// By column: what one unit is worth (first objective) and costs (second).
    pub(crate) worth: Vec<f64>,
    pub(crate) costs: Vec<f64>,
    pub(crate) n_rows: usize,
}

impl Layout {
    /// The layout of `model`'s program, and the program (with the first objective).
    pub(crate) fn new(model: &Model<'_>) -> (Layout, Problem) {
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
                p.row(f64::NEG_INFINITY, model.hours.at(h, t as usize), &[]);
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
                let x = p.col(0.0, 0.0, model.capacity.at(s, t as usize));
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
        let mut targets = vec![None; model.targets.len()];
        for (k, target) in model.targets.iter().enumerate() {
            let mut cols: Vec<(u32, Span)> = Vec::new();
            for &q in &target.positions {
                let Some((first, last)) = delivered(target, windows.position[q as usize]) else {
                    continue;
                };
                let span = balance[q as usize];
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
            targets[k] = Some(p.n_rows() as u32);
            p.row(f64::NEG_INFINITY, target.quantity, &terms);
            deliver.extend(cols.into_iter().map(|(q, span)| (k as u32, q, span)));
        }

        let layout = Layout {
            make,
            ship,
            stock,
            deliver,
            balance,
            hours,
            targets,
            worth: p.costs().to_vec(),
            costs,
            n_rows: p.n_rows(),
        };
        (layout, p)
    }

    /// How many columns `new` lays out for `model`, counted from its windows alone.
    pub(crate) fn columns(model: &Model<'_>) -> u64 {
        let windows = &model.windows;
        let len = |w: &Window| w.map_or(0, |(first, last)| u64::from(last - first + 1));
        let make: u64 = windows.source.iter().map(len).sum();
        let ship: u64 = windows.arc.iter().map(len).sum();
        let stock: u64 = windows.position.iter().map(|w| len(w).saturating_sub(1)).sum();
        let deliver: u64 = model
            .targets
            .iter()
            .flat_map(|target| target.positions.iter().map(move |&q| (target, q)))
            .filter_map(|(target, q)| delivered(target, windows.position[q as usize]))
            .map(|(first, end)| u64::from(end - first))
            .sum();
        make + ship + stock + deliver
    }

    /// `basis`, a basis of `old`'s program (laid out as `old_layout`, with any rows added after
    /// its own), as a basis of this layout's program (`new`'s) with `n_cols` columns and
    /// `n_rows` rows: each column and row takes the status of the one that stands for the same
    /// thing in the same period; the others are at their lower bound (columns) or basic (rows),
    /// and rows added after the layout's own take those of the old rows added after its own.
    pub(crate) fn carry(
        &self,
        new: &Model<'_>,
        old: &Model<'_>,
        old_layout: &Layout,
        basis: &Basis,
        n_cols: usize,
        n_rows: usize,
    ) -> Basis {
        let mut out = Basis { cols: vec![Basis::LOWER; n_cols], rows: vec![Basis::BASIC; n_rows] };
        let copy = |to: &mut [u8], from: &[u8], new_span: Span, old_span: Span| {
            for (t, i) in old_span.periods() {
                if let (Some(j), Some(&status)) = (new_span.at(t), from.get(i as usize))
                    && let Some(slot) = to.get_mut(j as usize)
                {
                    *slot = status;
                }
            }
        };
        // Each column and row of the old program found in the new by what it stands for.
        for (s, span) in laid(&old_layout.make) {
            if let Some(n) = new.source_of(old.source(s)) {
                copy(&mut out.cols, &basis.cols, self.make[n as usize], span);
            }
        }
        for (a, span) in laid(&old_layout.ship) {
            if let Some(n) = new.arc_of(old.arc_key(a)) {
                copy(&mut out.cols, &basis.cols, self.ship[n as usize], span);
            }
        }
        for (q, span) in laid(&old_layout.stock) {
            if let Some(n) = new.position_of(old.position(q)) {
                copy(&mut out.cols, &basis.cols, self.stock[n as usize], span);
            }
        }
        for (q, span) in laid(&old_layout.balance) {
            if let Some(n) = new.position_of(old.position(q)) {
                copy(&mut out.rows, &basis.rows, self.balance[n as usize], span);
            }
        }
        let hours: FxHashMap<(u32, u32), usize> = new
            .flows
            .hours
            .iter()
            .enumerate()
            .map(|(h, &(site, process, _))| ((site, process), h))
            .collect();
        for (h, &span) in old_layout.hours.iter().enumerate() {
            let (site, process, _) = old.flows.hours[h];
            if let Some(&n) = hours.get(&(site, process)) {
                copy(&mut out.rows, &basis.rows, self.hours[n], span);
            }
        }
        // Target rows stand for the same demand: a given target by item, site and due week,
        // the steady demand by position and week.
        let key = |model: &Model<'_>, k: usize| {
            let row = &model.targets[k];
            match row.origin {
                Origin::Target(_) => (0, row.item, row.site.map_or(u32::MAX, |s| s), row.due),
                Origin::Baseline { .. } => {
                    let (site, item) = model.position(row.positions[0]);
                    (1, item, site, row.first)
                }
            }
        };
        let targets: FxHashMap<(u8, u32, u32, u32), usize> =
            (0..new.targets.len()).map(|k| (key(new, k), k)).collect();
        let mut deliveries: FxHashMap<(usize, (u32, u32)), Span> = FxHashMap::default();
        for &(k, q, span) in &self.deliver {
            deliveries.insert((k as usize, new.position(q)), span);
        }
        for &(k, q, span) in &old_layout.deliver {
            if let Some(&n) = targets.get(&key(old, k as usize))
                && let Some(&new_span) = deliveries.get(&(n, old.position(q)))
            {
                copy(&mut out.cols, &basis.cols, new_span, span);
            }
        }
        for (k, row) in old_layout.targets.iter().enumerate() {
            if let (Some(r), Some(&n)) = (row, targets.get(&key(old, k)))
                && let (Some(new_row), Some(&status)) =
                    (self.targets[n], basis.rows.get(*r as usize))
            {
                out.rows[new_row as usize] = status;
            }
        }
        let extra_old = old_layout.n_rows..basis.rows.len();
        for (i, j) in extra_old.zip(self.n_rows..n_rows) {
            out.rows[j] = basis.rows[i];
        }
        out
    }
}
