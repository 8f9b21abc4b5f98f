//! An organization's own records, read as a JSON network document and replaced by one, on the
//! sample network in a temporary store: what it writes is exactly what it owns, nothing else
//! moves, every problem is located in the document, and a write based on an older network is
//! refused.

use app::records::part;
use app::{Config, Error, Silent, Twin};
use model::Network;

use crate::root;

fn sample_store() -> (tempfile::TempDir, Config) {
    let work = tempfile::tempdir().unwrap();
    let config = Config::new(work.path().join("data"), None);
    app::import(&config, &root().join("data/sample"), None, &Silent).unwrap();
    (work, config)
}

fn document(network: &Network) -> String {
    app::interchange::json_document(network).to_string()
}

/// The ids of the organizations of a network, in order.
fn organizations(network: &Network) -> Vec<String> {
    network.organizations.iter().map(|o| o.id.clone()).collect()
}

/// Every organization writes back the records it read, one after another: each still owns the
/// same records, the shared tables are untouched, and the store holds what the twin serves.
#[test]
fn every_organization_writes_back_its_own_records_unchanged() {
    let (_work, config) = sample_store();
    let original = Twin::load(&config, &Silent).unwrap();
    let mut twin = Twin::load(&config, &Silent).unwrap();
    for org in organizations(original.network()) {
        let text = document(&part(twin.network(), &org));
        let (written, next) = twin.replace_records(&config, &org, &text, "test").unwrap();
        assert_eq!(written.records, part(original.network(), &org).n_records(), "{org}");
        assert!(written.warnings.iter().all(|w| !w.is_error()));
        twin = next;
    }
    let (before, after) = (original.network(), twin.network());
    for org in organizations(before) {
        assert_eq!(part(after, &org), part(before, &org), "{org}");
    }
    assert_eq!(
        (&after.items, &after.bom, &after.routings),
        (&before.items, &before.bom, &before.routings)
    );
    assert_eq!(after.n_records(), before.n_records());
    assert_eq!(Twin::load(&config, &Silent).unwrap().network(), after);
}

/// A member changes a capability, drops a stock row and adds a site: its records are now the
/// document's, and no other organization's changed.
#[test]
fn a_write_replaces_exactly_the_organizations_records() {
    let (_work, config) = sample_store();
    let twin = Twin::load(&config, &Silent).unwrap();
    let network = twin.network();
    let org = network
        .sites
        .iter()
        .find(|s| {
            let mine = part(network, &s.organization);
            !mine.capabilities.is_empty() && !mine.inventory.is_empty()
        })
        .unwrap()
        .organization
        .clone();
    let mut mine = part(network, &org);
    mine.capabilities[0].hours_per_week += 8.0;
    mine.inventory.pop();
    let mut new_site = mine.sites[0].clone();
    new_site.id = "site-new".into();
    new_site.name = "A new plant".into();
    let mut new_capability = mine.capabilities[0].clone();
    new_capability.site = new_site.id.clone();
    mine.sites.push(new_site);
    mine.capabilities.push(new_capability);

    let (written, after) = twin.replace_records(&config, &org, &document(&mine), "test").unwrap();
    assert_eq!(written.records, mine.n_records());
    assert_eq!(written.import.source, "test");
    assert_eq!(part(after.network(), &org), mine);
    for other in organizations(network).iter().filter(|o| **o != org) {
        assert_eq!(part(after.network(), other), part(network, other), "{other}");
    }
    assert_eq!(Twin::load(&config, &Silent).unwrap().network(), after.network());
    assert!(after.site("site-new").is_ok());
}

