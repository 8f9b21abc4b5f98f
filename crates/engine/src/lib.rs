//! The engines: pure, deterministic, synchronous computation over a network.
//!
//! Nothing here does I/O, reads the clock or the environment, or draws randomness from anything
//! but a seeded `rand_chacha::ChaCha8Rng`.
//! Every engine works on `graph::Graph`, the compact indexed form of a validated `model::Network`.

pub mod closure;
pub mod generate;
pub mod geo;
pub mod graph;
pub mod lp;
pub mod map;
pub mod plan;
pub mod risk;
pub mod simulate;
pub mod summary;

#[cfg(test)]
mod fixture;
