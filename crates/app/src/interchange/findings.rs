//! Findings about imported data, located in the user's files: a CSV file and line, or a JSON
//! path, plus the field and the reason.

use std::collections::HashSet;
use std::fmt;

use model::{Diagnostic, Severity, Table};
use serde::Serialize;

/// One problem or warning about the data, ready to show.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    pub severity: FindingSeverity,
    /// `file:line`, `file: $.table[row]`, or the file alone.
    pub location: String,
    pub field: Option<String>,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FindingSeverity {
    Error,
    Warning,
}

impl Finding {
    pub(crate) fn file_error(location: impl Into<String>, message: impl Into<String>) -> Finding {
        Finding {
            severity: FindingSeverity::Error,
            location: location.into(),
            field: None,
            message: message.into(),
        }
    }

    pub(crate) fn file_warning(location: impl Into<String>, message: impl Into<String>) -> Finding {
        Finding {
            severity: FindingSeverity::Warning,
            location: location.into(),
            field: None,
            message: message.into(),
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == FindingSeverity::Error
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            FindingSeverity::Error => "error",
            FindingSeverity::Warning => "warning",
        };
        write!(f, "{severity}: {}", self.location)?;
        if let Some(field) = &self.field {
            write!(f, ": {field}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// A field that could not be read.
#[derive(Clone, Debug)]
pub(crate) struct RowError {
    pub(crate) table: Table,
    pub(crate) row: usize,
    pub(crate) field: &'static str,
    pub(crate) message: String,
}

/// How the rows of each table map back to the user's files.
#[derive(Clone, Debug, Default)]
pub(crate) struct Locations {
    /// By table: the file it came from and, for line-based files, the line of each row.
    tables: Vec<(Table, String, RowPlaces)>,
}

#[derive(Clone, Debug)]
pub(crate) enum RowPlaces {
    /// The line of each row in a line-based file.
    Lines(Vec<u64>),
    /// The index of each row in its JSON array.
    Indices(Vec<usize>),
}

impl Locations {
    pub(crate) fn add(&mut self, table: Table, file: String, places: RowPlaces) {
        self.tables.push((table, file, places));
    }

    fn row(&self, table: Table, row: usize) -> String {
        match self.tables.iter().find(|(t, _, _)| *t == table) {
            Some((_, file, RowPlaces::Lines(lines))) => match lines.get(row) {
                Some(line) => format!("{file}:{line}"),
                None => file.clone(),
            },
            Some((_, file, RowPlaces::Indices(indices))) => {
                format!("{file}: $.{table}[{}]", indices.get(row).copied().unwrap_or(row))
            }
            None => format!("{table} row {}", row + 1),
        }
    }

    fn locate(
        &self,
        severity: FindingSeverity,
        table: Table,
        row: usize,
        field: &str,
        message: String,
    ) -> Finding {
        Finding { severity, location: self.row(table, row), field: Some(field.to_owned()), message }
    }

    pub(crate) fn row_errors(&self, errors: &[RowError]) -> Vec<Finding> {
        errors
            .iter()
            .map(|e| {
                self.locate(FindingSeverity::Error, e.table, e.row, e.field, e.message.clone())
            })
            .collect()
    }

    /// Locates the findings of `model::validate`, leaving out fields that already failed to read
    /// (their placeholder values would only repeat the same problem).
    pub(crate) fn diagnostics(
        &self,
        diagnostics: &[Diagnostic],
        unread: &[RowError],
    ) -> Vec<Finding> {
        let failed: HashSet<(Table, usize, &str)> =
            unread.iter().map(|e| (e.table, e.row, e.field)).collect();
        diagnostics
            .iter()
            .filter(|d| !failed.contains(&(d.table, d.row, d.field)))
            .map(|d| {
                let severity = match d.severity {
                    Severity::Error => FindingSeverity::Error,
                    Severity::Warning => FindingSeverity::Warning,
                };
                let mut message = d.message.clone();
                if let Some(first) = d.related_row {
                    message.push_str(&format!(" (first at {})", self.row(d.table, first)));
                }
                self.locate(severity, d.table, d.row, d.field, message)
            })
            .collect()
    }
}
