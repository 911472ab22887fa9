//! The browser bundle under `/pkg`: WASM, JS and CSS, served from the precompressed copies
//! (brotli, gzip) that the build writes beside them.

use axum::http::HeaderValue;
use axum::http::header::CACHE_CONTROL;
use leptos::config::LeptosOptions;
use tower::Layer;
use tower_http::services::ServeDir;
use tower_http::set_header::{SetResponseHeader, SetResponseHeaderLayer};

/// Files under `/pkg` are revalidated on each use (`no-cache` with `Last-Modified`), so a new
/// build is picked up at once while an unchanged file costs only a 304.
pub fn pkg_service(options: &LeptosOptions) -> SetResponseHeader<ServeDir, HeaderValue> {
    let dir = std::path::Path::new(&*options.site_root).join(&*options.site_pkg_dir);
    SetResponseHeaderLayer::if_not_present(
        CACHE_CONTROL,
        HeaderValue::from_static("public, no-cache"),
    )
    .layer(ServeDir::new(dir).precompressed_br().precompressed_gzip())
}
