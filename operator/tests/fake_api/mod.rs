//! A small in-memory Kubernetes API server on axum, for running the
//! operator's main loop in-process.
//!
//! Objects are kept per collection path (`/api/v1/namespaces/chatops/secrets`).
//! A list answers with the objects stored now and the current resource
//! version; a watch streams, newline-delimited, every event after the version
//! it asks for and then every later one as it happens (held open). Server-side
//! apply stores the patch (a `/status` patch merges its `status` into the stored
//! object, conditions by type) and emits MODIFIED, so the loop sees its own
//! writes as the real API server would show them. Every write is recorded.

pub mod objects;

use std::{
    collections::BTreeMap,
    convert::Infallible,
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    Router,
    body::{Body, Bytes},
    extract::State as AxumState,
    http::{HeaderMap, Method, StatusCode, Uri, header},
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};
use tokio::sync::mpsc;

/// One write the fake received.
#[derive(Clone, Debug)]
pub struct Write {
    /// PATCH or POST.
    pub method: Method,
    /// Path and query.
    pub uri: String,
    /// The JSON body.
    pub body: Value,
    /// The `x-fake-client` header of the request: which client sent it
    /// (see [`FakeApi::client_named`]).
    #[allow(dead_code, reason = "not every test tells clients apart")]
    pub client: Option<String>,
}

/// The header naming the client of a request.
const CLIENT_HEADER: &str = "x-fake-client";

/// The handle the test keeps.
#[derive(Clone)]
pub struct FakeApi {
    state: Arc<Mutex<State>>,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
}

#[derive(Default)]
struct State {
    resource_version: u64,
    collections: BTreeMap<String, Collection>,
    writes: Vec<Write>,
}

#[derive(Default)]
struct Collection {
    objects: BTreeMap<String, Value>,
    history: Vec<(u64, Value)>,
    watchers: Vec<(bool, mpsc::UnboundedSender<Value>)>,
}

impl Collection {
    fn emit(&mut self, version: u64, type_: &str, object: &Value) {
        let event = json!({"type": type_, "object": object});
        self.watchers.retain(|(metadata_only, sender)| {
            let event = if *metadata_only {
                metadata_event(&event)
            } else {
                event.clone()
            };
            sender.send(event).is_ok()
        });
        self.history.push((version, event));
    }
}

/// A request path split at `namespaces/NS/PLURAL[/NAME[/SUB]]`.
struct Target {
    collection: String,
    plural: String,
    name: Option<String>,
    sub: Option<String>,
}

fn parse(path: &str) -> Option<Target> {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let at = segments.iter().position(|s| *s == "namespaces")?;
    let plural = (*segments.get(at + 2)?).to_owned();
    Some(Target {
        collection: format!("/{}", segments[..at + 3].join("/")),
        plural,
        name: segments.get(at + 3).map(|s| (*s).to_owned()),
        sub: segments.get(at + 4).map(|s| (*s).to_owned()),
    })
}

/// The collection path of a chatops.dev kind's plural in `chatops`.
pub fn chatops(plural: &str) -> String {
    format!("/apis/chatops.dev/v1alpha1/namespaces/chatops/{plural}")
}

/// The collection path of a core kind's plural in `chatops`.
pub fn core(plural: &str) -> String {
    format!("/api/v1/namespaces/chatops/{plural}")
}

impl FakeApi {
    /// Starts the server on 127.0.0.1:0.
    pub async fn start() -> FakeApi {
        let state = Arc::new(Mutex::new(State::default()));
        let app = Router::new().fallback(handle).with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        FakeApi { state, url }
    }

    /// A client of this server, default namespace `chatops`.
    pub fn client(&self) -> kube::Client {
        let mut config = kube::Config::new(self.url.parse().unwrap());
        config.default_namespace = "chatops".to_owned();
        kube::Client::try_from(config).unwrap()
    }

    /// A client of this server like [`FakeApi::client`] whose requests carry
    /// `x-fake-client: NAME`, so its writes can be told from another's.
    #[allow(dead_code, reason = "not every test tells clients apart")]
    pub fn client_named(&self, name: &str) -> kube::Client {
        let mut config = kube::Config::new(self.url.parse().unwrap());
        config.default_namespace = "chatops".to_owned();
        config.headers.push((
            axum::http::HeaderName::from_static(CLIENT_HEADER),
            name.parse().unwrap(),
        ));
        kube::Client::try_from(config).unwrap()
    }

