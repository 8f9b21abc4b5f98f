//! The period loop. Within a period, in this order: goods due arrive; customers re-order what
//! they are still owed; sources produce; sites ship and serve demand.

use rayon::prelude::*;

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
    pub(super) cut: Vec<Cut>,
    /// Positions (in the whole network) of sources outside a restriction that the run reached:
    /// suppliers asked for more than their normal flow, users of hours or component stock that
    /// ran short. The restriction was too small.
    pub(super) outside: Vec<u32>,
    pub(super) ledger: Option<Vec<Ledger>>,
}

/// Units a source could not make, by cause (components excepted: they trace further up).
///
/// What a source does not make is asked of it again in the next period (re-ordered by its
/// customers, or still missing from its stock), so a unit counts once, in the period the
/// source's shortfall grows by it: the growth goes to the scenario first, as far as the period's
/// shortfall is the scenario's, then to capacity and hours in proportion to theirs.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct HeldBack {
    pub(super) disrupted: f64,
    pub(super) capacity: f64,
    pub(super) hours: f64,
    /// The process whose hours bound last.
    pub(super) process: u32,
    /// This period's shortfall, by cause, and the last period's in all.
    now: Short,
    last: f64,
}

/// Units a source falls short of what is asked of it in one period, by cause.
#[derive(Clone, Copy, Debug, Default)]
struct Short {
    disrupted: f64,
    capacity: f64,
    hours: f64,
}

impl HeldBack {
    /// Books the period's shortfall (`now`) by what it grew since the last period.
    fn book(&mut self) {
        let Short { disrupted, capacity, hours } = self.now;
        let total = disrupted + capacity + hours;
        let grew = total - self.last;
        self.last = total;
        if grew <= TOLERANCE * total.max(1.0) {
            return;
        }
        let scenario = grew.min(disrupted);
        self.disrupted += scenario;
        let rest = grew - scenario;
        if rest > 0.0 {
            self.capacity += rest * capacity / (capacity + hours);
            self.hours += rest * hours / (capacity + hours);
        }
    }
}

/// Units a link could not carry because of the scenario, counted as a source's are: once, in
/// the period what it could not carry grows by them.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Cut {
    pub(super) units: f64,
    /// What it could not carry in the last period it was cut, and that period plus one (0
    /// before any), so that a link carrying in full is never written to.
    last: f64,
    after: usize,
}

impl Cut {
    /// Books `short`, what the link could not carry in period `t`.
    fn book(&mut self, short: f64, t: usize) {
        let before = if self.after == t { self.last } else { 0.0 };
        self.units += (short - before).max(0.0);
        (self.last, self.after) = (short, t + 1);
    }
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
        cut: vec![Cut::default(); flows.links.len()],
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
    /// Whether the run is alone, not on one of rayon's threads as one of many side by side
    /// (Monte Carlo): only then do arrivals and component needs split their work.
    alone: bool,
    /// For a run alone without a ledger: the links split for arrivals on two threads.
    halves: Option<Halves>,
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
    /// By position, in a restriction: the units of its stock sources outside use each period
    /// (empty when they use none).
    outside_need: Vec<f64>,
    /// Where the shipping pass splits its work (see `ShipPiece`).
    ship_pieces: Vec<ShipPiece>,
    /// This period's ledger entries, by position, when keeping the ledger.
    ledger: Option<Vec<Ledger>>,
}

