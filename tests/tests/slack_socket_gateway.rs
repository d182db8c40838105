//! The real gateway binary serving a Slack app over Socket Mode: a fake
//! Slack whose `apps.connections.open` hands out WebSocket URLs on a fake
//! Socket Mode server that speaks the protocol as Slack documents it (and
//! as slack_sdk's own client reads it: `tests/python/test_slack_socket_fake.py`).

use std::time::Duration;

use axum::http::StatusCode;
use chatops_tests::{
    copy_quickstart,
    fake_slack::{FakeSlack, Slack},
    fake_slack_socket::{ConnectionId, SocketMode},
    gateway_process::Gateway,
    quickstart::{ALICE, BOB, CHANNEL, FORM, PATIENCE, WORKSPACE},
    slack_requests::{
        QUICKSTART_SIGNING_SECRET, block_actions_payload, mention_payload, now, post_signed, slash_command,
        slash_command_payload,
    },
    wait,
};
use serde_json::Value;

/// The app-level token the fake accepts.
const APP_TOKEN: &str = "xapp-1-A0SOCKET01-0000000000000-socketmodetestapptoken";
/// What the gateway logs when it gives up on a Socket Mode platform.
const STOPPED: &str =
    "Slack Socket Mode stopped: no connection is opened until the platform's configuration changes";
/// Slack's deadline for an acknowledgement.
const ACK_DEADLINE: Duration = Duration::from_secs(3);

/// The quickstart with its Slack app in Socket Mode (`connections` per
/// replica, `app_token` in its Secret), a fake Slack, and the gateway.
struct World {
    fake: FakeSlack,
    socket: SocketMode,
    gateway: Gateway,
    _dir: tempfile::TempDir,
}

fn socket_platform(connections: u8, app_token: &str) -> String {
    format!(
        "apiVersion: chatops.dev/v1alpha1\nkind: ChatPlatform\nmetadata: {{name: slack, namespace: chatops}}\n\
         spec:\n  type: slack\n  slack:\n    mode: socket\n    appTokenRef: {{name: slack-app, key: app-token}}\n\
         \x20   botTokenRef: {{name: slack, key: bot-token}}\n    socketConnections: {connections}\n\
         ---\napiVersion: v1\nkind: Secret\nmetadata: {{name: slack-app, namespace: chatops}}\n\
         stringData:\n  app-token: {app_token}\n"
    )
}

impl World {
    /// Started and ready: every connection said hello.
    async fn start(connections: u8) -> World {
        let world = World::spawn(connections, APP_TOKEN).await;
        world
            .socket
            .wait_for_connections(connections as usize, PATIENCE)
            .await;
        world.ready().await;
        world
    }

    /// Started, not waited for.
    async fn spawn(connections: u8, app_token: &str) -> World {
        let (socket, fake) = World::fakes().await;
        World::launch(socket, fake, connections, app_token)
    }

    /// The fake Socket Mode server, and the fake Slack whose `apps.connections.open` leads there.
    async fn fakes() -> (SocketMode, FakeSlack) {
        let socket = SocketMode::start(APP_TOKEN).await;
        // Long, as Slack's: a connection warned of is closed by the gateway, once the next is open.
        socket.set_warning_grace(Duration::from_secs(30));
        let fake = FakeSlack::serve(Slack::with_socket_mode(socket.clone())).await;
        (socket, fake)
    }

    /// The gateway on `fake`, not waited for.
    fn launch(socket: SocketMode, fake: FakeSlack, connections: u8, app_token: &str) -> World {
        let dir = copy_quickstart();
        std::fs::write(
            dir.path().join("slack.yaml"),
            socket_platform(connections, app_token),
        )
        .unwrap();
        let gateway = Gateway::spawn(
            chatops_tests::gateway_process::Source::Manifests(dir.path()),
            &fake.api_url(),
            &[],
        );
        World {
            fake,
            socket,
            gateway,
            _dir: dir,
        }
    }

