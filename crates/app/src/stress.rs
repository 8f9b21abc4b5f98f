//! The stress-test use case: a scenario file run through `engine::simulate` on the stored
//! network.

use std::path::Path;
use std::time::Instant;

use engine::graph::{Graph, Name};
use engine::simulate::{
    Allocation, Flows, Hazards, MonteCarlo, MonteCarloReport, Outcome, Period, Settings, Unmet,
};
use model::Shown;
use serde::Serialize;

use crate::interchange::Finding;
use crate::request::{Request, warning};
use crate::scenario::{Resolved, strikes_no_source};
use crate::{Config, Error, Progress};

/// Weeks simulated when neither the command line nor the scenario says.
pub const DEFAULT_HORIZON_WEEKS: f64 = 52.0;

/// The most scenarios one Monte Carlo run draws (each one's result is held in memory).
pub const MAX_SCENARIOS: u32 = 1_000_000;

/// A simulation, or a plan, covers one week to `plan::MAX_HORIZON_WEEKS` (ten years); for a
/// horizon asked for beside the file that would give one.
pub(crate) fn check_horizon(weeks: f64) -> Result<(), Error> {
    let most = f64::from(crate::plan::MAX_HORIZON_WEEKS);
    if weeks.is_finite() && (1.0..=most).contains(&weeks) {
        Ok(())
    } else {
        Err(Error::invalid(format!("the horizon must be 1 to {most} weeks, not {}", Shown(weeks))))
    }
}

#[derive(Clone, Debug)]
pub struct StressOptions {
    pub period: Period,
    /// Overrides the scenario's horizon.
    pub horizon_weeks: Option<f64>,
    pub unmet: Unmet,
    /// Products served first when stock is scarce, most important first; empty for proportional.
    pub priority: Vec<String>,
}

