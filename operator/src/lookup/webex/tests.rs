//! Webex's answers, from a fake REST API.

use serde_json::json;
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{method, path, query_param},
};

use super::*;
use crate::lookup::http::{base_url, client};

const TOKEN: &str = "webex-bot-token";

async fn webex() -> (MockServer, Webex) {
    let server = MockServer::start().await;
    let base = base_url("Webex", &server.uri()).unwrap();
    (server, Webex::new(client().unwrap(), base, Token::new(TOKEN)))
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
