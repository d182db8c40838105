//! A fake Kubernetes API server for kube's watcher, on tower-test's mock service.
//!
//! A list answers with the objects stored now. A watch is held open until the
//! test changes an object of its resource, and then answers with that one
//! event; kube's watcher then watches again from there. Because the watcher
//! only asks again once the events it yielded have been handled, "the next
//! watch request arrived" is a deterministic sign that the gateway has taken
//! the previous event in: tests wait for that, not for time to pass.

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use http::{Request, Response, StatusCode};
use kube::{Client, client::Body};
use serde::Serialize;
use serde_json::{Value, json};
use tokio::sync::watch;
use tower_test::mock::SendResponse;

/// The longest any step may take: a safety net, never a wait.
pub const TIMEOUT: Duration = Duration::from_secs(5);

/// The fake API server's handle for the test.
pub struct FakeApi {
    state: Arc<Mutex<State>>,
    log: watch::Receiver<Vec<String>>,
}

#[derive(Default)]
struct State {
    resource_version: u64,
    /// By plural (`configmaps`, `secrets`).
    resources: BTreeMap<String, Resource>,
}

#[derive(Default)]
struct Resource {
    /// By name.
    objects: BTreeMap<String, Value>,
    /// A watch request waiting for the next event.
    pending: Option<SendResponse<Response<Body>>>,
    /// Every event with its resourceVersion: a watch from version N is
    /// answered with those after N, as the API server does.
    history: Vec<(u64, Value)>,
    /// Requests to answer with a 500 before serving again.
    failures: usize,
}

impl FakeApi {
    /// A client talking to a new fake API server, and the server's handle.
    pub fn start() -> (Client, FakeApi) {
        let (service, mut handle) = tower_test::mock::pair::<Request<Body>, Response<Body>>();
        let state = Arc::new(Mutex::new(State::default()));
        let (log_tx, log) = watch::channel(Vec::new());
        let served = state.clone();
        tokio::spawn(async move {
            while let Some((request, send)) = handle.next_request().await {
                let uri = request.uri().clone();
                serve(&mut served.lock().unwrap(), &uri, send);
                log_tx.send_modify(|log| log.push(uri.to_string()));
            }
        });
        (Client::new(service, "default"), FakeApi { state, log })
    }

    /// Creates or replaces an object of `plural`, and tells a watch of it.
    pub fn put(&self, plural: &str, object: &impl Serialize) {
        let mut object = serde_json::to_value(object).unwrap();
        let mut state = self.state.lock().unwrap();
        state.resource_version += 1;
        let version = state.resource_version;
        object["metadata"]["resourceVersion"] = version.to_string().into();
        let name = object["metadata"]["name"].as_str().unwrap().to_owned();
        let resource = state.resources.entry(plural.to_owned()).or_default();
        let kind = match resource.objects.insert(name, object.clone()) {
            Some(_) => "MODIFIED",
            None => "ADDED",
        };
        resource.emit(version, json!({"type": kind, "object": object}));
    }

    /// Deletes an object of `plural`, and tells a watch of it.
    pub fn delete(&self, plural: &str, name: &str) {
        let mut state = self.state.lock().unwrap();
        state.resource_version += 1;
        let version = state.resource_version;
        let resource = state.resources.entry(plural.to_owned()).or_default();
        let mut object = resource.objects.remove(name).expect("the object exists");
        object["metadata"]["resourceVersion"] = version.to_string().into();
        resource.emit(version, json!({"type": "DELETED", "object": object}));
    }

    /// Answers the next `count` requests for `plural` with a 500.
    pub fn fail_next(&self, plural: &str, count: usize) {
        self.state
            .lock()
            .unwrap()
            .resources
            .entry(plural.to_owned())
            .or_default()
            .failures += count;
    }

    /// Every request so far, in order.
    pub fn requests(&self) -> Vec<String> {
        self.log.borrow().clone()
    }

    /// Waits until `count` requests matching `pred` have arrived.
    pub async fn wait_for(&self, count: usize, pred: impl Fn(&str) -> bool) {
        let mut log = self.log.clone();
        let seen = log.wait_for(|log| log.iter().filter(|uri| pred(uri)).count() >= count);
        if tokio::time::timeout(TIMEOUT, seen).await.is_err() {
            panic!("{count} requests did not arrive; got {:#?}", self.requests());
        }
    }

    /// Waits until `count` watch requests for `plural` have arrived: the
    /// watcher has taken every earlier event of that resource in.
    pub async fn wait_for_watches(&self, plural: &str, count: usize) {
        let path = format!("/{plural}?");
        self.wait_for(count, |uri| uri.contains(&path) && uri.contains("watch=true"))
            .await;
    }
}

impl Resource {
    fn emit(&mut self, version: u64, event: Value) {
        if let Some(send) = self.pending.take() {
            send.send_response(ok(lines(&[&event])));
        }
        self.history.push((version, event));
    }
}

fn serve(state: &mut State, uri: &http::Uri, send: SendResponse<Response<Body>>) {
    let plural = uri.path().rsplit('/').next().unwrap_or_default().to_owned();
    let resource_version = state.resource_version.to_string();
    let resource = state.resources.entry(plural.clone()).or_default();
    let query = uri.query().unwrap_or_default();
    if resource.failures > 0 {
        resource.failures -= 1;
        let status = json!({"kind": "Status", "apiVersion": "v1", "status": "Failure",
            "message": "the fake API server fails on purpose", "reason": "InternalError", "code": 500});
        let response = Response::builder()
            .status(StatusCode::INTERNAL_SERVER_ERROR)
            .body(Body::from(status.to_string().into_bytes()))
            .unwrap();
        send.send_response(response);
    } else if query.contains("watch=true") {
        let from: u64 = query
            .split('&')
            .find_map(|pair| pair.strip_prefix("resourceVersion="))
            .and_then(|version| version.parse().ok())
            .unwrap_or(0);
        let missed: Vec<&Value> = resource
            .history
            .iter()
            .filter(|(version, _)| *version > from)
            .map(|(_, event)| event)
            .collect();
        if missed.is_empty() {
            resource.pending = Some(send);
        } else {
            send.send_response(ok(lines(&missed)));
        }
    } else {
        let kind = match plural.as_str() {
            "configmaps" => "ConfigMapList",
            "secrets" => "SecretList",
            other => panic!("no list kind for {other}"),
        };
        let list = json!({
            "apiVersion": "v1", "kind": kind,
            "metadata": {"resourceVersion": resource_version},
            "items": resource.objects.values().collect::<Vec<_>>(),
        });
        send.send_response(ok(list.to_string()));
    }
}

fn lines(events: &[&Value]) -> String {
    events.iter().map(|event| format!("{event}\n")).collect()
}

fn ok(body: String) -> Response<Body> {
    Response::builder().body(Body::from(body.into_bytes())).unwrap()
}
