//! Every sub-command against the fake, with its menus.

use chatops_testkit::fake_cloudvision::{LEAF1A_MAC, TOKEN};

use super::{assert_no_secret, column, count, cvaas, tables};
use crate::commands::Outcome;
use crate::commands::tests::fixtures::{
    USER, assert_private_error, choice_values, menu, message, prompted, text,
};
use crate::model::Block;

#[tokio::test]
async fn get_devices_in_container_lists_the_devices_under_it_with_their_place_in_the_tree() {
    let (fake, fixture) = cvaas().await;

    let routed = fixture
        .typed(USER, "cloudvision get-devices-in-container dc1")
        .await;

    assert_eq!(routed.outcome, Outcome::Succeeded, "{:?}", routed.reply);
    assert_eq!(
        column(&routed, 0),
        [
            "dc1-spine1",
            "dc1-spine2",
            "dc1-leaf1a",
            "dc1-leaf1b",
            "dc1-leaf2a"
        ]
    );
    assert_eq!(tables(&routed)[0].rows[2][1], "Tenant / dc1 / dc1-leafs");
    assert_eq!(tables(&routed)[0].rows[4][6], "inactive");
    let asked = fake.calls("/cvpservice/");
    let bearer = asked[0].headers.get("authorization").unwrap().to_str().unwrap();
    assert_eq!(bearer, format!("Bearer {TOKEN}"));
    assert_eq!(
        count(&fake, "/cvpservice/login/authenticate.do"),
        0,
        "a token needs no login"
    );
    assert_no_secret(&routed);

    let drifted = fixture
        .typed(USER, "cloudvision get-devices-in-container campus")
        .await;
    assert_eq!(column(&drifted, 0), ["campus-sw1"]);
    assert_eq!(tables(&drifted)[0].rows[0][7], "out of sync (warning)");
}

#[tokio::test]
async fn a_missing_container_is_asked_by_its_path_and_an_unknown_one_said() {
    let (_fake, fixture) = cvaas().await;

    let asked = fixture.typed(USER, "cloudvision get-devices-in-container").await;
    let containers = prompted(&asked);
    let labels: Vec<&str> = containers.choices.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "Tenant",
            "Tenant / Undefined",
            "Tenant / campus",
            "Tenant / dc1",
            "Tenant / dc1 / dc1-leafs",
            "Tenant / dc1 / dc1-spines"
        ]
    );
    assert_eq!(
        choice_values(containers)[4],
        "dc1-leafs",
        "valued by name, never by key"
    );
    let routed = fixture
        .answer(USER, &menu(&asked).continuation, &["dc1-leafs"])
        .await;
    assert_eq!(column(&routed, 0), ["dc1-leaf1a", "dc1-leaf1b", "dc1-leaf2a"]);

    let unknown = fixture
        .typed(USER, "cloudvision get-devices-in-container dc9")
        .await;
    assert_private_error(
        &unknown,
        "CloudVision has no container `dc9` that you may see; leave it out to pick one from a menu.",
    );
}

#[tokio::test]
async fn get_configlet_shows_its_text_and_says_what_a_builder_is() {
    let (_fake, fixture) = cvaas().await;

    let asked = fixture.typed(USER, "cloudvision get-configlet").await;
    let names = choice_values(prompted(&asked));
    assert_eq!(names.len(), 10);
    assert!(names.contains(&"dc1-leafs-mlag"), "{names:?}");
    let routed = fixture
        .answer(USER, &menu(&asked).continuation, &["dc1-leafs-mlag"])
        .await;
    assert_eq!(
        message(&routed).title.as_deref(),
        Some("Configlet dc1-leafs-mlag")
    );
    assert!(
        text(&routed).contains("mlag configuration\n   domain-id dc1-pod1"),
        "{}",
        text(&routed)
    );
    assert!(text(&routed).contains("type: Static"));

    let builder = fixture
        .typed(USER, "cloudvision get-configlet leaf-bgp-builder")
        .await;
    assert!(
        text(&builder).contains("is a configlet builder"),
        "{}",
        text(&builder)
    );

    let missing = fixture.typed(USER, "cloudvision get-configlet nope").await;
    assert_private_error(
        &missing,
        "CloudVision would not read configlet nope: Entity does not exist.",
    );
}

#[tokio::test]
async fn get_device_configuration_sends_the_running_config_as_a_file() {
    let (fake, fixture) = cvaas().await;

    let asked = fixture.typed(USER, "cloudvision get-device-configuration").await;
    assert_eq!(
        choice_values(prompted(&asked)),
        [
            "campus-sw1",
            "campus-sw2",
            "dc1-leaf1a",
            "dc1-leaf1b",
            "dc1-leaf2a",
            "dc1-spine1",
            "dc1-spine2"
        ]
    );
    let routed = fixture
        .answer(USER, &menu(&asked).continuation, &["dc1-leaf1a"])
        .await;
    let Block::File(file) = &message(&routed).blocks[0] else {
        panic!("a file: {:?}", routed.reply);
    };
    assert_eq!(file.file_name, "dc1-leaf1a-running-config.txt");
    assert!(file.text.contains("hostname dc1-leaf1a") && file.text.contains("router bgp 65101"));
    let config = fake.calls("/inventory/device/config");
    assert_eq!(
        config[0].query,
        format!("netElementId={}", LEAF1A_MAC.replace(':', "%3A"))
    );

    let by_fqdn = fixture
        .typed(
            USER,
            "cloudvision get-device-configuration DC1-SPINE1.example.net",
        )
        .await;
    assert_eq!(by_fqdn.outcome, Outcome::Succeeded);
}

