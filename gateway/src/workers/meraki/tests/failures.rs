//! What the person asking is told when Meraki refuses the key,
//! rate-limits, is down, slow, or answers what is not its JSON.

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use chatops_testkit::fake_meraki::{self, FakeMeraki, Garbage, Scripted};
use serde_json::json;

use super::{Setup, assert_no_key, fixture_with, lines, meraki};
use crate::commands::Outcome;
use crate::commands::tests::fixtures::{ADMIN1, assert_private_error};

#[tokio::test]
async fn a_key_meraki_does_not_accept_is_said_with_its_user_and_merakis_words() {
    let fake = FakeMeraki::start().await;
    let fixture = fixture_with(
        &fake.url(),
        &Setup {
            alice: Some("not-a-key-meraki-knows"),
            ..Setup::default()
        },
    );

    let routed = fixture.typed(ADMIN1, "meraki get-organizations").await;

    assert_private_error(
        &routed,
        "Meraki did not accept the API key of alice: Invalid API key.",
    );
    assert_no_key(&routed);
}

#[tokio::test]
async fn a_rate_limit_is_waited_out_as_meraki_asks() {
    let fake = FakeMeraki::start().await;
    let fixture = fixture_with(
        &fake.url(),
        &Setup {
            timeout: 10,
            ..Setup::default()
        },
    );
    fake.rate_limit(2);

    let routed = fixture.typed(ADMIN1, "meraki get-organizations").await;

    assert_eq!(routed.outcome, Outcome::Succeeded);
    assert_eq!(lines(&routed).len(), 1 + 2);
    let arrivals = fake.arrivals();
    let statuses: Vec<u16> = arrivals.iter().map(|a| a.status).collect();
    assert_eq!(statuses, [429, 429, 200]);
    for pair in arrivals.windows(2) {
        let waited = pair[1].at_ms - pair[0].at_ms;
        assert!(
            waited >= u128::from(fake_meraki::RETRY_AFTER_SECONDS) * 1000 - 50,
            "Retry-After waited: {waited} ms"
        );
    }
}

#[tokio::test]
async fn a_rate_limit_beyond_the_budget_says_when_to_try_again() {
    let (fake, fixture) = meraki().await;
    fake.rate_limit(100);

    let started = Instant::now();
    let routed = fixture.typed(ADMIN1, "meraki get-organizations").await;

    assert_private_error(
        &routed,
        "Meraki is rate-limiting these requests; try again in 1 s.",
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "within timeoutSeconds: {:?}",
        started.elapsed()
    );
    assert!(
        fake.arrivals().len() <= 2,
        "no retry that could not finish in time"
    );
}

#[tokio::test]
async fn retries_stop_after_a_few() {
    let fake = FakeMeraki::start().await;
    let fixture = fixture_with(
        &fake.url(),
        &Setup {
            timeout: 30,
            ..Setup::default()
        },
    );
    fake.rate_limit(100);

    let routed = fixture.typed(ADMIN1, "meraki get-organizations").await;

    assert_private_error(
        &routed,
        "Meraki is rate-limiting these requests; try again in 1 s.",
    );
    assert_eq!(fake.arrivals().len(), 1 + super::super::MAX_RETRIES as usize);
}

#[tokio::test]
async fn meraki_down_fails_the_command_and_says_where() {
    let endpoint = chatops_testkit::endpoints::unreachable();
    let fixture = fixture_with(&endpoint, &Setup::default());

    let routed = fixture.typed(ADMIN1, "meraki get-organizations").await;

    assert_eq!(
        routed.outcome,
        Outcome::Errored(format!("Meraki at {endpoint} cannot be reached"))
    );
    assert_no_key(&routed);
}

