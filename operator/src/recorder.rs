//! Recording Kubernetes Events: the shell around [`crate::events`]' pure
//! decisions.
//!
//! Events go to `events.k8s.io/v1`. The same Event (same object, reason and
//! note) recorded again within a few minutes becomes a series on the first
//! one instead of a new object, as kubelet does. Unlike kube's own recorder,
//! the note is part of what makes an Event the same: "3 grants added" and
//! "1 grant removed" are two stories, not one told twice. A failed Event is
//! logged and dropped: the status conditions carry the same news, and an Event
//! must never stop a render.
//!
//! An Event that announces a change ([`EventRecorder::announce`]) is told
//! exactly once instead: it has a name derived from the change
//! ([`crate::events::event_name`]), so a second create finds it (409
//! AlreadyExists) whether this process or an earlier one told it, and the
//! names told recently are remembered, so a retry does not even ask.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use chatops_crds::{GROUP, ObjectKey, VERSION};
use k8s_openapi::{
    api::{
        core::v1::ObjectReference,
        events::v1::{Event, EventSeries},
    },
    apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta},
    jiff::{SignedDuration, Timestamp},
};
use kube::{
    Api, Client,
    api::{Patch, PatchParams, PostParams},
};
use serde_json::json;

use crate::events::{EventSpec, EventType};

/// The controller name Events are reported under.
pub const CONTROLLER: &str = "chatops-operator";

/// How long a repeat of an Event extends its series rather than creating a new one.
const SERIES_WINDOW: SignedDuration = SignedDuration::from_mins(6);

/// What makes two Events the same.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct SeriesKey {
    regarding: (Option<String>, Option<String>, Option<String>, Option<String>),
    type_: &'static str,
    reason: String,
    action: &'static str,
    note: String,
}

/// An Event already created, to extend.
#[derive(Clone, Debug)]
struct Series {
    namespace: String,
    name: String,
    count: i32,
    last: Timestamp,
}

/// How long an announced Event's name is remembered: the API server keeps
/// Events an hour by default, after which a repeat could not be found anyway.
const ANNOUNCED_FOR: SignedDuration = SignedDuration::from_hours(1);

/// Whether an announcement was sent now or found told.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Announced {
    /// Created now.
    Told,
    /// Told before: remembered here, or found by the API server (409).
    AlreadyTold,
}

/// Publishes Events for the operator. Cheap to clone; clones share the series cache.
#[derive(Clone)]
pub struct EventRecorder {
    client: Client,
    instance: String,
    series: Arc<Mutex<HashMap<SeriesKey, Series>>>,
    announced: Arc<Mutex<HashMap<(String, String), Timestamp>>>,
}

impl EventRecorder {
    /// A recorder reporting as `chatops-operator`, from the pod `instance` when known.
    pub fn new(client: Client, instance: Option<String>) -> Self {
        Self {
            client,
            instance: instance.unwrap_or_else(|| CONTROLLER.to_owned()),
            series: Arc::default(),
            announced: Arc::default(),
        }
    }

    /// Tells `spec` about `regarding` once, as the Event `name` (see the
    /// module's doc). An error is returned, not logged: the caller retries
    /// it, and counts it.
    pub async fn announce(
        &self,
        regarding: &ObjectReference,
        spec: &EventSpec,
        name: &str,
    ) -> Result<Announced, kube::Error> {
        let namespace = regarding
            .namespace
            .clone()
            .unwrap_or_else(|| "default".to_owned());
        let key = (namespace.clone(), name.to_owned());
        let now = Timestamp::now();
        {
            let mut announced = lock(&self.announced);
            announced.retain(|_, at| *at + ANNOUNCED_FOR > now);
            if announced.contains_key(&key) {
                return Ok(Announced::AlreadyTold);
            }
        }
        let event = self.event(regarding, spec, &namespace, name, now);
        let events: Api<Event> = Api::namespaced(self.client.clone(), &namespace);
        let told = match events.create(&PostParams::default(), &event).await {
            Ok(_) => Announced::Told,
            Err(kube::Error::Api(status)) if status.code == 409 => Announced::AlreadyTold,
            Err(error) => return Err(error),
        };
        lock(&self.announced).insert(key, now);
        Ok(told)
    }

