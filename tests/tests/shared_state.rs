//! Several gateway replicas sharing one Redis (issue 26): a delivery that
//! reaches another replica (a Slack retry, a Socket Mode envelope sent
//! again, a Webex redelivery, a replayed Mattermost prompt answer) runs
//! once; a user's command limit counts the commands on every replica;
//! without Redis each replica goes on alone and says so; with Redis back,
//! they share again.
//!
//! Each test starts its own `redis-server` (testkit's `redis_server`) and two
//! real gateway processes on the same configuration. Without
//! `redis-server` installed, the tests are skipped with a note, or fail
//! under `CI=true`.

use std::time::Duration;

use axum::http::StatusCode;
use chatops_tests::{
    copy_quickstart,
    fake_mattermost::FakeMattermost,
    fake_slack::{FakeSlack, Slack},
    fake_slack_socket::SocketMode,
    fake_webex::FakeWebex,
    gateway_process::Gateway,
    platforms,
    quickstart::{ALICE, BOB, CHANNEL as SLACK_CHANNEL, FORM, PATIENCE, WORKSPACE},
    quickstart_dir,
    redis_server::{self, RedisServer},
    signed::slack_signature,
    slack_requests::{QUICKSTART_SIGNING_SECRET, alice_chatops, now, slash_command_payload},
    wait,
};
use serde_json::{Value, json};

/// How long a replica may take to notice Redis going or coming back: its
/// reconnection backoff grows to 30 s, so this is generous, not a deadline.
const REDIS_PATIENCE: Duration = Duration::from_secs(90);

/// What `/readyz` says while the replicas share Redis.
const SHARED: &str = "shared state: Redis (deduplication";
/// What `/readyz` says while Redis does not answer.
const ALONE: &str = "shared state: Redis unreachable";

/// `/readyz` of `gateway`: its status and text.
async fn readyz(gateway: &Gateway) -> (StatusCode, String) {
    let answer = reqwest::get(format!("http://{}/readyz", gateway.admin))
        .await
        .expect("/readyz answers");
    (answer.status(), answer.text().await.expect("a body"))
}

/// Waits until `/readyz` of `gateway` says `state` (and stays ready).
async fn wait_for_state(gateway: &Gateway, state: &str) {
    let said = wait::within_async(REDIS_PATIENCE, || async {
        let (status, text) = readyz(gateway).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        text.contains(state).then_some(())
    })
    .await;
    if said.is_none() {
        let (_, text) = readyz(gateway).await;
        panic!("/readyz never said {state:?}: {text}\n{}", gateway.logs());
    }
}

/// Two replicas started with `start`, each given `--redis-url` of `redis`,
/// once both share it.
async fn replicas<F, Fut>(redis: &RedisServer, start: F) -> [Gateway; 2]
where
    F: Fn(Vec<String>) -> Fut,
    Fut: std::future::Future<Output = Gateway>,
{
    let args = vec!["--redis-url".to_owned(), redis.url()];
    let pair = [start(args.clone()).await, start(args).await];
    for gateway in &pair {
        wait_for_state(gateway, SHARED).await;
    }
    pair
}

// ---------------------------------------------------------------- Slack

/// POSTs a signed slash command `body`, signed at `timestamp`, with
/// `X-Slack-Retry-Num` when `retry` is given.
async fn slack_post(gateway: &Gateway, timestamp: i64, body: &str, retry: Option<u32>) -> reqwest::Response {
    let timestamp = timestamp.to_string();
    let signature = slack_signature(QUICKSTART_SIGNING_SECRET.as_bytes(), &timestamp, body.as_bytes());
    let mut request = reqwest::Client::new()
        .post(gateway.url("/hooks/slack/commands"))
        .header("Content-Type", FORM)
        .header("X-Slack-Request-Timestamp", timestamp)
        .header("X-Slack-Signature", signature)
        .body(body.to_owned());
    if let Some(retry) = retry {
        request = request
            .header("X-Slack-Retry-Num", retry.to_string())
            .header("X-Slack-Retry-Reason", "http_timeout");
    }
    request.send().await.expect("the gateway answers")
}

/// The answers the fake got at the response URL `id`.
fn slack_answers(fake: &FakeSlack, id: &str) -> usize {
    let path = format!("/response/{id}");
    fake.requests().iter().filter(|r| r.path == path).count()
}

/// Waits until the response URL `id` got `count` answers.
async fn slack_answered(fake: &FakeSlack, id: &str, count: usize) {
    wait::until(PATIENCE, format!("{count} answers at {id}"), || {
        (slack_answers(fake, id) >= count).then_some(())
    })
    .await;
}

async fn slack_replicas(redis: &RedisServer, fake: &FakeSlack) -> [Gateway; 2] {
    replicas(redis, |args| async move {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        Gateway::start(&quickstart_dir(), &fake.api_url(), &args).await
    })
    .await
}

