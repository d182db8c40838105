//! The `nautobot` worker against a real Nautobot 3.2.7 with the seeded data of
//! `scripts/nautobot/seed.py`: the real gateway binary, a fake Slack, and slash
//! commands and menu choices signed exactly as Slack signs them.
//!
//! Needs `scripts/nautobot/up` first (`.ci/run` does it); without a Nautobot answering
//! `GET /api/status/` the test fails, it never skips.

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use chatops_tests::{
    gateway_process::Gateway,
    nautobot_live::{
        ADMIN_CHAT_USER, LiveSlack, Menu, Nautobot, PARTIAL_CHAT_USER, UNLINKED_CHAT_USER, VIEWER_CHAT_USER,
        answer_text, channel_of, live_manifests, looks_like_uuid, wait_for_answer, wait_for_menu,
    },
    slack_requests::{
        QUICKSTART_SIGNING_SECRET as SECRET, menu_choice, now, post_signed, slash_command, view_submission,
    },
    wait,
};

const FORM: &str = "application/x-www-form-urlencoded";
const WORKSPACE: &str = "T0EXAMPLE01";
/// How long an answer may take: Nautobot's runserver on a busy 2-core machine is slow.
const PATIENCE: Duration = Duration::from_secs(20);
/// A Job runs in Nautobot's Celery worker: queued, started, logged, finished.
const JOB_PATIENCE: Duration = Duration::from_secs(60);
/// The device whose status the test changes (and puts back).
const CHANGED_DEVICE: &str = "ams01-leaf-02";

/// The gateway, the fake Slack it answers on, and the Nautobot behind it.
struct Live {
    gateway: Gateway,
    slack: LiveSlack,
    nautobot: Nautobot,
}

impl Live {
    /// `user` types `/nautobot {text}`; the answer goes to response URL `id`, and the
    /// command comes from conversation [`channel_of`]`(id)`.
    async fn ask(&self, user: &str, text: &str, id: &str) {
        self.slack.mark(id);
        let body = slash_command(
            WORKSPACE,
            &channel_of(id),
            user,
            "/nautobot",
            text,
            &self.slack.response_url(id),
        );
        self.post("commands", &body, &format!("/nautobot {text}")).await;
    }

    /// Posts `body` to Slack's `endpoint` as Slack signs it, and asserts that
    /// `what` it is was acknowledged.
    async fn post(&self, endpoint: &str, body: &str, what: &str) {
        let url = self.gateway.url(&format!("/hooks/slack/{endpoint}"));
        let ack = post_signed(&url, SECRET, now(), body, FORM).await;
        assert_eq!(ack.status(), StatusCode::OK, "{what} is acknowledged");
    }

    /// [`Live::ask`], then [`Live::answer`] on `id`.
    async fn answered(&self, user: &str, text: &str, id: &str, expected: &[&str]) -> String {
        self.ask(user, text, id).await;
        self.answer(id, expected).await
    }

    /// `user` picks `value` from `menu`; the answer goes to response URL `id`.
    async fn choose(&self, user: &str, menu: &Menu, value: &str, id: &str) {
        self.slack.mark(id);
        let body = menu_choice(
            WORKSPACE,
            &channel_of(id),
            user,
            &menu.action_id,
            value,
            &self.slack.response_url(id),
        );
        self.post("interactions", &body, &format!("the choice {value}"))
            .await;
    }

    /// The answer on `id` once it has every one of `expected`; panics, showing what came,
    /// when one is still missing after [`PATIENCE`].
    async fn answer(&self, id: &str, expected: &[&str]) -> String {
        self.answer_within(id, expected, PATIENCE).await
    }

    async fn answer_within(&self, id: &str, expected: &[&str], limit: Duration) -> String {
        let text = wait_for_answer(&self.slack, id, limit, |text| {
            expected.iter().all(|e| text.contains(e))
        })
        .await;
        for e in expected {
            assert!(
                text.contains(e),
                "the answer on {id} lacks {e:?} after {limit:?}; it was: {}",
                shown(&text)
            );
        }
        text
    }

    /// The menu posted on `id`.
    async fn menu(&self, id: &str) -> Menu {
        wait_for_menu(&self.slack, id, PATIENCE)
            .await
            .unwrap_or_else(|why| panic!("{why}"))
    }
}

