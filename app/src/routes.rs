//! The account and logged-in pages as lazily loaded routes.
//!
//! The browser bundle is split at these routes (cargo-leptos `--split`): the first WASM chunk
//! holds the frame every page shares (router, header, footer, consent banner and dialog) and the
//! public site's pages; each page declared here arrives in chunks of its own when it is shown or
//! hydrated. So a visitor to the marketing site never downloads the CRM's screens, however many
//! of them there are. On the server the routes render exactly as plain components do.
//!
//! The public pages stay in the first chunk on purpose. Split too, they loaded fewer bytes but
//! in 35 to 91 small files each, and Lighthouse's performance was no better (docs/PERFORMANCE.md).

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

use crate::accounts::{
    AppHomePage, CheckInboxPage, EmailVerifiedPage, ForgotPasswordPage, ForgotSentPage, LoginPage,
    LogoutPage, ProfilePage, ResetPasswordPage, SessionsPage, SignupPage, VerifyEmailPage,
};
use crate::companies::{CompaniesListPage, CompanyPage, NewCompanyPage};
use crate::leads::{LeadPage, LeadsListPage, NewLeadPage};
use crate::operator::ConsentChartPage;
use crate::opportunities::{
    NewOpportunityPage, OpportunitiesBoardPage, OpportunitiesListPage, OpportunityPage, StagesPage,
};
use crate::people::{NewPersonPage, PeopleListPage, PersonPage};
use crate::tasks::TasksPage;
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
    TasksRoute => TasksPage,
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
