//! Candor CRM's shared code: the route table, pages and components (rendered on the server and
//! hydrated in the browser), server functions and domain types. One folder per feature;
//! server-only code sits behind the `ssr` feature so the WASM never compiles it.

pub mod accounts;
pub mod clock;
pub mod companies;
pub mod company;
pub mod consent;
pub mod dashboard;
pub mod demo;
pub mod email_address;
pub mod error;
pub mod layout;
pub mod leads;
pub mod marketing;
pub mod operator;
pub mod opportunities;
pub mod people;
pub mod policy;
pub mod records;
pub mod routes;
pub mod tasks;
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
use leptos_router::{Lazy, SsrMode, path};

use crate::accounts::provide_viewer;
use crate::company::PRODUCT_NAME;
use crate::consent::{
    AnalyticsScript, ConsentBanner, ConsentDialog, CookiePolicyPage, CookieSettingsPage,
    provide_consent,
};
use crate::demo::{DemoPage, DemoThanksPage};
use crate::layout::{InPageFocus, NotFoundPage, SiteFooter, SiteHeader, SkipLink};
use crate::marketing::HomePage;
use crate::policy::{PolicyComparePage, PolicyVersionPage, PolicyVersionsPage, PrivacyPage};
use crate::routes::*;

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

/// "Privacy policy" becomes "Privacy policy · Candor CRM"; the product's own name stays alone.
fn page_title(page: String) -> String {
    if page == PRODUCT_NAME {
        page
    } else {
        format!("{page}{TITLE_SEPARATOR}{PRODUCT_NAME}")
    }
}

const TITLE_SEPARATOR: &str = " · ";

/// The title to show until the page sets its own. A lazily loaded page's code arrives in chunks
/// of its own and hydrates after the frame (see [`routes`]), so in the browser this is the title the server
/// sent, which then stays in place instead of blinking empty. On the server, and for a page
/// without a title, it is the product's name.
fn title_before_hydration() -> String {
    #[cfg(feature = "hydrate")]
    if let Some(page) = document()
        .title()
        .strip_suffix(PRODUCT_NAME)
        .and_then(|title| title.strip_suffix(TITLE_SEPARATOR))
    {
        return page.to_owned();
    }
    PRODUCT_NAME.to_owned()
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
        <Title formatter=page_title text=title_before_hydration()/>
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
                    <Route path=path!("/signup") view={Lazy::<SignupRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/signup/check-email") view={Lazy::<CheckInboxRoute>::new()}/>
                    <Route path=path!("/verify-email/:token") view={Lazy::<VerifyEmailRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/email-verified") view={Lazy::<EmailVerifiedRoute>::new()}/>
                    <Route path=path!("/login") view={Lazy::<LoginRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/logout") view={Lazy::<LogoutRoute>::new()}/>
                    <Route path=path!("/forgot-password") view={Lazy::<ForgotPasswordRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/forgot-password/sent") view={Lazy::<ForgotSentRoute>::new()}/>
                    <Route
                        path=path!("/reset-password/:token")
                        view={Lazy::<ResetPasswordRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/app") view={Lazy::<AppHomeRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/app/people") view={Lazy::<PeopleListRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/app/people/new") view={Lazy::<NewPersonRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/app/people/:id") view={Lazy::<PersonRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/app/companies") view={Lazy::<CompaniesListRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/app/companies/new") view={Lazy::<NewCompanyRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/app/companies/:id") view={Lazy::<CompanyRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/app/leads") view={Lazy::<LeadsListRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/app/leads/new") view={Lazy::<NewLeadRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/app/leads/:id") view={Lazy::<LeadRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/app/opportunities") view={Lazy::<OpportunitiesListRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/app/opportunities/board") view={Lazy::<OpportunitiesBoardRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/app/opportunities/new") view={Lazy::<NewOpportunityRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/app/opportunities/stages") view={Lazy::<StagesRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/app/opportunities/:id") view={Lazy::<OpportunityRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/app/tasks") view={Lazy::<TasksRoute>::new()} ssr=SsrMode::Async/>
                    <Route
                        path=path!("/app/settings/profile")
                        view={Lazy::<ProfileRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/app/settings/sessions")
                        view={Lazy::<SessionsRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/app/settings/workspace")
                        view={Lazy::<WorkspaceSettingsRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/invitations/:token") view={Lazy::<InvitationRoute>::new()} ssr=SsrMode::Async/>
                    <Route
                        path=path!("/app/operator/consent")
                        view={Lazy::<ConsentChartRoute>::new()}
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
