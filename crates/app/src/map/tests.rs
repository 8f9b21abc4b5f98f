//! Supply maps from a customer site: every link drawn into the node of the item its customer
//! makes of it, on generated networks where one site makes several items of a map; the tree
//! of an item-level map, each item expanded once at its tier.

use std::collections::{HashMap, HashSet};

use engine::generate::{GenerateConfig, generate};

use super::{build, map, round, to_dot, to_geojson, to_tree};
use crate::{Config, Silent};

/// The nodes a DOT text declares and its edges, by their quoted ids.
fn parse_dot(dot: &str) -> (HashSet<String>, Vec<(String, String)>) {
    let quoted = |text: &str| text.trim().trim_matches('"').to_owned();
    let mut nodes = HashSet::new();
    let mut edges = Vec::new();
    for line in dot.lines().filter(|l| l.starts_with("  \"")) {
        let head = line.split(" [").next().unwrap_or(line);
        match head.split_once(" -> ") {
            Some((from, to)) => edges.push((quoted(from), quoted(to))),
            None => {
                nodes.insert(quoted(head));
            }
        }
    }
    (nodes, edges)
}

#[test]
fn links_reach_the_node_of_the_item_made_of_them() {
    let mut shared_sites = 0;
    for seed in 1..=4 {
        let network = generate(&GenerateConfig { n_sites: 300, seed });
        let graph = crate::network::build_graph(&network).unwrap();
        let mut components: HashMap<&str, HashSet<&str>> = HashMap::new();
        for line in &network.bom {
            components.entry(&line.parent).or_default().insert(&line.component);
        }
        let roots: HashSet<(&str, &str)> = network
            .demand
            .iter()
            .filter_map(|d| d.site.as_deref().map(|site| (d.item.as_str(), site)))
            .collect();
        for (item, site) in roots {
            let map = build(&network, &graph, item, Some(site), None).unwrap();
            let mut items_at: HashMap<&str, HashSet<&str>> = HashMap::new();
            for node in &map.nodes {
                items_at.entry(&node.sites[0].site).or_default().insert(&node.item);
            }
            shared_sites += items_at.values().filter(|items| items.len() > 1).count();
            for link in &map.links {
                let made = link.customer_item.as_deref().expect("a site map names it");
                assert!(
                    made == link.item || components[made].contains(link.item.as_str()),
                    "{link:?}: {made} is not made of {}",
                    link.item
                );
                assert!(items_at[link.customer.as_str()].contains(made), "{link:?}");
            }
            let (nodes, edges) = parse_dot(&to_dot(&map));
            assert_eq!(edges.len(), map.links.len());
            for (link, (from, to)) in map.links.iter().zip(&edges) {
                assert!(nodes.contains(from) && nodes.contains(to), "{from} -> {to} undeclared");
                let made = link.customer_item.as_deref().unwrap_or_default();
                assert_eq!(to, &format!("{}/{made}", link.customer));
            }
            let drawn: HashSet<(&str, &str, &str)> = map
                .links
                .iter()
                .map(|l| (l.supplier.as_str(), l.customer.as_str(), l.item.as_str()))
                .collect();
            let geojson = to_geojson(&map);
            let lines = geojson["features"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| f["geometry"]["type"] == "LineString")
                .count();
            assert_eq!(lines, drawn.len(), "one line per link of a located supplier and customer");
        }
    }
    assert!(shared_sites > 0, "no map had a site making two of its items: the test shows nothing");
}

/// A map read from the graph and labels cached beside the store, as the CLI makes it, is the
/// map of the network's records, over qualified sources and from a customer site alike.
#[test]
fn a_map_from_the_cache_is_the_map_of_the_records() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config::new(dir.path().to_path_buf(), None);
    let network = generate(&GenerateConfig { n_sites: 200, seed: 9 });
    config.open_store().unwrap().replace_network(&network, "generated", &mut |_| {}).unwrap();
    let graph = crate::network::build_graph(&network).unwrap();
    let file = dir.path().join(crate::graph_cache::FILE);
    let mut written = None;
    for demand in network.demand.iter().take(6) {
        let site = demand.site.as_deref();
        for (site, depth) in [(None, None), (None, Some(1)), (site, None)] {
            let expected = build(&network, &graph, &demand.item, site, depth).unwrap();
            // The first call builds and caches the graph; the later ones read it.
            let cached = map(&config, &demand.item, site, depth, &Silent).unwrap();
            assert_eq!(cached, expected, "{} from {site:?}, depth {depth:?}", demand.item);
            let modified = std::fs::metadata(&file).unwrap().modified().unwrap();
            assert_eq!(*written.get_or_insert(modified), modified, "read, not written again");
        }
    }
}

