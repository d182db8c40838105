//! A rolling update of the gateway, as Kubernetes does it: the real gateway
//! binary gets SIGTERM while commands are in flight against a slow backend
//! (the test kit's fake AWX, holding its answers back), and no answer is lost.
//!
//! - Every command in flight is still answered in the chat, and the process
//!   exits 0 within its grace period (`--shutdown-grace-seconds`).
//! - `/readyz` says not ready from the signal on, so Kubernetes stops routing
//!   to the pod while it finishes.
//! - A request arriving after the signal is refused at the connection (the
//!   listener is closed), which a load balancer retries on another replica:
//!   it is never acknowledged and then dropped. One that slipped in before
//!   the listener closed is answered like the others.
//! - A command that outlives the grace period is not left unanswered: its
//!   user is told the gateway stopped before it finished.
//!
//! No assertion is on time: the backend holds its answers back far longer
//! than the steps between the signal and the checks need, and every wait is
//! a bounded poll.

use std::time::Duration;

use chatops_tests::{
    chat::{Chat, HELD_BACK, On, PLATFORMS, Step, Who},
    fake_awx::{self, FakeAwx},
    manifests::{grant_to_everyone, integration, secret, stream, token_ref},
    quickstart::{ALICE, CHANNEL, DEFAULT_SETTINGS, FORM, SIGNING_SECRET, WORKSPACE},
    signed::slack_signature,
    slack_requests::{now, slash_command},
    wait,
};

/// The Integration on the fake AWX.
const AWX: &str = "awx";
/// What every command of these tests asks AWX for.
const DASHBOARD: &str = "/api/v2/dashboard/";
/// How long the backend holds the in-flight commands' answers back in the
/// first test: far longer than the steps from the signal to the checks of
/// readiness and refusal take, even on a slow machine.
const IN_FLIGHT: Duration = Duration::from_secs(15);
/// How long anything these tests wait for may take at most (a debug build
/// on a shared machine); a pass is usually much faster.
const LIMIT: Duration = Duration::from_secs(90);
/// Commands sent per platform: under the gateway's 4 per user.
const PER_PLATFORM: usize = 3;

/// The Integration on `awx` (60 s timeout: beyond [`HELD_BACK`], so only a
/// shutdown can end a held command early), its Secret, and a grant to everyone.
fn manifests(awx: &FakeAwx) -> String {
    stream(&[
        integration("awx", AWX, &awx.url(), &token_ref("awx", "token"), 60),
        secret("awx", &[("token", fake_awx::ADMIN_TOKEN)]),
        grant_to_everyone(AWX),
    ])
}

/// The gateway with a shutdown grace period of `grace` seconds, on a fake
/// AWX that holds its dashboard back by `held`.
async fn start(grace: &str, held: Duration) -> (FakeAwx, Chat) {
    let awx = FakeAwx::start().await;
    let yaml = manifests(&awx);
    let chat = Chat::start_with(
        DEFAULT_SETTINGS,
        &[("awx.yaml", &yaml)],
        &["--shutdown-grace-seconds", grace],
    )
    .await;
    awx.slow_down(DASHBOARD, held);
    (awx, chat)
}

/// `/awx get-dashboard` sent `count` times on each platform, once AWX has
/// them all: in flight, their answers held back.
async fn in_flight(awx: &FakeAwx, chat: &Chat, count: usize) -> Vec<Step> {
    let mut steps = Vec::new();
    for on in PLATFORMS {
        for i in 0..count {
            let id = on.tag(&format!("in-flight-{i}"));
            steps.push(chat.ask(on, Who::Unlinked, AWX, "get-dashboard", &id).await);
        }
    }
    wait::until(LIMIT, "every command at AWX", || {
        let asked = awx.requests().iter().filter(|r| r.path == DASHBOARD).count();
        (asked >= steps.len()).then_some(())
    })
    .await;
    steps
}

