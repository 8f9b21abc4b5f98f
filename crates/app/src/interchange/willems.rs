//! Import of Willems (2008) multi-echelon supply chains (an XML export flattened to CSV): each
//! stage becomes a site that makes one item of the same name, each arc a BOM line (one unit of
//! the upstream item per unit downstream) and a link carrying the steady-state flow.
//! docs/data-format.md lists every assumption (days to weeks, capacity headroom, recovery time).

use std::collections::HashMap;
use std::path::Path;

use model::{
    BomLine, Capability, Demand, Item, ItemKind, Link, OrgKind, Organization, Routing, Site,
    SiteKind, Source, Table,
};

use super::Parsed;
use super::files::{csv_records, opening, read_required};
use super::findings::{Finding, RowPlaces};

/// Days per week: stage times and demand rates in the data are per day.
const DAYS_PER_WEEK: f64 = 7.0;
/// Capacity of a stage relative to its steady-state throughput.
pub const CAPACITY_HEADROOM: f64 = 1.25;

struct Stage {
    line: u64,
    name: String,
    class: String,
    cost: f64,
    days: f64,
    demand_per_day: Option<f64>,
}

/// Whether the file at `path` begins as a chain file does, with `/chain` (after a UTF-8
/// byte-order mark, if any), so that it can be imported without `--format willems`.
pub(super) fn begins_as_chain(path: &Path) -> bool {
    opening(path, 16).is_some_and(|start| start.starts_with(b"/chain"))
}

pub(super) fn read(path: &Path) -> Parsed {
    let mut parsed = Parsed::default();
    let file = path.display().to_string();
    let text = match read_required(path, &file) {
        Ok(text) => text,
        Err(finding) => return Parsed::failed(finding),
    };
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match (records.next(), records.next()) {
        (Some(Ok(first)), Some(Ok(header))) if first.get(0) == Some("/chain") => header,
        _ => {
            let message = "not a Willems chain file: expected \"/chain\" on line 1 and column names on line 2";
            parsed.findings.push(Finding::file_error(format!("{file}:1"), message));
            return parsed;
        }
    };
    let column = |name: &str| header.iter().position(|h| h == name);
    let wanted = [
        "/arcs/arc/@from",
        "/arcs/arc/@to",
        "/stages/stage/@stageName",
        "/stages/stage/@stageClassification",
        "/stages/stage/@stageCost",
        "/stages/stage/@stageTime",
        "/stages/stage/@avgDemand",
    ];
    let positions: Vec<Option<usize>> = wanted.iter().map(|name| column(name)).collect();
    let missing: Vec<&str> =
        wanted.iter().zip(&positions).filter(|(_, p)| p.is_none()).map(|(n, _)| *n).collect();
    if !missing.is_empty() {
        parsed.findings.push(Finding::file_error(
            format!("{file}:2"),
            format!(
                "missing {} {}",
                if missing.len() == 1 { "column" } else { "columns" },
                missing.join(", ")
            ),
        ));
        return parsed;
    }
    let at = |record: &csv::StringRecord, k: usize| {
        positions[k].and_then(|i| record.get(i)).unwrap_or("").trim().to_owned()
    };
    let mut stages: Vec<Stage> = Vec::new();
    let mut arcs: Vec<(u64, String, String)> = Vec::new();
    let mut malformed = Vec::new();
    for (line, record) in csv_records(&mut reader, &text, &file, &mut malformed) {
        let (from, to, name) = (at(&record, 0), at(&record, 1), at(&record, 2));
        if !from.is_empty() || !to.is_empty() {
            if from.is_empty() || to.is_empty() {
                parsed.findings.push(Finding::file_error(
                    format!("{file}:{line}"),
                    "arc needs both from and to",
                ));
            } else {
                arcs.push((line, from, to));
            }
            continue;
        }
        if name.is_empty() {
            continue;
        }
        let mut number = |k: usize, field: &str, required: bool| -> Option<f64> {
            let text = at(&record, k);
            if text.is_empty() {
                if required {
                    parsed.findings.push(Finding::file_error(
                        format!("{file}:{line}: {field}"),
                        "is required but missing",
                    ));
                }
                return None;
            }
            let value = text.parse::<f64>().ok().filter(|x| x.is_finite() && *x >= 0.0);
            // A number the network's tables would refuse once derived from it is named as
            // written, not as the field it becomes.
            let problem = match value {
                None => Some(format!("expected a number of at least 0, got {text:?}")),
                Some(x) => model::too_large(x),
            };
            if let Some(message) = problem {
                parsed
                    .findings
                    .push(Finding::file_error(format!("{file}:{line}: {field}"), message));
                return None;
            }
            value
        };
        let cost = number(4, "stageCost", true).unwrap_or(0.0);
        let mut days = number(5, "stageTime", true).unwrap_or(0.0);
        let demand_per_day = number(6, "avgDemand", false);
        // Lead times and times to recover are at most `MAX_WEEKS`; a longer stage time is named
        // as written, and not again as the fields made of it.
        let most_days = model::MAX_WEEKS * 7.0;
        if days > most_days {
            let message = format!(
                "must be at most {} days ({} weeks), not {}",
                model::grouped(most_days as u64),
                model::grouped(model::MAX_WEEKS as u64),
                model::Shown(days)
            );
            parsed.findings.push(Finding::file_error(format!("{file}:{line}: stageTime"), message));
            days = 0.0;
        }
        stages.push(Stage { line, name, class: at(&record, 3), cost, days, demand_per_day });
    }
    parsed.findings.extend(malformed);
    build(&mut parsed, path, &file, &stages, &arcs);
    parsed
}

