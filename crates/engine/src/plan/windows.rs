//! The periods in which each decision can matter, so the program holds no column that could
//! never change what is met: stock reaches a position no earlier than it can get there (from
//! stock on hand, goods on their way, or production as soon as its components can be there),
//! and is useful no later than the last period from which it can still reach a target in time.
//! Both are shortest-path sweeps (earliest forward, latest backward) with lead times as lengths,
//! over the positions upstream of a target (`Model::upstream`): no other has a window.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::model::Model;
use crate::graph::Csr;

/// Periods `first..=last`.
pub(crate) type Window = Option<(u32, u32)>;

#[derive(Debug, Default)]
pub(crate) struct Windows {
    /// By position: from the first period stock can be there to the last it is useful.
    pub(crate) position: Vec<Window>,
    /// By source: the periods it can usefully start production in.
    pub(crate) source: Vec<Window>,
    /// By arc: the periods it can usefully ship in.
    pub(crate) arc: Vec<Window>,
    /// By position: the first period a unit made from nothing on hand (no stock, nothing on its
    /// way) can be there, and the arc or source it comes by.
    pub(crate) fresh: Vec<(u32, Via)>,
}

/// How the earliest unit reaches a position.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Via {
    Never,
    Stock,
    Source(u32),
    Arc(u32),
}

impl Windows {
    pub(crate) fn new(model: &Model<'_>) -> Windows {
        let flows = &model.flows;
        let n = flows.positions.len();
        let horizon = model.horizon;
        // Only positions upstream of a target can have a window, and the times of those come
        // from upstream alone: the sweeps leave the rest (never reached).
        let upstream = &model.upstream;
        // By component position: the sources upstream that use it.
        let users = Csr::from_pairs(
            n,
            (0..flows.sources.len() as u32)
                .filter(|&s| upstream[flows.sources[s as usize].position as usize])
                .flat_map(|s| flows.components.row(s).iter().map(move |&(c, _)| (c, s)))
                .collect(),
        );
        let mut seeds = vec![u32::MAX; n];
        for (q, seed) in seeds.iter_mut().enumerate().filter(|&(q, _)| upstream[q]) {
            if flows.opening[q] > 0.0 {
                *seed = 0;
            }
            if let Some(t) =
                model.pipeline.row(q as u32).iter().filter(|a| a.1 > 0.0).map(|a| a.0).min()
            {
                *seed = (*seed).min(t);
            }
        }
        let (earliest, _) = earliest_times(model, &users, &seeds, horizon);
        let beyond = horizon.saturating_mul(FRESH_HORIZONS);
        let (fresh_time, fresh_via) = earliest_times(model, &users, &vec![u32::MAX; n], beyond);
        let fresh = fresh_time.into_iter().zip(fresh_via).collect();

        // Latest useful period, backward from the targets.
        let mut latest: Vec<Option<u32>> = vec![None; n];
        let mut heap = BinaryHeap::new();
        let raise =
            |q: u32, t: u32, latest: &mut Vec<Option<u32>>, heap: &mut BinaryHeap<(u32, u32)>| {
                if earliest[q as usize] <= t && latest[q as usize].is_none_or(|l| l < t) {
                    latest[q as usize] = Some(t);
                    heap.push((t, q));
                }
            };
        for row in &model.targets {
            if row.due > row.first && row.quantity > 0.0 {
                for &q in &row.positions {
                    raise(q, row.due - 1, &mut latest, &mut heap);
                }
            }
        }
        while let Some((t, q)) = heap.pop() {
            if latest[q as usize] != Some(t) {
                continue;
            }
            for &a in model.arcs_in.row(q) {
                let arc = &model.arcs[a as usize];
                if let Some(ship) = t.checked_sub(arc.transit)
                    && ship >= arc.opens
                {
                    raise(arc.from, ship, &mut latest, &mut heap);
                }
            }
            if let Some(s) = flows.source_at[q as usize]
                && let Some(end) = t.checked_sub(model.lead[s as usize])
                && let Some((_, last)) = source_window(model, s, &earliest, end)
            {
                for &(c, _) in flows.components.row(s) {
                    raise(c, last, &mut latest, &mut heap);
                }
            }
        }

        let position = (0..n)
            .map(|q| latest[q].filter(|&l| earliest[q] <= l).map(|l| (earliest[q], l)))
            .collect();
        let source = (0..flows.sources.len() as u32)
            .map(|s| {
                let useful = latest[flows.sources[s as usize].position as usize];
                let end = useful.and_then(|l| l.checked_sub(model.lead[s as usize]));
                end.and_then(|end| source_window(model, s, &earliest, end))
            })
            .collect();
        let arc = model
            .arcs
            .iter()
            .map(|arc| {
                let first = earliest[arc.from as usize].max(arc.opens);
                let last = latest[arc.to as usize]?.checked_sub(arc.transit)?;
                (first <= last && last < horizon).then_some((first, last))
            })
            .collect();
        Windows { position, source, arc, fresh }
    }
}