#[tokio::test]
async fn a_slack_retry_sent_to_the_other_replica_runs_once() {
    if !redis_server::available("a_slack_retry_sent_to_the_other_replica_runs_once") {
        return;
    }
    let redis = RedisServer::start().await;
    let fake = FakeSlack::start().await;
    let [a, b] = slack_replicas(&redis, &fake).await;

    let body = alice_chatops("whoami", &fake.response_url("retried"));
    let sent_at = now();
    assert_eq!(
        slack_post(&a, sent_at, &body, None).await.status(),
        StatusCode::OK
    );
    // Slack's retries reach the other replica: the same signed request, and
    // the same body signed anew.
    assert_eq!(
        slack_post(&b, sent_at, &body, Some(1)).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        slack_post(&b, sent_at + 1, &body, Some(2)).await.status(),
        StatusCode::OK
    );
    // A replay of the captured request, without the retry header, is refused there.
    assert_eq!(
        slack_post(&b, sent_at, &body, None).await.status(),
        StatusCode::CONFLICT
    );

    slack_answered(&fake, "retried", 1).await;
    a.wait_for_commands("slack", 1).await;
    b.wait_for_requests("slack", "commands", "duplicate", 2).await;
    assert_eq!(slack_answers(&fake, "retried"), 1, "{:?}", fake.requests());
    assert_eq!(b.requests_counted("slack", "commands", "replayed").await, 1);
    assert_eq!(b.requests_counted("slack", "commands", "accepted").await, 0);
    assert_eq!(b.commands_counted("slack").await, 0);
}

#[tokio::test]
async fn without_redis_each_replica_serves_alone_and_says_so_then_shares_again() {
    if !redis_server::available("without_redis_each_replica_serves_alone_and_says_so_then_shares_again") {
        return;
    }
    let mut redis = RedisServer::start().await;
    let fake = FakeSlack::start().await;
    let [a, b] = slack_replicas(&redis, &fake).await;
    for gateway in [&a, &b] {
        assert_eq!(gateway.metric("chatops_gateway_shared_state_up").await, 1.0);
    }

    redis.kill();
    // Both replicas keep serving, each on its own: a command runs on each,
    // and a repeat sent to the same replica is still refused.
    for (gateway, id) in [(&a, "alone-a"), (&b, "alone-b")] {
        let body = alice_chatops("whoami", &fake.response_url(id));
        let sent_at = now();
        assert_eq!(
            slack_post(gateway, sent_at, &body, None).await.status(),
            StatusCode::OK
        );
        assert_eq!(
            slack_post(gateway, sent_at, &body, None).await.status(),
            StatusCode::CONFLICT
        );
        slack_answered(&fake, id, 1).await;
    }
    for gateway in [&a, &b] {
        wait_for_state(gateway, ALONE).await;
        assert_eq!(gateway.metric("chatops_gateway_shared_state_up").await, 0.0);
        assert!(
            gateway
                .metric("chatops_gateway_shared_state_fallbacks_total")
                .await
                >= 1.0
        );
        // One warning for the transition, however many requests fell back.
        let warnings = gateway
            .logs()
            .lines()
            .filter(|line| line.contains("Redis does not answer"))
            .count();
        assert_eq!(warnings, 1, "{}", gateway.logs());
    }

    redis.restart().await;
    for gateway in [&a, &b] {
        wait_for_state(gateway, SHARED).await;
        assert_eq!(gateway.metric("chatops_gateway_shared_state_up").await, 1.0);
    }
    // Shared again: a retry sent to the other replica runs once.
    let body = alice_chatops("whoami", &fake.response_url("back"));
    let sent_at = now();
    assert_eq!(
        slack_post(&a, sent_at, &body, None).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        slack_post(&b, sent_at, &body, Some(1)).await.status(),
        StatusCode::OK
    );
    slack_answered(&fake, "back", 1).await;
    b.wait_for_requests("slack", "commands", "duplicate", 1).await;
    a.wait_for_commands("slack", 2).await;
    assert_eq!(slack_answers(&fake, "back"), 1, "{:?}", fake.requests());
}

/// A Nautobot that never answers in time: its commands hold their slots.
async fn hanging_nautobot() -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().fallback(|| async {
        tokio::time::sleep(Duration::from_secs(60)).await;
        StatusCode::SERVICE_UNAVAILABLE
    });
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

/// The busy sentence of a slash command's acknowledgement; `None` when accepted.
async fn busy_text(ack: reqwest::Response) -> Option<String> {
    assert_eq!(ack.status(), StatusCode::OK);
    let body = ack.text().await.unwrap();
    if body.is_empty() {
        return None;
    }
    let json: Value = serde_json::from_str(&body).unwrap_or_else(|_| panic!("{body}"));
    Some(json["text"].as_str().unwrap_or_default().to_owned())
}

