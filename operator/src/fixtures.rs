//! Objects as the API server stores them, for the operator's tests: typed
//! builders for the four kinds and Secrets, and a mock API server that checks
//! each request the operator sends, in order (the `ApiServerVerifier` pattern
//! of kube-rs's controller-rs).

use std::time::Duration;

use chatops_crds::Kind;
use http::{Request, Response, StatusCode};
use k8s_openapi::api::core::v1::Secret;
use kube::{Client, api::DynamicObject, client::Body};
use serde_json::{Value, json};
use tower_test::mock::Handle;

/// An object of `kind` as stored: namespace `chatops`, a uid, generation 1,
/// created at `created` (RFC 3339), with `status` as given.
pub fn stored(kind: Kind, name: &str, created: &str, spec: Value, status: Value) -> DynamicObject {
    serde_json::from_value(json!({
        "apiVersion": "chatops.dev/v1alpha1",
        "kind": kind.as_str(),
        "metadata": {
            "name": name, "namespace": "chatops", "uid": format!("uid-{name}"),
            "generation": 1, "resourceVersion": "1", "creationTimestamp": created,
        },
        "spec": spec,
        "status": status,
    }))
    .expect("a valid object")
}

/// A Slack ChatPlatform named `slack` reading the Secret `slack`.
pub fn slack_platform() -> (Kind, DynamicObject) {
    let spec = json!({"type": "slack", "slack": {
        "signingSecretRef": {"name": "slack", "key": "signing-secret"},
        "botTokenRef": {"name": "slack", "key": "bot-token"},
    }});
    (
        Kind::ChatPlatform,
        stored(
            Kind::ChatPlatform,
            "slack",
            "2026-11-01T00:00:00Z",
            spec,
            json!({}),
        ),
    )
}

/// A Nautobot Integration answering to `command`, its token in the Secret `secret`.
pub fn nautobot_integration(name: &str, command: &str, secret: &str, created: &str) -> (Kind, DynamicObject) {
    let spec = json!({"type": "nautobot", "command": command, "endpoint": "http://nautobot:8080",
        "credentials": {"tokenRef": {"name": secret, "key": "token"}}});
    (
        Kind::Integration,
        stored(Kind::Integration, name, created, spec, json!({})),
    )
}

/// A grant of every command to the Slack user `user`.
pub fn user_grant(name: &str, user: &str) -> (Kind, DynamicObject) {
    let spec = json!({"command": "*", "subcommand": "*", "grantType": "user", "name": name, "value": user});
    (
        Kind::AccessGrant,
        stored(Kind::AccessGrant, name, "2026-11-01T00:00:00Z", spec, json!({})),
    )
}

/// The object with `condition` stored as its `Ready` condition.
pub fn with_ready(
    mut object: (Kind, DynamicObject),
    condition: &chatops_crds::Condition,
) -> (Kind, DynamicObject) {
    object.1.data["status"] =
        json!({"conditions": [condition], "observedGeneration": condition.observed_generation});
    object
}

/// A Secret in `chatops` with string values.
pub fn secret(name: &str, pairs: &[(&str, &str)]) -> Secret {
    serde_json::from_value(json!({
        "apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": name, "namespace": "chatops", "resourceVersion": "7"},
        "data": pairs.iter().map(|(k, v)| (k.to_string(), Value::from(base64(v.as_bytes())))).collect::<serde_json::Map<_, _>>(),
    }))
    .expect("a valid Secret")
}

fn base64(bytes: &[u8]) -> String {
    // k8s-openapi's ByteString serialises as standard base64; reuse it rather than add a crate.
    serde_json::to_value(k8s_openapi::ByteString(bytes.to_vec()))
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// A mock API server: a client whose requests `ApiServerVerifier` answers.
pub fn mock_client() -> (Client, ApiServerVerifier) {
    let (service, handle) = tower_test::mock::pair::<Request<Body>, Response<Body>>();
    (Client::new(service, "default"), ApiServerVerifier(handle))
}

/// One request the operator sent, with its decoded body.
#[derive(Debug)]
pub struct Seen {
    /// Method.
    pub method: http::Method,
    /// Path and query.
    pub uri: String,
    /// Content type, when sent.
    pub content_type: Option<String>,
    /// The JSON body (Null when empty).
    pub body: Value,
}

/// Answers the operator's requests one by one and lets the test inspect each.
pub struct ApiServerVerifier(Handle<Request<Body>, Response<Body>>);

impl ApiServerVerifier {
    /// Waits (up to a second) for the next request and answers it with `status`
    /// and `response`; `None` echoes the request body (what SSA returns, near enough).
    pub async fn answer(&mut self, status: StatusCode, response: Option<Value>) -> Seen {
        self.answer_after(status, response, || {}).await
    }

    /// Like [`Self::answer`], running `meanwhile` after the request arrived and
    /// before it is answered: what happens in the cluster while a write is in flight.
    pub async fn answer_after(
        &mut self,
        status: StatusCode,
        response: Option<Value>,
        meanwhile: impl FnOnce(),
    ) -> Seen {
        let (request, send) = tokio::time::timeout(Duration::from_secs(1), self.0.next_request())
            .await
            .expect("the operator sent a request in time")
            .expect("the client is alive");
        let seen = Seen {
            method: request.method().clone(),
            uri: request.uri().to_string(),
            content_type: request
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            body: {
                let bytes = request.into_body().collect_bytes().await.expect("a body");
                serde_json::from_slice(&bytes).unwrap_or(Value::Null)
            },
        };
        let body = response.unwrap_or_else(|| seen.body.clone());
        meanwhile();
        send.send_response(
            Response::builder()
                .status(status)
                .body(Body::from(serde_json::to_vec(&body).expect("JSON")))
                .expect("a response"),
        );
        seen
    }

    /// Answers the next request with 200 and its own body.
    pub async fn ok(&mut self) -> Seen {
        self.answer(StatusCode::OK, None).await
    }

    /// Answers the next request with a Kubernetes 404 Status.
    pub async fn not_found(&mut self) -> Seen {
        let status = json!({"kind": "Status", "apiVersion": "v1", "status": "Failure",
            "reason": "NotFound", "code": 404, "message": "not found"});
        self.answer(StatusCode::NOT_FOUND, Some(status)).await
    }

    /// Answers the next request with a Kubernetes Status of `status`, as the
    /// API server refuses a request (`Forbidden`, `AlreadyExists`, …).
    pub async fn refuse(&mut self, status: StatusCode, reason: &str) -> Seen {
        let body = json!({"kind": "Status", "apiVersion": "v1", "status": "Failure",
            "reason": reason, "code": status.as_u16(), "message": format!("refused: {reason}")});
        self.answer(status, Some(body)).await
    }

    /// Asserts the operator sends nothing more (within 100 ms).
    pub async fn no_more_requests(mut self) {
        let next = tokio::time::timeout(Duration::from_millis(100), self.0.next_request()).await;
        if let Ok(Some((request, _))) = next {
            panic!("unexpected request {} {}", request.method(), request.uri());
        }
    }
}
