//! Risk exposure (time to recover) and time to survive, per site.
//!
//! `reference` solves the literal programs for every site. `exposure` gives the same numbers
//! faster, using only exact shortcuts: a site that makes nothing any demand needs loses nothing;
//! a site whose planned production other sources can take over within their spare capacity
//! (checked against a feasible steady-state plan) loses nothing for any duration and its
//! time to survive is unbounded; every other site gets its two programs, solved in parallel.

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use super::formulation::{Pooled, Question, program};
use super::restricted::{Capacities, solve_restricted};
use crate::graph::{Graph, Name};
use crate::lp::{Outcome, Sense, solve};

/// Relative tolerance under which a loss counts as zero.
const ZERO: f64 = 1e-9;

/// How a site's numbers were obtained; every way is exact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// The site makes nothing that any demand needs.
    NoDownstreamDemand,
    /// Other sources can take over the site's planned production within their spare capacity.
    AbsorbedBySpareCapacity,
    /// Solved exactly with the programs restricted to what the site's lost production feeds
    /// (only sole items, or a restriction certified by its duals).
    RestrictedProgram,
    /// NOT exact: an upper bound on the loss and a lower bound on the time to survive, from the
    /// programs restricted to the items the site's lost production feeds, with every other item
    /// held at its steady-state production. Used only on networks too large for whole-network
    /// programs per site.
    Bounded,
    /// Solved with the time-to-recover and time-to-survive programs of the whole network.
    Program,
}

/// The exposure of one site.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SiteExposure {
    pub site: Name,
    pub ttr_weeks: f64,
    /// Value of demand lost with the site down for its time to recover, beyond what the
    /// network loses with every site up; `None` when the solver failed (see `failure`).
    pub loss: Option<f64>,
    /// `loss` divided by the largest loss of any site (0 to 1).
    pub exposure_index: Option<f64>,
    /// Weeks all demand can be met with the site down; `None` means for ever.
    pub tts_weeks: Option<f64>,
    pub method: Method,
    pub failure: Option<String>,
}

/// Per-site loss and time to survive, before ranking.
type Measured = (Option<f64>, Option<f64>, Method, Option<String>);

/// Every site's exposure by the literal programs (the oracle of the tests); with `scope`, only
/// the demand for that item counts.
pub fn reference(graph: &Graph, scope: Option<u32>) -> Vec<SiteExposure> {
    let pooled = Pooled::new(graph, scope);
    let base = Baseline::new(graph, &pooled);
    let measured: Vec<Measured> = (0..graph.n_sites() as u32)
        .into_par_iter()
        .map(|site| programs(graph, &pooled, &base, site))
        .collect();
    finish(graph, measured)
}

/// Every site's exposure, fast and exact; with `scope`, only the demand for that item counts.
/// `progress` is called with the number of sites done and answers whether to go on; `None`
/// when it said stop.
pub fn exposure(
    graph: &Graph,
    scope: Option<u32>,
    progress: &(dyn Fn(u64) -> bool + Sync),
) -> Option<Vec<SiteExposure>> {
    exposure_with_limit(graph, scope, WHOLE_NETWORK_SOURCES, progress)
}

