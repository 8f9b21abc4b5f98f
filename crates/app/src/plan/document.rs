//! The plan document: a plan saved as JSON with what it was asked (so `replan` can rebuild its
//! model), a stamp of the network it was made on, its report, and the solver's bases (where a
//! re-plan starts); and the plan as CSV tables for spreadsheets.

use std::path::Path;

use engine::lp::Basis;
use engine::plan::{Bases, Size};
use serde::{Deserialize, Serialize};

use super::formats::PlanRequest;
use super::report::{DeliveryRow, PlanReport, ProductionRow, ShipmentRow};
use crate::Error;
use crate::interchange::{
    Finding, check_dir_writable, check_writable, write_atomic, write_dir_atomic,
};

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
    /// Where the solver ended, so a re-plan can start there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bases: Option<SavedBases>,
}

impl PlanDocument {
    pub(crate) fn new(
        network: NetworkStamp,
        request: PlanRequest,
        plan: PlanReport,
        bases: Option<SavedBases>,
    ) -> PlanDocument {
        PlanDocument { format: FORMAT.into(), version: VERSION, network, request, plan, bases }
    }
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
    let head: serde_json::Value = serde_json::from_str(&text).map_err(|e| Error::Invalid {
        message: format!("cannot read the plan {file}"),
        findings: vec![Finding::file_error(
            format!("{file}:{}", e.line()),
            crate::request::json_syntax(&e.to_string()),
        )],
    })?;
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

/// The bases of a plan's two solves, each written as runs of statuses (`status` digit then
/// count, comma-separated) for its columns, then `|`, then for its rows.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct SavedBases {
    pub met: String,
    pub cost: String,
}

impl SavedBases {
    pub(crate) fn of(bases: &Bases) -> SavedBases {
        SavedBases { met: encode(&bases.met), cost: encode(&bases.cost) }
    }

    /// The bases, for a program of `size` (the saved plan's, built again), or `None` when the
    /// text is not what `of` writes for a program of that size.
    pub(crate) fn bases(&self, size: Size) -> Option<Bases> {
        Some(Bases {
            met: decode(&self.met, size.columns, size.rows)?,
            cost: decode(&self.cost, size.columns, size.rows + 1)?,
        })
    }

    /// Whether the text is what `of` writes, for a program of some size.
    pub(crate) fn is_well_formed(&self) -> bool {
        [&self.met, &self.cost].into_iter().all(|text| {
            text.split_once('|').is_some_and(|(cols, rows)| runs(cols).and(runs(rows)).is_some())
        })
    }
}

fn encode(basis: &Basis) -> String {
    let runs = |statuses: &[u8]| {
        let mut out: Vec<String> = Vec::new();
        let mut i = 0;
        while i < statuses.len() {
            let j = statuses[i..]
                .iter()
                .position(|&s| s != statuses[i])
                .map_or(statuses.len(), |n| i + n);
            out.push(format!("{}{}", statuses[i], j - i));
            i = j;
        }
        out.join(",")
    };
    format!("{}|{}", runs(&basis.cols), runs(&basis.rows))
}

/// The runs of `text` (a status digit then a count, comma-separated) and the statuses they hold
/// in all, or `None` when it is not such runs.
fn runs(text: &str) -> Option<(Vec<(u8, usize)>, usize)> {
    let mut runs = Vec::new();
    let mut total = 0usize;
    for run in text.split(',').filter(|r| !r.is_empty()) {
        let status = run.get(..1)?.parse::<u8>().ok().filter(|&s| s <= 4)?;
        let count: usize = run.get(1..)?.parse().ok()?;
        total = total.checked_add(count)?;
        runs.push((status, count));
    }
    Some((runs, total))
}

/// A basis of `cols` columns and `rows` rows from `text`, or `None` when its runs hold another
/// number of statuses (counted before any is laid out, so a count written wrong costs nothing).
fn decode(text: &str, cols: usize, rows: usize) -> Option<Basis> {
    let statuses = |text: &str, n: usize| {
        let (runs, total) = runs(text)?;
        (total == n).then(|| {
            let mut out = Vec::with_capacity(n);
            for (status, count) in runs {
                out.extend(std::iter::repeat_n(status, count));
            }
            out
        })
    };
    let (c, r) = text.split_once('|')?;
    Some(Basis { cols: statuses(c, cols)?, rows: statuses(r, rows)? })
}

/// The files of a plan's CSV directory.
fn csv_files() -> Vec<String> {
    ["targets", "production", "shipments", "deliveries", "bottlenecks", "bottleneck_gains"]
        .iter()
        .map(|f| format!("{f}.csv"))
        .collect()
}

