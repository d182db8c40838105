//! The `aci` integration end to end: the real gateway binary, compiled from
//! resource manifests in standalone mode, answering Slack and Mattermost
//! slash commands against the fake Cisco APIC of the test kit (`FakeApic`).
//! Every sub-command is checked for what APIC holds, then a menu of APIC's
//! own tenants, the form and confirmation of `register-node`, APIC's
//! refusals (a wrong password, a read-only user registering), APIC down,
//! slow and answering garbage, and two APIC clusters as two Integrations
//! with two commands side by side, as the original's cluster parameter.
//!
//! Who acts as whom (see [`manifests`]): an unlinked chat user acts with the
//! Integration's login (APIC's `admin`); the operator is linked, on each
//! platform, as APIC's read-only `chatops-ro` with its own password, so
//! APIC's roles decide for them.

use std::time::{Duration, Instant};

use chatops_tests::{
    chat::{Chat, HELD_BACK, OVERRUN, On, PLATFORMS, SHORT_TIMEOUT, Who, assert_row},
    endpoints,
    fake_apic::{
        ADMIN_PASSWORD, ADMIN_USER, FakeApic, Garbage, INACTIVE_NODE, PENDING_LEAF, PENDING_SPINE,
        PROD_TENANT, READER_PASSWORD, READER_USER,
    },
    manifests::{grant_to_everyone, integration, secret, stream},
    quickstart::DEFAULT_SETTINGS,
};

/// The first APIC cluster (the original's `apic` parameter `dc1`).
const DC1: &str = "acidc1";
/// The second cluster, on its own fake APIC; the tests turn its knobs
/// (`timeoutSeconds: 2`).
const DC2: &str = "acidc2";
/// An Integration on the first fake with a password APIC does not accept.
const BAD_PASSWORD: &str = "acibadpassword";
/// An Integration whose endpoint nothing listens on (`timeoutSeconds: 2`).
const DOWN: &str = "acidown";

/// The gateway and its fake chat platforms, and the fake APICs behind it.
struct World {
    chat: Chat,
    /// Behind [`DC1`] and [`BAD_PASSWORD`].
    dc1: FakeApic,
    /// Behind [`DC2`].
    dc2: FakeApic,
    /// The endpoint of [`DOWN`].
    down: String,
}

impl World {
    async fn start() -> World {
        let dc1 = FakeApic::start().await;
        let dc2 = FakeApic::start().await;
        let down = endpoints::unreachable();
        let yaml = manifests(&dc1, &dc2, &down);
        let chat = Chat::start(DEFAULT_SETTINGS, &[("aci.yaml", &yaml)]).await;
        World { chat, dc1, dc2, down }
    }
}

/// What the chat driver does: asks, answers, menus, as a [`Who`].
impl std::ops::Deref for World {
    type Target = Chat;

    fn deref(&self) -> &Chat {
        &self.chat
    }
}

/// The Integrations beside the quickstart's: [`DC1`] and [`BAD_PASSWORD`]
/// on `dc1`, [`DC2`] on `dc2`, [`DOWN`] on `down`; their Secret; the
/// operator's AccountLinks (APIC's read-only user, with its password for
/// [`DC1`]); grants letting every user run every sub-command (APIC's roles
/// decide the rest).
fn manifests(dc1: &FakeApic, dc2: &FakeApic, down: &str) -> String {
    let login = |password: &str| {
        format!("usernameRef: {{name: apic, key: username}}, passwordRef: {{name: apic, key: {password}}}")
    };
    let mut documents = vec![
        integration("aci", DC1, &dc1.url(), &login("password"), 30),
        integration("aci", DC2, &dc2.url(), &login("password"), SHORT_TIMEOUT),
        integration("aci", BAD_PASSWORD, &dc1.url(), &login("wrong"), 30),
        integration("aci", DOWN, down, &login("password"), SHORT_TIMEOUT),
        secret(
            "apic",
            &[
                ("username", ADMIN_USER),
                ("password", ADMIN_PASSWORD),
                ("reader", READER_PASSWORD),
                ("wrong", "not-a-password-apic-knows"),
            ],
        ),
    ];
    documents.extend(Who::operator_links_as(READER_USER, &[(DC1, "apic", "reader")]));
    documents.extend([DC1, DC2, BAD_PASSWORD, DOWN].map(grant_to_everyone));
    stream(&documents)
}

/// The switch each platform's run registers, and its node ID.
fn switch_of(on: On) -> (&'static str, &'static str) {
    match on {
        On::Slack => (PENDING_LEAF, "105"),
        On::Mattermost => (PENDING_SPINE, "203"),
    }
}

