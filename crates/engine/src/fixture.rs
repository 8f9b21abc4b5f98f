//! Small networks written as text, for the engines' hand-worked test fixtures.

use model::{
    BomLine, Capability, Demand, Inventory, Item, ItemKind, Link, Network, OrgKind, Organization,
    Routing, Site, SiteKind, Source,
};

/// Builds a network from lines: `site ID STATE COUNTRY`, `item ID KIND VALUE DEMAND SITE:CAP,...`
/// (`-` for no sources; DEMAND is for the network as a whole), `demand ITEM SITE UNITS`,
/// `bom PARENT COMPONENT QUANTITY`, `link SUPPLIER CUSTOMER ITEM UNITS [LEAD_WEEKS]`,
/// `inventory SITE ITEM UNITS`, `capability SITE PROCESS HOURS` and `routing ITEM PROCESS HOURS`.
/// A site line may end with `ttr=WEEKS` (4 by default), `org=ID` (organization `o` by default,
/// created on first use) and `at=LAT,LON`.
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
        let mut words: Vec<&str> = line.split_whitespace().collect();
        let (mut ttr, mut org, mut at) = (4.0, "o", None);
        while let Some((key, value)) = words.last().and_then(|w| w.split_once('=')) {
            match key {
                "ttr" => ttr = value.parse().unwrap(),
                "org" => org = value,
                "at" => {
                    let (lat, lon) = value.split_once(',').unwrap();
                    at = Some((lat.parse::<f64>().unwrap(), lon.parse::<f64>().unwrap()));
                }
                _ => panic!("bad fixture option {key:?}"),
            }
            words.pop();
        }
        if !network.organizations.iter().any(|o| o.id == org) {
            network.organizations.push(Organization {
                id: org.into(),
                name: org.into(),
                kind: OrgKind::Company,
                sponsor: None,
                focus: None,
            });
        }
        match words[..] {
            ["site", id, state, country] => network.sites.push(Site {
                id: id.into(),
                organization: org.into(),
                name: id.into(),
                kind: SiteKind::Factory,
                latitude: at.map(|a| a.0),
                longitude: at.map(|a| a.1),
                city: None,
                state: Some(state.into()),
                country: Some(country.into()),
                naics: Vec::new(),
                employees: None,
                certifications: Vec::new(),
                ttr_weeks: ttr,
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
            ["link", supplier, customer, item, units, ref lead @ ..] => network.links.push(Link {
                supplier: supplier.into(),
                customer: customer.into(),
                item: item.into(),
                units_per_week: units.parse().unwrap(),
                lead_time_weeks: lead.first().map(|w| w.parse().unwrap()),
            }),
            ["demand", item, site, units] => network.demand.push(Demand {
                item: item.into(),
                site: Some(site.into()),
                units_per_week: units.parse().unwrap(),
            }),
            ["inventory", site, item, units] => network.inventory.push(Inventory {
                site: site.into(),
                item: item.into(),
                units: units.parse().unwrap(),
            }),
            ["capability", site, process, hours] => network.capabilities.push(Capability {
                site: site.into(),
                process: process.into(),
                hours_per_week: hours.parse().unwrap(),
            }),
            ["routing", item, process, hours] => network.routings.push(Routing {
                item: item.into(),
                process: process.into(),
                hours_per_unit: hours.parse().unwrap(),
            }),
            _ => panic!("bad fixture line {line:?}"),
        }
    }
    assert!(model::validate(&network).iter().all(|d| d.severity != model::Severity::Error));
    network
}
