//! Sharing scarce stock among claims: rank by rank, and within a rank in proportion to the
//! claims' weights (their normal flows) without giving any claim more than it asks (water-filling).

/// One claim on a site's stock of an item.
#[derive(Clone, Copy, Debug)]
pub(super) struct Claim {
    pub(super) amount: f64,
    /// Its normal flow per period.
    pub(super) weight: f64,
    /// Lower ranks are served first.
    pub(super) rank: u32,
}

/// Fills `granted` (one entry per claim) from `available` units; `order` is scratch space.
pub(super) fn allocate(
    available: f64,
    claims: &[Claim],
    granted: &mut Vec<f64>,
    order: &mut Vec<usize>,
) {
    granted.clear();
    let total: f64 = claims.iter().map(|c| c.amount).sum();
    if total <= available {
        granted.extend(claims.iter().map(|c| c.amount));
        return;
    }
    granted.resize(claims.len(), 0.0);
    order.clear();
    order.extend(0..claims.len());
    // By rank, then by amount per unit of weight (the claims that saturate first).
    let per_weight = |c: &Claim| match (c.amount, c.weight) {
        (a, w) if w > 0.0 => a / w,
        (a, _) if a > 0.0 => f64::INFINITY,
        _ => 0.0,
    };
    order.sort_by(|&a, &b| {
        let (a, b) = (&claims[a], &claims[b]);
        a.rank.cmp(&b.rank).then(per_weight(a).total_cmp(&per_weight(b)))
    });
    let mut left = available.max(0.0);
    let mut start = 0;
    while start < order.len() && left > 0.0 {
        let rank = claims[order[start]].rank;
        let end = start + order[start..].iter().take_while(|&&c| claims[c].rank == rank).count();
        let asked: f64 = order[start..end].iter().map(|&c| claims[c].amount).sum();
        if asked <= left {
            for &c in &order[start..end] {
                granted[c] = claims[c].amount;
            }
            left -= asked;
            start = end;
            continue;
        }
        // Water-fill this rank and stop.
        let mut weight: f64 = order[start..end].iter().map(|&c| claims[c].weight).sum();
        for (i, &c) in order[start..end].iter().enumerate() {
            let claim = &claims[c];
            let share = if weight > 0.0 { left * claim.weight / weight } else { 0.0 };
            if claim.amount <= share {
                granted[c] = claim.amount;
                left -= claim.amount;
                weight -= claim.weight;
            } else {
                for &rest in &order[start + i..end] {
                    granted[rest] = left * claims[rest].weight / weight;
                }
                break;
            }
        }
        break;
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{Claim, allocate};

    fn run(available: f64, claims: &[(f64, f64, u32)]) -> Vec<f64> {
        let claims: Vec<Claim> =
            claims.iter().map(|&(amount, weight, rank)| Claim { amount, weight, rank }).collect();
        let (mut granted, mut order) = (Vec::new(), Vec::new());
        allocate(available, &claims, &mut granted, &mut order);
        granted
    }

    #[test]
    fn enough_for_everyone() {
        assert_eq!(run(100.0, &[(30.0, 10.0, 0), (20.0, 10.0, 0)]), vec![30.0, 20.0]);
    }

    #[test]
    fn proportional_to_normal_flows() {
        // 40 units for normal flows 30 and 10 asking 40 each: 30 and 10.
        assert_eq!(run(40.0, &[(40.0, 30.0, 0), (40.0, 10.0, 0)]), vec![30.0, 10.0]);
        // 60 units: the first's share (45) is more than it asks, so it gets 40 and the other 20.
        assert_eq!(run(60.0, &[(40.0, 30.0, 0), (40.0, 10.0, 0)]), vec![40.0, 20.0]);
    }

    #[test]
    fn what_a_small_claim_leaves_goes_to_the_others() {
        // Shares 15 / 15 / 30 by weight; the first asks only 5, so 55 go to the others 1:2.
        let granted = run(60.0, &[(5.0, 10.0, 0), (100.0, 10.0, 0), (100.0, 20.0, 0)]);
        assert_eq!(granted[0], 5.0);
        assert!((granted[1] - 55.0 / 3.0).abs() < 1e-12);
        assert!((granted[2] - 110.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn ranks_first() {
        // Rank 0 is served in full, rank 1 shares the rest, rank 2 gets nothing.
        let granted = run(50.0, &[(30.0, 1.0, 0), (40.0, 1.0, 1), (40.0, 3.0, 1), (9.0, 1.0, 2)]);
        assert_eq!(granted, vec![30.0, 5.0, 15.0, 0.0]);
    }

    proptest! {
        #[test]
        fn water_filling_by_rank(
            raw in prop::collection::vec((0.0..100.0f64, 0.1..50.0f64, 0u32..3), 1..12),
            available in 0.0..400.0f64,
        ) {
            let claims: Vec<Claim> =
                raw.iter().map(|&(amount, weight, rank)| Claim { amount, weight, rank }).collect();
            let (mut granted, mut order) = (Vec::new(), Vec::new());
            allocate(available, &claims, &mut granted, &mut order);
            let total: f64 = claims.iter().map(|c| c.amount).sum();
            let given: f64 = granted.iter().sum();
            prop_assert!((given - available.min(total)).abs() <= 1e-9 * total.max(1.0));
            let tolerance = 1e-9 * available.max(1.0);
            for (c, g) in claims.iter().zip(&granted) {
                prop_assert!(*g >= 0.0 && *g <= c.amount + tolerance);
            }
            let full = |i: usize| granted[i] >= claims[i].amount - tolerance;
            for i in 0..claims.len() {
                if full(i) {
                    continue;
                }
                for j in 0..claims.len() {
                    // Nothing reaches a later rank while an earlier claim is short.
                    if claims[j].rank > claims[i].rank {
                        prop_assert!(granted[j] <= tolerance);
                    }
                    // Within the rank, the short claims get the same share per unit of weight,
                    // and the full ones asked no more than that.
                    if claims[j].rank == claims[i].rank {
                        let level = granted[i] / claims[i].weight;
                        if full(j) {
                            prop_assert!(claims[j].amount / claims[j].weight <= level + 1e-9 * level.max(1.0));
                        } else {
                            prop_assert!((granted[j] / claims[j].weight - level).abs() <= 1e-9 * level.max(1.0));
                        }
                    }
                }
            }
        }
    }
}
