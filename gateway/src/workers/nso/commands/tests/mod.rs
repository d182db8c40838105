//! What a person sees of the nso sub-commands: the pure `render_*`
//! functions, fed with outputs shaped as NSO gives them. The worker behind
//! the router, against the fake NSO, is tested in `nso/tests`.

use chatops_crds::settings::CommandSet;
use serde_json::json;

use super::file_name;
use super::live::{Failed, cli_text, exec_module, render_no_exec, render_outputs, set_choices};
use super::reach::{render_connect, render_ping};
use super::sync::{Direction, Status, render_all, render_check, render_status, render_sync};
use crate::model::{Block, Level, Message, Reply};

fn the_message(reply: &Reply) -> &Message {
    let Reply::Message(message) = reply else {
        panic!("a message, not {reply:?}");
    };
    message
}

/// The first text block.
fn said(reply: &Reply) -> &str {
    the_message(reply)
        .blocks
        .iter()
        .find_map(|block| match block {
            Block::Text(text) => Some(text.as_str()),
            _ => None,
        })
        .expect("a text")
}

#[test]
fn a_ping_says_whether_the_device_answered_and_shows_what_ping_printed() {
    let answered = render_ping(
        "sw1",
        Some(&json!({"result": "1 packets transmitted, 1 received, 0% packet loss\n"})),
    );
    assert_eq!(said(&answered), "NSO's ping of **sw1** was answered.");
    assert_eq!(the_message(&answered).level, Level::Info);
    assert_eq!(
        the_message(&answered).blocks[1],
        Block::Code("1 packets transmitted, 1 received, 0% packet loss".to_owned())
    );
    let lost = render_ping(
        "sw1",
        Some(&json!({"result": "1 packets transmitted, 0 received, 100% packet loss"})),
    );
    assert_eq!(said(&lost), "NSO's ping of **sw1** failed: no answer.");
    assert_eq!(the_message(&lost).level, Level::Warning);
    assert!(said(&render_ping("sw1", None)).contains("did not say"));
}

#[test]
fn a_connect_says_nsos_info_either_way() {
    let ok = render_connect(
        "fw1",
        Some(&json!({"result": true, "info": "(admin) Connected to fw1 - 10.0.0.1:830"})),
    );
    assert_eq!(
        said(&ok),
        "NSO connected to **fw1**: (admin) Connected to fw1 - 10.0.0.1:830"
    );
    let refused = render_connect(
        "fw1",
        Some(&json!({"result": false, "info": "Device fw1 is southbound locked"})),
    );
    assert_eq!(
        said(&refused),
        "NSO could not connect to **fw1**: Device fw1 is southbound locked"
    );
    assert_eq!(the_message(&refused).level, Level::Warning);
}

#[test]
fn each_sync_status_has_its_sentence() {
    let status = |result: &str, info: Option<&str>| Status {
        result: result.to_owned(),
        info: info.map(str::to_owned),
    };
    assert_eq!(
        render_status("r1", &status("in-sync", None), false),
        "**r1** is in sync with NSO."
    );
    assert_eq!(
        render_status("r1", &status("out-of-sync", Some("got: a expected: b")), false),
        "**r1** is out of sync with NSO (got: a expected: b). Compare its configuration with NSO's?"
    );
    assert!(
        render_status("r1", &status("unsupported", None), false).contains("`check-sync r1 compare-config`")
    );
    assert!(render_status("r1", &status("locked", None), false).contains("is locked in NSO"));
    assert_eq!(
        render_status("r1", &status("error", Some("Failed to connect")), false),
        "NSO could not check **r1**: Failed to connect"
    );
    assert_eq!(
        render_status("r1", &status("in-sync", None), true),
        "**r1** is in sync with NSO: there is nothing to compare."
    );
}

#[test]
fn a_comparison_shows_the_diff_none_or_why_not() {
    let out = Status {
        result: "out-of-sync".to_owned(),
        info: None,
    };
    let diff = render_check("r1", &out, Some(Some(&json!({"diff": "\n+ shutdown;\n"}))), true);
    assert_eq!(
        the_message(&diff).blocks[1],
        Block::Code("+ shutdown;".to_owned())
    );
    let none = render_check("r1", &out, Some(None), true);
    assert_eq!(said(&none), "**r1**'s configuration does not differ from NSO's.");
    let failed = render_check(
        "r1",
        &out,
        Some(Some(&json!({"info": "Device r1 is southbound locked"}))),
        true,
    );
    assert_eq!(
        said(&failed),
        "NSO could not compare **r1**: Device r1 is southbound locked"
    );
}

