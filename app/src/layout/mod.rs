//! The frame every page shares: skip link, header with navigation, footer, and the 404 page.

mod footer;
mod header;
mod links;
mod meta;
mod not_found;
mod viewer;

pub use footer::SiteFooter;
pub use header::SiteHeader;
pub use links::{CookieSettingsLink, current_path};
pub use meta::{PageMeta, absolute_url, site_origin};
pub use not_found::NotFoundPage;
pub use viewer::{
    browser_languages, browser_time_zone, clock_setter, provide_viewer, use_clock, use_viewer,
};

use leptos::prelude::*;

use crm_core::error::AppError;

/// What a page shows while its data loads in the browser (on the server the data is loaded
/// before the page is sent, so this is seen only after client-side navigation).
pub fn loading() -> impl IntoView {
    view! { <p class="page__loading">"Loading…"</p> }
}

/// A page's loaded data through `view`, or the load's error as an alert in its place. The
/// error's status was set by the page's resource when it failed (see
/// [`AppError::set_response_status`]).
pub fn loaded<T: 'static>(result: Result<T, AppError>, view: impl FnOnce(T) -> AnyView) -> AnyView {
    match result {
        Ok(value) => view(value),
        Err(error) => error_alert(&error).into_any(),
    }
}

/// An error as the reader sees it: its message (never internal detail), announced at once.
pub fn error_alert(error: &AppError) -> impl IntoView + use<> {
    view! { <p class="form-notice form-notice--error" role="alert">{error.to_string()}</p> }
}

/// The first stop for keyboard and screen-reader users: jumps past the navigation. The page script
/// moves focus with it (as with every in-page link), so pressing it again after tabbing
/// elsewhere works too.
#[component]
pub fn SkipLink() -> impl IntoView {
    view! { <a class="skip-link" href="#main">"Skip to content"</a> }
}

/// Tells the page's scripts of each client-side navigation with a `candor:navigate` event: the
/// analytics script, when the visitor allowed it, counts the page it leads to.
#[component]
pub fn AnnounceNavigation() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    Effect::new(move |previous: Option<String>| {
        let path = location.pathname.get();
        // The first run is the page as loaded, which the script counted itself.
        if previous.is_some_and(|previous| previous != path)
            && let Ok(event) = web_sys::Event::new("candor:navigate")
        {
            let _ = window().dispatch_event(&event);
        }
        path
    });
}

/// False on the server and until the browser's code has taken over the component that calls it,
/// then true. Controls that work only through that code are disabled until then, so nothing is
/// pressed in vain while the page's code loads (and a form without an action is never sent
/// as a plain GET by an early Enter).
pub fn use_hydrated() -> ReadSignal<bool> {
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| set_hydrated.set(true));
    hydrated
}

/// Moves focus to the element with this id, making it focusable by script if it is not already
/// (a heading, a notice). A control (input, button, link) is focusable as it is and keeps its
/// place in the Tab order: `tabindex="-1"` on it would take it out.
pub fn focus_by_id(id: &str) {
    use leptos::wasm_bindgen::JsCast;
    let Some(element) = document().get_element_by_id(id) else {
        return;
    };
    let Ok(element) = element.dyn_into::<web_sys::HtmlElement>() else {
        return;
    };
    // The `tabIndex` property is 0 for what the Tab key reaches, -1 for the rest.
    if element.tab_index() < 0 && !element.has_attribute("tabindex") {
        let _ = element.set_attribute("tabindex", "-1");
    }
    let _ = element.focus();
}

/// Text for the inside of a `<textarea>`. Leptos writes a textarea's children without escaping
/// (as for `<script>`), so text typed by a visitor and sent back could close the element
/// (`</textarea>`) and add markup to the page. The browser decodes these references inside a
/// textarea, so the visitor sees exactly what they typed. In the browser the text becomes a text
/// node and needs nothing.
pub fn textarea_text(text: &str) -> String {
    if cfg!(feature = "ssr") {
        text.replace('&', "&amp;").replace('<', "&lt;")
    } else {
        text.to_owned()
    }
}
