//! A scenario's events resolved to what they touch (sites, processes, links, demand rows), and
//! the factors they put on each in a given period.
//!
//! An event is at full strength for `duration` periods from `start`, then fades linearly over
//! `recovery` periods: in the k-th recovery period (k from 1) it keeps (recovery + 1 − k) /
//! (recovery + 1) of its strength. Overlapping outages take the lowest capacity; overlapping
//! surges multiply.

use super::{Change, Flows, Scenario, Target};
use crate::geo::great_circle_km;
use crate::graph::Graph;

pub(crate) struct Effects {
    events: Vec<Resolved>,
    /// Stock at the start where the scenario sets it: (position, units), by position.
    opening: Vec<(u32, f64)>,
}

struct Resolved {
    start: u32,
    duration: u32,
    recovery: u32,
    touches: Touches,
    /// Capacity left (outages) or demand factor (surges) at full strength.
    level: f64,
}

enum Touches {
    Sites(Vec<u32>),
    Process(u32),
    Links(Vec<u32>),
    Demand(Vec<u32>),
}

/// The factors in force in one period; entries not touched by any event are 1.
pub(crate) struct Factors {
    pub(crate) site: Vec<f64>,
    pub(crate) process: Vec<f64>,
    pub(crate) link: Vec<f64>,
    pub(crate) demand: Vec<f64>,
    touched: Vec<(Touched, u32)>,
}

/// What an entry an event touches is factor of.
#[derive(Clone, Copy)]
pub(crate) enum Touched {
    Site,
    Process,
    Link,
    Demand,
}

impl Factors {
    /// The entries the events of the last period applied touched, as (kind, index).
    pub(crate) fn touched(&self) -> &[(Touched, u32)] {
        &self.touched
    }
}

impl Effects {
    pub(crate) fn new(graph: &Graph, flows: &Flows, scenario: &Scenario) -> Effects {
        let events = scenario
            .events
            .iter()
            .map(|event| {
                let (touches, level) = match &event.change {
                    Change::Outage { target, capacity } => {
                        (resolve(graph, flows, target), capacity.clamp(0.0, 1.0))
                    }
                    Change::Surge { item, site, factor } => {
                        let rows = flows
                            .demand
                            .iter()
                            .enumerate()
                            .filter(|(_, d)| {
                                d.item == *item
                                    && site
                                        .is_none_or(|s| flows.positions[d.position as usize].0 == s)
                            })
                            .map(|(r, _)| r as u32)
                            .collect();
                        (Touches::Demand(rows), factor.max(0.0))
                    }
                };
                Resolved {
                    start: event.start,
                    duration: event.duration,
                    recovery: event.recovery,
                    touches,
                    level,
                }
            })
            .collect();
        let mut opening: Vec<(u32, f64)> = scenario
            .opening
            .iter()
            .filter_map(|stock| {
                let at = flows.at_site.row(stock.site).iter();
                let mut found = at.filter(|&&q| flows.positions[q as usize].1 == stock.item);
                found.next().map(|&q| (q, stock.units.max(0.0)))
            })
            .collect();
        // The last word on a position wins.
        opening.reverse();
        opening.sort_by_key(|&(q, _)| q);
        opening.dedup_by_key(|&mut (q, _)| q);
        Effects { events, opening }
    }

    /// Stock at the start where the scenario sets it: (position, units).
    pub(crate) fn opening(&self) -> &[(u32, f64)] {
        &self.opening
    }

    pub(crate) fn factors(&self, graph: &Graph, flows: &Flows) -> Factors {
        Factors {
            site: vec![1.0; graph.n_sites()],
            process: vec![1.0; graph.processes.len()],
            link: vec![1.0; flows.links.len()],
            demand: vec![1.0; flows.demand.len()],
            touched: Vec::new(),
        }
    }

