//! The Slack client and dispatcher against a fake Slack API on loopback: every
//! request has the method, path, headers and body that slack_sdk sent for the
//! same call (`testkit/vectors/slack.json`, `outbound`), 429s are waited out,
//! errors are reported without secrets, and replies take the right route.

use std::{net::SocketAddr, time::Duration};

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
};
use chatops_gateway::{
    model::{
        Block, Choice, Field, FieldKind, Form, Level, Menu, Message, Prompt, Reply, ReplyContext, Table,
    },
    platforms::{
        DispatchError, Dispatcher,
        response_url::ResponseUrls,
        slack::{blocks, client::SlackClient, dispatcher::SlackDispatcher},
    },
};
use chatops_testkit::fake_api::{FakeApi, Platform, Recorded, Scripted, json_response};
use serde_json::{Value, json};

/// The vector file lives in `shared/`, beside the repository's root folder.
/// The made-up bot token of the vectors.
const TOKEN: &str = "xoxb-TEST-made-up";
/// The response URL path of the vectors.
const RESPONSE_PATH: &str = "/commands/T0001/1234/abcd";
/// The thread of the vectors.
const THREAD: &str = "1515449522.000016";
/// The channel of the vectors.
const CHANNEL: &str = "C2147483705";
/// The user of the vectors.
const USER: &str = "U2147483697";
/// The direct-message conversation the fake opens when a message is posted to a user.
const DM: &str = "D0FAKEDM1";

fn outbound() -> Value {
    chatops_testkit::vectors::file("slack")["outbound"].clone()
}

/// The captured requests of one outbound case.
fn vector(name: &str) -> Vec<Value> {
    let case = &outbound()[name];
    let requests = case.get("requests").unwrap_or(case);
    requests
        .as_array()
        .unwrap_or_else(|| panic!("no outbound case {name}"))
        .clone()
}

// ---- the fake ---------------------------------------------------------------

/// What the fake Slack of these tests answers unscripted: as Slack would, with
/// the values of the vectors (an upload URL on the fake, a user's DM for a
/// message posted to a user); `/slow` is held back 30 s.
struct VectorSlack;

impl Platform for VectorSlack {
    type Entry = Recorded;

    fn respond(&mut self, request: &mut Recorded, addr: SocketAddr) -> Response {
        let json = |value: Value| json_response(StatusCode::OK, &value);
        match request.path.as_str() {
            "/api/files.getUploadURLExternal" => json(json!({
                "ok": true,
                "upload_url": format!("http://{addr}/upload/v1/ABC123"),
                "file_id": "F0TESTFILE",
            })),
            "/api/chat.postMessage" => {
                let channel = request.json()["channel"].as_str().unwrap().to_owned();
                // Slack answers the conversation it posted in: a user's DM for a user ID.
                let channel = if channel.starts_with('U') {
                    DM.to_owned()
                } else {
                    channel
                };
                json(json!({"ok": true, "channel": channel, "ts": "1700000000.000100"}))
            }
            p if p.starts_with("/api/") => json(json!({"ok": true})),
            p if p.starts_with("/upload/") => format!("OK - {}", request.body.len()).into_response(),
            _ => "ok".into_response(),
        }
    }

    fn holds_back(request: &Recorded) -> Option<Duration> {
        (request.path == "/slow").then_some(Duration::from_secs(30))
    }
}

type FakeSlack = FakeApi<VectorSlack>;

/// The test's view of the fake: the clients under test, pointed at it.
trait VectorFake {
    async fn start() -> Self;
    fn url(&self, path: &str) -> String;
    fn client(&self) -> SlackClient;
    fn dispatcher(&self) -> SlackDispatcher;
    fn paths(&self) -> Vec<String>;
}

impl VectorFake for FakeSlack {
    async fn start() -> FakeSlack {
        FakeApi::serve(VectorSlack).await
    }

    fn url(&self, path: &str) -> String {
        self.url_of(path)
    }

    fn client(&self) -> SlackClient {
        SlackClient::new(reqwest::Client::new(), self.url("/api"), TOKEN.to_owned())
            // Short enough for a test, long enough to honour the vector's `Retry-After: 1`.
            .with_max_retry_wait(Duration::from_secs(1))
            // This fake's response URLs are on loopback.
            .with_response_urls(ResponseUrls::slack(&[], true))
    }

    fn dispatcher(&self) -> SlackDispatcher {
        SlackDispatcher::new(self.client())
    }

