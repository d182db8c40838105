//! The `meraki` integration end to end: the real gateway binary, compiled
//! from resource manifests in standalone mode, answering Slack and
//! Mattermost slash commands against the fake Cisco Meraki Dashboard API of
//! the test kit (`FakeMeraki`, the `fake-meraki` binary's). Every sub-command
//! is checked for what Meraki holds, then a menu of organizations by name,
//! the confirmation of `cycle-port`, Meraki's refusals (a key it does not
//! know; a read-only admin's key changing a port), Meraki down, slow,
//! rate-limiting and answering garbage, and two `meraki` Integrations (two
//! customers' Dashboards) side by side. Last, an Integration without an
//! endpoint compiles to the Dashboard's own address.
//!
//! Who acts as whom (see [`manifests`]): an unlinked chat user acts as the
//! platform's fallback user `chatbot` with the Integration's key (a full
//! admin's); the operator is linked, on each platform, with a read-only
//! admin's key of their own, so that Meraki, not the gateway, refuses them
//! changes.

use std::time::{Duration, Instant};

use chatops_crds::manifests::Loaded;
use chatops_tests::{
    chat::{Chat, HELD_BACK, OVERRUN, On, PLATFORMS, SHORT_TIMEOUT, Who, assert_row},
    compile_ready, endpoints,
    fake_meraki::{
        ADMIN_KEY, APPLIANCE_SERIAL, FakeMeraki, Garbage, PERF_SCORE, READ_ONLY_KEY, SWITCH_SERIAL,
    },
    manifests::{grant_to_everyone, integration, secret, stream, token_ref},
    quickstart::DEFAULT_SETTINGS,
};

/// The Integration on the well-behaved fake Meraki (`timeoutSeconds: 30`).
const MERAKI: &str = "meraki";
/// A second Integration, on a second fake Meraki (another customer's
/// Dashboard) whose knobs the tests turn (`timeoutSeconds: 2`).
const LAB: &str = "merakilab";
/// An Integration on the first fake with a key Meraki does not know.
const BAD_KEY: &str = "merakibadkey";
/// An Integration whose endpoint nothing listens on (`timeoutSeconds: 2`).
const DOWN: &str = "merakidown";

/// A key neither fake knows.
const UNKNOWN_KEY: &str = "00000000000000000000000000000000deadbeef";

/// The gateway and its fake chat platforms, and the fake Merakis behind it.
struct World {
    chat: Chat,
    /// Behind [`MERAKI`] and [`BAD_KEY`].
    meraki: FakeMeraki,
    /// Behind [`LAB`]: the one whose knobs are turned.
    lab: FakeMeraki,
    /// The endpoint of [`DOWN`], where nothing listens.
    down: String,
}

impl World {
    async fn start() -> World {
        let meraki = FakeMeraki::start().await;
        let lab = FakeMeraki::start().await;
        let down = endpoints::unreachable();
        let yaml = manifests(&meraki, &lab, &down);
        let chat = Chat::start(DEFAULT_SETTINGS, &[("meraki.yaml", &yaml)]).await;
        World {
            chat,
            meraki,
            lab,
            down,
        }
    }

