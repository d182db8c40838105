//! Recording Kubernetes Events: the shell around [`crate::events`]' pure
//! decisions.
//!
//! Events go to `events.k8s.io/v1` through kube's [`Recorder`], which folds a
//! repeat of the same Event into a series instead of a new object. A failed
//! Event is logged and dropped: the status conditions carry the same news, and
//! an Event must never stop a render.

use chatops_crds::{GROUP, ObjectKey, VERSION};
use k8s_openapi::api::core::v1::ObjectReference;
use kube::{
    Client,
    runtime::events::{Event, EventType as KubeEventType, Recorder, Reporter},
};

use crate::events::{EventSpec, EventType};

/// The controller name Events are reported under.
pub const CONTROLLER: &str = "chatops-operator";

/// Publishes Events for the operator. Cheap to clone; clones share the series cache.
#[derive(Clone)]
pub struct EventRecorder {
    recorder: Recorder,
}

impl EventRecorder {
    /// A recorder reporting as `chatops-operator`, from the pod `instance` when known.
    pub fn new(client: Client, instance: Option<String>) -> Self {
        let reporter = Reporter {
            controller: CONTROLLER.to_owned(),
            instance,
        };
        Self {
            recorder: Recorder::new(client, reporter),
        }
    }

    /// Records `spec` on the object `regarding`. Failures are logged, not returned.
    pub async fn record(&self, regarding: &ObjectReference, spec: &EventSpec) {
        let event = Event {
            type_: match spec.type_ {
                EventType::Normal => KubeEventType::Normal,
                EventType::Warning => KubeEventType::Warning,
            },
            reason: spec.reason.clone(),
            note: Some(truncate_note(&spec.note)),
            action: spec.action.to_owned(),
            secondary: None,
        };
        if let Err(error) = self.recorder.publish(&event, regarding).await {
            tracing::warn!(
                %error,
                reason = %spec.reason,
                object = ?regarding.name,
                "could not record an Event"
            );
        }
    }
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
    use http::{Request, Response};
    use kube::client::Body;

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
    async fn an_event_is_created_on_the_resource_it_is_about() {
        let (service, mut handle) = tower_test::mock::pair::<Request<Body>, Response<Body>>();
        let recorder = EventRecorder::new(Client::new(service, "default"), Some("operator-0".into()));
        let object = ObjectKey::new(Kind::AccessGrant, "chatops", "netops");
        let spec = EventSpec {
            type_: EventType::Warning,
            reason: "PlatformNotFound".into(),
            action: "Compile",
            note: "spec.platform names the ChatPlatform \"teams\", which does not exist".into(),
        };

        let api_server = tokio::spawn(async move {
            let (request, send) = handle.next_request().await.expect("one request");
            assert_eq!(request.method(), http::Method::POST);
            assert_eq!(
                request.uri().path(),
                "/apis/events.k8s.io/v1/namespaces/chatops/events"
            );
            let body = request.into_body().collect_bytes().await.unwrap();
            let event: serde_json::Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(event["type"], "Warning");
            assert_eq!(event["reason"], "PlatformNotFound");
            assert_eq!(event["action"], "Compile");
            assert_eq!(event["reportingController"], "chatops-operator");
            assert_eq!(event["reportingInstance"], "operator-0");
            assert_eq!(event["regarding"]["kind"], "AccessGrant");
            assert_eq!(event["regarding"]["apiVersion"], "chatops.dev/v1alpha1");
            assert_eq!(event["regarding"]["name"], "netops");
            send.send_response(Response::builder().body(Body::from(body.to_vec())).unwrap());
        });
        recorder.record(&resource_reference(&object, None), &spec).await;
        tokio::time::timeout(std::time::Duration::from_secs(1), api_server)
            .await
            .unwrap()
            .unwrap();
    }
}
