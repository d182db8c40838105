//! The nso worker behind the router, against the in-process fake NSO
//! (`chatops_testkit::fake_nso`): every sub-command, the menus fed from NSO's
//! own device list, the confirmation of the syncs, who it acts as (a linked
//! user's login, the Integration's), the NED-specific live-status modules,
//! and what the person asking is told when NSO refuses, is down, slow or
//! answers nonsense. Rendering alone is tested in `commands/tests`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chatops_crds::IntegrationType;
use chatops_crds::config::{GatewaySecrets, IntegrationConfig, SecretKey};
use chatops_crds::settings::{CommandSet, NsoSettings};
use chatops_testkit::fake_nso::{
    self, ADMIN_PASSWORD, ADMIN_USER, FakeNso, Garbage, LOCKED_DEVICE, OPER_PASSWORD, OPER_USER,
    UNREACHABLE_DEVICE, UNSUPPORTED_DEVICE,
};

use super::Nso;
use crate::commands::tests::fixtures::{
    ADMIN1, Fixture, TABLE_C, USER, assert_none_told, assert_private_error, choice_values, menu, message,
    prompted, text, text_blocks,
};
use crate::commands::{Outcome, Routed};
use crate::model::{Block, Level};

/// Who the Integration logs in as, and who alice (admin1) is linked as.
struct Logins {
    service: Option<(&'static str, &'static str)>,
    alice: Option<(&'static str, &'static str)>,
}

/// The fixture's configuration with an `nso` command served by an [`Nso`]
/// at `endpoint` with `logins`, offering `sets` (none: the presets).
fn fixture_with(endpoint: &str, logins: &Logins, sets: Vec<CommandSet>) -> Fixture {
    let grants: Vec<&str> = TABLE_C
        .iter()
        .copied()
        .chain(["nso * channel any *", "nso * user any *"])
        .collect();
    let mut fixture = Fixture::with_grants(&grants);
    let username = SecretKey("integration.default.nso.username".to_owned());
    let password = SecretKey("integration.default.nso.password".to_owned());
    let alice = SecretKey("accountlink.default.alice.nso".to_owned());
    let integration = IntegrationConfig {
        timeout_seconds: 2,
        username: logins.service.map(|_| username.clone()),
        password: logins.service.map(|_| password.clone()),
        nso: Some(NsoSettings { command_sets: sets }),
        ..IntegrationConfig::new("default/nso", IntegrationType::Nso, endpoint)
    };
    let mut secrets = BTreeMap::new();
    if let Some((user, pass)) = logins.service {
        secrets.insert(username, user.to_owned());
        secrets.insert(password, pass.to_owned());
    }
    if let Some((user, pass)) = logins.alice {
        let link = &mut fixture.config.account_links[0];
        link.user = user.to_owned();
        link.tokens.insert("nso".to_owned(), alice.clone());
        secrets.insert(alice, pass.to_owned());
    }
    let worker = Nso::new(
        "nso",
        &integration,
        &fixture.config.account_links,
        &GatewaySecrets(secrets),
    )
    .unwrap();
    fixture.registry.register(Arc::new(worker)).unwrap();
    fixture.config.integrations.insert("nso".to_owned(), integration);
    fixture
}

/// The Integration as admin, alice unlinked.
const AS_ADMIN: Logins = Logins {
    service: Some((ADMIN_USER, ADMIN_PASSWORD)),
    alice: None,
};

/// A fake NSO, the Integration logging in as admin.
async fn nso() -> (FakeNso, Fixture) {
    let fake = FakeNso::start().await;
    let fixture = fixture_with(&fake.url(), &AS_ADMIN, Vec::new());
    (fake, fixture)
}

/// No password appears anywhere in what the chat is told.
#[track_caller]
fn assert_no_secret(routed: &Routed) {
    assert_none_told(routed, &[ADMIN_PASSWORD, OPER_PASSWORD, "wrong-password"]);
}

/// The HTTP Basic header of `user`'s login.
fn basic(user: &str, password: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{user}:{password}")))
}

/// The one text block of a reply and its level.
#[track_caller]
fn said(routed: &Routed) -> (Level, String) {
    let message = message(routed);
    (message.level, text_blocks(message).join("\n"))
}