    fn paths(&self) -> Vec<String> {
        self.requests().into_iter().map(|r| r.path).collect()
    }
}

/// Where a command typed in the vectors' channel is answered: there, or
/// through the vectors' response URL on `fake`.
fn in_channel(fake: &FakeSlack) -> ReplyContext {
    ReplyContext {
        conversation: Some(CHANNEL.into()),
        response_url: Some(fake.url(RESPONSE_PATH)),
        ..Default::default()
    }
}

/// Only the vectors' response URL on `fake`.
fn response_url_only(fake: &FakeSlack) -> ReplyContext {
    ReplyContext {
        response_url: Some(fake.url(RESPONSE_PATH)),
        ..Default::default()
    }
}

// ---- comparing with the vectors -----------------------------------------------

/// The parts of a request slack_sdk's capture and ours must share: method,
/// path, `Content-Type` and `Authorization` (present or absent alike).
fn assert_same_envelope(ours: &Recorded, theirs: &Value) {
    assert_eq!(ours.method.as_str(), theirs["method"], "method of {}", ours.path);
    assert_eq!(ours.path, theirs["path"], "path");
    for name in ["content-type", "authorization"] {
        let expected = theirs["headers"][name].as_str();
        assert_eq!(ours.header(name), expected, "{name} of {}", ours.path);
    }
}

/// The JSON body slack_sdk sent in a captured request.
fn captured_body(theirs: &Value) -> Value {
    serde_json::from_str(theirs["body"].as_str().unwrap()).unwrap()
}

/// Same envelope, and the same JSON body.
fn assert_same_json(ours: &Recorded, theirs: &Value) {
    assert_same_envelope(ours, theirs);
    assert_eq!(ours.json(), captured_body(theirs), "body of {}", ours.path);
}

/// Same envelope, and the same values in `fields` of the JSON body.
fn assert_same_fields(ours: &Recorded, theirs: &Value, fields: &[&str]) {
    assert_same_envelope(ours, theirs);
    let expected = captured_body(theirs);
    for field in fields {
        assert_eq!(ours.json()[field], expected[field], "{field} of {}", ours.path);
    }
}

/// A form body as field -> value, with JSON values parsed (Python's `json.dumps` spaces them).
fn form_fields(pairs: Vec<(String, String)>) -> Vec<(String, Value)> {
    pairs
        .into_iter()
        .map(|(k, v)| {
            let v = serde_json::from_str(&v)
                .ok()
                .filter(Value::is_array)
                .unwrap_or(Value::String(v));
            (k, v)
        })
        .collect()
}

// ---- the shapes of the vectors --------------------------------------------------

#[tokio::test]
async fn chat_post_message_is_sent_as_slack_sdk_sends_it() {
    let fake = FakeSlack::start().await;
    let section = json!({"type": "section", "text": {"type": "mrkdwn", "text": "*Deploy* started"}});
    let posted = fake
        .client()
        .post_message(CHANNEL, Some(THREAD), "Deploy started", &[section])
        .await
        .unwrap();
    assert_eq!(posted.channel, CHANNEL);
    assert_eq!(posted.ts.as_deref(), Some("1700000000.000100"));
    assert_same_json(&fake.requests()[0], &vector("chat.postMessage")[0]);
}

#[tokio::test]
async fn the_dispatcher_renders_the_vectors_message() {
    let fake = FakeSlack::start().await;
    let to = ReplyContext {
        conversation: Some(CHANNEL.into()),
        thread: Some(THREAD.into()),
        ..Default::default()
    };
    let reply = Reply::Message(Message::text(Level::Info, "**Deploy** started"));
    fake.dispatcher().send(&to, &reply).await.unwrap();
    let theirs = &vector("chat.postMessage")[0];
    assert_same_fields(&fake.requests()[0], theirs, &["channel", "blocks", "thread_ts"]);
}

#[tokio::test]
async fn chat_post_ephemeral_is_sent_as_slack_sdk_sends_it() {
    let fake = FakeSlack::start().await;
    let client = fake.client();
    client
        .post_ephemeral(CHANNEL, USER, None, "Only you can see this", &[])
        .await
        .unwrap();
    assert_same_json(&fake.requests()[0], &vector("chat.postEphemeral")[0]);
}

