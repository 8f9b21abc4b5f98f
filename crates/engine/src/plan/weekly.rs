//! What each week offers a plan: every source's units and every site's process hours after a
//! scenario's outages and the capacities events set, less what today's demand takes when it is
//! reserved; link limits and surges of today's demand; and what is on its way at the start.

use rustc_hash::FxHashMap;

use super::{Baseline, CapacityChange, Changes, Options};
use crate::graph::{Csr, Graph};
use crate::simulate::effects::Effects;
use crate::simulate::flows::Flows;

/// By period, what the plan can use.
pub(super) struct Weekly {
    /// By source: units it can start.
    pub(super) capacity: Vec<Vec<f64>>,
    /// By hours row of `flows.hours`: hours available.
    pub(super) hours: Vec<Vec<f64>>,
    /// By source, and by hours row: whether it has any units (hours) before today's demand
    /// takes its share: not down, not set to zero, started.
    pub(super) source_up: Vec<Vec<bool>>,
    pub(super) hours_up: Vec<Vec<bool>>,
    /// By link, when a scenario limits it: most units it carries.
    pub(super) link_limit: Vec<Option<Vec<f64>>>,
    /// By row of today's demand: the factor surges put on it.
    pub(super) demand_factor: Vec<Vec<f64>>,
    /// By position: (period, units) arriving from before the plan.
    pub(super) pipeline: Csr<(u32, f64)>,
}

pub(super) fn weekly(
    graph: &Graph,
    flows: &Flows,
    changes: &Changes,
    options: &Options,
    lead: &[u32],
    horizon: u32,
) -> Weekly {
    // Capacities by period, after outages and set levels.
    let effects = Effects::new(graph, flows, &changes.scenario);
    let mut factors = effects.factors(graph, flows);
    let n_sources = flows.sources.len();
    let mut base_units: Vec<Vec<f64>> =
        flows.sources.iter().map(|s| vec![s.capacity; horizon as usize]).collect();
    let mut base_hours: Vec<Vec<f64>> =
        flows.hours.iter().map(|h| vec![h.2; horizon as usize]).collect();
    let hours_row: FxHashMap<(u32, u32), usize> =
        flows.hours.iter().enumerate().map(|(h, &(s, p, _))| ((s, p), h)).collect();
    for change in &changes.capacities {
        let (slots, level, from, until) = match *change {
            CapacityChange::Source { source, units_per_week, from, until } => {
                (base_units.get_mut(source as usize), units_per_week, from, until)
            }
            CapacityChange::Hours { site, process, hours_per_week, from, until } => (
                hours_row.get(&(site, process)).map(|&h| &mut base_hours[h]),
                hours_per_week,
                from,
                until,
            ),
        };
        for slot in slots.into_iter().flat_map(|s| {
            let end = (until as usize).min(s.len());
            s[(from as usize).min(end)..end].iter_mut()
        }) {
            *slot = level.max(0.0);
        }
    }
    // With the steady demand reserved, its normal production and hours are taken first.
    let normal = normal_production(graph, flows);
    let mut normal_hours = vec![0.0; flows.hours.len()];
    for (s, &made) in normal.iter().enumerate() {
        for &(h, per_unit) in flows.hours_use.row(s as u32) {
            normal_hours[h as usize] += per_unit * made;
        }
    }
    let reserve = options.baseline == Baseline::Reserve;
    let mut capacity = vec![vec![0.0; horizon as usize]; n_sources];
    let mut hours = vec![vec![0.0; horizon as usize]; flows.hours.len()];
    let mut source_up = vec![vec![false; horizon as usize]; n_sources];
    let mut hours_up = vec![vec![false; horizon as usize]; flows.hours.len()];
    let mut link_limit: Vec<Option<Vec<f64>>> = vec![None; flows.links.len()];
    let mut demand_factor = vec![vec![1.0; horizon as usize]; flows.demand.len()];
    for t in 0..horizon {
        effects.apply(t, &mut factors);
        let t = t as usize;
        for (s, source) in flows.sources.iter().enumerate() {
            let left = base_units[s][t] * factors.site[source.site as usize];
            capacity[s][t] = if reserve { (left - normal[s]).max(0.0) } else { left };
            source_up[s][t] = left > 0.0;
        }
        for (h, &(site, process, _)) in flows.hours.iter().enumerate() {
            let factor = factors.site[site as usize].min(factors.process[process as usize]);
            let left = base_hours[h][t] * factor;
            hours[h][t] = if reserve { (left - normal_hours[h]).max(0.0) } else { left };
            hours_up[h][t] = left > 0.0;
        }
        for (l, &factor) in factors.link.iter().enumerate() {
            if factor < 1.0 {
                let limit =
                    link_limit[l].get_or_insert_with(|| vec![f64::INFINITY; horizon as usize]);
                limit[t] = factor * flows.links[l].normal;
            }
        }
        for (r, &factor) in factors.demand.iter().enumerate() {
            demand_factor[r][t] = factor;
        }
    }
    let pipeline = if reserve {
        Csr::from_pairs(flows.positions.len(), Vec::new())
    } else {
        pipeline(flows, &normal, lead, horizon)
    };
    Weekly { capacity, hours, source_up, hours_up, link_limit, demand_factor, pipeline }
}

/// By source: its normal production per week, what is normally claimed from its position
/// (links out, demand there, and the components its site's other sources consume), within its
/// capacity.
fn normal_production(graph: &Graph, flows: &Flows) -> Vec<f64> {
    let mut uses = vec![0.0; flows.positions.len()];
    for link in &flows.links {
        uses[link.from as usize] += link.normal;
    }
    for row in &flows.demand {
        uses[row.position as usize] += row.normal;
    }
    let mut made = vec![0.0; flows.sources.len()];
    for &item in &graph.topo_order {
        for s in graph.sources.range(item) {
            let source = &flows.sources[s];
            made[s] = uses[source.position as usize].min(source.capacity);
            for &(c, quantity) in flows.components.row(s as u32) {
                uses[c as usize] += quantity * made[s];
            }
        }
    }
    made
}

/// What arrives from before the plan: each link's normal flow in every period of its transit,
/// and each source's normal production in every period of its lead time.
fn pipeline(flows: &Flows, normal: &[f64], lead: &[u32], horizon: u32) -> Csr<(u32, f64)> {
    let mut arrivals = Vec::new();
    for link in &flows.links {
        for t in 0..link.transit.min(horizon) {
            arrivals.push((link.to, (t, link.normal)));
        }
    }
    for (s, source) in flows.sources.iter().enumerate() {
        if normal[s] > 0.0 {
            for t in 0..lead[s].min(horizon) {
                arrivals.push((source.position, (t, normal[s])));
            }
        }
    }
    Csr::from_pairs(flows.positions.len(), arrivals)
}
