//! Lead domain types.

use std::fmt;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The id of a lead.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LeadId(Uuid);

impl LeadId {
    #[cfg(feature = "ssr")]
    pub fn random() -> Self {
        Self(Uuid::new_v4())
    }
}

impl fmt::Display for LeadId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Where a lead is in qualification.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LeadStatus {
    New,
    Contacted,
    Qualified,
    Unqualified,
}

impl LeadStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Contacted => "contacted",
            Self::Qualified => "qualified",
            Self::Unqualified => "unqualified",
        }
    }
}

/// How a lead reached the workspace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LeadSource {
    /// The public Request-a-Demo form.
    RequestADemo,
}

impl LeadSource {
    /// As stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RequestADemo => "Request a Demo",
        }
    }
}
