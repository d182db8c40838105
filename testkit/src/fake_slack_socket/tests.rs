//! The fake against a plain WebSocket client (tokio-tungstenite): what a
//! Socket Mode client sees, frame by frame.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::{net::TcpStream, time::Instant};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async, tungstenite};
use tungstenite::Message;

use super::*;
use crate::{
    fake_slack::{FakeSlack, Slack},
    slack_requests::{block_actions_payload, mention_payload, slash_command_payload},
};

const TOKEN: &str = "xapp-1-A0SOCKET01-0000000000000-testtoken";
const LIMIT: Duration = Duration::from_secs(10);

type Client = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A ticket URL for the app's own token.
fn ticket(socket: &SocketMode) -> String {
    let answer = socket.open(Some(&format!("Bearer {TOKEN}")));
    assert_eq!(answer["ok"], true, "{answer}");
    answer["url"].as_str().expect("a url").to_owned()
}

/// A client connected on a fresh ticket, its hello read.
async fn connect(socket: &SocketMode) -> (Client, Value) {
    let (mut client, _) = connect_async(ticket(socket)).await.expect("the upgrade");
    let hello = next_json(&mut client).await;
    (client, hello)
}

/// The next text frame as JSON (pings and pongs skipped).
async fn next_json(client: &mut Client) -> Value {
    loop {
        let frame = tokio::time::timeout(LIMIT, client.next())
            .await
            .expect("a frame in time")
            .expect("the connection open")
            .expect("a frame");
        match frame {
            Message::Text(text) => return serde_json::from_str(text.as_str()).expect("JSON"),
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("not a text frame: {other:?}"),
        }
    }
}

/// What ends the connection: `Some(code)` for a close frame, `None` for a
/// connection that ended without one.
async fn end_of(client: &mut Client) -> Option<u16> {
    loop {
        match tokio::time::timeout(LIMIT, client.next())
            .await
            .expect("the end in time")
        {
            Some(Ok(Message::Close(frame))) => return Some(frame.map_or(1005, |f| f.code.into())),
            Some(Ok(_)) => continue,
            Some(Err(_)) | None => return None,
        }
    }
}

async fn ack(client: &mut Client, ack: Value) {
    client
        .send(Message::text(ack.to_string()))
        .await
        .expect("the ack sent");
}

#[tokio::test]
async fn fake_slack_socket_says_hello_first() {
    let socket = SocketMode::start(TOKEN).await;
    let (_first, hello) = connect(&socket).await;
    assert_eq!(hello["type"], "hello");
    assert_eq!(hello["num_connections"], 1);
    assert_eq!(hello["connection_info"]["app_id"], APP_ID);
    assert!(
        hello["debug_info"]["host"]
            .as_str()
            .unwrap()
            .starts_with("applink-")
    );
    let (_second, hello) = connect(&socket).await;
    assert_eq!(hello["num_connections"], 2);
    let open = socket.wait_for_connections(2, LIMIT).await;
    assert_eq!(open, [ConnectionId(1), ConnectionId(2)]);
    assert_eq!(socket.opened(), 2);
}

#[tokio::test]
async fn fake_slack_socket_takes_a_ticket_once() {
    let socket = SocketMode::start(TOKEN).await;
    let url = ticket(&socket);
    let (_client, _) = connect_async(url.as_str()).await.expect("the first upgrade");
    for refused in [url.clone(), url.replace("ticket=", "ticket=made-up-")] {
        match connect_async(refused.as_str()).await {
            Err(tungstenite::Error::Http(response)) => assert_eq!(response.status(), 401),
            other => panic!("{refused} was not refused: {:?}", other.map(|(_, r)| r.status())),
        }
    }
    assert_eq!(socket.wait_for_connections(1, LIMIT).await.len(), 1);
    assert_eq!(socket.opened(), 1);
}

