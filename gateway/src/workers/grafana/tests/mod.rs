//! The grafana worker behind the router, against the in-process fake
//! Grafana (`chatops_testkit::fake_grafana`): a panel rendered with its
//! variables and every option, the defaults of the Integration, menus and
//! forms for what is missing or wrong, who it acts as (a linked user's own
//! token, else the Integration's), and what the person asking is told when
//! Grafana refuses, is down, slow, or answers something that is no picture.
//! Variables whose choices come from Nautobot are in `nautobot.rs`.

mod failures;
mod nautobot;
mod options;
mod prompts;

use std::collections::BTreeMap;
use std::sync::Arc;

use chatops_crds::IntegrationType;
use chatops_crds::config::{GatewaySecrets, IntegrationConfig, SecretKey};
use chatops_crds::settings::{
    GrafanaDashboard, GrafanaPanel, GrafanaSettings, NautobotChoices, PanelVariable, RenderDefaults,
};
use chatops_testkit::fake_grafana::{self, FakeGrafana, Recorded};

use super::{Grafana, SetupError};
use crate::commands::tests::fixtures::{
    ADMIN1, Fixture, TABLE_C, USER, assert_none_told, assert_private_error, choice_values, message, prompted,
    text,
};
use crate::commands::{Outcome, Routed};
use crate::model::{Block, Image, Level, Prompt, Reply};

/// What the Integration acts with, and what alice's AccountLink gives her.
#[derive(Clone, Copy)]
pub(super) struct Tokens<'a> {
    /// The Integration's own token, if any.
    pub service: Option<&'a str>,
    /// alice's own token for the grafana command, if any.
    pub alice: Option<&'a str>,
}

/// The Integration's token is the admin's; alice has none of her own.
const ADMIN: Tokens<'static> = Tokens {
    service: Some(fake_grafana::ADMIN_TOKEN),
    alice: None,
};

/// A variable asked for, with `choices` and an optional `default`.
pub(super) fn variable(name: &str, title: &str, choices: &[&str], default: Option<&str>) -> PanelVariable {
    PanelVariable {
        name: name.to_owned(),
        title: Some(title.to_owned()),
        default: default.map(str::to_owned),
        ask: true,
        choices: choices.iter().map(|c| (*c).to_owned()).collect(),
        nautobot: None,
    }
}

fn panel(command: &str, id: u32, title: Option<&str>, variables: Vec<PanelVariable>) -> GrafanaPanel {
    GrafanaPanel {
        command: command.to_owned(),
        id,
        title: title.map(str::to_owned),
        variables,
    }
}

/// The fake's dashboards as an Integration declares them, with
/// `device_choices` for the traffic and BGP panels' device (Nautobot's, when set),
/// and a dashboard and a panel that Grafana does not have.
pub(super) fn settings(device_choices: Option<NautobotChoices>) -> GrafanaSettings {
    let mut device = variable(
        "device",
        "Device",
        &["nyc-rtr-01", "nyc-rtr-02", "ams-sw-01"],
        None,
    );
    let mut bgp_device = variable(
        "device",
        "Device",
        &["nyc-rtr-01", "nyc-rtr-02"],
        Some("nyc-rtr-01"),
    );
    if let Some(nautobot) = device_choices {
        for device in [&mut device, &mut bgp_device] {
            device.choices.clear();
            device.nautobot = Some(nautobot.clone());
        }
    }
    let fixed_device = PanelVariable {
        ask: false,
        ..variable("device", "Device", &[], Some("nyc-rtr-01"))
    };
    GrafanaSettings {
        org_id: 1,
        defaults: RenderDefaults {
            timespan: Some("6h".to_owned()),
            ..RenderDefaults::default()
        },
        dashboards: vec![
            GrafanaDashboard {
                uid: fake_grafana::INTERFACE_TRAFFIC_UID.to_owned(),
                slug: "interface-traffic".to_owned(),
                title: Some("Interface traffic".to_owned()),
                panels: vec![
                    panel(
                        "interface-traffic",
                        1,
                        Some("Traffic in / out"),
                        vec![device, variable("interface", "Interface", &[], Some("Ethernet1"))],
                    ),
                    panel(
                        "rtr1-errors",
                        2,
                        None,
                        vec![fixed_device, variable("interface", "Interface", &[], None)],
                    ),
                    panel("utilisation-of-nothing", 9, Some("Gone"), vec![]),
                ],
            },
            GrafanaDashboard {
                uid: fake_grafana::BGP_SESSIONS_UID.to_owned(),
                slug: "bgp-sessions".to_owned(),
                title: Some("BGP sessions".to_owned()),
                panels: vec![panel(
                    "bgp-prefixes",
                    2,
                    Some("Prefixes received"),
                    vec![
                        bgp_device,
                        variable("afi", "Address family", &["ipv4", "ipv6"], None),
                    ],
                )],
            },
            GrafanaDashboard {
                uid: fake_grafana::FIREWALL_DROPS_UID.to_owned(),
                slug: "firewall-drops".to_owned(),
                title: Some("Firewall drops".to_owned()),
                panels: vec![panel(
                    "firewall-drops",
                    1,
                    Some("Dropped packets"),
                    vec![variable(
                        "firewall",
                        "Firewall",
                        &["nyc-fw-01", "ams-fw-01"],
                        Some("nyc-fw-01"),
                    )],
                )],
            },
            GrafanaDashboard {
                uid: "deleted-dashboard".to_owned(),
                slug: "deleted".to_owned(),
                title: None,
                panels: vec![panel("deleted", 1, None, vec![])],
            },
        ],
    }
}