    async fn ready(&self) {
        let ready = wait::within_async(PATIENCE, || async {
            (self.readyz().await.0 == 200).then_some(())
        })
        .await;
        assert!(
            ready.is_some(),
            "not ready: {:?}\n{}",
            self.readyz().await,
            self.gateway.logs()
        );
    }

    async fn readyz(&self) -> (u16, String) {
        let answer = reqwest::get(format!("http://{}/readyz", self.gateway.admin))
            .await
            .unwrap();
        (answer.status().as_u16(), answer.text().await.unwrap())
    }

    /// The one connection open now (waiting for it).
    async fn connection(&self) -> ConnectionId {
        self.socket.wait_for_connections(1, PATIENCE).await[0]
    }

    /// Sends `/chatops {text}` from `user` on `to`, to be answered on response URL `id`.
    fn slash(&self, to: ConnectionId, user: &str, text: &str, id: &str) -> String {
        let payload = slash_command_payload(
            WORKSPACE,
            CHANNEL,
            user,
            "/chatops",
            text,
            &self.fake.response_url(id),
        );
        self.socket.send(to, "slash_commands", payload)
    }

    /// The acknowledgement of `envelope_id`, checked: in time, no payload where none is allowed.
    async fn acked(&self, envelope_id: &str) -> chatops_tests::fake_slack_socket::Ack {
        let ack = self.socket.wait_for_ack(envelope_id, PATIENCE).await;
        let ack = ack.unwrap_or_else(|| panic!("{envelope_id} not acknowledged\n{}", self.gateway.logs()));
        assert!(ack.after < ACK_DEADLINE, "acknowledged after {:?}", ack.after);
        assert!(!ack.payload_not_allowed, "{ack:?}");
        ack
    }

    /// How many requests to response URL `id` the fake took.
    fn answers_to(&self, id: &str) -> usize {
        let path = format!("/response/{id}");
        self.fake.requests().iter().filter(|r| r.path == path).count()
    }
}

#[tokio::test]
async fn a_slash_command_is_acknowledged_at_once_and_answered_through_its_response_url() {
    let world = World::start(1).await;
    let envelope = world.slash(world.connection().await, BOB, "whoami", "whoami");
    let ack = world.acked(&envelope).await;
    assert_eq!(ack.payload, None, "nothing to say at once");
    let text = world.fake.answer("whoami").await;
    for expected in [WORKSPACE, CHANNEL, BOB, "kind: AccountLink"] {
        assert!(text.contains(expected), "{expected} missing from {text}");
    }
    world
        .gateway
        .wait_for_requests("slack", "socket_commands", "accepted", 1)
        .await;
}

#[tokio::test]
async fn a_menu_asks_for_a_missing_argument_and_its_choice_completes_the_command() {
    let world = World::start(1).await;
    let connection = world.connection().await;
    world
        .acked(&world.slash(connection, ALICE, "access", "menu"))
        .await;
    let menu: Value = serde_json::from_str(&world.fake.answer("menu").await).unwrap();
    let select = find_select(&menu).unwrap_or_else(|| panic!("no menu in {menu}"));
    let token = select["action_id"].as_str().unwrap();

    let choice = block_actions_payload(
        WORKSPACE,
        ALICE,
        token,
        "chatops",
        &world.fake.response_url("chosen"),
    );
    world
        .acked(&world.socket.send(connection, "interactive", choice))
        .await;
    let text = world.fake.answer("chosen").await;
    assert!(
        text.contains("whoami"),
        "the access table of chatops lists its sub-commands: {text}"
    );
}

