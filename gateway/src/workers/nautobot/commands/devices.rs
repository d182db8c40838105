//! `get-devices`, `get-device-status`, `change-device-status` and
//! `get-device-facts`.

use serde::Deserialize;
use serde_json::json;

use super::filter::{self, DEVICE_LOCATIONS, DEVICE_MODELS, DEVICE_ROLES, FilterKind, Step, objects};
use super::{cut_note, error};
use crate::model::{Block, Choice, Level, Message, Reply, Table};
use crate::workers::nautobot::objects::{Device, Named, Related, label, or_none};
use crate::workers::nautobot::session::MAX_ROWS;
use crate::workers::nautobot::{NautobotError, Page, Session};

/// The filters of `get-devices`.
pub const DEVICE_FILTERS: &[FilterKind] = &[
    FilterKind::text("name", "name__ic", "Device name (or part of it)"),
    FilterKind::menu("location", "location", DEVICE_LOCATIONS),
    FilterKind::menu("role", "role", DEVICE_ROLES),
    FilterKind::menu("model", "device_type", DEVICE_MODELS),
    FilterKind::menu(
        "manufacturer",
        "manufacturer",
        objects(
            "Devices of which manufacturer?",
            "dcim/manufacturers/",
            &[],
            "name",
        ),
    ),
];

/// The columns of the devices table, as GraphQL fields.
const DEVICE_FIELDS: &str = "id name status { name } tenant { name } location { name } rack { name } \
     role { name } device_type { model } primary_ip4 { address } primary_ip6 { address }";

/// The GraphQL query and variables of `get-devices` filtered by Nautobot's
/// filter `param` (`location`, `device_type`, …) equal to `value`; public
/// so that `scripts/bench-nautobot` times exactly what the worker asks.
pub fn devices_query(param: &str, value: &str) -> (String, serde_json::Value) {
    let query = format!(
        "query ($value: [String], $limit: Int) {{ devices({param}: $value, limit: $limit) {{ {DEVICE_FIELDS} }} }}"
    );
    (query, json!({"value": [value], "limit": MAX_ROWS + 1}))
}

#[derive(Deserialize)]
struct DevicesAnswer {
    devices: Vec<Device>,
}

/// `get-devices [filter-type] [value]`: a table of the devices that match.
///
/// One GraphQL query rather than REST at `?depth=1`: for 1 000 devices
/// Nautobot 3.2 answers it in about 0.3 s against 16 s (docs/benchmarks.md),
/// which for a large site is the difference between an answer and a timeout.
pub async fn get_devices(session: &Session<'_>) -> Result<Reply, NautobotError> {
    let (kind, value) = match filter::step(session, DEVICE_FILTERS, "devices").await? {
        Step::Answer(reply) => return Ok(reply),
        Step::Filter(kind, value) => (kind, value.unwrap_or_default()),
    };
    let (query, variables) = devices_query(kind.param, &value);
    let answer: DevicesAnswer = session.graphql(&query, variables).await?;
    let mut results = answer.devices;
    // GraphQL gives no count: ask REST for it only when the table is cut.
    let count = if results.len() > MAX_ROWS {
        results.truncate(MAX_ROWS);
        session
            .count("dcim/devices/", &[(kind.param, value.as_str())])
            .await?
    } else {
        results.len()
    };
    Ok(render_devices(kind.name, &value, &Page { results, count }))
}

/// The devices table: name, status, tenant, location, rack, role, type, primary IP.
pub fn render_devices(filter: &str, value: &str, page: &Page<Device>) -> Reply {
    let title = format!("Devices where {filter} is {value}");
    if page.results.is_empty() {
        return Reply::Message(Message::text(
            Level::Info,
            format!("No devices where {filter} is `{value}` that you may see."),
        ));
    }
    let rows = page
        .results
        .iter()
        .map(|device| {
            vec![
                device.name(),
                label(&device.status),
                label(&device.tenant),
                label(&device.location),
                label(&device.rack),
                label(&device.role),
                label(&device.device_type),
                device.primary_host(),
            ]
        })
        .collect();
    let columns = [
        "Name",
        "Status",
        "Tenant",
        "Location",
        "Rack",
        "Role",
        "Type",
        "Primary IP",
    ];
    let mut blocks = vec![Block::Table(Table {
        title: title.clone(),
        columns: columns.map(str::to_owned).to_vec(),
        rows,
    })];
    if let Some(note) = cut_note(page.results.len(), page.count) {
        blocks.push(Block::Text(note));
    }
    Reply::Message(Message {
        title: Some(title),
        blocks,
        ..Default::default()
    })
}

