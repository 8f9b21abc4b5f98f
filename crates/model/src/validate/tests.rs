//! Fixtures for `validate`, built in code; the file-level fixtures of every error class live in
//! `app`'s integration tests, where findings carry file and line.

use expect_test::{Expect, expect};

use crate::{
    BomLine, Item, ItemKind, Network, OrgKind, Organization, Site, SiteKind, Source, validate,
};

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

fn check(network: &Network, expect: &Expect) {
    let rendered: Vec<String> = validate(network)
        .iter()
        .map(|d| format!("{:?} {}[{}].{}: {}", d.severity, d.table, d.row, d.field, d.message))
        .collect();
    expect.assert_eq(&rendered.join("\n"));
}

#[test]
fn cycles_are_reported_with_their_path() {
    let network = Network {
        items: ["a", "b", "c", "d"].map(item).to_vec(),
        bom: vec![line("a", "b"), line("b", "c"), line("c", "a"), line("d", "d")],
        ..Network::default()
    };
    check(
        &network,
        &expect![[r#"
            Warning bom[0].component: no site is qualified to make "b", which "a" needs
            Warning bom[1].component: no site is qualified to make "c", which "b" needs
            Error bom[2].component: bill of materials has a cycle: a -> b -> c -> a
            Warning bom[2].component: no site is qualified to make "a", which "c" needs
            Error bom[3].component: bill of materials has a cycle: d -> d
            Warning bom[3].component: no site is qualified to make "d", which "d" needs"#]],
    );
}

#[test]
fn shared_components_are_not_cycles() {
    let network = Network {
        items: ["a", "b", "c"].map(item).to_vec(),
        bom: vec![line("a", "b"), line("a", "c"), line("b", "c")],
        sources: ["b", "c"]
            .map(|item| Source {
                site: "missing".into(),
                item: item.into(),
                max_units_per_week: 1.0,
                lead_time_weeks: 0.0,
                unit_cost: f64::NAN,
            })
            .to_vec(),
        ..Network::default()
    };
    check(
        &network,
        &expect![[r#"
            Error sources[0].site: unknown site id "missing"
            Error sources[0].unit_cost: must be a finite number, got NaN
            Error sources[1].site: unknown site id "missing"
            Error sources[1].unit_cost: must be a finite number, got NaN"#]],
    );
}

#[test]
fn needed_items_nobody_makes_are_warnings() {
    let network = Network {
        items: vec![item("a"), item("b"), Item { id: "a".into(), ..item("x") }],
        bom: vec![line("a", "b"), line("a", "b")],
        ..Network::default()
    };
    check(
        &network,
        &expect![[r#"
            Error items[2].id: duplicate id "a"
            Warning bom[0].component: no site is qualified to make "b", which "a" needs
            Error bom[1].component: item "a" lists component "b" twice"#]],
    );
}

#[test]
fn unknown_references_name_a_near_id_up_to_a_limit() {
    let names: Vec<String> = (0..25).map(|n| format!("ventilatr-{n:02}")).collect();
    let network = Network {
        items: vec![item("icu-ventilator"), item("li-cell")],
        bom: names.iter().map(|n| line(n, "li-cel")).collect(),
        ..Network::default()
    };
    let hinted: Vec<String> = validate(&network)
        .iter()
        .filter(|d| d.field == "component")
        .map(|d| format!("{}: {}", d.row, d.message))
        .collect();
    assert_eq!(hinted.len(), 25);
    // Each line's parent is searched first (no id is near it), then its component: the ten
    // searches go to the first five lines.
    for (row, message) in hinted.iter().enumerate() {
        let hint = if row < 5 { r#" (did you mean "li-cell"?)"# } else { "" };
        assert_eq!(*message, format!(r#"{row}: unknown item id "li-cel"{hint}"#));
    }
}

/// A name with a line break, a tab or another control character is legal, but text reports and
/// tables show it broken: a warning says so, and the import goes on.
#[test]
fn control_characters_in_names_are_warnings() {
    let network = Network {
        items: vec![
            Item { name: "two\nlines".into(), ..item("a") },
            Item { name: "tab\there".into(), unit: "kg\r".into(), ..item("b") },
            Item { name: "bell\u{7}".into(), ..item("c") },
            Item { name: "plain, with \"quotes\" and ü".into(), ..item("d") },
        ],
        ..Network::default()
    };
    check(
        &network,
        &expect![[r#"
            Warning items[0].name: holds a line break, which text reports and tables show broken
            Warning items[1].name: holds a tab, which text reports and tables show broken
            Warning items[1].unit: holds a line break, which text reports and tables show broken
            Warning items[2].name: holds the control character '\u{7}', which text reports and tables show broken"#]],
    );
}

fn org(id: &str) -> Organization {
    Organization {
        id: id.into(),
        name: id.into(),
        kind: OrgKind::Company,
        sponsor: None,
        focus: None,
    }
}

fn site(id: &str, organization: &str) -> Site {
    Site::new(id.into(), organization.into(), id.into(), SiteKind::Factory, 1.0)
}

/// The NUL character is refused in any text, which a PostgreSQL store cannot hold (a network
/// must move between the stores); other control characters in the optional texts are warnings
/// as in names.
#[test]
fn the_nul_character_is_refused_in_any_text() {
    let mut network = Network {
        organizations: vec![Organization {
            sponsor: Some("nul\0".into()),
            focus: Some("bell\u{7}".into()),
            ..org("o")
        }],
        sites: vec![
            Site { name: "a\0b".into(), city: Some("Cit\0y".into()), ..site("s1", "o") },
            Site {
                country: Some("CN".into()),
                state: Some("Hu\0nan".into()),
                certifications: vec!["ISO\09001".into()],
                ..site("s2", "o")
            },
        ],
        items: vec![Item { unit: "k\0g".into(), ..item("a") }],
        ..Network::default()
    };
    network.sites[0].country = Some("US".into());
    network.sites[0].state = Some("OH".into());
    check(
        &network,
        &expect![[r#"
            Error organizations[0].sponsor: holds the NUL character '\0', which a PostgreSQL store cannot hold
            Warning organizations[0].focus: holds the control character '\u{7}', which text reports and tables show broken
            Error sites[0].name: holds the NUL character '\0', which a PostgreSQL store cannot hold
            Error sites[0].city: holds the NUL character '\0', which a PostgreSQL store cannot hold
            Error sites[1].state: holds the NUL character '\0', which a PostgreSQL store cannot hold
            Error sites[1].certifications: holds the NUL character '\0', which a PostgreSQL store cannot hold
            Error items[0].unit: holds the NUL character '\0', which a PostgreSQL store cannot hold"#]],
    );
}

/// An amount beyond `MAX_AMOUNT` is refused, as an infinite one is: the engines' sums of it
/// would overflow. `MAX_AMOUNT` itself is taken.
#[test]
fn amounts_are_at_most_the_largest_the_engines_sum() {
    let mut huge = item("huge");
    huge.unit_value = 1e300;
    let mut largest = item("largest");
    largest.unit_value = crate::MAX_AMOUNT;
    let network = Network {
        items: vec![huge, largest],
        bom: vec![BomLine { parent: "huge".into(), component: "largest".into(), quantity: 2e15 }],
        ..Network::default()
    };
    check(
        &network,
        &expect![[r#"
            Error items[0].unit_value: must be at most 1e15, not 1e300
            Error bom[0].quantity: must be at most 1e15, not 2e15
            Warning bom[0].component: no site is qualified to make "largest", which "huge" needs"#]],
    );
}
