//! Which snapshot a command reads, decided from the call alone.
//!
//! The original app kept each user's snapshot in a server-side cache; with
//! several gateway replicas a cache on one is unknown to the others. Here
//! the choice travels with the conversation instead: every snapshot-reading
//! sub-command takes the option `snapshot=…`, the menus it raises keep it
//! in their signed continuations, and `set-snapshot` answers with a menu of
//! the next sub-commands carrying it. Without one, the Integration's
//! `spec.ipfabric.snapshot` applies, else `$last`.

use serde_json::Value;

use crate::commands::Call;
use crate::workers::toolkit::render::{NONE, utc_minute};

/// The option that names the snapshot (`snapshot=$prev`).
pub const OPTION: &str = "snapshot";
/// IP Fabric's name for its newest loaded snapshot.
pub const LAST: &str = "$last";
/// IP Fabric's name for its second newest loaded snapshot.
pub const PREV: &str = "$prev";
/// IP Fabric's name for its newest loaded and locked snapshot.
pub const LAST_LOCKED: &str = "$lastLocked";

/// One snapshot, as `GET /api/snapshots` describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    /// Its id (a UUID).
    pub id: String,
    /// Its name, when it was given one.
    pub name: Option<String>,
    /// Whether it is loaded: only loaded snapshots can be read.
    pub loaded: bool,
    /// Whether it is locked (kept from deletion).
    pub locked: bool,
    /// When discovery started and ended, in milliseconds since the epoch.
    pub start: Option<i64>,
    /// See [`Snapshot::start`].
    pub end: Option<i64>,
    /// How many devices it holds, and how many of them are licensed.
    pub devices: Option<u64>,
    /// See [`Snapshot::devices`].
    pub licensed: Option<u64>,
    /// The IP Fabric release that discovered it.
    pub version: Option<String>,
    /// Its note.
    pub note: Option<String>,
}

impl Snapshot {
    /// The snapshot `json` describes; none without an id.
    pub fn of(json: &Value) -> Option<Snapshot> {
        let text = |key: &str| {
            json.get(key)
                .and_then(Value::as_str)
                .filter(|text| !text.is_empty())
                .map(str::to_owned)
        };
        Some(Snapshot {
            id: text("id")?,
            name: text("name"),
            loaded: json.get("status").and_then(Value::as_str) == Some("done"),
            locked: json.get("locked").and_then(Value::as_bool).unwrap_or(false),
            start: json.get("tsStart").and_then(Value::as_i64),
            end: json.get("tsEnd").and_then(Value::as_i64),
            devices: json.get("totalDevCount").and_then(Value::as_u64),
            licensed: json.get("licensedDevCount").and_then(Value::as_u64),
            version: text("version"),
            note: text("note"),
        })
    }

    /// How people call it: its name, or that it has none.
    pub fn title(&self) -> String {
        self.name.clone().unwrap_or_else(|| "unnamed snapshot".to_owned())
    }

    /// When its discovery ended, or `—`.
    pub fn date(&self) -> String {
        self.end.map_or_else(|| NONE.to_owned(), utc_minute)
    }

    /// `loaded, locked`, `loaded` or `not loaded`.
    pub fn state(&self) -> &'static str {
        match (self.loaded, self.locked) {
            (true, true) => "loaded, locked",
            (true, false) => "loaded",
            (false, _) => "not loaded",
        }
    }

    /// A menu's label: name, date and state, never the id alone.
    pub fn label(&self) -> String {
        format!("{} · {} · {}", self.title(), self.date(), self.state())
    }

    /// `**Nightly** (5e2b…, loaded, 2026-12-03 02:45 UTC)`: what an answer says it read.
    pub fn described(&self) -> String {
        format!(
            "**{}** ({}, {}, {})",
            self.title(),
            self.id,
            self.state(),
            self.date()
        )
    }
}

/// The snapshots of `json` (`GET /api/snapshots`), newest first.
pub fn snapshots_of(json: &[Value]) -> Vec<Snapshot> {
    let mut snapshots: Vec<Snapshot> = json.iter().filter_map(Snapshot::of).collect();
    snapshots.sort_by(|a, b| b.end.cmp(&a.end).then_with(|| a.id.cmp(&b.id)));
    snapshots
}