#[tokio::test]
async fn fake_slack_socket_records_an_ack_with_its_payload_and_latency() {
    let socket = SocketMode::start(TOKEN).await;
    let (mut client, _) = connect(&socket).await;
    let [to] = socket.wait_for_connections(1, LIMIT).await[..] else {
        panic!("no connection")
    };
    let payload = slash_command_payload("T1", "C1", "U1", "/chatops", "whoami", "http://x/response/1");
    let id = socket.send(to, "slash_commands", payload.clone());
    let envelope = next_json(&mut client).await;
    assert_eq!(envelope["envelope_id"], id.as_str());
    assert_eq!(envelope["type"], "slash_commands");
    assert_eq!(envelope["accepts_response_payload"], true);
    assert_eq!(envelope["payload"], payload);
    assert_eq!(envelope["payload"]["is_enterprise_install"], "false");
    tokio::time::sleep(Duration::from_millis(50)).await; // a latency to measure, not a wait on state
    ack(&mut client, json!({"envelope_id": id, "payload": {"text": "ok"}})).await;
    let got = socket.wait_for_ack(&id, LIMIT).await.expect("the ack");
    assert_eq!(got.payload, Some(json!({"text": "ok"})));
    assert_eq!(got.connection, to);
    assert!(!got.payload_not_allowed);
    assert!(got.after >= Duration::from_millis(50), "{:?}", got.after);
    assert!(got.after < LIMIT, "{:?}", got.after);
    assert!(
        socket.protocol_errors().is_empty(),
        "{:?}",
        socket.protocol_errors()
    );
}

#[tokio::test]
async fn fake_slack_socket_flags_a_payload_events_api_does_not_take() {
    let socket = SocketMode::start(TOKEN).await;
    let (mut client, _) = connect(&socket).await;
    let to = socket.wait_for_connections(1, LIMIT).await[0];
    let id = socket.send(to, "events_api", mention_payload("Ev1", "U1"));
    let envelope = next_json(&mut client).await;
    assert_eq!(envelope["accepts_response_payload"], false);
    assert_eq!(
        (
            envelope["retry_attempt"].clone(),
            envelope["retry_reason"].clone()
        ),
        (json!(0), json!(""))
    );
    assert_eq!(envelope["payload"]["event"]["type"], "app_mention");
    ack(&mut client, json!({"envelope_id": id, "payload": {"text": "no"}})).await;
    assert!(
        socket
            .wait_for_ack(&id, LIMIT)
            .await
            .expect("the ack")
            .payload_not_allowed
    );

    let menu = socket.send(
        to,
        "interactive",
        block_actions_payload("T1", "U1", "menu", "a", "http://x/r"),
    );
    let envelope = next_json(&mut client).await;
    assert_eq!(envelope["payload"]["actions"][0]["selected_option"]["value"], "a");
    ack(&mut client, json!({"envelope_id": menu})).await;
    let got = socket.wait_for_ack(&menu, LIMIT).await.expect("the ack");
    assert_eq!((got.payload, got.payload_not_allowed), (None, false));

    let strict = socket.send_envelope(to, "interactive", json!({"type": "block_actions"}), false);
    assert_eq!(next_json(&mut client).await["accepts_response_payload"], false);
    ack(&mut client, json!({"envelope_id": strict, "payload": {}})).await;
    assert!(
        socket
            .wait_for_ack(&strict, LIMIT)
            .await
            .expect("the ack")
            .payload_not_allowed
    );
}

#[tokio::test]
async fn fake_slack_socket_notes_what_it_cannot_read_and_answers_pings() {
    let socket = SocketMode::start(TOKEN).await;
    let (mut client, _) = connect(&socket).await;
    for garbage in [
        "{not json",
        r#"{"payload": {}}"#,
        r#"{"envelope_id": "never-sent"}"#,
        "[1]",
    ] {
        client.send(Message::text(garbage)).await.expect("sent");
    }
    client
        .send(Message::Ping(b"are you there".to_vec().into()))
        .await
        .expect("the ping");
    loop {
        let frame = tokio::time::timeout(LIMIT, client.next()).await.expect("a pong");
        if let Some(Ok(Message::Pong(data))) = frame {
            assert_eq!(&data[..], b"are you there");
            break;
        }
    }
    let errors = crate::wait::until(LIMIT, "four protocol errors", || {
        let errors = socket.protocol_errors();
        (errors.len() == 4).then_some(errors)
    })
    .await;
    assert!(errors[0].contains("not JSON"), "{errors:?}");
    assert!(errors[1].contains("no envelope_id"), "{errors:?}");
    assert!(errors[2].contains("unknown envelope_id"), "{errors:?}");
    assert!(socket.acks().is_empty());
    assert_eq!(socket.connections().len(), 1, "the connection survives garbage");
}

