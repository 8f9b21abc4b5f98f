//! One row of a table as a reader sees it (a CSV record or a JSON object) and as a writer
//! produces it (typed cells), so both formats share one definition per table.

use std::collections::HashMap;
use std::str::FromStr;

use model::Table;
use serde_json::Value;

use super::findings::RowError;

/// The longest field accepted, in bytes.
pub const MAX_FIELD_BYTES: usize = 10_000;

/// A value to write.
#[derive(Clone, Copy, Debug)]
pub(super) enum Cell<'a> {
    Text(&'a str),
    Float(f64),
    Int(u32),
    Words(&'a [String]),
    Missing,
}

/// Where a row's fields come from.
pub(super) enum Fields<'a> {
    Csv { header: &'a HashMap<String, usize>, record: &'a csv::StringRecord },
    Json(&'a serde_json::Map<String, Value>),
}

/// Reads typed fields of one row, collecting every error instead of stopping at the first.
pub(super) struct RowReader<'a> {
    pub(super) table: Table,
    pub(super) row: usize,
    pub(super) fields: Fields<'a>,
    pub(super) errors: &'a mut Vec<RowError>,
}

enum Raw<'a> {
    Missing,
    Text(&'a str),
    Json(&'a Value),
}

impl RowReader<'_> {
    fn raw(&self, column: &str) -> Raw<'_> {
        match &self.fields {
            Fields::Csv { header, record } => match header.get(column).and_then(|&i| record.get(i))
            {
                Some("") | None => Raw::Missing,
                Some(text) => Raw::Text(text),
            },
            Fields::Json(object) => match object.get(column) {
                None | Some(Value::Null) => Raw::Missing,
                Some(Value::String(text)) if text.is_empty() => Raw::Missing,
                Some(Value::String(text)) => Raw::Text(text),
                Some(value) => Raw::Json(value),
            },
        }
    }

    fn error(&mut self, field: &'static str, message: impl Into<String>) {
        self.errors.push(RowError {
            table: self.table,
            row: self.row,
            field,
            message: message.into(),
        });
    }

    /// Text that is present and within the size limit.
    fn checked_text(&mut self, field: &'static str) -> Option<String> {
        match self.raw(field) {
            Raw::Missing => None,
            Raw::Text(text) if text.len() > MAX_FIELD_BYTES => {
                let n = text.len();
                self.error(field, format!("is {n} bytes long; the limit is {MAX_FIELD_BYTES}"));
                None
            }
            Raw::Text(text) => Some(text.to_owned()),
            Raw::Json(value) => {
                self.error(field, format!("expected text, got {}", kind_of(value)));
                None
            }
        }
    }

    pub(super) fn text(&mut self, field: &'static str) -> String {
        let missing = matches!(self.raw(field), Raw::Missing);
        let text = self.checked_text(field);
        if missing {
            self.error(field, "is required but missing");
        }
        text.unwrap_or_default()
    }

    pub(super) fn opt_text(&mut self, field: &'static str) -> Option<String> {
        self.checked_text(field)
    }

    pub(super) fn number(&mut self, field: &'static str) -> f64 {
        if matches!(self.raw(field), Raw::Missing) {
            self.error(field, "is required but missing");
            return 0.0;
        }
        self.opt_number(field).unwrap_or(0.0)
    }

    pub(super) fn opt_number(&mut self, field: &'static str) -> Option<f64> {
        let parsed = match self.raw(field) {
            Raw::Missing => return None,
            Raw::Text(text) => text.trim().parse::<f64>().map_err(|_| {
                let hint = comma_hint(text.trim()).unwrap_or_default();
                format!("expected a number, got {}{hint}", quoted(text))
            }),
            Raw::Json(Value::Number(n)) => {
                n.as_f64().ok_or_else(|| format!("number {n} is out of range"))
            }
            Raw::Json(value) => Err(format!("expected a number, got {}", kind_of(value))),
        };
        parsed.map_err(|message| self.error(field, message)).ok()
    }

    pub(super) fn opt_integer(&mut self, field: &'static str) -> Option<u32> {
        let parsed = match self.raw(field) {
            Raw::Missing => return None,
            Raw::Text(text) => text.trim().parse::<u32>().map_err(|_| quoted(text)),
            Raw::Json(Value::Number(n)) => {
                n.as_u64().and_then(|n| u32::try_from(n).ok()).ok_or_else(|| n.to_string())
            }
            Raw::Json(value) => Err(kind_of(value).to_owned()),
        };
        parsed
            .map_err(|got| {
                self.error(
                    field,
                    format!("expected a whole number from 0 to {}, got {got}", u32::MAX),
                )
            })
            .ok()
    }

    pub(super) fn vocabulary<T: FromStr<Err = String>>(
        &mut self,
        field: &'static str,
    ) -> Option<T> {
        let text = self.text(field);
        if text.is_empty() {
            return None;
        }
        text.parse().map_err(|message: String| self.error(field, message)).ok()
    }

    /// Entries of a list: `;`-separated text in CSV, an array of strings in JSON.
    pub(super) fn list(&mut self, field: &'static str) -> Vec<String> {
        let entries: Vec<String> = match self.raw(field) {
            Raw::Missing => return Vec::new(),
            Raw::Text(text) => text
                .split(';')
                .map(str::trim)
                .filter(|e| !e.is_empty())
                .map(str::to_owned)
                .collect(),
            Raw::Json(Value::Array(values)) => {
                let texts: Option<Vec<String>> =
                    values.iter().map(|v| v.as_str().map(str::to_owned)).collect();
                match texts {
                    Some(texts) => texts,
                    None => {
                        self.error(field, "expected an array of strings");
                        return Vec::new();
                    }
                }
            }
            Raw::Json(value) => {
                self.error(field, format!("expected an array of strings, got {}", kind_of(value)));
                return Vec::new();
            }
        };
        for entry in &entries {
            if entry.contains(';') {
                self.error(
                    field,
                    format!("entry {} contains ';', which separates entries", quoted(entry)),
                );
            } else if entry.len() > MAX_FIELD_BYTES {
                self.error(field, format!("an entry is longer than {MAX_FIELD_BYTES} bytes"));
            }
        }
        entries
    }
}

fn quoted(text: &str) -> String {
    let mut shown: String = text.chars().take(40).collect();
    if shown.len() < text.len() {
        shown.push('…');
    }
    format!("{shown:?}")
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// How to write `text` when it is a number written with a comma: a decimal comma (`39,76`, as
/// spreadsheets save numbers in many locales) or, with three digits after it, perhaps a
/// thousands separator (`1,500`).
fn comma_hint(text: &str) -> Option<String> {
    let (whole, fraction) = text.split_once(',')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let unsigned = whole.strip_prefix('-').unwrap_or(whole);
    if !(digits(unsigned) && digits(fraction)) {
        return None;
    }
    Some(if fraction.len() == 3 {
        format!(
            " (write numbers without a thousands separator and with a decimal point: {whole}{fraction} or {whole}.{fraction})"
        )
    } else {
        format!(" (write decimals with a point: {whole}.{fraction})")
    })
}