#[tokio::test]
async fn get_task_logs_offers_tasks_by_description_and_state_and_reads_either_log() {
    let (fake, fixture) = cvaas().await;

    let asked = fixture.typed(USER, "cloudvision get-task-logs").await;
    let tasks = prompted(&asked);
    assert_eq!(
        tasks.choices[1].label,
        "1023: Configlet Assign: to Device campus-sw1 (Pending)"
    );
    assert_eq!(choice_values(tasks), ["1024", "1023", "1022", "1021"]);

    let ran = fixture.answer(USER, &menu(&asked).continuation, &["1022"]).await;
    assert_eq!(
        column(&ran, 2),
        [
            "Task 1022 started on dc1-leaf2a",
            "Pushing configlets to dc1-leaf2a",
            "Error: dc1-leaf2a did not answer within 300 seconds (device unreachable)",
            "Task 1022 failed"
        ]
    );
    assert_eq!(
        fake.calls("/audit/getLogs.do")[0].json()["objectKey"],
        "cc-7d8e9f0a-1b2c-4d3e"
    );

    let pending = fixture.typed(USER, "cloudvision get-task-logs 1023").await;
    assert_eq!(column(&pending, 2), ["Task 1023 created for campus-sw1"]);
    assert_eq!(fake.calls("/task/getLogsById.do").len(), 1);

    let unknown = fixture.typed(USER, "cloudvision get-task-logs 9999").await;
    assert_private_error(
        &unknown,
        "CloudVision would not read task 9999: Invalid WorkOrderId.",
    );
    let bad = fixture.typed(USER, "cloudvision get-task-logs abc").await;
    assert_private_error(
        &bad,
        "`abc` is no task ID (a number); leave it out to pick a task from a menu.",
    );
}

#[tokio::test]
async fn get_applied_configlets_of_a_container_or_a_device_asking_for_each() {
    let (_fake, fixture) = cvaas().await;

    let asked = fixture.typed(USER, "cloudvision get-applied-configlets").await;
    assert_eq!(choice_values(prompted(&asked)), ["container", "device"]);
    let which = fixture
        .answer(USER, &menu(&asked).continuation, &["container"])
        .await;
    assert_eq!(choice_values(prompted(&which))[4], "dc1-leafs");
    let routed = fixture
        .answer(USER, &menu(&which).continuation, &["dc1-leafs"])
        .await;
    assert_eq!(column(&routed, 0), ["dc1-leafs-mlag", "leaf-bgp-builder"]);
    assert_eq!(column(&routed, 1), ["Static", "Builder"]);

    let device = fixture
        .typed(USER, "cloudvision get-applied-configlets device")
        .await;
    let devices = prompted(&device);
    let routed = fixture.answer(USER, &devices.continuation, &["dc1-leaf1a"]).await;
    assert_eq!(
        column(&routed, 0),
        ["dc1-leaf1a-interfaces", "leaf-bgp-builder_dc1-leaf1a_1"]
    );

    let none = fixture
        .typed(USER, "cloudvision get-applied-configlets device campus-sw2")
        .await;
    assert_eq!(text(&none), "No configlets are applied to device **campus-sw2**.");
    let bad = fixture
        .typed(USER, "cloudvision get-applied-configlets site x")
        .await;
    assert_private_error(
        &bad,
        "`site` is neither `container` nor `device`: say which the configlets are applied to.",
    );
}

