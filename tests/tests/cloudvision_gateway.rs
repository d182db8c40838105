//! The `cloudvision` integration end to end: the real gateway binary,
//! compiled from resource manifests in standalone mode, answering Slack and
//! Mattermost slash commands against the fake Arista CloudVision of the
//! test kit (`FakeCloudVision`). Every sub-command is checked for what
//! CloudVision holds, then a menu of containers by their place in the tree,
//! CloudVision's refusals (an expired token, a role without the
//! permission), CloudVision down, slow and answering garbage, and two
//! CloudVisions as two Integrations side by side: one CVaaS by token, one
//! on-premises CVP by login.
//!
//! Who acts as whom (see [`manifests`]): an unlinked chat user acts with the
//! Integration's token or login; the operator is linked, on each platform,
//! with a read-only service-account token of their own for [`CVAAS`].

use std::time::{Duration, Instant};

use chatops_tests::{
    chat::{Chat, HELD_BACK, OVERRUN, On, PLATFORMS, SHORT_TIMEOUT, Who, assert_row},
    endpoints,
    fake_cloudvision::{
        ADMIN_PASSWORD, ADMIN_USER, EXPIRED_TOKEN, FakeCloudVision, Garbage, READ_ONLY_TOKEN, TOKEN,
    },
    manifests::{grant_to_everyone, integration, secret, stream, token_ref},
    quickstart::DEFAULT_SETTINGS,
};

/// CloudVision as a Service, by a service-account token.
const CVAAS: &str = "cvaas";
/// On-premises CVP, by login, on its own fake; the tests turn its knobs
/// (`timeoutSeconds: 2`).
const ONPREM: &str = "cvpdc1";
/// An Integration on the first fake with a token past its expiry.
const EXPIRED: &str = "cvexpired";
/// An Integration whose endpoint nothing listens on (`timeoutSeconds: 2`).
const DOWN: &str = "cvdown";

/// The gateway and its fake chat platforms, and the fake CloudVisions behind it.
struct World {
    chat: Chat,
    /// Behind [`CVAAS`] and [`EXPIRED`].
    cvaas: FakeCloudVision,
    /// Behind [`ONPREM`].
    cvp: FakeCloudVision,
    /// The endpoint of [`DOWN`].
    down: String,
}

impl World {
    async fn start() -> World {
        let cvaas = FakeCloudVision::start().await;
        let cvp = FakeCloudVision::start().await;
        let down = endpoints::unreachable();
        let yaml = manifests(&cvaas, &cvp, &down);
        let chat = Chat::start(DEFAULT_SETTINGS, &[("cloudvision.yaml", &yaml)]).await;
        World {
            chat,
            cvaas,
            cvp,
            down,
        }
    }

    /// What `who` is answered to `/{command} {text}` on `on`, once it holds
    /// every one of `expected` (bold marks left out).
    async fn said(&self, on: On, who: Who, command: &str, text: &str, id: &str, expected: &[&str]) -> String {
        let step = self.chat.ask(on, who.id(on), command, text, id).await;
        self.chat.answer_read(&step, expected).await
    }
}

/// The Integrations beside the quickstart's, their Secret, the operator's
/// AccountLinks (a read-only token for [`CVAAS`]) and grants letting every
/// user run every sub-command (CloudVision's roles decide the rest).
fn manifests(cvaas: &FakeCloudVision, cvp: &FakeCloudVision, down: &str) -> String {
    let login =
        "usernameRef: {name: cloudvision, key: username}, passwordRef: {name: cloudvision, key: password}";
    let mut documents = vec![
        integration(
            "cloudvision",
            CVAAS,
            &cvaas.url(),
            &token_ref("cloudvision", "token"),
            30,
        ),
        integration("cloudvision", ONPREM, &cvp.url(), login, SHORT_TIMEOUT),
        integration(
            "cloudvision",
            EXPIRED,
            &cvaas.url(),
            &token_ref("cloudvision", "expired"),
            30,
        ),
        integration(
            "cloudvision",
            DOWN,
            down,
            &token_ref("cloudvision", "token"),
            SHORT_TIMEOUT,
        ),
        secret(
            "cloudvision",
            &[
                ("token", TOKEN),
                ("expired", EXPIRED_TOKEN),
                ("readonly", READ_ONLY_TOKEN),
                ("username", ADMIN_USER),
                ("password", ADMIN_PASSWORD),
            ],
        ),
    ];
    documents.extend(Who::operator_links_as(
        "operator",
        &[(CVAAS, "cloudvision", "readonly")],
    ));
    documents.extend([CVAAS, ONPREM, EXPIRED, DOWN].map(grant_to_everyone));
    stream(&documents)
}

