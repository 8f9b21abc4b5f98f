//! Steady-state flows of a generated network, computed top-down from demand: each need of a
//! customer site is served by one or two qualified sources, whose production in turn needs its
//! components. Capacities, capabilities, inventories and values are then set around the flows,
//! with slack, so the network meets its demand with room to spare.

use std::collections::HashMap;

use model::{Demand, Inventory, Link, Network, Routing, Source};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::naming::PROCESSES;
use super::structure::{Layout, Plan};
use super::{ceil_cents, round_cents};

pub(super) fn steady_state(
    rng: &mut ChaCha8Rng,
    layout: &Layout,
    plan: &Plan,
    network: &mut Network,
) {
    let n_items = plan.components.len();
    // By item: (customer site, units per week) still to be served.
    let mut needs: Vec<Vec<(u32, f64)>> = vec![Vec::new(); n_items];
    for product in plan.tiers[3].clone() {
        let units = 10f64.powf(rng.random_range(1.0..3.0)).round();
        let first = layout.warehouses[rng.random_range(0..layout.warehouses.len())];
        let second = layout.warehouses[rng.random_range(0..layout.warehouses.len())];
        let split = if first != second && units >= 2.0 { (units * 0.6).round() } else { units };
        for (warehouse, units) in [(first, split), (second, units - split)] {
            if units > 0.0 {
                needs[product].push((warehouse, units));
                network.demand.push(Demand {
                    item: network.items[product].id.clone(),
                    site: Some(network.sites[warehouse as usize].id.clone()),
                    units_per_week: units,
                });
            }
        }
    }

    // By item, aligned with `plan.sources[item]`: units per week produced.
    let mut production: Vec<Vec<f64>> = plan.sources.iter().map(|s| vec![0.0; s.len()]).collect();
    let mut link_index: HashMap<(u32, u32, u32), usize> = HashMap::new();
    for item in 0..n_items {
        let sources = &plan.sources[item];
        for (customer, units) in std::mem::take(&mut needs[item]) {
            let candidates: Vec<usize> =
                (0..sources.len()).filter(|&k| sources[k] != customer).collect();
            if candidates.is_empty() {
                continue;
            }
            let first = candidates[rng.random_range(0..candidates.len())];
            let mut parts = vec![(first, units)];
            if candidates.len() >= 2 && rng.random_bool(0.7) {
                let second = loop {
                    let k = candidates[rng.random_range(0..candidates.len())];
                    if k != first {
                        break k;
                    }
                };
                let share = units * rng.random_range(0.5..0.8);
                parts = vec![(first, share), (second, units - share)];
            }
            for (k, part) in parts {
                let part = ceil_cents(part);
                production[item][k] += part;
                let key = (sources[k], customer, item as u32);
                let at = *link_index.entry(key).or_insert_with(|| {
                    network.links.push(Link {
                        supplier: network.sites[sources[k] as usize].id.clone(),
                        customer: network.sites[customer as usize].id.clone(),
                        item: network.items[item].id.clone(),
                        units_per_week: 0.0,
                        lead_time_weeks: rng
                            .random_bool(0.5)
                            .then(|| f64::from(rng.random_range(1..=4u32))),
                    });
                    network.links.len() - 1
                });
                network.links[at].units_per_week =
                    round_cents(network.links[at].units_per_week + part);
            }
        }
        for (k, &site) in sources.iter().enumerate() {
            if production[item][k] > 0.0 {
                for &(component, quantity) in &plan.components[item] {
                    needs[component as usize].push((site, production[item][k] * quantity));
                }
            }
        }
    }

    let values = unit_values(rng, plan);
    for (item, value) in values.iter().enumerate() {
        network.items[item].unit_value = *value;
    }
    for item in 0..n_items {
        for &(component, quantity) in &plan.components[item] {
            network.bom.push(model::BomLine {
                parent: network.items[item].id.clone(),
                component: network.items[component as usize].id.clone(),
                quantity,
            });
        }
        for &(process, hours) in &plan.routings[item] {
            network.routings.push(Routing {
                item: network.items[item].id.clone(),
                process: PROCESSES[plan.tier_of[item]][process].name.to_owned(),
                hours_per_unit: hours,
            });
        }
    }
    capacities(rng, plan, &production, &values, network);
}