#[tokio::test]
async fn ping_asks_for_a_device_from_nsos_own_list_then_pings_it() {
    let (fake, fixture) = nso().await;

    let asked = fixture.typed(USER, "nso ping").await;
    assert_eq!(
        choice_values(prompted(&asked)),
        fake.device_names(),
        "NSO's devices, by name, in NSO's order"
    );
    let routed = fixture
        .answer(USER, &menu(&asked).continuation, &["nyc-dist-sw01"])
        .await;
    assert_eq!(routed.outcome, Outcome::Succeeded);
    assert_eq!(
        said(&routed),
        (
            Level::Info,
            "NSO's ping of **nyc-dist-sw01** was answered.".to_owned()
        )
    );
    assert!(text(&routed).contains("1 packets transmitted, 1 received, 0% packet loss"));

    let lost = fixture
        .typed(USER, &format!("nso ping {UNREACHABLE_DEVICE}"))
        .await;
    assert_eq!(
        said(&lost),
        (
            Level::Warning,
            format!("NSO's ping of **{UNREACHABLE_DEVICE}** failed: no answer.")
        )
    );
    let asked = fake.requests();
    assert!(
        asked
            .iter()
            .all(|r| r.header("authorization") == Some(basic(ADMIN_USER, ADMIN_PASSWORD).as_str())),
        "the unlinked user acts with the Integration's login"
    );
    assert!(
        asked
            .iter()
            .all(|r| r.header("accept") == Some(fake_nso::YANG_DATA_JSON)),
        "RESTCONF's JSON asked for"
    );
    assert_no_secret(&routed);
}

#[tokio::test]
async fn an_unknown_device_is_said_by_name() {
    let (_fake, fixture) = nso().await;
    for typed in [
        "nso ping nowhere-01",
        "nso connect nowhere-01",
        "nso check-sync nowhere-01",
        "nso sync-to nowhere-01",
        "nso run-command-set nowhere-01 version",
    ] {
        let routed = fixture.typed(USER, typed).await;
        assert_private_error(
            &routed,
            "NSO has no device named `nowhere-01`; leave the name out to pick one from NSO's devices.",
        );
    }
}

#[tokio::test]
async fn connect_says_nsos_info_for_a_reachable_unreachable_and_locked_device() {
    let (_fake, fixture) = nso().await;

    let connected = fixture.typed(USER, "nso connect ams-fw01").await;
    assert_eq!(
        said(&connected),
        (
            Level::Info,
            "NSO connected to **ams-fw01**: (admin) Connected to ams-fw01 - 10.20.0.5:830".to_owned()
        )
    );
    let unreachable = fixture
        .typed(USER, &format!("nso connect {UNREACHABLE_DEVICE}"))
        .await;
    let (level, text) = said(&unreachable);
    assert_eq!(level, Level::Warning);
    assert!(
        text.starts_with(&format!(
            "NSO could not connect to **{UNREACHABLE_DEVICE}**: Failed to connect to device {UNREACHABLE_DEVICE}: connection refused"
        )),
        "{text}"
    );
    let locked = fixture.typed(USER, &format!("nso connect {LOCKED_DEVICE}")).await;
    assert_eq!(
        said(&locked).1,
        format!("NSO could not connect to **{LOCKED_DEVICE}**: Device {LOCKED_DEVICE} is southbound locked")
    );
}

