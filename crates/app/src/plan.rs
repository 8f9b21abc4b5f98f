//! The planning use cases: `mobilize` plans production across the stored network to meet demand
//! targets (engine::plan, docs/planning-model.md); `replan` applies events to a saved plan and
//! solves again starting from it, and says what changed.

mod diff;
mod document;
mod events;
mod formats;
mod inputs;
mod naming;
mod report;

use std::path::{Path, PathBuf};
use std::time::Instant;

use engine::plan::{Model, Program, check, explain};
use serde::Serialize;

pub use diff::{OrderChange, PlanDiff, SiteChange, TargetChange, WorkChange, diff};
pub use document::{
    FORMAT, NetworkStamp, PlanDocument, SavedBases, VERSION, read, write, write_csv,
};
pub use formats::{
    DemandFile, EventsFile, MAX_HORIZON_WEEKS, PLAN_EVENT_KINDS, PlanEvent, PlanRequest, TargetSpec,
};
pub use report::{
    BOTTLENECKS_KEPT, BottleneckRow, DeliveryRow, GainRow, PathStep, PlanReport, ProductGain,
    ProductionRow, ProgramStats, Seconds, ShipmentRow, Shortfall, SteadyShort, TargetResult,
};

use crate::request::Request;
use crate::{Config, Error, Progress};

/// Bottlenecks solved again with one more unit, by default.
pub const DEFAULT_RECHECK: usize = 5;

#[derive(Clone, Debug)]
pub struct MobilizeOptions {
    /// The demand file.
    pub demand: PathBuf,
    /// A disruption scenario the plan must live with (a stress-test scenario file).
    pub scenario: Option<PathBuf>,
    /// Weeks planned, overriding the demand file.
    pub horizon_weeks: Option<u32>,
    /// Bottlenecks to solve again with one more unit.
    pub recheck: usize,
}

/// Plans production on the stored network to meet the targets of a demand file.
pub fn mobilize(
    config: &Config,
    options: &MobilizeOptions,
    progress: &dyn Progress,
) -> Result<PlanDocument, Error> {
    let (demand_request, demand): (Request, DemandFile) =
        inputs::read(&options.demand, "the demand")?;
    let scenario = match &options.scenario {
        Some(path) => {
            let (request, file): (Request, crate::scenario::ScenarioFile) =
                inputs::read(path, "the scenario")?;
            Some((request, file))
        }
        None => None,
    };
    let (stamp, network) = stamped_network(config, progress)?;
    let request = PlanRequest {
        demand_file: demand_request.file.clone(),
        demand,
        scenario_file: scenario.as_ref().map(|(r, _)| r.file.clone()),
        scenario: scenario.as_ref().map(|(_, file)| file.clone()),
        events: Vec::new(),
        horizon_weeks: options.horizon_weeks,
    };
    let locate = inputs::Locate {
        name: &demand_request.file,
        target: &|n| demand_request.locate("target", n),
        event: &|n| format!("event {}", n + 1),
        scenario: &|n| scenario.as_ref().map_or(String::new(), |(r, _)| r.locate("event", n)),
    };
    let resolved = inputs::resolve(&request, &network, &locate)?;
    let (plan, bases) = solve(&request, &resolved, None, options.recheck, progress)?;
    Ok(PlanDocument::new(stamp, request, plan, bases))
}

/// Plans the demand file `file` (its text) on `network`, as the demo does.
pub(crate) fn plan_text(
    network: &model::Network,
    file: &str,
    text: &str,
    recheck: usize,
    progress: &dyn Progress,
) -> Result<PlanReport, Error> {
    let demand_request = Request { file: file.to_owned(), text: text.to_owned() };
    let request = PlanRequest {
        demand_file: file.to_owned(),
        demand: demand_request.parse("the demand")?,
        ..PlanRequest::default()
    };
    let locate = inputs::Locate {
        name: file,
        target: &|n| demand_request.locate("target", n),
        event: &|n| format!("event {}", n + 1),
        scenario: &|n| format!("scenario event {}", n + 1),
    };
    let resolved = inputs::resolve(&request, network, &locate)?;
    solve(&request, &resolved, None, recheck, progress).map(|(plan, _)| plan)
}

#[derive(Clone, Debug)]
pub struct ReplanOptions {
    /// The saved plan.
    pub plan: PathBuf,
    /// The events file.
    pub events: PathBuf,
    pub recheck: usize,
    /// Solve from nothing instead of from the saved plan (for comparison).
    pub cold: bool,
}

/// What a re-plan gave.
#[derive(Clone, Debug, Serialize)]
pub struct Replanned {
    pub document: PlanDocument,
    pub diff: PlanDiff,
    /// Events applied now.
    pub events: usize,
}

