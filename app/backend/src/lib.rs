//! The server's layer below the pages: what every feature's server side stands on. The
//! configuration, the database pool over SQLite or PostgreSQL (with its clock and the tests'
//! fresh databases), e-mail through the outbox, rate limits, the client's address, and the state
//! every handler and server function shares. Server only: no views, no Leptos, and the WASM never
//! compiles it (the app crate depends on it behind its `ssr` feature).

pub mod client_ip;
pub mod config;
pub mod cookies;
pub mod db;
pub mod faults;
pub mod mail;
pub mod rate_limit;
pub mod state;
pub mod workspaces;
