//! What a person sees of the ipfabric sub-commands, from the pure parts:
//! snapshot names resolved as IP Fabric resolves them, path lookups
//! summarized, tables compared, addresses read. The worker behind the
//! router, against the fake IP Fabric, is tested in `ipfabric/tests`.

use serde_json::{Value, json};

use super::diff::{TABLES, compare};
use super::inventory::{dotted_mac, flat_host};
use super::pathlookup::{summarize, verdict};
use super::rounded;
use super::snapshots::render_loaded;
use crate::model::{Block, Reply};
use crate::workers::ipfabric::snapshot::{Found, Snapshot, canonical, find, snapshots_of};
use crate::workers::ipfabric::spec::spec;

fn snapshot(id: &str, end: i64, loaded: bool, locked: bool) -> Value {
    json!({"id": id, "name": null, "status": if loaded { "done" } else { "unloaded" }, "locked": locked, "tsEnd": end})
}

fn found_id(found: Found<'_>) -> Option<(&str, bool)> {
    match found {
        Found::Loaded(s) => Some((s.id.as_str(), true)),
        Found::NotLoaded(s) => Some((s.id.as_str(), false)),
        Found::Unknown => None,
    }
}

#[test]
fn references_resolve_among_the_loaded_snapshots_newest_first() {
    // Out of order, as an API may list them: resolution sorts by end.
    let snapshots = snapshots_of(&[
        snapshot("b", 200, true, true),
        snapshot("d", 400, false, false),
        snapshot("c", 300, true, false),
        snapshot("a", 100, true, true),
    ]);
    assert_eq!(
        found_id(find(&snapshots, "$last")),
        Some(("c", true)),
        "d is not loaded"
    );
    assert_eq!(found_id(find(&snapshots, "$prev")), Some(("b", true)));
    assert_eq!(found_id(find(&snapshots, "$LASTLOCKED")), Some(("b", true)));
    assert_eq!(
        found_id(find(&snapshots, "D")),
        Some(("d", false)),
        "ids in any case"
    );
    assert_eq!(found_id(find(&snapshots, "e")), None);
    assert_eq!(canonical(" $lastlocked "), "$lastLocked");
    assert_eq!(canonical("$Prev"), "$prev");
    assert_eq!(
        found_id(find(&snapshots_of(&[snapshot("x", 1, false, false)]), "$last")),
        None
    );
}

#[test]
fn a_snapshot_without_an_id_is_left_out_and_one_without_a_name_says_so() {
    let snapshots = snapshots_of(&[json!({"name": "no id"}), snapshot("a", 0, true, false)]);
    assert_eq!(snapshots.len(), 1);
    assert_eq!(
        snapshots[0].label(),
        "unnamed snapshot · 1970-01-01 00:00 UTC · loaded"
    );
    let undated = Snapshot::of(&json!({"id": "z", "status": "done"})).unwrap();
    assert_eq!(undated.date(), "—");
}

#[test]
fn no_loaded_snapshot_is_said_in_words() {
    let unloaded = snapshots_of(&[snapshot("a", 0, false, false)]);
    let Reply::Message(message) = render_loaded(&unloaded, "link".to_owned()) else {
        panic!("a message");
    };
    assert_eq!(
        message.blocks,
        [Block::Text("IP Fabric has no loaded snapshot.\nlink".to_owned())]
    );
}

/// A path result of `hops` (sn, hostname, x), edges between the first
/// `edges` pairs, passing `passing`, with a drop at `dropped`.
fn path(hops: &[(&str, &str, i64)], edges: usize, passing: &str, dropped: Option<&str>) -> Value {
    let nodes: serde_json::Map<String, Value> = hops
        .iter()
        .map(|(sn, name, x)| ((*sn).to_owned(), json!({"label": name, "position": {"x": x}})))
        .collect();
    let edges: serde_json::Map<String, Value> = hops
        .windows(2)
        .take(edges)
        .enumerate()
        .map(|(i, pair)| (format!("e{i}"), json!({"source": pair[0].0, "target": pair[1].0})))
        .collect();
    let decisions: serde_json::Map<String, Value> = dropped
        .map(|sn| {
            let events = json!([{"type": "security check", "decidingPolicyName": "deny-all"}, {"type": "drop packet", "reason": "security"}]);
            (sn.to_owned(), json!({"traces": [{"trace": [{"events": events}]}]}))
        })
        .into_iter()
        .collect();
    json!({
        "graphResult": {"graphData": {"nodes": nodes, "edges": edges}},
        "pathlookup": {"passingTraffic": passing, "decisions": decisions, "check": {"exists": !hops.is_empty()}}
    })
}

