//! What a plan is asked for: the demand file (targets and planning options), an optional
//! disruption scenario, and the events a re-plan adds (outages, capacity changes, demand
//! changes, newly qualified sources), each checked against the stored network with every
//! problem located, and resolved to the engine's targets, options and changes.

use engine::graph::Graph;
use engine::plan::{Baseline, CapacityChange, Changes, Options, Target};
use engine::simulate::Period;
use model::Network;
use serde::{Deserialize, Serialize};

use crate::Error;
use crate::interchange::Finding;
use crate::request::{Request, invalid, problem};
use crate::scenario::{EVENT_KINDS, EventSpec, ScenarioFile};

/// A demand file as written (docs/planning-model.md).
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DemandFile {
    pub name: Option<String>,
    pub description: Option<String>,
    /// Weeks planned; by default the latest due week.
    pub horizon_weeks: Option<u32>,
    /// `reserve` (default), `compete` or `ignore`: what becomes of the steady demand.
    pub baseline: Option<String>,
    /// Whether new links may be set up (default true).
    pub new_links: Option<bool>,
    /// Weeks before a new link can ship (default 2).
    pub setup_weeks: Option<u32>,
    /// Cost of setting up one new link (default 0).
    pub setup_cost: Option<f64>,
    /// Freight per unit per 1,000 km, as a share of the item's unit value (default 0.01).
    pub freight_per_1000km: Option<f64>,
    /// New links considered into each site that uses an item (default 2).
    pub new_link_candidates: Option<u32>,
    #[serde(default, rename = "target")]
    pub targets: Vec<TargetSpec>,
}

/// One target as written.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TargetSpec {
    pub item: String,
    /// Where it is needed; anywhere the item is held when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    pub quantity: f64,
    /// Delivered within this many weeks (weeks 0 to due_week - 1).
    pub due_week: u32,
    /// What one unit met is worth; the item's unit value by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
}

/// An events file as written.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EventsFile {
    pub name: Option<String>,
    pub description: Option<String>,
    #[serde(default, rename = "event")]
    pub events: Vec<PlanEvent>,
}

/// One event of a re-plan as written; which fields apply depends on `kind`: the scenario kinds
/// (an outage from `start_week`, until the end of the horizon unless `duration_weeks` says
/// otherwise), `capacity`, `demand` and `new_source`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PlanEvent {
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub radius_km: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub process: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supplier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factor: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_week: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_weeks: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_weeks: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub units_per_week: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours_per_week: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_week: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_units_per_week: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead_time_weeks: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_cost: Option<f64>,
}

/// The kinds of re-plan event beyond the scenario kinds.
pub const PLAN_EVENT_KINDS: &[&str] = &["capacity", "demand", "new_source"];

/// Most weeks a plan may cover.
pub const MAX_HORIZON_WEEKS: u32 = 520;

/// Everything a plan is asked for, as written: the demand file, the scenario it runs under,
/// and the events added since, with the names they are reported under.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
pub struct PlanRequest {
    pub demand_file: String,
    pub demand: DemandFile,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario_file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario: Option<ScenarioFile>,
    /// (file, event), in the order they were applied.
    #[serde(default)]
    pub events: Vec<(String, PlanEvent)>,
    /// Weeks planned, when the command line set it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub horizon_weeks: Option<u32>,
}

/// A request resolved against the network: the graph (with any newly qualified sources), the
/// targets in the order given, the options and the changes.
pub(crate) struct Resolved {
    pub(crate) graph: Graph,
    pub(crate) targets: Vec<Target>,
    pub(crate) options: Options,
    pub(crate) changes: Changes,
}

/// Reads a request file (a demand or events file), parsed; `what` names it in errors.
pub(crate) fn read<T: serde::de::DeserializeOwned>(
    path: &std::path::Path,
    what: &str,
) -> Result<(Request, T), Error> {
    let request = Request::read(path, what)?;
    let parsed = request.parse(what)?;
    Ok((request, parsed))
}

/// What errors call a plan's request as a whole.
const WHAT: &str = "the plan's request";

/// Where the n-th target and the n-th event of a request were written.
pub(crate) struct Locate<'a> {
    /// The file the request is named by in errors (the demand file, or the events file added).
    pub(crate) name: &'a str,
    pub(crate) target: &'a dyn Fn(usize) -> String,
    pub(crate) event: &'a dyn Fn(usize) -> String,
    pub(crate) scenario: &'a dyn Fn(usize) -> String,
}

