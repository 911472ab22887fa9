//! `spawn_app`: the real router over a fresh database, driven in-process without a socket.

use std::collections::HashMap;

use app::context::SiteState;
use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response};
use crm_backend::config::Config;
use crm_backend::db::testing::TestDatabase;
use crm_backend::state::AppState;
use leptos::config::LeptosOptions;
use tower::ServiceExt;

pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    /// What the pages are rendered with (the site root is a folder of the test's own).
    pub leptos: LeptosOptions,
    pub database: TestDatabase,
    /// Kept so the temporary folder lives as long as the app.
    _data_dir: tempfile::TempDir,
}

impl TestApp {
    /// The app over a fresh SQLite database.
    pub async fn sqlite() -> Self {
        spawn_app_on(TestDatabase::sqlite().await, &[]).await
    }

    /// The app over a fresh PostgreSQL database, or `None` when no test database is configured.
    pub async fn postgres() -> Option<Self> {
        Some(spawn_app_on(TestDatabase::postgres().await?, &[]).await)
    }

    pub fn label(&self) -> &'static str {
        self.database.label()
    }

    pub async fn get(&self, path: &str) -> Response<Body> {
        self.request(Request::get(path).body(Body::empty()).expect("request"))
            .await
    }

    /// Sends a request through the router. A request that gets no answer within a minute fails
    /// the test, naming it, instead of hanging the suite.
    pub async fn request(&self, request: Request<Body>) -> Response<Body> {
        let what = format!("{} {}", request.method(), request.uri().path());
        tokio::time::timeout(
            std::time::Duration::from_secs(60),
            self.router.clone().oneshot(request),
        )
        .await
        .unwrap_or_else(|_| panic!("{what} got no answer within 60 s on {}", self.label()))
        .expect("the router never fails")
    }

    /// Closes the app's connections and deletes its database now; dropping the app deletes it
    /// too, even when the test failed.
    pub async fn cleanup(self) {
        self.state.db.close().await;
        self.database.cleanup().await;
    }
}

/// The app's router alone, for requests sent from tasks spawned to run at once (a [`TestApp`]
/// cannot move into them).
#[derive(Clone)]
pub struct RouterOnly {
    pub router: Router,
    pub label: &'static str,
}

impl RouterOnly {
    pub async fn get(&self, path: &str) -> Response<Body> {
        self.send(Request::get(path).body(Body::empty()).expect("request"))
            .await
    }

    /// A form POST from Chrome at `ip`, as [`browser::post_form`] sends it.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)], ip: &str) -> Response<Body> {
        let mut request = Request::post(path)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "text/html")
            .header("sec-fetch-site", "same-origin")
            .header("user-agent", browser::CHROME_ON_LINUX)
            .body(Body::from(browser::encode(fields)))
            .expect("request");
        let addr: std::net::SocketAddr = format!("{ip}:40000").parse().expect("address");
        request
            .extensions_mut()
            .insert(axum::extract::ConnectInfo(addr));
        self.send(request).await
    }

    async fn send(&self, request: Request<Body>) -> Response<Body> {
        let what = format!("{} {}", request.method(), request.uri().path());
        tokio::time::timeout(
            std::time::Duration::from_secs(60),
            self.router.clone().oneshot(request),
        )
        .await
        .unwrap_or_else(|_| panic!("{what} got no answer within 60 s on {}", self.label))
        .expect("the router never fails")
    }
}

/// Builds the configuration a test server uses: a temporary data folder and the given database.
pub fn test_config(
    database_url: &str,
    data_dir: &std::path::Path,
    extra: &[(&str, &str)],
) -> Config {
    let mut vars: HashMap<String, String> = HashMap::from([
        ("DATABASE_URL".into(), database_url.into()),
        ("DATA_DIR".into(), data_dir.display().to_string()),
        ("LOG_LEVEL".into(), "warn".into()),
    ]);
    for (key, value) in extra {
        vars.insert((*key).into(), (*value).into());
    }
    Config::from_lookup(|key| vars.get(key).cloned()).expect("valid test configuration")
}

/// The options a test server renders its pages with: a site root in the configuration's data
/// folder, holding a small stand-in for the browser bundle.
pub fn test_leptos_options(config: &Config) -> LeptosOptions {
    let site_root = config.data_dir.join("site");
    let pkg = site_root.join("pkg");
    std::fs::create_dir_all(&pkg).expect("site root");
    std::fs::write(pkg.join("crm.css"), "body { margin: 0; }\n".repeat(40)).expect("css");
    std::fs::write(pkg.join("crm.css.br"), b"pretend-brotli").expect("css.br");
    std::fs::write(site_root.join("site.js"), "(() => {})();\n").expect("site.js");
    std::fs::write(site_root.join("site.js.gz"), b"pretend-gzip").expect("site.js.gz");
    let mut options =
        app::context::leptos_options(config.listen_addr).expect("valid Leptos options");
    options.site_root = site_root.display().to_string().into();
    options
}

