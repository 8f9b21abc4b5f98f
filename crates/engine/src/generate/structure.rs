//! The shape of a generated network: organizations and sites around metros, items in tiers,
//! bills of materials, routings and who is qualified to make what.

use std::ops::Range;

use model::{Capability, ItemKind, Network, OrgKind, Organization, Site, SiteKind};
use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use super::metros::METROS;
use super::naming::{
    COMPONENT_NOUNS, MATERIAL_NOUNS, ORG_FIRST, ORG_SECOND, ORG_SUFFIX, PROCESSES, PRODUCT_NOUNS,
    SUB_NOUNS,
};
use super::weighted;

/// Which sites play which role.
pub(super) struct Layout {
    /// Sites that make items, in the order sources are dealt out to them.
    pub(super) makers: Vec<u32>,
    pub(super) warehouses: Vec<u32>,
}

/// The item structure the flows are computed on; item indices are rows of `network.items`.
pub(super) struct Plan {
    /// Item ranges by tier: 0 materials, 1 components, 2 subassemblies, 3 products.
    /// Products come first in `network.items`, so every component has a higher index than its
    /// parents.
    pub(super) tiers: [Range<usize>; 4],
    /// By item: (component, quantity per unit).
    pub(super) components: Vec<Vec<(u32, f64)>>,
    /// By item: (process index within its tier, hours per unit) of each routing.
    pub(super) routings: Vec<Vec<(usize, f64)>>,
    /// By item: its tier.
    pub(super) tier_of: Vec<usize>,
    /// By item: the sites qualified to make it.
    pub(super) sources: Vec<Vec<u32>>,
}

pub(super) fn sites(rng: &mut ChaCha8Rng, n_sites: usize, network: &mut Network) -> Layout {
    let n_institutes = (n_sites * 2 / 100).max(1);
    let n_labs = (n_sites * 2 / 100).max(1);
    let n_warehouses = (n_sites * 6 / 100).max(1);
    let mut cumulative = Vec::with_capacity(METROS.len());
    let mut total = 0u64;
    for metro in METROS {
        total += u64::from(metro.weight);
        cumulative.push(total);
    }
    let mut makers = Vec::new();
    let mut warehouses = Vec::new();
    let mut previous_role = None;
    for i in 0..n_sites {
        let role = if i < n_institutes {
            SiteKind::Institute
        } else if i < n_institutes + n_labs {
            SiteKind::Lab
        } else if i < n_institutes + n_labs + n_warehouses {
            SiteKind::Warehouse
        } else {
            SiteKind::Factory
        };
        if previous_role != Some(role) || rng.random_bool(0.65) {
            let kind = match role {
                SiteKind::Institute => OrgKind::Institute,
                SiteKind::Lab if rng.random_bool(0.5) => OrgKind::University,
                SiteKind::Lab => OrgKind::Government,
                _ => OrgKind::Company,
            };
            let name = format!(
                "{} {} {}",
                ORG_FIRST[rng.random_range(0..ORG_FIRST.len())],
                ORG_SECOND[rng.random_range(0..ORG_SECOND.len())],
                ORG_SUFFIX[rng.random_range(0..ORG_SUFFIX.len())]
            );
            let id = format!("org-{:06}", network.organizations.len() + 1);
            network.organizations.push(Organization { id, name, kind, sponsor: None, focus: None });
        }
        previous_role = Some(role);
        let org = network.organizations.last().map(|o| o.id.clone()).unwrap_or_default();
        let metro = &METROS[weighted(rng, &cumulative)];
        let radius = 0.4 * rng.random::<f64>().sqrt();
        let angle = rng.random::<f64>() * std::f64::consts::TAU;
        let latitude = metro.latitude + radius * angle.sin();
        let longitude = metro.longitude + radius * angle.cos() / metro.latitude.to_radians().cos();
        let employees = 10f64.powf(0.3 + 3.2 * rng.random::<f64>().powf(1.6)).round() as u64;
        let mut certifications = Vec::new();
        for (cert, p) in
            [("ISO 9001", 0.6), ("AS9100", 0.12), ("ISO 13485", 0.08), ("IATF 16949", 0.1)]
        {
            if role == SiteKind::Factory && rng.random_bool(p) {
                certifications.push(cert.to_owned());
            }
        }
        let id = format!("site-{:06}", i + 1);
        let site_index = i as u32;
        match role {
            SiteKind::Factory => makers.push(site_index),
            SiteKind::Warehouse => warehouses.push(site_index),
            _ => {
                let process =
                    if role == SiteKind::Lab { "materials-testing" } else { "pilot-line" };
                network.capabilities.push(Capability {
                    site: id.clone(),
                    process: process.to_owned(),
                    hours_per_week: f64::from(rng.random_range(40..400u32)),
                });
            }
        }
        let naics = match role {
            SiteKind::Warehouse => vec!["493110".to_owned()],
            SiteKind::Institute | SiteKind::Lab => vec!["541715".to_owned()],
            _ => Vec::new(),
        };
        network.sites.push(Site {
            id,
            organization: org,
            name: format!("{} site {}", metro.city, i + 1),
            kind: role,
            latitude: Some((latitude * 1e4).round() / 1e4),
            longitude: Some((longitude * 1e4).round() / 1e4),
            city: Some(metro.city.to_owned()),
            state: Some(metro.state.to_owned()),
            country: Some("US".to_owned()),
            naics,
            employees: Some((employees as u32).max(1)),
            certifications,
            ttr_weeks: (1.0 - 6.0 * (1.0 - rng.random::<f64>()).ln()).floor().min(52.0),
        });
    }
    makers.shuffle(rng);
    Layout { makers, warehouses }
}

