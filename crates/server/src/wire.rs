//! The HTTP wire types: what the API sends and accepts, with their OpenAPI schemas.
//!
//! **Boundary:** the model's records carry no serde or schema; these types are their public
//! view, converted with `From`. The public types carry only public fields; the confidential
//! figures (capacities, sources with their costs, inventory) appear only in `SiteCapacity`, which
//! is served to the site's organization and operators.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A site: where it is and what it is, without its capacities or stock.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Site {
    #[schema(example = "site-oh-cnc")]
    pub id: String,
    /// The organization that runs the site.
    pub organization: String,
    pub name: String,
    /// One of factory, institute, biomanufacturing, additive, warehouse, lab.
    #[schema(example = "factory")]
    pub kind: String,
    /// Degrees north.
    pub latitude: Option<f64>,
    /// Degrees east.
    pub longitude: Option<f64>,
    pub city: Option<String>,
    /// A USPS code when the country is US.
    #[schema(example = "OH")]
    pub state: Option<String>,
    /// ISO 3166-1 alpha-2.
    #[schema(example = "US")]
    pub country: Option<String>,
    /// NAICS codes.
    pub naics: Vec<String>,
    pub employees: Option<u32>,
    pub certifications: Vec<String>,
    /// Weeks the site needs to come back after a disruption.
    pub ttr_weeks: f64,
}

impl From<&model::Site> for Site {
    fn from(site: &model::Site) -> Site {
        Site {
            id: site.id.clone(),
            organization: site.organization.clone(),
            name: site.name.clone(),
            kind: site.kind.as_str().to_owned(),
            latitude: site.latitude,
            longitude: site.longitude,
            city: site.city.clone(),
            state: site.state.clone(),
            country: site.country.clone(),
            naics: site.naics.clone(),
            employees: site.employees,
            certifications: site.certifications.clone(),
            ttr_weeks: site.ttr_weeks,
        }
    }
}

/// An item: a product, part or material.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Item {
    #[schema(example = "ventilator")]
    pub id: String,
    pub name: String,
    /// One of product, part, material.
    #[schema(example = "product")]
    pub kind: String,
    /// The unit a quantity of the item is counted in.
    #[schema(example = "each")]
    pub unit: String,
    /// The value of one unit.
    pub unit_value: f64,
}

impl From<&model::Item> for Item {
    fn from(item: &model::Item) -> Item {
        Item {
            id: item.id.clone(),
            name: item.name.clone(),
            kind: item.kind.as_str().to_owned(),
            unit: item.unit.clone(),
            unit_value: item.unit_value,
        }
    }
}

/// An organization that runs sites.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Organization {
    pub id: String,
    pub name: String,
    /// One of company, institute, university, government, nonprofit.
    pub kind: String,
    /// The agency that sponsors it.
    pub sponsor: Option<String>,
    /// Its technology focus.
    pub focus: Option<String>,
}

impl From<&model::Organization> for Organization {
    fn from(organization: &model::Organization) -> Organization {
        Organization {
            id: organization.id.clone(),
            name: organization.name.clone(),
            kind: organization.kind.as_str().to_owned(),
            sponsor: organization.sponsor.clone(),
            focus: organization.focus.clone(),
        }
    }
}

/// Where a page sits in the whole list.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PageInfo {
    /// How many records match the filters, over every page.
    pub total: usize,
    pub offset: usize,
    pub limit: usize,
    /// The offset of the next page; absent on the last page.
    pub next_offset: Option<usize>,
}

impl PageInfo {
    /// Where the page at `offset` of `limit` records sits among `total`.
    pub(crate) fn new(total: usize, offset: usize, limit: usize) -> PageInfo {
        let next_offset = (offset.saturating_add(limit) < total).then(|| offset + limit);
        PageInfo { total, offset, limit, next_offset }
    }
}

/// One page of sites.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SitePage {
    pub results: Vec<Site>,
    pub page: PageInfo,
}

/// One page of items.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ItemPage {
    pub results: Vec<Item>,
    pub page: PageInfo,
}

/// One page of organizations.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OrganizationPage {
    pub results: Vec<Organization>,
    pub page: PageInfo,
}

