//! `table-diff [category table summary|detailed snapshot]`: a table of the
//! snapshot read compared with another snapshot: the rows only in the
//! first (added), only in the other (removed), and changed.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::snapshots::snapshot_choices;
use super::{fields, not_one_of, one_of, readable};
use crate::model::{Block, Choice, Reply, Table};
use crate::workers::ipfabric::client::Query;
use crate::workers::ipfabric::snapshot::{self, Chosen, Snapshot, Source, canonical};
use crate::workers::ipfabric::{IpfabricError, Session, Settings};
use crate::workers::toolkit::paging::{MAX_ROWS, cut};
use crate::workers::toolkit::render::{error, titled, value_text};

/// A table that can be compared: its category and name as typed, its path,
/// the columns that identify a row, and the columns shown and compared.
pub struct DiffTable {
    category: &'static str,
    name: &'static str,
    table: &'static str,
    keys: &'static [&'static str],
    columns: &'static [(&'static str, &'static str)],
}

/// The tables `table-diff` compares.
pub const TABLES: [DiffTable; 8] = [
    DiffTable {
        category: "inventory",
        name: "devices",
        table: "tables/inventory/devices",
        keys: &["hostname"],
        columns: &[
            ("Hostname", "hostname"),
            ("Site", "siteName"),
            ("Vendor", "vendor"),
            ("Model", "model"),
            ("Version", "version"),
            ("Serial", "sn"),
            ("Mgmt IP", "loginIp"),
        ],
    },
    DiffTable {
        category: "inventory",
        name: "interfaces",
        table: "tables/inventory/interfaces",
        keys: &["hostname", "intName"],
        columns: &[
            ("Hostname", "hostname"),
            ("Interface", "intName"),
            ("L1", "l1"),
            ("L2", "l2"),
            ("Description", "dscr"),
            ("Speed", "speed"),
            ("IP", "primaryIp"),
        ],
    },
    DiffTable {
        category: "inventory",
        name: "sites",
        table: "tables/inventory/sites",
        keys: &["siteName"],
        columns: &[
            ("Site", "siteName"),
            ("Devices", "devicesCount"),
            ("Users", "usersCount"),
            ("Switches", "switchesCount"),
            ("Routers", "routersCount"),
        ],
    },
    DiffTable {
        category: "inventory",
        name: "hosts",
        table: "tables/addressing/hosts",
        keys: &["ip", "mac"],
        columns: &[
            ("IP", "ip"),
            ("MAC", "mac"),
            ("DNS", "dnsName"),
            ("Site", "siteName"),
            ("VLAN", "vlan"),
        ],
    },
    DiffTable {
        category: "routing",
        name: "bgp-neighbors",
        table: "tables/routing/protocols/bgp/neighbors",
        keys: &["hostname", "neiAddress"],
        columns: &[
            ("Hostname", "hostname"),
            ("Neighbor address", "neiAddress"),
            ("Neighbor AS", "neiAs"),
            ("State", "state"),
        ],
    },
    DiffTable {
        category: "wireless",
        name: "radios",
        table: "tables/wireless/radio",
        keys: &["apName", "wlanBssid"],
        columns: &[
            ("AP", "apName"),
            ("BSSID", "wlanBssid"),
            ("SSID", "wlanSsid"),
            ("Radio", "radioDscr"),
            ("Status", "radioStatus"),
        ],
    },
    DiffTable {
        category: "wireless",
        name: "clients",
        table: "tables/wireless/clients",
        keys: &["client"],
        columns: &[
            ("Client", "client"),
            ("Client IP", "clientIp"),
            ("AP", "apName"),
            ("SSID", "ssid"),
        ],
    },
    DiffTable {
        category: "wireless",
        name: "ssids",
        table: "tables/wireless/ssid-summary",
        keys: &["ssid"],
        columns: &[
            ("SSID", "ssid"),
            ("Radios", "radioCount"),
            ("APs", "apCount"),
            ("Clients", "clientCount"),
        ],
    },
];

/// What changed between two readings of a table.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Diff {
    /// Rows only in the snapshot read.
    pub added: Vec<Value>,
    /// Rows only in the other snapshot.
    pub removed: Vec<Value>,
    /// Rows in both, as they are in the snapshot read, that differ.
    pub changed: Vec<Value>,
}

