//! Disruption scenario files (TOML or JSON, docs/scenarios.md): parsed, checked against the
//! stored network with every problem located (file, line of the event in TOML or its JSON path,
//! field, reason), and resolved to the engine's `Scenario` in periods.

use std::path::Path;

use engine::graph::Graph;
use engine::simulate::{Change, Event, Hazards, Period, Scenario, Target};
use model::{MAX_WEEKS, Shown};
use serde::{Deserialize, Serialize};

use crate::Error;
use crate::interchange::Finding;
use crate::lookup::{absent, index};
use crate::request::{Entries, Place, Request, by_line, invalid, problem};

/// A scenario file as written.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    pub name: Option<String>,
    pub description: Option<String>,
    /// Weeks to simulate unless the command line says otherwise.
    pub horizon_weeks: Option<f64>,
    #[serde(default, rename = "event")]
    pub events: Vec<EventSpec>,
}

impl Entries for ScenarioFile {
    const KEY: &'static str = "event";
    type Entry = EventSpec;
}

/// One event as written; which fields apply depends on `kind`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EventSpec {
    /// One of `EVENT_KINDS`; missing (empty) is a problem named with the event's others.
    #[serde(default)]
    pub kind: String,
    pub site: Option<String>,
    pub organization: Option<String>,
    pub state: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub radius_km: Option<f64>,
    pub process: Option<String>,
    pub supplier: Option<String>,
    pub customer: Option<String>,
    pub item: Option<String>,
    pub factor: Option<f64>,
    /// Share of capacity left while the event lasts: 0 (the default) is down.
    pub capacity: Option<f64>,
    /// From the start when absent.
    pub start_week: Option<f64>,
    /// To the end of the horizon when absent.
    pub duration_weeks: Option<f64>,
    pub recovery_weeks: Option<f64>,
}

/// The event kinds, as written in `kind`.
pub const EVENT_KINDS: &[&str] =
    &["site", "organization", "state", "circle", "process", "link", "surge"];

/// A parsed and resolved scenario.
#[derive(Clone, Debug)]
pub struct Resolved {
    pub name: String,
    pub horizon_weeks: Option<f64>,
    pub scenario: Scenario,
    /// The file as written.
    pub file: ScenarioFile,
    /// Where each event was written, when it came from a file.
    pub(crate) places: Vec<Place>,
    /// The file's name, as problems and notes name it.
    pub(crate) source: String,
}

/// Parses the text of scenario file `file` (JSON when its name ends in `.json`) and resolves
/// it; `stem` names a scenario without a name.
pub fn parse(
    text: &str,
    file: &str,
    stem: &str,
    graph: &Graph,
    period: Period,
) -> Result<Resolved, Error> {
    let request = Request::named(file, text);
    named(&request, stem, graph, period)
}

/// `weeks`, if it is at most `MAX_WEEKS` (a start after the horizon changes nothing, and a
/// duration past it lasts for good); else `field` and why not.
pub(crate) fn within_max_weeks(field: &'static str, weeks: f64) -> Result<f64, Problem> {
    model::too_long(weeks).map_or(Ok(weeks), |message| Err((field, message)))
}

/// The largest surge: demand times a million (a larger factor would only overflow the sums).
const MAX_SURGE: f64 = 1e6;

/// What scenario errors call a scenario file.
pub(crate) const WHAT: &str = "the scenario";

/// Parses a scenario and resolves it; a scenario without a name is named after its file.
pub(crate) fn resolved(
    request: &Request,
    graph: &Graph,
    period: Period,
) -> Result<Resolved, Error> {
    let stem = Path::new(&request.file)
        .file_stem()
        .map_or("scenario".into(), |s| s.to_string_lossy().into_owned());
    named(request, &stem, graph, period)
}

fn named(request: &Request, stem: &str, graph: &Graph, period: Period) -> Result<Resolved, Error> {
    let parsed: ScenarioFile = request.parse_all(WHAT)?;
    let places = request.places("event", parsed.events.len());
    let scenario = resolve(&parsed, graph, period, &request.fields(), &|n| places[n].clone())
        .map_err(|findings| invalid(&request.file, WHAT, findings))?;
    Ok(Resolved {
        name: parsed.name.clone().unwrap_or_else(|| stem.to_owned()),
        horizon_weeks: parsed.horizon_weeks,
        scenario,
        places,
        file: parsed,
        source: request.file.clone(),
    })
}