#[tokio::test]
async fn a_mention_is_answered_in_its_thread_and_a_redelivered_event_runs_once() {
    let world = World::start(1).await;
    let connection = world.connection().await;
    let envelope = world
        .socket
        .send(connection, "events_api", mention_payload("Ev0SOCKET1", BOB));
    let ack = world.acked(&envelope).await;
    assert_eq!(ack.payload, None);
    let posted = world
        .fake
        .wait_for(PATIENCE, |r| r.path.starts_with("/api/chat.post"))
        .await
        .expect("the answer is posted");
    assert!(posted.text().contains(BOB));
    let posted = posted.json();
    assert_eq!(posted["channel"], CHANNEL);
    assert_eq!(
        posted["thread_ts"], "1700000000.000100",
        "in the mention's thread"
    );

    // Slack sends an event again, in the same envelope or a new one, when it
    // thinks the first was not acknowledged: acknowledged, not run again.
    world.socket.resend(connection, &envelope, 1);
    let again = world
        .socket
        .send(connection, "events_api", mention_payload("Ev0SOCKET1", BOB));
    world.acked(&again).await;
    world
        .gateway
        .wait_for_requests("slack", "socket_events", "duplicate", 2)
        .await;
    world.gateway.wait_for_commands("slack", 1).await;
    let posts = world
        .fake
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/api/chat.post"))
        .count();
    assert_eq!(posts, 1, "the event ran once");
}

#[tokio::test]
async fn a_disconnect_warning_opens_the_next_connection_first_and_no_envelope_is_lost_or_run_twice() {
    let world = World::start(1).await;
    let first = world.connection().await;
    world.socket.disconnect(first, "warning");
    // Slack goes on sending on the warned connection until it closes it.
    let during = world.slash(first, BOB, "whoami", "during");
    world.acked(&during).await;
    let second = wait::until(PATIENCE, "a second connection", || {
        (world.socket.opened() >= 2).then(|| *world.socket.connections().last().unwrap())
    })
    .await;
    assert_ne!(second, first);
    let after = world.slash(second, BOB, "whoami", "after");
    world.acked(&after).await;
    world.fake.answer("during").await;
    world.fake.answer("after").await;
    // The warned connection is closed by the gateway once the next is open,
    // long before Slack's grace is over.
    wait::until(PATIENCE, "the warned connection closed", || {
        (world.socket.connections() == [second]).then_some(())
    })
    .await;
    assert_eq!(world.socket.closed_by_client(), [first]);
    assert_eq!(world.socket.unacked(), Vec::<String>::new(), "no envelope lost");
    assert_eq!(
        (world.answers_to("during"), world.answers_to("after")),
        (1, 1),
        "each ran once"
    );
    assert_eq!(world.readyz().await.0, 200);
}

#[tokio::test]
async fn refresh_requested_is_a_reconnect_too() {
    let world = World::start(1).await;
    let first = world.connection().await;
    world.socket.disconnect(first, "refresh_requested");
    let second = wait::until(PATIENCE, "a second connection", || {
        (world.socket.connections().len() == 1 && world.socket.opened() == 2)
            .then(|| world.socket.connections()[0])
    })
    .await;
    world
        .acked(&world.slash(second, BOB, "whoami", "refreshed"))
        .await;
    world.fake.answer("refreshed").await;
}

