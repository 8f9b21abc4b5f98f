//! Tests of the simulation: hand-worked fixtures for every kind of event and for the allocation
//! rule, conservation of stock in every period of every run, the steady state of generated
//! networks, and the bound the risk model puts on any outage.

use proptest::prelude::*;

use super::{
    Allocation, Change, Event, Flows, Outcome, Period, Reason, Scenario, Settings, Target, Unmet,
    run,
};
use crate::fixture;
use crate::generate::{GenerateConfig, generate};
use crate::graph::Graph;

/// A makes part p (capacity 20 a week) for B, which makes product x (one p each) for warehouse
/// W, where 10 a week are demanded; every link takes a week. Z, far away in another state and
/// organization, makes spare p. Nothing is in stock.
const CHAIN: &str = "
    site A TX US org=acme at=29.76,-95.37
    site B TX US org=acme at=29.95,-90.07
    site W TX US org=acme at=30.27,-97.74
    site Z OH US org=other at=39.96,-83.00
    item p part 5 0 A:20,Z:20
    item x product 100 0 B:20
    bom x p 1
    demand x W 10
    link A B p 10 1
    link B W x 10 1
    capability A cnc 100
    capability Z cnc 100
    routing p cnc 1
";

fn graph(text: &str) -> Graph {
    Graph::build(&fixture::network(text)).unwrap()
}

fn settings(horizon: u32, unmet: Unmet) -> Settings {
    Settings { horizon, unmet, allocation: Allocation::Proportional, ledger: true }
}

fn simulate(graph: &Graph, events: Vec<Event>, settings: &Settings) -> Outcome {
    let flows = Flows::new(graph, Period::Week);
    let outcome = run(graph, &flows, &Scenario { events, opening: Vec::new() }, settings, &|_| ());
    assert_conserved(&outcome);
    outcome
}

fn outage(target: Target, capacity: f64, start: u32, duration: u32, recovery: u32) -> Event {
    Event { change: Change::Outage { target, capacity }, start, duration, recovery }
}

/// opening + production + receipts = consumption + shipments + served + closing, for every
/// (site, item) in every period, and closing is the next period's opening.
pub(super) fn assert_conserved(outcome: &Outcome) {
    let ledger = outcome.ledger.as_ref().expect("runs in tests keep the ledger");
    for entry in ledger {
        let inflow = entry.opening + entry.production + entry.receipts;
        let outflow = entry.consumption + entry.shipments + entry.served + entry.closing;
        let scale = inflow.abs().max(outflow.abs()).max(1.0);
        assert!(
            (inflow - outflow).abs() <= 1e-9 * scale,
            "stock not conserved at site {} item {} in period {}: {entry:?}",
            entry.site,
            entry.item,
            entry.period
        );
        assert!(entry.production >= 0.0 && entry.shipments >= 0.0 && entry.served >= 0.0);
    }
    let positions = ledger.iter().filter(|e| e.period == 0).count();
    for pair in ledger.chunks(positions).collect::<Vec<_>>().windows(2) {
        for (before, after) in pair[0].iter().zip(pair[1]) {
            assert_eq!(before.closing, after.opening);
        }
    }
}

fn product<'a>(outcome: &'a Outcome, item: &str) -> &'a super::ProductResult {
    outcome.products.iter().find(|p| &*p.item == item).unwrap()
}

#[test]
fn the_chain_runs_at_full_fill_rate_without_events() {
    let graph = graph(CHAIN);
    let outcome = simulate(&graph, Vec::new(), &settings(12, Unmet::LostSales));
    let x = product(&outcome, "x");
    assert_eq!(x.fill_rate, 1.0);
    assert_eq!(x.first_short, None);
    assert_eq!(x.served, vec![10.0; 12]);
}

/// A down in weeks 2 to 4: B gets no p in weeks 3 to 5, W no x in weeks 4 to 6; A then makes 20
/// a week against its backlog.
fn assert_chain_outage(outcome: &Outcome) {
    let x = product(outcome, "x");
    let mut served = vec![10.0; 12];
    served[4..7].fill(0.0);
    assert_eq!(x.served, served);
    assert_eq!(x.first_short, Some(4));
    assert_eq!(x.periods_short, 3);
    assert_eq!(x.time_to_recover, Some(3));
    assert_eq!(x.units_short, 30.0);
    assert_eq!(x.value_short, 3000.0);
    assert_eq!(x.fill_rate, 0.75);
    assert_eq!(outcome.value_short, 3000.0);
}

