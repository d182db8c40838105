//! The chosen snapshot, carried by the conversation and not kept anywhere:
//! typed as `snapshot=…`, kept by the menus a sub-command raises, passed on
//! by `set-snapshot`'s menu, else the Integration's default, else `$last`.

use chatops_crds::settings::IpfabricSettings;
use chatops_testkit::fake_ipfabric::{LAST_SNAPSHOT, LOCKED_SNAPSHOT, PREV_SNAPSHOT, UNLOADED_SNAPSHOT};

use super::*;
use crate::commands::Outcome;
use crate::commands::tests::fixtures::{
    ADMIN1, Fixture, USER, assert_private_error, choice_values, message, prompted,
};

/// The snapshot every table query so far asked for.
fn snapshots_asked(fake: &FakeIpFabric) -> Vec<String> {
    fake.table_queries("tables/inventory/devices")
        .iter()
        .map(|q| q["snapshot"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// A fixture whose Integration reads `default` when a command names none.
async fn with_default(default: &str) -> (FakeIpFabric, Fixture) {
    let fake = FakeIpFabric::start().await;
    let mut fixture = fixture_for(&["ipfabric"]);
    let setup = Setup {
        settings: Some(IpfabricSettings {
            snapshot: Some(default.to_owned()),
            nautobot: None,
        }),
        ..Setup::default()
    };
    serve(&mut fixture, &fake.url(), setup);
    (fake, fixture)
}

#[tokio::test]
async fn a_typed_snapshot_changes_the_answer() {
    let (fake, fixture) = ipfabric().await;

    let last = fixture.typed(USER, "ipfabric get-inventory site LON-HQ").await;
    let prev = fixture
        .typed(USER, "ipfabric get-inventory site LON-HQ snapshot=$prev")
        .await;

    assert_eq!(lines(&last).len(), 1 + 5 + 1);
    assert_eq!(lines(&prev).len(), 1 + 4 + 1, "lon-ap-02 is new since $prev");
    assert!(!text(&prev).contains("lon-ap-02"));
    assert!(text(&prev).contains(&format!(
        "Snapshot: **unnamed snapshot** ({PREV_SNAPSHOT}, loaded"
    )));
    assert_eq!(
        snapshots_asked(&fake),
        [LAST_SNAPSHOT, PREV_SNAPSHOT],
        "resolved to ids"
    );
}

#[tokio::test]
async fn menus_raised_by_a_sub_command_keep_its_snapshot() {
    let (fake, fixture) = ipfabric().await;

    let keys = fixture
        .typed(USER, "ipfabric get-inventory snapshot=$lastlocked")
        .await;
    let values = fixture
        .answer(USER, &prompted(&keys).continuation, &["site"])
        .await;
    let routed = fixture
        .answer(USER, &prompted(&values).continuation, &["SIN-BR1"])
        .await;

    assert_eq!(routed.outcome, Outcome::Succeeded);
    assert_eq!(
        lines(&routed)[1..lines(&routed).len() - 1].len(),
        1,
        "sin-sw-01 came later"
    );
    assert!(text(&routed).contains("Baseline before CHG-4711"));
    assert_eq!(
        snapshots_asked(&fake),
        [LOCKED_SNAPSHOT, LOCKED_SNAPSHOT],
        "values and rows of it"
    );
}

#[tokio::test]
async fn set_snapshot_offers_the_loaded_ones_by_name_date_and_state() {
    let (_fake, fixture) = ipfabric().await;

    let routed = fixture.typed(USER, "ipfabric set-snapshot").await;

    let menu = prompted(&routed);
    assert_eq!(
        choice_values(menu),
        [LAST_SNAPSHOT, PREV_SNAPSHOT, LOCKED_SNAPSHOT]
    );
    let labels: Vec<&str> = menu.choices.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "Nightly 2026-12-03 · 2026-12-03 02:45 UTC · loaded",
            "unnamed snapshot · 2026-12-02 02:45 UTC · loaded",
            "Baseline before CHG-4711 · 2026-11-26 02:50 UTC · loaded, locked",
        ]
    );
}

#[tokio::test]
async fn set_snapshot_passes_the_choice_on_to_the_next_sub_command_and_its_menus() {
    let (fake, fixture) = ipfabric().await;

    let snapshots = fixture.typed(USER, "ipfabric set-snapshot").await;
    let next = fixture
        .answer(USER, &prompted(&snapshots).continuation, &[PREV_SNAPSHOT])
        .await;
    let menu = prompted(&next);
    assert_eq!(
        menu.text,
        format!(
            "Snapshot **unnamed snapshot** ({PREV_SNAPSHOT}, loaded, 2026-12-02 02:45 UTC) is now the one your \
             next commands read. Choose what to run on it, or add `snapshot={PREV_SNAPSHOT}` to a command you type."
        )
    );
    assert_eq!(
        choice_values(menu)[..3],
        ["get-snapshot", "get-inventory", "interfaces"]
    );
    assert!(!choice_values(menu).contains(&"set-snapshot"));

    let keys = fixture.answer(USER, &menu.continuation, &["get-inventory"]).await;
    assert_eq!(
        keys.invocation.subcommand, "get-inventory",
        "the chosen sub-command runs"
    );
    let values = fixture
        .answer(USER, &prompted(&keys).continuation, &["site"])
        .await;
    let routed = fixture
        .answer(USER, &prompted(&values).continuation, &["LON-HQ"])
        .await;

    assert_eq!(lines(&routed).len(), 1 + 4 + 1, "read from $prev");
    assert_eq!(snapshots_asked(&fake), [PREV_SNAPSHOT, PREV_SNAPSHOT]);

    let said = fixture.answer(USER, &menu.continuation, &["get-snapshot"]).await;
    assert!(
        text(&said).ends_with(&format!(
            "because this command carries `snapshot={PREV_SNAPSHOT}` (typed, or chosen with `set-snapshot`)."
        )),
        "{}",
        text(&said)
    );
    let someone_else = fixture
        .answer(ADMIN1, &menu.continuation, &["get-inventory"])
        .await;
    assert!(
        matches!(someone_else.outcome, Outcome::Rejected(_)),
        "bound to the user it was sent to"
    );
}

#[tokio::test]
async fn ip_fabrics_names_are_taken_in_any_case() {
    let (_fake, fixture) = ipfabric().await;

    let routed = fixture.typed(USER, "ipfabric set-snapshot $LASTLOCKED").await;

    assert!(
        prompted(&routed)
            .text
            .starts_with("Snapshot **Baseline before CHG-4711**")
    );
    let carried = fixture.typed(USER, "ipfabric get-snapshot SNAPSHOT=$Prev").await;
    assert!(text(&carried).starts_with(&format!(
        "Commands here read snapshot **unnamed snapshot** ({PREV_SNAPSHOT}"
    )));
}

#[tokio::test]
async fn an_unknown_or_unloaded_snapshot_is_said_in_a_sentence() {
    let (_fake, fixture) = ipfabric().await;

    let unknown = fixture.typed(USER, "ipfabric set-snapshot 1234").await;
    assert_private_error(
        &unknown,
        "IP Fabric has no snapshot `1234`; `get-loaded-snapshots` lists those that can be read.",
    );
    let unloaded = fixture
        .typed(
            USER,
            &format!("ipfabric get-inventory site LON-HQ snapshot={UNLOADED_SNAPSHOT}"),
        )
        .await;
    assert_private_error(
        &unloaded,
        &format!(
            "Snapshot **Q3 audit** ({UNLOADED_SNAPSHOT}, not loaded, 2026-10-01 09:30 UTC) is not loaded in IP \
             Fabric, so it cannot be read; load it there, or choose a loaded one with `set-snapshot`."
        ),
    );
    let diff = fixture
        .typed(
            USER,
            &format!("ipfabric table-diff inventory devices summary {UNLOADED_SNAPSHOT}"),
        )
        .await;
    assert!(text(&diff).contains("is not loaded in IP Fabric"));
}

#[tokio::test]
async fn get_snapshot_says_which_one_and_why() {
    let (_fake, fixture) = ipfabric().await;
    let routed = fixture.typed(USER, "ipfabric get-snapshot").await;
    assert_eq!(
        text(&routed),
        format!(
            "Commands here read snapshot **Nightly 2026-12-03** ({LAST_SNAPSHOT}, loaded, 2026-12-03 02:45 UTC), \
             because neither the command nor the Integration names another, so it is `$last`, the newest loaded one."
        )
    );
    assert!(!message(&routed).private);

    let (_fake, fixture) = with_default("$lastLocked").await;
    let routed = fixture.typed(USER, "ipfabric get-snapshot").await;
    assert!(
        text(&routed)
            .ends_with("because it is the Integration's default (`spec.ipfabric.snapshot: $lastLocked`)."),
        "{}",
        text(&routed)
    );
    let inventory = fixture.typed(USER, "ipfabric get-inventory site SIN-BR1").await;
    assert!(
        text(&inventory).contains("Baseline before CHG-4711"),
        "the default is read"
    );
    let typed = fixture.typed(USER, "ipfabric get-snapshot snapshot=$last").await;
    assert!(text(&typed).contains("because this command carries `snapshot=$last`"));
}

#[tokio::test]
async fn set_snapshots_menu_offers_only_what_the_grants_allow_and_checks_them_again() {
    let fake = FakeIpFabric::start().await;
    let grants = [
        "* * organization my-org T202B88NN",
        "ipfabric * channel any *",
        "ipfabric set-snapshot user any *",
        "ipfabric get-snapshot user any *",
        "ipfabric get-inventory user admin1 U2049K991",
    ];
    let mut fixture = Fixture::with_grants(&grants);
    serve(&mut fixture, &fake.url(), Setup::default());

    let routed = fixture.typed(USER, "ipfabric set-snapshot $prev").await;

    let menu = prompted(&routed);
    assert_eq!(choice_values(menu), ["get-snapshot"], "what the user may run");
    // A continuation does not let anyone around the grants: the sub-command
    // chosen is checked as if typed.
    let around = fixture.answer(USER, &menu.continuation, &["get-inventory"]).await;
    assert!(
        matches!(around.outcome, Outcome::Denied { .. }),
        "{:?}",
        around.outcome
    );
    let admin = fixture.typed(ADMIN1, "ipfabric set-snapshot $prev").await;
    assert_eq!(choice_values(prompted(&admin)), ["get-snapshot", "get-inventory"]);
}
