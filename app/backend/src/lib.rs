//! The server's layer below the pages: what every feature's server side stands on, and the
//! features' SQL and services. The configuration, the database pool over SQLite or PostgreSQL
//! (with its clock and the tests' fresh databases), e-mail through the outbox, rate limits, the
//! client's address, and the state every handler and server function shares; then, one folder per
//! feature, the queries and the services that the server functions and forms call. Server only:
//! no views, no Leptos, and the WASM never compiles it (the app crate depends on it behind its
//! `ssr` feature).
//!
//! Modules import only downward. Bottom to top: the shared layer (`audit`, `client_ip`, `config`,
//! `cookies`, `db`, `faults`, `hash_gate`, `mail`, `rate_limit`, `seo`, `state`, `wake`, `workspaces`),
//! then `policy`, `accounts`, `consent`, `analytics`, `team`, `records`, `tasks`, `opportunities`,
//! `people`, `companies`, `leads`, `dashboard` and `demo`; `seed` (fake data for measurement),
//! `bulk` (a bulk action over every record a list matches, run in the background) and
//! `duplicates` (the pairs of people and of companies that may be one), `merge` (two people
//! made one, and undone) and `export` (a list's records streamed as CSV or vCard) on top.

pub mod audit;
pub mod client_ip;
pub mod config;
pub mod cookies;
pub mod db;
pub mod faults;
pub mod hash_gate;
pub mod mail;
pub mod rate_limit;
pub mod seo;
pub mod state;
pub mod wake;
pub mod workspaces;

pub mod accounts;
pub mod analytics;
pub mod consent;
pub mod policy;
pub mod team;

pub mod companies;
pub mod dashboard;
pub mod demo;
pub mod leads;
pub mod opportunities;
pub mod people;
pub mod records;
pub mod seed;
pub mod tasks;

pub mod bulk;
pub mod duplicates;
pub mod export;
pub mod merge;
