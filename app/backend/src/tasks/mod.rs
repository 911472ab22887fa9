//! Tasks on the server: their queries, and the services that add them, tick them done and list
//! them by day, for a member or about a record.

pub mod db;
pub mod service;
