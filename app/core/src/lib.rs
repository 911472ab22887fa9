//! The bottom layer of Candor CRM, which every other crate may use and which uses none of them:
//! typed ids, parsed value types and their checks, the one [`error::AppError`], calendar dates,
//! the state of a form, and the registry of every cookie and storage key. It is compiled for the
//! server and for the browser, and holds no views and no SQL; server-only parts (the error's HTTP
//! and database sides, phone numbering plans) sit behind the `ssr` feature.

pub mod email_address;
pub mod error;
pub mod forms;
pub mod ids;
pub mod phone;
pub mod product;
pub mod storage;
pub mod text;
pub mod time;
