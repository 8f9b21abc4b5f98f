//! The graph groups every relation by the right end and orders items parents first.

use expect_test::expect;
use model::{BomLine, Item, ItemKind, Network};

use crate::generate::{GenerateConfig, generate};
use crate::graph::{Error, Graph};

#[test]
fn relations_are_grouped_by_their_end() {
    let network = generate(&GenerateConfig { n_sites: 60, seed: 3 });
    let graph = Graph::build(&network).unwrap();
    for (row, link) in network.links.iter().enumerate() {
        let supplier = graph.site_ids.iter().position(|id| **id == *link.supplier).unwrap() as u32;
        let customer = graph.site_ids.iter().position(|id| **id == *link.customer).unwrap() as u32;
        let out = graph.links_out.row(supplier);
        assert!(
            out.iter()
                .any(|e| e.site == customer && *graph.item_ids[e.item as usize] == *link.item),
            "link {row}"
        );
        assert!(graph.links_in.row(customer).iter().any(|e| e.site == supplier));
    }
    assert_eq!(graph.n_links(), network.links.len());
    let mut position = vec![0; graph.n_items()];
    for (at, &item) in graph.topo_order.iter().enumerate() {
        position[item as usize] = at;
    }
    for parent in 0..graph.n_items() as u32 {
        for edge in graph.components.row(parent) {
            assert!(position[parent as usize] < position[edge.item as usize]);
        }
    }
}

fn item(id: &str) -> Item {
    Item {
        id: id.into(),
        name: id.into(),
        kind: ItemKind::Part,
        unit: "each".into(),
        unit_value: 1.0,
    }
}

fn line(parent: &str, component: &str) -> BomLine {
    BomLine { parent: parent.into(), component: component.into(), quantity: 1.0 }
}

