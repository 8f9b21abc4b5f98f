//! The plan document: a plan saved as JSON with what it was asked (so `replan` can rebuild its
//! model), a stamp of the network it was made on, and its report; its flows mapped back onto a
//! new model as a starting point; and the plan as CSV tables for spreadsheets.

use std::path::Path;

use engine::plan::{Delivery, Model, Origin, Plan, Production, Shipment};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::inputs::PlanRequest;
use super::report::PlanReport;
use crate::Error;
use crate::interchange::{Finding, write_atomic, write_dir_atomic};

/// The `format` of a plan document.
pub const FORMAT: &str = "arsenal-plan";
pub const VERSION: u32 = 1;

/// A plan as saved.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PlanDocument {
    pub format: String,
    pub version: u32,
    /// The network the plan was made on.
    pub network: NetworkStamp,
    pub request: PlanRequest,
    pub plan: PlanReport,
}

/// Which stored network: its last import.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct NetworkStamp {
    pub imported_at: String,
    pub source: String,
    pub records: u64,
}

impl NetworkStamp {
    pub(crate) fn of(record: &store::ImportRecord) -> NetworkStamp {
        NetworkStamp {
            imported_at: record.imported_at.clone(),
            source: record.source.clone(),
            records: record.records,
        }
    }
}

/// Writes a plan document atomically.
pub fn write(document: &PlanDocument, path: &Path) -> Result<(), Error> {
    write_atomic(path, |out| {
        serde_json::to_writer_pretty(&mut *out, document).map_err(std::io::Error::other)?;
        out.write_all(b"\n")
    })
    .map_err(|e| Error::Internal(format!("cannot write {}: {e}", path.display())))
}

/// Reads a plan document written by `arsenal mobilize --out` or `arsenal replan --out`.
pub fn read(path: &Path) -> Result<PlanDocument, Error> {
    let file = path.display().to_string();
    let invalid = |location: String, message: String| Error::Invalid {
        message: format!("{file} is not a plan document"),
        findings: vec![Finding::file_error(location, message)],
    };
    let text = crate::interchange::read_required(path, &file).map_err(|f| Error::Invalid {
        message: format!("cannot read the plan {file}"),
        findings: vec![f],
    })?;
    let head: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| invalid(format!("{file}:{}", e.line()), e.to_string()))?;
    if head.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(invalid(
            file.clone(),
            format!("expected \"format\": \"{FORMAT}\" (write plans with arsenal mobilize --out)"),
        ));
    }
    if head.get("version").and_then(serde_json::Value::as_u64) != Some(u64::from(VERSION)) {
        return Err(invalid(
            file.clone(),
            format!("this arsenal reads plan documents of version {VERSION}"),
        ));
    }
    serde_json::from_value(head).map_err(|e| invalid(file.clone(), e.to_string()))
}

/// The flows of a saved plan on `model` (a model of the same network, after events): every
/// production, shipment and delivery whose source, arc and target still exist.
pub(crate) fn starting_point(model: &Model<'_>, saved: &PlanReport) -> Plan {
    let graph = model.graph();
    let site_of: FxHashMap<&str, u32> =
        graph.site_ids.iter().enumerate().map(|(i, s)| (&**s, i as u32)).collect();
    let item_of: FxHashMap<&str, u32> =
        graph.item_ids.iter().enumerate().map(|(i, s)| (&**s, i as u32)).collect();
    let ids = |site: &str, item: &str| Some((*site_of.get(site)?, *item_of.get(item)?));
    let sources: FxHashMap<(u32, u32), u32> =
        (0..graph.sources.entries().len() as u32).map(|s| (model.source(s), s)).collect();
    let positions: FxHashMap<(u32, u32), u32> =
        (0..model.n_positions() as u32).map(|q| (model.position(q), q)).collect();
    let arcs: FxHashMap<(u32, u32, u32), u32> = model
        .arcs
        .iter()
        .enumerate()
        .map(|(a, arc)| ((arc.supplier, arc.customer, arc.item), a as u32))
        .collect();
    // Target rows: given targets by (item, site, due week), steady demand by (position, week).
    let mut given: FxHashMap<(u32, Option<u32>, u32), u32> = FxHashMap::default();
    let mut steady: FxHashMap<(u32, u32), u32> = FxHashMap::default();
    for (k, row) in model.targets.iter().enumerate() {
        match row.origin {
            Origin::Target(_) => {
                given.insert((row.item, row.site, row.due), k as u32);
            }
            Origin::Baseline { .. } => {
                steady.insert((row.positions[0], row.first), k as u32);
            }
        }
    }

    let mut plan = Plan::default();
    for p in &saved.production {
        if let Some(&source) = ids(&p.site, &p.item).and_then(|key| sources.get(&key)) {
            plan.production.push(Production { source, period: p.week, units: p.units });
        }
    }
    for s in &saved.shipments {
        let key = (|| {
            Some((
                *site_of.get(&*s.supplier)?,
                *site_of.get(&*s.customer)?,
                *item_of.get(&*s.item)?,
            ))
        })();
        if let Some(&arc) = key.and_then(|key| arcs.get(&key)) {
            plan.shipments.push(Shipment { arc, period: s.week, units: s.units });
        }
    }
    for d in &saved.deliveries {
        let Some(&position) = ids(&d.site, &d.item).and_then(|key| positions.get(&key)) else {
            continue;
        };
        let target = match d.target.and_then(|t| saved.targets.get(t)) {
            Some(t) => {
                let site = t.site.as_deref().and_then(|s| site_of.get(s).copied());
                item_of.get(&*t.item).and_then(|&item| given.get(&(item, site, t.due_week)))
            }
            None => steady.get(&(position, d.week)),
        };
        if let Some(&target) = target {
            plan.deliveries.push(Delivery { target, position, period: d.week, units: d.units });
        }
    }
    plan
}

