//! The public marketing site.

mod home;
#[cfg(feature = "ssr")]
pub mod seo;

pub use home::HomePage;
