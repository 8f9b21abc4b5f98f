//! Finding a record by the id a user wrote, and saying clearly when none has it: with the
//! known id nearest to it, when one is clearly nearest ("did you mean ...?").

use crate::Error;

/// The index of an id, or a clear not-found error (as `index` says it).
pub(crate) fn find(ids: &[engine::graph::Name], id: &str, what: &str) -> Result<u32, Error> {
    index(ids, id, what).map_err(Error::NotFound)
}

/// The not-found error for `id`, which none of `ids` is (as `absent` says it).
pub(crate) fn missing(ids: &[engine::graph::Name], id: &str, what: &str) -> Error {
    Error::NotFound(absent(what, id, ids.iter().map(|x| &**x)))
}

/// The index of `id` among `ids`, or says that no `what` has it (as `absent` says it).
pub(crate) fn index(ids: &[engine::graph::Name], id: &str, what: &str) -> Result<u32, String> {
    ids.iter()
        .position(|x| &**x == id)
        .map(|i| i as u32)
        .ok_or_else(|| absent(what, id, ids.iter().map(|x| &**x)))
}

/// Says that no `what` has id `id` in the stored network, naming the id of `known` nearest to
/// it when one clearly is.
pub(crate) fn absent<'a>(what: &str, id: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    format!("no {what} {id:?} in the stored network{}", model::did_you_mean(id, known))
}
