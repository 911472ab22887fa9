use axum::http::{StatusCode, header};

use crate::support::{body_text, spawn_apps};

#[tokio::test]
async fn the_home_page_renders_the_shell_header_navigation_and_footer() {
    for app in spawn_apps().await {
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
        app.cleanup().await;
    }
}

#[tokio::test]
async fn hydration_scripts_carry_the_nonce_named_by_the_content_security_policy() {
    for app in spawn_apps().await {
        let response = app.get("/").await;
        let csp = response.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .expect("ascii")
            .to_owned();
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .expect("a nonce in script-src")
            .to_owned();
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
        // Another request, another nonce.
        let again = app.get("/").await;
        assert_ne!(
            again.headers()[header::CONTENT_SECURITY_POLICY]
                .to_str()
                .expect("ascii"),
            csp
        );
        app.cleanup().await;
    }
}

#[tokio::test]
async fn an_unknown_address_gets_a_real_404_page() {
    for app in spawn_apps().await {
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
        app.cleanup().await;
    }
}

#[tokio::test]
async fn static_files_from_the_public_folder_are_served() {
    for app in spawn_apps().await {
        let response = app.get("/robots.txt").await;
        assert_eq!(response.status(), StatusCode::OK, "{}", app.label());
        assert!(body_text(response).await.contains("User-agent"));
        app.cleanup().await;
    }
}

#[tokio::test]
async fn bundle_files_are_served_precompressed_and_revalidated() {
    for app in spawn_apps().await {
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
        app.cleanup().await;
    }
}

#[tokio::test]
async fn pages_are_compressed_for_browsers_that_accept_it() {
    for app in spawn_apps().await {
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
        app.cleanup().await;
    }
}

#[tokio::test]
async fn start_up_creates_the_operators_workspace() {
    for app in spawn_apps().await {
        let workspace = app::workspaces::db::find(app.state.db.pool(), app.state.vendor_workspace)
            .await
            .expect("query")
            .expect("the vendor workspace exists");
        assert_eq!(
            workspace.kind,
            app::workspaces::WorkspaceKind::Vendor,
            "{}",
            app.label()
        );
        app.cleanup().await;
    }
}
