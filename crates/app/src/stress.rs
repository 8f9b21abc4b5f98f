//! The stress-test use case: a scenario file run through `engine::simulate` on the stored
//! network.

use std::path::Path;
use std::time::Instant;

use engine::graph::Graph;
use engine::simulate::{
    Allocation, Flows, Hazards, MonteCarlo, MonteCarloReport, Outcome, Period, Settings, Unmet,
};
use serde::Serialize;

use crate::scenario::Resolved;
use crate::{Config, Error, Progress};

/// Weeks simulated when neither the command line nor the scenario says.
pub const DEFAULT_HORIZON_WEEKS: f64 = 52.0;

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
    let graph = crate::network::load_graph(config, progress)?;
    let scenario = crate::scenario::load(path, &graph, options.period)?;
    run(&graph, &scenario, options, progress)
}

pub(crate) fn run(
    graph: &Graph,
    scenario: &Resolved,
    options: &StressOptions,
    progress: &dyn Progress,
) -> Result<StressReport, Error> {
    let weeks = options.horizon_weeks.or(scenario.horizon_weeks).unwrap_or(DEFAULT_HORIZON_WEEKS);
    if !(weeks.is_finite() && weeks >= 1.0) {
        return Err(Error::invalid(format!("the horizon must be at least one week, not {weeks}")));
    }
    let priority = options
        .priority
        .iter()
        .map(|id| crate::map::find(&graph.item_ids, id, "item"))
        .collect::<Result<Vec<u32>, Error>>()?;
    let settings = Settings {
        horizon: options.period.periods(weeks, 1),
        unmet: options.unmet,
        allocation: if priority.is_empty() {
            Allocation::Proportional
        } else {
            Allocation::Priority(priority)
        },
        ledger: false,
    };
    let started = Instant::now();
    let flows = Flows::new(graph, options.period);
    tracing::info!(
        seconds = started.elapsed().as_secs_f64(),
        positions = flows.n_positions(),
        steady = flows.steady(),
        "flows built"
    );
    let started = Instant::now();
    progress.begin("simulating", Some(u64::from(settings.horizon)));
    let outcome = engine::simulate::stress(graph, &flows, &scenario.scenario, &settings, &|t| {
        progress.advance(u64::from(t) + 1);
    });
    progress.end();
    tracing::info!(
        seconds = started.elapsed().as_secs_f64(),
        periods = settings.horizon,
        "simulated"
    );
    Ok(StressReport {
        scenario: scenario.name.clone(),
        events: scenario.scenario.events.len(),
        outcome,
    })
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
    /// A hazards file; the documented defaults otherwise.
    pub hazards: Option<std::path::PathBuf>,
}

/// Draws and runs `options.scenarios` random disruption scenarios on the stored network.
pub fn monte_carlo(
    config: &Config,
    options: &MonteCarloOptions,
    progress: &dyn Progress,
) -> Result<MonteCarloReport, Error> {
    let weeks = options.horizon_weeks.unwrap_or(DEFAULT_HORIZON_WEEKS);
    if !(weeks.is_finite() && weeks >= 1.0) {
        return Err(Error::invalid(format!("the horizon must be at least one week, not {weeks}")));
    }
    if options.scenarios == 0 {
        return Err(Error::invalid("--monte-carlo needs at least one scenario"));
    }
    if !(0.0..=1.0).contains(&options.threshold) {
        return Err(Error::invalid(format!(
            "the fill-rate threshold must be 0 to 1, not {}",
            options.threshold
        )));
    }
    let hazards = match &options.hazards {
        Some(path) => crate::scenario::load_hazards(path)?,
        None => Hazards::default(),
    };
    let graph = crate::network::load_graph(config, progress)?;
    let flows = Flows::new(&graph, options.period);
    let mc = MonteCarlo {
        scenarios: options.scenarios,
        seed: options.seed,
        horizon: options.period.periods(weeks, 1),
        unmet: options.unmet,
        threshold: options.threshold,
        hazards,
    };
    let started = Instant::now();
    let report = crate::with_progress(progress, "scenarios", u64::from(mc.scenarios), |report| {
        engine::simulate::monte_carlo(&graph, &flows, &mc, report)
    })?;
    tracing::info!(
        seconds = started.elapsed().as_secs_f64(),
        scenarios = mc.scenarios,
        periods = mc.horizon,
        "monte carlo"
    );
    Ok(report)
}