/// Where a page of a log (read newest first) sits in the whole log, and how to ask for the
/// next one.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct LogPageInfo {
    /// How many lines match the filters, over every page (`before` left aside).
    pub total: usize,
    pub offset: usize,
    pub limit: usize,
    /// The offset of the next page; absent on the last page, and when the page was asked for
    /// with `before`.
    pub next_offset: Option<usize>,
    /// The `seq` of the page's last line: `before` of the next page, which stays the next page
    /// however many lines arrive meanwhile (an offset would shift by as many). Absent when the
    /// page is the last.
    pub next_before: Option<i64>,
}

impl LogPageInfo {
    /// Where the page asked for at `offset` of `limit`, older than `before` when given, sits
    /// among `total`, with the `seq` of its last line when a next page has any.
    pub(crate) fn new(
        total: usize,
        offset: usize,
        limit: usize,
        before: Option<i64>,
        next_before: Option<i64>,
    ) -> LogPageInfo {
        let next_offset = match before {
            None => PageInfo::new(total, offset, limit).next_offset,
            Some(_) => None,
        };
        LogPageInfo { total, offset, limit, next_offset, next_before }
    }
}

/// One page of the audit log, newest first.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AuditPage {
    pub results: Vec<AuditEntry>,
    pub page: LogPageInfo,
}

/// One page of the events received, newest first.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EventPage {
    pub results: Vec<Received>,
    pub page: LogPageInfo,
}

/// Filters and page of `GET /sites`; every filter is an exact match.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SiteQuery {
    /// Only sites of this organization.
    pub organization: Option<String>,
    /// Only sites in this state (USPS code, in any case).
    pub state: Option<String>,
    /// Only sites in this country (ISO 3166-1 alpha-2, in any case).
    pub country: Option<String>,
    /// Only sites of this kind (factory, institute, ...; in any case).
    pub kind: Option<String>,
    /// Records to skip (default 0).
    pub offset: Option<usize>,
    /// Records to return, 1 to 1000 (default 100).
    pub limit: Option<usize>,
}

/// Filters and page of `GET /items`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ItemQuery {
    /// Only items of this kind (product, part or material; in any case).
    pub kind: Option<String>,
    /// Records to skip (default 0).
    pub offset: Option<usize>,
    /// Records to return, 1 to 1000 (default 100).
    pub limit: Option<usize>,
}

/// Filters and page of `GET /organizations`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OrganizationQuery {
    /// Only organizations of this kind (company, institute, ...; in any case).
    pub kind: Option<String>,
    /// Records to skip (default 0).
    pub offset: Option<usize>,
    /// Records to return, 1 to 1000 (default 100).
    pub limit: Option<usize>,
}

/// What `/healthz` and `/readyz` answer.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Status {
    /// `ok`, or for `/readyz` `loading` while the network loads.
    #[schema(example = "ok")]
    pub status: String,
    /// The number of sites served, once the network is loaded.
    pub sites: Option<usize>,
}

/// Every error the API returns has this body.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ErrorDetail {
    /// A stable code: invalid_request, unauthorized, forbidden, not_found, conflict,
    /// too_many_requests, not_ready, method_not_allowed, payload_too_large, timeout or
    /// internal.
    #[schema(example = "not_found")]
    pub code: String,
    /// What went wrong, for people.
    pub message: String,
    /// Each problem of the request, located.
    pub details: Vec<Problem>,
}

/// One problem of a request.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Problem {
    /// Where: `query`, `path`, or a file and line of an uploaded file.
    pub location: String,
    /// The parameter or field.
    pub field: Option<String>,
    pub message: String,
}

impl From<app::interchange::Finding> for Problem {
    fn from(f: app::interchange::Finding) -> Problem {
        Problem { location: f.location, field: f.field, message: f.message }
    }
}

/// A site's confidential figures: its processes, what it can make and what it holds, as the
/// events reported since the import have left them.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SiteCapacity {
    pub site: String,
    pub organization: String,
    /// Down, by an outage event not yet ended.
    pub down: bool,
    /// The weeks the outage was expected to last, when the site said.
    pub expected_weeks: Option<f64>,
    pub capabilities: Vec<Capability>,
    pub sources: Vec<Source>,
    pub inventory: Vec<Stock>,
}

/// Hours per week of a process at a site.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Capability {
    pub process: String,
    pub hours_per_week: f64,
}

/// An item the site is qualified to make.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Source {
    pub item: String,
    pub max_units_per_week: f64,
    pub lead_time_weeks: f64,
    pub unit_cost: f64,
}

/// Units of an item on hand.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Stock {
    pub item: String,
    pub units: f64,
}

