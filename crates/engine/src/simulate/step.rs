//! The period loop. Within a period, in this order: goods due arrive; customers re-order what
//! they are still owed; sources produce; sites ship and serve demand.

use super::allocate::{Claim, allocate};
use super::effects::{Effects, Factors};
use super::flows::Use;
use super::{Allocation, Flows, Ledger, Settings, Unmet};
use crate::closure::Closures;
use crate::graph::Graph;

/// Below this, a shortfall is rounding.
pub(super) const TOLERANCE: f64 = 1e-9;

/// What the loop leaves for the summary.
pub(super) struct Trace {
    /// By demand row, by period: units due and units served on time.
    pub(super) due: Vec<Vec<f64>>,
    pub(super) on_time: Vec<Vec<f64>>,
    /// By demand row: units due above normal.
    pub(super) surge: Vec<f64>,
    /// By source: units not made for want of capacity, and why.
    pub(super) held_back: Vec<HeldBack>,
    /// By link: units the scenario kept it from carrying.
    pub(super) cut: Vec<f64>,
    /// Positions (in the whole network) of sources outside a restriction that the run reached:
    /// suppliers asked for more than their normal flow, users of hours or component stock that
    /// ran short. The restriction was too small.
    pub(super) outside: Vec<u32>,
    pub(super) ledger: Option<Vec<Ledger>>,
}

/// Units a source could not make, by cause (components excepted: they trace further up).
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct HeldBack {
    pub(super) disrupted: f64,
    pub(super) capacity: f64,
    pub(super) hours: f64,
    /// The process whose hours bound last.
    pub(super) process: u32,
}

pub(super) fn simulate(
    graph: &Graph,
    flows: &Flows,
    effects: &Effects,
    settings: &Settings,
    progress: &dyn Fn(u32),
) -> Trace {
    let horizon = settings.horizon as usize;
    let mut factors: Factors = effects.factors(graph, flows);
    let mut state = State::new(graph, flows, settings);
    for &(q, units) in effects.opening() {
        state.stock[q as usize] = units;
    }
    let mut trace = Trace {
        due: vec![vec![0.0; horizon]; flows.demand.len()],
        on_time: vec![vec![0.0; horizon]; flows.demand.len()],
        surge: vec![0.0; flows.demand.len()],
        held_back: vec![HeldBack::default(); flows.sources.len()],
        cut: vec![0.0; flows.links.len()],
        outside: Vec::new(),
        ledger: settings.ledger.then(Vec::new),
    };
    for t in 0..horizon {
        effects.apply(t as u32, &mut factors);
        state.open_ledger(t);
        state.arrive(t);
        state.order(t, &factors, &mut trace);
        state.produce(&factors, &mut trace);
        state.ship(t, &factors, &mut trace);
        state.close_ledger(&mut trace);
        progress(t as u32);
    }
    trace
}

/// What changes from period to period, and the scratch space of the steps.
struct State<'f> {
    flows: &'f Flows,
    unmet: Unmet,
    link_rank: Vec<u32>,
    demand_rank: Vec<u32>,
    /// By link: its normal flow.
    normal: Vec<f64>,
    /// Whether any link comes from outside a restriction (only then can re-orders reach out).
    from_outside: bool,
    /// The customers owed goods (`owed` above 0), each once; and the list a period's orders
    /// work through.
    owing: Vec<u32>,
    owing_now: Vec<u32>,
    stock: Vec<f64>,
    /// Ring buffer per link, where `carry` says: the slot of period t holds what arrives at t.
    pipe: Vec<f64>,
    /// By link.
    carry: Vec<Carry>,
    /// By customer position: goods its links failed to deliver, to re-order.
    owed: Vec<f64>,
    /// By link: the share of its last order it filled.
    fill: Vec<f64>,
    order: Vec<f64>,
    backlog: Vec<f64>,
    due_now: Vec<f64>,
    made: Vec<f64>,
    hours_need: Vec<f64>,
    hours_ratio: Vec<f64>,
    component_need: Vec<f64>,
    /// This period's ledger entries, by position, when keeping the ledger.
    ledger: Option<Vec<Ledger>>,
    claims: Vec<Claim>,
    granted: Vec<f64>,
    scratch: Vec<usize>,
}

