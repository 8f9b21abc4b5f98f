//! The planning use cases: `mobilize` plans production across the stored network to meet demand
//! targets (engine::plan, docs/planning-model.md); `replan` applies events to a saved plan and
//! solves again starting from it, and says what changed.

pub(crate) mod clock;
mod diff;
mod document;
mod events;
mod formats;
mod inputs;
mod naming;
mod report;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use engine::plan::{Failure, Model, Program, check, explain};
use serde::Serialize;

pub use clock::{time_limit, time_limit_seconds};
pub use diff::{OrderChange, PlanDiff, SiteChange, TargetChange, WorkChange, diff};
pub use document::{
    FORMAT, NetworkStamp, PlanDocument, SavedBases, VERSION, check_outputs, read, write, write_csv,
};
pub use formats::{
    DemandFile, EventsFile, MAX_HORIZON_WEEKS, PLAN_EVENT_KINDS, PlanEvent, PlanRequest, TargetSpec,
};
pub use report::{
    BOTTLENECKS_KEPT, BottleneckRow, DeliveryRow, GainRow, PathStep, PlanReport, ProductGain,
    ProductionRow, ProgramStats, Seconds, ShipmentRow, Shortfall, SteadyShort, TargetResult,
};

pub(crate) use inputs::Against;

use crate::request::{Place, Request};
use crate::{Config, Error, Progress};

/// Bottlenecks solved again with one more unit, by default.
pub const DEFAULT_RECHECK: usize = 5;

/// Bottlenecks a re-plan solves again with one more unit, by default: fewer, so that it answers
/// an event within seconds on a national network (docs/benchmarks.md, Planning).
pub const REPLAN_RECHECK: usize = 3;

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
    /// The most time building and solving the program may take (`time_limit`).
    pub time_limit: Option<Duration>,
}

/// Plans production on the stored network to meet the targets of a demand file.
pub fn mobilize(
    config: &Config,
    options: &MobilizeOptions,
    progress: &dyn Progress,
) -> Result<PlanDocument, Error> {
    let demand = Request::read(&options.demand, "the demand")?;
    let scenario =
        options.scenario.as_deref().map(|p| Request::read(p, "the scenario")).transpose()?;
    let ask =
        PlanAsk::mobilize(&demand, scenario.as_ref(), options.horizon_weeks, options.recheck)?
            .within(options.time_limit);
    let (stamp, prepared) = prepare_stored(&ask, config, progress)?;
    let answered = answer(&prepared, &stamp, progress);
    crate::free_aside(prepared);
    Ok(answered?.0)
}

/// Loads what `ask` needs of the stored network and checks the ask against it: the network's
/// records when its events qualify new sources (they join the records before the graph is
/// built), otherwise the graph alone (from the cache beside the embedded store).
fn prepare_stored(
    ask: &PlanAsk,
    config: &Config,
    progress: &dyn Progress,
) -> Result<(NetworkStamp, Prepared), Error> {
    if ask.adds_sources() {
        let (import, network) = crate::network::load_network(config, progress)?;
        let stamp = NetworkStamp::of(&import);
        let prepared = ask.prepare(Against::Records(&network), &stamp);
        crate::free_aside(network);
        Ok((stamp, prepared?))
    } else {
        let (import, graph) = crate::graph_cache::stamped(config, progress)?;
        let stamp = NetworkStamp::of(&import);
        let prepared = ask.prepare(Against::Graph(&Arc::new(graph)), &stamp)?;
        Ok((stamp, prepared))
    }
}