/// Parameters of `GET /aggregates/capacity`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AggregateQuery {
    /// The process, e.g. `cnc-5axis`.
    pub process: String,
    /// `state` (default) or `country`.
    pub by: Option<String>,
}

/// The capacity of a process by state or country.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CapacityAggregate {
    pub process: String,
    /// `state` or `country`.
    pub by: String,
    /// A group is published when at least this many organizations contribute...
    pub min_organizations: usize,
    /// ...and none holds more than this share of it.
    pub max_share: f64,
    pub groups: Vec<Group>,
}

/// One group of an aggregate.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Group {
    /// The state or country; `unknown` for sites without one.
    pub group: String,
    /// Absent when suppressed.
    pub hours_per_week: Option<f64>,
    /// Absent when suppressed.
    pub sites: Option<usize>,
    /// Absent when suppressed.
    pub organizations: Option<usize>,
    /// Why the figures are withheld from members and viewers (operators see them anyway).
    pub suppressed: Option<String>,
}

impl From<app::access::Group> for Group {
    fn from(g: app::access::Group) -> Group {
        Group {
            group: g.group,
            hours_per_week: g.hours_per_week,
            sites: g.sites,
            organizations: g.organizations,
            suppressed: g.suppressed,
        }
    }
}

/// Parameters of `GET /audit`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only lines older than this one (its `seq`): the page after the one it ended, however
    /// many lines came since (`next_before`).
    pub before: Option<i64>,
    /// Newest lines to skip (default 0).
    pub offset: Option<usize>,
    /// Lines to return, newest first, 1 to 1000 (default 100).
    pub limit: Option<usize>,
}

/// One line of the audit log.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AuditEntry {
    /// Its place in the log, rising with every line.
    pub seq: i64,
    /// UTC, `YYYY-MM-DD HH:MM:SS`.
    pub at: String,
    /// The id of the key that acted.
    pub key: String,
    pub organization: String,
    pub role: String,
    /// What was done, e.g. `read capacity`.
    pub action: String,
    /// What it was done to, e.g. a site id.
    pub target: String,
}

impl From<app::access::AuditEntry> for AuditEntry {
    fn from(e: app::access::AuditEntry) -> AuditEntry {
        AuditEntry {
            seq: e.seq,
            at: e.at,
            key: e.key,
            organization: e.organization,
            role: e.role,
            action: e.action,
            target: e.target,
        }
    }
}

/// One event a site reports; `id` is the sender's and unique for all time (a resent event is
/// ignored).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
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
    /// Weekly demand for an item (at a site, or anywhere: operators only) is now this.
    Demand { id: String, item: String, site: Option<String>, units_per_week: f64 },
}

impl From<Event> for app::events::Event {
    fn from(e: Event) -> app::events::Event {
        use app::events::Event as E;
        match e {
            Event::Capacity { id, site, process, hours_per_week } => {
                E::Capacity { id, site, process, hours_per_week }
            }
            Event::OutageStart { id, site, expected_weeks } => {
                E::OutageStart { id, site, expected_weeks }
            }
            Event::OutageEnd { id, site } => E::OutageEnd { id, site },
            Event::Inventory { id, site, item, units } => E::Inventory { id, site, item, units },
            Event::Demand { id, item, site, units_per_week } => {
                E::Demand { id, item, site, units_per_week }
            }
        }
    }
}

impl From<app::events::Event> for Event {
    fn from(e: app::events::Event) -> Event {
        use app::events::Event as E;
        match e {
            E::Capacity { id, site, process, hours_per_week } => {
                Event::Capacity { id, site, process, hours_per_week }
            }
            E::OutageStart { id, site, expected_weeks } => {
                Event::OutageStart { id, site, expected_weeks }
            }
            E::OutageEnd { id, site } => Event::OutageEnd { id, site },
            E::Inventory { id, site, item, units } => Event::Inventory { id, site, item, units },
            E::Demand { id, item, site, units_per_week } => {
                Event::Demand { id, item, site, units_per_week }
            }
        }
    }
}

/// A batch of events.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventBatch {
    pub events: Vec<Event>,
}

/// What became of a batch: stored before this answer was sent.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Receipt {
    /// Ids stored now, in the order sent.
    pub accepted: Vec<String>,
    /// Ids already stored before (left as they were, not applied again).
    pub duplicates: Vec<String>,
    /// Events stored that the alert prediction cannot use, each with its place and why: demand
    /// where the network has none to scale.
    pub warnings: Vec<Problem>,
}