#[tokio::test]
async fn views_open_is_sent_as_slack_sdk_sends_it() {
    let fake = FakeSlack::start().await;
    let theirs = &vector("views.open")[0];
    let body = captured_body(theirs);
    let trigger_id = body["trigger_id"].as_str().unwrap();
    fake.client().views_open(trigger_id, &body["view"]).await.unwrap();
    assert_same_json(&fake.requests()[0], theirs);
}

#[tokio::test]
async fn response_urls_get_what_slack_sdk_posts_and_no_token() {
    let fake = FakeSlack::start().await;
    let url = fake.url(RESPONSE_PATH);
    for case in ["response_url in_channel", "response_url replace_original"] {
        let theirs = &vector(case)[0];
        let body = captured_body(theirs);
        fake.client().respond(&url, &body).await.unwrap();
        assert_same_json(fake.requests().last().unwrap(), theirs);
    }
}

#[tokio::test]
async fn a_public_answer_goes_to_the_response_url_in_channel() {
    let fake = FakeSlack::start().await;
    let to = in_channel(&fake);
    let reply = Reply::Message(Message::text(Level::Info, "Done"));
    fake.dispatcher().send(&to, &reply).await.unwrap();
    let theirs = &vector("response_url in_channel")[0];
    let ours = &fake.requests()[0];
    assert_same_fields(ours, theirs, &["text", "response_type", "replace_original"]);
    assert_eq!(ours.json()["blocks"][0]["text"]["text"], "Done");
}

#[tokio::test]
async fn deleting_a_prompt_posts_delete_original() {
    let fake = FakeSlack::start().await;
    let to = response_url_only(&fake);
    fake.dispatcher().delete_prompt(&to).await.unwrap();
    assert_same_json(&fake.requests()[0], &vector("response_url delete_original")[0]);
}

#[tokio::test]
async fn without_a_response_url_a_prompt_is_deleted_with_chat_delete() {
    let fake = FakeSlack::start().await;
    let to = ReplyContext {
        conversation: Some(DM.into()),
        prompt_message: Some("1700000000.000100".into()),
        ..Default::default()
    };
    fake.dispatcher().delete_prompt(&to).await.unwrap();
    let ours = &fake.requests()[0];
    assert_eq!(ours.path, "/api/chat.delete");
    assert_eq!(ours.header("authorization"), Some("Bearer xoxb-TEST-made-up"));
    assert_eq!(ours.json(), json!({"channel": DM, "ts": "1700000000.000100"}));
    fake.dispatcher()
        .delete_prompt(&ReplyContext::default())
        .await
        .unwrap();
    assert_eq!(fake.requests().len(), 1, "nothing to delete, nothing sent");
}

#[tokio::test]
async fn the_v2_upload_makes_its_three_requests_in_order() {
    let fake = FakeSlack::start().await;
    let file_id = fake
        .client()
        .upload_file(
            CHANNEL,
            Some(THREAD),
            "deploy.log",
            "deploy.log",
            b"line1\nline2\n",
        )
        .await
        .unwrap();
    assert_eq!(file_id, "F0TESTFILE");
    let theirs =
        vector("files_upload_v2 (getUploadURLExternal -> POST upload_url -> completeUploadExternal)");
    let ours = fake.requests();
    assert_eq!(ours.len(), 3, "{:?}", fake.paths());
    for (ours, theirs) in ours.iter().zip(&theirs) {
        assert_same_envelope(ours, theirs);
    }
    let body = |i: usize| theirs[i]["body"].as_str().unwrap().as_bytes();
    assert_eq!(
        ours[0].form(),
        form_urlencoded::parse(body(0)).into_owned().collect::<Vec<_>>()
    );
    assert_eq!(ours[1].body, body(1), "the bytes, as they are");
    // slack_sdk also sent an `initial_comment`; the gateway posts its message first instead.
    let expected: Vec<_> = form_fields(form_urlencoded::parse(body(2)).into_owned().collect())
        .into_iter()
        .filter(|(k, _)| k != "initial_comment")
        .collect();
    assert_eq!(form_fields(ours[2].form()), expected);
}

// ---- rate limits, errors, timeouts ------------------------------------------------

