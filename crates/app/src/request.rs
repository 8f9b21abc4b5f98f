//! Request files, the small documents a user writes to ask for something (a scenario, hazards,
//! demand targets, planning events): TOML, or JSON when the name ends in `.json`, parsed with
//! every problem located by file, line (in TOML, of the field at fault, or of its `[[entry]]`
//! when the field is not written) or JSON path, and field.

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

    /// The error for a JSON document of a kind Arsenal writes (a network, a plan) given where
    /// `what` was expected.
    fn other_document(&self, what: &str) -> Option<Error> {
        if !self.is_json() {
            return None;
        }
        let document = serde_json::from_str::<serde_json::Value>(&self.text).ok()?;
        let kind = crate::interchange::document_kind(document.get("format")?.as_str()?)?;
        let finding = Finding::file_error(
            format!("{}: format", self.file),
            format!("this is {kind}; it cannot be read as {what}"),
        );
        Some(invalid(&self.file, what, vec![finding]))
    }

    /// Parses the text; a syntax error or a field of the wrong kind is located, and a document
    /// of another kind (which no request takes, since none has a `format` field) is named.
    pub(crate) fn parse<T: DeserializeOwned>(&self, what: &str) -> Result<T, Error> {
        let file = &self.file;
        let parsed = if self.is_json() {
            serde_json::from_str(&self.text).map_err(|e| {
                let not_an_object = serde_json::from_str::<serde_json::Value>(&self.text)
                    .ok()
                    .filter(|value| !value.is_object());
                match not_an_object {
                    Some(value) => Finding::file_error(file, not_an_object_in(&value, what)),
                    None => Finding::file_error(
                        format!("{file}:{}", e.line()),
                        json_syntax(&e.to_string()),
                    ),
                }
            })
        } else {
            toml::from_str(&self.text).map_err(|e| {
                let line = e.span().map_or(1, |s| line_of(&self.text, s.start));
                Finding::file_error(format!("{file}:{line}"), plain(e.message().to_owned()))
            })
        };
        parsed.map_err(|finding| {
            self.other_document(what).unwrap_or_else(|| invalid(file, what, vec![finding]))
        })
    }

    /// Parses a document of fields alone (no entries) as `parse` does; when that fails, each
    /// field is parsed apart, so that every field at fault (a value of the wrong kind, a field
    /// the document has no use for) is named on its line, not only the first. Gives the
    /// document made of the fields that are not at fault with those problems, so that the
    /// caller's checks of their values are reported with them (every field of `T` must be
    /// optional for the rest to parse).
    pub(crate) fn parse_fields<T: DeserializeOwned>(
        &self,
        what: &str,
    ) -> Result<(T, Vec<Finding>), Error> {
        let first = match self.parse(what) {
            Ok(parsed) => return Ok((parsed, Vec::new())),
            Err(first) => first,
        };
        if self.other_document(what).is_some() {
            return Err(first);
        }
        let (faults, rest) = if self.is_json() {
            let Ok(serde_json::Value::Object(fields)) = serde_json::from_str(&self.text) else {
                return Err(first);
            };
            let message = |e: serde_json::Error| plain(e.to_string());
            let fields = Fields::split(fields, |key, value| {
                let alone = serde_json::Value::Object([(key, value)].into_iter().collect());
                fault::<T, _>(alone, message)
            });
            let rest = serde_json::Value::Object(fields.good.into_iter().collect());
            (fields.faults, decode::<T, _>(rest, message))
        } else {
            let Ok(fields) = toml::from_str::<toml::Table>(&self.text) else {
                return Err(first);
            };
            let message = |e: toml::de::Error| plain(e.message().to_owned());
            let fields = Fields::split(fields, |key, value| {
                let alone = toml::Table::from_iter([(key, value)]);
                fault::<T, _>(toml::Value::Table(alone), message)
            });
            let rest = toml::Value::Table(fields.good.into_iter().collect());
            (fields.faults, decode::<T, _>(rest, message))
        };
        let findings: Vec<Finding> = faults
            .into_iter()
            .map(|(key, (field, message))| {
                let field = if field.is_empty() { key } else { field };
                located(self.at(&field), &field, message)
            })
            .collect();
        match rest {
            Ok(rest) if !findings.is_empty() => Ok((rest, findings)),
            _ => Err(first),
        }
    }

    /// Where a field of a document of fields alone is: the line that writes it in TOML, the
    /// file otherwise.
    pub(crate) fn at(&self, field: &str) -> String {
        self.written(field, 1, usize::MAX)
            .map_or_else(|| self.file.clone(), |line| format!("{}:{line}", self.file))
    }

    /// Sorts problems with the fields of a document of fields alone in the order the document
    /// writes the fields: by line in TOML, by place among the object's keys in JSON.
    pub(crate) fn in_order(&self, findings: &mut [Finding]) {
        if self.is_json() {
            let keys: Vec<String> =
                serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&self.text)
                    .map(|fields| fields.keys().cloned().collect())
                    .unwrap_or_default();
            let place = |f: &Finding| {
                let key = f.field.as_deref()?.split(['.', '[']).next()?;
                keys.iter().position(|k| k == key)
            };
            findings.sort_by_key(place);
        } else {
            let line =
                |f: &Finding| f.field.as_deref().and_then(|f| self.written(f, 1, usize::MAX));
            findings.sort_by_key(line);
        }
    }

    /// Parses the text as `parse` does; when that fails, each entry of the document's array of
    /// entries and the fields around them are parsed apart, so that every entry at fault is
    /// named (each by its first problem, such as a missing field), not only the first.
    pub(crate) fn parse_all<T: Entries>(&self, what: &str) -> Result<T, Error> {
        let first = match self.parse(what) {
            Ok(parsed) => return Ok(parsed),
            Err(first) => first,
        };
        if self.other_document(what).is_some() {
            return Err(first);
        }
        match self.apart::<T>() {
            Some(findings) if !findings.is_empty() => Err(invalid(&self.file, what, findings)),
            _ => Err(first),
        }
    }

    /// The problems of the fields around the entries of `T::KEY` (parsed as a `T` without
    /// entries), then of each entry (parsed as a `T::Entry`); `None` when the document is not
    /// TOML or JSON at all, or is JSON but not an object.
    fn apart<T: Entries>(&self) -> Option<Vec<Finding>> {
        // What the entries' key holds instead of a list, if anything else.
        let (entries, rest, not_a_list) = if self.is_json() {
            let mut document: serde_json::Value = serde_json::from_str(&self.text).ok()?;
            let entries = document.as_object_mut()?.remove(T::KEY);
            let not_a_list = entries.as_ref().and_then(|e| match e {
                serde_json::Value::Array(_) => None,
                serde_json::Value::Object(_) => Some("an object".to_owned()),
                other => Some(other.to_string()),
            });
            let entries = entries.iter().filter_map(serde_json::Value::as_array).flatten();
            let entries: Vec<Option<Fault>> = entries
                .map(|e| fault::<T::Entry, _>(e.clone(), |e| plain(e.to_string())))
                .collect();
            (entries, fault::<T, _>(document, |e| plain(e.to_string())), not_a_list)
        } else {
            let mut document: toml::Table = toml::from_str(&self.text).ok()?;
            let entries = document.remove(T::KEY);
            let not_a_list = entries.as_ref().and_then(|e| match e {
                toml::Value::Array(_) => None,
                toml::Value::Table(_) => Some("a table".to_owned()),
                other => Some(other.to_string()),
            });
            let entries = entries.iter().filter_map(toml::Value::as_array).flatten();
            let message = |e: toml::de::Error| plain(e.message().to_owned());
            let entries: Vec<Option<Fault>> =
                entries.map(|e| fault::<T::Entry, _>(e.clone(), message)).collect();
            (entries, fault::<T, _>(toml::Value::Table(document), message), not_a_list)
        };
        let not_a_list = not_a_list.map(|got| {
            let key = T::KEY;
            let header = format!("[{key}]");
            let at = self
                .text
                .lines()
                .position(|l| l.trim_start().starts_with(&header))
                .map(|i| i + 1)
                .or_else(|| self.written(key, 1, usize::MAX))
                .map_or_else(|| self.file.clone(), |line| format!("{}:{line}", self.file));
            let how = if got == "a table" {
                format!(": write [[{key}]] above each entry, not [{key}]")
            } else {
                String::new()
            };
            problem(at, key, format!("expected a list of entries, got {got}{how}"))
        });
        // In TOML, a problem is placed on the line that writes its field, within its entry
        // (from the entry's `[[header]]` to the next) or above the first entry; on the entry's
        // header (or by its JSON path) when the field is not written, as a missing one is not.
        let rest = rest.map(|(field, message)| {
            let end = self.headers(T::KEY).next().unwrap_or(usize::MAX);
            let at = self
                .written(&field, 1, end)
                .map_or_else(|| self.file.clone(), |line| format!("{}:{line}", self.file));
            located(at, &field, message)
        });
        let places = self.places(T::KEY, entries.len());
        let entries = entries.into_iter().zip(&places).filter_map(|(fault, place)| {
            let (field, message) = fault?;
            Some(located(place.of(&field), &field, message))
        });
        Some(rest.into_iter().chain(not_a_list).chain(entries).collect())
    }

    /// The 1-based line, from `from` up to `to`, of a TOML document that gives `field` (the
    /// first key of a path such as `regional_radius_km[1]`) a value.
    fn written(&self, field: &str, from: usize, to: usize) -> Option<usize> {
        let key = field.split(['.', '[']).next().unwrap_or_default();
        if key.is_empty() || self.is_json() {
            return None;
        }
        let lines = self.text.lines().enumerate().take(to.saturating_sub(1)).skip(from - 1);
        lines.filter(|(_, line)| assigned(line) == Some(key)).map(|(i, _)| i + 1).next()
    }

    /// The 1-based lines of the `[[name]]` headers of a TOML document, in order.
    fn headers<'a>(&'a self, name: &str) -> impl Iterator<Item = usize> + 'a {
        let header = format!("[[{name}]]");
        self.text
            .lines()
            .enumerate()
            .filter(move |(_, line)| line.trim_start().starts_with(&header))
            .map(|(i, _)| i + 1)
    }

    /// Where the fields around the entries are (`horizon_weeks`, `setup_cost`): in TOML the line
    /// that writes each, above the first `[[entry]]`; the file otherwise.
    pub(crate) fn fields(&self) -> Place {
        if self.is_json() {
            return Place::at(&self.file);
        }
        let lines: Vec<&str> = self.text.lines().collect();
        let end = lines.iter().position(|l| l.trim_start().starts_with('[')).unwrap_or(lines.len());
        Place { at: self.file.clone(), fields: self.written_in(&lines, 0, end) }
    }

    /// The fields written on `lines[from..to]`, each with the line that first writes it.
    fn written_in(&self, lines: &[&str], from: usize, to: usize) -> Vec<(String, String)> {
        let mut fields: Vec<(String, String)> = Vec::new();
        for (i, line) in lines.iter().enumerate().take(to).skip(from) {
            if let Some(key) = assigned(line)
                && !fields.iter().any(|(k, _)| k == key)
            {
                fields.push((key.to_owned(), format!("{}:{}", self.file, i + 1)));
            }
        }
        fields
    }

    /// Where the first `count` entries of the array `name` are: in TOML (when written that way)
    /// the line of each one's `[[name]]` header and of each field written in it, their JSON
    /// paths otherwise.
    pub(crate) fn places(&self, name: &str, count: usize) -> Vec<Place> {
        let file = &self.file;
        if self.is_json() {
            return (0..count).map(|n| Place::at(format!("{file}: $.{name}[{n}]"))).collect();
        }
        let headers: Vec<usize> = self.headers(name).collect();
        let lines: Vec<&str> = self.text.lines().collect();
        let place = |n: usize| {
            let Some(&start) = headers.get(n) else {
                return Place::at(format!("{file}: {name} {}", n + 1));
            };
            let end = headers.get(n + 1).map_or(lines.len(), |&next| next - 1);
            Place { at: format!("{file}:{start}"), fields: self.written_in(&lines, start, end) }
        };
        (0..count).map(place).collect()
    }
}

