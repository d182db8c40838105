//! The nautobot worker behind the router, against a fake Nautobot: who it
//! acts as, and what the person asking is told when Nautobot refuses, is
//! missing, broken, slow or down. Rendering is tested in `commands/tests`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chatops_crds::IntegrationType;
use chatops_crds::config::{GatewaySecrets, IntegrationConfig, SecretKey};
use serde_json::{Value, json};
use wiremock::matchers::{body_string_contains, header, method, path, query_param};
use wiremock::{Mock, MockBuilder, MockServer, ResponseTemplate};

use super::Nautobot;
use crate::commands::tests::fixtures::{ADMIN1, Fixture, TABLE_C, USER, menu, message, text};
use crate::commands::{Outcome, Routed};
use crate::model::Level;

/// alice's own Nautobot token (admin1 is linked to alice).
const ALICE_TOKEN: &str = "a11ce0000000000000000000000000000000a11c";
/// The Integration's token, used for the platform's fallback user `chatbot`.
const SERVICE_TOKEN: &str = "5e4v1ce00000000000000000000000000005e4v1";

/// The fixture's configuration with a `nautobot` command served by a
/// [`Nautobot`] at `endpoint`; `service_token` says whether the Integration
/// has a token of its own.
fn fixture(endpoint: &str, service_token: bool) -> Fixture {
    let grants: Vec<&str> = TABLE_C
        .iter()
        .copied()
        .chain(["nautobot * channel any *", "nautobot * user any *"])
        .collect();
    let mut fixture = Fixture::with_grants(&grants);
    let token_key = SecretKey("integration.default.nautobot.token".to_owned());
    let alice_key = SecretKey("accountlink.default.alice.nautobot".to_owned());
    let integration = IntegrationConfig {
        token: service_token.then(|| token_key.clone()),
        timeout_seconds: 1,
        ..IntegrationConfig::new("default/nautobot", IntegrationType::Nautobot, endpoint)
    };
    fixture.config.account_links[0]
        .tokens
        .insert("nautobot".to_owned(), alice_key.clone());
    let secrets = GatewaySecrets(BTreeMap::from([
        (token_key, SERVICE_TOKEN.to_owned()),
        (alice_key, ALICE_TOKEN.to_owned()),
    ]));
    let worker = Nautobot::new("nautobot", &integration, &fixture.config.account_links, &secrets).unwrap();
    fixture.registry.register(Arc::new(worker)).unwrap();
    fixture
        .config
        .integrations
        .insert("nautobot".to_owned(), integration);
    fixture
}

async fn nautobot() -> (MockServer, Fixture) {
    let server = MockServer::start().await;
    let fixture = fixture(&server.uri(), true);
    (server, fixture)
}

fn device(name: &str, status: &str) -> Value {
    json!({
        "id": format!("00000000-0000-4000-8000-{:012}", name.len()),
        "name": name,
        "display": name,
        "status": {"id": "s-1", "name": status, "display": status},
    })
}

fn page(results: Vec<Value>) -> Value {
    json!({"count": results.len(), "next": null, "previous": null, "results": results})
}

/// A mock of Nautobot's API: `verb` requests to `/api/{at}`.
pub(super) fn api(verb: &str, at: &str) -> MockBuilder {
    Mock::given(method(verb)).and(path(format!("/api/{at}")))
}

/// Nautobot's answer `body`, with HTTP status `status`.
fn json_answer(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}

/// Nautobot's refusal of what the user has no permission for.
fn forbidden() -> ResponseTemplate {
    json_answer(
        403,
        json!({"detail": "You do not have permission to perform this action."}),
    )
}

/// What the chat is told is the error `said`.
#[track_caller]
fn assert_error(routed: &Routed, said: &str) {
    assert_eq!(message(routed).level, Level::Error);
    assert_eq!(text(routed), said);
}

/// Nautobot answers every GraphQL query with `response`.
async fn graphql_answer(server: &MockServer, response: ResponseTemplate) {
    api("POST", "graphql/").respond_with(response).mount(server).await;
}