/// Applies the events of a file to a saved plan and solves again, starting from the saved plan.
pub fn replan(
    config: &Config,
    options: &ReplanOptions,
    progress: &dyn Progress,
) -> Result<Replanned, Error> {
    let saved = document::read(&options.plan)?;
    let (events_request, events): (Request, EventsFile) =
        inputs::read(&options.events, "the events")?;
    let (stamp, network) = stamped_network(config, progress)?;
    if stamp != saved.network {
        return Err(Error::Conflict(format!(
            "{} was made on the network imported {} from {}, but the store now holds the one imported {} from {}; plan again with arsenal mobilize",
            options.plan.display(),
            saved.network.imported_at,
            saved.network.source,
            stamp.imported_at,
            stamp.source
        )));
    }
    if events.events.is_empty() {
        return Err(Error::invalid(format!(
            "{}: no events; add at least one [[event]]",
            events_request.file
        )));
    }
    let mut request = saved.request.clone();
    let earlier = request.events.len();
    let n_events = events.events.len();
    request.events.extend(events.events.into_iter().map(|e| (events_request.file.clone(), e)));
    let plan_file = options.plan.display().to_string();
    let locate = inputs::Locate {
        name: &events_request.file,
        target: &|n| format!("{plan_file}: target {}", n + 1),
        event: &|n| match n.checked_sub(earlier) {
            Some(new) => events_request.locate("event", new),
            None => format!("{plan_file}: event {}", n + 1),
        },
        scenario: &|n| format!("{plan_file}: scenario event {}", n + 1),
    };
    let resolved = inputs::resolve(&request, &network, &locate)?;
    // The saved plan's own request rebuilds the model its bases belong to.
    let start = match (&saved.bases, options.cold) {
        (Some(saved_bases), false) => {
            let before = inputs::resolve(&saved.request, &network, &locate)?;
            saved_bases.bases().map(|bases| (before, bases))
        }
        _ => None,
    };
    let (plan, bases) = solve(&request, &resolved, start.as_ref(), options.recheck, progress)?;
    let graph = &resolved.graph;
    let value = |item: &str| {
        graph.item_ids.iter().position(|i| &**i == item).map_or(0.0, |i| graph.items[i].unit_value)
    };
    let diff = diff::diff(&saved.plan, &plan, &value);
    let document = PlanDocument::new(stamp, request, plan, bases);
    Ok(Replanned { document, diff, events: n_events })
}

/// The stored network and the stamp of its import.
fn stamped_network(
    config: &Config,
    progress: &dyn Progress,
) -> Result<(NetworkStamp, model::Network), Error> {
    let (store, network) = crate::network::load_network(config, progress)?;
    let record = store.last_import()?.ok_or_else(|| Error::NotFound("no network stored".into()))?;
    Ok((NetworkStamp::of(&record), network))
}

/// Builds and solves the program of a resolved request, starting from the bases of a plan of
/// an earlier request when given, checks the plan independently and names it; returns it with
/// the bases the solves ended on.
fn solve(
    request: &PlanRequest,
    resolved: &inputs::Resolved,
    start: Option<&(inputs::Resolved, engine::plan::Bases)>,
    recheck: usize,
    progress: &dyn Progress,
) -> Result<(PlanReport, Option<SavedBases>), Error> {
    let failed = |e: engine::plan::Failure| Error::Internal(e.to_string());
    let mut seconds = Seconds::default();
    let mut clock = Instant::now();
    let mut lap = |slot: &mut f64| {
        *slot = clock.elapsed().as_secs_f64();
        clock = Instant::now();
    };
    progress.begin("building the program", None);
    let model =
        Model::new(&resolved.graph, &resolved.targets, &resolved.changes, &resolved.options);
    lap(&mut seconds.model);
    let mut program = Program::new(&model);
    let warm_start = start.is_some_and(|(before, bases)| {
        let previous = Model::new(&before.graph, &before.targets, &before.changes, &before.options);
        program.start_from(&previous, bases)
    });
    lap(&mut seconds.build);
    progress.end();
    let size = program.size();
    tracing::info!(
        columns = size.columns,
        rows = size.rows,
        nonzeros = size.nonzeros,
        "program built"
    );

    progress.begin("solving: demand met", None);
    let met = program.maximise_met().map_err(failed);
    progress.end();
    let met = met?;
    lap(&mut seconds.solve_met);
    progress.begin("bottlenecks", None);
    let bottlenecks = program.bottlenecks(recheck).map_err(failed);
    progress.end();
    let bottlenecks = bottlenecks?;
    lap(&mut seconds.bottlenecks);
    progress.begin("solving: cost", None);
    let cost = program.minimise_cost().map_err(failed);
    progress.end();
    let cost = cost?;
    lap(&mut seconds.solve_cost);
    let plan = program.plan();
    let checked = check(&model, &plan);
    if let Some(first) = checked.violations.first() {
        return Err(Error::Internal(format!(
            "the optimizer's plan failed its independent check ({} problems; first: {}, off by {})",
            checked.violations.len(),
            first.what,
            first.excess
        )));
    }
    let reasons = explain(&model, &checked.met, &bottlenecks);
    let name = request.demand.name.clone().unwrap_or_else(|| stem(&request.demand_file));
    let solved = naming::Solved {
        name,
        model: &model,
        plan: &plan,
        checked: &checked,
        bottlenecks: &bottlenecks,
        reasons: &reasons,
        baseline: resolved.options.baseline,
    };
    let stats = ProgramStats {
        size,
        objective_met: met,
        objective_cost: cost,
        warm_start,
        seconds: Seconds::default(),
    };
    let mut report = solved.report(stats);
    lap(&mut seconds.extract);
    report.program.seconds = seconds;
    tracing::info!(
        value_met = met,
        cost,
        model = report.program.seconds.model,
        build = report.program.seconds.build,
        solve_met = report.program.seconds.solve_met,
        bottlenecks = report.program.seconds.bottlenecks,
        solve_cost = report.program.seconds.solve_cost,
        extract = report.program.seconds.extract,
        warm_start,
        "planned"
    );
    Ok((report, program.bases().map(|b| SavedBases::of(&b))))
}

fn stem(file: &str) -> String {
    Path::new(file).file_stem().map_or("plan".into(), |s| s.to_string_lossy().into_owned())
}
