//! `check` validates an organization's write over the document's records and what they touch;
//! here the naive reference validates the whole network with the write in place, and the two
//! must find the same problems on generated networks with writes changed at random.

use engine::generate::{GenerateConfig, generate};
use model::{Capability, Demand, Link, Network, Table};
use proptest::prelude::*;

use std::collections::HashSet;

use super::{Checked, check, ownership, part, select, with_write};

/// `model::validate` over the whole network with the write in place, its findings renumbered to
/// the document's rows.
fn check_whole(part: &Network, base: &Network, organization: &str) -> Checked {
    let not_its_own = ownership(part, base, organization);
    let refused: HashSet<(Table, usize)> = not_its_own.iter().map(|d| (d.table, d.row)).collect();
    let rest = select(base, organization, !part.organizations.is_empty(), false);
    let (own, others) = with_write(rest.clone(), part, &refused);
    let mut left_out = Vec::new();
    for d in others {
        assert_eq!((d.table, d.field), (Table::Links, "customer"), "{d:?}");
        left_out.push(rest.links[d.row].customer.clone());
    }
    left_out.sort();
    left_out.dedup();
    let mut checked = Checked { own: not_its_own, left_out };
    checked.own.extend(own);
    checked
}

/// The findings in a set order, without their "did you mean" hints: a validation searches for a
/// near id for its first few unknown references only, so whether an own record's reference gets
/// one depends on how many other records were checked before it.
fn sorted(mut checked: Checked) -> Checked {
    for finding in &mut checked.own {
        if let Some(at) = finding.message.find(" (did you mean") {
            finding.message.truncate(at);
        }
    }
    checked.own.sort_by(|a, b| {
        (a.table, a.row, a.field, &a.message).cmp(&(b.table, b.row, b.field, &b.message))
    });
    checked
}

/// Changes a write the way a member might, rightly or wrongly: `op` picks the change, `k` the
/// record it applies to.
fn change(mine: &mut Network, base: &Network, organization: &str, op: u8, k: usize) {
    let other_sites: Vec<&model::Site> =
        base.sites.iter().filter(|s| s.organization != organization).collect();
    let other = other_sites[k % other_sites.len()];
    let item = &base.items[k % base.items.len()].id;
    let at = k % mine.sites.len().max(1);
    let Some(site) = mine.sites.get(at).map(|s| s.id.clone()) else {
        return;
    };
    match op {
        0 => {
            mine.sites.retain(|s| s.id != site);
            mine.capabilities.retain(|c| c.site != site);
            mine.sources.retain(|s| s.site != site);
            mine.links.retain(|l| l.supplier != site);
            mine.inventory.retain(|i| i.site != site);
            mine.demand.retain(|d| d.site.as_deref() != Some(&site));
        }
        1 => mine.sites[at].id = other.id.clone(),
        2 => mine.capabilities.push(Capability {
            site,
            process: "cnc-machining".into(),
            hours_per_week: -1.0,
        }),
        3 | 4 | 9 | 11 => {
            let (supplier, customer) = match op {
                3 => (site, "nowhere".to_owned()),
                4 => (site, other.id.clone()),
                9 => (other.id.clone(), site),
                _ => (site.clone(), site),
            };
            let link = Link {
                supplier,
                customer,
                item: item.clone(),
                units_per_week: 1.0,
                lead_time_weeks: None,
            };
            mine.links.push(link);
        }
        5 if !mine.sources.is_empty() => {
            let copy = mine.sources[k % mine.sources.len()].clone();
            mine.sources.push(copy);
        }
        6 => mine.demand.push(Demand { item: item.clone(), site: Some(site), units_per_week: 2.0 }),
        7 => mine.organizations.clear(),
        8 => {
            let mut new = mine.sites[at].clone();
            new.id = format!("{}-new", new.id);
            mine.capabilities.push(Capability {
                site: new.id.clone(),
                process: "assembly".into(),
                hours_per_week: 40.0,
            });
            mine.sites.push(new);
        }
        10 => mine.sites[at].organization = other.organization.clone(),
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// The check over what the write touches finds exactly what validating the whole network
    /// with the write in place finds.
    #[test]
    fn checking_what_a_write_touches_finds_what_validating_everything_finds(
        n_sites in 20usize..120,
        seed in any::<u64>(),
        who in any::<usize>(),
        changes in proptest::collection::vec((0u8..12, any::<usize>()), 0..6),
        unmade in proptest::option::of(any::<usize>()),
    ) {
        let mut base = generate(&GenerateConfig { n_sites, seed });
        // Generated networks make everything; without any source of one item, demand for it
        // and the BOM lines that need it are warned of.
        if let Some(k) = unmade {
            let item = base.items[k % base.items.len()].id.clone();
            base.sources.retain(|s| s.item != item);
        }
        let organization = base.sites[who % base.sites.len()].organization.clone();
        let mut mine = part(&base, &organization);
        for (op, k) in changes {
            change(&mut mine, &base, &organization, op, k);
        }
        let fast = sorted(check(&mine, &base, &organization));
        let whole = sorted(check_whole(&mine, &base, &organization));
        prop_assert_eq!(fast, whole);
    }
}

/// The reference is not empty-handed: the changes above do produce each kind of finding.
#[test]
fn the_changes_produce_findings_of_every_kind() {
    let base = generate(&GenerateConfig { n_sites: 60, seed: 3 });
    // An organization that makes something, so that a source can be listed twice.
    let maker = base.sources[0].site.as_str();
    let organization = base.sites.iter().find(|s| s.id == maker).unwrap().organization.clone();
    let mut seen = Vec::new();
    for op in 0u8..12 {
        for k in 0..4 {
            let mut mine = part(&base, &organization);
            change(&mut mine, &base, &organization, op, k);
            let whole = check_whole(&mine, &base, &organization);
            assert_eq!(sorted(check(&mine, &base, &organization)), sorted(whole.clone()));
            seen.extend(whole.own.iter().map(|d| (d.table, d.field)));
            if !whole.left_out.is_empty() {
                seen.push((Table::Links, "left out"));
            }
        }
    }
    for expected in [
        (Table::Sites, "id"),
        (Table::Sites, "organization"),
        (Table::Capabilities, "hours_per_week"),
        (Table::Links, "customer"),
        (Table::Links, "supplier"),
        (Table::Sources, "item"),
    ] {
        assert!(seen.contains(&expected), "no finding on {expected:?}: {seen:?}");
    }
}
