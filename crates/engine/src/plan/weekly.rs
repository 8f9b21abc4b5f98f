//! What each week offers a plan: every source's units and every site's process hours after a
//! scenario's outages and the capacities events set, less what today's demand takes when it is
//! reserved; link limits and surges of today's demand; and what is on its way at the start.

use rustc_hash::FxHashMap;

use super::{Baseline, CapacityChange, Changes, Options};
use crate::graph::{Csr, Graph};
use crate::simulate::effects::{Effects, Factors, Touched};
use crate::simulate::flows::Flows;

/// Values by row (a source, an hours row, a position) and period. Most rows of a national
/// network keep one value all along, so a row keeps a value for every period only once one of
/// its periods is set to something else.
#[derive(Clone, Debug)]
pub(crate) struct ByWeek<T> {
    periods: usize,
    /// By row: its value in every period, until the row varies.
    steady: Vec<T>,
    /// By row: where its periods start in `varying`, for a row that varies (else `STEADY`).
    at: Vec<u32>,
    varying: Vec<T>,
}

const STEADY: u32 = u32::MAX;

impl<T: Copy + PartialEq> ByWeek<T> {
    /// `rows` rows of `periods` periods (at least one), each `value`.
    pub(crate) fn filled(rows: usize, periods: u32, value: T) -> ByWeek<T> {
        ByWeek::steady(vec![value; rows], periods)
    }

    /// A row for each of `values`, holding it in every one of `periods` periods (at least one).
    pub(crate) fn steady(values: Vec<T>, periods: u32) -> ByWeek<T> {
        let rows = values.len();
        ByWeek {
            periods: (periods as usize).max(1),
            steady: values,
            at: vec![STEADY; rows],
            varying: Vec::new(),
        }
    }

    /// The same rows, each value `f(row, value)`.
    pub(crate) fn map<U>(&self, f: impl Fn(usize, T) -> U) -> ByWeek<U> {
        let steady = self.steady.iter().enumerate().map(|(r, &v)| f(r, v)).collect();
        let mut varying = Vec::with_capacity(self.varying.len());
        let mut rows: Vec<(u32, usize)> = self
            .at
            .iter()
            .enumerate()
            .filter(|&(_, &a)| a != STEADY)
            .map(|(r, &a)| (a, r))
            .collect();
        rows.sort_unstable();
        for (a, r) in rows {
            let start = a as usize * self.periods;
            varying.extend(self.varying[start..start + self.periods].iter().map(|&v| f(r, v)));
        }
        ByWeek { periods: self.periods, steady, at: self.at.clone(), varying }
    }

    /// The periods of `row`.
    pub(crate) fn row(&self, row: usize) -> Row<'_, T> {
        match self.at[row] {
            STEADY => Row::Steady(self.steady[row], self.periods),
            a => {
                let start = a as usize * self.periods;
                Row::Varying(&self.varying[start..start + self.periods])
            }
        }
    }

    /// The value of `row` in period `t` (which must be within the periods).
    pub(crate) fn at(&self, row: usize, t: usize) -> T {
        self.row(row).at(t)
    }

    /// Sets the value of `row` in period `t`; past the periods, nothing.
    pub(crate) fn set(&mut self, row: usize, t: usize, value: T) {
        if t < self.periods && !(self.at[row] == STEADY && self.steady[row] == value) {
            self.row_mut(row)[t] = value;
        }
    }

    /// The periods of `row`, to change; the row varies from now on.
    pub(crate) fn row_mut(&mut self, row: usize) -> &mut [T] {
        if self.at[row] == STEADY {
            self.at[row] = (self.varying.len() / self.periods) as u32;
            self.varying.extend(std::iter::repeat_n(self.steady[row], self.periods));
        }
        let start = self.at[row] as usize * self.periods;
        &mut self.varying[start..start + self.periods]
    }
}

/// The periods of a row of a `ByWeek`.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Row<'a, T> {
    /// One value in every one of so many periods.
    Steady(T, usize),
    Varying(&'a [T]),
}

impl<T: Copy> Row<'_, T> {
    /// The value in period `t`, if within the periods.
    pub(crate) fn get(&self, t: usize) -> Option<T> {
        match *self {
            Row::Steady(value, periods) => (t < periods).then_some(value),
            Row::Varying(values) => values.get(t).copied(),
        }
    }

    /// The value in period `t` (which must be within the periods).
    pub(crate) fn at(&self, t: usize) -> T {
        match *self {
            Row::Steady(value, periods) => {
                assert!(t < periods, "period {t} of a row of {periods}");
                value
            }
            Row::Varying(values) => values[t],
        }
    }

    /// The value in the last period.
    pub(crate) fn last(&self) -> T {
        match *self {
            Row::Steady(value, _) => value,
            Row::Varying(values) => values[values.len() - 1],
        }
    }

    /// The values, period by period.
    pub(crate) fn iter(&self) -> impl Iterator<Item = T> + '_ {
        let periods = match self {
            Row::Steady(_, periods) => *periods,
            Row::Varying(values) => values.len(),
        };
        (0..periods).map(|t| self.at(t))
    }
}