/// A site-level tree expands each site's item once, at its tier, under a site it supplies: the
/// nearest line above it one tier up is a customer of one of its links, for the input that line
/// makes.
#[test]
fn a_site_level_tree_puts_each_supplier_under_its_customer() {
    let sample = crate::network::sample_network(&Silent).unwrap();
    let networks = [sample, generate(&GenerateConfig { n_sites: 300, seed: 5 })];
    let mut nested = 0;
    for network in &networks {
        let graph = crate::network::build_graph(network).unwrap();
        for demand in network.demand.iter().filter(|d| d.site.is_some()) {
            for depth in [None, Some(1), Some(2)] {
                let (item, site) = (demand.item.as_str(), demand.site.as_deref());
                let map = build(network, &graph, item, site, depth).unwrap();
                let tree = to_tree(&map);
                // The (site, item) of the nearest line above at each indent.
                let mut parents: Vec<(String, String)> = Vec::new();
                let mut expanded = HashSet::new();
                for line in tree.lines().skip(1) {
                    let indent = (line.len() - line.trim_start().len()) / 2;
                    let words: Vec<&str> = line.split_whitespace().collect();
                    let from = words.iter().position(|&w| w == "from").unwrap();
                    let at = (words[from + 1].to_owned(), words[0].to_owned());
                    let context = format!("{item} from {site:?} at depth {depth:?}: {line}");
                    assert!(depth.is_none_or(|d| indent <= d as usize), "too deep: {context}");
                    if indent > 0 {
                        let (customer, made) = &parents[indent - 1];
                        assert!(
                            map.links.iter().any(|l| l.supplier == at.0
                                && l.item == at.1
                                && &l.customer == customer
                                && l.customer_item.as_ref() == Some(made)),
                            "not a supplier of the line above: {context}"
                        );
                        nested += 1;
                    }
                    if line.ends_with(" (shown above)") {
                        assert!(expanded.contains(&at), "not above: {context}");
                    } else if !line.contains(" (shown below, at tier ") {
                        assert!(expanded.insert(at.clone()), "expanded twice: {context}");
                    }
                    parents.truncate(indent);
                    parents.push(at);
                }
                assert_eq!(expanded.len(), map.nodes.len(), "{context}:\n{tree}", context = item);
            }
        }
    }
    assert!(nested > 100, "the trees nest: {nested}");
}

#[test]
fn a_tree_expands_each_item_once_at_its_tier() {
    let sample = crate::network::sample_network(&Silent).unwrap();
    let networks = [sample, generate(&GenerateConfig { n_sites: 300, seed: 5 })];
    for network in &networks {
        let graph = crate::network::build_graph(network).unwrap();
        let products: HashSet<&str> = network.demand.iter().map(|d| d.item.as_str()).collect();
        for item in products {
            for depth in [None, Some(1), Some(2)] {
                let map = build(network, &graph, item, None, depth).unwrap();
                let tier: HashMap<&str, usize> =
                    map.nodes.iter().map(|n| (n.item.as_str(), n.tier as usize)).collect();
                let tree = to_tree(&map);
                let mut expanded = HashSet::new();
                for line in tree.lines().skip(1) {
                    let indent = (line.len() - line.trim_start().len()) / 2;
                    let name = line.trim_start().split(' ').next().unwrap();
                    let at = format!("{item} at depth {depth:?}: {line}");
                    assert!(depth.is_none_or(|d| indent <= d as usize), "too deep: {at}");
                    if line.ends_with(" (shown above)") {
                        assert!(expanded.contains(name), "not above: {at}");
                    } else if line.contains(" (shown below, at tier ") {
                        assert!(!expanded.contains(name) && indent > tier[name], "{at}");
                    } else {
                        assert_eq!(indent, tier[name], "expanded off its tier: {at}");
                        assert!(expanded.insert(name), "expanded twice: {at}");
                    }
                }
                assert_eq!(expanded.len(), map.nodes.len(), "{item} at depth {depth:?}:\n{tree}");
            }
        }
    }
}

/// A quantity is shown to four decimals, and a small one to four significant digits: no
/// quantity that is not 0 reads as 0.
#[test]
fn small_quantities_are_not_shown_as_zero() {
    let shown: Vec<String> =
        [0.0, 2.12444, 0.12345, 0.003, 0.00002, 0.000123456, 1e-20, -0.00002].map(round).into();
    assert_eq!(
        shown,
        ["0", "2.1244", "0.1235", "0.003", "0.00002", "0.0001235", "1.000e-20", "-0.00002"]
    );
}
