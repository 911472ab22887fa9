//! The frame every page shares: skip link, header with navigation, footer, and the 404 page.

mod footer;
mod header;
mod not_found;

pub use footer::SiteFooter;
pub use header::SiteHeader;
pub use not_found::NotFoundPage;

use leptos::prelude::*;

/// The first stop for keyboard and screen-reader users: jumps past the navigation.
#[component]
pub fn SkipLink() -> impl IntoView {
    view! { <a class="skip-link" href="#main">"Skip to content"</a> }
}
