//! The risk use case: the structural measures of `engine::risk` over the stored network.

use engine::risk::Structure;

use crate::{Config, Error, Progress};

/// The structural risk report, for every end product or only for `item`'s supply chain.
pub fn risks(
    config: &Config,
    item: Option<&str>,
    progress: &dyn Progress,
) -> Result<Structure, Error> {
    let graph = crate::network::load_graph(config, progress)?;
    let scope = item.map(|id| crate::map::find(&graph.item_ids, id, "item")).transpose()?;
    progress.begin("assessing", None);
    let report = engine::risk::structure(&graph, scope);
    progress.end();
    Ok(report)
}
