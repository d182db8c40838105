//! The Connector client against a fake Connector and login endpoint
//! (wiremock), and against the requests the official client sent
//! (`testkit/vectors/teams.json` `outbound`).

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chatops_testkit::vectors;
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use super::*;

const TOKEN_PATH: &str = "/botframework.com/oauth2/v2.0/token";
const PASSWORD: &str = "app-password-not-to-leak";
const CONVERSATION: &str = "19:693ecdb923ac4458a5c23661b505fc84@thread.skype;messageid=1485983408511";
const ENCODED: &str = "19%3A693ecdb923ac4458a5c23661b505fc84%40thread.skype%3Bmessageid%3D1485983408511";
const ACTIVITY: &str = "1485983408511";

fn client(server: &MockServer) -> ConnectorClient {
    let tokens = TokenSource::new(
        Client::default(),
        server.uri(),
        "00000000-1111-2222-3333-444444444444".to_owned(),
        PASSWORD.to_owned(),
        None,
    );
    ConnectorClient::new(Client::default(), tokens).with_max_retry_wait(Duration::from_millis(10))
}

fn service_url(server: &MockServer) -> String {
    format!("{}/teams/", server.uri())
}

/// Answers `token-1`, `token-2`, … in turn (or always `fixed`).
struct Tokens(AtomicUsize, Option<&'static str>);

impl Respond for Tokens {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.0.fetch_add(1, Ordering::SeqCst) + 1;
        let token = self.1.map_or_else(|| format!("token-{n}"), str::to_owned);
        ResponseTemplate::new(200).set_body_json(json!({
            "token_type": "Bearer", "expires_in": 3600, "ext_expires_in": 3600, "access_token": token,
        }))
    }
}

async fn mount_tokens(server: &MockServer, fixed: Option<&'static str>, expect: u64) {
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(Tokens(AtomicUsize::new(0), fixed))
        .expect(expect)
        .mount(server)
        .await;
}

/// Answers each template in turn, then the last one again and again.
struct Sequence(Mutex<Vec<ResponseTemplate>>);

impl Sequence {
    fn new(mut answers: Vec<ResponseTemplate>) -> Self {
        answers.reverse();
        Sequence(Mutex::new(answers))
    }
}

impl Respond for Sequence {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let mut answers = self.0.lock().unwrap();
        if answers.len() > 1 {
            answers.pop().unwrap()
        } else {
            answers[0].clone()
        }
    }
}

/// A fake Connector answering `answers` in turn (then the last one again)
/// to every request, with one token, and a client of it.
async fn connector(answers: Vec<ResponseTemplate>) -> (MockServer, ConnectorClient) {
    let server = MockServer::start().await;
    mount_tokens(&server, None, 1).await;
    Mock::given(path_regex("^/teams/v3/"))
        .respond_with(Sequence::new(answers))
        .mount(&server)
        .await;
    let client = client(&server);
    (server, client)
}

/// `client` sends a message to [`CONVERSATION`] on `server`.
async fn send(client: &ConnectorClient, server: &MockServer) -> Result<Option<String>, DispatchError> {
    let message = json!({"type": "message"});
    client
        .send_to_conversation(&service_url(server), CONVERSATION, &message)
        .await
}

fn status(code: u16) -> ResponseTemplate {
    ResponseTemplate::new(code)
}

/// A `ResourceResponse` with `id`.
fn answer_id(id: &str) -> ResponseTemplate {
    status(200).set_body_json(json!({"id": id}))
}

/// An `ErrorResponse` with `code`.
fn error_response(code: u16, error: &str) -> ResponseTemplate {
    status(code).set_body_json(json!({"error": {"code": error, "message": "m"}}))
}

/// The requests `server` got, but for the token's.
async fn connector_requests(server: &MockServer) -> Vec<Request> {
    let requests = server.received_requests().await.unwrap();
    requests
        .into_iter()
        .filter(|r| r.url.path() != TOKEN_PATH)
        .collect()
}

fn assert_like_vector(request: &Request, captured: &Value) {
    assert_eq!(request.method.as_str(), captured["method"].as_str().unwrap());
    assert_eq!(request.url.path(), captured["path"].as_str().unwrap());
    for name in ["authorization", "content-type", "accept"] {
        let sent = request.headers.get(name).map(|v| v.to_str().unwrap());
        assert_eq!(sent, captured["headers"][name].as_str(), "{name}");
    }
    let body: Value = serde_json::from_slice(&request.body).unwrap();
    let expected_body: Value = serde_json::from_str(captured["body"].as_str().unwrap()).unwrap();
    assert_eq!(body, expected_body);
}