/// Nautobot answers every devices list with `response`.
async fn devices_answer(server: &MockServer, response: ResponseTemplate) {
    api("GET", "dcim/devices/")
        .respond_with(response)
        .mount(server)
        .await;
}

/// Device `ams01-leaf-02` is Active, and devices may be Active or Planned:
/// what `change-device-status` reads before it changes anything.
async fn leaf_02_is_active(server: &MockServer) {
    devices_answer(
        server,
        json_answer(200, page(vec![device("ams01-leaf-02", "Active")])),
    )
    .await;
    api("GET", "extras/statuses/")
        .respond_with(json_answer(
            200,
            page(vec![
                json!({"id": "s-1", "name": "Active"}),
                json!({"id": "s-2", "name": "Planned"}),
            ]),
        ))
        .mount(server)
        .await;
}

/// Neither token appears anywhere in what the chat is told.
fn assert_no_token(routed: &Routed) {
    let said = format!("{:?} {:?}", routed.reply, routed.outcome);
    for token in [ALICE_TOKEN, SERVICE_TOKEN] {
        assert!(!said.contains(token), "a token reached the chat: {said}");
    }
}

#[tokio::test]
async fn a_linked_user_acts_with_their_own_token() {
    let (server, fixture) = nautobot().await;
    api("GET", "dcim/devices/")
        .and(query_param("name", "ams01-edge-01"))
        .and(header("authorization", format!("Token {ALICE_TOKEN}").as_str()))
        .respond_with(json_answer(200, page(vec![device("ams01-edge-01", "Active")])))
        .expect(1)
        .mount(&server)
        .await;

    let routed = fixture
        .typed(ADMIN1, "nautobot get-device-status ams01-edge-01")
        .await;

    assert_eq!(routed.outcome, Outcome::Succeeded);
    assert_eq!(text(&routed), "The status of **ams01-edge-01** is **Active**.");
    assert_no_token(&routed);
}

#[tokio::test]
async fn an_unlinked_user_acts_as_the_fallback_user_with_the_integration_token() {
    let (server, fixture) = nautobot().await;
    api("GET", "dcim/devices/")
        .and(header("authorization", format!("Token {SERVICE_TOKEN}").as_str()))
        .respond_with(forbidden())
        .expect(1)
        .mount(&server)
        .await;

    let routed = fixture
        .typed(USER, "nautobot get-device-status ams01-edge-01")
        .await;

    let said = message(&routed);
    assert_eq!(said.level, Level::Error);
    assert!(said.private, "a refusal is told to the person asking only");
    assert_eq!(
        text(&routed),
        "You (not linked, acting as chatbot) may not view dcim/devices in Nautobot."
    );
    assert_no_token(&routed);
}

#[tokio::test]
async fn a_refused_change_names_the_linked_user_and_the_change() {
    let (server, fixture) = nautobot().await;
    leaf_02_is_active(&server).await;
    let leaf_02 = device("ams01-leaf-02", "");
    api(
        "PATCH",
        &format!("dcim/devices/{}/", leaf_02["id"].as_str().unwrap()),
    )
    .respond_with(forbidden())
    .expect(1)
    .mount(&server)
    .await;

    let routed = fixture
        .typed(ADMIN1, "nautobot change-device-status ams01-leaf-02 Planned yes")
        .await;

    assert_eq!(
        text(&routed),
        "You (linked as alice) may not change dcim/devices in Nautobot."
    );
    assert_no_token(&routed);
}

#[tokio::test]
async fn a_token_nautobot_does_not_accept_is_said_with_its_user() {
    let (server, fixture) = nautobot().await;
    graphql_answer(&server, json_answer(401, json!({"detail": "Invalid token"}))).await;

    let routed = fixture.typed(ADMIN1, "nautobot get-devices location ams01").await;

    assert_error(&routed, "Nautobot did not accept the token of alice.");
    assert_no_token(&routed);
}