#[tokio::test]
async fn a_429_is_waited_out_and_the_identical_request_resent() {
    let fake = FakeSlack::start().await;
    let case = &outbound()["429_then_retry"];
    let first = &case["first_response"];
    assert_eq!(first["status"], 429);
    assert_eq!(first["headers"]["Retry-After"], "1");
    fake.script(Scripted::too_many_requests(1, first["body"].to_string()));
    fake.client().post_message("C1", None, "hi", &[]).await.unwrap();
    let ours = fake.requests();
    let theirs = vector("429_then_retry");
    assert_eq!(ours.len(), theirs.len(), "one retry");
    for (ours, theirs) in ours.iter().zip(&theirs) {
        assert_same_json(ours, theirs);
    }
    assert_eq!(ours[0].body, ours[1].body, "the identical request");
}

#[tokio::test]
async fn three_retries_then_rate_limited() {
    let fake = FakeSlack::start().await;
    let client = fake.client().with_max_retry_wait(Duration::ZERO);
    for _ in 0..3 {
        fake.script(Scripted::too_many_requests(30, ""));
    }
    client
        .post_message("C1", None, "hi", &[])
        .await
        .expect("the fourth try succeeds");
    assert_eq!(fake.requests().len(), 4);

    for _ in 0..4 {
        fake.script(Scripted::too_many_requests(30, ""));
    }
    let err = client.post_message("C1", None, "hi", &[]).await.unwrap_err();
    assert!(
        matches!(
            err,
            DispatchError::RateLimited {
                api: "chat.postMessage",
                attempts: 4
            }
        ),
        "{err:?}"
    );
    assert_eq!(fake.requests().len(), 8, "no fifth try");
}