#[tokio::test]
async fn every_sub_command_answers_with_what_apic_holds() {
    let world = World::start().await;
    for on in PLATFORMS {
        let p = format!("{on:?}").to_lowercase();
        let id = |name: &str| format!("{p}-{name}");
        let ask = |text: &'static str, name: &'static str, expected: &'static [&'static str]| {
            let id = id(name);
            let world = &world;
            async move { world.said(on, Who::Unlinked, DC1, text, &id, expected).await }
        };

        let help = ask("help", "help", &["register-node"]).await;
        for sub in [
            "get-tenants",
            "get-aps",
            "get-epgs",
            "get-epg-details",
            "get-vrfs",
            "get-bds",
            "get-pending-nodes",
            "get-nodes",
            "get-controllers",
            "get-interfaces",
        ] {
            assert!(help.contains(sub), "{sub} in the help: {help}");
        }
        assert!(help.contains("asks first"), "register-node is marked: {help}");

        let tenants = ask("get-tenants", "tenants", &["Tenants", "Production e-commerce"]).await;
        assert_row(&tenants, &[PROD_TENANT, "Production e-commerce"]);
        let aps = ask(
            "get-aps acme-prod",
            "aps",
            &["Application profiles of acme-prod", "Online shop"],
        )
        .await;
        assert_row(&aps, &[PROD_TENANT, "monitoring"]);
        let epgs = ask(
            "get-epgs acme-prod ecommerce",
            "epgs",
            &["EPGs of acme-prod/ecommerce"],
        )
        .await;
        for epg in ["web", "app", "db"] {
            assert_row(&epgs, &[PROD_TENANT, "ecommerce", epg]);
        }
        let details = ask(
            "get-epg-details acme-prod ecommerce web",
            "details",
            &[
                "EPG web of acme-prod/ecommerce",
                "Provided contract web",
                "Static paths",
            ],
        )
        .await;
        assert_row(&details, &["web", "web-bd", "10.10.10.1/24", "acme-phys"]);
        assert_row(&details, &["tcp-8080", "ip", "tcp", "8080", "permit"]);
        assert_row(&details, &["101", "N/A", "eth1/10", "N/A", "vlan-110", "port"]);
        let vrfs = ask("get-vrfs all", "vrfs", &["VRFs of all tenants"]).await;
        assert_row(&vrfs, &[PROD_TENANT, "prod-vrf", "enforced"]);
        let bds = ask("get-bds acme-prod", "bds", &["Bridge domains of acme-prod"]).await;
        assert_row(&bds, &["db-bd", "10.10.31.1/24"]);
        let pending = ask(
            "get-pending-nodes",
            "pending",
            &["Switches waiting for registration"],
        )
        .await;
        assert_row(&pending, &[PENDING_SPINE, "N9K-C9364C", "spine", "yes"]);
        let nodes = ask("get-nodes", "nodes", &["Fabric nodes", "spine-202"]).await;
        assert_row(&nodes, &[INACTIVE_NODE, "leaf-104", "inactive"]);
        let controllers = ask("get-controllers", "controllers", &["APIC controllers", "apic3"]).await;
        assert_row(&controllers, &["1", "apic1", "FCH2338V1AB"]);
        let down = ask(
            "get-interfaces 1 101 down",
            "interfaces",
            &["Node 101 (pod-1): interfaces down"],
        )
        .await;
        assert_row(&down, &["eth1/7", "admin-down"]);
        assert!(!down.contains("eth1/1 "), "{down}");
        assert!(!down.contains("imdata"), "{down}");
    }
}

#[tokio::test]
async fn a_tenant_menu_comes_from_apic_and_register_node_is_a_form_then_confirmed() {
    let world = World::start().await;
    for on in PLATFORMS {
        let p = format!("{on:?}").to_lowercase();
        let id = |name: &str| format!("{p}-{name}");

        let step = world
            .chat
            .ask(on, Who::Unlinked.id(on), DC1, "get-vrfs", &id("menu"))
            .await;
        let menu = world.chat.menu(&step).await;
        assert_eq!(
            menu.values(),
            ["all", "acme-dev", "acme-prod", "common", "infra", "mgmt"]
        );
        assert_eq!(menu.labels()[0], "All tenants");
        let step = world
            .chat
            .choose(&menu, Who::Unlinked.id(on), "mgmt", &id("chosen"))
            .await;
        let text = world.chat.answer_read(&step, &["VRFs of mgmt"]).await;
        assert_row(&text, &["mgmt", "oob"]);

        let (serial, node_id) = switch_of(on);
        let step = world
            .chat
            .ask(on, Who::Unlinked.id(on), DC1, "register-node", &id("form"))
            .await;
        let form = world.chat.form(&step).await;
        assert_eq!(
            form.labels(),
            ["Serial number", "Node ID (101-4000)", "Node name"]
        );
        assert!(
            form.field(0).choices.contains(&serial.to_owned()),
            "{:?}",
            form.field(0)
        );
        let name = format!("node-{node_id}");
        let step = world
            .chat
            .submit(
                &form,
                Who::Unlinked.id(on),
                &[serial, node_id, &name],
                &id("submitted"),
            )
            .await;
        let question = world.chat.menu(&step).await;
        assert_eq!(question.values(), ["yes"]);
        assert!(
            world.dc1.pending_serials().contains(&serial.to_owned()),
            "nothing before yes"
        );
        let step = world
            .chat
            .choose(&question, Who::Unlinked.id(on), "yes", &id("yes"))
            .await;
        world
            .chat
            .answer_read(
                &step,
                &[&format!(
                    "Registered switch {serial} as node {node_id} named {name}"
                )],
            )
            .await;
        assert!(!world.dc1.pending_serials().contains(&serial.to_owned()));
        world
            .said(on, Who::Unlinked, DC1, "get-nodes", &id("joined"), &[&name])
            .await;
    }
}

