use axum::http::{StatusCode, header};

use crate::support::{TestApp, body_text};
use crm_test_macros::backend_test;

#[backend_test]
async fn the_home_page_renders_the_shell_header_navigation_and_footer(app: TestApp) {
    let response = app.get("/").await;
    assert_eq!(response.status(), StatusCode::OK, "{}", app.label());
    let html = body_text(response).await;
    assert!(html.starts_with("<!DOCTYPE html>"), "{}", app.label());
    assert!(html.contains(r#"<html lang="en""#));
    assert!(html.contains("<title>The privacy-first CRM for small teams · Candor CRM</title>"));
    assert!(html.contains(r#"<meta name="description""#));
    assert!(html.contains(r##"href="#main""##), "skip link");
    assert!(html.contains(r#"<nav id="site-nav""#));
    assert!(
        html.contains(r#"aria-expanded="false""#),
        "menu toggle starts closed"
    );
    for link in ["/privacy", "/cookies", "/demo", "/login"] {
        assert!(
            html.contains(&format!(r#"href="{link}""#)),
            "footer links to {link}"
        );
    }
    assert!(html.contains("The CRM that keeps its promises"));
    assert!(html.contains("/pkg/crm.css"));
}

/// The nonce the response's content security policy names for scripts.
fn script_nonce(response: &axum::http::Response<axum::body::Body>) -> String {
    let csp = response.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .expect("ascii")
        .to_owned();
    csp.split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in script-src")
        .to_owned()
}

#[backend_test]
async fn hydration_scripts_carry_the_nonce_named_by_the_content_security_policy(app: TestApp) {
    let response = app.get("/login").await;
    let nonce = script_nonce(&response);
    let csp = response.headers()[header::CONTENT_SECURITY_POLICY].clone();
    let html = body_text(response).await;
    assert!(
        html.contains(&format!(r#"nonce="{nonce}""#)),
        "{}: the hydration script is nonced",
        app.label()
    );
    assert!(html.contains("/pkg/crm.js"), "the page loads the bundle");
    assert!(
        html.contains("/pkg/crm.wasm"),
        "the WASM name matches what cargo-leptos writes"
    );
    assert!(!html.contains("crm_bg.wasm"));
    assert!(html.contains(&format!(
        r#"<script src="/site.js" defer nonce="{nonce}"></script>"#
    )));
    // Another request, another nonce.
    let again = app.get("/login").await;
    assert_ne!(again.headers()[header::CONTENT_SECURITY_POLICY], csp);
}

#[backend_test]
async fn the_public_pages_are_sent_as_documents_with_the_page_script_and_without_the_wasm(
    app: TestApp,
) {
    for path in [
        "/",
        "/privacy",
        "/privacy/versions",
        "/privacy/versions/1",
        "/cookies",
        "/cookies/settings",
        "/demo",
        "/demo/thanks",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{}: {path}", app.label());
        let nonce = script_nonce(&response);
        let html = body_text(response).await;
        assert!(
            html.contains(&format!(
                r#"<script src="/site.js" defer nonce="{nonce}"></script>"#
            )),
            "{path}: the page script, nonced"
        );
        assert!(!html.contains("/pkg/crm.js"), "{path}: no hydration script");
        assert!(!html.contains("/pkg/crm.wasm"), "{path}: no WASM");
        assert!(!html.contains("type=\"module\""), "{path}");
    }
    // Every other page hydrates, the 404 page of an unknown address too.
    for path in ["/signup", "/login", "/forgot-password", "/no/such/page"] {
        let html = body_text(app.get(path).await).await;
        assert!(
            html.contains("/pkg/crm.js"),
            "{}: {path} hydrates",
            app.label()
        );
        assert!(
            html.contains(r#"<script src="/site.js""#),
            "{path}: the page script too"
        );
    }
}

#[backend_test]
async fn the_page_script_is_served_precompressed_and_revalidated(app: TestApp) {
    let request = axum::http::Request::get("/site.js")
        .header(header::ACCEPT_ENCODING, "gzip")
        .body(axum::body::Body::empty())
        .expect("request");
    let response = app.request(request).await;
    assert_eq!(response.status(), StatusCode::OK, "{}", app.label());
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "gzip");
    assert_eq!(
        response.headers()[header::CACHE_CONTROL],
        "public, no-cache"
    );
    assert!(
        response.headers()[header::CONTENT_TYPE]
            .to_str()
            .expect("ascii")
            .starts_with("text/javascript")
    );
    assert_eq!(body_text(response).await, "pretend-gzip");
    let plain = app.get("/site.js").await;
    assert_eq!(body_text(plain).await, "(() => {})();\n");
}

#[backend_test]
async fn an_unknown_address_gets_a_real_404_page(app: TestApp) {
    let response = app.get("/no/such/page").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND, "{}", app.label());
    assert!(
        response
            .headers()
            .contains_key(header::CONTENT_SECURITY_POLICY)
    );
    let html = body_text(response).await;
    assert!(html.contains("<h1>Page not found</h1>"));
    assert!(html.contains(r#"<meta name="robots" content="noindex""#));
    assert!(html.contains("<title>Page not found · Candor CRM</title>"));
}

#[backend_test]
async fn every_file_of_the_public_folder_is_served_byte_for_byte_with_its_type(app: TestApp) {
    let public = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../public");
    let mut files: Vec<_> = std::fs::read_dir(&public)
        .expect("the public folder")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    assert!(
        files.len() >= 4,
        "public/ holds the site's files: {files:?}"
    );
    // cargo-leptos copies public/ into the site root; so does this test, over the stand-ins.
    let site_root = std::path::PathBuf::from(app.leptos.site_root.as_ref());
    for file in &files {
        let name = file.file_name().expect("a name").to_str().expect("UTF-8");
        std::fs::copy(file, site_root.join(name)).expect("copied into the site root");
    }
    for file in &files {
        let name = file.file_name().expect("a name").to_str().expect("UTF-8");
        let response = app.get(&format!("/{name}")).await;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "{}: /{name}",
            app.label()
        );
        let expected_type = match file.extension().and_then(|e| e.to_str()) {
            Some("js") => "text/javascript",
            Some("css") => "text/css",
            Some("svg") => "image/svg+xml",
            Some("png") => "image/png",
            other => panic!("public/{name}: no expected type for {other:?}; add it here"),
        };
        assert_eq!(
            response.headers()[header::CONTENT_TYPE]
                .to_str()
                .expect("ASCII"),
            expected_type,
            "/{name}"
        );
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("the body");
        assert_eq!(
            body.as_ref(),
            std::fs::read(file).expect("the file").as_slice(),
            "/{name} is served as it is in public/"
        );
    }
}

#[backend_test]
async fn bundle_files_are_served_precompressed_and_revalidated(app: TestApp) {
    let request = axum::http::Request::get("/pkg/crm.css")
        .header(header::ACCEPT_ENCODING, "br, gzip")
        .body(axum::body::Body::empty())
        .expect("request");
    let response = app.request(request).await;
    assert_eq!(response.status(), StatusCode::OK, "{}", app.label());
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "br");
    assert_eq!(
        response.headers()[header::CACHE_CONTROL],
        "public, no-cache"
    );
    assert!(response.headers().contains_key(header::LAST_MODIFIED));
    assert_eq!(body_text(response).await, "pretend-brotli");

    let missing = app.get("/pkg/nothing-here.js").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[backend_test]
async fn pages_are_compressed_for_browsers_that_accept_it(app: TestApp) {
    let request = axum::http::Request::get("/")
        .header(header::ACCEPT_ENCODING, "gzip")
        .body(axum::body::Body::empty())
        .expect("request");
    let response = app.request(request).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[header::CONTENT_ENCODING],
        "gzip",
        "{}",
        app.label()
    );
}

#[backend_test]
async fn start_up_creates_the_operators_workspace(app: TestApp) {
    let workspace =
        crm_backend::workspaces::db::find(app.state.db.pool(), app.state.vendor_workspace)
            .await
            .expect("query")
            .expect("the vendor workspace exists");
    assert_eq!(
        workspace.kind,
        crm_core::workspaces::WorkspaceKind::Vendor,
        "{}",
        app.label()
    );
}

#[backend_test]
async fn public_pages_have_absolute_canonical_links_and_open_graph_tags(app: TestApp) {
    for (path, title) in [
        ("/", "The privacy-first CRM for small teams"),
        ("/privacy", "Privacy policy"),
        ("/cookies", "Cookie policy"),
        ("/demo", "Request a demo"),
    ] {
        let html = body_text(app.get(path).await).await;
        let url = format!("http://127.0.0.1:3000{path}");
        let canonical = html
            .split("<link ")
            .find(|tag| tag.contains(r#"rel="canonical""#))
            .map(|tag| &tag[..tag.find('>').unwrap_or(tag.len())])
            .unwrap_or_default();
        assert!(
            canonical.contains(&format!(r#"href="{url}""#)),
            "{path} on {}: {canonical:?}",
            app.label()
        );
        assert!(
            html.contains(&format!(r#"<meta property="og:url" content="{url}""#)),
            "{path}"
        );
        assert!(
            html.contains(&format!(r#"<meta property="og:title" content="{title}""#)),
            "{path}"
        );
        assert!(
            html.contains(r#"<meta property="og:description""#),
            "{path}"
        );
        assert!(
            html.contains(&format!("<title>{title} · Candor CRM</title>")),
            "{path}"
        );
    }
}

#[backend_test]
async fn the_sitemap_and_robots_use_the_site_url(app: TestApp) {
    let response = app.get("/sitemap.xml").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()[header::CONTENT_TYPE]
            .to_str()
            .expect("a readable content type")
            .starts_with("application/xml")
    );
    let xml = body_text(response).await;
    for path in ["/", "/privacy", "/cookies", "/demo"] {
        assert!(
            xml.contains(&format!("<loc>http://127.0.0.1:3000{path}</loc>")),
            "{path}"
        );
    }
    let robots = body_text(app.get("/robots.txt").await).await;
    assert!(
        robots.contains("Sitemap: http://127.0.0.1:3000/sitemap.xml"),
        "{robots}"
    );
}

#[backend_test]
async fn the_cookie_policy_lists_every_category_and_says_what_is_stored(app: TestApp) {
    use crm_core::storage::{Category, REGISTRY};
    let response = app.get("/cookies").await;
    assert_eq!(response.status(), StatusCode::OK);
    // The server itself sets nothing the registry does not list.
    for cookie in response.headers().get_all(header::SET_COOKIE) {
        let name = cookie
            .to_str()
            .expect("a readable cookie")
            .split('=')
            .next()
            .expect("a cookie's name")
            .to_owned();
        assert!(
            crm_core::storage::cookie(&name).is_some(),
            "{name} is not registered"
        );
    }
    let html = body_text(response).await;
    for category in Category::ALL {
        assert!(html.contains(category.title()), "{:?}", category);
    }
    for item in REGISTRY {
        assert!(
            html.contains(&format!("<code>{}</code>", item.name)),
            "{}",
            item.name
        );
    }
    if REGISTRY.is_empty() {
        assert!(html.contains("Right now this site sets no cookies"));
    }
}

#[backend_test]
async fn pages_with_loaded_data_arrive_whole_for_browsers_without_javascript(app: TestApp) {
    for (path, placeholder) in [
        ("/privacy", "Loading the privacy policy"),
        ("/privacy/versions", "Loading the versions"),
        ("/privacy/versions/1", "Loading this version"),
        ("/demo", "Loading the form"),
    ] {
        let html = body_text(app.get(path).await).await;
        assert!(
            !html.contains(placeholder),
            "{path} on {} was streamed behind a placeholder",
            app.label()
        );
    }
}

/// The release server renders on a multi-threaded runtime, where a page's reactive owner can be
/// dropped on another thread than the one that created it: nothing thread-bound may live in it
/// (a browser-only value held there once cut pages off mid-response).
#[backend_test(flavor = "multi_thread", worker_threads = 4)]
async fn pages_render_whole_when_requests_run_on_many_threads(app: TestApp) {
    let app = std::sync::Arc::new(app);
    let mut tasks = Vec::new();
    for i in 0..48 {
        let app = app.clone();
        let path = [
            "/",
            "/privacy",
            "/cookies",
            "/cookies/settings",
            "/demo",
            "/nowhere",
        ][i % 6];
        tasks.push(tokio::spawn(async move {
            let response = app.get(path).await;
            let status = response.status();
            let html = body_text(response).await;
            // Streamed pages end with the data the browser hydrates from, after </html>.
            (
                path,
                status,
                html.contains("</body></html>") || html.contains("</html>"),
            )
        }));
    }
    for task in tasks {
        let (path, status, whole) = task.await.expect("the request task never panics");
        assert!(
            status == StatusCode::OK || status == StatusCode::NOT_FOUND,
            "{path}: {status}"
        );
        assert!(whole, "{path}: the page is complete");
    }
    std::sync::Arc::into_inner(app)
        .expect("every task is done")
        .cleanup()
        .await;
}

/// The page's footer, as sent.
fn footer_of(html: &str) -> &str {
    let start = html.find("<footer").expect("a footer");
    let end = html[start..].find("</footer>").expect("the footer's end") + start;
    &html[start..end]
}

#[backend_test]
async fn the_footer_offers_a_visitor_log_in_and_a_member_their_workspace_and_log_out(app: TestApp) {
    use crate::support::browser::{CHROME_ON_LINUX, Client, get_page, sign_up_and_log_in};
    let client = Client {
        ip: "198.51.100.82",
        user_agent: CHROME_ON_LINUX,
    };
    let ada = sign_up_and_log_in(&app, "ada@example.com", "Analytical Engines", client).await;
    for path in ["/", "/privacy", "/app", "/app/people", "/app/tasks"] {
        let visitor = body_text(get_page(&app, path, None).await).await;
        if !path.starts_with("/app") {
            let footer = footer_of(&visitor);
            assert!(
                footer.contains(r#"href="/login""#) && !footer.contains("Log out"),
                "{path} on {}: {footer}",
                app.label()
            );
        }
        let member = body_text(get_page(&app, path, Some(&ada)).await).await;
        let footer = footer_of(&member);
        assert!(
            footer.contains("Your workspace: Analytical Engines")
                && footer.contains(r#"action="/logout""#)
                && footer.contains("Log out")
                && !footer.contains(r#"href="/login""#),
            "{path} on {}: {footer}",
            app.label()
        );
    }
}