#[tokio::test]
async fn check_sync_of_each_kind_of_device() {
    let (_fake, fixture) = nso().await;
    let check = |device: &str| format!("nso check-sync {device}");

    assert_eq!(
        said(&fixture.typed(USER, &check("nyc-dist-sw01")).await),
        (Level::Info, "**nyc-dist-sw01** is in sync with NSO.".to_owned())
    );
    let locked = said(&fixture.typed(USER, &check(LOCKED_DEVICE)).await);
    assert_eq!(locked.0, Level::Warning);
    assert!(locked.1.contains("is locked in NSO"), "{}", locked.1);
    let unreachable = said(&fixture.typed(USER, &check(UNREACHABLE_DEVICE)).await).1;
    assert!(
        unreachable.starts_with(&format!(
            "NSO could not check **{UNREACHABLE_DEVICE}**: Failed to connect"
        )),
        "{unreachable}"
    );
    let unsupported = said(&fixture.typed(USER, &check(UNSUPPORTED_DEVICE)).await).1;
    assert!(unsupported.contains("cannot check"), "{unsupported}");
    // Its NED has no cheap check, but NSO can still compare the whole configuration.
    let compared = fixture
        .typed(
            USER,
            &format!("nso check-sync {UNSUPPORTED_DEVICE} compare-config"),
        )
        .await;
    assert_eq!(
        said(&compared),
        (
            Level::Info,
            format!("**{UNSUPPORTED_DEVICE}**'s configuration does not differ from NSO's.")
        )
    );
    // NSO does not talk to a locked device: nothing to compare, and why.
    let locked = fixture
        .typed(USER, &format!("nso check-sync {LOCKED_DEVICE} compare-config"))
        .await;
    assert!(
        said(&locked).1.contains("is locked in NSO"),
        "{:?}",
        said(&locked)
    );

    let wrong = fixture.typed(USER, "nso check-sync nyc-dist-sw01 please").await;
    assert_private_error(
        &wrong,
        "`please` is not an option of `check-sync`: give `compare-config` to see the difference, or nothing.",
    );
}

#[tokio::test]
async fn an_out_of_sync_device_offers_its_diff_and_compare_config_shows_it() {
    let (_fake, fixture) = nso().await;

    let asked = fixture.typed(USER, "nso check-sync nyc-edge-rtr01").await;
    let offer = prompted(&asked);
    assert!(
        offer
            .text
            .starts_with("**nyc-edge-rtr01** is out of sync with NSO (got: "),
        "{}",
        offer.text
    );
    assert_eq!(choice_values(offer), ["compare-config"]);

    let compared = fixture
        .answer(USER, &offer.continuation, &["compare-config"])
        .await;
    assert_eq!(compared.outcome, Outcome::Succeeded);
    let message = message(&compared);
    assert_eq!(message.level, Level::Warning);
    let Block::Code(diff) = &message.blocks[1] else {
        panic!("a short diff is code: {:?}", message.blocks);
    };
    assert!(diff.contains("+                    shutdown;"), "{diff}");

    let typed = fixture
        .typed(USER, "nso check-sync nyc-edge-rtr01 compare-config")
        .await;
    assert_eq!(
        message.blocks,
        crate::commands::tests::fixtures::message(&typed).blocks
    );

    let in_sync = fixture
        .typed(USER, "nso check-sync nyc-dist-sw01 compare-config")
        .await;
    assert_eq!(
        said(&in_sync).1,
        "**nyc-dist-sw01** is in sync with NSO: there is nothing to compare."
    );
}

#[tokio::test]
async fn check_sync_all_is_one_table_and_its_diffs_on_request() {
    let (fake, fixture) = nso().await;

    let asked = fixture.typed(USER, "nso check-sync").await;
    let values = choice_values(prompted(&asked));
    assert_eq!(values[0], "all");
    assert_eq!(menu(&asked).choices[0].label, "All devices");
    assert_eq!(&values[1..], fake.device_names());

    let all = fixture.answer(USER, &menu(&asked).continuation, &["all"]).await;
    let message = message(&all);
    assert_eq!(text_blocks(message)[0], "3 of 9 devices are in sync with NSO.");
    let Block::Table(table) = &message.blocks[1] else {
        panic!("a table");
    };
    assert_eq!(table.rows.len(), 9);
    assert!(table.rows.contains(&vec![
        LOCKED_DEVICE.to_owned(),
        "locked".to_owned(),
        String::new()
    ]));

    let diffs = fixture.typed(USER, "nso check-sync all compare-config").await;
    let said = text(&diffs);
    for device in fake_nso::OUT_OF_SYNC_DEVICES {
        assert!(said.contains(&format!("! {device}\n")), "{device} in {said}");
    }
    assert!(said.contains("community foobar"), "{said}");
}

