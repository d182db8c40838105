//! `routing [device bgp-neighbors state]`: a device's BGP neighbors, of
//! one session state or any.

use super::interfaces::device_menu;
use super::{fields, not_one_of, note_of, one_of, reading, render_table};
use crate::model::{Choice, Reply};
use crate::workers::ipfabric::client::Query;
use crate::workers::ipfabric::{IpfabricError, Session, Settings};

/// IP Fabric's BGP neighbors.
const BGP_NEIGHBORS: &str = "tables/routing/protocols/bgp/neighbors";

/// The protocols `routing` knows.
const PROTOCOLS: [&str; 1] = ["bgp-neighbors"];

/// The session states to filter by, `any` first.
const STATES: [&str; 7] = [
    "any",
    "established",
    "idle",
    "active",
    "openconfirm",
    "opensent",
    "connect",
];

/// The columns of the answer, with the fields they show.
const COLUMNS: [(&str, &str); 10] = [
    ("Hostname", "hostname"),
    ("Local AS", "localAs"),
    ("Source interface", "srcInt"),
    ("Local address", "localAddress"),
    ("VRF", "vrf"),
    ("Neighbor", "neiHostname"),
    ("Neighbor address", "neiAddress"),
    ("Neighbor AS", "neiAs"),
    ("State", "state"),
    ("Received prefixes", "totalReceivedPrefixes"),
];

/// `routing [device protocol state]`: menus of the devices, the protocols
/// and the states.
pub async fn routing(session: &Session<'_>, settings: &Settings) -> Result<Reply, IpfabricError> {
    let snapshot = match reading(session, settings).await? {
        Ok(snapshot) => snapshot,
        Err(said) => return Ok(said),
    };
    let Some(device) = session.arg(0) else {
        return device_menu(session, &snapshot).await;
    };
    let Some(protocol) = session.arg(1) else {
        let choices = vec![Choice {
            label: "BGP neighbors".to_owned(),
            value: PROTOCOLS[0].to_owned(),
        }];
        return Ok(session.menu(format!("Which routing information of {device}?"), choices));
    };
    if one_of(&PROTOCOLS, protocol).is_none() {
        return Ok(not_one_of(session, "a protocol", protocol, &PROTOCOLS));
    }
    let Some(typed) = session.arg(2) else {
        let choices = STATES.iter().map(|state| Choice::same(*state)).collect();
        return Ok(session.menu("BGP neighbors in which state?", choices));
    };
    let Some(state) = one_of(&STATES, typed) else {
        return Ok(not_one_of(session, "a state", typed, &STATES));
    };
    let on_device = serde_json::json!({"hostname": ["ieq", device]});
    let filters = if state == "any" {
        on_device
    } else {
        serde_json::json!({"and": [on_device, {"state": ["ieq", state]}]})
    };
    let query = Query {
        table: BGP_NEIGHBORS,
        columns: &fields(&COLUMNS),
        filters,
        sort: Some("neiAddress"),
    };
    let mut rows = session.rows(&query, &snapshot).await?;
    let note = note_of(session, &snapshot, "technology/routing/bgp/neighbors", &mut rows);
    Ok(render_table(
        format!("BGP neighbors of {device} in state {state}"),
        &COLUMNS,
        &rows,
        note,
        &format!("`{device}` has no BGP neighbor in state {state}."),
    ))
}
