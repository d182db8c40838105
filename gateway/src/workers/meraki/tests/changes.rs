//! The two sub-commands that change a switch: asked about first unless
//! `yes` is typed, their values read strictly, Meraki's refusals in words.

use chatops_testkit::fake_meraki::{FakeMeraki, SWITCH_SERIAL};
use serde_json::json;

use super::{Setup, assert_no_key, fixture_with, labels, lines, meraki};
use crate::commands::Outcome;
use crate::commands::tests::fixtures::{ADMIN1, USER, assert_private_error, choice_values, prompted, text};
use crate::model::{FieldKind, Prompt, Reply};

/// The port `id` of the fake's switch, as Meraki holds it now.
fn port(fake: &FakeMeraki, id: &str) -> serde_json::Value {
    fake.ports(SWITCH_SERIAL)
        .into_iter()
        .find(|p| p["portId"] == id)
        .expect("the port")
}

#[tokio::test]
async fn configure_basic_access_port_asks_the_port_then_a_form_then_to_confirm() {
    let (fake, fixture) = meraki().await;

    let menu = fixture
        .typed(ADMIN1, "meraki configure-basic-access-port 'Acme Corp' ams-sw-01")
        .await;
    let asked = prompted(&menu);
    assert_eq!(asked.text, "Which port of ams-sw-01?");
    assert_eq!(labels(asked)[6], "7: Spare (shut) (access, VLAN 10, disabled)");

    let form = fixture.answer(ADMIN1, &asked.continuation, &["12"]).await;
    let Reply::Prompt(Prompt::Form(form)) = &form.reply else {
        panic!("a form for the settings: {:?}", form.reply);
    };
    assert_eq!(form.title, "Port 12 of ams-sw-01");
    let fields: Vec<&str> = form.fields.iter().map(|f| f.label.as_str()).collect();
    assert_eq!(fields, ["Port state", "VLAN", "Port description"]);
    assert!(matches!(&form.fields[0].kind, FieldKind::Select(choices) if choices.len() == 2));

    let question = fixture
        .answer(ADMIN1, &form.continuation, &["true", "30", "Printer 2F"])
        .await;
    let confirm = prompted(&question);
    assert_eq!(
        confirm.text,
        "Make port 12 of **ams-sw-01** an enabled access port on VLAN 30, named \"Printer 2F\"?"
    );
    assert_eq!(choice_values(confirm), ["yes"]);
    assert_eq!(port(&fake, "12")["vlan"], 10, "nothing changed before the answer");

    let done = fixture.answer(ADMIN1, &confirm.continuation, &["yes"]).await;
    assert_eq!(done.outcome, Outcome::Succeeded);
    assert_eq!(
        lines(&done),
        [
            "Port 12 of ams-sw-01, configured",
            "Name | Printer 2F",
            "Enabled | yes",
            "Type | access",
            "VLAN | 30",
            "Voice VLAN | 20",
            "PoE | yes",
            "Changed by alice.",
        ]
    );
    let put = fake
        .requests()
        .into_iter()
        .find(|r| r.method == "PUT")
        .expect("a PUT");
    assert_eq!(
        put.path,
        format!("/api/v1/devices/{SWITCH_SERIAL}/switch/ports/12")
    );
    assert_eq!(
        put.json(),
        json!({"name": "Printer 2F", "enabled": true, "type": "access", "vlan": 30})
    );
    assert_eq!(port(&fake, "12")["vlan"], 30);
}

#[tokio::test]
async fn a_form_asks_only_for_what_was_not_typed() {
    let (_fake, fixture) = meraki().await;

    let routed = fixture
        .typed(
            ADMIN1,
            "meraki configure-basic-access-port 'Acme Corp' ams-sw-01 3 false",
        )
        .await;

    let Reply::Prompt(Prompt::Form(form)) = &routed.reply else {
        panic!("a form: {:?}", routed.reply);
    };
    let fields: Vec<&str> = form.fields.iter().map(|f| f.label.as_str()).collect();
    assert_eq!(fields, ["VLAN", "Port description"]);
    let question = fixture.answer(ADMIN1, &form.continuation, &["40", "Spare"]).await;
    assert!(
        prompted(&question)
            .text
            .contains("a disabled access port on VLAN 40"),
        "the typed state is kept: {}",
        prompted(&question).text
    );
}