#[tokio::test]
async fn fake_slack_socket_closes_a_warned_connection_after_the_grace() {
    let socket = SocketMode::start(TOKEN).await;
    socket.set_warning_grace(Duration::from_millis(300));
    let (mut client, _) = connect(&socket).await;
    let to = socket.wait_for_connections(1, LIMIT).await[0];
    let warned = Instant::now();
    socket.disconnect(to, "warning");
    let disconnect = next_json(&mut client).await;
    assert_eq!(disconnect["type"], "disconnect");
    assert_eq!(disconnect["reason"], "warning");
    // Still served during the grace.
    let id = socket.send(to, "slash_commands", json!({"text": "x"}));
    assert_eq!(next_json(&mut client).await["envelope_id"], id.as_str());
    ack(&mut client, json!({"envelope_id": id})).await;
    assert_eq!(end_of(&mut client).await, Some(1000));
    assert!(
        warned.elapsed() >= Duration::from_millis(300),
        "{:?}",
        warned.elapsed()
    );
    assert!(socket.wait_for_connections(1, Duration::ZERO).await.is_empty());
    assert!(socket.acks().iter().any(|a| a.envelope_id == id));
    assert!(socket.unacked().is_empty(), "{:?}", socket.unacked());
    assert_eq!(socket.opened(), 1);
}

#[tokio::test]
async fn fake_slack_socket_closes_a_refreshed_connection_after_the_grace_and_opens_another() {
    let socket = SocketMode::start(TOKEN).await;
    socket.set_warning_grace(Duration::from_millis(200));
    let (mut client, _) = connect(&socket).await;
    let to = socket.wait_for_connections(1, LIMIT).await[0];
    let asked = Instant::now();
    socket.disconnect(to, "refresh_requested");
    assert_eq!(next_json(&mut client).await["reason"], "refresh_requested");
    let (_again, hello) = connect(&socket).await;
    assert_eq!(hello["num_connections"], 2, "both open during the grace");
    assert_eq!(end_of(&mut client).await, Some(1000));
    assert!(
        asked.elapsed() >= Duration::from_millis(200),
        "{:?}",
        asked.elapsed()
    );
    assert_eq!(socket.connections(), [ConnectionId(2)]);
    assert_eq!(socket.opens(), (2, 0));
}

#[tokio::test]
async fn fake_slack_socket_closes_a_disabled_link_at_once() {
    let socket = SocketMode::start(TOKEN).await;
    let (mut client, _) = connect(&socket).await;
    let to = socket.wait_for_connections(1, LIMIT).await[0];
    socket.disconnect(to, "link_disabled");
    assert_eq!(next_json(&mut client).await["reason"], "link_disabled");
    assert_eq!(end_of(&mut client).await, Some(1000));
    assert!(socket.connections().is_empty());
    assert_eq!(socket.open(Some(&format!("Bearer {TOKEN}")))["ok"], true);
}

#[tokio::test]
async fn fake_slack_socket_drops_a_connection_and_lists_what_it_lost() {
    let socket = SocketMode::start(TOKEN).await;
    let (mut client, _) = connect(&socket).await;
    let to = socket.wait_for_connections(1, LIMIT).await[0];
    let acked = socket.send(to, "slash_commands", json!({"n": 1}));
    let lost = socket.send(to, "events_api", json!({"n": 2}));
    next_json(&mut client).await;
    next_json(&mut client).await;
    ack(&mut client, json!({"envelope_id": acked})).await;
    socket.wait_for_ack(&acked, LIMIT).await.expect("the first ack");
    socket.drop_connection(to);
    assert_eq!(end_of(&mut client).await, None, "no close frame");
    crate::wait::until(LIMIT, "the connection closed", || {
        socket.connections().is_empty().then_some(())
    })
    .await;
    assert_eq!(socket.unacked(), std::slice::from_ref(&lost));

    // Sent on a closed connection: lost too; redelivered on a new one: acked.
    let late = socket.send(to, "interactive", json!({"n": 3}));
    assert_eq!(socket.unacked(), [lost.clone(), late]);
    let (mut again, _) = connect(&socket).await;
    let new = socket.wait_for_connections(1, LIMIT).await[0];
    assert_eq!(new, ConnectionId(2));
    socket.resend(new, &lost, 1);
    let envelope = next_json(&mut again).await;
    assert_eq!(envelope["envelope_id"], lost.as_str());
    assert_eq!(
        (
            envelope["retry_attempt"].clone(),
            envelope["retry_reason"].clone()
        ),
        (json!(1), json!("timeout"))
    );
    assert_eq!(envelope["payload"], json!({"n": 2}));
    ack(&mut again, json!({"envelope_id": lost})).await;
    assert_eq!(
        socket.wait_for_ack(&lost, LIMIT).await.expect("acked").connection,
        new
    );
}

