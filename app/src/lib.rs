//! Candor CRM's pages: the route table, pages and components (rendered on the server and
//! hydrated in the browser) and the server functions they load and save with. One folder per
//! feature, above `crm-core` (the types both sides share) and, on the server only, `crm-backend`
//! (each feature's services and SQL, and what they stand on): a server function's body checks the
//! session and calls the feature's service there. Server-only code sits behind the `ssr` feature
//! so the WASM never compiles it. Shared pieces sit below the features: the page's frame
//! ([`layout`], with who is logged in) and the pieces every form is made of ([`form`]).

// The record pages' view types nest deeply; the optimised WASM build computes their layout past
// the default depth of 128 (as the frontend crate's does).
#![recursion_limit = "256"]

pub mod accounts;
pub mod companies;
pub mod consent;
pub mod dashboard;
pub mod demo;
pub mod duplicates;
pub mod form;
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
pub mod context;
#[cfg(feature = "ssr")]
pub mod form_answer;
#[cfg(feature = "ssr")]
pub mod member;

use leptos::prelude::*;
use leptos_meta::{Link, MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{Lazy, SsrMode, path};

use crm_core::product::PRODUCT_NAME;
use crm_core::site::{document_pages_for_script, is_document_page};

use crate::consent::{ConsentBanner, ConsentDialog, provide_consent};
use crate::layout::{
    AnnounceNavigation, NotFoundPage, SiteFooter, SiteHeader, SkipLink, provide_viewer,
};
use crate::routes::*;

/// Declares the view of a public page, which the server sends as a document (see [`routes`]): on
/// the server the page itself; in the browser, which never renders it, [`LoadAsDocument`].
macro_rules! document_page {
    ($page:path) => {{
        #[cfg(feature = "ssr")]
        let view = $page;
        #[cfg(not(feature = "ssr"))]
        let view = LoadAsDocument;
        view
    }};
}

/// The HTML document around the app, rendered on the server for every page. A public page is
/// sent as a document, with the page script and no WASM ([`crm_core::site::is_document_page`]); the
/// others load the WASM that hydrates them. The analytics script is in the page only when the
/// visitor allowed analytics (the page script adds and removes it as the choice changes).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let hydrated = !is_document_page(&request_path());
    let analytics = consent::view_for_request().allows(crm_core::storage::Category::Analytics);
    let nonce = leptos::nonce::use_nonce();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#1d4ed8"/>
                <AutoReload options=options.clone()/>
                {hydrated.then(|| view! { <HydrationScripts options/> })}
                <script src="/site.js" defer nonce=nonce.clone()></script>
                {analytics.then(|| view! {
                    <script id="candor-analytics" src="/analytics.js" defer nonce=nonce></script>
                })}
                // Without JavaScript the menu button cannot work, so the links are shown instead.
                <noscript><link rel="stylesheet" href="/nojs.css"/></noscript>
                <MetaTags/>
            </head>
            // On a page that hydrates, the page script is told which pages are documents.
            <body data-document-pages=hydrated.then(document_pages_for_script)>
                <App/>
            </body>
        </html>
    }
}

/// The path of the request being rendered (the shell is only ever rendered on the server).
fn request_path() -> String {
    #[cfg(feature = "ssr")]
    if let Some(parts) = use_context::<axum::http::request::Parts>() {
        return parts.uri.path().to_owned();
    }
    String::new()
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
    // Marks the document once the WASM has hydrated it: the end-to-end tests wait for this mark
    // on every page that loads the WASM, so a page that never hydrates fails them instead of
    // passing on server HTML alone.
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
            <AnnounceNavigation/>
            <SkipLink/>
            // In the page's flow, above the header: it never covers what has focus.
            <ConsentBanner/>
            <SiteHeader/>
            <main id="main" tabindex="-1">
                <Routes fallback=|| view! { <NotFoundPage/> }>
                    // The public site: documents (see `routes`). Pages whose data loads through
                    // resources are rendered whole before they are sent (Async): out-of-order
                    // streaming needs a script to put the loaded parts in place.
                    <Route path=path!("/") view=document_page!(marketing::HomePage)/>
                    <Route path=path!("/cookies") view=document_page!(consent::CookiePolicyPage)/>
                    <Route path=path!("/cookies/settings") view=document_page!(consent::CookieSettingsPage)/>
                    <Route path=path!("/demo") view=document_page!(demo::DemoPage) ssr=SsrMode::Async/>
                    <Route path=path!("/demo/thanks") view=document_page!(demo::DemoThanksPage)/>
                    <Route path=path!("/privacy") view=document_page!(policy::PrivacyPage) ssr=SsrMode::Async/>
                    <Route
                        path=path!("/privacy/versions")
                        view=document_page!(policy::PolicyVersionsPage)
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/privacy/versions/compare")
                        view=document_page!(policy::PolicyComparePage)
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/privacy/versions/:version")
                        view=document_page!(policy::PolicyVersionPage)
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
                    <Route path=path!("/app/people/merge") view={Lazy::<MergePeopleRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/app/people/:id") view={Lazy::<PersonRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/app/companies/merge") view={Lazy::<MergeCompaniesRoute>::new()} ssr=SsrMode::Async/>
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
                    <Route path=path!("/app/duplicates") view={Lazy::<DuplicatesRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/app/tasks") view={Lazy::<TasksRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/app/tasks/:id") view={Lazy::<TaskRoute>::new()} ssr=SsrMode::Async/>
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
        </Router>
    }
}