#[tokio::test]
async fn a_dropped_connection_is_opened_again_and_serves() {
    let world = World::start(1).await;
    let first = world.connection().await;
    world.socket.drop_connection(first);
    let second = wait::until(PATIENCE, "a new connection", || {
        let open = world.socket.connections();
        (world.socket.opened() == 2 && open.len() == 1).then(|| open[0])
    })
    .await;
    world.acked(&world.slash(second, BOB, "whoami", "again")).await;
    world.fake.answer("again").await;
    let dropped = world
        .gateway
        .metric(r#"chatops_gateway_slack_socket_ends_total{platform="slack",reason="dropped"}"#)
        .await;
    assert_eq!(dropped, 1.0);
    assert_eq!(
        world.readyz().await.0,
        200,
        "a lost connection is opened again, not a reason to be unready"
    );
}

#[tokio::test]
async fn link_disabled_stops_with_a_clear_log_line_and_an_unready_gateway() {
    let world = World::start(1).await;
    let connection = world.connection().await;
    world.socket.disconnect(connection, "link_disabled");
    let lines = world.gateway.wait_for_log_lines(STOPPED, 1).await;
    assert_eq!(lines[0]["level"], "ERROR", "{lines:?}");
    let said = lines[0].to_string();
    assert!(
        said.contains("link_disabled") && said.contains("Socket Mode"),
        "{said}"
    );
    let (status, body) = world.readyz().await;
    assert_eq!(status, 503, "{body}");
    assert!(
        body.contains("platform slack: Slack Socket Mode stopped") && body.contains("link_disabled"),
        "{body}"
    );
    // No connection is tried again.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!((world.socket.opened(), world.socket.opens().0), (1, 1));
}

#[tokio::test]
async fn two_connections_each_take_envelopes_and_a_resent_one_runs_once() {
    let world = World::start(2).await;
    let open = world.socket.wait_for_connections(2, PATIENCE).await;
    let (one, two) = (open[0], open[1]);
    let first = world.slash(one, BOB, "whoami", "on-one");
    let second = world.slash(two, BOB, "whoami", "on-two");
    assert_eq!(world.acked(&first).await.connection, one);
    assert_eq!(world.acked(&second).await.connection, two);
    // Slack sends the first again on the other connection.
    world.socket.resend(two, &first, 1);
    world
        .gateway
        .wait_for_requests("slack", "socket_commands", "duplicate", 1)
        .await;
    world.fake.answer("on-one").await;
    world.fake.answer("on-two").await;
    assert_eq!((world.answers_to("on-one"), world.answers_to("on-two")), (1, 1));
    assert_eq!(world.socket.acks().len(), 3, "the repeat is acknowledged too");
    let open = world
        .gateway
        .metric(r#"chatops_gateway_slack_socket_connections{platform="slack"}"#)
        .await;
    assert_eq!(open, 2.0);
}

#[tokio::test]
async fn a_wrong_app_token_is_refused_with_a_clear_error_and_not_tried_again() {
    let world = World::spawn(1, "xapp-1-A0SOCKET01-0000000000000-revokedtokenrevoked").await;
    let lines = world.gateway.wait_for_log_lines(STOPPED, 1).await;
    let said = lines[0].to_string();
    assert!(
        said.contains("invalid_auth") && said.contains("appTokenRef"),
        "{said}"
    );
    assert!(
        !said.contains("revokedtoken"),
        "the token is never logged: {said}"
    );
    let (status, body) = world.readyz().await;
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("invalid_auth"), "{body}");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(world.socket.opens(), (0, 1), "asked once, and not again");
    assert!(!world.gateway.logs().contains("revokedtoken"));
}

#[tokio::test]
async fn a_bot_token_given_as_the_app_token_is_refused_before_slack_is_asked() {
    let world = World::spawn(1, "xoxb-0000000000-0000000000000-notanapptokenatall").await;
    let lines = world.gateway.wait_for_log_lines(STOPPED, 1).await;
    let said = lines[0].to_string();
    assert!(said.contains("bot token") && said.contains("xapp-"), "{said}");
    assert!(
        !world.gateway.logs().contains("notanapptoken"),
        "the token is never logged"
    );
    assert_eq!(world.readyz().await.0, 503);
    assert_eq!(world.socket.opens(), (0, 0));
}

#[tokio::test]
async fn failures_to_connect_are_tried_again_later_each_time() {
    let (socket, fake) = World::fakes().await;
    for error in ["internal_error", "too_many_websockets"] {
        let refusal = format!(r#"{{"ok":false,"error":"{error}"}}"#);
        fake.script(chatops_tests::fake_api::Scripted::new(StatusCode::OK, refusal));
    }
    let started = std::time::Instant::now();
    let world = World::launch(socket, fake, 1, APP_TOKEN);
    let connection = world.connection().await;
    // About 1 s, then about 2 s, each a fifth either way.
    assert!(
        started.elapsed() >= Duration::from_millis(2400),
        "{:?}",
        started.elapsed()
    );
    world.ready().await;
    world.acked(&world.slash(connection, BOB, "whoami", "late")).await;
    let failed = world
        .gateway
        .metric(r#"chatops_gateway_slack_socket_ends_total{platform="slack",reason="open_failed"}"#)
        .await;
    assert_eq!(failed, 2.0);
    let lines = world
        .gateway
        .log_lines("could not open a Slack Socket Mode connection; trying again");
    let said: Vec<String> = lines.iter().map(|line| line["error"].to_string()).collect();
    assert!(
        said[0].contains("internal_error") && said[1].contains("too_many_websockets"),
        "{said:?}"
    );
}

#[tokio::test]
async fn grants_hold_over_socket_mode_as_over_webhooks() {
    let world = World::start(1).await;
    let payload = slash_command_payload(
        "T0OTHERTEAM",
        CHANNEL,
        BOB,
        "/chatops",
        "whoami",
        &world.fake.response_url("other"),
    );
    world
        .acked(
            &world
                .socket
                .send(world.connection().await, "slash_commands", payload),
        )
        .await;
    chatops_tests::assert_organization_denied(&world.fake.answer("other").await, "T0OTHERTEAM");
}

#[tokio::test]
async fn a_corrected_app_token_is_taken_without_a_restart() {
    let world = World::spawn(1, "xapp-1-A0SOCKET01-0000000000000-revokedtokenrevoked").await;
    world.gateway.wait_for_log_lines(STOPPED, 1).await;
    std::fs::write(
        world._dir.path().join("slack.yaml"),
        socket_platform(1, APP_TOKEN),
    )
    .unwrap();
    let connection = world.connection().await;
    world.ready().await;
    world
        .acked(&world.slash(connection, BOB, "whoami", "fixed"))
        .await;
    world.fake.answer("fixed").await;
    assert_eq!(world.socket.opens(), (1, 1));
}

#[tokio::test]
async fn sigterm_closes_every_connection_and_exits_cleanly() {
    let World {
        mut gateway, socket, ..
    } = World::start(2).await;
    let open = socket.wait_for_connections(2, PATIENCE).await;
    let pid = gateway.pid().to_string();
    std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    // Waited for without blocking: the fake answers the close frames meanwhile.
    let status = gateway.exited_within(PATIENCE).await.expect("the gateway exits");
    assert!(status.success(), "a clean exit\n{}", gateway.logs());
    // Each closed with a close frame, not dropped when the process ended:
    // Slack sends the next envelope to another replica at once.
    let mut closed = socket.closed_by_client();
    closed.sort();
    assert_eq!(closed, open);
}

#[tokio::test]
async fn the_webhook_urls_of_a_socket_mode_platform_take_nothing() {
    let world = World::start(1).await;
    let body = slash_command(
        WORKSPACE,
        CHANNEL,
        BOB,
        "/chatops",
        "whoami",
        &world.fake.response_url("hook"),
    );
    let url = world.gateway.url("/hooks/slack/commands");
    let answer = post_signed(&url, QUICKSTART_SIGNING_SECRET, now(), &body, FORM).await;
    assert_eq!(answer.status(), StatusCode::NOT_FOUND);
    let text = answer.text().await.unwrap();
    assert!(text.contains("Socket Mode"), "{text}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(world.answers_to("hook"), 0);
}

/// The first `static_select` element in a Block Kit message.
fn find_select(value: &Value) -> Option<&Value> {
    match value {
        Value::Object(map) => {
            if map.get("type").and_then(|t| t.as_str()) == Some("static_select") {
                return Some(value);
            }
            map.values().find_map(find_select)
        }
        Value::Array(items) => items.iter().find_map(find_select),
        _ => None,
    }
}