/// The device named `name`, as the session's user sees it.
async fn find_device(session: &Session<'_>, name: &str) -> Result<Option<Device>, NautobotError> {
    let page: Page<Device> = session
        .list("dcim/devices/", &[("name", name), ("depth", "1")])
        .await?;
    Ok(page.results.into_iter().next())
}

fn no_device(name: &str) -> Reply {
    error(format!(
        "There is no device named `{name}` that you may see in Nautobot."
    ))
}

#[derive(Deserialize)]
struct DeviceNames {
    devices: Vec<DeviceName>,
}

#[derive(Deserialize)]
struct DeviceName {
    name: Option<String>,
    location: Option<Related>,
}

/// A menu of the devices the user may see, labelled "location: name" and
/// valued by name, ordered by location then name. One GraphQL query, so a
/// large inventory costs one round trip.
async fn device_menu(session: &Session<'_>, question: &str) -> Result<Reply, NautobotError> {
    let answer: DeviceNames = session
        .graphql("{ devices { name location { name } } }", json!({}))
        .await?;
    Ok(match device_choices(answer.devices) {
        choices if choices.is_empty() => error("There are no devices that you may see in Nautobot."),
        choices => session.menu(question, choices),
    })
}

fn device_choices(devices: Vec<DeviceName>) -> Vec<Choice> {
    let mut named: Vec<(String, String)> = devices
        .into_iter()
        .filter_map(|device| Some((label(&device.location), device.name?)))
        .collect();
    named.sort();
    named.dedup();
    named
        .into_iter()
        .map(|(location, name)| Choice {
            label: format!("{location}: {name}"),
            value: name,
        })
        .collect()
}

/// `get-device-status [device]`.
pub async fn get_device_status(session: &Session<'_>) -> Result<Reply, NautobotError> {
    let Some(name) = session.arg(0) else {
        return device_menu(session, "The status of which device?").await;
    };
    Ok(match find_device(session, name).await? {
        Some(device) => render_status(&device),
        None => no_device(name),
    })
}

/// "The status of **X** is **S**."
pub fn render_status(device: &Device) -> Reply {
    Reply::Message(Message::text(
        Level::Info,
        format!(
            "The status of **{}** is **{}**.",
            device.name(),
            label(&device.status)
        ),
    ))
}

/// `change-device-status [device] [status] [yes]`: a menu of the device
/// statuses with the current one marked, a confirmation, then the change,
/// made with the user's own token so Nautobot's permissions decide.
pub async fn change_device_status(session: &Session<'_>) -> Result<Reply, NautobotError> {
    let Some(name) = session.arg(0) else {
        return device_menu(session, "Change the status of which device?").await;
    };
    let Some(device) = find_device(session, name).await? else {
        return Ok(no_device(name));
    };
    let current = label(&device.status);
    let statuses: Page<Named> = session
        .list("extras/statuses/", &[("content_types", "dcim.device")])
        .await?;
    let Some(wanted) = session.arg(1) else {
        return Ok(session.menu(
            format!("New status of **{}** (now **{current}**)?", device.name()),
            status_choices(&statuses.results, &current),
        ));
    };
    let Some(status) = statuses
        .results
        .iter()
        .find(|s| s.name.eq_ignore_ascii_case(wanted))
    else {
        let known: Vec<&str> = statuses.results.iter().map(|s| s.name.as_str()).collect();
        return Ok(error(format!(
            "`{wanted}` is not a device status; use one of: {}.",
            known.join(", ")
        )));
    };
    if status.name == current {
        return Ok(Reply::Message(Message::text(
            Level::Info,
            format!("The status of **{}** is **{current}** already.", device.name()),
        )));
    }
    match session.arg(2) {
        None => {
            return Ok(session.menu(
                format!(
                    "Change the status of **{}** from **{current}** to **{}**?",
                    device.name(),
                    status.name
                ),
                vec![Choice {
                    label: format!("Yes, make it {}", status.name),
                    value: "yes".to_owned(),
                }],
            ));
        }
        Some(answer) if !answer.eq_ignore_ascii_case("yes") => {
            return Ok(Reply::Message(
                Message::text(
                    Level::Info,
                    format!("Not changed: **{}** stays **{current}**.", device.name()),
                )
                .privately(),
            ));
        }
        Some(_) => {}
    }
    // Nautobot answers a change at depth 0 (the status as a bare reference);
    // a 200 means it now has the status asked for.
    let _: serde_json::Value = session
        .patch(
            &format!("dcim/devices/{}/", device.id),
            &json!({"status": status.id}),
        )
        .await?;
    Ok(Reply::Message(Message::text(
        Level::Info,
        format!(
            "The status of **{}** changed from **{current}** to **{}** (by {}).",
            device.name(),
            status.name,
            session.who.user
        ),
    )))
}

