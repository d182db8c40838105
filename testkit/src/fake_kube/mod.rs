//! A small in-memory Kubernetes API server on axum, for running the operator
//! (and kube's watcher and lease manager) against a real `kube::Client`.
//!
//! It answers what those clients send the way kube-apiserver does, refusals
//! included, so that a test passing here means something on a cluster:
//! objects vanish (DELETE), a stale write is refused (409), a write that
//! changes nothing is not a change, server-side apply tracks who owns which
//! field, lists come in pages, history runs out (410) and the server restarts.
//!
//! - `request.rs`: requests as the server routes them, refusals as `Status`;
//! - `store.rs`: objects, resource versions, generations, the bounded history;
//! - `write.rs`: create, replace, patches, apply and delete, with their checks;
//! - `apply.rs`: server-side apply's field ownership and conflicts;
//! - `list.rs`: lists, paging, resource version semantics, selectors;
//! - `watch.rs`: watch streams, 410 Expired, bookmarks, timeouts;
//! - `faults.rs`: injected refusals, restarts, and a crash point for writes;

mod apply;
mod faults;
mod list;
mod request;
mod store;
mod watch;
mod write;

use std::{
    collections::BTreeMap,
    future::Future,
    sync::{Arc, Mutex, MutexGuard, PoisonError},
    time::Duration,
};

use axum::{
    Router,
    body::{Body, Bytes},
    extract::State as AxumState,
    http::{HeaderMap, Method, StatusCode, Uri, header},
    response::{IntoResponse, Response},
};
pub use faults::{Fault, FaultId};
use request::{Failure, Request};
use serde_json::{Value, json};

/// One write (POST, PUT, PATCH, DELETE) the fake answered.
#[derive(Clone, Debug)]
pub struct Write {
    pub method: Method,
    /// Path and query.
    pub uri: String,
    /// The JSON (or apply YAML) body; `null` when there was none.
    pub body: Value,
    /// The `x-fake-client` header of the request: which client sent it
    /// (see [`FakeApi::client_named`]).
    pub client: Option<String>,
    /// The status code of the answer (a 409 is a write that did not happen).
    pub status: StatusCode,
}

/// The header naming the client of a request.
const CLIENT_HEADER: &str = "x-fake-client";

type Shared = Arc<Mutex<State>>;

#[derive(Default)]
struct State {
    store: store::Store,
    faults: faults::Faults,
    writes: Vec<Write>,
}

fn lock(shared: &Shared) -> MutexGuard<'_, State> {
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The handle the test keeps.
#[derive(Clone)]
pub struct FakeApi {
    state: Shared,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
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
        let state = Shared::default();
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

    /// A client like [`FakeApi::client`] whose requests carry
    /// `x-fake-client: NAME`, so its writes can be told from another's.
    pub fn client_named(&self, name: &str) -> kube::Client {
        let mut config = kube::Config::new(self.url.parse().unwrap());
        config.default_namespace = "chatops".to_owned();
        config.headers.push((
            axum::http::HeaderName::from_static(CLIENT_HEADER),
            name.parse().unwrap(),
        ));
        kube::Client::try_from(config).unwrap()
    }

    /// Creates or updates an object in `collection` as a GitOps tool does: a
    /// forced server-side apply by the field manager `gitops`. Its `status` is
    /// ignored for chatops.dev kinds; applying the same object again changes
    /// nothing. (Its `uid` and `creationTimestamp`, when creating, are kept.)
    pub fn put(&self, collection: &str, object: Value) {
        let name = object["metadata"]["name"].as_str().expect("a name");
        let uri = format!("{collection}/{name}?fieldManager=gitops&force=true");
        let mut request =
            Request::parse(Method::PATCH, &uri.parse().unwrap(), &HeaderMap::new(), b"").unwrap();
        request.content_type = "application/apply-patch+yaml".to_owned();
        request.body = object;
        write::write(&mut lock(&self.state).store, &request).expect("the object applies");
    }

