//! `Flows`, the static shape the simulation steps over: every (site, item) that holds stock,
//! the sources with their components and process hours per period, the links with their normal
//! flow and transit periods, and the demand rows.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::{LONGEST_LEAD_WEEKS, Period};
use crate::geo::great_circle_km;
use crate::graph::{Csr, Graph};

/// Freight covers this many km a week when a link gives no lead time (about 800 km a day over
/// five working days).
pub(crate) const KM_PER_WEEK: f64 = 4_000.0;

/// Lead time of a link that gives none when a site has no coordinates.
pub(crate) const DEFAULT_LEAD_WEEKS: f64 = 1.0;

/// The network as the simulation sees it, for one period length.
#[derive(Clone, Debug)]
pub struct Flows {
    pub(crate) period: Period,
    /// By position: the (site, item) it holds.
    pub(crate) positions: Vec<(u32, u32)>,
    /// By position: stock at the start (the inventory table), also the level production restores.
    pub(crate) opening: Vec<f64>,
    /// By position: the source making the item there, if any.
    pub(crate) source_at: Vec<Option<u32>>,
    /// In the order of their positions (`Flows::new`), or of `graph.sources` entries (by item,
    /// then as listed; `Flows::with_positions`).
    pub(crate) sources: Vec<SourceFlow>,
    /// By source: (position of the component at the same site, units per unit).
    pub(crate) components: Csr<(u32, f64)>,
    /// By position: how its stock changes with each unit a source makes, as (source, units):
    /// 1 at the source's own position, minus the units per unit of each of its components; in
    /// the order of the sources, so a pass by position adds up in the order a pass by source
    /// would.
    pub(super) stock_changes: Csr<(u32, f64)>,
    /// By source: (hours row, hours per unit).
    pub(crate) hours_use: Csr<(u32, f64)>,
    /// By hours row: (site, process, hours per period); a row exists for every (site, process)
    /// a source at the site routes through, with 0 hours when the site lacks the capability.
    pub(crate) hours: Vec<(u32, u32, f64)>,
    /// By hours row: (source, hours per unit) of the sources using it, in the order of the
    /// sources.
    pub(super) hours_users: Csr<(u32, f64)>,
    pub(crate) links: Vec<LinkFlow>,
    /// By supplier position: its links.
    pub(crate) links_out: Csr<u32>,
    /// By customer position: its links.
    pub(crate) links_in: Csr<u32>,
    pub(crate) demand: Vec<DemandFlow>,
    /// By position: its demand rows.
    pub(crate) demand_at: Csr<u32>,
    /// By site: its positions.
    pub(crate) at_site: Csr<u32>,
    /// Positions with links out or demand, in the order of their first link (so a pass over
    /// them walks the links in order).
    pub(super) shippers: Vec<Claimed>,
    /// By source: its position's links out and demand rows.
    pub(super) source_claims: Vec<Claimed>,
    /// In a restriction: what sources outside it use of its component stock and hours each
    /// period (their normal production's needs).
    pub(super) outside: Vec<OutsideUse>,
    /// `steady()`, worked out the first time it is asked.
    steady: std::sync::OnceLock<bool>,
}

/// A source outside a restriction using a component or hours inside it.
#[derive(Clone, Copy, Debug)]
pub(super) struct OutsideUse {
    /// The source's position in the whole network.
    pub(super) source_position: u32,
    pub(super) uses: Use,
}

