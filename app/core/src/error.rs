//! One error type for every server function and handler.
//!
//! What the browser sees is always one of these variants and their fixed, human messages.
//! Internal causes (SQL, I/O, panics) are logged once on the server, where they are handled,
//! and collapse to [`AppError::Internal`], so no SQL, stack text or file path ever leaves it.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

/// What `Retry-After` says when the database was busy: a write waits its turn for up to five
/// seconds, so one more second is usually enough.
pub const RETRY_AFTER_BUSY_SECS: u32 = 1;

/// What `Retry-After` says when too many password hashes were waiting: a queue of them drains in
/// a few seconds.
pub const RETRY_AFTER_OVERLOADED_SECS: u32 = 5;

/// Everything that can go wrong in a request, as the user may be told about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// One input field is wrong; `field` is the form field's name, `message` says how to fix it.
    #[error("{message}")]
    Validation { field: String, message: String },
    #[error("We could not find that. It may have been moved or deleted.")]
    NotFound,
    #[error("Please log in to continue.")]
    Unauthorized,
    #[error("You do not have permission to do that.")]
    Forbidden,
    /// The member's role does not allow this action; the message says who may do it instead.
    #[error("{0}")]
    NotAllowed(String),
    /// The change clashes with what is stored (a duplicate, or someone else's newer edit).
    #[error("{0}")]
    Conflict(String),
    #[error("Too many attempts. Please wait a minute and try again.")]
    RateLimited,
    /// The request itself was malformed (missing or undecodable arguments).
    #[error("The request could not be read. Please reload the page and try again.")]
    BadRequest,
    /// The browser could not reach the server.
    #[error("We could not reach the server. Check your connection and try again.")]
    Network,
    /// Other changes held the database for longer than a write may wait. Nothing was saved;
    /// the page keeps what was typed, and sending it again works.
    #[error(
        "Many changes are being saved right now, so yours was not. Please try again in a moment."
    )]
    Busy,
    /// Too much work of one costly kind (password hashing) is waiting; nothing was done, and the
    /// same request works a moment later.
    #[error(
        "The server is very busy right now, so this was not done. Please try again in a moment."
    )]
    Overloaded,
    #[error("Something went wrong on our side. Please try again in a moment.")]
    Internal,
}

impl AppError {
    /// A validation error for one field.
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation {
            field: field.into(),
            message: message.into(),
        }
    }

    /// Logs an internal cause once, here where it is handled, and hides it from the user.
    #[track_caller]
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        let location = std::panic::Location::caller();
        tracing::error!(%location, error = %cause, "internal error");
        Self::Internal
    }

    /// The HTTP status that best describes this error.
    pub fn status_code(&self) -> u16 {
        match self {
            Self::Validation { .. } | Self::BadRequest => 422,
            Self::NotFound => 404,
            Self::Unauthorized => 401,
            Self::Forbidden | Self::NotAllowed(_) => 403,
            Self::Conflict(_) => 409,
            Self::RateLimited => 429,
            Self::Network | Self::Busy | Self::Overloaded => 503,
            Self::Internal => 500,
        }
    }

    /// How many seconds a client should wait before sending the same request again, for the
    /// errors that pass (`Retry-After`).
    pub fn retry_after(&self) -> Option<u32> {
        match self {
            Self::Busy => Some(RETRY_AFTER_BUSY_SECS),
            Self::Overloaded => Some(RETRY_AFTER_OVERLOADED_SECS),
            _ => None,
        }
    }

    /// While rendering a page or running a server function on the server, answers with this
    /// error's HTTP status (a missing record gives a real 404), and `Retry-After` when it passes.
    /// Does nothing in the browser.
    pub fn set_response_status(&self) {
        #[cfg(feature = "ssr")]
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
            && let Ok(status) = axum::http::StatusCode::from_u16(self.status_code())
        {
            response.set_status(status);
            if let Some(seconds) = self.retry_after() {
                response.insert_header(
                    axum::http::header::RETRY_AFTER,
                    axum::http::HeaderValue::from(seconds),
                );
            }
        }
    }

    /// The field this error belongs to, when it belongs to one.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Validation { field, .. } => Some(field),
            _ => None,
        }
    }

    /// A request the server could not read: answered with 422 and a short message, not the 500
    /// of a failed server function (on the server this runs inside the request's context, where
    /// its status is set), and logged as the client's mistake, not an error of ours.
    fn client_mistake(cause: &ServerFnErrorErr) -> Self {
        tracing::warn!(error = %cause, "a server function's request could not be read");
        let error = Self::BadRequest;
        error.set_response_status();
        error
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // The browser could not reach the server, or could not read its answer.
            ServerFnErrorErr::Request(_) => Self::Network,
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::UnsupportedRequestMethod(_) => Self::client_mistake(&value),
            // On the server, "deserialization" is of the request's body (not UTF-8, not the
            // encoding the function reads): the client's mistake. In the browser it is of the
            // server's answer, which is not the member's doing either way.
            #[cfg(feature = "server")]
            ServerFnErrorErr::Deserialization(_) => Self::client_mistake(&value),
            other => {
                // Registration, (de)serialisation of responses, middleware and the like: never
                // the user's doing. On the server this logs; in the browser it is a no-op sink.
                tracing::error!(error = %other, "server function failed");
                Self::Internal
            }
        }
    }
}

#[cfg(feature = "server")]
pub(crate) mod server {
    use super::AppError;

