//! Alerts: what the events received so far mean for the weeks ahead. The sites reported down
//! become a scenario (each down from now for the weeks it expects, or its time to recover), the
//! stress simulation runs it over the part of the network it can reach, and every product whose
//! fill rate falls below a threshold is an alert naming the shortfall and its first cause.
//! Capacity, stock and demand events are not part of the prediction yet.

use std::fmt::Write as _;

use engine::simulate::Period;

use crate::events::Live;
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
    /// The products below the threshold with the live state's outages; none when no site is
    /// down.
    pub fn predict(&self, live: &Live, options: AlertOptions) -> Result<Vec<Alert>, Error> {
        if live.down.is_empty() {
            return Ok(Vec::new());
        }
        let mut down: Vec<(&String, &Option<f64>)> = live.down.iter().collect();
        down.sort_by(|a, b| a.0.cmp(b.0));
        let mut text = String::from("name = \"the outages reported\"\n");
        for (site, expected) in down {
            let index = crate::map::find(&self.graph().site_ids, site, "site")?;
            let weeks = expected.unwrap_or(self.network().sites[index as usize].ttr_weeks).max(1.0);
            let _ = write!(
                text,
                "[[event]]\nkind = \"site\"\nsite = \"{site}\"\nstart_week = 1\nduration_weeks = {weeks}\n"
            );
        }
        let scenario =
            crate::scenario::parse(&text, "events", "alerts", self.graph(), Period::Week)?;
        let stress =
            StressOptions { horizon_weeks: Some(options.weeks), ..StressOptions::default() };
        let report = crate::stress::run(self.graph(), &scenario, &stress, &Silent)?;
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
                cause_site: p.causes.first().map(|c| c.site.to_string()),
                cause_item: p.causes.first().map(|c| c.item.to_string()),
            })
            .collect())
    }
}
