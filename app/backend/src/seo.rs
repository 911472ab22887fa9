//! `sitemap.xml` and `robots.txt`, with absolute addresses from `SITE_URL`.

/// The public pages search engines should know about.
pub const SITEMAP_PATHS: [&str; 5] = ["/", "/privacy", "/privacy/versions", "/cookies", "/demo"];

/// The sitemap of the public pages.
pub fn sitemap_xml(origin: &str) -> String {
    let origin = origin.trim_end_matches('/');
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for path in SITEMAP_PATHS {
        xml.push_str(&format!(
            "  <url><loc>{}</loc></url>\n",
            escape(&format!("{origin}{path}"))
        ));
    }
    xml.push_str("</urlset>\n");
    xml
}

/// Crawlers may read the public site; the logged-in app and the API are not for them.
pub fn robots_txt(origin: &str) -> String {
    format!(
        "User-agent: *\nDisallow: /app/\nDisallow: /api/\n\nSitemap: {}/sitemap.xml\n",
        origin.trim_end_matches('/')
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sitemap_lists_every_public_page_with_absolute_addresses() {
        let xml = sitemap_xml("https://crm.example.com/");
        for path in SITEMAP_PATHS {
            assert!(
                xml.contains(&format!("<loc>https://crm.example.com{path}</loc>")),
                "{path}"
            );
        }
        assert_eq!(xml.matches("<url>").count(), SITEMAP_PATHS.len());
    }

    #[test]
    fn robots_points_to_the_sitemap_and_keeps_crawlers_out_of_the_app() {
        let robots = robots_txt("https://crm.example.com");
        assert!(robots.contains("Sitemap: https://crm.example.com/sitemap.xml"));
        assert!(robots.contains("Disallow: /app/"));
    }
}
