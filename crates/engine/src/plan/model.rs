//! `Model`, the planning problem in network terms: the positions (site, item) that hold stock,
//! the sources with their capacity and lead time in every period, the arcs goods can move along
//! (today's links, and new links between qualified sources and the sites that use their item),
//! what is already on its way at the start, and the target rows demand is counted in.

use rustc_hash::FxHashMap;

use super::{Baseline, Changes, Options, Target, weekly, windows};
use crate::geo::great_circle_km;
use crate::graph::{Csr, Graph};
use crate::simulate::flows::{Flows, distance_weeks};
use crate::simulate::{LONGEST_LEAD_WEEKS, Period};

/// The planning problem.
pub struct Model<'g> {
    pub(crate) graph: &'g Graph,
    /// The network in weekly periods, with a position for every target's site and item.
    pub(crate) flows: Flows,
    pub horizon: u32,
    pub targets: Vec<TargetRow>,
    /// Today's links (in the order of `flows.links`), then new links.
    pub arcs: Vec<Arc>,
    /// By source, by period: most units it can start.
    pub(crate) capacity: Vec<Vec<f64>>,
    /// By hours row of `flows.hours`, by period: hours available.
    pub(crate) hours: Vec<Vec<f64>>,
    /// By source, and by hours row, by period: whether it has any units (hours) before today's
    /// demand takes its share (not down, not set to zero, started).
    pub(crate) source_up: Vec<Vec<bool>>,
    pub(crate) hours_up: Vec<Vec<bool>>,
    /// By source: periods from start to output.
    pub(crate) lead: Vec<u32>,
    pub(crate) unit_cost: Vec<f64>,
    /// By position: (period, units) arriving there from before the plan (goods in transit on
    /// today's links, work in progress at today's sources).
    pub(crate) pipeline: Csr<(u32, f64)>,
    /// By position: the arcs out of it and into it.
    pub(crate) arcs_out: Csr<u32>,
    pub(crate) arcs_in: Csr<u32>,
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
        let horizon = options.horizon.max(1);
        let extra: Vec<(u32, u32)> =
            targets.iter().filter_map(|t| t.site.map(|s| (s, t.item))).collect();
        let flows = Flows::with_positions(graph, Period::Week, &extra);
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
        let arcs = arcs(graph, &flows, &capacity, link_limit, &rows, options, horizon);

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
            windows: windows::Windows::default(),
        };
        model.windows = windows::Windows::new(&model);
        model
    }

    /// Widens the model to hold every decision of `previous` (a model of the same network
    /// before some events) within its horizon, so a re-plan's program starts from the
    /// previous program's bases whole (`Program::start_from`); the optima do not change.
    pub fn cover(&mut self, previous: &Model<'_>) {
        let mut windows = std::mem::take(&mut self.windows);
        windows.cover(self, previous);
        self.windows = windows;
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
        self.capacity[source as usize].get(period as usize).copied().unwrap_or(0.0)
    }

    /// The production lead time of a source, in periods.
    pub fn lead(&self, source: u32) -> u32 {
        self.lead[source as usize]
    }
}

/// Positions where an item is used: components of sources, and positions that serve targets.
/// New links may end there.
fn consumers(flows: &Flows, rows: &[TargetRow]) -> Vec<u32> {
    let mut used = vec![false; flows.positions.len()];
    for &(c, _) in flows.components.entries() {
        used[c as usize] = true;
    }
    for row in rows.iter().filter(|r| r.site.is_some()) {
        for &q in &row.positions {
            used[q as usize] = true;
        }
    }
    (0..flows.positions.len() as u32).filter(|&q| used[q as usize]).collect()
}

/// The target rows: the given targets, then, when today's demand competes, one row per row of
/// it and week.
fn target_rows(
    graph: &Graph,
    flows: &Flows,
    targets: &[Target],
    demand_factor: &[Vec<f64>],
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
                    quantity: row.normal * demand_factor[r][t as usize],
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

/// The arcs: today's links (with any limit a scenario puts on them), then, with new links, the
/// nearest qualified sources with capacity to spare into every position where an item is used
/// or a target is due at a site.
fn arcs(
    graph: &Graph,
    flows: &Flows,
    capacity: &[Vec<f64>],
    link_limit: Vec<Option<Vec<f64>>>,
    rows: &[TargetRow],
    options: &Options,
    horizon: u32,
) -> Vec<Arc> {
    let km = |from: u32, to: u32| {
        let at = |s: u32| graph.sites[s as usize].latitude.zip(graph.sites[s as usize].longitude);
        at(from).zip(at(to)).map(|(a, b)| great_circle_km(a, b))
    };
    let freight = |item: u32, km: Option<f64>| {
        options.freight_rate * graph.items[item as usize].unit_value * km.unwrap_or(0.0) / 1000.0
    };
    let mut arcs: Vec<Arc> = flows
        .links
        .iter()
        .zip(link_limit)
        .enumerate()
        .map(|(l, (link, limit))| Arc {
            supplier: link.supplier,
            customer: link.customer,
            item: link.item,
            from: link.from,
            to: link.to,
            transit: link.transit,
            opens: 0,
            freight: freight(link.item, km(link.supplier, link.customer)),
            setup: 0.0,
            link: Some(l as u32),
            limit,
        })
        .collect();
    if !options.new_links {
        return arcs;
    }
    let index: FxHashMap<(u32, u32), u32> =
        flows.positions.iter().enumerate().map(|(q, &key)| (key, q as u32)).collect();
    let linked: rustc_hash::FxHashSet<(u32, u32)> =
        flows.links.iter().map(|l| (l.from, l.to)).collect();
    for to in consumers(flows, rows) {
        let (customer, item) = flows.positions[to as usize];
        // Sources with capacity to spare at some point, nearest first.
        let mut candidates: Vec<(f64, u32, u32)> = graph
            .sources
            .range(item)
            .filter(|&s| capacity[s].iter().any(|&c| c > 0.0))
            .map(|s| graph.sources.entries()[s].site)
            .filter(|&site| site != customer)
            .filter_map(|site| {
                let from = index[&(site, item)];
                (!linked.contains(&(from, to))).then(|| {
                    let distance = km(site, customer).unwrap_or(f64::INFINITY);
                    (distance, site, from)
                })
            })
            .collect();
        candidates.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
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
            arcs.push(Arc {
                supplier,
                customer,
                item,
                from,
                to,
                transit,
                opens,
                freight: freight(item, km(supplier, customer)),
                setup: options.setup_cost / most,
                link: None,
                limit: None,
            });
        }
    }
    arcs
}