/// Resolves every event, or says what is wrong with each bad one (`fields` places the fields
/// around the events, `locate` an event by its index).
pub(crate) fn resolve(
    file: &ScenarioFile,
    graph: &Graph,
    period: Period,
    fields: &Place,
    locate: &dyn Fn(usize) -> Place,
) -> Result<Scenario, Vec<Finding>> {
    let mut findings = Vec::new();
    let mut events = Vec::new();
    let most = f64::from(crate::plan::MAX_HORIZON_WEEKS);
    if let Some(h) = file.horizon_weeks.filter(|h| !(h.is_finite() && (1.0..=most).contains(h))) {
        findings.push(problem(
            fields.of("horizon_weeks"),
            "horizon_weeks",
            format!("must be 1 to {most}, not {}", Shown(h)),
        ));
    }
    for (n, spec) in file.events.iter().enumerate() {
        match event(spec, graph, period) {
            Ok(event) => events.push(event),
            Err(found) => findings.extend(
                found
                    .into_iter()
                    .map(|(field, message)| problem(locate(n).of(field), field, message)),
            ),
        }
    }
    by_line(&mut findings);
    if findings.is_empty() { Ok(Scenario { events, opening: Vec::new() }) } else { Err(findings) }
}

/// Why `event` changes nothing over the `horizon` periods simulated (`unit`s), as (field,
/// reason): it starts after them, or it is a circle that holds no site of `graph`.
pub(crate) fn idle(
    graph: &Graph,
    event: &Event,
    horizon: u32,
    unit: &str,
) -> Vec<(&'static str, String)> {
    let mut found = Vec::new();
    if event.start >= horizon {
        let message = format!(
            "starts in {unit} {}, after the horizon of {}; it changes nothing (a longer horizon reaches it)",
            event.start,
            model::counted(horizon as usize, unit)
        );
        found.push(("start_week", message));
    }
    if let Change::Outage { target: Target::Circle { latitude, longitude, radius_km }, .. } =
        event.change
        && engine::simulate::in_circle(graph, latitude, longitude, radius_km).next().is_none()
    {
        let placed = graph.sites.iter().any(|s| s.latitude.is_some() && s.longitude.is_some());
        let why = if placed { "" } else { " (no site of the network has coordinates)" };
        let message = format!(
            "no site lies within {} km of ({}, {}){why}; it changes nothing",
            Shown(radius_km),
            Shown(latitude),
            Shown(longitude)
        );
        found.push(("radius_km", message));
    }
    found
}

/// Why an outage of `event` changes nothing in a simulation, where a site that is down still
/// ships its stock: none of the sites it strikes makes anything. (A plan's events may qualify a
/// new source at such a site, so planning does not say this.)
pub(crate) fn strikes_no_source(graph: &Graph, event: &Event) -> Option<Problem> {
    if let Change::Outage { target, .. } = &event.change
        && let Some(sites) = engine::simulate::struck_sites(graph, target)
        && !sites.is_empty()
        && sites.iter().all(|&s| graph.makes.row(s).is_empty())
    {
        let field = match target {
            Target::Site(_) => "site",
            Target::Organization(_) => "organization",
            Target::State(_) => "state",
            _ => "radius_km",
        };
        let makes_nothing = match sites[..] {
            [site] if matches!(target, Target::Site(_)) => {
                format!("{} makes nothing (it is no item's source)", graph.site_ids[site as usize])
            }
            [site] => format!(
                "its one site, {}, makes nothing (it is no item's source)",
                graph.site_ids[site as usize]
            ),
            _ => format!(
                "none of the {} it strikes makes anything (none is an item's source)",
                model::counted(sites.len(), "site")
            ),
        };
        let message = format!(
            "{makes_nothing}, and a site that is down still ships its stock; it changes nothing"
        );
        return Some((field, message));
    }
    None
}

