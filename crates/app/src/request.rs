//! Request files, the small documents a user writes to ask for something (a scenario, hazards,
//! demand targets, planning events): TOML, or JSON when the name ends in `.json`, parsed with
//! every problem located by file, line (of an `[[entry]]` in TOML) or JSON path, and field.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::Error;
use crate::interchange::Finding;

/// A request document: its text, the name it is reported under, and its syntax.
#[derive(Clone, Debug)]
pub struct Request {
    pub(crate) file: String,
    pub(crate) text: String,
    json: bool,
}

impl Request {
    /// Reads `path`; `what` names the kind of request in errors ("the scenario").
    pub fn read(path: &Path, what: &str) -> Result<Request, Error> {
        let file = path.display().to_string();
        let text = crate::interchange::read_required(path, &file)
            .map_err(|f| invalid(&file, what, vec![f]))?;
        Ok(Request::named(file, text))
    }

    /// A JSON document that came by other means than a file (an HTTP request's body), reported
    /// as `name`.
    pub fn json(name: impl Into<String>, text: impl Into<String>) -> Request {
        Request { file: name.into(), text: text.into(), json: true }
    }

    /// The text of file `file`: JSON when the name ends in `.json`, TOML otherwise.
    pub(crate) fn named(file: impl Into<String>, text: impl Into<String>) -> Request {
        let file = file.into();
        let json = Path::new(&file).extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
        Request { file, text: text.into(), json }
    }

    /// Whether the document is JSON, not TOML.
    pub(crate) fn is_json(&self) -> bool {
        self.json
    }

    /// Parses the text; a syntax error or a field of the wrong kind is located.
    pub(crate) fn parse<T: DeserializeOwned>(&self, what: &str) -> Result<T, Error> {
        let file = &self.file;
        let parsed = if self.is_json() {
            serde_json::from_str(&self.text)
                .map_err(|e| Finding::file_error(format!("{file}:{}", e.line()), e.to_string()))
        } else {
            toml::from_str(&self.text).map_err(|e| {
                let line = e.span().map_or(1, |s| line_of(&self.text, s.start));
                Finding::file_error(format!("{file}:{line}"), e.message().to_owned())
            })
        };
        parsed.map_err(|finding| invalid(file, what, vec![finding]))
    }

    /// Where the `n`-th entry of the array `name` is: the line of its `[[name]]` header in TOML
    /// (when written that way), its JSON path otherwise.
    pub(crate) fn locate(&self, name: &str, n: usize) -> String {
        let file = &self.file;
        if self.is_json() {
            return format!("{file}: $.{name}[{n}]");
        }
        let header = format!("[[{name}]]");
        self.text
            .lines()
            .enumerate()
            .filter(|(_, line)| line.trim_start().starts_with(&header))
            .nth(n)
            .map_or(format!("{file}: {name} {}", n + 1), |(i, _)| format!("{file}:{}", i + 1))
    }
}

/// A problem with a field of a request file.
pub(crate) fn problem(location: impl Into<String>, field: &str, message: String) -> Finding {
    let mut finding = Finding::file_error(location, message);
    finding.field = Some(field.to_owned());
    finding
}

/// The error for a request file with `findings`.
pub(crate) fn invalid(file: &str, what: &str, findings: Vec<Finding>) -> Error {
    let n = findings.len();
    Error::Invalid {
        message: format!("{file}: {n} problem{} in {what}", if n == 1 { "" } else { "s" }),
        findings,
    }
}

/// The 1-based line of byte `offset` of `text`.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|&&b| b == b'\n').count() + 1
}