    /// Asserts that no key reached the chat on `on` or the gateway's log.
    fn assert_no_key_told(&self, on: On) {
        self.chat
            .assert_none_told(on, &[ADMIN_KEY, READ_ONLY_KEY, UNKNOWN_KEY]);
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
/// [`MERAKI`] and [`BAD_KEY`] on `meraki`, [`LAB`] on `lab`, [`DOWN`] on
/// `down`, where nothing listens; their Secret; the operator's AccountLinks
/// on both platforms (a read-only admin's key for [`MERAKI`]); and grants
/// letting every user run every sub-command (Meraki's own admin rights
/// decide the rest).
fn manifests(meraki: &FakeMeraki, lab: &FakeMeraki, down: &str) -> String {
    let key = |key: &str| token_ref("meraki", key);
    let mut documents = vec![
        integration("meraki", MERAKI, &meraki.url(), &key("admin"), 30),
        integration("meraki", LAB, &lab.url(), &key("admin"), SHORT_TIMEOUT),
        integration("meraki", BAD_KEY, &meraki.url(), &key("unknown"), 30),
        integration("meraki", DOWN, down, &key("admin"), SHORT_TIMEOUT),
        secret(
            "meraki",
            &[
                ("admin", ADMIN_KEY),
                ("readonly", READ_ONLY_KEY),
                ("unknown", UNKNOWN_KEY),
            ],
        ),
    ];
    documents.extend(Who::operator_links(&[(MERAKI, "meraki", "readonly")]));
    documents.extend([MERAKI, LAB, BAD_KEY, DOWN].map(grant_to_everyone));
    stream(&documents)
}

/// The port each platform's run changes, so that the two runs do not find
/// each other's changes.
fn port_of(on: On) -> &'static str {
    match on {
        On::Slack => "3",
        On::Mattermost => "4",
    }
}

/// The port `id` of the fake's switch, as Meraki holds it now.
fn port(fake: &FakeMeraki, id: &str) -> serde_json::Value {
    fake.ports(SWITCH_SERIAL)
        .into_iter()
        .find(|p| p["portId"] == id)
        .expect("the port")
}

#[tokio::test]
async fn every_sub_command_answers_with_what_meraki_holds() {
    let world = World::start().await;
    for on in PLATFORMS {
        let id = |name: &str| on.tag(name);
        let ask = |text: &'static str, name: &'static str, expected: &'static [&'static str]| {
            let id = id(name);
            let world = &world;
            async move { world.said(on, Who::Unlinked, MERAKI, text, &id, expected).await }
        };

        let help = ask("help", "help", &["cycle-port"]).await;
        for sub in [
            "get-organizations",
            "get-admins",
            "get-devices",
            "get-networks",
            "get-switchports",
            "get-switchports-status",
            "get-firewall-performance",
            "get-wlan-ssids",
            "get-camera-recent",
            "get-clients",
            "get-neighbors",
            "configure-basic-access-port",
        ] {
            assert!(help.contains(sub), "{sub} in the help: {help}");
        }
        assert!(help.contains("asks first"), "the changes are marked: {help}");

        let orgs = ask("get-organizations", "orgs", &["Organizations", "Acme Labs"]).await;
        assert_row(&orgs, &["Acme Corp", "Europe", "co-term"]);
        let admins = ask("get-admins 'Acme Corp'", "admins", &["Admins of Acme Corp"]).await;
        assert_row(&admins, &["Bob de Vries", "bob@example.com", "read-only"]);
        let devices = ask(
            "get-devices 'Acme Corp' all",
            "devices",
            &["All devices of Acme Corp"],
        )
        .await;
        assert_row(
            &devices,
            &["ams-fw-01", "MX85", APPLIANCE_SERIAL, "AMS Branch Firewall"],
        );
        assert_row(&devices, &["ams-cam-dock", "MV22"]);
        let networks = ask("get-networks 'Acme Corp'", "networks", &["Networks of Acme Corp"]).await;
        assert_row(&networks, &["AMS Wireless", "wireless", "Europe/Amsterdam"]);
        // 52 ports: the table is attached as a file, which may reach the
        // chat after the message that names it, so wait for its rows too.
        let ports = ask(
            "get-switchports 'Acme Corp' ams-sw-01",
            "ports",
            &["Ports of ams-sw-01", "Spare (shut)"],
        )
        .await;
        assert_row(&ports, &["7", "Spare (shut)", "no"]);
        let status = ask(
            "get-switchports-status 'Acme Corp' ams-sw-01",
            "status",
            &["Port status of ams-sw-01", "CRC align errors"],
        )
        .await;
        assert_row(&status, &["7", "no", "Disabled"]);
        let perf = ask(
            "get-firewall-performance 'Acme Corp' ams-fw-01",
            "perf",
            &["ams-fw-01 has a performance score of"],
        )
        .await;
        assert!(perf.contains(&format!("score of {PERF_SCORE} ")), "{perf}");
        let ssids = ask(
            "get-wlan-ssids 'Acme Corp' 'AMS Wireless'",
            "ssids",
            &["SSIDs of AMS Wireless", "Acme-Guest"],
        )
        .await;
        assert!(!ssids.contains("Unconfigured SSID"), "{ssids}");
        let camera = ask(
            "get-camera-recent 'Acme Corp' ams-cam-entrance",
            "camera",
            &["Recent people analytics of ams-cam-entrance"],
        )
        .await;
        assert_row(&camera, &["0", "14", "2.35"]);
        let clients = ask(
            "get-clients 'Acme Corp' ams-ap-lobby",
            "clients",
            &["Clients of ams-ap-lobby", "iPhone-Bob"],
        )
        .await;
        assert_row(&clients, &["thermostat-lobby", "10.10.20.201"]);
        let neighbors = ask(
            "get-neighbors 'Acme Corp' ams-sw-01",
            "neighbors",
            &["LLDP and CDP neighbours of ams-sw-01"],
        )
        .await;
        assert_row(&neighbors, &["51", "LLDP", "ams-fw-01"]);

        let port_id = port_of(on);
        let typed =
            format!("configure-basic-access-port 'Acme Corp' ams-sw-01 {port_id} false 30 'Lab bench' yes");
        world
            .said(
                on,
                Who::Unlinked,
                MERAKI,
                &typed,
                &id("configure"),
                &[
                    &format!("Port {port_id} of ams-sw-01, configured"),
                    "Changed by chatbot.",
                ],
            )
            .await;
        let now = port(&world.meraki, port_id);
        assert_eq!(
            (now["enabled"].clone(), now["vlan"].clone(), now["name"].clone()),
            (false.into(), 30.into(), "Lab bench".into()),
            "false really disables it"
        );
        world.assert_no_key_told(on);
    }
}

