//! Monte Carlo stress tests: many random disruption scenarios drawn from hazard models, each
//! simulated over the part of the network it can change, and the distribution of what they cost.
//!
//! Scenario `i` is drawn from a ChaCha8 generator seeded with the seed and set to stream `i`, so
//! results do not depend on the number of threads or the order scenarios finish in.

mod confidence;

use std::collections::BTreeMap;

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;
use rand_distr::{Distribution, LogNormal, Poisson};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use super::{
    Allocation, Change, Event, Flows, Outcome, Period, ProductResult, Reason, Scenario, Settings,
    Target, Unmet,
};
use crate::closure::Closures;
use crate::graph::{Graph, Name};

pub use confidence::Interval;

/// The hazard models scenarios are drawn from (docs/scenarios.md states the defaults).
#[derive(Clone, Debug, PartialEq)]
pub struct Hazards {
    /// Outages per site per year.
    pub site_outages_per_year: f64,
    /// Spread of a site outage's time to recover: the σ of its logarithm (the median is the
    /// site's `ttr_weeks`).
    pub ttr_sigma: f64,
    /// Share of site outages that are partial (capacity left drawn from 20 % to 80 %).
    pub partial_share: f64,
    /// Regional events (hurricanes, earthquakes) per year, over the whole network.
    pub regional_events_per_year: f64,
    /// Their radius, km, drawn uniformly from this range.
    pub regional_radius_km: (f64, f64),
    /// Median weeks sites in the footprint are down (log-normal, σ `ttr_sigma`).
    pub regional_weeks: f64,
    /// Weeks of recovery ramp after a regional event, drawn uniformly from 0 to this.
    pub regional_recovery_weeks: f64,
    /// Correlated events per year: every site of one state at half capacity.
    pub state_events_per_year: f64,
    /// Median weeks of a state event (log-normal, σ `ttr_sigma`).
    pub state_weeks: f64,
}

impl Default for Hazards {
    fn default() -> Hazards {
        Hazards {
            site_outages_per_year: 0.02,
            ttr_sigma: 0.5,
            partial_share: 0.3,
            regional_events_per_year: 1.0,
            regional_radius_km: (50.0, 250.0),
            regional_weeks: 2.0,
            regional_recovery_weeks: 4.0,
            state_events_per_year: 0.0,
            state_weeks: 3.0,
        }
    }
}

#[derive(Clone, Debug)]
pub struct MonteCarlo {
    pub scenarios: u32,
    pub seed: u64,
    /// Periods simulated per scenario.
    pub horizon: u32,
    pub unmet: Unmet,
    /// A product "falls short" in a scenario when its fill rate is below this.
    pub threshold: f64,
    pub hazards: Hazards,
}

/// What many scenarios cost.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MonteCarloReport {
    /// Scenarios run and reported on: the first `scenarios` of those asked.
    pub scenarios: u32,
    /// Scenarios asked for: more than `scenarios` when the run was stopped (a time limit).
    pub asked: u32,
    pub seed: u64,
    pub period: Period,
    pub horizon: u32,
    pub threshold: f64,
    /// Value not served on time per scenario beyond what the undisrupted run leaves unserved,
    /// over all products.
    pub loss: Summary,
    /// Value the undisrupted run leaves unserved over the horizon (products that cannot be
    /// made, demand above what the network makes), which `loss` leaves out; 0 on a network
    /// that serves all its demand.
    pub undisrupted_loss: f64,
    /// Mean events per scenario.
    pub mean_events: f64,
    /// The hazards with a rate above 0 that can draw nothing on this network.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub undrawn: Vec<Undrawn>,
    /// Per product, most at risk first.
    pub products: Vec<ProductRisk>,
    /// Products that cannot be made at all (an item of their bill of materials has no qualified
    /// source), short in every scenario whatever it draws.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unmakeable: Vec<Name>,
    /// Sites whose disruption carried the tail (scenarios at or above the 95th percentile).
    pub tail_sites: Vec<Contribution>,
    /// The same by state (or country when a site has no state).
    pub tail_regions: Vec<Contribution>,
    /// Value lost in each scenario (as `loss`), in scenario order.
    pub losses: Vec<f64>,
}

