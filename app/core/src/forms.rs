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