#[tokio::test]
async fn a_user_s_command_limit_counts_the_commands_running_on_every_replica() {
    if !redis_server::available("a_user_s_command_limit_counts_the_commands_running_on_every_replica") {
        return;
    }
    let redis = RedisServer::start().await;
    let fake = FakeSlack::start().await;
    let dir = copy_quickstart();
    let path = dir.path().join("nautobot.yaml");
    let manifest = std::fs::read_to_string(&path).unwrap();
    let nautobot = format!("http://{}", hanging_nautobot().await);
    let pointed = manifest.replace("http://nautobot.nautobot.svc.cluster.local:8080", &nautobot);
    assert_ne!(
        manifest, pointed,
        "the Integration points at the hanging Nautobot"
    );
    std::fs::write(&path, pointed).unwrap();
    let [a, b] = replicas(&redis, |args| {
        let (dir, api) = (dir.path(), fake.api_url());
        async move {
            let mut all = vec!["--max-commands-per-user", "1"];
            all.extend(args.iter().map(String::as_str));
            Gateway::start(dir, &api, &all).await
        }
    })
    .await;
    let devices = |gateway: &Gateway, user: &str, id: &str| {
        let url = gateway.url("/hooks/slack/commands");
        let (fake, user, id) = (fake.clone(), user.to_owned(), id.to_owned());
        async move {
            let ack = fake
                .slash(
                    &url,
                    WORKSPACE,
                    &user,
                    "/nautobot",
                    "get-devices location ams01",
                    &id,
                )
                .await;
            busy_text(ack).await
        }
    };

    // Alice's command hangs on replica A; on replica B she is at her limit.
    assert_eq!(devices(&a, ALICE, "a1").await, None);
    let refused = devices(&b, ALICE, "a2").await;
    assert_eq!(
        refused.as_deref(),
        Some("You already have 1 commands running; please wait for one to finish and try again.")
    );
    // Another user is not affected.
    assert_eq!(devices(&b, BOB, "b1").await, None);
    assert_eq!(b.requests_counted("slack", "commands", "busy_user").await, 1);
}

// ---------------------------------------------------------------- Slack Socket Mode

/// The app-level token the fake Socket Mode server accepts.
const APP_TOKEN: &str = "xapp-1-A0SOCKET01-0000000000000-socketmodetestapptoken";

/// The quickstart's Slack app in Socket Mode, one connection per replica.
const SOCKET_PLATFORM: &str = "apiVersion: chatops.dev/v1alpha1\nkind: ChatPlatform\n\
    metadata: {name: slack, namespace: chatops}\nspec:\n  type: slack\n  slack:\n    mode: socket\n\
    \x20   appTokenRef: {name: slack-app, key: app-token}\n    botTokenRef: {name: slack, key: bot-token}\n\
    \x20   socketConnections: 1\n---\napiVersion: v1\nkind: Secret\n\
    metadata: {name: slack-app, namespace: chatops}\nstringData:\n  app-token: ";

#[tokio::test]
async fn a_socket_mode_envelope_sent_again_to_the_other_replica_runs_once() {
    if !redis_server::available("a_socket_mode_envelope_sent_again_to_the_other_replica_runs_once") {
        return;
    }
    let redis = RedisServer::start().await;
    let socket = SocketMode::start(APP_TOKEN).await;
    let fake = FakeSlack::serve(Slack::with_socket_mode(socket.clone())).await;
    let dir = copy_quickstart();
    std::fs::write(
        dir.path().join("slack.yaml"),
        format!("{SOCKET_PLATFORM}{APP_TOKEN}\n"),
    )
    .unwrap();
    // One after the other, so that the first connection is replica A's.
    let a = Gateway::start(dir.path(), &fake.api_url(), &["--redis-url", &redis.url()]).await;
    let first = socket.wait_for_connections(1, PATIENCE).await[0];
    let b = Gateway::start(dir.path(), &fake.api_url(), &["--redis-url", &redis.url()]).await;
    let connections = socket.wait_for_connections(2, PATIENCE).await;
    let second = *connections.iter().find(|c| **c != first).expect("B's connection");
    for gateway in [&a, &b] {
        wait_for_state(gateway, SHARED).await;
    }

    let payload = slash_command_payload(
        WORKSPACE,
        SLACK_CHANNEL,
        BOB,
        "/chatops",
        "whoami",
        &fake.response_url("socket"),
    );
    let envelope = socket.send(first, "slash_commands", payload);
    socket
        .wait_for_ack(&envelope, PATIENCE)
        .await
        .expect("acknowledged by A");
    // Slack thought the ack was lost, and sends the envelope down B's connection.
    socket.resend(second, &envelope, 1);
    b.wait_for_requests("slack", "socket_commands", "duplicate", 1)
        .await;
    fake.answer("socket").await;
    a.wait_for_commands("slack", 1).await;
    assert_eq!(slack_answers(&fake, "socket"), 1, "{:?}", fake.requests());
    assert_eq!(b.commands_counted("slack").await, 0);
}