#[derive(Clone, Copy, Debug)]
pub(super) enum Use {
    /// Units per period of the stock at a position.
    Component { position: u32, units: f64 },
    /// Hours per period of an hours row.
    Hours { row: u32, hours: f64 },
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct SourceFlow {
    pub(crate) site: u32,
    pub(crate) item: u32,
    pub(crate) position: u32,
    /// Units per period.
    pub(crate) capacity: f64,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct LinkFlow {
    pub(crate) supplier: u32,
    pub(crate) customer: u32,
    pub(crate) item: u32,
    pub(crate) from: u32,
    pub(crate) to: u32,
    /// Units per period.
    pub(crate) normal: f64,
    /// Periods between shipping and arrival, at least 1.
    pub(crate) transit: u32,
    /// In a restriction: the supplier is outside it and ships the normal flow every period
    /// (`from` is then the supplier's position in the whole network).
    pub(crate) external: bool,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct DemandFlow {
    pub(crate) item: u32,
    pub(crate) position: u32,
    /// Units per period.
    pub(crate) normal: f64,
}

impl Flows {
    /// The flows the simulation runs on, laid out item by item (see `Positions::item_major` and `Parts::by_position`).
    pub fn new(graph: &Graph, period: Period) -> Flows {
        Parts::of(graph, period, Positions::item_major(graph)).by_position().assemble()
    }

    /// The flows with positions for the (site, item) pairs of `extra` too (holding no stock
    /// unless the network says otherwise), for callers that move goods where nothing goes today.
    pub(crate) fn with_positions(graph: &Graph, period: Period, extra: &[(u32, u32)]) -> Flows {
        Parts::of(graph, period, Positions::first_met(graph, extra)).assemble()
    }

    /// Whether, with no events, every claim is met in full in every period (so a scenario
    /// changes only what it can reach): each source's normal claims (its links' normal flows and
    /// the demand at its position) fit its capacity and its site's hours, and every position
    /// receives at least what it normally ships, serves and (as a component) consumes, counting
    /// what its own source makes. Within a relative 1e-9. Worked out once per `Flows`.
    pub fn steady(&self) -> bool {
        *self.steady.get_or_init(|| self.certify_steady())
    }

    fn certify_steady(&self) -> bool {
        let tolerance = 1e-9;
        let n = self.positions.len();
        let mut supply = vec![0.0; n];
        let mut uses = vec![0.0; n];
        for link in &self.links {
            supply[link.to as usize] += link.normal;
            uses[link.from as usize] += link.normal;
        }
        for row in &self.demand {
            uses[row.position as usize] += row.normal;
        }
        let mut hours = vec![0.0; self.hours.len()];
        for (k, source) in self.sources.iter().enumerate() {
            let q = source.position as usize;
            let claimed = uses[q];
            if claimed > source.capacity * (1.0 + tolerance) {
                return false;
            }
            supply[q] += claimed;
            for &(row, per_unit) in self.hours_use.row(k as u32) {
                hours[row as usize] += per_unit * claimed;
            }
            for &(c, quantity) in self.components.row(k as u32) {
                uses[c as usize] += quantity * claimed;
            }
        }
        let hours_fit = hours
            .iter()
            .zip(&self.hours)
            .all(|(used, &(_, _, available))| *used <= available * (1.0 + tolerance));
        hours_fit && supply.iter().zip(&uses).all(|(s, u)| *s >= u * (1.0 - tolerance))
    }

    /// What is normally claimed from a position each period: its links' normal flows and the
    /// normal demand there.
    fn normal_claims(&self, position: u32) -> f64 {
        self.links_out.row(position).iter().map(|&l| self.links[l as usize].normal).sum::<f64>()
            + self
                .demand_at
                .row(position)
                .iter()
                .map(|&r| self.demand[r as usize].normal)
                .sum::<f64>()
    }

    /// The number of (site, item) positions that hold stock.
    pub fn n_positions(&self) -> usize {
        self.positions.len()
    }

    /// The part of the network over the positions `keep` marks: every source, hours row, link
    /// into a kept position (from outside: `external`) and demand row there, and the normal use
    /// sources outside make of its component stock and hours (`outside`). Kept sources' components
    /// must be kept (`closure` does).
    pub(super) fn restrict(&self, keep: &[bool]) -> Flows {
        let mut new_index = vec![u32::MAX; self.positions.len()];
        let mut positions = Vec::new();
        for (q, &pair) in self.positions.iter().enumerate() {
            if keep[q] {
                new_index[q] = positions.len() as u32;
                positions.push(pair);
            }
        }
        let opening =
            (0..self.positions.len()).filter(|&q| keep[q]).map(|q| self.opening[q]).collect();
        let mut sources = Vec::new();
        let mut components = Vec::new();
        let mut hours_use = Vec::new();
        let mut hours_index: FxHashMap<u32, u32> = FxHashMap::default();
        let mut hours = Vec::new();
        for (k, source) in self.sources.iter().enumerate() {
            if !keep[source.position as usize] {
                continue;
            }
            let new_k = sources.len() as u32;
            sources.push(SourceFlow { position: new_index[source.position as usize], ..*source });
            for &(c, quantity) in self.components.row(k as u32) {
                components.push((new_k, (new_index[c as usize], quantity)));
            }
            for &(row, per_unit) in self.hours_use.row(k as u32) {
                let new_row = *hours_index.entry(row).or_insert_with(|| {
                    hours.push(self.hours[row as usize]);
                    hours.len() as u32 - 1
                });
                hours_use.push((new_k, (new_row, per_unit)));
            }
        }
        // Sources outside use inside stock and hours at their normal rate (the restriction is
        // only used on steady networks, where that is what they do).
        let mut outside = Vec::new();
        for (k, source) in self.sources.iter().enumerate() {
            if keep[source.position as usize] {
                continue;
            }
            let normal = self.normal_claims(source.position);
            let source_position = source.position;
            for &(c, quantity) in self.components.row(k as u32) {
                if keep[c as usize] {
                    let uses = Use::Component {
                        position: new_index[c as usize],
                        units: quantity * normal,
                    };
                    outside.push(OutsideUse { source_position, uses });
                }
            }
            for &(row, per_unit) in self.hours_use.row(k as u32) {
                if let Some(&new_row) = hours_index.get(&row) {
                    let uses = Use::Hours { row: new_row, hours: per_unit * normal };
                    outside.push(OutsideUse { source_position, uses });
                }
            }
        }
        let links: Vec<LinkFlow> = self
            .links
            .iter()
            .filter(|l| keep[l.to as usize])
            .map(|l| {
                let external = !keep[l.from as usize];
                LinkFlow {
                    from: if external { l.from } else { new_index[l.from as usize] },
                    to: new_index[l.to as usize],
                    external,
                    ..*l
                }
            })
            .collect();
        let demand: Vec<DemandFlow> = self
            .demand
            .iter()
            .filter(|d| keep[d.position as usize])
            .map(|d| DemandFlow { position: new_index[d.position as usize], ..*d })
            .collect();
        Parts {
            period: self.period,
            n_sites: self.at_site.n_rows(),
            positions,
            opening,
            sources,
            components,
            hours_use,
            hours,
            links,
            demand,
            outside,
        }
        .assemble()
    }

    /// What a scenario touching `seeds` can change, on a steady network: the seeds and their
    /// co-suppliers (`co_suppliers`), every position downstream of them along the links, the
    /// components of every source reached and the sources using every component reached, and
    /// every demand row of a product with a demand row among them (so each product is in or
    /// out whole). Sources outside that share hours with it keep their normal use of them
    /// unless the run finds those scarce (see `Trace::outside`). `None` as soon as it would
    /// hold more than `most` positions.
    pub(super) fn closure(&self, seeds: &[u32], most: usize) -> Option<Vec<bool>> {
        let mut keep = vec![false; self.positions.len()];
        let mut rows_of_item: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
        for row in &self.demand {
            rows_of_item.entry(row.item).or_default().push(row.position);
        }
        let mut stack: Vec<u32> = Vec::new();
        let mark = |q: u32, keep: &mut Vec<bool>, stack: &mut Vec<u32>| {
            if !keep[q as usize] {
                keep[q as usize] = true;
                stack.push(q);
            }
        };
        for &q in seeds {
            mark(q, &mut keep, &mut stack);
        }
        // The stack holds each seed once.
        for i in 0..stack.len() {
            for co in self.co_suppliers(stack[i]) {
                mark(co, &mut keep, &mut stack);
            }
            if stack.len() > most {
                return None;
            }
        }
        // Every position kept is pushed once: those popped and those on the stack.
        let mut popped = 0;
        while let Some(q) = stack.pop() {
            popped += 1;
            if popped + stack.len() > most {
                return None;
            }
            // A source's production changes what it consumes of its components, and a
            // component's stock what its users can make.
            if let Some(k) = self.source_at[q as usize] {
                for &(c, _) in self.components.row(k) {
                    mark(c, &mut keep, &mut stack);
                }
            }
            for &(k, units) in self.stock_changes.row(q) {
                if units < 0.0 {
                    mark(self.sources[k as usize].position, &mut keep, &mut stack);
                }
            }
            for &l in self.links_out.row(q) {
                mark(self.links[l as usize].to, &mut keep, &mut stack);
            }
            for &r in self.demand_at.row(q) {
                for position in
                    rows_of_item.remove(&self.demand[r as usize].item).unwrap_or_default()
                {
                    mark(position, &mut keep, &mut stack);
                }
            }
        }
        Some(keep)
    }

    /// The suppliers sharing a customer with position `q` (`q` among them when it has one).
    /// When a supplier ships short, its customers re-order what they are owed from all their
    /// suppliers of the item: these are the first positions a shortfall at `q` asks for more.
    /// On a whole network (in a restriction, links from outside name whole-network positions).
    pub(super) fn co_suppliers(&self, q: u32) -> impl Iterator<Item = u32> + '_ {
        let customers = self.links_out.row(q).iter().map(|&l| self.links[l as usize].to);
        let links = customers.flat_map(|c| self.links_in.row(c));
        links.map(|&l| self.links[l as usize].from)
    }

    pub fn n_links(&self) -> usize {
        self.links.len()
    }
}

/// Transit weeks of a link without a lead time: its great-circle distance at `KM_PER_WEEK`, or
/// `DEFAULT_LEAD_WEEKS` when either end has no coordinates.
pub(crate) fn distance_weeks(graph: &Graph, from: u32, to: u32) -> f64 {
    let at = |site: u32| {
        let node = &graph.sites[site as usize];
        node.latitude.zip(node.longitude)
    };
    match (at(from), at(to)) {
        (Some(a), Some(b)) => great_circle_km(a, b) / KM_PER_WEEK,
        _ => DEFAULT_LEAD_WEEKS,
    }
}

/// Where the links out and the demand rows of a position are in `Flows::links_out` and
/// `Flows::demand_at`, kept side by side for the passes of a period.
#[derive(Clone, Copy, Debug)]
pub(super) struct Claimed {
    pub(super) position: u32,
    links: (u32, u32),
    rows: (u32, u32),
}

impl Claimed {
    fn of(links_out: &Csr<u32>, demand_at: &Csr<u32>, position: u32) -> Claimed {
        let span = |range: std::ops::Range<usize>| (range.start as u32, range.end as u32);
        Claimed {
            position,
            links: span(links_out.range(position)),
            rows: span(demand_at.range(position)),
        }
    }

    pub(super) fn links(&self) -> std::ops::Range<usize> {
        self.links.0 as usize..self.links.1 as usize
    }

    pub(super) fn rows(&self) -> std::ops::Range<usize> {
        self.rows.0 as usize..self.rows.1 as usize
    }
}

/// What a `Flows` is made of; `assemble` derives the indices by position, source and site.
struct Parts {
    period: Period,
    n_sites: usize,
    positions: Vec<(u32, u32)>,
    opening: Vec<f64>,
    sources: Vec<SourceFlow>,
    /// (source, (component position, units per unit)).
    components: Vec<(u32, (u32, f64))>,
    /// (source, (hours row, hours per unit)).
    hours_use: Vec<(u32, (u32, f64))>,
    hours: Vec<(u32, u32, f64)>,
    links: Vec<LinkFlow>,
    demand: Vec<DemandFlow>,
    outside: Vec<OutsideUse>,
}

/// A (site, item) pair as one sortable number: item by item, by site within an item.
fn key(site: u32, item: u32) -> u64 {
    (u64::from(item) << 32) | u64::from(site)
}

/// The (site, item) of a `key`.
fn pair(key: u64) -> (u32, u32) {
    (key as u32, (key >> 32) as u32)
}

/// Every (site, item) that `Parts::of` gives a position, in the order it meets them: each
/// source (by item, then as listed) and its components, both ends of each link (by supplier
/// site), demand at a site, stock, then `extra`.
fn met(graph: &Graph, extra: &[(u32, u32)]) -> Vec<u64> {
    let sites = || (0..graph.n_sites() as u32).into_par_iter();
    let mut keys: Vec<u64> = (0..graph.n_items() as u32)
        .into_par_iter()
        .flat_map_iter(|item| {
            graph.sources.row(item).iter().flat_map(move |source| {
                let components = graph.components.row(item).iter();
                std::iter::once(key(source.site, item))
                    .chain(components.map(move |edge| key(source.site, edge.item)))
            })
        })
        .collect();
    keys.par_extend(sites().flat_map_iter(|site| {
        let links = graph.links_out.row(site).iter();
        links.flat_map(move |link| [key(site, link.item), key(link.site, link.item)])
    }));
    keys.extend(graph.demand.iter().filter_map(|row| Some(key(row.site?, row.item))));
    keys.par_extend(sites().flat_map_iter(|site| {
        graph.inventory.row(site).iter().map(move |held| key(site, held.item))
    }));
    keys.extend(extra.iter().map(|&(site, item)| key(site, item)));
    keys
}

/// The positions `Parts::of` lays the flows out on, and how it finds them.
struct Positions {
    /// By position: its (site, item).
    pairs: Vec<(u32, u32)>,
    lookup: Lookup,
}

enum Lookup {
    /// By `key`.
    Index(FxHashMap<u64, u32>),
    /// By site: (item, position) of its positions, by item.
    BySite(Csr<(u32, u32)>),
}

impl Positions {
    /// Numbered as `met` meets them.
    fn first_met(graph: &Graph, extra: &[(u32, u32)]) -> Positions {
        let mut index = FxHashMap::default();
        let mut pairs = Vec::new();
        for k in met(graph, extra) {
            index.entry(k).or_insert_with(|| {
                pairs.push(pair(k));
                pairs.len() as u32 - 1
            });
        }
        Positions { pairs, lookup: Lookup::Index(index) }
    }

    /// Numbered item by item, by site within an item.
    fn item_major(graph: &Graph) -> Positions {
        let mut keys = met(graph, &[]);
        keys.par_sort_unstable();
        keys.dedup();
        let pairs: Vec<(u32, u32)> = keys.into_par_iter().map(pair).collect();
        let by_site = pairs.iter().enumerate().map(|(q, &(site, item))| (site, (item, q as u32)));
        let by_site = Csr::from_pairs(graph.n_sites(), by_site.collect());
        Positions { pairs, lookup: Lookup::BySite(by_site) }
    }

    /// The position of a (site, item) that `met` meets.
    fn of(&self, site: u32, item: u32) -> u32 {
        match &self.lookup {
            Lookup::Index(index) => index[&key(site, item)],
            Lookup::BySite(by_site) => {
                let row = by_site.row(site);
                let (held, q) = row[row.partition_point(|&(held, _)| held < item)];
                debug_assert_eq!(held, item, "every position looked up was met");
                q
            }
        }
    }
}

impl Parts {
    /// The network's sources (by item, then as listed), hours rows (as first used), links (by
    /// supplier site) and demand rows, over `positions`.
    fn of(graph: &Graph, period: Period, positions: Positions) -> Parts {
        let per = period.weeks();
        let at = |site: u32, item: u32| positions.of(site, item);

        let mut sources = Vec::with_capacity(graph.sources.entries().len());
        let mut components = Vec::new();
        let mut hours_use = Vec::new();
        let mut hours_rows: FxHashMap<(u32, u32), u32> = FxHashMap::default();
        let mut hours = Vec::new();
        for item in 0..graph.n_items() as u32 {
            for source in graph.sources.row(item) {
                let k = sources.len() as u32;
                sources.push(SourceFlow {
                    site: source.site,
                    item,
                    position: at(source.site, item),
                    capacity: source.max_units_per_week * per,
                });
                for edge in graph.components.row(item) {
                    components.push((k, (at(source.site, edge.item), edge.quantity)));
                }
                for routing in graph.routings.row(item) {
                    let row =
                        *hours_rows.entry((source.site, routing.process)).or_insert_with(|| {
                            let available = graph.hours_per_week(source.site, routing.process);
                            hours.push((source.site, routing.process, available * per));
                            hours.len() as u32 - 1
                        });
                    hours_use.push((k, (row, routing.hours)));
                }
            }
        }

        let longest = period.periods(f64::from(LONGEST_LEAD_WEEKS), 1);
        let links: Vec<LinkFlow> = (0..graph.n_sites() as u32)
            .into_par_iter()
            .flat_map_iter(|supplier| {
                graph.links_out.row(supplier).iter().map(move |link| {
                    let weeks = link
                        .lead_time_weeks
                        .unwrap_or_else(|| distance_weeks(graph, supplier, link.site));
                    LinkFlow {
                        supplier,
                        customer: link.site,
                        item: link.item,
                        from: at(supplier, link.item),
                        to: at(link.site, link.item),
                        normal: link.units_per_week * per,
                        transit: period.periods(weeks, 1).min(longest),
                        external: false,
                    }
                })
            })
            .collect();

        let mut demand = Vec::new();
        for row in &graph.demand {
            match row.site {
                Some(site) => demand.push(DemandFlow {
                    item: row.item,
                    position: at(site, row.item),
                    normal: row.units_per_week * per,
                }),
                // Demand for the network as a whole is served at the item's sources, in
                // proportion to their capacity.
                None => {
                    let sources = graph.sources.row(row.item);
                    let total: f64 = sources.iter().map(|s| s.max_units_per_week).sum();
                    for source in sources {
                        let share = if total > 0.0 {
                            source.max_units_per_week / total
                        } else {
                            1.0 / sources.len() as f64
                        };
                        demand.push(DemandFlow {
                            item: row.item,
                            position: at(source.site, row.item),
                            normal: row.units_per_week * per * share,
                        });
                    }
                }
            }
        }

        let stock: Vec<(u32, f64)> = (0..graph.n_sites() as u32)
            .into_par_iter()
            .flat_map_iter(|site| {
                graph.inventory.row(site).iter().map(move |held| (at(site, held.item), held.units))
            })
            .collect();
        let mut opening = vec![0.0; positions.pairs.len()];
        for (q, units) in stock {
            opening[q as usize] += units;
        }
        Parts {
            period,
            n_sites: graph.n_sites(),
            positions: positions.pairs,
            opening,
            sources,
            components,
            hours_use,
            hours,
            links,
            demand,
            outside: Vec::new(),
        }
    }

    /// The flows in the order the period loop wants when positions are numbered item by item
    /// (`Positions::item_major`): sources and hours rows in the order of their positions, links
    /// in the order of their suppliers' positions. A period's passes then walk stock, sources
    /// and links in memory order, and arrivals land within the block of their item.
    /// Both orders are stable, so everything a position or hours row adds up comes in the same
    /// order as in the numbering as first met (there too the sources of a site come by item,
    /// and the links into a position by supplier site), and runs give the same results to the
    /// last bit.
    fn by_position(self) -> Parts {
        debug_assert!(self.outside.is_empty(), "a restriction is numbered from the whole");
        let mut parts = if self.sources.is_sorted_by_key(|source| source.position) {
            self
        } else {
            self.sources_by_position()
        };
        let links = std::mem::take(&mut parts.links);
        parts.links = Csr::by_row(parts.positions.len(), links, |link| link.from).into_entries();
        parts
    }

    /// The sources (with their components and hours) in the order of their positions, and the
    /// hours rows renumbered in the order that first uses them.
    fn sources_by_position(self) -> Parts {
        let mut order: Vec<u32> = (0..self.sources.len() as u32).collect();
        order.par_sort_by_key(|&k| self.sources[k as usize].position);
        let components = Csr::from_pairs(self.sources.len(), self.components);
        let hours_use = Csr::from_pairs(self.sources.len(), self.hours_use);
        let mut new_row = vec![u32::MAX; self.hours.len()];
        let mut parts = Parts {
            sources: Vec::with_capacity(self.sources.len()),
            components: Vec::with_capacity(components.entries().len()),
            hours_use: Vec::with_capacity(hours_use.entries().len()),
            hours: Vec::with_capacity(self.hours.len()),
            ..self
        };
        for (new_k, &k) in order.iter().enumerate() {
            let new_k = new_k as u32;
            parts.sources.push(self.sources[k as usize]);
            for &(c, quantity) in components.row(k) {
                parts.components.push((new_k, (c, quantity)));
            }
            for &(row, per_unit) in hours_use.row(k) {
                if new_row[row as usize] == u32::MAX {
                    new_row[row as usize] = parts.hours.len() as u32;
                    parts.hours.push(self.hours[row as usize]);
                }
                parts.hours_use.push((new_k, (new_row[row as usize], per_unit)));
            }
        }
        parts
    }

    /// The indices are built side by side: three groups that read only the parts.
    fn assemble(self) -> Flows {
        let Parts {
            period,
            n_sites,
            positions,
            opening,
            sources,
            components,
            hours_use,
            hours,
            links,
            demand,
            outside,
        } = self;
        let n = positions.len();
        let n_sources = sources.len();
        let claims = || {
            // Links from outside a restriction are shipped by nobody inside it.
            let out = links.iter().enumerate().filter(|(_, f)| !f.external);
            let links_out = Csr::from_pairs(n, out.map(|(l, f)| (f.from, l as u32)).collect());
            let rows = demand.iter().enumerate().map(|(r, d)| (d.position, r as u32));
            let demand_at = Csr::from_pairs(n, rows.collect());
            let mut shippers: Vec<Claimed> = (0..n as u32)
                .map(|q| Claimed::of(&links_out, &demand_at, q))
                .filter(|c| !c.links().is_empty() || !c.rows().is_empty())
                .collect();
            let first_link = |c: &Claimed| links_out.entries().get(c.links().start).copied();
            shippers.sort_by_key(|c| first_link(c).unwrap_or(u32::MAX));
            let source_claims =
                sources.iter().map(|s| Claimed::of(&links_out, &demand_at, s.position)).collect();
            (links_out, demand_at, shippers, source_claims)
        };
        let uses = || {
            let components = Csr::from_pairs(n_sources, components);
            let hours_use = Csr::from_pairs(n_sources, hours_use);
            let mut changes = Vec::with_capacity(components.entries().len() + n_sources);
            let mut hours_users = Vec::with_capacity(hours_use.entries().len());
            for (k, source) in sources.iter().enumerate() {
                let k = k as u32;
                changes.extend(components.row(k).iter().map(|&(c, quantity)| (c, (k, -quantity))));
                changes.push((source.position, (k, 1.0)));
                hours_users.extend(hours_use.row(k).iter().map(|&(row, hours)| (row, (k, hours))));
            }
            let stock_changes = Csr::from_pairs(n, changes);
            let hours_users = Csr::from_pairs(hours.len(), hours_users);
            (components, hours_use, stock_changes, hours_users)
        };
        let places = || {
            let mut source_at = vec![None; n];
            for (k, source) in sources.iter().enumerate() {
                source_at[source.position as usize] = Some(k as u32);
            }
            let into = links.iter().enumerate().map(|(l, f)| (f.to, l as u32));
            let sites = positions.iter().enumerate().map(|(q, &(site, _))| (site, q as u32));
            (
                source_at,
                Csr::from_pairs(n, into.collect()),
                Csr::from_pairs(n_sites, sites.collect()),
            )
        };
        let (
            (links_out, demand_at, shippers, source_claims),
            ((components, hours_use, stock_changes, hours_users), (source_at, links_in, at_site)),
        ) = rayon::join(claims, || rayon::join(uses, places));
        Flows {
            period,
            opening,
            source_at,
            stock_changes,
            components,
            hours_use,
            hours_users,
            hours,
            links_out,
            links_in,
            demand_at,
            at_site,
            shippers,
            source_claims,
            outside,
            positions,
            sources,
            links,
            demand,
            steady: std::sync::OnceLock::new(),
        }
    }
}
