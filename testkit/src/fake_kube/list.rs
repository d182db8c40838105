//! Lists: pages, resource version semantics and selectors, as kube-apiserver
//! serves them.
//!
//! kube's watcher lists in pages of 500 (`limit=500`, then `continue=TOKEN`)
//! and watches from the version the list answered with. A page is sorted by
//! name and carries a continue token with the list's version and the last
//! name; every page is the snapshot at that version, as etcd serves it, so
//! the watch that follows misses nothing. A token older than the compaction
//! point is refused 410 Expired, and the watcher must start over.
//!
//! Selectors: `fieldSelector` on `metadata.name` and `metadata.namespace`
//! (`=`, `==`, `!=`; other fields are refused 400, as for most kinds), and
//! `labelSelector` with `k=v`, `k==v`, `k!=v`, `k`, `!k`.

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::{Failure, Request, metadata_only, store::Store};

/// `kind` of a plural the fake serves.
pub(super) fn kind(plural: &str) -> String {
    let kind = match plural {
        "chatplatforms" => "ChatPlatform",
        "accessgrants" => "AccessGrant",
        "accountlinks" => "AccountLink",
        "integrations" => "Integration",
        "secrets" => "Secret",
        "configmaps" => "ConfigMap",
        "events" => "Event",
        "leases" => "Lease",
        other => other,
    };
    kind.to_owned()
}

/// `apiVersion` of the collection's group and version.
pub(super) fn api_version(collection: &str) -> String {
    match collection.trim_start_matches('/').split('/').collect::<Vec<_>>()[..] {
        ["apis", group, version, ..] => format!("{group}/{version}"),
        _ => "v1".to_owned(),
    }
}

pub(super) fn list(store: &Store, request: &Request) -> Result<Value, Failure> {
    let selector = Selector::parse(request)?;
    let limit = match request.param("limit") {
        Some(limit) => limit
            .parse::<usize>()
            .map_err(|_| Failure::bad_request("invalid limit"))?,
        None => 0,
    };
    let (at, after) = match request.param("continue") {
        Some(token) => {
            let (at, last) =
                decode(token).ok_or_else(|| Failure::bad_request("continue key is not valid"))?;
            (at, Some(last))
        }
        None => (version(store, request)?, None),
    };
    let objects = store.snapshot(&request.collection, at).map_err(|horizon| {
        let message = if after.is_some() {
            "The provided continue parameter is too old to display a consistent list result. \
             You can start a new list without the continue parameter."
                .to_owned()
        } else {
            format!("too old resource version: {at} ({horizon})")
        };
        Failure::new(StatusCode::GONE, message).reason("Expired")
    })?;
    let mut matching = objects
        .into_iter()
        .filter(|(name, _)| after.as_ref().is_none_or(|after| name > after))
        .filter(|(_, object)| selector.matches(object))
        .peekable();
    let mut items = Vec::new();
    while let Some((_, object)) = matching.next_if(|_| limit == 0 || items.len() < limit) {
        items.push(object);
    }
    let remaining = matching.count();
    let mut metadata = json!({"resourceVersion": at.to_string()});
    if remaining > 0 {
        let last = items
            .last()
            .and_then(|o| o["metadata"]["name"].as_str())
            .unwrap_or_default();
        metadata["continue"] = encode(at, last).into();
        // As the real server: unknown when a selector filters.
        if selector.terms.is_empty() {
            metadata["remainingItemCount"] = remaining.into();
        }
    }
    let (api_version, kind, items) = if request.metadata_only {
        let items = items.iter().map(metadata_only).collect();
        (
            "meta.k8s.io/v1".to_owned(),
            "PartialObjectMetadataList".to_owned(),
            items,
        )
    } else {
        (
            api_version(&request.collection),
            format!("{}List", kind(&request.plural)),
            items,
        )
    };
    Ok(json!({"kind": kind, "apiVersion": api_version, "metadata": metadata, "items": items}))
}