/// Alice's `/chatops whoami` on Slack, answered at response URL `id`, on a
/// new connection: the gateway's status, or the connection's error.
async fn try_whoami(chat: &Chat, id: &str) -> Result<reqwest::StatusCode, reqwest::Error> {
    let response_url = chat.response_url(On::Slack, id);
    let body = slash_command(WORKSPACE, CHANNEL, ALICE, "/chatops", "whoami", &response_url);
    let timestamp = now().to_string();
    let signature = slack_signature(SIGNING_SECRET.as_bytes(), &timestamp, body.as_bytes());
    let answer = reqwest::Client::new()
        .post(chat.gateway.url("/hooks/slack/commands"))
        .header("X-Slack-Request-Timestamp", timestamp)
        .header("X-Slack-Signature", signature)
        .header("Content-Type", FORM)
        .body(body)
        .send()
        .await?;
    Ok(answer.status())
}

#[tokio::test]
async fn a_rolling_update_answers_every_command_in_flight_and_refuses_new_ones() {
    let (awx, mut chat) = start("60", IN_FLIGHT).await;
    let steps = in_flight(&awx, &chat, PER_PLATFORM).await;

    chat.gateway.sigterm();
    // Not ready at once, while it still runs to finish the commands.
    wait::until_async(LIMIT, "/readyz not ready", || async {
        (chat.gateway.is_ready().await == Some(false)).then_some(())
    })
    .await;
    assert!(
        chat.gateway.exited_within(Duration::ZERO).await.is_none(),
        "the gateway waits for its commands in flight:\n{}",
        chat.gateway.logs()
    );

    // New requests find the listener closed (a load balancer retries them
    // elsewhere). One sent before it closed is acknowledged, and answered.
    let mut late = Vec::new();
    let deadline = tokio::time::Instant::now() + LIMIT;
    let refused = loop {
        let id = format!("late-{}", late.len());
        match try_whoami(&chat, &id).await {
            Err(err) => break err,
            Ok(status) => {
                assert_eq!(
                    status,
                    reqwest::StatusCode::OK,
                    "a late request is refused or run"
                );
                late.push(id);
            }
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "requests after SIGTERM are still accepted"
        );
        tokio::time::sleep(wait::POLL).await;
    };
    assert!(refused.is_connect(), "refused at the connection: {refused}");

    for step in &steps {
        chat.answer_within(step, &["AWX dashboard"], LIMIT).await;
    }
    for id in &late {
        let path = format!("/response/{id}");
        let answered = chat.slack.wait_for(LIMIT, |r| r.path == path).await;
        assert!(answered.is_some(), "the late request {id} is answered");
    }
    let status = chat
        .gateway
        .exited_within(LIMIT)
        .await
        .expect("the gateway exits");
    assert!(status.success(), "{status}:\n{}", chat.gateway.logs());
    assert!(
        chat.gateway
            .log_lines("shutdown grace period over; abandoning commands in flight")
            .is_empty(),
        "nothing was abandoned"
    );
}

#[tokio::test]
async fn a_command_outliving_the_grace_period_is_told_the_gateway_stopped() {
    let (awx, mut chat) = start("1", HELD_BACK).await;
    let steps = in_flight(&awx, &chat, 1).await;

    chat.gateway.sigterm();
    for step in &steps {
        let text = chat
            .answer_within(step, &["gateway stopped", "get-dashboard"], LIMIT)
            .await;
        assert!(text.contains("run it again"), "{text}");
    }
    let status = chat
        .gateway
        .exited_within(LIMIT)
        .await
        .expect("the gateway exits");
    assert!(status.success(), "{status}:\n{}", chat.gateway.logs());
    let abandoned = chat
        .gateway
        .log_lines("shutdown grace period over; abandoning commands in flight");
    assert_eq!(abandoned.len(), 1, "{}", chat.gateway.logs());
    assert_eq!(abandoned[0]["remaining"], 2, "{}", abandoned[0]);
}
