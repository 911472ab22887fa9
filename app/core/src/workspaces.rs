//! Workspace domain types, shared by the server and the browser.

use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::ids::{MemberId, WorkspaceId};

/// What a member may do in one workspace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    /// Created the workspace (or received it); may do everything, including transferring it.
    Owner,
    /// Manages members and invitations.
    Admin,
    /// Works with the workspace's records.
    Member,
    /// The vendor's staff, in the operators' workspace.
    Operator,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Admin => "admin",
            Self::Member => "member",
            Self::Operator => "operator",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "owner" => Some(Self::Owner),
            "admin" => Some(Self::Admin),
            "member" => Some(Self::Member),
            "operator" => Some(Self::Operator),
            _ => None,
        }
    }

    /// Who runs the workspace's records as a whole: owners and admins (and operators, in the
    /// operators' workspace) change the pipeline and delete any record; members delete only the
    /// records they own.
    pub fn runs_workspace(self) -> bool {
        matches!(self, Self::Owner | Self::Admin | Self::Operator)
    }

    /// Owners and admins invite, remove and revoke.
    pub fn manages_members(self) -> bool {
        matches!(self, Self::Owner | Self::Admin)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Owner => "Owner",
            Self::Admin => "Admin",
            Self::Member => "Member",
            Self::Operator => "Operator",
        }
    }
}

/// Whose workspace it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WorkspaceKind {
    /// A team's own workspace.
    Customer,
    /// The vendor's own workspace, where the operators work demo requests and privacy requests.
    Vendor,
}

impl WorkspaceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Customer => "customer",
            Self::Vendor => "vendor",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "customer" => Some(Self::Customer),
            "vendor" => Some(Self::Vendor),
            _ => None,
        }
    }
}

/// A workspace's display name: trimmed, 1 to 100 characters, no control characters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceName(String);

impl WorkspaceName {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(raw: &str) -> Result<Self, AppError> {
        let name = raw.trim();
        if name.is_empty() {
            return Err(AppError::validation(
                "workspace_name",
                "Enter a name for the workspace.",
            ));
        }
        if name.chars().count() > Self::MAX_CHARS {
            return Err(AppError::validation(
                "workspace_name",
                format!(
                    "Use at most {} characters for the workspace name.",
                    Self::MAX_CHARS
                ),
            ));
        }
        if name.chars().any(char::is_control) {
            return Err(AppError::validation(
                "workspace_name",
                "The workspace name cannot contain line breaks or control characters.",
            ));
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A stored workspace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workspace {
    pub id: WorkspaceId,
    pub name: WorkspaceName,
    pub kind: WorkspaceKind,
    /// Milliseconds since the Unix epoch.
    pub created_at: i64,
}

/// A member of the workspace, as the workspace settings list them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamMember {
    pub member_id: MemberId,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub email_verified: bool,
}

/// An invitation not yet accepted, revoked or expired.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingInvitation {
    pub id: uuid::Uuid,
    pub email: String,
    pub role: Role,
    /// Milliseconds since the Unix epoch.
    pub expires_at: i64,
}

/// A workspace the member belongs to, for switching between them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceChoice {
    pub id: WorkspaceId,
    pub name: String,
    pub role: Role,
}

/// Everything the workspace settings page shows, for the logged-in member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceSettings {
    pub workspace_name: String,
    /// The workspace's home country, where its phone numbers may be typed as dialled there.
    pub country: Option<crate::country::Country>,
    pub viewer: MemberId,
    pub viewer_role: Role,
    pub viewer_verified: bool,
    pub members: Vec<TeamMember>,
    pub invitations: Vec<PendingInvitation>,
    pub workspaces: Vec<WorkspaceChoice>,
    /// The invitation form after a POST that needs fixing.
    pub invite_form: crate::forms::FormState,
}

impl WorkspaceSettings {
    /// Owners and admins invite and remove members.
    pub fn can_manage(&self) -> bool {
        self.viewer_role.manages_members()
    }
}

/// What an invitation link shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationView {
    /// Whether the link still works.
    pub usable: bool,
    pub workspace_name: String,
    pub invited_by: String,
    pub email: String,
    pub role: Role,
    /// The logged-in member's address, if any.
    pub viewer_email: Option<String>,
    /// Whether an account with the invited address exists.
    pub account_exists: bool,
    /// The new-account form after a POST that needs fixing.
    pub form: crate::forms::FormState,
    pub policy_version: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workspace_names_are_trimmed_and_kept_as_typed() {
        let name = WorkspaceName::parse("  Acme Bakery  ").expect("valid");
        assert_eq!(name.as_str(), "Acme Bakery");
    }

    #[test]
    fn empty_long_and_control_character_names_are_refused_with_a_field_error() {
        for raw in ["", "   ", &"x".repeat(101), "two\nlines"] {
            let error = WorkspaceName::parse(raw).unwrap_err();
            assert_eq!(error.field(), Some("workspace_name"), "{raw:?}");
        }
        assert!(
            WorkspaceName::parse(&"é".repeat(100)).is_ok(),
            "limit counts characters, not bytes"
        );
    }

    #[test]
    fn workspace_ids_that_are_not_uuids_are_simply_not_found() {
        assert_eq!(
            "1 OR 1=1".parse::<WorkspaceId>().unwrap_err(),
            AppError::NotFound
        );
    }
}
