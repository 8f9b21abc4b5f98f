//! A solved plan in the network's own names (`naming` builds it): what each target gets and why
//! it falls short, the bottlenecks and what one more unit of each is worth, and the plan by site
//! and week.

use engine::plan::{Baseline, Cost, Size};
use serde::{Deserialize, Serialize};

/// Bottlenecks kept in a report (the most valuable; more when a shortfall names them).
pub const BOTTLENECKS_KEPT: usize = 50;

/// What a plan does.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PlanReport {
    pub name: String,
    pub horizon_weeks: u32,
    pub baseline: Baseline,
    /// Value of target demand met by its due week, and demanded.
    pub value_met: f64,
    pub value_demanded: f64,
    pub cost: Cost,
    pub targets: Vec<TargetResult>,
    /// With the steady demand competing: units of it not served in the week due, by item and
    /// site.
    pub steady_demand_short: Vec<SteadyShort>,
    /// The most valuable binding constraints first.
    pub bottlenecks: Vec<BottleneckRow>,
    /// Binding constraints found in all (`bottlenecks` keeps the first ones).
    pub bottlenecks_found: usize,
    pub production: Vec<ProductionRow>,
    pub shipments: Vec<ShipmentRow>,
    pub deliveries: Vec<DeliveryRow>,
    /// New links the plan ships on.
    pub new_links: usize,
    pub program: ProgramStats,
    /// What the request does that may not be what was meant, located (`warning: FILE:LINE:
    /// field: ...`): a capacity event that lowers a level.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct TargetResult {
    pub item: String,
    pub site: Option<String>,
    pub due_week: u32,
    pub quantity: f64,
    pub value_per_unit: f64,
    /// Units delivered by the due week.
    pub met: f64,
    /// Units delivered in each week from 0 to the due week.
    pub by_week: Vec<f64>,
    /// Why it falls short, when it does.
    pub shortfall: Vec<Shortfall>,
}

impl TargetResult {
    /// Whether it falls short by its due week (as the plan's reasons are given).
    pub fn is_short(&self) -> bool {
        engine::plan::falls_short(self.met, self.quantity)
    }
}

