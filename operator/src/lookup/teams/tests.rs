//! Microsoft Graph's answers, from a fake identity platform and Graph.

use serde_json::json;
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{body_string_contains, header, method, path, query_param},
};

use super::*;
use crate::lookup::http::{base_url, client};

const PASSWORD: &str = "app-password-value";

async fn teams(tenant: Option<&str>) -> (MockServer, Teams) {
    let server = MockServer::start().await;
    let base = base_url("Microsoft", &server.uri()).unwrap();
    let app = App {
        id: "app-id-1".to_owned(),
        password: Token::new(PASSWORD),
        tenant_id: tenant.map(str::to_owned),
    };
    let teams = Teams::new(client().unwrap(), base.clone(), base, app);
    (server, teams)
}

async fn token_endpoint(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path("/tenant-1/oauth2/v2.0/token"))
        .and(body_string_contains("grant_type=client_credentials"))
        .and(body_string_contains("client_id=app-id-1"))
        .and(body_string_contains(
            "scope=https%3A%2F%2Fgraph.microsoft.com%2F.default",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "token_type": "Bearer", "expires_in": 3599, "access_token": "graph-token",
        })))
        .expect(1)
        .mount(server)
        .await;
}

fn user(email: &str) -> wiremock::MockBuilder {
    Mock::given(method("GET"))
        .and(path(format!("/v1.0/users/{email}")))
        .and(query_param("$select", "id"))
        .and(header("authorization", "Bearer graph-token"))
}

#[tokio::test]
async fn a_user_is_found_through_graph_with_one_token_per_run() {
    let (server, teams) = teams(Some("tenant-1")).await;
    token_endpoint(&server).await;
    user("bob@example.com")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "6f1c-aad-object-id"})))
        .mount(&server)
        .await;
    user("nobody@example.com")
        .respond_with(
            ResponseTemplate::new(404).set_body_json(json!({"error": {"code": "Request_ResourceNotFound"}})),
        )
        .mount(&server)
        .await;
    assert_eq!(
        teams.user_id("bob@example.com").await.unwrap(),
        "6f1c-aad-object-id"
    );
    assert!(matches!(
        teams.user_id("nobody@example.com").await.unwrap_err(),
        LookupError::NotFound(_)
    ));
}

#[tokio::test]
async fn without_the_graph_permission_the_error_says_which_one() {
    let (server, teams) = teams(Some("tenant-1")).await;
    token_endpoint(&server).await;
    user("bob@example.com")
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_json(json!({"error": {"code": "Authorization_RequestDenied"}})),
        )
        .mount(&server)
        .await;
    let error = teams.user_id("bob@example.com").await.unwrap_err();
    assert!(error.to_string().contains("User.Read.All"), "{error}");
    assert!(
        error.to_string().contains("Authorization_RequestDenied"),
        "{error}"
    );
}

#[tokio::test]
async fn a_refused_token_request_never_shows_the_password() {
    let (server, teams) = teams(Some("tenant-1")).await;
    Mock::given(method("POST"))
        .and(path("/tenant-1/oauth2/v2.0/token"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided.",
        })))
        .mount(&server)
        .await;
    let error = teams.user_id("bob@example.com").await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "Microsoft Teams refused the look-up: the Microsoft identity platform refused a Graph token \
         (HTTP 401 invalid_client): check appId, the app password and tenantId"
    );
    assert!(!format!("{error:?} {teams:?}").contains(PASSWORD));
}

#[tokio::test]
async fn a_multi_tenant_bot_and_channel_names_are_unsupported_without_a_request() {
    let (server, teams) = teams(None).await;
    let error = teams.user_id("bob@example.com").await.unwrap_err();
    assert!(matches!(error, LookupError::Unsupported(_)));
    assert!(error.to_string().contains("set chatUserId"), "{error}");
    assert!(error.is_permanent());
    assert!(matches!(
        teams.channel_id("General").await.unwrap_err(),
        LookupError::Unsupported(_)
    ));
    assert!(server.received_requests().await.unwrap().is_empty());
}
