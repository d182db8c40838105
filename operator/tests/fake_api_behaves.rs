//! The fake API server behaves as kube-apiserver does where the operator's
//! tests depend on it: each test drives it with a real `kube::Client` (kube's
//! `Api`, its watcher and reflector, kube-lease-manager) and checks one
//! behaviour a cluster has: deletes, 409 on stale writes, no-op writes,
//! generations, pages, 410 after compaction, restarts, selectors, server-side
//! apply conflicts, leader election, injected failures and held writes.

#[allow(dead_code, reason = "each test binary uses some of the objects")]
mod objects;

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::http::{Method, StatusCode};
use chatops_testkit::{
    fake_kube::{FakeApi, Fault, core},
    texts_of,
};
use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::{coordination::v1::Lease, core::v1::ConfigMap, events::v1::Event as KubeEvent};
use kube::{
    Api, ResourceExt,
    api::{
        ApiResource, DeleteParams, DynamicObject, ListParams, Patch, PatchParams, PostParams, WatchEvent,
        WatchParams,
    },
    core::Status,
    runtime::{
        WatchStreamExt,
        reflector::{self, store::Writer},
        watcher::{self, Event, watcher},
    },
};
use kube_lease_manager::LeaseManagerBuilder;
use objects::user_grant;
use serde_json::{Value, json};
use tokio::{task::JoinHandle, time::Instant};

const GRANTS: &str = "/apis/chatops.dev/v1alpha1/namespaces/chatops/accessgrants";

fn grant_resource() -> ApiResource {
    ApiResource::erase::<chatops_crds::AccessGrant>(&())
}

fn grants(fake: &FakeApi) -> Api<DynamicObject> {
    Api::namespaced_with(fake.client(), "chatops", &grant_resource())
}

fn config_maps(fake: &FakeApi) -> Api<ConfigMap> {
    Api::namespaced(fake.client(), "chatops")
}

