//! 95 % confidence intervals of what a Monte Carlo run estimates: the mean loss (normal
//! approximation), its percentiles (order statistics, exact and free of any assumed
//! distribution) and the probability that a product falls short (Wilson's score interval).

use serde::Serialize;

/// The standard normal quantile of 97.5 %: two-sided 95 % intervals.
const Z: f64 = 1.959_963_984_540_054;

/// What each end of an interval may miss by: 2.5 % on either side.
const TAIL: f64 = 0.025;

/// An interval, in JSON `[low, high]`; an end is `null` when the scenarios run cannot bound it
/// (a high percentile of few scenarios may lie beyond the worst seen).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Interval(pub Option<f64>, pub Option<f64>);

impl Interval {
    pub fn low(self) -> Option<f64> {
        self.0
    }

    pub fn high(self) -> Option<f64> {
        self.1
    }
}

/// The mean of `values` plus or minus 1.96 standard errors; unbounded below two values.
pub(super) fn mean(values: &[f64]) -> Interval {
    let n = values.len() as f64;
    if values.len() < 2 {
        return Interval(None, None);
    }
    let mean = values.iter().sum::<f64>() / n;
    let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let margin = Z * (variance / n).sqrt();
    Interval(Some(mean - margin), Some(mean + margin))
}

/// The `q`-quantile (0 < q < 1) of the distribution `sorted` (ascending) was drawn from lies
/// between two of its order statistics: the largest `l`-th whose chance of lying above the
/// quantile is at most 2.5 %, and the smallest `u`-th whose chance of lying below it is at most
/// 2.5 %. The count of draws below the quantile is binomial (n, q), which gives both exactly.
pub(super) fn quantile(sorted: &[f64], q: f64) -> Interval {
    let n = sorted.len();
    if n == 0 || !(q > 0.0 && q < 1.0) {
        return Interval(None, None);
    }
    let below = Binomial::new(n, q);
    // x_(l) <= quantile when at least l draws lie below it: P(B <= l - 1) <= 2.5 %.
    let low = (1..=n).take_while(|&l| below.at_most(l - 1) <= TAIL).last();
    // x_(u) >= quantile when at most u - 1 draws lie below it: P(B >= u) <= 2.5 %.
    let high = (1..=n).find(|&u| 1.0 - below.at_most(u - 1) <= TAIL);
    Interval(low.map(|l| sorted[l - 1]), high.map(|u| sorted[u - 1]))
}

/// Wilson's score interval of a proportion: `k` of `n`.
pub(super) fn proportion(k: u32, n: u32) -> Interval {
    if n == 0 {
        return Interval(None, None);
    }
    let (k, n) = (f64::from(k), f64::from(n));
    let p = k / n;
    let z2 = Z * Z;
    let scale = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / scale;
    let half = Z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / scale;
    // None (all) of n: the interval starts at 0 (ends at 1) exactly, as rounding may not show.
    let low = if k == 0.0 { 0.0 } else { (centre - half).max(0.0) };
    let high = if k == n { 1.0 } else { (centre + half).min(1.0) };
    Interval(Some(low), Some(high))
}

/// The binomial distribution (n, p), its mass held where it is more than 1e-18 of the mode's.
struct Binomial {
    /// The first count held, and the cumulative probabilities from it on.
    first: usize,
    cumulative: Vec<f64>,
}

impl Binomial {
    fn new(n: usize, p: f64) -> Binomial {
        let mode = (((n + 1) as f64 * p).floor() as usize).min(n);
        let odds = p / (1.0 - p);
        // Each term from the last by the ratio of neighbouring probabilities, the mode's 1.
        let mut down = Vec::new();
        let mut term = 1.0;
        let mut k = mode;
        while k > 0 && term > 1e-18 {
            term *= k as f64 / ((n - k + 1) as f64 * odds);
            down.push(term);
            k -= 1;
        }
        let first = mode - down.len();
        let mut terms: Vec<f64> = down.into_iter().rev().collect();
        terms.push(1.0);
        let (mut term, mut k) = (1.0, mode);
        while k < n && term > 1e-18 {
            term *= (n - k) as f64 * odds / (k + 1) as f64;
            terms.push(term);
            k += 1;
        }
        let total: f64 = terms.iter().sum();
        let mut sum = 0.0;
        let cumulative = terms
            .into_iter()
            .map(|t| {
                sum += t / total;
                sum
            })
            .collect();
        Binomial { first, cumulative }
    }

    /// P(B <= k).
    fn at_most(&self, k: usize) -> f64 {
        match k.checked_sub(self.first) {
            None => 0.0,
            Some(i) => self.cumulative.get(i).copied().unwrap_or(1.0),
        }
    }
}

#[cfg(test)]
mod tests;