/// The fixture's configuration with a `grafana` command at `endpoint`
/// serving `settings`, acting with `tokens`; `also` adds to the
/// configuration first (a nautobot Integration and its secrets).
pub(super) fn fixture_with(
    endpoint: &str,
    tokens: Tokens<'_>,
    settings: GrafanaSettings,
    also: impl FnOnce(&mut Fixture, &mut GatewaySecrets),
) -> Fixture {
    let grants: Vec<&str> = TABLE_C
        .iter()
        .copied()
        .chain(["grafana * channel any *", "grafana * user any *"])
        .collect();
    let mut fixture = Fixture::with_grants(&grants);
    let service_key = SecretKey("integration.default.grafana.token".to_owned());
    let alice_key = SecretKey("accountlink.default.alice.grafana".to_owned());
    let integration = IntegrationConfig {
        timeout_seconds: 2,
        token: tokens.service.map(|_| service_key.clone()),
        grafana: Some(settings),
        ..IntegrationConfig::new("default/grafana", IntegrationType::Grafana, endpoint)
    };
    let mut secrets = GatewaySecrets::default();
    if let Some(token) = tokens.service {
        secrets.0.insert(service_key, token.to_owned());
    }
    if let Some(token) = tokens.alice {
        fixture.config.account_links[0]
            .tokens
            .insert("grafana".to_owned(), alice_key.clone());
        secrets.0.insert(alice_key, token.to_owned());
    }
    also(&mut fixture, &mut secrets);
    fixture
        .config
        .integrations
        .insert("grafana".to_owned(), integration.clone());
    let worker = Grafana::new("grafana", &integration, &fixture.config, &secrets).unwrap();
    fixture.registry.register(Arc::new(worker)).unwrap();
    fixture
}

fn fixture(endpoint: &str, tokens: Tokens<'_>) -> Fixture {
    fixture_with(endpoint, tokens, settings(None), |_, _| {})
}

/// A fake Grafana, and the Integration acting with the admin's token.
async fn grafana() -> (FakeGrafana, Fixture) {
    let fake = FakeGrafana::start().await;
    let fixture = fixture(&fake.url(), ADMIN);
    (fake, fixture)
}

/// The one render Grafana was asked for, and its parameters.
#[track_caller]
fn the_render(fake: &FakeGrafana) -> (Recorded, BTreeMap<String, String>) {
    let renders = fake.renders();
    assert_eq!(renders.len(), 1, "one render: {:?}", fake.method_paths());
    let params = fake_grafana::params(&renders[0]).into_iter().collect();
    (renders[0].clone(), params)
}

/// The picture of a reply: the message's image block, having checked that
/// the command succeeded.
#[track_caller]
pub(super) fn picture(routed: &Routed) -> &Image {
    assert_eq!(routed.outcome, Outcome::Succeeded, "{:?}", routed.reply);
    message(routed)
        .blocks
        .iter()
        .find_map(|block| match block {
            Block::Image(image) => Some(image),
            _ => None,
        })
        .expect("an image block")
}

