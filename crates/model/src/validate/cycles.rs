//! Finds cycles in the bill of materials (an item that, through its components, contains itself)
//! and reports each with its path.

use std::collections::HashMap;

use super::fields::Checker;
use crate::network::Network;
use crate::table::Table;

/// Reports every BOM line that closes a cycle, naming the items around it.
pub(super) fn check_bom(check: &mut Checker, network: &Network, items: &HashMap<&str, usize>) {
    let n_items = network.items.len();
    // Edges parent -> (component, bom row), for lines whose both ends are known.
    let mut edges: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n_items];
    for (row, line) in network.bom.iter().enumerate() {
        if let (Some(&parent), Some(&component)) =
            (items.get(line.parent.as_str()), items.get(line.component.as_str()))
        {
            edges[parent].push((component, row));
        }
    }
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let mut mark = vec![Mark::New; n_items];
    // The DFS path: (item, index of the next edge to follow).
    let mut path: Vec<(usize, usize)> = Vec::new();
    for root in 0..n_items {
        if mark[root] != Mark::New {
            continue;
        }
        mark[root] = Mark::Open;
        path.push((root, 0));
        while let Some(&mut (node, ref mut next)) = path.last_mut() {
            let Some(&(child, row)) = edges[node].get(*next) else {
                mark[node] = Mark::Done;
                path.pop();
                continue;
            };
            *next += 1;
            match mark[child] {
                Mark::New => {
                    mark[child] = Mark::Open;
                    path.push((child, 0));
                }
                Mark::Open => {
                    let start = path.iter().position(|&(item, _)| item == child).unwrap_or(0);
                    let mut names: Vec<&str> = path[start..]
                        .iter()
                        .map(|&(item, _)| network.items[item].id.as_str())
                        .collect();
                    names.push(&network.items[child].id);
                    let message = format!("bill of materials has a cycle: {}", names.join(" -> "));
                    check.error(Table::Bom, row, "component", message);
                }
                Mark::Done => {}
            }
        }
    }
}
