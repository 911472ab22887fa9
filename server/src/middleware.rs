//! What every response passes through: a request id, a trace span without personal data, security
//! headers with a per-request CSP nonce, compression, a body size limit, and a 500 page when a
//! handler panics.

use std::any::Any;
use std::sync::Arc;

use app::context::CspNonce;
use axum::Router;
use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, Response, StatusCode, header};
use axum::middleware::{self as axum_middleware, Next};
use crm_backend::config::{Config, Environment};
use leptos::config::{Env, LeptosOptions};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{
    MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

/// The largest request body accepted by default: 2 MiB.
pub const BODY_LIMIT_BYTES: usize = 2 * 1024 * 1024;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The headers every response carries, computed once from the configuration.
#[derive(Clone)]
struct HeaderPolicy {
    /// Extra `connect-src` for the development live-reload socket.
    dev_connect: Option<String>,
    https: bool,
}

impl HeaderPolicy {
    fn content_security_policy(&self, nonce: &str) -> String {
        let connect = match &self.dev_connect {
            Some(extra) => format!("'self' {extra}"),
            None => "'self'".to_owned(),
        };
        format!(
            "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
             style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src {connect}; \
             manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
             frame-ancestors 'none'"
        )
    }
}

async fn security_headers(
    State(policy): State<Arc<HeaderPolicy>>,
    mut request: Request,
    next: Next,
) -> Response<Body> {
    let nonce = CspNonce::generate();
    request.extensions_mut().insert(nonce.clone());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if let Ok(csp) = HeaderValue::from_str(&policy.content_security_policy(nonce.value())) {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
    );
    if policy.https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    response
}

/// Refuses a state-changing request that a browser sent from another site (cross-site request
/// forgery). Browsers say where a request comes from in `Sec-Fetch-Site`; older ones only in
/// `Origin`, which must then be this site's whole origin (scheme, host and port of `SITE_URL`).
/// A request with neither goes through only when it carries no session: command-line clients and
/// other servers send no member's cookie, and a write that does without saying where it comes
/// from is not one a browser of ours sends.
async fn refuse_cross_site_writes(
    State(site_origin): State<Arc<str>>,
    request: Request,
    next: Next,
) -> Response<Body> {
    if is_cross_site_write(&request, &site_origin) {
        tracing::warn!("refused a cross-site state-changing request");
        let mut response = Response::new(Body::from(CROSS_SITE_PAGE));
        *response.status_mut() = StatusCode::FORBIDDEN;
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        return response;
    }
    next.run(request).await
}

fn is_cross_site_write(request: &Request, site_origin: &str) -> bool {
    use axum::http::Method;
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    ) {
        return false;
    }
    let headers = request.headers();
    if let Some(site) = headers.get("sec-fetch-site") {
        // "same-site" is a sibling subdomain: another site as far as our data is concerned.
        return !matches!(site.as_bytes(), b"same-origin" | b"none");
    }
    match headers.get(header::ORIGIN) {
        Some(origin) => !origin
            .to_str()
            .is_ok_and(|origin| origin.eq_ignore_ascii_case(site_origin)),
        None => crm_backend::accounts::session::carries_session(headers),
    }
}

const CROSS_SITE_PAGE: &str = r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Request refused · Candor CRM</title><link rel="stylesheet" href="/pkg/crm.css"></head>
<body><main id="main" class="page page--narrow"><h1>Request refused</h1>
<p>This request came from another website, so we did not act on it. If you meant to do this, please open Candor CRM directly and try again there.</p>
<p><a class="button" href="/">Go to the home page</a></p></main></body></html>"#;

/// A request id always comes from us: an id sent by the client is dropped, so nothing a stranger
/// types ends up in our logs.
async fn drop_client_request_id(mut request: Request, next: Next) -> Response<Body> {
    request.headers_mut().remove(REQUEST_ID);
    next.run(request).await
}

/// The trace span of a request: its id, method and route *pattern* (never the raw path, which can
/// carry tokens, nor the query, which can carry e-mail addresses).
fn request_span(request: &Request<Body>) -> tracing::Span {
    let id = request
        .extensions()
        .get::<RequestId>()
        .and_then(|id| id.header_value().to_str().ok())
        .unwrap_or("-");
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(MatchedPath::as_str)
        .unwrap_or("-");
    tracing::info_span!("request", request_id = %id, method = %request.method(), route)
}