/// Checks, before planning, that the plan document (`out`), its CSV directory (`csv`) and its
/// chart can be written where they are asked for, so that a plan is never made and then lost.
pub fn check_outputs(
    out: Option<&Path>,
    csv: Option<&Path>,
    chart: Option<&Path>,
) -> Result<(), Error> {
    if let Some(path) = out {
        check_writable(path)
            .map_err(|e| Error::invalid(format!("cannot write {}: {e}", path.display())))?;
    }
    if let Some(dir) = csv {
        check_dir_writable(dir, &csv_files())
            .map_err(|e| Error::invalid(format!("cannot write {}: {e}", dir.display())))?;
    }
    chart.map_or(Ok(()), crate::chart::check)
}

/// A number of a CSV table to a millionth, so that a spreadsheet shows 8.58, not the
/// 8.580000000000002 the solver's arithmetic leaves (and 0 for a rounding's -0).
fn decimal(x: f64) -> f64 {
    (x * 1e6).round() / 1e6 + 0.0
}

/// Writes the plan as CSV tables in a new directory: targets, production, shipments,
/// deliveries, bottlenecks and what each checked bottleneck gains by product, numbers to a
/// millionth.
pub fn write_csv(report: &PlanReport, dir: &Path) -> Result<(), Error> {
    write_dir_atomic(dir, &csv_files(), |staging| {
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
        // Targets are numbered from 1 in their own column, which deliveries.csv refers to.
        table("targets.csv", &|w| {
            w.write_record([
                "target",
                "item",
                "site",
                "due_week",
                "quantity",
                "met",
                "value_per_unit",
                "shortfall",
            ])?;
            for (n, t) in report.targets.iter().enumerate() {
                let why: Vec<String> =
                    t.shortfall.iter().map(|s| s.describe(&report.bottlenecks)).collect();
                w.write_record([
                    (n + 1).to_string(),
                    t.item.clone(),
                    t.site.clone().unwrap_or_default(),
                    t.due_week.to_string(),
                    decimal(t.quantity).to_string(),
                    decimal(t.met).to_string(),
                    decimal(t.value_per_unit).to_string(),
                    why.join("; "),
                ])?;
            }
            Ok(())
        })?;
        table("production.csv", &|w| {
            report.production.iter().try_for_each(|row| {
                w.serialize(ProductionRow { units: decimal(row.units), ..row.clone() })
            })
        })?;
        table("shipments.csv", &|w| {
            report.shipments.iter().try_for_each(|row| {
                w.serialize(ShipmentRow { units: decimal(row.units), ..row.clone() })
            })
        })?;
        table("deliveries.csv", &|w| {
            report.deliveries.iter().try_for_each(|row| {
                let target = row.target.map(|t| t + 1);
                w.serialize(DeliveryRow { target, units: decimal(row.units), ..row.clone() })
            })
        })?;
        // Bottlenecks are numbered from 1 in their own column, which bottleneck_gains.csv
        // refers to: one row for each product a checked bottleneck's extra unit changes.
        table("bottlenecks.csv", &|w| {
            w.write_record([
                "bottleneck",
                "kind",
                "site",
                "state",
                "process",
                "item",
                "marginal_value",
                "weeks",
                "gain_value",
            ])?;
            for (n, b) in report.bottlenecks.iter().enumerate() {
                let weeks: Vec<String> = b.weeks.iter().map(u32::to_string).collect();
                w.write_record([
                    (n + 1).to_string(),
                    b.kind.clone(),
                    b.site.clone(),
                    b.state.clone().unwrap_or_default(),
                    b.process.clone().unwrap_or_default(),
                    b.item.clone().unwrap_or_default(),
                    decimal(b.marginal_value).to_string(),
                    weeks.join(";"),
                    b.gain.as_ref().map(|g| decimal(g.value).to_string()).unwrap_or_default(),
                ])?;
            }
            Ok(())
        })?;
        table("bottleneck_gains.csv", &|w| {
            w.write_record(["bottleneck", "item", "due_week", "units"])?;
            for (n, b) in report.bottlenecks.iter().enumerate() {
                for p in b.gain.iter().flat_map(|g| &g.products) {
                    w.write_record([
                        (n + 1).to_string(),
                        p.item.clone(),
                        p.due_week.map(|w| w.to_string()).unwrap_or_default(),
                        decimal(p.units).to_string(),
                    ])?;
                }
            }
            Ok(())
        })
    })
    .map_err(|e| Error::Internal(format!("cannot write {}: {e}", dir.display())))
}
