//! Writes: create (POST), replace (PUT), merge, strategic and JSON patches,
//! server-side apply (ownership in `apply.rs`) and delete, with the API
//! server's checks:
//! - optimistic concurrency: a write naming a `resourceVersion` other than the
//!   stored one is refused 409 Conflict (a controller writing from a stale
//!   cache must see it); a create of an existing name is 409 AlreadyExists
//!   (Events with deterministic names rely on it);
//! - the status subresource of custom resources: a write to the object cannot
//!   change `status` and a write to `/status` changes nothing else, so a
//!   controller writing status the wrong way fails here as on a cluster;
//! - the server's metadata (`uid`, `resourceVersion`, `generation`,
//!   `creationTimestamp`) is the server's: what a client sends is ignored.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::{
    Failure, Request,
    apply::{self, CLIENT_METADATA, Scope, owner},
    store::{Owners, Path, Store, has_status},
};

/// Answers one write request.
pub(super) fn write(store: &mut Store, request: &Request) -> Result<(StatusCode, Value), Failure> {
    let scope = match request.sub.as_deref() {
        None => Scope::Main,
        Some("status") if has_status(&request.collection) => Scope::Status,
        Some(_) => return Err(Failure::no_such_path()),
    };
    let (method, name) = (&request.method, request.name.as_deref());
    let name = match (method, name) {
        (&Method::POST, None) => return create(store, request),
        (_, Some(name)) if *method != Method::POST => name,
        _ => return Err(Failure::not_allowed()),
    };
    if *method == Method::PATCH && request.content_type.starts_with("application/apply-patch") {
        return server_side_apply(store, request, name, scope);
    }
    let live = store
        .get(&request.collection, name)
        .ok_or_else(|| request.not_found(name))?;
    let (live, mut owners) = (live.object.clone(), live.owners.clone());
    let live_version = &live["metadata"]["resourceVersion"];
    if *method == Method::DELETE {
        let wanted = &request.body["preconditions"];
        let differs = |field: &str, live: &Value| !wanted[field].is_null() && wanted[field] != *live;
        if differs("uid", &live["metadata"]["uid"]) || differs("resourceVersion", live_version) {
            return Err(Failure::modified(request, name));
        }
        let last = store.commit(&request.collection, name, None, Owners::new());
        return Ok((StatusCode::OK, last.expect("it was there")));
    }
    let patched = match (method, request.content_type.split(';').next().unwrap_or_default()) {
        (&Method::PUT, _) => request.body.clone(),
        (_, "application/merge-patch+json") => merge(live.clone(), &request.body),
        // kube-apiserver has no strategic merge schema for custom resources.
        (_, "application/strategic-merge-patch+json") if !has_status(&request.collection) => {
            merge(live.clone(), &request.body)
        }
        (_, "application/json-patch+json") => {
            let patched = json_patch(live.clone(), &request.body);
            patched.map_err(|e| Failure::new(StatusCode::UNPROCESSABLE_ENTITY, e))?
        }
        (_, other) => {
            let message = format!("the body of the request was in an unknown format: {other}");
            return Err(Failure::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, message));
        }
    };
    // Optimistic concurrency: a write that names a version must name the stored one.
    let named = &patched["metadata"]["resourceVersion"];
    if !named.is_null() && named != live_version {
        return Err(Failure::modified(request, name));
    }
    let after = finalize(Some(&live), patched, request, name, scope);
    apply::take_changed(
        &mut owners,
        &owner(&manager(request), "Update", scope),
        Some(&live),
        &after,
    );
    let stored = store.commit(&request.collection, name, Some(after), owners);
    Ok((StatusCode::OK, stored.expect("an update stores")))
}

/// The field manager of a non-apply write: the query's, else the user agent's product.
fn manager(request: &Request) -> String {
    request.param("fieldManager").unwrap_or(&request.agent).to_owned()
}

fn create(store: &mut Store, request: &Request) -> Result<(StatusCode, Value), Failure> {
    let mut object = request.body.clone();
    if object["metadata"]["name"].as_str().is_none()
        && let Some(prefix) = object["metadata"]["generateName"].as_str()
    {
        // The real suffix is 5 random characters; the next version is unique too.
        object["metadata"]["name"] = format!("{prefix}{:05}", store.rv + 1).into();
    }
    let name = object["metadata"]["name"]
        .as_str()
        .filter(|n| !n.is_empty())
        .map(str::to_owned);
    let invalid = || {
        Failure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "name or generateName is required",
        )
    };
    let name = name.ok_or_else(invalid)?;
    if store.get(&request.collection, &name).is_some() {
        let message = format!("{} \"{name}\" already exists", request.resource());
        let failure = Failure::new(StatusCode::CONFLICT, message).reason("AlreadyExists");
        return Err(failure.named(request, &name));
    }
    let after = finalize(None, object, request, &name, Scope::Main);
    let mut owners = Owners::new();
    apply::take_changed(
        &mut owners,
        &owner(&manager(request), "Update", Scope::Main),
        None,
        &after,
    );
    let stored = store.commit(&request.collection, &name, Some(after), owners);
    Ok((StatusCode::CREATED, stored.expect("a create stores")))
}

