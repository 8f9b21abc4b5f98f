//! What a plan is asked for (`formats::PlanRequest`: the demand file, an optional disruption
//! scenario, and the events re-plans add), checked against the stored network with every
//! problem located, and resolved to the engine's targets, options and changes.

use std::sync::Arc;

use engine::graph::Graph;
use engine::plan::{Baseline, Changes, Options, Target};
use engine::simulate::Period;
use model::{Network, Shown};

use super::events::{
    capacity, demand_change, lowers, missing_hours, new_source, outage, starts_late,
};
use super::formats::{DemandFile, MAX_HORIZON_WEEKS, PlanRequest, TargetSpec};
use crate::Error;
use crate::interchange::Finding;
use crate::request::{Place, by_line, invalid, problem, warning};
use crate::scenario::idle;

/// A request resolved against the network: the graph (with any newly qualified sources), the
/// targets in the order given, the options and the changes.
pub(crate) struct Resolved {
    pub(crate) graph: Arc<Graph>,
    pub(crate) targets: Vec<Target>,
    pub(crate) options: Options,
    pub(crate) changes: Changes,
    /// What the request does that may not be what was meant (a capacity event that lowers a
    /// level), located.
    pub(crate) notes: Vec<Finding>,
}

/// The stored network a request is resolved against.
#[derive(Clone, Copy)]
pub(crate) enum Against<'a> {
    /// Its records: newly qualified sources join them before the graph is built.
    Records(&'a Network),
    /// Its graph, for a request that qualifies no new source (`adds_sources`).
    Graph(&'a Arc<Graph>),
}

/// Whether `request` qualifies new sources (then it is resolved against the network's records).
pub(crate) fn adds_sources(request: &PlanRequest) -> bool {
    request.events.iter().any(|(_, event)| event.kind == "new_source")
}

/// What errors call a plan's request as a whole.
const WHAT: &str = "the plan's request";

/// Where the n-th target and the n-th event of a request were written.
pub(crate) struct Locate<'a> {
    /// The file the request is named by in errors (the demand file, or the events file added).
    pub(crate) name: &'a str,
    /// Where the demand file's fields around its targets were written.
    pub(crate) fields: &'a Place,
    pub(crate) target: &'a dyn Fn(usize) -> Place,
    pub(crate) event: &'a dyn Fn(usize) -> Place,
    pub(crate) scenario: &'a dyn Fn(usize) -> Place,
}