pub(super) fn items(
    rng: &mut ChaCha8Rng,
    n_sites: usize,
    layout: &Layout,
    network: &mut Network,
) -> Plan {
    let n_items = n_sites.max(8);
    let n_products = (n_items * 3 / 100).max(2);
    let n_subs = (n_items * 15 / 100).max(2);
    let n_materials = (n_items * 30 / 100).max(2);
    let n_components = (n_items - n_products - n_subs - n_materials).max(2);
    let mut start = 0;
    let mut tier_range = |n: usize| {
        let range = start..start + n;
        start += n;
        range
    };
    let products = tier_range(n_products);
    let subs = tier_range(n_subs);
    let components = tier_range(n_components);
    let materials = tier_range(n_materials);
    let tiers = [materials, components, subs, products];
    let n_items = start;

    let mut tier_of = vec![0; n_items];
    for (tier, range) in tiers.iter().enumerate() {
        for item in range.clone() {
            tier_of[item] = tier;
        }
    }
    let mut routings = vec![Vec::new(); n_items];
    for item in 0..n_items {
        let specs = PROCESSES[tier_of[item]];
        let process = if tier_of[item] == 3 { 0 } else { rng.random_range(0..specs.len()) };
        let (low, high) = specs[process].hours;
        routings[item].push((process, round_hours(rng.random_range(low..high))));
        if tier_of[item] == 3 && rng.random_bool(0.5) {
            let (low, high) = specs[1].hours;
            routings[item].push((1, round_hours(rng.random_range(low..high))));
        }
    }
    for (item, &tier) in tier_of.iter().enumerate() {
        let serial = item - tiers[tier].start + 1;
        let (nouns, prefix, kind, unit) = match tier {
            3 => (PRODUCT_NOUNS, "prod", ItemKind::Product, "each"),
            2 => (SUB_NOUNS, "sub", ItemKind::Part, "each"),
            1 => (COMPONENT_NOUNS, "comp", ItemKind::Part, "each"),
            _ => (MATERIAL_NOUNS, "mat", ItemKind::Material, "kg"),
        };
        let noun = nouns[serial % nouns.len()];
        network.items.push(model::Item {
            id: format!("{prefix}-{serial:06}"),
            name: format!("{noun} {}-{serial}", prefix.to_uppercase()),
            kind,
            unit: unit.to_owned(),
            unit_value: 0.0,
        });
    }

    let components = bills_of_materials(rng, &tiers, n_items);
    let sources = deal_sources(rng, layout, &components, &routings, &tier_of, network);
    Plan { tiers, components, routings, tier_of, sources }
}

