//! Tests of the Monte Carlo stress test: restricted runs equal whole-network runs, and so do runs
//! on the flows numbered as first met; results do not depend on the thread count, percentiles
//! and hazard rates are what they say, and the tail is blamed on the site that causes it.

use proptest::prelude::*;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;

use super::{Hazards, MonteCarlo, Undrawn, draw, monte_carlo, percentile};
use crate::fixture;
use crate::generate::{GenerateConfig, generate};
use crate::graph::Graph;
use crate::simulate::effects::Effects;
use crate::simulate::results::{NO_CAUSE, causes, unseen};
use crate::simulate::run_restricted;
use crate::simulate::step::{
    Halves, ShipPiece, add_arrivals, carries, component_needs, outside_need, slot_starts,
};
use crate::simulate::tests::assert_conserved;
use crate::simulate::{Allocation, Flows, Period, Scenario, Settings, Unmet, run, stress};

fn busy_hazards() -> Hazards {
    Hazards {
        site_outages_per_year: 0.3,
        regional_events_per_year: 6.0,
        state_events_per_year: 2.0,
        ..Hazards::default()
    }
}

fn options(scenarios: u32, seed: u64, hazards: Hazards) -> MonteCarlo {
    MonteCarlo { scenarios, seed, horizon: 26, unmet: Unmet::LostSales, threshold: 0.95, hazards }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]

    /// Every product's units due and served in every period are the same whether the scenario
    /// runs over the whole network or only over the part it can change (the rest then runs as
    /// with no scenario).
    #[test]
    fn restricted_runs_equal_whole_network_runs(n_sites in 50usize..200, seed in any::<u64>(), backlog in any::<bool>(), extra_stock in any::<bool>()) {
        let graph = Graph::build(&generate(&GenerateConfig { n_sites, seed })).unwrap();
        let flows = Flows::new(&graph, Period::Week);
        let unmet = if backlog { Unmet::Backlog } else { Unmet::LostSales };
        let settings = Settings { horizon: 26, unmet, allocation: Allocation::Proportional, ledger: false };
        let mc = options(1, seed, busy_hazards());
        let located: Vec<u32> = (0..graph.n_sites() as u32).collect();
        let with_state = located.clone();
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut scenario = draw(&graph, Period::Week, &mc, &located, &with_state, &mut rng);
        if extra_stock {
            // Some customers report three weeks of what they receive in stock at the start
            // (generated networks hold none).
            let received = (0..graph.n_sites() as u32)
                .flat_map(|site| graph.links_in.row(site).iter().map(move |link| (site, link)));
            for (site, link) in received.step_by(7) {
                let units = 3.0 * link.units_per_week;
                scenario.opening.push(crate::simulate::OpeningStock { site, item: link.item, units });
            }
            prop_assert!(!scenario.opening.is_empty());
        }
        let whole = run(&graph, &flows, &scenario, &settings, &|_| ());
        let baseline = run(&graph, &flows, &Scenario::default(), &settings, &|_| ());
        let part = run_restricted(&graph, &flows, &scenario, &settings, &|_| ());
        // Stock is conserved in every period of both runs (the part's ledger covers its
        // positions, with what sources outside use of them as consumption).
        let ledger = Settings { ledger: true, ..settings.clone() };
        assert_conserved(&run(&graph, &flows, &scenario, &ledger, &|_| ()));
        assert_conserved(&run_restricted(&graph, &flows, &scenario, &ledger, &|_| ()));
        // `stress` restricts the run on its own when the network is certified steady (generated
        // networks are) and lists every product.
        prop_assert!(flows.steady());
        let fast = stress(&graph, &flows, &scenario, &settings, &|_| ());
        prop_assert_eq!(fast.products.len(), whole.products.len());
        prop_assert!((fast.value_short - whole.value_short).abs() <= 1e-9 * (1.0 + whole.value_short));
        for product in &whole.products {
            let quick = fast.products.iter().find(|p| p.item == product.item).unwrap();
            prop_assert_eq!(quick.first_short, product.first_short);
            for (x, y) in quick.served.iter().zip(&product.served) {
                prop_assert!((x - y).abs() <= 1e-9 * (1.0 + x.abs()));
            }
        }
        for product in &whole.products {
            let other = part
                .products
                .iter()
                .find(|p| p.item == product.item)
                .or_else(|| baseline.products.iter().find(|p| p.item == product.item))
                .unwrap();
            for (key, a, b) in [("due", &product.due, &other.due), ("served", &product.served, &other.served)] {
                for (t, (x, y)) in a.iter().zip(b).enumerate() {
                    prop_assert!((x - y).abs() <= 1e-9 * (1.0 + x.abs()), "{} {key} period {t}: {x} vs {y}", product.item);
                }
            }
        }
    }
}

