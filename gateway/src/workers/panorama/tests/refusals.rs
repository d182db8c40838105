//! What the person asking is told when PAN-OS refuses them, and when
//! Panorama is slow or answers nonsense.

use std::time::Duration;

use chatops_testkit::fake_panorama::{
    ADMIN_PASSWORD, ADMIN_USER, FakePanorama, Garbage, READER_PASSWORD, READER_USER,
};

use super::{Logins, assert_no_secret, fixture_with};
use crate::commands::Outcome;
use crate::commands::tests::fixtures::{ADMIN1, USER, assert_private_error};

/// Alice linked as `login`, the Integration as admin.
async fn alice_as(
    login: (&'static str, &'static str),
) -> (FakePanorama, crate::commands::tests::fixtures::Fixture) {
    let fake = FakePanorama::start().await;
    let fixture = fixture_with(
        &fake.url(),
        &Logins {
            service: Some((ADMIN_USER, ADMIN_PASSWORD)),
            key: None,
            alice: Some(login),
        },
    );
    (fake, fixture)
}

#[tokio::test]
async fn a_reader_may_look_but_pan_os_refuses_their_changes_in_words() {
    let (_fake, fixture) = alice_as((READER_USER, READER_PASSWORD)).await;
    let looked = fixture.typed(ADMIN1, "panorama get-devices").await;
    assert_eq!(looked.outcome, Outcome::Succeeded);

    let refused = fixture
        .typed(ADMIN1, "panorama upload-software fw-ams-01 11.2.4 yes")
        .await;
    assert_private_error(
        &refused,
        "You (linked as chatops-ro) may not change the software of fw-ams-01 in Panorama: \
         Insufficient admin access rights for request system software download.",
    );
    assert!(fixture.follow_ups.is_empty());
    let capture = fixture
        .typed(
            ADMIN1,
            "panorama capture-traffic fw-ams-01 any any any ethernet1/2 tcp receive 5 yes",
        )
        .await;
    assert_private_error(
        &capture,
        "You (linked as chatops-ro) may not run a packet capture on fw-ams-01 in Panorama: \
         Insufficient admin access rights for debug dataplane packet-diag clear.",
    );
    assert_no_secret(&refused);
}

#[tokio::test]
async fn a_wrong_password_is_said_without_the_password() {
    let (_fake, fixture) = alice_as((ADMIN_USER, "wrong-password")).await;
    let routed = fixture.typed(ADMIN1, "panorama get-devices").await;
    assert_private_error(&routed, "Panorama did not accept the password of admin.");
    assert_no_secret(&routed);
    let unlinked = fixture.typed(USER, "panorama get-devices").await;
    assert_eq!(
        unlinked.outcome,
        Outcome::Succeeded,
        "the fallback login still serves"
    );
}

#[tokio::test]
async fn garbled_answers_fail_the_command_saying_so() {
    let fake = FakePanorama::start().await;
    let fixture = fixture_with(&fake.url(), &super::AS_ADMIN);
    for (garbage, route, typed) in [
        (Garbage::Html, "/api/op", "panorama get-devices"),
        (
            Garbage::TruncatedJson,
            "/api/op/show/devicegroups",
            "panorama get-devicegroups",
        ),
        (Garbage::WrongShape, "/api/op/show/system", "panorama get-version"),
        (Garbage::Html, "/api/keygen", "panorama get-devices"),
    ] {
        fake.mend();
        fake.garble(route, garbage);
        let fresh = fixture_with(&fake.url(), &super::AS_ADMIN);
        let routed = fresh.typed(USER, typed).await;
        let Outcome::Errored(said) = &routed.outcome else {
            panic!("a failed command for {typed}: {:?}", routed.outcome);
        };
        assert!(
            said.starts_with("Panorama's answer could not be read: "),
            "{said}"
        );
        assert!(!said.contains('<'), "never raw XML or HTML: {said}");
    }
    fake.mend();
    let mended = fixture.typed(USER, "panorama get-devices").await;
    assert_eq!(mended.outcome, Outcome::Succeeded);
}

#[tokio::test]
async fn a_slow_panorama_is_waited_for_within_the_timeout_and_said_beyond_it() {
    let fake = FakePanorama::start().await;
    let fixture = fixture_with(&fake.url(), &super::AS_ADMIN);
    fake.slow_down("/api/op", Duration::from_millis(500));
    let waited = fixture.typed(USER, "panorama get-version").await;
    assert_eq!(waited.outcome, Outcome::Succeeded);

    fake.mend();
    fake.slow_down("/api/op", Duration::from_secs(10));
    let started = std::time::Instant::now();
    let routed = fixture.typed(USER, "panorama get-devices").await;
    assert_eq!(
        routed.outcome,
        Outcome::Errored("Panorama did not answer within 2 s".to_owned())
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_revoked_api_key_is_said_as_the_key_not_a_password() {
    let fake = FakePanorama::start().await;
    let fixture = fixture_with(
        &fake.url(),
        &Logins {
            service: None,
            key: Some("LUFRPT1-revoked=".to_owned()),
            alice: None,
        },
    );
    let routed = fixture.typed(USER, "panorama get-devices").await;
    assert_private_error(
        &routed,
        "Panorama did not accept the API key used for chatbot: Invalid Credential; make a new key with type=keygen.",
    );
    assert_none_told_key(&routed);
}

/// The revoked key is not repeated to the chat either.
#[track_caller]
fn assert_none_told_key(routed: &crate::commands::Routed) {
    crate::commands::tests::fixtures::assert_none_told(routed, &["LUFRPT1-revoked="]);
}