#[tokio::test]
async fn a_missing_object_is_said_as_not_found() {
    let (server, fixture) = nautobot().await;
    api("GET", "status/")
        .respond_with(json_answer(404, json!({"detail": "Not found."})))
        .mount(&server)
        .await;

    let routed = fixture.typed(ADMIN1, "nautobot about").await;

    assert_error(&routed, "Nautobot found nothing at status.");
}

#[tokio::test]
async fn a_filter_value_nautobot_does_not_know_is_said_with_its_reason() {
    let (server, fixture) = nautobot().await;
    graphql_answer(
        &server,
        json_answer(200, json!({
            "data": {"devices": null},
            "errors": [{"message": "{'location': ['Select a valid choice. mars01 is not one of the available choices.']}"}]
        })),
    )
    .await;

    let routed = fixture
        .typed(ADMIN1, "nautobot get-devices location mars01")
        .await;

    assert_error(
        &routed,
        "Nautobot could not answer the query: location: Select a valid choice. mars01 is not one of the available choices.",
    );
}

#[tokio::test]
async fn a_change_nautobot_rejects_is_said_with_its_reason() {
    let (server, fixture) = nautobot().await;
    leaf_02_is_active(&server).await;
    Mock::given(method("PATCH"))
        .respond_with(json_answer(
            400,
            json!({"status": ["Planned is not a valid status for devices of role leaf."]}),
        ))
        .mount(&server)
        .await;

    let routed = fixture
        .typed(ADMIN1, "nautobot change-device-status ams01-leaf-02 Planned yes")
        .await;

    assert_error(
        &routed,
        "Nautobot answered 400: status: Planned is not a valid status for devices of role leaf.",
    );
}

/// A status change whose answer comes after the timeout may have been made
/// all the same: the person is told to look before trying again, and the
/// change is sent once.
#[tokio::test]
async fn a_change_whose_answer_is_late_is_said_to_be_unconfirmed_and_sent_once() {
    let (server, fixture) = nautobot().await;
    leaf_02_is_active(&server).await;
    Mock::given(method("PATCH"))
        .respond_with(json_answer(200, json!({})).set_delay(Duration::from_secs(5)))
        .expect(1)
        .mount(&server)
        .await;

    let routed = fixture
        .typed(ADMIN1, "nautobot change-device-status ams01-leaf-02 Planned yes")
        .await;

    let Outcome::Errored(reason) = &routed.outcome else {
        panic!("expected an error, got {:?}", routed.outcome);
    };
    assert_eq!(
        reason,
        "Nautobot did not answer within 1 s, so whether it was done is not known: \
         check in Nautobot before trying again"
    );
    server.verify().await;
}

/// Nautobot broken, slow, talking nonsense or down: the command errs with a
/// reason the person asking can pass on, and the router says so.
async fn assert_errored(fixture: &Fixture, expected: &str) {
    let routed = fixture.typed(ADMIN1, "nautobot get-devices location ams01").await;
    let Outcome::Errored(reason) = &routed.outcome else {
        panic!("expected an error, got {:?}", routed.outcome);
    };
    assert!(reason.contains(expected), "{reason:?} says {expected:?}");
    assert_eq!(message(&routed).level, Level::Error);
    assert!(text(&routed).contains(expected), "{}", text(&routed));
    assert_no_token(&routed);
}

/// Nautobot answers every GraphQL query with `response`: the command errs
/// saying `expected` (see [`assert_errored`]).
async fn assert_graphql_answer_errs(response: ResponseTemplate, expected: &str) {
    let (server, fixture) = nautobot().await;
    graphql_answer(&server, response).await;
    assert_errored(&fixture, expected).await;
}

#[tokio::test]
async fn a_server_error_is_a_failed_command() {
    let server_error = ResponseTemplate::new(500).set_body_string("<h1>Server Error</h1>");
    assert_graphql_answer_errs(server_error, "Nautobot answered 500").await;
}

#[tokio::test]
async fn malformed_json_is_a_failed_command() {
    let cut_short =
        ResponseTemplate::new(200).set_body_raw("{\"count\": 1, \"results\": [", "application/json");
    assert_graphql_answer_errs(cut_short, "Nautobot's answer could not be read").await;
}

