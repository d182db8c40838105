//! The `slurpit` integration end to end: the real gateway binary, compiled
//! from resource manifests in standalone mode, answering Slack and
//! Mattermost slash commands against the fake Slurpit portal of the test kit
//! (`FakeSlurpit`). Every sub-command is checked for what Slurpit holds,
//! then the menus for what is left out (devices and plannings by name, the
//! latest run or every one, a form for the search text), who acts with
//! which API key, Slurpit's own refusals (a key it does not know, a key
//! without the `planning` permission), Slurpit down, slow and answering
//! garbage, and two `slurpit` Integrations serving side by side.
//!
//! Every sub-command of `slurpit` only reads, so there is no confirmation
//! to test here (the awx tests test the confirmation of a launch).
//!
//! Who acts as whom (see [`manifests`]): an unlinked chat user acts as the
//! platform's fallback user `chatbot` with the Integration's key (the fake's
//! admin key); the operator is linked, on each platform, to a key of their
//! own, the fake's reader key, which may read devices and sites but not the
//! plannings, so that Slurpit, not the gateway, refuses them those.

use std::time::{Duration, Instant};

use chatops_tests::{
    chat::{Chat, HELD_BACK, OVERRUN, On, PLATFORMS, SHORT_TIMEOUT, Who, assert_row, row},
    endpoints,
    fake_slurpit::{self, ADMIN_KEY, FakeSlurpit, Garbage, READER_KEY, UPGRADED_DEVICE},
    manifests::{grant_to_everyone, integration, secret, stream, token_ref},
    quickstart::DEFAULT_SETTINGS,
};
use serde_json::{Value, json};

/// The Integration on the well-behaved fake Slurpit (`timeoutSeconds: 30`).
const SLURPIT: &str = "slurpit";
/// A second Integration, on a second fake Slurpit whose knobs the tests
/// turn (`timeoutSeconds: 2`).
const LAB: &str = "slurpitlab";
/// An Integration on the first fake with a key Slurpit does not know.
const BAD_KEY: &str = "slurpitbadkey";
/// An Integration whose endpoint nothing listens on (`timeoutSeconds: 2`).
const DOWN: &str = "slurpitdown";

/// A key neither fake knows.
const UNKNOWN_KEY: &str = "slurpit-revoked-00000000000000000000000000000000";

/// A device only the [`LAB`] Slurpit has (added by the test).
const LAB_DEVICE: &str = "lab-sw-01";

/// The gateway and its fake chat platforms, and the fake Slurpits behind it.
struct World {
    chat: Chat,
    /// Behind [`SLURPIT`] and [`BAD_KEY`].
    slurpit: FakeSlurpit,
    /// Behind [`LAB`]: the one whose knobs are turned.
    lab: FakeSlurpit,
    /// The endpoint of [`DOWN`], where nothing listens.
    down: String,
}

impl World {
    async fn start() -> World {
        let slurpit = FakeSlurpit::start().await;
        let lab = FakeSlurpit::start().await;
        let down = endpoints::unreachable();
        let yaml = manifests(&slurpit, &lab, &down);
        let chat = Chat::start(DEFAULT_SETTINGS, &[("slurpit.yaml", &yaml)]).await;
        World {
            chat,
            slurpit,
            lab,
            down,
        }
    }

    /// Asserts that no key reached the chat on `on` or the gateway's log.
    fn assert_no_key_told(&self, on: On) {
        let log = self.gateway.logs();
        for request in self.requests(on) {
            let text = request.text();
            for key in [ADMIN_KEY, READER_KEY, UNKNOWN_KEY] {
                assert!(!text.contains(key), "a key reached {on:?}: {text}");
                assert!(!log.contains(key), "a key reached the gateway's log");
            }
        }
    }
}

/// What the chat driver does: asks, answers, menus, forms, as a [`Who`].
impl std::ops::Deref for World {
    type Target = Chat;

    fn deref(&self) -> &Chat {
        &self.chat
    }
}

