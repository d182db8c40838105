//! `wireless [ssids|clients ssid]`: the SSIDs each radio broadcasts, or the
//! clients of one SSID.

use serde_json::json;

use super::{fields, filter, not_one_of, note_of, one_of, reading, render_table, values_of};
use crate::model::{Choice, Reply};
use crate::workers::ipfabric::client::Query;
use crate::workers::ipfabric::{IpfabricError, Session, Settings};

/// IP Fabric's access point radios and the SSIDs they broadcast.
const RADIOS: &str = "tables/wireless/radio";
/// IP Fabric's wireless clients.
const CLIENTS: &str = "tables/wireless/clients";

/// The columns of `wireless ssids`, with the fields they show.
const SSID_COLUMNS: [(&str, &str); 6] = [
    ("SSID", "wlanSsid"),
    ("Site", "siteName"),
    ("AP", "apName"),
    ("Radio", "radioDscr"),
    ("Radio status", "radioStatus"),
    ("Clients", "clientCount"),
];

/// The columns of `wireless clients`, with the fields they show.
const CLIENT_COLUMNS: [(&str, &str); 9] = [
    ("Controller", "controller"),
    ("Site", "siteName"),
    ("AP", "apName"),
    ("Client", "client"),
    ("Client IP", "clientIp"),
    ("SSID", "ssid"),
    ("RSSI (dBm)", "rssi"),
    ("SNR (dB)", "signalToNoiseRatio"),
    ("State", "state"),
];

/// `wireless [option ssid]`: a menu of the two, then of the SSIDs.
pub async fn wireless(session: &Session<'_>, settings: &Settings) -> Result<Reply, IpfabricError> {
    let snapshot = match reading(session, settings).await? {
        Ok(snapshot) => snapshot,
        Err(said) => return Ok(said),
    };
    let options = ["ssids", "clients"];
    let Some(typed) = session.arg(0) else {
        let choices = options.iter().map(|option| Choice::same(*option)).collect();
        return Ok(session.menu("Which wireless information?", choices));
    };
    let Some(option) = one_of(&options, typed) else {
        return Ok(not_one_of(session, "a choice", typed, &options));
    };
    let radios = |columns| Query {
        table: RADIOS,
        columns,
        filters: json!({}),
        sort: Some("wlanSsid"),
    };
    if option == "ssids" {
        let mut rows = session.rows(&radios(&fields(&SSID_COLUMNS)), &snapshot).await?;
        let note = note_of(session, &snapshot, "technology/wireless/radios-detail", &mut rows);
        return Ok(render_table(
            "Wireless SSIDs".to_owned(),
            &SSID_COLUMNS,
            &rows,
            note,
            "No radio broadcasts an SSID in this snapshot.",
        ));
    }
    let Some(ssid) = session.arg(1) else {
        let rows = session.rows(&radios(&["wlanSsid"]), &snapshot).await?;
        return Ok(session.ask(
            "Clients of which SSID?",
            values_of(&rows, "wlanSsid"),
            format!(
                "No radio broadcasts an SSID in snapshot {}.",
                snapshot.described()
            ),
        ));
    };
    let query = Query {
        table: CLIENTS,
        columns: &fields(&CLIENT_COLUMNS),
        filters: filter("ssid", "ieq", ssid),
        sort: Some("apName"),
    };
    let mut rows = session.rows(&query, &snapshot).await?;
    let note = note_of(session, &snapshot, "technology/wireless/clients", &mut rows);
    Ok(render_table(
        format!("Wireless clients of {ssid}"),
        &CLIENT_COLUMNS,
        &rows,
        note,
        &format!("No client is on the SSID `{ssid}`."),
    ))
}
