//! `register-node` against the fake APIC: the form fed from the switches
//! waiting, the confirmation, and APIC's refusals in words.

use chatops_testkit::fake_apic::{FakeApic, PENDING_LEAF, PENDING_SPINE, READER_PASSWORD, READER_USER};

use super::{Logins, apic, assert_no_secret, column, fixture_with, said};
use crate::commands::Outcome;
use crate::commands::Routed;
use crate::commands::tests::fixtures::{USER, assert_private_error, choice_values, message, prompted};
use crate::model::{Choice, FieldKind, Form, Level, Prompt, Reply};
use crate::workers::aci::Limits;

/// The form of a reply.
#[track_caller]
fn form(routed: &Routed) -> &Form {
    let Reply::Prompt(Prompt::Form(form)) = &routed.reply else {
        panic!("a form: {:?}", routed.reply);
    };
    form
}

#[tokio::test]
async fn the_serial_comes_from_the_switches_waiting_and_the_change_is_confirmed() {
    let (fake, fixture) = apic().await;

    let asked = fixture.typed(USER, "aci register-node").await;
    assert_eq!(asked.outcome, Outcome::Prompted);
    let form = form(&asked);
    assert_eq!(form.title, "Register a switch");
    let labels: Vec<&str> = form.fields.iter().map(|f| f.label.as_str()).collect();
    assert_eq!(labels, ["Serial number", "Node ID (101-4000)", "Node name"]);
    let FieldKind::Select(serials) = &form.fields[0].kind else {
        panic!("a menu of serials");
    };
    assert_eq!(
        serials[0],
        Choice {
            label: format!("{PENDING_LEAF} (leaf N9K-C93180YC-FX3)"),
            value: PENDING_LEAF.to_owned()
        }
    );
    assert_eq!(serials.len(), 2);

    let confirm = fixture
        .answer(USER, &form.continuation, &[PENDING_LEAF, "105", "leaf-105"])
        .await;
    let question = prompted(&confirm);
    assert_eq!(
        question.text,
        format!("Register switch **{PENDING_LEAF}** as node **105** named **leaf-105**?")
    );
    assert_eq!(choice_values(question), ["yes"]);
    assert_eq!(question.choices[0].label, "Yes, register it as leaf-105");
    assert_eq!(fake.pending_serials().len(), 2, "nothing registered before yes");

    let done = fixture.answer(USER, &question.continuation, &["yes"]).await;
    assert_eq!(
        said(&done),
        (
            Level::Info,
            format!(
                "Registered switch **{PENDING_LEAF}** as node **105** named **leaf-105**; \
                 it joins the fabric once APIC has discovered it."
            )
        )
    );
    assert_eq!(fake.pending_serials(), [PENDING_SPINE]);
    let posted = fake
        .requests()
        .into_iter()
        .find(|r| r.method == "POST" && r.path == "/api/node/mo/uni/controller/nodeidentpol.json")
        .unwrap();
    assert_eq!(
        posted.json()["fabricNodeIdentP"]["attributes"]["dn"],
        format!("uni/controller/nodeidentpol/nodep-{PENDING_LEAF}")
    );
    let nodes = fixture.typed(USER, "aci get-nodes").await;
    assert!(column(&nodes, 1).contains(&"105".to_owned()));
}

#[tokio::test]
async fn typed_with_yes_it_registers_at_once_and_another_answer_declines() {
    let (fake, fixture) = apic().await;

    let declined = fixture
        .typed(
            USER,
            &format!("aci register-node {PENDING_SPINE} 203 spine-203 no"),
        )
        .await;
    let message = message(&declined);
    assert!(message.private);
    assert_eq!(
        said(&declined).1,
        format!("Not registered: switch {PENDING_SPINE} is still waiting.")
    );
    assert_eq!(fake.pending_serials().len(), 2);

    let partly = fixture
        .typed(USER, &format!("aci register-node {PENDING_SPINE}"))
        .await;
    let labels: Vec<&str> = form(&partly).fields.iter().map(|f| f.label.as_str()).collect();
    assert_eq!(
        labels,
        ["Node ID (101-4000)", "Node name"],
        "only what is missing"
    );

    let routed = fixture
        .typed(
            USER,
            &format!("aci register-node {PENDING_SPINE} 203 spine-203 yes"),
        )
        .await;
    assert_eq!(routed.outcome, Outcome::Succeeded);
    assert_eq!(fake.pending_serials(), [PENDING_LEAF]);
}

#[tokio::test]
async fn apics_refusals_are_said_in_its_words() {
    let (_fake, fixture) = apic().await;

    let taken = fixture
        .typed(USER, &format!("aci register-node {PENDING_LEAF} 101 leaf-x yes"))
        .await;
    assert_private_error(
        &taken,
        &format!(
            "APIC did not register switch **{PENDING_LEAF}**: Node ID 101 is already assigned to serial FDO22151A01."
        ),
    );
    let range = fixture
        .typed(USER, &format!("aci register-node {PENDING_LEAF} 5000 leaf-x yes"))
        .await;
    assert_private_error(
        &range,
        &format!(
            "APIC did not register switch **{PENDING_LEAF}**: Node ID 5000 is out of range; it must be between 101 and 4000."
        ),
    );
}

#[tokio::test]
async fn a_read_only_user_is_told_apic_does_not_let_them() {
    let fake = FakeApic::start().await;
    let reader = Logins {
        service: Some((READER_USER, READER_PASSWORD)),
        alice: None,
    };
    let fixture = fixture_with(&fake.url(), &reader, Limits::default());

    let reading = fixture.typed(USER, "aci get-pending-nodes").await;
    assert_eq!(reading.outcome, Outcome::Succeeded, "a reader reads");
    let routed = fixture
        .typed(
            USER,
            &format!("aci register-node {PENDING_LEAF} 105 leaf-105 yes"),
        )
        .await;

    assert_private_error(
        &routed,
        &format!("You (not linked, acting as chatops-ro) may not register switch {PENDING_LEAF} in APIC."),
    );
    assert_eq!(fake.pending_serials().len(), 2);
    assert_no_secret(&routed);
}

#[tokio::test]
async fn with_no_switch_waiting_there_is_nothing_to_ask() {
    let (fake, fixture) = apic().await;
    for (serial, id) in [(PENDING_LEAF, "105"), (PENDING_SPINE, "203")] {
        fixture
            .typed(USER, &format!("aci register-node {serial} {id} n-{id} yes"))
            .await;
    }
    assert!(fake.pending_serials().is_empty());

    let routed = fixture.typed(USER, "aci register-node").await;

    assert_eq!(said(&routed).1, "No switch is waiting for registration.");
    let pending = fixture.typed(USER, "aci get-pending-nodes").await;
    assert_eq!(said(&pending).1, "No switch is waiting for registration.");
}
