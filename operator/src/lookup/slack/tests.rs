//! Slack's answers, from a fake Web API.

use serde_json::json;
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{header, method, path, query_param, query_param_is_missing},
};

use super::*;
use crate::lookup::http::{base_url, client};

const TOKEN: &str = "xoxb-test-token";

async fn slack() -> (MockServer, Slack) {
    let server = MockServer::start().await;
    let base = base_url("Slack", &format!("{}/api", server.uri())).unwrap();
    let slack = Slack::new(client().unwrap(), base, Token::new(TOKEN));
    (server, slack)
}

fn lookup_by_email(email: &str) -> wiremock::MockBuilder {
    Mock::given(method("GET"))
        .and(path("/api/users.lookupByEmail"))
        .and(query_param("email", email))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
}

#[tokio::test]
async fn a_missing_scope_is_named() {
    let (server, slack) = slack().await;
    lookup_by_email("scope@example.com")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "ok": false, "error": "missing_scope", "needed": "users:read.email", "provided": "chat:write",
        })))
        .mount(&server)
        .await;
    let error = slack.user_id("scope@example.com").await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "Slack refused the look-up: missing_scope: the bot token needs the scope users:read.email"
    );
}

#[tokio::test]
async fn malformed_answers_and_server_errors_are_errors_not_panics() {
    let (server, slack) = slack().await;
    lookup_by_email("html@example.com")
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>maintenance</html>"))
        .mount(&server)
        .await;
    lookup_by_email("shape@example.com")
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"ok": true, "user": {"name": "no id"}})),
        )
        .mount(&server)
        .await;
    lookup_by_email("down@example.com")
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    for email in ["html@example.com", "shape@example.com"] {
        let error = slack.user_id(email).await.unwrap_err();
        assert!(matches!(error, LookupError::Malformed { .. }), "{error:?}");
    }
    let error = slack.user_id("down@example.com").await.unwrap_err();
    assert_eq!(error.to_string(), "Slack could not be reached: HTTP 503");
}

#[tokio::test]
async fn channels_are_found_by_name_across_pages_listed_once() {
    let (server, slack) = slack().await;
    let list = || {
        Mock::given(method("GET"))
            .and(path("/api/conversations.list"))
            .and(query_param("types", "public_channel,private_channel"))
            .and(query_param("exclude_archived", "true"))
            .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
    };
    list()
        .and(query_param_is_missing("cursor"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "ok": true, "channels": [{"id": "C0GENERAL", "name": "general"}],
            "response_metadata": {"next_cursor": "dGVhbTpDMDYx"},
        })))
        .expect(1)
        .mount(&server)
        .await;
    list()
        .and(query_param("cursor", "dGVhbTpDMDYx"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "ok": true, "channels": [{"id": "C0NETOPS", "name": "netops", "is_private": true}],
            "response_metadata": {"next_cursor": ""},
        })))
        .expect(1)
        .mount(&server)
        .await;
    assert_eq!(slack.channel_id("netops").await.unwrap(), "C0NETOPS");
    assert_eq!(slack.channel_id("General").await.unwrap(), "C0GENERAL");
    let error = slack.channel_id("random").await.unwrap_err();
    assert!(matches!(error, LookupError::NotFound(_)), "{error:?}");
    assert!(error.to_string().contains("no Slack channel is named random"));
}

#[tokio::test]
async fn a_failed_channel_list_fails_each_name_alike() {
    let (server, slack) = slack().await;
    Mock::given(method("GET"))
        .and(path("/api/conversations.list"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"ok": false, "error": "missing_scope", "needed": "groups:read"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let first = slack.channel_id("netops").await.unwrap_err();
    assert_eq!(slack.channel_id("general").await.unwrap_err(), first);
    assert!(first.to_string().contains("groups:read"), "{first}");
}