    impl From<sqlx::Error> for AppError {
        #[track_caller]
        fn from(error: sqlx::Error) -> Self {
            match &error {
                sqlx::Error::RowNotFound => Self::NotFound,
                // Not a fault: other writers held the database for longer than a write waits.
                // Answered here, where the request's response is at hand, so every caller's
                // answer says 503 and when to try again.
                _ if is_busy(&error) => {
                    tracing::warn!(error = %error, "the database was busy; the write was refused");
                    let busy = Self::Busy;
                    busy.set_response_status();
                    busy
                }
                sqlx::Error::Database(db) if db.is_unique_violation() => {
                    // The constraint name (PostgreSQL names it; SQLite does not) picks the
                    // message; nothing is read out of the database's error text.
                    tracing::info!(constraint = ?db.constraint(), "unique constraint refused a write");
                    Self::Conflict(conflict_message(db.constraint()).to_owned())
                }
                _ => AppError::internal(error),
            }
        }
    }

    /// Whether a database error means "another writer has the lock; try again", not a fault:
    /// SQLite's `SQLITE_BUSY` and `SQLITE_LOCKED` with their extended codes, PostgreSQL's
    /// serialization failure, deadlock and lock-not-available, and a wait for a connection that
    /// ran out.
    pub fn is_busy(error: &sqlx::Error) -> bool {
        match error {
            sqlx::Error::PoolTimedOut => true,
            sqlx::Error::Database(db) => {
                let Some(code) = db.code() else {
                    return false;
                };
                // PostgreSQL's SQLSTATEs have five characters; SQLite's codes are small numbers
                // whose low byte is the primary code.
                matches!(code.as_ref(), "40001" | "40P01" | "55P03")
                    || (code.len() < 5
                        && code
                            .parse::<i64>()
                            .is_ok_and(|number| matches!(number & 0xff, 5 | 6)))
            }
            _ => false,
        }
    }

    /// The message a user sees when a unique constraint refuses a write, chosen by the
    /// constraint's name. SQLite does not report names; its violations get the general message.
    pub fn conflict_message(constraint: Option<&str>) -> &'static str {
        match constraint {
            Some("workspaces_one_vendor") => "The operators' workspace already exists.",
            _ => "This already exists.",
        }
    }

    impl axum::response::IntoResponse for AppError {
        fn into_response(self) -> axum::response::Response {
            let status = axum::http::StatusCode::from_u16(self.status_code())
                .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
            let mut response = (status, self.to_string()).into_response();
            if let Some(seconds) = self.retry_after() {
                response.headers_mut().insert(
                    axum::http::header::RETRY_AFTER,
                    axum::http::HeaderValue::from(seconds),
                );
            }
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_never_carry_their_cause_to_the_user() {
        let error =
            AppError::internal("relation \"secret_table\" does not exist at /srv/app.rs:12");
        let shown = error.to_string();
        assert_eq!(error, AppError::Internal);
        assert!(!shown.contains("secret_table"));
        assert!(!shown.contains("/srv"));
    }

    #[test]
    fn validation_errors_name_their_field_and_say_how_to_fix_it() {
        let error = AppError::validation("email", "Enter an e-mail address like name@example.com.");
        assert_eq!(error.field(), Some("email"));
        assert_eq!(
            error.to_string(),
            "Enter an e-mail address like name@example.com."
        );
        assert_eq!(error.status_code(), 422);
    }

    #[test]
    fn server_fn_transport_errors_map_to_user_facing_variants() {
        assert_eq!(
            AppError::from_server_fn_error(ServerFnErrorErr::Request("connection refused".into())),
            AppError::Network
        );
        assert_eq!(
            AppError::from_server_fn_error(ServerFnErrorErr::Args("missing field `name`".into())),
            AppError::BadRequest
        );
        assert_eq!(
            AppError::from_server_fn_error(ServerFnErrorErr::ServerError("disk I/O error".into())),
            AppError::Internal
        );
    }

    #[cfg(feature = "server")]
    #[test]
    fn a_busy_database_is_a_503_that_says_when_to_try_again_and_that_nothing_was_saved() {
        let busy = AppError::from(sqlx::Error::PoolTimedOut);
        assert_eq!(busy, AppError::Busy);
        assert_eq!(busy.status_code(), 503);
        assert_eq!(busy.retry_after(), Some(RETRY_AFTER_BUSY_SECS));
        assert!(busy.to_string().contains("yours was not"));
        assert_eq!(AppError::Internal.retry_after(), None);
    }

    #[cfg(feature = "server")]
    #[test]
    fn an_unreadable_request_body_is_the_clients_mistake() {
        assert_eq!(
            AppError::from_server_fn_error(ServerFnErrorErr::Deserialization(
                "invalid utf-8 sequence".into()
            )),
            AppError::BadRequest
        );
    }

    #[cfg(feature = "server")]
    #[test]
    fn a_wait_for_a_connection_that_runs_out_is_busy_and_a_missing_row_is_not() {
        assert!(super::server::is_busy(&sqlx::Error::PoolTimedOut));
        assert!(!super::server::is_busy(&sqlx::Error::RowNotFound));
        assert!(!super::server::is_busy(&sqlx::Error::PoolClosed));
    }

    #[cfg(feature = "server")]
    #[test]
    fn unique_violations_get_a_message_chosen_by_constraint_name() {
        assert_eq!(
            super::server::conflict_message(Some("workspaces_one_vendor")),
            "The operators' workspace already exists."
        );
        assert_eq!(
            super::server::conflict_message(None),
            "This already exists."
        );
    }

    #[test]
    fn errors_round_trip_through_the_wire_encoding() {
        let error = AppError::validation("name", "Enter your name.");
        let json = serde_json_roundtrip(&error);
        assert_eq!(json, error);
    }

    fn serde_json_roundtrip(error: &AppError) -> AppError {
        let encoded = <AppError as FromServerFnError>::ser(error);
        <AppError as FromServerFnError>::de(encoded)
    }
}