/// What an assertion message shows of an answer.
fn shown(text: &str) -> &str {
    if text.is_empty() { "(nothing)" } else { text }
}

#[tokio::test]
async fn the_nautobot_worker_answers_from_a_real_nautobot() {
    let started = Instant::now();
    let nautobot = Nautobot::require().await;
    // Leftovers of an interrupted earlier run would spoil the status steps.
    let _restore = nautobot.restore_on_drop(CHANGED_DEVICE, "Active");
    if nautobot.device_status(CHANGED_DEVICE).await != "Active" {
        nautobot.set_device_status(CHANGED_DEVICE, "Active").await;
    }
    let manifests = live_manifests(&nautobot);
    let slack = LiveSlack::start().await;
    let gateway = Gateway::start(manifests.path(), &slack.api_url(), &[]).await;
    let live = Live {
        gateway,
        slack,
        nautobot,
    };
    eprintln!("gateway ready after {:?}", started.elapsed());

    macro_rules! step {
        ($f:ident) => {{
            let t = Instant::now();
            $f(&live).await;
            eprintln!("{:<40} {:>8.2?}", stringify!($f), t.elapsed());
        }};
    }
    step!(reads);
    step!(devices_chosen_through_menus);
    step!(status_changed_by_the_admin);
    step!(status_change_refused_to_viewers);
    step!(rack_menu);
    step!(job_run);
    step!(job_form);
    step!(about);
    step!(jobs_fields_in_both_syntaxes);
    step!(partial_reader_devices);
    step!(partial_reader_circuits);
    step!(partial_reader_vlans);
    eprintln!("all steps in {:?}", started.elapsed());
}

fn assert_ams01_devices(text: &str) {
    assert!(
        !text.contains("10.1.0.254/"),
        "the primary IP without its mask: {text}"
    );
    assert!(!text.contains("nyc01-"), "only devices at ams01: {text}");
}

/// `get-devices` without arguments asks for the filter, then its value, with menus
/// showing names, never UUIDs.
async fn devices_chosen_through_menus(live: &Live) {
    live.ask(ADMIN_CHAT_USER, "get-devices", "devices-menu").await;
    let filters = live.menu("devices-menu").await;
    for filter in ["name", "location", "role", "model", "manufacturer"] {
        assert!(
            filters.values().contains(&filter),
            "filter {filter} offered: {:?}",
            filters.options
        );
    }

    live.choose(ADMIN_CHAT_USER, &filters, "location", "devices-menu-location")
        .await;
    let locations = live.menu("devices-menu-location").await;
    for location in ["ams01", "nyc01"] {
        assert!(
            locations.values().contains(&location),
            "location {location} offered: {:?}",
            locations.options
        );
    }
    for (label, value) in &locations.options {
        assert!(
            !looks_like_uuid(label) && !looks_like_uuid(value),
            "a menu shows names, not UUIDs: {label:?} = {value:?}"
        );
    }

    live.choose(ADMIN_CHAT_USER, &locations, "ams01", "devices-menu-ams01")
        .await;
    let text = live
        .answer(
            "devices-menu-ams01",
            &["ams01-edge-01", "ams01-leaf-01", "Primary IP", "10.1.0.254"],
        )
        .await;
    assert_ams01_devices(&text);
}

/// A command that only reads, and what its answer must show.
struct Read {
    /// Who asks.
    user: &'static str,
    /// What they type after `/nautobot`.
    command: &'static str,
    /// The response URL's id.
    id: &'static str,
    /// What the answer holds.
    expected: &'static [&'static str],
    /// What it must not hold (what a filter leaves out, what the user may see).
    absent: &'static [&'static str],
    /// Whether it must show no `—` (see [`assert_no_blank`]).
    no_blank: bool,
}

impl Read {
    /// The admin's `command`, its answer on `id` holding `expected`.
    const fn admin(command: &'static str, id: &'static str, expected: &'static [&'static str]) -> Read {
        Read {
            user: ADMIN_CHAT_USER,
            command,
            id,
            expected,
            absent: &[],
            no_blank: false,
        }
    }

    /// The partial reader's `command`, its answer on `id` holding `expected`.
    const fn partial(command: &'static str, id: &'static str, expected: &'static [&'static str]) -> Read {
        Read {
            user: PARTIAL_CHAT_USER,
            ..Read::admin(command, id, expected)
        }
    }

    /// The same, without `absent`.
    const fn without(self, absent: &'static [&'static str]) -> Read {
        Read { absent, ..self }
    }

    /// The same, with no blank: the objects' values are all set in the seed.
    const fn whole(self) -> Read {
        Read {
            no_blank: true,
            ..self
        }
    }
}