#[test]
fn dangling_ids_and_cycles_are_errors() {
    let cyclic = Network {
        items: vec![item("a"), item("b")],
        bom: vec![line("a", "b"), line("b", "a")],
        ..Network::default()
    };
    expect![[r#"Err(BomCycle { item: "a" })"#]]
        .assert_eq(&format!("{:?}", Graph::build(&cyclic).map(|_| ())));
    let dangling =
        Network { items: vec![item("a")], bom: vec![line("a", "zz")], ..Network::default() };
    let error = Graph::build(&dangling).map(|_| ()).unwrap_err();
    assert_eq!(
        error,
        Error::UnknownId { table: model::Table::Bom, row: 0, field: "component", id: "zz".into() }
    );
}

/// Ids of up to 15 bytes are looked up packed into one number and longer ones as text: each
/// resolves to its own record, whatever its length (an id and the same id with a NUL byte
/// after it are two ids), and an id one byte short of a known one is unknown.
#[test]
fn ids_of_any_length_resolve_to_their_records() {
    let ids = [
        "p",
        "p\0",
        "fifteen-bytes-1",
        "sixteen-bytes-12",
        "an-item-id-of-forty-bytes-and-some-more-",
    ];
    let chain = Network {
        items: ids.iter().map(|&id| item(id)).collect(),
        bom: ids.windows(2).map(|pair| line(pair[0], pair[1])).collect(),
        ..Network::default()
    };
    let graph = Graph::build(&chain).unwrap();
    for (parent, id) in (0..).zip(&ids[..ids.len() - 1]) {
        let components: Vec<u32> =
            graph.components.row(parent).iter().map(|edge| edge.item).collect();
        assert_eq!(components, [parent + 1], "{id:?}");
    }
    for (short, known) in
        [("sixteen-bytes-1", ids[3]), ("an-item-id-of-forty-bytes-and-some-more", ids[4])]
    {
        assert!(known.starts_with(short));
        let network = Network { bom: vec![line("p", short)], ..chain.clone() };
        assert_eq!(
            Graph::build(&network).map(|_| ()).unwrap_err(),
            Error::UnknownId {
                table: model::Table::Bom,
                row: 0,
                field: "component",
                id: short.into()
            }
        );
    }
}

proptest::proptest! {
    /// Both ways of building rows give, for every row, its entries in the order they came, the
    /// entries already in row order or not.
    #[test]
    fn rows_hold_their_entries_in_order(
        rows in proptest::collection::vec(0u32..6, 0..60),
        sorted in proptest::bool::ANY,
    ) {
        let mut rows = rows;
        if sorted {
            rows.sort();
        }
        let n_rows = 6;
        // Each entry is (its row, where it came): unique, so order within a row is seen.
        let entries: Vec<(u32, usize)> = rows.iter().copied().zip(0..).collect();
        let expected: Vec<Vec<(u32, usize)>> = (0..n_rows as u32)
            .map(|r| entries.iter().copied().filter(|&(row, _)| row == r).collect())
            .collect();
        let pairs = entries.iter().map(|&entry| (entry.0, entry)).collect();
        let from_pairs = crate::graph::Csr::from_pairs(n_rows, pairs);
        let by_row = crate::graph::Csr::by_row(n_rows, entries.clone(), |&(row, _)| row);
        for (r, expected) in expected.iter().enumerate() {
            proptest::prop_assert_eq!(from_pairs.row(r as u32), expected.as_slice());
            proptest::prop_assert_eq!(by_row.row(r as u32), expected.as_slice());
            let range = by_row.range(r as u32);
            proptest::prop_assert_eq!(&by_row.entries()[range], expected.as_slice());
        }
        proptest::prop_assert_eq!(by_row.n_rows(), n_rows);
        proptest::prop_assert_eq!(by_row.into_entries().len(), entries.len());
    }
}

/// Each column first compares its id with the one it looked up last: a run of rows sharing an
/// id, across the runs of rows the threads take, resolves to that id's record; an unknown id
/// after known ones is still found; and an item named like a site (the same text in two
/// columns of a row, and from row to row) resolves to the item.
#[test]
fn ids_repeated_from_row_to_row_resolve_to_their_records() {
    let ids: Vec<String> = (0..5).map(|i| format!("i{i}")).collect();
    let component = |k: usize| 1 + (k / 3) % 4;
    let runs = Network {
        items: ids.iter().map(|id| item(id)).collect(),
        bom: (0..10_000).map(|k| line(&ids[0], &ids[component(k)])).collect(),
        ..Network::default()
    };
    let graph = Graph::build(&runs).unwrap();
    let components: Vec<u32> = graph.components.row(0).iter().map(|edge| edge.item).collect();
    assert_eq!(components, (0..10_000).map(|k| component(k) as u32).collect::<Vec<_>>());

    let mut dangling = runs;
    dangling.bom.truncate(5_000);
    dangling.bom.push(line("i0", "zz"));
    assert_eq!(
        Graph::build(&dangling).map(|_| ()).unwrap_err(),
        Error::UnknownId {
            table: model::Table::Bom,
            row: 5_000,
            field: "component",
            id: "zz".into()
        }
    );

    // Sites a and b, items a and b: a row's item is named like the supplier of the row before,
    // like its own supplier, or like its customer.
    let generated = generate(&GenerateConfig { n_sites: 2, seed: 4 });
    let mut sites = generated.sites[..2].to_vec();
    sites[0].id = "a".into();
    sites[1].id = "b".into();
    let link = |supplier: &str, customer: &str, item: &str| model::Link {
        supplier: supplier.into(),
        customer: customer.into(),
        item: item.into(),
        units_per_week: 1.0,
        lead_time_weeks: None,
    };
    let network = Network {
        organizations: generated.organizations,
        sites,
        items: vec![item("b"), item("a")],
        links: vec![
            link("a", "b", "b"),
            link("b", "a", "a"),
            link("a", "b", "a"),
            link("b", "a", "a"),
        ],
        ..Network::default()
    };
    let graph = Graph::build(&network).unwrap();
    let ends = |site: u32| -> Vec<(u32, u32)> {
        graph.links_out.row(site).iter().map(|edge| (edge.site, edge.item)).collect()
    };
    // Sites a = 0, b = 1; items b = 0, a = 1.
    assert_eq!((ends(0), ends(1)), (vec![(1, 0), (1, 1)], vec![(0, 1), (0, 1)]));
}
