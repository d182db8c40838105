//! `interfaces [device load|errors|drops]`: a device's interface load,
//! error rates or drop rates.

use serde_json::json;

use super::inventory::DEVICES;
use super::{fields, filter, not_one_of, note_of, one_of, reading, render_table, rounded, values_of};
use crate::model::{Choice, Reply};
use crate::workers::ipfabric::client::Query;
use crate::workers::ipfabric::snapshot::Snapshot;
use crate::workers::ipfabric::{IpfabricError, Session, Settings};

/// One metric: its name, table, page of IP Fabric's UI, and columns.
struct Metric {
    name: &'static str,
    table: &'static str,
    ui_path: &'static str,
    columns: [(&'static str, &'static str); 3],
}

const METRICS: [Metric; 3] = [
    Metric {
        name: "load",
        table: "tables/interfaces/load/bidirectional",
        ui_path: "technology/interfaces/rate/bidirectional",
        columns: [
            ("Interface", "intName"),
            ("Bytes/s", "bytes"),
            ("Packets/s", "pkts"),
        ],
    },
    Metric {
        name: "errors",
        table: "tables/interfaces/errors/bidirectional",
        ui_path: "technology/interfaces/error-rates/bidirectional",
        columns: [
            ("Interface", "intName"),
            ("Errors (share of packets)", "errPktsPct"),
            ("Error rate %", "errRate"),
        ],
    },
    Metric {
        name: "drops",
        table: "tables/interfaces/drops/bidirectional",
        ui_path: "technology/interfaces/drop-rates/bidirectional",
        columns: [
            ("Interface", "intName"),
            ("Drops (share of packets)", "dropsPktsPct"),
            ("Drop rate %", "dropsRate"),
        ],
    },
];

/// A menu of the snapshot's devices by hostname.
pub async fn device_menu(session: &Session<'_>, snapshot: &Snapshot) -> Result<Reply, IpfabricError> {
    let query = Query {
        table: DEVICES,
        columns: &["hostname"],
        filters: json!({}),
        sort: None,
    };
    let rows = session.rows(&query, snapshot).await?;
    Ok(session.ask(
        "Which device?",
        values_of(&rows, "hostname"),
        format!("Snapshot {} has no devices.", snapshot.described()),
    ))
}

/// `interfaces [device metric]`: menus of the devices and the metrics.
pub async fn interfaces(session: &Session<'_>, settings: &Settings) -> Result<Reply, IpfabricError> {
    let snapshot = match reading(session, settings).await? {
        Ok(snapshot) => snapshot,
        Err(said) => return Ok(said),
    };
    let Some(device) = session.arg(0) else {
        return device_menu(session, &snapshot).await;
    };
    let names: Vec<&str> = METRICS.iter().map(|m| m.name).collect();
    let Some(typed) = session.arg(1) else {
        let choices = names.iter().map(|name| Choice::same(*name)).collect();
        return Ok(session.menu(format!("Which interface metric of {device}?"), choices));
    };
    let Some(metric) = one_of(&names, typed).and_then(|name| METRICS.iter().find(|m| m.name == name)) else {
        return Ok(not_one_of(session, "metric", typed, &names));
    };
    let query = Query {
        table: metric.table,
        columns: &fields(&metric.columns),
        filters: filter("hostname", "ieq", device),
        sort: Some("intName"),
    };
    let mut rows: Vec<_> = session
        .rows(&query, &snapshot)
        .await?
        .iter()
        .map(rounded)
        .collect();
    let note = note_of(session, &snapshot, metric.ui_path, &mut rows);
    Ok(render_table(
        format!("Interface {} of {device}", metric.name),
        &metric.columns,
        &rows,
        note,
        &format!("IP Fabric has no interface {} of `{device}`.", metric.name),
    ))
}
