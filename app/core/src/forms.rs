//! The state of a form as the server hands it back: what was typed, what is wrong with which
//! field, and a message about the whole form. Every feature's forms use it.

use serde::{Deserialize, Serialize};

/// One problem with one field of a form. `field` is the input's `name`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

impl FieldProblem {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

/// A message about the whole form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormNotice {
    pub message: String,
    /// An error (shown as an alert) or a confirmation.
    pub is_error: bool,
}

impl FormNotice {
    pub fn error(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            is_error: true,
        }
    }

    pub fn info(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            is_error: false,
        }
    }
}

/// What a form shows: what was typed (never a password), what is wrong with it and a
/// message about the whole form. Empty on a fresh page; filled when the server answers a post
/// that needs fixing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormState {
    pub values: Vec<(String, String)>,
    pub errors: Vec<FieldProblem>,
    pub notice: Option<FormNotice>,
    /// Records already stored that hold what an "Add" form was given (the same e-mail address,
    /// say): shown with a link before anything is saved. Empty for every other form.
    #[serde(default)]
    pub existing: Vec<Existing>,
}

/// A record already in the workspace that may be the one an "Add" form describes: "Ada Lovelace
/// at Analytical Engines" (`title`, linking to `href`) "already exists: the same e-mail address"
/// (`why`). `id` is what the form sends back when the member adds theirs anyway.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Existing {
    pub id: String,
    pub href: String,
    pub title: String,
    pub why: String,
}

impl FormState {
    pub fn value(&self, field: &str) -> String {
        self.values
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, value)| value.clone())
            .unwrap_or_default()
    }

    pub fn error(&self, field: &str) -> Option<String> {
        self.errors
            .iter()
            .find(|problem| problem.field == field)
            .map(|problem| problem.message.clone())
    }

    pub fn with_notice(notice: FormNotice) -> Self {
        Self {
            notice: Some(notice),
            ..Self::default()
        }
    }
}
