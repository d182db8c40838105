//! The renderers and pure helpers, without CloudVision.

use serde_json::json;

use super::configlets::render_configlet;
use super::events::severity;
use super::{find_device, path_of};
use crate::model::{Block, Reply};
use crate::workers::cloudvision::client::{read_stream, reason, session_refused};
use crate::workers::cloudvision::session::{Container, Device};
use crate::workers::toolkit::render::LONG_TEXT;

fn container(key: &str, name: &str, parent: Option<&str>) -> Container {
    Container {
        key: key.to_owned(),
        name: name.to_owned(),
        parent: parent.map(str::to_owned),
    }
}

#[test]
fn a_containers_path_runs_from_the_root_and_survives_a_loop() {
    let tree = [
        container("root", "Tenant", None),
        container("k1", "dc1", Some("root")),
        container("k2", "dc1-leafs", Some("k1")),
    ];
    assert_eq!(path_of(&tree, "k2"), "Tenant / dc1 / dc1-leafs");
    assert_eq!(path_of(&tree, "nope"), "");
    let looped = [container("a", "a", Some("b")), container("b", "b", Some("a"))];
    assert!(path_of(&looped, "a").len() < 20, "a loop ends");
}

#[test]
fn a_stream_is_read_a_line_at_a_time_up_to_the_cap() {
    let line = |n: u32| json!({"result": {"value": {"n": n}, "type": "INITIAL"}}).to_string();
    let body = format!("{}\n\n{}\n{}\n", line(1), line(2), line(3));
    let read = read_stream(body.as_bytes(), 2, "things").unwrap();
    assert_eq!(read.values, [json!({"n": 1}), json!({"n": 2})]);
    assert!(read.cut);
    let whole = read_stream(body.as_bytes(), 3, "things").unwrap();
    assert!(!whole.cut && whole.values.len() == 3);
    assert!(
        read_stream(b"", 3, "things").unwrap().values.is_empty(),
        "nothing matched"
    );

    let broken = read_stream(format!("{}\n<html>", line(1)).as_bytes(), 5, "things").unwrap_err();
    assert!(
        broken
            .to_string()
            .starts_with("CloudVision's answer could not be read: things:"),
        "{broken}"
    );
    let shapeless = read_stream(b"{\"result\": {}}", 5, "things").unwrap_err();
    assert!(shapeless.to_string().contains("a line without result.value"));
    let failed = read_stream(
        b"{\"error\": {\"code\": 13, \"message\": \"internal\"}}",
        5,
        "things",
    )
    .unwrap_err();
    assert_eq!(failed.to_string(), "CloudVision answered 200: internal");
}

#[test]
fn cloudvisions_reasons_are_read_from_either_api() {
    assert_eq!(
        reason(&json!({"errorCode": "1", "errorMessage": "Unauthorized User"})).as_deref(),
        Some("Unauthorized User")
    );
    assert_eq!(
        reason(&json!({"code": 7, "message": "permission denied"})).as_deref(),
        Some("permission denied")
    );
    assert_eq!(reason(&json!({"message": " "})), None);
}

#[test]
fn a_long_configlet_is_a_file_and_a_short_one_code() {
    let long = "x\n".repeat(LONG_TEXT);
    let Reply::Message(message) = render_configlet("big", &json!({"type": "Static", "config": long})) else {
        panic!("a message");
    };
    assert!(matches!(&message.blocks[1], Block::File(file) if file.file_name == "big.txt"));
    let Reply::Message(message) = render_configlet(
        "small",
        &json!({"type": "Static", "config": "ntp server 1.1.1.1\n"}),
    ) else {
        panic!("a message");
    };
    assert_eq!(message.blocks[1], Block::Code("ntp server 1.1.1.1\n".to_owned()));
    let Reply::Message(empty) = render_configlet("blank", &json!({"type": "Static", "config": ""})) else {
        panic!("a message");
    };
    assert_eq!(empty.blocks[1], Block::Text("**blank** is empty.".to_owned()));
}

#[test]
fn devices_are_found_by_hostname_fqdn_or_serial_and_severities_by_either_name() {
    let devices = vec![Device {
        serial: "SSJ1".to_owned(),
        hostname: "leaf1".to_owned(),
        mac: "m".to_owned(),
        streaming: true,
    }];
    for typed in ["leaf1", "LEAF1", "ssj1", "leaf1.example.net"] {
        assert!(find_device(devices.clone(), typed).is_some(), "{typed}");
    }
    assert!(find_device(devices.clone(), "leaf10").is_none());
    assert!(find_device(devices, "leaf1x.example.net").is_none());
    assert_eq!(severity("Error"), Some("EVENT_SEVERITY_ERROR"));
    assert_eq!(severity("event_severity_debug"), Some("EVENT_SEVERITY_DEBUG"));
    assert_eq!(severity("loud"), None);
}

#[test]
fn a_session_is_refused_by_a_401_or_by_cvps_unauthorized_code_under_200() {
    let answer = |status: u16, body: &str| chatops_outbound::Answer {
        status: reqwest::StatusCode::from_u16(status).unwrap(),
        headers: reqwest::header::HeaderMap::new(),
        body: body.as_bytes().to_vec(),
        attempts: 1,
    };
    assert!(session_refused(&answer(401, "")));
    assert!(session_refused(&answer(
        200,
        r#"{"errorCode": "112498", "errorMessage": "Unauthorized User"}"#
    )));
    assert!(!session_refused(&answer(
        200,
        r#"{"errorCode": "132801", "errorMessage": "Entity does not exist"}"#
    )));
    assert!(
        !session_refused(&answer(403, r#"{"errorCode": "112498"}"#)),
        "a role's refusal is no ended session"
    );
    assert!(!session_refused(&answer(200, "[]")));
}
