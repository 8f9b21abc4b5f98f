//! Hand-worked exposures, the fast path against the literal programs, and the properties of the
//! measures on generated networks.

use expect_test::{Expect, expect};
use proptest::prelude::*;

use super::{Method, exposure, exposure_with_limit, reference};
use crate::fixture::network;
use crate::generate::{GenerateConfig, generate};
use crate::graph::Graph;
use crate::lp::{Outcome, Sense, solve};
use crate::risk::formulation::{Pooled, Question, program};

fn check(fixture: &str, expect: &Expect) {
    let graph = Graph::build(&network(fixture)).unwrap();
    let fast = exposure(&graph, None, &|_| true).unwrap();
    let slow = reference(&graph, None);
    same(&fast, &slow);
    let mut lines: Vec<String> = fast
        .iter()
        .map(|e| {
            let tts = e.tts_weeks.map_or("for ever".to_owned(), |t| format!("{t:.4} weeks"));
            format!(
                "{} ttr {} loss {:.2} index {:.3} survives {tts} ({:?})",
                e.site,
                e.ttr_weeks,
                e.loss.unwrap(),
                e.exposure_index.unwrap(),
                e.method
            )
        })
        .collect();
    lines.sort();
    expect.assert_eq(&lines.join("\n"));
}

/// The fast path and the reference agree on every site (relative error at most 1e-6).
fn same(fast: &[super::SiteExposure], slow: &[super::SiteExposure]) {
    assert_eq!(fast.len(), slow.len());
    for f in fast {
        let s = slow.iter().find(|s| s.site == f.site).unwrap();
        let (a, b) = (f.loss.unwrap(), s.loss.unwrap());
        assert!(
            (a - b).abs() <= 1e-6 * (1.0 + a.abs().max(b.abs())),
            "{}: loss {a} vs {b}",
            f.site
        );
        match (f.tts_weeks, s.tts_weeks) {
            (None, None) => {}
            (Some(a), Some(b)) => {
                assert!((a - b).abs() <= 1e-6 * (1.0 + a.abs()), "{}: tts {a} vs {b}", f.site)
            }
            (a, b) => panic!("{}: tts {a:?} vs {b:?}", f.site),
        }
    }
}

