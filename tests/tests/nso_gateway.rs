//! The `nso` integration end to end: the real gateway binary, compiled from
//! resource manifests in standalone mode, answering Slack and Mattermost
//! slash commands against the fake Cisco NSO of the test kit (`FakeNso`,
//! RESTCONF). Every sub-command is checked for what NSO holds, then a menu
//! of NSO's own devices, the confirmation of `sync-from`, NSO's refusals (a
//! wrong password, NACM denying the operator `sync-to`), NSO down, slow and
//! answering garbage, and two `nso` Integrations side by side.
//!
//! Who acts as whom (see [`manifests`]): an unlinked chat user acts with the
//! Integration's login (NSO's `admin`); the operator is linked, on each
//! platform, as NSO's `oper` with its own password, so NACM decides for them.

use std::time::{Duration, Instant};

use chatops_tests::{
    chat::{Chat, HELD_BACK, OVERRUN, On, PLATFORMS, SHORT_TIMEOUT, Who, assert_row},
    endpoints,
    fake_nso::{
        ADMIN_PASSWORD, ADMIN_USER, FakeNso, Garbage, LOCKED_DEVICE, OPER_PASSWORD, OPER_USER,
        UNREACHABLE_DEVICE,
    },
    manifests::{grant_to_everyone, integration, secret, stream},
    quickstart::DEFAULT_SETTINGS,
};

/// The Integration on the well-behaved fake NSO, with the original's command sets.
const NSO: &str = "nso";
/// A second Integration on a second fake NSO, with its own command sets;
/// the tests turn its knobs (`timeoutSeconds: 2`).
const LAB: &str = "nsolab";
/// An Integration on the first fake NSO with a password NSO does not accept.
const BAD_PASSWORD: &str = "nsobadpassword";
/// An Integration whose endpoint nothing listens on (`timeoutSeconds: 2`).
const DOWN: &str = "nsodown";

/// The gateway and its fake chat platforms, and the fake NSOs behind it.
struct World {
    chat: Chat,
    /// Behind [`NSO`] and [`BAD_PASSWORD`].
    nso: FakeNso,
    /// Behind [`LAB`].
    lab: FakeNso,
    /// The endpoint of [`DOWN`], where nothing listens.
    down: String,
}

impl World {
    async fn start() -> World {
        let nso = FakeNso::start().await;
        let lab = FakeNso::start().await;
        let down = endpoints::unreachable();
        let yaml = manifests(&nso, &lab, &down);
        let chat = Chat::start(DEFAULT_SETTINGS, &[("nso.yaml", &yaml)]).await;
        World { chat, nso, lab, down }
    }
}

/// What the chat driver does: asks, answers, menus, as a [`Who`].
impl std::ops::Deref for World {
    type Target = Chat;

    fn deref(&self) -> &Chat {
        &self.chat
    }
}

/// The Integrations beside the quickstart and the Mattermost platform:
/// [`NSO`] and [`BAD_PASSWORD`] on `nso`, [`LAB`] (with its own command
/// sets) on `lab`, [`DOWN`] on `down`; their Secret; the operator's
/// AccountLinks on both platforms (`oper` with its password for [`NSO`]);
/// and grants letting every user run every sub-command (NACM decides the rest).
fn manifests(nso: &FakeNso, lab: &FakeNso, down: &str) -> String {
    let login = |password: &str| {
        format!("usernameRef: {{name: nso, key: username}}, passwordRef: {{name: nso, key: {password}}}")
    };
    let lab_sets = "  nso:\n    commandSets:\n    - name: bgp-and-version\n      \
                    commands: [\"show ip bgp summary\", \"show version\"]\n";
    let mut documents = vec![
        integration("nso", NSO, &nso.url(), &login("password"), 30),
        integration("nso", LAB, &lab.url(), &login("password"), SHORT_TIMEOUT) + lab_sets,
        integration("nso", BAD_PASSWORD, &nso.url(), &login("wrong"), 30),
        integration("nso", DOWN, down, &login("password"), SHORT_TIMEOUT),
        secret(
            "nso",
            &[
                ("username", ADMIN_USER),
                ("password", ADMIN_PASSWORD),
                ("oper", OPER_PASSWORD),
                ("wrong", "not-a-password-nso-knows"),
            ],
        ),
    ];
    // NSO's username is the link's user: the operator is NSO's `oper`.
    documents.extend(Who::operator_links_as(OPER_USER, &[(NSO, "nso", "oper")]));
    documents.extend([NSO, LAB, BAD_PASSWORD, DOWN].map(grant_to_everyone));
    stream(&documents)
}