/// The commands that only read, in the order they run.
const READS: &[Read] = &[
    // Devices at a location (only ams01), with their primary IP without its mask.
    Read::admin(
        "get-devices location ams01",
        "devices-ams01",
        &["ams01-edge-01", "ams01-leaf-01", "Primary IP", "10.1.0.254"],
    )
    .without(&["10.1.0.254/", "nyc01-"]),
    // Devices by role: the four leaves of the seed.
    Read::admin(
        "get-devices role leaf",
        "devices-leaf",
        &["ams01-leaf-01", "ams01-leaf-02", "nyc01-leaf-01", "nyc01-leaf-02"],
    ),
    // One device's status.
    Read::admin(
        "get-device-status ams01-edge-01",
        "status-edge",
        &["ams01-edge-01", "Active"],
    ),
    // A device's facts: vendor, model, primary IP with its mask, role.
    Read::admin(
        "get-device-facts ams01-edge-01",
        "facts-edge",
        &["Cisco", "ASR-1001-X", "10.1.0.254/24", "edge"],
    ),
    // A rack's elevation.
    Read::admin(
        "get-rack ams01 ams01-r1",
        "rack-r1",
        &["ams01-edge-01", "ams01-spine-01", "42"],
    ),
    // Circuits, all and by provider (only NTT's).
    Read::admin(
        "get-circuits all",
        "circuits-all",
        &["NTT-AMS-0001", "ZAYO-WAN-0001", "NTT", "Zayo"],
    ),
    Read::admin("get-circuits provider NTT", "circuits-ntt", &["NTT-AMS-0001"]).without(&["ZAYO-WAN-0001"]),
    // Providers with their ASNs.
    Read::admin(
        "get-circuit-providers",
        "providers",
        &["NTT", "2914", "Zayo", "6461"],
    ),
    // What a circuit is connected to.
    Read::admin(
        "get-circuit-connections NTT NTT-AMS-0001",
        "circuit-connections",
        &["ams01-edge-01", "Ethernet1"],
    ),
    // VLANs, all and by VLAN ID (only VLAN 100).
    Read::admin("get-vlans all", "vlans-all", &["ams01-servers", "10.1.100.0/24"]),
    Read::admin("get-vlans id 100", "vlans-100", &["ams01-servers"]).without(&["ams01-storage"]),
    // Interface connections of one device, and all of them.
    Read::admin(
        "get-interface-connections device ams01 ams01-leaf-01",
        "connections-leaf",
        &["ams01-spine-01"],
    ),
    Read::admin(
        "get-interface-connections all",
        "connections-all",
        &["ams01-leaf-01", "ams01-spine-01"],
    ),
    // Devices per manufacturer.
    Read::admin("get-manufacturer-summary", "manufacturers", &["Arista", "Cisco"]),
    // Jobs, all and the enabled ones.
    Read::admin("get-jobs", "jobs", &["Hello Device"]),
    Read::admin("filter-jobs enabled", "jobs-enabled", &["Hello Device"]),
    // The partial reader (devices yes; locations, roles, IP addresses no):
    // one device's status, and its facts read over REST, where Nautobot names
    // even the related objects the user may not view.
    Read::partial(
        "get-device-status ams01-edge-01",
        "partial-status",
        &["ams01-edge-01", "Active"],
    ),
    Read::partial(
        "get-device-facts ams01-edge-01",
        "partial-facts",
        &[
            "Cisco",
            "ASR-1001-X",
            "ams01-r1",
            "Nautobot Airports",
            "Cisco IOS-XE",
        ],
    )
    .whole(),
    // A rack: its devices by unit, which the user may view (not hidden).
    Read::partial(
        "get-rack ams01 ams01-r1",
        "partial-rack",
        &["ams01-edge-01", "ams01-spine-01", "42"],
    )
    .without(&["hidden"]),
    // Providers: nothing of theirs is hidden.
    Read::partial(
        "get-circuit-providers",
        "partial-providers",
        &["NTT", "2914", "Zayo", "6461"],
    )
    .whole(),
    // Interface connections of a device: both ends, which the user may view.
    Read::partial(
        "get-interface-connections device ams01 ams01-leaf-01",
        "partial-connections",
        &["ams01-leaf-01", "ams01-spine-01", "Ethernet1"],
    )
    .whole(),
    // Devices per manufacturer: counted over every device, whatever the user may view.
    Read::partial(
        "get-manufacturer-summary",
        "partial-manufacturers",
        &["Arista", "Cisco"],
    )
    .whole(),
];