/// The key a line of TOML gives a value, when it is a bare key (letters, digits, `_` and `-`).
fn assigned(line: &str) -> Option<&str> {
    let key = line.split_once('=')?.0.trim();
    let bare = key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    (bare && !key.is_empty()).then_some(key)
}

/// Where an entry of a request was written, to place each problem with one of its fields on the
/// line that writes the field.
#[derive(Clone, Debug, Default)]
pub(crate) struct Place {
    /// The entry: its first line, or its JSON path.
    at: String,
    /// The fields written in it, each with its line.
    fields: Vec<(String, String)>,
}

impl Place {
    /// A place known only as a whole: every field is placed there.
    pub(crate) fn at(at: impl Into<String>) -> Place {
        Place { at: at.into(), fields: Vec::new() }
    }

    /// Where `field` (the first key of a path such as `regional_radius_km[1]`) was written, or
    /// the entry when it was not (as a missing field is not).
    pub(crate) fn of(&self, field: &str) -> String {
        let key = field.split(['.', '[']).next().unwrap_or_default();
        self.fields.iter().find(|(k, _)| k == key).map_or(&self.at, |(_, at)| at).clone()
    }
}

/// The path of the field at fault (empty when the problem is not one field's, as when an entry
/// is not a table) and why.
type Fault = (String, String);

