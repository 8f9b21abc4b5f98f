//! Numbers in messages: as written for everyday sizes, in scientific notation when very large or
//! very small (a horizon of 4.8e228 weeks reads as that, not as 229 digits); counts grouped by
//! thousands, with their noun in the singular or the plural.

use std::fmt;

/// Shows an `f64` for a person: `{}` from 1e-6 to 1e15 (and zero), `{:e}` outside.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Shown(pub f64);

impl fmt::Display for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let x = self.0;
        let magnitude = x.abs();
        if x.is_finite() && x != 0.0 && !(1e-6..1e15).contains(&magnitude) {
            write!(f, "{x:e}")
        } else {
            write!(f, "{x}")
        }
    }
}

/// `bytes` in GiB, to a tenth: `23.5 GiB`.
pub fn gibibytes(bytes: u64) -> String {
    format!("{:.1} GiB", bytes as f64 / f64::from(1u32 << 30))
}

/// `n` with a comma between each group of three digits: `1,234,567`.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    grouped
}

/// A count and its noun, grouped by thousands and in the plural unless the count is one:
/// `1 error`, `2,310 errors`, `3 processes`. Nouns here are regular: a noun ending in "s" takes
/// "es", any other "s".
pub fn counted(n: usize, noun: &str) -> String {
    let ending = match (n, noun.ends_with('s')) {
        (1, _) => "",
        (_, true) => "es",
        (_, false) => "s",
    };
    format!("{} {noun}{ending}", grouped(n as u64))
}

/// At most `max` of `names`, joined with commas, and how many more there are: `a, b and 3
/// more`.
pub fn listed<S: AsRef<str>>(names: &[S], max: usize) -> String {
    let shown: Vec<&str> = names.iter().take(max).map(AsRef::as_ref).collect();
    match names.len().saturating_sub(max) {
        0 => shown.join(", "),
        more => format!("{} and {} more", shown.join(", "), grouped(more as u64)),
    }
}

#[cfg(test)]
mod tests {
    use super::{Shown, counted, grouped, listed};

    #[test]
    fn counts_grouped_by_thousands_with_their_noun() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_000), "1,000");
        assert_eq!(grouped(2_319_748), "2,319,748");
        assert_eq!(grouped(u64::MAX), "18,446,744,073,709,551,615");
        assert_eq!(counted(1, "error"), "1 error");
        assert_eq!(counted(0, "error"), "0 errors");
        assert_eq!(counted(2_310, "error"), "2,310 errors");
        assert_eq!(counted(1, "process"), "1 process");
        assert_eq!(counted(3, "process"), "3 processes");
    }

    #[test]
    fn everyday_numbers_as_written_extremes_in_scientific_notation() {
        let shown = |x: f64| Shown(x).to_string();
        assert_eq!(shown(4.8e228), "4.8e228");
        assert_eq!(shown(-2.5e20), "-2.5e20");
        assert_eq!(shown(3e-9), "3e-9");
        assert_eq!(shown(26.0), "26");
        assert_eq!(shown(-0.25), "-0.25");
        assert_eq!(shown(123456789.5), "123456789.5");
        assert_eq!(shown(0.0), "0");
        assert_eq!(shown(f64::NAN), "NaN");
        assert_eq!(shown(f64::NEG_INFINITY), "-inf");
    }

    #[test]
    fn lists_say_how_many_they_leave_out() {
        let names: Vec<String> = (0..1_205).map(|i| format!("n{i}")).collect();
        assert_eq!(listed(&names[..2], 5), "n0, n1");
        assert_eq!(listed(&names[..5], 5), "n0, n1, n2, n3, n4");
        assert_eq!(listed(&names, 2), "n0, n1 and 1,203 more");
    }
}