pub async fn spawn_app_on(database: TestDatabase, extra: &[(&str, &str)]) -> TestApp {
    // `TEST_LOG=debug` (or any filter) shows the server's log in a failing test's output.
    if let Ok(filter) = std::env::var("TEST_LOG") {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_test_writer()
            .try_init();
    }
    let data_dir = tempfile::tempdir().expect("temp dir");
    let config = test_config(database.url.as_str(), data_dir.path(), extra);
    let leptos = test_leptos_options(&config);
    let state = server::build_state(config).await.expect("the app starts");
    let router = server::build_router(SiteState::new(state.clone(), leptos.clone()));
    TestApp {
        router,
        state,
        leptos,
        database,
        _data_dir: data_dir,
    }
}

/// The id of the member with this e-mail address.
pub async fn member_id(app: &TestApp, email: &str) -> String {
    sqlx::query_scalar("SELECT id FROM members WHERE email = $1")
        .bind(email)
        .fetch_one(app.state.db.pool())
        .await
        .expect("member")
}

pub async fn body_text(response: Response<Body>) -> String {
    let bytes = axum::body::to_bytes(response.into_body(), 16 * 1024 * 1024)
        .await
        .expect("body");
    String::from_utf8(bytes.to_vec()).expect("utf-8 body")
}

/// What a browser without JavaScript sends and receives: form posts from this site, page loads,
/// cookies, and the links in the e-mails the app queued.
pub mod browser {
    use std::net::SocketAddr;

    use axum::body::Body;
    use axum::extract::ConnectInfo;
    use axum::http::{Request, Response, header};

    use super::TestApp;

    pub const CHROME_ON_LINUX: &str = "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36";
    pub const FIREFOX_ON_LINUX: &str =
        "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

    /// A form body, URL-encoded.
    pub fn encode(fields: &[(&str, &str)]) -> String {
        fields
            .iter()
            .map(|(k, v)| {
                let value: String = url::form_urlencoded::byte_serialize(v.as_bytes()).collect();
                format!("{k}={value}")
            })
            .collect::<Vec<_>>()
            .join("&")
    }

