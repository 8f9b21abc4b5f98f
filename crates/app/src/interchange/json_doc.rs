//! The JSON format: one document `{"format": "arsenal-network", "version": 1, "sites": [...], ...}`
//! with an array of objects per table, fields named as the CSV columns.

use std::path::Path;

use model::{Network, Table};
use serde_json::{Map, Value};

use super::files::{opening, read_required, write_atomic};
use super::findings::{Finding, RowPlaces};
use super::row::{Cell, Fields, RowReader};
use super::tables::{columns, read_row, write_rows};
use super::{Parsed, REQUIRED_TABLES};

/// The value of the document's `format` field.
pub(super) const FORMAT_NAME: &str = "arsenal-network";
/// The version of the document layout this build reads and writes.
pub(super) const FORMAT_VERSION: u64 = 1;

/// What a document with `"format": format` is, for the formats Arsenal writes.
pub(crate) fn document_kind(format: &str) -> Option<String> {
    match format {
        FORMAT_NAME => Some("a network (as `arsenal export --out FILE.json` writes)".into()),
        crate::plan::FORMAT => Some("a plan (as `arsenal mobilize --out` writes)".into()),
        _ => None,
    }
}

/// Whether the file at `path` begins as a JSON document does, with `{` (after white space and
/// a UTF-8 byte-order mark, if any), so that one not named `.json` can be imported without
/// `--format json`.
pub(super) fn begins_as_document(path: &Path) -> bool {
    opening(path, 256).is_some_and(|start| {
        start.iter().find(|b| !b.is_ascii_whitespace()).is_some_and(|&b| b == b'{')
    })
}

pub(super) fn read(path: &Path) -> Parsed {
    let file = path.display().to_string();
    match read_required(path, &file) {
        Ok(text) => parse(&text, &file, REQUIRED_TABLES),
        Err(finding) => Parsed::failed(finding),
    }
}

/// Parses the text of a document, reported as `file`; `required` are the tables it must have.
pub(super) fn parse(text: &str, file: &str, required: &[Table]) -> Parsed {
    let mut parsed = Parsed::default();
    let file = file.to_owned();
    if text.trim().is_empty() {
        parsed.findings.push(Finding::file_error(file, "file is empty; expected a JSON object"));
        return parsed;
    }
    let document: Value = match serde_json::from_str(text) {
        Ok(crate::StrictJson(value)) => value,
        Err(e) => {
            let location = format!("{file}:{}:{}", e.line(), e.column());
            let reason = crate::request::json_syntax(&e.to_string());
            parsed.findings.push(Finding::file_error(location, format!("invalid JSON: {reason}")));
            return parsed;
        }
    };
    let Value::Object(document) = document else {
        parsed.findings.push(Finding::file_error(format!("{file}: $"), "expected a JSON object"));
        return parsed;
    };
    // Another kind of document: said alone, not as every table it lacks.
    if let Some(Value::String(format)) = document.get("format")
        && format != FORMAT_NAME
    {
        let what = document_kind(format).unwrap_or_else(|| format!("{format:?}"));
        let message = format!(
            "this is {what}, not a network; a network document has \"format\": {FORMAT_NAME:?} (as `arsenal export --out FILE.json` writes)"
        );
        parsed.findings.push(Finding::file_error(format!("{file}: $.format"), message));
        return parsed;
    }
    for (key, value) in &document {
        let at = format!("{file}: $.{key}");
        match key.as_str() {
            "format" if value.as_str() != Some(FORMAT_NAME) => {
                parsed.findings.push(Finding::file_error(at, format!("expected {FORMAT_NAME:?}")));
            }
            "version" if value.as_u64() != Some(FORMAT_VERSION) => {
                let message = format!("this build reads version {FORMAT_VERSION}, got {value}");
                parsed.findings.push(Finding::file_error(at, message));
            }
            "format" | "version" => {}
            _ if Table::ALL.iter().any(|t| t.name() == key) => {}
            _ => parsed.findings.push(Finding::file_warning(at, "unknown key is ignored")),
        }
    }
    for &table in Table::ALL {
        let at = format!("{file}: $.{table}");
        let rows = match document.get(table.name()) {
            None if required.contains(&table) => {
                parsed.findings.push(Finding::file_error(at.clone(), "missing; it is required"));
                parsed.unreadable.push((table, at));
                continue;
            }
            None => continue,
            Some(Value::Array(rows)) => rows,
            Some(_) => {
                parsed
                    .findings
                    .push(Finding::file_error(at.clone(), "expected an array of objects"));
                parsed.unreadable.push((table, at));
                continue;
            }
        };
        let mut errors = Vec::new();
        let mut indices = Vec::new();
        let mut warned = Vec::new();
        for (i, value) in rows.iter().enumerate() {
            let Value::Object(object) = value else {
                parsed
                    .findings
                    .push(Finding::file_error(format!("{at}[{i}]"), "expected an object"));
                continue;
            };
            for key in object.keys() {
                if !columns(table).iter().any(|c| c.name == key) && !warned.contains(key) {
                    warned.push(key.clone());
                    let message = "unknown field is ignored";
                    parsed
                        .findings
                        .push(Finding::file_warning(format!("{at}[{i}].{key}"), message));
                }
            }
            let row = indices.len();
            indices.push(i);
            let mut reader =
                RowReader { table, row, fields: Fields::Json(object), errors: &mut errors };
            read_row(table, &mut reader, &mut parsed.network);
        }
        parsed.locations.add(table, file.clone(), RowPlaces::Indices(indices));
        parsed.row_errors.extend(errors);
    }
    parsed
}

/// The document of a network, fields in column order.
pub(super) fn to_value(network: &Network) -> Value {
    let mut document = Map::new();
    document.insert("format".into(), FORMAT_NAME.into());
    document.insert("version".into(), FORMAT_VERSION.into());
    for &table in Table::ALL {
        let rows: Vec<Value> = write_rows(table, network)
            .map(|cells| {
                let mut object = Map::new();
                for (column, cell) in columns(table).iter().zip(cells) {
                    let value = match cell {
                        Cell::Text(text) => Value::from(text),
                        Cell::Float(x) => {
                            serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
                        }
                        Cell::Int(n) => Value::from(n),
                        Cell::Words(words) => Value::from(words.to_vec()),
                        Cell::Missing => continue,
                    };
                    object.insert(column.name.to_owned(), value);
                }
                Value::Object(object)
            })
            .collect();
        document.insert(table.name().to_owned(), Value::Array(rows));
    }
    Value::Object(document)
}

pub(super) fn write(network: &Network, path: &Path) -> std::io::Result<()> {
    write_atomic(path, |out| write_to(network, out))
}

/// Writes the document of `network` to `out`, pretty-printed, with a final newline.
pub(super) fn write_to(network: &Network, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &to_value(network))?;
    out.write_all(b"\n")
}