/// The devices each platform's run changes, so that the two runs do not
/// find each other's syncs: (synced to, its diff's mark).
fn out_of_sync_of(on: On) -> (&'static str, &'static str) {
    match on {
        On::Slack => ("nyc-edge-rtr01", "shutdown;"),
        On::Mattermost => ("nyc-dist-sw02", "community foobar"),
    }
}

#[tokio::test]
async fn every_sub_command_answers_with_what_nso_holds() {
    let world = World::start().await;
    for on in PLATFORMS {
        let p = format!("{on:?}").to_lowercase();
        let id = |name: &str| format!("{p}-{name}");
        let ask = |text: &'static str, name: &'static str, expected: &'static [&'static str]| {
            let id = id(name);
            let world = &world;
            async move { world.said(on, Who::Unlinked, NSO, text, &id, expected).await }
        };

        let help = ask("help", "help", &["run-command-set"]).await;
        for sub in ["ping", "connect", "check-sync", "sync-to", "sync-from"] {
            assert!(help.contains(sub), "{sub} in the help: {help}");
        }
        assert!(help.contains("asks first"), "the syncs are marked: {help}");

        let ping = ask(
            "ping nyc-dist-sw01",
            "ping",
            &["NSO's ping of nyc-dist-sw01 was answered"],
        )
        .await;
        assert!(ping.contains("0% packet loss"), "{ping}");
        ask(
            "ping ams-edge-rtr01",
            "ping-lost",
            &["NSO's ping of ams-edge-rtr01 failed: no answer"],
        )
        .await;
        ask(
            "connect ams-fw01",
            "connect",
            &["NSO connected to ams-fw01: (admin) Connected to ams-fw01 - 10.20.0.5:830"],
        )
        .await;
        ask(
            "connect lab-sw01",
            "connect-locked",
            &["NSO could not connect to lab-sw01: Device lab-sw01 is southbound locked"],
        )
        .await;

        let (device, mark) = out_of_sync_of(on);
        let text = world
            .said(
                on,
                Who::Unlinked,
                NSO,
                "check-sync all",
                &id("all"),
                &["devices are in sync with NSO", "Sync status"],
            )
            .await;
        assert_row(&text, &[LOCKED_DEVICE, "locked"]);
        assert_row(&text, &[device, "out-of-sync"]);
        assert_row(&text, &["nyc-dist-sw01", "in-sync"]);
        let text = world
            .said(
                on,
                Who::Unlinked,
                NSO,
                &format!("check-sync {device} compare-config"),
                &id("compare"),
                &[&format!("{device} differs from NSO"), mark],
            )
            .await;
        assert!(!text.contains("ietf-restconf"), "{text}");

        world
            .said(
                on,
                Who::Unlinked,
                NSO,
                &format!("sync-to {device} yes"),
                &id("sync-to"),
                &[&format!("NSO pushed its configuration to {device} (sync-to)")],
            )
            .await;
        assert_eq!(world.nso.sync_state(device), "in-sync");
        world
            .said(
                on,
                Who::Unlinked,
                NSO,
                &format!("check-sync {device}"),
                &id("synced"),
                &[&format!("{device} is in sync with NSO")],
            )
            .await;

        // A short output inline, a long one (IOS XR, its own module) as a file.
        ask(
            "run-command-set nyc-dist-sw01 neighbors",
            "neighbors",
            &[
                "neighbors on nyc-dist-sw01",
                "Command 'show cdp neighbors' results",
                "nyc-access-sw11",
            ],
        )
        .await;
        let long = world
            .said(
                on,
                Who::Unlinked,
                NSO,
                "run-command-set nyc-core-rtr01 addresses-and-routes",
                &id("routes"),
                &[
                    "addresses-and-routes on nyc-core-rtr01",
                    "nyc-core-rtr01-addresses-and-routes.txt",
                    "Gateway of last resort",
                    "MgmtEth0/RSP0/CPU0/0",
                ],
            )
            .await;
        assert!(long.contains("Command 'show ip route' results"), "{long}");
        assert!(
            world.nso.requests().iter().any(|r| r
                .path
                .ends_with("nyc-core-rtr01/live-status/tailf-ned-cisco-ios-xr-stats:exec/any")),
            "IOS XR's own module"
        );
        ask(
            "run-command-set ams-fw01 version",
            "junos",
            &[
                "NSO cannot run show commands on ams-fw01",
                "has no live-status exec",
            ],
        )
        .await;
        let down = world
            .said(
                on,
                Who::Unlinked,
                NSO,
                &format!("run-command-set {UNREACHABLE_DEVICE} version"),
                &id("unreachable"),
                &[
                    "NSO could not run `show version` on",
                    "Failed to connect to device",
                ],
            )
            .await;
        assert!(!down.contains(ADMIN_PASSWORD), "{down}");
    }
}

