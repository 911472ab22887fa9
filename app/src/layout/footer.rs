use leptos::prelude::*;
use leptos_router::components::A;

use crm_core::product::{CITY_LINE, LEGAL_NAME, PRIVACY_EMAIL, STREET};

use super::CookieSettingsLink;

/// The footer of every page: the policies, the demo, log in, and how to reach the company.
#[component]
pub fn SiteFooter() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <div class="site-footer__inner">
                <nav class="site-footer__nav" aria-label="Footer">
                    <ul>
                        <li><A href="/privacy">"Privacy policy"</A></li>
                        <li><A href="/cookies">"Cookie policy"</A></li>
                        <li><CookieSettingsLink label="Cookie settings"/></li>
                        <li><A href="/demo">"Request a demo"</A></li>
                        <li><A href="/login">"Log in"</A></li>
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
