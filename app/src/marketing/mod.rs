//! The public marketing site.

mod home;

pub use home::HomePage;