/// A generated network, 26-week settings and one scenario drawn from the busy hazards.
fn busy_run(n_sites: usize, seed: u64, backlog: bool) -> (Graph, Settings, Scenario) {
    let graph = Graph::build(&generate(&GenerateConfig { n_sites, seed })).unwrap();
    let unmet = if backlog { Unmet::Backlog } else { Unmet::LostSales };
    let settings =
        Settings { horizon: 26, unmet, allocation: Allocation::Proportional, ledger: false };
    let located: Vec<u32> = (0..graph.n_sites() as u32).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mc = options(1, seed, busy_hazards());
    let scenario = draw(&graph, Period::Week, &mc, &located, &located, &mut rng);
    (graph, settings, scenario)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]

    /// The walks up from a product that fell short skip the positions with no cause upstream,
    /// and name the same causes in the same order as walks that visit everything.
    #[test]
    fn walks_up_skip_only_what_leads_to_no_cause(n_sites in 50usize..200, seed in any::<u64>(), backlog in any::<bool>()) {
        let (graph, settings, scenario) = busy_run(n_sites, seed, backlog);
        let flows = Flows::new(&graph, Period::Week);
        let effects = Effects::new(&graph, &flows, &scenario);
        let trace = crate::simulate::step::simulate(&graph, &flows, &effects, &settings, &|_| ());
        let unseen = unseen(&flows, &trace);
        prop_assert!(unseen.contains(&NO_CAUSE) && unseen.contains(&0));
        let mut named = 0;
        for item in 0..graph.n_items() as u32 {
            let rows: Vec<u32> = (0..flows.demand.len() as u32)
                .filter(|&r| flows.demand[r as usize].item == item)
                .collect();
            let skipping = causes(&graph, &flows, &effects, &trace, &rows, item, &mut unseen.clone());
            let mut nothing_seen = vec![0; flows.n_positions()];
            let everywhere = causes(&graph, &flows, &effects, &trace, &rows, item, &mut nothing_seen);
            prop_assert_eq!(format!("{skipping:?}"), format!("{everywhere:?}"));
            named += skipping.len();
        }
        prop_assert!(named > 0, "some product names a cause");
    }

    /// A period's component needs come out the same to the last bit source by source and
    /// position by position (in pieces of 16), over the whole network and over a part of it
    /// whose components sources outside use too.
    #[test]
    fn component_needs_are_the_same_either_way(n_sites in 50usize..200, seed in any::<u64>(), outputs in prop::collection::vec(0.0f64..1e4, 1..40)) {
        let graph = Graph::build(&generate(&GenerateConfig { n_sites, seed })).unwrap();
        let whole = Flows::new(&graph, Period::Week);
        // Every third position and, over and over, the components of the sources kept.
        let mut keep: Vec<bool> = (0..whole.n_positions()).map(|q| q % 3 == 0).collect();
        let mut grown = true;
        while grown {
            grown = false;
            for (k, source) in whole.sources.iter().enumerate() {
                if keep[source.position as usize] {
                    for &(c, _) in whole.components.row(k as u32) {
                        grown |= !std::mem::replace(&mut keep[c as usize], true);
                    }
                }
            }
        }
        let part = whole.restrict(&keep);
        prop_assert!(!outside_need(&part).is_empty(), "sources outside use the part's stock");
        for flows in [&whole, &part] {
            let made: Vec<f64> =
                (0..flows.sources.len()).map(|k| outputs[k % outputs.len()] * (k as f64 + 1.0).sqrt()).collect();
            let outside = outside_need(flows);
            let mut by_source = vec![f64::NAN; flows.n_positions()];
            let mut in_pieces = by_source.clone();
            component_needs(flows, &made, &outside, &mut by_source, true);
            component_needs(flows, &made, &outside, &mut in_pieces, false);
            let bits = |needs: &[f64]| needs.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            prop_assert_eq!(bits(&by_source), bits(&in_pieces));
        }
    }

    /// A period's arrivals come out the same to the last bit in one pass over the links and
    /// in two halves side by side, on stock and goods in transit of any size (the halves split
    /// the links near the middle, so both have some).
    #[test]
    fn arrivals_are_the_same_in_halves(n_sites in 50usize..200, seed in any::<u64>(), amounts in prop::collection::vec(0.0f64..1e4, 1..40)) {
        let graph = Graph::build(&generate(&GenerateConfig { n_sites, seed })).unwrap();
        let flows = Flows::new(&graph, Period::Week);
        let starts = slot_starts(&flows);
        let carry = carries(&flows, &starts);
        let halves = Halves::split(&flows, &carry);
        prop_assert!(halves.sizes().0 > 0 && halves.sizes().1 > 0, "both halves hold links");
        let amount = |i: usize| amounts[i % amounts.len()] * (i as f64 + 1.0).sqrt();
        let pipe: Vec<f64> = (0..starts[flows.links.len()]).map(amount).collect();
        let bits = |stock: &[f64]| stock.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        let mut one_pass: Vec<f64> = (0..flows.n_positions()).map(|q| amount(q + 7)).collect();
        let mut in_halves = one_pass.clone();
        for t in 0..6 {
            add_arrivals(&carry, &pipe, t, &mut one_pass, 0);
            halves.arrive(&pipe, t, &mut in_halves);
            prop_assert_eq!(bits(&one_pass), bits(&in_halves));
        }
    }

    /// The simulation runs on flows numbered item by item; everything a period adds up comes in
    /// the same order as in the flows numbered as first met, so every result is the same to the
    /// last bit.
    #[test]
    fn numbering_the_flows_item_by_item_changes_no_result(n_sites in 50usize..200, seed in any::<u64>(), backlog in any::<bool>()) {
        let (graph, settings, scenario) = busy_run(n_sites, seed, backlog);
        let by_item = Flows::new(&graph, Period::Week);
        let as_met = Flows::with_positions(&graph, Period::Week, &[]);
        prop_assert_ne!(&by_item.positions, &as_met.positions);
        let a = run(&graph, &by_item, &scenario, &settings, &|_| ());
        let b = run(&graph, &as_met, &scenario, &settings, &|_| ());
        // A scenario that loses nothing would compare nothing: another is drawn.
        prop_assume!(a.value_short > 0.0, "the scenario loses something");
        prop_assert_eq!(format!("{:?}", a.products), format!("{:?}", b.products));
    }

    /// A run splits each pass of a period into pieces (of 16 entries in tests) that threads
    /// share out: which thread runs which piece, and when, changes no result to the last bit
    /// (one, two and three threads), over the flows numbered item by item and as first met
    /// (where shipping can be cut in fewer places).
    #[test]
    fn splitting_a_run_over_threads_changes_no_result(n_sites in 50usize..200, seed in any::<u64>(), backlog in any::<bool>()) {
        let (graph, settings, scenario) = busy_run(n_sites, seed, backlog);
        let by_item = Flows::new(&graph, Period::Week);
        // Item by item, the shipping pass is cut every 16 shippers, each piece holding its
        // shippers' links.
        let pieces = ShipPiece::split(&by_item, &slot_starts(&by_item));
        prop_assert_eq!(pieces.len(), by_item.shippers.len().div_ceil(16));
        prop_assert_eq!(pieces[0].shippers.start, 0);
        prop_assert_eq!(pieces[pieces.len() - 1].shippers.end, by_item.shippers.len());
        for pair in pieces.windows(2) {
            prop_assert_eq!(pair[0].shippers.end, pair[1].shippers.start);
            prop_assert_eq!(pair[0].links.end, pair[1].links.start);
        }
        for (s, shipper) in by_item.shippers.iter().enumerate() {
            let piece = pieces.iter().find(|p| p.shippers.contains(&s)).unwrap();
            for &l in &by_item.links_out.entries()[shipper.links()] {
                prop_assert!(piece.links.contains(&(l as usize)));
            }
        }
        for flows in [by_item, Flows::with_positions(&graph, Period::Week, &[])] {
            let on = |threads: usize| {
                let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
                pool.install(|| run(&graph, &flows, &scenario, &settings, &|_| ()))
            };
            let one = on(1);
            prop_assume!(one.value_short > 0.0, "the scenario loses something");
            for threads in [2, 3] {
                prop_assert_eq!(format!("{:?}", one.products), format!("{:?}", on(threads).products));
            }
        }
    }
}

