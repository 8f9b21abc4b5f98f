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
    let n = flows.positions.len();
    let (link_rank, demand_rank) = ranks(graph, flows, &settings.allocation);
    let mut factors: Factors = effects.factors(graph, flows);

    let mut stock = flows.opening.clone();
    // Ring buffer per link: the slot of period t holds what arrives at t.
    let mut pipe_start = Vec::with_capacity(flows.links.len() + 1);
    let mut slots = 0usize;
    for link in &flows.links {
        pipe_start.push(slots);
        slots += link.transit as usize;
    }
    let mut pipe = vec![0.0; slots];
    for (l, link) in flows.links.iter().enumerate() {
        pipe[pipe_start[l]..pipe_start[l] + link.transit as usize].fill(link.normal);
    }
    let mut owed = vec![0.0; n];
    let mut fill = vec![1.0; flows.links.len()];
    let mut order = vec![0.0; flows.links.len()];
    let mut backlog = vec![0.0; flows.demand.len()];
    let mut due_now = vec![0.0; flows.demand.len()];
    let mut made = vec![0.0; flows.sources.len()];
    let mut hours_need = vec![0.0; flows.hours.len()];
    let mut hours_ratio = vec![1.0; flows.hours.len()];
    let mut component_need = vec![0.0; n];
    let mut ledger_now: Vec<Ledger> =
        if settings.ledger { (0..n).map(|_| Ledger::default()).collect() } else { Vec::new() };
    let mut ledger = settings.ledger.then(Vec::new);

    let mut trace = Trace {
        due: vec![vec![0.0; horizon]; flows.demand.len()],
        on_time: vec![vec![0.0; horizon]; flows.demand.len()],
        surge: vec![0.0; flows.demand.len()],
        held_back: vec![HeldBack::default(); flows.sources.len()],
        cut: vec![0.0; flows.links.len()],
        outside: Vec::new(),
        ledger: None,
    };
    let customers: Vec<u32> =
        (0..n as u32).filter(|&q| !flows.links_in.row(q).is_empty()).collect();
    let shippers: Vec<u32> = (0..n as u32)
        .filter(|&q| !flows.links_out.row(q).is_empty() || !flows.demand_at.row(q).is_empty())
        .collect();
    let (mut claims, mut granted, mut scratch): (Vec<Claim>, Vec<f64>, Vec<usize>) =
        (Vec::new(), Vec::new(), Vec::new());

    for t in 0..horizon {
        effects.apply(t as u32, &mut factors);
        if ledger.is_some() {
            for (q, entry) in ledger_now.iter_mut().enumerate() {
                let (site, item) = flows.positions[q];
                *entry =
                    Ledger { site, item, period: t as u32, opening: stock[q], ..Ledger::default() };
            }
        }

        // Arrivals.
        for (l, link) in flows.links.iter().enumerate() {
            let slot = pipe_start[l] + t % link.transit as usize;
            stock[link.to as usize] += pipe[slot];
            if settings.ledger {
                ledger_now[link.to as usize].receipts += pipe[slot];
            }
        }

        // Orders: the normal flow, plus what the customer is owed, spread over its links in
        // proportion to their normal flows times how fully each filled its last order.
        for (l, link) in flows.links.iter().enumerate() {
            order[l] = link.normal;
        }
        for &c in &customers {
            let owed_here = owed[c as usize];
            if owed_here <= 0.0 {
                continue;
            }
            let links = flows.links_in.row(c);
            let mut weight: f64 =
                links.iter().map(|&l| flows.links[l as usize].normal * fill[l as usize]).sum();
            let by_fill = weight > 0.0;
            if !by_fill {
                weight = links.iter().map(|&l| flows.links[l as usize].normal).sum();
            }
            if weight <= 0.0 {
                continue;
            }
            for &l in links {
                let normal = flows.links[l as usize].normal;
                let w = if by_fill { normal * fill[l as usize] } else { normal };
                order[l as usize] += owed_here * w / weight;
            }
            owed[c as usize] = 0.0;
            for &l in links {
                let link = &flows.links[l as usize];
                if link.external && order[l as usize] > link.normal {
                    trace.outside.push(link.from);
                }
            }
        }
        for (r, row) in flows.demand.iter().enumerate() {
            due_now[r] = row.normal * factors.demand[r];
            trace.due[r][t] = due_now[r];
            trace.surge[r] += (due_now[r] - row.normal).max(0.0);
        }

        // Production: what is claimed plus what restores the opening stock, within capacity,
        // then within process hours (shared in proportion), then within components on hand
        // (shared in proportion).
        for (k, source) in flows.sources.iter().enumerate() {
            let q = source.position;
            let claimed: f64 =
                flows.links_out.row(q).iter().map(|&l| order[l as usize]).sum::<f64>()
                    + flows
                        .demand_at
                        .row(q)
                        .iter()
                        .map(|&r| due_now[r as usize] + backlog[r as usize])
                        .sum::<f64>();
            let target = (claimed + flows.opening[q as usize] - stock[q as usize]).max(0.0);
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
            made[k] = x;
            for &(row, hours) in flows.hours_use.row(k as u32) {
                hours_need[row as usize] += hours * x;
            }
        }
        for outside in &flows.outside {
            match outside.uses {
                Use::Hours { row, hours } => hours_need[row as usize] += hours,
                Use::Component { position, units } => component_need[position as usize] += units,
            }
        }
        for (row, &(site, process, hours)) in flows.hours.iter().enumerate() {
            let factor = factors.site[site as usize].min(factors.process[process as usize]);
            let available = hours * factor;
            let need = hours_need[row];
            hours_ratio[row] = if need > available { available / need } else { 1.0 };
            hours_need[row] = 0.0;
        }
        for outside in &flows.outside {
            if let Use::Hours { row, .. } = outside.uses
                && hours_ratio[row as usize] < 1.0
            {
                trace.outside.push(outside.source_position);
            }
        }
        for (k, made) in made.iter_mut().enumerate() {
            let mut ratio = 1.0f64;
            let mut binding = None;
            for &(row, _) in flows.hours_use.row(k as u32) {
                if hours_ratio[row as usize] < ratio {
                    ratio = hours_ratio[row as usize];
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
                component_need[c as usize] += quantity * *made;
            }
        }
        for (k, made) in made.iter_mut().enumerate() {
            let mut ratio = 1.0f64;
            for &(c, _) in flows.components.row(k as u32) {
                let need = component_need[c as usize];
                let have = stock[c as usize].max(0.0);
                if need > have {
                    ratio = ratio.min(have / need);
                }
            }
            *made *= ratio;
        }
        for outside in &flows.outside {
            if let Use::Component { position, units } = outside.uses {
                let c = position as usize;
                if component_need[c] > stock[c].max(0.0) {
                    trace.outside.push(outside.source_position);
                }
                stock[c] -= units;
                if settings.ledger {
                    ledger_now[c].consumption += units;
                }
            }
        }
        for (k, source) in flows.sources.iter().enumerate() {
            for &(c, quantity) in flows.components.row(k as u32) {
                component_need[c as usize] = 0.0;
                stock[c as usize] -= quantity * made[k];
                if settings.ledger {
                    ledger_now[c as usize].consumption += quantity * made[k];
                }
            }
            stock[source.position as usize] += made[k];
            if settings.ledger {
                ledger_now[source.position as usize].production += made[k];
            }
        }

        // Shipping and serving: each site shares its stock among the links and demand claiming it.
        for &q in &shippers {
            let out = flows.links_out.row(q);
            let rows = flows.demand_at.row(q);
            claims.clear();
            for &l in out {
                let link = &flows.links[l as usize];
                let cap = factors.link[l as usize];
                let mut amount = order[l as usize];
                if cap < 1.0 {
                    let carried = amount.min(cap * link.normal);
                    trace.cut[l as usize] += amount - carried;
                    amount = carried;
                }
                claims.push(Claim { amount, weight: link.normal, rank: link_rank[l as usize] });
            }
            for &r in rows {
                claims.push(Claim {
                    amount: due_now[r as usize] + backlog[r as usize],
                    weight: flows.demand[r as usize].normal,
                    rank: demand_rank[r as usize],
                });
            }
            allocate(stock[q as usize].max(0.0), &claims, &mut granted, &mut scratch);
            let mut shipped_total = 0.0;
            for (i, &l) in out.iter().enumerate() {
                let link = &flows.links[l as usize];
                let shipped = granted[i];
                shipped_total += shipped;
                pipe[pipe_start[l as usize] + t % link.transit as usize] = shipped;
                let ordered = order[l as usize];
                owed[link.to as usize] += ordered - shipped;
                // A fill that is only rounding left in stock counts as none.
                let filled = if ordered > 0.0 { shipped / ordered } else { 1.0 };
                fill[l as usize] = if filled < TOLERANCE { 0.0 } else { filled };
            }
            if settings.ledger {
                ledger_now[q as usize].shipments += shipped_total;
            }
            let mut served_total = 0.0;
            for (i, &r) in rows.iter().enumerate() {
                let r = r as usize;
                let served = granted[out.len() + i];
                served_total += served;
                let late = served.min(backlog[r]);
                trace.on_time[r][t] = served - late;
                backlog[r] = match settings.unmet {
                    Unmet::Backlog => due_now[r] + backlog[r] - served,
                    Unmet::LostSales => 0.0,
                };
            }
            stock[q as usize] -= shipped_total + served_total;
            if settings.ledger {
                ledger_now[q as usize].served += served_total;
            }
        }

        if let Some(ledger) = &mut ledger {
            for (q, entry) in ledger_now.iter_mut().enumerate() {
                entry.closing = stock[q];
                ledger.push(*entry);
            }
        }
        progress(t as u32);
    }
    trace.ledger = ledger;
    trace
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
