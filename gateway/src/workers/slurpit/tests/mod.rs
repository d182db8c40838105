//! The slurpit worker behind the router, against the in-process fake
//! Slurpit (`chatops_testkit::fake_slurpit`): every sub-command, the menus
//! for missing arguments, who it acts as (a linked user's key, the
//! Integration's key), and what the person asking is told when Slurpit
//! refuses, is down, slow or answers nonsense. Rendering alone is tested in
//! `commands/tests`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chatops_crds::IntegrationType;
use chatops_crds::config::{GatewaySecrets, IntegrationConfig, SecretKey};
use chatops_testkit::fake_slurpit::{self, FakeSlurpit, Garbage};
use serde_json::json;

use super::Slurpit;
use crate::commands::tests::fixtures::{
    ADMIN1, Fixture, TABLE_C, USER, assert_none_told, assert_private_error, choice_values, prompted, text,
};
use crate::commands::{Outcome, Routed};
use crate::model::{Prompt, Reply};

/// The fixture's configuration with a `slurpit` command served by a
/// [`Slurpit`] at `endpoint`, reading `page` devices a page; alice (admin1)
/// is linked with `alice_key`, and the Integration acts with the admin key
/// when `service` says so (else with nothing).
fn fixture_with(endpoint: &str, alice_key: &str, page: usize, service: bool) -> Fixture {
    let grants: Vec<&str> = TABLE_C
        .iter()
        .copied()
        .chain(["slurpit * channel any *", "slurpit * user any *"])
        .collect();
    let mut fixture = Fixture::with_grants(&grants);
    let token = SecretKey("integration.default.slurpit.token".to_owned());
    let alice = SecretKey("accountlink.default.alice.slurpit".to_owned());
    let integration = IntegrationConfig {
        timeout_seconds: 2,
        token: service.then(|| token.clone()),
        ..IntegrationConfig::new("default/slurpit", IntegrationType::Slurpit, endpoint)
    };
    fixture.config.account_links[0]
        .tokens
        .insert("slurpit".to_owned(), alice.clone());
    let secrets = GatewaySecrets(BTreeMap::from([
        (token, fake_slurpit::ADMIN_KEY.to_owned()),
        (alice, alice_key.to_owned()),
    ]));
    let worker = Slurpit::new("slurpit", &integration, &fixture.config.account_links, &secrets)
        .unwrap()
        .paged_by(page);
    fixture.registry.register(Arc::new(worker)).unwrap();
    fixture
        .config
        .integrations
        .insert("slurpit".to_owned(), integration);
    fixture
}

/// [`fixture_with`] reading `page` devices a page, the Integration with the admin key.
fn fixture_paged(endpoint: &str, alice_key: &str, page: usize) -> Fixture {
    fixture_with(endpoint, alice_key, page, true)
}

/// [`fixture_paged`] with Slurpit's default page.
fn fixture(endpoint: &str, alice_key: &str) -> Fixture {
    fixture_paged(endpoint, alice_key, super::PAGE_SIZE)
}

/// A fake Slurpit, alice linked with its admin key.
async fn slurpit() -> (FakeSlurpit, Fixture) {
    let fake = FakeSlurpit::start().await;
    let fixture = fixture(&fake.url(), fake_slurpit::ADMIN_KEY);
    (fake, fixture)
}

/// No key appears anywhere in what the chat is told.
#[track_caller]
fn assert_no_secret(routed: &Routed) {
    assert_none_told(routed, &[fake_slurpit::ADMIN_KEY, fake_slurpit::READER_KEY]);
}

/// The table rows of a reply, as `text` joins them (title first).
fn lines(routed: &Routed) -> Vec<String> {
    text(routed).lines().map(str::to_owned).collect()
}

/// The columns of the reply's one table.
fn columns(routed: &Routed) -> Vec<String> {
    let Reply::Message(message) = &routed.reply else {
        panic!("a message: {:?}", routed.reply);
    };
    message
        .blocks
        .iter()
        .find_map(|block| match block {
            crate::model::Block::Table(table) => Some(table.columns.clone()),
            _ => None,
        })
        .expect("a table")
}