/// A hazard that can draw nothing on a network, named (in JSON too) by its field of the hazards
/// file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(into = "&'static str")]
pub enum Undrawn {
    /// Regional events are centred on sites with coordinates, and no site has any.
    Regional,
    /// State events strike the sites of a state, and no site has a state.
    State,
}

impl Undrawn {
    /// Its field of the hazards file.
    pub fn field(self) -> &'static str {
        match self {
            Undrawn::Regional => "regional_events_per_year",
            Undrawn::State => "state_events_per_year",
        }
    }
}

impl From<Undrawn> for &'static str {
    fn from(hazard: Undrawn) -> Self {
        hazard.field()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    pub mean: f64,
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub worst: f64,
    /// 95 % confidence intervals of the mean and the percentiles.
    pub interval: Intervals,
}

/// 95 % confidence intervals of what a run estimates (docs/scenarios.md says how each is found).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Intervals {
    pub mean: Interval,
    pub p50: Interval,
    pub p95: Interval,
    pub p99: Interval,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProductRisk {
    pub item: Name,
    /// Share of scenarios in which its fill rate fell below the threshold.
    pub probability_below: f64,
    /// Its 95 % confidence interval.
    pub probability_interval: Interval,
    pub mean_fill_rate: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Contribution {
    pub name: Name,
    /// Share of all tail loss attributed to it.
    pub share: f64,
    pub value: f64,
}

/// What one scenario left for the aggregate.
struct Drawn {
    loss: f64,
    events: usize,
    /// (product, as its index in the baseline's products, fill rate) for the products the
    /// scenario reached.
    fill: Vec<(usize, f64)>,
    /// (site, value of what the scenario kept it from making) for disrupted sites.
    blame: Vec<(u32, f64)>,
}

/// Draws and runs `mc.scenarios` scenarios; `progress` is called with the number done and
/// answers whether to go on. Told to stop, it starts no more scenarios (but the first, always
/// run) and reports on those done from the first on (`MonteCarloReport::scenarios` of `asked`):
/// the report a run asked for that many gives.
pub fn monte_carlo(
    graph: &Graph,
    flows: &Flows,
    mc: &MonteCarlo,
    progress: &(dyn Fn(u64) -> bool + Sync),
) -> MonteCarloReport {
    let settings = Settings {
        horizon: mc.horizon,
        unmet: mc.unmet,
        allocation: Allocation::Proportional,
        ledger: false,
    };
    let baseline = super::run(graph, flows, &Scenario::default(), &settings, &|_| ());
    let product_index: BTreeMap<&Name, usize> =
        baseline.products.iter().enumerate().map(|(i, p)| (&p.item, i)).collect();
    let yields = Yields::new(graph, &baseline);
    let located: Vec<u32> = (0..graph.n_sites() as u32)
        .filter(|&s| {
            graph.sites[s as usize].latitude.is_some()
                && graph.sites[s as usize].longitude.is_some()
        })
        .collect();
    let with_state: Vec<u32> =
        (0..graph.n_sites() as u32).filter(|&s| graph.sites[s as usize].state.is_some()).collect();
    let hazards = &mc.hazards;
    let undrawn = [
        (Undrawn::Regional, hazards.regional_events_per_year, &located),
        (Undrawn::State, hazards.state_events_per_year, &with_state),
    ]
    .into_iter()
    .filter(|(_, rate, sites)| *rate > 0.0 && sites.is_empty())
    .map(|(hazard, ..)| hazard)
    .collect();
    // Restricted runs need a steady network; otherwise every scenario runs whole.
    let steady = flows.steady();
    let done = std::sync::atomic::AtomicU64::new(0);
    let stopped = std::sync::atomic::AtomicBool::new(false);
    let run = |i: u32| {
        if i > 0 && stopped.load(std::sync::atomic::Ordering::Relaxed) {
            return None;
        }
        let mut rng = ChaCha8Rng::seed_from_u64(mc.seed);
        rng.set_stream(u64::from(i));
        let scenario = draw(graph, flows.period, mc, &located, &with_state, &mut rng);
        let outcome = if steady {
            super::run_restricted(graph, flows, &scenario, &settings, &|_| ())
        } else {
            super::run(graph, flows, &scenario, &settings, &|_| ())
        };
        let loss = yields.loss(&outcome);
        let fill = outcome.products.iter().map(|p| (product_index[&p.item], p.fill_rate)).collect();
        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        if !progress(n) {
            stopped.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        let blame = yields.blame(&outcome, loss);
        Some(Drawn { loss, events: scenario.events.len(), fill, blame })
    };
    // In batches, so that a run told to stop has done the scenarios from the first on, all but
    // a batch's worth at most.
    let mut drawn: Vec<Drawn> = Vec::with_capacity(mc.scenarios as usize);
    for first in (0..mc.scenarios).step_by(BATCH as usize) {
        let batch: Vec<Option<Drawn>> =
            (first..mc.scenarios.min(first + BATCH)).into_par_iter().map(run).collect();
        let complete = batch.len();
        drawn.extend(batch.into_iter().map_while(|d| d));
        if drawn.len() < first as usize + complete {
            break;
        }
    }
    aggregate(graph, mc, flows.period, &baseline, &drawn, undrawn)
}

/// Scenarios run side by side before the next are started.
const BATCH: u32 = 64;

/// One scenario from the hazard models.
fn draw(
    graph: &Graph,
    period: Period,
    mc: &MonteCarlo,
    located: &[u32],
    with_state: &[u32],
    rng: &mut ChaCha8Rng,
) -> Scenario {
    let hazards = &mc.hazards;
    let years = f64::from(mc.horizon) * period.weeks() / 52.0;
    let count = |rate: f64, rng: &mut ChaCha8Rng| -> u64 {
        let mean = rate * years;
        if mean > 0.0 { Poisson::new(mean).map_or(0, |p| p.sample(rng) as u64) } else { 0 }
    };
    let weeks = |median: f64, rng: &mut ChaCha8Rng| {
        LogNormal::new(median.max(1e-3).ln(), hazards.ttr_sigma).map_or(median, |d| d.sample(rng))
    };
    let mut events = Vec::new();
    let n_sites = graph.n_sites() as u32;
    let site_outages = count(hazards.site_outages_per_year * f64::from(n_sites), rng);
    for _ in 0..site_outages {
        let site = rng.random_range(0..n_sites);
        let start = rng.random_range(0..mc.horizon);
        let duration = period.periods(weeks(graph.sites[site as usize].ttr_weeks, rng), 1);
        let capacity = if rng.random_bool(hazards.partial_share.clamp(0.0, 1.0)) {
            rng.random_range(0.2..0.8)
        } else {
            0.0
        };
        events.push(Event {
            change: Change::Outage { target: Target::Site(site), capacity },
            start,
            duration,
            recovery: 0,
        });
    }
    for _ in 0..count(hazards.regional_events_per_year, rng) {
        if located.is_empty() {
            break;
        }
        let centre = &graph.sites[located[rng.random_range(0..located.len())] as usize];
        let (low, high) = hazards.regional_radius_km;
        let radius_km = if high > low { rng.random_range(low..high) } else { low };
        let start = rng.random_range(0..mc.horizon);
        let duration = period.periods(weeks(hazards.regional_weeks, rng), 1);
        let recovery =
            period.periods(rng.random_range(0.0..=hazards.regional_recovery_weeks.max(0.0)), 0);
        events.push(Event {
            change: Change::Outage {
                target: Target::Circle {
                    latitude: centre.latitude.unwrap_or_default(),
                    longitude: centre.longitude.unwrap_or_default(),
                    radius_km,
                },
                capacity: 0.0,
            },
            start,
            duration,
            recovery,
        });
    }
    for _ in 0..count(hazards.state_events_per_year, rng) {
        if with_state.is_empty() {
            break;
        }
        let site = with_state[rng.random_range(0..with_state.len())];
        let state = graph.sites[site as usize].state.unwrap_or_default();
        let start = rng.random_range(0..mc.horizon);
        let duration = period.periods(weeks(hazards.state_weeks, rng), 1);
        events.push(Event {
            change: Change::Outage { target: Target::State(state), capacity: 0.5 },
            start,
            duration,
            recovery: 0,
        });
    }
    Scenario { events, opening: Vec::new() }
}

/// Per product, what the undisrupted run leaves short, and the units of the product a unit of
/// each item makes: one over the units of the item one unit of the product needs (over every
/// path of its bill of materials).
struct Yields<'n> {
    baseline: &'n [ProductResult],
    by_product: BTreeMap<&'n Name, (&'n ProductResult, FxHashMap<u32, f64>)>,
}