/// A field at fault and why.
pub(crate) type Problem = (&'static str, String);

/// The problem with an event's `kind` that is none of `kinds` (empty when not written).
pub(crate) fn bad_kind(kind: &str, kinds: &[&str]) -> Problem {
    let kinds = kinds.join(", ");
    if kind.is_empty() {
        ("kind", format!("every event needs a kind, one of {kinds}"))
    } else {
        ("kind", format!("unknown event kind {kind:?}; expected one of {kinds}"))
    }
}

/// Keeps `checked`'s value, or its problem in `problems`.
fn keep<T>(problems: &mut Vec<Problem>, checked: Result<T, Problem>) -> Option<T> {
    checked.map_err(|problem| problems.push(problem)).ok()
}

/// One event in periods, or every field at fault and why (a field that depends on others, such
/// as the link a supplier, customer and item name, is checked once those are found).
pub(crate) fn event(
    spec: &EventSpec,
    graph: &Graph,
    period: Period,
) -> Result<Event, Vec<Problem>> {
    let mut problems = Vec::new();
    let weeks = |field: &'static str, value: f64, positive: bool| {
        if !value.is_finite() || value < 0.0 || (positive && value == 0.0) {
            let bound = if positive { "more than 0" } else { "0 or more" };
            return Err((
                field,
                format!("must be a number of weeks {bound}, not {}", Shown(value)),
            ));
        }
        within_max_weeks(field, value)
    };
    let start = keep(&mut problems, weeks("start_week", spec.start_week.unwrap_or(0.0), false));
    // An event with no end lasts as long as the longest horizon, so to the end of any.
    let to_the_end = f64::from(crate::plan::MAX_HORIZON_WEEKS);
    let duration = spec.duration_weeks.unwrap_or(to_the_end);
    let duration = keep(&mut problems, weeks("duration_weeks", duration, true));
    let recovery =
        keep(&mut problems, weeks("recovery_weeks", spec.recovery_weeks.unwrap_or(0.0), false));
    let need = |field: &'static str, value: &Option<String>| {
        value.clone().ok_or((field, format!("a {} event needs {field}", spec.kind)))
    };
    let number = |field: &'static str, value: Option<f64>| {
        value
            .filter(|v| v.is_finite())
            .ok_or((field, format!("a {} event needs {field} (a number)", spec.kind)))
    };
    let within = |field: &'static str, low: f64, high: f64| {
        move |value: f64| {
            if (low..=high).contains(&value) {
                Ok(value)
            } else {
                Err((field, format!("must be {low} to {high}, not {}", Shown(value))))
            }
        }
    };
    let positive = |field: &'static str| {
        move |value: f64| {
            if value > 0.0 {
                Ok(value)
            } else {
                Err((field, format!("must be more than 0, not {}", Shown(value))))
            }
        }
    };
    let site = |field: &'static str, id: &str| {
        graph
            .site(id)
            .ok_or_else(|| (field, absent("site", id, graph.site_ids.iter().map(|n| &**n))))
    };
    let item = |id: &str| {
        graph
            .item(id)
            .ok_or_else(|| ("item", absent("item", id, graph.item_ids.iter().map(|n| &**n))))
    };
    // The index of the name `value` gives for `field` among `names`.
    let named =
        |field: &'static str, value: &Option<String>, names: &[engine::graph::Name], what| {
            let id = need(field, value)?;
            index(names, &id, what).map_err(|message| (field, message))
        };
    let capacity = keep(
        &mut problems,
        match spec.capacity {
            Some(c) if !(0.0..=1.0).contains(&c) => Err((
                "capacity",
                format!(
                    "must be the share of capacity left, 0 to 1, not {}{}",
                    Shown(c),
                    crate::as_percentage(c)
                ),
            )),
            c => Ok(c.unwrap_or(0.0)),
        },
    );
    let outage = |target: Option<Target>| {
        target.zip(capacity).map(|(target, capacity)| Change::Outage { target, capacity })
    };
    let change = match spec.kind.as_str() {
        "site" => outage(
            keep(&mut problems, need("site", &spec.site).and_then(|id| site("site", &id)))
                .map(Target::Site),
        ),
        "organization" => {
            let org = named("organization", &spec.organization, &graph.org_ids, "organization");
            outage(keep(&mut problems, org).map(Target::Organization))
        }
        "state" => {
            // As the server's filters do, a state written in another case is the state, when
            // only one is written so.
            let state = named("state", &spec.state, &graph.states, "site in state").or_else(|e| {
                let written = spec.state.as_deref().unwrap_or_default();
                let mut same = (0..graph.states.len() as u32)
                    .filter(|&s| graph.states[s as usize].eq_ignore_ascii_case(written));
                match (same.next(), same.next()) {
                    (Some(state), None) => Ok(state),
                    _ => Err(e),
                }
            });
            outage(keep(&mut problems, state).map(Target::State))
        }
        "circle" => {
            let latitude =
                number("latitude", spec.latitude).and_then(within("latitude", -90.0, 90.0));
            let longitude =
                number("longitude", spec.longitude).and_then(within("longitude", -180.0, 180.0));
            let radius_km = number("radius_km", spec.radius_km).and_then(positive("radius_km"));
            let latitude = keep(&mut problems, latitude);
            let longitude = keep(&mut problems, longitude);
            let radius_km = keep(&mut problems, radius_km);
            outage(match (latitude, longitude, radius_km) {
                (Some(latitude), Some(longitude), Some(radius_km)) => {
                    Some(Target::Circle { latitude, longitude, radius_km })
                }
                _ => None,
            })
        }
        "process" => {
            let process = named("process", &spec.process, &graph.processes, "site with process");
            outage(keep(&mut problems, process).map(Target::Process))
        }
        "link" => {
            let supplier = need("supplier", &spec.supplier).and_then(|id| site("supplier", &id));
            let customer = need("customer", &spec.customer).and_then(|id| site("customer", &id));
            let goods = need("item", &spec.item).and_then(|id| item(&id));
            let supplier = keep(&mut problems, supplier);
            let customer = keep(&mut problems, customer);
            let goods = keep(&mut problems, goods);
            outage(match (supplier, customer, goods) {
                (Some(supplier), Some(customer), Some(item)) => {
                    let linked = graph
                        .links_out
                        .row(supplier)
                        .iter()
                        .any(|l| l.site == customer && l.item == item);
                    let link = if linked {
                        Ok(Target::Link { supplier, customer, item })
                    } else {
                        Err(("supplier", no_link(graph, supplier, customer, item)))
                    };
                    keep(&mut problems, link)
                }
                _ => None,
            })
        }
        "surge" => {
            let goods = need("item", &spec.item).and_then(|id| item(&id));
            let at = spec.site.as_deref().map(|s| site("site", s)).transpose();
            let factor = number("factor", spec.factor).and_then(within("factor", 0.0, MAX_SURGE));
            let goods = keep(&mut problems, goods);
            let at = keep(&mut problems, at);
            let factor = keep(&mut problems, factor);
            if let (Some(item), Some(site)) = (goods, at)
                && !graph
                    .demand
                    .iter()
                    .any(|d| d.item == item && site.is_none_or(|s| d.site == Some(s)))
            {
                problems.push((
                    "item",
                    format!("{} has no demand to surge", graph.item_ids[item as usize]),
                ));
            }
            match (goods, at, factor) {
                (Some(item), Some(site), Some(factor)) => {
                    Some(Change::Surge { item, site, factor })
                }
                _ => None,
            }
        }
        other => {
            problems.push(bad_kind(other, EVENT_KINDS));
            None
        }
    };
    match (start, duration, recovery, change) {
        (Some(start), Some(duration), Some(recovery), Some(change)) if problems.is_empty() => {
            Ok(Event {
                change,
                start: period.periods(start, 0),
                duration: period.periods(duration, 1),
                recovery: period.periods(recovery, 0),
            })
        }
        _ => Err(problems),
    }
}

