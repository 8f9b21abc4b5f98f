//! File handling shared by the formats: decoding text with clear encoding errors, and writing
//! outputs atomically (a temporary sibling renamed into place).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::findings::Finding;

/// The first bytes (at most `n`) of the file at `path`, after a UTF-8 byte-order mark if it has
/// one; `None` when it cannot be read.
pub(super) fn opening(path: &Path, n: u64) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut start = Vec::new();
    fs::File::open(path).and_then(|file| file.take(n + 3).read_to_end(&mut start)).ok()?;
    let start = start.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(&start);
    Some(start.iter().take(n as usize).copied().collect())
}

/// Whether `path` names a spreadsheet workbook (Excel, LibreOffice, Numbers), which holds its
/// tables as sheets, not as the CSV files an import reads.
pub(crate) fn is_workbook(path: &Path) -> bool {
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or_default();
    ["xlsx", "xlsm", "xls", "ods", "numbers"].iter().any(|w| extension.eq_ignore_ascii_case(w))
}

/// The text of a file, `Ok(None)` when it does not exist, or why it cannot be read as UTF-8.
pub(super) fn read_text(path: &Path, file: &str) -> Result<Option<String>, Finding> {
    match fs::read(path) {
        Ok(bytes) => decode(bytes, file).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Finding::file_error(file, format!("cannot read: {e}"))),
    }
}

/// The text of a file that must exist.
pub(crate) fn read_required(path: &Path, file: &str) -> Result<String, Finding> {
    read_text(path, file)?.ok_or_else(|| Finding::file_error(file, "file not found"))
}

/// The text of a file's bytes (a UTF-8 byte-order mark is dropped), or why it is not UTF-8.
fn decode(mut bytes: Vec<u8>, file: &str) -> Result<String, Finding> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(Finding::file_error(file, "file is UTF-16; save it as UTF-8"));
    }
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let lines = LineStarts::new(good);
        let line = lines.line(good.len());
        let column = good.len() - lines.start(line) + 1;
        Finding::file_error(
            format!("{file}:{line}"),
            format!(
                "not valid UTF-8 at column {column} (byte {}); save the file as UTF-8",
                good.len()
            ),
        )
    })
}

/// Where each line of a text starts, to number lines as an editor does: a line ends at a `\n`,
/// a `\r\n` or a lone `\r` (as older spreadsheet programs on the Mac save CSV).
struct LineStarts(Vec<usize>);

impl LineStarts {
    fn new(text: &[u8]) -> Self {
        let ends = text
            .iter()
            .enumerate()
            .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && text.get(i + 1) != Some(&b'\n')));
        Self(std::iter::once(0).chain(ends.map(|(i, _)| i + 1)).collect())
    }

    /// The line (from 1) byte `at` is on.
    fn line(&self, at: usize) -> usize {
        self.0.partition_point(|&start| start <= at)
    }

    /// The byte line `line` (from 1) starts at.
    fn start(&self, line: usize) -> usize {
        self.0[line - 1]
    }
}

/// The records of a CSV reader over `text` with their line numbers; a malformed record becomes a
/// finding.
pub(super) fn csv_records<'r>(
    reader: &'r mut csv::Reader<&[u8]>,
    text: &'r str,
    file: &'r str,
    findings: &'r mut Vec<Finding>,
) -> impl Iterator<Item = (u64, csv::StringRecord)> + 'r {
    let lines = LineStarts::new(text.as_bytes());
    reader.records().filter_map(move |result| match result {
        Ok(record) => Some((record.position().map_or(0, |p| line(p, text, &lines)), record)),
        Err(e) => {
            let line = e.position().map_or(0, |p| line(p, text, &lines));
            findings
                .push(Finding::file_error(format!("{file}:{line}"), format!("malformed CSV: {e}")));
            None
        }
    })
}

/// The line a record at `position` of `text` starts on, as an editor numbers it. The csv crate
/// numbers lines by their `\n` alone, and after a `\r\n` ending it reads that `\n` as the start
/// of the next record (BurntSushi/rust-csv#395): a record starts at its first byte that ends no
/// line.
fn line(position: &csv::Position, text: &str, lines: &LineStarts) -> u64 {
    let from = usize::try_from(position.byte()).unwrap_or(text.len());
    let skipped = text
        .as_bytes()
        .get(from..)
        .map_or(0, |rest| rest.iter().take_while(|&&b| b == b'\n' || b == b'\r').count());
    lines.line(from + skipped) as u64
}