/// A handler panicked: the server lives on, the visitor gets a plain 500 page.
fn panic_page(_payload: Box<dyn Any + Send + 'static>) -> Response<Body> {
    tracing::error!("a request handler panicked; answered 500");
    let mut response = Response::new(Body::from(PANIC_PAGE));
    *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

const PANIC_PAGE: &str = r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Something went wrong · Candor CRM</title><link rel="stylesheet" href="/pkg/crm.css"></head>
<body><main id="main" class="page page--narrow"><h1>Something went wrong</h1>
<p>Something went wrong on our side and we could not finish your request. Nothing you entered was lost on our side; please try again in a moment.</p>
<p><a class="button" href="/">Go to the home page</a></p></main></body></html>"#;

/// Whether pages may reach `cargo leptos watch`'s reload socket: only a debug build in development
/// (a release binary started without `LEPTOS_ENV=PROD` is still no development server).
fn reloads_in_development(leptos: &Env, environment: Environment) -> bool {
    *leptos == Env::DEV && environment == Environment::Development && cfg!(debug_assertions)
}

/// `SITE_URL`'s origin as a browser writes it in `Origin`: scheme, host, and the port unless it
/// is the scheme's default.
fn site_origin(config: &Config) -> Arc<str> {
    Arc::from(config.site_url.origin().ascii_serialization())
}

/// Wraps a router in every middleware. `build_router` uses it; tests use it to check that a
/// panicking route still gets a 500 page.
pub fn apply_middleware(router: Router, config: &Config, leptos: &LeptosOptions) -> Router {
    let policy = Arc::new(HeaderPolicy {
        dev_connect: reloads_in_development(&leptos.env, config.environment).then(|| {
            let host = leptos.site_addr.ip();
            format!(
                "ws://{host}:{} ws://localhost:{}",
                leptos.reload_port, leptos.reload_port
            )
        }),
        https: config.is_https(),
    });

    router.layer(
        ServiceBuilder::new()
            .layer(axum_middleware::from_fn(drop_client_request_id))
            .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
            .layer(
                TraceLayer::new_for_http()
                    .make_span_with(request_span)
                    .on_response(DefaultOnResponse::new().level(Level::INFO)),
            )
            .layer(PropagateRequestIdLayer::new(REQUEST_ID))
            .layer(axum_middleware::from_fn_with_state(
                policy,
                security_headers,
            ))
            .layer(axum_middleware::from_fn_with_state(
                site_origin(config),
                refuse_cross_site_writes,
            ))
            .layer(CompressionLayer::new().br(true).gzip(true))
            .layer(CatchPanicLayer::custom(panic_page))
            .layer(RequestBodyLimitLayer::new(BODY_LIMIT_BYTES)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_content_security_policy_allows_only_nonced_scripts_and_wasm() {
        let policy = HeaderPolicy {
            dev_connect: None,
            https: false,
        };
        let csp = policy.content_security_policy("abc123");
        assert!(csp.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval'"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("unsafe-inline"));
        assert!(!csp.contains("ws://"));
    }

    fn post(headers: &[(&str, &str)]) -> Request {
        let mut builder = Request::post("/consent");
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(Body::empty()).expect("request")
    }

    const SITE: &str = "https://crm.example";

    #[test]
    fn a_post_from_another_site_is_refused_and_one_from_this_site_is_not() {
        let cross = |headers: &[(&str, &str)]| is_cross_site_write(&post(headers), SITE);
        assert!(cross(&[("sec-fetch-site", "cross-site")]));
        assert!(cross(&[("sec-fetch-site", "same-site")]));
        assert!(!cross(&[("sec-fetch-site", "same-origin")]));
        assert!(cross(&[("origin", "https://evil.example")]));
        assert!(!cross(&[("origin", "https://crm.example")]));
        // Neither header and no session: not a browser sending someone's cookies.
        assert!(!cross(&[]));
        let get = Request::get("/")
            .header("sec-fetch-site", "cross-site")
            .body(Body::empty())
            .expect("request");
        assert!(
            !is_cross_site_write(&get, SITE),
            "links from other sites are welcome"
        );
    }

    #[test]
    fn an_origin_must_match_the_sites_scheme_host_and_port_not_its_host_alone() {
        let cross = |origin: &str| is_cross_site_write(&post(&[("origin", origin)]), SITE);
        assert!(cross("http://crm.example"), "http on an https site");
        assert!(cross("https://crm.example:8443"));
        assert!(cross("https://crm.example.evil.example"));
        assert!(cross("null"));
        assert!(!cross("https://crm.example"));
        assert!(!cross("HTTPS://CRM.EXAMPLE"));
    }

    #[test]
    fn a_write_carrying_the_session_but_saying_nothing_of_where_it_comes_from_is_refused() {
        let session = format!("candor_session={}", "a".repeat(64));
        assert!(is_cross_site_write(&post(&[("cookie", &session)]), SITE));
        assert!(!is_cross_site_write(
            &post(&[("cookie", &session), ("sec-fetch-site", "same-origin")]),
            SITE
        ));
        assert!(!is_cross_site_write(
            &post(&[("cookie", &session), ("origin", SITE)]),
            SITE
        ));
        // Another cookie alone (the consent choice) is no session.
        assert!(!is_cross_site_write(
            &post(&[("cookie", "candor_consent=x")]),
            SITE
        ));
    }

    #[test]
    fn only_a_debug_build_in_development_names_the_reload_socket() {
        assert_eq!(
            reloads_in_development(&Env::DEV, Environment::Development),
            cfg!(debug_assertions)
        );
        assert!(!reloads_in_development(
            &Env::PROD,
            Environment::Development
        ));
        assert!(!reloads_in_development(&Env::DEV, Environment::Production));
    }

    #[test]
    fn nonces_differ_between_requests() {
        let a = CspNonce::generate();
        let b = CspNonce::generate();
        assert_ne!(a.value(), b.value());
        assert_eq!(a.value().len(), 32);
    }
}
