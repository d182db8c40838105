//! Webex's answers, from a fake REST API.

use std::time::Duration;

use serde_json::json;
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{header, method, path, query_param},
};

use super::*;
use crate::lookup::http::{base_url, client};

const TOKEN: &str = "webex-bot-token";

async fn webex() -> (MockServer, Webex) {
    let server = MockServer::start().await;
    let base = base_url("Webex", &server.uri()).unwrap();
    (server, Webex::new(client().unwrap(), base, Token::new(TOKEN)))
}

fn people(email: &str) -> wiremock::MockBuilder {
    Mock::given(method("GET"))
        .and(path("/v1/people"))
        .and(query_param("email", email))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
}

#[tokio::test]
async fn a_person_is_found_by_email_and_an_empty_list_is_not_found() {
    let (server, webex) = webex().await;
    people("bob@example.com")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "items": [{"id": "Y2lzY29zcGFyazovL3VzL1BFT1BMRS9ib2I", "emails": ["bob@example.com"]}],
        })))
        .mount(&server)
        .await;
    people("nobody@example.com")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"items": []})))
        .mount(&server)
        .await;
    assert_eq!(
        webex.user_id("bob@example.com").await.unwrap(),
        "Y2lzY29zcGFyazovL3VzL1BFT1BMRS9ib2I"
    );
    assert_eq!(
        webex.user_id("nobody@example.com").await.unwrap_err(),
        LookupError::NotFound("no Webex person has the email nobody@example.com".to_owned())
    );
}

#[tokio::test]
async fn errors_carry_the_message_and_tracking_id_and_429_its_retry_after() {
    let (server, webex) = webex().await;
    people("bad@example.com")
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "message": "The request requires a valid access token set in the Authorization request header.",
            "trackingId": "ROUTER_6543",
        })))
        .mount(&server)
        .await;
    people("busy@example.com")
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "15"))
        .mount(&server)
        .await;
    people("odd@example.com")
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"items\": "))
        .mount(&server)
        .await;
    let error = webex.user_id("bad@example.com").await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "Webex refused the look-up: HTTP 401: The request requires a valid access token set in the Authorization \
         request header. (check the ChatPlatform's bot token) [trackingId ROUTER_6543]"
    );
    assert!(!error.to_string().contains(TOKEN));
    assert_eq!(
        webex.user_id("busy@example.com").await.unwrap_err().retry_after(),
        Some(Duration::from_secs(15))
    );
    assert!(matches!(
        webex.user_id("odd@example.com").await.unwrap_err(),
        LookupError::Malformed { .. }
    ));
}

#[tokio::test]
async fn rooms_are_found_by_title_following_next_links_on_the_same_origin_only() {
    let (server, webex) = webex().await;
    let next = format!("{}/v1/rooms?cursor=page2", server.uri());
    // Each page: what asks for it, its `Link` header, its rooms.
    let pages = [
        (
            query_param("type", "group"),
            format!("<{next}>; rel=\"next\""),
            json!([
                {"id": "ROOM-NOC", "title": "Network Operations Center", "type": "group"},
                {"id": "ROOM-A", "title": "Twins", "type": "group"},
            ]),
        ),
        (
            query_param("cursor", "page2"),
            // A link elsewhere would carry the token there: not followed.
            "<https://evil.example.com/v1/rooms>; rel=\"next\"".to_owned(),
            json!([
                {"id": "ROOM-B", "title": "twins", "type": "group"},
                {"id": "ROOM-C", "title": "twins", "type": "group"},
            ]),
        ),
    ];
    for (asked, link, rooms) in pages {
        let page = ResponseTemplate::new(200)
            .insert_header("link", link.as_str())
            .set_body_json(json!({ "items": rooms }));
        Mock::given(method("GET"))
            .and(path("/v1/rooms"))
            .and(asked)
            .respond_with(page)
            .expect(1)
            .mount(&server)
            .await;
    }
    // `Twins`: an exact title wins.
    let found = [
        ("Network Operations Center", "ROOM-NOC"),
        ("network operations center", "ROOM-NOC"),
        ("Twins", "ROOM-A"),
    ];
    for (title, room) in found {
        assert_eq!(webex.channel_id(title).await.unwrap(), room, "{title}");
    }
    let error = webex.channel_id("TWINS").await.unwrap_err();
    assert!(matches!(error, LookupError::Ambiguous(_)), "{error:?}");
    let error = webex.channel_id("Elsewhere").await.unwrap_err();
    assert!(matches!(error, LookupError::NotFound(_)), "{error:?}");
}