/// A hazards file as written (TOML, docs/scenarios.md): every field optional, defaults from
/// `engine::simulate::Hazards::default()`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct HazardsFile {
    site_outages_per_year: Option<f64>,
    ttr_sigma: Option<f64>,
    partial_share: Option<f64>,
    regional_events_per_year: Option<f64>,
    regional_radius_km: Option<(f64, f64)>,
    regional_weeks: Option<f64>,
    regional_recovery_weeks: Option<f64>,
    state_events_per_year: Option<f64>,
    state_weeks: Option<f64>,
}

/// Why a link event names no link, with the links there are: where the supplier ships the
/// item, and where the customer receives it from.
fn no_link(graph: &Graph, supplier: u32, customer: u32, item: u32) -> String {
    let (from, to, goods) = (
        &graph.site_ids[supplier as usize],
        &graph.site_ids[customer as usize],
        &graph.item_ids[item as usize],
    );
    let ends = |links: &[engine::graph::LinkEdge]| -> Vec<&str> {
        let at = links.iter().filter(|l| l.item == item);
        at.map(|l| &*graph.site_ids[l.site as usize]).collect()
    };
    let customers = ends(graph.links_out.row(supplier));
    let suppliers = ends(graph.links_in.row(customer));
    let ships = if customers.is_empty() {
        format!("{from} ships {goods} to no site")
    } else {
        format!("{from} ships it to {}", model::listed(&customers, 5))
    };
    let receives = if suppliers.is_empty() {
        format!("{to} receives it from no site")
    } else {
        format!("{to} receives it from {}", model::listed(&suppliers, 5))
    };
    format!("no link from {from} to {to} for {goods}; {ships}, and {receives}")
}

/// The most outages per site per year a hazards file may ask for.
pub const MAX_SITE_OUTAGES_PER_YEAR: f64 = 12.0;
/// The most regional or state events per year.
pub const MAX_EVENTS_PER_YEAR: f64 = 365.0;
/// The largest spread of a site's time to recover (σ of its logarithm).
pub const MAX_TTR_SIGMA: f64 = 3.0;

/// What hazard errors call a hazards file.
const HAZARDS: &str = "the hazards";

