//! People on the server: their queries and services, with contact details, tags, owner, lawful
//! basis and marketing permission.

pub mod db;
pub mod duplicates;
pub mod service;
