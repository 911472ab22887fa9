//! The head of each page: title, description, canonical link and Open Graph tags.

use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};

use crm_core::product::PRODUCT_NAME;

/// The site's origin with no trailing slash: `SITE_URL` on the server; in the browser, where the
/// page was loaded from (the same address, since visitors come through `SITE_URL`).
pub fn site_origin() -> String {
    #[cfg(feature = "ssr")]
    {
        crate::context::state()
            .map(|state| {
                state
                    .config
                    .site_url
                    .as_str()
                    .trim_end_matches('/')
                    .to_owned()
            })
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        window().location().origin().unwrap_or_default()
    }
}

/// An absolute URL for a path of this site.
pub fn absolute_url(path: &str) -> String {
    format!("{}{path}", site_origin())
}

/// Title, description, canonical link and Open Graph tags of a public page.
#[component]
pub fn PageMeta(
    #[prop(into)] title: String,
    #[prop(into)] description: String,
    /// The page's own path, like `/privacy`; the canonical link makes it absolute.
    path: &'static str,
) -> impl IntoView {
    let url = absolute_url(path);
    view! {
        <Title text=title.clone()/>
        <Meta name="description" content=description.clone()/>
        <Link rel="canonical" href=url.clone()/>
        <Meta property="og:type" content="website"/>
        <Meta property="og:site_name" content=PRODUCT_NAME/>
        <Meta property="og:title" content=title/>
        <Meta property="og:description" content=description/>
        <Meta property="og:url" content=url/>
        <Meta property="og:image" content=absolute_url("/og-image.png")/>
        <Meta property="og:image:width" content="1200"/>
        <Meta property="og:image:height" content="630"/>
        <Meta property="og:image:alt" content="Candor CRM: the privacy-first CRM for small teams"/>
    }
}