/// Reads a hazards file, every bad value named by field.
pub fn load_hazards(path: &Path) -> Result<Hazards, Error> {
    hazards(&Request::read(path, HAZARDS)?)
}

/// Parses hazards, every bad value named by field.
pub fn hazards(request: &Request) -> Result<Hazards, Error> {
    let (parsed, mut findings): (HazardsFile, _) = request.parse_fields(HAZARDS)?;
    // A share, which may have been written as a percentage.
    const SHARE: &str = "0 to 1";
    let mut check = |field: &str, value: Option<f64>, ok: bool, rule: &str| {
        if let Some(v) = value.filter(|_| !ok) {
            let percentage = if rule == SHARE { crate::as_percentage(v) } else { String::new() };
            let message = format!("must be {rule}, not {}{percentage}", Shown(v));
            findings.push(problem(request.at(field), field, message));
        }
    };
    // Upper bounds keep a scenario's events countable: every draw is held in memory.
    let rate =
        |v: Option<f64>, most: f64| v.is_none_or(|v| v.is_finite() && (0.0..=most).contains(&v));
    // Times as a scenario's events give them (`MAX_WEEKS`), so periods stay countable.
    let weeks = |v: Option<f64>| v.is_none_or(|v| v.is_finite() && v > 0.0 && v <= MAX_WEEKS);
    let most_weeks = model::grouped(MAX_WEEKS as u64);
    let positive_weeks = format!("more than 0 and at most {most_weeks}");
    check(
        "site_outages_per_year",
        parsed.site_outages_per_year,
        rate(parsed.site_outages_per_year, MAX_SITE_OUTAGES_PER_YEAR),
        &format!("0 to {MAX_SITE_OUTAGES_PER_YEAR}"),
    );
    check(
        "ttr_sigma",
        parsed.ttr_sigma,
        rate(parsed.ttr_sigma, MAX_TTR_SIGMA),
        &format!("0 to {MAX_TTR_SIGMA}"),
    );
    check(
        "partial_share",
        parsed.partial_share,
        parsed.partial_share.is_none_or(|v| (0.0..=1.0).contains(&v)),
        SHARE,
    );
    check(
        "regional_events_per_year",
        parsed.regional_events_per_year,
        rate(parsed.regional_events_per_year, MAX_EVENTS_PER_YEAR),
        &format!("0 to {MAX_EVENTS_PER_YEAR}"),
    );
    check("regional_weeks", parsed.regional_weeks, weeks(parsed.regional_weeks), &positive_weeks);
    check(
        "regional_recovery_weeks",
        parsed.regional_recovery_weeks,
        rate(parsed.regional_recovery_weeks, MAX_WEEKS),
        &format!("0 to {most_weeks}"),
    );
    check(
        "state_events_per_year",
        parsed.state_events_per_year,
        rate(parsed.state_events_per_year, MAX_EVENTS_PER_YEAR),
        &format!("0 to {MAX_EVENTS_PER_YEAR}"),
    );
    check("state_weeks", parsed.state_weeks, weeks(parsed.state_weeks), &positive_weeks);
    if let Some((low, high)) = parsed.regional_radius_km
        && !(low.is_finite() && high.is_finite() && low > 0.0 && low <= high)
    {
        let field = "regional_radius_km";
        let message = format!(
            "must be [smallest, largest] with 0 < smallest <= largest, not [{}, {}]",
            Shown(low),
            Shown(high)
        );
        findings.push(problem(request.at(field), field, message));
    }
    if !findings.is_empty() {
        request.in_order(&mut findings);
        return Err(invalid(&request.file, HAZARDS, findings));
    }
    let d = Hazards::default();
    Ok(Hazards {
        site_outages_per_year: parsed.site_outages_per_year.unwrap_or(d.site_outages_per_year),
        ttr_sigma: parsed.ttr_sigma.unwrap_or(d.ttr_sigma),
        partial_share: parsed.partial_share.unwrap_or(d.partial_share),
        regional_events_per_year: parsed
            .regional_events_per_year
            .unwrap_or(d.regional_events_per_year),
        regional_radius_km: parsed.regional_radius_km.unwrap_or(d.regional_radius_km),
        regional_weeks: parsed.regional_weeks.unwrap_or(d.regional_weeks),
        regional_recovery_weeks: parsed
            .regional_recovery_weeks
            .unwrap_or(d.regional_recovery_weeks),
        state_events_per_year: parsed.state_events_per_year.unwrap_or(d.state_events_per_year),
        state_weeks: parsed.state_weeks.unwrap_or(d.state_weeks),
    })
}