#[test]
fn results_do_not_depend_on_the_number_of_threads() {
    let graph = Graph::build(&generate(&GenerateConfig { n_sites: 150, seed: 7 })).unwrap();
    let flows = Flows::new(&graph, Period::Week);
    let mc = options(40, 11, busy_hazards());
    let with = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| monte_carlo(&graph, &flows, &mc, &|_| true))
    };
    let (one, two) = (with(1), with(2));
    assert_eq!(one.losses, two.losses);
    assert!(one.losses.iter().any(|&l| l > 0.0), "some scenario loses something");
    assert_eq!(format!("{:?}", one.products), format!("{:?}", two.products));
    assert_eq!(format!("{:?}", one.tail_sites), format!("{:?}", two.tail_sites));
    // Another seed draws other scenarios.
    let other = monte_carlo(&graph, &flows, &MonteCarlo { seed: 12, ..mc.clone() }, &|_| true);
    assert_ne!(one.losses, other.losses);
}

/// A hazard that needs what no site has (coordinates for regional events, a state for state
/// events) draws nothing, and the report says which; with them, it draws and says nothing.
#[test]
fn hazards_that_can_draw_nothing_are_named() {
    let mut network = generate(&GenerateConfig { n_sites: 60, seed: 3 });
    let run = |network: &model::Network, hazards: Hazards| {
        let graph = Graph::build(network).unwrap();
        let flows = Flows::new(&graph, Period::Week);
        monte_carlo(&graph, &flows, &options(30, 5, hazards), &|_| true)
    };
    let regional_only = Hazards {
        site_outages_per_year: 0.0,
        regional_events_per_year: 4.0,
        state_events_per_year: 3.0,
        ..Hazards::default()
    };
    let placed = run(&network, regional_only.clone());
    assert!(placed.undrawn.is_empty(), "{:?}", placed.undrawn);
    assert!(placed.mean_events > 1.0, "{} events a scenario", placed.mean_events);
    for site in &mut network.sites {
        (site.latitude, site.longitude, site.state) = (None, None, None);
    }
    let nowhere = run(&network, regional_only.clone());
    assert_eq!(nowhere.undrawn, [Undrawn::Regional, Undrawn::State]);
    assert_eq!(nowhere.mean_events, 0.0);
    // A rate of 0 asks for nothing, so nothing is missed.
    let none = Hazards { regional_events_per_year: 0.0, ..regional_only };
    assert_eq!(run(&network, none).undrawn, [Undrawn::State]);
}

