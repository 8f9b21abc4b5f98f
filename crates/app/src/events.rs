//! Status events sites report as things happen: capacity changes, outages starting and ending,
//! inventory levels, demand changes. A batch is checked whole (every problem located) and for
//! the sender's rights, stored (a resent id is a no-op), and then applied to the `Live` state
//! that the server keeps over the imported network.

use std::collections::{HashMap, HashSet};

use model::Shown;
use serde::{Deserialize, Serialize};

use crate::access::{Caller, Newest, Page, Role};
use crate::interchange::{Finding, FindingSeverity};
use crate::{Config, Error};

/// The most events one batch may hold.
pub const MAX_BATCH: usize = 10_000;

/// The unknown ids of a batch named with the nearest known one ("did you mean ...?"), at most.
const MAX_HINTS: usize = 10;

/// One event; `id` is the sender's, unique for all time (a resent event is ignored).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Event {
    /// A process at a site now has this many hours a week.
    Capacity { id: String, site: String, process: String, hours_per_week: f64 },
    /// The site is down; it expects to be back in `expected_weeks` when it says so.
    OutageStart { id: String, site: String, expected_weeks: Option<f64> },
    /// The site is back.
    OutageEnd { id: String, site: String },
    /// The site holds this many units of an item.
    Inventory { id: String, site: String, item: String, units: f64 },
    /// Weekly demand for an item (at a site, or anywhere) is now this.
    Demand { id: String, item: String, site: Option<String>, units_per_week: f64 },
}

impl Event {
    pub fn id(&self) -> &str {
        match self {
            Event::Capacity { id, .. }
            | Event::OutageStart { id, .. }
            | Event::OutageEnd { id, .. }
            | Event::Inventory { id, .. }
            | Event::Demand { id, .. } => id,
        }
    }

    /// The site the event is about, if any.
    pub fn site(&self) -> Option<&str> {
        match self {
            Event::Capacity { site, .. }
            | Event::OutageStart { site, .. }
            | Event::OutageEnd { site, .. }
            | Event::Inventory { site, .. } => Some(site),
            Event::Demand { site, .. } => site.as_deref(),
        }
    }
}

/// The state events have brought the network to, over the imported records.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Live {
    /// Sites that are down, with the weeks they expect to need.
    pub down: HashMap<String, Option<f64>>,
    /// Hours a week by (site, process).
    pub hours: HashMap<(String, String), f64>,
    /// Units on hand by (site, item).
    pub stock: HashMap<(String, String), f64>,
    /// Weekly demand by (item, site).
    pub demand: HashMap<(String, Option<String>), f64>,
}

impl Live {
    pub fn apply(&mut self, event: &Event) {
        match event.clone() {
            Event::Capacity { site, process, hours_per_week, .. } => {
                self.hours.insert((site, process), hours_per_week);
            }
            Event::OutageStart { site, expected_weeks, .. } => {
                self.down.insert(site, expected_weeks);
            }
            Event::OutageEnd { site, .. } => {
                self.down.remove(&site);
            }
            Event::Inventory { site, item, units, .. } => {
                self.stock.insert((site, item), units);
            }
            Event::Demand { item, site, units_per_week, .. } => {
                self.demand.insert((item, site), units_per_week);
            }
        }
    }
}

/// What became of a batch.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Receipt {
    /// Ids stored now, in the order sent.
    pub accepted: Vec<String>,
    /// Ids already stored before (left as they were).
    pub duplicates: Vec<String>,
    /// Events stored that the alert prediction cannot use, and why (`events[i]`).
    pub warnings: Vec<Finding>,
}

/// What a batch is checked against: the network's sites with their organizations, its items,
/// and the processes of each site; built once per network.
#[derive(Clone, Debug, Default)]
pub struct Index {
    organizations: HashMap<String, String>,
    items: HashSet<String>,
    processes: HashSet<(String, String)>,
    /// The (item, site) of every demand row with demand, and (item, None) for its item.
    demanded: HashSet<(String, Option<String>)>,
}

impl Index {
    pub fn new(network: &model::Network) -> Index {
        Index {
            organizations: network
                .sites
                .iter()
                .map(|s| (s.id.clone(), s.organization.clone()))
                .collect(),
            items: network.items.iter().map(|i| i.id.clone()).collect(),
            processes: network
                .capabilities
                .iter()
                .map(|c| (c.site.clone(), c.process.clone()))
                .collect(),
            demanded: (network.demand.iter().filter(|d| d.units_per_week > 0.0))
                .flat_map(|d| [(d.item.clone(), d.site.clone()), (d.item.clone(), None)])
                .collect(),
        }
    }
}

