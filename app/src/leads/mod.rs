//! Leads: people who showed interest, before they are the workspace's people. Demo requests land
//! here, in the vendor's workspace; members add others by hand. A searchable list, a page per
//! lead edited in place with its timeline, and conversion into a person (matched by e-mail
//! address) and a company.

pub mod api;
mod pages;

pub use pages::{LeadPage, LeadsListPage, NewLeadPage};