#[tokio::test]
async fn a_silent_meraki_is_said_within_the_timeout() {
    let endpoint = chatops_testkit::endpoints::silent().await;
    let fixture = fixture_with(&endpoint, &Setup::default());

    let started = Instant::now();
    let routed = fixture.typed(ADMIN1, "meraki get-organizations").await;

    assert_eq!(
        routed.outcome,
        Outcome::Errored("Meraki did not answer within 2 s".to_owned())
    );
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn a_slow_meraki_is_said_within_the_timeout_for_the_whole_sub_command() {
    let (fake, fixture) = meraki().await;
    // Each answer alone within the timeout; the three together not.
    fake.slow_down("/api/v1/", Duration::from_millis(900));

    let started = Instant::now();
    let routed = fixture
        .typed(ADMIN1, "meraki get-switchports-status 'Acme Corp' ams-sw-01")
        .await;

    assert_eq!(
        routed.outcome,
        Outcome::Errored("Meraki did not answer within 2 s".to_owned())
    );
    assert!(
        started.elapsed() < Duration::from_millis(2500),
        "{:?}",
        started.elapsed()
    );

    fake.mend();
    fake.slow_down("/api/v1/devices", Duration::from_millis(500));
    let slow_but_in_time = fixture
        .typed(ADMIN1, "meraki get-switchports-status 'Acme Corp' ams-sw-01")
        .await;
    assert_eq!(slow_but_in_time.outcome, Outcome::Succeeded);
}

#[tokio::test]
async fn a_garbled_answer_fails_the_command() {
    let (fake, fixture) = meraki().await;
    for (garbage, typed, said) in [
        (
            Garbage::Html,
            "meraki get-organizations",
            "Meraki's answer could not be read: the organizations:",
        ),
        (
            Garbage::TruncatedJson,
            "meraki get-devices 'Acme Corp' all",
            "Meraki's answer could not be read: the devices of Acme Corp:",
        ),
        (
            Garbage::WrongShape,
            "meraki get-switchports 'Acme Corp' ams-sw-01",
            "Meraki's answer could not be read: the ports of ams-sw-01:",
        ),
        (
            Garbage::WrongShape,
            "meraki get-firewall-performance 'Acme Corp' ams-fw-01",
            "Meraki's answer could not be read: the performance of ams-fw-01: no perfScore",
        ),
    ] {
        fake.mend();
        let path = match garbage {
            Garbage::Html => "/api/v1/organizations",
            Garbage::TruncatedJson => "/api/v1/organizations/549236/devices",
            Garbage::WrongShape => "/api/v1/devices",
        };
        fake.garble(path, garbage);

        let routed = fixture.typed(ADMIN1, typed).await;

        let Outcome::Errored(error) = &routed.outcome else {
            panic!("a failed command: {:?}", routed.outcome);
        };
        assert!(error.starts_with(said), "{error}");
    }
    fake.mend();
    let mended = fixture.typed(ADMIN1, "meraki get-organizations").await;
    assert_eq!(mended.outcome, Outcome::Succeeded);
}

#[tokio::test]
async fn a_missing_object_and_a_failing_meraki_are_said_with_merakis_reasons() {
    let (fake, fixture) = meraki().await;
    let refusal = |status: StatusCode, message: &str| {
        Scripted::new(status, json!({ "errors": [message] }).to_string())
            .with_header("content-type", "application/json")
    };

    fake.script(refusal(StatusCode::NOT_FOUND, "Organization not found"));
    let missing = fixture.typed(ADMIN1, "meraki get-organizations").await;
    assert_private_error(
        &missing,
        "Meraki found nothing at the organizations: Organization not found.",
    );

    fake.script(refusal(StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong"));
    let broken = fixture.typed(ADMIN1, "meraki get-organizations").await;
    assert_eq!(
        broken.outcome,
        Outcome::Errored("Meraki answered 500: Something went wrong".to_owned())
    );
    assert_no_key(&broken);
}

#[tokio::test]
async fn a_redirect_to_the_organizations_shard_is_followed_with_the_key() {
    let (fake, fixture) = meraki().await;
    // The endpoint's own origin stands in for the shard: a test cannot
    // reach n149.meraki.com (which hosts may be followed is unit-tested).
    let shard = format!("{}/organizations?shard=n149", fake.url());
    fake.script(Scripted::new(StatusCode::PERMANENT_REDIRECT, "").with_header("location", shard));

    let routed = fixture.typed(ADMIN1, "meraki get-organizations").await;

    assert_eq!(routed.outcome, Outcome::Succeeded, "{:?}", routed.reply);
    assert!(
        lines(&routed).iter().any(|line| line.contains("Acme Corp")),
        "{:?}",
        lines(&routed)
    );
    let asked: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| r.path == "/api/v1/organizations")
        .collect();
    assert_eq!(asked.len(), 2, "the request, then the same at the shard");
    assert!(asked[1].query.contains("shard=n149"), "{:?}", asked[1].query);
    assert_eq!(
        asked[1].header("authorization"),
        Some(format!("Bearer {}", fake_meraki::ADMIN_KEY).as_str()),
        "alice's key goes to the shard"
    );
}

#[tokio::test]
async fn a_redirect_off_the_dashboard_is_refused_unsent() {
    let (fake, fixture) = meraki().await;
    fake.script(
        Scripted::new(StatusCode::FOUND, "")
            .with_header("location", "https://keys.example.net/api/v1/organizations"),
    );

    let routed = fixture.typed(ADMIN1, "meraki get-organizations").await;

    assert_eq!(
        routed.outcome,
        Outcome::Errored(
            "Meraki's answer could not be read: a redirect is on another site (https://keys.example.net); not following it"
                .to_owned()
        )
    );
    assert_eq!(fake.requests().len(), 1, "nothing sent elsewhere, nor again");
    assert_no_key(&routed);
}
