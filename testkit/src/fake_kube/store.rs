//! Objects, resource versions and history, as etcd and the API server's
//! watch cache keep them.
//!
//! One counter versions every object of every kind, as etcd's revision does:
//! a list answers with it and a watch resumes from it. A write whose result
//! equals the stored object is not stored (kube-apiserver skips the etcd
//! write for a no-op update or apply), so it bumps no version and tells no
//! watch; a controller that wrote on every change it saw would otherwise look
//! quiet here and loop on a cluster. Custom resources get `generation` 1 and
//! a bump on every change outside `metadata` and `status`, which is what
//! `observedGeneration` is compared with.
//!
//! History is bounded, as etcd compaction and the watch cache's window bound
//! it: a watch or continue token from before the oldest kept change is
//! answered 410, and the client has to list again.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde_json::Value;

use super::watch;

/// Changes kept per collection (the watch cache's capacity).
const HISTORY: usize = 10_000;

/// A field path: object keys, and `[type="X"]` for an item of a list keyed by `type`.
pub(super) type Path = Vec<String>;

/// Field manager (`"NAME (Apply)"`, `"NAME (Update, status)"`) to the fields it owns.
pub(super) type Owners = BTreeMap<String, BTreeSet<Path>>;

#[derive(Default)]
pub(super) struct Store {
    /// The version of the last change.
    pub rv: u64,
    /// Everything up to this version is forgotten ([`Store::compact`]).
    compacted: u64,
    pub collections: BTreeMap<String, Collection>,
    /// The open watch streams.
    pub watches: Vec<watch::Sink>,
}

#[derive(Default)]
pub(super) struct Collection {
    /// By name, so lists and pages come sorted by name as etcd's keys do.
    pub objects: BTreeMap<String, Stored>,
    history: VecDeque<Change>,
    /// Changes up to this version fell out of `history`.
    horizon: u64,
}

pub(super) struct Stored {
    pub object: Value,
    pub owners: Owners,
}

/// One change, with the state before it, so a watch can tell whether an
/// object entered or left its selector, and a list can see an older snapshot.
pub(super) struct Change {
    pub rv: u64,
    pub type_: &'static str,
    pub name: String,
    /// The new state; for DELETED the last state, with the deletion's version.
    pub object: Value,
    pub before: Option<Value>,
}

/// Custom resources (chatops.dev) have a status subresource and a generation;
/// the built-in kinds the operator uses (ConfigMap, Secret, Event, Lease) have neither.
pub(super) fn has_status(collection: &str) -> bool {
    collection.starts_with("/apis/chatops.dev/")
}

/// The object without what only the server writes, for telling no-ops.
fn comparable(object: &Value) -> Value {
    let mut object = object.clone();
    if let Some(metadata) = object["metadata"].as_object_mut() {
        metadata.remove("resourceVersion");
        metadata.remove("managedFields");
    }
    object
}

/// What `generation` counts changes of: everything but `metadata` and `status`.
fn spec(object: &Value) -> Value {
    let mut object = object.clone();
    if let Some(fields) = object.as_object_mut() {
        fields.remove("metadata");
        fields.remove("status");
    }
    object
}

impl Store {
    pub fn get(&self, collection: &str, name: &str) -> Option<&Stored> {
        self.collections.get(collection)?.objects.get(name)
    }

    /// Stores `after` as `name` (`None`: deletes it) unless it equals the
    /// stored object, versions it and tells the watches; records `owners`
    /// either way. Returns the object as stored now, or the deleted one's last state.
    pub fn commit(
        &mut self,
        collection: &str,
        name: &str,
        after: Option<Value>,
        owners: Owners,
    ) -> Option<Value> {
        let objects = self.collections.entry(collection.to_owned()).or_default();
        let before = objects.objects.get(name).map(|s| s.object.clone());
        let (type_, object) = match (&before, after) {
            (None, None) => return None,
            (Some(before), Some(after)) if comparable(before) == comparable(&after) => {
                objects.objects.get_mut(name).unwrap().owners = owners;
                return Some(before.clone());
            }
            (Some(before), None) => {
                objects.objects.remove(name);
                ("DELETED", before.clone())
            }
            (_, Some(mut after)) => {
                if has_status(collection) {
                    let generation = match &before {
                        None => 1,
                        Some(before) => {
                            let generation = before["metadata"]["generation"].as_i64().unwrap_or(1);
                            generation + i64::from(spec(before) != spec(&after))
                        }
                    };
                    after["metadata"]["generation"] = generation.into();
                }
                let type_ = if before.is_some() { "MODIFIED" } else { "ADDED" };
                (type_, after)
            }
        };
        self.rv += 1;
        let mut object = object;
        object["metadata"]["resourceVersion"] = self.rv.to_string().into();
        if type_ != "DELETED" {
            let stored = Stored {
                object: object.clone(),
                owners,
            };
            objects.objects.insert(name.to_owned(), stored);
        }
        let change = Change {
            rv: self.rv,
            type_,
            name: name.to_owned(),
            object: object.clone(),
            before,
        };
        watch::emit(&mut self.watches, collection, &change);
        objects.history.push_back(change);
        if objects.history.len() > HISTORY {
            objects.horizon = objects.history.pop_front().map_or(objects.horizon, |c| c.rv);
        }
        Some(object)
    }

    /// The oldest version a watch or a snapshot of `collection` can start from.
    pub fn horizon(&self, collection: &str) -> u64 {
        let kept = self.collections.get(collection).map_or(0, |c| c.horizon);
        kept.max(self.compacted)
    }

    /// The changes of `collection` after version `from`, or `Err(horizon)`
    /// when some of them are forgotten.
    pub fn changes_since(&self, collection: &str, from: u64) -> Result<Vec<&Change>, u64> {
        let horizon = self.horizon(collection);
        if from < horizon {
            return Err(horizon);
        }
        let history = self.collections.get(collection).map(|c| &c.history);
        Ok(history.into_iter().flatten().filter(|c| c.rv > from).collect())
    }

    /// The objects of `collection` as they were at version `at` (the current
    /// ones, undoing every later change), or `Err(horizon)` if forgotten.
    pub fn snapshot(&self, collection: &str, at: u64) -> Result<BTreeMap<String, Value>, u64> {
        let changes = self.changes_since(collection, at)?;
        let mut objects: BTreeMap<String, Value> = match self.collections.get(collection) {
            Some(c) => c
                .objects
                .iter()
                .map(|(name, s)| (name.clone(), s.object.clone()))
                .collect(),
            None => BTreeMap::new(),
        };
        for change in changes.into_iter().rev() {
            match &change.before {
                Some(before) => objects.insert(change.name.clone(), before.clone()),
                None => objects.remove(&change.name),
            };
        }
        Ok(objects)
    }

    /// Forgets all history up to now.
    pub fn compact(&mut self) {
        self.compacted = self.rv;
        for collection in self.collections.values_mut() {
            collection.history.clear();
        }
    }

    /// A restart: the watch streams end (their senders drop), and the new
    /// server's history starts after the version the cluster reached
    /// meanwhile (other writers, node leases and events, never stop in a
    /// real cluster), so a watch resuming from before it is answered 410.
    pub fn restart(&mut self) {
        self.watches.clear();
        self.rv += 1;
        self.compact();
    }
}
