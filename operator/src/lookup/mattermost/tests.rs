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
    let ok = |body| ResponseTemplate::new(200).set_body_json(body);
    let teams = json!([{"id": "team-a", "name": "netops"}, {"id": "team-b", "name": "security"}]);
    // What the server answers, by path.
    let mut answers = vec![
        (
            "/api/v4/teams/name/netops/channels/name/town-square".to_owned(),
            ok(json!({"id": "ch-netops-town"})),
        ),
        ("/api/v4/users/me/teams".to_owned(), ok(teams)),
        (
            "/api/v4/teams/team-a/channels/name/lab".to_owned(),
            ok(json!({"id": "ch-lab"})),
        ),
        // A private channel the bot is not in answers 403: not there, as far as the bot can tell.
        (
            "/api/v4/teams/team-b/channels/name/lab".to_owned(),
            ResponseTemplate::new(403),
        ),
    ];
    for team in ["team-a", "team-b"] {
        let channel = |name: &str| format!("/api/v4/teams/{team}/channels/name/{name}");
        answers.push((channel("town-square"), ok(json!({"id": format!("ch-{team}")}))));
        answers.push((channel("nowhere"), not_found()));
    }
    for (at, answer) in answers {
        get(&at).respond_with(answer).mount(&server).await;
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