#[tokio::test]
async fn every_sub_command_answers_with_what_cloudvision_holds() {
    let world = World::start().await;
    for on in PLATFORMS {
        let p = format!("{on:?}").to_lowercase();
        let id = |name: &str| format!("{p}-{name}");
        let ask = |text: &'static str, name: &'static str, expected: &'static [&'static str]| {
            let id = id(name);
            let world = &world;
            async move { world.said(on, Who::Unlinked, CVAAS, text, &id, expected).await }
        };

        let help = ask("help", "help", &["get-device-cve"]).await;
        for sub in [
            "get-devices-in-container",
            "get-configlet",
            "get-device-configuration",
            "get-task-logs",
            "get-applied-configlets",
            "get-active-events",
            "get-tags",
        ] {
            assert!(help.contains(sub), "{sub} in the help: {help}");
        }

        let devices = ask(
            "get-devices-in-container dc1",
            "devices",
            &["Devices in container dc1", "dc1-leaf2a"],
        )
        .await;
        assert_row(
            &devices,
            &[
                "dc1-leaf2a",
                "Tenant / dc1 / dc1-leafs",
                "DCS-7050SX3-48YC8",
                "4.30.5M",
            ],
        );
        let configlet = ask(
            "get-configlet dc1-base",
            "configlet",
            &["Configlet dc1-base", "ntp server 10.255.255.1"],
        )
        .await;
        assert!(configlet.contains("type: Static"), "{configlet}");
        ask(
            "get-device-configuration dc1-leaf1a",
            "config",
            &[
                "Running configuration of dc1-leaf1a",
                "hostname dc1-leaf1a",
                "router bgp 65101",
            ],
        )
        .await;
        let log = ask(
            "get-task-logs 1021",
            "task",
            &["Log of task 1021", "Configuration of dc1-leaf1a is now in sync"],
        )
        .await;
        assert!(
            log.contains("Configlet Assign: to Device dc1-leaf1a: Completed"),
            "{log}"
        );
        let applied = ask(
            "get-applied-configlets container dc1-leafs",
            "applied",
            &["Configlets applied to container dc1-leafs", "leaf-bgp-builder"],
        )
        .await;
        assert_row(&applied, &["dc1-leafs-mlag", "Static"]);
        let events = ask(
            "get-active-events severity critical 7d",
            "events",
            &["Events", "Interface error-disabled"],
        )
        .await;
        assert_row(&events, &["critical", "DEVICE_INTF_ERR_DISABLED"]);
        assert!(!events.contains("Low disk space"), "{events}");
        let tags = ask(
            "get-tags dc1-leaf1a",
            "tags",
            &["Tags of dc1-leaf1a", "srv-db-01"],
        )
        .await;
        assert_row(&tags, &["Ethernet3", "server", "srv-db-01"]);
        ask(
            "get-device-cve campus-sw1",
            "cve",
            &[
                "Bug exposure of campus-sw1",
                "998, 1002, 1017",
                "IDs (Arista's own numbering) and counts only",
            ],
        )
        .await;
    }
}

#[tokio::test]
async fn a_container_menu_names_each_by_its_place_in_the_tree() {
    let world = World::start().await;
    for on in PLATFORMS {
        let p = format!("{on:?}").to_lowercase();
        let id = |name: &str| format!("{p}-{name}");

        let step = world
            .chat
            .ask(
                on,
                Who::Unlinked.id(on),
                CVAAS,
                "get-devices-in-container",
                &id("menu"),
            )
            .await;
        let menu = world.chat.menu(&step).await;
        assert!(
            menu.labels().contains(&"Tenant / dc1 / dc1-leafs"),
            "{:?}",
            menu.labels()
        );
        assert!(menu.values().contains(&"dc1-leafs"), "by name, never by key");
        assert!(
            !menu.values().iter().any(|v| v.starts_with("container_")),
            "{:?}",
            menu.values()
        );
        let step = world
            .chat
            .choose(&menu, Who::Unlinked.id(on), "dc1-spines", &id("chosen"))
            .await;
        let text = world
            .chat
            .answer_read(&step, &["Devices in container dc1-spines"])
            .await;
        assert_row(&text, &["dc1-spine2", "Tenant / dc1 / dc1-spines"]);
    }
}

