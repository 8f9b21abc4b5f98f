//! Near misses: the known id closest to one that is not there, as a hint for a not-found
//! message ("did you mean ...?").

use rapidfuzz::distance::levenshtein::{Args, BatchComparator};

/// A hint naming the id of `known` nearest to `id`, as ` (did you mean "li-cell"?)`, or an
/// empty string when none is near or several are nearest (then a hint would be a guess: ids
/// numbered alike, such as "site-099" and "site-199" for "site-999").
///
/// Near is an edit distance (characters inserted, deleted or replaced, ignoring case) of at
/// most a third of `id`'s length, and at least 1. When no id is near, the ids that hold `id` as
/// whole parts between hyphens, underscores, dots or spaces ("machining" in "cnc-machining")
/// are named, in order, when at most `MAX_HOLDING` do (` (did you mean "cell-bank" or
/// "li-cell"?)`).
pub fn did_you_mean<'a>(id: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    // ASCII ids (nearly all) are compared byte by byte: 300,000 in 13 to 16 ms, 5 times faster
    // than char by char (docs/benchmarks.md, `cargo run --release -p model --example hints`).
    let lower = |b: u8| b.to_ascii_lowercase();
    let ascii = id.is_ascii();
    let bytes = BatchComparator::new(id.bytes().map(lower));
    let chars = BatchComparator::new(id.chars().flat_map(char::to_lowercase));
    let mut within = id.chars().flat_map(char::to_lowercase).count().div_ceil(3).max(1);
    // The nearest so far, and whether another was as near.
    let mut nearest: Option<(&str, bool)> = None;
    // The ids holding `id` as whole parts, one more than are named at most.
    let mut holding: Vec<&str> = Vec::new();
    for candidate in known {
        if candidate == id {
            continue;
        }
        if nearest.is_none()
            && holding.len() <= MAX_HOLDING
            && !holding.contains(&candidate)
            && holds_parts(candidate, id)
        {
            holding.push(candidate);
        }
        // Only distances within the bound (the nearest so far) are computed to the end.
        let args = Args::default().score_cutoff(within);
        let distance = if ascii && candidate.is_ascii() {
            bytes.distance_with_args(candidate.bytes().map(lower), &args)
        } else {
            chars.distance_with_args(candidate.chars().flat_map(char::to_lowercase), &args)
        };
        let Some(distance) = distance else { continue };
        if distance < within || nearest.is_none() {
            within = distance;
            nearest = Some((candidate, false));
        } else if let Some((first, tied)) = &mut nearest
            && *first != candidate
        {
            *tied = true;
        }
    }
    match nearest {
        Some((one, false)) => format!(" (did you mean {one:?}?)"),
        Some((_, true)) => String::new(),
        None if (1..=MAX_HOLDING).contains(&holding.len()) => {
            holding.sort_unstable();
            let quoted: Vec<String> = holding.iter().map(|h| format!("{h:?}")).collect();
            let named = match quoted.split_last() {
                Some((last, [])) => last.clone(),
                Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
                None => String::new(),
            };
            format!(" (did you mean {named}?)")
        }
        None => String::new(),
    }
}

/// The most ids named for holding an unknown one as whole parts; more would be a list, not a
/// hint.
const MAX_HOLDING: usize = 3;

