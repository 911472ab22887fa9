//! What the kinds of records share on the server: keyset lists and their search, the timeline,
//! tags, version checks for edits in place, bulk changes, deletion, and the links between records
//! (a company by name, a person by e-mail address). Every query is filtered by the session's
//! workspace.

pub mod db;
pub mod duplicates;
pub mod search;
pub mod service;