/// Checks a batch against the network and the caller's rights, stores it with its line in the
/// audit log, and returns the events that were new (to apply) with the receipt. Nothing is
/// stored unless every event is valid and allowed.
pub fn record(
    config: &Config,
    index: &Index,
    caller: &Caller,
    events: &[Event],
) -> Result<(Vec<Event>, Receipt), Error> {
    check(index, caller, events)?;
    let stored: Vec<store::StoredEvent> = events
        .iter()
        .map(|e| {
            Ok(store::StoredEvent {
                seq: 0,
                id: e.id().to_owned(),
                received_at: String::new(),
                key: caller.key.clone(),
                organization: caller.organization.clone(),
                site: e.site().map(str::to_owned),
                body: serde_json::to_string(e)
                    .map_err(|err| Error::Internal(format!("cannot encode event: {err}")))?,
            })
        })
        .collect::<Result<_, Error>>()?;
    let mut store = config.open_store()?;
    let fresh = store.append_events(&stored)?;
    let n_new = fresh.iter().filter(|&&f| f).count();
    let target = format!("{}, {n_new} new", model::counted(events.len(), "event"));
    store.audit(&crate::access::entry(caller, "report events", &target))?;
    let mut receipt = Receipt { warnings: unscaled(index, events), ..Receipt::default() };
    let mut new = Vec::new();
    for (event, is_new) in events.iter().zip(fresh) {
        if is_new {
            receipt.accepted.push(event.id().to_owned());
            new.push(event.clone());
        } else {
            receipt.duplicates.push(event.id().to_owned());
        }
    }
    Ok((new, receipt))
}

/// Demand reported where the network has none: stored, but the alert prediction scales the
/// network's demand and has none there to scale (docs/api.md).
fn unscaled(index: &Index, events: &[Event]) -> Vec<Finding> {
    let mut warnings = Vec::new();
    for (at, event) in events.iter().enumerate() {
        let Event::Demand { item, site, units_per_week, .. } = event else { continue };
        if *units_per_week > 0.0 && !index.demanded.contains(&(item.clone(), site.clone())) {
            let place = site.as_ref().map_or(String::new(), |s| format!(" at {s}"));
            warnings.push(Finding {
                severity: FindingSeverity::Warning,
                location: format!("events[{at}]"),
                field: Some("units_per_week".into()),
                message: format!(
                    "the network has no demand for {item}{place}, so the alerts cannot scale it \
                     to this rate; it is stored, and shown in the history"
                ),
            });
        }
    }
    warnings
}

/// Every stored event, oldest first, with who sent it: what a restarted server replays.
pub fn history(config: &Config) -> Result<Vec<Received>, Error> {
    read(&*config.open_store()?, &store::EventFilter::default())
}

/// A page of the events the caller may read (all for operators, its organization's for
/// members), about `site` when given, newest first.
pub fn recent(
    config: &Config,
    caller: &Caller,
    site: Option<&str>,
    page: Newest,
) -> Result<Page<Received>, Error> {
    let organization = match caller.role {
        Role::Operator => None,
        Role::Member => Some(caller.organization.clone()),
        Role::Viewer => return Err(Error::Forbidden("viewers cannot read events".into())),
    };
    let site = site.map(str::to_owned);
    let filter = store::EventFilter { organization, site, newest: Some(page) };
    let store = config.open_store()?;
    Ok(Page { lines: read(&store, &filter)?, total: store.count_events(&filter)? })
}

fn read(store: &store::Store, filter: &store::EventFilter) -> Result<Vec<Received>, Error> {
    store
        .events(filter)?
        .into_iter()
        .map(|s| {
            let event = serde_json::from_str(&s.body).map_err(|e| {
                Error::Internal(format!("stored event {} cannot be read: {e}", s.id))
            })?;
            Ok(Received {
                seq: s.seq,
                received_at: s.received_at,
                organization: s.organization,
                event,
            })
        })
        .collect()
}

/// An event as it was received.
#[derive(Clone, Debug, PartialEq)]
pub struct Received {
    /// Its place in the log, rising with every event stored (a page older than it starts
    /// after it: `Newest::before`).
    pub seq: i64,
    /// UTC, `YYYY-MM-DD HH:MM:SS`.
    pub received_at: String,
    /// The organization of the key that sent it.
    pub organization: String,
    pub event: Event,
}

