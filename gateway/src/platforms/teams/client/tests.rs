//! The Connector client against a fake Connector and login endpoint
//! (wiremock), and against the requests the official client sent
//! (`shared/vectors/teams.json` `outbound`).

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use super::*;

const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/vectors/teams.json");
const TOKEN_PATH: &str = "/botframework.com/oauth2/v2.0/token";
const PASSWORD: &str = "app-password-not-to-leak";
const CONVERSATION: &str = "19:693ecdb923ac4458a5c23661b505fc84@thread.skype;messageid=1485983408511";
const ENCODED: &str = "19%3A693ecdb923ac4458a5c23661b505fc84%40thread.skype%3Bmessageid%3D1485983408511";

fn vectors() -> Value {
    let text = std::fs::read_to_string(VECTORS).unwrap_or_else(|e| panic!("{VECTORS}: {e}"));
    serde_json::from_str(&text).expect("teams.json is JSON")
}

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

/// A `ResourceResponse` with id `ok`.
fn answer_id() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"id": "ok"}))
}

/// An `ErrorResponse` with `code`.
fn error_response(status: u16, code: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({"error": {"code": code, "message": "m"}}))
}

fn connector_requests(requests: &[Request]) -> Vec<&Request> {
    requests.iter().filter(|r| r.url.path() != TOKEN_PATH).collect()
}

fn assert_like_vector(request: &Request, captured: &Value) {
    assert_eq!(request.method.as_str(), captured["method"].as_str().unwrap());
    assert_eq!(request.url.path(), captured["path"].as_str().unwrap());
    let header = |name: &str| request.headers.get(name).map(|v| v.to_str().unwrap().to_owned());
    let expected = &captured["headers"];
    assert_eq!(
        header("authorization").as_deref(),
        expected["authorization"].as_str()
    );
    assert_eq!(
        header("content-type").as_deref(),
        expected["content-type"].as_str()
    );
    assert_eq!(header("accept").as_deref(), expected["accept"].as_str());
    let body: Value = serde_json::from_slice(&request.body).unwrap();
    let expected_body: Value = serde_json::from_str(captured["body"].as_str().unwrap()).unwrap();
    assert_eq!(body, expected_body);
}

#[tokio::test]
async fn reply_and_send_are_the_official_clients_requests_with_one_token() {
    let vectors = vectors();
    let outbound = &vectors["outbound"];
    let server = MockServer::start().await;
    mount_tokens(&server, Some("eyJ0eXAi.made-up.token"), 1).await;
    Mock::given(path_regex("^/teams/v3/conversations/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "1485983408999"})))
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
        let id = client
            .reply_to_activity(&base, conversation, reply_to, &activity)
            .await
            .unwrap();
        assert_eq!(id.as_deref(), Some("1485983408999"));
        let id = client
            .send_to_conversation(&base, conversation, &proactive)
            .await
            .unwrap();
        assert_eq!(id.as_deref(), Some("1485983408999"));
    }

    let requests = server.received_requests().await.unwrap();
    let requests = connector_requests(&requests);
    assert_eq!(requests.len(), 4);
    for pair in requests.chunks(2) {
        assert_like_vector(pair[0], reply);
        assert_like_vector(pair[1], sent);
    }
}

#[tokio::test]
async fn update_delete_and_create_conversation() {
    let server = MockServer::start().await;
    mount_tokens(&server, None, 1).await;
    Mock::given(method("PUT"))
        .and(path(format!(
            "/teams/v3/conversations/{ENCODED}/activities/1485983408511"
        )))
        .and(header("authorization", "Bearer token-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "1485983408511"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!(
            "/teams/v3/conversations/{ENCODED}/activities/1485983408511"
        )))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/teams/v3/conversations"))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(json!({"id": "a:1private-chat", "activityId": "x"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let base = service_url(&server);
    client
        .update_activity(
            &base,
            CONVERSATION,
            "1485983408511",
            &json!({"type": "message", "text": "done"}),
        )
        .await
        .unwrap();
    client
        .delete_activity(&base, CONVERSATION, "1485983408511")
        .await
        .unwrap();
    let parameters =
        json!({"isGroup": false, "bot": {"id": "28:app"}, "members": [{"id": "29:user"}], "tenantId": "t"});
    let id = client.create_conversation(&base, &parameters).await.unwrap();
    assert_eq!(id, "a:1private-chat");
    let requests = server.received_requests().await.unwrap();
    let create = connector_requests(&requests).into_iter().last().unwrap();
    assert_eq!(serde_json::from_slice::<Value>(&create.body).unwrap(), parameters);
}