#[tokio::test]
async fn cloudvisions_refusals_are_said_in_words() {
    let world = World::start().await;
    world.cvp.forbid("/api/resources/event");
    for on in PLATFORMS {
        let p = format!("{on:?}").to_lowercase();
        let id = |name: &str| format!("{p}-{name}");

        world
            .said(
                on,
                Who::Unlinked,
                EXPIRED,
                "get-tags dc1-spine1",
                &id("expired"),
                &[
                    "CloudVision did not accept the token or password",
                    "token has expired",
                ],
            )
            .await;
        world
            .said(
                on,
                Who::Unlinked,
                ONPREM,
                "get-active-events all 1d",
                &id("forbidden"),
                &[
                    "may not view the events in CloudVision",
                    "the role has no access to this resource",
                ],
            )
            .await;
        // The operator reads with their own read-only token.
        world
            .said(
                on,
                Who::Operator,
                CVAAS,
                "get-configlet campus-base",
                &id("reader"),
                &["spanning-tree mode mstp"],
            )
            .await;
        world
            .chat
            .assert_none_told(on, &[TOKEN, EXPIRED_TOKEN, READ_ONLY_TOKEN, ADMIN_PASSWORD]);
    }
    let operator_token = format!("Bearer {READ_ONLY_TOKEN}");
    assert!(
        world
            .cvaas
            .calls("/configlet/getConfigletByName.do")
            .iter()
            .all(|r| {
                r.headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(operator_token.as_str())
            }),
        "the operator's own token"
    );
}

#[tokio::test]
async fn cloudvision_down_or_slow_is_said_within_the_timeout() {
    let world = World::start().await;
    world.cvp.slow_down("/cvpservice/configlet", HELD_BACK);
    for on in PLATFORMS {
        let p = format!("{on:?}").to_lowercase();
        let id = |name: &str| format!("{p}-{name}");
        let limit = Duration::from_secs(SHORT_TIMEOUT) + OVERRUN;

        let started = Instant::now();
        let said = format!("CloudVision at {} cannot be reached", world.down);
        world
            .said(
                on,
                Who::Unlinked,
                DOWN,
                "get-configlet dc1-base",
                &id("down"),
                &[&said],
            )
            .await;
        assert!(started.elapsed() < limit, "{:?}", started.elapsed());

        let started = Instant::now();
        let said = format!("CloudVision did not answer within {SHORT_TIMEOUT} s");
        world
            .said(
                on,
                Who::Unlinked,
                ONPREM,
                "get-configlet dc1-base",
                &id("slow"),
                &[&said],
            )
            .await;
        assert!(started.elapsed() < limit, "{:?}", started.elapsed());
    }
}

#[tokio::test]
async fn malformed_answers_are_said_and_the_gateway_keeps_serving() {
    let world = World::start().await;
    for on in PLATFORMS {
        let p = format!("{on:?}").to_lowercase();
        let id = |name: &str| format!("{p}-{name}");
        for (n, (prefix, garbage, typed)) in [
            ("/api/resources/tag", Garbage::Html, "get-tags dc1-spine1"),
            (
                "/cvpservice/configlet",
                Garbage::TruncatedJson,
                "get-configlet dc1-base",
            ),
            (
                "/cvpservice/provisioning",
                Garbage::WrongShape,
                "get-devices-in-container dc1",
            ),
        ]
        .into_iter()
        .enumerate()
        {
            world.cvp.mend();
            world.cvp.garble(prefix, garbage);
            world
                .said(
                    on,
                    Who::Unlinked,
                    ONPREM,
                    typed,
                    &id(&format!("garbled-{n}")),
                    &["CloudVision's answer could not be read"],
                )
                .await;
        }
        world.cvp.mend();
        world
            .said(
                on,
                Who::Unlinked,
                ONPREM,
                "get-tags dc1-spine1",
                &id("mended"),
                &["Tags of dc1-spine1"],
            )
            .await;
    }
}

#[tokio::test]
async fn a_cvaas_by_token_and_an_on_premises_cvp_by_login_serve_side_by_side() {
    let world = World::start().await;
    for on in PLATFORMS {
        let p = format!("{on:?}").to_lowercase();
        let id = |name: &str| format!("{p}-{name}");

        let before = world.cvaas.requests().len();
        world
            .said(
                on,
                Who::Unlinked,
                ONPREM,
                "get-tags campus-sw1",
                &id("onprem"),
                &["Tags of campus-sw1", "CKT-AMS-0042"],
            )
            .await;
        assert_eq!(world.cvaas.requests().len(), before, "the CVaaS is not asked");
        world
            .said(
                on,
                Who::Unlinked,
                CVAAS,
                "get-tags campus-sw1",
                &id("cvaas"),
                &["Tags of campus-sw1"],
            )
            .await;
    }
    let logins = world.cvp.calls("/login/authenticate.do");
    assert_eq!(logins.len(), 1, "one login serves both platforms' runs");
    assert_eq!(logins[0].json()["userId"], ADMIN_USER);
    assert!(
        world.cvaas.calls("/login/authenticate.do").is_empty(),
        "the CVaaS takes its token"
    );
    assert!(
        world
            .cvp
            .calls("/api/resources/")
            .iter()
            .all(|r| r.headers.get("authorization").is_none())
    );
}