#[tokio::test]
async fn apics_refusals_are_said_in_words() {
    let world = World::start().await;
    for on in PLATFORMS {
        let p = format!("{on:?}").to_lowercase();
        let id = |name: &str| format!("{p}-{name}");

        let text = world
            .said(
                on,
                Who::Unlinked,
                BAD_PASSWORD,
                "get-tenants",
                &id("bad-password"),
                &["APIC did not accept the password of admin"],
            )
            .await;
        assert!(
            !text.contains("not-a-password-apic-knows") && !text.contains("imdata"),
            "{text}"
        );

        // The operator reads as APIC's read-only user, who may not register.
        world
            .said(
                on,
                Who::Operator,
                DC1,
                "get-tenants",
                &id("reader-reads"),
                &["Tenants", PROD_TENANT],
            )
            .await;
        let text = world
            .said(
                on,
                Who::Operator,
                DC1,
                &format!("register-node {PENDING_LEAF} 150 leaf-150 yes"),
                &id("reader-registers"),
                &[&format!(
                    "You (linked as chatops-ro) may not register switch {PENDING_LEAF} in APIC"
                )],
            )
            .await;
        assert!(!text.contains(READER_PASSWORD), "{text}");

        world
            .said(
                on,
                Who::Unlinked,
                DC2,
                &format!("register-node {PENDING_SPINE} 101 spine-x yes"),
                &id("duplicate"),
                &[&format!(
                    "APIC did not register switch {PENDING_SPINE}: Node ID 101 is already assigned to serial FDO22151A01"
                )],
            )
            .await;
    }
}

#[tokio::test]
async fn apic_down_or_slow_is_said_within_the_timeout() {
    let world = World::start().await;
    world.dc2.slow_down("/api/node", HELD_BACK);
    for on in PLATFORMS {
        let p = format!("{on:?}").to_lowercase();
        let id = |name: &str| format!("{p}-{name}");
        let limit = Duration::from_secs(SHORT_TIMEOUT) + OVERRUN;

        let started = Instant::now();
        let said = format!("APIC at {} cannot be reached", world.down);
        world
            .said(on, Who::Unlinked, DOWN, "get-tenants", &id("down"), &[&said])
            .await;
        assert!(started.elapsed() < limit, "{:?}", started.elapsed());

        let started = Instant::now();
        let said = format!("APIC did not answer within {SHORT_TIMEOUT} s");
        world
            .said(on, Who::Unlinked, DC2, "get-nodes", &id("slow"), &[&said])
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
        for (n, (garbage, typed)) in [
            (Garbage::Html, "get-tenants"),
            (Garbage::TruncatedJson, "get-bds all"),
            (Garbage::WrongShape, "get-interfaces 1 101 all"),
        ]
        .into_iter()
        .enumerate()
        {
            world.dc2.mend();
            world.dc2.garble("/api/node", garbage);
            world
                .said(
                    on,
                    Who::Unlinked,
                    DC2,
                    typed,
                    &id(&format!("garbled-{n}")),
                    &["APIC's answer could not be read"],
                )
                .await;
        }
        world.dc2.mend();
        world
            .said(
                on,
                Who::Unlinked,
                DC2,
                "get-tenants",
                &id("mended"),
                &["Tenants", PROD_TENANT],
            )
            .await;
    }
}

#[tokio::test]
async fn two_apic_clusters_serve_side_by_side_as_two_commands() {
    let world = World::start().await;
    for on in PLATFORMS {
        let p = format!("{on:?}").to_lowercase();
        let id = |name: &str| format!("{p}-{name}");
        let (serial, node_id) = switch_of(on);

        // A switch registered on the second cluster stays waiting on the first.
        let before = world.dc1.requests().len();
        world
            .said(
                on,
                Who::Unlinked,
                DC2,
                &format!("register-node {serial} {node_id} dc2-{node_id} yes"),
                &id("dc2-register"),
                &[&format!("Registered switch {serial}")],
            )
            .await;
        assert_eq!(world.dc1.requests().len(), before, "the first APIC is not asked");
        assert!(!world.dc2.pending_serials().contains(&serial.to_owned()));
        assert!(world.dc1.pending_serials().contains(&serial.to_owned()));
        let pending = world
            .said(
                on,
                Who::Unlinked,
                DC1,
                "get-pending-nodes",
                &id("dc1-pending"),
                &[serial],
            )
            .await;
        assert_row(&pending, &[serial, "yes"]);
    }
}
