//! Hand-worked maps: combined quantities of shared parts, depth cuts, and link shares.

use expect_test::{Expect, expect};

use crate::fixture::network;
use crate::graph::Graph;
use crate::map::{item_map, site_map};

const PUMP: &str = "
    site s OH US
    site b MI US
    site c IN US
    site x PA US
    site w GA US
    item pump product 100 10 s:20
    item shaft part 10 0 b:40,c:40
    item rotor part 5 0 b:40
    item steel material 1 0 x:500
    bom pump shaft 2
    bom pump rotor 1
    bom rotor shaft 1
    bom shaft steel 3
    link b s shaft 60
    link c s shaft 20
    link b s rotor 20
    link x b steel 300
    link s w pump 10
";

fn check_items(depth: Option<u32>, expect: &Expect) {
    let graph = Graph::build(&network(PUMP)).unwrap();
    let lines: Vec<String> = item_map(&graph, 0, depth)
        .iter()
        .map(|r| format!("tier {} {} x{}", r.tier, graph.item_ids[r.item as usize], r.quantity))
        .collect();
    expect.assert_eq(&lines.join("\n"));
}

#[test]
fn shared_parts_appear_once_with_their_combined_quantity() {
    // shaft: 2 directly + 1 through the rotor = 3; steel: 3 per shaft = 9.
    check_items(
        None,
        &expect![[r#"
            tier 0 pump x1
            tier 1 rotor x1
            tier 1 shaft x3
            tier 2 steel x9"#]],
    );
    check_items(
        Some(1),
        &expect![[r#"
            tier 0 pump x1
            tier 1 rotor x1
            tier 1 shaft x3"#]],
    );
}

#[test]
fn site_maps_split_needs_along_actual_links() {
    let graph = Graph::build(&network(PUMP)).unwrap();
    let site = |id: &str| graph.site_ids.iter().position(|s| &**s == id).unwrap() as u32;
    let render = |steps: Vec<crate::map::SiteStep>| {
        steps
            .iter()
            .map(|s| {
                format!(
                    "tier {} {} {} x{}",
                    s.tier,
                    graph.site_ids[s.site as usize],
                    graph.item_ids[s.item as usize],
                    s.quantity
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    // At s, shafts come 60:20 from b and c: 2 x 0.75 = 1.5 from b, 0.5 from c; the rotor's own
    // shaft is made at b from b's steel, which only follows links into b.
    expect![[r#"
        tier 0 s pump x1
        tier 1 b shaft x1.5
        tier 1 c shaft x0.5
        tier 1 b rotor x1
        tier 2 x steel x4.5"#]]
    .assert_eq(&render(site_map(&graph, site("s"), 0, None)));
    // From the warehouse, the pump itself arrives from s.
    expect![[r#"
        tier 0 w pump x1
        tier 1 s pump x1
        tier 2 b shaft x1.5
        tier 2 c shaft x0.5
        tier 2 b rotor x1
        tier 3 x steel x4.5"#]]
    .assert_eq(&render(site_map(&graph, site("w"), 0, None)));
}