/// The statuses, the current one marked.
pub fn status_choices(statuses: &[Named], current: &str) -> Vec<Choice> {
    statuses
        .iter()
        .map(|status| Choice {
            label: if status.name == current {
                format!("{} (current)", status.name)
            } else {
                status.name.clone()
            },
            value: status.name.clone(),
        })
        .collect()
}

const FACTS_QUERY: &str = "query ($name: [String]) { devices(name: $name) { id name serial status { name } \
     location { name } rack { name } tenant { name } role { name } platform { name } \
     device_type { model manufacturer { name } } primary_ip4 { address } primary_ip6 { address } \
     created last_updated } }";

#[derive(Deserialize)]
struct FactsAnswer {
    devices: Vec<Facts>,
}

/// What `get-device-facts` shows of a device.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Facts {
    #[serde(default)]
    pub id: String,
    pub name: Option<String>,
    pub serial: Option<String>,
    pub status: Option<Related>,
    pub location: Option<Related>,
    pub rack: Option<Related>,
    pub tenant: Option<Related>,
    pub role: Option<Related>,
    pub platform: Option<Related>,
    pub device_type: Option<FactsType>,
    pub primary_ip4: Option<Related>,
    pub primary_ip6: Option<Related>,
    pub created: Option<String>,
    pub last_updated: Option<String>,
}

/// A device type with its manufacturer.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct FactsType {
    pub model: Option<String>,
    pub manufacturer: Option<Related>,
}

/// `get-device-facts [device]`: one GraphQL query for everything shown.
pub async fn get_device_facts(session: &Session<'_>) -> Result<Reply, NautobotError> {
    let Some(name) = session.arg(0) else {
        return device_menu(session, "Facts of which device?").await;
    };
    let answer: FactsAnswer = session.graphql(FACTS_QUERY, json!({"name": [name]})).await?;
    Ok(match answer.devices.first() {
        Some(facts) => render_facts(facts, &session.web_link(&format!("dcim/devices/{}/", facts.id))),
        None => no_device(name),
    })
}

/// The facts as a YAML-like code block, and a link to the device.
pub fn render_facts(facts: &Facts, link: &str) -> Reply {
    let name = or_none(facts.name.as_deref());
    let device_type = facts.device_type.clone().unwrap_or_default();
    let primary_ip = facts.primary_ip4.as_ref().or(facts.primary_ip6.as_ref());
    let lines = [
        ("name", name.clone()),
        ("status", label(&facts.status)),
        ("location", label(&facts.location)),
        ("rack", label(&facts.rack)),
        ("tenant", label(&facts.tenant)),
        ("manufacturer", label(&device_type.manufacturer)),
        ("model", or_none(device_type.model.as_deref())),
        ("role", label(&facts.role)),
        ("platform", label(&facts.platform)),
        (
            "primary_ip",
            primary_ip.map_or_else(|| or_none(None), |ip| ip.label().to_owned()),
        ),
        ("serial", or_none(facts.serial.as_deref())),
        ("created", or_none(facts.created.as_deref())),
        ("updated", or_none(facts.last_updated.as_deref())),
    ];
    let code = lines
        .iter()
        .map(|(key, value)| format!("{key}: {value}"))
        .collect::<Vec<_>>()
        .join("\n");
    Reply::Message(Message {
        title: Some(format!("Device {name}")),
        blocks: vec![
            Block::Code(code),
            Block::Text(format!("[Open in Nautobot]({link})")),
        ],
        ..Default::default()
    })
}
