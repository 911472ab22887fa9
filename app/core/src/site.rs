//! The public site's pages that are served as documents: HTML with the page script only, never
//! hydrated and with no WASM. The server decides by this rule which pages get the WASM, and the
//! page script, told the same rule, lets the browser load these pages as documents.

/// The public pages that are served as documents, never hydrated (exact paths; the versions of
/// the privacy policy are every path below `/privacy/versions/`). Everything else hydrates,
/// unknown paths' 404 page included.
const DOCUMENT_PAGES: [&str; 7] = [
    "/",
    "/cookies",
    "/cookies/settings",
    "/demo",
    "/demo/thanks",
    "/privacy",
    "/privacy/versions",
];

/// The folder whose every page (one level down) is a document: the privacy policy's versions.
const DOCUMENT_FOLDER: &str = "/privacy/versions/";

/// Whether the page at `path` is served as a document: HTML with the page script only, no WASM.
pub fn is_document_page(path: &str) -> bool {
    DOCUMENT_PAGES.contains(&path)
        || path
            .strip_prefix(DOCUMENT_FOLDER)
            .is_some_and(|rest| !rest.is_empty() && !rest.contains('/'))
}

/// The same rule for the page script, which lets the browser follow a link to one of these pages
/// from a page that hydrates, before the app's router would take it: the paths, separated by
/// spaces, and the folder ending in `*`.
pub fn document_pages_for_script() -> String {
    let mut pages = DOCUMENT_PAGES.join(" ");
    pages.push(' ');
    pages.push_str(DOCUMENT_FOLDER);
    pages.push('*');
    pages
}

#[cfg(test)]
mod tests {
    use super::is_document_page;

    #[test]
    fn the_public_pages_are_documents_and_the_account_and_workspace_pages_are_not() {
        for path in [
            "/",
            "/cookies",
            "/cookies/settings",
            "/demo",
            "/demo/thanks",
            "/privacy",
            "/privacy/versions",
            "/privacy/versions/compare",
            "/privacy/versions/2",
        ] {
            assert!(is_document_page(path), "{path}");
        }
        for path in [
            "/login",
            "/signup",
            "/app",
            "/app/people/3f1c",
            "/invitations/abc",
            "/privacy/versions/2/extra",
            "/privacy/versions/",
            "/demo/check",
            "/no/such/page",
        ] {
            assert!(!is_document_page(path), "{path}");
        }
    }

    #[test]
    fn the_page_script_is_told_the_same_pages() {
        assert_eq!(
            super::document_pages_for_script(),
            "/ /cookies /cookies/settings /demo /demo/thanks /privacy /privacy/versions /privacy/versions/*"
        );
    }
}
