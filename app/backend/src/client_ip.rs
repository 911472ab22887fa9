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

/// What a rate limit counts a client by. An IPv4 address as it is; an IPv6 address by its /64,
/// the block a subscriber or a host is given, any of whose 2^64 addresses one client may use (an
/// IPv4 address written as IPv6, `::ffff:a.b.c.d`, counts as the IPv4 address). Without an
/// address (in-process tests) every request shares one key, which only makes a limit stricter.
pub fn rate_limit_key(client: Option<IpAddr>) -> String {
    match client.map(|ip| ip.to_canonical()) {
        None => "unknown".to_owned(),
        Some(IpAddr::V4(ip)) => ip.to_string(),
        Some(IpAddr::V6(ip)) => {
            let [a, b, c, d, ..] = ip.segments();
            format!("{a:x}:{b:x}:{c:x}:{d:x}::/64")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(ip: &str) -> String {
        rate_limit_key(Some(ip.parse().unwrap()))
    }

    #[test]
    fn an_ipv6_client_is_counted_by_its_64_block_and_an_ipv4_one_by_its_address() {
        assert_eq!(key("2001:db8:1:2::1"), "2001:db8:1:2::/64");
        assert_eq!(key("2001:db8:1:2:ffff:ffff:ffff:ffff"), "2001:db8:1:2::/64");
        assert_ne!(key("2001:db8:1:3::1"), key("2001:db8:1:2::1"));
        assert_eq!(key("203.0.113.7"), "203.0.113.7");
        assert_ne!(key("203.0.113.8"), key("203.0.113.7"));
        assert_eq!(key("::ffff:203.0.113.7"), "203.0.113.7");
        assert_eq!(rate_limit_key(None), "unknown");
    }

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
