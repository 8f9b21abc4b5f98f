//! The risk use case: the structural measures and the per-site exposure of `engine::risk` over
//! the stored network.

use engine::graph::{Graph, Name};
use engine::risk::{Method, SiteExposure, Structure};
use serde::Serialize;

use crate::{Config, Error, Progress};

/// The whole risk report.
#[derive(Clone, Debug, Serialize)]
pub struct RiskReport {
    #[serde(flatten)]
    pub structure: Structure,
    /// Every site, largest loss first.
    pub exposure: Vec<SiteExposure>,
    /// For a report scoped to an item with no demand of its own (a component), whose values
    /// are therefore all 0: the items with demand whose bills of materials use it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub used_by: Vec<Name>,
}

/// How the per-site exposure is computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExposureMethod {
    /// The fast path with exact shortcuts (what users run).
    Fast,
    /// The literal per-site programs over the whole network (the oracle).
    Reference,
}

/// The risk report, for every end product or only for `item`'s supply chain.
pub fn risks(
    config: &Config,
    item: Option<&str>,
    method: ExposureMethod,
    progress: &dyn Progress,
) -> Result<RiskReport, Error> {
    crate::graph_cache::once(config, progress, |graph| {
        let scope = scope(graph, item)?;
        assess(graph, scope, method, progress)
    })
}

/// The index of the item a report is scoped to.
pub(crate) fn scope(graph: &Graph, item: Option<&str>) -> Result<Option<u32>, Error> {
    item.map(|id| crate::lookup::find(&graph.item_ids, id, "item")).transpose()
}

pub(crate) fn assess(
    graph: &Graph,
    scope: Option<u32>,
    method: ExposureMethod,
    progress: &dyn Progress,
) -> Result<RiskReport, Error> {
    let started = std::time::Instant::now();
    let structure = engine::risk::structure(graph, scope);
    tracing::info!(seconds = started.elapsed().as_secs_f64(), "structural risks");
    let started = std::time::Instant::now();
    let exposure = crate::with_progress(
        progress,
        "time to recover and survive",
        graph.n_sites() as u64,
        |report| match method {
            ExposureMethod::Fast => engine::risk::exposure(graph, scope, report),
            ExposureMethod::Reference => Some(engine::risk::reference(graph, scope)),
        },
    )?;
    let count = |m: Method| exposure.iter().filter(|e| e.method == m).count();
    tracing::info!(
        seconds = started.elapsed().as_secs_f64(),
        no_downstream_demand = count(Method::NoDownstreamDemand),
        absorbed = count(Method::AbsorbedBySpareCapacity),
        restricted_programs = count(Method::RestrictedProgram),
        whole_network_programs = count(Method::Program),
        bounded = count(Method::Bounded),
        "exposure"
    );
    let used_by = scope.map_or_else(Vec::new, |item| used_by(graph, item));
    Ok(RiskReport { structure, exposure, used_by })
}

/// The items with demand whose bills of materials use `item`, by id; none when `item` has
/// demand of its own.
fn used_by(graph: &Graph, item: u32) -> Vec<Name> {
    let mut has_demand = vec![false; graph.n_items()];
    for row in &graph.demand {
        has_demand[row.item as usize] = true;
    }
    let demanded = |i: u32| has_demand[i as usize];
    if demanded(item) {
        return Vec::new();
    }
    let mut seen = vec![false; graph.n_items()];
    let mut stack = vec![item];
    let mut found = Vec::new();
    while let Some(i) = stack.pop() {
        for parent in graph.used_in.row(i) {
            if !std::mem::replace(&mut seen[parent.item as usize], true) {
                if demanded(parent.item) {
                    found.push(graph.item_ids[parent.item as usize].clone());
                }
                stack.push(parent.item);
            }
        }
    }
    found.sort();
    found
}
