//! What a person sees of the aci sub-commands, and how APIC's JSON is read:
//! the pure `render_*` functions and readers, fed with objects shaped as
//! APIC gives them. The worker behind the router, against the fake APIC, is
//! tested in `aci/tests`.

use std::time::Duration;

use chatops_outbound::Answer;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

use super::epg::{domain_name, port_block};
use super::fabric::render_interfaces;
use super::register::render_refused;
use crate::model::{Block, Level, Reply};
use crate::workers::aci::AciError;
use crate::workers::aci::client::{session_of, token_refused};
use crate::workers::aci::mo::{Mo, dn_part, is_name, read, split_dn};

fn mo(entry: Value) -> Mo {
    Mo::of(&entry).expect("a managed object")
}

fn answer(status: u16, body: &Value) -> Answer {
    Answer {
        status: StatusCode::from_u16(status).unwrap(),
        headers: HeaderMap::new(),
        body: body.to_string().into_bytes(),
        attempts: 1,
    }
}

fn apic_error(code: &str, text: &str) -> Value {
    json!({"totalCount": "1", "imdata": [{"error": {"attributes": {"code": code, "text": text}}}]})
}

#[test]
fn an_answer_is_its_objects_and_count_and_an_error_inside_is_a_refusal() {
    let body = json!({"totalCount": "12", "imdata": [
        {"fvTenant": {"attributes": {"dn": "uni/tn-a", "name": "a"}, "children": [
            {"fvCtx": {"attributes": {"name": "v"}}}
        ]}}
    ]});
    let read = read(&body, "tenants").unwrap();
    assert_eq!(read.total, 12, "totalCount is text");
    assert_eq!(read.objects[0].attr("name"), "a");
    assert_eq!(read.objects[0].children_of("fvCtx").count(), 1);
    assert_eq!(
        super::super::mo::read(&apic_error("400", "Request failed, unresolved class for x"), "x"),
        Err(AciError::Refused {
            status: 400,
            detail: Some("Request failed, unresolved class for x".to_owned())
        })
    );
    assert_eq!(
        super::super::mo::read(&json!({"data": []}), "tenants"),
        Err(AciError::Malformed("tenants: no imdata".to_owned()))
    );
    assert!(super::super::mo::read(&json!({"imdata": [42]}), "t").is_err());
}

#[test]
fn dns_split_outside_brackets() {
    let dn = "topology/pod-1/paths-101/pathep-[eth1/10]";
    assert_eq!(
        split_dn(dn),
        ["topology", "pod-1", "paths-101", "pathep-[eth1/10]"]
    );
    assert_eq!(dn_part(dn, "pod"), Some("1"));
    assert_eq!(dn_part(dn, "pathep"), Some("[eth1/10]"));
    assert_eq!(dn_part("uni/tn-acme-prod/ap-x", "tn"), Some("acme-prod"));
    assert_eq!(domain_name("uni/phys-acme-phys"), "acme-phys");
    assert_eq!(domain_name("uni/vmmp-VMware/dom-dc1-dvs"), "dc1-dvs");
    assert!(is_name("acme-prod_1.x:y"));
    for bad in ["", "a/b", "a b", "x?y", &"n".repeat(65)] {
        assert!(!is_name(bad), "{bad}");
    }
}

#[test]
fn a_login_gives_its_token_and_life_and_a_token_refusal_is_told_from_a_right_refusal() {
    let login =
        json!({"imdata": [{"aaaLogin": {"attributes": {"token": "abc", "refreshTimeoutSeconds": "300"}}}]});
    assert_eq!(
        session_of(&login).unwrap(),
        ("abc".to_owned(), Duration::from_secs(300))
    );
    assert!(session_of(&json!({"imdata": []})).is_err());

    assert!(token_refused(&answer(
        403,
        &apic_error("403", "Token was invalid (Error: Token timeout)")
    )));
    assert!(token_refused(&answer(
        403,
        &apic_error(
            "403",
            "Need a valid webtoken cookie (named APIC-Cookie) or a signed request"
        )
    )));
    assert!(token_refused(&answer(401, &apic_error("401", "Unauthorized"))));
    assert!(!token_refused(&answer(
        403,
        &apic_error(
            "403",
            "Access denied: user chatops-ro may not modify uni/controller/nodeidentpol"
        )
    )));
    assert!(!token_refused(&answer(
        400,
        &apic_error("400", "Token was invalid")
    )));
}

#[test]
fn a_port_block_is_one_port_or_a_range() {
    let block = |from: &str, to: &str| {
        mo(
            json!({"infraPortBlk": {"attributes": {"fromCard": "1", "fromPort": from, "toCard": "1", "toPort": to}}}),
        )
    };
    assert_eq!(port_block(&block("20", "20")), "1/20");
    assert_eq!(port_block(&block("20", "24")), "1/20-1/24");
}

#[test]
fn an_interface_without_a_state_passed_no_filter_and_is_left_out() {
    let port = |id: &str, oper: Option<&str>| {
        let mut body = json!({"attributes": {"id": id, "descr": "", "speed": "10G", "layer": "Layer2", "mode": "trunk", "usage": "epg"}});
        if let Some(oper) = oper {
            body["children"] =
                json!([{"ethpmPhysIf": {"attributes": {"operSt": oper, "operStQual": "none"}}}]);
        }
        mo(json!({"l1PhysIf": body}))
    };
    let reply = render_interfaces(
        "1",
        "101",
        Some("up"),
        &[port("eth1/1", Some("up")), port("eth1/2", None)],
        2,
    );
    let Reply::Message(message) = reply else {
        panic!("a message");
    };
    let Block::Table(table) = &message.blocks[0] else {
        panic!("a table");
    };
    assert_eq!(
        table.rows,
        [["eth1/1", "—", "10G", "Layer2", "trunk", "up", "none", "epg"]]
    );
    assert_eq!(message.blocks.len(), 1, "nothing was cut");

    let Reply::Message(none) = render_interfaces("1", "101", Some("down"), &[port("eth1/1", None)], 1) else {
        panic!("a message");
    };
    assert_eq!(
        none.blocks,
        [Block::Text("Node 101 has no interfaces down.".to_owned())]
    );
}

#[test]
fn a_refused_registration_says_apics_reason_or_that_it_gave_none() {
    let Reply::Message(message) =
        render_refused("FDO1", Some("Node ID 101 is already assigned to serial X."))
    else {
        panic!("a message");
    };
    assert_eq!((message.level, message.private), (Level::Error, true));
    assert_eq!(
        message.blocks,
        [Block::Text(
            "APIC did not register switch **FDO1**: Node ID 101 is already assigned to serial X.".to_owned()
        )]
    );
    let Reply::Message(silent) = render_refused("FDO1", None) else {
        panic!("a message");
    };
    assert_eq!(
        silent.blocks,
        [Block::Text(
            "APIC did not register switch **FDO1**: it gave no reason.".to_owned()
        )]
    );
}