/// `exposure`, with bounds instead of whole-network programs above `whole_network_sources`.
fn exposure_with_limit(
    graph: &Graph,
    scope: Option<u32>,
    whole_network_sources: usize,
    progress: &(dyn Fn(u64) -> bool + Sync),
) -> Option<Vec<SiteExposure>> {
    let pooled = Pooled::new(graph, scope);
    let plan = Plan::new(graph, &pooled);
    // A steady-state plan proves the network meets its demand for ever with every site up.
    let base = Baseline::known(graph, &pooled, plan.is_some());
    let done = std::sync::atomic::AtomicU64::new(0);
    let stopped = std::sync::atomic::AtomicBool::new(false);
    let measured: Option<Vec<Measured>> = (0..graph.n_sites() as u32)
        .into_par_iter()
        .map(|site| {
            if stopped.load(std::sync::atomic::Ordering::Relaxed) {
                return None;
            }
            let result =
                if !graph.makes.row(site).iter().any(|&item| pooled.relevant[item as usize]) {
                    (Some(0.0), None, Method::NoDownstreamDemand, None)
                } else {
                    match plan.as_ref().map(|plan| (plan, plan.absorb(graph, &pooled, site))) {
                        Some((_, a)) if a.unabsorbed.is_empty() && a.short.is_empty() => {
                            (Some(0.0), None, Method::AbsorbedBySpareCapacity, None)
                        }
                        Some((plan, mut a)) => {
                            let capacities = Capacities {
                                down: site,
                                rate: &plan.rate,
                                used_hours: &plan.used_hours,
                            };
                            let exact_without_capacities = a.unabsorbed.is_empty();
                            a.unabsorbed.extend(a.short);
                            let attempt = if exact_without_capacities {
                                restricted(graph, &pooled, site, &a.unabsorbed, None)
                            } else {
                                restricted(graph, &pooled, site, &a.unabsorbed, Some(&capacities))
                            };
                            match attempt {
                                Ok((loss, tts, true)) => {
                                    (Some(loss), tts, Method::RestrictedProgram, None)
                                }
                                Ok((loss, tts, false))
                                    if graph.sources.entries().len() > whole_network_sources =>
                                {
                                    (Some(loss), tts, Method::Bounded, None)
                                }
                                Ok(_) => programs(graph, &pooled, &base, site),
                                Err(failure) => {
                                    (None, None, Method::RestrictedProgram, Some(failure))
                                }
                            }
                        }
                        None => programs(graph, &pooled, &base, site),
                    }
                };
            if !progress(done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1) {
                stopped.store(true, std::sync::atomic::Ordering::Relaxed);
            }
            Some(result)
        })
        .collect();
    Some(finish(graph, measured?))
}

fn finish(graph: &Graph, measured: Vec<Measured>) -> Vec<SiteExposure> {
    let worst = measured.iter().filter_map(|m| m.0).fold(0.0, f64::max);
    let mut out: Vec<SiteExposure> = measured
        .into_iter()
        .enumerate()
        .map(|(site, (loss, tts_weeks, method, failure))| SiteExposure {
            site: graph.site_ids[site].clone(),
            ttr_weeks: graph.sites[site].ttr_weeks,
            loss,
            exposure_index: loss.map(|l| if worst > 0.0 { l / worst } else { 0.0 }),
            tts_weeks,
            method,
            failure,
        })
        .collect();
    out.sort_by(|a, b| {
        let key = |e: &SiteExposure| e.loss.unwrap_or(f64::INFINITY);
        key(b).total_cmp(&key(a)).then_with(|| a.site.cmp(&b.site))
    });
    out
}

/// The two restricted programs of one site.
fn restricted(
    graph: &Graph,
    pooled: &Pooled,
    site: u32,
    short: &[u32],
    capacities: Option<&Capacities<'_>>,
) -> Result<(f64, Option<f64>, bool), String> {
    let weeks = graph.sites[site as usize].ttr_weeks;
    // Surviving T weeks means surviving any shorter window (scale production and stock use
    // down), so when the site's time to survive reaches its time to recover nothing is lost;
    // that holds for a survival bound too, since the true value is at least the bound.
    let survive = solve_restricted(graph, pooled, short, capacities, Question::Survive)?;
    let tts = survive.optimum.map(|t| t.max(0.0) + 0.0);
    if tts.is_none_or(|t| t >= weeks) {
        return Ok((0.0, tts, survive.certified));
    }
    let loss = solve_restricted(graph, pooled, short, capacities, Question::Loss { weeks })?;
    let scale: f64 = short.iter().map(|&i| graph.items[i as usize].unit_value).sum::<f64>() + 1.0;
    let value = loss.optimum.unwrap_or(0.0);
    let value = if value <= ZERO * scale { 0.0 } else { value };
    Ok((value, tts, loss.certified && survive.certified))
}

/// The two programs of one site.
fn programs(graph: &Graph, pooled: &Pooled, base: &Baseline, site: u32) -> Measured {
    let weeks = graph.sites[site as usize].ttr_weeks;
    let loss_program = program(graph, pooled, Some(site), Question::Loss { weeks });
    let loss = match solve(&loss_program.problem, Sense::Minimise) {
        Outcome::Optimal(s) => s.objective,
        other => {
            return (
                None,
                None,
                Method::Program,
                Some(format!("time-to-recover program: {other:?}")),
            );
        }
    };
    let loss = (loss - base.loss(graph, pooled, weeks)).max(0.0);
    let loss = if loss <= ZERO * (1.0 + base.scale) { 0.0 } else { loss };
    let tts_program = program(graph, pooled, Some(site), Question::Survive);
    let tts = match solve(&tts_program.problem, Sense::Maximise) {
        Outcome::Optimal(s) => Some(s.objective.max(0.0) + 0.0),
        Outcome::Unbounded => None,
        other => {
            return (
                Some(loss),
                None,
                Method::Program,
                Some(format!("time-to-survive program: {other:?}")),
            );
        }
    };
    (Some(loss), tts, Method::Program, None)
}