#[test]
fn single_sourced_chain_with_and_without_inventory() {
    // pump: 10 a week at 100 each, 2 shafts per pump, each site down 4 weeks: 4000 lost.
    check(
        "
        site a OH US
        site b MI US
        site idle TX US
        item pump product 100 10 a:20
        item shaft part 10 0 b:40
        bom pump shaft 2
        ",
        &expect![[r#"
            a ttr 4 loss 4000.00 index 1.000 survives 0.0000 weeks (RestrictedProgram)
            b ttr 4 loss 4000.00 index 1.000 survives 0.0000 weeks (RestrictedProgram)
            idle ttr 4 loss 0.00 index 0.000 survives for ever (NoDownstreamDemand)"#]],
    );
    // 30 shafts in stock make 15 pumps of the 40 due: 25 x 100 lost; they last 1.5 weeks.
    check(
        "
        site a OH US
        site b MI US
        item pump product 100 10 a:20
        item shaft part 10 0 b:40
        bom pump shaft 2
        inventory b shaft 30
        ",
        &expect![[r#"
            a ttr 4 loss 4000.00 index 1.000 survives 0.0000 weeks (RestrictedProgram)
            b ttr 4 loss 2500.00 index 0.625 survives 1.5000 weeks (RestrictedProgram)"#]],
    );
}

#[test]
fn dual_sourced_part_with_and_without_spare_capacity() {
    // Without spare: c2 alone makes 15 shafts, 7.5 pumps a week of 10: 2.5 x 4 x 100 lost.
    check(
        "
        site a OH US ttr=1
        site b MI US
        site c2 IN US
        item pump product 100 10 a:20
        item shaft part 10 0 b:15,c2:15
        bom pump shaft 2
        ",
        &expect![[r#"
            a ttr 1 loss 1000.00 index 1.000 survives 0.0000 weeks (RestrictedProgram)
            b ttr 4 loss 1000.00 index 1.000 survives 0.0000 weeks (RestrictedProgram)
            c2 ttr 4 loss 1000.00 index 1.000 survives 0.0000 weeks (RestrictedProgram)"#]],
    );
    check(
        "
        site a OH US ttr=1
        site b MI US
        site c2 IN US
        item pump product 100 10 a:20
        item shaft part 10 0 b:30,c2:30
        bom pump shaft 2
        ",
        &expect![[r#"
            a ttr 1 loss 1000.00 index 1.000 survives 0.0000 weeks (RestrictedProgram)
            b ttr 4 loss 0.00 index 0.000 survives for ever (AbsorbedBySpareCapacity)
            c2 ttr 4 loss 0.00 index 0.000 survives for ever (AbsorbedBySpareCapacity)"#]],
    );
}

#[test]
fn shared_component_goes_to_the_more_valuable_product() {
    // x down 2 weeks with 10 magnets in stock: they make 10 of the 20 pumps due (1000 lost) and
    // none of the 20 fans (1000 lost); 20 magnets a week are needed, so stock lasts half a week.
    check(
        "
        site a OH US
        site f OH US
        site x PA US ttr=2
        item pump product 100 10 a:20
        item fan product 50 10 f:20
        item magnet part 5 0 x:40
        bom pump magnet 1
        bom fan magnet 1
        inventory x magnet 10
        ",
        &expect![[r#"
            a ttr 4 loss 4000.00 index 1.000 survives 0.0000 weeks (RestrictedProgram)
            f ttr 4 loss 2000.00 index 0.500 survives 0.0000 weeks (RestrictedProgram)
            x ttr 2 loss 2000.00 index 0.500 survives 0.5000 weeks (RestrictedProgram)"#]],
    );
}

#[test]
fn critical_site_two_tiers_up_and_shared_process_hours() {
    // casting is made only at x (down 3 weeks): no pumps for 3 weeks, 3 x 10 x 100 lost.
    // a assembles pumps and valves on 30 hours of "asm"; when b (the other valve source) is
    // down, a makes all 10 valves too: 20 hours, within capacity.
    check(
        "
        site a OH US
        site b MI US ttr=1
        site h IN US
        site x PA US ttr=3
        item pump product 100 10 a:20
        item valve product 20 10 a:20,b:20
        item housing part 10 0 h:20
        item casting part 2 0 x:20
        bom pump housing 1
        bom housing casting 1
        routing pump asm 1
        routing valve asm 1
        capability a asm 30
        capability b asm 30
        ",
        &expect![[r#"
            a ttr 4 loss 4000.00 index 1.000 survives 0.0000 weeks (RestrictedProgram)
            b ttr 1 loss 0.00 index 0.000 survives for ever (AbsorbedBySpareCapacity)
            h ttr 4 loss 4000.00 index 1.000 survives 0.0000 weeks (RestrictedProgram)
            x ttr 3 loss 3000.00 index 0.750 survives 0.0000 weeks (RestrictedProgram)"#]],
    );
}

/// The value lost with `site` down for `weeks` (no baseline subtracted).
fn loss_over(graph: &Graph, site: u32, weeks: f64) -> f64 {
    let pooled = Pooled::new(graph, None);
    match solve(
        &program(graph, &pooled, Some(site), Question::Loss { weeks }).problem,
        Sense::Minimise,
    ) {
        Outcome::Optimal(s) => s.objective,
        other => panic!("{other:?}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(6))]

    #[test]
    fn fast_path_equals_reference_and_measures_behave(n_sites in 50usize..120, seed in any::<u64>()) {
        let network = generate(&GenerateConfig { n_sites, seed });
        let graph = Graph::build(&network).unwrap();
        let fast = exposure(&graph, None, &|_| true).unwrap();
        same(&fast, &reference(&graph, None));
        let pooled = Pooled::new(&graph, None);
        let scale: f64 = (0..graph.n_items()).map(|i| pooled.demand[i] * graph.items[i].unit_value).sum();
        for e in &fast {
            let site = graph.site_ids.iter().position(|s| *s == e.site).unwrap() as u32;
            // No downstream demand, no exposure.
            if !graph.makes.row(site).iter().any(|&i| pooled.relevant[i as usize]) {
                prop_assert_eq!(e.loss, Some(0.0));
            }
            // Survives for ever exactly when nothing is lost however long the outage: nothing
            // over a million weeks when unbounded, something beyond a finite survival time.
            match e.tts_weeks {
                None => {
                    let long = loss_over(&graph, site, 1e6);
                    prop_assert!(long <= 1e-9 * scale * 1e6, "site {} loses {long} over 1e6 weeks", e.site);
                }
                Some(t) => {
                    let beyond = loss_over(&graph, site, 2.0 * t + 1.0);
                    prop_assert!(beyond > 0.0, "site {} survives {t} weeks but loses nothing beyond", e.site);
                }
            }
        }
        // Without inventory, a critical site loses at least the full demand value of the
        // products it stops, for its whole outage.
        let mut no_stock = network;
        no_stock.inventory.clear();
        let graph = Graph::build(&no_stock).unwrap();
        let fast = exposure(&graph, None, &|_| true).unwrap();
        for critical in &crate::risk::structure(&graph, None).critical_sites {
            let e = fast.iter().find(|e| e.site == critical.site).unwrap();
            let full = critical.value_at_stake * e.ttr_weeks;
            prop_assert!(e.loss.unwrap() >= full * (1.0 - 1e-9) - 1e-6, "{}: {:?} < {full}", e.site, e.loss);
        }
    }

    #[test]
    fn bounds_bound(n_sites in 50usize..120, seed in any::<u64>()) {
        let graph = Graph::build(&generate(&GenerateConfig { n_sites, seed })).unwrap();
        let bounded = exposure_with_limit(&graph, None, 0, &|_| true).unwrap();
        let exact = reference(&graph, None);
        for b in &bounded {
            let e = exact.iter().find(|e| e.site == b.site).unwrap();
            let (bl, el) = (b.loss.unwrap(), e.loss.unwrap());
            if b.method == Method::Bounded {
                prop_assert!(bl >= el * (1.0 - 1e-9) - 1e-6, "{}: bound {bl} below {el}", b.site);
                let below = match (b.tts_weeks, e.tts_weeks) {
                    (_, None) => true,
                    (None, Some(_)) => false,
                    (Some(bt), Some(et)) => bt <= et * (1.0 + 1e-9) + 1e-9,
                };
                prop_assert!(below, "{}: survival bound {:?} above {:?}", b.site, b.tts_weeks, e.tts_weeks);
            } else {
                prop_assert!((bl - el).abs() <= 1e-6 * (1.0 + el.abs()), "{}: {bl} vs {el}", b.site);
            }
        }
    }

    #[test]
    fn an_unconstrained_alternative_source_never_raises_a_loss(n_sites in 50usize..100, seed in any::<u64>(), pick in any::<prop::sample::Index>()) {
        let mut network = generate(&GenerateConfig { n_sites, seed });
        let before = exposure(&Graph::build(&network).unwrap(), None, &|_| true).unwrap();
        let item = network.items[pick.index(network.items.len())].id.clone();
        let mut helper = network.sites[0].clone();
        helper.id = "helper".into();
        network.sites.push(helper);
        network.sources.push(model::Source { site: "helper".into(), item: item.clone(), max_units_per_week: 1e9, lead_time_weeks: 1.0, unit_cost: 1.0 });
        for routing in network.routings.iter().filter(|r| r.item == item).cloned().collect::<Vec<_>>() {
            network.capabilities.push(model::Capability { site: "helper".into(), process: routing.process, hours_per_week: 1e12 });
        }
        let after = exposure(&Graph::build(&network).unwrap(), None, &|_| true).unwrap();
        for b in &before {
            let a = after.iter().find(|a| a.site == b.site).unwrap();
            prop_assert!(a.loss.unwrap() <= b.loss.unwrap() * (1.0 + 1e-9) + 1e-6, "{}: {:?} > {:?}", b.site, a.loss, b.loss);
        }
    }
}

#[test]
fn stops_when_told() {
    let graph = Graph::build(&generate(&GenerateConfig { n_sites: 80, seed: 3 })).unwrap();
    let asked = std::sync::atomic::AtomicU64::new(0);
    let stopped = exposure(&graph, None, &|_| {
        asked.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        false
    });
    assert!(stopped.is_none());
    let asked = asked.into_inner();
    assert!(asked < graph.n_sites() as u64, "stopped after {asked} of {} sites", graph.n_sites());
}