#[tokio::test]
async fn an_answer_of_another_shape_is_a_failed_command() {
    let numeric_name = json_answer(200, json!({"data": {"devices": [{"name": 42}]}}));
    assert_graphql_answer_errs(numeric_name, "Nautobot's answer could not be read").await;
}

#[tokio::test]
async fn a_slow_nautobot_is_given_up_on_after_the_integration_timeout() {
    let slow = json_answer(200, page(vec![])).set_delay(Duration::from_secs(5));
    assert_graphql_answer_errs(slow, "Nautobot did not answer within 1 s").await;
}

#[tokio::test]
async fn a_nautobot_that_is_down_is_said_to_be_unreachable() {
    // Not a dropped wiremock server: wiremock reuses its servers.
    let endpoint = chatops_testkit::endpoints::unreachable();
    let fixture = fixture(&endpoint, true);
    assert_errored(&fixture, &format!("Nautobot at {endpoint} cannot be reached")).await;
}

#[tokio::test]
async fn without_any_token_the_user_is_told_how_to_get_one() {
    let server = MockServer::start().await;
    let fixture = fixture(&server.uri(), false);

    let routed = fixture.typed(USER, "nautobot get-devices location ams01").await;

    assert_eq!(message(&routed).level, Level::Error);
    assert!(
        text(&routed).starts_with("There is no Nautobot token to act with"),
        "{}",
        text(&routed)
    );
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "Nautobot is not asked without a token"
    );
}

#[tokio::test]
async fn a_device_menu_larger_than_a_page_is_paged() {
    let (server, fixture) = nautobot().await;
    let devices: Vec<Value> = (0..150)
        .map(|i| json!({"name": format!("leaf-{i:03}"), "location": {"name": "ams01"}}))
        .collect();
    graphql_answer(&server, json_answer(200, json!({"data": {"devices": devices}}))).await;

    let routed = fixture.typed(ADMIN1, "nautobot get-device-status").await;

    assert_eq!(routed.outcome, Outcome::Prompted);
    let menu = menu(&routed);
    assert_eq!(menu.choices.len(), crate::commands::MENU_PAGE_SIZE);
    assert_eq!(menu.choices[0].label, "ams01: leaf-000");
    assert_eq!(
        menu.choices[0].value, "leaf-000",
        "menus are valued by name, never by UUID"
    );
    assert_eq!(menu.next_offset, Some(crate::commands::MENU_PAGE_SIZE));
}

#[tokio::test]
async fn a_graphql_error_is_said_as_nautobots_reason() {
    let (server, fixture) = nautobot().await;
    graphql_answer(
        &server,
        json_answer(
            200,
            json!({
                "data": null,
                "errors": [{"message": "Select a valid choice. nowhere is not one of the available choices."}]
            }),
        ),
    )
    .await;

    let routed = fixture.typed(ADMIN1, "nautobot get-circuits all").await;

    assert_eq!(message(&routed).level, Level::Error);
    assert!(
        text(&routed).contains("nowhere is not one of the available choices"),
        "{}",
        text(&routed)
    );
}

