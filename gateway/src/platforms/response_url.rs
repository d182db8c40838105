//! Where a response URL may point.
//!
//! Slack and Mattermost send, inside each slash command or action, a URL to
//! answer at, and the gateway POSTs the answer there. The URL comes with the
//! request: followed wherever it points, a forged or captured request could
//! make the gateway POST to anything it can reach (its own admin port, a
//! cloud metadata endpoint, a service inside the cluster). So a response URL
//! is followed only to the platform's own hosts: `hooks.slack.com` for Slack,
//! the configured server's host for Mattermost, plus the hosts a ChatPlatform
//! lists in `responseUrlHosts`; over https, except to the Mattermost server
//! as configured; and to loopback only when the gateway was started with
//! `--allow-loopback-urls` (the demo and the tests).

use reqwest::Url;

/// Slack's response URL host (`https://hooks.slack.com/commands/…`,
/// `…/actions/…`).
pub const SLACK_HOST: &str = "hooks.slack.com";

/// The hosts a platform's response URLs may point to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponseUrls {
    /// Host names (lowercase), or `*.suffix` patterns, reached over https.
    hosts: Vec<String>,
    /// `host:port` origins also reached over plain http: the Mattermost
    /// server as configured, when its URL is http.
    plain_http: Vec<String>,
    /// Whether loopback addresses (`127.0.0.0/8`, `::1`, `localhost`) are
    /// allowed, over http or https.
    loopback: bool,
}

/// Why a response URL is not followed. Names the host, never the URL: a
/// response URL is a credential in itself.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UrlRefused {
    /// Not a URL with a host.
    #[error("the response URL is not a valid http(s) URL")]
    Invalid,
    /// A host that is not the platform's.
    #[error(
        "the response URL's host {host} is not one of this platform's ({allowed}); add it to the ChatPlatform's responseUrlHosts if it is"
    )]
    Host {
        /// The host asked for.
        host: String,
        /// The hosts allowed, for the admin reading the log.
        allowed: String,
    },
    /// Plain http to a host that is allowed over https only.
    #[error("the response URL for {host} is not https")]
    NotHttps {
        /// The host asked for.
        host: String,
    },
    /// Credentials in the URL, which no platform sends.
    #[error("the response URL carries a user name or password")]
    UserInfo,
}

impl ResponseUrls {
    /// Slack's: [`SLACK_HOST`] and `extra`.
    pub fn slack(extra: &[String], loopback: bool) -> Self {
        Self::new(
            std::iter::once(SLACK_HOST.to_owned()).chain(extra.iter().cloned()),
            Vec::new(),
            loopback,
        )
    }

    /// Mattermost's: the host of `server_url` (over its own scheme) and `extra`.
    pub fn mattermost(server_url: &str, extra: &[String], loopback: bool) -> Self {
        let server = Url::parse(server_url).ok();
        let host = server
            .as_ref()
            .and_then(|url| url.host_str().map(str::to_ascii_lowercase));
        let plain_http = server
            .as_ref()
            .filter(|url| url.scheme() == "http")
            .and_then(origin)
            .into_iter()
            .collect();
        Self::new(
            host.into_iter().chain(extra.iter().cloned()),
            plain_http,
            loopback,
        )
    }

    fn new(hosts: impl Iterator<Item = String>, plain_http: Vec<String>, loopback: bool) -> Self {
        let mut hosts: Vec<String> = hosts
            .map(|h| h.trim().to_ascii_lowercase())
            .filter(|h| !h.is_empty())
            .collect();
        hosts.sort();
        hosts.dedup();
        Self {
            hosts,
            plain_http,
            loopback,
        }
    }

    /// The parsed `url` to post an answer to, or why it is not followed, as
    /// the clients' `respond` reports it.
    pub fn follow(&self, url: &str) -> Result<Url, crate::platforms::DispatchError> {
        self.check(url)
            .map_err(|reason| crate::platforms::DispatchError::UrlRefused {
                api: "response_url",
                reason,
            })
    }

    /// Whether `url` may be followed; the parsed URL if so.
    pub fn check(&self, url: &str) -> Result<Url, UrlRefused> {
        let parsed = Url::parse(url).map_err(|_| UrlRefused::Invalid)?;
        if !matches!(parsed.scheme(), "https" | "http") {
            return Err(UrlRefused::Invalid);
        }
        let host = parsed.host_str().ok_or(UrlRefused::Invalid)?.to_ascii_lowercase();
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(UrlRefused::UserInfo);
        }
        if self.loopback && is_loopback(&parsed) {
            return Ok(parsed);
        }
        if !self.hosts.iter().any(|allowed| matches_host(allowed, &host)) {
            return Err(UrlRefused::Host {
                host,
                allowed: self.hosts.join(", "),
            });
        }
        let plain_ok = origin(&parsed).is_some_and(|o| self.plain_http.contains(&o));
        if parsed.scheme() != "https" && !plain_ok {
            return Err(UrlRefused::NotHttps { host });
        }
        Ok(parsed)
    }
}

/// `host:port` of an http(s) URL, with the scheme's default port filled in.
fn origin(url: &Url) -> Option<String> {
    Some(format!(
        "{}:{}",
        url.host_str()?.to_ascii_lowercase(),
        url.port_or_known_default()?
    ))
}