/// The Integrations beside the quickstart and the Mattermost platform:
/// [`SLURPIT`] and [`BAD_KEY`] on `slurpit`, [`LAB`] on `lab`, [`DOWN`] on
/// `down`, where nothing listens; their Secret; the operator's AccountLinks
/// on both platforms (the reader key for [`SLURPIT`] and [`LAB`], one
/// Slurpit does not know for [`BAD_KEY`]); and grants letting every user run
/// every sub-command of the four (Slurpit's key permissions decide the rest).
fn manifests(slurpit: &FakeSlurpit, lab: &FakeSlurpit, down: &str) -> String {
    let key = |key: &str| token_ref("slurpit", key);
    let mut documents = vec![
        integration("slurpit", SLURPIT, &slurpit.url(), &key("admin"), 30),
        integration("slurpit", LAB, &lab.url(), &key("admin"), SHORT_TIMEOUT),
        integration("slurpit", BAD_KEY, &slurpit.url(), &key("unknown"), 30),
        integration("slurpit", DOWN, down, &key("admin"), SHORT_TIMEOUT),
        secret(
            "slurpit",
            &[
                ("admin", ADMIN_KEY),
                ("reader", READER_KEY),
                ("unknown", UNKNOWN_KEY),
            ],
        ),
    ];
    documents.extend(Who::operator_links(&[
        (SLURPIT, "slurpit", "reader"),
        (LAB, "slurpit", "reader"),
        (BAD_KEY, "slurpit", "unknown"),
    ]));
    documents.extend([SLURPIT, LAB, BAD_KEY, DOWN].map(grant_to_everyone));
    stream(&documents)
}

/// The text field `field` of a Slurpit object.
fn field<'a>(object: &'a Value, field: &str) -> &'a str {
    object[field].as_str().unwrap_or_default()
}

/// The `Authorization` header of the last request `fake` got for `path`.
fn authorization_of_last(fake: &FakeSlurpit, path: &str) -> String {
    let last = fake.requests().into_iter().rfind(|r| r.path == path);
    let last = last.unwrap_or_else(|| panic!("{path} was asked"));
    last.header("authorization").unwrap_or_default().to_owned()
}

/// The bearer header of `key`.
fn bearer(key: &str) -> String {
    format!("Bearer {key}")
}