#[tokio::test]
async fn a_table_cut_at_the_row_limit_says_how_many_there_are() {
    let (server, fixture) = nautobot().await;
    let devices: Vec<Value> = (0..=super::session::MAX_ROWS)
        .map(|i| json!({"id": format!("d-{i}"), "name": format!("dev-{i:05}")}))
        .collect();
    // Which of the shown rows have no primary IP, rack and tenant.
    api("POST", "graphql/")
        .and(body_string_contains("__isnull"))
        .respond_with(json_answer(200, json!({"data": {"q0": [], "q1": [], "q2": []}})))
        .mount(&server)
        .await;
    graphql_answer(&server, json_answer(200, json!({"data": {"devices": devices}}))).await;
    api("GET", "dcim/devices/")
        .and(query_param("location", "big01"))
        .and(query_param("limit", "1"))
        .respond_with(json_answer(
            200,
            json!({
                "count": 12_345, "next": "http://elsewhere.example/next", "results": [{"id": "d-0"}]
            }),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let routed = fixture.typed(ADMIN1, "nautobot get-devices location big01").await;

    let said = text(&routed);
    assert!(said.contains("dev-09999"), "the first 10 000 rows are shown");
    assert!(!said.contains("dev-10000"), "the 10 001st is not");
    assert!(
        said.contains("Showing the first 10000 of 12345"),
        "{}",
        said.lines().last().unwrap_or_default()
    );
}

#[tokio::test]
async fn nulls_are_asked_about_in_one_more_query_and_told_apart() {
    let (server, fixture) = nautobot().await;
    let device = |name: &str, rack: Value, location: Value| {
        json!({
            "id": format!("id-{name}"), "name": name, "status": {"name": "Active"},
            "tenant": {"name": "Acme"}, "location": location, "rack": rack, "role": {"name": "leaf"},
            "device_type": {"model": "DCS-7050TX3-48C8"}, "primary_ip4": {"address": "10.1.0.11/24"},
            "primary_ip6": null
        })
    };
    api("POST", "graphql/")
        .and(body_string_contains("rack__isnull: true"))
        .and(body_string_contains("id-ams01-leaf-01"))
        .and(body_string_contains("id-ams01-leaf-02"))
        .respond_with(json_answer(
            200,
            json!({"data": {"q0": [{"id": "id-ams01-leaf-01"}]}}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    api("POST", "graphql/")
        .and(body_string_contains("devices(location: $value"))
        .respond_with(json_answer(
            200,
            json!({"data": {"devices": [
                device("ams01-leaf-01", Value::Null, json!({"name": "ams01"})),
                device("ams01-leaf-02", Value::Null, Value::Null),
            ]}}),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let routed = fixture.typed(ADMIN1, "nautobot get-devices location ams01").await;

    let said = text(&routed);
    assert!(
        said.contains("ams01-leaf-01 | Active | Acme | ams01 | — |"),
        "leaf-01 has no rack: {said}"
    );
    assert!(
        said.contains(
            "ams01-leaf-02 | Active | Acme | hidden (you may not view dcim.location) | \
             hidden (you may not view dcim.rack) |"
        ),
        "leaf-02's location and rack are hidden: {said}"
    );
}

/// admin1 types `change-device-status ams01-leaf-02 Planned {confirm}` of
/// the Active leaf-02, with Nautobot refusing any change, so that a test can
/// tell that none was asked for.
async fn change_leaf_02_to_planned(confirm: &str) -> Routed {
    let (server, fixture) = nautobot().await;
    leaf_02_is_active(&server).await;
    Mock::given(method("PATCH"))
        .respond_with(forbidden())
        .expect(0)
        .mount(&server)
        .await;
    let typed = format!("nautobot change-device-status ams01-leaf-02 Planned {confirm}");
    fixture.typed(ADMIN1, typed.trim_end()).await
}

#[tokio::test]
async fn a_change_is_asked_about_before_it_is_made() {
    let routed = change_leaf_02_to_planned("").await;

    assert_eq!(routed.outcome, Outcome::Prompted);
    let menu = menu(&routed);
    assert_eq!(
        menu.text,
        "Change the status of **ams01-leaf-02** from **Active** to **Planned**?"
    );
    assert_eq!(menu.choices.len(), 1);
    assert_eq!(
        (menu.choices[0].label.as_str(), menu.choices[0].value.as_str()),
        ("Yes, make it Planned", "yes")
    );
}

#[tokio::test]
async fn an_answer_other_than_yes_changes_nothing() {
    let routed = change_leaf_02_to_planned("no").await;

    let said = message(&routed);
    assert_eq!(said.level, Level::Info);
    assert!(said.private, "only the person asking hears that nothing changed");
    assert_eq!(text(&routed), "Not changed: **ams01-leaf-02** stays **Active**.");
}
