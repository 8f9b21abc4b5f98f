//! `Model`, the planning problem in network terms: the positions (site, item) that hold stock,
//! the sources with their capacity and lead time in every period, the arcs goods can move along
//! (today's links, and new links between qualified sources and the sites that use their item,
//! both only into positions upstream of a target), what is already on its way at the start, and
//! the target rows demand is counted in.

use std::sync::Arc as Shared;

use rustc_hash::FxHashMap;

use super::weekly::{self, ByWeek};
use super::{Baseline, Changes, Options, Target, windows};
use crate::geo::great_circle_km;
use crate::graph::{Csr, Graph};
use crate::simulate::flows::{Flows, distance_weeks};
use crate::simulate::{LONGEST_LEAD_WEEKS, Period};

/// The planning problem.
pub struct Model<'g> {
    pub(crate) graph: &'g Graph,
    /// The network in weekly periods, with a position for every target's site and item; a
    /// re-plan's model shares its plan's (`covering`).
    pub(crate) flows: Shared<Flows>,
    /// The (site, item) of every target given a site, which `flows` has positions for.
    target_sites: Vec<(u32, u32)>,
    pub horizon: u32,
    pub targets: Vec<TargetRow>,
    /// Today's links into positions upstream of a target (in the order of `flows.links`), then
    /// new links.
    pub arcs: Vec<Arc>,
    /// By source, by period: most units it can start.
    pub(crate) capacity: ByWeek<f64>,
    /// By hours row of `flows.hours`, by period: hours available.
    pub(crate) hours: ByWeek<f64>,
    /// By source, and by hours row, by period: whether it has any units (hours) before today's
    /// demand takes its share (not down, not set to zero, started).
    pub(crate) source_up: ByWeek<bool>,
    pub(crate) hours_up: ByWeek<bool>,
    /// By source: periods from start to output.
    pub(crate) lead: Vec<u32>,
    pub(crate) unit_cost: Vec<f64>,
    /// By position: (period, units) arriving there from before the plan (goods in transit on
    /// today's links, work in progress at today's sources).
    pub(crate) pipeline: Csr<(u32, f64)>,
    /// By position: the arcs out of it and into it.
    pub(crate) arcs_out: Csr<u32>,
    pub(crate) arcs_in: Csr<u32>,
    /// By position: whether stock there can reach a target's position at all (`upstream`).
    pub(crate) upstream: Vec<bool>,
    /// Which columns can matter (`windows`).
    pub(crate) windows: windows::Windows,
}

/// Demand counted in the objective: `quantity` units of `item` delivered from stock at one of
/// `positions` in periods `first..due`, each unit worth `value`.
#[derive(Clone, Debug, PartialEq)]
pub struct TargetRow {
    pub item: u32,
    pub site: Option<u32>,
    pub positions: Vec<u32>,
    pub quantity: f64,
    pub first: u32,
    pub due: u32,
    pub value: f64,
    pub origin: Origin,
}

/// Where a target row comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The n-th target given.
    Target(u32),
    /// The steady demand of a row of `flows.demand`, in the week `first`.
    Baseline { row: u32 },
}

/// A way goods move: `from` position to `to` position (the same item at two sites), arriving
/// `transit` periods after shipping.
#[derive(Clone, Debug, PartialEq)]
pub struct Arc {
    pub supplier: u32,
    pub customer: u32,
    pub item: u32,
    pub from: u32,
    pub to: u32,
    pub transit: u32,
    /// First period it can ship in (the set-up time of a new link).
    pub opens: u32,
    /// Freight per unit.
    pub freight: f64,
    /// Set-up cost per unit shipped (new links).
    pub setup: f64,
    /// The link of `flows.links` it is, or `None` for a new link.
    pub link: Option<u32>,
    /// By period, most units it carries, when a scenario limits it.
    pub(crate) limit: Option<Vec<f64>>,
}