/// The directory `path` is in (`.` for a bare name).
fn parent_of(path: &Path) -> &Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// The directory a file at `path` goes in, created if it is missing; a `path` that is a
/// directory, or ends in `/` as a directory's does, is refused.
pub(crate) fn output_dir(path: &Path) -> std::io::Result<PathBuf> {
    if path.is_dir() {
        return Err(std::io::Error::other("it is a directory; name a file"));
    }
    if path
        .as_os_str()
        .as_encoded_bytes()
        .last()
        .is_some_and(|&b| std::path::is_separator(b.into()))
    {
        return Err(std::io::Error::other(
            "it ends in '/', as a directory's name does; name a file",
        ));
    }
    let dir = parent_of(path);
    create_dir(dir)?;
    Ok(dir.to_path_buf())
}

/// Creates `dir` and its parents where missing, with an error that names it.
fn create_dir(dir: &Path) -> std::io::Result<()> {
    fs::create_dir_all(dir).map_err(|e| {
        std::io::Error::new(e.kind(), format!("cannot create the directory {}: {e}", dir.display()))
    })
}

/// Where a temporary file or directory cannot be made: an error that names the directory it was
/// to go in and the system's reason (and not the file's random name, which tempfile's message
/// ends with: `... (os error 2) at path "/dir/.arsenal-x1Yz"`).
fn cannot_write_in(dir: &Path, e: &std::io::Error) -> std::io::Error {
    let said = e.to_string();
    let reason = said.split_once(" at path ").map_or(said.as_str(), |(reason, _)| reason);
    std::io::Error::new(e.kind(), format!("cannot write in {}: {reason}", dir.display()))
}

/// A temporary file in `dir`, named for arsenal, with an error that names the directory (and
/// not the temporary file's random name).
pub(crate) fn temporary_in(dir: &Path, suffix: &str) -> std::io::Result<tempfile::NamedTempFile> {
    to_keep(".arsenal-").suffix(suffix).tempfile_in(dir).map_err(|e| cannot_write_in(dir, &e))
}

/// Temporary files named `prefix...` that become outputs: made with the permissions a new file
/// gets (read and write for all, less the umask), not a temporary file's owner-only 0600.
pub(crate) fn to_keep(prefix: &str) -> tempfile::Builder<'_, 'static> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(prefix);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    builder
}

/// Checks, before long work whose result goes to `path`, that a file can be written there: its
/// directory is created if missing, and a temporary file is made in it and removed.
pub(crate) fn check_writable(path: &Path) -> std::io::Result<()> {
    temporary_in(&output_dir(path)?, "").map(drop)
}

/// Writes a file through a temporary sibling, so readers see the old file or the new one; its
/// directory is created if missing.
pub(crate) fn write_atomic(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut file = temporary_in(&output_dir(path)?, "")?;
    {
        let mut buffered = std::io::BufWriter::new(file.as_file_mut());
        write(&mut buffered)?;
        buffered.flush()?;
    }
    file.as_file().sync_all()?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Checks that a directory of files named in `ours` can be written at `target`: it is not a
/// file, and holds nothing else if it exists.
fn check_dir_target(target: &Path, ours: &[String]) -> std::io::Result<()> {
    if target.is_file() {
        return Err(std::io::Error::other("it is a file; name a directory"));
    }
    if target.exists() {
        for entry in fs::read_dir(target)? {
            let name = entry?.file_name().to_string_lossy().into_owned();
            if !ours.contains(&name) {
                return Err(std::io::Error::other(format!(
                    "{} already holds {name:?}, which is not an export file; choose a new or empty directory",
                    target.display()
                )));
            }
        }
    }
    Ok(())
}

/// Checks, before long work whose result goes to `target`, that a directory of files named in
/// `ours` can be written there (as `write_dir_atomic` will).
pub(crate) fn check_dir_writable(target: &Path, ours: &[String]) -> std::io::Result<()> {
    check_dir_target(target, ours)?;
    let parent = parent_of(target);
    create_dir(parent)?;
    temporary_in(parent, "").map(drop)
}

/// Fills a new directory at `target` through a temporary sibling, replacing a directory that
/// holds only files named in `ours` (an earlier export); any other content is left untouched and
/// the call fails.
pub(crate) fn write_dir_atomic(
    target: &Path,
    ours: &[String],
    fill: impl FnOnce(&Path) -> std::io::Result<()>,
) -> std::io::Result<()> {
    check_dir_target(target, ours)?;
    let parent = parent_of(target);
    create_dir(parent)?;
    let staging = tempfile::Builder::new()
        .prefix(".arsenal-export-")
        .tempdir_in(parent)
        .map_err(|e| cannot_write_in(parent, &e))?;
    fill(staging.path())?;
    if target.exists() {
        let old = tempfile::Builder::new().prefix(".arsenal-old-").tempdir_in(parent)?;
        fs::rename(target, old.path().join("previous"))?;
        fs::rename(staging.keep(), target)?;
    } else {
        fs::rename(staging.keep(), target)?;
    }
    Ok(())
}

#[cfg(all(test, unix))]
mod tests;