/// Writes the plan as CSV tables in a new directory: targets, production, shipments,
/// deliveries and bottlenecks.
pub fn write_csv(report: &PlanReport, dir: &Path) -> Result<(), Error> {
    let files: Vec<String> = ["targets", "production", "shipments", "deliveries", "bottlenecks"]
        .iter()
        .map(|f| format!("{f}.csv"))
        .collect();
    write_dir_atomic(dir, &files, |staging| {
        let table = |name: &str,
                     write: &dyn Fn(
            &mut csv::Writer<&mut dyn std::io::Write>,
        ) -> csv::Result<()>| {
            write_atomic(&staging.join(name), |out| {
                let mut writer = csv::Writer::from_writer(out);
                write(&mut writer).map_err(std::io::Error::other)?;
                writer.flush()
            })
        };
        table("targets.csv", &|w| {
            w.write_record([
                "item",
                "site",
                "due_week",
                "quantity",
                "met",
                "value_per_unit",
                "shortfall",
            ])?;
            for t in &report.targets {
                let why: Vec<String> =
                    t.shortfall.iter().map(|s| s.describe(&report.bottlenecks)).collect();
                w.write_record([
                    t.item.clone(),
                    t.site.clone().unwrap_or_default(),
                    t.due_week.to_string(),
                    t.quantity.to_string(),
                    t.met.to_string(),
                    t.value_per_unit.to_string(),
                    why.join("; "),
                ])?;
            }
            Ok(())
        })?;
        table("production.csv", &|w| {
            report.production.iter().try_for_each(|row| w.serialize(row))
        })?;
        table("shipments.csv", &|w| report.shipments.iter().try_for_each(|row| w.serialize(row)))?;
        table("deliveries.csv", &|w| {
            report.deliveries.iter().try_for_each(|row| w.serialize(row))
        })?;
        table("bottlenecks.csv", &|w| {
            w.write_record([
                "kind",
                "site",
                "state",
                "process",
                "item",
                "marginal_value",
                "weeks",
                "gain_value",
                "gain",
            ])?;
            for b in &report.bottlenecks {
                let weeks: Vec<String> = b.weeks.iter().map(u32::to_string).collect();
                let gain = b.gain.as_ref();
                let products: Vec<String> = gain
                    .map(|g| g.products.iter().map(|p| format!("{} {}", p.units, p.item)).collect())
                    .unwrap_or_default();
                w.write_record([
                    b.kind.clone(),
                    b.site.clone(),
                    b.state.clone().unwrap_or_default(),
                    b.process.clone().unwrap_or_default(),
                    b.item.clone().unwrap_or_default(),
                    b.marginal_value.to_string(),
                    weeks.join(";"),
                    gain.map(|g| g.value.to_string()).unwrap_or_default(),
                    products.join("; "),
                ])?;
            }
            Ok(())
        })
    })
    .map_err(|e| Error::Internal(format!("cannot write {}: {e}", dir.display())))
}
