//! Consent: the registry of what the product stores in browsers, the cookie policy, the banner
//! and dialog that ask, the ledger that records every decision, and the server-side enforcement.

pub mod api;
mod cookie_policy;
#[cfg(feature = "ssr")]
pub mod posts;
mod ui;

pub use cookie_policy::CookiePolicyPage;
pub use ui::{ConsentBanner, ConsentDialog, CookieSettingsPage, provide_consent, view_for_request};
