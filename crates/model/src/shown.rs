//! Numbers in messages: as written for everyday sizes, in scientific notation when very large or
//! very small (a horizon of 4.8e228 weeks reads as that, not as 229 digits).

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

#[cfg(test)]
mod tests {
    use super::Shown;

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
}