    /// Where the browser is and what it says it is.
    #[derive(Clone, Copy, Debug)]
    pub struct Client<'a> {
        pub ip: &'a str,
        pub user_agent: &'a str,
    }

    /// A form POST as a browser sends it from this site.
    pub async fn post_form(
        app: &TestApp,
        path: &str,
        fields: &[(&str, &str)],
        cookie: Option<&str>,
        client: Client<'_>,
    ) -> Response<Body> {
        let mut builder = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "text/html")
            .header("sec-fetch-site", "same-origin")
            .header(header::USER_AGENT, client.user_agent);
        if let Some(cookie) = cookie {
            builder = builder.header(header::COOKIE, cookie);
        }
        let mut request = builder.body(Body::from(encode(fields))).expect("request");
        let addr: SocketAddr = format!("{}:40000", client.ip).parse().expect("address");
        request.extensions_mut().insert(ConnectInfo(addr));
        app.request(request).await
    }

    /// Adds a record with its "Add" form (`{list}/new`), which must accept it; returns the new
    /// record's id, read from the redirect to its page.
    pub async fn add_record(
        app: &TestApp,
        cookie: &str,
        list: &str,
        fields: &[(&str, &str)],
        client: Client<'_>,
    ) -> String {
        let response = post_form(app, &format!("{list}/new"), fields, Some(cookie), client).await;
        let target = location(&response);
        assert_eq!(
            response.status(),
            axum::http::StatusCode::SEE_OTHER,
            "{} {list}: {target}",
            app.label()
        );
        target
            .strip_prefix(&format!("{list}/"))
            .and_then(|rest| rest.strip_suffix("?created=1"))
            .unwrap_or_else(|| panic!("not a page under {list}: {target}"))
            .to_owned()
    }

    /// A page load, with the cookie when there is one.
    pub async fn get_page(app: &TestApp, path: &str, cookie: Option<&str>) -> Response<Body> {
        let mut builder = Request::get(path).header(header::ACCEPT, "text/html");
        if let Some(cookie) = cookie {
            builder = builder.header(header::COOKIE, cookie);
        }
        app.request(builder.body(Body::empty()).expect("request"))
            .await
    }

    /// The `Location` of a redirect, or an empty string.
    pub fn location(response: &Response<Body>) -> String {
        response
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }

    /// The `Set-Cookie` line for the session cookie, if the response sets one.
    pub fn session_set_cookie(response: &Response<Body>) -> Option<String> {
        response
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("candor_session=") || v.starts_with("__Host-candor_session="))
            .map(str::to_owned)
    }

    /// The session cookie's `name=value` pair, to send back.
    pub fn session_cookie(response: &Response<Body>) -> String {
        let line = session_set_cookie(response).expect("a session cookie is set");
        line.split(';').next().expect("pair").to_owned()
    }

    /// The messages queued for an address, decoded enough to follow links (quoted-printable
    /// soft line breaks removed), once the worker has handled the queued password-reset requests
    /// as the server's does.
    pub async fn mail_to(app: &TestApp, to: &str) -> Vec<String> {
        crm_backend::accounts::service::handle_reset_requests(&app.state)
            .await
            .expect("the reset requests are handled");
        let messages: Vec<String> = sqlx::query_scalar(
            "SELECT message FROM outbox WHERE recipient = $1 ORDER BY created_at",
        )
        .bind(to)
        .fetch_all(app.state.db.pool())
        .await
        .expect("outbox");
        messages
            .into_iter()
            .map(|m| m.replace("=\r\n", "").replace("=3D", "="))
            .collect()
    }

    /// A password every test account uses.
    pub const PASSWORD: &str = "lantern orbit fiddle";

    /// Signs up with a new workspace, confirms the address and logs in; returns the session
    /// cookie.
    pub async fn sign_up_and_log_in(
        app: &TestApp,
        email: &str,
        workspace: &str,
        client: Client<'_>,
    ) -> String {
        let signup = post_form(
            app,
            "/signup",
            &[
                ("name", &format!("Owner of {workspace}")),
                ("email", email),
                ("password", PASSWORD),
                ("workspace_name", workspace),
                ("age", "on"),
                ("policy", "on"),
            ],
            None,
            client,
        )
        .await;
        assert_eq!(signup.status(), axum::http::StatusCode::SEE_OTHER);
        let verify = link_path(&mail_to(app, email).await[0], "/verify-email/");
        let verified = post_form(app, &verify, &[], None, client).await;
        assert_eq!(verified.status(), axum::http::StatusCode::SEE_OTHER);
        let login = post_form(
            app,
            "/login",
            &[("email", email), ("password", PASSWORD)],
            None,
            client,
        )
        .await;
        session_cookie(&login)
    }

    /// Posts an invitation's new-account form (name, a password, both boxes ticked) from
    /// `client`.
    pub async fn join(
        app: &TestApp,
        path: &str,
        name: &str,
        password: &str,
        client: Client<'_>,
    ) -> Response<Body> {
        post_form(
            app,
            path,
            &[
                ("action", "join"),
                ("name", name),
                ("password", password),
                ("age", "on"),
                ("policy", "on"),
            ],
            None,
            client,
        )
        .await
    }

    /// Sends an invitation from the `inviter`'s session; returns the path of its link.
    pub async fn invite(
        app: &TestApp,
        inviter: &str,
        email: &str,
        role: &str,
        client: Client<'_>,
    ) -> String {
        let invited = post_form(
            app,
            "/app/settings/workspace/invite",
            &[("email", email), ("role", role)],
            Some(inviter),
            client,
        )
        .await;
        assert_eq!(
            location(&invited),
            "/app/settings/workspace?done=invited",
            "{}",
            app.label()
        );
        link_path(
            mail_to(app, email).await.last().expect("invitation"),
            "/invitations/",
        )
    }

    /// Has `email` join the inviter's workspace as `role` under `name` through an invitation;
    /// returns their session cookie.
    pub async fn invite_and_join(
        app: &TestApp,
        inviter: &str,
        email: &str,
        role: &str,
        name: &str,
        client: Client<'_>,
    ) -> String {
        let path = invite(app, inviter, email, role, client).await;
        let joined = join(app, &path, name, PASSWORD, client).await;
        assert_eq!(location(&joined), "/app", "{}", app.label());
        session_cookie(&joined)
    }

    /// The path of the first link to `prefix` in a message.
    pub fn link_path(message: &str, prefix: &str) -> String {
        let start = message
            .find(prefix)
            .unwrap_or_else(|| panic!("no {prefix} link in {message}"));
        message[start..]
            .split(char::is_whitespace)
            .next()
            .expect("link")
            .to_owned()
    }
}

/// The name a server function reads for a kind of record ("Companies"), from the name of its list
/// and table ("companies").
pub fn kind_name(plural: &str) -> &'static str {
    match plural {
        "people" => "People",
        "companies" => "Companies",
        "leads" => "Leads",
        "opportunities" => "Opportunities",
        other => panic!("{other} is not a kind of record"),
    }
}