#[tokio::test]
async fn sync_to_asks_first_and_then_pushes() {
    let (fake, fixture) = nso().await;
    let device = "nyc-edge-rtr01";

    let asked = fixture.typed(USER, &format!("nso sync-to {device}")).await;
    let question = prompted(&asked);
    assert!(
        question
            .text
            .starts_with(&format!("Push NSO's configuration to **{device}**"))
    );
    assert_eq!(question.choices[0].label, format!("Yes, sync-to {device}"));
    assert_eq!(fake.sync_state(device), "out-of-sync", "nothing changed yet");
    assert!(
        fake.requests().iter().all(|r| !r.path.ends_with("/sync-to")),
        "NSO is not asked before the answer"
    );

    let declined = fixture.typed(USER, &format!("nso sync-to {device} no")).await;
    assert_eq!(said(&declined).1, format!("Not synced: **{device}**."));
    assert_eq!(fake.sync_state(device), "out-of-sync");

    let synced = fixture.answer(USER, &question.continuation, &["yes"]).await;
    assert_eq!(synced.outcome, Outcome::Succeeded);
    assert_eq!(
        said(&synced).1,
        format!("NSO pushed its configuration to **{device}** (sync-to).")
    );
    assert_eq!(fake.sync_state(device), "in-sync");
}

#[tokio::test]
async fn sync_from_typed_with_yes_goes_ahead_and_a_locked_device_is_said() {
    let (fake, fixture) = nso().await;

    let asked = fixture.typed(USER, "nso sync-from").await;
    assert_eq!(choice_values(prompted(&asked)), fake.device_names());

    let synced = fixture.typed(USER, "nso sync-from nyc-dist-sw02 yes").await;
    assert_eq!(
        said(&synced).1,
        "NSO took **nyc-dist-sw02**'s configuration (sync-from)."
    );
    assert_eq!(fake.sync_state("nyc-dist-sw02"), "in-sync");

    let locked = fixture
        .typed(USER, &format!("nso sync-from {LOCKED_DEVICE} yes"))
        .await;
    assert_eq!(
        said(&locked),
        (
            Level::Warning,
            format!(
                "NSO could not sync-from **{LOCKED_DEVICE}**: Device {LOCKED_DEVICE} is southbound locked"
            )
        )
    );
}

#[tokio::test]
async fn a_linked_operator_acts_as_itself_and_nacm_refuses_it_the_syncs() {
    let fake = FakeNso::start().await;
    let logins = Logins {
        service: Some((ADMIN_USER, ADMIN_PASSWORD)),
        alice: Some((OPER_USER, OPER_PASSWORD)),
    };
    let fixture = fixture_with(&fake.url(), &logins, Vec::new());

    let checked = fixture.typed(ADMIN1, "nso check-sync nyc-dist-sw01").await;
    assert_eq!(checked.outcome, Outcome::Succeeded);
    assert!(
        fake.requests()
            .iter()
            .all(|r| r.header("authorization") == Some(basic(OPER_USER, OPER_PASSWORD).as_str())),
        "alice acts with her own login"
    );

    for action in ["sync-to", "sync-from"] {
        let refused = fixture
            .typed(ADMIN1, &format!("nso {action} nyc-edge-rtr01 yes"))
            .await;
        assert_private_error(
            &refused,
            &format!("You (linked as oper) may not run {action} on nyc-edge-rtr01 in NSO."),
        );
        assert_no_secret(&refused);
    }
    assert_eq!(fake.sync_state("nyc-edge-rtr01"), "out-of-sync");
}

#[tokio::test]
async fn a_password_nso_does_not_accept_is_said_with_its_user() {
    let fake = FakeNso::start().await;
    let logins = Logins {
        service: Some((ADMIN_USER, ADMIN_PASSWORD)),
        alice: Some((ADMIN_USER, "wrong-password")),
    };
    let fixture = fixture_with(&fake.url(), &logins, Vec::new());

    let refused = fixture.typed(ADMIN1, "nso ping nyc-dist-sw01").await;

    assert_private_error(&refused, "NSO did not accept the password of admin.");
    assert_no_secret(&refused);
}

#[tokio::test]
async fn without_any_login_the_user_is_told_how_to_get_one() {
    let fake = FakeNso::start().await;
    let logins = Logins {
        service: None,
        alice: None,
    };
    let fixture = fixture_with(&fake.url(), &logins, Vec::new());

    let routed = fixture.typed(USER, "nso ping nyc-dist-sw01").await;

    assert!(
        text(&routed).starts_with("There is no NSO password to act with"),
        "{}",
        text(&routed)
    );
    assert!(fake.requests().is_empty(), "NSO is not asked");
}

