//! The generator is deterministic, always valid, and feasible in steady state.

use std::collections::HashMap;

use model::{Network, validate};
use proptest::prelude::*;

use super::{GenerateConfig, generate};

/// Checks that the links carry every need and no source or capability is overloaded.
fn check_steady_state(network: &Network) -> Result<(), String> {
    let mut shipped: HashMap<(&str, &str), f64> = HashMap::new();
    let mut received: HashMap<(&str, &str), f64> = HashMap::new();
    for link in &network.links {
        *shipped.entry((&link.supplier, &link.item)).or_default() += link.units_per_week;
        *received.entry((&link.customer, &link.item)).or_default() += link.units_per_week;
    }
    let mut components: HashMap<&str, Vec<(&str, f64)>> = HashMap::new();
    for line in &network.bom {
        components.entry(&line.parent).or_default().push((&line.component, line.quantity));
    }
    let mut routings: HashMap<&str, Vec<(&str, f64)>> = HashMap::new();
    for r in &network.routings {
        routings.entry(&r.item).or_default().push((&r.process, r.hours_per_unit));
    }
    let mut needed: HashMap<(&str, &str), f64> = HashMap::new();
    let mut hours: HashMap<(&str, &str), f64> = HashMap::new();
    for source in &network.sources {
        let made =
            shipped.get(&(source.site.as_str(), source.item.as_str())).copied().unwrap_or(0.0);
        if made > source.max_units_per_week + 1e-9 {
            return Err(format!("{} ships {made} of {} above capacity", source.site, source.item));
        }
        for &(component, quantity) in components.get(source.item.as_str()).into_iter().flatten() {
            *needed.entry((&source.site, component)).or_default() += made * quantity;
        }
        for &(process, per_unit) in routings.get(source.item.as_str()).into_iter().flatten() {
            *hours.entry((&source.site, process)).or_default() += made * per_unit;
        }
    }
    for demand in &network.demand {
        let site = demand.site.as_deref().unwrap_or_default();
        *needed.entry((site, &demand.item)).or_default() += demand.units_per_week;
    }
    for (&(site, item), &units) in &needed {
        let got = received.get(&(site, item)).copied().unwrap_or(0.0);
        if got < units * (1.0 - 1e-9) - 1e-9 {
            return Err(format!("{site} needs {units} of {item} but receives {got}"));
        }
    }
    let capacity: HashMap<(&str, &str), f64> = network
        .capabilities
        .iter()
        .map(|c| ((c.site.as_str(), c.process.as_str()), c.hours_per_week))
        .collect();
    for (&(site, process), &used) in &hours {
        let available = capacity.get(&(site, process)).copied().unwrap_or(0.0);
        if used > available + 1e-9 {
            return Err(format!("{site} needs {used} hours of {process} but has {available}"));
        }
    }
    Ok(())
}

#[test]
fn same_seed_same_network() {
    let config = GenerateConfig { n_sites: 500, seed: 7 };
    assert_eq!(generate(&config), generate(&config));
    assert_ne!(generate(&config), generate(&GenerateConfig { seed: 8, ..config }));
}

#[test]
fn shape_of_a_mid_size_network() {
    let network = generate(&GenerateConfig { n_sites: 5_000, seed: 1 });
    let n_sites = network.sites.len();
    let n_items = network.items.len();
    let mut n_sources: HashMap<&str, usize> = HashMap::new();
    for source in &network.sources {
        *n_sources.entry(&source.item).or_default() += 1;
    }
    let sole = n_sources.values().filter(|&&n| n == 1).count();
    assert_eq!(n_sites, 5_000);
    assert_eq!(n_sources.len(), n_items, "every item has a source");
    let sole_share = sole as f64 / n_items as f64;
    assert!((0.3..0.5).contains(&sole_share), "sole-sourced share {sole_share}");
    let links_per_site = network.links.len() as f64 / n_sites as f64;
    assert!((5.0..15.0).contains(&links_per_site), "links per site {links_per_site}");
    check_steady_state(&network).unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn generated_networks_are_valid_and_feasible(n_sites in 50usize..400, seed in any::<u64>()) {
        let network = generate(&GenerateConfig { n_sites, seed });
        let findings = validate(&network);
        prop_assert!(findings.is_empty(), "{:?}", &findings[..findings.len().min(5)]);
        prop_assert_eq!(check_steady_state(&network), Ok(()));
    }
}
