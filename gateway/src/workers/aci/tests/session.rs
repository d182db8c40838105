//! The session with APIC: whose login, the token kept and refreshed before
//! it expires, a new login when APIC ends a session early, and what is
//! said when APIC refuses the password, is down, slow or answers nonsense.

use std::time::Duration;

use chatops_testkit::fake_apic::{
    ADMIN_PASSWORD, ADMIN_USER, FakeApic, Garbage, READER_PASSWORD, READER_USER,
};

use super::{AS_ADMIN, Logins, apic, assert_no_secret, count, fixture_with};
use crate::commands::Outcome;
use crate::commands::tests::fixtures::{ADMIN1, USER, assert_private_error, text};
use crate::workers::aci::Limits;

const LOGIN: &str = "/api/aaaLogin.json";
const REFRESH: &str = "/api/aaaRefresh.json";

#[tokio::test]
async fn a_linked_user_logs_in_as_themselves_and_the_others_as_the_integration() {
    let fake = FakeApic::start().await;
    let logins = Logins {
        service: Some((ADMIN_USER, ADMIN_PASSWORD)),
        alice: Some((READER_USER, READER_PASSWORD)),
    };
    let fixture = fixture_with(&fake.url(), &logins, Limits::default());

    fixture.typed(ADMIN1, "aci get-tenants").await;
    fixture.typed(USER, "aci get-tenants").await;
    fixture.typed(ADMIN1, "aci get-nodes").await;

    let names: Vec<String> = fake
        .requests()
        .iter()
        .filter(|r| r.path == LOGIN)
        .map(|r| {
            r.json()["aaaUser"]["attributes"]["name"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(names, [READER_USER, ADMIN_USER], "one login each, kept");
    let refused = fixture
        .typed(ADMIN1, "aci register-node FDO24421PQR 105 leaf-105 yes")
        .await;
    assert_private_error(
        &refused,
        "You (linked as chatops-ro) may not register switch FDO24421PQR in APIC.",
    );
}

#[tokio::test]
async fn a_password_apic_refuses_is_said_with_its_user() {
    let fake = FakeApic::start().await;
    let logins = Logins {
        service: Some((ADMIN_USER, "wrong-password")),
        alice: None,
    };
    let fixture = fixture_with(&fake.url(), &logins, Limits::default());

    let refused = fixture.typed(USER, "aci get-tenants").await;

    assert_private_error(
        &refused,
        "APIC did not accept the password of admin: Username or password is incorrect - FAILED local authentication.",
    );
    assert_no_secret(&refused);
    assert_eq!(count(&fake, LOGIN), 1, "no retry of a refused login");
}

#[tokio::test]
async fn without_any_login_the_user_is_told_how_to_get_one() {
    let fake = FakeApic::start().await;
    let logins = Logins {
        service: None,
        alice: None,
    };
    let fixture = fixture_with(&fake.url(), &logins, Limits::default());

    let routed = fixture.typed(USER, "aci get-tenants").await;

    assert!(
        text(&routed).starts_with("There is no APIC password to act with"),
        "{}",
        text(&routed)
    );
    assert!(fake.requests().is_empty(), "APIC is not asked");
}

#[tokio::test]
async fn a_session_apic_ended_is_replaced_by_a_new_login_once() {
    let (fake, fixture) = apic().await;
    fixture.typed(USER, "aci get-tenants").await;

    fake.expire_tokens();
    let after_restart = fixture.typed(USER, "aci get-tenants").await;
    assert_eq!(after_restart.outcome, Outcome::Succeeded);
    assert_eq!(count(&fake, LOGIN), 2);

    fake.expire_tokens_after(Duration::from_millis(200));
    fake.expire_tokens();
    fixture.typed(USER, "aci get-vrfs all").await;
    assert_eq!(count(&fake, LOGIN), 3);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let early = fixture.typed(USER, "aci get-vrfs all").await;
    assert_eq!(early.outcome, Outcome::Succeeded, "{:?}", early.reply);
    assert_eq!(
        count(&fake, LOGIN),
        4,
        "a token APIC let die early: one more login"
    );
    assert_eq!(
        count(&fake, "/api/node/class/fvCtx.json"),
        4,
        "each refused query sent once more, once"
    );
}

#[tokio::test]
async fn a_token_is_refreshed_before_it_expires() {
    let fake = FakeApic::start().await;
    fake.set_refresh_timeout(2);
    let fixture = fixture_with(&fake.url(), &AS_ADMIN, Limits::default());
    fixture.typed(USER, "aci get-tenants").await;
    assert_eq!(count(&fake, REFRESH), 0);

    tokio::time::sleep(Duration::from_millis(1200)).await;
    let refreshed = fixture.typed(USER, "aci get-tenants").await;

    assert_eq!(refreshed.outcome, Outcome::Succeeded);
    assert_eq!(
        count(&fake, REFRESH),
        1,
        "refreshed halfway through its two seconds"
    );
    assert_eq!(count(&fake, LOGIN), 1, "no new login");
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let again = fixture.typed(USER, "aci get-tenants").await;
    assert_eq!(again.outcome, Outcome::Succeeded, "the refreshed token lives on");
    assert_eq!((count(&fake, REFRESH), count(&fake, LOGIN)), (2, 1));
}

#[tokio::test]
async fn garbled_answers_fail_the_command_saying_so() {
    let (fake, fixture) = apic().await;
    for (garbage, typed) in [
        (Garbage::Html, "aci get-tenants"),
        (Garbage::TruncatedJson, "aci get-aps"),
        (Garbage::WrongShape, "aci get-nodes"),
        (Garbage::WrongShape, "aci get-interfaces 1 101 all"),
    ] {
        fake.mend();
        fake.garble("/api/node", garbage);

        let routed = fixture.typed(USER, typed).await;

        let Outcome::Errored(said) = &routed.outcome else {
            panic!("a failed command for {typed}: {:?}", routed.outcome);
        };
        assert!(said.starts_with("APIC's answer could not be read: "), "{said}");
    }
    fake.mend();
    fake.garble(LOGIN, Garbage::WrongShape);
    let fresh = fixture_with(&fake.url(), &AS_ADMIN, Limits::default());
    let routed = fresh.typed(USER, "aci get-tenants").await;
    assert_eq!(
        routed.outcome,
        Outcome::Errored("APIC's answer could not be read: the login answered no aaaLogin".to_owned())
    );
}

#[tokio::test]
async fn a_slow_apic_is_waited_for_within_the_timeout_and_said_beyond_it() {
    let (fake, fixture) = apic().await;
    fake.slow_down("/api", Duration::from_millis(500));
    let waited = fixture.typed(USER, "aci get-tenants").await;
    assert_eq!(waited.outcome, Outcome::Succeeded);

    fake.mend();
    fake.slow_down("/api/node", Duration::from_secs(10));
    let started = std::time::Instant::now();
    let routed = fixture.typed(USER, "aci get-nodes").await;
    assert_eq!(
        routed.outcome,
        Outcome::Errored("APIC did not answer within 2 s".to_owned())
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn apic_down_fails_the_command_and_says_where() {
    let endpoint = chatops_testkit::endpoints::unreachable();
    let fixture = fixture_with(&endpoint, &AS_ADMIN, Limits::default());

    let routed = fixture.typed(USER, "aci get-tenants").await;

    assert_eq!(
        routed.outcome,
        Outcome::Errored(format!(
            "APIC at {} cannot be reached",
            endpoint.trim_end_matches('/')
        ))
    );
    assert_no_secret(&routed);
}

#[tokio::test]
async fn a_refresh_apic_refuses_is_followed_by_a_new_login() {
    let fake = FakeApic::start().await;
    fake.set_refresh_timeout(2);
    let fixture = fixture_with(&fake.url(), &AS_ADMIN, Limits::default());
    fixture.typed(USER, "aci get-tenants").await;

    fake.expire_tokens();
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let routed = fixture.typed(USER, "aci get-tenants").await;

    assert_eq!(routed.outcome, Outcome::Succeeded, "{:?}", routed.reply);
    assert_eq!((count(&fake, REFRESH), count(&fake, LOGIN)), (1, 2));
}