#[tokio::test]
async fn get_active_events_filters_by_device_severity_type_or_none_within_a_window() {
    let (fake, fixture) = cvaas().await;

    let all = fixture.typed(USER, "cloudvision get-active-events all 30d").await;
    assert_eq!(all.outcome, Outcome::Succeeded, "{:?}", all.reply);
    assert_eq!(column(&all, 2).len(), 6);
    assert_eq!(column(&all, 2)[0], "DEVICE_CONFIG_CHANGED", "newest first");
    assert_eq!(column(&all, 4)[1], "dc1-leaf1a", "devices by hostname");
    assert_eq!(column(&all, 5)[1], "Ethernet3");

    let day = fixture
        .typed(USER, "cloudvision get-active-events all - 2d")
        .await;
    assert_eq!(column(&day, 2).len(), 4);

    let severe = fixture
        .typed(USER, "cloudvision get-active-events severity error 30d")
        .await;
    assert_eq!(
        column(&severe, 2),
        ["HIGH_INTF_IN_ERRORS", "DEVICE_NOT_STREAMING"]
    );
    let sent = fake.calls("/api/resources/event/v1/Event/all");
    let body = sent.last().unwrap().json();
    assert_eq!(body["partialEqFilter"][0]["severity"], "EVENT_SEVERITY_ERROR");
    assert!(body["time"]["start"].as_str().unwrap().ends_with('Z'));

    let device = fixture
        .typed(USER, "cloudvision get-active-events device dc1-leaf1a 1d now")
        .await;
    assert_eq!(column(&device, 3), ["High input error rate"]);
    let kind = fixture
        .typed(USER, "cloudvision get-active-events type device_not_streaming 7d")
        .await;
    assert_eq!(column(&kind, 4), ["dc1-leaf2a"]);

    let iso = fixture
        .typed(USER, "cloudvision get-active-events all - 2000-01-01 2000-01-02")
        .await;
    assert!(
        text(&iso).starts_with("CloudVision has no events that began from 2000-01-01 00:00 UTC"),
        "{}",
        text(&iso)
    );
}

#[tokio::test]
async fn get_active_events_asks_what_is_missing_and_refuses_a_bad_time() {
    let (_fake, fixture) = cvaas().await;

    let asked = fixture.typed(USER, "cloudvision get-active-events").await;
    assert_eq!(
        choice_values(prompted(&asked)),
        ["device", "severity", "type", "all"]
    );
    let severity = fixture
        .answer(USER, &menu(&asked).continuation, &["severity"])
        .await;
    assert_eq!(
        choice_values(prompted(&severity)),
        ["critical", "error", "warning", "info", "debug"]
    );
    let since = fixture
        .answer(USER, &menu(&severity).continuation, &["critical"])
        .await;
    assert_eq!(choice_values(prompted(&since)), ["1h", "1d", "7d", "30d"]);
    let routed = fixture.answer(USER, &menu(&since).continuation, &["7d"]).await;
    assert_eq!(column(&routed, 3), ["Interface error-disabled"]);

    let types = fixture.typed(USER, "cloudvision get-active-events type").await;
    assert!(choice_values(prompted(&types)).contains(&"LOW_DEVICE_DISK_SPACE"));

    let bad = fixture
        .typed(USER, "cloudvision get-active-events all yesterday")
        .await;
    assert_private_error(
        &bad,
        "`yesterday` is not a time: give how long ago (`30m`, `1h`, `7d`, `2w`), `now`, or an ISO 8601 time \
         (`2026-12-01T08:00:00Z`, `2026-12-01`).",
    );
    let backwards = fixture
        .typed(USER, "cloudvision get-active-events all 1h 2h")
        .await;
    assert_private_error(&backwards, "The end (2h) is before the start (1h).");
    let severity = fixture
        .typed(USER, "cloudvision get-active-events severity loud 1h")
        .await;
    assert_private_error(
        &severity,
        "`loud` is not a severity; use one of: critical, error, warning, info, debug.",
    );
}

#[tokio::test]
async fn get_tags_lists_the_device_tags_then_the_interfaces() {
    let (_fake, fixture) = cvaas().await;

    let routed = fixture.typed(USER, "cloudvision get-tags dc1-leaf1a").await;

    let rows = &tables(&routed)[0].rows;
    assert_eq!(rows.len(), 10);
    assert!(rows.contains(&vec![
        "device".into(),
        "rack".into(),
        "r01".into(),
        "a user".into()
    ]));
    assert!(rows.contains(&vec![
        "device".into(),
        "eos".into(),
        "4.30.5M".into(),
        "CloudVision".into()
    ]));
    assert_eq!(rows[9][0], "Ethernet50/1", "interfaces after the device");
    assert!(
        column(&routed, 2).iter().all(|value| value != "spine"),
        "only this device's tags"
    );
}

#[tokio::test]
async fn get_device_cve_shows_the_ids_and_counts_and_says_that_is_all_rest_gives() {
    let (_fake, fixture) = cvaas().await;

    let routed = fixture.typed(USER, "cloudvision get-device-cve campus-sw1").await;
    let said = text(&routed);
    assert!(
        said.contains("CVEs: 3\nCVE IDs: 998, 1002, 1017\nhighest CVE exposure: high"),
        "{said}"
    );
    assert!(said.contains("bug IDs: 72110, 79384, 81220"), "{said}");
    assert!(
        said.contains("IDs (Arista's own numbering) and counts only"),
        "{said}"
    );

    let clean = fixture.typed(USER, "cloudvision get-device-cve campus-sw2").await;
    assert!(
        text(&clean).contains("CVEs: 0\nCVE IDs: none\nhighest CVE exposure: none"),
        "{}",
        text(&clean)
    );

    let unknown = fixture.typed(USER, "cloudvision get-device-cve nope").await;
    assert_private_error(
        &unknown,
        "CloudVision has no device `nope` that you may see; leave it out to pick one from a menu.",
    );
}
