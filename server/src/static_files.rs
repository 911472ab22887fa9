//! The browser bundle under `/pkg` (WASM, JS and CSS) and the page script `/site.js`, served from
//! the precompressed copies (brotli, gzip) that the release build writes beside them.

use axum::http::HeaderValue;
use axum::http::header::CACHE_CONTROL;
use leptos::config::LeptosOptions;
use tower::Layer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::{SetResponseHeader, SetResponseHeaderLayer};

/// Revalidated on each use (`no-cache` with `Last-Modified`), so a new build is picked up at once
/// while an unchanged file costs only a 304.
fn revalidated<S>(service: S) -> SetResponseHeader<S, HeaderValue> {
    SetResponseHeaderLayer::if_not_present(
        CACHE_CONTROL,
        HeaderValue::from_static("public, no-cache"),
    )
    .layer(service)
}

/// Files under `/pkg`.
pub fn pkg_service(options: &LeptosOptions) -> SetResponseHeader<ServeDir, HeaderValue> {
    let dir = std::path::Path::new(&*options.site_root).join(&*options.site_pkg_dir);
    revalidated(ServeDir::new(dir).precompressed_br().precompressed_gzip())
}

/// `/site.js`, the page script every page loads (copied from `public/` by the build).
pub fn site_script(options: &LeptosOptions) -> SetResponseHeader<ServeFile, HeaderValue> {
    let file = std::path::Path::new(&*options.site_root).join("site.js");
    revalidated(ServeFile::new(file).precompressed_br().precompressed_gzip())
}
