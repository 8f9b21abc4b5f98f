//! Alerts: what the events received so far mean for the weeks ahead. The sites reported down
//! become a scenario (each down from now for the weeks it expects, or its time to recover), the
//! stress simulation runs it over the part of the network it can reach, and every product whose
//! fill rate falls below a threshold is an alert naming the shortfall and its cause (what a
//! reported event did, when one of them is among the causes traced).
//! Demand events are part of it as surges: an item's demand (at a site, or all of it when the
//! event names no site) scaled to the rate reported, for the weeks ahead. Capacity events are
//! part of it as the network's hours: the simulation runs on the network with each process at
//! the hours reported. Stock events are part of it as the stock each site holds at the start
//! (the inventory table stays the level production restores).

use engine::simulate::{Cause, OpeningStock, Period, Reason};

use crate::events::Live;
use crate::request::Place;
use crate::scenario::{EventSpec, Resolved, ScenarioFile};
use crate::{Error, Silent, StressOptions, Twin};

/// When a product is an alert.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AlertOptions {
    /// Weeks ahead the prediction covers.
    pub weeks: f64,
    /// A product below this fill rate over those weeks is an alert.
    pub threshold: f64,
}

impl Default for AlertOptions {
    fn default() -> AlertOptions {
        AlertOptions { weeks: 12.0, threshold: 0.95 }
    }
}

/// A product predicted to fall short.
#[derive(Clone, Debug, PartialEq)]
pub struct Alert {
    pub product: String,
    /// Units served on time over units due, over the weeks ahead.
    pub fill_rate: f64,
    pub units_short: f64,
    pub value_short: f64,
    /// The first week (from 1) with demand not served on time.
    pub first_short_week: Option<u32>,
    /// The binding upstream constraint: a site and the item it could not make or send.
    pub cause_site: Option<String>,
    pub cause_item: Option<String>,
}

impl Twin {
    /// The products below the threshold with the live state's outages, demand, hours and
    /// stock; none when nothing differs from the network.
    pub fn predict(&self, live: &Live, options: AlertOptions) -> Result<Vec<Alert>, Error> {
        let reported;
        let graph = if live.hours.is_empty() {
            self.graph()
        } else {
            reported = self.with_hours(&live.hours)?;
            &reported
        };
        let mut events = Vec::new();
        let mut down: Vec<(&String, &Option<f64>)> = live.down.iter().collect();
        down.sort_by(|a, b| a.0.cmp(b.0));
        // Events outlive the network they were reported on: what a new import dropped is left out.
        for (site, expected) in down {
            let Some(index) = graph.site(site) else { continue };
            let weeks = expected.unwrap_or(self.network().sites[index as usize].ttr_weeks).max(1.0);
            events.push(EventSpec {
                kind: "site".into(),
                site: Some(site.clone()),
                start_week: Some(1.0),
                duration_weeks: Some(weeks),
                ..EventSpec::default()
            });
        }
        let mut demand: Vec<(&(String, Option<String>), &f64)> = live.demand.iter().collect();
        demand.sort_by(|a, b| a.0.cmp(b.0));
        for ((item, site), units) in demand {
            let Some(item_ix) = graph.item(item) else { continue };
            let site_ix = match site.as_deref().map(|s| graph.site(s)) {
                Some(None) => continue,
                found => found.flatten(),
            };
            let now: f64 = graph
                .demand
                .iter()
                .filter(|d| d.item == item_ix && site_ix.is_none_or(|s| d.site == Some(s)))
                .map(|d| d.units_per_week)
                .sum();
            // Demand where the network has none cannot be scaled; unchanged demand is no event.
            if now <= 0.0 || (units / now - 1.0).abs() < 1e-12 {
                continue;
            }
            events.push(EventSpec {
                kind: "surge".into(),
                item: Some(item.clone()),
                site: site.clone(),
                factor: Some(units / now),
                start_week: Some(1.0),
                duration_weeks: Some(options.weeks),
                ..EventSpec::default()
            });
        }
        let opening = reported_stock(graph, live);
        if events.is_empty() && live.hours.is_empty() && opening.is_empty() {
            return Ok(Vec::new());
        }
        let file = ScenarioFile {
            name: Some("the events reported".into()),
            description: None,
            horizon_weeks: None,
            events,
        };
        let locate = |n: usize| Place::at(format!("reported event {}", n + 1));
        let mut scenario =
            crate::scenario::resolve(&file, graph, Period::Week, &Place::at("events"), &locate)
                .map_err(|findings| {
                    crate::request::invalid("events", "the live state", findings)
                })?;
        scenario.opening = opening;
        let scenario = Resolved {
            name: "alerts".into(),
            horizon_weeks: None,
            scenario,
            file,
            places: Vec::new(),
            source: "events".into(),
        };
        let stress =
            StressOptions { horizon_weeks: Some(options.weeks), ..StressOptions::default() };
        let report = crate::stress::run(graph, &scenario, &stress, &Silent)?;
        Ok(report
            .outcome
            .products
            .iter()
            .filter(|p| p.fill_rate < options.threshold)
            .map(|p| Alert {
                product: p.item.to_string(),
                fill_rate: p.fill_rate,
                units_short: p.units_short,
                value_short: p.value_short,
                first_short_week: p.first_short.map(|w| w + 1),
                cause_site: cause(&p.causes, live).map(|c| c.site.to_string()),
                cause_item: cause(&p.causes, live).map(|c| c.item.to_string()),
            })
            .collect())
    }
}

/// The cause an alert names: the first that a reported event made (hours a site reported for a
/// process, an outage, a surge), else the first, which is the largest capacity that kept the
/// network from making up the shortfall.
fn cause<'a>(causes: &'a [Cause], live: &Live) -> Option<&'a Cause> {
    let reported = |c: &&Cause| match &c.reason {
        Reason::Hours { process } => {
            live.hours.contains_key(&(c.site.to_string(), process.to_string()))
        }
        Reason::Capacity => false,
        _ => true,
    };
    causes.iter().find(reported).or(causes.first())
}

/// The stock reported where it differs from the inventory table (none there: none held), by
/// site and item; what a new import dropped is left out.
fn reported_stock(graph: &engine::graph::Graph, live: &Live) -> Vec<OpeningStock> {
    let mut reported: Vec<(&(String, String), &f64)> = live.stock.iter().collect();
    reported.sort_by(|a, b| a.0.cmp(b.0));
    reported
        .into_iter()
        .filter_map(|((site, item), &units)| {
            let (site, item) = (graph.site(site)?, graph.item(item)?);
            let table: f64 =
                graph.inventory.row(site).iter().filter(|s| s.item == item).map(|s| s.units).sum();
            (units != table).then_some(OpeningStock { site, item, units })
        })
        .collect()
}

impl Twin {
    /// The graph of the network with each process at the hours reported (by site and process).
    fn with_hours(
        &self,
        hours: &std::collections::HashMap<(String, String), f64>,
    ) -> Result<engine::graph::Graph, Error> {
        let mut network = self.network().clone();
        for capability in &mut network.capabilities {
            let key = (capability.site.clone(), capability.process.clone());
            if let Some(&reported) = hours.get(&key) {
                capability.hours_per_week = reported;
            }
        }
        crate::network::build_graph(&network)
    }
}