    /// Sets `factors` to those of period `t`; `factors.touched()` then lists the entries that
    /// may differ from 1 (some more than once).
    pub(crate) fn apply(&self, t: u32, factors: &mut Factors) {
        for (kind, i) in factors.touched.drain(..) {
            let i = i as usize;
            match kind {
                Touched::Site => factors.site[i] = 1.0,
                Touched::Process => factors.process[i] = 1.0,
                Touched::Link => factors.link[i] = 1.0,
                Touched::Demand => factors.demand[i] = 1.0,
            }
        }
        for event in &self.events {
            let Some(strength) = event.strength(t) else { continue };
            let outage = 1.0 - strength * (1.0 - event.level);
            let mut lower = |kind: Touched, slot: &mut f64, i: u32| {
                *slot = slot.min(outage);
                factors.touched.push((kind, i));
            };
            match &event.touches {
                Touches::Sites(sites) => {
                    for &s in sites {
                        lower(Touched::Site, &mut factors.site[s as usize], s);
                    }
                }
                Touches::Process(p) => {
                    lower(Touched::Process, &mut factors.process[*p as usize], *p)
                }
                Touches::Links(links) => {
                    for &l in links {
                        lower(Touched::Link, &mut factors.link[l as usize], l);
                    }
                }
                Touches::Demand(rows) => {
                    for &r in rows {
                        factors.demand[r as usize] *= 1.0 + strength * (event.level - 1.0);
                        factors.touched.push((Touched::Demand, r));
                    }
                }
            }
        }
    }

    /// The positions the events touch directly: every position at a struck site (or at a site
    /// with a struck process), both ends of a cut link, the positions of surged demand, and those
    /// whose stock at the start is set.
    pub(super) fn seeds(&self, flows: &Flows) -> Vec<u32> {
        let mut seeds: Vec<u32> = self.opening.iter().map(|&(q, _)| q).collect();
        for event in &self.events {
            match &event.touches {
                Touches::Sites(sites) => {
                    for &s in sites {
                        seeds.extend_from_slice(flows.at_site.row(s));
                    }
                }
                Touches::Process(p) => {
                    for &(site, process, _) in &flows.hours {
                        if process == *p {
                            seeds.extend_from_slice(flows.at_site.row(site));
                        }
                    }
                }
                Touches::Links(links) => {
                    for &l in links {
                        seeds.push(flows.links[l as usize].from);
                        seeds.push(flows.links[l as usize].to);
                    }
                }
                Touches::Demand(rows) => {
                    seeds.extend(rows.iter().map(|&r| flows.demand[r as usize].position));
                }
            }
        }
        seeds
    }

    /// Whether any event touches demand (then shortfalls may come from above-normal demand).
    pub(super) fn has_surge(&self) -> bool {
        self.events.iter().any(|e| matches!(e.touches, Touches::Demand(_)))
    }
}

impl Resolved {
    /// The share of the event's change in force in period `t`, if any.
    fn strength(&self, t: u32) -> Option<f64> {
        let since = t.checked_sub(self.start)?;
        if since < self.duration {
            return Some(1.0);
        }
        let k = since - self.duration + 1;
        (k <= self.recovery)
            .then(|| f64::from(self.recovery + 1 - k) / f64::from(self.recovery + 1))
    }
}

/// The sites of `graph` within `radius_km` of (`latitude`, `longitude`), in order.
pub fn in_circle(
    graph: &Graph,
    latitude: f64,
    longitude: f64,
    radius_km: f64,
) -> impl Iterator<Item = u32> + '_ {
    (0..graph.n_sites() as u32).filter(move |&s| {
        let node = &graph.sites[s as usize];
        node.latitude
            .zip(node.longitude)
            .is_some_and(|at| great_circle_km(at, (latitude, longitude)) <= radius_km)
    })
}

/// The sites an outage of `target` strikes, in order; `None` for a process or a link, which
/// strike no site whole.
pub fn struck_sites(graph: &Graph, target: &Target) -> Option<Vec<u32>> {
    let sites =
        |keep: &dyn Fn(u32) -> bool| (0..graph.n_sites() as u32).filter(|&s| keep(s)).collect();
    Some(match *target {
        Target::Site(site) => vec![site],
        Target::Organization(org) => sites(&|s| graph.sites[s as usize].org == org),
        Target::State(state) => sites(&|s| graph.sites[s as usize].state == Some(state)),
        Target::Circle { latitude, longitude, radius_km } => {
            in_circle(graph, latitude, longitude, radius_km).collect()
        }
        Target::Process(_) | Target::Link { .. } => return None,
    })
}

fn resolve(graph: &Graph, flows: &Flows, target: &Target) -> Touches {
    match *target {
        Target::Process(process) => Touches::Process(process),
        Target::Link { supplier, customer, item } => Touches::Links(
            flows
                .links
                .iter()
                .enumerate()
                .filter(|(_, l)| l.supplier == supplier && l.customer == customer && l.item == item)
                .map(|(l, _)| l as u32)
                .collect(),
        ),
        Target::Site(_) | Target::Organization(_) | Target::State(_) | Target::Circle { .. } => {
            Touches::Sites(struck_sites(graph, target).unwrap_or_default())
        }
    }
}
