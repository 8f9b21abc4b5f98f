//! `generate`: a synthetic network with the structure of a real manufacturing base, for tests,
//! benchmarks and demos at any size.
//!
//! Sites sit around real U.S. metros, weighted by manufacturing activity; items come in tiers
//! (materials -> components -> subassemblies -> products) with shared, skewed component choices;
//! about 40 % of items have a single qualified source; flows are computed top-down from demand, so
//! every link, capacity and capability covers steady-state demand with slack to spare.
//! The same config always gives the same network (ChaCha8 seeded from `seed`).

mod flows;
mod metros;
mod naming;
mod structure;

use model::Network;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// The smallest network the generator makes.
pub const MIN_SITES: usize = 50;
/// The largest network it makes: more than three times the U.S. manufacturing base, and about
/// 5 GB of memory to make (docs/benchmarks.md).
pub const MAX_SITES: usize = 1_000_000;

#[derive(Clone, Debug, PartialEq)]
pub struct GenerateConfig {
    /// How many sites to generate, from `MIN_SITES` to `MAX_SITES`.
    pub n_sites: usize,
    pub seed: u64,
}

/// Generates a network; the same config always gives the same network.
pub fn generate(config: &GenerateConfig) -> Network {
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    let n_sites = config.n_sites.max(MIN_SITES);
    let mut network = Network::default();
    let layout = structure::sites(&mut rng, n_sites, &mut network);
    let plan = structure::items(&mut rng, n_sites, &layout, &mut network);
    flows::steady_state(&mut rng, &layout, &plan, &mut network);
    network
}

/// Draws an index with probability proportional to the cumulative weights' steps.
fn weighted(rng: &mut ChaCha8Rng, cumulative: &[u64]) -> usize {
    use rand::Rng;
    let total = cumulative.last().copied().unwrap_or(1);
    let x = rng.random_range(0..total);
    cumulative.partition_point(|&c| c <= x)
}

/// Rounds up to cents, so rounded flows never fall below what they carry.
fn ceil_cents(x: f64) -> f64 {
    (x * 100.0).ceil() / 100.0
}

fn round_cents(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests;
