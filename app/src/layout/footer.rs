use leptos::prelude::*;
use leptos_router::components::A;

use crm_core::product::{CITY_LINE, LEGAL_NAME, PRIVACY_EMAIL, STREET};

use super::{CookieSettingsLink, use_viewer};

/// The footer of every page: the policies, the demo, and how to reach the company; log in for a
/// visitor, and for a logged-in member their workspace and log out.
#[component]
pub fn SiteFooter() -> impl IntoView {
    let viewer = use_viewer();
    let account = move || {
        viewer.with(|viewer| match viewer {
            Some(viewer) => view! {
                <li><A href="/app">{format!("Your workspace: {}", viewer.workspace_name)}</A></li>
                <li>
                    // A form, as in the header: logging out is never a link a page could follow.
                    <form class="site-footer__logout" method="post" action="/logout">
                        <button type="submit" class="site-footer__link-button">"Log out"</button>
                    </form>
                </li>
            }
            .into_any(),
            None => view! { <li><A href="/login">"Log in"</A></li> }.into_any(),
        })
    };
    view! {
        <footer class="site-footer">
            <div class="site-footer__inner">
                <nav class="site-footer__nav" aria-label="Footer">
                    <ul>
                        <li><A href="/privacy">"Privacy policy"</A></li>
                        <li><A href="/cookies">"Cookie policy"</A></li>
                        <li><CookieSettingsLink label="Cookie settings"/></li>
                        <li><A href="/demo">"Request a demo"</A></li>
                        {account}
                    </ul>
                </nav>
                <address class="site-footer__address">
                    <strong>{LEGAL_NAME}</strong><br/>
                    {STREET}<br/>
                    {CITY_LINE}<br/>
                    <a href=format!("mailto:{PRIVACY_EMAIL}")>{PRIVACY_EMAIL}</a>
                </address>
            </div>
        </footer>
    }
}
