//! Companies on the server: their queries and services, and the people who work there.

pub mod db;
pub mod duplicates;
pub mod service;
