//! The interchange formats: reading a network from the user's files (a CSV directory, a JSON
//! document, or a Willems (2008) chain) with every problem located, and writing it back.
//!
//! **Boundary:** the formats are defined once, by `tables::columns` and the records of `model`;
//! docs/data-format.md and docs/network.schema.json describe them and tests keep them current.

mod csv_dir;
mod files;
mod findings;
mod json_doc;
pub(crate) use json_doc::document_kind;
mod row;
mod schema;
mod tables;
mod willems;

use std::path::Path;

use model::{Network, Table};

pub use findings::{Finding, FindingSeverity};
pub use row::MAX_FIELD_BYTES;
pub use schema::json_schema;
pub use tables::{Column, ColumnType, columns};
pub use willems::CAPACITY_HEADROOM as WILLEMS_CAPACITY_HEADROOM;

pub(crate) use files::{
    check_dir_writable, check_writable, is_workbook, output_dir, read_required, temporary_in,
    to_keep, write_atomic, write_dir_atomic,
};
use findings::{Locations, RowError};

/// Tables every network must have a file (or JSON key) for.
pub const REQUIRED_TABLES: &[Table] = &[Table::Organizations, Table::Sites, Table::Items];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A directory of CSV files.
    Csv,
    /// One JSON document.
    Json,
    /// A Willems (2008) chain file (read only).
    Willems,
}

impl Format {
    /// The format a path most likely holds: a directory is CSV, a `.json` file is JSON, a file
    /// whose first line starts with `/chain` is a Willems chain, and another that begins with
    /// `{` is JSON.
    pub fn detect(path: &Path) -> Option<Format> {
        if path.is_dir() {
            Some(Format::Csv)
        } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) {
            Some(Format::Json)
        } else if willems::begins_as_chain(path) {
            Some(Format::Willems)
        } else if json_doc::begins_as_document(path) {
            Some(Format::Json)
        } else {
            None
        }
    }
}

/// What reading produced: the network and everything found wrong or odd with it.
#[derive(Debug)]
pub struct Loaded {
    pub network: Network,
    /// Errors first, then warnings, each in file order.
    pub findings: Vec<Finding>,
}

impl Loaded {
    pub fn n_errors(&self) -> usize {
        self.findings.iter().filter(|f| f.is_error()).count()
    }
}

#[derive(Default)]
struct Parsed {
    network: Network,
    locations: Locations,
    findings: Vec<Finding>,
    row_errors: Vec<RowError>,
    /// Tables that could not be read at all (a required file missing, a file not UTF-8 or
    /// without a required column), with the file or JSON path that said so: references to
    /// their ids are not checked, since every one would be reported unknown.
    unreadable: Vec<(Table, String)>,
}

impl Parsed {
    /// Nothing could be read: one finding says why.
    fn failed(finding: Finding) -> Parsed {
        Parsed { findings: vec![finding], ..Parsed::default() }
    }
}

/// Reads and validates a network; nothing is written anywhere.
pub fn read(path: &Path, format: Format) -> Loaded {
    let parsed = match format {
        Format::Csv => csv_dir::read(path),
        Format::Json => json_doc::read(path),
        Format::Willems => willems::read(path),
    };
    validated(parsed, &path.display().to_string())
}

/// Parses and validates the text of a JSON document, reported as `name`.
pub fn parse_json(text: &str, name: &str) -> Loaded {
    validated(json_doc::parse(text, name, REQUIRED_TABLES), name)
}

/// A JSON document holding part of a network (one organization's records), read but not yet
/// validated: that takes the rest of the network.
#[derive(Debug)]
pub struct Part {
    pub network: Network,
    /// What reading found: malformed JSON, unknown keys, fields that could not be read.
    pub findings: Vec<Finding>,
    locations: Locations,
    unread: Vec<RowError>,
}

impl Part {
    /// Locates findings about the part's rows (by table and row of `network`), leaving out
    /// fields that could not be read.
    pub fn locate(&self, diagnostics: &[model::Diagnostic]) -> Vec<Finding> {
        self.locations.diagnostics(diagnostics, &self.unread)
    }
}

/// Parses the text of a JSON document that holds part of a network, reported as `name`: of the
/// tables, only `required` must be there.
pub fn parse_json_part(text: &str, name: &str, required: &[Table]) -> Part {
    let parsed = json_doc::parse(text, name, required);
    let mut findings = parsed.findings;
    findings.extend(parsed.locations.row_errors(&parsed.row_errors));
    findings.sort_by_key(|f| !f.is_error());
    Part {
        network: parsed.network,
        findings,
        locations: parsed.locations,
        unread: parsed.row_errors,
    }
}

/// The JSON document of a network (or of part of one), as `arsenal export --format json`
/// writes it.
pub fn json_document(network: &Network) -> serde_json::Value {
    json_doc::to_value(network)
}

/// The findings of `parsed` (read from `name`), located, errors first.
fn validated(parsed: Parsed, name: &str) -> Loaded {
    let unreadable =
        |table: Option<Table>| parsed.unreadable.iter().any(|(t, _)| Some(*t) == table);
    let (unchecked, diagnostics): (Vec<_>, Vec<_>) =
        model::validate(&parsed.network).into_iter().partition(|d| unreadable(d.refers_to));
    let mut findings = parsed.findings;
    findings.extend(parsed.locations.row_errors(&parsed.row_errors));
    findings.extend(parsed.locations.diagnostics(&diagnostics, &parsed.row_errors));
    for (table, place) in &parsed.unreadable {
        let into: Vec<_> =
            unchecked.iter().filter(|d| d.refers_to == Some(*table)).cloned().collect();
        // Counted as they would have been reported (a field that could not be read is not).
        let n = parsed.locations.diagnostics(&into, &parsed.row_errors).len();
        if n > 0 {
            let message = format!(
                "{} to its ids not checked, since it could not be read",
                model::counted(n, "reference")
            );
            findings.push(Finding::file_warning(place.clone(), message));
        }
    }
    let network = &parsed.network;
    if network.sites.is_empty()
        && network.items.is_empty()
        && !findings.iter().any(Finding::is_error)
    {
        let message =
            "holds no sites and no items: importing it leaves the store with an empty network";
        findings.push(Finding::file_warning(name, message));
    }
    findings.sort_by_key(|f| !f.is_error());
    Loaded { network: parsed.network, findings }
}

/// Writes a network's JSON document to `out` (standard output, say).
pub fn write_json(network: &Network, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    json_doc::write_to(network, out)
}

/// Writes a network: a new CSV directory, or a JSON file; atomically either way.
pub fn write(network: &Network, path: &Path, format: Format) -> std::io::Result<()> {
    match format {
        Format::Csv => csv_dir::write(network, path),
        Format::Json => json_doc::write(network, path),
        Format::Willems => Err(unwritable()),
    }
}

/// Checks, before the network is loaded or made, that [`write`] can write `format` at `path`.
pub(crate) fn check_write(path: &Path, format: Format) -> std::io::Result<()> {
    match format {
        Format::Csv => check_dir_writable(path, &csv_dir::file_names()),
        Format::Json => check_writable(path),
        Format::Willems => Err(unwritable()),
    }
}

fn unwritable() -> std::io::Error {
    std::io::Error::other("the Willems format can be read but not written")
}
