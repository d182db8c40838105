//! Variables whose choices come from Nautobot (a mock of its REST API; the
//! live Nautobot is asked in `tests/tests/grafana_gateway.rs`): menus of the
//! names the asker may see, read with their own Nautobot token, narrowed by
//! what they typed; and Nautobot's refusals, said as Nautobot's.

use std::collections::BTreeMap;

use chatops_crds::IntegrationType;
use chatops_crds::config::{IntegrationConfig, SecretKey};
use chatops_crds::settings::{NautobotChoices, NautobotObjects};
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;

/// alice's own Nautobot token.
const ALICE_NAUTOBOT: &str = "a11ce0000000000000000000000000000000a11c";
/// The nautobot Integration's token.
const SERVICE_NAUTOBOT: &str = "5e4v1ce00000000000000000000000000005e4v1";

/// Devices of Nautobot, as its REST API lists them.
fn devices(names: &[&str]) -> Value {
    let results: Vec<Value> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            json!({
                "id": format!("00000000-0000-4000-8000-00000000000{i}"),
                "name": name,
                "display": name,
                "serial": format!("SN-{name}"),
            })
        })
        .collect();
    json!({"count": results.len(), "next": null, "previous": null, "results": results})
}

/// The traffic panel's device from the Active devices of the `nautobot`
/// command's Integration at `nautobot_url` (or `integration`, when another
/// command is named), alice linked in Nautobot.
fn fixture_at(grafana: &FakeGrafana, nautobot_url: &str, integration: &str) -> Fixture {
    fixture_valued_by(grafana, nautobot_url, integration, None)
}

/// [`fixture_at`], the variable's value being the device's `attribute`.
fn fixture_valued_by(
    grafana: &FakeGrafana,
    nautobot_url: &str,
    integration: &str,
    attribute: Option<&str>,
) -> Fixture {
    let choices = NautobotChoices {
        integration: integration.to_owned(),
        objects: NautobotObjects::Devices,
        filter: BTreeMap::from([("status".to_owned(), "Active".to_owned())]),
        attribute: attribute.map(str::to_owned),
    };
    fixture_with(
        &grafana.url(),
        ADMIN,
        settings(Some(choices)),
        |fixture, secrets| {
            let service = SecretKey("integration.default.nautobot.token".to_owned());
            let alice = SecretKey("accountlink.default.alice.nautobot".to_owned());
            let nautobot = IntegrationConfig {
                token: Some(service.clone()),
                timeout_seconds: 2,
                ..IntegrationConfig::new("default/nautobot", IntegrationType::Nautobot, nautobot_url)
            };
            fixture
                .config
                .integrations
                .insert("nautobot".to_owned(), nautobot);
            fixture.config.account_links[0]
                .tokens
                .insert("nautobot".to_owned(), alice.clone());
            secrets.0.insert(service, SERVICE_NAUTOBOT.to_owned());
            secrets.0.insert(alice, ALICE_NAUTOBOT.to_owned());
        },
    )
}

/// Nautobot lists the Active devices `all` to alice, and those `matching` `rtr`.
async fn nautobot(all: &[&str], matching: &[&str]) -> MockServer {
    let server = MockServer::start().await;
    let listed = || {
        Mock::given(method("GET"))
            .and(path("/api/dcim/devices/"))
            .and(query_param("status", "Active"))
            .and(header(
                "authorization",
                format!("Token {ALICE_NAUTOBOT}").as_str(),
            ))
    };
    listed()
        .and(query_param("name__ic", "rtr"))
        .respond_with(ResponseTemplate::new(200).set_body_json(devices(matching)))
        .mount(&server)
        .await;
    listed()
        .and(query_param("name__ic", "nyc-rtr-02"))
        .respond_with(ResponseTemplate::new(200).set_body_json(devices(&["nyc-rtr-02", "nyc-rtr-020"])))
        .mount(&server)
        .await;
    listed()
        .and(query_param("name__ic", "zzz"))
        .respond_with(ResponseTemplate::new(200).set_body_json(devices(&[])))
        .mount(&server)
        .await;
    listed()
        .and(query_param_is_missing("name__ic"))
        .respond_with(ResponseTemplate::new(200).set_body_json(devices(all)))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_missing_variable_is_a_menu_of_the_names_the_asker_sees_in_nautobot() {
    let grafana = FakeGrafana::start().await;
    let server = nautobot(&["nyc-rtr-02", "ams-sw-01", "nyc-rtr-01"], &[]).await;
    Mock::given(method("GET"))
        .and(path("/api/dcim/devices/"))
        .and(query_param("name__ic", "nyc-rtr-01"))
        .respond_with(ResponseTemplate::new(200).set_body_json(devices(&["nyc-rtr-01"])))
        .mount(&server)
        .await;
    let fixture = fixture_at(&grafana, &server.uri(), "nautobot");

    let asked = fixture.typed(ADMIN1, "grafana get-interface-traffic").await;

    let menu = prompted(&asked);
    assert_eq!(menu.text, "Which Device?");
    assert_eq!(choice_values(menu), ["ams-sw-01", "nyc-rtr-01", "nyc-rtr-02"]);
    assert!(
        menu.choices
            .iter()
            .all(|c| c.label == c.value && !c.label.contains("0000")),
        "names, never IDs"
    );
    let answered = fixture.answer(ADMIN1, &menu.continuation, &["nyc-rtr-01"]).await;
    picture(&answered);
    let (_, params) = the_render(&grafana);
    assert_eq!(params["var-device"], "nyc-rtr-01");
}

#[tokio::test]
async fn a_typed_part_of_a_name_narrows_the_menu_and_one_match_is_taken() {
    let grafana = FakeGrafana::start().await;
    let server = nautobot(
        &["nyc-rtr-01", "nyc-rtr-02", "ams-sw-01"],
        &["nyc-rtr-01", "nyc-rtr-02"],
    )
    .await;
    let fixture = fixture_at(&grafana, &server.uri(), "nautobot");

    let several = fixture
        .typed(ADMIN1, "grafana get-interface-traffic rtr Ethernet4")
        .await;
    let menu = prompted(&several);
    assert_eq!(menu.text, "Several Device names contain `rtr`. Which Device?");
    assert_eq!(choice_values(menu), ["nyc-rtr-01", "nyc-rtr-02"]);

    // The exact name is taken among those that contain it.
    let exact = fixture
        .typed(ADMIN1, "grafana get-interface-traffic nyc-rtr-02")
        .await;
    picture(&exact);
    assert_eq!(fake_grafana::params(&grafana.renders()[0])[2].1, "nyc-rtr-02");

    let none = fixture.typed(ADMIN1, "grafana get-interface-traffic zzz").await;
    let menu = prompted(&none);
    assert_eq!(
        menu.text,
        "No Device that you may see in Nautobot is named like `zzz`. Which Device?"
    );
    assert_eq!(choice_values(menu), ["ams-sw-01", "nyc-rtr-01", "nyc-rtr-02"]);
}

#[tokio::test]
async fn nautobot_s_refusal_is_said_as_nautobot_s() {
    let grafana = FakeGrafana::start().await;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/dcim/devices/"))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_json(json!({"detail": "You do not have permission to perform this action."})),
        )
        .mount(&server)
        .await;
    let fixture = fixture_at(&grafana, &server.uri(), "nautobot");

    let routed = fixture.typed(ADMIN1, "grafana get-interface-traffic").await;

    assert_private_error(
        &routed,
        "You (linked as alice) may not view dcim/devices in Nautobot.",
    );
    assert!(grafana.requests().is_empty());
}

