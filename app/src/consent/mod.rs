//! Consent: the registry of what the product stores in browsers, and the cookie policy.

mod cookie_policy;
pub mod registry;

pub use cookie_policy::CookiePolicyPage;