#[test]
fn every_way_of_striking_a_alone_gives_the_same_hand_worked_shortage() {
    let graph = graph(CHAIN);
    let site = |id: &str| graph.site_ids.iter().position(|s| &**s == id).unwrap() as u32;
    let item = |id: &str| graph.item_ids.iter().position(|s| &**s == id).unwrap() as u32;
    let (a, b) = (site("A"), site("B"));
    let houston = Target::Circle { latitude: 29.76, longitude: -95.37, radius_km: 100.0 };
    let acme = graph.sites[a as usize].org;
    let texas = graph.sites[a as usize].state.unwrap();
    // B and W are acme sites in Texas too: they can be struck without harm only if they hold
    // nothing to make, so the organization and state targets strike A together with them and
    // must still give the same answer (B's and W's own capacity is never the constraint).
    let targets = [
        Target::Site(a),
        houston,
        Target::Organization(acme),
        Target::State(texas),
        Target::Process(graph.processes.iter().position(|p| &**p == "cnc").unwrap() as u32),
        Target::Link { supplier: a, customer: b, item: item("p") },
    ];
    for target in targets {
        let is_link = matches!(target, Target::Link { .. });
        let described = format!("{target:?}");
        let outcome =
            simulate(&graph, vec![outage(target, 0.0, 2, 3, 0)], &settings(12, Unmet::LostSales));
        if matches!(described.as_str(), s if s.starts_with("Organization") || s.starts_with("State"))
        {
            // B is down as well in weeks 2 to 4, so W gets no x in weeks 3 to 5; B still holds
            // the 10 p that arrived in week 2, so W gets 10 in week 6.
            let x = product(&outcome, "x");
            let mut served = vec![10.0; 12];
            served[3..6].fill(0.0);
            assert_eq!(x.served, served, "{described}");
            continue;
        }
        assert_chain_outage(&outcome);
        let x = product(&outcome, "x");
        let cause = &x.causes[0];
        if is_link {
            assert_eq!(cause.reason, Reason::LinkCut { supplier: "A".into() }, "{described}");
            assert_eq!(&*cause.site, "B");
        } else {
            assert_eq!(cause.reason, Reason::Disrupted, "{described}");
            assert_eq!(&*cause.site, "A");
        }
        assert_eq!(&*cause.item, "p");
        // Orders of 10, then 20 and 30 with the backlog, all held back: 10 more each week, 30
        // in all (the backlog is not counted again). With the process down, the third week's
        // 30 first meets A's 20 units a week; what it falls further behind is still the
        // scenario's doing.
        assert_eq!(cause.units, 30.0, "{described}");
        // Once p is back, W re-orders the 30 x it is owed with its usual 10: B, at 20 a week,
        // falls 20 short that week and then catches up, so 20 count against its capacity.
        let capacity = &x.causes[1];
        assert_eq!((&*capacity.site, &capacity.reason), ("B", &Reason::Capacity), "{described}");
        assert_eq!(capacity.units, 20.0, "{described}");
    }
}

#[test]
fn a_partial_outage_with_a_recovery_ramp() {
    // A can make only 10 a week (its normal flow). Down in weeks 2 to 4, at half capacity in
    // week 5 (the one-week ramp), then back: W short 10 in weeks 4 to 6 and 5 in week 7.
    let graph = graph(&CHAIN.replace("A:20", "A:10"));
    let a = graph.site_ids.iter().position(|s| &**s == "A").unwrap() as u32;
    let outcome = simulate(
        &graph,
        vec![outage(Target::Site(a), 0.0, 2, 3, 1)],
        &settings(12, Unmet::LostSales),
    );
    let x = product(&outcome, "x");
    let mut served = vec![10.0; 12];
    served[4..7].fill(0.0);
    served[7] = 5.0;
    assert_eq!(x.served, served);
    assert_eq!(x.units_short, 35.0);
    assert_eq!(x.time_to_recover, Some(4));
    // Capacity 0.4 for two weeks: A makes 4 of its 10 (weeks 2 and 3), then catches up at 10 a
    // week, so nothing is left for the backlog until it is back: W short 6 in weeks 4 and 5.
    let outcome = simulate(
        &graph,
        vec![outage(Target::Site(a), 0.4, 2, 2, 0)],
        &settings(12, Unmet::LostSales),
    );
    let x = product(&outcome, "x");
    let mut served = vec![10.0; 12];
    served[4] = 4.0;
    served[5] = 4.0;
    assert_eq!(x.served, served);
}