/// Why `value` is not a `T`: the path of the field at fault and the message `message` makes of
/// the error; `None` when it is one.
fn fault<'de, T: DeserializeOwned, D: serde::Deserializer<'de>>(
    value: D,
    message: impl FnOnce(D::Error) -> String,
) -> Option<Fault> {
    decode::<T, D>(value, message).err()
}

/// The fields of a document, each parsed alone: those at fault (the key, and the field at fault
/// and why) and the rest.
struct Fields<V> {
    faults: Vec<(String, Fault)>,
    good: Vec<(String, V)>,
}

impl<V: Clone> Fields<V> {
    fn split(
        fields: impl IntoIterator<Item = (String, V)>,
        fault: impl Fn(String, V) -> Option<Fault>,
    ) -> Fields<V> {
        let (mut faults, mut good) = (Vec::new(), Vec::new());
        for (key, value) in fields {
            match fault(key.clone(), value.clone()) {
                Some(at_fault) => faults.push((key, at_fault)),
                None => good.push((key, value)),
            }
        }
        Fields { faults, good }
    }
}

/// `value` as a `T`, or the path of the field at fault and the message `message` makes of the
/// error; a missing field is the field at fault (serde places it at the table it is missing
/// from).
fn decode<'de, T: DeserializeOwned, D: serde::Deserializer<'de>>(
    value: D,
    message: impl FnOnce(D::Error) -> String,
) -> Result<T, Fault> {
    serde_path_to_error::deserialize::<_, T>(value).map_err(|error| {
        let path = error.path().to_string();
        let path = if path == "." || path == "?" { String::new() } else { path };
        let message = message(error.into_inner());
        let missing = message.strip_prefix("missing field `").and_then(|m| m.strip_suffix('`'));
        match missing {
            Some(name) if path.is_empty() => (name.to_owned(), "missing; it is required".into()),
            Some(name) => (format!("{path}.{name}"), "missing; it is required".into()),
            None => (path, message),
        }
    })
}

