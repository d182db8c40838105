use std::time::Duration;

use serde_json::{Value, json};
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{body_json, header, path, query_param},
};

use super::*;
use crate::workers::nautobot::tests::api;

const TOKEN: &str = "0123456789abcdef0123456789abcdef01234567";

async fn nautobot() -> (MockServer, NautobotClient) {
    let server = MockServer::start().await;
    let client = NautobotClient::new(&ClientSettings {
        endpoint: format!("{}/", server.uri()),
        timeout: Duration::from_millis(500),
        ca_bundle_pem: None,
        insecure_skip_verify: false,
    })
    .unwrap();
    (server, client)
}

fn alice() -> UserToken {
    UserToken::new("alice", TOKEN)
}

fn device(name: &str) -> Value {
    json!({"id": format!("id-{name}"), "name": name})
}

/// Nautobot answers whatever is asked of `object` (under `/api/`) with `answer`.
async fn answers(server: &MockServer, object: &str, answer: ResponseTemplate) {
    Mock::given(path(format!("/api/{object}")))
        .respond_with(answer)
        .mount(server)
        .await;
}

#[derive(serde::Deserialize, Debug, PartialEq)]
struct Device {
    name: String,
}

#[tokio::test]
async fn a_list_is_followed_through_its_pages_with_the_users_token() {
    let (server, client) = nautobot().await;
    let second = format!(
        "{}/api/dcim/devices/?limit=2&offset=2&location=ams01",
        server.uri()
    );
    api("GET", "dcim/devices/")
        .and(query_param("location", "ams01"))
        .and(query_param("limit", "100"))
        .and(header("authorization", format!("Token {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"count": 3, "next": second, "previous": null, "results": [device("ams01-leaf-01"), device("ams01-leaf-02")]}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    api("GET", "dcim/devices/")
        .and(query_param("offset", "2"))
        .and(header("authorization", format!("Token {TOKEN}").as_str()))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"count": 3, "next": null, "results": [device("ams01-spine-01")]})),
        )
        .expect(1)
        .mount(&server)
        .await;

    let page: Page<Device> = client
        .list(&alice(), "dcim/devices/", &[("location", "ams01")], 100)
        .await
        .unwrap();
    let names: Vec<&str> = page.results.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["ams01-leaf-01", "ams01-leaf-02", "ams01-spine-01"]);
    assert!(!page.truncated());
}

#[tokio::test]
async fn a_list_stops_at_the_number_asked_for_and_says_there_are_more() {
    let (server, client) = nautobot().await;
    api("GET", "dcim/devices/")
        .and(query_param("limit", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "count": 40, "next": format!("{}/api/dcim/devices/?offset=2", server.uri()),
            "results": [device("a"), device("b")]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let page: Page<Device> = client.list(&alice(), "dcim/devices/", &[], 2).await.unwrap();
    assert_eq!(page.results.len(), 2);
    assert_eq!(page.count, 40);
    assert!(page.truncated());
}

#[tokio::test]
async fn a_next_page_on_another_origin_is_not_followed() {
    let (server, client) = nautobot().await;
    api("GET", "dcim/devices/")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "count": 2, "next": "https://elsewhere.example.com/api/dcim/devices/?offset=1",
            "results": [device("a")]
        })))
        .mount(&server)
        .await;
    let error = client
        .list::<Device>(&alice(), "dcim/devices/", &[], 10)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("another origin"), "{error}");
}

#[tokio::test]
async fn http_errors_become_messages_for_the_person_asking() {
    let (server, client) = nautobot().await;
    for (status, object, body) in [
        (401, "users/tokens/", json!({"detail": "Invalid token."})),
        (
            403,
            "dcim/devices/4f6a2a3e-0000-4000-8000-000000000001/",
            json!({"detail": "no"}),
        ),
        (404, "dcim/racks/", json!({"detail": "Not found."})),
        (500, "dcim/cables/", json!({"detail": "database is down"})),
    ] {
        answers(&server, object, ResponseTemplate::new(status).set_body_json(body)).await;
    }
    let get = |p: &'static str| {
        let client = client.clone();
        async move { client.get::<Value>(&alice(), p, &[]).await.unwrap_err() }
    };
    assert_eq!(
        get("users/tokens/").await.to_string(),
        "Nautobot did not accept the token of alice"
    );
    let forbidden = client
        .patch::<Value>(
            &alice(),
            "dcim/devices/4f6a2a3e-0000-4000-8000-000000000001/",
            &json!({"status": "x"}),
        )
        .await
        .unwrap_err();
    assert_eq!(
        forbidden.to_string(),
        "you (linked as alice) may not change dcim/devices in Nautobot"
    );
    assert_eq!(
        get("dcim/racks/").await.to_string(),
        "Nautobot found nothing at dcim/racks"
    );
    assert_eq!(
        get("dcim/cables/").await.to_string(),
        "Nautobot answered 500: database is down"
    );
}

/// A job's inputs refused, as Nautobot 3.2.7 answered `POST extras/jobs/{id}/run/`.
#[tokio::test]
async fn a_jobs_refused_inputs_are_said_field_by_field() {
    let (server, client) = nautobot().await;
    let refused = json!({"errors": {
        "snapshot": ["Select a valid choice. 0a1b is not one of the available choices."],
        "dry_run": ["Job data contained an unknown property"]
    }});
    answers(
        &server,
        "extras/jobs/6c1f3a2e-8b4d-4e6f-9a0b-1c2d3e4f5a6b/run/",
        ResponseTemplate::new(400).set_body_json(refused),
    )
    .await;
    let error = client
        .post::<Value>(
            &alice(),
            "extras/jobs/6c1f3a2e-8b4d-4e6f-9a0b-1c2d3e4f5a6b/run/",
            &json!({"data": {}}),
            "run",
        )
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "Nautobot answered 400: dry_run: Job data contained an unknown property; \
         snapshot: Select a valid choice. 0a1b is not one of the available choices."
    );
}

