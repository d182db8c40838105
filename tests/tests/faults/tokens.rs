//! Faults on the token and key fetches: a Teams bot's Bot Framework token
//! (fetched before an answer is posted to the Bot Connector) and the Bot
//! Framework's OpenID metadata (fetched to verify an inbound activity), each
//! through the fault proxy in front of the fake Microsoft side; and, on the
//! same side, the Bot Connector the answer is posted to.
//!
//! A token that cannot be had means the answer cannot be posted: the audit
//! line says `errored`, `answer not delivered`. Keys that cannot be had mean
//! the activity cannot be verified: the webhook answers 503 (the Bot
//! Framework delivers it again later) and nothing runs; once the keys come
//! back, activities are served again.

use std::time::{Duration, Instant};

use chatops_tests::{
    fake_teams::{FakeTeams, Recorded},
    fault_proxy::{Fault, FaultProxy, Rule},
    gateway_process::Gateway,
    platforms::teams::{self as teams, BOB, BOB_ID, TENANT},
    wait,
};
use serde_json::Value;

use crate::support::{MARGIN, audit_line};

/// The token fetch's timeout (`teams::token::TIMEOUT`), and the webhook
/// request's (`--request-timeout-seconds`), within which a key fetch ends.
const FETCH_TIMEOUT: Duration = Duration::from_secs(10);
/// The token endpoint's path prefix on the fake.
const TOKEN: &str = "/login/";
/// The Bot Connector's path prefix on the fake (answers and typing indicators).
const CONNECTOR: &str = "/teams/";
/// The Bot Connector client's timeout per request (`teams::client::DEFAULT_TIMEOUT`).
const CONNECTOR_TIMEOUT: Duration = Duration::from_secs(15);
/// The OpenID metadata's path on the fake.
const METADATA: &str = "/openid/";

/// The fake Microsoft side, the proxy in front of it (token endpoint,
/// metadata, Bot Connector), and the gateway reaching them through it.
struct World {
    fake: FakeTeams,
    proxy: FaultProxy,
    gateway: Gateway,
    _dir: tempfile::TempDir,
}

impl World {
    /// With `fault` on the first request whose path starts with `prefix`
    /// (every one, when `always`).
    async fn start(prefix: &str, fault: Fault, always: bool) -> World {
        let fake = FakeTeams::start().await;
        let proxy = FaultProxy::start(&fake.url_of("")).await;
        let rule = Rule::new("*", prefix, fault);
        proxy.inject(if always { rule } else { rule.times(1) });
        let dir = teams::manifests("", None);
        let (openid, login) = (
            proxy.url_of("/openid/.well-known/openidconfiguration"),
            proxy.url_of("/login"),
        );
        let args = [
            "--teams-openid-metadata-url",
            openid.as_str(),
            "--teams-login-url",
            login.as_str(),
            "--teams-key-refetch-seconds",
            "0",
        ];
        let gateway = Gateway::start(dir.path(), &proxy.url_of("/slack"), &args).await;
        World {
            fake,
            proxy,
            gateway,
            _dir: dir,
        }
    }

    /// Bob's `chatops whoami` in his personal chat, activity `id`, answered
    /// through the proxy's Bot Connector; the webhook's status.
    async fn whoami(&self, id: &str) -> reqwest::StatusCode {
        let mut activity = teams::personal_activity(&self.fake, id, TENANT, (BOB, BOB_ID), "chatops whoami");
        activity["serviceUrl"] = Value::from(self.proxy.url_of("/teams/"));
        teams::post_valid(&self.gateway, &activity).await.status()
    }

    /// Messages (not typing indicators) posted to the Bot Connector that reached the fake.
    fn messages(&self) -> Vec<Recorded> {
        let requests = self.fake.connector_requests().into_iter();
        requests.filter(|r| r.json()["type"] == "message").collect()
    }

    /// How many of [`World::messages`] there are.
    fn delivered(&self) -> usize {
        self.messages().len()
    }
}

/// Asks, then returns the audit line (within the token's and the
/// connector's timeouts plus [`MARGIN`]).
async fn whoami_audited(world: &World) -> Value {
    let started = Instant::now();
    assert!(world.whoami("a1").await.is_success());
    let limit = FETCH_TIMEOUT + CONNECTOR_TIMEOUT + MARGIN;
    let line = audit_line(&world.gateway, BOB, "whoami", limit).await;
    eprintln!("audit line after {:?}: {line}", started.elapsed());
    line
}