impl<'f> State<'f> {
    /// The steady start: opening stock, every link's normal flow in transit, nothing owed (a
    /// scenario's stock at the start is set after).
    fn new(graph: &Graph, flows: &'f Flows, settings: &Settings) -> State<'f> {
        let n = flows.positions.len();
        let (link_rank, demand_rank) = ranks(graph, flows, &settings.allocation);
        let mut carry = Vec::with_capacity(flows.links.len());
        let mut slots = 0usize;
        for link in &flows.links {
            carry.push(Carry { start: slots, to: link.to, transit: link.transit });
            slots += link.transit as usize;
        }
        let mut pipe = vec![0.0; slots];
        for (l, link) in flows.links.iter().enumerate() {
            pipe[carry[l].start..carry[l].start + link.transit as usize].fill(link.normal);
        }
        State {
            flows,
            unmet: settings.unmet,
            link_rank,
            demand_rank,
            normal: flows.links.iter().map(|link| link.normal).collect(),
            from_outside: flows.links.iter().any(|link| link.external),
            owing: Vec::new(),
            owing_now: Vec::new(),
            stock: flows.opening.clone(),
            pipe,
            carry,
            owed: vec![0.0; n],
            fill: vec![1.0; flows.links.len()],
            order: vec![0.0; flows.links.len()],
            backlog: vec![0.0; flows.demand.len()],
            due_now: vec![0.0; flows.demand.len()],
            made: vec![0.0; flows.sources.len()],
            hours_need: vec![0.0; flows.hours.len()],
            hours_ratio: vec![1.0; flows.hours.len()],
            component_need: vec![0.0; n],
            ledger: settings.ledger.then(|| vec![Ledger::default(); n]),
            claims: Vec::new(),
            granted: Vec::new(),
            scratch: Vec::new(),
        }
    }

    fn open_ledger(&mut self, t: usize) {
        if let Some(ledger) = &mut self.ledger {
            for (q, entry) in ledger.iter_mut().enumerate() {
                let (site, item) = self.flows.positions[q];
                let opening = self.stock[q];
                *entry = Ledger { site, item, period: t as u32, opening, ..Ledger::default() };
            }
        }
    }

    fn close_ledger(&mut self, trace: &mut Trace) {
        if let (Some(entries), Some(ledger)) = (&mut self.ledger, &mut trace.ledger) {
            for (q, entry) in entries.iter_mut().enumerate() {
                entry.closing = self.stock[q];
                ledger.push(*entry);
            }
        }
    }

    /// Goods due this period join their customer's stock.
    fn arrive(&mut self, t: usize) {
        for carry in &self.carry {
            let arriving = self.pipe[carry.slot(t)];
            self.stock[carry.to as usize] += arriving;
            if let Some(ledger) = &mut self.ledger {
                ledger[carry.to as usize].receipts += arriving;
            }
        }
    }

    /// Orders: the normal flow, plus what the customer is owed, spread over its links in
    /// proportion to their normal flows times how fully each filled its last order; and the
    /// demand due.
    fn order(&mut self, t: usize, factors: &Factors, trace: &mut Trace) {
        let flows = self.flows;
        self.order.copy_from_slice(&self.normal);
        // By position, so the order the customers came to be owed does not matter.
        std::mem::swap(&mut self.owing, &mut self.owing_now);
        self.owing_now.sort_unstable();
        for &c in &self.owing_now {
            let owed = self.owed[c as usize];
            let links = flows.links_in.row(c);
            let normal = |l: u32| self.normal[l as usize];
            let mut weight: f64 = links.iter().map(|&l| normal(l) * self.fill[l as usize]).sum();
            let by_fill = weight > 0.0;
            if !by_fill {
                weight = links.iter().map(|&l| normal(l)).sum();
            }
            if weight <= 0.0 {
                // No link to ask: still owed next period.
                self.owing.push(c);
                continue;
            }
            for &l in links {
                let w = if by_fill { normal(l) * self.fill[l as usize] } else { normal(l) };
                self.order[l as usize] += owed * w / weight;
            }
            self.owed[c as usize] = 0.0;
            if !self.from_outside {
                continue;
            }
            for &l in links {
                let link = &flows.links[l as usize];
                if link.external && self.order[l as usize] > link.normal {
                    trace.outside.push(link.from);
                }
            }
        }
        self.owing_now.clear();
        for (r, row) in flows.demand.iter().enumerate() {
            self.due_now[r] = row.normal * factors.demand[r];
            trace.due[r][t] = self.due_now[r];
            trace.surge[r] += (self.due_now[r] - row.normal).max(0.0);
        }
    }

    /// Production: what is claimed plus what restores the opening stock, within capacity, then
    /// within process hours (shared in proportion), then within components on hand (shared in
    /// proportion); components are consumed and the output joins the stock.
    fn produce(&mut self, factors: &Factors, trace: &mut Trace) {
        self.plan_within_capacity(factors, trace);
        self.share_hours(factors, trace);
        self.share_components(trace);
        self.consume();
    }

    fn plan_within_capacity(&mut self, factors: &Factors, trace: &mut Trace) {
        let flows = self.flows;
        for (k, (source, at)) in flows.sources.iter().zip(&flows.source_claims).enumerate() {
            let q = source.position;
            let links: f64 =
                flows.links_out.entries()[at.links()].iter().map(|&l| self.order[l as usize]).sum();
            let demand: f64 = flows.demand_at.entries()[at.rows()]
                .iter()
                .map(|&r| self.due_now[r as usize] + self.backlog[r as usize])
                .sum();
            let claimed = links + demand;
            let target = (claimed + flows.opening[q as usize] - self.stock[q as usize]).max(0.0);
            let site_factor = factors.site[source.site as usize];
            let x = target.min(source.capacity * site_factor);
            if target - x > TOLERANCE * target.max(1.0) {
                let held = &mut trace.held_back[k];
                if site_factor < 1.0 {
                    held.disrupted += target - x;
                } else {
                    held.capacity += target - x;
                }
            }
            self.made[k] = x;
            for &(row, hours) in flows.hours_use.row(k as u32) {
                self.hours_need[row as usize] += hours * x;
            }
        }
        for outside in &flows.outside {
            match outside.uses {
                Use::Hours { row, hours } => self.hours_need[row as usize] += hours,
                Use::Component { position, units } => {
                    self.component_need[position as usize] += units;
                }
            }
        }
    }

    fn share_hours(&mut self, factors: &Factors, trace: &mut Trace) {
        let flows = self.flows;
        for (row, &(site, process, hours)) in flows.hours.iter().enumerate() {
            let factor = factors.site[site as usize].min(factors.process[process as usize]);
            let available = hours * factor;
            let need = self.hours_need[row];
            self.hours_ratio[row] = if need > available { available / need } else { 1.0 };
            self.hours_need[row] = 0.0;
        }
        for outside in &flows.outside {
            if let Use::Hours { row, .. } = outside.uses
                && self.hours_ratio[row as usize] < 1.0
            {
                trace.outside.push(outside.source_position);
            }
        }
        for (k, made) in self.made.iter_mut().enumerate() {
            let mut ratio = 1.0f64;
            let mut binding = None;
            for &(row, _) in flows.hours_use.row(k as u32) {
                if self.hours_ratio[row as usize] < ratio {
                    ratio = self.hours_ratio[row as usize];
                    binding = Some(row);
                }
            }
            if let Some(row) = binding {
                let lost = *made * (1.0 - ratio);
                if lost > TOLERANCE * made.max(1.0) {
                    let (site, process, _) = flows.hours[row as usize];
                    let held = &mut trace.held_back[k];
                    if factors.site[site as usize] < 1.0 || factors.process[process as usize] < 1.0
                    {
                        held.disrupted += lost;
                    } else {
                        held.hours += lost;
                        held.process = process;
                    }
                }
                *made *= ratio;
            }
            for &(c, quantity) in flows.components.row(k as u32) {
                self.component_need[c as usize] += quantity * *made;
            }
        }
    }

    fn share_components(&mut self, trace: &mut Trace) {
        let flows = self.flows;
        for (k, made) in self.made.iter_mut().enumerate() {
            let mut ratio = 1.0f64;
            for &(c, _) in flows.components.row(k as u32) {
                let need = self.component_need[c as usize];
                let have = self.stock[c as usize].max(0.0);
                if need > have {
                    ratio = ratio.min(have / need);
                }
            }
            *made *= ratio;
        }
        for outside in &flows.outside {
            if let Use::Component { position, units } = outside.uses {
                let c = position as usize;
                if self.component_need[c] > self.stock[c].max(0.0) {
                    trace.outside.push(outside.source_position);
                }
                self.stock[c] -= units;
                if let Some(ledger) = &mut self.ledger {
                    ledger[c].consumption += units;
                }
            }
        }
    }

    fn consume(&mut self) {
        let flows = self.flows;
        for (k, source) in flows.sources.iter().enumerate() {
            let made = self.made[k];
            for &(c, quantity) in flows.components.row(k as u32) {
                self.component_need[c as usize] = 0.0;
                self.stock[c as usize] -= quantity * made;
                if let Some(ledger) = &mut self.ledger {
                    ledger[c as usize].consumption += quantity * made;
                }
            }
            self.stock[source.position as usize] += made;
            if let Some(ledger) = &mut self.ledger {
                ledger[source.position as usize].production += made;
            }
        }
        // The needs of sources outside a restriction are spent too (a component they use may
        // have no user inside to clear its need above).
        for outside in &flows.outside {
            if let Use::Component { position, .. } = outside.uses {
                self.component_need[position as usize] = 0.0;
            }
        }
    }

    /// Shipping and serving: each site shares its stock among the links and demand claiming it.
    fn ship(&mut self, t: usize, factors: &Factors, trace: &mut Trace) {
        let flows = self.flows;
        for shipper in &flows.shippers {
            let q = shipper.position;
            let out = &flows.links_out.entries()[shipper.links()];
            let rows = &flows.demand_at.entries()[shipper.rows()];
            self.claims.clear();
            self.granted.clear();
            let mut total = 0.0;
            for &l in out {
                let cap = factors.link[l as usize];
                let mut amount = self.order[l as usize];
                if cap < 1.0 {
                    let carried = amount.min(cap * self.normal[l as usize]);
                    trace.cut[l as usize] += amount - carried;
                    amount = carried;
                }
                total += amount;
                self.granted.push(amount);
            }
            for &r in rows {
                let amount = self.due_now[r as usize] + self.backlog[r as usize];
                total += amount;
                self.granted.push(amount);
            }
            let available = self.stock[q as usize].max(0.0);
            // Every claim is granted in full, unless the stock is short of them: then shared.
            if total > available {
                let weights =
                    out.iter().map(|&l| (self.normal[l as usize], self.link_rank[l as usize]));
                let weights = weights.chain(
                    rows.iter()
                        .map(|&r| (flows.demand[r as usize].normal, self.demand_rank[r as usize])),
                );
                self.claims.extend(
                    self.granted.iter().zip(weights).map(|(&amount, (weight, rank))| Claim {
                        amount,
                        weight,
                        rank,
                    }),
                );
                allocate(available, &self.claims, &mut self.granted, &mut self.scratch);
            }
            let mut shipped_total = 0.0;
            for (i, &l) in out.iter().enumerate() {
                let carry = &self.carry[l as usize];
                let shipped = self.granted[i];
                shipped_total += shipped;
                self.pipe[carry.slot(t)] = shipped;
                let ordered = self.order[l as usize];
                if shipped == ordered {
                    // The common case, spared the scattered write.
                    self.fill[l as usize] = 1.0;
                    continue;
                }
                let to = carry.to as usize;
                if self.owed[to] == 0.0 {
                    self.owing.push(carry.to);
                }
                // Positive: a link ships at most what was ordered.
                self.owed[to] += ordered - shipped;
                // A fill that is only rounding left in stock counts as none.
                let filled = if ordered > 0.0 { shipped / ordered } else { 1.0 };
                self.fill[l as usize] = if filled < TOLERANCE { 0.0 } else { filled };
            }
            let mut served_total = 0.0;
            for (i, &r) in rows.iter().enumerate() {
                let r = r as usize;
                let served = self.granted[out.len() + i];
                served_total += served;
                let late = served.min(self.backlog[r]);
                trace.on_time[r][t] = served - late;
                self.backlog[r] = match self.unmet {
                    Unmet::Backlog => self.due_now[r] + self.backlog[r] - served,
                    Unmet::LostSales => 0.0,
                };
            }
            self.stock[q as usize] -= shipped_total + served_total;
            if let Some(ledger) = &mut self.ledger {
                ledger[q as usize].shipments += shipped_total;
                ledger[q as usize].served += served_total;
            }
        }
    }
}

/// Where a link's goods go, and its ring buffer in `State::pipe`.
struct Carry {
    start: usize,
    to: u32,
    transit: u32,
}

impl Carry {
    /// The slot of what arrives in period `t`, which is also where what ships in period `t`
    /// goes (it arrives `transit` periods later).
    fn slot(&self, t: usize) -> usize {
        self.start + t % self.transit as usize
    }
}

/// The rank of every link and demand row under `allocation` (all 0 when proportional).
fn ranks(graph: &Graph, flows: &Flows, allocation: &Allocation) -> (Vec<u32>, Vec<u32>) {
    let Allocation::Priority(products) = allocation else {
        return (vec![0; flows.links.len()], vec![0; flows.demand.len()]);
    };
    let last = products.len() as u32;
    let mut link_rank = vec![last; flows.links.len()];
    let mut demand_rank = vec![last; flows.demand.len()];
    let mut closures = Closures::new(graph);
    for (rank, &product) in products.iter().enumerate().rev() {
        let mut in_bom = vec![false; graph.n_items()];
        for item in closures.items(product) {
            in_bom[item as usize] = true;
        }
        let mut holds_demand = vec![false; graph.n_sites()];
        for row in graph.demand.iter().filter(|d| d.item == product) {
            if let Some(site) = row.site {
                holds_demand[site as usize] = true;
            }
        }
        let serves = |site: u32| {
            holds_demand[site as usize] || graph.makes.row(site).iter().any(|&i| in_bom[i as usize])
        };
        for (l, link) in flows.links.iter().enumerate() {
            if in_bom[link.item as usize] && serves(link.customer) {
                link_rank[l] = rank as u32;
            }
        }
        for (r, row) in flows.demand.iter().enumerate() {
            if in_bom[row.item as usize] {
                demand_rank[r] = rank as u32;
            }
        }
    }
    (link_rank, demand_rank)
}