/// Plans the demand file `file` (its text) on `network`, as the demo does.
pub(crate) fn plan_text(
    network: &model::Network,
    file: &str,
    text: &str,
    limits: Limits,
    progress: &dyn Progress,
) -> Result<PlanReport, Error> {
    let demand_request = Request::named(file, text);
    let request = PlanRequest {
        demand_file: file.to_owned(),
        demand: demand_request.parse_all("the demand")?,
        ..PlanRequest::default()
    };
    let targets = demand_request.places("target", request.demand.targets.len());
    let locate = inputs::Locate {
        name: file,
        fields: &demand_request.fields(),
        target: &|n| targets[n].clone(),
        event: &|n| Place::at(format!("event {}", n + 1)),
        scenario: &|n| Place::at(format!("scenario event {}", n + 1)),
    };
    let resolved = inputs::resolve(&request, Against::Records(network), &locate)?;
    solve(&request, &resolved, None, limits, progress).map(|(plan, _)| plan)
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
    /// The most time building and solving the program may take (`time_limit`).
    pub time_limit: Option<Duration>,
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
    let events = Request::read(&options.events, "the events")?;
    let plan_name = options.plan.display().to_string();
    let ask = PlanAsk::replan(saved, &plan_name, &events, options.recheck, options.cold)?
        .within(options.time_limit);
    let (stamp, prepared) = prepare_stored(&ask, config, progress)?;
    let answered = answer(&prepared, &stamp, progress);
    crate::free_aside(prepared);
    match answered? {
        (document, Some((diff, events))) => Ok(Replanned { document, diff, events }),
        (_, None) => Err(Error::Internal("a re-plan gave no difference".into())),
    }
}

/// A plan or a re-plan as asked: its documents parsed, not yet checked against a network.
#[derive(Clone, Debug)]
pub struct PlanAsk {
    /// The request the plan solves: for a re-plan, the saved plan's with the new events added.
    request: PlanRequest,
    /// Where each target, event and scenario event was written, for errors.
    places: Places,
    /// For a re-plan: the saved plan, the name it is reported under, and whether to solve from
    /// nothing instead of from it.
    saved: Option<(PlanDocument, String, bool)>,
    recheck: usize,
    time_limit: Option<Duration>,
}

/// Where the parts of a plan request were written.
#[derive(Clone, Debug)]
struct Places {
    name: String,
    /// The demand file's fields around its targets.
    fields: Place,
    targets: Vec<Place>,
    events: Vec<Place>,
    scenario: Vec<Place>,
}

impl Places {
    fn nth(&self, list: &[Place], n: usize) -> Place {
        list.get(n).cloned().unwrap_or_else(|| Place::at(&self.name))
    }
}

impl PlanAsk {
    /// A plan of the targets of `demand`, under the disruption `scenario` when given.
    pub fn mobilize(
        demand: &Request,
        scenario: Option<&Request>,
        horizon_weeks: Option<u32>,
        recheck: usize,
    ) -> Result<PlanAsk, Error> {
        if let Some(weeks) = horizon_weeks {
            crate::stress::check_horizon(f64::from(weeks))?;
        }
        let parsed: DemandFile = demand.parse_all("the demand")?;
        let scenario_file: Option<crate::scenario::ScenarioFile> =
            scenario.map(|r| r.parse_all("the scenario")).transpose()?;
        let places = Places {
            name: demand.file.clone(),
            fields: demand.fields(),
            targets: demand.places("target", parsed.targets.len()),
            events: Vec::new(),
            scenario: match (scenario, &scenario_file) {
                (Some(r), Some(file)) => r.places("event", file.events.len()),
                _ => Vec::new(),
            },
        };
        let request = PlanRequest {
            demand_file: demand.file.clone(),
            demand: parsed,
            scenario_file: scenario.map(|r| r.file.clone()),
            scenario: scenario_file,
            events: Vec::new(),
            horizon_weeks,
        };
        Ok(PlanAsk { request, places, saved: None, recheck, time_limit: None })
    }

