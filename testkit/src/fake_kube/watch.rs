//! Watch streams, as kube-apiserver's watch cache serves them.
//!
//! kube's watcher sends `?watch=true&timeoutSeconds=290&allowWatchBookmarks=true
//! &resourceVersion=RV` (plus its selectors) with the version of its last list,
//! event or bookmark. The answer is 200 and newline-delimited events:
//! - every change after RV, then each later one as it happens; RV `0` or
//!   empty first sends ADDED for every object;
//! - RV older than the kept history: one `ERROR` event with a 410 `Expired`
//!   Status, then the end of the stream (not an HTTP 410: the watch cache
//!   answers this way, and kube's watcher relists on `code: 410` in an event);
//! - with a selector, a change that moves an object out of it is DELETED and
//!   into it ADDED, as the real server translates them;
//! - `BOOKMARK` events (only `metadata.resourceVersion`) after a second
//!   without events, so an idle watcher keeps a fresh version to resume from;
//! - the stream ends after `timeoutSeconds`, and when the server restarts.

use std::{convert::Infallible, time::Duration};

use axum::{
    body::{Body, Bytes},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};
use tokio::{sync::mpsc, time::Instant};

use super::{
    Failure, Request, Shared,
    list::{Selector, api_version, kind},
    lock, metadata_only,
    store::{Change, Store},
};

/// Idle time after which a watch asking for bookmarks gets one.
const BOOKMARK_AFTER: Duration = Duration::from_secs(1);

/// The server's end of one open watch.
pub(super) struct Sink {
    collection: String,
    selector: Selector,
    metadata_only: bool,
    sender: mpsc::UnboundedSender<Value>,
}

impl Sink {
    pub fn is_closed(&self) -> bool {
        self.sender.is_closed()
    }
}

/// The event a watch with `selector` sees for `change`, if any.
fn event(change: &Change, selector: &Selector, metadata: bool) -> Option<Value> {
    let was = change
        .before
        .as_ref()
        .is_some_and(|before| selector.matches(before));
    let is = change.type_ != "DELETED" && selector.matches(&change.object);
    let type_ = match (was, is) {
        (true, true) => "MODIFIED",
        (false, true) => "ADDED",
        (true, false) => "DELETED",
        (false, false) => return None,
    };
    let object = if metadata {
        metadata_only(&change.object)
    } else {
        change.object.clone()
    };
    Some(json!({"type": type_, "object": object}))
}

/// Tells every watch of `collection` about `change`; forgets the watches whose client left.
pub(super) fn emit(sinks: &mut Vec<Sink>, collection: &str, change: &Change) {
    sinks.retain(|sink| {
        if sink.collection != collection {
            return !sink.is_closed();
        }
        match event(change, &sink.selector, sink.metadata_only) {
            Some(event) => sink.sender.send(event).is_ok(),
            None => !sink.is_closed(),
        }
    });
}

/// Answers a watch request.
pub(super) fn start(shared: &Shared, store: &mut Store, request: &Request) -> Response {
    let selector = match Selector::parse(request) {
        Ok(selector) => selector,
        Err(failure) => return failure.into_response(),
    };
    let from = request.param("resourceVersion").unwrap_or_default();
    let (sender, receiver) = mpsc::unbounded_channel();
    let metadata = request.metadata_only;
    if from.is_empty() || from == "0" {
        let objects = store.collections.get(&request.collection).map(|c| &c.objects);
        for stored in objects
            .into_iter()
            .flat_map(|o| o.values())
            .filter(|s| selector.matches(&s.object))
        {
            let object = if metadata {
                metadata_only(&stored.object)
            } else {
                stored.object.clone()
            };
            let _ = sender.send(json!({"type": "ADDED", "object": object}));
        }
    } else {
        let Ok(from) = from.parse::<u64>() else {
            return Failure::bad_request(format!("invalid resourceVersion {from}")).into_response();
        };
        match store.changes_since(&request.collection, from) {
            Ok(changes) => {
                for event in changes.into_iter().filter_map(|c| event(c, &selector, metadata)) {
                    let _ = sender.send(event);
                }
            }
            Err(horizon) => {
                let gone = Failure::new(
                    StatusCode::GONE,
                    format!("too old resource version: {from} ({horizon})"),
                );
                let _ = sender.send(json!({"type": "ERROR", "object": gone.reason("Expired").body()}));
                // The sender drops here: the stream ends after the error.
                return stream(shared, receiver, request, false);
            }
        }
    }
    store.watches.push(Sink {
        collection: request.collection.clone(),
        selector,
        metadata_only: metadata,
        sender,
    });
    stream(shared, receiver, request, true)
}

/// The response streaming a watch's events; `open`: registered for changes (not ended by an error).
fn stream(
    shared: &Shared,
    receiver: mpsc::UnboundedReceiver<Value>,
    request: &Request,
    open: bool,
) -> Response {
    let bookmarks = open && request.param("allowWatchBookmarks") == Some("true");
    let timeout = request
        .param("timeoutSeconds")
        .and_then(|t| t.parse().ok())
        .map(Duration::from_secs);
    let deadline = timeout.map(|timeout| Instant::now() + timeout);
    let (api_version, kind) = if request.metadata_only {
        ("meta.k8s.io/v1".to_owned(), "PartialObjectMetadata".to_owned())
    } else {
        (api_version(&request.collection), kind(&request.plural))
    };
    let shared = shared.clone();
    let state = (receiver, shared);
    let events = futures::stream::unfold(state, move |(mut receiver, shared)| {
        let (api_version, kind) = (api_version.clone(), kind.clone());
        async move {
            let until_deadline = async {
                match deadline {
                    Some(deadline) => tokio::time::sleep_until(deadline).await,
                    None => std::future::pending().await,
                }
            };
            // The next event, or `None`: the stream ends.
            let next = tokio::select! {
                event = receiver.recv() => event,
                () = until_deadline => None,
                () = tokio::time::sleep(BOOKMARK_AFTER), if bookmarks => {
                    // Under the lock no change is being sent, so an empty queue
                    // means this watch has seen every change up to the current version.
                    let store = &lock(&shared).store;
                    match receiver.try_recv() {
                        Ok(event) => Some(event),
                        Err(mpsc::error::TryRecvError::Empty) => Some(json!({"type": "BOOKMARK",
                            "object": {"kind": kind, "apiVersion": api_version,
                                "metadata": {"resourceVersion": store.rv.to_string()}}})),
                        Err(mpsc::error::TryRecvError::Disconnected) => None,
                    }
                }
            };
            let line = Bytes::from(format!("{}\n", next?));
            Some((Ok::<_, Infallible>(line), (receiver, shared)))
        }
    });
    Response::builder()
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from_stream(events))
        .unwrap()
}
