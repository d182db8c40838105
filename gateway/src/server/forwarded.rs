//! Forwarded headers (`X-Forwarded-Host`, `X-Forwarded-Proto`, `Forwarded`,
//! …) are believed only from the proxies the operator names.
//!
//! Without `--public-url`, Mattermost prompts name the URL Mattermost calls
//! back from the host and scheme the slash command reached the gateway by
//! (`server::mattermost`'s `actions_url`). Anyone who can reach the gateway
//! directly could otherwise send `X-Forwarded-Host: evil.example` and have
//! the menu's answers (user IDs, the signed continuation) sent there. So
//! every request from a peer outside `--trusted-proxies` loses these headers
//! when it arrives, before any handler sees it: the handlers then use the
//! `Host` the request came with and the listener's scheme (http), and no
//! handler needs to know who may set them.

use std::{fmt, net::IpAddr, str::FromStr};

use axum::http::HeaderMap;
use ipnet::IpNet;

/// The headers a proxy sets to say how the client reached it.
pub const FORWARDED_HEADERS: [&str; 6] = [
    "forwarded",
    "x-forwarded-for",
    "x-forwarded-host",
    "x-forwarded-port",
    "x-forwarded-proto",
    "x-real-ip",
];

/// The proxies whose forwarded headers are believed (`--trusted-proxies`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

/// A `--trusted-proxies` entry that is neither an address nor a CIDR block.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an IP address or a CIDR block (e.g. 10.0.0.0/8, fd00::/8, 127.0.0.1)")]
pub struct InvalidProxy(String);

impl FromStr for TrustedProxies {
    type Err = InvalidProxy;

    /// Comma-separated addresses and CIDR blocks; empty means none.
    fn from_str(list: &str) -> Result<TrustedProxies, InvalidProxy> {
        list.split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                entry
                    .parse::<IpNet>()
                    .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                    .map(|net| net.trunc())
                    .map_err(|_| InvalidProxy(entry.to_owned()))
            })
            .collect::<Result<_, _>>()
            .map(TrustedProxies)
    }
}

impl fmt::Display for TrustedProxies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&list.join(","))
    }
}

impl TrustedProxies {
    /// Whether no proxy is trusted.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `peer` is one of the trusted proxies. An IPv4 peer accepted
    /// on an IPv6 socket (`::ffff:10.0.0.1`) is compared as IPv4.
    pub fn trusts(&self, peer: IpAddr) -> bool {
        let peer = peer.to_canonical();
        self.0.iter().any(|net| net.contains(&peer))
    }

    /// Removes the forwarded headers from `headers` unless `peer` is trusted;
    /// returns whether any was removed.
    pub fn sanitize(&self, peer: IpAddr, headers: &mut HeaderMap) -> bool {
        if self.trusts(peer) {
            return false;
        }
        let mut removed = false;
        for name in FORWARDED_HEADERS {
            removed |= headers.remove(name).is_some();
        }
        removed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers() -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("host", "gateway.internal:8080".parse().unwrap());
        headers.insert("x-forwarded-host", "chatops.example.com".parse().unwrap());
        headers.insert("x-forwarded-proto", "https".parse().unwrap());
        headers.insert(
            "forwarded",
            "host=chatops.example.com;proto=https".parse().unwrap(),
        );
        headers
    }

    #[test]
    fn the_list_takes_addresses_and_blocks() {
        let proxies: TrustedProxies = " 10.0.0.0/8, 192.168.1.7 ,fd00::/8,".parse().unwrap();
        assert_eq!(proxies.to_string(), "10.0.0.0/8,192.168.1.7/32,fd00::/8");
        assert!(proxies.trusts("10.1.2.3".parse().unwrap()));
        assert!(proxies.trusts("192.168.1.7".parse().unwrap()));
        assert!(!proxies.trusts("192.168.1.8".parse().unwrap()));
        assert!(proxies.trusts("fd12::1".parse().unwrap()));
        assert!(
            proxies.trusts("::ffff:10.9.9.9".parse().unwrap()),
            "IPv4 through an IPv6 socket"
        );
        assert_eq!(
            "10.0.0.1/8".parse::<TrustedProxies>().unwrap().to_string(),
            "10.0.0.0/8"
        );
        assert!("".parse::<TrustedProxies>().unwrap().is_empty());
        let err = "10.0.0.0/8,proxy.example".parse::<TrustedProxies>().unwrap_err();
        assert!(err.to_string().contains("\"proxy.example\""), "{err}");
        assert!("10.0.0.0/33".parse::<TrustedProxies>().is_err());
    }

    #[test]
    fn forwarded_headers_from_an_untrusted_peer_are_removed() {
        let proxies: TrustedProxies = "10.0.0.0/8".parse().unwrap();
        let mut from_anyone = headers();
        assert!(proxies.sanitize("203.0.113.9".parse().unwrap(), &mut from_anyone));
        assert_eq!(from_anyone.len(), 1, "{from_anyone:?}");
        assert_eq!(from_anyone["host"], "gateway.internal:8080");

        let mut from_the_proxy = headers();
        assert!(!proxies.sanitize("10.0.0.5".parse().unwrap(), &mut from_the_proxy));
        assert_eq!(from_the_proxy, headers());

        let mut nobody_trusted = headers();
        assert!(TrustedProxies::default().sanitize("127.0.0.1".parse().unwrap(), &mut nobody_trusted));
        assert!(!nobody_trusted.contains_key("x-forwarded-host"));
    }
}