#[tokio::test]
async fn false_disables_the_port_and_yes_typed_does_not_ask() {
    let (fake, fixture) = meraki().await;
    assert_eq!(port(&fake, "4")["enabled"], true);

    let routed = fixture
        .typed(
            ADMIN1,
            "meraki configure-basic-access-port 'Acme Corp' ams-sw-01 4 false 10 'Desk 4' yes",
        )
        .await;

    assert_eq!(routed.outcome, Outcome::Succeeded);
    assert!(lines(&routed).contains(&"Enabled | no".to_owned()));
    assert_eq!(port(&fake, "4")["enabled"], false, "really disabled");
    let state = fixture
        .typed(ADMIN1, "meraki get-switchports-status 'Acme Corp' ams-sw-01")
        .await;
    assert!(lines(&state)[4].starts_with("4 | no | Disabled"));

    for typed in ["disabled", "No", "FALSE"] {
        fixture
            .typed(
                ADMIN1,
                &format!("meraki configure-basic-access-port 'Acme Corp' ams-sw-01 6 {typed} 10 x yes"),
            )
            .await;
        assert_eq!(port(&fake, "6")["enabled"], false, "{typed}");
        fixture
            .typed(
                ADMIN1,
                "meraki configure-basic-access-port 'Acme Corp' ams-sw-01 6 enabled 10 x yes",
            )
            .await;
        assert_eq!(port(&fake, "6")["enabled"], true);
    }
}

#[tokio::test]
async fn a_state_that_is_not_one_is_refused_before_meraki_is_asked() {
    let (fake, fixture) = meraki().await;

    let routed = fixture
        .typed(
            ADMIN1,
            "meraki configure-basic-access-port 'Acme Corp' ams-sw-01 4 False2 10 x yes",
        )
        .await;

    assert_private_error(
        &routed,
        "`False2` is not a port state; use `true` or `false` (or `yes`/`no`, `enabled`/`disabled`).",
    );
    assert!(fake.requests().iter().all(|r| r.method == "GET"));
}

#[tokio::test]
async fn declining_changes_nothing() {
    let (fake, fixture) = meraki().await;

    let routed = fixture
        .typed(
            ADMIN1,
            "meraki configure-basic-access-port 'Acme Corp' ams-sw-01 4 false 10 x no",
        )
        .await;

    assert_eq!(text(&routed), "Not changed: port 4 of ams-sw-01 stays as it was.");
    assert_eq!(port(&fake, "4")["enabled"], true);
    let cycle = fixture
        .typed(ADMIN1, "meraki cycle-port 'Acme Corp' ams-sw-01 4 nope")
        .await;
    assert_eq!(text(&cycle), "Not cycled: port 4 of ams-sw-01.");
    assert!(fake.cycled().is_empty());
}

#[tokio::test]
async fn merakis_validation_of_a_bad_vlan_is_said_in_its_words() {
    let (fake, fixture) = meraki().await;

    for vlan in ["5000", "abc"] {
        let routed = fixture
            .typed(
                ADMIN1,
                &format!("meraki configure-basic-access-port 'Acme Corp' ams-sw-01 4 true {vlan} x yes"),
            )
            .await;
        assert_private_error(
            &routed,
            "Meraki would not change port 4 of ams-sw-01: 'vlan' must be an integer between 1 and 4094.",
        );
    }
    assert_eq!(port(&fake, "4")["vlan"], 10);
}

#[tokio::test]
async fn the_read_only_key_is_refused_in_merakis_words() {
    let (fake, fixture) = meraki().await;

    let routed = fixture
        .typed(
            USER,
            "meraki configure-basic-access-port 'Acme Corp' ams-sw-01 4 false 10 x yes",
        )
        .await;

    assert_private_error(
        &routed,
        "You (not linked, acting as chatbot) may not change port 4 of ams-sw-01 in Meraki: \
         You have read-only access to this organization and cannot make changes.",
    );
    assert_eq!(port(&fake, "4")["enabled"], true);
    let cycle = fixture
        .typed(USER, "meraki cycle-port 'Acme Corp' ams-sw-01 4 yes")
        .await;
    assert_private_error(
        &cycle,
        "You (not linked, acting as chatbot) may not cycle port 4 of ams-sw-01 in Meraki: \
         You have read-only access to this organization and cannot make changes.",
    );
    assert_no_key(&cycle);
}