    fn event(
        &self,
        regarding: &ObjectReference,
        spec: &EventSpec,
        namespace: &str,
        name: &str,
        now: Timestamp,
    ) -> Event {
        Event {
            metadata: ObjectMeta {
                name: Some(name.to_owned()),
                namespace: Some(namespace.to_owned()),
                ..Default::default()
            },
            event_time: Some(MicroTime(now)),
            type_: Some(type_name(spec.type_).to_owned()),
            reason: Some(spec.reason.clone()),
            action: Some(spec.action.to_owned()),
            note: Some(truncate_note(&spec.note)),
            regarding: Some(regarding.clone()),
            reporting_controller: Some(CONTROLLER.to_owned()),
            reporting_instance: Some(self.instance.clone()),
            ..Default::default()
        }
    }

    /// Records `spec` on the object `regarding`. Failures are logged, not returned.
    pub async fn record(&self, regarding: &ObjectReference, spec: &EventSpec) {
        if let Err(error) = self.publish(regarding, spec).await {
            tracing::warn!(
                %error,
                reason = %spec.reason,
                object = ?regarding.name,
                "could not record an Event"
            );
        }
    }

    async fn publish(&self, regarding: &ObjectReference, spec: &EventSpec) -> Result<(), kube::Error> {
        let now = Timestamp::now();
        let type_ = type_name(spec.type_);
        let note = truncate_note(&spec.note);
        let key = SeriesKey {
            regarding: (
                regarding.kind.clone(),
                regarding.namespace.clone(),
                regarding.name.clone(),
                regarding.uid.clone(),
            ),
            type_,
            reason: spec.reason.clone(),
            action: spec.action,
            note: note.clone(),
        };
        let repeat = {
            let mut series = lock(&self.series);
            series.retain(|_, s| s.last + SERIES_WINDOW > now);
            series.get_mut(&key).map(|s| {
                s.count += 1;
                s.last = now;
                s.clone()
            })
        };
        if let Some(series) = repeat {
            let events: Api<Event> = Api::namespaced(self.client.clone(), &series.namespace);
            let patch =
                json!({"series": EventSeries { count: series.count, last_observed_time: MicroTime(now) }});
            events
                .patch(&series.name, &PatchParams::default(), &Patch::Merge(&patch))
                .await?;
            return Ok(());
        }

        let namespace = regarding
            .namespace
            .clone()
            .unwrap_or_else(|| "default".to_owned());
        let name = format!(
            "{}.{:x}",
            regarding.name.as_deref().unwrap_or(CONTROLLER),
            now.as_nanosecond()
        );
        let event = self.event(regarding, spec, &namespace, &name, now);
        let events: Api<Event> = Api::namespaced(self.client.clone(), &namespace);
        events.create(&PostParams::default(), &event).await?;
        let mut series = lock(&self.series);
        series.insert(
            key,
            Series {
                namespace,
                name,
                count: 1,
                last: now,
            },
        );
        Ok(())
    }
}

fn type_name(type_: EventType) -> &'static str {
    match type_ {
        EventType::Normal => "Normal",
        EventType::Warning => "Warning",
    }
}

fn lock<V>(mutex: &Mutex<V>) -> std::sync::MutexGuard<'_, V> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The reference an Event on a chatops.dev resource points at. `uid` ties the
/// Event to this incarnation of the object; it is optional because
/// `kubectl describe` also matches by kind, namespace and name.
pub fn resource_reference(object: &ObjectKey, uid: Option<String>) -> ObjectReference {
    ObjectReference {
        api_version: Some(format!("{GROUP}/{VERSION}")),
        kind: Some(object.kind.as_str().to_owned()),
        namespace: Some(object.namespace.clone()),
        name: Some(object.name.clone()),
        uid,
        ..Default::default()
    }
}