/// By period, what the plan can use.
pub(super) struct Weekly {
    /// By source: units it can start.
    pub(super) capacity: ByWeek<f64>,
    /// By hours row of `flows.hours`: hours available.
    pub(super) hours: ByWeek<f64>,
    /// By source, and by hours row: whether it has any units (hours) before today's demand
    /// takes its share: not down, not set to zero, started.
    pub(super) source_up: ByWeek<bool>,
    pub(super) hours_up: ByWeek<bool>,
    /// By link, when a scenario limits it: most units it carries.
    pub(super) link_limit: Vec<Option<Vec<f64>>>,
    /// By row of today's demand: the factor surges put on it.
    pub(super) demand_factor: ByWeek<f64>,
    /// By position: (period, units) arriving from before the plan.
    pub(super) pipeline: Csr<(u32, f64)>,
}

pub(super) fn weekly(
    graph: &Graph,
    flows: &Flows,
    changes: &Changes,
    options: &Options,
    lead: &[u32],
    horizon: u32,
) -> Weekly {
    // Capacities by period, at the levels events set.
    let mut base_units =
        ByWeek::steady(flows.sources.iter().map(|s| s.capacity).collect(), horizon);
    let mut base_hours = ByWeek::steady(flows.hours.iter().map(|h| h.2).collect(), horizon);
    let hours_row: FxHashMap<(u32, u32), usize> =
        flows.hours.iter().enumerate().map(|(h, &(s, p, _))| ((s, p), h)).collect();
    for change in &changes.capacities {
        let (table, row, level, from, until) = match *change {
            CapacityChange::Source { source, units_per_week, from, until } => {
                (&mut base_units, Some(source as usize), units_per_week, from, until)
            }
            CapacityChange::Hours { site, process, hours_per_week, from, until } => (
                &mut base_hours,
                hours_row.get(&(site, process)).copied(),
                hours_per_week,
                from,
                until,
            ),
        };
        let Some(row) = row.filter(|&r| r < table.steady.len()) else { continue };
        for t in from..until.min(horizon) {
            table.set(row, t as usize, level.max(0.0));
        }
    }
    // With the steady demand reserved, its normal production and hours are taken first.
    let normal = normal_production(graph, flows);
    let mut normal_hours = vec![0.0; flows.hours.len()];
    for (s, &made) in normal.iter().enumerate() {
        for &(h, per_unit) in flows.hours_use.row(s as u32) {
            normal_hours[h as usize] += per_unit * made;
        }
    }
    let reserve = options.baseline == Baseline::Reserve;
    let pipeline = if reserve {
        Csr::from_pairs(flows.positions.len(), Vec::new())
    } else {
        pipeline(flows, &normal, lead, horizon)
    };
    let taken = |normal: Vec<f64>| if reserve { normal } else { vec![0.0; normal.len()] };
    let (normal, normal_hours) = (taken(normal), taken(normal_hours));
    // Every week as if no event were in force, then the weeks and rows an event touches.
    let mut offered = Offered {
        capacity: base_units.map(|s, left| (left - normal[s]).max(0.0)),
        source_up: base_units.map(|_, left| left > 0.0),
        hours: base_hours.map(|h, left| (left - normal_hours[h]).max(0.0)),
        hours_up: base_hours.map(|_, left| left > 0.0),
        normal,
        normal_hours,
    };
    let effects = Effects::new(graph, flows, &changes.scenario);
    let mut factors = effects.factors(graph, flows);
    let sources_at = Csr::from_pairs(
        graph.n_sites(),
        flows.sources.iter().enumerate().map(|(s, source)| (source.site, s as u32)).collect(),
    );
    let hours_at = Csr::from_pairs(
        graph.n_sites(),
        flows.hours.iter().enumerate().map(|(h, &(site, _, _))| (site, h as u32)).collect(),
    );
    let hours_of = Csr::from_pairs(
        graph.processes.len(),
        flows.hours.iter().enumerate().map(|(h, &(_, process, _))| (process, h as u32)).collect(),
    );
    let hours_left = |factors: &Factors, h: u32, t: usize| {
        let (site, process, _) = flows.hours[h as usize];
        let factor = factors.site[site as usize].min(factors.process[process as usize]);
        base_hours.at(h as usize, t) * factor
    };
    let mut link_limit: Vec<Option<Vec<f64>>> = vec![None; flows.links.len()];
    let mut demand_factor = ByWeek::filled(flows.demand.len(), horizon, 1.0);
    for t in 0..horizon {
        effects.apply(t, &mut factors);
        let t = t as usize;
        for &(kind, i) in factors.touched() {
            let i = i as usize;
            match kind {
                Touched::Site => {
                    for &s in sources_at.row(i as u32) {
                        let s = s as usize;
                        offered.source(s, t, base_units.at(s, t) * factors.site[i]);
                    }
                    for &h in hours_at.row(i as u32) {
                        offered.hours(h as usize, t, hours_left(&factors, h, t));
                    }
                }
                Touched::Process => {
                    for &h in hours_of.row(i as u32) {
                        offered.hours(h as usize, t, hours_left(&factors, h, t));
                    }
                }
                Touched::Link => {
                    if factors.link[i] < 1.0 {
                        let limit = link_limit[i]
                            .get_or_insert_with(|| vec![f64::INFINITY; horizon as usize]);
                        limit[t] = factors.link[i] * flows.links[i].normal;
                    }
                }
                Touched::Demand => demand_factor.set(i, t, factors.demand[i]),
            }
        }
    }
    let Offered { capacity, hours, source_up, hours_up, .. } = offered;
    Weekly { capacity, hours, source_up, hours_up, link_limit, demand_factor, pipeline }
}