/// Why a target falls short.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Shortfall {
    /// An item it needs has no qualified source.
    NoSource { item: String },
    /// Every qualified source of an item it needs has no capacity over the horizon.
    SourcesDown { item: String, sites: Vec<String> },
    /// A unit made now arrives no earlier than `earliest_week`, after it is due; `path` is how.
    LeadTime { earliest_week: u32, due_week: u32, path: Vec<PathStep> },
    /// Nothing made now can reach the site within the horizon.
    Unreachable,
    /// Binding constraints in its supply chain (indices into the report's bottlenecks).
    Bottlenecks { bottlenecks: Vec<usize> },
    /// What could serve it serves other demand worth as much or more.
    OtherDemand,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PathStep {
    pub site: String,
    pub item: String,
    pub week: u32,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SteadyShort {
    pub item: String,
    pub site: String,
    pub units: f64,
    pub value: f64,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct BottleneckRow {
    /// `hours`, `capacity` or `stock`.
    pub kind: String,
    pub site: String,
    pub state: Option<String>,
    /// The process, for hours.
    pub process: Option<String>,
    /// The item made (capacity) or held (stock).
    pub item: Option<String>,
    /// Value of demand met per extra hour or unit a week (capacity), or per extra unit on hand.
    pub marginal_value: f64,
    pub weeks: Vec<u32>,
    /// What solving again with one more unit gave, when checked.
    pub gain: Option<GainRow>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct GainRow {
    pub value: f64,
    /// Units more (or, when negative, fewer) of each product, by the week they are due: where
    /// the program has several optima, solving again can deliver to other targets of the same
    /// value, so some lose what others gain. The units times their values sum to `value`.
    pub products: Vec<ProductGain>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ProductGain {
    pub item: String,
    pub units: f64,
    /// The target's due week; `None` for the steady demand.
    pub due_week: Option<u32>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ProductionRow {
    pub site: String,
    pub item: String,
    /// Week production starts.
    pub week: u32,
    /// Week the units are ready (after the lead time).
    pub ready_week: u32,
    pub units: f64,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ShipmentRow {
    pub supplier: String,
    pub customer: String,
    pub item: String,
    pub week: u32,
    pub arrives_week: u32,
    pub units: f64,
    /// The link does not exist today.
    pub new_link: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct DeliveryRow {
    /// Index into the targets; `None` for the steady demand.
    pub target: Option<usize>,
    pub item: String,
    /// Where the units are delivered from.
    pub site: String,
    pub week: u32,
    pub units: f64,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ProgramStats {
    pub size: Size,
    /// The optimum of the first solve (value met, the steady demand included when it
    /// competes) and of the second (cost).
    pub objective_met: f64,
    pub objective_cost: f64,
    /// Whether the first solve started from an earlier plan (a re-plan).
    pub warm_start: bool,
    pub seconds: Seconds,
}

/// Time taken by each stage, measured around the engine's calls. Informational: a plan saved
/// with other stages (before the cost solve and the bottleneck checks ran side by side) reads
/// with the stages it lacks at zero. A re-plan solved again from nothing counts both solves.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Seconds {
    /// Gathering the model (capacities by week, arcs, the periods that matter).
    pub model: f64,
    /// Building the linear program and loading it into HiGHS (and, for a re-plan, carrying the
    /// saved plan's bases over).
    pub build: f64,
    /// HiGHS: the value met; then the bottleneck re-solves and the cost (side by side in a
    /// re-plan).
    pub solve_met: f64,
    pub cost_and_bottlenecks: f64,
    /// Reading the plan out, checking it and naming it.
    pub extract: f64,
}

impl Shortfall {
    /// The reason in words; `bottlenecks` are the report's.
    pub fn describe(&self, bottlenecks: &[BottleneckRow]) -> String {
        match self {
            Shortfall::NoSource { item } => format!("no qualified source of {item}"),
            Shortfall::SourcesDown { item, sites } => {
                format!(
                    "every source of {item} has nothing left for the plan: down, set to zero, or taken by today's demand ({})",
                    sites.join(", ")
                )
            }
            Shortfall::LeadTime { earliest_week, due_week, path } => {
                let steps: Vec<String> =
                    path.iter().map(|s| format!("{} at {} in week {}", s.item, s.site, s.week)).collect();
                format!(
                    "lead time: a unit started now is there in week {earliest_week} at the earliest, too late for delivery within {} (weeks 0 to {}): {}; only what is on hand or on its way, and what it can make, arrives in time",
                    model::counted(*due_week as usize, "week"),
                    due_week.saturating_sub(1),
                    steps.join(" -> ")
                )
            }
            Shortfall::Unreachable => {
                "nothing made now can reach it within the horizon: no link (or new link) brings it there".to_owned()
            }
            Shortfall::Bottlenecks { bottlenecks: indices } => {
                let named: Vec<String> = indices
                    .iter()
                    .filter_map(|&b| bottlenecks.get(b))
                    .map(BottleneckRow::describe)
                    .collect();
                format!("capacity: {}", named.join("; "))
            }
            Shortfall::OtherDemand => {
                "what could serve it serves other demand worth as much or more".to_owned()
            }
        }
    }
}

impl BottleneckRow {
    /// The constraint in words: "hours of cnc at site-7 (OH)".
    pub fn describe(&self) -> String {
        let at = match &self.state {
            Some(state) => format!("{} ({state})", self.site),
            None => self.site.clone(),
        };
        let item = self.item.as_deref().unwrap_or("?");
        match self.kind.as_str() {
            "hours" => format!("hours of {} at {at}", self.process.as_deref().unwrap_or("?")),
            "capacity" => format!("units of {item} at {at}"),
            _ => format!("{item} on hand at {at}"),
        }
    }

    /// What one unit of it is, in words: "hour a week".
    pub fn unit(&self) -> &'static str {
        match self.kind.as_str() {
            "hours" => "hour a week",
            "capacity" => "unit a week",
            _ => "unit on hand",
        }
    }
}