#[tokio::test]
async fn get_devices_lists_every_device_paged_with_the_linked_users_key() {
    let fake = FakeSlurpit::start().await;
    let fixture = fixture_paged(&fake.url(), fake_slurpit::READER_KEY, 5);

    let routed = fixture.typed(ADMIN1, "slurpit get-devices").await;

    assert_eq!(routed.outcome, Outcome::Succeeded);
    let rows = lines(&routed);
    assert_eq!(rows[0], "Devices");
    assert_eq!(rows.len(), 1 + fake_slurpit::DEVICES + 1);
    assert_eq!(
        rows.last().unwrap(),
        &format!(
            "[Open in Slurpit]({}/admin/devices)",
            fake.url().trim_end_matches('/')
        ),
        "a link to Slurpit's own list"
    );
    assert_eq!(
        rows[1],
        "ams-core-01 | ams-core-01.net.example.com | cisco_nxos | N9K-C93180YC-FX | Cisco | AMS-HQ | no | 2026-12-03 02:00:00"
    );
    assert!(
        rows.contains(&"sin-acc-01 | sin-acc-01.net.example.com | cisco_ios | C9200L-24P-4G | Cisco | SIN-POP | yes | 2026-09-30 17:42:10".to_owned()),
        "{rows:?}"
    );
    let asked = fake.requests();
    let pages: Vec<&str> = asked.iter().map(|r| r.query.as_str()).collect();
    assert_eq!(
        pages,
        ["offset=0&limit=5", "offset=5&limit=5", "offset=10&limit=5"],
        "pages until a short one"
    );
    assert!(
        asked
            .iter()
            .all(|r| r.header("authorization")
                == Some(format!("Bearer {}", fake_slurpit::READER_KEY).as_str())),
        "alice acts with her own key"
    );
    assert_no_secret(&routed);
}

#[tokio::test]
async fn an_unlinked_user_acts_with_the_integration_key() {
    let fake = FakeSlurpit::start().await;
    let fixture = fixture(&fake.url(), fake_slurpit::READER_KEY);

    let routed = fixture.typed(USER, "slurpit get-plannings").await;

    assert_eq!(routed.outcome, Outcome::Succeeded);
    assert_eq!(
        fake.requests()[0].header("authorization"),
        Some(format!("Bearer {}", fake_slurpit::ADMIN_KEY).as_str())
    );
}

#[tokio::test]
async fn get_device_asks_for_a_hostname_then_shows_its_fields() {
    let (fake, fixture) = slurpit().await;

    let menu = fixture.typed(ADMIN1, "slurpit get-device").await;
    let hostnames = choice_values(prompted(&menu));
    assert_eq!(hostnames.len(), fake_slurpit::DEVICES);
    assert_eq!(hostnames[0], "ams-acc-01", "sorted hostnames, no IDs");

    let routed = fixture.typed(ADMIN1, "slurpit get-device nyc-edge-01").await;
    assert_eq!(routed.outcome, Outcome::Succeeded);
    let rows = lines(&routed);
    assert_eq!(rows[0], "Device nyc-edge-01");
    for fact in [
        "FQDN | nyc-edge-01.net.example.com",
        "Address | 10.20.0.10",
        "OS | cisco_xr",
        "OS version | 7.9.2",
        "Brand | Cisco",
        "Site | NYC-DC1",
        "Disabled | no",
    ] {
        assert!(rows.contains(&fact.to_owned()), "{fact} in {rows:?}");
    }

    assert_eq!(
        rows.last().unwrap(),
        &format!(
            "[Open in Slurpit]({}/admin/devices/8)",
            fake.url().trim_end_matches('/')
        )
    );

    let unknown = fixture.typed(ADMIN1, "slurpit get-device nowhere-01").await;
    assert_private_error(
        &unknown,
        "Slurpit has no device named `nowhere-01`; `get-devices` lists them.",
    );
}

