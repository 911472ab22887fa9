//! Realistic fake data for measurement (`server seed`, the benchmarks): people and the companies
//! they work at, leads, and opportunities, drawn from fixed lists with a fixed random seed, so two
//! runs make the same data. Above every kind of record, since it writes them all.

pub mod opportunities;
pub mod people;

pub use people::{SeedReport, seed_people, workspace_named};