/// Why a JSON document that is `value` cannot be `what`, which is an object of fields.
fn not_an_object_in(value: &serde_json::Value, what: &str) -> String {
    let hint = if value.is_string() { "; send the document itself, not its file name" } else { "" };
    format!("expected a JSON object with the fields of {what}, got {}{hint}", shape_of(value))
}

/// What a JSON value is, in words: `a list`, `text`, `an object`.
pub fn shape_of(value: &serde_json::Value) -> &'static str {
    use serde_json::Value as V;
    match value {
        V::Null => "null",
        V::Bool(_) => "true or false",
        V::Number(_) => "a number",
        V::String(_) => "text",
        V::Array(_) => "a list",
        V::Object(_) => "an object",
    }
}

/// A JSON value (a part of an HTTP request's body, say) as a `T`, or the path of the field at
/// fault (empty when the problem is not one field's) and why, in plain words (`expected a
/// number, got "lots"`).
pub fn from_json<T: DeserializeOwned>(value: &serde_json::Value) -> Result<T, (String, String)> {
    decode::<T, _>(value, |e| plain(e.to_string()))
}

/// A problem at `at` with `field` (none when empty).
fn located(at: String, field: &str, message: String) -> Finding {
    if field.is_empty() { Finding::file_error(at, message) } else { problem(at, field, message) }
}

