//! Request a Demo: the public form whose requests arrive as leads in the vendor's workspace,
//! with an e-mail to the sales inbox.
//!
//! The form works without JavaScript (a plain POST to `/demo`, answered by the server with the
//! errors or a redirect to `/demo/thanks`) and with it (checked as you type, sent without a
//! reload). Spam is kept out by a honeypot field, a minimum fill time and a per-address limit.

pub mod api;
pub mod model;
mod pages;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod stamp;

pub use api::{DemoFormState, FormNotice};
pub use pages::{DemoPage, DemoThanksPage};

use model::{DemoFields, FieldError};

/// The outcome of a plain form POST, provided as context while the server renders the answer.
#[derive(Clone, Debug, Default)]
pub struct PostedDemoForm {
    pub fields: DemoFields,
    pub errors: Vec<FieldError>,
    pub notice: Option<FormNotice>,
}
