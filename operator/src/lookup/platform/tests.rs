//! What every platform answers for an email it knows, one it does not, a
//! refused token, a rate limit and an answer that does not parse, from one
//! fake server that plays all three APIs.

use std::time::Duration;

use reqwest::Url;
use serde_json::{Value, json};
use wiremock::{
    Mock, MockBuilder, MockServer, ResponseTemplate,
    matchers::{header, method, path, query_param},
};

use super::*;
use crate::lookup::http::client;

const TOKEN: &str = "bot-token";

/// One platform and its answers, each for its own email.
struct Case {
    /// The platform as errors name it; its fake API is under its name in lower case.
    platform: &'static str,
    resolver: fn(Url) -> Resolver,
    /// The request looking `email` up.
    request: fn(&str) -> MockBuilder,
    /// The answer for bob, whose ID is `id`.
    bob: Value,
    id: &'static str,
    /// The answer for nobody, and why nobody is not found.
    nobody: ResponseTemplate,
    not_found: &'static str,
    /// The answer when the token is refused, and what the error says.
    refused: ResponseTemplate,
    refused_says: &'static str,
    /// A 429, and the `Retry-After` in it.
    busy: ResponseTemplate,
    retry_after: u64,
    /// A 200 whose body does not parse.
    odd: &'static str,
}

fn get(at: &str) -> MockBuilder {
    Mock::given(method("GET"))
        .and(path(at))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
}

fn cases() -> [Case; 3] {
    [
        Case {
            platform: "Slack",
            resolver: |base| Resolver::Slack(Slack::new(client().unwrap(), base, Token::new(TOKEN))),
            request: |email| get("/slack/users.lookupByEmail").and(query_param("email", email)),
            bob: json!({"ok": true, "user": {"id": "U0BOB", "name": "bob", "profile": {"email": "bob@example.com"}}}),
            id: "U0BOB",
            nobody: ResponseTemplate::new(200).set_body_json(json!({"ok": false, "error": "users_not_found"})),
            not_found: "no Slack user has the email nobody@example.com (users_not_found)",
            refused: ResponseTemplate::new(200).set_body_json(json!({"ok": false, "error": "invalid_auth"})),
            refused_says: "Slack refused the look-up: invalid_auth: check the ChatPlatform's bot token",
            busy: ResponseTemplate::new(429)
                .insert_header("retry-after", "30")
                .set_body_json(json!({"ok": false, "error": "ratelimited"})),
            retry_after: 30,
            odd: "<html>maintenance</html>",
        },
        Case {
            platform: "Webex",
            resolver: |base| Resolver::Webex(Webex::new(client().unwrap(), base, Token::new(TOKEN))),
            request: |email| get("/webex/v1/people").and(query_param("email", email)),
            bob: json!({
                "items": [{"id": "Y2lzY29zcGFyazovL3VzL1BFT1BMRS9ib2I", "emails": ["bob@example.com"]}],
            }),
            id: "Y2lzY29zcGFyazovL3VzL1BFT1BMRS9ib2I",
            nobody: ResponseTemplate::new(200).set_body_json(json!({"items": []})),
            not_found: "no Webex person has the email nobody@example.com",
            refused: ResponseTemplate::new(401).set_body_json(json!({
                "message": "The request requires a valid access token set in the Authorization request header.",
                "trackingId": "ROUTER_6543",
            })),
            refused_says: "Webex refused the look-up: HTTP 401: The request requires a valid access token set in the \
                           Authorization request header. (check the ChatPlatform's bot token) [trackingId ROUTER_6543]",
            busy: ResponseTemplate::new(429).insert_header("Retry-After", "15"),
            retry_after: 15,
            odd: "{\"items\": ",
        },
        Case {
            platform: "Mattermost",
            resolver: |base| Resolver::Mattermost(Mattermost::new(client().unwrap(), base, Token::new(TOKEN))),
            request: |email| get(&format!("/mattermost/api/v4/users/email/{email}")),
            bob: json!({"id": "8x4kbob", "username": "bob"}),
            id: "8x4kbob",
            nobody: ResponseTemplate::new(404).set_body_json(json!({
                "id": "app.user.missing.app_error", "message": "Unable to find the user.", "status_code": 404,
            })),
            not_found: "no Mattermost user has the email nobody@example.com",
            refused: ResponseTemplate::new(401).set_body_json(json!({
                "id": "api.context.session_expired.app_error", "message": "Invalid or expired session, please login again.",
            })),
            refused_says: "Mattermost refused the look-up: HTTP 401: api.context.session_expired.app_error: Invalid or \
                           expired session, please login again. (check the ChatPlatform's bot token and the bot's \
                           permissions)",
            busy: ResponseTemplate::new(429).insert_header("retry-after", "2"),
            retry_after: 2,
            odd: "{\"id\": ",
        },
    ]
}

#[tokio::test]
async fn users_are_found_by_email_and_refusals_rate_limits_and_nonsense_are_errors_without_the_token() {
    let server = MockServer::start().await;
    for case in cases() {
        let platform = case.platform;
        let base = format!("{}/{}", server.uri(), platform.to_lowercase());
        let answers = [
            (
                "bob@example.com",
                ResponseTemplate::new(200).set_body_json(case.bob),
            ),
            ("nobody@example.com", case.nobody),
            ("bad@example.com", case.refused),
            ("busy@example.com", case.busy),
            (
                "odd@example.com",
                ResponseTemplate::new(200).set_body_string(case.odd),
            ),
        ];
        for (email, answer) in answers {
            (case.request)(email)
                .respond_with(answer)
                .expect(1)
                .mount(&server)
                .await;
        }
        let resolver = &(case.resolver)(base_url(platform, &base).unwrap());
        let look_up = |email: &str| {
            let query = Query::Email(email.to_owned());
            async move { resolver.resolve(&query).await }
        };

        assert_eq!(
            look_up("bob@example.com").await,
            Ok(case.id.to_owned()),
            "{platform}"
        );
        let not_found = LookupError::NotFound(case.not_found.to_owned());
        assert_eq!(look_up("nobody@example.com").await, Err(not_found), "{platform}");
        let refused = look_up("bad@example.com").await.unwrap_err();
        assert_eq!(refused.to_string(), case.refused_says);
        assert!(!format!("{refused} {refused:?}").contains(TOKEN), "{refused:?}");
        let retry_after = Some(Duration::from_secs(case.retry_after));
        let rate_limited = LookupError::RateLimited {
            platform,
            retry_after,
        };
        assert_eq!(look_up("busy@example.com").await, Err(rate_limited));
        let odd = look_up("odd@example.com").await.unwrap_err();
        assert!(matches!(odd, LookupError::Malformed { .. }), "{odd:?}");
    }
}