/// Every problem of a batch, located as `events[i]`; a member reporting on another
/// organization's site, or a viewer reporting at all, is refused.
fn check(index: &Index, caller: &Caller, events: &[Event]) -> Result<(), Error> {
    if caller.role == Role::Viewer {
        return Err(Error::Forbidden("viewers cannot report events".into()));
    }
    if events.len() > MAX_BATCH {
        return Err(Error::invalid(format!(
            "a batch holds at most {MAX_BATCH} events, not {}",
            events.len()
        )));
    }
    let mut findings = Vec::new();
    let mut refused = Vec::new();
    let mut ids = HashMap::new();
    // Each hint looks through every id of its kind in the network, so a batch gets a few.
    let mut hints = 0;
    let mut hint = |id: &str, known: &mut dyn Iterator<Item = &str>| {
        hints += 1;
        if hints > MAX_HINTS { String::new() } else { model::did_you_mean(id, known) }
    };
    for (at, event) in events.iter().enumerate() {
        let mut problem = |field: &str, message: String| {
            findings.push(Finding {
                severity: FindingSeverity::Error,
                location: format!("events[{at}]"),
                field: Some(field.to_owned()),
                message,
            });
        };
        if event.id().is_empty() {
            problem("id", "is empty".into());
        } else if event.id().chars().any(char::is_control) {
            // As in the network's ids; a PostgreSQL store could not hold a NUL character.
            problem("id", format!("{:?} contains a control character", event.id()));
        }
        if let Some(first) = ids.insert(event.id(), at) {
            problem("id", format!("{} is also the id of events[{first}]", event.id()));
        }
        if let Some(site) = event.site() {
            match index.organizations.get(site) {
                None => {
                    let hint = hint(site, &mut index.organizations.keys().map(String::as_str));
                    problem("site", format!("no site {site} in the network{hint}"));
                }
                Some(owner) if !caller.sees_confidential(owner) => {
                    refused.push(format!("events[{at}]: site {site} belongs to {owner}"));
                }
                Some(_) => {}
            }
        } else if caller.role != Role::Operator {
            refused.push(format!("events[{at}]: demand anywhere is for operators to set"));
        }
        // The number an event gives, and its bound: a time's, or an amount's.
        let amount = model::too_large;
        let (field, value, too_big): (_, _, fn(f64) -> Option<String>) = match event {
            Event::Capacity { hours_per_week, .. } => {
                ("hours_per_week", Some(*hours_per_week), amount)
            }
            Event::OutageStart { expected_weeks, .. } => {
                ("expected_weeks", *expected_weeks, model::too_long)
            }
            Event::OutageEnd { .. } => ("", None, amount),
            Event::Inventory { units, .. } => ("units", Some(*units), amount),
            Event::Demand { units_per_week, .. } => {
                ("units_per_week", Some(*units_per_week), amount)
            }
        };
        if let Some(value) = value.filter(|v| !(v.is_finite() && *v >= 0.0)) {
            problem(field, format!("must be a number of at least 0, not {}", Shown(value)));
        } else if let Some(message) = value.and_then(too_big) {
            problem(field, message);
        }
        if let Event::Capacity { site, process, .. } = event {
            let known = index.processes.contains(&(site.clone(), process.clone()));
            if !known && index.organizations.contains_key(site) {
                let theirs = index.processes.iter().filter(|(at, _)| at == site);
                let hint = hint(process, &mut theirs.map(|(_, p)| p.as_str()));
                problem("process", format!("site {site} has no process {process}{hint}"));
            }
        }
        if let Event::Inventory { item, .. } | Event::Demand { item, .. } = event
            && !index.items.contains(item)
        {
            let hint = hint(item, &mut index.items.iter().map(String::as_str));
            problem("item", format!("no item {item} in the network{hint}"));
        }
    }
    if !refused.is_empty() {
        return Err(Error::Forbidden(format!(
            "members report only on their own organization's sites: {}",
            refused.join("; ")
        )));
    }
    if !findings.is_empty() {
        return Err(Error::Invalid {
            message: format!(
                "{} in the batch; nothing was stored",
                model::counted(findings.len(), "problem")
            ),
            findings,
        });
    }
    Ok(())
}