/// Checks `request` against `network` and resolves it, every problem located by `locate`.
pub(crate) fn resolve(
    request: &PlanRequest,
    network: &Network,
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
            format!("{file}: a target a demand event added")
        }
    };

    // Newly qualified sources join the network before anything is resolved against it.
    let mut network = network.clone();
    for (n, (_, event)) in request.events.iter().enumerate() {
        if event.kind == "new_source" {
            match new_source(event, &network) {
                Ok(source) => network.sources.push(source),
                Err((field, message)) => findings.push(problem(locate_event(n), field, message)),
            }
        }
    }
    let graph = crate::network::build_graph(&network)?;

    // The targets, then what the demand events change.
    let mut targets: Vec<TargetSpec> = demand.targets.clone();
    for (n, spec) in targets.iter().enumerate() {
        if let Err((field, message)) = target(spec, &graph, None) {
            findings.push(problem(locate_target(n), field, message));
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
            Err((field, message)) => findings.push(problem(locate_event(n), field, message)),
        }
    }
    for (n, spec) in targets.iter().enumerate() {
        if targets[..n]
            .iter()
            .any(|t| t.item == spec.item && t.site == spec.site && t.due_week == spec.due_week)
        {
            findings.push(problem(
                locate_target(n),
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
    if horizon == 0 || horizon > MAX_HORIZON_WEEKS {
        findings.push(problem(
            file.clone(),
            "horizon_weeks",
            format!("must be 1 to {MAX_HORIZON_WEEKS} weeks, not {horizon}"),
        ));
    }
    for (n, spec) in targets.iter().enumerate() {
        if spec.due_week > horizon {
            findings.push(problem(
                locate_target(n),
                "due_week",
                format!("week {} is after the horizon of {horizon} weeks", spec.due_week),
            ));
        }
    }
    let options = match options(demand, horizon) {
        Ok(options) => options,
        Err(found) => {
            findings.extend(
                found.into_iter().map(|(field, message)| problem(file.clone(), field, message)),
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
            &scenario_file,
            locate.scenario,
        ) {
            Ok(resolved) => changes.scenario = resolved,
            Err(found) => findings.extend(found),
        }
    }
    for (n, (_, event)) in request.events.iter().enumerate() {
        let resolved = match event.kind.as_str() {
            "demand" => continue,
            "new_source" => starts_late(event, &graph, horizon),
            "capacity" => capacity(event, &graph, horizon).map(Some),
            _ => outage(event, &graph, horizon).map(|e| {
                changes.scenario.events.push(e);
                None
            }),
        };
        match resolved {
            Ok(change) => changes.capacities.extend(change),
            Err((field, message)) => findings.push(problem(locate_event(n), field, message)),
        }
    }
    // A newly qualified source needs the hours its item's routing takes.
    for (n, (_, event)) in request.events.iter().enumerate() {
        if event.kind == "new_source"
            && findings.is_empty()
            && let Some(message) = missing_hours(event, &graph, &changes)
        {
            findings.push(problem(locate_event(n), "site", message));
        }
    }
    if !findings.is_empty() {
        // By file, then line.
        let line = |f: &Finding| {
            let (file, line) = f.location.rsplit_once(':').unwrap_or((&f.location, ""));
            (file.to_owned(), line.trim().parse::<usize>().unwrap_or(0))
        };
        findings.sort_by_key(line);
        return Err(invalid(locate.name, WHAT, findings));
    }
    let targets = targets
        .iter()
        .map(|spec| target(spec, &graph, Some(horizon)).map_err(|(_, m)| Error::invalid(m)))
        .collect::<Result<Vec<Target>, Error>>()?;
    Ok(Resolved { graph, targets, options, changes })
}

/// A field at fault and why.
type Bad = (&'static str, String);

fn find(
    names: &[engine::graph::Name],
    id: &str,
    field: &'static str,
    what: &str,
) -> Result<u32, Bad> {
    names
        .iter()
        .position(|n| &**n == id)
        .map(|i| i as u32)
        .ok_or((field, format!("no {what} {id:?} in the stored network")))
}

fn target(spec: &TargetSpec, graph: &Graph, horizon: Option<u32>) -> Result<Target, Bad> {
    let item = find(&graph.item_ids, &spec.item, "item", "item")?;
    let site =
        spec.site.as_deref().map(|s| find(&graph.site_ids, s, "site", "site")).transpose()?;
    if !(spec.quantity.is_finite() && spec.quantity > 0.0) {
        return Err((
            "quantity",
            format!("must be a number of units above 0, not {}", spec.quantity),
        ));
    }
    if spec.due_week == 0 {
        return Err(("due_week", "must be at least 1 (delivered within the first week)".into()));
    }
    let value = spec.value.unwrap_or(graph.items[item as usize].unit_value);
    if !(value.is_finite() && value >= 0.0) {
        return Err(("value", format!("must be 0 or more, not {value}")));
    }
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
    let mut money = |field: &'static str, value: Option<f64>, default: f64| match value {
        Some(v) if !(v.is_finite() && v >= 0.0) => {
            bad.push((field, format!("must be 0 or more, not {v}")));
            default
        }
        v => v.unwrap_or(default),
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

/// The weeks `start_week .. start_week + duration_weeks` of an event, in whole weeks, with the
/// duration running to the end of the horizon when not given.
fn window(event: &PlanEvent, horizon: u32) -> Result<(u32, u32), Bad> {
    let start = event.start_week.unwrap_or(0.0);
    if !(start.is_finite() && start >= 0.0) {
        return Err(("start_week", format!("must be 0 or more, not {start}")));
    }
    let start = Period::Week.periods(start, 0);
    let until = match event.duration_weeks {
        None => horizon.max(start),
        Some(d) if d.is_finite() && d > 0.0 => start + Period::Week.periods(d, 1),
        Some(d) => return Err(("duration_weeks", format!("must be more than 0, not {d}"))),
    };
    Ok((start, until))
}

/// An outage or surge event, as the stress test's scenario events are resolved.
fn outage(event: &PlanEvent, graph: &Graph, horizon: u32) -> Result<engine::simulate::Event, Bad> {
    if !EVENT_KINDS.contains(&event.kind.as_str()) {
        let kinds: Vec<&str> = EVENT_KINDS.iter().chain(PLAN_EVENT_KINDS).copied().collect();
        return Err((
            "kind",
            format!("unknown event kind {:?}; expected one of {}", event.kind, kinds.join(", ")),
        ));
    }
    let (start, until) = window(event, horizon)?;
    let spec = EventSpec {
        kind: event.kind.clone(),
        site: event.site.clone(),
        organization: event.organization.clone(),
        state: event.state.clone(),
        latitude: event.latitude,
        longitude: event.longitude,
        radius_km: event.radius_km,
        process: event.process.clone(),
        supplier: event.supplier.clone(),
        customer: event.customer.clone(),
        item: event.item.clone(),
        factor: event.factor,
        capacity: event.capacity,
        start_week: f64::from(start),
        duration_weeks: f64::from((until - start).max(1)),
        recovery_weeks: event.recovery_weeks,
    };
    crate::scenario::event(&spec, graph, Period::Week)
}

/// A capacity set from `start_week`: a source's units per week (`site` and `item`), or a
/// site's hours of a process (`site` and `process`).
fn capacity(event: &PlanEvent, graph: &Graph, horizon: u32) -> Result<CapacityChange, Bad> {
    let (from, until) = window(event, horizon)?;
    let site = find(
        &graph.site_ids,
        event.site.as_deref().ok_or(("site", "a capacity event needs site".to_owned()))?,
        "site",
        "site",
    )?;
    let level = |field: &'static str, value: f64| {
        if value.is_finite() && value >= 0.0 {
            Ok(value)
        } else {
            Err((field, format!("must be 0 or more, not {value}")))
        }
    };
    match (&event.item, &event.process, event.units_per_week, event.hours_per_week) {
        (Some(item), None, Some(units), None) => {
            let item = find(&graph.item_ids, item, "item", "item")?;
            let source = graph
                .sources
                .range(item)
                .find(|&s| graph.sources.entries()[s].site == site)
                .ok_or(("item", format!("{} is not a qualified source of {}; add it with a new_source event", graph.site_ids[site as usize], graph.item_ids[item as usize])))?;
            Ok(CapacityChange::Source { source: source as u32, units_per_week: level("units_per_week", units)?, from, until })
        }
        (None, Some(process), None, Some(hours)) => {
            let process = find(&graph.processes, process, "process", "process")?;
            Ok(CapacityChange::Hours { site, process, hours_per_week: level("hours_per_week", hours)?, from, until })
        }
        _ => Err(("kind", "a capacity event sets either item and units_per_week (a source) or process and hours_per_week (a site's hours)".into())),
    }
}

/// A demand event: the target it sets (quantity 0 removes it).
fn demand_change(event: &PlanEvent, graph: &Graph) -> Result<TargetSpec, Bad> {
    let item = event.item.clone().ok_or(("item", "a demand event needs item".to_owned()))?;
    find(&graph.item_ids, &item, "item", "item")?;
    if let Some(site) = &event.site {
        find(&graph.site_ids, site, "site", "site")?;
    }
    let quantity = event
        .quantity
        .ok_or(("quantity", "a demand event needs quantity (0 removes the target)".to_owned()))?;
    if !(quantity.is_finite() && quantity >= 0.0) {
        return Err(("quantity", format!("must be 0 or more, not {quantity}")));
    }
    let due_week =
        event.due_week.ok_or(("due_week", "a demand event needs due_week".to_owned()))?;
    if due_week == 0 {
        return Err(("due_week", "must be at least 1".into()));
    }
    Ok(TargetSpec { item, site: event.site.clone(), quantity, due_week, value: event.value })
}

/// The source a new_source event qualifies.
fn new_source(event: &PlanEvent, network: &Network) -> Result<model::Source, Bad> {
    let site = event.site.clone().ok_or(("site", "a new_source event needs site".to_owned()))?;
    let item = event.item.clone().ok_or(("item", "a new_source event needs item".to_owned()))?;
    if !network.sites.iter().any(|s| s.id == site) {
        return Err(("site", format!("no site {site:?} in the stored network")));
    }
    if !network.items.iter().any(|i| i.id == item) {
        return Err(("item", format!("no item {item:?} in the stored network")));
    }
    if network.sources.iter().any(|s| s.site == site && s.item == item) {
        return Err((
            "item",
            format!(
                "{site} is already a qualified source of {item}; change its capacity with a capacity event"
            ),
        ));
    }
    let number = |field: &'static str, value: Option<f64>| match value {
        Some(v) if v.is_finite() && v >= 0.0 => Ok(v),
        Some(v) => Err((field, format!("must be 0 or more, not {v}"))),
        None => Err((field, format!("a new_source event needs {field}"))),
    };
    Ok(model::Source {
        site,
        item,
        max_units_per_week: number("max_units_per_week", event.max_units_per_week)?,
        lead_time_weeks: number("lead_time_weeks", event.lead_time_weeks)?,
        unit_cost: number("unit_cost", event.unit_cost)?,
    })
}

/// A new source makes nothing before its `start_week`.
fn starts_late(
    event: &PlanEvent,
    graph: &Graph,
    horizon: u32,
) -> Result<Option<CapacityChange>, Bad> {
    let (start, _) = window(event, horizon)?;
    if start == 0 {
        return Ok(None);
    }
    let site = find(&graph.site_ids, event.site.as_deref().unwrap_or_default(), "site", "site")?;
    let item = find(&graph.item_ids, event.item.as_deref().unwrap_or_default(), "item", "item")?;
    let source = graph
        .sources
        .range(item)
        .find(|&s| graph.sources.entries()[s].site == site)
        .unwrap_or_default();
    Ok(Some(CapacityChange::Source {
        source: source as u32,
        units_per_week: 0.0,
        from: 0,
        until: start,
    }))
}

/// Why a new source could make nothing: a process of its item's routing with no hours at its
/// site (neither a capability nor a capacity event).
fn missing_hours(event: &PlanEvent, graph: &Graph, changes: &Changes) -> Option<String> {
    let site = graph.site_ids.iter().position(|n| Some(&**n) == event.site.as_deref())? as u32;
    let item = graph.item_ids.iter().position(|n| Some(&**n) == event.item.as_deref())? as u32;
    graph.routings.row(item).iter().find_map(|routing| {
        let set = changes.capacities.iter().any(|c| {
            matches!(c, CapacityChange::Hours { site: s, process, hours_per_week, .. } if *s == site && *process == routing.process && *hours_per_week > 0.0)
        });
        (graph.hours_per_week(site, routing.process) <= 0.0 && !set).then(|| {
            format!(
                "{} has no hours of {}, which {} needs; add a capacity event with process and hours_per_week",
                graph.site_ids[site as usize],
                graph.processes[routing.process as usize],
                graph.item_ids[item as usize]
            )
        })
    })
}