/// Sets sources, capabilities and inventories around the production of every source.
fn capacities(
    rng: &mut ChaCha8Rng,
    plan: &Plan,
    production: &[Vec<f64>],
    values: &[f64],
    network: &mut Network,
) {
    // By site: (process name, hours per week needed at full capacity).
    let mut hours: Vec<Vec<(&'static str, f64)>> = vec![Vec::new(); network.sites.len()];
    let mut stock: HashMap<(u32, u32), usize> = HashMap::new();
    for (item, sources) in plan.sources.iter().enumerate() {
        let used: Vec<f64> = production[item].iter().copied().filter(|&x| x > 0.0).collect();
        let mean = if used.is_empty() { 0.0 } else { used.iter().sum::<f64>() / used.len() as f64 };
        for (k, &site) in sources.iter().enumerate() {
            let made = production[item][k];
            let base = if made > 0.0 {
                made
            } else if mean > 0.0 {
                mean * rng.random_range(0.3..1.0)
            } else {
                rng.random_range(10.0..100.0)
            };
            let max_units = ceil_cents(base * rng.random_range(1.15..1.6));
            network.sources.push(Source {
                site: network.sites[site as usize].id.clone(),
                item: network.items[item].id.clone(),
                max_units_per_week: max_units,
                lead_time_weeks: f64::from(rng.random_range(1..=8u32)),
                unit_cost: round_cents(values[item] * rng.random_range(0.6..0.9)),
            });
            for &(process, per_unit) in &plan.routings[item] {
                let name = PROCESSES[plan.tier_of[item]][process].name;
                let needed = max_units * per_unit;
                let site_hours = &mut hours[site as usize];
                match site_hours.iter_mut().find(|(p, _)| *p == name) {
                    Some((_, h)) => *h += needed,
                    None => site_hours.push((name, needed)),
                }
            }
            if made > 0.0 && rng.random_bool(0.3) {
                add_stock(
                    &mut stock,
                    network,
                    site,
                    item as u32,
                    made * rng.random_range(1.0..4.0),
                );
            }
        }
    }
    for (site, site_hours) in hours.into_iter().enumerate() {
        for (process, needed) in site_hours {
            network.capabilities.push(model::Capability {
                site: network.sites[site].id.clone(),
                process: process.to_owned(),
                hours_per_week: (needed * rng.random_range(1.0..1.25) * 10.0).ceil() / 10.0,
            });
        }
    }
    let site_index: HashMap<&str, u32> =
        network.sites.iter().enumerate().map(|(i, s)| (s.id.as_str(), i as u32)).collect();
    let item_index: HashMap<&str, u32> =
        network.items.iter().enumerate().map(|(i, s)| (s.id.as_str(), i as u32)).collect();
    let held: Vec<(u32, u32, f64)> = network
        .links
        .iter()
        .filter(|_| rng.random_bool(0.15))
        .map(|l| (site_index[l.customer.as_str()], item_index[l.item.as_str()], l.units_per_week))
        .collect();
    for (site, item, units) in held {
        add_stock(&mut stock, network, site, item, units * rng.random_range(1.0..3.0));
    }
}

fn add_stock(
    stock: &mut HashMap<(u32, u32), usize>,
    network: &mut Network,
    site: u32,
    item: u32,
    units: f64,
) {
    let at = *stock.entry((site, item)).or_insert_with(|| {
        network.inventory.push(Inventory {
            site: network.sites[site as usize].id.clone(),
            item: network.items[item as usize].id.clone(),
            units: 0.0,
        });
        network.inventory.len() - 1
    });
    network.inventory[at].units = round_cents(network.inventory[at].units + units);
}

/// Values bottom-up: materials are priced directly, everything else costs its components plus
/// a markup and value added.
fn unit_values(rng: &mut ChaCha8Rng, plan: &Plan) -> Vec<f64> {
    let n_items = plan.components.len();
    let mut values = vec![0.0; n_items];
    for item in (0..n_items).rev() {
        let inputs: f64 = plan.components[item].iter().map(|&(c, q)| q * values[c as usize]).sum();
        values[item] = if plan.components[item].is_empty() {
            round_cents(rng.random_range(0.5..40.0))
        } else {
            round_cents(inputs * rng.random_range(1.15..1.5) + rng.random_range(1.0..40.0))
        };
    }
    values
}