/// Checks `request` against the stored network and resolves it, every problem located by
/// `locate`.
pub(crate) fn resolve(
    request: &PlanRequest,
    against: Against<'_>,
    locate: &Locate<'_>,
) -> Result<Resolved, Error> {
    let demand = &request.demand;
    let file = &request.demand_file;
    let mut findings = Vec::new();
    let locate_event = locate.event;
    let locate_target = |n: usize| {
        if n < demand.targets.len() {
            (locate.target)(n)
        } else {
            Place::at(format!("{file}: a target a demand event added"))
        }
    };

    // Newly qualified sources join the network before anything is resolved against it.
    let graph = match against {
        Against::Graph(graph) if !adds_sources(request) => Arc::clone(graph),
        Against::Graph(_) => {
            return Err(Error::Internal(
                "a plan that qualifies new sources was asked of the graph, not the records".into(),
            ));
        }
        Against::Records(network) => {
            let mut network = network.clone();
            for (n, (_, event)) in request.events.iter().enumerate() {
                if event.kind == "new_source" {
                    match new_source(event, &network) {
                        Ok(source) => network.sources.push(source),
                        Err((field, message)) => {
                            findings.push(problem(locate_event(n).of(field), field, message))
                        }
                    }
                }
            }
            Arc::new(crate::network::build_graph(&network)?)
        }
    };

    // The targets, then what the demand events change.
    let mut targets: Vec<TargetSpec> = demand.targets.clone();
    for (n, spec) in targets.iter().enumerate() {
        if let Err((field, message)) = target(spec, &graph, None) {
            findings.push(problem(locate_target(n).of(field), field, message));
        }
    }
    for (n, (_, event)) in request.events.iter().enumerate() {
        if event.kind != "demand" {
            continue;
        }
        match demand_change(event, &graph) {
            Ok(change) => {
                let same = |t: &TargetSpec| {
                    t.item == change.item && t.site == change.site && t.due_week == change.due_week
                };
                match targets.iter().position(same) {
                    Some(i) if change.quantity == 0.0 => {
                        targets.remove(i);
                    }
                    Some(i) => targets[i] = change,
                    None if change.quantity > 0.0 => targets.push(change),
                    None => {}
                }
            }
            Err((field, message)) => {
                findings.push(problem(locate_event(n).of(field), field, message))
            }
        }
    }
    for (n, spec) in targets.iter().enumerate() {
        if targets[..n]
            .iter()
            .any(|t| t.item == spec.item && t.site == spec.site && t.due_week == spec.due_week)
        {
            findings.push(problem(
                locate_target(n).of("due_week"),
                "due_week",
                format!(
                    "{} is already due in week {} {}; give one target with the quantities combined",
                    spec.item,
                    spec.due_week,
                    spec.site.as_ref().map_or("anywhere".to_owned(), |s| format!("at {s}"))
                ),
            ));
        }
    }
    if targets.is_empty() {
        findings.push(Finding::file_error(
            file.clone(),
            "no targets: add at least one [[target]] with item, quantity and due_week",
        ));
    }

    let latest = targets.iter().map(|t| t.due_week).max().unwrap_or(1);
    let horizon = request.horizon_weeks.or(demand.horizon_weeks).unwrap_or(latest);
    let horizon_ok = (1..=MAX_HORIZON_WEEKS).contains(&horizon);
    if !horizon_ok {
        findings.push(problem(
            locate.fields.of("horizon_weeks"),
            "horizon_weeks",
            format!("must be 1 to {MAX_HORIZON_WEEKS} weeks, not {horizon}"),
        ));
    }
    // A horizon asked for beside the file is not this file's to fix.
    let asked = match (request.horizon_weeks, demand.horizon_weeks) {
        (None, _) => String::new(),
        (Some(_), None) => " asked for".to_owned(),
        (Some(_), Some(own)) => format!(" asked for (this file's horizon_weeks is {own})"),
    };
    // Against a horizon out of range, every target would be named too.
    for (n, spec) in targets.iter().enumerate().filter(|_| horizon_ok) {
        if spec.due_week > horizon {
            findings.push(problem(
                locate_target(n).of("due_week"),
                "due_week",
                format!(
                    "week {} is after the horizon of {}{asked}",
                    spec.due_week,
                    model::counted(horizon as usize, "week")
                ),
            ));
        }
    }
    let options = match options(demand, horizon) {
        Ok(options) => options,
        Err(found) => {
            findings.extend(
                found
                    .into_iter()
                    .map(|(field, message)| problem(locate.fields.of(field), field, message)),
            );
            Options::default()
        }
    };

    // Disruptions and capacity changes.
    let mut changes = Changes::default();
    if let Some(scenario) = &request.scenario {
        let scenario_file = request.scenario_file.clone().unwrap_or_default();
        match crate::scenario::resolve(
            scenario,
            &graph,
            Period::Week,
            &Place::at(&scenario_file),
            locate.scenario,
        ) {
            Ok(resolved) => changes.scenario = resolved,
            Err(found) => findings.extend(found),
        }
    }
    // Events that change nothing, and capacity events that lower a level, are noted.
    let mut notes = Vec::new();
    for (n, event) in changes.scenario.events.iter().enumerate() {
        for (field, message) in idle(&graph, event, horizon, "week") {
            notes.push(warning((locate.scenario)(n).of(field), field, message));
        }
    }
    for (n, (_, event)) in request.events.iter().enumerate() {
        let resolved = match event.kind.as_str() {
            "demand" => continue,
            "new_source" => starts_late(event, &graph, horizon).map_err(|bad| vec![bad]),
            "capacity" => capacity(event, &graph, horizon).map(Some).map_err(|bad| vec![bad]),
            _ => outage(event, &graph, horizon).map(|e| {
                for (field, message) in idle(&graph, &e, horizon, "week") {
                    notes.push(warning(locate_event(n).of(field), field, message));
                }
                changes.scenario.events.push(e);
                None
            }),
        };
        // A new source's weeks before it starts are not a level the user set.
        if let Ok(Some(change)) = &resolved
            && event.kind == "capacity"
            && let Some((field, message)) = lowers(change, &graph)
        {
            notes.push(warning(locate_event(n).of(field), field, message));
        }
        match resolved {
            Ok(change) => changes.capacities.extend(change),
            Err(found) => findings.extend(
                found
                    .into_iter()
                    .map(|(field, message)| problem(locate_event(n).of(field), field, message)),
            ),
        }
    }
    // A newly qualified source needs the hours its item's routing takes.
    for (n, (_, event)) in request.events.iter().enumerate() {
        if event.kind == "new_source"
            && findings.is_empty()
            && let Some(message) = missing_hours(event, &graph, &changes)
        {
            findings.push(problem(locate_event(n).of("site"), "site", message));
        }
    }
    if !findings.is_empty() {
        by_line(&mut findings);
        return Err(invalid(locate.name, WHAT, findings));
    }
    let targets = targets
        .iter()
        .map(|spec| target(spec, &graph, Some(horizon)).map_err(|(_, m)| Error::invalid(m)))
        .collect::<Result<Vec<Target>, Error>>()?;
    Ok(Resolved { graph, targets, options, changes, notes })
}