/// What sources and hours rows offer the plan week by week: what is left of them, less today's
/// demand's share when it is reserved (`normal` and `normal_hours`, else zeros).
struct Offered {
    capacity: ByWeek<f64>,
    hours: ByWeek<f64>,
    source_up: ByWeek<bool>,
    hours_up: ByWeek<bool>,
    normal: Vec<f64>,
    normal_hours: Vec<f64>,
}

impl Offered {
    /// Source `s` has `left` units in period `t`.
    fn source(&mut self, s: usize, t: usize, left: f64) {
        self.capacity.set(s, t, (left - self.normal[s]).max(0.0));
        self.source_up.set(s, t, left > 0.0);
    }

    /// Hours row `h` has `left` hours in period `t`.
    fn hours(&mut self, h: usize, t: usize, left: f64) {
        self.hours.set(h, t, (left - self.normal_hours[h]).max(0.0));
        self.hours_up.set(h, t, left > 0.0);
    }
}

/// By source: its normal production per week, what is normally claimed from its position
/// (links out, demand there, and the components its site's other sources consume), within its
/// capacity.
fn normal_production(graph: &Graph, flows: &Flows) -> Vec<f64> {
    let mut uses = vec![0.0; flows.positions.len()];
    for link in &flows.links {
        uses[link.from as usize] += link.normal;
    }
    for row in &flows.demand {
        uses[row.position as usize] += row.normal;
    }
    let mut made = vec![0.0; flows.sources.len()];
    for &item in &graph.topo_order {
        for s in graph.sources.range(item) {
            let source = &flows.sources[s];
            made[s] = uses[source.position as usize].min(source.capacity);
            for &(c, quantity) in flows.components.row(s as u32) {
                uses[c as usize] += quantity * made[s];
            }
        }
    }
    made
}