impl Default for StressOptions {
    fn default() -> StressOptions {
        StressOptions {
            period: Period::Week,
            horizon_weeks: None,
            unmet: Unmet::LostSales,
            priority: Vec::new(),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct StressReport {
    pub scenario: String,
    pub events: usize,
    /// What the scenario does that may not be what was meant, located (`warning: FILE:LINE:
    /// field: ...`): an event that starts after the periods simulated, a circle with no site,
    /// an event with no end;
    /// then each product short that cannot be made at all (`warning: PRODUCT: ...`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The products short that cannot be made at all (each has a note), as Monte Carlo names
    /// them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unmakeable: Vec<String>,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// Runs the scenario in `path` against the stored network.
pub fn stress(
    config: &Config,
    path: &Path,
    options: &StressOptions,
    progress: &dyn Progress,
) -> Result<StressReport, Error> {
    let scenario = Request::read(path, crate::scenario::WHAT)?;
    crate::graph_cache::once(config, progress, |graph| {
        let (scenario, settings) = check(graph, &scenario, options)?;
        simulate(graph, &scenario, &settings, options.period, progress)
    })
}

/// The scenario resolved against `graph` and the simulation's settings, or what is wrong with
/// them.
pub(crate) fn check(
    graph: &Graph,
    scenario: &Request,
    options: &StressOptions,
) -> Result<(Resolved, Settings), Error> {
    let scenario = crate::scenario::resolved(scenario, graph, options.period)?;
    let settings = settings(graph, &scenario, options)?;
    Ok((scenario, settings))
}

pub(crate) fn run(
    graph: &Graph,
    scenario: &Resolved,
    options: &StressOptions,
    progress: &dyn Progress,
) -> Result<StressReport, Error> {
    let settings = settings(graph, scenario, options)?;
    simulate(graph, scenario, &settings, options.period, progress)
}

fn settings(
    graph: &Graph,
    scenario: &Resolved,
    options: &StressOptions,
) -> Result<Settings, Error> {
    let weeks = options.horizon_weeks.or(scenario.horizon_weeks).unwrap_or(DEFAULT_HORIZON_WEEKS);
    check_horizon(weeks)?;
    let priority = priority(graph, &options.priority)?;
    Ok(Settings {
        horizon: options.period.periods(weeks, 1),
        unmet: options.unmet,
        allocation: if priority.is_empty() {
            Allocation::Proportional
        } else {
            Allocation::Priority(priority)
        },
        ledger: false,
    })
}

/// The items of a `--priority` list, most important first, or every name in it that is not a
/// product of `graph` (an unknown item, one with no demand, one named twice, an empty name).
fn priority(graph: &Graph, names: &[String]) -> Result<Vec<u32>, Error> {
    let mut items = Vec::new();
    let mut problems = Vec::new();
    let (mut unknown, mut no_demand) = (false, false);
    for (n, name) in names.iter().enumerate() {
        if name.is_empty() {
            problems.push("an empty name (a comma too many?)".to_owned());
        } else if names[..n].contains(name) {
            problems.push(format!("{name} is named twice"));
        } else {
            match crate::lookup::index(&graph.item_ids, name, "item") {
                Ok(item) if graph.demand.iter().any(|d| d.item == item) => items.push(item),
                Ok(_) => {
                    no_demand = true;
                    problems
                        .push(format!("{name} has no demand, so it is no product to serve first"));
                }
                Err(message) => {
                    unknown = true;
                    problems.push(message);
                }
            }
        }
    }
    if problems.is_empty() {
        return Ok(items);
    }
    if no_demand {
        let mut products: Vec<&str> =
            graph.demand.iter().map(|d| &*graph.item_ids[d.item as usize]).collect();
        products.sort_unstable();
        products.dedup();
        problems.push(if products.is_empty() {
            "the network has no demand".to_owned()
        } else {
            format!("the products are {}", model::listed(&products, 10))
        });
    }
    let message = format!("priority: {}", problems.join("; "));
    Err(if unknown { Error::NotFound(message) } else { Error::invalid(message) })
}

/// Runs a checked scenario.
pub(crate) fn simulate(
    graph: &Graph,
    scenario: &Resolved,
    settings: &Settings,
    period: Period,
    progress: &dyn Progress,
) -> Result<StressReport, Error> {
    let started = Instant::now();
    let flows = Flows::new(graph, period);
    tracing::info!(
        seconds = started.elapsed().as_secs_f64(),
        positions = flows.n_positions(),
        steady = flows.steady(),
        "flows built"
    );
    crate::go_on(progress)?;
    let started = Instant::now();
    progress.begin("simulating", Some(u64::from(settings.horizon)));
    let outcome = engine::simulate::stress(graph, &flows, &scenario.scenario, settings, &|t| {
        progress.advance(u64::from(t) + 1);
    });
    progress.end();
    tracing::info!(
        seconds = started.elapsed().as_secs_f64(),
        periods = settings.horizon,
        "simulated"
    );
    let unmakeable = outcome.unmakeable(graph);
    Ok(StressReport {
        scenario: scenario.name.clone(),
        events: scenario.scenario.events.len(),
        notes: notes(graph, scenario, settings.horizon, period)
            .into_iter()
            .chain(unmakeable_notes(&unmakeable))
            .collect(),
        unmakeable: unmakeable.iter().map(|(product, _)| product.to_string()).collect(),
        outcome,
    })
}

/// A note for each product that fell short and cannot be made at all (`Outcome::unmakeable`).
fn unmakeable_notes(unmakeable: &[(&Name, Vec<&Name>)]) -> Vec<String> {
    let notes = unmakeable.iter().map(|(product, unsourced)| {
        let more = match unsourced.len() - 1 {
            0 => String::new(),
            n => format!(" and {}", model::counted(n, "other item")),
        };
        let message = format!(
            "cannot be made at all, since no site is qualified to make {}{more}; it falls short \
             whatever the scenario does",
            unsourced[0]
        );
        Finding::file_warning(product.to_string(), message).to_string()
    });
    notes.collect()
}

/// A note for each event of `scenario` that changes nothing (`scenario::idle`,
/// `scenario::strikes_no_source`), and for one that, written with no end, lasts to the end of
/// the run (a forgotten `duration_weeks` would otherwise pass unseen); and one for a scenario
/// with no event at all (an empty file, say), whose run is the network undisrupted.
fn notes(graph: &Graph, scenario: &Resolved, horizon: u32, period: Period) -> Vec<String> {
    let unit = period.noun();
    let mut notes = Vec::new();
    if scenario.scenario.events.is_empty() {
        let message = "none given: the network runs undisrupted (write each disruption as an \
                       [[event]], docs/scenarios.md)";
        notes.push(warning(&scenario.source, "event", message.into()).to_string());
    }
    for (n, event) in scenario.scenario.events.iter().enumerate() {
        let idle = crate::scenario::idle(graph, event, horizon, unit);
        let endless = scenario
            .file
            .events
            .get(n)
            .filter(|spec| spec.duration_weeks.is_none() && idle.is_empty())
            .map(|_| {
                let to = model::counted(horizon as usize, unit);
                ("duration_weeks", format!("none given: it lasts to the end of the {to} simulated"))
            });
        for (field, message) in
            idle.into_iter().chain(strikes_no_source(graph, event)).chain(endless)
        {
            let at = scenario
                .places
                .get(n)
                .map_or_else(|| format!("event {}", n + 1), |place| place.of(field));
            notes.push(warning(at, field, message).to_string());
        }
    }
    notes
}

#[derive(Clone, Debug)]
pub struct MonteCarloOptions {
    pub scenarios: u32,
    pub seed: u64,
    pub period: Period,
    /// Weeks simulated per scenario (default 52).
    pub horizon_weeks: Option<f64>,
    pub unmet: Unmet,
    /// A product falls short in a scenario when its fill rate is below this (0 to 1).
    pub threshold: f64,
    /// The hazard models scenarios are drawn from (`scenario::hazards` reads a hazards file).
    pub hazards: Hazards,
    /// The most time drawing and running the scenarios may take: past it no more start, and
    /// the report covers those done from the first on (none: as long as it takes).
    pub time_limit: Option<std::time::Duration>,
}

/// Draws and runs `options.scenarios` random disruption scenarios on the stored network.
pub fn monte_carlo(
    config: &Config,
    options: &MonteCarloOptions,
    progress: &dyn Progress,
) -> Result<MonteCarloReport, Error> {
    let mc = monte_carlo_settings(options)?;
    crate::graph_cache::once(config, progress, |graph| {
        draw_and_run(graph, &mc, options.period, options.time_limit, progress)
    })
}

/// The engine's settings for the options, or what is wrong with them.
pub(crate) fn monte_carlo_settings(options: &MonteCarloOptions) -> Result<MonteCarlo, Error> {
    let weeks = options.horizon_weeks.unwrap_or(DEFAULT_HORIZON_WEEKS);
    check_horizon(weeks)?;
    if !(1..=MAX_SCENARIOS).contains(&options.scenarios) {
        return Err(Error::invalid(format!(
            "a Monte Carlo run draws 1 to {} scenarios, not {}",
            model::grouped(u64::from(MAX_SCENARIOS)),
            options.scenarios
        )));
    }
    if !(0.0..=1.0).contains(&options.threshold) {
        return Err(Error::invalid(format!(
            "the fill-rate threshold must be 0 to 1, not {}{}",
            Shown(options.threshold),
            crate::as_percentage(options.threshold)
        )));
    }
    Ok(MonteCarlo {
        scenarios: options.scenarios,
        seed: options.seed,
        horizon: options.period.periods(weeks, 1),
        unmet: options.unmet,
        threshold: options.threshold,
        hazards: options.hazards.clone(),
    })
}

/// Runs checked Monte Carlo settings, starting no scenario after `time_limit`.
pub(crate) fn draw_and_run(
    graph: &Graph,
    mc: &MonteCarlo,
    period: Period,
    time_limit: Option<std::time::Duration>,
    progress: &dyn Progress,
) -> Result<MonteCarloReport, Error> {
    let started = Instant::now();
    let in_time = || time_limit.is_none_or(|limit| started.elapsed() < limit);
    let flows = Flows::new(graph, period);
    // A bar's time left is for every scenario asked; the label says when the run stops instead.
    let label = time_limit.map_or_else(
        || "scenarios".to_owned(),
        |limit| format!("scenarios, stopping at {}", crate::plan::clock::shown(limit)),
    );
    let report = crate::with_progress(progress, &label, u64::from(mc.scenarios), |report| {
        Some(engine::simulate::monte_carlo(graph, &flows, mc, &|done| report(done) && in_time()))
    })?;
    // Told to stop, the engine reports on what it did; a cancelled run reports nothing.
    crate::go_on(progress)?;
    tracing::info!(
        seconds = started.elapsed().as_secs_f64(),
        scenarios = report.scenarios,
        asked = mc.scenarios,
        periods = mc.horizon,
        "monte carlo"
    );
    Ok(report)
}
