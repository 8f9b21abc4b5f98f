//! Small networks written as text, for the engines' hand-worked test fixtures.

use model::{
    BomLine, Demand, Item, ItemKind, Link, Network, OrgKind, Organization, Site, SiteKind, Source,
};

/// Builds a network from lines: `site ID STATE COUNTRY`, `item ID KIND VALUE DEMAND SITE:CAP,...`
/// (`-` for no sources), `bom PARENT COMPONENT QUANTITY` and `link SUPPLIER CUSTOMER ITEM UNITS`.
pub(crate) fn network(fixture: &str) -> Network {
    let mut network = Network::default();
    network.organizations.push(Organization {
        id: "o".into(),
        name: "O".into(),
        kind: OrgKind::Company,
        sponsor: None,
        focus: None,
    });
    for line in fixture.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words[..] {
            ["site", id, state, country] => network.sites.push(Site {
                id: id.into(),
                organization: "o".into(),
                name: id.into(),
                kind: SiteKind::Factory,
                latitude: None,
                longitude: None,
                city: None,
                state: Some(state.into()),
                country: Some(country.into()),
                naics: Vec::new(),
                employees: None,
                certifications: Vec::new(),
                ttr_weeks: 4.0,
            }),
            ["item", id, kind, value, demand, sources] => {
                network.items.push(Item {
                    id: id.into(),
                    name: id.into(),
                    kind: kind.parse::<ItemKind>().unwrap(),
                    unit: "each".into(),
                    unit_value: value.parse().unwrap(),
                });
                let demand: f64 = demand.parse().unwrap();
                if demand > 0.0 {
                    network.demand.push(Demand {
                        item: id.into(),
                        site: None,
                        units_per_week: demand,
                    });
                }
                for source in sources.split(',').filter(|s| *s != "-") {
                    let (site, capacity) = source.split_once(':').unwrap();
                    network.sources.push(Source {
                        site: site.into(),
                        item: id.into(),
                        max_units_per_week: capacity.parse().unwrap(),
                        lead_time_weeks: 1.0,
                        unit_cost: 1.0,
                    });
                }
            }
            ["bom", parent, component, quantity] => network.bom.push(BomLine {
                parent: parent.into(),
                component: component.into(),
                quantity: quantity.parse().unwrap(),
            }),
            ["link", supplier, customer, item, units] => network.links.push(Link {
                supplier: supplier.into(),
                customer: customer.into(),
                item: item.into(),
                units_per_week: units.parse().unwrap(),
                lead_time_weeks: None,
            }),
            _ => panic!("bad fixture line {line:?}"),
        }
    }
    assert!(model::validate(&network).iter().all(|d| d.severity != model::Severity::Error));
    network
}