#[tokio::test]
async fn an_organization_menu_comes_from_meraki_and_cycle_port_is_confirmed_first() {
    let world = World::start().await;
    for on in PLATFORMS {
        let id = |name: &str| on.tag(name);

        let step = world
            .ask(on, Who::Unlinked, MERAKI, "get-admins", &id("menu"))
            .await;
        let menu = world.menu(&step).await;
        assert_eq!(menu.values(), ["Acme Corp", "Acme Labs"], "names, never IDs");
        let step = world
            .choose(&menu, Who::Unlinked, "Acme Labs", &id("chosen"))
            .await;
        world
            .chat
            .answer_read(&step, &["Admins of Acme Labs", "Carol Lab"])
            .await;

        let before = world.meraki.cycled().len();
        let step = world
            .ask(
                on,
                Who::Unlinked,
                MERAKI,
                "cycle-port 'Acme Corp' ams-sw-01 12",
                &id("ask"),
            )
            .await;
        let question = world.menu(&step).await;
        assert_eq!(question.values(), ["yes"]);
        assert_eq!(question.labels(), ["Yes, cycle it"]);
        assert_eq!(world.meraki.cycled().len(), before, "nothing before the answer");
        let step = world.choose(&question, Who::Unlinked, "yes", &id("yes")).await;
        world
            .chat
            .answer_read(&step, &["Power-cycled port 12 of ams-sw-01 (by chatbot)."])
            .await;
        assert_eq!(
            world.meraki.cycled().last(),
            Some(&(SWITCH_SERIAL.to_owned(), vec!["12".to_owned()])),
            "port 12, not ports 1 and 2"
        );
    }
}

#[tokio::test]
async fn merakis_refusals_are_said_in_words() {
    let world = World::start().await;
    for on in PLATFORMS {
        let id = |name: &str| on.tag(name);

        world
            .said(
                on,
                Who::Unlinked,
                BAD_KEY,
                "get-organizations",
                &id("bad-key"),
                &["Meraki did not accept the API key of chatbot: Invalid API key."],
            )
            .await;

        // The operator reads with their own read-only key, but Meraki refuses them a change.
        world
            .said(
                on,
                Who::Operator,
                MERAKI,
                "get-networks 'Acme Corp'",
                &id("operator-reads"),
                &["Networks of Acme Corp"],
            )
            .await;
        let text = world
            .said(
                on,
                Who::Operator,
                MERAKI,
                "configure-basic-access-port 'Acme Corp' ams-sw-01 9 false 10 Spare yes",
                &id("operator-changes"),
                &[
                    "You (linked as operator) may not change port 9 of ams-sw-01 in Meraki: \
                     You have read-only access to this organization and cannot make changes.",
                ],
            )
            .await;
        assert!(!text.contains("errors"), "not Meraki's JSON: {text}");
        assert_eq!(port(&world.meraki, "9")["enabled"], true);
        world.assert_no_key_told(on);
    }
}

#[tokio::test]
async fn meraki_down_or_slow_is_said_within_the_timeout() {
    let world = World::start().await;
    world.lab.slow_down("/api/v1/", HELD_BACK);
    for on in PLATFORMS {
        let id = |name: &str| on.tag(name);
        let limit = Duration::from_secs(SHORT_TIMEOUT) + OVERRUN;

        let started = Instant::now();
        let said = format!("Meraki at {} cannot be reached", world.down);
        world
            .said(
                on,
                Who::Unlinked,
                DOWN,
                "get-organizations",
                &id("down"),
                &[&said],
            )
            .await;
        assert!(started.elapsed() < limit, "{:?}", started.elapsed());

        let started = Instant::now();
        let said = format!("Meraki did not answer within {SHORT_TIMEOUT} s");
        world
            .said(
                on,
                Who::Unlinked,
                LAB,
                "get-switchports 'Acme Corp' ams-sw-01",
                &id("slow"),
                &[&said],
            )
            .await;
        assert!(started.elapsed() < limit, "{:?}", started.elapsed());
    }
}

