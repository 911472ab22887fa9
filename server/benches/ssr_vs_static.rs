//! Requests per second of the server-rendered home page beside the same server sending the very
//! same bytes as a static file, in one run. Prints figures; asserts nothing about speed.
//!
//! Run with `scripts/bench` (which installs wrk when missing), or:
//!   cargo bench -p server --bench ssr_vs_static
//! Load comes from `wrk` on loopback only; each case is bounded in time.

use std::collections::HashMap;
use std::process::Command;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::http::header;
use axum::routing::get;
use axum::serve::{Listener, ListenerExt};
use tower::ServiceExt;

const SECONDS: &str = "10";
const THREADS: &str = "2";
const CONNECTIONS: &str = "32";

#[tokio::main]
async fn main() {
    let data = tempfile::tempdir().expect("temp dir");
    let vars: HashMap<&str, String> = HashMap::from([
        ("DATA_DIR", data.path().display().to_string()),
        ("LOG_LEVEL", "error".to_owned()),
        ("LEPTOS_ENV", "PROD".to_owned()),
    ]);
    let config =
        crm_backend::config::Config::from_lookup(|k| vars.get(k).cloned()).expect("config");
    let mut leptos = app::context::leptos_options(config.listen_addr).expect("Leptos options");
    leptos.env = leptos::config::Env::PROD;
    let site_root = data.path().join("site");
    std::fs::create_dir_all(&site_root).expect("site root");
    leptos.site_root = site_root.display().to_string().into();

    let state = server::build_state(config.clone()).await.expect("start");
    let app = server::build_router(app::context::SiteState::new(state, leptos.clone()));

    // The exact bytes `/` renders, kept in memory and written beside the other static files.
    let page = app
        .clone()
        .oneshot(
            axum::http::Request::get("/")
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await
        .expect("response");
    let html: Bytes = axum::body::to_bytes(page.into_body(), usize::MAX)
        .await
        .expect("body");
    std::fs::write(site_root.join("home-copy.html"), &html).expect("write copy");

    let from_memory = {
        let html = html.clone();
        Router::new().route(
            "/bench/home-from-memory",
            get(move || {
                let html = html.clone();
                async move { ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html) }
            }),
        )
    };
    let router = server::apply_middleware(from_memory, &config, &leptos).merge(app);

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind")
        .tap_io(|socket| {
            let _ = socket.set_nodelay(true);
        });
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, router).await.expect("serve") });
    tokio::time::sleep(Duration::from_millis(200)).await;

    println!("home page: {} bytes of HTML (uncompressed)", html.len());
    println!(
        "load: wrk -t{THREADS} -c{CONNECTIONS} -d{SECONDS}s on 127.0.0.1, no compression requested\n"
    );
    let ssr = wrk(&format!("http://{addr}/"));
    let file = wrk(&format!("http://{addr}/home-copy.html"));
    let memory = wrk(&format!("http://{addr}/bench/home-from-memory"));
    println!("{:<44} {:>12} {:>14}", "case", "requests/s", "mean latency");
    for (name, result) in [
        ("SSR of /", &ssr),
        ("same bytes, static file (ServeDir)", &file),
        ("same bytes, from memory (same middleware)", &memory),
    ] {
        println!("{name:<44} {:>12.0} {:>14}", result.0, result.1);
    }
    println!();
    println!("SSR / static file:  {:.2}", ssr.0 / file.0);
    println!("SSR / from memory:  {:.2}", ssr.0 / memory.0);
}

/// Runs wrk against one URL; returns (requests per second, mean latency as wrk prints it).
fn wrk(url: &str) -> (f64, String) {
    let output = Command::new("wrk")
        .args([
            "-t",
            THREADS,
            "-c",
            CONNECTIONS,
            "-d",
            &format!("{SECONDS}s"),
            "--latency",
            url,
        ])
        .output()
        .expect("wrk is installed (scripts/bench installs it)");
    let text = String::from_utf8_lossy(&output.stdout);
    let rps = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("wrk printed no Requests/sec:\n{text}"));
    let latency = text
        .lines()
        .find(|l| l.trim_start().starts_with("Latency"))
        .and_then(|l| l.split_whitespace().nth(1))
        .unwrap_or("?")
        .to_owned();
    let non_2xx = text.lines().find(|l| l.contains("Non-2xx"));
    assert!(non_2xx.is_none(), "{url} answered errors: {non_2xx:?}");
    (rps, latency)
}