#[tokio::test]
async fn reply_and_send_are_the_official_clients_requests_with_one_token() {
    let vectors = vectors::file("teams");
    let outbound = &vectors["outbound"];
    let server = MockServer::start().await;
    mount_tokens(&server, Some("eyJ0eXAi.made-up.token"), 1).await;
    Mock::given(path_regex("^/teams/v3/conversations/"))
        .respond_with(answer_id("1485983408999"))
        .expect(4)
        .mount(&server)
        .await;
    let client = client(&server);

    let reply = &outbound["reply_to_activity"][0];
    let activity: Value = serde_json::from_str(reply["body"].as_str().unwrap()).unwrap();
    let conversation = activity["conversation"]["id"].as_str().unwrap();
    let reply_to = activity["replyToId"].as_str().unwrap();
    let sent = &outbound["send_to_conversation"][0];
    let proactive: Value = serde_json::from_str(sent["body"].as_str().unwrap()).unwrap();

    // With and without the trailing slash.
    for base in [service_url(&server), format!("{}/teams", server.uri())] {
        let replied = client.reply_to_activity(&base, conversation, reply_to, &activity);
        assert_eq!(replied.await.unwrap().as_deref(), Some("1485983408999"));
        let id = client.send_to_conversation(&base, conversation, &proactive);
        assert_eq!(id.await.unwrap().as_deref(), Some("1485983408999"));
    }

    let requests = connector_requests(&server).await;
    assert_eq!(requests.len(), 4);
    for pair in requests.chunks(2) {
        assert_like_vector(&pair[0], reply);
        assert_like_vector(&pair[1], sent);
    }
}

#[tokio::test]
async fn update_delete_and_create_conversation() {
    let server = MockServer::start().await;
    mount_tokens(&server, None, 1).await;
    let activity = format!("/teams/v3/conversations/{ENCODED}/activities/{ACTIVITY}");
    let created = status(201).set_body_json(json!({"id": "a:1private-chat", "activityId": "x"}));
    let put = Mock::given(method("PUT")).and(header("authorization", "Bearer token-1"));
    for (mock, answer) in [
        (put.and(path(&activity)), answer_id(ACTIVITY)),
        (Mock::given(method("DELETE")).and(path(&activity)), status(200)),
        (
            Mock::given(method("POST")).and(path("/teams/v3/conversations")),
            created,
        ),
    ] {
        mock.respond_with(answer).expect(1).mount(&server).await;
    }
    let client = client(&server);
    let base = service_url(&server);
    let done = json!({"type": "message", "text": "done"});
    let updated = client.update_activity(&base, CONVERSATION, ACTIVITY, &done);
    updated.await.unwrap();
    client
        .delete_activity(&base, CONVERSATION, ACTIVITY)
        .await
        .unwrap();
    let parameters =
        json!({"isGroup": false, "bot": {"id": "28:app"}, "members": [{"id": "29:user"}], "tenantId": "t"});
    let id = client.create_conversation(&base, &parameters).await.unwrap();
    assert_eq!(id, "a:1private-chat");
    let create = connector_requests(&server).await.pop().unwrap();
    assert_eq!(serde_json::from_slice::<Value>(&create.body).unwrap(), parameters);
}

#[tokio::test]
async fn create_conversation_without_an_id_is_an_error() {
    let (server, client) = connector(vec![status(200).set_body_json(json!({}))]).await;
    let base = service_url(&server);
    let err = client.create_conversation(&base, &json!({})).await.unwrap_err();
    assert!(matches!(err, DispatchError::Rejected { .. }), "{err:?}");
}

#[tokio::test]
async fn a_429_waits_retry_after_then_succeeds() {
    let limited = status(429).insert_header("retry-after", "1");
    let (server, client) = connector(vec![limited, answer_id("ok")]).await;
    let started = Instant::now();
    let id = send(&client.with_max_retry_wait(Duration::from_secs(5)), &server).await;
    assert_eq!(id.unwrap().as_deref(), Some("ok"));
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_secs(1), "{elapsed:?}");
    assert_eq!(connector_requests(&server).await.len(), 2);
}

#[tokio::test]
async fn passing_failures_are_retried_up_to_the_limit_and_others_not_at_all() {
    let tries = MAX_RETRIES + 1;
    let cases = [
        (
            "a 429 without Retry-After backs off",
            vec![status(429), status(429), answer_id("ok")],
            3,
            "id ok".to_owned(),
        ),
        (
            "412, 502 and 504 are retried",
            vec![status(412), status(502), status(504), answer_id("ok")],
            4,
            "id ok".to_owned(),
        ),
        (
            "gives up on 429 after the limit",
            vec![status(429).insert_header("retry-after", "0")],
            tries,
            format!("rate limited after {tries} attempts"),
        ),
        (
            "gives up on 502 after the limit",
            vec![error_response(502, "ServiceError")],
            tries,
            "502 ServiceError".to_owned(),
        ),
        (
            "a 413 is rejected without retrying",
            vec![error_response(413, "MessageSizeTooBig")],
            1,
            "413 MessageSizeTooBig".to_owned(),
        ),
    ];
    for (case, answers, requests, expected) in cases {
        let (server, client) = connector(answers).await;
        let outcome = match send(&client, &server).await {
            Ok(id) => format!("id {}", id.unwrap_or_default()),
            Err(DispatchError::RateLimited { attempts, .. }) => {
                format!("rate limited after {attempts} attempts")
            }
            Err(DispatchError::Rejected { status, error, .. }) => format!("{status} {error}"),
            Err(other) => format!("{other:?}"),
        };
        assert_eq!(outcome, expected, "{case}");
        let received = connector_requests(&server).await;
        assert_eq!(received.len(), requests as usize, "{case}");
    }
}