impl<'f> State<'f> {
    /// The steady start: opening stock, every link's normal flow in transit, nothing owed (a
    /// scenario's stock at the start is set after).
    fn new(graph: &Graph, flows: &'f Flows, settings: &Settings) -> State<'f> {
        let n = flows.positions.len();
        let (link_rank, demand_rank) = ranks(graph, flows, &settings.allocation);
        let starts = slot_starts(flows);
        // The large arrays are written side by side: at national scale most of the time is the
        // kernel handing out their fresh pages.
        let links = &flows.links;
        let ((pipe, carry), (ship_pieces, (normal, fill))) = rayon::join(
            || {
                let mut pipe = vec![0.0; starts[links.len()]];
                for (link, &start) in links.iter().zip(&starts) {
                    pipe[start..start + link.transit as usize].fill(link.normal);
                }
                (pipe, carries(flows, &starts))
            },
            || {
                let normal = || links.par_iter().map(|link| link.normal).collect();
                let fill = || (0..links.len()).into_par_iter().map(|_| 1.0).collect();
                (ShipPiece::split(flows, &starts), rayon::join(normal, fill))
            },
        );
        let alone = rayon::current_thread_index().is_none();
        let halves =
            (alone && !settings.ledger && n >= 2 * PIECE).then(|| Halves::split(flows, &carry));
        State {
            flows,
            unmet: settings.unmet,
            link_rank,
            demand_rank,
            normal,
            from_outside: flows.links.iter().any(|link| link.external),
            owing: Vec::new(),
            owing_now: Vec::new(),
            stock: flows.opening.clone(),
            ship_pieces,
            pipe,
            carry,
            alone,
            halves,
            owed: vec![0.0; n],
            fill,
            order: vec![0.0; flows.links.len()],
            backlog: vec![0.0; flows.demand.len()],
            due_now: vec![0.0; flows.demand.len()],
            made: vec![0.0; flows.sources.len()],
            hours_need: vec![0.0; flows.hours.len()],
            hours_ratio: vec![1.0; flows.hours.len()],
            component_need: vec![0.0; n],
            outside_need: outside_need(flows),
            ledger: settings.ledger.then(|| vec![Ledger::default(); n]),
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

    /// Goods due this period join their customer's stock (passes over the links, in their
    /// order: a pass by customer would read them scattered, which costs more than it saves).
    fn arrive(&mut self, t: usize) {
        if let Some(ledger) = &mut self.ledger {
            for carry in &self.carry {
                let arriving = self.pipe[carry.slot(t)];
                self.stock[carry.to as usize] += arriving;
                ledger[carry.to as usize].receipts += arriving;
            }
        } else if let Some(halves) = &self.halves {
            halves.arrive(&self.pipe, t, &mut self.stock);
        } else {
            add_arrivals(&self.carry, &self.pipe, t, &mut self.stock, 0);
        }
    }

    /// Orders: the normal flow, plus what the customer is owed, spread over its links in
    /// proportion to their normal flows times how fully each filled its last order; and the
    /// demand due.
    fn order(&mut self, t: usize, factors: &Factors, trace: &mut Trace) {
        let flows = self.flows;
        let normal = &self.normal;
        in_pieces(&mut self.order, |first, order| {
            order.copy_from_slice(&normal[first..first + order.len()]);
        });
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
        let (order, due_now, backlog, stock) =
            (&self.order, &self.due_now, &self.backlog, &self.stock);
        in_pieces_zip(&mut self.made, &mut trace.held_back, |first, made, held_back| {
            for (k, (made, held)) in (first..).zip(made.iter_mut().zip(held_back)) {
                let (source, at) = (&flows.sources[k], &flows.source_claims[k]);
                let q = source.position as usize;
                let links: f64 =
                    flows.links_out.entries()[at.links()].iter().map(|&l| order[l as usize]).sum();
                let demand: f64 = flows.demand_at.entries()[at.rows()]
                    .iter()
                    .map(|&r| due_now[r as usize] + backlog[r as usize])
                    .sum();
                let claimed = links + demand;
                let target = (claimed + flows.opening[q] - stock[q]).max(0.0);
                let site_factor = factors.site[source.site as usize];
                let x = target.min(source.capacity * site_factor);
                held.now = Short::default();
                if target - x > TOLERANCE * target.max(1.0) {
                    // What full capacity could not have made either is capacity's.
                    held.now.disrupted = target.min(source.capacity) - x;
                    held.now.capacity = (target - source.capacity).max(0.0);
                }
                *made = x;
            }
        });
        let made = &self.made;
        in_pieces(&mut self.hours_need, |first, hours_need| {
            for (row, need) in (first as u32..).zip(hours_need) {
                *need = 0.0;
                for &(k, hours) in flows.hours_users.row(row) {
                    *need += hours * made[k as usize];
                }
            }
        });
        for outside in &flows.outside {
            if let Use::Hours { row, hours } = outside.uses {
                self.hours_need[row as usize] += hours;
            }
        }
    }

    fn share_hours(&mut self, factors: &Factors, trace: &mut Trace) {
        let flows = self.flows;
        let hours_need = &self.hours_need;
        in_pieces(&mut self.hours_ratio, |first, ratios| {
            for (row, ratio) in (first..).zip(ratios) {
                let (site, process, hours) = flows.hours[row];
                let factor = factors.site[site as usize].min(factors.process[process as usize]);
                let available = hours * factor;
                let need = hours_need[row];
                *ratio = if need > available { available / need } else { 1.0 };
            }
        });
        for outside in &flows.outside {
            if let Use::Hours { row, .. } = outside.uses
                && self.hours_ratio[row as usize] < 1.0
            {
                trace.outside.push(outside.source_position);
            }
        }
        let hours_ratio = &self.hours_ratio;
        in_pieces_zip(&mut self.made, &mut trace.held_back, |first, made, held_back| {
            for (k, (made, held)) in (first as u32..).zip(made.iter_mut().zip(held_back)) {
                let mut ratio = 1.0f64;
                let mut binding = None;
                for &(row, _) in flows.hours_use.row(k) {
                    if hours_ratio[row as usize] < ratio {
                        ratio = hours_ratio[row as usize];
                        binding = Some(row);
                    }
                }
                if let Some(row) = binding {
                    let lost = *made * (1.0 - ratio);
                    if lost > TOLERANCE * made.max(1.0) {
                        // What the full hours could not have made either is the hours'.
                        let (_, process, hours) = flows.hours[row as usize];
                        let full = (hours / hours_need[row as usize]).min(1.0);
                        let short = *made * (1.0 - full);
                        held.now.disrupted += lost - short;
                        if short > 0.0 {
                            held.now.hours += short;
                            held.process = process;
                        }
                    }
                    *made *= ratio;
                }
                held.book();
            }
        });
        // A run side by side with others goes source by source, reading their output in order.
        let by_source = !self.alone;
        component_needs(flows, &self.made, &self.outside_need, &mut self.component_need, by_source);
    }

    fn share_components(&mut self, trace: &mut Trace) {
        let flows = self.flows;
        let (component_need, stock) = (&self.component_need, &self.stock);
        in_pieces(&mut self.made, |first, made| {
            for (k, made) in (first as u32..).zip(made) {
                let mut ratio = 1.0f64;
                for &(c, _) in flows.components.row(k) {
                    let need = component_need[c as usize];
                    let have = stock[c as usize].max(0.0);
                    if need > have {
                        ratio = ratio.min(have / need);
                    }
                }
                *made *= ratio;
            }
        });
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

    /// Components are consumed and output joins the stock, by position, in the order of the
    /// sources.
    fn consume(&mut self) {
        let flows = self.flows;
        let made = &self.made;
        in_pieces(&mut self.stock, |first, stock| {
            for (q, stock) in (first as u32..).zip(stock) {
                for &(k, units) in flows.stock_changes.row(q) {
                    *stock += units * made[k as usize];
                }
            }
        });
        if let Some(ledger) = &mut self.ledger {
            for (k, source) in flows.sources.iter().enumerate() {
                for &(c, quantity) in flows.components.row(k as u32) {
                    ledger[c as usize].consumption += quantity * made[k];
                }
                ledger[source.position as usize].production += made[k];
            }
        }
    }

    /// Shipping and serving: each site shares its stock among the links and demand claiming it.
    /// The pieces of `ship_pieces` work in parallel, each writing only its own links; what
    /// they take from stock, owe customers and serve of demand is then booked in the order of
    /// the shippers.
    fn ship(&mut self, t: usize, factors: &Factors, trace: &mut Trace) {
        let flows = self.flows;
        let link_starts = self.ship_pieces.iter().map(|p| p.links.start);
        let slot_starts = self.ship_pieces.iter().map(|p| p.slots);
        let cut = split_at_starts(&mut trace.cut, link_starts.clone());
        let fill = split_at_starts(&mut self.fill, link_starts);
        let pipe = split_at_starts(&mut self.pipe, slot_starts);
        let shared = Shipping {
            flows,
            t,
            factors,
            order: &self.order,
            normal: &self.normal,
            stock: &self.stock,
            backlog: &self.backlog,
            due_now: &self.due_now,
            link_rank: &self.link_rank,
            demand_rank: &self.demand_rank,
            carry: &self.carry,
        };
        let shipped: Vec<Shipped> = self
            .ship_pieces
            .par_iter()
            .zip(cut)
            .zip(fill)
            .zip(pipe)
            .map(|(((piece, cut), fill), pipe)| shared.piece(piece, cut, fill, pipe))
            .collect();
        for (piece, shipped) in self.ship_pieces.iter().zip(shipped) {
            for (shipper, &(links, served)) in
                flows.shippers[piece.shippers.clone()].iter().zip(&shipped.totals)
            {
                let q = shipper.position as usize;
                self.stock[q] -= links + served;
                if let Some(ledger) = &mut self.ledger {
                    ledger[q].shipments += links;
                    ledger[q].served += served;
                }
            }
            for (to, short) in shipped.owed {
                if self.owed[to as usize] == 0.0 {
                    self.owing.push(to);
                }
                self.owed[to as usize] += short;
            }
            for (r, served) in shipped.served {
                let r = r as usize;
                let late = served.min(self.backlog[r]);
                trace.on_time[r][t] = served - late;
                self.backlog[r] = match self.unmet {
                    Unmet::Backlog => self.due_now[r] + self.backlog[r] - served,
                    Unmet::LostSales => 0.0,
                };
            }
        }
    }
}

/// A run of consecutive shippers whose links are the consecutive links `links` (and perhaps
/// links from outside a restriction, which nobody inside ships), so that pieces can ship in
/// parallel, each writing its own links' entries; `slots` is where the first of those links'
/// slots in `State::pipe` begin.
pub(super) struct ShipPiece {
    pub(super) shippers: std::ops::Range<usize>,
    pub(super) links: std::ops::Range<usize>,
    slots: usize,
}

impl ShipPiece {
    /// Pieces of at least `PIECE` shippers, cut only where every link of the shippers before
    /// comes before every link of those after (anywhere, when the links are in the order of
    /// their suppliers' positions, as `Flows::new` lays them out); `starts` is where each
    /// link's slots begin, as `slot_starts` gives them.
    pub(super) fn split(flows: &Flows, starts: &[usize]) -> Vec<ShipPiece> {
        let shippers = &flows.shippers;
        let n = shippers.len();
        let links_of = |s: usize| &flows.links_out.entries()[shippers[s].links()];
        // After s: the first link of the shippers from s on.
        let mut first_after = vec![flows.links.len(); n + 1];
        for s in (0..n).rev() {
            let first = links_of(s).iter().min().map_or(flows.links.len(), |&l| l as usize);
            first_after[s] = first_after[s + 1].min(first);
        }
        let mut cuts = vec![0];
        let mut last_before = 0usize;
        for (s, &first) in first_after[..n].iter().enumerate() {
            if s > 0 && s - cuts[cuts.len() - 1] >= PIECE && last_before <= first {
                cuts.push(s);
            }
            if let Some(&last) = links_of(s).iter().max() {
                last_before = last_before.max(last as usize + 1);
            }
        }
        cuts.push(n);
        cuts.windows(2)
            .enumerate()
            .map(|(i, w)| {
                let first_link = if i == 0 { 0 } else { first_after[w[0]] };
                let end_link = if w[1] == n { flows.links.len() } else { first_after[w[1]] };
                ShipPiece {
                    shippers: w[0]..w[1],
                    links: first_link..end_link,
                    slots: starts[first_link],
                }
            })
            .collect()
    }
}

/// What every piece of the shipping pass reads.
struct Shipping<'a> {
    flows: &'a Flows,
    t: usize,
    factors: &'a Factors,
    order: &'a [f64],
    normal: &'a [f64],
    stock: &'a [f64],
    backlog: &'a [f64],
    due_now: &'a [f64],
    link_rank: &'a [u32],
    demand_rank: &'a [u32],
    carry: &'a [Carry],
}

/// What a piece of the shipping pass leaves to book: by shipper, the units shipped and served;
/// (customer position, units short) of the links that fell short; (demand row, units served).
#[derive(Default)]
struct Shipped {
    totals: Vec<(f64, f64)>,
    owed: Vec<(u32, f64)>,
    served: Vec<(u32, f64)>,
}

impl Shipping<'_> {
    /// Ships for the shippers of `piece`; `cut` and `fill` are the entries of its links,
    /// `pipe` its links' slots.
    fn piece(
        &self,
        piece: &ShipPiece,
        cut: &mut [Cut],
        fill: &mut [f64],
        pipe: &mut [f64],
    ) -> Shipped {
        let flows = self.flows;
        let mut claims: Vec<Claim> = Vec::new();
        let mut granted: Vec<f64> = Vec::new();
        let mut scratch: Vec<usize> = Vec::new();
        let mut shipped =
            Shipped { totals: Vec::with_capacity(piece.shippers.len()), ..Shipped::default() };
        for shipper in &flows.shippers[piece.shippers.clone()] {
            let q = shipper.position;
            let out = &flows.links_out.entries()[shipper.links()];
            let rows = &flows.demand_at.entries()[shipper.rows()];
            claims.clear();
            granted.clear();
            let mut total = 0.0;
            for &l in out {
                let cap = self.factors.link[l as usize];
                let mut amount = self.order[l as usize];
                if cap < 1.0 {
                    let carried = amount.min(cap * self.normal[l as usize]);
                    cut[l as usize - piece.links.start].book(amount - carried, self.t);
                    amount = carried;
                }
                total += amount;
                granted.push(amount);
            }
            for &r in rows {
                let amount = self.due_now[r as usize] + self.backlog[r as usize];
                total += amount;
                granted.push(amount);
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
                claims.extend(granted.iter().zip(weights).map(|(&amount, (weight, rank))| Claim {
                    amount,
                    weight,
                    rank,
                }));
                allocate(available, &claims, &mut granted, &mut scratch);
            }
            let mut shipped_total = 0.0;
            for (i, &l) in out.iter().enumerate() {
                let carry = &self.carry[l as usize];
                let units = granted[i];
                shipped_total += units;
                pipe[carry.slot(self.t) - piece.slots] = units;
                let ordered = self.order[l as usize];
                let fill = &mut fill[l as usize - piece.links.start];
                if units == ordered {
                    *fill = 1.0;
                    continue;
                }
                // Positive: a link ships at most what was ordered.
                shipped.owed.push((carry.to, ordered - units));
                // A fill that is only rounding left in stock counts as none.
                let filled = if ordered > 0.0 { units / ordered } else { 1.0 };
                *fill = if filled < TOLERANCE { 0.0 } else { filled };
            }
            let mut served_total = 0.0;
            for (i, &r) in rows.iter().enumerate() {
                let served = granted[out.len() + i];
                served_total += served;
                shipped.served.push((r, served));
            }
            shipped.totals.push((shipped_total, served_total));
        }
        shipped
    }
}

/// Each component's need: what sources outside use (`outside_need`, by position, or empty),
/// then its users' in their order: source by source, or position by position in pieces. Both
/// add up each need in the same order.
pub(super) fn component_needs(
    flows: &Flows,
    made: &[f64],
    outside_need: &[f64],
    need: &mut [f64],
    by_source: bool,
) {
    if by_source {
        if outside_need.is_empty() {
            need.fill(0.0);
        } else {
            need.copy_from_slice(outside_need);
        }
        for (k, &made) in made.iter().enumerate() {
            for &(c, quantity) in flows.components.row(k as u32) {
                need[c as usize] += quantity * made;
            }
        }
        return;
    }
    in_pieces(need, |first, need| {
        for (q, need) in (first..).zip(need) {
            *need = outside_need.get(q).copied().unwrap_or(0.0);
            for &(k, units) in flows.stock_changes.row(q as u32) {
                if units < 0.0 {
                    *need += -units * made[k as usize];
                }
            }
        }
    });
}

/// By position: what sources outside a restriction use of its stock each period, added up in
/// their order; empty when they use none.
pub(super) fn outside_need(flows: &Flows) -> Vec<f64> {
    let mut need = Vec::new();
    for outside in &flows.outside {
        if let Use::Component { position, units } = outside.uses {
            need.resize(flows.positions.len(), 0.0);
            need[position as usize] += units;
        }
    }
    need
}

/// The passes of a period split their work into pieces of this many entries, which rayon's
/// threads share out (many pieces, because the work per entry varies along the numbering: the
/// sources of products have more components than those of parts). Every entry a pass writes is
/// worked out on its own from what earlier passes left, so how the work is split changes no
/// result. Small in tests, so that the tests' small networks are split too.
const PIECE: usize = if cfg!(test) { 16 } else { 1 << 14 };

/// Runs `f(first, piece)` over the pieces of `out` in parallel, `first` being the index of the
/// piece's first entry.
fn in_pieces<T: Send>(out: &mut [T], f: impl Fn(usize, &mut [T]) + Sync) {
    out.par_chunks_mut(PIECE).enumerate().for_each(|(i, piece)| f(i * PIECE, piece));
}

/// `in_pieces` over two slices of the same length, cut at the same entries.
fn in_pieces_zip<A: Send, B: Send>(
    a: &mut [A],
    b: &mut [B],
    f: impl Fn(usize, &mut [A], &mut [B]) + Sync,
) {
    a.par_chunks_mut(PIECE)
        .zip(b.par_chunks_mut(PIECE))
        .enumerate()
        .for_each(|(i, (a, b))| f(i * PIECE, a, b));
}

/// `entries` cut at `starts` (increasing, the first 0): one slice per start, up to the next.
fn split_at_starts<T>(entries: &mut [T], starts: impl Iterator<Item = usize>) -> Vec<&mut [T]> {
    let mut starts: Vec<usize> = starts.collect();
    starts.push(entries.len());
    let mut rest = entries;
    let mut pieces = Vec::with_capacity(starts.len());
    for w in starts.windows(2) {
        let (piece, after) = std::mem::take(&mut rest).split_at_mut(w[1] - w[0]);
        pieces.push(piece);
        rest = after;
    }
    pieces
}

/// Where each link's slots in `State::pipe` begin, link after link, and (last) how many there
/// are.
pub(super) fn slot_starts(flows: &Flows) -> Vec<usize> {
    let mut starts = Vec::with_capacity(flows.links.len() + 1);
    starts.push(0);
    for link in &flows.links {
        starts.push(starts[starts.len() - 1] + link.transit as usize);
    }
    starts
}

/// By link, where its goods go and its slots in `State::pipe` (`starts` as `slot_starts` gives
/// them).
pub(super) fn carries(flows: &Flows, starts: &[usize]) -> Vec<Carry> {
    let links = flows.links.par_iter().zip(&starts[..flows.links.len()]);
    links.map(|(link, &start)| Carry { start, to: link.to, transit: link.transit }).collect()
}

/// Where a link's goods go, and its ring buffer in `State::pipe`.
#[derive(Clone, Copy)]
pub(super) struct Carry {
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

/// The links into the positions before `mid` and into those from `mid` on, each in link order,
/// with `mid` where about half the links come before: arrivals run on two threads, one half
/// each, and every stock still adds its links' goods in their order, so the results are the
/// same to the last bit as one pass over all the links.
pub(super) struct Halves {
    mid: usize,
    low: Vec<Carry>,
    high: Vec<Carry>,
}

impl Halves {
    pub(super) fn split(flows: &Flows, carry: &[Carry]) -> Halves {
        let half = carry.len() / 2;
        let n = flows.positions.len();
        let mid = (0..n as u32)
            .find(|&q| flows.links_in.range(q).start >= half)
            .map_or(n, |q| q as usize);
        let (low, high) = carry.iter().partition(|c| (c.to as usize) < mid);
        Halves { mid, low, high }
    }

    /// The links of each half.
    #[cfg(test)]
    pub(super) fn sizes(&self) -> (usize, usize) {
        (self.low.len(), self.high.len())
    }

    /// Goods due in period `t` join their customers' stock.
    pub(super) fn arrive(&self, pipe: &[f64], t: usize, stock: &mut [f64]) {
        let (low, high) = stock.split_at_mut(self.mid);
        rayon::join(
            || add_arrivals(&self.low, pipe, t, low, 0),
            || add_arrivals(&self.high, pipe, t, high, self.mid),
        );
    }
}

/// Goods due in period `t` on the links of `carry` join their customers' stock, `stock` being
/// the positions from `first` on.
pub(super) fn add_arrivals(
    carry: &[Carry],
    pipe: &[f64],
    t: usize,
    stock: &mut [f64],
    first: usize,
) {
    for carry in carry {
        stock[carry.to as usize - first] += pipe[carry.slot(t)];
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
