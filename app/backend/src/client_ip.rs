//! The address a request came from, for rate limits. Never logged and never stored as such.

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::request::Parts;

/// The client's address. With no proxy trusted (`trusted_proxy_hops` 0), the socket's peer.
/// Behind `trusted_proxy_hops` reverse proxies, each of which appends the address it received the
/// request from to `X-Forwarded-For`, the entry that many places from the right: the one the
/// outermost trusted proxy wrote. Entries further left were written by the client and prove
/// nothing. When that entry is missing or does not parse, the answer is `None` (a rate limit then
/// counts the request with every other such request): it never falls back to an entry further
/// left, which the client may have written.
pub fn client_ip(parts: &Parts, trusted_proxy_hops: usize) -> Option<IpAddr> {
    if trusted_proxy_hops == 0 {
        return parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| info.0.ip());
    }
    let entries: Vec<&str> = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .map(|value| value.to_str().unwrap_or(""))
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .collect();
    let entry = entries
        .len()
        .checked_sub(trusted_proxy_hops)
        .map(|index| entries[index]);
    let parsed = entry.and_then(parse_entry);
    if parsed.is_none() {
        tracing::warn!(
            entries = entries.len(),
            trusted_proxy_hops,
            "X-Forwarded-For has no readable entry where the trusted proxy writes one; the request is counted without an address"
        );
    }
    parsed
}

/// An address as proxies write it: bare (`203.0.113.7`, `2001:db8::1`) or with a port
/// (`203.0.113.7:4711`, `[2001:db8::1]:4711`).
fn parse_entry(entry: &str) -> Option<IpAddr> {
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|addr| addr.ip()))
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
        assert_eq!(client_ip(&parts, 0), Some("10.0.0.2".parse().unwrap()));
    }

    #[test]
    fn behind_trusted_proxies_the_entry_the_outermost_one_wrote_counts() {
        // A client may send its own X-Forwarded-For; the proxy appends the real address last.
        let ip = |raw: &str| Some(raw.parse::<IpAddr>().unwrap());
        assert_eq!(
            client_ip(&request_parts(Some("198.51.100.1, 203.0.113.7")), 1),
            ip("203.0.113.7")
        );
        // Two proxies: a CDN wrote the client's address, the load balancer the CDN's.
        assert_eq!(
            client_ip(
                &request_parts(Some("198.51.100.1, 203.0.113.7, 192.0.2.10")),
                2
            ),
            ip("203.0.113.7")
        );
        // Addresses with ports, as some proxies write them.
        assert_eq!(
            client_ip(&request_parts(Some("203.0.113.7:4711")), 1),
            ip("203.0.113.7")
        );
        assert_eq!(
            client_ip(&request_parts(Some("[2001:db8::1]:4711")), 1),
            ip("2001:db8::1")
        );
    }

    #[test]
    fn an_unreadable_or_missing_entry_where_the_proxy_writes_is_no_address_not_an_earlier_entry() {
        // The client wrote 198.51.100.1; what the proxy appended does not parse.
        assert_eq!(
            client_ip(&request_parts(Some("198.51.100.1, unknown")), 1),
            None
        );
        assert_eq!(
            client_ip(&request_parts(Some("198.51.100.1, not-an-address")), 1),
            None
        );
        // Fewer entries than trusted proxies: the request did not come through them all.
        assert_eq!(client_ip(&request_parts(Some("203.0.113.7")), 2), None);
        assert_eq!(client_ip(&request_parts(None), 1), None);
    }
}
