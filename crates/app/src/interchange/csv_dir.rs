//! The CSV format: a directory with one RFC 4180 file per table, named after the table, with a
//! header row. `organizations.csv`, `sites.csv` and `items.csv` are required; a missing file of
//! another table means that table is empty.

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use model::{Network, Table};

use super::files::{csv_records, read_text, write_atomic, write_dir_atomic};
use super::findings::{Finding, RowPlaces};
use super::row::{Cell, Fields, RowReader};
use super::tables::{columns, read_row, write_rows};
use super::{Parsed, REQUIRED_TABLES};

pub(super) fn read(dir: &Path) -> Parsed {
    let mut parsed = Parsed::default();
    if !dir.is_dir() {
        let message = "not a directory; a CSV network is a directory of files like sites.csv";
        parsed.findings.push(Finding::file_error(dir.display().to_string(), message));
        return parsed;
    }
    let known: Vec<String> = Table::ALL.iter().map(|t| file_name(*t)).collect();
    let mut present: Vec<String> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    present.sort();
    // Each table's file: its own name, or else the one file that differs from it only in case
    // (`Sites.CSV`, as spreadsheet programs on case-blind systems save it).
    let mut used: Vec<&str> = Vec::new();
    for (&table, name) in Table::ALL.iter().zip(&known) {
        let variants: Vec<&String> = if present.contains(name) {
            vec![name]
        } else {
            present.iter().filter(|p| p.eq_ignore_ascii_case(name)).collect()
        };
        match variants[..] {
            [] => read_table(dir, table, name, &mut parsed),
            [found] => {
                used.push(found);
                read_table(dir, table, found, &mut parsed);
            }
            _ => {
                let all: Vec<&str> = variants.iter().map(|v| v.as_str()).collect();
                used.extend(&all);
                let file = dir.join(name).display().to_string();
                let message = format!("{} could each be this file; keep one", all.join(" and "));
                parsed.findings.push(Finding::file_error(&file, message));
                parsed.unreadable.push((table, file));
            }
        }
    }
    let unknown = present.iter().filter(|name| {
        let csv = Path::new(name).extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        csv && !used.contains(&name.as_str())
    });
    for name in unknown {
        // The table it may have been meant as, said to be missing when it is.
        let nearest = model::did_you_mean(name, known.iter().map(String::as_str));
        let hint = match nearest.split('"').nth(1) {
            Some(t) if !used.iter().any(|u| u.eq_ignore_ascii_case(t)) => {
                format!(" (did you mean {t:?}? there is no {t} here)")
            }
            _ => nearest,
        };
        let message = format!(
            "not a table of the network format, ignored{hint}; tables are {}",
            known.join(", ")
        );
        parsed.findings.push(Finding::file_warning(dir.join(name).display().to_string(), message));
    }
    parsed
}

/// Whether two paths name files with the same stem, ignoring case (`Sites.xlsx`, `sites.csv`).
fn same_stem(a: &Path, b: &Path) -> bool {
    let stem = |p: &Path| p.file_stem().map(|s| s.to_string_lossy().to_ascii_lowercase());
    stem(a) == stem(b)
}

fn file_name(table: Table) -> String {
    format!("{}.csv", table.name())
}

/// Reads `table` from the file `name` in `dir` (its own name, or the one that differs from it
/// only in case).
fn read_table(dir: &Path, table: Table, name: &str, parsed: &mut Parsed) {
    let path = dir.join(name);
    let file = path.display().to_string();
    if let Err(finding) = read_rows(&path, &file, table, parsed) {
        parsed.findings.push(finding);
        parsed.unreadable.push((table, file));
    }
}