/// A field at fault and why (as for a scenario's events).
pub(super) type Bad = crate::scenario::Problem;

/// An amount a request gives (a quantity, a level, money): 0 or more, and not so large that
/// the program's sums overflow.
pub(super) fn amount(field: &'static str, value: f64) -> Result<f64, Bad> {
    if !(value.is_finite() && value >= 0.0) {
        return Err((field, format!("must be 0 or more, not {}", Shown(value))));
    }
    model::too_large(value).map_or(Ok(value), |message| Err((field, message)))
}

pub(super) fn find(
    names: &[engine::graph::Name],
    id: &str,
    field: &'static str,
    what: &str,
) -> Result<u32, Bad> {
    crate::lookup::index(names, id, what).map_err(|message| (field, message))
}

fn target(spec: &TargetSpec, graph: &Graph, horizon: Option<u32>) -> Result<Target, Bad> {
    let item = find(&graph.item_ids, &spec.item, "item", "item")?;
    let site =
        spec.site.as_deref().map(|s| find(&graph.site_ids, s, "site", "site")).transpose()?;
    if !(spec.quantity.is_finite() && spec.quantity > 0.0) {
        return Err((
            "quantity",
            format!("must be a number of units above 0, not {}", Shown(spec.quantity)),
        ));
    }
    amount("quantity", spec.quantity)?;
    if spec.due_week == 0 {
        return Err(("due_week", "must be at least 1 (delivered within the first week)".into()));
    }
    let value = amount("value", spec.value.unwrap_or(graph.items[item as usize].unit_value))?;
    let due = horizon.map_or(spec.due_week, |h| spec.due_week.min(h));
    Ok(Target { item, site, quantity: spec.quantity, due, value })
}

fn options(demand: &DemandFile, horizon: u32) -> Result<Options, Vec<Bad>> {
    let d = Options::default();
    let mut bad = Vec::new();
    let baseline = match demand.baseline.as_deref() {
        None | Some("reserve") => Baseline::Reserve,
        Some("compete") => Baseline::Compete,
        Some("ignore") => Baseline::Ignore,
        Some(other) => {
            bad.push(("baseline", format!("must be reserve, compete or ignore, not {other:?}")));
            d.baseline
        }
    };
    let mut money = |field: &'static str, value: Option<f64>, default: f64| match value
        .map(|v| amount(field, v))
        .transpose()
    {
        Ok(v) => v.unwrap_or(default),
        Err(problem) => {
            bad.push(problem);
            default
        }
    };
    let setup_cost = money("setup_cost", demand.setup_cost, d.setup_cost);
    let freight_rate = money("freight_per_1000km", demand.freight_per_1000km, d.freight_rate);
    if bad.is_empty() {
        Ok(Options {
            horizon,
            baseline,
            new_links: demand.new_links.unwrap_or(d.new_links),
            setup_weeks: demand.setup_weeks.unwrap_or(d.setup_weeks),
            setup_cost,
            freight_rate,
            candidates: demand.new_link_candidates.unwrap_or(d.candidates),
        })
    } else {
        Err(bad)
    }
}