#[tokio::test]
async fn get_sites_and_get_plannings_are_tables() {
    let (_fake, fixture) = slurpit().await;

    let sites = fixture.typed(ADMIN1, "slurpit get-sites").await;
    let rows = lines(&sites);
    assert_eq!(rows[0], "Sites");
    assert_eq!(
        rows[1],
        "AMS-HQ | Amsterdam headquarters | Herengracht 182 | 1016 BR | Amsterdam | Netherlands | +31 20 555 0100"
    );
    assert_eq!(rows.len(), 1 + 3 + 1, "and the link: {rows:?}");

    let plannings = fixture.typed(ADMIN1, "slurpit get-plannings").await;
    let rows = lines(&plannings);
    assert_eq!(rows[0], "Plannings");
    assert_eq!(
        rows[1],
        "Hardware info | Chassis model, serial and memory | hardware, serial, memory"
    );
    assert_eq!(rows.len(), 1 + 5 + 1, "and the link: {rows:?}");
}

#[tokio::test]
async fn search_data_asks_for_the_planning_by_name_then_latest_then_the_text() {
    let (fake, fixture) = slurpit().await;

    let plannings = fixture.typed(ADMIN1, "slurpit search-data").await;
    assert_eq!(
        choice_values(prompted(&plannings)),
        [
            "Hardware info",
            "Software versions",
            "Interfaces",
            "BGP neighbors",
            "ARP table"
        ],
        "names, never IDs"
    );
    let latest = fixture.typed(ADMIN1, "slurpit search-data 'Hardware info'").await;
    assert_eq!(choice_values(prompted(&latest)), ["true", "false"]);
    let form = fixture
        .typed(ADMIN1, "slurpit search-data 'Hardware info' true")
        .await;
    let Reply::Prompt(Prompt::Form(asked)) = &form.reply else {
        panic!("a form asks for the text: {:?}", form.reply);
    };
    assert_eq!(asked.title, "Search the data of Hardware info");
    assert_eq!(asked.fields[0].label, "Search text");
    let answered = fixture.answer(ADMIN1, &asked.continuation, &["FDO"]).await;
    assert_eq!(
        lines(&answered)[0],
        "Hardware info matching `FDO`",
        "the form's answer is searched"
    );

    let routed = fixture
        .typed(ADMIN1, "slurpit search-data 'Hardware info' true FDO")
        .await;
    assert_eq!(routed.outcome, Outcome::Succeeded);
    assert_eq!(columns(&routed), ["hostname", "hardware", "serial", "memory"]);
    let rows = lines(&routed);
    assert_eq!(rows[0], "Hardware info matching `FDO`");
    assert_eq!(rows[1], "ams-acc-01 | C9300-48P | FDO20051A5 | 32768 MB");
    assert_eq!(rows.len(), 1 + 4, "the enabled Cisco devices: {rows:?}");
    let searched = fake
        .requests()
        .into_iter()
        .find(|r| r.path == "/api/planning/search")
        .unwrap();
    assert_eq!(
        searched.json(),
        json!({"planning_id": 1, "unique_results": true, "latest": true, "search": "FDO", "offset": 0, "limit": 1000})
    );

    let unknown = fixture.typed(ADMIN1, "slurpit search-data Nothing true x").await;
    assert_private_error(
        &unknown,
        "Slurpit has no planning named `Nothing`; `get-plannings` lists them.",
    );
    let maybe = fixture
        .typed(ADMIN1, "slurpit search-data Interfaces maybe x")
        .await;
    assert_private_error(
        &maybe,
        "`maybe` is not `true` or `false` (the latest data only, or not).",
    );
    let none = fixture
        .typed(ADMIN1, "slurpit search-data Interfaces true zzz")
        .await;
    assert_eq!(text(&none), "No data of Interfaces matches `zzz`.");
}