/// What the network loses with every site up, by window length.
struct Baseline {
    /// True when steady-state demand can be met for ever without inventory (then it loses nothing).
    sustainable: bool,
    /// Weekly demand value, the scale of losses.
    scale: f64,
    cache: std::sync::Mutex<FxHashMap<u64, f64>>,
}

impl Baseline {
    /// Decides sustainability with the time-to-survive program of the whole network.
    fn new(graph: &Graph, pooled: &Pooled) -> Baseline {
        let survive = program(graph, pooled, None, Question::Survive);
        Baseline::known(
            graph,
            pooled,
            solve(&survive.problem, Sense::Maximise) == Outcome::Unbounded,
        )
    }

    fn known(graph: &Graph, pooled: &Pooled, sustainable: bool) -> Baseline {
        let scale =
            (0..graph.n_items()).map(|i| pooled.demand[i] * graph.items[i].unit_value).sum();
        Baseline { sustainable, scale, cache: std::sync::Mutex::new(FxHashMap::default()) }
    }

    fn loss(&self, graph: &Graph, pooled: &Pooled, weeks: f64) -> f64 {
        if self.sustainable {
            return 0.0;
        }
        if let Some(&loss) =
            self.cache.lock().ok().and_then(|c| c.get(&weeks.to_bits()).copied()).as_ref()
        {
            return loss;
        }
        let loss = match solve(
            &program(graph, pooled, None, Question::Loss { weeks }).problem,
            Sense::Minimise,
        ) {
            Outcome::Optimal(s) => s.objective,
            _ => 0.0,
        };
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(weeks.to_bits(), loss);
        }
        loss
    }
}

/// The items a down site leaves short.
struct Absorption {
    /// Relevant items no other site is qualified to make.
    short: Vec<u32>,
    /// Items whose planned production at the site other sources cannot fully take over.
    unabsorbed: Vec<u32>,
}

/// Networks with more qualified sources than this get bounds instead of whole-network programs
/// for the sites whose production spare capacity cannot absorb.
const WHOLE_NETWORK_SOURCES: usize = 50_000;

/// A feasible steady-state plan (units per week per source, no inventory, no loss), and the
/// hours it uses at each (site, process).
struct Plan {
    /// By entry of `graph.sources`.
    rate: Vec<f64>,
    used_hours: FxHashMap<(u32, u32), f64>,
}

impl Plan {
    /// A feasible steady-state plan: the flows the links carry when they form one, otherwise the
    /// steady-state program's; `None` when demand cannot be met at rate.
    fn new(graph: &Graph, pooled: &Pooled) -> Option<Plan> {
        Plan::from_links(graph, pooled).or_else(|| Plan::solve(graph, pooled))
    }

    /// The plan the links describe (each source produces what it ships), if it meets all
    /// demand within every capacity.
    fn from_links(graph: &Graph, pooled: &Pooled) -> Option<Plan> {
        let mut rate = vec![0.0; graph.sources.entries().len()];
        for site in 0..graph.n_sites() as u32 {
            for link in graph.links_out.row(site) {
                let sources = graph.sources.row(link.item);
                let k = sources.iter().position(|s| s.site == site)?;
                rate[graph.sources.range(link.item).start + k] += link.units_per_week;
            }
        }
        let plan = Plan::with_hours(graph, rate);
        plan.feasible(graph, pooled).then_some(plan)
    }

    fn with_hours(graph: &Graph, rate: Vec<f64>) -> Plan {
        let mut used_hours: FxHashMap<(u32, u32), f64> = FxHashMap::default();
        for item in 0..graph.n_items() as u32 {
            for (entry, source) in graph.sources.range(item).zip(graph.sources.row(item)) {
                for routing in graph.routings.row(item) {
                    *used_hours.entry((source.site, routing.process)).or_default() +=
                        rate[entry] * routing.hours;
                }
            }
        }
        Plan { rate, used_hours }
    }