#[test]
fn a_surge_beyond_stock_is_short_and_blamed_on_the_surge() {
    let graph = graph(CHAIN);
    let x = graph.item_ids.iter().position(|s| &**s == "x").unwrap() as u32;
    let surge = Event {
        change: Change::Surge { item: x, site: None, factor: 2.0 },
        start: 2,
        duration: 2,
        recovery: 0,
    };
    let outcome = simulate(&graph, vec![surge], &settings(8, Unmet::LostSales));
    let result = product(&outcome, "x");
    assert_eq!(result.due, vec![10.0, 10.0, 20.0, 20.0, 10.0, 10.0, 10.0, 10.0]);
    assert_eq!(result.served, vec![10.0; 8]);
    assert_eq!(result.units_short, 20.0);
    assert_eq!(result.causes[0].reason, Reason::Surge);
    assert_eq!(result.causes[0].units, 20.0);
}

/// The chain's outage of A in weeks 2 to 4, with 25 p reported in stock at B at the start (its
/// inventory row says none): B works through them while no p arrives, making 10, 10 and 5 x in
/// weeks 3 to 5, so W is short only 5 x, in week 6. The stock it starts with does not change
/// the level production restores (none), so nothing else moves.
#[test]
fn stock_reported_at_the_start_is_used_before_a_shortage() {
    let graph = graph(CHAIN);
    let site = |name: &str| graph.site_ids.iter().position(|s| &**s == name).unwrap() as u32;
    let item = |name: &str| graph.item_ids.iter().position(|s| &**s == name).unwrap() as u32;
    let (a, b, p) = (site("A"), site("B"), item("p"));
    let flows = Flows::new(&graph, Period::Week);
    let settings = settings(12, Unmet::LostSales);
    let scenario = Scenario {
        events: vec![outage(Target::Site(a), 0.0, 2, 3, 0)],
        opening: vec![super::OpeningStock { site: b, item: p, units: 25.0 }],
    };
    let outcome = run(&graph, &flows, &scenario, &settings, &|_| ());
    assert_conserved(&outcome);
    let x = product(&outcome, "x");
    let mut served = vec![10.0; 12];
    served[6] = 5.0;
    assert_eq!(x.served, served);
    assert_eq!((x.first_short, x.periods_short, x.units_short), (Some(6), 1, 5.0));
    let ledger = outcome.ledger.as_ref().unwrap();
    let opening = ledger.iter().find(|e| e.period == 0 && e.site == b && e.item == p).unwrap();
    assert_eq!(opening.opening, 25.0);

    // Stock at a site for an item it never handles cannot matter, and is left out.
    let nowhere = Scenario {
        opening: vec![super::OpeningStock { site: a, item: item("x"), units: 99.0 }],
        ..Scenario::default()
    };
    let outcome = run(&graph, &flows, &nowhere, &settings, &|_| ());
    assert_eq!(product(&outcome, "x").served, vec![10.0; 12]);
}

#[test]
fn backlog_is_served_late_and_counts_as_short_until_cleared() {
    // The site outage of the chain, with backlog: W owes 10, 20, 30 after weeks 4 to 6. A's
    // catch-up reaches W as 20 a week in weeks 7 to 9; W serves the oldest demand first, so
    // weeks 7 and 8 are late too (backlog 20, then 10) and week 9 clears it.
    let graph = graph(CHAIN);
    let a = graph.site_ids.iter().position(|s| &**s == "A").unwrap() as u32;
    let outcome = simulate(
        &graph,
        vec![outage(Target::Site(a), 0.0, 2, 3, 0)],
        &settings(14, Unmet::Backlog),
    );
    let x = product(&outcome, "x");
    let mut on_time = vec![10.0; 14];
    on_time[4..9].fill(0.0);
    assert_eq!(x.served, on_time);
    assert_eq!(x.units_short, 50.0);
    assert_eq!(x.periods_short, 5);
    assert_eq!(x.time_to_recover, Some(5));
}