    /// Creates or replaces an object in `collection` (as a GitOps sync
    /// would), and tells its watches.
    pub fn put(&self, collection: &str, mut object: Value) {
        let mut state = self.state.lock().unwrap();
        state.resource_version += 1;
        let version = state.resource_version;
        let name = object["metadata"]["name"].as_str().unwrap().to_owned();
        object["metadata"]["resourceVersion"] = version.to_string().into();
        let entry = state.collections.entry(collection.to_owned()).or_default();
        let type_ = match entry.objects.insert(name, object.clone()) {
            Some(_) => "MODIFIED",
            None => "ADDED",
        };
        entry.emit(version, type_, &object);
    }

    /// The stored object, if any.
    pub fn get(&self, collection: &str, name: &str) -> Option<Value> {
        let state = self.state.lock().unwrap();
        state.collections.get(collection)?.objects.get(name).cloned()
    }

    /// Every stored object of `collection`.
    pub fn list(&self, collection: &str) -> Vec<Value> {
        let state = self.state.lock().unwrap();
        state
            .collections
            .get(collection)
            .map(|c| c.objects.values().cloned().collect())
            .unwrap_or_default()
    }

    /// Every write so far, in order.
    pub fn writes(&self) -> Vec<Write> {
        self.state.lock().unwrap().writes.clone()
    }

