//! The privacy policy as the product's own specification: rendered from structured content,
//! versioned in the database (append-only), and comparable version to version.

pub mod api;
mod pages;

pub use pages::{PolicyComparePage, PolicyVersionPage, PolicyVersionsPage, PrivacyPage};