/// A makes p (20 a week) for B1 (6 a week) and B2 (4 a week), which each make their own product
/// and serve its demand on site.
const SHARED: &str = "
    site A TX US
    site B1 TX US
    site B2 TX US
    item p part 5 0 A:20
    item x1 product 100 0 B1:20
    item x2 product 100 0 B2:20
    bom x1 p 1
    bom x2 p 1
    demand x1 B1 6
    demand x2 B2 4
    link A B1 p 6 1
    link A B2 p 4 1
";

#[test]
fn scarce_stock_is_shared_in_proportion_to_normal_flows_or_by_priority() {
    let graph = graph(SHARED);
    let a = graph.site_ids.iter().position(|s| &**s == "A").unwrap() as u32;
    // A at 30 % for week 2 makes 6 of the 10 ordered: 3.6 to B1 and 2.4 to B2, short in week 3.
    let event = || vec![outage(Target::Site(a), 0.3, 2, 1, 0)];
    let outcome = simulate(&graph, event(), &settings(8, Unmet::LostSales));
    let short = |outcome: &Outcome, item: &str| {
        let p = product(outcome, item);
        (p.first_short, (p.units_short * 1e9).round() / 1e9)
    };
    assert_eq!(short(&outcome, "x1"), (Some(3), 2.4));
    assert_eq!(short(&outcome, "x2"), (Some(3), 1.6));
    // With x2 first, B2 gets its 4 and B1 the other 2.
    let x2 = graph.item_ids.iter().position(|s| &**s == "x2").unwrap() as u32;
    let priority =
        Settings { allocation: Allocation::Priority(vec![x2]), ..settings(8, Unmet::LostSales) };
    let outcome = simulate(&graph, event(), &priority);
    assert_eq!(short(&outcome, "x1"), (Some(3), 4.0));
    assert_eq!(short(&outcome, "x2"), (None, 0.0));
}

#[test]
fn a_dual_sourced_customer_reorders_from_the_supplier_that_still_delivers() {
    // B buys p from A and Z, 5 a week each; with A down for three weeks, B's shortfall is
    // re-ordered from Z, which has spare capacity: W is short only once, by 5.
    let text = CHAIN.replace("link A B p 10 1", "link A B p 5 1\n    link Z B p 5 1");
    let graph = graph(&text);
    let a = graph.site_ids.iter().position(|s| &**s == "A").unwrap() as u32;
    let outcome = simulate(
        &graph,
        vec![outage(Target::Site(a), 0.0, 2, 3, 0)],
        &settings(12, Unmet::LostSales),
    );
    let x = product(&outcome, "x");
    let mut served = vec![10.0; 12];
    served[4] = 5.0;
    assert_eq!(x.served, served);
    // Without spare capacity at Z (5 a week, its normal flow) W gets 5 a week until A is back.
    let graph = Graph::build(&fixture::network(&text.replace("Z:20", "Z:5"))).unwrap();
    let outcome = simulate(
        &graph,
        vec![outage(Target::Site(a), 0.0, 2, 3, 0)],
        &settings(12, Unmet::LostSales),
    );
    let x = product(&outcome, "x");
    assert_eq!(&x.served[4..7], &[5.0, 5.0, 5.0]);
}

#[test]
fn a_closure_holds_what_a_site_reaches_and_gives_up_past_its_limit() {
    // B's positions (p and x) reach W's x along the link and nothing else: 3 of the 5 positions
    // (A, B and Z hold p; B and W hold x).
    let graph = graph(CHAIN);
    let flows = Flows::new(&graph, Period::Week);
    let seeds = flows.at_site.row(graph.site("B").unwrap()).to_vec();
    let named = |keep: Vec<bool>| {
        let mut kept: Vec<(&str, &str)> = (0..keep.len())
            .filter(|&q| keep[q])
            .map(|q| {
                let (site, item) = flows.positions[q];
                (&*graph.site_ids[site as usize], &*graph.item_ids[item as usize])
            })
            .collect();
        kept.sort();
        kept
    };
    assert_eq!(flows.n_positions(), 5);
    let closure = flows.closure(&seeds, 3).expect("3 positions are within a limit of 3");
    assert_eq!(named(closure), [("B", "p"), ("B", "x"), ("W", "x")]);
    assert!(flows.closure(&seeds, 2).is_none());
    // From A's p: along the link to B's p, to B's x, whose source uses it, and on to W's x.
    let a = flows.at_site.row(graph.site("A").unwrap()).to_vec();
    let closure = flows.closure(&a, 5).expect("within the network");
    assert_eq!(named(closure), [("A", "p"), ("B", "p"), ("B", "x"), ("W", "x")]);
}