/// A PNG's width and height, from its header.
pub(super) fn size_of(png: &[u8]) -> (u32, u32) {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "a PNG");
    let at = |i: usize| u32::from_be_bytes(png[i..i + 4].try_into().unwrap());
    (at(16), at(20))
}

/// No token appears anywhere in what the chat is told.
#[track_caller]
pub(super) fn assert_no_secret(routed: &Routed) {
    assert_none_told(
        routed,
        &[
            fake_grafana::ADMIN_TOKEN,
            fake_grafana::VIEWER_TOKEN,
            "glsa_revoked",
        ],
    );
}

#[tokio::test]
async fn a_panel_is_rendered_with_the_typed_variable_and_the_defaults() {
    let (fake, fixture) = grafana().await;

    let routed = fixture
        .typed(USER, "grafana get-interface-traffic nyc-rtr-02")
        .await;

    let image = picture(&routed);
    assert_eq!(image.file_name, "interface-traffic.png");
    assert_eq!(size_of(&image.bytes), (1000, 500), "the default size");
    let said = message(&routed);
    assert_eq!(
        said.title.as_deref(),
        Some("Traffic in / out — Interface traffic")
    );
    assert!(!said.private, "the picture is for the conversation");
    assert!(
        text(&routed).starts_with("device=nyc-rtr-02, interface=Ethernet1; the last 6h. [Open in Grafana]("),
        "{}",
        text(&routed)
    );
    let (render, params) = the_render(&fake);
    assert_eq!(render.path, "/render/d-solo/net-if-traffic/interface-traffic");
    let expected: BTreeMap<String, String> = [
        ("orgId", "1"),
        ("panelId", "1"),
        ("var-device", "nyc-rtr-02"),
        ("var-interface", "Ethernet1"),
        ("from", "now-6h"),
        ("to", "now"),
        ("width", "1000"),
        ("height", "500"),
        ("theme", "dark"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    assert_eq!(params, expected);
    assert_eq!(
        render.header("authorization"),
        Some(format!("Bearer {}", fake_grafana::ADMIN_TOKEN).as_str()),
        "an unlinked user acts with the Integration's token"
    );
    assert_no_secret(&routed);
}

#[tokio::test]
async fn a_variable_that_is_not_asked_is_rendered_with_its_default() {
    let (fake, fixture) = grafana().await;

    let routed = fixture.typed(USER, "grafana get-rtr1-errors Ethernet2").await;

    let image = picture(&routed);
    assert_eq!(image.file_name, "rtr1-errors.png");
    assert_eq!(
        message(&routed).title.as_deref(),
        Some("Errors and discards — Interface traffic"),
        "an untitled panel is called by Grafana's title"
    );
    let (_, params) = the_render(&fake);
    assert_eq!(params["var-device"], "nyc-rtr-01");
    assert_eq!(params["var-interface"], "Ethernet2");
}

#[tokio::test]
async fn the_asker_s_own_token_is_used_when_linked() {
    let fake = FakeGrafana::start().await;
    let tokens = Tokens {
        service: Some(fake_grafana::ADMIN_TOKEN),
        alice: Some(fake_grafana::VIEWER_TOKEN),
    };
    let fixture = fixture(&fake.url(), tokens);

    let alice = fixture
        .typed(ADMIN1, "grafana get-interface-traffic nyc-rtr-01")
        .await;
    picture(&alice);
    assert!(
        fake.requests()
            .iter()
            .all(|r| r.header("authorization") == Some(&format!("Bearer {}", fake_grafana::VIEWER_TOKEN))),
        "alice's own token, on every call"
    );

    // Her token may not read the Security folder; the Integration's may.
    let refused = fixture.typed(ADMIN1, "grafana get-firewall-drops").await;
    assert_private_error(
        &refused,
        "You (linked as alice) may not view the dashboard Firewall drops in Grafana.",
    );
    let other = fixture.typed(USER, "grafana get-firewall-drops").await;
    picture(&other);
    assert_no_secret(&refused);
}

#[tokio::test]
async fn a_viewer_token_may_not_see_the_forbidden_folder() {
    let fake = FakeGrafana::start().await;
    let viewer = Tokens {
        service: Some(fake_grafana::VIEWER_TOKEN),
        alice: None,
    };
    let fixture = fixture(&fake.url(), viewer);

    let routed = fixture.typed(USER, "grafana get-firewall-drops").await;

    assert_private_error(
        &routed,
        "You (not linked, acting as chatbot) may not view the dashboard Firewall drops in Grafana.",
    );
    assert!(fake.renders().is_empty(), "nothing rendered");
    assert_no_secret(&routed);
}

#[tokio::test]
async fn without_any_token_the_user_is_told_how_to_get_one() {
    let fake = FakeGrafana::start().await;
    let none = Tokens {
        service: None,
        alice: None,
    };
    let fixture = fixture(&fake.url(), none);

    let routed = fixture.typed(USER, "grafana get-firewall-drops").await;

    assert!(
        text(&routed).starts_with("There is no Grafana token to act with"),
        "{}",
        text(&routed)
    );
    assert!(fake.requests().is_empty(), "Grafana is not asked");
}

#[test]
fn an_integration_without_panels_is_not_served() {
    let fixture = Fixture::new();
    let integration = IntegrationConfig::new(
        "default/grafana",
        IntegrationType::Grafana,
        "https://grafana.example",
    );
    let built = Grafana::new(
        "grafana",
        &integration,
        &fixture.config,
        &GatewaySecrets::default(),
    );
    assert!(matches!(built, Err(SetupError::NoPanels)));
}

#[tokio::test]
async fn two_grafana_integrations_render_each_on_its_own_grafana_with_its_own_token() {
    let (noc, sec) = (FakeGrafana::start().await, FakeGrafana::start().await);
    // `grafana` acts with the viewer's token on one Grafana; `grafana_sec`
    // with the admin's on another, and only it declares the firewall panel.
    let viewer = Tokens {
        service: Some(fake_grafana::VIEWER_TOKEN),
        alice: None,
    };
    let mut fixture = fixture_with(&noc.url(), viewer, settings(None), |fixture, secrets| {
        let key = SecretKey("integration.default.grafana-sec.token".to_owned());
        secrets
            .0
            .insert(key.clone(), fake_grafana::ADMIN_TOKEN.to_owned());
        let mut firewall_only = settings(None);
        firewall_only
            .dashboards
            .retain(|d| d.uid == fake_grafana::FIREWALL_DROPS_UID);
        let integration = IntegrationConfig {
            timeout_seconds: 2,
            token: Some(key),
            grafana: Some(firewall_only),
            ..IntegrationConfig::new("default/grafana-sec", IntegrationType::Grafana, sec.url())
        };
        fixture
            .config
            .integrations
            .insert("grafana_sec".to_owned(), integration.clone());
        let worker = Grafana::new("grafana_sec", &integration, &fixture.config, secrets).unwrap();
        fixture.registry.register(Arc::new(worker)).unwrap();
    });
    let mut grants = fixture.config.grants.clone();
    grants.retain(|g| g.command == "grafana");
    for grant in &mut grants {
        grant.command = "grafana_sec".to_owned();
    }
    fixture.config.grants.extend(grants);
    fixture.grants = crate::access::GrantIndex::new(&fixture.config.grants);

    let refused = fixture.typed(USER, "grafana get-firewall-drops").await;
    let drawn = fixture.typed(USER, "grafana_sec get-firewall-drops").await;
    let unknown = fixture.typed(USER, "grafana_sec get-interface-traffic").await;

    assert_eq!(message(&refused).level, Level::Error, "the viewer may not see it");
    assert_eq!(picture(&drawn).file_name, "firewall-drops.png");
    assert!(noc.renders().is_empty(), "nothing drawn on the first Grafana");
    assert_eq!(sec.renders().len(), 1, "drawn on the second");
    assert_eq!(
        sec.renders()[0].header("authorization"),
        Some(format!("Bearer {}", fake_grafana::ADMIN_TOKEN).as_str())
    );
    assert!(
        matches!(unknown.outcome, Outcome::Unknown(_)),
        "each serves only its own panels: {:?}",
        unknown.outcome
    );
}