/// What arrives from before the plan: each link's normal flow in every period of its transit,
/// and each source's normal production in every period of its lead time.
fn pipeline(flows: &Flows, normal: &[f64], lead: &[u32], horizon: u32) -> Csr<(u32, f64)> {
    let mut arrivals = Vec::new();
    for link in &flows.links {
        for t in 0..link.transit.min(horizon) {
            arrivals.push((link.to, (t, link.normal)));
        }
    }
    for (s, source) in flows.sources.iter().enumerate() {
        if normal[s] > 0.0 {
            for t in 0..lead[s].min(horizon) {
                arrivals.push((source.position, (t, normal[s])));
            }
        }
    }
    Csr::from_pairs(flows.positions.len(), arrivals)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{ByWeek, Row, Weekly, normal_production, weekly};
    use crate::generate::{GenerateConfig, generate};
    use crate::graph::Graph;
    use crate::plan::{Baseline, CapacityChange, Changes, Options};
    use crate::simulate::effects::Effects;
    use crate::simulate::flows::Flows;
    use crate::simulate::{Change, Event, Period, Scenario, Target};

    /// What a `ByWeek` holds, row by row, period by period.
    fn dense(table: &ByWeek<f64>, rows: usize) -> Vec<Vec<f64>> {
        (0..rows).map(|r| table.row(r).iter().collect()).collect()
    }

    #[test]
    fn a_row_keeps_one_value_until_a_period_differs() {
        let mut table = ByWeek::filled(3, 4, 2.0);
        table.set(1, 2, 2.0);
        assert!(matches!(table.row(1), Row::Steady(2.0, 4)));
        table.set(1, 2, 5.0);
        table.set(2, 9, 7.0);
        assert_eq!(dense(&table, 3), [[2.0; 4], [2.0, 2.0, 5.0, 2.0], [2.0; 4]]);
        assert_eq!(
            (table.row(1).get(3), table.row(1).get(4), table.row(1).last()),
            (Some(2.0), None, 2.0)
        );
        let halves = table.map(|r, v| v / 2.0 + r as f64);
        assert_eq!(dense(&halves, 3), [[1.0; 4], [2.0, 2.0, 3.5, 2.0], [3.0; 4]]);
    }

    proptest! {
        /// Setting and adding to periods gives what a table of every row and period gives, and
        /// so does mapping the values.
        #[test]
        fn a_table_reads_as_its_dense_form(
            rows in 1usize..6,
            periods in 1u32..6,
            steady in 0.0f64..3.0,
            writes in prop::collection::vec((0usize..6, 0usize..7, 0u8..4, any::<bool>()), 0..30),
        ) {
            let mut table = ByWeek::filled(rows, periods, steady);
            let mut expected = vec![vec![steady; periods as usize]; rows];
            for (row, t, value, add) in writes {
                let (row, value) = (row % rows, f64::from(value));
                if add {
                    if t < periods as usize {
                        table.row_mut(row)[t] += value;
                        expected[row][t] += value;
                    }
                } else {
                    table.set(row, t, value);
                    if t < periods as usize {
                        expected[row][t] = value;
                    }
                }
            }
            prop_assert_eq!(dense(&table, rows), expected.clone());
            let mapped = table.map(|r, v| v * 3.0 - r as f64);
            let expected: Vec<Vec<f64>> = expected
                .iter()
                .enumerate()
                .map(|(r, row)| row.iter().map(|v| v * 3.0 - r as f64).collect())
                .collect();
            prop_assert_eq!(dense(&mapped, rows), expected);
        }
    }

    /// Every value of `weekly`, computed the plain way: every source, hours row, link and
    /// demand row in every period, from the factors in force.
    struct Dense {
        capacity: Vec<Vec<f64>>,
        hours: Vec<Vec<f64>>,
        source_up: Vec<Vec<bool>>,
        hours_up: Vec<Vec<bool>>,
        link_limit: Vec<Option<Vec<f64>>>,
        demand_factor: Vec<Vec<f64>>,
    }

    fn plainly(graph: &Graph, flows: &Flows, changes: &Changes, reserve: bool, n: usize) -> Dense {
        let mut units: Vec<Vec<f64>> = flows.sources.iter().map(|s| vec![s.capacity; n]).collect();
        let mut hours: Vec<Vec<f64>> = flows.hours.iter().map(|h| vec![h.2; n]).collect();
        for change in &changes.capacities {
            let (row, level, from, until) = match *change {
                CapacityChange::Source { source, units_per_week, from, until } => {
                    (&mut units[source as usize], units_per_week, from, until)
                }
                CapacityChange::Hours { site, process, hours_per_week, from, until } => {
                    let h = flows.hours.iter().position(|&(s, p, _)| (s, p) == (site, process));
                    (&mut hours[h.unwrap()], hours_per_week, from, until)
                }
            };
            for slot in row.iter_mut().take(until as usize).skip(from as usize) {
                *slot = level.max(0.0);
            }
        }
        let normal = normal_production(graph, flows);
        let mut normal_hours = vec![0.0; flows.hours.len()];
        for (s, &made) in normal.iter().enumerate() {
            for &(h, per_unit) in flows.hours_use.row(s as u32) {
                normal_hours[h as usize] += per_unit * made;
            }
        }
        let taken = |left: f64, normal: f64| if reserve { (left - normal).max(0.0) } else { left };
        let effects = Effects::new(graph, flows, &changes.scenario);
        let mut factors = effects.factors(graph, flows);
        let mut dense = Dense {
            capacity: vec![vec![0.0; n]; flows.sources.len()],
            hours: vec![vec![0.0; n]; flows.hours.len()],
            source_up: vec![vec![false; n]; flows.sources.len()],
            hours_up: vec![vec![false; n]; flows.hours.len()],
            link_limit: vec![None; flows.links.len()],
            demand_factor: vec![vec![1.0; n]; flows.demand.len()],
        };
        for t in 0..n {
            effects.apply(t as u32, &mut factors);
            for (s, source) in flows.sources.iter().enumerate() {
                let left = units[s][t] * factors.site[source.site as usize];
                dense.capacity[s][t] = taken(left, normal[s]);
                dense.source_up[s][t] = left > 0.0;
            }
            for (h, &(site, process, _)) in flows.hours.iter().enumerate() {
                let factor = factors.site[site as usize].min(factors.process[process as usize]);
                let left = hours[h][t] * factor;
                dense.hours[h][t] = taken(left, normal_hours[h]);
                dense.hours_up[h][t] = left > 0.0;
            }
            for (l, &factor) in factors.link.iter().enumerate() {
                if factor < 1.0 {
                    let limit = dense.link_limit[l].get_or_insert_with(|| vec![f64::INFINITY; n]);
                    limit[t] = factor * flows.links[l].normal;
                }
            }
            for (r, &factor) in factors.demand.iter().enumerate() {
                dense.demand_factor[r][t] = factor;
            }
        }
        dense
    }

    fn rows<T: Copy + PartialEq>(table: &ByWeek<T>, n: usize) -> Vec<Vec<T>> {
        (0..n).map(|r| table.row(r).iter().collect()).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        /// On generated networks, with outages of every kind, surges and capacities set by
        /// events, what each week offers is what computing every row in every week gives.
        #[test]
        fn weeks_offer_what_every_row_computed_every_week_offers(
            seed in 0u64..500,
            reserve in any::<bool>(),
            events in prop::collection::vec(
                (0u8..5, 0usize..10_000, 0.0f64..1.0, 0u32..10, 0u32..6, 0u32..4), 0..6),
            sets in prop::collection::vec((any::<bool>(), 0usize..10_000, 0.0f64..50.0, 0u32..10, 0u32..14), 0..4),
        ) {
            let graph = Graph::build(&generate(&GenerateConfig { n_sites: 40, seed })).unwrap();
            let flows = Flows::with_positions(&graph, Period::Week, &[]);
            let events = events
                .into_iter()
                .map(|(kind, pick, level, start, duration, recovery)| {
                    let change = match kind {
                        0 => Change::Outage {
                            target: Target::Site((pick % graph.n_sites()) as u32),
                            capacity: level,
                        },
                        1 => Change::Outage {
                            target: Target::State(graph.sites[pick % graph.n_sites()].state.unwrap_or(0)),
                            capacity: level,
                        },
                        2 => Change::Outage {
                            target: Target::Process((pick % graph.processes.len()) as u32),
                            capacity: level,
                        },
                        3 => {
                            let link = &flows.links[pick % flows.links.len()];
                            Change::Outage {
                                target: Target::Link {
                                    supplier: link.supplier,
                                    customer: link.customer,
                                    item: link.item,
                                },
                                capacity: level,
                            }
                        }
                        _ => Change::Surge {
                            item: graph.demand[pick % graph.demand.len()].item,
                            site: None,
                            factor: 1.0 + 3.0 * level,
                        },
                    };
                    Event { change, start, duration, recovery }
                })
                .collect();
            let capacities = sets
                .into_iter()
                .map(|(source, pick, level, from, until)| {
                    if source {
                        let source = (pick % flows.sources.len()) as u32;
                        CapacityChange::Source { source, units_per_week: level, from, until }
                    } else {
                        let (site, process, _) = flows.hours[pick % flows.hours.len()];
                        CapacityChange::Hours { site, process, hours_per_week: level, from, until }
                    }
                })
                .collect();
            let changes = Changes { scenario: Scenario { events, opening: Vec::new() }, capacities };
            let baseline = if reserve { Baseline::Reserve } else { Baseline::Compete };
            let options = Options { horizon: 12, baseline, ..Options::default() };
            let lead = vec![1; flows.sources.len()];
            let Weekly { capacity, hours, source_up, hours_up, link_limit, demand_factor, .. } =
                weekly(&graph, &flows, &changes, &options, &lead, 12);
            let dense = plainly(&graph, &flows, &changes, reserve, 12);
            prop_assert_eq!(rows(&capacity, flows.sources.len()), dense.capacity);
            prop_assert_eq!(rows(&hours, flows.hours.len()), dense.hours);
            prop_assert_eq!(rows(&source_up, flows.sources.len()), dense.source_up);
            prop_assert_eq!(rows(&hours_up, flows.hours.len()), dense.hours_up);
            prop_assert_eq!(link_limit, dense.link_limit);
            prop_assert_eq!(rows(&demand_factor, flows.demand.len()), dense.demand_factor);
        }
    }
}
