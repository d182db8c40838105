//! Requests signed as each chat platform signs them, in one place:
//!
//! - Slack: `X-Slack-Signature`, HMAC-SHA256 of `v0:{timestamp}:{body}`;
//! - Webex: `X-Spark-Signature`, HMAC-SHA1 of the body;
//! - Mattermost: the slash command's token, in the body and as `Authorization: Token`;
//! - Teams: a Bot Connector JWT ([`crate::fake_teams::sign`]) as `Authorization: Bearer`.
//!
//! The signatures are computed here, not with the gateway's own functions, so
//! that a mistake in the gateway's verification cannot hide behind the same
//! mistake in the tests.

use hmac::{Hmac, Mac};
use serde_json::Value;

use crate::fake_teams;

/// The content type of Slack's and Mattermost's slash commands.
pub const FORM: &str = "application/x-www-form-urlencoded";

/// Slack's `X-Slack-Signature` of `body` sent at `timestamp` (Unix seconds, as text).
pub fn slack_signature(secret: &[u8], timestamp: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(format!("v0:{timestamp}:").as_bytes());
    mac.update(body);
    format!("v0={}", hex::encode(mac.finalize().into_bytes()))
}

/// Webex's `X-Spark-Signature` of `body`.
pub fn webex_signature(secret: &[u8], body: &[u8]) -> String {
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// Posts `body` to `url` with Slack's headers, signed with `secret` at `timestamp`.
pub async fn post_slack(
    url: &str,
    secret: &str,
    timestamp: i64,
    body: &str,
    content_type: &str,
) -> reqwest::Response {
    let signature = slack_signature(secret.as_bytes(), &timestamp.to_string(), body.as_bytes());
    reqwest::Client::new()
        .post(url)
        .header("X-Slack-Request-Timestamp", timestamp.to_string())
        .header("X-Slack-Signature", signature)
        .header("Content-Type", content_type)
        .body(body.to_owned())
        .send()
        .await
        .expect("the gateway answers")
}

/// Posts a Webex webhook delivery `body` to `url`, with `signature` as
/// `X-Spark-Signature` (none: unsigned).
pub async fn post_webex(url: &str, body: &[u8], signature: Option<&str>) -> reqwest::Response {
    let mut request = reqwest::Client::new()
        .post(url)
        .header("Content-Type", "application/json")
        .body(body.to_vec());
    if let Some(signature) = signature {
        request = request.header("X-Spark-Signature", signature);
    }
    request.send().await.expect("the gateway answers")
}

/// Posts the webhook delivery `event` to `url`, signed with `secret` as Webex signs it.
pub async fn post_webex_signed(url: &str, secret: &str, event: &Value) -> reqwest::Response {
    let body = event.to_string();
    let signature = webex_signature(secret.as_bytes(), body.as_bytes());
    post_webex(url, body.as_bytes(), Some(&signature)).await
}

/// A Mattermost slash command: what `tryExecuteCustomCommand` sends.
#[derive(Clone, Debug)]
pub struct MattermostSlash<'a> {
    /// The slash command's token.
    pub token: &'a str,
    /// `team_id`.
    pub team: &'a str,
    /// `channel_id`.
    pub channel: &'a str,
    /// `user_id`.
    pub user: &'a str,
    /// `user_name`.
    pub user_name: &'a str,
    /// What follows the command.
    pub text: &'a str,
    /// Where the answer goes.
    pub response_url: &'a str,
}

impl MattermostSlash<'_> {
    /// The form-encoded body of `/chatops`, fields as Mattermost orders them.
    pub fn body(&self) -> String {
        self.body_of("/chatops")
    }

    /// The form-encoded body of the slash command `command` (e.g. `/awx`).
    pub fn body_of(&self, command: &str) -> String {
        form_urlencoded::Serializer::new(String::new())
            .append_pair("channel_id", self.channel)
            .append_pair("channel_name", "town-square")
            .append_pair("command", command)
            .append_pair("response_url", self.response_url)
            .append_pair("root_id", "")
            .append_pair("team_domain", "example")
            .append_pair("team_id", self.team)
            .append_pair("text", self.text)
            .append_pair("token", self.token)
            .append_pair("trigger_id", "dHJpZ2dlcg")
            .append_pair("user_id", self.user)
            .append_pair("user_name", self.user_name)
            .finish()
    }

    /// Posts it to `url` with the token as `Authorization: Token`, adding `headers`.
    pub async fn post(&self, url: &str, headers: &[(&str, &str)]) -> reqwest::Response {
        self.post_of("/chatops", url, headers).await
    }

    /// [`MattermostSlash::post`] of the slash command `command` (e.g. `/awx`).
    pub async fn post_of(&self, command: &str, url: &str, headers: &[(&str, &str)]) -> reqwest::Response {
        let mut request = reqwest::Client::new()
            .post(url)
            .header("Content-Type", FORM)
            .header("Accept", "application/json")
            .header("Authorization", format!("Token {}", self.token));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request
            .body(self.body_of(command))
            .send()
            .await
            .expect("the gateway answers")
    }
}

/// A valid Bot Connector token (key A) for an activity with `service_url`.
pub fn teams_token(service_url: &str) -> String {
    fake_teams::sign(
        fake_teams::KEY_A_PEM,
        fake_teams::KEY_A_KID,
        &fake_teams::claims(service_url),
    )
}

/// Posts the Teams `activity` to `url` with `token` as its bearer token (none: no `Authorization`).
pub async fn post_teams(url: &str, token: Option<&str>, activity: &Value) -> reqwest::Response {
    let mut request = reqwest::Client::new()
        .post(url)
        .header("Content-Type", "application/json")
        .body(activity.to_string());
    if let Some(token) = token {
        request = request.header("Authorization", format!("Bearer {token}"));
    }
    request.send().await.expect("the gateway answers")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slack_signs_its_documented_request() {
        // From Slack's "Verifying requests from Slack".
        let body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
        let expected = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
        assert_eq!(
            slack_signature(b"8f742231b10e8888abcd99yyyzzz85a5", "1531420618", body.as_bytes()),
            expected
        );
    }

    #[test]
    fn webex_signs_with_hmac_sha1() {
        // RFC 2202, HMAC-SHA1 test case 2.
        let signature = webex_signature(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(signature, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
    }

    #[test]
    fn a_mattermost_slash_command_carries_its_token_and_fields() {
        let slash = MattermostSlash {
            token: "tok",
            team: "team1",
            channel: "chan1",
            user: "user1",
            user_name: "alice",
            text: "access admin",
            response_url: "http://127.0.0.1:1/hooks/commands/a",
        };
        let fields: Vec<(String, String)> = form_urlencoded::parse(slash.body().as_bytes())
            .into_owned()
            .collect();
        let field = |name: &str| {
            fields
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.as_str())
        };
        assert_eq!(field("token"), Some("tok"));
        assert_eq!(field("team_id"), Some("team1"));
        assert_eq!(field("channel_id"), Some("chan1"));
        assert_eq!(field("user_id"), Some("user1"));
        assert_eq!(field("user_name"), Some("alice"));
        assert_eq!(field("text"), Some("access admin"));
        assert_eq!(field("command"), Some("/chatops"));
    }
}
