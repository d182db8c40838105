//! Opening a WebSocket on the URL `apps.connections.open` gave, through the
//! gateway's one outbound HTTP client (its TLS roots, proxy settings and user
//! agent): an HTTP/1.1 `GET` asking to upgrade, the `101` checked as RFC 6455
//! says, then the WebSocket protocol over the upgraded connection.

use std::time::Duration;

use chatops_outbound::Client;
use reqwest::{StatusCode, header};
use tokio_tungstenite::{
    WebSocketStream,
    tungstenite::{
        handshake::{client::generate_key, derive_accept_key},
        protocol::{Role, WebSocketConfig},
    },
};

/// An open Socket Mode connection.
pub type Connection = WebSocketStream<reqwest::Upgraded>;

/// The largest message read from Slack. Envelopes are a few kilobytes (a
/// modal's submitted values at most tens of them).
pub const MAX_MESSAGE_BYTES: usize = 1 << 20;

/// Why a WebSocket could not be opened. None names the URL, whose ticket is a credential.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UpgradeError {
    /// The URL is not `wss://` (or `ws://`, which only tests use).
    #[error("apps.connections.open gave a URL that is not a WebSocket URL")]
    NotWebSocket,
    /// The server could not be reached, or did not answer in time.
    #[error("could not reach Slack's WebSocket server: {0}")]
    Transport(String),
    /// The server answered, but did not switch protocols.
    #[error("Slack's WebSocket server answered {0} instead of switching to WebSocket")]
    Refused(u16),
    /// The server switched, but not as RFC 6455 requires (a proxy in the way).
    #[error("the WebSocket handshake was not answered as RFC 6455 requires ({0})")]
    Handshake(&'static str),
}

/// The `https://` URL the `wss://` one is reached at (reqwest speaks HTTP).
fn http_url(url: &str) -> Result<String, UpgradeError> {
    let (scheme, rest) = url.split_once("://").ok_or(UpgradeError::NotWebSocket)?;
    match scheme.to_ascii_lowercase().as_str() {
        "wss" => Ok(format!("https://{rest}")),
        "ws" => Ok(format!("http://{rest}")),
        _ => Err(UpgradeError::NotWebSocket),
    }
}

/// Whether `headers` of a `101` accept the `key` sent.
fn accepted(headers: &header::HeaderMap, key: &str) -> Result<(), UpgradeError> {
    let has = |name: header::HeaderName, value: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|part| part.trim().eq_ignore_ascii_case(value)))
    };
    if !has(header::UPGRADE, "websocket") {
        return Err(UpgradeError::Handshake("no Upgrade: websocket"));
    }
    if !has(header::CONNECTION, "upgrade") {
        return Err(UpgradeError::Handshake("no Connection: Upgrade"));
    }
    let expected = derive_accept_key(key.as_bytes());
    match headers.get(header::SEC_WEBSOCKET_ACCEPT) {
        Some(accept) if accept.as_bytes() == expected.as_bytes() => Ok(()),
        _ => Err(UpgradeError::Handshake("a wrong Sec-WebSocket-Accept")),
    }
}

/// Opens a WebSocket on `url` through `http` (which must speak HTTP/1.1
/// only: HTTP/2 carries no upgrade), within `timeout`.
pub async fn open(http: &Client, url: &str, timeout: Duration) -> Result<Connection, UpgradeError> {
    let key = generate_key();
    let request = http
        .get(http_url(url)?)
        .header(header::CONNECTION, "Upgrade")
        .header(header::UPGRADE, "websocket")
        .header(header::SEC_WEBSOCKET_VERSION, "13")
        .header(header::SEC_WEBSOCKET_KEY, &key)
        .timeout(timeout);
    let transport =
        |err: reqwest::Error| UpgradeError::Transport(chatops_outbound::describe(&err.without_url()));
    let response = request.send().await.map_err(transport)?;
    if response.status() != StatusCode::SWITCHING_PROTOCOLS {
        return Err(UpgradeError::Refused(response.status().as_u16()));
    }
    accepted(response.headers(), &key)?;
    let upgraded = response.upgrade().await.map_err(transport)?;
    let config = WebSocketConfig::default()
        .max_message_size(Some(MAX_MESSAGE_BYTES))
        .max_frame_size(Some(MAX_MESSAGE_BYTES));
    Ok(WebSocketStream::from_raw_socket(upgraded, Role::Client, Some(config)).await)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn websocket_urls_are_reached_over_http() {
        assert_eq!(
            http_url("wss://wss-primary.slack.com/link/?ticket=t&app_id=A1").unwrap(),
            "https://wss-primary.slack.com/link/?ticket=t&app_id=A1"
        );
        assert_eq!(
            http_url("ws://127.0.0.1:9/link/").unwrap(),
            "http://127.0.0.1:9/link/"
        );
        for bad in ["https://slack.com", "link", "ftp://x"] {
            assert_eq!(http_url(bad).unwrap_err(), UpgradeError::NotWebSocket, "{bad}");
        }
    }

    #[test]
    fn a_switch_counts_only_with_the_accept_key_rfc_6455_derives() {
        // RFC 6455, section 1.3's own example.
        let key = "dGhlIHNhbXBsZSBub25jZQ==";
        let mut headers = header::HeaderMap::new();
        headers.insert(header::UPGRADE, "websocket".parse().unwrap());
        headers.insert(header::CONNECTION, "Upgrade".parse().unwrap());
        headers.insert(
            header::SEC_WEBSOCKET_ACCEPT,
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=".parse().unwrap(),
        );
        assert_eq!(accepted(&headers, key), Ok(()));
        headers.insert(header::SEC_WEBSOCKET_ACCEPT, "wrong".parse().unwrap());
        assert_eq!(
            accepted(&headers, key),
            Err(UpgradeError::Handshake("a wrong Sec-WebSocket-Accept"))
        );
        headers.remove(header::UPGRADE);
        assert_eq!(
            accepted(&headers, key),
            Err(UpgradeError::Handshake("no Upgrade: websocket"))
        );
    }
}