/// Parameters of `GET /events`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EventQuery {
    /// Only events about this site.
    pub site: Option<String>,
    /// Only events older than this one (its `seq`): the page after the one it ended, however
    /// many events came since (`next_before`).
    pub before: Option<i64>,
    /// Newest events to skip (default 0).
    pub offset: Option<usize>,
    /// Events to return, newest first, 1 to 1000 (default 100).
    pub limit: Option<usize>,
}

/// An event as it was received.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Received {
    /// Its place in the log, rising with every event stored.
    pub seq: i64,
    /// UTC, `YYYY-MM-DD HH:MM:SS`.
    pub received_at: String,
    /// The organization of the key that sent it.
    pub organization: String,
    pub event: Event,
}

impl From<app::events::Received> for Received {
    fn from(received: app::events::Received) -> Received {
        Received {
            seq: received.seq,
            received_at: received.received_at,
            organization: received.organization,
            event: received.event.into(),
        }
    }
}

/// A product predicted to fall short over the weeks ahead, given the outages reported.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Alert {
    pub product: String,
    /// Units served on time over units due, over the weeks ahead.
    pub fill_rate: f64,
    pub units_short: f64,
    pub value_short: f64,
    /// The first week (from 1) with demand not served on time.
    pub first_short_week: Option<u32>,
    /// The binding upstream constraint: a site...
    pub cause_site: Option<String>,
    /// ...and the item it could not make or send.
    pub cause_item: Option<String>,
}

impl From<app::alerts::Alert> for Alert {
    fn from(a: app::alerts::Alert) -> Alert {
        Alert {
            product: a.product,
            fill_rate: a.fill_rate,
            units_short: a.units_short,
            value_short: a.value_short,
            first_short_week: a.first_short_week,
            cause_site: a.cause_site,
            cause_item: a.cause_item,
        }
    }
}

/// How to draw a supply map.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MapQuery {
    /// The map as seen from this customer site, following its actual links; over every
    /// qualified source otherwise.
    pub site: Option<String>,
    /// Tiers below the item (all when absent).
    #[param(minimum = 0)]
    pub depth: Option<u32>,
    /// `json` (the default), `dot` (Graphviz) or `geojson` (sites as points, links as lines).
    pub format: Option<String>,
}

/// The length of one simulated period.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SimPeriod {
    #[default]
    Week,
    Day,
}

/// What happens to demand not served in the period it is due.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SimUnmet {
    #[default]
    LostSales,
    Backlog,
}

/// A risk report: sole sources, concentration, critical sites, and every site's exposure.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RisksJob {
    /// Only the supply chain of this item; every end product otherwise.
    pub item: Option<String>,
}

/// A disruption scenario run week by week against the steady state.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StressJob {
    /// The scenario in the JSON form of a scenario file (docs/scenarios.md), e.g.
    /// `{"name": "hurricane", "event": [{"kind": "state", "state": "TX", "start_week": 2,
    /// "duration_weeks": 6}]}`.
    #[schema(value_type = Object)]
    pub scenario: serde_json::Value,
    #[serde(default)]
    pub period: SimPeriod,
    /// Weeks to simulate (default: the scenario's horizon_weeks, else 52).
    #[schema(minimum = 1, maximum = 520)]
    pub horizon_weeks: Option<f64>,
    #[serde(default)]
    pub unmet: SimUnmet,
    /// Products served first when stock is scarce, most important first; in proportion to
    /// normal flows when empty.
    #[serde(default)]
    pub priority: Vec<String>,
}

/// Random disruption scenarios drawn from hazard models, and the distribution of what they
/// cost.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MonteCarloJob {
    /// How many scenarios to draw and run.
    #[schema(minimum = 1, maximum = 1_000_000, example = 1000)]
    pub scenarios: u32,
    /// The same seed gives the same results.
    #[serde(default = "one")]
    pub seed: u64,
    /// The hazard models in the JSON form of a hazards file (docs/scenarios.md); the
    /// documented defaults otherwise.
    #[schema(value_type = Option<Object>)]
    pub hazards: Option<serde_json::Value>,
    /// A product falls short in a scenario below this fill rate.
    #[serde(default = "default_threshold")]
    #[schema(minimum = 0, maximum = 1)]
    pub threshold: f64,
    #[serde(default)]
    pub period: SimPeriod,
    /// Weeks simulated per scenario (default 52).
    #[schema(minimum = 1, maximum = 520)]
    pub horizon_weeks: Option<f64>,
    #[serde(default)]
    pub unmet: SimUnmet,
    /// The most time, in seconds, running scenarios may take: past it no more start, and the
    /// result covers those done from the first on (its `scenarios`, of `asked`). None: as long
    /// as it takes.
    #[schema(exclusive_minimum = 0)]
    pub time_limit_seconds: Option<f64>,
}

