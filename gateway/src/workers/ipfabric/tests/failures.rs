//! What the person asking is told when IP Fabric refuses (401, 403),
//! answers nonsense, is slow, or there is no token to act with.

use std::time::Duration;

use chatops_testkit::fake_ipfabric::Garbage;

use super::*;
use crate::commands::Outcome;
use crate::commands::tests::fixtures::{ADMIN1, USER, assert_private_error, message};

/// alice linked with `token`; the Integration with the admin token.
async fn alice_with(token: &str) -> (FakeIpFabric, crate::commands::tests::fixtures::Fixture) {
    let fake = FakeIpFabric::start().await;
    let mut fixture = fixture_for(&["ipfabric"]);
    let setup = Setup {
        alice: Some(token),
        ..Setup::default()
    };
    serve(&mut fixture, &fake.url(), setup);
    (fake, fixture)
}

#[tokio::test]
async fn a_read_only_role_is_refused_hosts_and_clients_in_words() {
    let (_fake, fixture) = alice_with(fake_ipfabric::READ_ONLY_TOKEN).await;

    let hosts = fixture.typed(ADMIN1, "ipfabric find-host ip 10.20.10.15").await;
    assert_private_error(
        &hosts,
        "You (linked as alice) may not view tables/addressing/hosts in IP Fabric.",
    );
    let clients = fixture.typed(ADMIN1, "ipfabric wireless clients Corp-WiFi").await;
    assert_private_error(
        &clients,
        "You (linked as alice) may not view tables/wireless/clients in IP Fabric.",
    );
    let inventory = fixture.typed(ADMIN1, "ipfabric get-inventory site LON-HQ").await;
    assert_eq!(inventory.outcome, Outcome::Succeeded, "the rest it may read");
    assert_no_secret(&hosts);
}

#[tokio::test]
async fn a_token_ip_fabric_does_not_accept_is_said_in_words() {
    let (_fake, fixture) = alice_with("ipf0revoked0000000000000000000000000000").await;

    let routed = fixture.typed(ADMIN1, "ipfabric get-loaded-snapshots").await;

    assert_private_error(&routed, "IP Fabric did not accept the API token of alice.");
    assert!(!text(&routed).contains("ipf0revoked"));
}

#[tokio::test]
async fn without_any_token_the_user_is_told_how_to_get_one() {
    let fake = FakeIpFabric::start().await;
    let mut fixture = fixture_for(&["ipfabric"]);
    let setup = Setup {
        service: None,
        ..Setup::default()
    };
    serve(&mut fixture, &fake.url(), setup);

    let routed = fixture.typed(USER, "ipfabric get-snapshot").await;

    assert!(
        text(&routed).starts_with("There is no IP Fabric API token to act with"),
        "{}",
        text(&routed)
    );
    assert!(fake.requests().is_empty(), "IP Fabric is not asked");
}

#[tokio::test]
async fn garbled_answers_fail_the_command_clearly() {
    let (fake, fixture) = ipfabric().await;

    fake.garble("/api/tables/", Garbage::Html);
    let html = fixture.typed(USER, "ipfabric get-inventory site LON-HQ").await;
    let Outcome::Errored(said) = &html.outcome else {
        panic!("an error: {:?}", html.outcome);
    };
    assert!(
        said.starts_with("IP Fabric's answer could not be read: tables/inventory/devices:"),
        "{said}"
    );

    fake.mend();
    fake.garble("/api/snapshots", Garbage::TruncatedJson);
    let cut = fixture.typed(USER, "ipfabric get-loaded-snapshots").await;
    assert!(
        matches!(&cut.outcome, Outcome::Errored(said) if said.starts_with("IP Fabric's answer could not be read: snapshots"))
    );

    fake.mend();
    fake.garble("/api/graphs/png", Garbage::Html);
    let picture = fixture
        .typed(USER, "ipfabric pathlookup 10.20.10.15 10.10.10.21 1025 443 tcp")
        .await;
    assert_eq!(
        picture.outcome,
        Outcome::Errored(
            "IP Fabric's answer could not be read: graphs/png: the path diagram is not a PNG".to_owned()
        )
    );
    assert!(message(&picture).private);
}

#[tokio::test]
async fn a_slow_appliance_is_given_up_on_within_the_timeout() {
    let (fake, fixture) = ipfabric().await;
    fake.slow_down("/api/snapshots", Duration::from_secs(5));

    let started = std::time::Instant::now();
    let routed = fixture.typed(USER, "ipfabric get-snapshot").await;

    assert!(started.elapsed() < Duration::from_secs(4));
    assert_eq!(
        routed.outcome,
        Outcome::Errored("IP Fabric did not answer within 2 s".to_owned())
    );
}