fn round_hours(hours: f64) -> f64 {
    (hours * 1e4).round() / 1e4
}

/// Every item below the products goes into at least one parent one tier up; parents then draw
/// more components, favouring a few popular ones as real catalogs do.
fn bills_of_materials(
    rng: &mut ChaCha8Rng,
    tiers: &[Range<usize>; 4],
    n_items: usize,
) -> Vec<Vec<(u32, f64)>> {
    let mut components: Vec<Vec<(u32, f64)>> = vec![Vec::new(); n_items];
    let mut add = |rng: &mut ChaCha8Rng, parent: usize, child: usize, tier: usize| {
        if components[parent].iter().all(|&(c, _)| c as usize != child) {
            let quantity = if tier == 0 {
                (rng.random_range(0.05..5.0f64) * 100.0).round() / 100.0
            } else {
                f64::from([1, 1, 1, 2, 2, 4][rng.random_range(0..6)])
            };
            components[parent].push((child as u32, quantity));
        }
    };
    // (child tier, parent tier, extra components drawn by each parent)
    for (child_tier, parent_tier, extra) in [(2, 3, 2..5), (1, 3, 1..4), (1, 2, 2..7), (0, 1, 1..5)]
    {
        let children = tiers[child_tier].clone();
        let parents = tiers[parent_tier].clone();
        if child_tier + 1 == parent_tier {
            for child in children.clone() {
                let parent = rng.random_range(parents.clone());
                add(rng, parent, child, child_tier);
            }
        }
        for parent in parents {
            for _ in 0..rng.random_range(extra.clone()) {
                let skew = rng.random::<f64>().powi(2);
                let child = children.start + (skew * children.len() as f64) as usize;
                add(rng, parent, child.min(children.end - 1), child_tier);
            }
        }
    }
    components
}

/// Deals each item 1 to 4 qualified sources from the makers in turn, never to a site that makes
/// one of the item's parents (so no site supplies itself).
fn deal_sources(
    rng: &mut ChaCha8Rng,
    layout: &Layout,
    components: &[Vec<(u32, f64)>],
    routings: &[Vec<(usize, f64)>],
    tier_of: &[usize],
    network: &mut Network,
) -> Vec<Vec<u32>> {
    let n_makers = layout.makers.len();
    let mut made_at: Vec<Vec<u32>> = vec![Vec::new(); network.sites.len()];
    let mut sources = vec![Vec::new(); components.len()];
    let mut cursor = 0;
    for item in 0..components.len() {
        let n_sources = [1, 1, 1, 1, 2, 2, 2, 3, 3, 4][rng.random_range(0..10)];
        for _ in 0..n_sources {
            for _ in 0..n_makers {
                let site = layout.makers[cursor % n_makers];
                cursor += 1;
                let makes_parent = made_at[site as usize]
                    .iter()
                    .any(|&p| components[p as usize].iter().any(|&(c, _)| c as usize == item));
                if !makes_parent && !sources[item].contains(&site) {
                    sources[item].push(site);
                    made_at[site as usize].push(item as u32);
                    break;
                }
            }
        }
        let spec = &PROCESSES[tier_of[item]][routings[item][0].0];
        for &site in &sources[item] {
            let first_item = made_at[site as usize].first() == Some(&(item as u32));
            let site = &mut network.sites[site as usize];
            if first_item {
                site.kind = if spec.name.ends_with("additive") {
                    SiteKind::Additive
                } else if spec.name == "fermentation" {
                    SiteKind::Biomanufacturing
                } else {
                    SiteKind::Factory
                };
            }
            if !site.naics.iter().any(|code| code == spec.naics) {
                site.naics.push(spec.naics.to_owned());
            }
        }
    }
    sources
}