/// A refusal about no field in particular, as Nautobot 3.2.7 answered a run
/// of a job with sensitive variables under an approval workflow.
#[tokio::test]
async fn a_refusal_about_no_field_is_said_as_it_is() {
    let (server, client) = nautobot().await;
    let said = "Unable to run or schedule job: This job is flagged as possibly having sensitive variables \
                but also has an applicable approval workflow definition.";
    answers(
        &server,
        "extras/jobs/6c1f3a2e-8b4d-4e6f-9a0b-1c2d3e4f5a6b/run/",
        ResponseTemplate::new(400).set_body_json(json!([said])),
    )
    .await;
    let error = client
        .post::<Value>(
            &alice(),
            "extras/jobs/6c1f3a2e-8b4d-4e6f-9a0b-1c2d3e4f5a6b/run/",
            &json!({"data": {}}),
            "run",
        )
        .await
        .unwrap_err();
    assert_eq!(error.to_string(), format!("Nautobot answered 400: {said}"));
}

#[tokio::test]
async fn slow_down_and_malformed_answers_are_clear_errors_without_the_token() {
    let (server, client) = nautobot().await;
    for (object, answer) in [
        (
            "slow/",
            ResponseTemplate::new(200).set_delay(Duration::from_secs(2)),
        ),
        (
            "garbled/",
            ResponseTemplate::new(200).set_body_string("<html>proxy error</html>"),
        ),
    ] {
        answers(&server, object, answer).await;
    }
    let slow = client.get::<Value>(&alice(), "slow/", &[]).await.unwrap_err();
    assert_eq!(slow, NautobotError::Timeout { seconds: 0 });
    let garbled = client.get::<Value>(&alice(), "garbled/", &[]).await.unwrap_err();
    assert!(matches!(garbled, NautobotError::Malformed(_)), "{garbled:?}");

    let down = NautobotClient::new(&ClientSettings {
        endpoint: "http://127.0.0.1:9".into(),
        timeout: Duration::from_secs(1),
        ca_bundle_pem: None,
        insecure_skip_verify: false,
    })
    .unwrap();
    let unreachable = down.get::<Value>(&alice(), "status/", &[]).await.unwrap_err();
    assert_eq!(
        unreachable.to_string(),
        "Nautobot at http://127.0.0.1:9 cannot be reached"
    );
    for error in [slow, garbled, unreachable] {
        assert!(!format!("{error} {error:?}").contains(TOKEN));
    }
    assert!(!format!("{:?}", alice()).contains(TOKEN));
}

#[tokio::test]
async fn graphql_returns_data_and_reports_errors() {
    let (server, client) = nautobot().await;
    let query = "query ($name: [String]) { devices(name: $name) { name } }";
    api("POST", "graphql/")
        .and(body_json(
            json!({"query": query, "variables": {"name": ["ams01-leaf-01"]}}),
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": {"devices": [{"name": "ams01-leaf-01"}]}})),
        )
        .mount(&server)
        .await;
    let data = client
        .graphql(&alice(), query, json!({"name": ["ams01-leaf-01"]}))
        .await
        .unwrap();
    assert_eq!(data["devices"][0]["name"], "ams01-leaf-01");

    server.reset().await;
    api("POST", "graphql/")
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"errors": [{"message": "Cannot query field \"nme\""}]})),
        )
        .mount(&server)
        .await;
    let error = client
        .graphql(&alice(), "{ devices { nme } }", json!({}))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "Nautobot could not answer the query: Cannot query field \"nme\""
    );
}

#[test]
fn object_names_drop_ids_and_slashes() {
    assert_eq!(
        object_name("dcim/devices/4f6a2a3e-0000-4000-8000-000000000001/"),
        "dcim/devices"
    );
    assert_eq!(object_name("/extras/jobs/"), "extras/jobs");
}

#[tokio::test]
async fn a_refused_action_names_what_was_acted_on() {
    let (server, client) = nautobot().await;
    api("POST", "extras/jobs/4f6a2a3e-0000-4000-8000-000000000001/run/")
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({"detail": "no"})))
        .mount(&server)
        .await;
    let viewer = UserToken::new("viewer", TOKEN);
    let refused = client
        .post::<Value>(
            &viewer,
            "extras/jobs/4f6a2a3e-0000-4000-8000-000000000001/run/",
            &json!({"data": {}}),
            "run",
        )
        .await
        .unwrap_err();
    assert_eq!(
        refused.to_string(),
        "you (linked as viewer) may not run extras/jobs in Nautobot"
    );
}

#[test]
fn an_endpoint_with_a_password_is_refused_without_repeating_it() {
    let settings = ClientSettings {
        endpoint: "https://admin:hunter2@nautobot.example.com".into(),
        timeout: Duration::from_secs(1),
        ca_bundle_pem: None,
        insecure_skip_verify: false,
    };
    let Err(error) = NautobotClient::new(&settings) else {
        panic!("an endpoint with a password is refused");
    };
    assert!(
        error.to_string().contains("carries a user or password"),
        "{error}"
    );
    assert!(!format!("{error} {error:?}").contains("hunter2"));
}
