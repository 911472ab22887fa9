//! Candor CRM's shared code: the route table, pages and components (rendered on the server and
//! hydrated in the browser), server functions and domain types. One folder per feature;
//! server-only code sits behind the `ssr` feature so the WASM never compiles it.

pub mod accounts;
pub mod clock;
pub mod company;
pub mod consent;
pub mod demo;
pub mod email_address;
pub mod error;
pub mod layout;
pub mod leads;
pub mod marketing;
pub mod operator;
pub mod policy;
pub mod workspaces;

#[cfg(feature = "ssr")]
pub mod analytics;
#[cfg(feature = "ssr")]
pub mod client_ip;
#[cfg(feature = "ssr")]
pub mod config;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod mail;
#[cfg(feature = "ssr")]
pub mod rate_limit;
#[cfg(feature = "ssr")]
pub mod state;

use leptos::prelude::*;
use leptos_meta::{Link, MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

use crate::accounts::{
    AppHomePage, CheckInboxPage, EmailVerifiedPage, ForgotPasswordPage, ForgotSentPage, LoginPage,
    LogoutPage, ProfilePage, ResetPasswordPage, SessionsPage, SignupPage, VerifyEmailPage,
    provide_viewer,
};
use crate::company::PRODUCT_NAME;
use crate::consent::{
    AnalyticsScript, ConsentBanner, ConsentDialog, CookiePolicyPage, CookieSettingsPage,
    provide_consent,
};
use crate::demo::{DemoPage, DemoThanksPage};
use crate::layout::{InPageFocus, NotFoundPage, SiteFooter, SiteHeader, SkipLink};
use crate::marketing::HomePage;
use crate::operator::ConsentChartPage;
use crate::policy::{PolicyComparePage, PolicyVersionPage, PolicyVersionsPage, PrivacyPage};
use crate::workspaces::{InvitationPage, WorkspaceSettingsPage};

/// The HTML document around the app, rendered on the server for every page.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#1d4ed8"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                // Without JavaScript the menu button cannot work, so the links are shown instead.
                <noscript><link rel="stylesheet" href="/nojs.css"/></noscript>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The application: the frame every page shares and the route table.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // First, in the same place on the server and in the browser: the consent the server read
    // from the request is carried over to hydration with it.
    provide_consent();
    provide_viewer();
    // Marks the document once the WASM has hydrated it: the end-to-end tests wait for this mark,
    // so a page that never hydrates fails them instead of passing on server HTML alone.
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });

    view! {
        <Stylesheet id="leptos" href="/pkg/crm.css"/>
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml"/>
        <Title formatter=|page: String| format!("{page} · {PRODUCT_NAME}")/>
        <Router>
            <InPageFocus/>
            <SkipLink/>
            // In the page's flow, above the header: it never covers what has focus.
            <ConsentBanner/>
            <SiteHeader/>
            <main id="main" tabindex="-1">
                <Routes fallback=|| view! { <NotFoundPage/> }>
                    <Route path=path!("/") view=HomePage/>
                    <Route path=path!("/cookies") view=CookiePolicyPage/>
                    <Route path=path!("/cookies/settings") view=CookieSettingsPage/>
                    // Pages whose data loads through resources are rendered whole before they are
                    // sent (Async): out-of-order streaming needs JavaScript to put the loaded parts
                    // in place, and these pages must read the same without it. Their data is a
                    // local query, so the wait is short.
                    <Route path=path!("/demo") view=DemoPage ssr=SsrMode::Async/>
                    <Route path=path!("/demo/thanks") view=DemoThanksPage/>
                    <Route path=path!("/privacy") view=PrivacyPage ssr=SsrMode::Async/>
                    <Route path=path!("/privacy/versions") view=PolicyVersionsPage ssr=SsrMode::Async/>
                    <Route
                        path=path!("/privacy/versions/compare")
                        view=PolicyComparePage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/privacy/versions/:version")
                        view=PolicyVersionPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/signup") view=SignupPage ssr=SsrMode::Async/>
                    <Route path=path!("/signup/check-email") view=CheckInboxPage/>
                    <Route path=path!("/verify-email/:token") view=VerifyEmailPage ssr=SsrMode::Async/>
                    <Route path=path!("/email-verified") view=EmailVerifiedPage/>
                    <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async/>
                    <Route path=path!("/logout") view=LogoutPage/>
                    <Route path=path!("/forgot-password") view=ForgotPasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("/forgot-password/sent") view=ForgotSentPage/>
                    <Route
                        path=path!("/reset-password/:token")
                        view=ResetPasswordPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/app") view=AppHomePage ssr=SsrMode::Async/>
                    <Route
                        path=path!("/app/settings/profile")
                        view=ProfilePage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/app/settings/sessions")
                        view=SessionsPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/app/settings/workspace")
                        view=WorkspaceSettingsPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/invitations/:token") view=InvitationPage ssr=SsrMode::Async/>
                    <Route
                        path=path!("/app/operator/consent")
                        view=ConsentChartPage
                        ssr=SsrMode::Async
                    />
                </Routes>
            </main>
            <SiteFooter/>
            <ConsentDialog/>
            <AnalyticsScript/>
        </Router>
    }
}
