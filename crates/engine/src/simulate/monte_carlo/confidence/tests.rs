//! Hand-worked intervals, the point estimates inside them, and their coverage on draws from
//! known distributions.

use proptest::prelude::*;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;
use rand_distr::{Distribution, LogNormal};

use super::{Interval, mean, proportion, quantile};
use crate::simulate::monte_carlo::percentile;

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

/// The median of 20 draws lies between the 6th and the 15th: P(B <= 5) = 0.0207 and
/// P(B <= 6) = 0.0577 for B binomial (20, 1/2).
#[test]
fn the_median_of_twenty() {
    let values: Vec<f64> = (1..=20).map(f64::from).collect();
    assert_eq!(quantile(&values, 0.5), Interval(Some(6.0), Some(15.0)));
}

/// The 99th percentile of 100 draws: at least one of them lies above it only with chance
/// 1 - 0.99^100 = 63 %, so no draw bounds it from above, and the 97th bounds it from below;
/// of 1,000 draws, the 983rd and the 997th bound it (the binomial (n, 0.99) worked exactly in
/// Python with math.comb and fractions).
#[test]
fn a_high_percentile_of_few_draws_is_unbounded_above() {
    let hundred: Vec<f64> = (1..=100).map(f64::from).collect();
    let p99 = quantile(&hundred, 0.99);
    assert_eq!(p99.high(), None);
    assert_eq!(p99.low(), Some(97.0));
    let thousand: Vec<f64> = (1..=1000).map(f64::from).collect();
    assert_eq!(quantile(&thousand, 0.99), Interval(Some(983.0), Some(997.0)));
    // 0.99^367 = 0.0250, 0.99^368 = 0.0248: 368 draws are the fewest that bound it.
    for (n, bounded) in [(367, false), (368, true)] {
        let values: Vec<f64> = (1..=n).map(f64::from).collect();
        assert_eq!(quantile(&values, 0.99).high().is_some(), bounded, "{n}");
    }
    assert_eq!(quantile(&[], 0.5), Interval(None, None));
    assert_eq!(quantile(&[3.0], 0.5), Interval(None, None));
}

/// 1 to 5: mean 3, standard deviation 1.5811, so 3 ± 1.96 × 0.7071.
#[test]
fn the_mean_of_five() {
    let interval = mean(&[1.0, 2.0, 3.0, 4.0, 5.0]);
    let margin = 1.959_963_984_540_054 * (2.5f64 / 5.0).sqrt();
    assert!(close(interval.low(), 3.0 - margin), "{interval:?}");
    assert!(close(interval.high(), 3.0 + margin), "{interval:?}");
    assert_eq!(mean(&[7.0]), Interval(None, None));
}

/// Wilson's interval of 10 in 100 is 0.0552 to 0.1744 (the textbook value); 0 of 50 and 50 of
/// 50 stay within 0 and 1.
#[test]
fn wilson_intervals() {
    let ten = proportion(10, 100);
    assert!((ten.low().unwrap() - 0.055_229_137).abs() < 1e-8, "{ten:?}");
    assert!((ten.high().unwrap() - 0.174_365_662).abs() < 1e-8, "{ten:?}");
    let none = proportion(0, 50);
    assert_eq!(none.low(), Some(0.0));
    assert!(none.high().unwrap() > 0.05 && none.high().unwrap() < 0.1, "{none:?}");
    let all = proportion(50, 50);
    assert_eq!(all.high(), Some(1.0));
    assert_eq!(proportion(0, 0), Interval(None, None));
}

/// Over 400 samples of 300 log-normal draws (heavy on the right, like losses), each interval
/// holds the true value in at least 93 % of samples (95 % expected; with 400 samples, 93 % is
/// two standard deviations below).
#[test]
fn intervals_cover_the_truth() {
    let (median, sigma): (f64, f64) = (1000.0, 1.0);
    let draws = LogNormal::new(median.ln(), sigma).unwrap();
    // Quantiles of the log-normal: median × exp(sigma × z_q).
    let true_p95 = median * (sigma * 1.644_853_626_951_472).exp();
    let true_mean = median * (sigma * sigma / 2.0).exp();
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let (mut p95_in, mut mean_in, mut share_in) = (0, 0, 0);
    let samples = 400;
    for _ in 0..samples {
        let mut values: Vec<f64> = (0..300).map(|_| draws.sample(&mut rng)).collect();
        let inside = |i: Interval, truth: f64| {
            i.low().is_none_or(|l| l <= truth) && i.high().is_none_or(|h| truth <= h)
        };
        mean_in += usize::from(inside(mean(&values), true_mean));
        values.sort_by(f64::total_cmp);
        p95_in += usize::from(inside(quantile(&values, 0.95), true_p95));
        // The share below the median, whose true value is one half.
        let below = values.iter().filter(|&&v| v < median).count() as u32;
        share_in += usize::from(inside(proportion(below, 300), 0.5));
    }
    for (what, hits) in [("p95", p95_in), ("mean", mean_in), ("share", share_in)] {
        assert!(hits * 100 >= 93 * samples, "{what}: {hits} of {samples}");
    }
}

proptest! {
    /// Each interval holds its point estimate: the nearest-rank percentile, the mean, the
    /// share; and its ends are in order.
    #[test]
    fn intervals_hold_their_estimates(
        mut values in prop::collection::vec(0.0f64..1e9, 2..400),
        q in prop::sample::select(vec![0.5, 0.95, 0.99]),
        k in 0u32..500,
        extra in 0u32..500,
    ) {
        values.sort_by(f64::total_cmp);
        let estimate = percentile(&values, q);
        let i = quantile(&values, q);
        prop_assert!(i.low().is_none_or(|l| l <= estimate), "{i:?} {estimate}");
        prop_assert!(i.high().is_none_or(|h| estimate <= h), "{i:?} {estimate}");
        let m = values.iter().sum::<f64>() / values.len() as f64;
        let i = mean(&values);
        prop_assert!(i.low().unwrap() <= m * (1.0 + 1e-12) && m <= i.high().unwrap() * (1.0 + 1e-12));
        let n = k + extra;
        let share = proportion(k, n);
        if n > 0 {
            let p = f64::from(k) / f64::from(n);
            let (low, high) = (share.low().unwrap(), share.high().unwrap());
            prop_assert!(0.0 <= low && low <= p && p <= high && high <= 1.0, "{share:?} {p}");
        }
    }
}