    /// The stored object, if any.
    pub fn get(&self, collection: &str, name: &str) -> Option<Value> {
        lock(&self.state)
            .store
            .get(collection, name)
            .map(|s| s.object.clone())
    }

    /// Every stored object of `collection`, by name.
    pub fn list(&self, collection: &str) -> Vec<Value> {
        let state = lock(&self.state);
        let objects = state.store.collections.get(collection);
        objects
            .map(|c| c.objects.values().map(|s| s.object.clone()).collect())
            .unwrap_or_default()
    }

    /// Deletes an object as `kubectl delete` does; returns its last state
    /// (as the DELETED event carries it), or `None` if there was none.
    pub fn delete(&self, collection: &str, name: &str) -> Option<Value> {
        lock(&self.state)
            .store
            .commit(collection, name, None, BTreeMap::new())
    }

    /// Who owns which field of an object, as `metadata.managedFields` would
    /// say: `"MANAGER (Apply|Update[, status])"` to dotted field paths.
    pub fn managed_fields(&self, collection: &str, name: &str) -> BTreeMap<String, Vec<String>> {
        let state = lock(&self.state);
        let Some(stored) = state.store.get(collection, name) else {
            return BTreeMap::new();
        };
        let owners = stored.owners.iter();
        owners
            .map(|(key, paths)| (key.clone(), paths.iter().map(apply::dotted).collect()))
            .collect()
    }

    /// The current resource version (etcd's revision): the last write's.
    pub fn resource_version(&self) -> u64 {
        lock(&self.state).store.rv
    }

    /// Every write answered so far, in order.
    pub fn writes(&self) -> Vec<Write> {
        lock(&self.state).writes.clone()
    }

    /// Forgets the history before now, as etcd's compaction does: a watch
    /// or a continue token from an older version is answered 410 from now on.
    pub fn compact(&self) {
        lock(&self.state).store.compact();
    }

    /// Restarts the API server: every open watch stream ends, and the new
    /// server's history starts after the current version, so a watcher
    /// resuming from its last version is answered 410 and lists again.
    pub fn restart(&self) {
        self.restart_for(Duration::ZERO);
    }

    /// [`FakeApi::restart`], and the server stays down for `down`: every
    /// connection is cut (counted in [`FakeApi::refused`]).
    pub fn restart_for(&self, down: Duration) {
        let mut state = lock(&self.state);
        state.store.restart();
        state.faults.down_for(down);
    }

    /// Refuses the requests `fault` matches until it is removed
    /// ([`FakeApi::unfail`], [`FakeApi::heal`]).
    pub fn fail(&self, fault: Fault) -> FaultId {
        lock(&self.state).faults.add(fault)
    }

    /// Removes one fault.
    pub fn unfail(&self, id: FaultId) {
        lock(&self.state).faults.remove(id);
    }

    /// Removes every fault and ends a restart's downtime.
    pub fn heal(&self) {
        lock(&self.state).faults.heal();
    }

    /// How many requests faults and downtime refused so far.
    pub fn refused(&self) -> usize {
        lock(&self.state).faults.refused
    }

    /// How many requests one fault refused so far.
    pub fn refused_by(&self, id: FaultId) -> usize {
        lock(&self.state).faults.refused_by(id)
    }

    /// A crash point: the next `n` writes are served, and every write after
    /// them is held (no answer, no effect) until [`FakeApi::release`]. The
    /// future resolves once a write is held, so the test can stop its client
    /// there: the client "died" between write `n` and write `n + 1`.
    pub fn hold_writes_after(&self, n: usize) -> impl Future<Output = ()> + Send + use<> {
        lock(&self.state).faults.hold_after(n)
    }

    /// Ends the hold: the held writes' connections are cut; they never apply.
    pub fn release(&self) {
        lock(&self.state).faults.release();
    }

    /// How many watch streams are open.
    pub fn open_watches(&self) -> usize {
        let mut state = lock(&self.state);
        state.store.watches.retain(|w| !w.is_closed());
        state.store.watches.len()
    }