/// The admin's table of the devices the partial reader was shown: the values
/// themselves, nothing hidden.
const ADMIN_DEVICES: Read = Read::admin(
    "get-devices location ams01",
    "admin-devices",
    &["ams01-edge-01", "10.1.0.254", "edge", "spine"],
)
.without(&["hidden"])
.whole();

/// Runs every one of [`READS`].
async fn reads(live: &Live) {
    for one in READS {
        read(live, one).await;
    }
}

/// Runs `read` and checks its answer.
async fn read(live: &Live, read: &Read) {
    let text = live
        .answered(read.user, read.command, read.id, read.expected)
        .await;
    for absent in read.absent {
        assert!(
            !text.contains(absent),
            "{} by {}: no {absent:?} in {text}",
            read.command,
            read.user
        );
    }
    if read.no_blank {
        assert_no_blank(read.command, &text);
    }
}

/// The admin changes a device's status through menus (statuses, then a confirmation),
/// then back in one typed line; Nautobot's REST API shows each change.
async fn status_changed_by_the_admin(live: &Live) {
    let command = format!("change-device-status {CHANGED_DEVICE}");
    live.ask(ADMIN_CHAT_USER, &command, "change-menu").await;
    let statuses = live.menu("change-menu").await;
    assert!(
        statuses.values().contains(&"Planned"),
        "Planned offered: {:?}",
        statuses.options
    );
    assert!(
        statuses.labels().iter().any(|l| l.contains("(current)")),
        "the current status is marked: {:?}",
        statuses.options
    );

    live.choose(ADMIN_CHAT_USER, &statuses, "Planned", "change-planned")
        .await;
    let confirm = live.menu("change-planned").await;
    assert!(
        confirm.values().contains(&"yes"),
        "a confirmation: {:?}",
        confirm.options
    );
    live.choose(ADMIN_CHAT_USER, &confirm, "yes", "change-confirmed")
        .await;
    live.answer("change-confirmed", &["Planned"]).await;
    assert_eq!(live.nautobot.device_status(CHANGED_DEVICE).await, "Planned");

    let command = format!("change-device-status {CHANGED_DEVICE} Active yes");
    live.answered(ADMIN_CHAT_USER, &command, "change-back", &["Active"])
        .await;
    assert_eq!(live.nautobot.device_status(CHANGED_DEVICE).await, "Active");
}

/// The viewer, and an unlinked user acting with the Integration's viewer token, are
/// refused by Nautobot's own permissions; nothing changes.
async fn status_change_refused_to_viewers(live: &Live) {
    let command = format!("change-device-status {CHANGED_DEVICE} Planned yes");
    live.answered(
        VIEWER_CHAT_USER,
        &command,
        "change-by-viewer",
        &["may not change", "viewer"],
    )
    .await;
    assert_eq!(live.nautobot.device_status(CHANGED_DEVICE).await, "Active");

    live.answered(
        UNLINKED_CHAT_USER,
        &command,
        "change-by-unlinked",
        &["may not change"],
    )
    .await;
    assert_eq!(live.nautobot.device_status(CHANGED_DEVICE).await, "Active");
}

/// The location menu of `get-rack`.
async fn rack_menu(live: &Live) {
    live.ask(ADMIN_CHAT_USER, "get-rack", "rack-menu").await;
    let locations = live.menu("rack-menu").await;
    assert!(
        locations.values().contains(&"ams01"),
        "ams01 offered: {:?}",
        locations.options
    );
}