#[tokio::test]
async fn device_data_shows_one_devices_data_of_the_latest_or_every_run() {
    let (fake, fixture) = slurpit().await;

    let menu = fixture
        .typed(ADMIN1, "slurpit device-data 'Software versions' false")
        .await;
    assert_eq!(choice_values(prompted(&menu)).len(), fake_slurpit::DEVICES);

    let every = fixture
        .typed(
            ADMIN1,
            &format!(
                "slurpit device-data 'Software versions' false {}",
                fake_slurpit::UPGRADED_DEVICE
            ),
        )
        .await;
    assert_eq!(every.outcome, Outcome::Succeeded);
    assert_eq!(columns(&every), ["hostname", "version", "uptime"]);
    let rows = lines(&every);
    assert_eq!(rows[0], "Software versions of ams-acc-01");
    assert_eq!(rows.len(), 1 + 2, "both runs: {rows:?}");
    assert!(
        rows.iter().any(|r| r.contains("17.6.5")),
        "the older version: {rows:?}"
    );

    let latest = fixture
        .typed(ADMIN1, "slurpit device-data 'Software versions' true ams-acc-01")
        .await;
    let rows = lines(&latest);
    assert_eq!(rows[1..], ["ams-acc-01 | 17.9.4a | 65 days"]);
    let body = fake
        .requests()
        .into_iter()
        .rfind(|r| r.path == "/api/planning/search")
        .unwrap()
        .json();
    assert_eq!(body["hostnames"], json!(["ams-acc-01"]));
    assert_eq!(
        (body["planning_id"].clone(), body["latest"].clone()),
        (json!(2), json!(true))
    );

    let unknown = fixture
        .typed(ADMIN1, "slurpit device-data Interfaces true nowhere-01")
        .await;
    assert_private_error(
        &unknown,
        "Slurpit has no device named `nowhere-01`; `get-devices` lists them.",
    );
}

#[tokio::test]
async fn a_key_slurpit_does_not_accept_is_said_with_its_user() {
    let fake = FakeSlurpit::start().await;
    let fixture = fixture(&fake.url(), "not-a-key-slurpit-knows");

    let routed = fixture.typed(ADMIN1, "slurpit get-sites").await;

    assert_private_error(&routed, "Slurpit did not accept the token of alice.");
    assert_no_secret(&routed);
}

#[tokio::test]
async fn the_reader_key_may_not_view_plannings() {
    let fake = FakeSlurpit::start().await;
    let fixture = fixture(&fake.url(), fake_slurpit::READER_KEY);

    for typed in ["slurpit get-plannings", "slurpit search-data"] {
        let routed = fixture.typed(ADMIN1, typed).await;
        assert_private_error(&routed, "You (linked as alice) may not view planning in Slurpit.");
        assert_no_secret(&routed);
    }
    let devices = fixture.typed(ADMIN1, "slurpit get-devices").await;
    assert_eq!(devices.outcome, Outcome::Succeeded, "devices it may read");
}

#[tokio::test]
async fn slurpit_down_fails_the_command_and_says_where() {
    let endpoint = chatops_testkit::endpoints::unreachable();
    let fixture = fixture(&endpoint, fake_slurpit::ADMIN_KEY);

    let routed = fixture.typed(ADMIN1, "slurpit get-devices").await;

    assert_eq!(
        routed.outcome,
        Outcome::Errored(format!("Slurpit at {endpoint} cannot be reached"))
    );
    assert_no_secret(&routed);
}

