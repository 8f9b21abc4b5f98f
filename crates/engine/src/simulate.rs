//! The stress test: a time-stepped flow simulation of the network under a disruption scenario.
//!
//! Each period every qualified source makes what its customers ordered and what it needs to bring
//! its finished stock back to its opening level, as far as its capacity (shared by routing
//! hours), the scenario and its components on hand allow; output ships along the links with their
//! lead times; demand is served from stock at its site. Orders along a link are its normal flow
//! plus a share of what the customer is still owed. The rules, and the order of the steps within
//! a period, are stated in docs/scenarios.md; the SimPy peer under bench/peers/ follows them.

mod allocate;
pub(crate) mod effects;
pub(crate) mod flows;
mod monte_carlo;
mod results;
mod step;

use serde::Serialize;

use crate::graph::{Graph, Name};

pub use effects::{in_circle, struck_sites};
pub use flows::Flows;
pub use monte_carlo::{
    Contribution, Hazards, Interval, Intervals, MonteCarlo, MonteCarloReport, ProductRisk, Summary,
    Undrawn, monte_carlo,
};

/// How long one period is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Week,
    Day,
}

impl Period {
    /// Its length in weeks.
    pub fn weeks(self) -> f64 {
        match self {
            Period::Week => 1.0,
            Period::Day => 1.0 / 7.0,
        }
    }

    /// Its name, as reports count periods: "week" or "day".
    pub fn noun(self) -> &'static str {
        match self {
            Period::Week => "week",
            Period::Day => "day",
        }
    }

    /// The number of whole periods closest to `weeks` (at least `min`; at most `u32::MAX`).
    pub fn periods(self, weeks: f64, min: u32) -> u32 {
        ((weeks / self.weeks()).round().max(0.0) as u32).max(min)
    }
}

/// The longest horizon a run (or a plan) covers: ten years.
pub const MAX_HORIZON_WEEKS: u32 = 520;

/// The longest lead time the engines work with: one week past the longest horizon. Nothing a
/// longer one brings arrives within any run or plan, and what is on its way at the start
/// arrives every period either way, so a longer lead time (up to `model::MAX_WEEKS`) is held
/// here, with the same results and a ring buffer of this many weeks at most.
pub const LONGEST_LEAD_WEEKS: u32 = MAX_HORIZON_WEEKS + 1;

/// What happens to demand that is not served in the period it is due.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unmet {
    /// It stays owed and is served first when stock allows.
    Backlog,
    /// It is lost.
    LostSales,
}

/// How a site shares scarce stock of an item among the customers and demand that claim it.
#[derive(Clone, Debug, PartialEq)]
pub enum Allocation {
    /// In proportion to their normal flows (water-filling: no claimant gets more than it claims).
    Proportional,
    /// Claims serving the earlier products of the list first, proportionally within a rank;
    /// claims serving none of them last.
    Priority(Vec<u32>),
}

#[derive(Clone, Debug)]
pub struct Settings {
    /// Number of periods simulated.
    pub horizon: u32,
    pub unmet: Unmet,
    pub allocation: Allocation,
    /// Keep the per-period stock ledger of every (site, item) (for the conservation checks).
    pub ledger: bool,
}

/// A disruption scenario: events, each over a window of periods, and the stock some sites hold
/// at the start where it differs from the inventory table.
#[derive(Clone, Debug, Default)]
pub struct Scenario {
    pub events: Vec<Event>,
    /// Stock at the start of the first period. The inventory table stays the level production
    /// restores; a (site, item) the simulation has no position for (the site neither makes,
    /// holds, receives nor uses the item) cannot matter and is left out.
    pub opening: Vec<OpeningStock>,
}

/// The stock of an item at a site.
#[derive(Clone, Debug)]
pub struct OpeningStock {
    pub site: u32,
    pub item: u32,
    pub units: f64,
}

