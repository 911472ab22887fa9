//! The bottom layer of Candor CRM, which every other crate may use and which uses none of them.
//! It is compiled for the server and for the browser, and holds no views and no SQL; server-only
//! parts (the error's HTTP and database sides, phone numbering plans) sit behind the `server`
//! feature, and setting a Leptos response's status from an error behind `ssr`.
//!
//! - What every feature shares: typed ids, parsed value types and their checks, the one
//!   [`error::AppError`], calendar dates, the state of a form, and the registry of every cookie and
//!   storage key.
//! - What the pages and the server exchange, one module per feature: the records, their fields
//!   and the rules that check them, list queries and pages, timelines. [`records`] holds what the
//!   kinds of records share; the features build on it and on each other one way only (people and
//!   companies list their opportunities; the dashboard shows opportunities and tasks).

pub mod accounts;
pub mod bulk;
pub mod companies;
pub mod consent;
pub mod country;
pub mod dashboard;
pub mod demo;
pub mod duplicates;
pub mod email_address;
pub mod error;
pub mod forms;
pub mod ids;
pub mod leads;
pub mod opportunities;
pub mod people;
pub mod phone;
pub mod policy;
pub mod product;
pub mod records;
pub mod site;
pub mod storage;
pub mod tasks;
pub mod text;
pub mod time;
pub mod workspaces;