/// Whether `id` is in `candidate`, ignoring case, as whole parts: each end at an end of
/// `candidate` or beside a hyphen, underscore, dot or space.
fn holds_parts(candidate: &str, id: &str) -> bool {
    let apart = |c: char| matches!(c, '-' | '_' | '.' | ' ');
    if id.is_empty() || candidate.len() <= id.len() || id.starts_with(apart) || id.ends_with(apart)
    {
        return false;
    }
    let (candidate, id) = if candidate.is_ascii() && id.is_ascii() {
        (std::borrow::Cow::Borrowed(candidate), std::borrow::Cow::Borrowed(id))
    } else {
        (candidate.to_lowercase().into(), id.to_lowercase().into())
    };
    (0..=candidate.len().saturating_sub(id.len()))
        .filter(|&at| candidate.is_char_boundary(at) && candidate.is_char_boundary(at + id.len()))
        .any(|at| {
            let end = at + id.len();
            candidate[at..end].eq_ignore_ascii_case(&id)
                && candidate[..at].chars().next_back().is_none_or(apart)
                && candidate[end..].chars().next().is_none_or(apart)
        })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::did_you_mean;

    const ITEMS: [&str; 5] = ["icu-ventilator", "li-cell", "pressure-sensor", "bms-board", "TX"];

    #[test]
    fn near_misses_are_named_and_far_ones_are_not() {
        let hint = |id| did_you_mean(id, ITEMS);
        assert_eq!(hint("icu-ventilatr"), r#" (did you mean "icu-ventilator"?)"#);
        assert_eq!(hint("Li-Cel"), r#" (did you mean "li-cell"?)"#);
        assert_eq!(hint("tx"), r#" (did you mean "TX"?)"#);
        assert_eq!(hint("ventilator"), r#" (did you mean "icu-ventilator"?)"#);
        assert_eq!(hint("vent"), "");
        // Whole parts of one id alone.
        assert_eq!(hint("sensor"), r#" (did you mean "pressure-sensor"?)"#);
        assert_eq!(hint("CELL"), r#" (did you mean "li-cell"?)"#);
        assert_eq!(hint("sens"), "");
        assert_eq!(hint("cel"), "");
        let processes = ["cnc-machining", "5-axis-cnc", "casting"];
        assert_eq!(did_you_mean("machining", processes), r#" (did you mean "cnc-machining"?)"#);
        assert_eq!(
            did_you_mean("cnc", processes),
            r#" (did you mean "5-axis-cnc" or "cnc-machining"?)"#
        );
        let many = ["a-x", "b-x", "c-x", "d-x"];
        assert_eq!(
            did_you_mean("x", many[..3].iter().copied()),
            r#" (did you mean "a-x", "b-x" or "c-x"?)"#
        );
        assert_eq!(did_you_mean("x", many), "");
        assert_eq!(did_you_mean("x", ["b-x", "a-x", "b-x"]), r#" (did you mean "a-x" or "b-x"?)"#);
        assert_eq!(did_you_mean("axis-cnc", processes), r#" (did you mean "5-axis-cnc"?)"#);
        assert_eq!(did_you_mean("Bäcker", ["groß-bäcker"]), r#" (did you mean "groß-bäcker"?)"#);
        assert_eq!(hint("unobtainium"), "");
        assert_eq!(hint(""), "");
    }

    #[test]
    fn ties_are_not_named() {
        let sites = ["site-099", "site-199", "site-990", "site-998"];
        assert_eq!(did_you_mean("site-999", sites), "");
        // A nearer one replaces the ties found before it.
        assert_eq!(
            did_you_mean("site-9xx", ["site-9yy", "site-9zz", "site-9xx", "site-9xy"]),
            r#" (did you mean "site-9xy"?)"#
        );
        assert_eq!(did_you_mean("li-cel", ["li-cell", "li-cell"]), r#" (did you mean "li-cell"?)"#);
    }

    /// The edit distance ignoring case, by the textbook table, for checking the hint against.
    fn naive(a: &str, b: &str) -> usize {
        let lowered = |s: &str| -> Vec<char> { s.chars().flat_map(char::to_lowercase).collect() };
        let (a, b) = (lowered(a), lowered(b));
        let mut row: Vec<usize> = (0..=b.len()).collect();
        for i in 1..=a.len() {
            let mut previous = row[0];
            row[0] = i;
            for j in 1..=b.len() {
                let replaced = previous + usize::from(a[i - 1] != b[j - 1]);
                previous = row[j];
                row[j] = replaced.min(row[j] + 1).min(row[j - 1] + 1);
            }
        }
        row[b.len()]
    }

    /// Whether `id` is a run of whole parts of `candidate`, ignoring case, by trying every run.
    fn naive_parts(candidate: &str, id: &str) -> bool {
        let lower = candidate.to_lowercase();
        let cuts: Vec<usize> = std::iter::once(0)
            .chain(
                lower
                    .char_indices()
                    .filter(|(_, c)| "-_. ".contains(*c))
                    .flat_map(|(i, _)| [i, i + 1]),
            )
            .chain(std::iter::once(lower.len()))
            .collect();
        let (starts, ends): (Vec<usize>, Vec<usize>) = (
            cuts.iter().step_by(2).copied().collect(),
            cuts.iter().skip(1).step_by(2).copied().collect(),
        );
        lower.len() > id.len()
            && starts
                .iter()
                .any(|&a| ends.iter().any(|&b| a < b && lower[a..b] == id.to_lowercase()))
    }

    proptest! {
        /// An id is held by another as whole parts exactly when some run of the other's parts
        /// is the id.
        #[test]
        fn whole_parts_are_found_as_by_trying_every_run(
            id in "[aAb][ab_-]{0,4}[ab]|[aB]",
            candidate in "[abAB_-]{0,9}",
        ) {
            prop_assert_eq!(super::holds_parts(&candidate, &id), naive_parts(&candidate, &id));
        }

        /// The id named is the only nearest one within the bound; when none is named, no id is
        /// within it or several are nearest. The order of the ids does not matter (`validate`
        /// reads them from a hash map).
        #[test]
        fn the_hint_names_the_nearest_within_the_bound(
            id in "[a-cAé]{0,6}",
            known in proptest::collection::vec("[a-cBÉé]{0,6}", 0..12),
        ) {
            let hint = did_you_mean(&id, known.iter().map(String::as_str));
            prop_assert_eq!(&hint, &did_you_mean(&id, known.iter().rev().map(String::as_str)));
            let bound = id.chars().count().div_ceil(3).max(1);
            let others: Vec<&String> = known.iter().filter(|k| **k != id).collect();
            let best = others.iter().map(|k| naive(&id, k)).min().filter(|d| *d <= bound);
            let nearest: Vec<&&String> = match best {
                Some(best) => others.iter().filter(|k| naive(&id, k) == best).collect(),
                None => Vec::new(),
            };
            let mut distinct = nearest.clone();
            distinct.sort();
            distinct.dedup();
            match distinct.as_slice() {
                [one] => prop_assert_eq!(hint, format!(" (did you mean {one:?}?)")),
                _ => prop_assert_eq!(hint, ""),
            }
        }
    }
}
