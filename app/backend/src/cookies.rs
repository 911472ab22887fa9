//! Cookies on the wire: reading what a request carries and writing a `Set-Cookie` value. Every
//! cookie the product sets (the session, the consent record, the visit) is written here, one way.

use axum::http::header::COOKIE;
use axum::http::{HeaderMap, HeaderValue};

/// The cookies a request carries, as `(name, value)` pairs.
pub fn request_cookies(headers: &HeaderMap) -> impl Iterator<Item = (&str, &str)> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|line| line.split(';'))
        .filter_map(|pair| {
            let (name, value) = pair.split_once('=')?;
            Some((name.trim(), value.trim()))
        })
}

/// The value of one cookie the request carries.
pub fn request_cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    request_cookies(headers).find_map(|(n, v)| (n == name).then_some(v))
}

/// A `Set-Cookie` value: host-only, whole site, not readable by scripts, sent on top-level
/// navigations from other sites only (`Lax`).
pub fn cookie_header(name: &str, value: &str, max_age_seconds: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; Max-Age={max_age_seconds}; HttpOnly; SameSite=Lax{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("invalid=; Max-Age=0"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_read_from_every_cookie_header() {
        let mut headers = HeaderMap::new();
        headers.append(COOKIE, HeaderValue::from_static("a=1; candor_visit=abc"));
        headers.append(COOKIE, HeaderValue::from_static("b = 2"));
        assert_eq!(request_cookie(&headers, "candor_visit"), Some("abc"));
        assert_eq!(request_cookie(&headers, "b"), Some("2"));
        assert_eq!(request_cookie(&headers, "c"), None);
    }

    #[test]
    fn a_cookie_is_http_only_lax_and_secure_on_https() {
        let value = cookie_header("candor_consent", "x", 60, true);
        let text = value.to_str().expect("ascii");
        assert!(text.contains("HttpOnly") && text.contains("SameSite=Lax"));
        assert!(text.ends_with("; Secure"));
        assert!(
            !cookie_header("candor_consent", "x", 60, false)
                .to_str()
                .expect("ascii")
                .contains("Secure")
        );
    }

    #[test]
    fn a_value_that_cannot_be_a_header_expires_a_harmless_cookie_instead() {
        let value = cookie_header("candor_visit", "line\nbreak", 60, false);
        assert_eq!(value.to_str().expect("ascii"), "invalid=; Max-Age=0");
    }
}