#[tokio::test]
async fn a_nautobot_integration_that_is_not_served_is_said_so() {
    let grafana = FakeGrafana::start().await;
    let fixture = fixture_at(&grafana, "http://127.0.0.1:9", "inventory");

    let routed = fixture.typed(ADMIN1, "grafana get-interface-traffic").await;

    assert_private_error(
        &routed,
        "The variable `device` takes its choices from the nautobot integration `inventory`, which this \
         gateway does not serve; ask an admin to fix the Grafana Integration.",
    );
}

#[tokio::test]
async fn without_a_nautobot_token_the_user_is_told_how_to_get_one() {
    let grafana = FakeGrafana::start().await;
    let choices = NautobotChoices {
        integration: "nautobot".to_owned(),
        objects: NautobotObjects::Devices,
        filter: BTreeMap::new(),
        attribute: None,
    };
    let fixture = fixture_with(&grafana.url(), ADMIN, settings(Some(choices)), |fixture, _| {
        let nautobot = IntegrationConfig::new(
            "default/nautobot",
            IntegrationType::Nautobot,
            "http://127.0.0.1:9",
        );
        fixture
            .config
            .integrations
            .insert("nautobot".to_owned(), nautobot);
    });

    let routed = fixture.typed(USER, "grafana get-interface-traffic").await;

    assert!(
        text(&routed).starts_with("There is no Nautobot token to act with"),
        "{}",
        text(&routed)
    );
    assert_eq!(message(&routed).level, Level::Error);
}

#[tokio::test]
async fn the_variable_takes_the_attribute_of_the_object_named() {
    let grafana = FakeGrafana::start().await;
    let server = nautobot(&["nyc-rtr-01", "nyc-rtr-02"], &[]).await;
    let fixture = fixture_valued_by(&grafana, &server.uri(), "nautobot", Some("serial"));

    let routed = fixture
        .typed(ADMIN1, "grafana get-interface-traffic nyc-rtr-02 Ethernet9")
        .await;

    picture(&routed);
    let (_, params) = the_render(&grafana);
    assert_eq!(
        (params["var-device"].as_str(), params["var-interface"].as_str()),
        ("SN-nyc-rtr-02", "Ethernet9")
    );
    assert!(
        text(&routed).starts_with("device=SN-nyc-rtr-02, interface=Ethernet9;"),
        "{}",
        text(&routed)
    );
}

#[tokio::test]
async fn a_prompt_after_a_nautobot_variable_resumes_it_by_the_name_typed() {
    let grafana = FakeGrafana::start().await;
    let server = nautobot(&["nyc-rtr-01", "nyc-rtr-02"], &[]).await;
    let fixture = fixture_valued_by(&grafana, &server.uri(), "nautobot", Some("serial"));

    let asked = fixture.typed(ADMIN1, "grafana get-bgp-prefixes nyc-rtr-02").await;
    let menu = prompted(&asked);
    assert_eq!(menu.text, "Which Address family?");
    let answered = fixture.answer(ADMIN1, &menu.continuation, &["ipv4"]).await;

    picture(&answered);
    let (_, params) = the_render(&grafana);
    assert_eq!(
        (params["var-device"].as_str(), params["var-afi"].as_str()),
        ("SN-nyc-rtr-02", "ipv4"),
        "the device is looked up again by its name, not by the serial it gave"
    );
}

#[tokio::test]
async fn help_says_that_the_choices_come_from_nautobot() {
    let grafana = FakeGrafana::start().await;
    let fixture = fixture_at(&grafana, "http://127.0.0.1:9", "nautobot");

    let usage = text(&fixture.typed(ADMIN1, "grafana get-interface-traffic help").await);

    assert!(
        usage.contains("- `device`  Device: the name of one of Nautobot's devices\n"),
        "{usage}"
    );
}
