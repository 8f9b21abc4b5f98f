//! Mobilization planning: which sources make what in which week, shipped along which links (or
//! new ones), to meet demand targets, as one linear program solved with HiGHS.
//!
//! The objective is lexicographic: first the value of target demand met by its due week, then,
//! with that value held, the cost of production, freight and new links (docs/planning-model.md).
//! `Model` gathers the data in network terms (what can move where and when, and what each
//! week's capacity is); `Program` is the linear program over it, solved in two phases; `check`
//! verifies a plan against the model independently of the program; `bottlenecks` reads the
//! duals and re-solves with one more unit of each; `explain` says why a target falls short.

mod bottleneck;
mod check;
mod explain;
mod layout;
mod model;
mod program;
mod weekly;
mod windows;

use serde::{Deserialize, Serialize};

pub use bottleneck::{Bottleneck, Constraint, Gain};
pub use check::{Checked, Violation, check};
pub use explain::{Reason, explain, falls_short};
pub use model::{Arc, Model, Origin, TargetRow};
pub use program::{BYTES_PER_COLUMN, Bases, Failure, Program, Size};

/// Demand the plan must meet: `quantity` units of `item` delivered within the first `due`
/// periods, at `site` or, without one, wherever the item is held.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    pub item: u32,
    pub site: Option<u32>,
    pub quantity: f64,
    /// Deliveries in periods `0..due` count.
    pub due: u32,
    /// What one unit met is worth in the first objective.
    pub value: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// Periods (weeks) planned.
    pub horizon: u32,
    /// What becomes of the network's steady demand (the demand table).
    pub baseline: Baseline,
    /// Qualified sources may ship to sites they do not supply today, after `setup_weeks`.
    pub new_links: bool,
    pub setup_weeks: u32,
    /// The cost of setting up one new link (in the LP, relaxed to a cost per unit shipped over
    /// the most the link could carry).
    pub setup_cost: f64,
    /// Freight per unit shipped, as a share of the item's unit value per 1,000 km.
    pub freight_rate: f64,
    /// New links considered into each consuming site: its nearest qualified sources of the item
    /// with capacity to spare that do not supply it today, at most this many.
    pub candidates: u32,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            horizon: 26,
            baseline: Baseline::Reserve,
            new_links: true,
            setup_weeks: 2,
            setup_cost: 0.0,
            freight_rate: 0.01,
            candidates: 2,
        }
    }
}

/// How the plan treats the network's steady demand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Baseline {
    /// It goes on as today, on its normal flows: the plan uses only what they leave (spare
    /// units and hours, stock on hand, new links).
    Reserve,
    /// It competes with the targets: due week by week as targets too, with what is in progress
    /// and in transit today arriving as planned.
    Compete,
    /// The targets have the whole network: no steady demand, what is in progress and in
    /// transit today arrives as planned.
    Ignore,
}

/// What is different from the stored network over the horizon: outages, surges of the steady
/// demand and link cuts (in `scenario`, as in the stress test), and capacities set for a window.
#[derive(Clone, Debug, Default)]
pub struct Changes {
    pub scenario: crate::simulate::Scenario,
    pub capacities: Vec<CapacityChange>,
}

/// A capacity set to a new level for periods `from..until` (before any outage factor).
#[derive(Clone, Debug, PartialEq)]
pub enum CapacityChange {
    /// A source (an entry of `graph.sources`) makes at most this many units per week.
    Source { source: u32, units_per_week: f64, from: u32, until: u32 },
    /// A site has this many hours per week of a process.
    Hours { site: u32, process: u32, hours_per_week: f64, from: u32, until: u32 },
}

/// A plan: what each source makes, what each arc carries and what each target receives, by
/// period. Quantities below `program::ZERO` are left out.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Plan {
    pub production: Vec<Production>,
    pub shipments: Vec<Shipment>,
    pub deliveries: Vec<Delivery>,
}

/// Units a source (an entry of `graph.sources`) starts in a period; they are ready after its
/// lead time.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Production {
    pub source: u32,
    pub period: u32,
    pub units: f64,
}

/// Units an arc (`Model::arcs`) ships in a period; they arrive after its transit.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Shipment {
    pub arc: u32,
    pub period: u32,
    pub units: f64,
}

/// Units a target row (`Model::targets`) receives from stock at a position in a period.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Delivery {
    pub target: u32,
    pub position: u32,
    pub period: u32,
    pub units: f64,
}

/// The cost of a plan, by kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Cost {
    pub production: f64,
    pub freight: f64,
    /// New links' set-up, as the LP counts it (a cost per unit shipped).
    pub setup: f64,
}

impl Cost {
    pub fn total(&self) -> f64 {
        self.production + self.freight + self.setup
    }
}

#[cfg(test)]
mod tests;