/// Records of other organizations, shared tables and demand not at a site are each refused
/// where they stand in the document, and nothing is written.
#[test]
fn a_write_holding_what_is_not_its_own_is_refused_with_every_problem_located() {
    let (_work, config) = sample_store();
    let twin = Twin::load(&config, &Silent).unwrap();
    let network = twin.network();
    let org = network.sites[0].organization.clone();
    let mut others = network.sites.iter().filter(|s| s.organization != org);
    let (other, third) = (others.next().unwrap().clone(), others.next().unwrap().id.clone());
    let mut mine = part(network, &org);
    let mut duplicate = mine.sites[0].clone();
    duplicate.id = third;
    mine.sites.push(duplicate);
    mine.sites.push(other.clone());
    mine.items.push(network.items[0].clone());
    let mut capability = network.capabilities[0].clone();
    capability.site = other.id;
    capability.hours_per_week = -1.0;
    mine.capabilities.push(capability);
    let mut link = network.links[0].clone();
    link.supplier = "site-nowhere".into();
    mine.links.push(link);
    mine.demand.push(model::Demand {
        item: network.items[0].id.clone(),
        site: None,
        units_per_week: 1.0,
    });
    let stamp = twin.stamp().clone();

    let Err(Error::Invalid { message, findings }) =
        twin.replace_records(&config, &org, &document(&mine), "doc.json")
    else {
        panic!("the write was not refused");
    };
    let shown: Vec<String> = findings.iter().map(ToString::to_string).collect();
    expect_test::expect![[r#"
        (
            "doc.json is invalid: 6 errors; nothing was written",
            [
                "error: doc.json: $.items[0]: id: items are shared by every organization; only an import changes them",
                "error: doc.json: $.sites[2]: organization: is not \"america-makes\": a write holds only that organization's sites",
                "error: doc.json: $.links[0]: supplier: site \"site-nowhere\" is not one of the document's sites",
                "error: doc.json: $.demand[0]: site: demand not at a site is shared by every organization; only an import changes it",
                "error: doc.json: $.sites[1]: id: duplicate id \"lift-hq\" (another organization's record has it)",
                "error: doc.json: $.capabilities[1]: hours_per_week: must not be negative, got -1",
            ],
        )
    "#]].assert_debug_eq(&(message, shown));
    assert_eq!(Twin::load(&config, &Silent).unwrap().stamp(), &stamp, "something was written");
}

/// Leaving out a site another organization's links deliver to would break those links: refused.
#[test]
fn a_site_others_deliver_to_cannot_be_left_out() {
    let (_work, config) = sample_store();
    let twin = Twin::load(&config, &Silent).unwrap();
    let network = twin.network();
    let owner = |site: &str| &network.sites[twin.site(site).unwrap()].organization;
    let link = network.links.iter().find(|l| owner(&l.supplier) != owner(&l.customer)).unwrap();
    let org = owner(&link.customer).clone();
    let mut mine = part(network, &org);
    mine.sites.retain(|s| s.id != link.customer);
    let kept = |site: &str| mine.sites.iter().any(|s| s.id == site);
    let mine = Network {
        capabilities: mine.capabilities.iter().filter(|c| kept(&c.site)).cloned().collect(),
        sources: mine.sources.iter().filter(|s| kept(&s.site)).cloned().collect(),
        links: mine.links.iter().filter(|l| kept(&l.supplier)).cloned().collect(),
        inventory: mine.inventory.iter().filter(|i| kept(&i.site)).cloned().collect(),
        demand: mine
            .demand
            .iter()
            .filter(|d| d.site.as_deref().is_some_and(kept))
            .cloned()
            .collect(),
        ..mine.clone()
    };
    let Err(Error::Invalid { findings, .. }) =
        twin.replace_records(&config, &org, &document(&mine), "doc.json")
    else {
        panic!("the write was not refused");
    };
    let message = format!(
        "site {:?} is left out, but another organization's links deliver to it; keep it, or ask an operator",
        link.customer
    );
    let left_out = findings.iter().find(|f| f.message == message);
    assert_eq!(left_out.map(|f| f.location.as_str()), Some("doc.json: $.sites"), "{findings:#?}");
}

/// Two writes from the same network: the second finds the first came before it and writes
/// nothing; the twin it was based on knows it is stale.
#[test]
fn a_write_based_on_an_older_network_is_refused() {
    let (_work, config) = sample_store();
    let twin = Twin::load(&config, &Silent).unwrap();
    let org = twin.network().sites[0].organization.clone();
    let text = document(&part(twin.network(), &org));
    assert!(!twin.is_stale(&config).unwrap());
    let (_, after) = twin.replace_records(&config, &org, &text, "first").unwrap();
    assert!(twin.is_stale(&config).unwrap() && !after.is_stale(&config).unwrap());
    let second = twin.replace_records(&config, &org, &text, "second");
    assert!(matches!(second, Err(Error::Conflict(_))), "{:?}", second.err());
    assert_eq!(Twin::load(&config, &Silent).unwrap().stamp().source, "first");
}