#[test]
fn stops_when_told() {
    let graph = Graph::build(&generate(&GenerateConfig { n_sites: 150, seed: 7 })).unwrap();
    let flows = Flows::new(&graph, Period::Week);
    let asked = std::sync::atomic::AtomicU64::new(0);
    let mc = options(2_000, 11, busy_hazards());
    let report = monte_carlo(&graph, &flows, &mc, &|_| {
        asked.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < 99
    });
    let asked = asked.into_inner();
    assert!(asked < 2_000, "stopped after {asked} of 2,000 scenarios");
    // It reports on the scenarios from the first on, and only those: as a run asked for them.
    assert_eq!(report.asked, 2_000);
    assert!((64..asked as u32).contains(&report.scenarios), "{} of {asked}", report.scenarios);
    let fewer = MonteCarlo { scenarios: report.scenarios, ..mc };
    let whole = monte_carlo(&graph, &flows, &fewer, &|_| true);
    assert_eq!(whole.asked, report.scenarios);
    assert_eq!(super::MonteCarloReport { asked: whole.asked, ..report }, whole);
    // Told to stop at once, it still runs the first scenario.
    let first = monte_carlo(&graph, &flows, &fewer, &|_| false);
    assert!(first.scenarios >= 1, "{}", first.scenarios);
}

#[test]
fn nearest_rank_percentiles() {
    let values: Vec<f64> = (1..=100).map(f64::from).collect();
    assert_eq!(percentile(&values, 0.50), 50.0);
    assert_eq!(percentile(&values, 0.95), 95.0);
    assert_eq!(percentile(&values, 0.99), 99.0);
    assert_eq!(percentile(&values, 1.0), 100.0);
    assert_eq!(percentile(&[5.0], 0.5), 5.0);
    assert_eq!(percentile(&[], 0.5), 0.0);
    // Twenty values: the 95th percentile is the 19th.
    let twenty: Vec<f64> = (1..=20).map(f64::from).collect();
    assert_eq!(percentile(&twenty, 0.95), 19.0);
}

