//! Who a call acts as: the Integration's token or login, or the asker's
//! own from their AccountLink; the on-premises session kept, and renewed
//! once when CVP ends it.

use chatops_testkit::fake_cloudvision::{
    ADMIN_PASSWORD, ADMIN_USER, EXPIRED_TOKEN, FakeCloudVision, READ_ONLY_PASSWORD, READ_ONLY_TOKEN,
    READ_ONLY_USER, TOKEN,
};

use super::{Service, assert_no_secret, column, count, fixture_with};
use crate::commands::Outcome;
use crate::commands::tests::fixtures::{ADMIN1, USER, assert_private_error};
use crate::workers::cloudvision::Limits;

const LOGIN: &str = "/cvpservice/login/authenticate.do";

#[tokio::test]
async fn an_on_premises_login_is_kept_and_sent_as_cvps_session() {
    let fake = FakeCloudVision::start().await;
    let (fixture, worker) = fixture_with(
        &fake.url(),
        Service::Login(ADMIN_USER, ADMIN_PASSWORD),
        None,
        Limits::default(),
    );

    let routed = fixture
        .typed(USER, "cloudvision get-devices-in-container dc1-spines")
        .await;
    assert_eq!(column(&routed, 0), ["dc1-spine1", "dc1-spine2"]);
    let login = &fake.calls(LOGIN)[0];
    assert_eq!(login.json()["userId"], ADMIN_USER);
    let session = login_session(&fake);
    let call = &fake.calls("/searchTopology.do")[0];
    assert_eq!(
        call.headers.get("app_session_id").unwrap().to_str().unwrap(),
        session
    );
    assert!(call.headers.get("authorization").is_none());

    let tags = fixture.typed(USER, "cloudvision get-tags dc1-spine1").await;
    assert_eq!(tags.outcome, Outcome::Succeeded, "{:?}", tags.reply);
    assert_eq!(
        count(&fake, LOGIN),
        1,
        "the session serves both APIs and both commands"
    );
    assert_eq!(worker.sessions_kept(), 1);
    assert_no_secret(&tags);
}

/// The session id of the fake's last login answer, as the worker was given it.
fn login_session(fake: &FakeCloudVision) -> String {
    let searched = &fake.calls("/searchTopology.do")[0];
    searched
        .headers
        .get("app_session_id")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_session_cvp_ended_is_replaced_by_one_new_login() {
    let fake = FakeCloudVision::start().await;
    let (fixture, _) = fixture_with(
        &fake.url(),
        Service::Login(ADMIN_USER, ADMIN_PASSWORD),
        None,
        Limits::default(),
    );
    fixture.typed(USER, "cloudvision get-configlet dc1-base").await;
    assert_eq!(count(&fake, LOGIN), 1);

    fake.expire_sessions();
    let routed = fixture.typed(USER, "cloudvision get-configlet dc1-base").await;

    assert_eq!(routed.outcome, Outcome::Succeeded, "{:?}", routed.reply);
    assert_eq!(count(&fake, LOGIN), 2, "logged in again, once");
    assert_eq!(
        count(&fake, "/cvpservice/configlet/getConfigletByName.do"),
        3,
        "the refused call sent again"
    );
}

#[tokio::test]
async fn a_wrong_password_is_said_with_cvps_reason_and_is_not_retried() {
    let fake = FakeCloudVision::start().await;
    let (fixture, worker) = fixture_with(
        &fake.url(),
        Service::Login(ADMIN_USER, "wrong-password"),
        None,
        Limits::default(),
    );

    let routed = fixture.typed(USER, "cloudvision get-configlet dc1-base").await;

    assert_private_error(
        &routed,
        "CloudVision did not accept the token or password of cvpadmin: Unauthorized User.",
    );
    assert_eq!(count(&fake, LOGIN), 1);
    assert_eq!(worker.sessions_kept(), 0);
    assert_no_secret(&routed);
    assert!(!format!("{:?}", routed).contains("wrong-password"));
}

#[tokio::test]
async fn an_expired_token_is_said_in_words() {
    let fake = FakeCloudVision::start().await;
    let (fixture, _) = fixture_with(
        &fake.url(),
        Service::Token(EXPIRED_TOKEN),
        None,
        Limits::default(),
    );

    let routed = fixture.typed(USER, "cloudvision get-tags dc1-spine1").await;

    assert_private_error(
        &routed,
        "CloudVision did not accept the token or password of chatbot: token has expired.",
    );
    assert_no_secret(&routed);
}

#[tokio::test]
async fn a_linked_user_acts_with_their_own_token_or_their_own_login() {
    let fake = FakeCloudVision::start().await;
    let (fixture, _) = fixture_with(
        &fake.url(),
        Service::Token(TOKEN),
        Some(("alice", READ_ONLY_TOKEN)),
        Limits::default(),
    );
    let routed = fixture
        .typed(ADMIN1, "cloudvision get-devices-in-container campus")
        .await;
    assert_eq!(routed.outcome, Outcome::Succeeded, "a read-only role reads");
    let sent = &fake.calls("/cvpservice/")[0];
    assert_eq!(
        sent.headers.get("authorization").unwrap().to_str().unwrap(),
        format!("Bearer {READ_ONLY_TOKEN}")
    );

    let fake = FakeCloudVision::start().await;
    let (fixture, worker) = fixture_with(
        &fake.url(),
        Service::Login(ADMIN_USER, ADMIN_PASSWORD),
        Some((READ_ONLY_USER, READ_ONLY_PASSWORD)),
        Limits::default(),
    );
    fixture.typed(ADMIN1, "cloudvision get-configlet dc1-base").await;
    fixture.typed(USER, "cloudvision get-configlet dc1-base").await;
    let logins: Vec<String> = fake
        .calls(LOGIN)
        .iter()
        .map(|l| l.json()["userId"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        logins,
        [READ_ONLY_USER, ADMIN_USER],
        "alice as herself, the unlinked user as the Integration"
    );
    assert_eq!(worker.sessions_kept(), 2);
}