#[tokio::test]
async fn a_401_fetches_a_new_token_once() {
    let server = MockServer::start().await;
    mount_tokens(&server, None, 2).await;
    for (token, answer, requests) in [("token-1", status(401), 1), ("token-2", answer_id("ok"), 2)] {
        Mock::given(path_regex("^/teams/v3/"))
            .and(header("authorization", format!("Bearer {token}")))
            .respond_with(answer)
            .expect(requests)
            .mount(&server)
            .await;
    }
    let client = client(&server);
    for _ in 0..2 {
        let id = send(&client, &server).await.unwrap();
        assert_eq!(id.as_deref(), Some("ok"));
    }
}

#[tokio::test]
async fn a_second_401_is_an_error_without_the_token() {
    let server = MockServer::start().await;
    mount_tokens(&server, None, 2).await;
    Mock::given(path_regex("^/teams/v3/"))
        .respond_with(
            status(401)
                .insert_header("x-correlating-operationid", "op-1")
                .set_body_string("Authorization has been denied for this request. Bearer token-2"),
        )
        .expect(2)
        .mount(&server)
        .await;
    let err = send(&client(&server), &server).await.unwrap_err();
    assert!(
        matches!(err, DispatchError::Rejected { status: 401, .. }),
        "{err:?}"
    );
    let text = format!("{err} {err:?}");
    assert!(!text.contains("token-"), "{text}");
    assert!(!text.contains(PASSWORD), "{text}");
}

#[tokio::test]
async fn delete_404_is_rejected_with_the_code() {
    let not_found = error_response(404, "ActivityNotFoundInConversation").insert_header("ms-cv", "cv.1");
    let (server, client) = connector(vec![not_found]).await;
    let base = service_url(&server);
    let err = client
        .delete_activity(&base, CONVERSATION, ACTIVITY)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, DispatchError::Rejected { status: 404, error, .. } if error == "ActivityNotFoundInConversation"),
        "{err:?}"
    );
    let requests = connector_requests(&server).await;
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method.as_str(), "DELETE");
}

#[tokio::test]
async fn a_service_url_that_is_not_https_is_refused_before_any_request() {
    let server = MockServer::start().await;
    let client = client(&server);
    for base in [
        "http://smba.trafficmanager.net/teams/",
        "ftp://smba.trafficmanager.net/teams/",
        "https://user:pw@smba.trafficmanager.net/teams/",
        "https://smba.trafficmanager.net/teams/?x=1",
        "not a url",
    ] {
        let err = client
            .send_to_conversation(base, CONVERSATION, &json!({}))
            .await
            .unwrap_err();
        assert!(matches!(err, DispatchError::Unsupported(_)), "{base}: {err:?}");
        assert!(!err.to_string().contains("pw@"), "{err}");
        let err = client.delete_activity(base, CONVERSATION, "1").await.unwrap_err();
        assert!(matches!(err, DispatchError::Unsupported(_)), "{base}: {err:?}");
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[test]
fn urls_encode_ids_as_one_segment_each() {
    assert_eq!(percent_encode(CONVERSATION), ENCODED);
    assert_eq!(percent_encode("a/../b?c#d ~x"), "a%2F..%2Fb%3Fc%23d%20~x");
    let teams = "https://smba.trafficmanager.net/teams/";
    assert_eq!(
        conversations_url(teams, &[CONVERSATION, "activities"]).unwrap(),
        format!("{teams}v3/conversations/{ENCODED}/activities")
    );
    assert_eq!(
        conversations_url("https://smba.trafficmanager.net/amer", &[]).unwrap(),
        "https://smba.trafficmanager.net/amer/v3/conversations"
    );
    for loopback in ["http://127.0.0.1:8080/", "http://localhost/x/", "http://[::1]:1/"] {
        assert!(conversations_url(loopback, &[]).is_ok(), "{loopback}");
    }
    assert!(conversations_url("http://10.0.0.1/", &[]).is_err());
}

#[test]
fn error_codes_come_from_the_error_response() {
    let error = r#"{"error":{"code":"BadSyntax","message":"m"}}"#;
    assert_eq!(error_code(error), "BadSyntax");
    assert_eq!(error_code("<html>https://x/y</html>"), "(error body withheld)");
    assert_eq!(id_of(r#"{"id":""}"#), None);
    assert_eq!(id_of(""), None);
}