    /// The saved plan `saved` (reported as `plan_name`) again with the events of `events`,
    /// solved from the saved plan's bases unless `cold`.
    pub fn replan(
        saved: PlanDocument,
        plan_name: &str,
        events: &Request,
        recheck: usize,
        cold: bool,
    ) -> Result<PlanAsk, Error> {
        let parsed: EventsFile = events.parse_all("the events")?;
        if parsed.events.is_empty() {
            return Err(Error::invalid(format!(
                "{}: no events; add at least one [[event]]",
                events.file
            )));
        }
        let mut request = saved.request.clone();
        let earlier = request.events.len();
        let n_targets = request.demand.targets.len();
        let n_scenario = request.scenario.as_ref().map_or(0, |s| s.events.len());
        let added = events.places("event", parsed.events.len());
        request.events.extend(parsed.events.into_iter().map(|e| (events.file.clone(), e)));
        let places = Places {
            name: events.file.clone(),
            fields: Place::at(format!("{plan_name}: demand")),
            targets: (0..n_targets)
                .map(|n| Place::at(format!("{plan_name}: target {}", n + 1)))
                .collect(),
            events: (0..earlier)
                .map(|n| Place::at(format!("{plan_name}: event {}", n + 1)))
                .chain(added)
                .collect(),
            scenario: (0..n_scenario)
                .map(|n| Place::at(format!("{plan_name}: scenario event {}", n + 1)))
                .collect(),
        };
        let saved = Some((saved, plan_name.to_owned(), cold));
        Ok(PlanAsk { request, places, saved, recheck, time_limit: None })
    }

    /// The same ask, whose program may take at most `time_limit` to build and solve (none: as
    /// long as it takes).
    pub fn within(self, time_limit: Option<Duration>) -> PlanAsk {
        PlanAsk { time_limit, ..self }
    }

    /// Whether the events qualify new sources: then the request is resolved against the
    /// network's records, not its graph alone.
    pub(crate) fn adds_sources(&self) -> bool {
        inputs::adds_sources(&self.request)
    }

    /// Checks the request against the stored network (imported as `stamp`) and resolves it.
    pub(crate) fn prepare(
        &self,
        against: Against<'_>,
        stamp: &NetworkStamp,
    ) -> Result<Prepared, Error> {
        let places = &self.places;
        let locate = inputs::Locate {
            name: &places.name,
            fields: &places.fields,
            target: &|n| places.nth(&places.targets, n),
            event: &|n| places.nth(&places.events, n),
            scenario: &|n| places.nth(&places.scenario, n),
        };
        let mut start = None;
        let mut before = None;
        if let Some((saved, plan_name, cold)) = &self.saved {
            if *stamp != saved.network {
                return Err(Error::Conflict(format!(
                    "{plan_name} was made on the network imported {} from {}, but the store now holds the one imported {} from {}; plan again with arsenal mobilize",
                    saved.network.imported_at,
                    saved.network.source,
                    stamp.imported_at,
                    stamp.source
                )));
            }
            // The saved plan's own request rebuilds the model its bases belong to.
            if let (Some(saved_bases), false) = (&saved.bases, cold)
                && saved_bases.is_well_formed()
            {
                let earlier = inputs::resolve(&saved.request, against, &locate)?;
                start = Some((earlier, saved_bases.clone()));
            }
            let added = self.request.events.len() - saved.request.events.len();
            before = Some((saved.plan.clone(), added));
        }
        let resolved = inputs::resolve(&self.request, against, &locate)?;
        Ok(Prepared {
            request: self.request.clone(),
            resolved,
            start,
            limits: (self.recheck, self.time_limit),
            before,
        })
    }
}

/// A plan request checked against a network, ready to solve.
pub(crate) struct Prepared {
    request: PlanRequest,
    resolved: inputs::Resolved,
    /// The model of the saved plan and the bases its solves ended on, to start from.
    start: Option<(inputs::Resolved, SavedBases)>,
    /// Bottlenecks to solve again with one more unit, and the time limit.
    limits: Limits,
    /// For a re-plan: the plan before and the number of events applied now.
    before: Option<(PlanReport, usize)>,
}