fn one() -> u64 {
    1
}

fn default_threshold() -> f64 {
    0.95
}

fn default_recheck() -> usize {
    app::plan::DEFAULT_RECHECK
}

fn default_replan_recheck() -> usize {
    app::plan::REPLAN_RECHECK
}

/// A production plan for demand targets (docs/planning-model.md).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MobilizeJob {
    /// The targets in the JSON form of a demand file (docs/planning-model.md), e.g.
    /// `{"name": "surge", "horizon_weeks": 26, "target": [{"item": "icu-ventilator",
    /// "quantity": 500, "due_week": 20}]}`.
    #[schema(value_type = Object)]
    pub demand: serde_json::Value,
    /// A disruption scenario the plan must live with (as in a stress job).
    #[schema(value_type = Option<Object>)]
    pub scenario: Option<serde_json::Value>,
    /// Weeks planned, overriding the demand's.
    #[schema(minimum = 1, maximum = 520)]
    pub horizon_weeks: Option<u32>,
    /// Bottlenecks to check by solving again with one more unit.
    #[serde(default = "default_recheck")]
    pub recheck: usize,
    /// The most time, in seconds, building and solving the plan's program may take: past it
    /// the job fails with the code `timeout`. None: as long as it takes, or as the server allows
    /// (`arsenal serve --plan-time-limit`, which also caps a longer one).
    #[schema(exclusive_minimum = 0)]
    pub time_limit_seconds: Option<f64>,
}

/// A finished plan again after events, started from its solver state.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplanJob {
    /// The id of a finished mobilize or replan job whose plan changes.
    pub plan: String,
    /// The events in the JSON form of an events file (docs/planning-model.md), e.g.
    /// `{"event": [{"kind": "site", "site": "site-133", "start_week": 4}]}`.
    #[schema(value_type = Object)]
    pub events: serde_json::Value,
    /// Bottlenecks to check by solving again with one more unit.
    #[serde(default = "default_replan_recheck")]
    pub recheck: usize,
    /// Solve from nothing instead of from the plan (for comparison).
    #[serde(default)]
    pub cold: bool,
    /// The most time, in seconds, building and solving the program may take, as for a
    /// mobilize job.
    #[schema(exclusive_minimum = 0)]
    pub time_limit_seconds: Option<f64>,
}

/// What a job computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    Risks,
    Stress,
    MonteCarlo,
    Mobilize,
    Replan,
}

/// Where a job is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    /// Waiting for the jobs before it (one runs at a time).
    Queued,
    Running,
    /// Finished: the result is at `/jobs/{id}/result`.
    Done,
    /// Stopped by an error, in `error`.
    Failed,
    Cancelled,
}

/// A background job and how far it has come.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Job {
    #[schema(example = "j5f3a-1")]
    pub id: String,
    pub kind: JobKind,
    pub status: JobStatus,
    /// The organization of the key that started it.
    pub organization: String,
    /// The stage of work under way, e.g. "scenarios" or "solving: demand met, interior point
    /// iterations".
    pub stage: Option<String>,
    /// How much of the stage is done (in a plan's solving stage, the solver's iterations)...
    pub done: u64,
    /// ...out of this much, when known.
    pub total: Option<u64>,
    /// Whether a cancellation was asked for and the work has yet to stop.
    pub cancelling: bool,
    /// Seconds it has run (so far, or in all).
    pub seconds: f64,
    /// Why it failed.
    pub error: Option<ErrorDetail>,
}

/// What an import, or a write of an organization's records, stored.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ImportReceipt {
    /// What the write is recorded as: `POST /import by <organization>`, or
    /// `PUT /organizations/<id>/records by <organization>`.
    pub source: String,
    /// Records stored (for an organization's write, the records it now has).
    pub records: usize,
    /// What is odd but not wrong, located.
    pub warnings: Vec<Problem>,
}