#[tokio::test]
async fn a_device_menu_comes_from_nso_and_sync_from_is_confirmed_first() {
    let world = World::start().await;
    for on in PLATFORMS {
        let p = format!("{on:?}").to_lowercase();
        let id = |name: &str| format!("{p}-{name}");
        let device = "ams-core-rtr01";
        world.nso.change_out_of_band(device, "\n devices {\n }\n");

        let step = world.ask(on, Who::Unlinked, NSO, "ping", &id("menu")).await;
        let menu = world.chat.menu(&step).await;
        assert_eq!(menu.values(), world.nso.device_names(), "NSO's devices, by name");
        let step = world
            .choose(&menu, Who::Unlinked, "nyc-dist-sw01", &id("chosen"))
            .await;
        world
            .answer_read(&step, &["NSO's ping of nyc-dist-sw01 was answered"])
            .await;

        let step = world
            .ask(on, Who::Unlinked, NSO, &format!("sync-from {device}"), &id("ask"))
            .await;
        let question = world.chat.menu(&step).await;
        assert_eq!(question.values(), ["yes"]);
        assert_eq!(question.labels(), [format!("Yes, sync-from {device}")]);
        assert_eq!(
            world.nso.sync_state(device),
            "out-of-sync",
            "nothing before the answer"
        );
        let step = world.choose(&question, Who::Unlinked, "yes", &id("yes")).await;
        world
            .answer_read(
                &step,
                &[&format!("NSO took {device}'s configuration (sync-from)")],
            )
            .await;
        assert_eq!(world.nso.sync_state(device), "in-sync");
    }
}

#[tokio::test]
async fn nsos_refusals_are_said_in_words() {
    let world = World::start().await;
    for on in PLATFORMS {
        let p = format!("{on:?}").to_lowercase();
        let id = |name: &str| format!("{p}-{name}");

        let text = world
            .said(
                on,
                Who::Unlinked,
                BAD_PASSWORD,
                "ping nyc-dist-sw01",
                &id("bad-password"),
                &["NSO did not accept the password of admin"],
            )
            .await;
        assert!(!text.contains("not-a-password-nso-knows"), "{text}");

        // The operator reads as itself, but NACM denies it the syncs.
        world
            .said(
                on,
                Who::Operator,
                NSO,
                "connect nyc-dist-sw01",
                &id("oper-connect"),
                &["(oper) Connected to nyc-dist-sw01"],
            )
            .await;
        let text = world
            .said(
                on,
                Who::Operator,
                NSO,
                "sync-to nyc-core-rtr01 yes",
                &id("oper-sync"),
                &["You (linked as oper) may not run sync-to on nyc-core-rtr01 in NSO"],
            )
            .await;
        assert!(
            !text.contains("access-denied") && !text.contains(OPER_PASSWORD),
            "{text}"
        );
    }
}

