//! What an item is made of: the items in its bill of materials at every tier, with the quantity
//! of each per unit of the item (summed over every path, so a shared sub-assembly appears once
//! with its combined quantity) and its tier (the shortest path).

use crate::graph::Graph;

/// One item of a closure.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Requirement {
    pub item: u32,
    /// Units per unit of the root item, over every path.
    pub quantity: f64,
    /// 0 for the root, 1 for its direct components, and so on (shortest path).
    pub tier: u32,
}

/// Computes closures one root after another, reusing its buffers so each costs only the size
/// of the closure, not of the network.
pub struct Closures<'g> {
    graph: &'g Graph,
    /// Position of each item in `graph.topo_order`.
    topo_position: Vec<u32>,
    tier: Vec<u32>,
    quantity: Vec<f64>,
}

impl<'g> Closures<'g> {
    pub fn new(graph: &'g Graph) -> Closures<'g> {
        let mut topo_position = vec![0; graph.n_items()];
        for (position, &item) in graph.topo_order.iter().enumerate() {
            topo_position[item as usize] = position as u32;
        }
        Closures {
            graph,
            topo_position,
            tier: vec![u32::MAX; graph.n_items()],
            quantity: vec![0.0; graph.n_items()],
        }
    }

    /// The root and every item below it, parents before components.
    pub fn of(&mut self, root: u32) -> Vec<Requirement> {
        let graph = self.graph;
        let mut items = self.reach(root);
        items.sort_unstable_by_key(|&item| self.topo_position[item as usize]);
        self.quantity[root as usize] = 1.0;
        let mut out = Vec::with_capacity(items.len());
        for &item in &items {
            let per_unit = self.quantity[item as usize];
            for edge in graph.components.row(item) {
                self.quantity[edge.item as usize] += per_unit * edge.quantity;
            }
            out.push(Requirement { item, quantity: per_unit, tier: self.tier[item as usize] });
        }
        for &item in &items {
            self.tier[item as usize] = u32::MAX;
            self.quantity[item as usize] = 0.0;
        }
        out
    }

    /// The root and every item below it, in breadth-first order (the set `of` gives, without
    /// quantities).
    pub fn items(&mut self, root: u32) -> Vec<u32> {
        let items = self.reach(root);
        for &item in &items {
            self.tier[item as usize] = u32::MAX;
        }
        items
    }

    /// The items of the root's closure (the root included) that no site is qualified to make:
    /// while there is one, the root cannot be made at all.
    pub fn unsourced(&mut self, root: u32) -> Vec<u32> {
        let graph = self.graph;
        self.items(root).into_iter().filter(|&item| graph.sources.row(item).is_empty()).collect()
    }

    /// Breadth-first from the root, setting `tier` of every item reached (the caller resets it).
    fn reach(&mut self, root: u32) -> Vec<u32> {
        self.tier[root as usize] = 0;
        let mut items = vec![root];
        let mut next = 0;
        while let Some(&item) = items.get(next) {
            next += 1;
            for edge in self.graph.components.row(item) {
                if self.tier[edge.item as usize] == u32::MAX {
                    self.tier[edge.item as usize] = self.tier[item as usize] + 1;
                    items.push(edge.item);
                }
            }
        }
        items
    }
}

/// The items end users need: those with demand, and those of kind product.
pub fn end_products(graph: &Graph) -> Vec<u32> {
    let mut is_end = vec![false; graph.n_items()];
    for demand in &graph.demand {
        is_end[demand.item as usize] = true;
    }
    for (item, node) in graph.items.iter().enumerate() {
        if node.kind == model::ItemKind::Product {
            is_end[item] = true;
        }
    }
    (0..graph.n_items() as u32).filter(|&i| is_end[i as usize]).collect()
}

/// Weekly demand value of each item (units per week times unit value), summed over sites.
pub fn demand_value(graph: &Graph) -> Vec<f64> {
    let mut value = vec![0.0; graph.n_items()];
    for demand in &graph.demand {
        value[demand.item as usize] +=
            demand.units_per_week * graph.items[demand.item as usize].unit_value;
    }
    value
}