/// `table-diff [category table view snapshot]`: menus of what is missing.
pub async fn table_diff(session: &Session<'_>, settings: &Settings) -> Result<Reply, IpfabricError> {
    let snapshots = session.snapshots().await?;
    let chosen = snapshot::chosen(&session.call, settings.default_snapshot.as_deref());
    let current = match readable(&snapshots, &chosen) {
        Ok(current) => current,
        Err(sentence) => return Ok(error(sentence)),
    };
    let mut categories: Vec<&str> = TABLES.iter().map(|t| t.category).collect();
    categories.dedup();
    let Some(typed) = session.arg(0) else {
        let choices = categories.iter().map(|c| Choice::same(*c)).collect();
        return Ok(session.menu("Compare a table of which category?", choices));
    };
    let Some(category) = one_of(&categories, typed) else {
        return Ok(not_one_of(session, "a category", typed, &categories));
    };
    let names: Vec<&str> = TABLES
        .iter()
        .filter(|t| t.category == category)
        .map(|t| t.name)
        .collect();
    let Some(typed) = session.arg(1) else {
        let choices = names.iter().map(|n| Choice::same(*n)).collect();
        return Ok(session.menu("Which table would you like to compare?", choices));
    };
    let Some(table) =
        one_of(&names, typed).and_then(|n| TABLES.iter().find(|t| t.category == category && t.name == n))
    else {
        return Ok(not_one_of(session, "a table", typed, &names));
    };
    let views = ["summary", "detailed"];
    let Some(typed) = session.arg(2) else {
        let choices = views.iter().map(|v| Choice::same(*v)).collect();
        return Ok(session.menu("Which view would you like to see?", choices));
    };
    let Some(view) = one_of(&views, typed) else {
        return Ok(not_one_of(session, "a view", typed, &views));
    };
    let Some(typed) = session.arg(3) else {
        return Ok(session.ask(
            format!(
                "Compare with which snapshot? (This command reads {}.)",
                current.title()
            ),
            snapshot_choices(&snapshots, Some(&current.id)),
            "IP Fabric has no other loaded snapshot to compare with.",
        ));
    };
    let other = Chosen {
        reference: canonical(typed),
        source: Source::Carried,
    };
    let other = match readable(&snapshots, &other) {
        Ok(other) => other,
        Err(sentence) => return Ok(error(sentence)),
    };
    let query = Query {
        table: table.table,
        columns: &fields(table.columns),
        filters: json!({}),
        sort: None,
    };
    let mut now = session.rows(&query, current).await?;
    let mut then = session.rows(&query, other).await?;
    let was_cut = cut(&mut now) | cut(&mut then);
    let diff = compare(table, &now, &then);
    let mut note = format!("[Open in IP Fabric]({})", session.web_link(""));
    if was_cut {
        note.push_str(&format!(
            "\nOnly the first {MAX_ROWS} rows of each were compared."
        ));
    }
    Ok(render_diff(
        table,
        current,
        other,
        &diff,
        view == "detailed",
        note,
    ))
}

/// The key of `row` in `table`.
fn key(table: &DiffTable, row: &Value) -> String {
    table
        .keys
        .iter()
        .map(|k| value_text(row.get(*k)))
        .collect::<Vec<_>>()
        .join("\u{1f}")
}

/// What differs between `now` (the snapshot read) and `then` (the other).
pub fn compare(table: &DiffTable, now: &[Value], then: &[Value]) -> Diff {
    let index = |rows: &[Value]| -> BTreeMap<String, Value> {
        rows.iter().map(|row| (key(table, row), row.clone())).collect()
    };
    let (now, then) = (index(now), index(then));
    let same = |a: &Value, b: &Value| table.columns.iter().all(|(_, f)| a.get(*f) == b.get(*f));
    Diff {
        added: now
            .iter()
            .filter(|(k, _)| !then.contains_key(*k))
            .map(|(_, r)| r.clone())
            .collect(),
        removed: then
            .iter()
            .filter(|(k, _)| !now.contains_key(*k))
            .map(|(_, r)| r.clone())
            .collect(),
        changed: now
            .iter()
            .filter(|(k, row)| then.get(*k).is_some_and(|old| !same(row, old)))
            .map(|(_, r)| r.clone())
            .collect(),
    }
}

/// The answer: the counts, or (`detailed`) a table of each kind of change.
pub fn render_diff(
    table: &DiffTable,
    now: &Snapshot,
    then: &Snapshot,
    diff: &Diff,
    detailed: bool,
    note: String,
) -> Reply {
    let title = format!("{}/{} diff", table.category, table.name);
    let mut blocks = vec![Block::Text(format!(
        "Snapshot {} compared with {}: added rows are only in the first, removed ones only in the second.",
        now.described(),
        then.described()
    ))];
    let parts = [
        ("Added", &diff.added),
        ("Removed", &diff.removed),
        ("Changed", &diff.changed),
    ];
    if detailed {
        for (name, rows) in parts {
            if rows.is_empty() {
                blocks.push(Block::Text(format!("{name}: none")));
                continue;
            }
            blocks.push(Block::Table(Table {
                title: format!("{name} ({})", rows.len()),
                columns: table.columns.iter().map(|(h, _)| (*h).to_owned()).collect(),
                rows: rows
                    .iter()
                    .map(|row| {
                        table
                            .columns
                            .iter()
                            .map(|(_, f)| value_text(row.get(*f)))
                            .collect()
                    })
                    .collect(),
            }));
        }
    } else {
        let counts: Vec<String> = parts
            .iter()
            .map(|(name, rows)| format!("{name}: {}", rows.len()))
            .collect();
        blocks.push(Block::Text(counts.join("\n")));
    }
    blocks.push(Block::Text(note));
    titled(title, blocks)
}