#[derive(Clone, Debug)]
pub struct Event {
    pub change: Change,
    /// First period affected.
    pub start: u32,
    /// Periods at full strength.
    pub duration: u32,
    /// Periods over which the change then fades linearly back to normal.
    pub recovery: u32,
}

#[derive(Clone, Debug)]
pub enum Change {
    /// Production capacity (units and process hours) of the target falls to `capacity` times
    /// normal (0 = down).
    Outage { target: Target, capacity: f64 },
    /// Demand for `item` (at `site`, or everywhere) is multiplied by `factor`.
    Surge { item: u32, site: Option<u32>, factor: f64 },
}

/// What an outage strikes.
#[derive(Clone, Debug)]
pub enum Target {
    Site(u32),
    /// Every site of an organization.
    Organization(u32),
    /// Every site in a state.
    State(u32),
    /// Every site within `radius_km` of a point (sites without coordinates are never inside).
    Circle {
        latitude: f64,
        longitude: f64,
        radius_km: f64,
    },
    /// The hours of a process, at every site.
    Process(u32),
    /// One link: it carries at most `capacity` times its normal flow.
    Link {
        supplier: u32,
        customer: u32,
        item: u32,
    },
}

/// What a run found, by product (every item with demand).
#[derive(Clone, Debug, Serialize)]
pub struct Outcome {
    pub period: Period,
    pub horizon: u32,
    pub unmet: Unmet,
    /// Products with any shortfall first, largest value short first.
    pub products: Vec<ProductResult>,
    /// Value short over all products.
    pub value_short: f64,
    #[serde(skip)]
    pub ledger: Option<Vec<Ledger>>,
}

