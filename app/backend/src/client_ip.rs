//! The address a request came from, for rate limits. Never logged and never stored as such.

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::request::Parts;

/// The client's address: the socket's peer, or, when `TRUST_X_FORWARDED_FOR` says a reverse proxy
/// stands in front, the last address that proxy appended to `X-Forwarded-For` (the only entry a
/// client cannot forge).
pub fn client_ip(parts: &Parts, trust_forwarded_for: bool) -> Option<IpAddr> {
    if trust_forwarded_for
        && let Some(ip) = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .filter_map(|entry| entry.trim().parse::<IpAddr>().ok())
            .next_back()
    {
        return Some(ip);
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request_parts(forwarded: Option<&str>) -> Parts {
        let mut builder = axum::http::Request::get("/");
        if let Some(value) = forwarded {
            builder = builder.header("x-forwarded-for", value);
        }
        let (mut parts, ()) = builder.body(()).unwrap().into_parts();
        parts
            .extensions
            .insert(ConnectInfo::<SocketAddr>("10.0.0.2:5000".parse().unwrap()));
        parts
    }

    #[test]
    fn the_socket_address_is_used_unless_a_proxy_is_trusted() {
        let parts = request_parts(Some("203.0.113.7"));
        assert_eq!(client_ip(&parts, false), Some("10.0.0.2".parse().unwrap()));
    }

    #[test]
    fn behind_a_trusted_proxy_the_last_forwarded_address_counts() {
        // A client may send its own X-Forwarded-For; the proxy appends the real address last.
        let parts = request_parts(Some("198.51.100.1, 203.0.113.7"));
        assert_eq!(
            client_ip(&parts, true),
            Some("203.0.113.7".parse().unwrap())
        );
        assert_eq!(
            client_ip(&request_parts(None), true),
            Some("10.0.0.2".parse().unwrap())
        );
    }
}