#[tokio::test]
async fn run_command_set_asks_for_a_device_that_can_exec_then_a_set() {
    let (_fake, fixture) = nso().await;

    let devices = fixture.typed(USER, "nso run-command-set").await;
    let names = choice_values(prompted(&devices));
    assert_eq!(
        names,
        [
            UNREACHABLE_DEVICE,
            LOCKED_DEVICE,
            "nyc-core-rtr01",
            UNSUPPORTED_DEVICE,
            "nyc-dist-sw01",
            "nyc-dist-sw02",
            "nyc-edge-rtr01"
        ],
        "the Junos devices have no CLI exec"
    );
    let sets = fixture
        .answer(USER, &menu(&devices).continuation, &["nyc-dist-sw01"])
        .await;
    let sets = prompted(&sets);
    assert_eq!(
        choice_values(sets),
        [
            "addresses-and-routes",
            "routing",
            "version",
            "neighbors",
            "mac-table",
            "interfaces",
            "bgp-neighbors"
        ]
    );
    assert_eq!(sets.choices[2].label, "version: show version");

    let unknown = fixture
        .typed(USER, "nso run-command-set nyc-dist-sw01 optics")
        .await;
    let (level, said) = said(&unknown);
    assert_eq!(level, Level::Error);
    assert!(said.starts_with("There is no command set `optics`; the sets are `addresses-and-routes`"));
}

#[tokio::test]
async fn a_short_output_is_code_from_the_ios_module() {
    let (fake, fixture) = nso().await;

    let routed = fixture
        .typed(USER, "nso run-command-set nyc-dist-sw01 neighbors")
        .await;

    assert_eq!(routed.outcome, Outcome::Succeeded);
    let message = message(&routed);
    assert_eq!(message.title.as_deref(), Some("neighbors on nyc-dist-sw01"));
    let Block::Code(output) = &message.blocks[0] else {
        panic!("a short output is code: {:?}", message.blocks);
    };
    assert!(
        output.contains("! Command 'show cdp neighbors' results:"),
        "{output}"
    );
    assert!(output.contains("nyc-access-sw11"), "{output}");
    assert!(
        !output.contains('\r') && !output.ends_with("nyc-dist-sw01#"),
        "{output}"
    );
    let exec = fake
        .requests()
        .into_iter()
        .find(|r| r.path.contains("live-status"))
        .unwrap();
    assert_eq!(
        exec.path,
        "/restconf/data/tailf-ncs:devices/device=nyc-dist-sw01/live-status/tailf-ned-cisco-ios-stats:exec/any"
    );
    assert_eq!(exec.header("content-type"), Some(fake_nso::YANG_DATA_JSON));
    assert_eq!(exec.json()["input"]["args"], "show cdp neighbors");
}

#[tokio::test]
async fn an_ios_xr_device_runs_in_the_ios_xr_module_and_long_output_is_a_file() {
    let (fake, fixture) = nso().await;

    let routed = fixture
        .typed(USER, "nso run-command-set nyc-core-rtr01 addresses-and-routes")
        .await;

    assert_eq!(routed.outcome, Outcome::Succeeded);
    let message = message(&routed);
    let Block::File(file) = &message.blocks[0] else {
        panic!("a long output is a file: {:?}", message.blocks);
    };
    assert_eq!(file.file_name, "nyc-core-rtr01-addresses-and-routes.txt");
    assert!(file.text.chars().count() >= crate::workers::toolkit::render::LONG_TEXT);
    assert!(file.text.contains("! Command 'show ip interface brief' results:"));
    assert!(file.text.contains("MgmtEth0/RSP0/CPU0/0"), "{}", file.text);
    assert!(file.text.contains("Gateway of last resort"), "{}", file.text);
    let modules: Vec<String> = fake
        .requests()
        .into_iter()
        .filter(|r| r.path.contains("live-status"))
        .map(|r| r.path)
        .collect();
    assert_eq!(modules.len(), 2);
    assert!(
        modules
            .iter()
            .all(|p| p.ends_with("/live-status/tailf-ned-cisco-ios-xr-stats:exec/any")),
        "{modules:?}"
    );
}