/// A request document made of entries (`[[target]]`, `[[event]]`) and a few fields around them.
pub(crate) trait Entries: DeserializeOwned {
    /// The name of the array of entries.
    const KEY: &'static str;
    /// One entry.
    type Entry: DeserializeOwned;
}

/// A problem with a field of a request file.
pub(crate) fn problem(location: impl Into<String>, field: &str, message: String) -> Finding {
    let mut finding = Finding::file_error(location, message);
    finding.field = Some(field.to_owned());
    finding
}

/// A note on a field of a request file: what it asks may not be what was meant.
pub(crate) fn warning(location: impl Into<String>, field: &str, message: String) -> Finding {
    let mut finding = Finding::file_warning(location, message);
    finding.field = Some(field.to_owned());
    finding
}

/// Sorts problems by file, then line (a problem of the whole file first).
pub(crate) fn by_line(findings: &mut [Finding]) {
    findings.sort_by_cached_key(|f| {
        let (file, line) = f.location.rsplit_once(':').unwrap_or((&f.location, ""));
        (file.to_owned(), line.trim().parse::<usize>().unwrap_or(0))
    });
}

/// The error for a request file with `findings`.
pub(crate) fn invalid(file: &str, what: &str, findings: Vec<Finding>) -> Error {
    let problems = model::counted(findings.len(), "problem");
    Error::Invalid { message: format!("{file}: {problems} in {what}"), findings }
}

/// Serde's words for an unknown field, in plain words and with the field nearest to it:
/// ``unknown field `sit`, expected one of `kind`, `site` `` is `unknown field "sit" (did you
/// mean "site"?); expected one of kind, site`. Other messages are not its to say.
pub fn unknown_field(message: &str) -> Option<String> {
    let (field, expected) = message.strip_prefix("unknown field `")?.split_once("`, ")?;
    let names: Vec<&str> = match expected.strip_prefix("expected one of ") {
        Some(list) => list.split(", ").map(|name| name.trim_matches('`')).collect(),
        None => expected
            .strip_prefix("expected ")?
            .split(" or ")
            .map(|name| name.trim_matches('`'))
            .collect(),
    };
    let hint = model::did_you_mean(field, names.iter().copied());
    let expected = match names.as_slice() {
        [one] => one.to_string(),
        [first, second] => format!("{first} or {second}"),
        all => format!("one of {}", all.join(", ")),
    };
    Some(format!("unknown field {field:?}{hint}; expected {expected}"))
}

/// Serde's words for a value of the wrong kind, said as the CSV reader says them (`invalid type:
/// string "lots", expected f64` is `expected a number, got "lots"`), and for an unknown field
/// (`unknown_field`); other messages are kept.
fn plain(message: String) -> String {
    if let Some(unknown) = unknown_field(&message) {
        return unknown;
    }
    // `invalid length 1, expected a tuple of size 2`: a list of the wrong length.
    if let Some((got, size)) = message
        .strip_prefix("invalid length ")
        .and_then(|rest| rest.split_once(", expected a tuple of size "))
    {
        return format!("expected a list of {size}, got a list of {got}");
    }
    let Some((got, expected)) = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "))
        .and_then(|rest| rest.rsplit_once(", expected "))
    else {
        return message;
    };
    let expected = match expected {
        "f32" | "f64" => "a number",
        "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number of at least 0",
        "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number",
        "a sequence" => "a list",
        "a string" => "text",
        "a boolean" => "true or false",
        _ => return message,
    };
    let got = match got {
        "sequence" => "a list".to_owned(),
        "map" => "a table".to_owned(),
        _ => match got.strip_prefix("string ") {
            Some(text) => text.to_owned(),
            // `integer `3``, `floating point `1.5``, `boolean `true``: the value alone.
            None => got
                .rsplit_once(" `")
                .map_or(got, |(_, value)| value.trim_end_matches('`'))
                .to_owned(),
        },
    };
    format!("expected {expected}, got {got}")
}

