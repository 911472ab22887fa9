//! How each page reaches the browser.
//!
//! **The public site's pages are documents.** The server sends them as HTML without the WASM,
//! and `public/site.js` (a few kilobytes) runs what they need of JavaScript: the cookie banner
//! and dialog, the phone menu, the demo form. A minimal Leptos app with a router already ships
//! about 116 KB of compressed WASM, so a public page that hydrated could never meet its 150 KB
//! budget (DESIGN.md); as documents they load a small fraction of that. In the browser the route
//! table maps them to [`LoadAsDocument`]: a client-side navigation to one (from a logged-in page)
//! loads it from the server, so their code is not in the WASM at all.
//!
//! **The account and logged-in pages hydrate, lazily.** The browser bundle is split at the routes
//! declared here (cargo-leptos `--split`): the first WASM chunk holds the frame every page
//! shares; each page arrives in chunks of its own when it is shown or hydrated. On the server the
//! routes render exactly as plain components do.

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

use crate::accounts::{
    CheckInboxPage, EmailVerifiedPage, ForgotPasswordPage, ForgotSentPage, LoginPage, LogoutPage,
    ProfilePage, ResetPasswordPage, SessionsPage, SignupPage, VerifyEmailPage,
};
use crate::companies::{CompaniesListPage, CompanyPage, NewCompanyPage};
use crate::dashboard::AppHomePage;
use crate::duplicates::{DuplicatesPage, MergeCompaniesPage, MergePeoplePage};
use crate::leads::{LeadPage, LeadsListPage, NewLeadPage};
use crate::operator::ConsentChartPage;
use crate::opportunities::{
    NewOpportunityPage, OpportunitiesBoardPage, OpportunitiesListPage, OpportunityPage, StagesPage,
};
use crate::people::{NewPersonPage, PeopleListPage, PersonPage};
use crate::tasks::{TaskPage, TasksPage};
use crate::workspaces::{InvitationPage, WorkspaceSettingsPage};

/// Declares `$route`, a lazily loaded route that shows the component `$page`. The pages load
/// their own data (resources inside the component), so the route carries none.
macro_rules! lazy_pages {
    ($($route:ident => $page:ident),+ $(,)?) => {$(
        #[doc = concat!("The route of [`", stringify!($page), "`], split into its own chunk.")]
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(_route: Self) -> AnyView {
                view! { <$page/> }.into_any()
            }
        }
    )+};
}

lazy_pages! {
    SignupRoute => SignupPage,
    CheckInboxRoute => CheckInboxPage,
    VerifyEmailRoute => VerifyEmailPage,
    EmailVerifiedRoute => EmailVerifiedPage,
    LoginRoute => LoginPage,
    LogoutRoute => LogoutPage,
    ForgotPasswordRoute => ForgotPasswordPage,
    ForgotSentRoute => ForgotSentPage,
    ResetPasswordRoute => ResetPasswordPage,
    AppHomeRoute => AppHomePage,
    ProfileRoute => ProfilePage,
    SessionsRoute => SessionsPage,
    WorkspaceSettingsRoute => WorkspaceSettingsPage,
    InvitationRoute => InvitationPage,
    ConsentChartRoute => ConsentChartPage,
    PeopleListRoute => PeopleListPage,
    NewPersonRoute => NewPersonPage,
    PersonRoute => PersonPage,
    DuplicatesRoute => DuplicatesPage,
    MergePeopleRoute => MergePeoplePage,
    MergeCompaniesRoute => MergeCompaniesPage,
    TasksRoute => TasksPage,
    TaskRoute => TaskPage,
    CompaniesListRoute => CompaniesListPage,
    NewCompanyRoute => NewCompanyPage,
    CompanyRoute => CompanyPage,
    LeadsListRoute => LeadsListPage,
    NewLeadRoute => NewLeadPage,
    LeadRoute => LeadPage,
    OpportunitiesListRoute => OpportunitiesListPage,
    OpportunitiesBoardRoute => OpportunitiesBoardPage,
    NewOpportunityRoute => NewOpportunityPage,
    StagesRoute => StagesPage,
    OpportunityRoute => OpportunityPage,
}

/// A public page in the browser's route table. The browser only ever renders it after a
/// client-side navigation (the server never sends these pages with the WASM), so it loads the
/// page from the server instead, as a document with the page script. Links never lead here (the
/// page script hands links to these pages to the browser); only a navigation made by code would.
#[component]
pub fn LoadAsDocument() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        let hydrating =
            Owner::current_shared_context().is_some_and(|context| context.during_hydration());
        let location = leptos_router::hooks::use_location();
        let search = location.search.get_untracked();
        let target = format!(
            "{}{}{}{}",
            location.pathname.get_untracked(),
            if search.is_empty() { "" } else { "?" },
            search.trim_start_matches('?'),
            location.hash.get_untracked()
        );
        if hydrating {
            // Only if the server hydrated a page that [`crm_core::site::is_document_page`] names: loading it
            // again would hydrate it again, for ever. Say so instead.
            leptos::logging::error!("{target} is a document page but was sent with the WASM");
        } else {
            // The router puts the new address in the history once this view is in place, later
            // in this same turn; loading the page after that keeps the history as it should be
            // (Back returns to the page the link was on).
            set_timeout(
                move || {
                    let address = window().location();
                    let here = format!(
                        "{}{}{}",
                        address.pathname().unwrap_or_default(),
                        address.search().unwrap_or_default(),
                        address.hash().unwrap_or_default()
                    );
                    let _ = if here == target {
                        address.reload()
                    } else {
                        address.assign(&target)
                    };
                },
                std::time::Duration::ZERO,
            );
        }
    }
    view! { <p class="page__loading">"Loading…"</p> }
}
