//! The JSON format: one document `{"format": "arsenal-network", "version": 1, "sites": [...], ...}`
//! with an array of objects per table, fields named as the CSV columns.

use std::path::Path;

use model::{Network, Table};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::files::{opening, read_required, write_atomic};
use super::findings::{Finding, RowPlaces};
use super::row::{Cell, Fields as RowFields, RowReader};
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
    // The document is checked whole, then read a row at a time: the national network's, 881 MB
    // of text, took 8 GB of memory read as one `Value`.
    let whole: &RawValue = match serde_json::from_str(text) {
        Ok(whole) => whole,
        Err(e) => {
            parsed.findings.push(invalid(&file, text, text, &e));
            return parsed;
        }
    };
    if !whole.get().starts_with('{') {
        parsed.findings.push(Finding::file_error(format!("{file}: $"), "expected a JSON object"));
        return parsed;
    }
    let document: Fields<'_> = match serde_json::from_str(whole.get()) {
        Ok(document) => document,
        Err(e) => {
            parsed.findings.push(invalid(&file, text, whole.get(), &e));
            return parsed;
        }
    };
    let small = |key: &str| document.get(key).and_then(|raw| serde_json::from_str(raw.get()).ok());
    // Another kind of document: said alone, not as every table it lacks.
    if let Some(Value::String(format)) = small("format")
        && format != FORMAT_NAME
    {
        let what = document_kind(&format).unwrap_or_else(|| format!("{format:?}"));
        let message = format!(
            "this is {what}, not a network; a network document has \"format\": {FORMAT_NAME:?} (as `arsenal export --out FILE.json` writes)"
        );
        parsed.findings.push(Finding::file_error(format!("{file}: $.format"), message));
        return parsed;
    }
    for (key, raw) in &document.0 {
        let at = format!("{file}: $.{key}");
        match key.as_str() {
            "format" if small("format").as_ref().and_then(Value::as_str) != Some(FORMAT_NAME) => {
                parsed.findings.push(Finding::file_error(at, format!("expected {FORMAT_NAME:?}")));
            }
            "version"
                if small("version").as_ref().and_then(Value::as_u64) != Some(FORMAT_VERSION) =>
            {
                let message =
                    format!("this build reads version {FORMAT_VERSION}, got {}", raw.get().trim());
                parsed.findings.push(Finding::file_error(at, message));
            }
            "format" | "version" => {}
            _ if Table::ALL.iter().any(|t| t.name() == key) => {}
            _ => parsed.findings.push(Finding::file_warning(at, "unknown key is ignored")),
        }
    }
    for &table in Table::ALL {
        let at = format!("{file}: $.{table}");
        let rows: Vec<&RawValue> = match document.get(table.name()) {
            None if required.contains(&table) => {
                parsed.findings.push(Finding::file_error(at.clone(), "missing; it is required"));
                parsed.unreadable.push((table, at));
                continue;
            }
            None => continue,
            Some(raw) if raw.get().starts_with('[') => {
                serde_json::from_str(raw.get()).unwrap_or_default()
            }
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
        for (i, raw) in rows.iter().enumerate() {
            let value = match serde_json::from_str(raw.get()) {
                Ok(crate::StrictJson(value)) => value,
                // Said alone, as a syntax error is.
                Err(e) => return Parsed::failed(invalid(&file, text, raw.get(), &e)),
            };
            let Value::Object(object) = &value else {
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
                RowReader { table, row, fields: RowFields::Json(object), errors: &mut errors };
            read_row(table, &mut reader, &mut parsed.network);
        }
        parsed.locations.add(table, file.clone(), RowPlaces::Indices(indices));
        parsed.row_errors.extend(errors);
    }
    parsed
}

/// The fields of a document, each as its text, in the order written; a field given twice is an
/// error, as it is in every object of the document.
struct Fields<'a>(Vec<(String, &'a RawValue)>);

impl<'a> Fields<'a> {
    fn get(&self, key: &str) -> Option<&'a RawValue> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, raw)| *raw)
    }
}

impl<'de: 'a, 'a> serde::Deserialize<'de> for Fields<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Fields<'a>, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Vec<(String, &'de RawValue)>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut fields: Vec<(String, &'de RawValue)> = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    if fields.iter().any(|(k, _)| *k == key) {
                        let message = format_args!("duplicate field `{key}`");
                        return Err(serde::de::Error::custom(message));
                    }
                    fields.push((key, map.next_value()?));
                }
                Ok(fields)
            }
        }
        deserializer.deserialize_map(Visit).map(Fields)
    }
}

/// The finding for a JSON error `e` in `part`, a slice of the document `text`, placed at its line
/// and column in the document.
fn invalid(file: &str, text: &str, part: &str, e: &serde_json::Error) -> Finding {
    let offset = (part.as_ptr() as usize).saturating_sub(text.as_ptr() as usize).min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map_or(0, |n| n + 1);
    let (line, column) =
        if e.line() <= 1 { (line, column + e.column()) } else { (line + e.line() - 1, e.column()) };
    let said = e.to_string();
    let said = said.split_once(" at line ").map_or(said.as_str(), |(reason, _)| reason);
    let reason = crate::request::json_syntax(&format!("{said} at line {line} column {column}"));
    Finding::file_error(format!("{file}:{line}:{column}"), format!("invalid JSON: {reason}"))
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
