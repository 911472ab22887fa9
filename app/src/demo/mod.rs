//! Request a Demo: the public form whose requests arrive as leads in the vendor's workspace,
//! with an e-mail to the sales inbox.
//!
//! The form is a plain POST to `/demo`, answered by the server with the errors or a redirect to
//! `/demo/thanks`. With JavaScript, `public/site.js` checks it as you type (`/demo/check`, which
//! answers with the same page and stores nothing) and sends the same POST without a reload. Spam
//! is kept out by a honeypot field, a minimum fill time and a per-address limit.

pub mod api;
mod pages;
#[cfg(feature = "ssr")]
pub mod posts;

pub use api::{DemoFormState, FormNotice};
pub use pages::{DemoPage, DemoThanksPage};

use crm_core::demo::{DemoFields, FieldError};

/// The outcome of a form POST (or of a check), provided as context while the server renders the
/// answer.
#[derive(Clone, Debug, Default)]
pub struct PostedDemoForm {
    pub fields: DemoFields,
    pub errors: Vec<FieldError>,
    pub notice: Option<FormNotice>,
}
