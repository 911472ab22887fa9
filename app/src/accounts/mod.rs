//! Accounts: sign-up with the legal-age and privacy-policy records, e-mail verification, sessions
//! in the database, log in and out, password reset, and the first operator.
//!
//! The forms are plain HTML forms posted to the server (`server/src/account_forms.rs`), so they
//! work without JavaScript; the pages load their state through the server functions in [`api`].

pub mod api;
pub mod form;
mod pages;
mod profile_page;
mod ui;

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod http;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod tokens;

pub use api::PostedAccountForm;
pub use pages::{
    AppHomePage, CheckInboxPage, EmailVerifiedPage, ForgotPasswordPage, ForgotSentPage, LoginPage,
    LogoutPage, ResetPasswordPage, SessionsPage, SignupPage, VerifyEmailPage,
};
pub use profile_page::ProfilePage;
pub use ui::{provide_viewer, use_viewer};
