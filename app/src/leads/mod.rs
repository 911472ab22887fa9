//! Leads: people who showed interest. Demo requests land here, in the vendor's workspace.

#[cfg(feature = "ssr")]
pub mod db;
pub mod model;

pub use model::{LeadId, LeadSource, LeadStatus};