/// The version a list without a continue token is served at: the current
/// one, unless `resourceVersionMatch=Exact` asks for an older snapshot.
fn version(store: &Store, request: &Request) -> Result<u64, Failure> {
    let asked = match request.param("resourceVersion").filter(|v| !v.is_empty()) {
        Some(v) => Some(
            v.parse::<u64>()
                .map_err(|_| Failure::bad_request(format!("invalid resourceVersion {v}")))?,
        ),
        None => None,
    };
    if let Some(asked) = asked.filter(|asked| *asked > store.rv) {
        let message = format!("Too large resource version: {asked}, current: {}", store.rv);
        return Err(Failure::new(StatusCode::GATEWAY_TIMEOUT, message));
    }
    match (request.param("resourceVersionMatch"), asked) {
        (Some("Exact"), Some(asked)) => Ok(asked),
        (Some("Exact" | "NotOlderThan"), None) => Err(Failure::bad_request(
            "resourceVersionMatch is forbidden unless resourceVersion is provided",
        )),
        (None | Some("NotOlderThan"), _) => Ok(store.rv),
        (Some(other), _) => Err(Failure::bad_request(format!(
            "unknown resourceVersionMatch {other}"
        ))),
    }
}

/// An opaque token: the hex of `{"rv": AT, "start": LAST}`.
fn encode(at: u64, last: &str) -> String {
    hex::encode(json!({"rv": at, "start": last}).to_string())
}

fn decode(token: &str) -> Option<(u64, String)> {
    let token: Value = serde_json::from_slice(&hex::decode(token).ok()?).ok()?;
    Some((token["rv"].as_u64()?, token["start"].as_str()?.to_owned()))
}

/// A field and label selector.
#[derive(Default)]
pub(super) struct Selector {
    terms: Vec<Term>,
}

enum Term {
    /// `metadata.name` or `metadata.namespace` equals (or not) a value.
    Field {
        field: &'static str,
        equal: bool,
        value: String,
    },
    /// A label equals (or not) a value; `None`: exists (or not).
    Label {
        key: String,
        equal: bool,
        value: Option<String>,
    },
}

/// `k=v`, `k==v`, `k!=v` as (key, equal, value).
fn split_term(term: &str) -> Option<(&str, bool, &str)> {
    if let Some((key, value)) = term.split_once("!=") {
        return Some((key.trim(), false, value.trim()));
    }
    let (key, value) = term.split_once("==").or_else(|| term.split_once('='))?;
    Some((key.trim(), true, value.trim()))
}

impl Selector {
    pub fn parse(request: &Request) -> Result<Selector, Failure> {
        let mut terms = Vec::new();
        let fields = request.param("fieldSelector").unwrap_or_default();
        for term in fields.split(',').filter(|t| !t.trim().is_empty()) {
            let invalid = || Failure::bad_request(format!("invalid field selector: {term}"));
            let (field, equal, value) = split_term(term).ok_or_else(invalid)?;
            let field = match field {
                "metadata.name" => "name",
                "metadata.namespace" => "namespace",
                other => {
                    return Err(Failure::bad_request(format!(
                        "field label not supported: {other}"
                    )));
                }
            };
            terms.push(Term::Field {
                field,
                equal,
                value: value.to_owned(),
            });
        }
        let labels = request.param("labelSelector").unwrap_or_default();
        for term in labels.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            if term.contains(['(', ' ', '<', '>']) {
                return Err(Failure::bad_request(format!(
                    "the fake supports no set-based selector: {term}"
                )));
            }
            let term = match (split_term(term), term.strip_prefix('!')) {
                (Some((key, equal, value)), _) => Term::Label {
                    key: key.to_owned(),
                    equal,
                    value: Some(value.to_owned()),
                },
                (None, Some(key)) => Term::Label {
                    key: key.to_owned(),
                    equal: false,
                    value: None,
                },
                (None, None) => Term::Label {
                    key: term.to_owned(),
                    equal: true,
                    value: None,
                },
            };
            terms.push(term);
        }
        Ok(Selector { terms })
    }

    pub fn matches(&self, object: &Value) -> bool {
        self.terms.iter().all(|term| match term {
            Term::Field { field, equal, value } => {
                (object["metadata"][*field].as_str() == Some(value)) == *equal
            }
            Term::Label { key, equal, value } => {
                let label = object["metadata"]["labels"][key].as_str();
                match value {
                    Some(value) => (label == Some(value)) == *equal,
                    None => label.is_some() == *equal,
                }
            }
        })
    }
}
