//! `set-snapshot`, `get-snapshot` and `get-loaded-snapshots`: which snapshot
//! the commands read, carried by the conversation (see [`snapshot`]).

use super::readable;
use crate::commands::Call;
use crate::model::{Choice, Reply};
use crate::workers::ipfabric::snapshot::{self, Chosen, OPTION, Snapshot, Source, canonical};
use crate::workers::ipfabric::spec::READING;
use crate::workers::ipfabric::{IpfabricError, Session, Settings};
use crate::workers::toolkit::menus::ask_next_subcommand;
use crate::workers::toolkit::render::{NONE, error, info, or_none, table_message, utc_minute, yes_no};

/// `set-snapshot [snapshot]`: a menu of the loaded snapshots when none is
/// named; else, once it is found loaded, a menu of what to run on it next.
pub async fn set_snapshot(session: &Session<'_>) -> Result<Reply, IpfabricError> {
    let snapshots = session.snapshots().await?;
    let Some(typed) = session.arg(0) else {
        return Ok(session.ask(
            "Which snapshot should the next commands read?",
            snapshot_choices(&snapshots, None),
            "IP Fabric has no loaded snapshot to read.",
        ));
    };
    let chosen = Chosen {
        reference: canonical(typed),
        source: Source::Carried,
    };
    Ok(match readable(&snapshots, &chosen) {
        Ok(snapshot) => render_set(&session.call, snapshot),
        Err(sentence) => error(sentence),
    })
}

/// The loaded snapshots but `except` (an id), newest first, as menu choices:
/// labelled by name, date and state, valued by id.
pub fn snapshot_choices(snapshots: &[Snapshot], except: Option<&str>) -> Vec<Choice> {
    snapshots
        .iter()
        .filter(|s| s.loaded && Some(s.id.as_str()) != except)
        .map(|s| Choice {
            label: s.label(),
            value: s.id.clone(),
        })
        .collect()
}

/// The answer to `set-snapshot`: which snapshot is read from here, and a
/// menu of the sub-commands that read one, each carrying `snapshot=<id>`.
pub fn render_set(call: &Call<'_>, snapshot: &Snapshot) -> Reply {
    let option = format!("{OPTION}={}", snapshot.id);
    let question = format!(
        "Snapshot {} is now the one your next commands read. Choose what to run on it, \
         or add `{option}` to a command you type.",
        snapshot.described()
    );
    let none = format!(
        "Snapshot {} can be read, but you may run none of the commands that read one here; add `{option}` \
         to one you may run elsewhere.",
        snapshot.described()
    );
    ask_next_subcommand(call, vec![option], question, &READING, none)
}

/// `get-snapshot`: which snapshot a command from here reads, and why.
pub async fn get_snapshot(session: &Session<'_>, settings: &Settings) -> Result<Reply, IpfabricError> {
    let chosen = snapshot::chosen(&session.call, settings.default_snapshot.as_deref());
    let snapshots = session.snapshots().await?;
    Ok(render_get(&snapshots, &chosen))
}

/// The answer to `get-snapshot`.
pub fn render_get(snapshots: &[Snapshot], chosen: &Chosen) -> Reply {
    match readable(snapshots, chosen) {
        Ok(snapshot) => info(format!(
            "Commands here read snapshot {}, because {}.",
            snapshot.described(),
            chosen.why()
        )),
        Err(sentence) => error(format!(
            "Commands here would read `{}`, because {}. {sentence}",
            chosen.reference,
            chosen.why()
        )),
    }
}

/// `get-loaded-snapshots`: the loaded snapshots, newest first.
pub async fn get_loaded_snapshots(session: &Session<'_>) -> Result<Reply, IpfabricError> {
    let snapshots = session.snapshots().await?;
    let link = format!("[Open in IP Fabric]({})", session.web_link("snapshot-management"));
    Ok(render_loaded(&snapshots, link))
}

/// The loaded snapshots as a table, with `note` under it.
pub fn render_loaded(snapshots: &[Snapshot], note: String) -> Reply {
    let loaded: Vec<&Snapshot> = snapshots.iter().filter(|s| s.loaded).collect();
    if loaded.is_empty() {
        return info(format!("IP Fabric has no loaded snapshot.\n{note}"));
    }
    let count = |n: Option<u64>| n.map_or_else(|| NONE.to_owned(), |n| n.to_string());
    let rows = loaded
        .iter()
        .map(|s| {
            vec![
                s.title(),
                s.id.clone(),
                s.start.map_or_else(|| NONE.to_owned(), utc_minute),
                s.date(),
                count(s.devices),
                count(s.licensed),
                yes_no(s.locked),
                or_none(s.version.as_deref()),
                or_none(s.note.as_deref()),
            ]
        })
        .collect();
    table_message(
        "Loaded snapshots".to_owned(),
        &[
            "Name", "ID", "Start", "End", "Devices", "Licensed", "Locked", "Version", "Note",
        ],
        rows,
        Some(note),
    )
}