#[tokio::test]
async fn create_conversation_without_an_id_is_an_error() {
    let (server, client) = connector(vec![ResponseTemplate::new(200).set_body_json(json!({}))]).await;
    let err = client
        .create_conversation(&service_url(&server), &json!({}))
        .await
        .unwrap_err();
    assert!(matches!(err, DispatchError::Rejected { .. }), "{err:?}");
}

#[tokio::test]
async fn a_429_waits_retry_after_then_succeeds() {
    let (server, client) = connector(vec![
        ResponseTemplate::new(429).insert_header("retry-after", "1"),
        answer_id(),
    ])
    .await;
    let started = Instant::now();
    let id = client
        .with_max_retry_wait(Duration::from_secs(5))
        .send_to_conversation(&service_url(&server), CONVERSATION, &json!({"type": "message"}))
        .await
        .unwrap();
    assert_eq!(id.as_deref(), Some("ok"));
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        connector_requests(&server.received_requests().await.unwrap()).len(),
        2
    );
}

#[tokio::test]
async fn passing_failures_are_retried_up_to_the_limit_and_others_not_at_all() {
    let tries = MAX_RETRIES + 1;
    let cases = [
        (
            "a 429 without Retry-After backs off",
            vec![
                ResponseTemplate::new(429),
                ResponseTemplate::new(429),
                answer_id(),
            ],
            3,
            "id ok".to_owned(),
        ),
        (
            "412, 502 and 504 are retried",
            vec![
                ResponseTemplate::new(412),
                ResponseTemplate::new(502),
                ResponseTemplate::new(504),
                answer_id(),
            ],
            4,
            "id ok".to_owned(),
        ),
        (
            "gives up on 429 after the limit",
            vec![ResponseTemplate::new(429).insert_header("retry-after", "0")],
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
        let result = client
            .send_to_conversation(&service_url(&server), CONVERSATION, &json!({"type": "message"}))
            .await;
        let outcome = match result {
            Ok(id) => format!("id {}", id.unwrap_or_default()),
            Err(DispatchError::RateLimited { attempts, .. }) => {
                format!("rate limited after {attempts} attempts")
            }
            Err(DispatchError::Rejected { status, error, .. }) => format!("{status} {error}"),
            Err(other) => format!("{other:?}"),
        };
        assert_eq!(outcome, expected, "{case}");
        let received = server.received_requests().await.unwrap();
        assert_eq!(connector_requests(&received).len(), requests as usize, "{case}");
    }
}

#[tokio::test]
async fn a_401_fetches_a_new_token_once() {
    let server = MockServer::start().await;
    mount_tokens(&server, None, 2).await;
    Mock::given(path_regex("^/teams/v3/"))
        .and(header("authorization", "Bearer token-1"))
        .respond_with(ResponseTemplate::new(401))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path_regex("^/teams/v3/"))
        .and(header("authorization", "Bearer token-2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "ok"})))
        .expect(2)
        .mount(&server)
        .await;
    let client = client(&server);
    let base = service_url(&server);
    for _ in 0..2 {
        let id = client
            .send_to_conversation(&base, CONVERSATION, &json!({}))
            .await
            .unwrap();
        assert_eq!(id.as_deref(), Some("ok"));
    }
}

#[tokio::test]
async fn a_second_401_is_an_error_without_the_token() {
    let server = MockServer::start().await;
    mount_tokens(&server, None, 2).await;
    Mock::given(path_regex("^/teams/v3/"))
        .respond_with(
            ResponseTemplate::new(401)
                .insert_header("x-correlating-operationid", "op-1")
                .set_body_string("Authorization has been denied for this request. Bearer token-2"),
        )
        .expect(2)
        .mount(&server)
        .await;
    let err = client(&server)
        .send_to_conversation(&service_url(&server), CONVERSATION, &json!({}))
        .await
        .unwrap_err();
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
    let err = client
        .delete_activity(&service_url(&server), CONVERSATION, "1485983408511")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, DispatchError::Rejected { status: 404, error, .. } if error == "ActivityNotFoundInConversation"),
        "{err:?}"
    );
    let received = server.received_requests().await.unwrap();
    let requests = connector_requests(&received);
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
    assert_eq!(
        conversations_url(
            "https://smba.trafficmanager.net/teams/",
            &[CONVERSATION, "activities"]
        )
        .unwrap(),
        format!("https://smba.trafficmanager.net/teams/v3/conversations/{ENCODED}/activities")
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
    assert_eq!(
        error_code(r#"{"error":{"code":"BadSyntax","message":"m"}}"#),
        "BadSyntax"
    );
    assert_eq!(error_code("<html>https://x/y</html>"), "(error body withheld)");
    assert_eq!(id_of(r#"{"id":""}"#), None);
    assert_eq!(id_of(""), None);
}