    /// Polls `check` every 20 ms until it returns `Some`, for at most 10 s.
    pub async fn eventually<T>(&self, what: &str, mut check: impl FnMut(&FakeApi) -> Option<T>) -> T {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(found) = check(self) {
                return found;
            }
            if tokio::time::Instant::now() > deadline {
                let writes: Vec<String> = self
                    .writes()
                    .iter()
                    .map(|w| format!("{} {}", w.method, w.uri))
                    .collect();
                panic!("timed out waiting for {what}; writes so far: {writes:#?}");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

fn status_response(code: StatusCode, reason: &str, message: &str) -> Response {
    let body = json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "reason": reason, "message": message, "code": code.as_u16()});
    (
        code,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn json_response(code: StatusCode, body: &Value) -> Response {
    (
        code,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn metadata_only(object: &Value) -> Value {
    json!({"apiVersion": "meta.k8s.io/v1", "kind": "PartialObjectMetadata", "metadata": object["metadata"]})
}

fn metadata_event(event: &Value) -> Value {
    json!({"type": event["type"], "object": metadata_only(&event["object"])})
}

fn list_kind(plural: &str) -> String {
    let singular = match plural {
        "chatplatforms" => "ChatPlatform",
        "accessgrants" => "AccessGrant",
        "accountlinks" => "AccountLink",
        "integrations" => "Integration",
        "secrets" => "Secret",
        "configmaps" => "ConfigMap",
        "events" => "Event",
        other => other,
    };
    format!("{singular}List")
}

fn query_param<'a>(query: &'a str, key: &str) -> Option<&'a str> {
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix(key).and_then(|rest| rest.strip_prefix('=')))
}

/// Merges a `/status` patch: conditions by type, other fields replaced.
fn merge_status(stored: &mut Value, patch: &Value) {
    if !stored["status"].is_object() {
        stored["status"] = json!({});
    }
    let Some(fields) = patch.as_object() else { return };
    for (key, value) in fields {
        if key == "conditions" {
            let mut conditions = stored["status"]["conditions"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            for condition in value.as_array().into_iter().flatten() {
                match conditions.iter_mut().find(|c| c["type"] == condition["type"]) {
                    Some(existing) => *existing = condition.clone(),
                    None => conditions.push(condition.clone()),
                }
            }
            stored["status"]["conditions"] = Value::Array(conditions);
        } else {
            stored["status"][key] = value.clone();
        }
    }
}

/// JSON merge patch (RFC 7386).
fn merge(target: &mut Value, patch: &Value) {
    match patch.as_object() {
        Some(fields) => {
            if !target.is_object() {
                *target = json!({});
            }
            for (key, value) in fields {
                if value.is_null() {
                    target.as_object_mut().unwrap().remove(key);
                } else {
                    merge(&mut target[key], value);
                }
            }
        }
        None => *target = patch.clone(),
    }
}

async fn handle(
    AxumState(state): AxumState<Arc<Mutex<State>>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(target) = parse(uri.path()) else {
        return status_response(StatusCode::NOT_FOUND, "NotFound", "no such path");
    };
    let query = uri.query().unwrap_or_default();
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let wants_metadata = accept.contains("as=PartialObjectMetadata");
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let mut state = state.lock().unwrap();
    if method == Method::PATCH || method == Method::POST || method == Method::PUT {
        state.writes.push(Write {
            method: method.clone(),
            uri: uri.to_string(),
            body: body.clone(),
            client: headers
                .get(CLIENT_HEADER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
        });
    }
    let current = state.resource_version;
    match (method, target.name.as_deref()) {
        (Method::GET, None) if query_param(query, "watch") == Some("true") => {
            let from: u64 = query_param(query, "resourceVersion")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            let collection = state.collections.entry(target.collection).or_default();
            let (sender, receiver) = mpsc::unbounded_channel();
            for (_, event) in collection.history.iter().filter(|(v, _)| *v > from) {
                let event = if wants_metadata {
                    metadata_event(event)
                } else {
                    event.clone()
                };
                sender.send(event).unwrap();
            }
            collection.watchers.push((wants_metadata, sender));
            let stream = futures::stream::unfold(receiver, |mut receiver| async move {
                let event = receiver.recv().await?;
                Some((Ok::<_, Infallible>(Bytes::from(format!("{event}\n"))), receiver))
            });
            Response::builder()
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from_stream(stream))
                .unwrap()
        }
        (Method::GET, None) => {
            let collection = state.collections.entry(target.collection).or_default();
            let (api_version, kind, items): (&str, String, Vec<Value>) = if wants_metadata {
                let items = collection.objects.values().map(metadata_only).collect();
                ("meta.k8s.io/v1", "PartialObjectMetadataList".to_owned(), items)
            } else {
                let api_version = if uri.path().starts_with("/api/v1") {
                    "v1"
                } else {
                    "chatops.dev/v1alpha1"
                };
                (
                    api_version,
                    list_kind(&target.plural),
                    collection.objects.values().cloned().collect(),
                )
            };
            let list = json!({"kind": kind, "apiVersion": api_version,
                "metadata": {"resourceVersion": current.to_string()}, "items": items});
            json_response(StatusCode::OK, &list)
        }
        (Method::GET, Some(name)) => {
            match state
                .collections
                .get(&target.collection)
                .and_then(|c| c.objects.get(name))
            {
                Some(object) => json_response(StatusCode::OK, object),
                None => status_response(
                    StatusCode::NOT_FOUND,
                    "NotFound",
                    &format!("{} \"{name}\" not found", target.plural),
                ),
            }
        }
        (Method::POST, None) => {
            state.resource_version += 1;
            let version = state.resource_version;
            let mut object = body;
            if object["metadata"]["name"].as_str().is_none() {
                let prefix = object["metadata"]["generateName"]
                    .as_str()
                    .unwrap_or("x")
                    .to_owned();
                object["metadata"]["name"] = format!("{prefix}{version}").into();
            }
            let name = object["metadata"]["name"].as_str().unwrap().to_owned();
            object["metadata"]["resourceVersion"] = version.to_string().into();
            let collection = state.collections.entry(target.collection).or_default();
            if collection.objects.contains_key(&name) {
                return status_response(StatusCode::CONFLICT, "AlreadyExists", "already exists");
            }
            collection.objects.insert(name, object.clone());
            collection.emit(version, "ADDED", &object);
            json_response(StatusCode::CREATED, &object)
        }
        (Method::PATCH, Some(name)) => {
            let content_type = headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            state.resource_version += 1;
            let version = state.resource_version;
            let collection = state.collections.entry(target.collection).or_default();
            let existing = collection.objects.get(name).cloned();
            let object = match (target.sub.as_deref(), existing) {
                (Some("status"), Some(mut stored)) => {
                    merge_status(&mut stored, &body["status"]);
                    stored
                }
                (Some(_), None) => {
                    return status_response(StatusCode::NOT_FOUND, "NotFound", &format!("{name} not found"));
                }
                (_, Some(mut stored)) if !content_type.contains("apply-patch") => {
                    merge(&mut stored, &body);
                    stored
                }
                (_, existing) => {
                    // Server-side apply by the only manager: the applied object.
                    let mut object = body;
                    object["metadata"]["name"] = name.into();
                    if let Some(uid) = existing.as_ref().map(|e| e["metadata"]["uid"].clone()) {
                        object["metadata"]["uid"] = uid;
                    }
                    object
                }
            };
            let mut object = object;
            object["metadata"]["resourceVersion"] = version.to_string().into();
            let type_ = if collection
                .objects
                .insert(name.to_owned(), object.clone())
                .is_some()
            {
                "MODIFIED"
            } else {
                "ADDED"
            };
            collection.emit(version, type_, &object);
            json_response(StatusCode::OK, &object)
        }
        _ => status_response(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            "not supported",
        ),
    }
}
