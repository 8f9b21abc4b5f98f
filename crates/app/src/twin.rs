//! The stored network held in memory with the engines' graph of it, for a process that asks
//! many questions of one network (the server). A question is first checked (`Twin::ask`: its
//! documents resolved against the network, quick, so a bad request fails at once) and then
//! answered (`Twin::answer`: the long work, reported to a `Progress` and stopped when it asks).
//! The CLI asks one question per run, and reads the cached graph (`graph_cache`) or the network
//! instead.

use std::sync::Arc;

use engine::graph::Graph;
use engine::simulate::{MonteCarlo, MonteCarloReport, Period, Settings};
use model::Network;
use serde::Serialize;

use crate::map::SupplyMap;
use crate::plan::{Against, NetworkStamp, PlanAsk, PlanDocument, Replanned};
use crate::scenario::Resolved;
use crate::{
    Config, Error, ExposureMethod, MonteCarloOptions, Progress, Request, RiskReport, StressOptions,
    StressReport,
};

/// A network, its graph, and the stamp of its import.
pub struct Twin {
    network: Network,
    /// Shared with the plans asked of it.
    graph: Arc<Graph>,
    stamp: NetworkStamp,
    /// The number of the import the network is as of (`store::ImportRecord::seq`).
    import: i64,
}

/// A question for the twin, as asked.
#[derive(Clone, Debug)]
pub enum Ask {
    /// The risk report, of every end product or of one item's supply chain.
    Risks { item: Option<String> },
    /// A disruption scenario (docs/scenarios.md) run against the steady state.
    Stress { scenario: Request, options: StressOptions },
    /// Random disruptions drawn from hazard models.
    MonteCarlo(MonteCarloOptions),
    /// A plan for demand targets, or a re-plan of a saved plan after events.
    Plan(Box<PlanAsk>),
}

/// A question checked against the network, ready to answer.
pub struct Question(Checked);

enum Checked {
    Risks { scope: Option<u32> },
    Stress { scenario: Resolved, settings: Settings, period: Period },
    MonteCarlo { mc: MonteCarlo, period: Period, time_limit: Option<std::time::Duration> },
    Plan(Box<crate::plan::Prepared>),
}

/// What a question found: the same documents the CLI prints with `--json`.
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub enum Answer {
    Risks(RiskReport),
    Stress(StressReport),
    MonteCarlo(MonteCarloReport),
    Plan(PlanDocument),
    Replan(Replanned),
}

impl Twin {
    /// Loads the stored network and builds its graph.
    pub fn load(config: &Config, progress: &dyn Progress) -> Result<Twin, Error> {
        let (import, network) = crate::network::load_network(config, progress)?;
        Twin::new(network, &import)
    }

    /// The twin of a network just written as `import`.
    fn new(network: Network, import: &store::ImportRecord) -> Result<Twin, Error> {
        let graph = Arc::new(crate::network::build_graph(&network)?);
        Ok(Twin { network, graph, stamp: NetworkStamp::of(import), import: import.seq })
    }

    /// The twin of a network just written as `import`, with its graph cached beside the
    /// embedded store for the next commands (as an import from a file caches it).
    pub(crate) fn cached(
        config: &Config,
        network: Network,
        import: &store::ImportRecord,
    ) -> Result<Twin, Error> {
        let twin = Twin::new(network, import)?;
        let labels = crate::map::Labels::of(&twin.network);
        crate::graph_cache::keep(config, import, &twin.graph, &labels, &crate::Silent);
        Ok(twin)
    }

    /// Replaces the records `organization` owns with those of the JSON network document `text`
    /// (`records::replace`), and returns what was written with the twin of the network as it
    /// now is.
    pub fn replace_records(
        &self,
        config: &Config,
        organization: &str,
        text: &str,
        source: &str,
    ) -> Result<(crate::records::Written, Twin), Error> {
        let (written, network) = crate::records::replace(
            config,
            &self.network,
            self.import,
            organization,
            text,
            source,
        )?;
        let twin = Twin::cached(config, network, &written.import)?;
        Ok((written, twin))
    }

    /// Has another write (an import or an organization's records, by this process or another
    /// over the same store) come since this twin's network?
    pub fn is_stale(&self, config: &Config) -> Result<bool, Error> {
        let last = config.open_store()?.last_import()?;
        Ok(last.is_none_or(|record| record.seq != self.import))
    }

