//! Server-side apply and field ownership, simplified from structured-merge-diff.
//!
//! Every leaf field has owners: one per manager, operation (`Apply` or
//! `Update`) and subresource, as the entries of `managedFields`. An apply that
//! sets a field another owner holds to another value is refused (409
//! Conflict) unless forced; forced, it takes the field. kube-lease-manager's
//! lock relies on that: of two replicas applying `holderIdentity` at once, the
//! second gets the conflict and does not lead. A field the manager applied
//! before and omits now is removed unless another owner keeps it. An update
//! (patch, PUT, POST) takes the fields it changes. Maps are granular and lists
//! atomic, except `status.conditions`, a list keyed by `type` (`listType:
//! map`), so the operator's `Ready` condition merges with others' conditions.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::store::{Owners, Path};

/// Which part of an object a write may change, and whose fields it tracks.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Scope {
    /// The object itself: everything but a custom resource's `status`.
    Main,
    /// The `/status` subresource: `status` only.
    Status,
    /// Every field, to track what an update changed.
    All,
}

/// Metadata fields that are the client's to set; the rest is the server's.
pub(super) const CLIENT_METADATA: [&str; 4] = ["labels", "annotations", "ownerReferences", "finalizers"];

/// The owner `manager`'s `operation` in `scope` is, as `managedFields` tells them apart.
pub(super) fn owner(manager: &str, operation: &str, scope: Scope) -> String {
    match scope {
        Scope::Status => format!("{manager} ({operation}, status)"),
        _ => format!("{manager} ({operation})"),
    }
}

/// Applies `body` as `owner` to `object` (the live object, or a new one's
/// skeleton). `Err`: the fields other owners hold with another value.
pub(super) fn apply(
    object: &mut Value,
    owners: &mut Owners,
    (body, owner): (&Value, &str),
    (scope, status_kind, force): (Scope, bool, bool),
) -> Result<(), Vec<(String, Path)>> {
    let applied = content(body, scope, status_kind);
    let applied_leaves = leaves(&applied);
    let live_leaves = leaves(&content(object, scope, status_kind));
    let mut conflicts = Vec::new();
    for (path, _) in applied_leaves
        .iter()
        .filter(|(path, value)| live_leaves.get(*path) != Some(*value))
    {
        let others = owners
            .iter()
            .filter(|(other, owned)| *other != owner && owned.contains(path));
        conflicts.extend(others.map(|(other, _)| (other.clone(), path.clone())));
    }
    if !conflicts.is_empty() && !force {
        return Err(conflicts);
    }
    for (other, path) in &conflicts {
        if let Some(owned) = owners.get_mut(other) {
            owned.remove(path);
        }
    }
    for path in owners.remove(owner).unwrap_or_default() {
        if !applied_leaves.contains_key(&path) && !owners.values().any(|owned| owned.contains(&path)) {
            remove(object, &path);
        }
    }
    merge_applied(object, &applied, &mut Vec::new());
    owners.insert(owner.to_owned(), applied_leaves.into_keys().collect());
    Ok(())
}

/// An update by `owner` owns the fields it changed from `before` to `after`.
pub(super) fn take_changed(owners: &mut Owners, owner: &str, before: Option<&Value>, after: &Value) {
    let old = before.map(|before| leaves(&content(before, Scope::All, false)));
    let new = leaves(&content(after, Scope::All, false));
    let changed = new
        .iter()
        .filter(|(p, v)| old.as_ref().and_then(|old| old.get(*p)) != Some(*v));
    let changed: Vec<&Path> = changed.map(|(path, _)| path).collect();
    for (_, owned) in owners.iter_mut().filter(|(other, _)| *other != owner) {
        owned.retain(|path| !changed.contains(&path));
    }
    owners
        .entry(owner.to_owned())
        .or_default()
        .extend(changed.into_iter().cloned());
    prune(owners, after);
}

/// Nobody owns a field that is gone.
pub(super) fn prune(owners: &mut Owners, object: &Value) {
    let existing = leaves(&content(object, Scope::All, false));
    for owned in owners.values_mut() {
        owned.retain(|path| existing.contains_key(path));
    }
    owners.retain(|_, owned| !owned.is_empty());
}