/// Asserts the audit line says the answer was not delivered.
fn assert_undelivered(line: &Value) {
    assert_eq!(line["outcome"], "errored", "{line}");
    let detail = line["detail"].as_str().unwrap_or_default();
    assert!(detail.starts_with("answer not delivered"), "{line}");
}

#[tokio::test]
async fn a_token_refused_with_500_leaves_an_errored_audit_line() {
    let world = World::start(TOKEN, Fault::internal_error(), true).await;
    assert_undelivered(&whoami_audited(&world).await);
    assert_eq!(world.delivered(), 0);
    // A token is asked for again at the next answer, not in a loop.
    assert_eq!(world.proxy.count("POST", TOKEN), 1, "{:?}", world.proxy.seen());
}

#[tokio::test]
async fn a_token_throttled_with_429_is_asked_again_and_the_answer_delivered() {
    let world = World::start(TOKEN, Fault::too_many_requests(1), false).await;
    let line = whoami_audited(&world).await;
    assert_eq!(line["outcome"], "succeeded", "{line}");
    assert_eq!(world.proxy.count("POST", TOKEN), 2, "{:?}", world.proxy.seen());
    // The answer (whoami's is several messages), each message once.
    let bodies: Vec<_> = world.messages().into_iter().map(|r| r.body.clone()).collect();
    assert!(!bodies.is_empty(), "{:#?}", world.fake.summaries());
    let distinct: std::collections::HashSet<_> = bodies.iter().collect();
    assert_eq!(distinct.len(), bodies.len(), "no message posted twice");
}

#[tokio::test]
async fn a_token_cut_off_or_late_leaves_an_errored_audit_line_within_the_timeout() {
    for fault in [Fault::Reset, Fault::Late(Duration::from_secs(120))] {
        let world = World::start(TOKEN, fault, true).await;
        assert_undelivered(&whoami_audited(&world).await);
        assert_eq!(world.delivered(), 0);
    }
}

#[tokio::test]
async fn keys_that_cannot_be_fetched_refuse_activities_with_503_until_they_can() {
    for fault in [
        Fault::internal_error(),
        Fault::Reset,
        Fault::Late(Duration::from_secs(120)),
    ] {
        let world = World::start(METADATA, fault.clone(), true).await;
        let started = Instant::now();
        let status = world.whoami("k1").await;
        let took = started.elapsed();
        assert_eq!(status, 503, "{fault:?}");
        assert!(
            took < FETCH_TIMEOUT + MARGIN,
            "{fault:?}: answered after {took:?}"
        );
        assert_eq!(world.delivered(), 0, "nothing ran");

        // The keys come back: the Bot Framework's next delivery is served.
        world.proxy.heal();
        let attempt = std::cell::Cell::new(1);
        let world = &world;
        let served = wait::within_async(MARGIN, || {
            attempt.set(attempt.get() + 1);
            let id = format!("k{}", attempt.get());
            async move { world.whoami(&id).await.is_success().then_some(()) }
        });
        assert!(served.await.is_some(), "{fault:?}: activities served again");
        audit_line(&world.gateway, BOB, "whoami", MARGIN).await;
    }
}

/// The Bot Connector refusing, cutting off or not answering every post: the
/// answer is not delivered (the audit line says so), within the timeout,
/// and no message reaches it twice.
#[tokio::test]
async fn a_bot_connector_failing_leaves_an_errored_audit_line_and_posts_nothing_twice() {
    for fault in [
        Fault::internal_error(),
        Fault::Reset,
        Fault::Late(Duration::from_secs(120)),
    ] {
        let world = World::start(CONNECTOR, fault.clone(), true).await;
        assert_undelivered(&whoami_audited(&world).await);
        let bodies: Vec<_> = world.messages().into_iter().map(|r| r.body.clone()).collect();
        let distinct: std::collections::HashSet<_> = bodies.iter().collect();
        assert_eq!(distinct.len(), bodies.len(), "{fault:?}: no message posted twice");
    }
}