#[tokio::test]
async fn a_slow_slurpit_is_said_within_the_timeout() {
    let endpoint = chatops_testkit::endpoints::silent().await;
    let fixture = fixture(&endpoint, fake_slurpit::ADMIN_KEY);

    let started = std::time::Instant::now();
    let routed = fixture.typed(ADMIN1, "slurpit get-sites").await;

    assert_eq!(
        routed.outcome,
        Outcome::Errored("Slurpit did not answer within 2 s".to_owned())
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_slowed_down_search_is_said_within_the_timeout() {
    let (fake, fixture) = slurpit().await;
    fake.slow_down("/api/planning/search", Duration::from_secs(10));

    let routed = fixture
        .typed(ADMIN1, "slurpit search-data Interfaces true up")
        .await;

    assert_eq!(
        routed.outcome,
        Outcome::Errored("Slurpit did not answer within 2 s".to_owned())
    );
}

#[tokio::test]
async fn a_garbled_answer_fails_the_command() {
    let (fake, fixture) = slurpit().await;
    for (garbage, typed) in [
        (Garbage::Html, "slurpit get-devices"),
        (Garbage::TruncatedJson, "slurpit get-device"),
        (Garbage::WrongShape, "slurpit get-devices"),
    ] {
        fake.mend();
        fake.garble("/api/devices", garbage);

        let routed = fixture.typed(ADMIN1, typed).await;

        let Outcome::Errored(said) = &routed.outcome else {
            panic!("a failed command: {:?}", routed.outcome);
        };
        assert!(
            said.starts_with("Slurpit's answer could not be read: devices:"),
            "{said}"
        );
    }
    fake.mend();
    let mended = fixture.typed(ADMIN1, "slurpit get-devices").await;
    assert_eq!(mended.outcome, Outcome::Succeeded);
}

#[tokio::test]
async fn without_any_key_the_user_is_told_how_to_get_one() {
    let fake = FakeSlurpit::start().await;
    let fixture = fixture_with(&fake.url(), fake_slurpit::ADMIN_KEY, super::PAGE_SIZE, false);

    let routed = fixture.typed(USER, "slurpit get-sites").await;

    assert!(
        text(&routed).starts_with("There is no Slurpit token to act with"),
        "{}",
        text(&routed)
    );
    assert!(fake.requests().is_empty(), "Slurpit is not asked");
}

#[tokio::test]
async fn a_missing_object_is_said_and_a_failing_slurpit_fails_the_command_with_its_message() {
    let (fake, fixture) = slurpit().await;
    let refusal = |status: axum::http::StatusCode, message: &str| {
        fake_slurpit::Scripted::new(
            status,
            json!({"name": "x", "message": message, "code": 0, "status": status.as_u16()}).to_string(),
        )
        .with_header("content-type", "application/json")
    };

    fake.script(refusal(axum::http::StatusCode::NOT_FOUND, "Page not found."));
    let missing = fixture.typed(ADMIN1, "slurpit get-plannings").await;
    assert_private_error(&missing, "Slurpit found nothing at planning.");

    fake.script(refusal(
        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        "Database connection lost.",
    ));
    let broken = fixture.typed(ADMIN1, "slurpit get-devices").await;
    assert_eq!(
        broken.outcome,
        Outcome::Errored("Slurpit answered 500: Database connection lost.".to_owned())
    );
}

#[tokio::test]
async fn a_search_is_read_page_by_page_with_offsets_in_its_body() {
    let fake = FakeSlurpit::start().await;
    let paged = fixture_paged(&fake.url(), fake_slurpit::ADMIN_KEY, 5);
    let whole = fixture(&fake.url(), fake_slurpit::ADMIN_KEY);
    let typed = "slurpit search-data 'Software versions' false days";

    let in_pages = paged.typed(ADMIN1, typed).await;
    let searches: Vec<serde_json::Value> = fake
        .requests()
        .into_iter()
        .filter(|r| r.path == "/api/planning/search")
        .map(|r| r.json()["offset"].clone())
        .collect();
    let at_once = whole.typed(ADMIN1, typed).await;

    // 11 enabled devices, two runs each: 22 rows, five a page.
    assert_eq!(searches, [json!(0), json!(5), json!(10), json!(15), json!(20)]);
    assert_eq!(lines(&in_pages).len(), 1 + 22);
    assert_eq!(lines(&in_pages), lines(&at_once), "the same rows either way");
}