#[test]
fn a_path_is_read_along_its_edges_then_the_rest_left_to_right() {
    // Listed out of order; traffic stops at fw after the first edge.
    let hops = [
        ("S3", "core", 600),
        ("S1", "rtr", 0),
        ("S2", "fw", 200),
        ("S4", "edge", 400),
    ];
    let ordered = [hops[1], hops[2], hops[3], hops[0]];
    let summary = summarize(&path(&ordered, 1, "none", Some("S2")));
    assert_eq!(summary.hops, ["rtr", "fw", "edge", "core"]);
    assert_eq!(
        verdict(&summary),
        "the traffic is dropped at fw (security, policy deny-all)."
    );

    let part = summarize(&path(&ordered, 3, "part", Some("S2")));
    assert_eq!(
        verdict(&part),
        "part of the traffic passes; the rest is dropped at fw (security, policy deny-all)."
    );
    let none = summarize(&path(&[], 0, "none", None));
    assert_eq!(verdict(&none), "IP Fabric found no path for this flow.");
}

#[test]
fn tables_differ_by_rows_added_removed_and_changed() {
    let devices = &TABLES[0];
    let now = [
        json!({"hostname": "a", "version": "2"}),
        json!({"hostname": "b", "version": "1"}),
        json!({"hostname": "new", "version": "1"}),
    ];
    let then = [
        json!({"hostname": "a", "version": "1"}),
        json!({"hostname": "b", "version": "1"}),
        json!({"hostname": "gone", "version": "1"}),
    ];
    let diff = compare(devices, &now, &then);
    let names = |rows: &[Value]| {
        rows.iter()
            .map(|r| r["hostname"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&diff.added), ["new"]);
    assert_eq!(names(&diff.removed), ["gone"]);
    assert_eq!(names(&diff.changed), ["a"]);
}

#[test]
fn macs_are_read_in_any_usual_form_and_hosts_flattened() {
    assert_eq!(dotted_mac("F8:BC:12:45:9A:0E").as_deref(), Some("f8bc.1245.9a0e"));
    assert_eq!(dotted_mac("f8bc12459a0e").as_deref(), Some("f8bc.1245.9a0e"));
    assert_eq!(dotted_mac("f8:bc:12:45:9a"), None);
    assert_eq!(dotted_mac("g8bc.1245.9a0e"), None);
    let host = flat_host(&json!({
        "edges": [{"hostname": "sw", "intName": "Gi1"}, {"hostname": "sw2"}],
        "gateways": [], "accessPoints": [{"hostname": "ap", "ssid": "Corp"}]
    }));
    assert_eq!(host["edges"], "sw Gi1, sw2");
    assert_eq!(host["gateways"], "");
    assert_eq!(host["accessPoints"], "ap Corp");
}

#[test]
fn rates_read_to_four_decimals_and_counts_as_they_are() {
    let row =
        rounded(&json!({"pct": 0.0034999999999999996, "rate": 12.5, "bytes": 9, "name": "x", "zero": 0.0}));
    assert_eq!(
        row,
        json!({"pct": "0.0035", "rate": "12.5", "bytes": 9, "name": "x", "zero": "0"})
    );
}

#[test]
fn help_marks_the_sub_command_that_changes_nautobot_and_the_snapshot_option() {
    let spec = spec("ipfabric");
    let sync = spec.subcommand("ssot-sync-to-nautobot").unwrap();
    assert!(sync.doc.contains("changes Nautobot; asks first"));
    assert_eq!(
        sync.params.last().map(|p| (p.name.as_str(), p.optional)),
        Some(("confirm", true))
    );
    for name in super::super::spec::READING {
        let sub = spec.subcommand(name).unwrap();
        assert_eq!(sub.options.len(), 1, "{name} takes snapshot=…");
    }
    assert!(spec.subcommand("set-snapshot").unwrap().options.is_empty());
    assert!(
        spec.subcommand("get-loaded-snapshots")
            .unwrap()
            .options
            .is_empty()
    );
}