/// A ConfigMap as an apply (or create) sends it.
fn config_map(name: &str, data: Value) -> ConfigMap {
    serde_json::from_value(json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": "chatops"}, "data": data}))
    .unwrap()
}

/// An AccessGrant with a label.
fn labelled(name: &str, user: &str, team: Option<&str>) -> Value {
    let mut grant = user_grant(name, user);
    if let Some(team) = team {
        grant["metadata"]["labels"] = json!({"team": team});
    }
    grant
}

/// The Status of a request the fake refused.
fn refusal<T: std::fmt::Debug>(result: kube::Result<T>) -> Box<Status> {
    match result {
        Err(kube::Error::Api(status)) => status,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn data(config_map: &ConfigMap) -> Value {
    serde_json::to_value(config_map.data.clone().unwrap_or_default()).unwrap()
}

/// A watcher and reflector over AccessGrants, as the operator runs them
/// (with `default_backoff`), driven in the background: its store, and what
/// it emitted, in order.
struct Watching {
    store: reflector::Store<DynamicObject>,
    events: Arc<Mutex<Vec<String>>>,
    task: JoinHandle<()>,
}

/// A fake API server holding a user grant `name` → `user` for each pair.
async fn holding(grants: &[(&str, &str)]) -> FakeApi {
    let fake = FakeApi::start().await;
    for (name, user) in grants {
        fake.put(GRANTS, user_grant(name, user));
    }
    fake
}

impl Watching {
    fn start(fake: &FakeApi, config: watcher::Config) -> Watching {
        let writer = Writer::new(grant_resource());
        let store = writer.as_reader();
        let events: Arc<Mutex<Vec<String>>> = Arc::default();
        let stream = reflector::reflector(writer, watcher(grants(fake), config).default_backoff());
        let seen = events.clone();
        let task = tokio::spawn(async move {
            let mut stream = std::pin::pin!(stream);
            while let Some(event) = stream.next().await {
                let event = match event {
                    Ok(Event::Init) => "Init".to_owned(),
                    Ok(Event::InitApply(object)) => format!("InitApply {}", object.name_any()),
                    Ok(Event::InitDone) => "InitDone".to_owned(),
                    Ok(Event::Apply(object)) => format!("Apply {}", object.name_any()),
                    Ok(Event::Delete(object)) => format!("Delete {}", object.name_any()),
                    Err(error) => format!("Error {error}"),
                };
                seen.lock().unwrap().push(event);
            }
        });
        Watching { store, events, task }
    }

    /// [`Watching::start`], once the watcher has listed what there is.
    async fn listed(fake: &FakeApi, config: watcher::Config) -> Watching {
        let watching = Watching::start(fake, config);
        watching.until(fake, "InitDone", 1).await;
        watching
    }

    fn events(&self) -> Vec<String> {
        self.events.lock().unwrap().clone()
    }

    fn count(&self, event: &str) -> usize {
        self.events().iter().filter(|e| e.starts_with(event)).count()
    }

    /// The names in the reflector's store, sorted.
    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.store.state().iter().map(|o| o.name_any()).collect();
        names.sort();
        names
    }

    /// Waits until the watcher emitted `event` `count` times.
    async fn until(&self, fake: &FakeApi, event: &str, count: usize) {
        let what = format!("{count} × {event}");
        fake.eventually(&what, |_| (self.count(event) >= count).then_some(()))
            .await;
    }

    async fn until_names(&self, fake: &FakeApi, names: &[&str]) {
        let what = format!("the store holding {names:?}");
        fake.eventually(&what, |_| (self.names() == names).then_some(()))
            .await;
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delete_removes_the_object_and_a_watcher_sees_it_go() {
    let fake = &holding(&[("alice", "U1"), ("bob", "U2")]).await;
    let watching = Watching::listed(fake, watcher::Config::default()).await;

    let api = grants(fake);
    let deleted = api.delete("alice", &DeleteParams::default()).await.unwrap();
    let last = deleted.left().expect("the deleted object");
    assert_eq!(last.resource_version(), Some(fake.resource_version().to_string()));
    watching.until(fake, "Delete alice", 1).await;
    assert_eq!(watching.names(), ["bob"]);
    let gone = refusal(api.get("alice").await);
    assert_eq!((gone.code, gone.reason.as_str()), (404, "NotFound"), "{gone:?}");
    let again = refusal(api.delete("alice", &DeleteParams::default()).await);
    assert_eq!(again.code, 404);
    let writes: Vec<(Method, StatusCode)> = fake
        .writes()
        .iter()
        .map(|w| (w.method.clone(), w.status))
        .collect();
    assert_eq!(
        writes,
        [
            (Method::DELETE, StatusCode::OK),
            (Method::DELETE, StatusCode::NOT_FOUND)
        ]
    );

    // The test's own delete, as `kubectl delete`.
    assert!(fake.delete(GRANTS, "bob").is_some());
    watching.until(fake, "Delete bob", 1).await;
    assert!(watching.names().is_empty());
    assert!(fake.delete(GRANTS, "bob").is_none());
}

#[tokio::test]
async fn a_stale_write_is_refused_409_and_a_second_create_409_already_exists() {
    let fake = &FakeApi::start().await;
    let api = config_maps(fake);
    let params = PostParams::default();
    let created = api
        .create(&params, &config_map("settings", json!({"a": "1"})))
        .await
        .unwrap();
    let exists = refusal(api.create(&params, &config_map("settings", json!({}))).await);
    assert_eq!(
        (exists.code, exists.reason.as_str()),
        (409, "AlreadyExists"),
        "{exists:?}"
    );

    let mut fresh = created.clone();
    fresh.data = Some([("a".to_owned(), "2".to_owned())].into());
    let replaced = api.replace("settings", &params, &fresh).await.unwrap();
    assert_ne!(replaced.resource_version(), created.resource_version());

    // Everything below names the version of the first read, which is stale now.
    let stale = created.resource_version().unwrap();
    let mut old = created.clone();
    old.data = Some([("a".to_owned(), "3".to_owned())].into());
    let conflict = refusal(api.replace("settings", &params, &old).await);
    assert_eq!((conflict.code, conflict.reason.as_str()), (409, "Conflict"));
    assert!(
        conflict.message.contains("the object has been modified"),
        "{conflict:?}"
    );
    let merge = json!({"metadata": {"resourceVersion": stale}, "data": {"a": "4"}});
    let conflict = refusal(
        api.patch("settings", &PatchParams::default(), &Patch::Merge(&merge))
            .await,
    );
    assert_eq!(conflict.code, 409);
    let json_patch = serde_json::from_value(json!([
        {"op": "replace", "path": "/metadata/resourceVersion", "value": stale},
        {"op": "replace", "path": "/data/a", "value": "5"}]));
    let json_patch = Patch::Json::<()>(json_patch.unwrap());
    let conflict = refusal(api.patch("settings", &PatchParams::default(), &json_patch).await);
    assert_eq!(conflict.code, 409);
    let mut apply = config_map("settings", json!({"a": "6"}));
    apply.metadata.resource_version = Some(stale);
    let conflict = refusal(
        api.patch("settings", &PatchParams::apply("tester"), &Patch::Apply(&apply))
            .await,
    );
    assert_eq!(conflict.code, 409);
    assert_eq!(data(&api.get("settings").await.unwrap()), json!({"a": "2"}));

    // Without a version, a merge patch applies to whatever is stored.
    let merge = json!({"data": {"a": "7"}});
    let patched = api
        .patch("settings", &PatchParams::default(), &Patch::Merge(&merge))
        .await
        .unwrap();
    assert_eq!(data(&patched), json!({"a": "7"}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_that_changes_nothing_bumps_no_version_and_tells_no_watcher() {
    let fake = &holding(&[("alice", "U1")]).await;
    let watching = Watching::listed(fake, watcher::Config::default()).await;
    let api = grants(fake);
    let version = fake.resource_version();

    // The same object again: as GitOps re-syncing, as the operator's applies.
    fake.put(GRANTS, user_grant("alice", "U1"));
    let labels = json!({"metadata": {"labels": {}}, "spec": {"value": "U1"}});
    let same = api
        .patch("alice", &PatchParams::default(), &Patch::Merge(&labels))
        .await
        .unwrap();
    assert_eq!(same.resource_version(), Some(version.to_string()));
    let status = json!({"apiVersion": "chatops.dev/v1alpha1", "kind": "AccessGrant",
        "status": {"observedGeneration": 1}});
    let params = PatchParams::apply("chatops-operator").force();
    api.patch_status("alice", &params, &Patch::Apply(&status))
        .await
        .unwrap();
    let version = fake.resource_version();
    api.patch_status("alice", &params, &Patch::Apply(&status))
        .await
        .unwrap();
    assert_eq!(
        fake.resource_version(),
        version,
        "the second status apply changed nothing"
    );

    // Longer than the bookmark interval: bookmarks come, events do not (a
    // negative check over a window of time, nothing to wait on).
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(watching.count("Apply alice"), 1, "{:?}", watching.events());
    assert!(fake.writes().iter().all(|w| w.status == StatusCode::OK));
}

#[tokio::test]
async fn generation_counts_spec_changes_and_status_is_a_subresource() {
    let fake = &holding(&[("alice", "U1")]).await;
    let api = grants(fake);
    let generation = |object: &DynamicObject| object.metadata.generation;
    let ready = json!({"apiVersion": "chatops.dev/v1alpha1", "kind": "AccessGrant", "status": {
        "conditions": [{"type": "Ready", "status": "True", "reason": "Accepted"}], "observedGeneration": 1}});
    let operator = PatchParams::apply("chatops-operator").force();
    let object = api
        .patch_status("alice", &operator, &Patch::Apply(&ready))
        .await
        .unwrap();
    assert_eq!(generation(&object), Some(1));
    assert_eq!(object.data["status"]["conditions"][0]["type"], "Ready");

    // A write to /status changes only the status; a write to the object never the status.
    let both = json!({"spec": {"value": "U9"}, "status": {"observedGeneration": 7}});
    let object = api
        .patch_status("alice", &PatchParams::default(), &Patch::Merge(&both))
        .await
        .unwrap();
    assert_eq!(
        (object.data["spec"]["value"].as_str(), generation(&object)),
        (Some("U1"), Some(1))
    );
    assert_eq!(object.data["status"]["observedGeneration"], 7);
    let object = api
        .patch("alice", &PatchParams::default(), &Patch::Merge(&both))
        .await
        .unwrap();
    assert_eq!(object.data["status"]["observedGeneration"], 7);
    assert_eq!(
        (object.data["spec"]["value"].as_str(), generation(&object)),
        (Some("U9"), Some(2))
    );

    // A spec change by GitOps bumps it and keeps the status; metadata does not bump it.
    fake.put(GRANTS, user_grant("alice", "U2"));
    let object = api.get("alice").await.unwrap();
    assert_eq!(generation(&object), Some(3));
    assert_eq!(
        object.data["status"]["conditions"][0]["type"], "Ready",
        "{:?}",
        object.data
    );
    let labels = json!({"metadata": {"labels": {"team": "a"}}});
    let object = api
        .patch("alice", &PatchParams::default(), &Patch::Merge(&labels))
        .await
        .unwrap();
    assert_eq!(generation(&object), Some(3));

    // Conditions merge by type, as `listType: map`.
    let audited = json!({"apiVersion": "chatops.dev/v1alpha1", "kind": "AccessGrant",
        "status": {"conditions": [{"type": "Audited", "status": "True"}]}});
    let object = api
        .patch_status("alice", &PatchParams::apply("auditor"), &Patch::Apply(&audited))
        .await
        .unwrap();
    let types = texts_of(&object.data["status"]["conditions"], "type");
    assert_eq!(types, ["Ready", "Audited"]);

    // Custom resources have no strategic merge patch.
    let strategic = refusal(
        api.patch("alice", &PatchParams::default(), &Patch::Strategic(&labels))
            .await,
    );
    assert_eq!(strategic.code, 415);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_come_in_pages_of_one_snapshot_and_a_watcher_pages_through_them() {
    let fake = &FakeApi::start().await;
    for i in 0..7 {
        fake.put(GRANTS, user_grant(&format!("g{i}"), "U1"));
    }
    let api = grants(fake);
    let names = |list: &kube::core::ObjectList<DynamicObject>| -> Vec<String> {
        list.items.iter().map(|o| o.name_any()).collect()
    };
    let first = api.list(&ListParams::default().limit(3)).await.unwrap();
    assert_eq!(names(&first), ["g0", "g1", "g2"]);
    assert_eq!(first.metadata.remaining_item_count, Some(4));
    let token = first.metadata.continue_.clone().expect("a continue token");

    // The next pages show the list's snapshot: not what changed since.
    fake.delete(GRANTS, "g4");
    fake.put(GRANTS, user_grant("g9", "U1"));
    let second = api
        .list(&ListParams::default().limit(3).continue_token(&token))
        .await
        .unwrap();
    assert_eq!(names(&second), ["g3", "g4", "g5"]);
    assert_eq!(second.metadata.resource_version, first.metadata.resource_version);
    let next = second.metadata.continue_.clone().unwrap();
    let third = api
        .list(&ListParams::default().limit(3).continue_token(&next))
        .await
        .unwrap();
    assert_eq!(
        (names(&third), third.metadata.continue_),
        (vec!["g6".to_owned()], None)
    );

    // A watcher listing two at a time sees every object, and then each change.
    let watching = Watching::listed(fake, watcher::Config::default().page_size(2)).await;
    assert_eq!(watching.count("InitApply"), 7);
    assert_eq!(watching.names(), ["g0", "g1", "g2", "g3", "g5", "g6", "g9"]);
    fake.delete(GRANTS, "g0");
    watching.until(fake, "Delete g0", 1).await;

    // A continue token from before a compaction is expired.
    let first = api.list(&ListParams::default().limit(2)).await.unwrap();
    fake.put(GRANTS, user_grant("g10", "U1"));
    fake.compact();
    let token = first.metadata.continue_.unwrap();
    let expired = refusal(
        api.list(&ListParams::default().limit(2).continue_token(&token))
            .await,
    );
    assert_eq!(
        (expired.code, expired.reason.as_str()),
        (410, "Expired"),
        "{expired:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_compaction_a_watcher_that_fell_behind_gets_410_and_lists_again() {
    let fake = &holding(&[("a", "U1"), ("b", "U1"), ("c", "U1")]).await;
    // Its watches end after a second; it then watches again from its version.
    let watching = Watching::listed(fake, watcher::Config::default().timeout(1)).await;
    let refused = fake.fail(Fault::new(
        Some(Method::GET),
        "watch=true",
        StatusCode::SERVICE_UNAVAILABLE,
    ));
    fake.eventually("a watch refused", |fake| {
        (fake.refused_by(refused) > 0).then_some(())
    })
    .await;

    // While it cannot watch: a delete, a create, and the history is compacted.
    fake.delete(GRANTS, "b");
    fake.put(GRANTS, user_grant("d", "U1"));
    fake.compact();
    fake.unfail(refused);
    watching.until_names(fake, &["a", "c", "d"]).await;
    let events = watching.events();
    assert!(
        events.iter().any(|e| e.contains("410") || e.contains("too old")),
        "{events:#?}"
    );
    // Init, InitApply × 3, InitDone: twice.
    assert_eq!(watching.count("Init"), 2 * 5, "{events:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_ends_the_watches_and_the_watcher_recovers_by_listing_again() {
    let fake = &holding(&[("a", "U1"), ("b", "U1")]).await;
    let watching = Watching::listed(fake, watcher::Config::default()).await;
    // The watch opens just after the list is read: wait for it, not race it.
    fake.eventually("the watch open", |fake| (fake.open_watches() == 1).then_some(()))
        .await;

    fake.restart_for(Duration::from_millis(300));
    assert_eq!(fake.open_watches(), 0);
    // Down: connections are cut (which kube's client does not retry, unlike a 503).
    let down = grants(fake).get("a").await;
    assert!(
        matches!(&down, Err(e) if !matches!(e, kube::Error::Api(_))),
        "{down:?}"
    );
    assert!(fake.refused() >= 1);
    // Other clients' writes meanwhile (the test's own bypass the downtime).
    fake.delete(GRANTS, "a");
    fake.put(GRANTS, user_grant("c", "U1"));
    watching.until_names(fake, &["b", "c"]).await;
    watching.until(fake, "InitDone", 2).await;
    let events = watching.events();
    assert!(
        events.iter().any(|e| e.contains("410") || e.contains("too old")),
        "{events:#?}"
    );

    // And it watches again.
    fake.eventually("a watch again", |fake| (fake.open_watches() == 1).then_some(()))
        .await;
    fake.put(GRANTS, user_grant("d", "U1"));
    watching.until(fake, "Apply d", 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn selectors_filter_lists_and_watches() {
    let fake = &FakeApi::start().await;
    fake.put(GRANTS, labelled("alice", "U1", Some("a")));
    fake.put(GRANTS, labelled("bob", "U2", Some("b")));
    fake.put(GRANTS, labelled("carol", "U3", None));
    let api = grants(fake);
    let listed = |fields: &'static str, labels: &'static str| {
        let api = api.clone();
        async move {
            let params = ListParams {
                field_selector: Some(fields.to_owned()).filter(|f| !f.is_empty()),
                label_selector: Some(labels.to_owned()).filter(|l| !l.is_empty()),
                ..ListParams::default()
            };
            let list = api.list(&params).await?;
            Ok::<_, kube::Error>(list.items.iter().map(|o| o.name_any()).collect::<Vec<_>>())
        }
    };
    assert_eq!(listed("metadata.name=bob", "").await.unwrap(), ["bob"]);
    assert_eq!(
        listed("metadata.name!=bob", "").await.unwrap(),
        ["alice", "carol"]
    );
    assert_eq!(listed("metadata.namespace==chatops", "").await.unwrap().len(), 3);
    assert_eq!(listed("metadata.namespace=elsewhere", "").await.unwrap().len(), 0);
    assert_eq!(listed("", "team=a").await.unwrap(), ["alice"]);
    assert_eq!(listed("", "team!=a").await.unwrap(), ["bob", "carol"]);
    assert_eq!(listed("", "team").await.unwrap(), ["alice", "bob"]);
    assert_eq!(listed("", "!team").await.unwrap(), ["carol"]);
    let unsupported = refusal(listed("spec.value=U1", "").await);
    assert_eq!(
        (unsupported.code, unsupported.reason.as_str()),
        (400, "BadRequest")
    );

    // A watch sees an object enter its selector as added and leave it as deleted.
    let team_a = Watching::start(fake, watcher::Config::default().labels("team=a"));
    let carol = Watching::start(fake, watcher::Config::default().fields("metadata.name=carol"));
    team_a.until(fake, "InitDone", 1).await;
    carol.until(fake, "InitDone", 1).await;
    assert_eq!(
        (team_a.names(), carol.names()),
        (vec!["alice".to_owned()], vec!["carol".to_owned()])
    );
    fake.put(GRANTS, labelled("bob", "U2", Some("a")));
    fake.put(GRANTS, labelled("alice", "U1", Some("b")));
    fake.put(GRANTS, labelled("carol", "U4", None));
    team_a.until_names(fake, &["bob"]).await;
    carol.until(fake, "Apply carol", 1).await;
    assert!(
        team_a.events().iter().all(|e| !e.contains("carol")),
        "{:?}",
        team_a.events()
    );
    assert_eq!(carol.events().len(), 4, "{:?}", carol.events());
}

#[tokio::test]
async fn server_side_apply_refuses_a_conflict_unless_forced_and_tracks_owners() {
    let fake = &FakeApi::start().await;
    let api = config_maps(fake);
    let apply = |manager: &'static str, force: bool, data: Value| {
        let api = api.clone();
        async move {
            let params = if force {
                PatchParams::apply(manager).force()
            } else {
                PatchParams::apply(manager)
            };
            api.patch("shared", &params, &Patch::Apply(config_map("shared", data)))
                .await
        }
    };
    let owners = || fake.managed_fields(&core("configmaps"), "shared");
    apply("one", false, json!({"a": "1", "b": "1"})).await.unwrap();

    let conflict = refusal(apply("two", false, json!({"a": "2"})).await);
    assert_eq!((conflict.code, conflict.reason.as_str()), (409, "Conflict"));
    let causes = conflict.details.expect("details").causes;
    assert_eq!(
        (causes[0].field.as_str(), causes[0].reason.as_str()),
        (".data.a", "FieldManagerConflict")
    );
    assert!(conflict.message.contains("\"one\""), "{}", conflict.message);
    // The same value is no conflict: both own it.
    apply("two", false, json!({"a": "1", "c": "2"})).await.unwrap();
    assert_eq!(owners()["one (Apply)"], [".data.a", ".data.b"]);
    // Forced, two takes it.
    let object = apply("two", true, json!({"a": "2", "c": "2"})).await.unwrap();
    assert_eq!(data(&object), json!({"a": "2", "b": "1", "c": "2"}));
    assert_eq!(owners()["one (Apply)"], [".data.b"]);
    assert_eq!(owners()["two (Apply)"], [".data.a", ".data.c"]);

    // One applies without b: b goes, as nobody else owns it; two's fields stay.
    let object = apply("one", false, json!({})).await.unwrap();
    assert_eq!(data(&object), json!({"a": "2", "c": "2"}));

    // An update takes what it changes, so two's next apply of c conflicts with it.
    let params = PatchParams {
        field_manager: Some("three".to_owned()),
        ..PatchParams::default()
    };
    api.patch("shared", &params, &Patch::Merge(json!({"data": {"c": "3"}})))
        .await
        .unwrap();
    assert_eq!(owners()["three (Update)"], [".data.c"]);
    let conflict = refusal(apply("two", false, json!({"a": "2", "c": "2"})).await);
    assert!(conflict.message.contains("\"three\""), "{}", conflict.message);
    // Two applies without c: c stays, three owns it.
    let object = apply("two", false, json!({"a": "2"})).await.unwrap();
    assert_eq!(data(&object), json!({"a": "2", "c": "3"}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_two_lease_managers_one_leads_and_the_other_takes_over_when_it_stops_renewing() {
    let fake = &FakeApi::start().await;
    let manager = |identity: &'static str| {
        LeaseManagerBuilder::new(fake.client(), "chatops-operator")
            .with_namespace("chatops")
            .with_identity(identity)
            .with_grace(1)
            .with_duration(2)
            .build()
    };
    let leases: Api<Lease> = Api::namespaced(fake.client(), "chatops");
    let holder = || async {
        let lease = leases.get("chatops-operator").await.unwrap();
        lease.spec.and_then(|spec| spec.holder_identity)
    };

    let (a_leads, a_task) = manager("a").await.unwrap().watch().await;
    fake.eventually("a leading", |_| a_leads.borrow().then_some(()))
        .await;
    let (b_leads, b_task) = manager("b").await.unwrap().watch().await;
    assert_eq!(holder().await.as_deref(), Some("a"));

    // Another manager cannot apply itself in: holderIdentity is a's.
    let takeover =
        json!({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "spec": {"holderIdentity": "c"}});
    let conflict = refusal(
        leases
            .patch(
                "chatops-operator",
                &PatchParams::apply("kube-lease-manager-c"),
                &Patch::Apply(&takeover),
            )
            .await,
    );
    assert_eq!((conflict.code, conflict.reason.as_str()), (409, "Conflict"));

    // Longer than the lease: a renews it, b waits (a window of time: what
    // must not happen is b taking over).
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert!(*a_leads.borrow() && !*b_leads.borrow());
    assert_eq!(holder().await.as_deref(), Some("a"));

    // a dies without releasing: b takes over once the lease expired.
    a_task.abort();
    let stopped = Instant::now();
    fake.eventually("b leading", |_| b_leads.borrow().then_some(()))
        .await;
    println!("b took over {:?} after a stopped", stopped.elapsed());
    assert_eq!(holder().await.as_deref(), Some("b"));

    // b stops gracefully: it releases the lease.
    drop(b_leads);
    b_task.await.unwrap().unwrap();
    assert_eq!(holder().await, None);
}

#[tokio::test]
async fn faults_refuse_matching_requests_until_healed() {
    let fake = &holding(&[("alice", "U1")]).await;
    let api = config_maps(fake);
    let apply = || {
        let api = api.clone();
        async move {
            let object = config_map("x", json!({}));
            api.patch("x", &PatchParams::apply("tester"), &Patch::Apply(&object))
                .await
        }
    };
    let forbidden = fake.fail(Fault::forbidden(Method::PATCH, "/configmaps/"));
    let refused = refusal(apply().await);
    assert_eq!((refused.code, refused.reason.as_str()), (403, "Forbidden"));
    assert!(
        refused.message.contains("cannot patch resource \"configmaps\""),
        "{}",
        refused.message
    );
    assert_eq!((fake.refused_by(forbidden), fake.refused()), (1, 1));
    assert!(fake.writes().is_empty(), "a refused write is not a write");
    fake.unfail(forbidden);
    apply().await.unwrap();

    // Only the status subresource.
    let grants = grants(fake);
    fake.fail(Fault::new(None, "/accessgrants/", StatusCode::INTERNAL_SERVER_ERROR).on_status());
    let status = json!({"status": {"observedGeneration": 1}});
    let refused = refusal(
        grants
            .patch_status("alice", &PatchParams::default(), &Patch::Merge(&status))
            .await,
    );
    assert_eq!((refused.code, refused.reason.as_str()), (500, "InternalError"));
    let labels = json!({"metadata": {"labels": {"team": "a"}}});
    grants
        .patch("alice", &PatchParams::default(), &Patch::Merge(&labels))
        .await
        .unwrap();
    fake.heal();
    grants
        .patch_status("alice", &PatchParams::default(), &Patch::Merge(&status))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_held_at_the_crash_point_never_happens() {
    let fake = &FakeApi::start().await;
    let api = config_maps(fake);
    let create = |name: &'static str| {
        let api = api.clone();
        async move {
            api.create(&PostParams::default(), &config_map(name, json!({})))
                .await
        }
    };
    let held = fake.hold_writes_after(1);
    create("first").await.unwrap();
    let second = tokio::spawn(create("second"));
    tokio::time::timeout(Duration::from_secs(5), held)
        .await
        .expect("the second write is held");
    // The client dies here, between its first and second write.
    second.abort();
    let third = tokio::spawn(create("third"));
    // A negative check: the third write must not finish, and nothing signals that it will not.
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(!third.is_finished(), "every later write is held too");
    fake.release();
    // Its connection is cut, so kube's client cannot retry it.
    let dropped = third.await.unwrap();
    assert!(
        dropped.is_err() && !matches!(dropped, Err(kube::Error::Api(_))),
        "{dropped:?}"
    );
    assert!(fake.get(&core("configmaps"), "second").is_none());
    assert!(fake.get(&core("configmaps"), "third").is_none());
    let written: Vec<String> = fake
        .writes()
        .iter()
        .map(|w| w.body["metadata"]["name"].to_string())
        .collect();
    assert_eq!(written, ["\"first\""]);
    create("fourth").await.unwrap();
}

#[tokio::test]
async fn a_watch_sends_bookmarks_ends_at_its_timeout_and_from_before_a_compaction_gets_410() {
    let fake = &holding(&[("alice", "U1")]).await;
    let api = grants(fake);
    let version = fake.resource_version().to_string();
    let started = Instant::now();
    let stream = api
        .watch(&WatchParams::default().timeout(2), &version)
        .await
        .unwrap();
    let events: Vec<WatchEvent<DynamicObject>> = stream.try_collect().await.unwrap();
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(1900) && elapsed < Duration::from_secs(4),
        "{elapsed:?}"
    );
    assert!(!events.is_empty());
    for event in &events {
        let WatchEvent::Bookmark(bookmark) = event else {
            panic!("{event:?}")
        };
        assert_eq!(bookmark.metadata.resource_version, version);
        assert_eq!(bookmark.types.kind, "AccessGrant");
    }

    // From "0": every object first.
    let mut stream = api
        .watch(&WatchParams::default().timeout(1), "0")
        .await
        .unwrap()
        .boxed();
    let first = stream.try_next().await.unwrap();
    assert!(
        matches!(first, Some(WatchEvent::Added(ref o)) if o.name_any() == "alice"),
        "{first:?}"
    );

    // From before a compaction: 200, one ERROR event with 410 Expired, the end.
    fake.put(GRANTS, user_grant("bob", "U1"));
    fake.compact();
    let stream = api.watch(&WatchParams::default(), &version).await.unwrap();
    let events: Vec<WatchEvent<DynamicObject>> = stream.try_collect().await.unwrap();
    let [WatchEvent::Error(status)] = &events[..] else {
        panic!("{events:?}")
    };
    assert_eq!((status.code, status.reason.as_str()), (410, "Expired"));
}

#[tokio::test]
async fn events_with_a_deterministic_name_are_created_once_and_patched() {
    let fake = &FakeApi::start().await;
    let events: Api<KubeEvent> = Api::namespaced(fake.client(), "chatops");
    let event: KubeEvent = serde_json::from_value(json!({"apiVersion": "events.k8s.io/v1", "kind": "Event",
        "metadata": {"name": "alice.accepted", "namespace": "chatops"},
        "eventTime": "2026-11-01T00:00:00.000000Z", "reason": "Accepted", "action": "Validate",
        "reportingController": "chatops.dev/operator", "reportingInstance": "replica-a", "type": "Normal"}))
    .unwrap();
    events.create(&PostParams::default(), &event).await.unwrap();
    let exists = refusal(events.create(&PostParams::default(), &event).await);
    assert_eq!((exists.code, exists.reason.as_str()), (409, "AlreadyExists"));
    let series = json!({"series": {"count": 2, "lastObservedTime": "2026-11-01T00:01:00.000000Z"}});
    let patched = events
        .patch("alice.accepted", &PatchParams::default(), &Patch::Merge(&series))
        .await
        .unwrap();
    assert_eq!(patched.series.map(|s| s.count), Some(2));
    assert_eq!(
        fake.list("/apis/events.k8s.io/v1/namespaces/chatops/events")
            .len(),
        1
    );
}
