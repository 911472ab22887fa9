//! Leads on the server: their queries and services, and a lead's conversion into a person and a
//! company.

pub mod db;
pub mod service;