/// Why a text is not JSON, from serde's words: a text that ends too soon (`EOF while parsing a
/// list at line 1 column 12`) is said to, with what usually causes it; other words are kept.
pub fn json_syntax(message: &str) -> String {
    let Some(at) = message.strip_prefix("EOF while parsing ").and_then(|m| m.split_once(" at "))
    else {
        return message.to_owned();
    };
    format!(
        "the JSON ends at {} before it is complete: was it cut short, or is a bracket, brace or quote left open?",
        at.1
    )
}

/// The 1-based line of byte `offset` of `text`.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

/// A JSON value, read as `serde_json::Value` reads one except that an object that gives a key
/// twice is an error (`duplicate field \`unit_value\``, with its line and column), as a typed
/// document's is: `Value` keeps the last silently. Network documents and the server's bodies and
/// event messages are read through it.
#[derive(Debug)]
pub struct StrictJson(pub serde_json::Value);

impl<'de> serde::Deserialize<'de> for StrictJson {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<StrictJson, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(StrictJson)
    }
}

struct StrictVisitor;

impl<'de> serde::de::Visitor<'de> for StrictVisitor {
    type Value = serde_json::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<serde_json::Value, E> {
        Ok(serde_json::Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<serde_json::Value, E> {
        Ok(serde_json::Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<serde_json::Value, E> {
        Ok(serde_json::Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<serde_json::Value, E> {
        Ok(serde_json::Number::from_f64(v)
            .map_or(serde_json::Value::Null, serde_json::Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<serde_json::Value, E> {
        Ok(serde_json::Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<serde_json::Value, E> {
        Ok(serde_json::Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<serde_json::Value, E> {
        Ok(serde_json::Value::Null)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> Result<serde_json::Value, A::Error> {
        let mut values = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(StrictJson(value)) = seq.next_element()? {
            values.push(value);
        }
        Ok(serde_json::Value::Array(values))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> Result<serde_json::Value, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(serde::de::Error::custom(format_args!("duplicate field `{key}`")));
            }
            let StrictJson(value) = map.next_value()?;
            object.insert(key, value);
        }
        Ok(serde_json::Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::Request;
    use crate::Error;
    use crate::scenario::ScenarioFile;

    /// The problems `parse_all` finds in `text`, as printed.
    fn problems(file: &str, text: &str) -> String {
        let parsed = Request::named(file, text).parse_all::<ScenarioFile>("the scenario");
        let Err(Error::Invalid { message, findings }) = parsed else {
            panic!("{file} parses: {parsed:?}");
        };
        let lines: Vec<String> = findings.iter().map(ToString::to_string).collect();
        format!("{}\n{message}", lines.join("\n"))
    }

    #[test]
    fn values_of_the_wrong_kind_are_named_in_plain_words() {
        let cases = [
            (r#"invalid type: string "lots", expected f64"#, r#"expected a number, got "lots""#),
            (
                "invalid value: integer `-1`, expected u32",
                "expected a whole number of at least 0, got -1",
            ),
            (
                "invalid type: floating point `1.5`, expected u32",
                "expected a whole number of at least 0, got 1.5",
            ),
            ("invalid type: integer `3`, expected a sequence", "expected a list, got 3"),
            ("invalid type: map, expected a string", "expected text, got a table"),
            ("invalid type: boolean `true`, expected f64", "expected a number, got true"),
            (
                "invalid type: integer `3`, expected struct Event",
                "invalid type: integer `3`, expected struct Event",
            ),
            ("missing field `kind`", "missing field `kind`"),
            (
                "invalid length 1, expected a tuple of size 2",
                "expected a list of 2, got a list of 1",
            ),
            (
                "unknown field `sit`, expected one of `kind`, `site`, `state`",
                r#"unknown field "sit" (did you mean "site"?); expected one of kind, site, state"#,
            ),
            (
                "unknown field `expected_weeks`, expected `id` or `site`",
                r#"unknown field "expected_weeks"; expected id or site"#,
            ),
            (
                "unknown field `itm`, expected `item`",
                r#"unknown field "itm" (did you mean "item"?); expected item"#,
            ),
            ("unknown field `x`, there are no fields", "unknown field `x`, there are no fields"),
        ];
        for (serde, plain) in cases {
            assert_eq!(super::plain(serde.to_owned()), plain);
        }
    }

    /// A network or a plan given where a scenario belongs is named as what it is, alone.
    #[test]
    fn documents_of_other_kinds_are_named() {
        let plan = r#"{"format": "arsenal-plan", "version": 1, "plan": {}}"#;
        let network = r#"{"format": "arsenal-network", "version": 1, "sites": []}"#;
        expect_test::expect![[r#"
            error: p.json: format: this is a plan (as `arsenal mobilize --out` writes); it cannot be read as the scenario
            p.json: 1 problem in the scenario
            error: n.json: format: this is a network (as `arsenal export --out FILE.json` writes); it cannot be read as the scenario
            n.json: 1 problem in the scenario"#]]
        .assert_eq(&format!("{}\n{}", problems("p.json", plan), problems("n.json", network)));
    }

    #[test]
    fn entries_that_are_not_a_list_are_named() {
        let toml = "name = \"one\"\n[event]\nkind = \"site\"\nsite = \"a\"\n";
        let json = r#"{"event": {"kind": "site"}}"#;
        expect_test::expect![[r#"
            error: s.toml:2: event: expected a list of entries, got a table: write [[event]] above each entry, not [event]
            s.toml: 1 problem in the scenario
            error: s.json: event: expected a list of entries, got an object
            s.json: 1 problem in the scenario"#]]
        .assert_eq(&format!("{}\n{}", problems("s.toml", toml), problems("s.json", json)));
    }

    #[test]
    fn a_json_document_that_is_not_an_object_says_what_it_is() {
        let list = r#"[{"kind": "site", "site": "a", "start_week": 1, "duration_weeks": 2}]"#;
        expect_test::expect![[r#"
            error: s.json: expected a JSON object with the fields of the scenario, got a list
            s.json: 1 problem in the scenario
            error: s.json: expected a JSON object with the fields of the scenario, got text; send the document itself, not its file name
            s.json: 1 problem in the scenario"#]].assert_eq(&format!(
            "{}\n{}",
            problems("s.json", list),
            problems("s.json", r#""data/scenarios/gulf-hurricane.toml""#)
        ));
    }

    #[test]
    fn every_entry_at_fault_is_named_in_json() {
        let text = r#"{"event": [
            {"kind": "site", "site": "a", "start_week": 1, "duration_weeks": 2},
            {"kind": "site", "start_week": "soon"},
            {"kind": "site", "sites": "a"}
        ], "horizon_weeks": "long"}"#;
        expect_test::expect![[r#"
            error: s.json: horizon_weeks: expected a number, got "long"
            error: s.json: $.event[1]: start_week: expected a number, got "soon"
            error: s.json: $.event[2]: sites: unknown field "sites" (did you mean "site"?); expected one of kind, site, organization, state, latitude, longitude, radius_km, process, supplier, customer, item, factor, capacity, start_week, duration_weeks, recovery_weeks
            s.json: 3 problems in the scenario"#]]
        .assert_eq(&problems("s.json", text));
    }

    #[test]
    fn a_json_document_cut_short_is_said_to_be() {
        let cut = "{\"event\": [\n  {\"kind\": \"site\", \"site\": \"a\",";
        expect_test::expect![[r#"
            error: s.json:2: the JSON ends at line 2 column 31 before it is complete: was it cut short, or is a bracket, brace or quote left open?
            s.json: 1 problem in the scenario
            error: s.json:1: key must be a string at line 1 column 2
            s.json: 1 problem in the scenario"#]]
        .assert_eq(&format!("{}\n{}", problems("s.json", cut), problems("s.json", "{event: []}")));
    }

    #[test]
    fn a_document_that_is_not_toml_keeps_its_one_located_error() {
        expect_test::expect![[r#"
            error: s.toml:3: string values must be quoted, expected literal string
            s.toml: 1 problem in the scenario"#]]
        .assert_eq(&problems("s.toml", "name = \"x\"\n[[event]]\nkind = site\n"));
        // Entries that are not a list: named with what they are.
        expect_test::expect![[r#"
            error: s.toml:1: event: expected a list of entries, got 3
            s.toml: 1 problem in the scenario"#]]
        .assert_eq(&problems("s.toml", "event = 3\nname = \"x\"\n"));
    }
}
