//! Wiring only: start-up (pool, migrations, the vendor workspace), the axum router around the
//! Leptos app (its pages, server functions and the features' plain form POSTs), and the
//! middleware every response passes through. Features live in `app`.

// The pages' view types nest deeply; an optimised build of the server (the release and the
// benches) computes their layout past the default depth of 128, as the app's and the frontend's
// do.
#![recursion_limit = "256"]

mod health;
mod middleware;
mod static_files;

use std::sync::Arc;

use app::context::{SiteState, provide_render_context};
use app::{App, accounts, consent, demo, duplicates, people, records, shell, workspaces};
use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use crm_backend::config::Config;
use crm_backend::db::Db;
use crm_backend::state::AppState;
use leptos_axum::{LeptosRoutes, generate_route_list};

pub use middleware::apply_middleware;

/// Why the server could not start; each message names what to fix.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("DATABASE_URL: could not open the database ({0})")]
    Connect(#[source] sqlx::Error),
    #[error("database migrations failed ({0})")]
    Migrate(#[source] sqlx::migrate::MigrateError),
    #[error("could not prepare the operators' workspace ({0})")]
    VendorWorkspace(crm_core::error::AppError),
    #[error("could not seed the first privacy policy version ({0})")]
    PolicySeed(crm_core::error::AppError),
}

/// Opens the database, applies pending migrations and makes sure the operators' workspace exists.
pub async fn build_state(config: Config) -> Result<AppState, StartError> {
    let db = Db::connect(&config.database_url)
        .await
        .map_err(StartError::Connect)?;
    db.migrate().await.map_err(StartError::Migrate)?;
    let vendor = crm_backend::workspaces::db::ensure_vendor_workspace(&db)
        .await
        .map_err(StartError::VendorWorkspace)?;
    crm_backend::policy::db::ensure_seeded(&db)
        .await
        .map_err(StartError::PolicySeed)?;
    let passwords = crm_backend::accounts::password::HashGate::new(
        config.password_hashes_at_once,
        crm_backend::accounts::password::HASH_WAIT,
    );
    Ok(AppState {
        db,
        passwords,
        config: Arc::new(config),
        vendor_workspace: vendor.id,
        outbox: crm_backend::mail::OutboxSignal::default(),
        bulk_jobs: crm_backend::wake::Wake::default(),
        faults: crm_backend::faults::Faults::default(),
    })
}

/// The whole application as one router: pages, server functions, static files, health checks,
/// with every middleware applied. Tests drive it in-process, without a socket.
pub fn build_router(site: SiteState) -> Router {
    let leptos_options = site.leptos.clone();
    let state = site.app.clone();
    let routes = route_list();
    let context = {
        let state = state.clone();
        move || provide_render_context(&state)
    };

    let router = Router::new()
        .route("/healthz", get(health::live))
        .route("/readyz", get(health::ready))
        .route("/robots.txt", get(robots_txt))
        .route("/sitemap.xml", get(sitemap_xml))
        .nest_service("/pkg", static_files::pkg_service(&leptos_options))
        .route_service("/site.js", static_files::site_script(&leptos_options))
        .leptos_routes_with_context(&site, routes, context.clone(), {
            let leptos_options = leptos_options.clone();
            move || shell(leptos_options.clone())
        })
        .route("/demo", post(demo::posts::post_demo))
        .route("/demo/check", post(demo::posts::post_check))
        .route("/consent", post(consent::posts::post_consent))
        .route("/signup", post(accounts::posts::post_signup))
        .route("/login", post(accounts::posts::post_login))
        .route("/logout", post(accounts::posts::post_logout))
        .route("/forgot-password", post(accounts::posts::post_forgot))
        .route("/reset-password/{token}", post(accounts::posts::post_reset))
        .route("/verify-email/{token}", post(accounts::posts::post_verify))
        .route(
            "/app/verification",
            post(accounts::posts::post_resend_verification),
        )
        .route(
            "/app/settings/workspace/invite",
            post(workspaces::posts::post_invite),
        )
        .route(
            "/app/settings/workspace/revoke",
            post(workspaces::posts::post_revoke),
        )
        .route(
            "/app/settings/workspace/remove",
            post(workspaces::posts::post_remove),
        )
        .route(
            "/app/settings/workspace/role",
            post(workspaces::posts::post_role),
        )
        .route(
            "/app/settings/workspace/transfer",
            post(workspaces::posts::post_transfer),
        )
        .route(
            "/app/settings/workspace/country",
            post(workspaces::posts::post_country),
        )
        .route(
            "/app/workspace/switch",
            post(workspaces::posts::post_switch),
        )
        .route("/app/people/new", post(records::posts::post_new_person))
        .route(
            "/app/people/export.csv",
            get(people::export::get_people_csv),
        )
        .route(
            "/app/people/export.vcf",
            get(people::export::get_people_vcard),
        )
        .route(
            "/app/people/merge",
            post(duplicates::posts::post_merge_people),
        )
        .route(
            "/app/companies/merge",
            post(duplicates::posts::post_merge_companies),
        )
        .route("/app/merges/undo", post(duplicates::posts::post_undo_merge))
        .route(
            "/app/duplicates/different",
            post(duplicates::posts::post_mark_different),
        )
        .route("/app/companies/new", post(records::posts::post_new_company))
        .route("/app/leads/new", post(records::posts::post_new_lead))
        .route(
            "/app/opportunities/new",
            post(records::posts::post_new_opportunity),
        )
        .route(
            "/app/settings/sessions/end",
            post(accounts::posts::post_end_session),
        )
        .route("/app/settings/profile", post(accounts::posts::post_profile))
        .route(
            "/app/settings/profile/email",
            post(accounts::posts::post_email_change),
        )
        .route(
            "/app/settings/profile/password",
            post(accounts::posts::post_password_change),
        )
        .route(
            "/invitations/{token}",
            post(workspaces::posts::post_invitation),
        )
        .route(
            "/api/analytics/page-view",
            post(crm_backend::analytics::page_view),
        )
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            SiteState,
            _,
        >(context, shell))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crm_backend::consent::http::enforce,
        ))
        // Outside the consent middleware, so that it knows who is logged in.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crm_backend::accounts::http::load_session,
        ))
        .with_state(site.clone());

    apply_middleware(router, &site.config, &site.leptos)
}