#[test]
fn a_struck_suppliers_co_suppliers_are_where_its_customers_reorder() {
    // B buys p from A and Z; with A down, B re-orders its shortfall from Z. A's closure holds
    // Z's p, A's co-supplier, and a run on it reaches nothing; without Z's p it reaches Z.
    let text = CHAIN.replace("link A B p 10 1", "link A B p 5 1\n    link Z B p 5 1");
    let graph = graph(&text);
    let flows = Flows::new(&graph, Period::Week);
    let a = graph.site("A").unwrap();
    let [a_p] = flows.at_site.row(a) else { panic!("A holds p alone") };
    let [z_p] = flows.at_site.row(graph.site("Z").unwrap()) else { panic!("Z holds p alone") };
    let mut co_suppliers: Vec<u32> = flows.co_suppliers(*a_p).collect();
    co_suppliers.sort();
    let mut expected = vec![*a_p, *z_p];
    expected.sort();
    assert_eq!(co_suppliers, expected);
    // W's x has no customer, so no co-supplier.
    let [w_x] = flows.at_site.row(graph.site("W").unwrap()) else { panic!("W holds x alone") };
    assert_eq!(flows.co_suppliers(*w_x).count(), 0);

    let mut keep = flows.closure(&[*a_p], flows.n_positions()).expect("within the network");
    assert_eq!(keep.iter().filter(|&&kept| kept).count(), 5, "the whole network");
    let events = vec![outage(Target::Site(a), 0.0, 2, 3, 0)];
    let scenario = Scenario { events, ..Scenario::default() };
    let settings = settings(12, Unmet::LostSales);
    let reached = |keep: &[bool]| {
        let part = flows.restrict(keep);
        let effects = super::effects::Effects::new(&graph, &part, &scenario);
        super::step::simulate(&graph, &part, &effects, &settings, &|_| ()).outside
    };
    assert_eq!(reached(&keep), Vec::<u32>::new());
    keep[*z_p as usize] = false;
    let outside = reached(&keep);
    assert!(!outside.is_empty() && outside.iter().all(|q| q == z_p), "{outside:?}");
}

#[test]
fn a_restriction_reaches_nothing_without_events() {
    // B's p alone: its only user, B's source of x, is outside and draws its normal 10 a week,
    // which A's link brings in. Nothing outside is reached in any period (the outside need
    // once piled up from period to period and reached B's source in the second).
    let graph = graph(CHAIN);
    let flows = Flows::new(&graph, Period::Week);
    let p = graph.item_ids.iter().position(|i| &**i == "p").unwrap() as u32;
    let b = graph.site("B").unwrap();
    let bp = flows.at_site.row(b).iter().copied().find(|&q| flows.positions[q as usize].1 == p);
    let mut keep = vec![false; flows.n_positions()];
    keep[bp.unwrap() as usize] = true;
    let part = flows.restrict(&keep);
    assert_eq!((part.n_positions(), part.outside.len()), (1, 1));
    let effects = super::effects::Effects::new(&graph, &part, &Scenario::default());
    let settings = settings(12, Unmet::LostSales);
    let trace = super::step::simulate(&graph, &part, &effects, &settings, &|_| ());
    assert!(trace.outside.is_empty(), "reached {:?}", trace.outside);
}