/// The API server refuses an Event note over 1 kB; keep the start, which says what happened.
fn truncate_note(note: &str) -> String {
    const LIMIT: usize = 1024;
    if note.len() <= LIMIT {
        return note.to_owned();
    }
    let mut end = LIMIT - 3;
    while !note.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &note[..end])
}

#[cfg(test)]
mod tests {
    use chatops_crds::Kind;

    use super::*;

    #[test]
    fn long_notes_are_cut_at_a_character_boundary_under_the_api_limit() {
        let note = "é".repeat(800);
        let cut = truncate_note(&note);
        assert!(cut.len() <= 1024);
        assert!(cut.ends_with("..."));
        assert_eq!(truncate_note("short"), "short");
    }

    #[tokio::test]
    async fn the_same_event_again_extends_a_series_and_a_new_note_is_a_new_event() {
        let (client, mut api) = crate::fixtures::mock_client();
        let recorder = EventRecorder::new(client, None);
        let regarding = resource_reference(&ObjectKey::new(Kind::AccountLink, "chatops", "bob"), None);
        let failed = |note: &str| EventSpec {
            type_: EventType::Warning,
            reason: "LookupFailed".into(),
            action: "Lookup",
            note: note.into(),
        };
        let server = tokio::spawn(async move {
            let first = api.ok().await;
            assert_eq!(first.method, http::Method::POST);
            let name = first.body["metadata"]["name"].as_str().unwrap().to_owned();
            let repeat = api.ok().await;
            assert_eq!(repeat.method, http::Method::PATCH);
            assert_eq!(
                repeat.uri,
                format!("/apis/events.k8s.io/v1/namespaces/chatops/events/{name}?")
            );
            assert_eq!(repeat.body["series"]["count"], 2);
            let other = api.ok().await;
            assert_eq!(other.method, http::Method::POST);
            assert_eq!(other.body["note"], "Slack is down");
            api
        });
        recorder.record(&regarding, &failed("users_not_found")).await;
        recorder.record(&regarding, &failed("users_not_found")).await;
        recorder.record(&regarding, &failed("Slack is down")).await;
        server.await.unwrap().no_more_requests().await;
    }

    #[tokio::test]
    async fn an_event_is_created_on_the_resource_it_is_about() {
        let (client, mut api) = crate::fixtures::mock_client();
        let recorder = EventRecorder::new(client, Some("operator-0".into()));
        let object = ObjectKey::new(Kind::AccessGrant, "chatops", "netops");
        let spec = EventSpec {
            type_: EventType::Warning,
            reason: "PlatformNotFound".into(),
            action: "Compile",
            note: "spec.platform names the ChatPlatform \"teams\", which does not exist".into(),
        };

        let server = tokio::spawn(async move {
            let seen = api.ok().await;
            assert_eq!(seen.method, http::Method::POST);
            assert_eq!(
                seen.uri.split('?').next(),
                Some("/apis/events.k8s.io/v1/namespaces/chatops/events")
            );
            let event = &seen.body;
            assert_eq!(event["type"], "Warning");
            assert_eq!(event["reason"], "PlatformNotFound");
            assert_eq!(event["action"], "Compile");
            assert_eq!(event["reportingController"], "chatops-operator");
            assert_eq!(event["reportingInstance"], "operator-0");
            assert_eq!(event["regarding"]["kind"], "AccessGrant");
            assert_eq!(event["regarding"]["apiVersion"], "chatops.dev/v1alpha1");
            assert_eq!(event["regarding"]["name"], "netops");
            api
        });
        recorder.record(&resource_reference(&object, None), &spec).await;
        server.await.unwrap().no_more_requests().await;
    }
}