fn build(
    parsed: &mut Parsed,
    path: &Path,
    file: &str,
    stages: &[Stage],
    arcs: &[(u64, String, String)],
) {
    let chain = path.file_stem().map_or("chain".into(), |s| s.to_string_lossy().into_owned());
    let org = format!("willems-{chain}");
    let index: HashMap<&str, usize> =
        stages.iter().enumerate().map(|(i, s)| (s.name.as_str(), i)).collect();
    let mut upstream: Vec<Vec<usize>> = vec![Vec::new(); stages.len()];
    let mut downstream: Vec<Vec<usize>> = vec![Vec::new(); stages.len()];
    for (line, from, to) in arcs {
        match (index.get(from.as_str()), index.get(to.as_str())) {
            (Some(&f), Some(&t)) => {
                upstream[t].push(f);
                downstream[f].push(t);
            }
            _ => {
                let unknown = if index.contains_key(from.as_str()) { to } else { from };
                parsed.findings.push(Finding::file_error(
                    format!("{file}:{line}"),
                    format!("arc names unknown stage {unknown:?}"),
                ));
            }
        }
    }
    // Steady-state throughput per day: own demand plus everything downstream draws.
    let order = reverse_topological(&downstream);
    let mut throughput = vec![0.0; stages.len()];
    for &s in &order {
        throughput[s] = stages[s].demand_per_day.unwrap_or(0.0)
            + downstream[s].iter().map(|&t| throughput[t]).sum::<f64>();
    }
    let mut value = vec![0.0; stages.len()];
    for &s in order.iter().rev() {
        value[s] = stages[s].cost + upstream[s].iter().map(|&u| value[u]).sum::<f64>();
    }
    let network = &mut parsed.network;
    network.organizations.push(Organization {
        id: org.clone(),
        name: format!("Willems (2008) chain {chain}"),
        kind: OrgKind::Company,
        sponsor: None,
        focus: None,
    });
    let mut lines = Vec::new();
    for (s, stage) in stages.iter().enumerate() {
        let (site_kind, process) = match stage.class.as_str() {
            "Part" | "Parts" => (SiteKind::Factory, "part-supply"),
            "Manuf" => (SiteKind::Factory, "manufacturing"),
            "Dist" => (SiteKind::Warehouse, "distribution"),
            "Trans" => (SiteKind::Warehouse, "transportation"),
            _ => (SiteKind::Warehouse, "retail"),
        };
        let item_kind = if stage.demand_per_day.is_some() {
            ItemKind::Product
        } else if upstream[s].is_empty() {
            ItemKind::Material
        } else {
            ItemKind::Part
        };
        let weeks = stage.days / DAYS_PER_WEEK;
        let capacity = throughput[s] * DAYS_PER_WEEK * CAPACITY_HEADROOM;
        lines.push(stage.line);
        let name = format!("{} ({})", stage.name, stage.class);
        let site = Site::new(stage.name.clone(), org.clone(), name, site_kind, weeks.max(1.0));
        network.sites.push(site);
        network.items.push(Item {
            id: stage.name.clone(),
            name: stage.name.clone(),
            kind: item_kind,
            unit: "each".into(),
            unit_value: value[s],
        });
        network.sources.push(Source {
            site: stage.name.clone(),
            item: stage.name.clone(),
            max_units_per_week: capacity,
            lead_time_weeks: weeks,
            unit_cost: value[s],
        });
        network.capabilities.push(Capability {
            site: stage.name.clone(),
            process: process.into(),
            hours_per_week: capacity,
        });
        network.routings.push(Routing {
            item: stage.name.clone(),
            process: process.into(),
            hours_per_unit: 1.0,
        });
        if let Some(per_day) = stage.demand_per_day {
            network.demand.push(Demand {
                item: stage.name.clone(),
                site: Some(stage.name.clone()),
                units_per_week: per_day * DAYS_PER_WEEK,
            });
        }
    }
    let mut arc_lines = Vec::new();
    for (line, from, to) in arcs {
        let (Some(_), Some(&t)) = (index.get(from.as_str()), index.get(to.as_str())) else {
            continue;
        };
        arc_lines.push(*line);
        network.bom.push(BomLine { parent: to.clone(), component: from.clone(), quantity: 1.0 });
        network.links.push(Link {
            supplier: from.clone(),
            customer: to.clone(),
            item: from.clone(),
            units_per_week: throughput[t] * DAYS_PER_WEEK,
            lead_time_weeks: None,
        });
    }
    let per_stage =
        [Table::Sites, Table::Items, Table::Sources, Table::Capabilities, Table::Routings];
    for table in per_stage {
        parsed.locations.add(table, file.to_owned(), RowPlaces::Lines(lines.clone()));
    }
    let demand_lines =
        stages.iter().filter(|s| s.demand_per_day.is_some()).map(|s| s.line).collect();
    parsed.locations.add(Table::Demand, file.to_owned(), RowPlaces::Lines(demand_lines));
    parsed.locations.add(Table::Bom, file.to_owned(), RowPlaces::Lines(arc_lines.clone()));
    parsed.locations.add(Table::Links, file.to_owned(), RowPlaces::Lines(arc_lines));
    parsed.locations.add(Table::Organizations, file.to_owned(), RowPlaces::Lines(vec![1]));
}

/// Stages with everything downstream of them first; stages on a cycle are left out (the BOM
/// check then reports the cycle).
fn reverse_topological(downstream: &[Vec<usize>]) -> Vec<usize> {
    let mut n_down: Vec<usize> = downstream.iter().map(Vec::len).collect();
    let mut upstream: Vec<Vec<usize>> = vec![Vec::new(); downstream.len()];
    for (s, targets) in downstream.iter().enumerate() {
        for &t in targets {
            upstream[t].push(s);
        }
    }
    let mut order: Vec<usize> = (0..downstream.len()).filter(|&s| n_down[s] == 0).collect();
    let mut next = 0;
    while next < order.len() {
        let s = order[next];
        next += 1;
        for &u in &upstream[s] {
            n_down[u] -= 1;
            if n_down[u] == 0 {
                order.push(u);
            }
        }
    }
    order
}