#[tokio::test]
async fn nso_down_or_slow_is_said_within_the_timeout() {
    let world = World::start().await;
    world.lab.slow_down("/restconf", HELD_BACK);
    for on in PLATFORMS {
        let p = format!("{on:?}").to_lowercase();
        let id = |name: &str| format!("{p}-{name}");
        let limit = Duration::from_secs(SHORT_TIMEOUT) + OVERRUN;

        let started = Instant::now();
        let said = format!("NSO at {} cannot be reached", world.down);
        world
            .said(
                on,
                Who::Unlinked,
                DOWN,
                "ping nyc-dist-sw01",
                &id("down"),
                &[&said],
            )
            .await;
        assert!(started.elapsed() < limit, "{:?}", started.elapsed());

        let started = Instant::now();
        let step = world
            .ask(on, Who::Unlinked, LAB, "check-sync nyc-dist-sw01", &id("slow"))
            .await;
        let said = format!("NSO did not answer within {SHORT_TIMEOUT} s");
        world.answer_read(&step, &[&said]).await;
        assert!(started.elapsed() < limit, "{:?}", started.elapsed());
    }
}

#[tokio::test]
async fn malformed_answers_are_said_and_the_gateway_keeps_serving() {
    let world = World::start().await;
    for on in PLATFORMS {
        let p = format!("{on:?}").to_lowercase();
        let id = |name: &str| format!("{p}-{name}");
        for (n, (garbage, typed)) in [
            (Garbage::Html, "ping"),
            (Garbage::TruncatedJson, "check-sync nyc-dist-sw01"),
            (
                Garbage::WrongShape,
                "run-command-set nyc-dist-sw01 bgp-and-version",
            ),
        ]
        .into_iter()
        .enumerate()
        {
            world.lab.mend();
            world.lab.garble("/restconf/data", garbage);
            world
                .said(
                    on,
                    Who::Unlinked,
                    LAB,
                    typed,
                    &id(&format!("garbled-{n}")),
                    &["NSO's answer could not be read"],
                )
                .await;
        }
        world.lab.mend();
        world
            .said(
                on,
                Who::Unlinked,
                LAB,
                "ping nyc-dist-sw01",
                &id("mended"),
                &["NSO's ping of nyc-dist-sw01 was answered"],
            )
            .await;
    }
}

#[tokio::test]
async fn two_nso_integrations_serve_side_by_side() {
    let world = World::start().await;
    for on in PLATFORMS {
        let p = format!("{on:?}").to_lowercase();
        let id = |name: &str| format!("{p}-{name}");

        // Each its own command sets.
        let step = world
            .ask(
                on,
                Who::Unlinked,
                LAB,
                "run-command-set nyc-dist-sw01",
                &id("lab-sets"),
            )
            .await;
        assert_eq!(world.chat.menu(&step).await.values(), ["bgp-and-version"]);
        let step = world
            .ask(
                on,
                Who::Unlinked,
                NSO,
                "run-command-set nyc-dist-sw01",
                &id("nso-sets"),
            )
            .await;
        assert_eq!(
            world.chat.menu(&step).await.values().len(),
            7,
            "the original's seven"
        );

        // Each its own NSO: a sync on one leaves the other as it was.
        let before = world.nso.requests().len();
        world
            .said(
                on,
                Who::Unlinked,
                LAB,
                "run-command-set nyc-dist-sw01 bgp-and-version",
                &id("lab-run"),
                &[
                    "Command 'show ip bgp summary' results",
                    "Command 'show version' results",
                ],
            )
            .await;
        assert_eq!(world.nso.requests().len(), before, "the first NSO is not asked");
    }
    world
        .said(
            On::Slack,
            Who::Unlinked,
            LAB,
            "sync-to nyc-dist-sw02 yes",
            "lab-sync",
            &["NSO pushed its configuration to nyc-dist-sw02 (sync-to)"],
        )
        .await;
    assert_eq!(world.lab.sync_state("nyc-dist-sw02"), "in-sync");
    assert_eq!(world.nso.sync_state("nyc-dist-sw02"), "out-of-sync");
}