/// A path as `managedFields` and conflict messages spell it: `.spec.holderIdentity`.
pub(super) fn dotted(path: &Path) -> String {
    let dot = |segment: &String| if segment.starts_with('[') { "" } else { "." };
    path.iter()
        .map(|segment| format!("{}{segment}", dot(segment)))
        .collect()
}

/// The fields of `object` a write in `scope` sets and owns.
fn content(object: &Value, scope: Scope, status_kind: bool) -> Value {
    let mut out = json!({});
    for (key, value) in object.as_object().into_iter().flatten() {
        match (scope, key.as_str()) {
            (Scope::Status, "status") => out[key] = value.clone(),
            (Scope::Status, _) | (_, "apiVersion" | "kind") => {}
            (Scope::Main, "status") if status_kind => {}
            (_, "metadata") => {
                for field in CLIENT_METADATA.iter().filter(|f| !value[**f].is_null()) {
                    out["metadata"][*field] = value[*field].clone();
                }
            }
            _ => out[key] = value.clone(),
        }
    }
    out
}

/// The one list the operator writes that merges by key (`listType: map`).
fn keyed_list(path: &[String]) -> bool {
    path == ["status", "conditions"]
}

/// The path segment of a keyed list's item: `[type="Ready"]`.
fn item_key(item: &Value) -> String {
    format!("[type={}]", item["type"])
}

/// Every leaf field of `value` with its value. Nulls are not set fields.
fn leaves(value: &Value) -> BTreeMap<Path, Value> {
    fn walk(value: &Value, path: &mut Path, out: &mut BTreeMap<Path, Value>) {
        let children: Vec<(String, &Value)> = match value {
            Value::Null => return,
            Value::Object(fields) if !fields.is_empty() || path.is_empty() => {
                fields.iter().map(|(key, value)| (key.clone(), value)).collect()
            }
            Value::Array(items) if keyed_list(path) => {
                items.iter().map(|item| (item_key(item), item)).collect()
            }
            _ => {
                out.insert(path.clone(), value.clone());
                return;
            }
        };
        for (segment, child) in children {
            path.push(segment);
            walk(child, path, out);
            path.pop();
        }
    }
    let mut out = BTreeMap::new();
    walk(value, &mut Vec::new(), &mut out);
    out
}

/// Sets every field of `applied` in `target`: maps merge, keyed lists merge
/// by key, anything else is replaced.
fn merge_applied(target: &mut Value, applied: &Value, path: &mut Path) {
    match applied {
        Value::Null => {}
        Value::Object(fields) => {
            if !target.is_object() {
                *target = json!({});
            }
            for (key, value) in fields.iter().filter(|(_, value)| !value.is_null()) {
                path.push(key.clone());
                merge_applied(&mut target[key], value, path);
                path.pop();
            }
        }
        Value::Array(items) if keyed_list(path) => {
            if !target.is_array() {
                *target = json!([]);
            }
            let list = target.as_array_mut().unwrap();
            for item in items {
                match list.iter_mut().find(|existing| existing["type"] == item["type"]) {
                    Some(existing) => merge_applied(existing, item, &mut vec![item_key(item)]),
                    None => list.push(item.clone()),
                }
            }
        }
        _ => *target = applied.clone(),
    }
}

/// Removes the field at `path` (a keyed list's item with its key), and the
/// maps and lists it leaves empty. Returns whether `value` is left empty.
fn remove(value: &mut Value, path: &[String]) -> bool {
    let Some((first, rest)) = path.split_first() else {
        return false;
    };
    match value {
        Value::Object(fields) => {
            if let Some(child) = fields.get_mut(first)
                && (rest.is_empty() || remove(child, rest))
            {
                fields.remove(first);
            }
            fields.is_empty()
        }
        Value::Array(items) => {
            if let Some(at) = items.iter().position(|item| item_key(item) == *first)
                && (rest.is_empty() || rest == ["type"] || remove(&mut items[at], rest))
            {
                items.remove(at);
            }
            items.is_empty()
        }
        _ => false,
    }
}