/// Reads the rows of `table` from its file into `parsed`; a file that cannot be read at all (a
/// required one missing, not UTF-8, empty, without a header or a required column, or with a
/// column twice) is the error.
fn read_rows(path: &Path, file: &str, table: Table, parsed: &mut Parsed) -> Result<(), Finding> {
    let header_line = columns(table).iter().map(|c| c.name).collect::<Vec<_>>().join(",");
    let text = match read_text(path, file)? {
        Some(text) => text,
        None if REQUIRED_TABLES.contains(&table) => {
            let workbook = std::fs::read_dir(path.parent().unwrap_or(Path::new(".")))
                .into_iter()
                .flatten()
                .flatten()
                .map(|entry| entry.path())
                .find(|p| same_stem(p, path) && super::files::is_workbook(p));
            let hint = workbook.map_or(String::new(), |w| {
                let name = w.file_name().unwrap_or_default().to_string_lossy().into_owned();
                format!(" ({name} is there: save it as CSV)")
            });
            let message =
                format!("missing file; it is required, with the header {header_line}{hint}");
            return Err(Finding::file_error(file, message));
        }
        None => return Ok(()),
    };
    if text.trim().is_empty() {
        let message = format!("file is empty; expected at least the header {header_line}");
        return Err(Finding::file_error(file, message));
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .delimiter(delimiter(&text))
        .from_reader(text.as_bytes());
    let names = reader.headers().map_err(|e| {
        Finding::file_error(format!("{file}:1"), format!("cannot read the header: {e}"))
    })?;
    // Column names are matched ignoring surrounding spaces and the case of ASCII letters.
    let mut header: HashMap<String, usize> = HashMap::new();
    let mut twice = Vec::new();
    for (i, written) in names.iter().enumerate() {
        let name = written.trim().to_ascii_lowercase();
        if !columns(table).iter().any(|c| c.name == name) {
            let hint = model::did_you_mean(&name, columns(table).iter().map(|c| c.name));
            let message = format!(
                "unknown column {written:?} is ignored{hint}; the columns are {header_line}"
            );
            parsed.findings.push(Finding::file_warning(format!("{file}:1"), message));
        }
        if header.insert(name, i).is_some() {
            twice.push(format!("{written:?}"));
        }
    }
    // Which of two columns of one name holds the values cannot be told, so the rows are not read.
    if !twice.is_empty() {
        return Err(header_error(file, &twice, |noun, names| {
            format!("{noun} {names} written twice; give each column once: {header_line}")
        }));
    }
    let missing: Vec<&str> = columns(table)
        .iter()
        .filter(|c| c.required && !header.contains_key(c.name))
        .map(|c| c.name)
        .collect();
    if !missing.is_empty() {
        return Err(header_error(file, &missing, |noun, names| {
            format!("missing required {noun} {names}; the columns are {header_line}")
        }));
    }
    let mut lines = Vec::new();
    let mut errors = Vec::new();
    let n_columns = reader.headers().map(csv::StringRecord::len).unwrap_or(0);
    let mut malformed = Vec::new();
    for (line, record) in csv_records(&mut reader, &text, file, &mut malformed) {
        if record.len() != n_columns {
            let message = format!("has {} fields but the header has {n_columns}", record.len());
            parsed.findings.push(Finding::file_error(format!("{file}:{line}"), message));
            continue;
        }
        let row = lines.len();
        lines.push(line);
        let mut reader = RowReader {
            table,
            row,
            fields: Fields::Csv { header: &header, record: &record },
            errors: &mut errors,
        };
        read_row(table, &mut reader, &mut parsed.network);
    }
    parsed.findings.extend(malformed);
    parsed.locations.add(table, file.to_owned(), RowPlaces::Lines(lines));
    parsed.row_errors.extend(errors);
    Ok(())
}

/// The error of a header about the columns `names`, worded by `say` from "column" or "columns"
/// and the names joined.
fn header_error<S: AsRef<str>>(
    file: &str,
    names: &[S],
    say: impl Fn(&str, String) -> String,
) -> Finding {
    let noun = if names.len() == 1 { "column" } else { "columns" };
    let names: Vec<&str> = names.iter().map(AsRef::as_ref).collect();
    Finding::file_error(format!("{file}:1"), say(noun, names.join(", ")))
}

/// The files of an export directory, which a new export may replace.
pub(super) fn file_names() -> Vec<String> {
    Table::ALL.iter().map(|t| file_name(*t)).collect()
}

/// Writes every table, header included, into a new directory.
pub(super) fn write(network: &Network, dir: &Path) -> std::io::Result<()> {
    write_dir_atomic(dir, &file_names(), |staging| {
        for &table in Table::ALL {
            write_atomic(&staging.join(file_name(table)), |out| write_table(network, table, out))?;
        }
        Ok(())
    })
}

fn write_table(
    network: &Network,
    table: Table,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(columns(table).iter().map(|c| c.name))?;
    let mut fields: Vec<String> = Vec::new();
    for cells in write_rows(table, network) {
        fields.clear();
        fields.extend(cells.iter().map(|cell| match cell {
            Cell::Text(text) => (*text).to_owned(),
            Cell::Float(x) => x.to_string(),
            Cell::Int(n) => n.to_string(),
            Cell::Words(words) => words.join(";"),
            Cell::Missing => String::new(),
        }));
        writer.write_record(&fields)?;
    }
    writer.flush()?;
    Ok(())
}

/// The character between the fields of `text`: a comma, unless its header has none and is
/// separated by semicolons (as spreadsheets save CSV in locales that write decimal commas) or
/// tabs.
fn delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or_default();
    if header.contains(',') {
        return b',';
    }
    [b';', b'\t'].into_iter().find(|&d| header.contains(char::from(d))).unwrap_or(b',')
}