#[tokio::test]
async fn a_rate_limit_is_waited_out_or_said_with_when_to_try_again() {
    let world = World::start().await;
    for on in PLATFORMS {
        let id = |name: &str| on.tag(name);

        world.meraki.rate_limit(1);
        world
            .said(
                on,
                Who::Unlinked,
                MERAKI,
                "get-organizations",
                &id("waited"),
                &["Organizations", "Acme Labs"],
            )
            .await;

        world.lab.rate_limit(1000);
        let started = Instant::now();
        world
            .said(
                on,
                Who::Unlinked,
                LAB,
                "get-organizations",
                &id("limited"),
                &["Meraki is rate-limiting these requests; try again in 1 s."],
            )
            .await;
        assert!(
            started.elapsed() < Duration::from_secs(SHORT_TIMEOUT) + OVERRUN,
            "{:?}",
            started.elapsed()
        );
        world.lab.mend();
    }
    let waited: Vec<u16> = world.meraki.arrivals().iter().map(|a| a.status).collect();
    assert_eq!(&waited[..2], [429, 200], "sent again after Retry-After");
}

#[tokio::test]
async fn malformed_answers_are_said_and_the_gateway_keeps_serving() {
    let world = World::start().await;
    for on in PLATFORMS {
        let id = |name: &str| on.tag(name);
        for (n, (garbage, typed)) in [
            (Garbage::Html, "get-organizations"),
            (Garbage::TruncatedJson, "get-devices 'Acme Corp' all"),
            (Garbage::WrongShape, "get-clients 'Acme Corp' ams-sw-01"),
        ]
        .into_iter()
        .enumerate()
        {
            world.lab.mend();
            let prefix = match garbage {
                Garbage::Html => "/api/v1/organizations",
                Garbage::TruncatedJson => "/api/v1/organizations/549236/devices",
                Garbage::WrongShape => "/api/v1/devices",
            };
            world.lab.garble(prefix, garbage);
            world
                .said(
                    on,
                    Who::Unlinked,
                    LAB,
                    typed,
                    &id(&format!("garbled-{n}")),
                    &["Meraki's answer could not be read"],
                )
                .await;
        }
        world.lab.mend();
        world
            .said(
                on,
                Who::Unlinked,
                LAB,
                "get-organizations",
                &id("mended"),
                &["Organizations", "Acme Corp"],
            )
            .await;
    }
}

#[tokio::test]
async fn two_meraki_integrations_serve_side_by_side() {
    let world = World::start().await;
    for on in PLATFORMS {
        let id = |name: &str| on.tag(name);
        let before = world.meraki.requests().len();
        world
            .said(
                on,
                Who::Unlinked,
                LAB,
                "get-switchports 'Acme Labs' lab-sw-01",
                &id("lab"),
                &["Ports of lab-sw-01"],
            )
            .await;
        assert_eq!(
            world.meraki.requests().len(),
            before,
            "the first Meraki is not asked"
        );
    }
    world
        .said(
            On::Slack,
            Who::Unlinked,
            LAB,
            "cycle-port 'Acme Corp' ams-sw-01 1-4 yes",
            "lab-cycle",
            &["Power-cycled ports 1-4 of ams-sw-01 (by chatbot)."],
        )
        .await;
    assert_eq!(
        world.lab.cycled(),
        [(SWITCH_SERIAL.to_owned(), vec!["1-4".to_owned()])]
    );
    assert!(world.meraki.cycled().is_empty(), "each its own Dashboard");
}

#[test]
fn an_integration_without_an_endpoint_reaches_the_meraki_dashboard() {
    let yaml = stream(&[
        "apiVersion: chatops.dev/v1alpha1\nkind: Integration\nmetadata: {name: meraki, namespace: chatops}\n\
         spec: {type: meraki, command: meraki, credentials: {tokenRef: {name: meraki, key: admin}}}\n"
            .to_owned(),
        secret("meraki", &[("admin", ADMIN_KEY)]),
    ]);
    let mut loaded = Loaded::default();
    loaded.add_yaml("meraki.yaml", &yaml, "chatops").unwrap();

    let compiled = compile_ready(loaded, "a meraki Integration without an endpoint");

    assert_eq!(
        compiled.config.integrations["meraki"].endpoint,
        "https://api.meraki.com/api/v1"
    );
}