/// The periods a source can start production in: from when its components can all be there to
/// `end`, trimmed to periods with capacity (beyond the horizon, that of its last period).
fn source_window(model: &Model<'_>, s: u32, earliest: &[u32], end: u32) -> Window {
    let flows = &model.flows;
    let start =
        flows.components.row(s).iter().map(|&(c, _)| earliest[c as usize]).max().unwrap_or(0);
    let capacity = model.capacity.row(s as usize);
    let open = |t: &u32| capacity.get(*t as usize).unwrap_or(capacity.last()) > 0.0;
    let first = (start..=end).find(open)?;
    let last = (first..=end).rev().find(open)?;
    Some((first, last))
}

/// How many horizons ahead the earliest time of a fresh unit is looked for, so a lead time
/// longer than the horizon can be named.
const FRESH_HORIZONS: u32 = 4;

/// The earliest period before `limit` stock can be at each position (`u32::MAX` for never),
/// from `seeds` (stock there from the start), and how it first gets there.
fn earliest_times(
    model: &Model<'_>,
    users: &Csr<u32>,
    seeds: &[u32],
    limit: u32,
) -> (Vec<u32>, Vec<Via>) {
    let flows = &model.flows;
    let mut sweep = Sweep {
        limit,
        upstream: &model.upstream,
        time: seeds.to_vec(),
        via: seeds.iter().map(|&t| if t == u32::MAX { Via::Never } else { Via::Stock }).collect(),
        heap: BinaryHeap::new(),
    };
    for (q, &t) in seeds.iter().enumerate() {
        if t != u32::MAX {
            sweep.heap.push(Reverse((t, q as u32)));
        }
    }
    let mut missing: Vec<u32> =
        (0..flows.sources.len() as u32).map(|s| flows.components.row(s).len() as u32).collect();
    // Sources without components can start whenever they have capacity.
    for s in 0..flows.sources.len() as u32 {
        if missing[s as usize] == 0 {
            sweep.produce(model, s);
        }
    }
    while let Some(Reverse((t, q))) = sweep.heap.pop() {
        if sweep.time[q as usize] != t {
            continue;
        }
        for &a in model.arcs_out.row(q) {
            let arc = &model.arcs[a as usize];
            sweep.reach(arc.to, t.max(arc.opens) + arc.transit, Via::Arc(a));
        }
        for &s in users.row(q) {
            missing[s as usize] -= 1;
            if missing[s as usize] == 0 {
                sweep.produce(model, s);
            }
        }
    }
    (sweep.time, sweep.via)
}

/// The state of the forward sweep.
struct Sweep<'m> {
    limit: u32,
    /// The positions the sweep reaches (those upstream of a target).
    upstream: &'m [bool],
    time: Vec<u32>,
    via: Vec<Via>,
    heap: BinaryHeap<Reverse<(u32, u32)>>,
}

impl Sweep<'_> {
    fn reach(&mut self, q: u32, t: u32, how: Via) {
        if t < self.limit && t < self.time[q as usize] && self.upstream[q as usize] {
            self.time[q as usize] = t;
            self.via[q as usize] = how;
            self.heap.push(Reverse((t, q)));
        }
    }

    /// Source `s`, whose components can all be there, makes its first output.
    fn produce(&mut self, model: &Model<'_>, s: u32) {
        if let Some((first, _)) = source_window(model, s, &self.time, self.limit - 1) {
            let out = model.flows.sources[s as usize].position;
            self.reach(out, first + model.lead[s as usize], Via::Source(s));
        }
    }
}

impl Windows {
    /// Widens every window to cover `previous`'s for the same position, source and arc (within
    /// `model`'s horizon), so a re-plan's program holds every column and row of the program
    /// it starts from and the saved bases carry over whole: an outage then only changes bounds.
    /// The columns added can only carry stock that reaches no target in time, so the optima do
    /// not change.
    pub(crate) fn cover(&mut self, model: &Model<'_>, previous: &Model<'_>) {
        let last = model.horizon - 1;
        let widen = |window: &mut Window, other: Window| {
            let Some((a, b)) = other else { return };
            if a > last {
                return;
            }
            let b = b.min(last);
            *window = Some(window.map_or((a, b), |(x, y)| (x.min(a), y.max(b))));
        };
        // Only what has a window in `previous` can widen one here: each found by its key.
        for (old, &window) in previous.windows.position.iter().enumerate() {
            if let Some(q) = window.and_then(|_| model.position_of(previous.position(old as u32))) {
                widen(&mut self.position[q as usize], window);
            }
        }
        for (old, &window) in previous.windows.source.iter().enumerate() {
            if let Some(s) = window.and_then(|_| model.source_of(previous.source(old as u32))) {
                widen(&mut self.source[s as usize], window);
            }
        }
        for (old, &window) in previous.windows.arc.iter().enumerate() {
            if let Some(a) = window.and_then(|_| model.arc_of(previous.arc_key(old as u32))) {
                let opens = model.arcs[a as usize].opens;
                widen(&mut self.arc[a as usize], window.filter(|w| w.0 >= opens));
            }
        }
    }
}

#[cfg(test)]
impl Windows {
    /// No pruning: every decision in every period (the program tests compare against).
    pub(crate) fn everything(model: &Model<'_>) -> Windows {
        let last = model.horizon - 1;
        let all = |n: usize| vec![Some((0, last)); n];
        let arc = model.arcs.iter().map(|a| (a.opens <= last).then_some((a.opens, last))).collect();
        Windows {
            position: all(model.flows.positions.len()),
            source: all(model.flows.sources.len()),
            arc,
            fresh: model.windows.fresh.clone(),
        }
    }
}
