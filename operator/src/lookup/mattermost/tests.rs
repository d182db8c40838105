//! Mattermost's answers, from a fake server.

use serde_json::json;
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{header, method, path},
};

use super::*;
use crate::lookup::http::{base_url, client};

const TOKEN: &str = "mattermost-bot-token";

async fn mattermost() -> (MockServer, Mattermost) {
    let server = MockServer::start().await;
    // A trailing slash on the configured URL must not double up in paths.
    let base = base_url("Mattermost", &format!("{}/", server.uri())).unwrap();
    (
        server,
        Mattermost::new(client().unwrap(), base, Token::new(TOKEN)),
    )
}

fn get(at: &str) -> wiremock::MockBuilder {
    Mock::given(method("GET"))
        .and(path(at))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
}

fn not_found() -> ResponseTemplate {
    ResponseTemplate::new(404).set_body_json(json!({
        "id": "app.user.missing.app_error", "message": "Unable to find the user.", "status_code": 404,
    }))
}

#[tokio::test]
async fn a_channel_is_found_in_a_named_team_or_the_one_team_that_has_it() {
    let (server, mattermost) = mattermost().await;
    get("/api/v4/teams/name/netops/channels/name/town-square")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "ch-netops-town"})))
        .mount(&server)
        .await;
    get("/api/v4/users/me/teams")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"id": "team-a", "name": "netops"}, {"id": "team-b", "name": "security"},
        ])))
        .mount(&server)
        .await;
    get("/api/v4/teams/team-a/channels/name/lab")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "ch-lab"})))
        .mount(&server)
        .await;
    // A private channel the bot is not in answers 403: not there, as far as the bot can tell.
    get("/api/v4/teams/team-b/channels/name/lab")
        .respond_with(ResponseTemplate::new(403))
        .mount(&server)
        .await;
    for team in ["team-a", "team-b"] {
        get(&format!("/api/v4/teams/{team}/channels/name/town-square"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": format!("ch-{team}")})))
            .mount(&server)
            .await;
        get(&format!("/api/v4/teams/{team}/channels/name/nowhere"))
            .respond_with(not_found())
            .mount(&server)
            .await;
    }
    assert_eq!(
        mattermost.channel_id("netops/town-square").await.unwrap(),
        "ch-netops-town"
    );
    assert_eq!(mattermost.channel_id("Lab").await.unwrap(), "ch-lab");
    let error = mattermost.channel_id("town-square").await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "the Mattermost teams netops, security each have a channel town-square; write team/town-square"
    );
    assert!(matches!(
        mattermost.channel_id("nowhere").await.unwrap_err(),
        LookupError::NotFound(_)
    ));
}
