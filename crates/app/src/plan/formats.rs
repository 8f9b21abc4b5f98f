//! The files a plan is asked with, as written: the demand file (targets and planning options)
//! and the events file of a re-plan (docs/planning-model.md), and the request they make
//! together with an optional disruption scenario, as a plan document keeps it.

use serde::{Deserialize, Serialize};

use crate::request::Entries;
use crate::scenario::ScenarioFile;

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

impl Entries for DemandFile {
    const KEY: &'static str = "target";
    type Entry = TargetSpec;
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

impl Entries for EventsFile {
    const KEY: &'static str = "event";
    type Entry = PlanEvent;
}

/// One event of a re-plan as written; which fields apply depends on `kind`: the scenario kinds
/// (an outage from `start_week`, until the end of the horizon unless `duration_weeks` says
/// otherwise), `capacity`, `demand` and `new_source`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PlanEvent {
    /// Missing (empty) is a problem named with the event's others.
    #[serde(default)]
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

/// Most weeks a plan (or a stress test) may cover.
pub const MAX_HORIZON_WEEKS: u32 = engine::simulate::MAX_HORIZON_WEEKS;

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