/// Where the snapshot of a call comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// The call's `snapshot=…`, typed or carried by a menu.
    Carried,
    /// The Integration's `spec.ipfabric.snapshot`.
    Default,
    /// Neither: IP Fabric's newest loaded snapshot.
    Last,
}

/// The snapshot a call reads, as named (not yet looked up).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chosen {
    /// `$last`, `$prev`, `$lastLocked` or an id.
    pub reference: String,
    /// Why this one.
    pub source: Source,
}

impl Chosen {
    /// Why the call reads it, in words.
    pub fn why(&self) -> String {
        match self.source {
            Source::Carried => format!(
                "this command carries `{OPTION}={}` (typed, or chosen with `set-snapshot`)",
                self.reference
            ),
            Source::Default => format!(
                "it is the Integration's default (`spec.ipfabric.snapshot: {}`)",
                self.reference
            ),
            Source::Last => format!(
                "neither the command nor the Integration names another, so it is `{LAST}`, the newest loaded one"
            ),
        }
    }
}

/// The snapshot `call` reads: its last `snapshot=…`, else `default` (the
/// Integration's), else `$last`.
pub fn chosen(call: &Call<'_>, default: Option<&str>) -> Chosen {
    let carried = call
        .options()
        .into_iter()
        .filter(|(name, value)| *name == OPTION && !value.is_empty())
        .map(|(_, value)| value)
        .next_back();
    match (carried, default) {
        (Some(reference), _) => Chosen {
            reference: canonical(reference),
            source: Source::Carried,
        },
        (None, Some(reference)) => Chosen {
            reference: canonical(reference),
            source: Source::Default,
        },
        (None, None) => Chosen {
            reference: LAST.to_owned(),
            source: Source::Last,
        },
    }
}

/// `$LastLocked` → `$lastLocked`: IP Fabric's names in any case (as the
/// original accepted `$lastlocked`); ids as typed, trimmed.
pub fn canonical(reference: &str) -> String {
    let reference = reference.trim();
    [LAST, PREV, LAST_LOCKED]
        .into_iter()
        .find(|name| name.eq_ignore_ascii_case(reference))
        .unwrap_or(reference)
        .to_owned()
}

/// What a reference names among `snapshots` (newest first).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Found<'s> {
    /// A loaded snapshot: it can be read.
    Loaded(&'s Snapshot),
    /// A snapshot that is not loaded.
    NotLoaded(&'s Snapshot),
    /// Nothing.
    Unknown,
}

/// The snapshot `reference` names among `snapshots` (newest first): `$last`,
/// `$prev` and `$lastLocked` among the loaded ones, as IP Fabric resolves
/// them, else an id in any case.
pub fn find<'s>(snapshots: &'s [Snapshot], reference: &str) -> Found<'s> {
    let mut loaded = snapshots.iter().filter(|s| s.loaded);
    let found = match canonical(reference).as_str() {
        LAST => loaded.next(),
        PREV => loaded.nth(1),
        LAST_LOCKED => loaded.find(|s| s.locked),
        id => snapshots.iter().find(|s| s.id.eq_ignore_ascii_case(id)),
    };
    match found {
        Some(snapshot) if snapshot.loaded => Found::Loaded(snapshot),
        Some(snapshot) => Found::NotLoaded(snapshot),
        None => Found::Unknown,
    }
}

/// The sentence for a reference that names no readable snapshot.
pub fn unreadable(found: &Found<'_>, reference: &str) -> Option<String> {
    match found {
        Found::Loaded(_) => None,
        Found::NotLoaded(snapshot) => Some(format!(
            "Snapshot {} is not loaded in IP Fabric, so it cannot be read; load it there, or choose a \
             loaded one with `set-snapshot`.",
            snapshot.described()
        )),
        Found::Unknown => Some(format!(
            "IP Fabric has no snapshot `{reference}`; `get-loaded-snapshots` lists those that can be read."
        )),
    }
}