impl<'g> Model<'g> {
    /// Gathers the planning problem; `targets` must name items and sites of `graph`.
    pub fn new(
        graph: &'g Graph,
        targets: &[Target],
        changes: &Changes,
        options: &Options,
    ) -> Model<'g> {
        Model::gather(graph, targets, changes, options, &Reach::Upstream(Vec::new()), None)
    }

    /// The model of a re-plan: as `new` gathers it, widened to hold every decision of
    /// `previous` (the model of the plan it changes, of the same network before some events)
    /// within its horizon, so the re-plan's program starts from the previous program's bases
    /// whole (`Program::start_from`); the optima do not change. Of the same graph and target
    /// sites, it shares the flows of `previous` instead of building them again.
    pub fn covering(
        graph: &'g Graph,
        targets: &[Target],
        changes: &Changes,
        options: &Options,
        previous: &Model<'_>,
    ) -> Model<'g> {
        let reached = (0..previous.n_positions() as u32).filter(|&q| previous.upstream[q as usize]);
        let also = reached.map(|q| previous.position(q)).collect();
        let reach = Reach::Upstream(also);
        let mut model = Model::gather(graph, targets, changes, options, &reach, Some(previous));
        let mut windows = std::mem::take(&mut model.windows);
        windows.cover(&model, previous);
        model.windows = windows;
        model
    }

    /// The model as `new` gathers it, but with new links into every position that uses an item
    /// and windows found over the whole network (what `new` leaves out cannot change a plan).
    #[cfg(test)]
    pub(crate) fn everywhere(
        graph: &'g Graph,
        targets: &[Target],
        changes: &Changes,
        options: &Options,
    ) -> Model<'g> {
        Model::gather(graph, targets, changes, options, &Reach::Everywhere, None)
    }

    /// Gathers the model of `targets`, sharing the flows of `previous` when it is of the same
    /// graph and its targets' sites are the same (the flows would be the same).
    fn gather(
        graph: &'g Graph,
        targets: &[Target],
        changes: &Changes,
        options: &Options,
        reach: &Reach,
        previous: Option<&Model<'_>>,
    ) -> Model<'g> {
        let horizon = options.horizon.max(1);
        let target_sites: Vec<(u32, u32)> =
            targets.iter().filter_map(|t| t.site.map(|s| (s, t.item))).collect();
        let flows = match previous {
            Some(p) if std::ptr::eq(p.graph, graph) && p.target_sites == target_sites => {
                Shared::clone(&p.flows)
            }
            _ => Shared::new(Flows::with_positions(graph, Period::Week, &target_sites)),
        };
        let n_positions = flows.positions.len();
        let entries = graph.sources.entries();
        let lead: Vec<u32> = entries
            .iter()
            .map(|s| Period::Week.periods(s.lead_time_weeks, 0).min(LONGEST_LEAD_WEEKS))
            .collect();
        let unit_cost: Vec<f64> = entries.iter().map(|s| s.unit_cost).collect();
        let weekly::Weekly {
            capacity,
            hours,
            source_up,
            hours_up,
            link_limit,
            demand_factor,
            pipeline,
        } = weekly::weekly(graph, &flows, changes, options, &lead, horizon);
        let rows = target_rows(graph, &flows, targets, &demand_factor, options, horizon);
        let (new, upstream) = new_links(graph, &flows, &capacity, &rows, options, horizon, reach);
        let mut arcs = links(graph, &flows, link_limit, options, &upstream);
        arcs.extend(new);

        let arcs_out = Csr::from_pairs(
            n_positions,
            arcs.iter().enumerate().map(|(a, arc)| (arc.from, a as u32)).collect(),
        );
        let arcs_in = Csr::from_pairs(
            n_positions,
            arcs.iter().enumerate().map(|(a, arc)| (arc.to, a as u32)).collect(),
        );
        let mut model = Model {
            graph,
            flows,
            target_sites,
            horizon,
            targets: rows,
            arcs,
            capacity,
            hours,
            source_up,
            hours_up,
            lead,
            unit_cost,
            pipeline,
            arcs_out,
            arcs_in,
            upstream,
            windows: windows::Windows::default(),
        };
        model.windows = windows::Windows::new(&model);
        model
    }

    /// The graph the model is of.
    pub fn graph(&self) -> &'g Graph {
        self.graph
    }

    /// The number of (site, item) positions.
    pub fn n_positions(&self) -> usize {
        self.flows.positions.len()
    }

    /// The (site, item) of a position.
    pub fn position(&self, position: u32) -> (u32, u32) {
        self.flows.positions[position as usize]
    }

    /// The (site, item) of a source (an entry of `graph.sources`).
    pub fn source(&self, source: u32) -> (u32, u32) {
        let s = &self.flows.sources[source as usize];
        (s.site, s.item)
    }

    /// Units a source can start in a period.
    pub fn capacity(&self, source: u32, period: u32) -> f64 {
        self.capacity.row(source as usize).get(period as usize).unwrap_or(0.0)
    }

    /// The production lead time of a source, in periods.
    pub fn lead(&self, source: u32) -> u32 {
        self.lead[source as usize]
    }

    /// The position of (site, item), if the model has one.
    pub(crate) fn position_of(&self, key: (u32, u32)) -> Option<u32> {
        position_in(&self.flows, key)
    }

    /// The source at (site, item), if the model has one.
    pub(crate) fn source_of(&self, key: (u32, u32)) -> Option<u32> {
        self.position_of(key).and_then(|q| self.flows.source_at[q as usize])
    }

    /// The arc of (supplier, customer, item), if the model has one.
    pub(crate) fn arc_of(&self, (supplier, customer, item): (u32, u32, u32)) -> Option<u32> {
        let to = self.position_of((customer, item))?;
        self.arcs_in.row(to).iter().copied().find(|&a| self.arcs[a as usize].supplier == supplier)
    }

    /// What an arc joins: (supplier, customer, item).
    pub(crate) fn arc_key(&self, arc: u32) -> (u32, u32, u32) {
        let arc = &self.arcs[arc as usize];
        (arc.supplier, arc.customer, arc.item)
    }
}