#[test]
fn events_are_drawn_at_their_rates() {
    let graph = Graph::build(&generate(&GenerateConfig { n_sites: 200, seed: 3 })).unwrap();
    let hazards = Hazards {
        site_outages_per_year: 0.05,
        regional_events_per_year: 2.0,
        state_events_per_year: 1.0,
        ..Hazards::default()
    };
    // 52 weeks: on average 0.05 × 200 + 2 + 1 = 13 events.
    let mc = MonteCarlo { horizon: 52, ..options(2000, 5, hazards) };
    let located: Vec<u32> = (0..graph.n_sites() as u32).collect();
    let mut total = 0usize;
    for i in 0..mc.scenarios {
        let mut rng = ChaCha8Rng::seed_from_u64(mc.seed);
        rng.set_stream(u64::from(i));
        let scenario = draw(&graph, Period::Week, &mc, &located, &located, &mut rng);
        for event in &scenario.events {
            assert!(event.start < mc.horizon && event.duration >= 1);
        }
        total += scenario.events.len();
    }
    let mean = total as f64 / f64::from(mc.scenarios);
    // The count is Poisson with mean 13: over 2,000 draws the mean is within 0.3 of it (about
    // four standard errors).
    assert!((mean - 13.0).abs() < 0.3, "mean {mean}");
}

#[test]
fn the_tail_is_blamed_on_the_site_that_causes_it() {
    // Outages strike A, B and W; A's last about six times as long as B's, and W makes nothing,
    // so most of the tail loss traces back to A, though its p is worth a twentieth of B's x:
    // the shares go by the units of x what each was kept from making would have made.
    let network = fixture::network(
        "
        site A TX US ttr=6
        site B TX US ttr=1
        site W TX US ttr=1
        item p part 5 0 A:20
        item x product 100 0 B:40
        bom x p 1
        demand x W 10
        link A B p 10 1
        link B W x 10 1
        ",
    );
    let graph = Graph::build(&network).unwrap();
    let flows = Flows::new(&graph, Period::Week);
    let hazards = Hazards {
        site_outages_per_year: 2.0,
        partial_share: 0.0,
        regional_events_per_year: 0.0,
        ..Hazards::default()
    };
    let report = monte_carlo(&graph, &flows, &options(400, 1, hazards.clone()), &|_| true);
    assert!(report.loss.p95 > 0.0, "{:?}", report.loss);
    assert!(report.loss.worst >= report.loss.p99 && report.loss.p99 >= report.loss.p95);
    assert!(report.loss.p95 >= report.loss.p50);
    let first = &report.tail_sites[0];
    assert_eq!(&*first.name, "A");
    assert!(first.share > 0.5, "{:?}", report.tail_sites);
    assert_eq!(&*report.tail_regions[0].name, "TX");
    assert!(report.products[0].probability_below > 0.0);

    // Sites with neither a state nor a country (a Willems chain's) form a region of their own.
    let mut unplaced = network;
    for site in &mut unplaced.sites {
        (site.state, site.country) = (None, None);
    }
    let graph = Graph::build(&unplaced).unwrap();
    let flows = Flows::new(&graph, Period::Week);
    let report = monte_carlo(&graph, &flows, &options(400, 1, hazards), &|_| true);
    let [region] = &report.tail_regions[..] else { panic!("{:?}", report.tail_regions) };
    assert_eq!(&*region.name, "(no state or country)");
    assert!((region.share - 1.0).abs() < 1e-9, "{region:?}");
}

/// At a size where many events overlap and stock ends up holding rounding residues, restricted
/// runs still equal whole-network runs (a fill of 1e-15 once sent re-orders one way in one run
/// and the other way in the other, before such fills counted as none).
#[test]
fn restricted_runs_equal_whole_network_runs_with_many_events() {
    let graph = Graph::build(&generate(&GenerateConfig { n_sites: 1500, seed: 1 })).unwrap();
    let flows = Flows::new(&graph, Period::Week);
    let settings = Settings {
        horizon: 52,
        unmet: Unmet::LostSales,
        allocation: Allocation::Proportional,
        ledger: false,
    };
    let mc = MonteCarlo { horizon: 52, ..options(1, 7, Hazards::default()) };
    let located: Vec<u32> = (0..graph.n_sites() as u32).collect();
    for i in 0..12u64 {
        let mut rng = ChaCha8Rng::seed_from_u64(mc.seed);
        rng.set_stream(i);
        let scenario = draw(&graph, Period::Week, &mc, &located, &located, &mut rng);
        let whole = run(&graph, &flows, &scenario, &settings, &|_| ());
        let fast = stress(&graph, &flows, &scenario, &settings, &|_| ());
        let difference = (whole.value_short - fast.value_short).abs() / (1.0 + whole.value_short);
        assert!(difference <= 1e-9, "scenario {i}: {} vs {}", whole.value_short, fast.value_short);
    }
}