/// The admin runs a Job in Nautobot's Celery worker and gets its result; the viewer
/// may not run it.
async fn job_run(live: &Live) {
    let command = r#"run-job "Hello Device" hi 2 True ams01-edge-01"#;
    live.ask(ADMIN_CHAT_USER, command, "job-by-admin").await;
    let text = wait_for_answer(&live.slack, "job-by-admin", JOB_PATIENCE, |text| {
        text.contains("HI ams01-edge-01") && text.to_lowercase().contains("success")
    })
    .await;
    assert!(
        text.contains("HI ams01-edge-01"),
        "the Job's result, within {JOB_PATIENCE:?}: {}",
        shown(&text)
    );
    assert!(
        text.to_lowercase().contains("success"),
        "the Job's status, within {JOB_PATIENCE:?}: {}",
        shown(&text)
    );

    live.answered(VIEWER_CHAT_USER, command, "job-by-viewer", &["may not run"])
        .await;
}

/// A Job's variables as a form (a Slack modal opened with `views.open`).
async fn job_form(live: &Live) {
    live.ask(ADMIN_CHAT_USER, r#"run-job-form "Hello Device""#, "job-form")
        .await;
    let opened = wait::within(PATIENCE, || {
        let requests = live.slack.requests_since("job-form");
        requests.into_iter().find(|r| r.path == "/api/views.open")
    })
    .await;
    let view = opened
        .unwrap_or_else(|| {
            panic!(
                "no views.open within {PATIENCE:?}; the answer was: {}",
                shown(&answer_text(&live.slack, "job-form"))
            )
        })
        .json();
    // Labels may be the variables' names or their title-cased labels.
    let labels: Vec<String> = view["view"]["blocks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|b| b["label"]["text"].as_str())
        .map(str::to_lowercase)
        .collect();
    for field in ["greeting", "times"] {
        assert!(
            labels.iter().any(|l| l.contains(field)),
            "a field {field} in the form; labels {labels:?} of {view}"
        );
    }

    // Submitted, the form runs the job as the admin; the answer goes to their DM.
    live.slack.mark("job-form-submitted");
    let body = view_submission(
        WORKSPACE,
        ADMIN_CHAT_USER,
        &view["view"],
        &["howdy", "1", "True", "ams01-edge-01"],
    );
    live.post("interactions", &body, "the form").await;
    let text = wait_for_answer(&live.slack, "job-form-submitted", JOB_PATIENCE, |text| {
        text.contains("HOWDY ams01-edge-01")
    })
    .await;
    assert!(
        text.contains("HOWDY ams01-edge-01"),
        "the job run from the form, within {JOB_PATIENCE:?}: {}",
        shown(&text)
    );
}

/// Which Nautobot this is.
async fn about(live: &Live) {
    let url = live.nautobot.url.clone();
    live.answered(ADMIN_CHAT_USER, "about", "about", &["3.2.7", &url])
        .await;
}

/// `get-jobs` takes its fields as the original app documents them (a JSON object) and
/// as a list: the same table either way.
async fn jobs_fields_in_both_syntaxes(live: &Live) {
    let json = live
        .answered(
            ADMIN_CHAT_USER,
            r#"get-jobs '{"name": 1, "grouping": 1}'"#,
            "jobs-json",
            &["Hello Device", "Grouping"],
        )
        .await;
    let list = live
        .answered(
            ADMIN_CHAT_USER,
            "get-jobs name,grouping",
            "jobs-list",
            &["Hello Device", "Grouping"],
        )
        .await;
    assert_eq!(json, list, "both syntaxes give the same table");
    assert!(
        !json.contains("is not a job field"),
        "the JSON form is accepted: {json}"
    );
}

/// What hidden reads as for the partial reader.
const HIDDEN_LOCATION: &str = "hidden (you may not view dcim.location)";
const HIDDEN_ROLE: &str = "hidden (you may not view extras.role)";
const HIDDEN_IP: &str = "hidden (you may not view ipam.ipaddress)";

/// Panics when `text` shows `—` at all: every value the seed gives the objects of
/// `what` is set, so a dash could only be a hidden value drawn as empty.
fn assert_no_blank(what: &str, text: &str) {
    assert!(
        !text.contains('—'),
        "{what}: a blank where the seed has a value (hidden drawn as empty): {text}"
    );
}

/// The line of a table that names `key` (in a message's JSON, lines are escaped `\n`;
/// in a file, real ones).
fn row(text: &str, key: &str) -> String {
    text.replace("\\n", "\n")
        .lines()
        .find(|line| line.contains(key))
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("a row for {key}: {text}"))
}

/// The partial reader (devices yes; locations, roles, IP addresses no) gets every
/// column they may read, and hidden where they may not, never a blank; the filter by
/// location works for them (it acts on the devices' own column).
async fn partial_reader_devices(live: &Live) {
    let text = live
        .answered(
            PARTIAL_CHAT_USER,
            "get-devices location ams01",
            "partial-devices",
            &[
                "ams01-edge-01",
                "ams01-spine-01",
                "Active",
                "Nautobot Airports",
                "ams01-r1",
                "ASR-1001-X",
                "DCS-7280CR2-60",
                HIDDEN_LOCATION,
                HIDDEN_ROLE,
                HIDDEN_IP,
            ],
        )
        .await;
    assert_no_blank("get-devices", &text);
    assert!(!text.contains("nyc01-"), "only devices at ams01: {text}");
    assert!(
        !text.contains("10.1.0."),
        "no IP address the user may not view: {text}"
    );

    // The menu of locations is a list of a model the user may not view: Nautobot
    // refuses it, and the answer names the permission, never an empty menu.
    live.ask(PARTIAL_CHAT_USER, "get-devices", "partial-devices-menu")
        .await;
    let filters = live.menu("partial-devices-menu").await;
    live.choose(
        PARTIAL_CHAT_USER,
        &filters,
        "location",
        "partial-devices-menu-location",
    )
    .await;
    live.answer("partial-devices-menu-location", &["may not", "location"])
        .await;

    // The admin's table of the same devices has the values themselves.
    read(live, &ADMIN_DEVICES).await;
}

/// Circuits and what they connect to: the terminations' locations are hidden.
async fn partial_reader_circuits(live: &Live) {
    let text = live
        .answered(
            PARTIAL_CHAT_USER,
            "get-circuits all",
            "partial-circuits",
            &["NTT-AMS-0001", "ZAYO-WAN-0001", "NTT", "Zayo"],
        )
        .await;
    // Both ends of the WAN circuit are at locations the user may not view; the
    // internet uplink has no Z side at all.
    let wan = row(&text, "ZAYO-WAN-0001");
    assert_eq!(
        wan.matches(HIDDEN_LOCATION).count(),
        2,
        "both sides of ZAYO-WAN-0001 are hidden, not blank: {wan}"
    );
    assert!(!wan.contains('—'), "nothing of ZAYO-WAN-0001 is blank: {wan}");
    let uplink = row(&text, "NTT-AMS-0001");
    assert!(
        uplink.contains(HIDDEN_LOCATION) && uplink.matches('—').count() == 1,
        "NTT-AMS-0001: A side hidden, no Z side: {uplink}"
    );

    let text = live
        .answered(
            PARTIAL_CHAT_USER,
            "get-circuit-connections NTT NTT-AMS-0001",
            "partial-circuit-connections",
            &["ams01-edge-01", "Ethernet1"],
        )
        .await;
    let a_side = row(&text, "ams01-edge-01");
    assert!(
        a_side.contains(HIDDEN_LOCATION) && !a_side.contains('—'),
        "the A side's location is hidden, not blank: {a_side}"
    );
    assert!(
        row(&text, "no termination").contains('—'),
        "the Z side has no termination, so no location: {text}"
    );
}

/// VLANs: their locations and roles are hidden, and the management VLANs, which
/// have no role, still show none.
async fn partial_reader_vlans(live: &Live) {
    let text = live
        .answered(
            PARTIAL_CHAT_USER,
            "get-vlans all",
            "partial-vlans",
            &["ams01-servers", "10.1.100.0/24", HIDDEN_LOCATION, HIDDEN_ROLE],
        )
        .await;
    let servers = row(&text, "ams01-servers");
    assert!(
        servers.contains(HIDDEN_LOCATION) && servers.contains(HIDDEN_ROLE),
        "ams01-servers' location and role are hidden, not blank: {servers}"
    );
    let mgmt = row(&text, "ams01-mgmt");
    assert!(
        mgmt.contains('—') && !mgmt.contains(HIDDEN_ROLE),
        "ams01-mgmt has no role: none, not hidden: {mgmt}"
    );
}