/// The app's routes, worked out once per process. Working them out renders the app with
/// resource loading suspended by a process-wide flag, and a resource first polled by another
/// render in that moment never resolves (leptos issue #4773): doing it once, before this process
/// serves anything, keeps every later render clear of that window. Tests build many routers in one
/// process; a server builds one.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The path of every page route the router serves (`/app/people/{id}` with its parameters
/// named), in the route table's order: tests read every page from it, so a page added later is
/// covered without naming it.
pub fn page_routes() -> Vec<String> {
    route_list()
        .iter()
        .map(|route| route.path().to_owned())
        .collect()
}

/// `/robots.txt`, pointing to the sitemap at the site's public address.
async fn robots_txt(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        crm_backend::seo::robots_txt(state.config.site_url.as_str()),
    )
}

/// `/sitemap.xml`: the public pages, with absolute addresses.
async fn sitemap_xml(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        crm_backend::seo::sitemap_xml(state.config.site_url.as_str()),
    )
}

/// Handles queued password-reset requests and delivers queued e-mail: at once when a request
/// queued some, and every 30 seconds for retries and for work queued by other instances. Runs
/// until the process ends.
pub fn spawn_mail_worker(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            // Errors are logged where they happened; the mail already queued still goes.
            let _ = crm_backend::accounts::service::handle_reset_requests(&state).await;
            match crm_backend::mail::deliver_due(&state.db, &state.config, state.db.now_millis())
                .await
            {
                // More may be waiting: go round again at once.
                Ok(sent) if sent > 0 => continue,
                Ok(_) => {}
                Err(_) => {} // already logged where it happened
            }
            state.outbox.wait(std::time::Duration::from_secs(30)).await;
        }
    })
}

/// Applies members' bulk actions over whole lists in the background: at once when one was
/// started here, and every 5 seconds for jobs started on other instances or left by a server
/// that stopped (once their lease has run out). Runs until the process ends.
pub fn spawn_bulk_worker(state: AppState) -> tokio::task::JoinHandle<()> {
    // This process's name in a job's claim: a restarted server is a new runner, and resumes a
    // job of the old one once its lease has run out.
    let runner = crm_backend::bulk::new_runner();
    tokio::spawn(async move {
        loop {
            if let Err(error) = crm_backend::bulk::work(&state.db, &runner).await {
                tracing::error!(%error, "the bulk-job worker could not read its work");
            }
            state
                .bulk_jobs
                .wait(std::time::Duration::from_secs(5))
                .await;
        }
    })
}
