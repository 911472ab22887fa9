//! Accounts: sign-up with the legal-age and privacy-policy records, e-mail verification, sessions
//! in the database, log in and out, password reset, and the first operator.
//!
//! The forms are plain HTML forms posted to the server ([`posts`]), so they
//! work without JavaScript; the pages load their state through the server functions in [`api`].

pub mod api;
mod pages;
#[cfg(feature = "ssr")]
pub mod posts;
mod profile_page;

pub use pages::{
    CheckInboxPage, EmailVerifiedPage, ForgotPasswordPage, ForgotSentPage, LoginPage, LogoutPage,
    ResetPasswordPage, SessionsPage, SignupPage, VerifyEmailPage,
};
pub use profile_page::ProfilePage;