/// The position of (site, item) in `flows`, if any.
fn position_in(flows: &Flows, (site, item): (u32, u32)) -> Option<u32> {
    flows.at_site.row(site).iter().copied().find(|&q| flows.positions[q as usize].1 == item)
}

/// Where the model looks for new links and windows.
#[derive(Clone, Debug, PartialEq)]
enum Reach {
    /// Positions upstream of a target, and upstream of these (site, item) pairs (those a
    /// re-plan's previous model reaches).
    Upstream(Vec<(u32, u32)>),
    /// Every position.
    #[cfg(test)]
    Everywhere,
}

/// By position: whether an item is used there (a component of a source, or served to a target
/// at a site). New links may end there.
fn consumers(flows: &Flows, rows: &[TargetRow]) -> Vec<bool> {
    let mut used = vec![false; flows.positions.len()];
    for &(c, _) in flows.components.entries() {
        used[c as usize] = true;
    }
    for row in rows.iter().filter(|r| r.site.is_some()) {
        for &q in &row.positions {
            used[q as usize] = true;
        }
    }
    used
}

/// The target rows: the given targets, then, when today's demand competes, one row per row of
/// it and week.
fn target_rows(
    graph: &Graph,
    flows: &Flows,
    targets: &[Target],
    demand_factor: &ByWeek<f64>,
    options: &Options,
    horizon: u32,
) -> Vec<TargetRow> {
    let mut held: Vec<Vec<u32>> = vec![Vec::new(); graph.n_items()];
    let mut index: FxHashMap<(u32, u32), u32> = FxHashMap::default();
    for (q, &(site, item)) in flows.positions.iter().enumerate() {
        index.insert((site, item), q as u32);
        held[item as usize].push(q as u32);
    }
    let mut rows = Vec::new();
    for (n, target) in targets.iter().enumerate() {
        let positions = match target.site {
            Some(site) => vec![index[&(site, target.item)]],
            None => held[target.item as usize].clone(),
        };
        rows.push(TargetRow {
            item: target.item,
            site: target.site,
            positions,
            quantity: target.quantity,
            first: 0,
            due: target.due.min(horizon),
            value: target.value,
            origin: Origin::Target(n as u32),
        });
    }
    if options.baseline == Baseline::Compete {
        for (r, row) in flows.demand.iter().enumerate() {
            for t in 0..horizon {
                rows.push(TargetRow {
                    item: row.item,
                    site: Some(flows.positions[row.position as usize].0),
                    positions: vec![row.position],
                    quantity: row.normal * demand_factor.at(r, t as usize),
                    first: t,
                    due: t + 1,
                    value: graph.items[row.item as usize].unit_value,
                    origin: Origin::Baseline { row: r as u32 },
                });
            }
        }
    }
    rows
}

/// The distance between two sites, when both are placed.
fn km(graph: &Graph, from: u32, to: u32) -> Option<f64> {
    let at = |s: u32| graph.sites[s as usize].latitude.zip(graph.sites[s as usize].longitude);
    at(from).zip(at(to)).map(|(a, b)| great_circle_km(a, b))
}

/// The freight of a unit of `item` from site `from` to site `to`.
fn freight(graph: &Graph, options: &Options, item: u32, from: u32, to: u32) -> f64 {
    let km = km(graph, from, to).unwrap_or(0.0);
    options.freight_rate * graph.items[item as usize].unit_value * km / 1000.0
}

/// Today's links into positions `upstream` (of a target) as arcs, in their order, with any
/// limit a scenario puts on them: no other link can carry what reaches a target.
fn links(
    graph: &Graph,
    flows: &Flows,
    link_limit: Vec<Option<Vec<f64>>>,
    options: &Options,
    upstream: &[bool],
) -> Vec<Arc> {
    flows
        .links
        .iter()
        .zip(link_limit)
        .enumerate()
        .filter(|(_, (link, _))| upstream[link.to as usize])
        .map(|(l, (link, limit))| Arc {
            supplier: link.supplier,
            customer: link.customer,
            item: link.item,
            from: link.from,
            to: link.to,
            transit: link.transit,
            opens: 0,
            freight: freight(graph, options, link.item, link.supplier, link.customer),
            setup: 0.0,
            link: Some(l as u32),
            limit,
        })
        .collect()
}