    pub fn network(&self) -> &Network {
        &self.network
    }

    /// When and from where the network was imported.
    pub fn stamp(&self) -> &NetworkStamp {
        &self.stamp
    }

    /// The row of the site with this id in `network().sites`, or a not-found error that names
    /// the nearest id when one clearly is.
    pub fn site(&self, id: &str) -> Result<usize, Error> {
        let found = self.graph.site(id);
        found
            .map(|i| i as usize)
            .ok_or_else(|| crate::lookup::missing(&self.graph.site_ids, id, "site"))
    }

    /// The row of the item with this id in `network().items`, or a not-found error as `site`.
    pub fn item(&self, id: &str) -> Result<usize, Error> {
        let found = self.graph.item(id);
        found
            .map(|i| i as usize)
            .ok_or_else(|| crate::lookup::missing(&self.graph.item_ids, id, "item"))
    }

    pub(crate) fn graph(&self) -> &Graph {
        &self.graph
    }

    /// The supply map of `item`, over qualified sources, or over actual links into `site`.
    pub fn map(
        &self,
        item: &str,
        site: Option<&str>,
        depth: Option<u32>,
    ) -> Result<SupplyMap, Error> {
        crate::map::build(&self.network, &self.graph, item, site, depth)
    }

    /// Checks a question against the network, with every problem located.
    pub fn ask(&self, ask: &Ask) -> Result<Question, Error> {
        Ok(Question(match ask {
            Ask::Risks { item } => {
                Checked::Risks { scope: crate::risks::scope(&self.graph, item.as_deref())? }
            }
            Ask::Stress { scenario, options } => {
                let (scenario, settings) = crate::stress::check(&self.graph, scenario, options)?;
                Checked::Stress { scenario, settings, period: options.period }
            }
            Ask::MonteCarlo(options) => Checked::MonteCarlo {
                mc: crate::stress::monte_carlo_settings(options)?,
                period: options.period,
                time_limit: options.time_limit,
            },
            Ask::Plan(plan) => {
                let against = if plan.adds_sources() {
                    Against::Records(&self.network)
                } else {
                    Against::Graph(&self.graph)
                };
                Checked::Plan(Box::new(plan.prepare(against, &self.stamp)?))
            }
        }))
    }

    /// Answers a checked question; fails with `Error::Cancelled` when `progress` asks to stop.
    pub fn answer(&self, question: &Question, progress: &dyn Progress) -> Result<Answer, Error> {
        let graph = &self.graph;
        Ok(match &question.0 {
            Checked::Risks { scope } => {
                Answer::Risks(crate::risks::assess(graph, *scope, ExposureMethod::Fast, progress)?)
            }
            Checked::Stress { scenario, settings, period } => Answer::Stress(
                crate::stress::simulate(graph, scenario, settings, *period, progress)?,
            ),
            Checked::MonteCarlo { mc, period, time_limit } => Answer::MonteCarlo(
                crate::stress::draw_and_run(graph, mc, *period, *time_limit, progress)?,
            ),
            Checked::Plan(prepared) => {
                match crate::plan::answer(prepared, &self.stamp, progress)? {
                    (document, None) => Answer::Plan(document),
                    (document, Some((diff, events))) => {
                        Answer::Replan(Replanned { document, diff, events })
                    }
                }
            }
        })
    }
}

/// Drops `value` on a thread of its own, so the caller goes on at once; here when no thread can
/// start (the closure that fails to start is dropped, and `value` with it). A process that ends
/// first leaves the freeing to the system.
pub fn free_aside<T: Send + 'static>(value: T) {
    // Detached: nothing waits for it.
    let _ = std::thread::Builder::new().name("free".into()).spawn(move || drop(value));
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::time::Duration;

    use super::free_aside;

    /// Says on its channel when it is dropped, and on which thread.
    struct Dropped(mpsc::Sender<Option<String>>);

    impl Drop for Dropped {
        fn drop(&mut self) {
            let thread = std::thread::current().name().map(str::to_owned);
            self.0.send(thread).unwrap();
        }
    }

    #[test]
    fn values_freed_aside_are_freed_on_another_thread() {
        let (sender, receiver) = mpsc::channel();
        free_aside(Dropped(sender));
        let thread = receiver.recv_timeout(Duration::from_secs(60)).unwrap();
        assert_eq!(thread.as_deref(), Some("free"));
    }
}