#[tokio::test]
async fn a_ned_without_exec_and_an_unreachable_device_are_said() {
    let (_fake, fixture) = nso().await;

    let junos = fixture.typed(USER, "nso run-command-set ams-fw01 version").await;
    assert_private_error(
        &junos,
        "NSO cannot run show commands on **ams-fw01**: its NED (`juniper-junos-nc-4.12:juniper-junos-nc-4.12`) \
         has no live-status exec; `run-command-set` runs on Cisco IOS and IOS XR devices.",
    );

    let down = fixture
        .typed(USER, &format!("nso run-command-set {UNREACHABLE_DEVICE} version"))
        .await;
    let (level, said) = said(&down);
    assert_eq!(level, Level::Warning);
    assert!(
        said.starts_with(&format!(
            "NSO could not run `show version` on **{UNREACHABLE_DEVICE}**: Failed to connect to device"
        )),
        "{said}"
    );
}

#[tokio::test]
async fn the_integrations_own_command_sets_replace_the_presets() {
    let fake = FakeNso::start().await;
    let sets = vec![CommandSet {
        name: "bgp".to_owned(),
        commands: vec!["show ip bgp summary".to_owned(), "show version".to_owned()],
    }];
    let fixture = fixture_with(&fake.url(), &AS_ADMIN, sets);

    let asked = fixture.typed(USER, "nso run-command-set nyc-dist-sw01").await;
    assert_eq!(choice_values(prompted(&asked)), ["bgp"]);
    let preset = fixture
        .typed(USER, "nso run-command-set nyc-dist-sw01 version")
        .await;
    assert_eq!(message(&preset).level, Level::Error);

    let routed = fixture.typed(USER, "nso run-command-set nyc-dist-sw01 bgp").await;
    let said = text(&routed);
    assert!(
        said.contains("! Command 'show ip bgp summary' results:"),
        "{said}"
    );
    assert!(said.contains("! Command 'show version' results:"), "{said}");
}

#[tokio::test]
async fn garbled_answers_fail_the_command_saying_so() {
    let (fake, fixture) = nso().await;
    for (garbage, typed) in [
        (Garbage::Html, "nso ping"),
        (Garbage::TruncatedJson, "nso check-sync nyc-dist-sw01"),
        (Garbage::WrongShape, "nso run-command-set"),
        (Garbage::WrongShape, "nso connect nyc-dist-sw01"),
    ] {
        fake.mend();
        fake.garble("/restconf/data", garbage);

        let routed = fixture.typed(USER, typed).await;

        let Outcome::Errored(said) = &routed.outcome else {
            panic!("a failed command for {typed}: {:?}", routed.outcome);
        };
        assert!(said.starts_with("NSO's answer could not be read: "), "{said}");
    }
    fake.mend();
    let mended = fixture.typed(USER, "nso ping nyc-dist-sw01").await;
    assert_eq!(mended.outcome, Outcome::Succeeded);
}

#[tokio::test]
async fn a_slow_nso_is_waited_for_within_the_timeout_and_said_beyond_it() {
    let (fake, fixture) = nso().await;
    fake.slow_down("/restconf", Duration::from_millis(500));
    let waited = fixture.typed(USER, "nso check-sync nyc-dist-sw01").await;
    assert_eq!(waited.outcome, Outcome::Succeeded);

    fake.mend();
    fake.slow_down("/restconf", Duration::from_secs(10));
    let started = std::time::Instant::now();
    let routed = fixture.typed(USER, "nso ping nyc-dist-sw01").await;
    assert_eq!(
        routed.outcome,
        Outcome::Errored("NSO did not answer within 2 s".to_owned())
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn nso_down_fails_the_command_and_says_where() {
    let endpoint = chatops_testkit::endpoints::unreachable();
    let fixture = fixture_with(&endpoint, &AS_ADMIN, Vec::new());

    let routed = fixture.typed(USER, "nso ping nyc-dist-sw01").await;

    assert_eq!(
        routed.outcome,
        Outcome::Errored(format!(
            "NSO at {} cannot be reached",
            endpoint.trim_end_matches('/')
        ))
    );
    assert_no_secret(&routed);
}