impl Outcome {
    /// The products that fell short and cannot be made at all, each with the items of its bill
    /// of materials that no site is qualified to make: they fall short whatever a scenario does.
    pub fn unmakeable<'a>(&'a self, graph: &'a Graph) -> Vec<(&'a Name, Vec<&'a Name>)> {
        let mut closures = crate::closure::Closures::new(graph);
        let short = self.products.iter().filter(|p| p.first_short.is_some());
        short
            .filter_map(|p| {
                let item = graph.item(&p.item)?;
                let unsourced = closures.unsourced(item);
                let names = unsourced.iter().map(|&i| &graph.item_ids[i as usize]).collect();
                (!unsourced.is_empty()).then_some((&p.item, names))
            })
            .collect()
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct ProductResult {
    pub item: Name,
    /// Units served on time over units due, over the horizon.
    pub fill_rate: f64,
    /// First period (from 0) with demand not served on time.
    pub first_short: Option<u32>,
    pub periods_short: u32,
    /// Units not served in the period they were due.
    pub units_short: f64,
    pub value_short: f64,
    /// Periods from the first shortfall to the end of the last; `None` when still short at the
    /// end of the horizon (or never short).
    pub time_to_recover: Option<u32>,
    /// Units due, by period.
    pub due: Vec<f64>,
    /// Units served on time, by period.
    pub served: Vec<f64>,
    /// The binding upstream constraints, largest first.
    pub causes: Vec<Cause>,
}

/// A constraint that held back production or a link upstream of a product that fell short.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cause {
    pub site: Name,
    pub item: Name,
    /// `site` and `item` as graph indices.
    #[serde(skip)]
    pub site_index: u32,
    #[serde(skip)]
    pub item_index: u32,
    pub reason: Reason,
    /// Units of `item` not made (or not carried) when asked because of it, over the horizon,
    /// each counted once (a shortfall carried into the next period is asked again, but counts
    /// only by what it grows: docs/scenarios.md).
    pub units: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Reason {
    /// The scenario took production capacity away.
    Disrupted,
    /// The source's units per week.
    Capacity,
    /// The hours of a process at the site.
    Hours { process: Name },
    /// The scenario cut a link (the site is the customer).
    LinkCut { supplier: Name },
    /// Demand above normal.
    Surge,
}

/// One (site, item)'s stock movements in one period: opening + production + receipts =
/// consumption + shipments + served + closing.
#[derive(Clone, Copy, Debug, Default)]
pub struct Ledger {
    pub site: u32,
    pub item: u32,
    pub period: u32,
    pub opening: f64,
    pub production: f64,
    pub receipts: f64,
    pub consumption: f64,
    pub shipments: f64,
    pub served: f64,
    pub closing: f64,
}

/// Runs `scenario` on `flows` (built from `graph`) with the fewest periods simulated that still
/// gives `run`'s results: when the network is certified steady without events
/// (`Flows::steady`), only over the part of the network the scenario can change (every other
/// product is served in full, as with no scenario); otherwise over the whole network.
/// `progress` is called with each period done.
pub fn stress(
    graph: &Graph,
    flows: &Flows,
    scenario: &Scenario,
    settings: &Settings,
    progress: &dyn Fn(u32),
) -> Outcome {
    if settings.ledger || !flows.steady() {
        return run(graph, flows, scenario, settings, progress);
    }
    let mut outcome = run_restricted(graph, flows, scenario, settings, progress);
    let inside: std::collections::BTreeSet<&Name> =
        outcome.products.iter().map(|p| &p.item).collect();
    let mut normal: std::collections::BTreeMap<u32, f64> = std::collections::BTreeMap::new();
    for row in flows.demand.iter().filter(|d| !inside.contains(&graph.item_ids[d.item as usize])) {
        *normal.entry(row.item).or_default() += row.normal;
    }
    let horizon = settings.horizon as usize;
    outcome.products.extend(normal.into_iter().map(|(item, units)| ProductResult {
        item: graph.item_ids[item as usize].clone(),
        fill_rate: 1.0,
        first_short: None,
        periods_short: 0,
        units_short: 0.0,
        value_short: 0.0,
        time_to_recover: None,
        due: vec![units; horizon],
        served: vec![units; horizon],
        causes: Vec::new(),
    }));
    outcome
        .products
        .sort_by(|a, b| b.value_short.total_cmp(&a.value_short).then_with(|| a.item.cmp(&b.item)));
    outcome
}

/// Runs `scenario` over only the part of a steady network it can change: the closure of what
/// it touches (with their co-suppliers), grown and run again while the run reaches sources
/// outside it (suppliers asked for more than their normal flow, users of hours or component
/// stock that ran short), with their co-suppliers too. Everything outside the final part runs
/// exactly as with no scenario, so its products' results are the baseline's; the outcome
/// lists only the products inside. When the part is most of the network, the whole network
/// runs instead.
fn run_restricted(
    graph: &Graph,
    flows: &Flows,
    scenario: &Scenario,
    settings: &Settings,
    progress: &dyn Fn(u32),
) -> Outcome {
    let mut seeds = effects::Effects::new(graph, flows, scenario).seeds(flows);
    loop {
        // Most of the network: running it whole costs less than restricting it.
        let Some(keep) = flows.closure(&seeds, flows.n_positions() / 2) else {
            return run(graph, flows, scenario, settings, progress);
        };
        let part = flows.restrict(&keep);
        let effects = effects::Effects::new(graph, &part, scenario);
        let trace = step::simulate(graph, &part, &effects, settings, progress);
        if trace.outside.is_empty() {
            return results::summarize(graph, &part, &effects, settings, trace);
        }
        seeds.extend_from_slice(&trace.outside);
    }
}

/// Runs `scenario` on `flows` (built from `graph`) over the whole network: the reference
/// `stress` is checked against; `progress` is called with each period done.
pub fn run(
    graph: &Graph,
    flows: &Flows,
    scenario: &Scenario,
    settings: &Settings,
    progress: &dyn Fn(u32),
) -> Outcome {
    let effects = effects::Effects::new(graph, flows, scenario);
    let trace = step::simulate(graph, flows, &effects, settings, progress);
    results::summarize(graph, flows, &effects, settings, trace)
}

#[cfg(test)]
mod tests;