#[tokio::test]
async fn ok_false_is_rejected_with_slacks_error_code_and_no_token() {
    let fake = FakeSlack::start().await;
    fake.script(Scripted::new(
        StatusCode::OK,
        r#"{"ok":false,"error":"channel_not_found"}"#,
    ));
    let err = fake
        .client()
        .post_message("C404", None, "hi", &[])
        .await
        .unwrap_err();
    match &err {
        DispatchError::Rejected { api, status, error } => {
            assert_eq!(
                (*api, *status, error.as_str()),
                ("chat.postMessage", 200, "channel_not_found")
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(!format!("{err} {err:?}").contains(TOKEN));
}

#[tokio::test]
async fn errors_never_repeat_a_response_url() {
    let fake = FakeSlack::start().await;
    let secret = "/commands/T0001/1234/secret-part";
    fake.script(Scripted::new(
        StatusCode::NOT_FOUND,
        format!("no such URL {}", fake.url(secret)),
    ));
    let err = fake
        .client()
        .respond(&fake.url(secret), &json!({"text": "x"}))
        .await
        .unwrap_err();
    assert!(
        matches!(err, DispatchError::Rejected { status: 404, .. }),
        "{err:?}"
    );
    assert!(!format!("{err} {err:?}").contains("secret-part"), "{err:?}");

    // Nothing listens on port 1.
    let closed = format!("http://127.0.0.1:1{secret}");
    let err = fake
        .client()
        .respond(&closed, &json!({"text": "x"}))
        .await
        .unwrap_err();
    assert!(matches!(err, DispatchError::Transport { .. }), "{err:?}");
    assert!(!format!("{err} {err:?}").contains("secret-part"), "{err:?}");
}

#[tokio::test]
async fn every_request_has_a_timeout() {
    let fake = FakeSlack::start().await;
    let client = fake.client().with_timeout(Duration::from_millis(200));
    let err = client.respond(&fake.url("/slow"), &json!({})).await.unwrap_err();
    match err {
        DispatchError::Transport { api, reason } => {
            assert_eq!(api, "response_url");
            assert!(reason.contains("timed out"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
}

// ---- routes of the dispatcher -------------------------------------------------------

fn big_table() -> Block {
    Block::Table(Table {
        title: "Devices".into(),
        columns: vec!["Name".into(), "Status".into()],
        rows: vec![vec!["d".repeat(40), "active".into()]; 200],
    })
}

#[tokio::test]
async fn an_answer_with_files_is_posted_then_uploaded_in_its_thread() {
    let fake = FakeSlack::start().await;
    let to = ReplyContext {
        thread: Some(THREAD.into()),
        ..in_channel(&fake)
    };
    let reply = Reply::Message(Message {
        blocks: vec![Block::Text("Here:".into()), big_table()],
        ..Default::default()
    });
    fake.dispatcher().send(&to, &reply).await.unwrap();
    assert_eq!(
        fake.paths(),
        [
            "/api/chat.postMessage",
            "/api/files.getUploadURLExternal",
            "/upload/v1/ABC123",
            "/api/files.completeUploadExternal"
        ]
    );
    let requests = fake.requests();
    assert_eq!(requests[0].json()["thread_ts"], THREAD);
    assert!(
        requests[1]
            .form()
            .contains(&("filename".into(), "Devices.txt".into()))
    );
    let complete = requests[3].form();
    assert!(complete.contains(&("channel_id".into(), CHANNEL.into())));
    assert!(complete.contains(&("thread_ts".into(), THREAD.into())));
}

#[tokio::test]
async fn files_for_a_channel_the_bot_is_not_in_fall_back_to_the_response_url() {
    let fake = FakeSlack::start().await;
    fake.script(Scripted::new(
        StatusCode::OK,
        r#"{"ok":false,"error":"not_in_channel"}"#,
    ));
    let to = in_channel(&fake);
    let reply = Reply::Message(Message {
        blocks: vec![big_table()],
        ..Default::default()
    });
    fake.dispatcher().send(&to, &reply).await.unwrap();
    assert_eq!(fake.paths(), ["/api/chat.postMessage", RESPONSE_PATH]);
    let body = fake.requests()[1].json();
    assert_eq!(body["response_type"], "in_channel");
    assert!(
        body.to_string().contains("not a member of this channel"),
        "{body}"
    );
}

#[tokio::test]
async fn a_private_answer_goes_to_the_response_url_ephemerally() {
    let fake = FakeSlack::start().await;
    let to = ReplyContext {
        user: Some(USER.into()),
        ..in_channel(&fake)
    };
    let reply = Reply::Message(Message::text(Level::Info, "secret").privately());
    fake.dispatcher().send(&to, &reply).await.unwrap();
    assert_eq!(fake.paths(), [RESPONSE_PATH]);
    assert_eq!(fake.requests()[0].json()["response_type"], "ephemeral");
}

#[tokio::test]
async fn without_a_response_url_a_private_answer_is_ephemeral_for_its_user() {
    let fake = FakeSlack::start().await;
    let to = ReplyContext {
        conversation: Some(CHANNEL.into()),
        thread: Some(THREAD.into()),
        user: Some(USER.into()),
        ..Default::default()
    };
    let reply = Reply::Message(Message::text(Level::Info, "Only you can see this").privately());
    fake.dispatcher().send(&to, &reply).await.unwrap();
    let ours = &fake.requests()[0];
    assert_same_envelope(ours, &vector("chat.postEphemeral")[0]);
    let body = ours.json();
    assert_eq!(
        (&body["channel"], &body["user"], &body["thread_ts"]),
        (&json!(CHANNEL), &json!(USER), &json!(THREAD))
    );

    let nobody = ReplyContext { user: None, ..to };
    let err = fake.dispatcher().send(&nobody, &reply).await.unwrap_err();
    assert!(matches!(err, DispatchError::Unsupported(_)), "{err:?}");
}

#[tokio::test]
async fn in_direct_messages_a_private_answer_is_an_ordinary_message() {
    let fake = FakeSlack::start().await;
    // What a form's submission answers to: the user, no channel, no response URL.
    let to = ReplyContext {
        conversation: Some(USER.into()),
        user: Some(USER.into()),
        ..Default::default()
    };
    let reply = Reply::Message(Message::text(Level::Info, "done").privately());
    fake.dispatcher().send(&to, &reply).await.unwrap();
    assert_eq!(fake.paths(), ["/api/chat.postMessage"]);
    assert_eq!(fake.requests()[0].json()["channel"], USER);
}

#[tokio::test]
async fn a_private_answer_with_files_goes_to_direct_messages() {
    let fake = FakeSlack::start().await;
    let to = ReplyContext {
        user: Some(USER.into()),
        ..in_channel(&fake)
    };
    let reply = Reply::Message(
        Message {
            blocks: vec![big_table()],
            ..Default::default()
        }
        .privately(),
    );
    fake.dispatcher().send(&to, &reply).await.unwrap();
    let requests = fake.requests();
    assert_eq!(requests[0].path, "/api/chat.postMessage");
    assert_eq!(requests[0].json()["channel"], USER);
    assert!(
        requests[3].form().contains(&("channel_id".into(), DM.into())),
        "the DM Slack opened"
    );
    let note = requests.last().unwrap();
    assert_eq!(note.path, RESPONSE_PATH);
    assert_eq!(note.json()["response_type"], "ephemeral");
    assert!(
        requests
            .iter()
            .all(|r| r.form().iter().all(|(_, v)| v != CHANNEL)),
        "nothing in the channel"
    );
}

fn menu(continuation: String) -> Reply {
    Reply::Prompt(Prompt::Menu(Menu {
        text: "Which site?".into(),
        choices: vec![Choice::same("ams01"), Choice::same("fra01")],
        next_offset: None,
        continuation,
    }))
}

#[tokio::test]
async fn a_menu_is_shown_to_the_asker_only() {
    let fake = FakeSlack::start().await;
    let mut to = ReplyContext {
        user: Some(USER.into()),
        ..in_channel(&fake)
    };
    fake.dispatcher().send(&to, &menu("tok".into())).await.unwrap();
    let body = fake.requests()[0].json();
    assert_eq!(body["response_type"], "ephemeral");
    assert_eq!(body["replace_original"], false);
    assert_eq!(body["blocks"][0]["accessory"]["action_id"], "tok");

    to.response_url = None;
    fake.dispatcher().send(&to, &menu("tok".into())).await.unwrap();
    let ours = &fake.requests()[1];
    assert_eq!(ours.path, "/api/chat.postEphemeral");
    assert_eq!(ours.json()["user"], USER);
    assert_eq!(
        ours.json()["blocks"][1]["elements"][0]["value"],
        blocks::CANCEL_VALUE
    );
}

#[tokio::test]
async fn a_menu_whose_state_is_too_long_tells_the_user_to_type_instead() {
    let fake = FakeSlack::start().await;
    let to = response_url_only(&fake);
    let err = fake
        .dispatcher()
        .send(&to, &menu("x".repeat(256)))
        .await
        .unwrap_err();
    assert!(matches!(err, DispatchError::Unsupported(_)), "{err:?}");
    let body = fake.requests()[0].json();
    assert_eq!(body["response_type"], "ephemeral");
    assert!(
        body["text"]
            .as_str()
            .unwrap()
            .contains("type the arguments instead"),
        "{body}"
    );
}

fn form() -> Reply {
    Reply::Prompt(Prompt::Form(Form {
        title: "Deploy".into(),
        fields: vec![Field {
            label: "Env".into(),
            kind: FieldKind::Select(vec![Choice::same("prod")]),
            default: None,
            optional: false,
        }],
        continuation: "tok".into(),
    }))
}

#[tokio::test]
async fn a_form_opens_a_modal_with_the_trigger() {
    let fake = FakeSlack::start().await;
    let to = ReplyContext {
        trigger_id: Some("13345224609.738474920.8088930838d88f008e0".into()),
        ..Default::default()
    };
    fake.dispatcher().send(&to, &form()).await.unwrap();
    let ours = &fake.requests()[0];
    assert_same_envelope(ours, &vector("views.open")[0]);
    let body = ours.json();
    assert_eq!(body["trigger_id"], "13345224609.738474920.8088930838d88f008e0");
    assert_eq!(body["view"]["type"], "modal");
    assert_eq!(body["view"]["callback_id"], blocks::FORM_CALLBACK_ID);
    assert_eq!(body["view"]["private_metadata"], "tok");
    assert_eq!(body["view"]["blocks"][0]["block_id"], "field-0");
}

#[tokio::test]
async fn a_form_without_a_trigger_or_whose_trigger_expired_is_explained() {
    let fake = FakeSlack::start().await;
    let mut to = response_url_only(&fake);
    let err = fake.dispatcher().send(&to, &form()).await.unwrap_err();
    assert!(matches!(err, DispatchError::Unsupported(_)), "{err:?}");
    assert_eq!(fake.paths(), [RESPONSE_PATH]);
    assert!(
        fake.requests()[0].json()["text"]
            .as_str()
            .unwrap()
            .contains("form")
    );

    to.trigger_id = Some("expired".into());
    fake.script(Scripted::new(
        StatusCode::OK,
        r#"{"ok":false,"error":"expired_trigger_id"}"#,
    ));
    let err = fake.dispatcher().send(&to, &form()).await.unwrap_err();
    assert!(
        matches!(&err, DispatchError::Rejected { error, .. } if error == "expired_trigger_id"),
        "{err:?}"
    );
    assert_eq!(fake.paths(), [RESPONSE_PATH, "/api/views.open", RESPONSE_PATH]);
    let told = fake.requests()[2].json();
    assert!(told["text"].as_str().unwrap().contains("3 seconds"), "{told}");
}