/// Solves a prepared request; for a re-plan, also what changed and how many events were
/// applied now.
pub(crate) fn answer(
    prepared: &Prepared,
    stamp: &NetworkStamp,
    progress: &dyn Progress,
) -> Result<(PlanDocument, Option<(PlanDiff, usize)>), Error> {
    let Prepared { request, resolved, start, limits, before } = prepared;
    let (plan, bases) = solve(request, resolved, start.as_ref(), *limits, progress)?;
    let graph = &resolved.graph;
    let value = |item: &str| graph.item(item).map_or(0.0, |i| graph.items[i as usize].unit_value);
    let changed =
        before.as_ref().map(|(earlier, events)| (diff::diff(earlier, &plan, &value), *events));
    Ok((PlanDocument::new(stamp.clone(), request.clone(), plan, bases), changed))
}

/// Bottlenecks to solve again with one more unit, and the most time building and solving the
/// program may take.
pub(crate) type Limits = (usize, Option<Duration>);

/// Builds and solves the program of a resolved request, starting from the bases of a plan of
/// an earlier request when given, checks the plan independently and names it; returns it with
/// the bases the solves ended on. A plan solved from such bases that fails the check is solved
/// again from nothing (the solver's tolerances are met in its own scaling, which without
/// presolve can leave a plan just off a tiny bound). Stops when `progress` is cancelled or the
/// time limit is up.
fn solve(
    request: &PlanRequest,
    resolved: &inputs::Resolved,
    start: Option<&(inputs::Resolved, SavedBases)>,
    (recheck, time_limit): Limits,
    progress: &dyn Progress,
) -> Result<(PlanReport, Option<SavedBases>), Error> {
    let clock = clock::Clock::start(progress, time_limit);
    let mut laps = Laps { seconds: Seconds::default(), since: Instant::now() };
    progress.begin(BUILDING, None);
    let previous = start.map(|(before, bases)| {
        (Model::new(&before.graph, &before.targets, &before.changes, &before.options), bases)
    });
    let (graph, targets, changes, options) =
        (&resolved.graph, &resolved.targets, &resolved.changes, &resolved.options);
    // A re-plan's program holds every decision of the plan it changes, so that plan's bases
    // carry over whole.
    let model = match &previous {
        Some((previous, _)) => Model::covering(graph, targets, changes, options, previous),
        None => Model::new(graph, targets, changes, options),
    };
    laps.lap(|s| &mut s.model);
    let memory = crate::machine::usage();
    tracing::info!(limit = memory.limit, held = memory.held, "memory a plan may take");
    let attempt = |start: Option<(&Model<'_>, &SavedBases)>, laps: &mut Laps| {
        let solving = Solving { model: &model, clock: &clock, progress, memory, recheck };
        solving.attempt(start, laps)
    };
    let mut solved = attempt(previous.as_ref().map(|(model, saved)| (model, *saved)), &mut laps)?;
    if let (true, Some(first)) = (solved.warm_start, solved.checked.violations.first()) {
        tracing::warn!(
            first = %first.what,
            excess = first.excess,
            "the plan solved from the saved plan's bases failed its check; solving from nothing"
        );
        progress.begin(BUILDING, None);
        solved = attempt(None, &mut laps)?;
    }
    let Attempt { program, warm_start, size, met, bottlenecks, cost, plan, checked } = solved;
    if let Some(first) = checked.violations.first() {
        return Err(Error::Internal(format!(
            "the optimizer's plan failed its independent check ({}; first: {}, off by {})",
            crate::counted(checked.violations.len(), "problem"),
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
    report.notes = resolved.notes.iter().map(ToString::to_string).collect();
    laps.lap(|s| &mut s.extract);
    report.program.seconds = laps.seconds;
    tracing::info!(
        value_met = met,
        cost,
        model = report.program.seconds.model,
        build = report.program.seconds.build,
        solve_met = report.program.seconds.solve_met,
        cost_and_bottlenecks = report.program.seconds.cost_and_bottlenecks,
        extract = report.program.seconds.extract,
        warm_start,
        "planned"
    );
    Ok((report, program.bases().map(|b| SavedBases::of(&b))))
}

const BUILDING: &str = "building the program";

/// The seconds of each step of a plan so far, and when the last step ended. A step done twice
/// (a plan solved again from nothing) counts both times.
struct Laps {
    seconds: Seconds,
    since: Instant,
}

impl Laps {
    /// Adds the time since the last step to the step `slot` picks.
    fn lap(&mut self, slot: impl FnOnce(&mut Seconds) -> &mut f64) {
        *slot(&mut self.seconds) += self.since.elapsed().as_secs_f64();
        self.since = Instant::now();
    }
}

/// What solving a model needs: the model, the clock its solves stop by, where progress goes, the
/// memory the program may take, and the bottlenecks to check.
struct Solving<'a, 'g> {
    model: &'a Model<'g>,
    clock: &'a clock::Clock<'a>,
    progress: &'a dyn Progress,
    memory: crate::machine::Memory,
    recheck: usize,
}

/// A program solved for the most demand met and then the least cost, with its plan checked.
struct Attempt<'a, 'g> {
    program: Program<'a, 'g>,
    warm_start: bool,
    size: engine::plan::Size,
    met: f64,
    bottlenecks: Vec<engine::plan::Bottleneck>,
    cost: f64,
    plan: engine::plan::Plan,
    checked: engine::plan::Checked,
}

impl<'a, 'g> Solving<'a, 'g> {
    /// Builds the program (the `BUILDING` stage has begun), starts it from the bases of a plan of
    /// the model in `start` when given, solves it and checks its plan.
    fn attempt(
        &self,
        start: Option<(&Model<'_>, &SavedBases)>,
        laps: &mut Laps,
    ) -> Result<Attempt<'a, 'g>, Error> {
        let (clock, progress, memory) = (self.clock, self.progress, self.memory);
        let built = clock.go_on(BUILDING, None).and_then(|()| {
            Program::new(self.model, memory.left()).map_err(|e| match e {
                Failure::TooLarge { .. } => Error::invalid(format!(
                    "{e}; this process may use {} of memory and holds {} already",
                    model::gibibytes(memory.limit),
                    model::gibibytes(memory.held)
                )),
                e => self.failed(&e, BUILDING, None),
            })
        });
        let mut program = built.inspect_err(|_| progress.end())?;
        let warm_start = start.is_some_and(|(previous, saved)| {
            program.start_from(previous, |size| saved.bases(size))
        });
        laps.lap(|s| &mut s.build);
        progress.end();
        let size = program.size();
        tracing::info!(
            columns = size.columns,
            rows = size.rows,
            nonzeros = size.nonzeros,
            warm_start,
            "program built"
        );

        const MET: &str = "solving for the most demand met";
        clock.go_on(MET, Some(size))?;
        clock.solving("solving: demand met");
        let met = program.maximise_met(clock).map_err(|e| self.failed(&e, MET, Some(size)));
        progress.end();
        let met = met?;
        laps.lap(|s| &mut s.solve_met);
        const COST: &str = "solving for the least cost and checking the bottlenecks";
        clock.go_on(COST, Some(size))?;
        clock.solving("solving: cost, and checking bottlenecks");
        let finished = program
            .bottlenecks_and_cost(self.recheck, clock)
            .map_err(|e| self.failed(&e, COST, Some(size)));
        progress.end();
        let (bottlenecks, cost) = finished?;
        laps.lap(|s| &mut s.cost_and_bottlenecks);
        let plan = program.plan();
        let checked = check(self.model, &plan);
        Ok(Attempt { program, warm_start, size, met, bottlenecks, cost, plan, checked })
    }

    /// The error of a solver's failure: one on numbers spread too widely is the data's to fix;
    /// any other, ours.
    fn failed(&self, e: &Failure, stage: &str, size: Option<engine::plan::Size>) -> Error {
        match e {
            Failure::TooWide { .. } | Failure::TooLarge { .. } => Error::invalid(e.to_string()),
            Failure::Stopped => self.clock.stopped(stage, size),
            Failure::Solver(_) => Error::Internal(e.to_string()),
        }
    }
}

fn stem(file: &str) -> String {
    Path::new(file).file_stem().map_or("plan".into(), |s| s.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests;
