//! What the frame and the consent interface share: the link that opens the cookie settings (in
//! the footer of every page and on `/cookies`), and the page's path to come back to.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crm_core::consent::settings_href;

/// The page's path and query, to come back to after a choice made without JavaScript.
pub fn current_path() -> Memo<String> {
    let location = use_location();
    Memo::new(move |_| {
        let search = location.search.get();
        let path = location.pathname.get();
        match search.trim_start_matches('?') {
            "" => path,
            query => format!("{path}?{query}"),
        }
    })
}

/// A control that opens the cookie settings: the dialog with JavaScript, the settings page
/// without it. In the footer of every page and on `/cookies`.
#[component]
pub fn CookieSettingsLink(
    #[prop(into)] label: String,
    #[prop(optional, into)] class: String,
) -> impl IntoView {
    let path = current_path();
    view! {
        <a
            href=move || settings_href(&path.get())
            class=class
            aria-haspopup="dialog"
            data-opens="cookie-settings"
        >
            {label}
        </a>
    }
}
