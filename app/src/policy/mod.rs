//! The privacy policy as the product's own specification: rendered from structured content,
//! versioned in the database (append-only), and comparable version to version.

pub mod api;
pub mod diff;
pub mod model;
mod pages;

#[cfg(feature = "ssr")]
pub mod db;

use serde::{Deserialize, Serialize};

pub use pages::{PolicyComparePage, PolicyVersionPage, PolicyVersionsPage, PrivacyPage};

use crm_core::time::CalendarDate;

use model::PolicyDocument;

/// A version as listed: its number, when it applies, and whether the change was significant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionSummary {
    pub version: i64,
    pub effective: CalendarDate,
    pub significant: bool,
    /// SHA-256 of the published text, hex.
    pub content_hash: String,
    /// Published, but its effective date has not come yet.
    pub upcoming: bool,
}

/// A version with its whole text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyVersion {
    pub summary: VersionSummary,
    pub document: PolicyDocument,
}

/// Two versions and what changed between them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comparison {
    pub from: VersionSummary,
    pub to: VersionSummary,
    pub diff: diff::PolicyDiff,
}
