//! Hand-worked fixtures for the structural measures, and critical sites checked against the
//! naive definition (remove each site, see which products can no longer be made).

use expect_test::{Expect, expect};
use proptest::prelude::*;

use crate::fixture::network;
use crate::generate::{GenerateConfig, generate};
use crate::graph::Graph;
use crate::risk::structure;

fn check(fixture: &str, expect: &Expect) {
    let network = network(fixture);
    let graph = Graph::build(&network).unwrap();
    let report = structure(&graph, None);
    let mut out = format!("products {:?} unmakeable {:?}\n", report.products, report.unmakeable);
    for s in &report.sole_sources {
        out += &format!(
            "sole {} at {} for {:?} value {}\n",
            s.item, s.site, s.products, s.value_at_stake
        );
    }
    for c in &report.concentration {
        let states: Vec<String> = c
            .by_state
            .iter()
            .map(|s| format!("{}={:.2}", s.region.as_deref().unwrap_or("?"), s.share))
            .collect();
        out += &format!(
            "concentration {} hhi state {:.0} country {:.0} [{}] single state {:?} foreign {:?}\n",
            c.item,
            c.hhi_state,
            c.hhi_country,
            states.join(" "),
            c.single_state,
            c.single_foreign_country
        );
    }
    for c in &report.critical_sites {
        out += &format!(
            "critical {} items {:?} products {:?} value {}\n",
            c.site, c.items, c.products, c.value_at_stake
        );
    }
    expect.assert_eq(&out);
}

#[test]
fn single_sourced_chain_every_site_is_critical() {
    check(
        "
        site a OH US
        site b MI US
        site c CL CL
        item pump product 100 10 a:20
        item shaft part 10 0 b:40
        item steel material 1 0 c:100
        bom pump shaft 2
        bom shaft steel 3
        ",
        &expect![[r#"
            products ["pump"] unmakeable []
            sole pump at a for ["pump"] value 1000
            sole shaft at b for ["pump"] value 1000
            sole steel at c for ["pump"] value 1000
            critical a items ["pump"] products ["pump"] value 1000
            critical b items ["shaft"] products ["pump"] value 1000
            critical c items ["steel"] products ["pump"] value 1000
        "#]],
    );
}

#[test]
fn dual_sourcing_removes_criticality_and_shows_concentration() {
    check(
        "
        site a OH US
        site b OH US
        site c TX US
        site d Hunan CN
        site e Hunan CN
        item pump product 100 10 a:20
        item shaft part 10 0 b:30,c:10
        item magnet part 5 0 d:50,e:50
        bom pump shaft 1
        bom pump magnet 4
        ",
        &expect![[r#"
            products ["pump"] unmakeable []
            sole pump at a for ["pump"] value 1000
            concentration magnet hhi state 10000 country 10000 [Hunan=1.00] single state Some("Hunan") foreign Some("CN")
            concentration shaft hhi state 6250 country 10000 [OH=0.75 TX=0.25] single state None foreign None
            critical a items ["pump"] products ["pump"] value 1000
        "#]],
    );
}

#[test]
fn shared_component_two_tiers_up_is_critical_for_both_products() {
    check(
        "
        site a OH US
        site b MI US
        site c IN US
        site x PA US
        item pump product 100 10 a:20,b:20
        item valve product 50 4 a:20,b:20
        item housing part 10 0 b:40,c:40
        item casting part 2 0 x:100
        item orphan material 1 0 -
        item kit product 5 0 a:1
        bom pump housing 1
        bom valve housing 2
        bom housing casting 1
        bom kit orphan 1
        ",
        &expect![[r#"
            products ["pump", "valve", "kit"] unmakeable ["kit"]
            sole casting at x for ["pump", "valve"] value 1200
            sole kit at a for ["kit"] value 0
            concentration housing hhi state 5000 country 10000 [IN=0.50 MI=0.50] single state None foreign None
            concentration pump hhi state 5000 country 10000 [MI=0.50 OH=0.50] single state None foreign None
            concentration valve hhi state 5000 country 10000 [MI=0.50 OH=0.50] single state None foreign None
            critical x items ["casting"] products ["pump", "valve"] value 1200
        "#]],
    );
}

/// Whether each item can be made with `down` out, every other site up.
fn makeable_without(graph: &Graph, down: Option<u32>) -> Vec<bool> {
    let mut ok = vec![false; graph.n_items()];
    for &item in graph.topo_order.iter().rev() {
        let sourced = graph.sources.row(item).iter().any(|s| Some(s.site) != down);
        let parts = graph.components.row(item).iter().all(|e| ok[e.item as usize]);
        ok[item as usize] = sourced && parts;
    }
    ok
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn critical_sites_are_exactly_the_sites_whose_loss_stops_a_product(n_sites in 50usize..200, seed in any::<u64>()) {
        let graph = Graph::build(&generate(&GenerateConfig { n_sites, seed })).unwrap();
        let report = structure(&graph, None);
        let base = makeable_without(&graph, None);
        for site in 0..graph.n_sites() as u32 {
            let without = makeable_without(&graph, Some(site));
            let mut stopped: Vec<crate::graph::Name> = crate::closure::end_products(&graph)
                .into_iter()
                .filter(|&p| base[p as usize] && !without[p as usize])
                .map(|p| graph.item_ids[p as usize].clone())
                .collect();
            stopped.sort();
            let mut claimed = report
                .critical_sites
                .iter()
                .find(|c| c.site == graph.site_ids[site as usize])
                .map_or(Vec::new(), |c| c.products.clone());
            claimed.sort();
            prop_assert_eq!(claimed, stopped, "site {}", site);
        }
    }
}
