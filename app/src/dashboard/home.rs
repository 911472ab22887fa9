//! `/app`, the workspace's home page: who is logged in and in which workspace, the reminder to
//! confirm the e-mail address, the dashboard, and the ways into the CRM and its settings.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

use crm_core::accounts::Viewer;
use crm_core::accounts::notices;
use crm_core::workspaces::Role;

use super::pages::Dashboard;
use crate::accounts::api::me;
use crate::layout::{loaded, loading};

/// `/app`: the workspace's home page.
#[component]
pub fn AppHomePage() -> impl IntoView {
    let data = Resource::new_blocking(|| (), |()| me());
    let query = use_query_map();
    let resent = move || query.with(|q| q.get("verification").unwrap_or_default());
    view! {
        <Title text="Your workspace"/>
        <Meta name="robots" content="noindex"/>
        <div class="page account app-home">
            <Suspense fallback=loading>
                {move || Suspend::new(async move {
                    let resent = resent();
                    loaded(data.await, move |viewer| view! { <AppHome viewer resent/> }.into_any())
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn AppHome(viewer: Viewer, resent: String) -> impl IntoView {
    let Viewer {
        name,
        email,
        email_verified,
        workspace_name,
        role,
        ..
    } = viewer;
    view! {
        <h1>{workspace_name}</h1>
        <p class="app-home__who">
            {format!("Logged in as {name} ({email}), {} of this workspace.", role.label().to_lowercase())}
        </p>
        {(!email_verified).then(|| view! {
            <section class="form-notice form-notice--warning" aria-labelledby="verify-title">
                <h2 id="verify-title">"Please confirm your e-mail address"</h2>
                <p>
                    "We sent a link to "{email.clone()}". Until you follow it, you cannot invite anyone to this workspace."
                </p>
                {match resent.as_str() {
                    "sent" => view! {
                        <p role="status">"We have sent a new link. It works for 48 hours."</p>
                    }
                    .into_any(),
                    "limited" => view! {
                        <p role="alert">{notices::RATE_LIMITED}</p>
                    }
                    .into_any(),
                    _ => view! {
                        <form method="post" action="/app/verification">
                            {(resent == "failed").then(|| view! {
                                <p role="alert">{notices::UNAVAILABLE}</p>
                            })}
                            <button type="submit" class="button button--small">"Send a new link"</button>
                        </form>
                    }
                    .into_any(),
                }}
            </section>
        })}
        <Dashboard/>
        <nav class="app-home__links" aria-labelledby="crm-title">
            <h2 id="crm-title">"Your CRM"</h2>
            <ul>
                <li><a href="/app/people">"People"</a></li>
                <li><a href="/app/people/new">"Add a person"</a></li>
                <li><a href="/app/companies">"Companies"</a></li>
                <li><a href="/app/tasks">"Tasks"</a></li>
            </ul>
        </nav>
        <nav class="app-home__links" aria-labelledby="settings-title">
            <h2 id="settings-title">"Settings"</h2>
            <ul>
                <li><a href="/app/settings/profile">"Your profile"</a></li>
                <li><a href="/app/settings/sessions">"Where you are logged in"</a></li>
                <li><a href="/app/settings/workspace">"Members and invitations"</a></li>
            </ul>
        </nav>
        {(role == Role::Operator).then(|| view! {
            <nav class="app-home__links" aria-label="Operator screens">
                <h2>"Operator screens"</h2>
                <ul>
                    <li><a href="/app/operator/consent">"Cookie decisions per day"</a></li>
                </ul>
            </nav>
        })}
    }
}