impl<'n> Yields<'n> {
    fn new(graph: &Graph, baseline: &'n Outcome) -> Yields<'n> {
        let mut closures = Closures::new(graph);
        let by_product = baseline
            .products
            .iter()
            .map(|p| {
                let per_unit = graph.item(&p.item).map_or_else(FxHashMap::default, |product| {
                    closures
                        .of(product)
                        .into_iter()
                        .filter(|r| r.quantity > 0.0)
                        .map(|r| (r.item, 1.0 / r.quantity))
                        .collect()
                });
                (&p.item, (p, per_unit))
            })
            .collect();
        Yields { baseline: &baseline.products, by_product }
    }

    /// The value a scenario left short beyond the undisrupted run, over every product in the
    /// undisrupted run's order (a product it did not reach is as there; one served better
    /// counts less than nothing).
    fn loss(&self, outcome: &Outcome) -> f64 {
        let reached: BTreeMap<&Name, &ProductResult> =
            outcome.products.iter().map(|p| (&p.item, p)).collect();
        self.baseline
            .iter()
            .map(|p| reached.get(&p.item).map_or(0.0, |r| r.value_short - p.value_short))
            .sum()
    }

    /// The sites a scenario's shortfalls trace back to, with their shares of its `loss`.
    /// Each product's value short beyond the undisrupted run is shared among the disrupted
    /// sites its causes name, in proportion to the units of the product that what each was
    /// kept from making would have made, each at most the product's units short beyond that
    /// run (one site cannot explain more); then scaled so they add up to the scenario's loss.
    fn blame(&self, outcome: &Outcome, loss: f64) -> Vec<(u32, f64)> {
        let mut by_site: BTreeMap<u32, f64> = BTreeMap::new();
        let mut kept: BTreeMap<u32, f64> = BTreeMap::new();
        for product in &outcome.products {
            let Some((before, yields)) = self.by_product.get(&product.item) else { continue };
            let value_short = product.value_short - before.value_short;
            if value_short <= 0.0 {
                continue;
            }
            let units_short = product.units_short - before.units_short;
            kept.clear();
            for cause in product.causes.iter().filter(|c| c.reason == Reason::Disrupted) {
                let made = yields.get(&cause.item_index).copied().unwrap_or(0.0);
                *kept.entry(cause.site_index).or_default() += cause.units * made;
            }
            let at_most = |units: f64| units.min(units_short);
            let total: f64 = kept.values().copied().map(at_most).sum();
            if total <= 0.0 {
                continue;
            }
            for (&site, &units) in &kept {
                *by_site.entry(site).or_default() += value_short * at_most(units) / total;
            }
        }
        // Products short with no disrupted site among their causes (held back by capacity
        // that others' re-orders took, say) are the scenario's too: its whole loss is shared
        // in the same proportions.
        let named: f64 = by_site.values().sum();
        if named <= 0.0 || loss <= 0.0 {
            return Vec::new();
        }
        let scale = loss / named;
        by_site.into_iter().map(|(site, value)| (site, value * scale)).collect()
    }
}

fn aggregate(
    graph: &Graph,
    mc: &MonteCarlo,
    period: Period,
    baseline: &Outcome,
    drawn: &[Drawn],
    undrawn: Vec<Undrawn>,
) -> MonteCarloReport {
    let n = drawn.len().max(1) as f64;
    let losses: Vec<f64> = drawn.iter().map(|d| d.loss).collect();
    let mut sorted = losses.clone();
    sorted.sort_by(f64::total_cmp);
    let loss = Summary {
        mean: losses.iter().sum::<f64>() / n,
        p50: percentile(&sorted, 0.50),
        p95: percentile(&sorted, 0.95),
        p99: percentile(&sorted, 0.99),
        worst: sorted.last().copied().unwrap_or(0.0),
        interval: Intervals {
            mean: confidence::mean(&losses),
            p50: confidence::quantile(&sorted, 0.50),
            p95: confidence::quantile(&sorted, 0.95),
            p99: confidence::quantile(&sorted, 0.99),
        },
    };

    // Products: a scenario that did not reach a product leaves it at its baseline fill rate.
    let mut below = vec![0u32; baseline.products.len()];
    let mut fill_sum = vec![0.0; baseline.products.len()];
    let mut fill = vec![0.0; baseline.products.len()];
    for d in drawn {
        for (slot, product) in fill.iter_mut().zip(&baseline.products) {
            *slot = product.fill_rate;
        }
        for &(p, rate) in &d.fill {
            fill[p] = rate;
        }
        for (p, &rate) in fill.iter().enumerate() {
            fill_sum[p] += rate;
            if rate < mc.threshold {
                below[p] += 1;
            }
        }
    }
    let mut products: Vec<ProductRisk> = baseline
        .products
        .iter()
        .enumerate()
        .map(|(p, product)| ProductRisk {
            item: product.item.clone(),
            probability_below: f64::from(below[p]) / n,
            probability_interval: confidence::proportion(below[p], drawn.len() as u32),
            mean_fill_rate: fill_sum[p] / n,
        })
        .collect();
    products.sort_by(|a, b| {
        b.probability_below
            .total_cmp(&a.probability_below)
            .then(a.mean_fill_rate.total_cmp(&b.mean_fill_rate))
            .then_with(|| a.item.cmp(&b.item))
    });
    let unmakeable = baseline.unmakeable(graph).into_iter().map(|(p, _)| p.clone()).collect();

    // The tail: scenarios at or above the 95th percentile that lost something.
    let mut by_site: BTreeMap<u32, f64> = BTreeMap::new();
    let mut tail_total = 0.0;
    for d in drawn.iter().filter(|d| d.loss >= loss.p95 && d.loss > 0.0) {
        tail_total += d.loss;
        for &(site, value) in &d.blame {
            *by_site.entry(site).or_default() += value;
        }
    }
    let mut by_region: BTreeMap<Name, f64> = BTreeMap::new();
    for (&site, &value) in &by_site {
        let node = &graph.sites[site as usize];
        let region = node
            .state
            .map(|s| graph.states[s as usize].clone())
            .or_else(|| node.country.map(|c| graph.countries[c as usize].clone()))
            .unwrap_or_else(|| "(no state or country)".into());
        *by_region.entry(region).or_default() += value;
    }
    let ranked = |entries: Vec<(Name, f64)>| {
        let mut out: Vec<Contribution> = entries
            .into_iter()
            .map(|(name, value)| Contribution {
                name,
                share: if tail_total > 0.0 { value / tail_total } else { 0.0 },
                value,
            })
            .collect();
        out.sort_by(|a, b| b.value.total_cmp(&a.value).then_with(|| a.name.cmp(&b.name)));
        out.truncate(MAX_CONTRIBUTIONS);
        out
    };
    MonteCarloReport {
        scenarios: drawn.len() as u32,
        asked: mc.scenarios,
        seed: mc.seed,
        period,
        horizon: mc.horizon,
        threshold: mc.threshold,
        loss,
        undisrupted_loss: baseline.value_short,
        mean_events: drawn.iter().map(|d| d.events as f64).sum::<f64>() / n,
        undrawn,
        products,
        unmakeable,
        tail_sites: ranked(
            by_site.into_iter().map(|(s, v)| (graph.site_ids[s as usize].clone(), v)).collect(),
        ),
        tail_regions: ranked(by_region.into_iter().collect()),
        losses,
    }
}

/// Sites and regions named in the tail, at most.
const MAX_CONTRIBUTIONS: usize = 10;

/// The nearest-rank percentile of sorted values: the smallest value at or above which lies a
/// share `q` of them.
fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[cfg(test)]
mod tests;