#[tokio::test]
async fn every_sub_command_answers_with_what_slurpit_holds() {
    let world = World::start().await;
    let url = world.slurpit.url();
    let url = url.trim_end_matches('/');
    for on in PLATFORMS {
        let id = |name: &str| on.tag(name);

        // Help lists the six sub-commands.
        let text = world
            .answered(on, Who::Unlinked, SLURPIT, "help", &id("help"), &["get-devices"])
            .await;
        for sub in [
            "get-device",
            "get-sites",
            "get-plannings",
            "search-data",
            "device-data",
        ] {
            assert!(text.contains(sub), "{sub} in the help: {text}");
        }

        // Every device, with its FQDN, OS, site and whether it is disabled; a link to Slurpit's list.
        let text = world
            .answered(
                on,
                Who::Unlinked,
                SLURPIT,
                "get-devices",
                &id("devices"),
                &["Devices", "sin-acc-01"],
            )
            .await;
        let devices = world.slurpit.devices();
        assert_eq!(devices.len(), fake_slurpit::DEVICES);
        for device in &devices {
            let disabled = if device["disabled"] == 1 { "yes" } else { "no" };
            assert_row(
                &text,
                &[
                    field(device, "hostname"),
                    field(device, "fqdn"),
                    field(device, "device_os"),
                    field(device, "device_type"),
                    field(device, "brand"),
                    field(device, "site"),
                    disabled,
                    field(device, "last_seen"),
                ],
            );
        }
        assert_row(&text, &[fake_slurpit::DISABLED_DEVICE, "yes"]);
        assert!(text.contains(&format!("{url}/admin/devices")), "{text}");
        assert_eq!(
            authorization_of_last(&world.slurpit, "/api/devices"),
            bearer(ADMIN_KEY),
            "the unlinked user acts with the Integration's key"
        );

        // One device: its facts, and a link to it in Slurpit (by its ID, which only the link shows).
        let text = world
            .answered(
                on,
                Who::Unlinked,
                SLURPIT,
                "get-device nyc-edge-01",
                &id("device"),
                &["Device", "nyc-edge-01"],
            )
            .await;
        let device = devices
            .iter()
            .find(|d| d["hostname"] == "nyc-edge-01")
            .expect("the fake's nyc-edge-01");
        for (fact, name) in [
            ("FQDN", "fqdn"),
            ("Address", "address"),
            ("OS", "device_os"),
            ("OS version", "os_version"),
            ("Serial", "serial"),
            ("Type", "device_type"),
            ("Brand", "brand"),
            ("Site", "site"),
            ("Last seen", "last_seen"),
        ] {
            assert_row(&text, &[fact, field(device, name)]);
        }
        assert_row(&text, &["Port", "22"]);
        assert_row(&text, &["Disabled", "no"]);
        assert!(
            text.contains(&format!("{url}/admin/devices/{}", device["id"])),
            "{text}"
        );
        world
            .answered(
                on,
                Who::Unlinked,
                SLURPIT,
                "get-device nowhere-01",
                &id("no-device"),
                &["Slurpit has no device named `nowhere-01`; `get-devices` lists them."],
            )
            .await;

        // The sites, where they are.
        let text = world
            .answered(
                on,
                Who::Unlinked,
                SLURPIT,
                "get-sites",
                &id("sites"),
                &["Sites", "SIN-POP"],
            )
            .await;
        let sites = world.slurpit.sites();
        assert_eq!(sites.len(), 3);
        for site in &sites {
            let street = format!("{} {}", field(site, "street"), field(site, "number"));
            assert_row(
                &text,
                &[
                    field(site, "sitename"),
                    field(site, "description"),
                    &street,
                    field(site, "zipcode"),
                    field(site, "city"),
                    field(site, "country"),
                    field(site, "phonenumber"),
                ],
            );
        }
        assert!(text.contains(&format!("{url}/admin/sites")), "{text}");

        // The plannings, with the columns they collect.
        let text = world
            .answered(
                on,
                Who::Unlinked,
                SLURPIT,
                "get-plannings",
                &id("plannings"),
                &["Plannings", "ARP table"],
            )
            .await;
        let plannings = world.slurpit.plannings();
        assert_eq!(plannings.len(), 5);
        for planning in &plannings {
            let columns: Vec<&str> = planning["columns"]
                .as_array()
                .expect("a planning's columns")
                .iter()
                .map(|c| field(c, "column"))
                .collect();
            assert_row(
                &text,
                &[
                    field(planning, "name"),
                    field(planning, "comment"),
                    &columns.join(", "),
                ],
            );
        }
        assert!(text.contains(&format!("{url}/admin/planning")), "{text}");

        // A planning's data searched: the enabled devices whose serial has FDO (the Ciscos).
        let text = world
            .answered(
                on,
                Who::Unlinked,
                SLURPIT,
                r#"search-data "Hardware info" true FDO"#,
                &id("search"),
                &["Hardware info matching `FDO`"],
            )
            .await;
        let ciscos: Vec<&Value> = devices
            .iter()
            .filter(|d| d["disabled"] == 0 && field(d, "serial").contains("FDO"))
            .collect();
        assert_eq!(ciscos.len(), 4);
        for device in &ciscos {
            assert_row(
                &text,
                &[
                    field(device, "hostname"),
                    field(device, "device_type"),
                    field(device, "serial"),
                ],
            );
        }
        assert_row(&text, &["hostname", "hardware", "serial", "memory"]);
        assert!(
            row(&text, &[fake_slurpit::DISABLED_DEVICE]).is_none(),
            "no data of the disabled device: {text}"
        );
        let searched = world
            .slurpit
            .requests()
            .into_iter()
            .rfind(|r| r.path == "/api/planning/search")
            .expect("the search reached Slurpit")
            .json();
        assert_eq!(
            (&searched["planning_id"], &searched["latest"], &searched["search"]),
            (&json!(1), &json!(true), &json!("FDO")),
            "the planning asked by its ID, never shown: {searched}"
        );
        world
            .answered(
                on,
                Who::Unlinked,
                SLURPIT,
                "search-data Interfaces true zzz",
                &id("search-nothing"),
                &["No data of Interfaces matches `zzz`."],
            )
            .await;

        // One device's data: every run kept (the upgrade shows), then the latest only.
        let every = format!(r#"device-data "Software versions" false {UPGRADED_DEVICE}"#);
        let text = world
            .answered(
                on,
                Who::Unlinked,
                SLURPIT,
                &every,
                &id("device-data-every"),
                &["Software versions of ams-acc-01"],
            )
            .await;
        assert_row(&text, &[UPGRADED_DEVICE, "17.9.4a"]);
        assert_row(&text, &[UPGRADED_DEVICE, "17.6.5"]);
        let latest = format!(r#"device-data "Software versions" true {UPGRADED_DEVICE}"#);
        let text = world
            .answered(
                on,
                Who::Unlinked,
                SLURPIT,
                &latest,
                &id("device-data-latest"),
                &["Software versions of ams-acc-01"],
            )
            .await;
        assert_row(&text, &[UPGRADED_DEVICE, "17.9.4a", "65 days"]);
        assert!(row(&text, &["17.6.5"]).is_none(), "the latest run only: {text}");
        world.assert_no_key_told(on);
    }
}

#[tokio::test]
async fn what_is_left_out_is_asked_by_name() {
    let world = World::start().await;
    let mut hostnames: Vec<String> = world
        .slurpit
        .devices()
        .iter()
        .map(|d| field(d, "hostname").to_owned())
        .collect();
    hostnames.sort();
    let plannings: Vec<String> = world
        .slurpit
        .plannings()
        .iter()
        .map(|p| field(p, "name").to_owned())
        .collect();
    for on in PLATFORMS {
        let id = |name: &str| on.tag(name);

        // get-device without a hostname: a menu of hostnames (never IDs), then the device.
        let step = world
            .ask(on, Who::Unlinked, SLURPIT, "get-device", &id("device-menu"))
            .await;
        let menu = world.menu(&step).await;
        assert_eq!(menu.values(), hostnames, "{:?}", menu.message);
        assert_eq!(menu.labels(), hostnames);
        let step = world
            .choose(&menu, Who::Unlinked, "nyc-fw-01", &id("device-chosen"))
            .await;
        let text = world.answer(&step, &["Device", "nyc-fw-01"]).await;
        assert_row(&text, &["Brand", "Palo Alto"]);
        assert_row(&text, &["Address", "10.20.0.20"]);

        // search-data alone: the planning by name, the latest run or not, then a form for the text.
        let step = world
            .ask(on, Who::Unlinked, SLURPIT, "search-data", &id("search-menu"))
            .await;
        let menu = world.menu(&step).await;
        assert_eq!(menu.values(), plannings, "{:?}", menu.message);
        let step = world
            .choose(&menu, Who::Unlinked, "BGP neighbors", &id("search-planning"))
            .await;
        let menu = world.menu(&step).await;
        assert_eq!(menu.values(), ["true", "false"]);
        assert_eq!(
            menu.labels(),
            ["yes: the latest run only", "no: every run Slurpit kept"]
        );
        let step = world
            .choose(&menu, Who::Unlinked, "true", &id("search-latest"))
            .await;
        let form = world.form(&step).await;
        assert_eq!(form.labels(), ["Search text"], "{:?}", form.opened);
        let step = world
            .submit(&form, Who::Unlinked, &["64510"], &id("search-text"))
            .await;
        let text = world.answer(&step, &["BGP neighbors matching `64510`"]).await;
        for edge in ["ams-edge-01", "nyc-edge-01", "sin-edge-01"] {
            assert_row(&text, &[edge, "198.51.100.1", "64510", "Established"]);
        }
        assert!(row(&text, &["192.0.2.1"]).is_none(), "only AS 64510: {text}");

        // device-data alone: the planning, every run, then a menu of hostnames.
        let step = world
            .ask(on, Who::Unlinked, SLURPIT, "device-data", &id("data-menu"))
            .await;
        let menu = world.menu(&step).await;
        let step = world
            .choose(&menu, Who::Unlinked, "Interfaces", &id("data-planning"))
            .await;
        let menu = world.menu(&step).await;
        let step = world
            .choose(&menu, Who::Unlinked, "false", &id("data-latest"))
            .await;
        let menu = world.menu(&step).await;
        assert_eq!(menu.values(), hostnames, "{:?}", menu.message);
        let step = world
            .choose(&menu, Who::Unlinked, "ams-core-02", &id("data-device"))
            .await;
        let text = world.answer(&step, &["Interfaces of ams-core-02"]).await;
        // Both runs: the uplink was down in the older one.
        assert_row(&text, &["ams-core-02", "Ethernet1/49", "up", "uplink", "40G"]);
        assert_row(&text, &["ams-core-02", "Ethernet1/49", "down", "uplink", "40G"]);

        // A menu cancelled: said, and nothing more asked of Slurpit.
        let step = world
            .ask(on, Who::Unlinked, SLURPIT, "get-device", &id("cancel-menu"))
            .await;
        let menu = world.menu(&step).await;
        let asked = world.slurpit.requests().len();
        let step = world.cancel(&menu, Who::Unlinked, &id("cancelled")).await;
        world.answer(&step, &["Cancelled"]).await;
        assert_eq!(world.slurpit.requests().len(), asked);
    }
}

#[tokio::test]
async fn each_person_acts_with_their_own_key_and_slurpit_refusals_are_said_in_words() {
    let world = World::start().await;
    for on in PLATFORMS {
        let id = |name: &str| on.tag(name);

        // The operator's own key reads devices: it is the one sent.
        let text = world
            .answered(
                on,
                Who::Operator,
                SLURPIT,
                "get-devices",
                &id("op-devices"),
                &["Devices", "nyc-core-01"],
            )
            .await;
        assert_row(&text, &["nyc-core-01", "arista_eos"]);
        assert_eq!(
            authorization_of_last(&world.slurpit, "/api/devices"),
            bearer(READER_KEY),
            "the operator acts with their own key"
        );

        // It may not read plannings: Slurpit's 403, said as theirs.
        world
            .answered(
                on,
                Who::Operator,
                SLURPIT,
                "get-plannings",
                &id("op-plannings"),
                &["You (linked as operator) may not view planning in Slurpit."],
            )
            .await;
        assert_eq!(
            authorization_of_last(&world.slurpit, "/api/planning"),
            bearer(READER_KEY)
        );
        world
            .answered(
                on,
                Who::Operator,
                SLURPIT,
                r#"search-data "Hardware info" true FDO"#,
                &id("op-search"),
                &["You (linked as operator) may not view planning in Slurpit."],
            )
            .await;
        // The same sub-command for someone unlinked: the Integration's key, which may.
        world
            .answered(
                on,
                Who::Unlinked,
                SLURPIT,
                "get-plannings",
                &id("plannings"),
                &["Plannings", "Hardware info"],
            )
            .await;
        assert_eq!(
            authorization_of_last(&world.slurpit, "/api/planning"),
            bearer(ADMIN_KEY)
        );

        // A key Slurpit does not know: its 401, said with whose key it was.
        world
            .answered(
                on,
                Who::Unlinked,
                BAD_KEY,
                "get-sites",
                &id("bad-key"),
                &["Slurpit did not accept the token of chatbot"],
            )
            .await;
        world
            .answered(
                on,
                Who::Operator,
                BAD_KEY,
                "get-devices",
                &id("bad-own-key"),
                &["Slurpit did not accept the token of operator"],
            )
            .await;
        assert_eq!(
            authorization_of_last(&world.slurpit, "/api/devices"),
            bearer(UNKNOWN_KEY)
        );
        world.assert_no_key_told(on);
    }
}

#[tokio::test]
async fn slurpit_down_or_slow_is_said_within_the_timeout() {
    let world = World::start().await;
    world.lab.slow_down("/api/", HELD_BACK);
    for on in PLATFORMS {
        let id = |name: &str| on.tag(name);

        let started = Instant::now();
        let said = format!("Slurpit at {} cannot be reached", world.down);
        world
            .answered(on, Who::Unlinked, DOWN, "get-devices", &id("down"), &[&said])
            .await;
        eprintln!("{on:?}: Slurpit down said after {:?}", started.elapsed());

        for (command, name) in [
            ("get-sites", "slow"),
            ("device-data Interfaces true ams-core-01", "slow-data"),
        ] {
            let started = Instant::now();
            let step = world.ask(on, Who::Unlinked, LAB, command, &id(name)).await;
            let said = format!("Slurpit did not answer within {SHORT_TIMEOUT} s");
            let limit = Duration::from_secs(SHORT_TIMEOUT) + OVERRUN;
            world.answer_within(&step, &[&said], limit).await;
            let took = started.elapsed();
            eprintln!("{on:?}: Slurpit slow ({command}) said after {took:?}");
            assert!(took < HELD_BACK, "said before Slurpit answered: {took:?}");
        }
        let asked = world
            .lab
            .requests()
            .iter()
            .filter(|r| r.path == "/api/sites")
            .count();
        assert!(asked >= 1, "the sites were asked of the slow Slurpit");
    }
    // Slurpit fast again: the same command answers.
    world.lab.mend();
    for on in PLATFORMS {
        let text = world
            .answered(
                on,
                Who::Unlinked,
                LAB,
                "get-sites",
                &on.tag("fast-again"),
                &["Sites"],
            )
            .await;
        assert_row(&text, &["NYC-DC1", "New York data centre"]);
    }
}

#[tokio::test]
async fn malformed_answers_are_said_and_the_gateway_keeps_serving() {
    let world = World::start().await;
    world.lab.garble("/api/devices", Garbage::Html);
    world.lab.garble("/api/sites", Garbage::TruncatedJson);
    world.lab.garble("/api/planning/search", Garbage::WrongShape);
    for on in PLATFORMS {
        let id = |name: &str| on.tag(name);
        for (command, name) in [
            ("get-devices", "html"),
            ("get-sites", "truncated"),
            (r#"search-data "Hardware info" true FDO"#, "shape"),
        ] {
            world
                .answered(
                    on,
                    Who::Unlinked,
                    LAB,
                    command,
                    &id(name),
                    &["Slurpit's answer could not be read"],
                )
                .await;
            // The next command is served, from what Slurpit answers well.
            let text = world
                .answered(
                    on,
                    Who::Unlinked,
                    LAB,
                    "get-plannings",
                    &id(&format!("{name}-next")),
                    &["Plannings"],
                )
                .await;
            assert_row(&text, &["Software versions", "Running OS version and uptime"]);
        }
    }
    world.lab.mend();
    for on in PLATFORMS {
        let text = world
            .answered(
                on,
                Who::Unlinked,
                LAB,
                "get-devices",
                &on.tag("mended"),
                &["Devices", "ams-core-01"],
            )
            .await;
        assert_row(&text, &["ams-core-01", "cisco_nxos"]);
    }
}

#[tokio::test]
async fn two_slurpit_integrations_serve_side_by_side() {
    let world = World::start().await;
    // The lab's Slurpit gets a device the other has not.
    let created = reqwest::Client::new()
        .post(format!("{}/api/devices", world.lab.url().trim_end_matches('/')))
        .bearer_auth(ADMIN_KEY)
        .json(&json!({
            "hostname": LAB_DEVICE, "fqdn": "lab-sw-01.lab.example.com", "device_os": "arista_eos", "site": "AMS-HQ"
        }))
        .send()
        .await
        .expect("the lab's Slurpit answers");
    assert_eq!(created.status(), 201);
    for on in PLATFORMS {
        let id = |name: &str| on.tag(name);
        let asked = (world.slurpit.requests().len(), world.lab.requests().len());

        let text = world
            .answered(
                on,
                Who::Unlinked,
                LAB,
                "get-devices",
                &id("lab"),
                &["Devices", LAB_DEVICE],
            )
            .await;
        assert_row(
            &text,
            &[LAB_DEVICE, "lab-sw-01.lab.example.com", "arista_eos", "AMS-HQ"],
        );
        let lab = world.lab.url();
        assert!(
            text.contains(&format!("{}/admin/devices", lab.trim_end_matches('/'))),
            "the lab's own link: {text}"
        );
        let text = world
            .answered(
                on,
                Who::Unlinked,
                SLURPIT,
                "get-devices",
                &id("main"),
                &["Devices", "sin-acc-01"],
            )
            .await;
        assert!(!text.contains(LAB_DEVICE), "only the lab has it: {text}");

        // Each command asked its own Slurpit, once.
        let devices = |fake: &FakeSlurpit, before: usize| {
            fake.requests()
                .iter()
                .skip(before)
                .filter(|r| r.path == "/api/devices")
                .count()
        };
        assert_eq!(devices(&world.lab, asked.1), 1);
        assert_eq!(devices(&world.slurpit, asked.0), 1);

        // A menu of the lab's command offers the lab's devices, and is answered by the lab.
        let step = world
            .ask(on, Who::Unlinked, LAB, "get-device", &id("lab-menu"))
            .await;
        let menu = world.menu(&step).await;
        assert!(menu.values().contains(&LAB_DEVICE), "{:?}", menu.values());
        let step = world
            .choose(&menu, Who::Unlinked, LAB_DEVICE, &id("lab-chosen"))
            .await;
        let text = world.answer(&step, &["Device", LAB_DEVICE]).await;
        assert_row(&text, &["FQDN", "lab-sw-01.lab.example.com"]);
    }
}