/// With new links, the nearest qualified sources with capacity to spare into every position
/// upstream of a target (or, with `Reach::Everywhere`, any position) where an item is used or a
/// target is due at a site, in the order of those positions; and by position, whether it is
/// upstream of a target (see `upstream`).
fn new_links(
    graph: &Graph,
    flows: &Flows,
    capacity: &ByWeek<f64>,
    rows: &[TargetRow],
    options: &Options,
    horizon: u32,
    reach: &Reach,
) -> (Vec<Arc>, Vec<bool>) {
    let links_in = Csr::from_pairs(
        flows.positions.len(),
        flows.links.iter().enumerate().map(|(l, link)| (link.to, l as u32)).collect(),
    );
    let consumer = consumers(flows, rows);
    // The new links into position `to`: sources of its item with capacity to spare at some
    // point, nearest first, that do not supply it today.
    let into = |to: u32| -> Vec<Arc> {
        if !(options.new_links && consumer[to as usize]) {
            return Vec::new();
        }
        let (customer, item) = flows.positions[to as usize];
        let mut candidates: Vec<(f64, u32, u32)> = graph
            .sources
            .range(item)
            .filter(|&s| capacity.row(s).iter().any(|c| c > 0.0))
            .map(|s| (graph.sources.entries()[s].site, flows.sources[s].position))
            .filter(|&(site, from)| {
                site != customer
                    && !links_in.row(to).iter().any(|&l| flows.links[l as usize].from == from)
            })
            .map(|(site, from)| (km(graph, site, customer).unwrap_or(f64::INFINITY), site, from))
            .collect();
        candidates.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut new = Vec::new();
        for &(_, supplier, from) in candidates.iter().take(options.candidates as usize) {
            let transit = Period::Week.periods(distance_weeks(graph, supplier, customer), 1);
            let opens = options.setup_weeks;
            let periods = horizon.saturating_sub(opens + transit);
            let source =
                flows.source_at[from as usize].map_or(0.0, |s| flows.sources[s as usize].capacity);
            let most = source * f64::from(periods);
            if most <= 0.0 {
                continue;
            }
            new.push(Arc {
                supplier,
                customer,
                item,
                from,
                to,
                transit,
                opens,
                freight: freight(graph, options, item, supplier, customer),
                setup: options.setup_cost / most,
                link: None,
                limit: None,
            });
        }
        new
    };
    let (cone, mut new) = upstream(flows, rows, reach, &links_in, into);
    let mut arcs = Vec::new();
    for (to, _) in consumer.iter().zip(&cone).enumerate().filter(|&(_, (&c, &u))| c && u) {
        arcs.extend(new.remove(&(to as u32)).unwrap_or_default());
    }
    (arcs, cone)
}

/// By position, whether stock there can reach a target row's position in any number of weeks:
/// the targets' positions, and upstream of each, where its links and new links (`new_links`)
/// ship from and what its source consumes. No decision outside can change what is met, so only
/// positions upstream get new links and windows (`windows`). Returns, by position reached, its
/// new links too. With `Reach::Everywhere`, every position is reached.
fn upstream(
    flows: &Flows,
    rows: &[TargetRow],
    reach_from: &Reach,
    links_in: &Csr<u32>,
    new_links: impl Fn(u32) -> Vec<Arc>,
) -> (Vec<bool>, FxHashMap<u32, Vec<Arc>>) {
    fn reach(q: u32, cone: &mut [bool], stack: &mut Vec<u32>) {
        if !cone[q as usize] {
            cone[q as usize] = true;
            stack.push(q);
        }
    }
    let mut cone = vec![false; flows.positions.len()];
    let mut stack = Vec::new();
    match reach_from {
        Reach::Upstream(also) => {
            for &q in rows.iter().flat_map(|row| &row.positions) {
                reach(q, &mut cone, &mut stack);
            }
            for q in also.iter().filter_map(|&key| position_in(flows, key)) {
                reach(q, &mut cone, &mut stack);
            }
        }
        #[cfg(test)]
        Reach::Everywhere => {
            for q in 0..flows.positions.len() as u32 {
                reach(q, &mut cone, &mut stack);
            }
        }
    }
    let mut new = FxHashMap::default();
    while let Some(q) = stack.pop() {
        for &l in links_in.row(q) {
            reach(flows.links[l as usize].from, &mut cone, &mut stack);
        }
        if let Some(s) = flows.source_at[q as usize] {
            for &(c, _) in flows.components.row(s) {
                reach(c, &mut cone, &mut stack);
            }
        }
        let arcs = new_links(q);
        for arc in &arcs {
            reach(arc.from, &mut cone, &mut stack);
        }
        if !arcs.is_empty() {
            new.insert(q, arcs);
        }
    }
    (cone, new)
}