#[tokio::test]
async fn fake_slack_socket_refuses_tokens_as_slack_does() {
    let socket = SocketMode::start(TOKEN).await;
    let error = |authorization: Option<&str>| socket.open(authorization)["error"].clone();
    assert_eq!(error(None), "not_authed");
    assert_eq!(error(Some("Bearer ")), "not_authed");
    assert_eq!(error(Some(TOKEN)), "not_authed", "no Bearer scheme");
    assert_eq!(error(Some("Bearer xapp-1-A0OTHER-1-nope")), "invalid_auth");
    assert_eq!(error(Some("Bearer xoxb-1-2-bot")), "not_allowed_token_type");
    assert_eq!(error(Some("Bearer xoxp-1-2-user")), "not_allowed_token_type");
    let url = ticket(&socket);
    let expected = format!("ws://{}/link/?ticket=", socket.addr());
    assert!(
        url.starts_with(&expected) && url.ends_with("&app_id=A0SOCKET01"),
        "{url}"
    );
    assert_eq!(socket.opens(), (1, 6));
}

#[tokio::test]
async fn fake_slack_socket_is_served_by_the_fake_web_api_and_its_control_endpoints() {
    let socket = SocketMode::start(TOKEN).await;
    let slack = FakeSlack::serve(Slack::with_socket_mode(socket.clone())).await;
    let http = reqwest::Client::new();
    let opened: Value = http
        .post(slack.url_of("/api/apps.connections.open"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let url = opened["url"].as_str().expect("a url");
    let (mut client, _) = connect_async(url).await.expect("the upgrade");
    assert_eq!(next_json(&mut client).await["type"], "hello");
    assert_eq!(slack.requests()[0].path, "/api/apps.connections.open");
    socket.wait_for_connections(1, LIMIT).await;

    let get = |path: &str| {
        let request = http.get(slack.url_of(path));
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    assert_eq!(get("/control/connections").await, json!([1]));
    assert_eq!(get("/control/opened").await, json!({"opened": 1}));
    let sent: Value = http
        .post(slack.url_of("/control/send"))
        .json(&json!({"connection": 1, "type": "slash_commands", "payload": {"text": "hi"}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = sent["envelope_id"].as_str().expect("an envelope id");
    assert_eq!(next_json(&mut client).await["payload"], json!({"text": "hi"}));
    ack(&mut client, json!({"envelope_id": id, "payload": {"text": "ok"}})).await;
    socket.wait_for_ack(id, LIMIT).await.expect("the ack");
    let acks = get("/control/acks").await;
    assert_eq!(acks[0]["envelope_id"], id);
    assert_eq!(acks[0]["payload"], json!({"text": "ok"}));
    assert_eq!(acks[0]["connection"], 1);
    assert_eq!(acks[0]["payload_not_allowed"], false);

    let status = |body: Value| {
        let request = http.post(slack.url_of("/control/send")).json(&body);
        async move { request.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(status(json!({"connection": 9, "type": "events_api"})).await, 404);
    assert_eq!(status(json!({"connection": 1})).await, 400);
    let refresh = http
        .post(slack.url_of("/control/disconnect"))
        .json(&json!({"connection": 1, "reason": "refresh_requested"}))
        .send()
        .await
        .unwrap();
    assert_eq!(refresh.status(), 200);
    assert_eq!(next_json(&mut client).await["reason"], "refresh_requested");
    // Everything else is the fake Slack Web API as before.
    let posted: Value = http
        .post(slack.url_of("/api/chat.postMessage"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(posted, json!({"ok": true}));
}

#[tokio::test]
async fn fake_slack_without_socket_mode_answers_ok_as_before() {
    let slack = FakeSlack::start().await;
    let answer: Value = reqwest::Client::new()
        .post(slack.url_of("/api/apps.connections.open"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer, json!({"ok": true}));
}
