//! `spawn_app`: the real router over a fresh database, driven in-process without a socket.

use std::collections::HashMap;

use app::config::Config;
use app::db::testing::{TestDatabase, each_backend};
use app::state::AppState;
use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response};
use tower::ServiceExt;

pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    pub database: TestDatabase,
    /// Kept so the temporary folder lives as long as the app.
    _data_dir: tempfile::TempDir,
}

impl TestApp {
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

    pub async fn cleanup(self) {
        self.state.db.close().await;
        self.database.cleanup().await;
    }
}

/// Builds the configuration a test server uses: a temporary data folder, the given database, and a
/// site root holding a small stand-in for the browser bundle.
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
    let mut config =
        Config::from_lookup(|key| vars.get(key).cloned()).expect("valid test configuration");
    let site_root = data_dir.join("site");
    let pkg = site_root.join("pkg");
    std::fs::create_dir_all(&pkg).expect("site root");
    std::fs::write(pkg.join("crm.css"), "body { margin: 0; }\n".repeat(40)).expect("css");
    std::fs::write(pkg.join("crm.css.br"), b"pretend-brotli").expect("css.br");
    std::fs::write(site_root.join("robots.txt"), "User-agent: *\nAllow: /\n").expect("robots");
    config.leptos.site_root = site_root.display().to_string().into();
    config
}

/// One running app per backend available (SQLite always, PostgreSQL with `TEST_DATABASE_URL`).
pub async fn spawn_apps() -> Vec<TestApp> {
    let mut apps = Vec::new();
    for database in each_backend().await {
        apps.push(spawn_app_on(database, &[]).await);
    }
    apps
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
    let state = server::build_state(config).await.expect("the app starts");
    let router = server::build_router(state.clone());
    TestApp {
        router,
        state,
        database,
        _data_dir: data_dir,
    }
}

pub async fn body_text(response: Response<Body>) -> String {
    let bytes = axum::body::to_bytes(response.into_body(), 16 * 1024 * 1024)
        .await
        .expect("body");
    String::from_utf8(bytes.to_vec()).expect("utf-8 body")
}