#[test]
fn lead_times_come_from_distance_when_links_give_none() {
    // A to B is about 510 km: under a week, so one period; with days it is one day.
    let graph = graph(&CHAIN.replace("link A B p 10 1", "link A B p 10"));
    let weeks = Flows::new(&graph, Period::Week);
    let days = Flows::new(&graph, Period::Day);
    let ab = |flows: &Flows| {
        flows
            .links
            .iter()
            .find(|l| l.normal > 0.0 && flows.positions[l.from as usize].1 == 0)
            .unwrap()
            .transit
    };
    assert_eq!(ab(&weeks), 1);
    assert_eq!(ab(&days), 1);
    // B to W keeps its week: seven days.
    let bw = days.links.iter().find(|l| days.positions[l.from as usize].1 == 1).unwrap();
    assert_eq!(bw.transit, 7);
    let outcome =
        run(&graph, &days, &Scenario::default(), &settings(30, Unmet::LostSales), &|_| ());
    assert_eq!(product(&outcome, "x").fill_rate, 1.0);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn generated_networks_run_at_full_fill_rate_and_conserve_stock(n_sites in 50usize..250, seed in any::<u64>(), days in any::<bool>()) {
        let graph = Graph::build(&generate(&GenerateConfig { n_sites, seed })).unwrap();
        let period = if days { Period::Day } else { Period::Week };
        let flows = Flows::new(&graph, period);
        let horizon = if days { 91 } else { 52 };
        let outcome = run(&graph, &flows, &Scenario::default(), &settings(horizon, Unmet::Backlog), &|_| ());
        assert_conserved(&outcome);
        for product in &outcome.products {
            prop_assert!(product.first_short.is_none(), "{} short in period {:?}", product.item, product.first_short);
            prop_assert!((product.fill_rate - 1.0).abs() < 1e-9);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(6))]

    /// The risk model re-routes perfectly through every qualified source; the simulation keeps
    /// the links and their lead times, so a site down from the start for its time to recover
    /// never costs less in the simulation than its loss in the risk model, once the goods in
    /// transit at the start count as inventory.
    #[test]
    fn an_outage_never_costs_less_than_the_risk_model_says(n_sites in 50usize..90, seed in any::<u64>(), weeks in 6u32..12) {
        let mut network = generate(&GenerateConfig { n_sites, seed });
        // Without stock on hand, so that outages cost something.
        network.inventory.clear();
        for site in &mut network.sites {
            site.ttr_weeks = f64::from(weeks);
        }
        let graph = Graph::build(&network).unwrap();
        let flows = Flows::new(&graph, Period::Week);
        for link in &flows.links {
            network.inventory.push(model::Inventory {
                site: graph.site_ids[link.customer as usize].to_string(),
                item: graph.item_ids[link.item as usize].to_string(),
                units: link.normal * f64::from(link.transit),
            });
        }
        let with_transit = Graph::build(&network).unwrap();
        let exposure = crate::risk::exposure(&with_transit, None, &|_| true).unwrap();
        let settings = Settings { ledger: false, ..settings(weeks + 12, Unmet::LostSales) };
        let mut compared = 0;
        for e in exposure.iter().filter(|e| e.loss.is_some_and(|l| l > 0.0)) {
            let site = graph.site_ids.iter().position(|s| *s == e.site).unwrap() as u32;
            let events = vec![outage(Target::Site(site), 0.0, 0, weeks, 0)];
            let outcome = run(&graph, &flows, &Scenario { events, opening: Vec::new() }, &settings, &|_| ());
            let loss = e.loss.unwrap();
            prop_assert!(
                outcome.value_short >= loss * (1.0 - 1e-6),
                "site {}: simulated {} < risk model {}", e.site, outcome.value_short, loss
            );
            compared += 1;
        }
        prop_assert!(compared > 0, "no site with a loss to compare");
    }
}

/// A link whose lead time is longer than any horizon runs as one week past the longest: its
/// normal flow, in transit at the start, arrives every week, so its supplier's outage costs
/// nothing within the run, the same as with a lead time of 521 weeks; the longest lead time a
/// network may give, 1,000,000 weeks, does not ask for a ring buffer of that many weeks.
#[test]
fn lead_times_past_the_longest_horizon_run_as_one_week_past_it() {
    let down = || vec![outage(Target::Site(0), 0.0, 2, 10, 0)];
    let run_with = |lead: &str, transit: u32| {
        let g = graph(&CHAIN.replace("link A B p 10 1", &format!("link A B p 10 {lead}")));
        let flows = Flows::new(&g, Period::Week);
        let from_a: Vec<(u32, u32)> = flows
            .links
            .iter()
            .filter(|l| l.supplier == 0)
            .map(|l| (l.supplier, l.transit))
            .collect();
        assert_eq!(from_a, [(0, transit)]);
        simulate(&g, down(), &settings(52, Unmet::Backlog))
    };
    let far = run_with("1e6", 521);
    let x = product(&far, "x");
    assert_eq!((x.fill_rate, x.periods_short), (1.0, 0), "A's goods were on their way");
    assert_eq!(format!("{:?}", far.products), format!("{:?}", run_with("521", 521).products));
    let near = run_with("1", 1);
    assert!(product(&near, "x").fill_rate < 1.0, "with a week's lead time A's outage shows");
}