    /// Whether the plan meets all demand at rate, without inventory, within every capacity
    /// (to a relative tolerance of 1e-9).
    fn feasible(&self, graph: &Graph, pooled: &Pooled) -> bool {
        let tolerance = 1e-9;
        let total = |item: u32| graph.sources.range(item).map(|e| self.rate[e]).sum::<f64>();
        for item in 0..graph.n_items() as u32 {
            if !pooled.relevant[item as usize] {
                continue;
            }
            let used: f64 =
                graph.used_in.row(item).iter().map(|e| e.quantity * total(e.item)).sum();
            let need = used + pooled.demand[item as usize];
            if total(item) < need * (1.0 - tolerance) {
                return false;
            }
            for (entry, source) in graph.sources.range(item).zip(graph.sources.row(item)) {
                if self.rate[entry] > source.max_units_per_week * (1.0 + tolerance) {
                    return false;
                }
            }
        }
        self.used_hours.iter().all(|(&(site, process), &used)| {
            let available = graph.hours_per_week(site, process);
            used <= available * (1.0 + tolerance)
        })
    }

    /// The plan of the steady-state program.
    fn solve(graph: &Graph, pooled: &Pooled) -> Option<Plan> {
        let without_inventory = Pooled {
            relevant: pooled.relevant.clone(),
            demand: pooled.demand.clone(),
            inventory: vec![0.0; graph.n_items()],
        };
        // Meet all demand for a week with the least production: no loss, no over-production.
        let mut steady = program(graph, &without_inventory, None, Question::Loss { weeks: 1.0 });
        for &lost in &steady.lost {
            steady.problem.set_cost(lost, 0.0);
            steady.problem.set_bounds(lost, 0.0, 0.0);
        }
        for &x in steady.production.iter().flatten() {
            steady.problem.set_cost(x, 1.0);
        }
        let Outcome::Optimal(solution) = solve(&steady.problem, Sense::Minimise) else {
            return None;
        };
        let rate: Vec<f64> = steady
            .production
            .iter()
            .map(|c| c.map_or(0.0, |c| solution.value(c).max(0.0)))
            .collect();
        Some(Plan::with_hours(graph, rate))
    }

    /// What happens to the plan's production at `site` when the site is down: which items only
    /// it makes (short), and which the other sources' spare capacity cannot fully take over.
    fn absorb(&self, graph: &Graph, pooled: &Pooled, site: u32) -> Absorption {
        let mut short = Vec::new();
        let mut unabsorbed = Vec::new();
        let mut extra_units: FxHashMap<(u32, usize), f64> = FxHashMap::default();
        let mut extra_hours: FxHashMap<(u32, u32), f64> = FxHashMap::default();
        for &item in graph.makes.row(site) {
            let sources = graph.sources.row(item);
            let first = graph.sources.range(item).start;
            let Some(k_down) = sources.iter().position(|s| s.site == site) else { continue };
            if sources.iter().all(|s| s.site == site) {
                if pooled.relevant[item as usize] {
                    short.push(item);
                }
                continue;
            }
            let mut need = self.rate[first + k_down];
            for (k, source) in sources.iter().enumerate() {
                if need <= 0.0 {
                    break;
                }
                if source.site == site {
                    continue;
                }
                let taken = extra_units.get(&(item, k)).copied().unwrap_or(0.0);
                let mut room = source.max_units_per_week - self.rate[first + k] - taken;
                for routing in graph.routings.row(item) {
                    let key = (source.site, routing.process);
                    let available = graph.hours_per_week(source.site, routing.process);
                    let spare = available
                        - self.used_hours.get(&key).copied().unwrap_or(0.0)
                        - extra_hours.get(&key).copied().unwrap_or(0.0);
                    if routing.hours > 0.0 {
                        room = room.min(spare / routing.hours);
                    }
                }
                let moved = need.min(room.max(0.0));
                if moved > 0.0 {
                    need -= moved;
                    *extra_units.entry((item, k)).or_default() += moved;
                    for routing in graph.routings.row(item) {
                        *extra_hours.entry((source.site, routing.process)).or_default() +=
                            moved * routing.hours;
                    }
                }
            }
            if need > ZERO * (1.0 + self.rate[first + k_down]) {
                unabsorbed.push(item);
            }
        }
        Absorption { short, unabsorbed }
    }
}

#[cfg(test)]
mod tests;