#[test]
fn every_devices_status_is_a_table_with_the_diffs_asked_for() {
    let results = [
        json!({"device": "a", "result": "in-sync"}),
        json!({"device": "b", "result": "out-of-sync", "info": "got: x expected: y"}),
    ];
    let reply = render_all(&results, &[("b".to_owned(), Ok(Some("+ x;".to_owned())))]);
    let message = the_message(&reply);
    assert_eq!(message.level, Level::Warning);
    assert_eq!(said(&reply), "1 of 2 devices are in sync with NSO.");
    let Block::Table(table) = &message.blocks[1] else {
        panic!("a table");
    };
    assert_eq!(table.rows[1], ["b", "out-of-sync", "got: x expected: y"]);
    assert_eq!(message.blocks[2], Block::Code("! b\n+ x;".to_owned()));
    assert_eq!(said(&render_all(&[], &[])), "NSO manages no devices.");
}

#[test]
fn a_sync_says_what_moved_or_why_not() {
    let to = render_sync(Direction::To, "r1", Some(&json!({"result": true})));
    assert_eq!(said(&to), "NSO pushed its configuration to **r1** (sync-to).");
    let from = render_sync(Direction::From, "r1", Some(&json!({"result": true})));
    assert_eq!(said(&from), "NSO took **r1**'s configuration (sync-from).");
    let failed = render_sync(
        Direction::From,
        "r1",
        Some(&json!({"result": false, "info": "Device r1 is southbound locked"})),
    );
    assert_eq!(
        said(&failed),
        "NSO could not sync-from **r1**: Device r1 is southbound locked"
    );
}

#[test]
fn the_exec_module_is_the_neds_own() {
    let cli = |ned: &str| json!({"cli": {"ned-id": ned}});
    for (ned, module) in [
        (
            "cisco-ios-cli-6.91:cisco-ios-cli-6.91",
            Some("tailf-ned-cisco-ios-stats"),
        ),
        ("ios-id:cisco-ios", Some("tailf-ned-cisco-ios-stats")),
        (
            "cisco-iosxr-cli-7.52:cisco-iosxr-cli-7.52",
            Some("tailf-ned-cisco-ios-xr-stats"),
        ),
        (
            "cisco-ios-xr-id:cisco-ios-xr",
            Some("tailf-ned-cisco-ios-xr-stats"),
        ),
        ("cisco-asa-cli-6.16:cisco-asa-cli-6.16", None),
    ] {
        assert_eq!(exec_module(Some(&cli(ned))), module, "{ned}");
    }
    let netconf = json!({"netconf": {"ned-id": "juniper-junos-nc-4.12:juniper-junos-nc-4.12"}});
    assert_eq!(exec_module(Some(&netconf)), None);
    assert_eq!(exec_module(None), None);
}

#[test]
fn cli_output_loses_its_crlf_and_prompt() {
    let output = json!({"result": "\r\nCisco IOS Software\r\nuptime is 1 day\r\nsw1# "});
    assert_eq!(cli_text(Some(&output)), "Cisco IOS Software\nuptime is 1 day");
    let xr = json!({"result": "\r\nline\r\nRP/0/RSP0/CPU0:r1#"});
    assert_eq!(cli_text(Some(&xr)), "line");
}

#[test]
fn file_names_keep_only_safe_characters() {
    assert_eq!(file_name(&["nyc/rtr 1", "version"]), "nyc_rtr_1-version.txt");
}

#[test]
fn outputs_follow_the_original_layout_and_say_what_failed() {
    let set = CommandSet {
        name: "routing".to_owned(),
        commands: vec!["show ip route".to_owned(), "show version".to_owned()],
    };
    let failed = Failed {
        command: "show version",
        status: 500,
        detail: Some("Failed to connect to device r1"),
    };
    let reply = render_outputs(
        "r1",
        &set,
        &[("show ip route", "C 10.0.0.0/8".to_owned())],
        Some(failed),
    );
    let message = the_message(&reply);
    assert_eq!(message.title.as_deref(), Some("routing on r1"));
    assert_eq!(message.level, Level::Warning);
    let rule = format!("! {}", "-".repeat(30));
    assert_eq!(
        message.blocks[0],
        Block::Code(format!(
            "{rule}\n! Command 'show ip route' results:\n{rule}\nC 10.0.0.0/8"
        ))
    );
    assert_eq!(
        message.blocks[1],
        Block::Text("NSO could not run `show version` on **r1**: Failed to connect to device r1".to_owned())
    );
    assert_eq!(
        set_choices(&[set])[0].label,
        "routing: show ip route, show version"
    );
}

#[test]
fn a_ned_without_exec_is_said_with_its_name() {
    let reply = render_no_exec("fw1", Some("juniper-junos-nc-4.12"));
    assert_eq!(the_message(&reply).level, Level::Error);
    assert_eq!(
        said(&reply),
        "NSO cannot run show commands on **fw1**: its NED (`juniper-junos-nc-4.12`) has no live-status exec; \
         `run-command-set` runs on Cisco IOS and IOS XR devices."
    );
}
