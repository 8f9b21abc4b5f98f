//! Near misses: the known id closest to one that is not there, as a hint for a not-found
//! message ("did you mean ...?").

use rapidfuzz::distance::levenshtein::{Args, BatchComparator};

/// A hint naming the id of `known` nearest to `id`, as ` (did you mean "li-cell"?)`, or an
/// empty string when none is near or several are nearest (then a hint would be a guess: ids
/// numbered alike, such as "site-099" and "site-199" for "site-999").
///
/// Near is an edit distance (characters inserted, deleted or replaced, ignoring case) of at
/// most a third of `id`'s length, and at least 1.
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
    for candidate in known {
        if candidate == id {
            continue;
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
        _ => String::new(),
    }
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

    proptest! {
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