// ---------------------------------------------------------------- Webex

#[tokio::test]
async fn a_webex_redelivery_to_the_other_replica_runs_once() {
    use platforms::webex::{BOB, ORG, PLATFORM, ROOM, created, deliver, message_event};
    if !redis_server::available("a_webex_redelivery_to_the_other_replica_runs_once") {
        return;
    }
    let redis = RedisServer::start().await;
    let fake = FakeWebex::start().await;
    let dir = platforms::webex::manifests("");
    let api = fake.url();
    let [a, b] = replicas(&redis, |args| {
        let (dir, api, slack) = (dir.path(), api.clone(), format!("http://{}/slack", fake.addr));
        async move {
            let mut all = vec!["--webex-api-url", api.as_str()];
            all.extend(args.iter().map(String::as_str));
            Gateway::start(dir, &slack, &all).await
        }
    })
    .await;

    let when = created(-2);
    fake.add_message(json!({
        "id": "msg-twice", "roomId": ROOM, "roomType": "direct", "text": "chatops whoami",
        "personId": BOB, "personEmail": "bob@example.com", "created": when
    }));
    let event = message_event("msg-twice", ORG, BOB, "direct", &when);
    assert_eq!(deliver(&a, &event).await.status(), StatusCode::OK);
    assert_eq!(deliver(&b, &event).await.status(), StatusCode::OK);

    a.wait_for_commands(PLATFORM, 1).await;
    b.wait_for_requests(PLATFORM, "events", "duplicate", 1).await;
    let fetches = fake
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path == "/v1/messages/msg-twice")
        .count();
    assert_eq!(fetches, 1, "{:?}", fake.requests());
    assert_eq!(b.commands_counted(PLATFORM).await, 0);
}

// ---------------------------------------------------------------- Mattermost

#[tokio::test]
async fn a_mattermost_prompt_answer_replayed_on_the_other_replica_runs_once() {
    use platforms::mattermost::{ALICE, CHANNEL, PLATFORM, SLASH_TOKEN, TEAM, command, post_action};
    if !redis_server::available("a_mattermost_prompt_answer_replayed_on_the_other_replica_runs_once") {
        return;
    }
    let redis = RedisServer::start().await;
    let fake = FakeMattermost::start().await;
    let dir = platforms::mattermost::manifests(&fake, "");
    let [a, b] = replicas(&redis, |args| {
        let (dir, slack) = (dir.path(), format!("{}/slack", fake.url()));
        async move {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            Gateway::start(dir, &slack, &args).await
        }
    })
    .await;

    // Alice opens the `access` menu on replica A.
    let ack = command(SLASH_TOKEN, TEAM, ALICE, "access", &fake.response_url("menu"))
        .post(&a.url(&format!("/hooks/{PLATFORM}/commands")), &[])
        .await;
    assert_eq!(ack.status(), StatusCode::OK);
    let menu = fake
        .wait_for(PATIENCE, |r| r.path == "/hooks/commands/menu")
        .await
        .expect("the menu")
        .json();
    let select = menu["attachments"][0]["actions"]
        .as_array()
        .and_then(|actions| actions.iter().find(|a| a["type"] == "select"))
        .cloned()
        .unwrap_or_else(|| panic!("no select in {menu}"));
    let answer = |trigger: &str| {
        let mut context = select["integration"]["context"].clone();
        context["selected_option"] = json!("chatops");
        json!({
            "user_id": ALICE, "user_name": "alice", "channel_id": CHANNEL, "team_id": TEAM,
            "post_id": "mmpost0000000000000000001", "type": "select", "context": context,
            "trigger_id": trigger
        })
    };

    let first = post_action(&a, &answer("dHJpZ2dlcjE")).await;
    assert_eq!(first.status(), StatusCode::OK);
    // The same signed answer, replayed on replica B.
    let replayed = post_action(&b, &answer("dHJpZ2dlcjI")).await;
    assert_eq!(replayed.status(), StatusCode::OK);
    let replayed: Value = replayed.json().await.expect("JSON");
    assert!(
        replayed["ephemeral_text"]
            .as_str()
            .unwrap_or_default()
            .contains("already answered"),
        "{replayed}"
    );

    a.wait_for_commands(PLATFORM, 2).await;
    let posts = fake
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.starts_with("/api/v4/posts"))
        .count();
    assert_eq!(posts, 1, "{:?}", fake.requests());
    assert_eq!(b.requests_counted(PLATFORM, "actions", "replayed").await, 1);
    assert_eq!(b.commands_counted(PLATFORM).await, 0);
}