/// `allowed` is a host name, or `*.suffix` for any host below `suffix`. A
/// pattern never matches an IP address: those must be listed as they are.
fn matches_host(allowed: &str, host: &str) -> bool {
    match allowed.strip_prefix("*.") {
        Some(suffix) => {
            host.parse::<std::net::IpAddr>().is_err()
                && !host.starts_with('[')
                && host.len() > suffix.len() + 1
                && host.ends_with(suffix)
                && host.as_bytes()[host.len() - suffix.len() - 1] == b'.'
        }
        None => allowed == host,
    }
}

fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let address = host.trim_start_matches('[').trim_end_matches(']');
    match address.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `urls` says of `url`, in a word (a refusal over plain http with its host).
    fn verdict(urls: &ResponseUrls, url: &str) -> String {
        match urls.check(url) {
            Ok(_) => "ok".into(),
            Err(UrlRefused::Host { .. }) => "host".into(),
            Err(UrlRefused::NotHttps { host }) => format!("http {host}"),
            Err(UrlRefused::UserInfo) => "userinfo".into(),
            Err(UrlRefused::Invalid) => "invalid".into(),
        }
    }

    #[test]
    fn response_urls_are_followed_only_to_the_platforms_hosts() {
        let slack = ResponseUrls::slack(&[], false);
        let listed = ["hooks.slack-gov.com".into(), "*.proxy.example.com".into()];
        let listed = ResponseUrls::slack(&listed, false);
        let by_ip = ResponseUrls::slack(&["*.0.0.1".into()], false);
        let internal = ResponseUrls::mattermost("http://mattermost.chat.svc:8065", &[], false);
        let public = ["chat-internal.example.com".into()];
        let public = ResponseUrls::mattermost("https://chat.example.com", &public, false);
        let demo = ResponseUrls::slack(&[], true);
        let cases = [
            // Slack: hooks.slack.com over https.
            (&slack, "https://hooks.slack.com/commands/T1/2/abc", "ok"),
            (&slack, "https://HOOKS.slack.com:443/actions/T1/2/abc", "ok"),
            (
                &slack,
                "http://hooks.slack.com/commands/T1/2/abc",
                "http hooks.slack.com",
            ),
            (&slack, "http://127.0.0.1:9090/metrics", "host"),
            (&slack, "https://localhost/x", "host"),
            (&slack, "https://169.254.169.254/latest/meta-data", "host"),
            (&slack, "https://hooks.slack.com.evil.example/x", "host"),
            (&slack, "https://evilhooks.slack.com/x", "host"),
            (&slack, "https://kubernetes.default.svc/api", "host"),
            (&slack, "https://[::1]:9090/", "host"),
            (&slack, "https://user:pw@hooks.slack.com/x", "userinfo"),
            (&slack, "file:///etc/passwd", "invalid"),
            (&slack, "not a url", "invalid"),
            // Listed hosts and patterns; a pattern never matches an address.
            (&listed, "https://hooks.slack-gov.com/commands/x", "ok"),
            (&listed, "https://a.proxy.example.com/x", "ok"),
            (&listed, "https://a.b.proxy.example.com/x", "ok"),
            (&listed, "https://proxy.example.com/x", "host"),
            (&listed, "https://xproxy.example.com/x", "host"),
            (&by_ip, "https://127.0.0.1/x", "host"),
            // Mattermost: its server over its own scheme, plain http only to the configured port.
            (
                &internal,
                "http://mattermost.chat.svc:8065/hooks/commands/x",
                "ok",
            ),
            (&internal, "https://mattermost.chat.svc/hooks/commands/x", "ok"),
            (
                &internal,
                "http://mattermost.chat.svc:9090/metrics",
                "http mattermost.chat.svc",
            ),
            (&public, "https://chat.example.com/hooks/commands/x", "ok"),
            (
                &public,
                "https://chat-internal.example.com/hooks/commands/x",
                "ok",
            ),
            (
                &public,
                "http://chat.example.com/hooks/commands/x",
                "http chat.example.com",
            ),
            (&public, "https://127.0.0.1:9090/", "host"),
            // Loopback only when allowed, and loopback is not every private address.
            (&slack, "http://127.0.0.1:9999/answer", "host"),
            (&slack, "http://localhost:9999/", "host"),
            (&slack, "http://[::1]:9999/", "host"),
            (&slack, "http://127.1.2.3/", "host"),
            (&demo, "http://127.0.0.1:9999/answer", "ok"),
            (&demo, "http://localhost:9999/", "ok"),
            (&demo, "http://[::1]:9999/", "ok"),
            (&demo, "http://127.1.2.3/", "ok"),
            (&demo, "http://10.0.0.1/", "host"),
        ];
        for (urls, url, expected) in cases {
            assert_eq!(verdict(urls, url), expected, "{url}");
        }
    }

    #[test]
    fn the_refusal_names_the_host_and_never_the_url() {
        let slack = ResponseUrls::slack(&[], false);
        let url = "https://evil.example.com/commands/T1/2/secret-token-part";
        let err = slack.check(url).unwrap_err().to_string();
        assert!(err.contains("evil.example.com"), "{err}");
        assert!(err.contains("hooks.slack.com"), "{err}");
        assert!(!err.contains("secret-token-part"), "{err}");
    }
}
