use leptos::prelude::*;
use leptos_router::components::A;

use crm_core::product::PRODUCT_NAME;

use super::use_viewer;

/// The site header. On narrow screens the navigation folds behind a "Menu" button, which the
/// page script (`public/site.js`) works on every page; without JavaScript `nojs.css` shows the
/// links instead.
#[component]
pub fn SiteHeader() -> impl IntoView {
    let viewer = use_viewer();

    view! {
        <header class="site-header">
            <div class="site-header__inner">
                <a class="site-header__brand" href="/">
                    <Logo/>
                    <span>{PRODUCT_NAME}</span>
                </a>
                <button type="button" class="site-nav__toggle" aria-controls="site-nav" aria-expanded="false">
                    <span class="site-nav__toggle-bars" aria-hidden="true"></span>
                    <span class="site-nav__toggle-label">"Menu"</span>
                </button>
                <nav id="site-nav" class="site-nav" aria-label="Main">
                    <ul class="site-nav__list">
                        <li><A href="/#features">"Product"</A></li>
                        <li><A href="/privacy">"Privacy"</A></li>
                        {move || if viewer.get().is_some() {
                            view! {
                                <li><A href="/app">"Your workspace"</A></li>
                                <li><A href="/app/people">"People"</A></li>
                                <li><A href="/app/companies">"Companies"</A></li>
                                <li><A href="/app/leads">"Leads"</A></li>
                                <li><A href="/app/opportunities">"Opportunities"</A></li>
                                <li><A href="/app/tasks">"Tasks"</A></li>
                                <li>
                                    // A form, so logging out is never a link a page could follow.
                                    <form class="site-nav__logout" method="post" action="/logout">
                                        <button type="submit" class="site-nav__link-button">"Log out"</button>
                                    </form>
                                </li>
                            }
                            .into_any()
                        } else {
                            view! {
                                <li><A href="/login">"Log in"</A></li>
                                <li><A href="/demo" attr:class="button button--small">"Request a demo"</A></li>
                            }
                            .into_any()
                        }}
                    </ul>
                </nav>
            </div>
        </header>
    }
}

/// The product's mark; decorative, the name beside it is the accessible text.
#[component]
fn Logo() -> impl IntoView {
    view! {
        <svg class="site-header__logo" viewBox="0 0 32 32" width="32" height="32" aria-hidden="true" focusable="false">
            <rect width="32" height="32" rx="8" fill="currentColor"></rect>
            <path d="M21.5 11.5a7 7 0 1 0 0 9" fill="none" stroke="#fff" stroke-width="3" stroke-linecap="round"></path>
        </svg>
    }
}