/// A PATCH with `application/apply-patch+yaml`: creates or merges, as `apply.rs` owns fields.
fn server_side_apply(
    store: &mut Store,
    request: &Request,
    name: &str,
    scope: Scope,
) -> Result<(StatusCode, Value), Failure> {
    let body = &request.body;
    let manager = request.param("fieldManager").filter(|m| !m.is_empty());
    let manager =
        manager.ok_or_else(|| Failure::bad_request("fieldManager is required for apply requests"))?;
    let api_version = body["apiVersion"].as_str().unwrap_or_default();
    if api_version.is_empty() || body["kind"].as_str().is_none() {
        return Err(Failure::bad_request(
            "apiVersion and kind must be set in an applied configuration",
        ));
    }
    if let Some(named) = body["metadata"]["name"].as_str()
        && named != name
    {
        let message = format!("the name of the object ({named}) does not match the name on the URL ({name})");
        return Err(Failure::bad_request(message));
    }
    let live = store.get(&request.collection, name);
    let named = &body["metadata"]["resourceVersion"];
    let (mut object, mut owners) = match live {
        Some(live) if !named.is_null() && *named != live.object["metadata"]["resourceVersion"] => {
            return Err(Failure::modified(request, name));
        }
        Some(live) => (live.object.clone(), live.owners.clone()),
        None if scope == Scope::Status => return Err(request.not_found(name)),
        None => {
            let mut skeleton = json!({"apiVersion": api_version, "kind": body["kind"], "metadata": {}});
            for field in ["uid", "creationTimestamp"] {
                skeleton["metadata"][field] = body["metadata"][field].clone();
            }
            (skeleton, Owners::new())
        }
    };
    let force = request.param("force") == Some("true");
    let mode = (scope, has_status(&request.collection), force);
    let applied = apply::apply(
        &mut object,
        &mut owners,
        (body, &owner(manager, "Apply", scope)),
        mode,
    );
    applied.map_err(|conflicts| apply_conflict(&conflicts, api_version))?;
    let code = if live.is_some() {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    let after = finalize(live.map(|live| &live.object), object, request, name, scope);
    apply::prune(&mut owners, &after);
    Ok((
        code,
        store
            .commit(&request.collection, name, Some(after), owners)
            .expect("an apply stores"),
    ))
}

fn apply_conflict(conflicts: &[(String, Path)], api_version: &str) -> Failure {
    let mut causes = Vec::new();
    let mut listed = Vec::new();
    for (owner, path) in conflicts {
        let manager = owner.split(" (").next().unwrap_or(owner);
        let message = format!("conflict with \"{manager}\" using {api_version}");
        listed.push(format!("{message}: {}", apply::dotted(path)));
        causes.push(
            json!({"reason": "FieldManagerConflict", "message": message, "field": apply::dotted(path)}),
        );
    }
    let plural = if conflicts.len() == 1 { "" } else { "s" };
    let message = format!(
        "Apply failed with {} conflict{plural}: {}",
        conflicts.len(),
        listed.join(", ")
    );
    let mut failure = Failure::new(StatusCode::CONFLICT, message);
    failure.details = json!({"causes": causes});
    failure
}

/// Unique, as the real (random) uid is: an object deleted and created again is another object.
static NEXT_UID: AtomicU64 = AtomicU64::new(1);

/// What a write may not change, put back: the server's metadata, and the
/// part of a custom resource outside the write's subresource.
fn finalize(live: Option<&Value>, mut new: Value, request: &Request, name: &str, scope: Scope) -> Value {
    if !new.is_object() {
        new = json!({});
    }
    let status_kind = has_status(&request.collection);
    if let Some(live) = live.filter(|_| status_kind && scope == Scope::Status) {
        let status = new["status"].take();
        new = live.clone();
        new["status"] = status;
    } else if status_kind {
        // A new custom resource starts without a status.
        new["status"] = live.map_or(Value::Null, |live| live["status"].clone());
    }
    let fields = new.as_object_mut().unwrap();
    fields.retain(|key, value| key != "status" || !value.is_null());
    let sent = fields.remove("metadata").unwrap_or_default();
    // ObjectMeta is typed, even for custom resources: empty maps and lists are not stored.
    let empty = |value: &Value| value.is_null() || *value == json!({}) || *value == json!([]);
    let sent_fields = sent.as_object().into_iter().flatten();
    let kept = sent_fields.filter(|(key, value)| CLIENT_METADATA.contains(&key.as_str()) && !empty(value));
    let mut metadata: serde_json::Map<String, Value> = kept.map(|(k, v)| (k.clone(), v.clone())).collect();
    match live {
        Some(live) => {
            for field in ["apiVersion", "kind"] {
                fields.insert(field.to_owned(), live[field].clone());
            }
            let server = live["metadata"].as_object().into_iter().flatten();
            let server = server.filter(|(key, _)| !CLIENT_METADATA.contains(&key.as_str()));
            metadata.extend(server.map(|(key, value)| (key.clone(), value.clone())));
        }
        None => {
            let uid = NEXT_UID.fetch_add(1, Ordering::Relaxed);
            let now = format!("{:.0}", k8s_openapi::jiff::Timestamp::now());
            let defaults = [
                ("name", json!(name)),
                ("namespace", json!(request.namespace)),
                ("uid", json!(format!("00000000-0000-4000-8000-{uid:012}"))),
                ("creationTimestamp", json!(now)),
                ("generateName", Value::Null),
            ];
            // The test's own objects may bring their uid and creation time.
            for (key, default) in defaults {
                let forced = matches!(key, "name" | "namespace");
                let value = if sent[key].is_null() || forced {
                    default
                } else {
                    sent[key].clone()
                };
                if !value.is_null() {
                    metadata.insert(key.to_owned(), value);
                }
            }
        }
    }
    fields.insert("metadata".to_owned(), Value::Object(metadata));
    new
}

/// JSON merge patch (RFC 7386); also what a strategic merge patch does to
/// the Lease and Event fields, which have no merge keys.
fn merge(mut target: Value, patch: &Value) -> Value {
    match patch.as_object() {
        Some(fields) => {
            if !target.is_object() {
                target = json!({});
            }
            let object = target.as_object_mut().unwrap();
            for (key, value) in fields {
                if value.is_null() {
                    object.remove(key);
                } else {
                    let merged = merge(object.remove(key).unwrap_or(Value::Null), value);
                    object.insert(key.clone(), merged);
                }
            }
            target
        }
        None => patch.clone(),
    }
}

/// JSON patch (RFC 6902): add, remove, replace, test.
fn json_patch(mut document: Value, operations: &Value) -> Result<Value, String> {
    for operation in operations.as_array().ok_or("a JSON patch is a list")? {
        let path = operation["path"].as_str().ok_or("an operation without a path")?;
        let value = operation["value"].clone();
        match operation["op"].as_str() {
            Some("add") => pointer_add(&mut document, path, value)?,
            Some("remove") => pointer_remove(&mut document, path).map(drop)?,
            Some("replace") => {
                pointer_remove(&mut document, path)?;
                pointer_add(&mut document, path, value)?;
            }
            Some("test") if document.pointer(path) == Some(&value) => {}
            Some("test") => return Err(format!("testing value {path} failed")),
            other => return Err(format!("unsupported JSON patch operation {other:?}")),
        }
    }
    Ok(document)
}

fn split_pointer(path: &str) -> Result<(&str, String), String> {
    let (parent, last) = path
        .rsplit_once('/')
        .ok_or_else(|| format!("invalid path {path}"))?;
    Ok((parent, last.replace("~1", "/").replace("~0", "~")))
}

fn pointer_add(document: &mut Value, path: &str, value: Value) -> Result<(), String> {
    let (parent, last) = split_pointer(path)?;
    match document.pointer_mut(parent) {
        Some(Value::Object(fields)) => {
            fields.insert(last, value);
        }
        Some(Value::Array(items)) => {
            let at = if last == "-" {
                Some(items.len())
            } else {
                last.parse().ok()
            };
            let at = at
                .filter(|at| *at <= items.len())
                .ok_or_else(|| format!("invalid index in {path}"))?;
            items.insert(at, value);
        }
        _ => return Err(format!("missing parent of {path}")),
    }
    Ok(())
}

fn pointer_remove(document: &mut Value, path: &str) -> Result<Value, String> {
    let (parent, last) = split_pointer(path)?;
    let removed = match document.pointer_mut(parent) {
        Some(Value::Object(fields)) => fields.remove(&last),
        Some(Value::Array(items)) => last
            .parse()
            .ok()
            .filter(|at| *at < items.len())
            .map(|at| items.remove(at)),
        _ => None,
    };
    removed.ok_or_else(|| format!("missing value at {path}"))
}
