//! The supply-map use case and its output formats: a readable tree, Graphviz DOT and GeoJSON
//! (JSON comes from serde on `SupplyMap`).

use std::collections::{HashMap, HashSet};
use std::fmt::Write;

use engine::graph::Graph;
use model::Network;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::{Config, Error, Progress, lookup};

/// A supply map, named for people and programs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SupplyMap {
    pub item: String,
    /// The customer site the map is seen from, when it follows actual links.
    pub site: Option<String>,
    pub depth: Option<u32>,
    /// Tier by tier; an item-level map has one node per item, a site-level map one per
    /// (site, item) it follows.
    pub nodes: Vec<MapNode>,
    /// BOM lines between the map's items.
    pub bom: Vec<MapBom>,
    /// Actual links between the map's sites, for the map's items.
    pub links: Vec<MapLink>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MapNode {
    pub tier: u32,
    pub item: String,
    pub item_name: String,
    /// Units per unit of the map's item (at the map's site, for site-level maps).
    pub quantity: f64,
    /// The qualified sources of the item (item-level), or the one site supplying it (site-level).
    pub sites: Vec<MapSite>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MapSite {
    pub site: String,
    pub name: String,
    pub city: Option<String>,
    pub state: Option<String>,
    pub country: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// The site's qualified capacity for the node's item, if it is a source.
    pub max_units_per_week: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MapBom {
    pub parent: String,
    pub component: String,
    pub quantity: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MapLink {
    pub supplier: String,
    pub customer: String,
    pub item: String,
    pub units_per_week: f64,
    /// In a site-level map, the item the customer makes of it (or the item itself, at a site
    /// that passes it on): a site can make several items of the map from different inputs.
    pub customer_item: Option<String>,
}

/// What a map shows of a site or an item that the graph does not hold, by the graph's index.
pub(crate) trait Names {
    fn site_name(&self, site: u32) -> &str;
    fn site_city(&self, site: u32) -> Option<&str>;
    fn item_name(&self, item: u32) -> &str;
}

impl Names for Network {
    fn site_name(&self, site: u32) -> &str {
        &self.sites[site as usize].name
    }

    fn site_city(&self, site: u32) -> Option<&str> {
        self.sites[site as usize].city.as_deref()
    }

    fn item_name(&self, item: u32) -> &str {
        &self.items[item as usize].name
    }
}

/// The names a map shows, kept with the cached graph (`graph_cache`) so that a map of a large
/// stored network needs neither its records nor a graph built again.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct Labels {
    site_names: Vec<String>,
    site_cities: Vec<Option<String>>,
    item_names: Vec<String>,
}

impl Labels {
    /// The labels of `network`, in the order of its records (the graph's indices).
    pub(crate) fn of(network: &Network) -> Labels {
        Labels {
            site_names: network.sites.iter().map(|s| s.name.clone()).collect(),
            site_cities: network.sites.iter().map(|s| s.city.clone()).collect(),
            item_names: network.items.iter().map(|i| i.name.clone()).collect(),
        }
    }
}

impl Names for Labels {
    fn site_name(&self, site: u32) -> &str {
        &self.site_names[site as usize]
    }

    fn site_city(&self, site: u32) -> Option<&str> {
        self.site_cities[site as usize].as_deref()
    }

    fn item_name(&self, item: u32) -> &str {
        &self.item_names[item as usize]
    }
}

/// The supply map of `item`, over qualified sources, or over actual links into `site`: from the
/// graph and labels cached beside the embedded store (`graph_cache`).
pub fn map(
    config: &Config,
    item: &str,
    site: Option<&str>,
    depth: Option<u32>,
    progress: &dyn Progress,
) -> Result<SupplyMap, Error> {
    crate::graph_cache::once_labelled(config, progress, |graph, labels| {
        build(labels, graph, item, site, depth)
    })
}

/// The supply map of `item` on `graph`, named by `names`.
pub(crate) fn build(
    names: &impl Names,
    graph: &Graph,
    item: &str,
    site: Option<&str>,
    depth: Option<u32>,
) -> Result<SupplyMap, Error> {
    let item_ix = lookup::find(&graph.item_ids, item, "item")?;
    let mut map = SupplyMap {
        item: item.to_owned(),
        site: site.map(str::to_owned),
        depth,
        nodes: Vec::new(),
        bom: Vec::new(),
        links: Vec::new(),
    };
    let site_entry = |site: u32, item: u32| map_site(names, graph, site, item);
    let mut sites_in = HashSet::new();
    // The map's items by index, sorted (for the links and BOM lines between them).
    let mut items: Vec<u32> = Vec::new();
    match site {
        None => {
            for r in engine::map::item_map(graph, item_ix, depth) {
                items.push(r.item);
                let sites =
                    graph.sources.row(r.item).iter().map(|s| site_entry(s.site, r.item)).collect();
                sites_in.extend(graph.sources.row(r.item).iter().map(|s| s.site));
                map.nodes.push(node(names, graph, r.tier, r.item, r.quantity, sites));
            }
            items.sort_unstable();
            for &site in &sites_in {
                for link in graph.links_out.row(site) {
                    if sites_in.contains(&link.site) && items.binary_search(&link.item).is_ok() {
                        map.links.push(MapLink {
                            supplier: graph.site_ids[site as usize].to_string(),
                            customer: graph.site_ids[link.site as usize].to_string(),
                            item: graph.item_ids[link.item as usize].to_string(),
                            units_per_week: link.units_per_week,
                            customer_item: None,
                        });
                    }
                }
            }
        }
        Some(site) => {
            let site_ix = lookup::find(&graph.site_ids, site, "site")?;
            if !holds(graph, site_ix, item_ix) {
                return Err(not_held(graph, site, item, item_ix));
            }
            let steps = engine::map::site_map(graph, site_ix, item_ix, depth);
            for step in &steps {
                items.push(step.item);
                map.nodes.push(node(
                    names,
                    graph,
                    step.tier,
                    step.item,
                    step.quantity,
                    vec![site_entry(step.site, step.item)],
                ));
                for &(customer, units) in &step.customers {
                    let customer = &steps[customer];
                    map.links.push(MapLink {
                        supplier: graph.site_ids[step.site as usize].to_string(),
                        customer: graph.site_ids[customer.site as usize].to_string(),
                        item: graph.item_ids[step.item as usize].to_string(),
                        units_per_week: units,
                        customer_item: Some(graph.item_ids[customer.item as usize].to_string()),
                    });
                }
            }
        }
    }
    map.nodes.sort_by_key(|n| n.tier);
    items.sort_unstable();
    items.dedup();
    for &parent in &items {
        for edge in graph.components.row(parent) {
            if items.binary_search(&edge.item).is_ok() {
                map.bom.push(MapBom {
                    parent: graph.item_ids[parent as usize].to_string(),
                    component: graph.item_ids[edge.item as usize].to_string(),
                    quantity: edge.quantity,
                });
            }
        }
    }
    map.links.sort_by(|a, b| {
        (&a.supplier, &a.customer, &a.item, &a.customer_item).cmp(&(
            &b.supplier,
            &b.customer,
            &b.item,
            &b.customer_item,
        ))
    });
    Ok(map)
}

/// Whether `item` is anything to `site`: made there, brought there along a link, or held or
/// demanded there.
fn holds(graph: &Graph, site: u32, item: u32) -> bool {
    graph.makes.row(site).contains(&item)
        || graph.links_in.row(site).iter().any(|l| l.item == item)
        || graph.inventory.row(site).iter().any(|s| s.item == item)
        || graph.demand.iter().any(|d| d.item == item && d.site == Some(site))
}

/// The error for a site-level map from a site that `item` is nothing to, with sites it is
/// something to.
fn not_held(graph: &Graph, site: &str, item: &str, item_ix: u32) -> Error {
    let mut sites: Vec<u32> = graph.sources.row(item_ix).iter().map(|s| s.site).collect();
    for supplier in graph.sources.row(item_ix) {
        let out = graph.links_out.row(supplier.site).iter();
        sites.extend(out.filter(|l| l.item == item_ix).map(|l| l.site));
    }
    sites.sort_unstable();
    sites.dedup();
    let names: Vec<String> =
        sites.iter().map(|&s| graph.site_ids[s as usize].to_string()).collect();
    let some = if names.is_empty() {
        String::new()
    } else {
        format!("; it is made or received at {}", model::listed(&names, 5))
    };
    Error::NotFound(format!(
        "{site} neither makes {item} nor receives it along a link, nor holds or needs any, so there is no map of it as seen from {site}{some}; a map asked with no site is over every qualified source"
    ))
}

fn node(
    names: &impl Names,
    graph: &Graph,
    tier: u32,
    item: u32,
    quantity: f64,
    sites: Vec<MapSite>,
) -> MapNode {
    MapNode {
        tier,
        item: graph.item_ids[item as usize].to_string(),
        item_name: names.item_name(item).to_owned(),
        quantity,
        sites,
    }
}

fn map_site(names: &impl Names, graph: &Graph, site: u32, item: u32) -> MapSite {
    let node = &graph.sites[site as usize];
    let capacity =
        graph.sources.row(item).iter().find(|e| e.site == site).map(|e| e.max_units_per_week);
    MapSite {
        site: graph.site_ids[site as usize].to_string(),
        name: names.site_name(site).to_owned(),
        city: names.site_city(site).map(str::to_owned),
        state: node.state.map(|s| graph.states[s as usize].to_string()),
        country: node.country.map(|c| graph.countries[c as usize].to_string()),
        latitude: node.latitude,
        longitude: node.longitude,
        max_units_per_week: capacity,
    }
}

fn place(site: &MapSite) -> String {
    let parts: Vec<&str> =
        [&site.city, &site.state, &site.country].into_iter().filter_map(|p| p.as_deref()).collect();
    if parts.is_empty() {
        site.site.clone()
    } else {
        format!("{} ({})", site.site, parts.join(", "))
    }
}

/// An indented tree: each item (in a site-level map, each site's item, under the sites it
/// supplies) is expanded once, at its tier (under the first parent one tier up), with its
/// combined quantity; its other mentions point to it, above or below. A map cut at a depth shows
/// nothing deeper.
pub fn to_tree(map: &SupplyMap) -> String {
    let mut out = String::new();
    let title = match &map.site {
        Some(site) => {
            format!("Supply map of {} as seen from site {site}, following actual links", map.item)
        }
        None => format!("Supply map of {} over qualified sources", map.item),
    };
    let _ = writeln!(
        out,
        "{title}: {} in {}",
        model::counted(map.nodes.len(), "node"),
        model::counted(
            map.nodes.iter().map(|n| n.tier).max().map_or(0, |t| t as usize + 1),
            "tier"
        )
    );
    // Each node is expanded once, at its tier, under the first parent one tier up that the
    // walk reaches: an item's components, or in a site-level map the suppliers that bring each
    // input to its site.
    fn key(n: &MapNode) -> (&str, &str) {
        (n.sites.first().map_or("", |s| s.site.as_str()), n.item.as_str())
    }
    // Nodes by (site, item) in a site-level map, by ("", item) in an item-level one.
    let mut index: HashMap<(&str, &str), usize> = HashMap::new();
    for (i, n) in map.nodes.iter().enumerate() {
        let (site, item) = key(n);
        index.entry((if map.site.is_some() { site } else { "" }, item)).or_insert(i);
    }
    let root = (map.site.as_deref().unwrap_or(""), map.item.as_str());
    let mut shown = HashSet::new();
    let mut stack: Vec<((&str, &str), usize)> = vec![(root, 0)];
    while let Some((at, indent)) = stack.pop() {
        let Some(n) = index.get(&at).map(|&i| &map.nodes[i]) else { continue };
        let pad = "  ".repeat(indent);
        let named = match map.site {
            Some(_) => format!("{} from {}", n.item, at.0),
            None => n.item.clone(),
        };
        if shown.contains(&at) {
            let _ = writeln!(out, "{pad}{named} (shown above)");
            continue;
        }
        if indent != n.tier as usize {
            let _ = writeln!(out, "{pad}{named} (shown below, at tier {})", n.tier);
            continue;
        }
        shown.insert(at);
        let sources: Vec<String> = n.sites.iter().map(place).collect();
        let sources = match (map.site.is_some(), sources.len()) {
            (true, _) => format!("from {}", sources.first().cloned().unwrap_or_default()),
            (false, 0) => "- NO qualified source".to_owned(),
            (false, 1) => format!("- sole source {}", sources[0]),
            (false, k) => format!("- {k} sources: {}", sources.join("; ")),
        };
        let _ = writeln!(out, "{pad}{} {} x{} {sources}", n.item, n.item_name, round(n.quantity));
        if map.depth.is_some_and(|depth| indent >= depth as usize) {
            continue;
        }
        let mut children: Vec<(&str, &str)> = match map.site {
            Some(_) => map
                .links
                .iter()
                .filter(|l| l.customer == at.0 && l.customer_item.as_deref() == Some(at.1))
                .map(|l| (l.supplier.as_str(), l.item.as_str()))
                .collect(),
            None => map
                .bom
                .iter()
                .filter(|b| b.parent == at.1)
                .map(|b| ("", b.component.as_str()))
                .collect(),
        };
        // In the map's order of nodes (by tier, then item), each once.
        children.sort_by_key(|child| index.get(child).copied().unwrap_or(usize::MAX));
        children.dedup();
        for child in children.into_iter().rev() {
            stack.push((child, indent + 1));
        }
    }
    out
}

/// A quantity as shown: four decimals, and below 0.001 four significant digits, so that a small
/// quantity never reads as 0.
fn round(x: f64) -> String {
    let digits = if x == 0.0 { 4 } else { (3 - x.abs().log10().floor() as i32).clamp(4, 15) };
    let scale = 10f64.powi(digits);
    let rounded = (x * scale).round() / scale;
    if rounded == 0.0 && x != 0.0 { format!("{x:.3e}") } else { rounded.to_string() }
}

/// Graphviz DOT: items (or site/item steps) as nodes, edges from supplier to customer.
pub fn to_dot(map: &SupplyMap) -> String {
    let mut out = String::from("digraph supply_map {\n  rankdir=LR;\n  node [shape=box];\n");
    let quote = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    if map.site.is_some() {
        let mut seen = HashSet::new();
        for n in &map.nodes {
            let site = n.sites.first().map_or("", |s| s.site.as_str());
            let id = format!("{site}/{}", n.item);
            if seen.insert(id.clone()) {
                let _ = writeln!(
                    out,
                    "  {} [label={}];",
                    quote(&id),
                    quote(&format!("{site}\n{}\nx{}", n.item, round(n.quantity)))
                );
            }
        }
        for l in &map.links {
            let customer_item = l.customer_item.as_deref().unwrap_or(&l.item);
            let _ = writeln!(
                out,
                "  {} -> {} [label={}];",
                quote(&format!("{}/{}", l.supplier, l.item)),
                quote(&format!("{}/{customer_item}", l.customer)),
                quote(&format!("{} {}/wk", l.item, round(l.units_per_week)))
            );
        }
    } else {
        for n in &map.nodes {
            let _ = writeln!(
                out,
                "  {} [label={}];",
                quote(&n.item),
                quote(&format!(
                    "{}\nx{}, {}",
                    n.item,
                    round(n.quantity),
                    model::counted(n.sites.len(), "source")
                ))
            );
        }
        for b in &map.bom {
            let _ = writeln!(
                out,
                "  {} -> {} [label={}];",
                quote(&b.component),
                quote(&b.parent),
                quote(&round(b.quantity))
            );
        }
    }
    out.push_str("}\n");
    out
}

/// GeoJSON: a point per site with a location, a line per link between two located sites.
pub fn to_geojson(map: &SupplyMap) -> Value {
    let mut features = Vec::new();
    let mut located: Vec<(&str, f64, f64)> = Vec::new();
    for n in &map.nodes {
        for s in &n.sites {
            let (Some(lat), Some(lon)) = (s.latitude, s.longitude) else { continue };
            if located.iter().any(|(id, _, _)| *id == s.site) {
                continue;
            }
            located.push((&s.site, lon, lat));
            let items: Vec<&str> = map
                .nodes
                .iter()
                .filter(|m| m.sites.iter().any(|x| x.site == s.site))
                .map(|m| m.item.as_str())
                .collect();
            features.push(json!({
                "type": "Feature",
                "geometry": { "type": "Point", "coordinates": [lon, lat] },
                "properties": { "site": s.site, "name": s.name, "city": s.city, "state": s.state, "country": s.country, "items": items, "tier": n.tier },
            }));
        }
    }
    let at = |id: &str| located.iter().find(|(s, _, _)| *s == id).map(|&(_, lon, lat)| [lon, lat]);
    // One line per link, though a link can bring an input of several items at its customer.
    let mut drawn = HashSet::new();
    for l in &map.links {
        if !drawn.insert((&l.supplier, &l.customer, &l.item)) {
            continue;
        }
        if let (Some(from), Some(to)) = (at(&l.supplier), at(&l.customer)) {
            features.push(json!({
                "type": "Feature",
                "geometry": { "type": "LineString", "coordinates": [from, to] },
                "properties": { "supplier": l.supplier, "customer": l.customer, "item": l.item, "units_per_week": l.units_per_week },
            }));
        }
    }
    json!({ "type": "FeatureCollection", "properties": { "item": map.item, "site": map.site }, "features": features })
}

/// The sites of `map` without coordinates, which GeoJSON cannot draw: each once, in map order.
pub fn unlocated(map: &SupplyMap) -> Vec<&str> {
    let mut seen = HashSet::new();
    map.nodes
        .iter()
        .flat_map(|n| &n.sites)
        .filter(|s| s.latitude.is_none() || s.longitude.is_none())
        .map(|s| s.site.as_str())
        .filter(|&site| seen.insert(site))
        .collect()
}

#[cfg(test)]
mod tests;