    /// Waits until no write arrived for `quiet` (at most 10 s); returns the
    /// number of writes.
    pub async fn settled(&self, quiet: Duration) -> usize {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        let mut count = self.writes().len();
        loop {
            tokio::time::sleep(quiet).await;
            let now = self.writes().len();
            if now == count {
                return count;
            }
            assert!(tokio::time::Instant::now() < deadline, "the writes never settled");
            count = now;
        }
    }

    /// Polls `check` every 20 ms until it returns `Some`, for at most 30 s.
    ///
    /// The deadline only bounds a test that is failing: a debug build syncing
    /// 500 grants on a loaded 2-core machine once took 9 s, too close to 10.
    pub async fn eventually<T>(&self, what: &str, mut check: impl FnMut(&FakeApi) -> Option<T>) -> T {
        let found = crate::wait::within(Duration::from_secs(30), || check(self)).await;
        found.unwrap_or_else(|| {
            let writes: Vec<String> = self
                .writes()
                .iter()
                .map(|w| format!("{} {} {}", w.method, w.uri, w.status))
                .collect();
            panic!("timed out waiting for {what}; writes so far: {writes:#?}")
        })
    }
}

fn json_response(code: StatusCode, body: &Value) -> Response {
    (
        code,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// An object as a metadata-only request (`as=PartialObjectMetadata`) gets it.
fn metadata_only(object: &Value) -> Value {
    json!({"apiVersion": "meta.k8s.io/v1", "kind": "PartialObjectMetadata", "metadata": object["metadata"]})
}

async fn handle(
    AxumState(shared): AxumState<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request = match Request::parse(method, &uri, &headers, &body) {
        Ok(request) => request,
        Err(failure) => return failure.into_response(),
    };
    let held = {
        let mut state = lock(&shared);
        if state.faults.down() {
            return cut();
        }
        if let Some(refusal) = state.faults.refuse(&request) {
            return refusal.into_response();
        }
        request.is_write().then(|| state.faults.hold()).flatten()
    };
    if let Some(released) = held {
        released.await;
        return cut();
    }
    let mut state = lock(&shared);
    let answer = match (&request.method, &request.name) {
        (&Method::GET, None) if request.param("watch") == Some("true") => {
            return watch::start(&shared, &mut state.store, &request);
        }
        (&Method::GET, None) => {
            return list::list(&state.store, &request).map_or_else(Failure::into_response, |list| {
                json_response(StatusCode::OK, &list)
            });
        }
        (&Method::GET, Some(name)) => get(&state.store, &request, name),
        _ if request.is_write() => {
            let answer = write::write(&mut state.store, &request);
            let status = answer
                .as_ref()
                .map_or_else(|failure| failure.code, |(code, _)| *code);
            state.writes.push(Write {
                method: request.method.clone(),
                uri: request.uri.clone(),
                body: request.body.clone(),
                client: request.client.clone(),
                status,
            });
            answer
        }
        _ => Err(Failure::not_allowed()),
    };
    match answer {
        Ok((code, object)) if request.metadata_only => json_response(code, &metadata_only(&object)),
        Ok((code, object)) => json_response(code, &object),
        Err(failure) => failure.into_response(),
    }
}

/// No answer: the connection is closed before a status line, as by a server
/// that died or is down. (A 503 would not do: kube's client retries 429, 503
/// and 504 by itself.)
fn cut() -> Response {
    let failing = futures::stream::once(async { Err::<Bytes, _>(std::io::Error::other("cut")) });
    (StatusCode::INTERNAL_SERVER_ERROR, Body::from_stream(failing)).into_response()
}

fn get(store: &store::Store, request: &Request, name: &str) -> Result<(StatusCode, Value), Failure> {
    let stored = store.get(&request.collection, name);
    let stored = stored.ok_or_else(|| request.not_found(name))?;
    match request.sub.as_deref() {
        Some("status") if store::has_status(&request.collection) => {
            Ok((StatusCode::OK, stored.object.clone()))
        }
        None => Ok((StatusCode::OK, stored.object.clone())),
        Some(_) => Err(Failure::no_such_path()),
    }
}