#[tokio::test]
async fn an_unknown_port_is_named() {
    let (_fake, fixture) = meraki().await;

    let routed = fixture
        .typed(
            ADMIN1,
            "meraki configure-basic-access-port 'Acme Corp' ams-sw-02 11 true 10 x",
        )
        .await;

    assert_private_error(
        &routed,
        "ams-sw-02 has no port `11`; `get-switchports` lists them.",
    );
}

#[tokio::test]
async fn cycle_port_reads_12_as_port_12_and_asks_first() {
    let (fake, fixture) = meraki().await;

    let menu = fixture
        .typed(ADMIN1, "meraki cycle-port 'Acme Corp' ams-sw-01")
        .await;
    assert_eq!(prompted(&menu).choices.len(), 52);

    let question = fixture
        .typed(ADMIN1, "meraki cycle-port 'Acme Corp' ams-sw-01 12")
        .await;
    let asked = prompted(&question);
    assert_eq!(
        asked.text,
        "Power-cycle port 12 of **ams-sw-01**? The link goes down for a few seconds and PoE devices restart."
    );
    assert_eq!(labels(asked), ["Yes, cycle it"]);
    assert!(fake.cycled().is_empty(), "not before the answer");

    let done = fixture.answer(ADMIN1, &asked.continuation, &["yes"]).await;
    assert_eq!(text(&done), "Power-cycled port 12 of ams-sw-01 (by alice).");
    assert_eq!(fake.cycled(), [(SWITCH_SERIAL.to_owned(), vec!["12".to_owned()])]);
}

#[tokio::test]
async fn cycle_port_takes_lists_and_ranges() {
    let (fake, fixture) = meraki().await;

    let list = fixture
        .typed(ADMIN1, "meraki cycle-port 'Acme Corp' ams-sw-01 1,3 yes")
        .await;
    assert_eq!(text(&list), "Power-cycled ports 1, 3 of ams-sw-01 (by alice).");
    let range = fixture
        .typed(ADMIN1, "meraki cycle-port 'Acme Corp' ams-sw-01 1-4 yes")
        .await;
    assert_eq!(text(&range), "Power-cycled ports 1-4 of ams-sw-01 (by alice).");
    assert_eq!(
        fake.cycled(),
        [
            (SWITCH_SERIAL.to_owned(), vec!["1".to_owned(), "3".to_owned()]),
            (SWITCH_SERIAL.to_owned(), vec!["1-4".to_owned()]),
        ]
    );
}

#[tokio::test]
async fn cycle_port_names_the_ports_the_switch_does_not_have() {
    let (fake, fixture) = meraki().await;

    let unknown = fixture
        .typed(ADMIN1, "meraki cycle-port 'Acme Corp' ams-sw-02 9-12 yes")
        .await;
    assert_private_error(
        &unknown,
        "ams-sw-02 has no ports 11, 12; `get-switchports` lists them.",
    );
    let wrong = fixture
        .typed(ADMIN1, "meraki cycle-port 'Acme Corp' ams-sw-02 one yes")
        .await;
    assert_private_error(
        &wrong,
        "`one` is not a list of ports; give a port (`5`), a list (`1,3`) or a range (`1-4`).",
    );
    assert!(fake.cycled().is_empty());
}

#[tokio::test]
async fn without_a_key_for_the_asker_the_change_is_not_made() {
    let fake = FakeMeraki::start().await;
    let fixture = fixture_with(
        &fake.url(),
        &Setup {
            service: None,
            ..Setup::default()
        },
    );

    let routed = fixture
        .typed(USER, "meraki cycle-port 'Acme Corp' ams-sw-01 4 yes")
        .await;

    assert!(
        text(&routed).starts_with("There is no Meraki API key to act with"),
        "{}",
        text(&routed)
    );
    assert!(fake.requests().is_empty(), "Meraki is not asked");
}
