//! `get-devices`, `get-device-status`, `change-device-status` and
//! `get-device-facts`.

use serde::Deserialize;
use serde_json::json;

use super::cut_note;
use super::filter::{self, DEVICE_LOCATIONS, DEVICE_MODELS, DEVICE_ROLES, FilterKind, Step, objects};
use crate::model::{Block, Choice, Reply};
use crate::workers::nautobot::objects::{Device, Named, Related, host, or_none, shown};
use crate::workers::nautobot::session::MAX_ROWS;
use crate::workers::nautobot::visibility::{Empties, Link, Nulls, Seen, Shown, hidden};
use crate::workers::nautobot::{NautobotError, Page, Session};
use crate::workers::toolkit::confirm::{Change, confirm};
use crate::workers::toolkit::paging;
use crate::workers::toolkit::render::{error, fact_lines, info, table_message, titled};

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

/// The related columns of the devices table: Nautobot requires a device's
/// status, location, role and type (`NOT NULL`), so a `null` there is hidden;
/// the others are asked about ([`Nulls`]) when they come back `null`.
pub const DEVICE_STATUS: Link = Link::required("devices", "extras.status");
/// See [`DEVICE_STATUS`].
pub const DEVICE_TENANT: Link = Link::optional("devices", "tenancy.tenant", "tenant__isnull: true");
/// See [`DEVICE_STATUS`].
pub const DEVICE_LOCATION: Link = Link::required("devices", "dcim.location");
/// See [`DEVICE_STATUS`].
pub const DEVICE_RACK: Link = Link::optional("devices", "dcim.rack", "rack__isnull: true");
/// See [`DEVICE_STATUS`].
pub const DEVICE_ROLE: Link = Link::required("devices", "extras.role");
/// See [`DEVICE_STATUS`].
pub const DEVICE_TYPE: Link = Link::required("devices", "dcim.devicetype");
/// IPv4 or IPv6: `has_primary_ip: false` picks the devices with neither.
pub const DEVICE_PRIMARY_IP: Link = Link::optional("devices", "ipam.ipaddress", "has_primary_ip: false");

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

/// `get-devices [filter-type] [value]`: a table of the devices that match.
///
/// One GraphQL query rather than REST at `?depth=1`: for 1 000 devices
/// Nautobot 3.2 answers it in about 0.3 s against 16 s (docs/benchmarks.md),
/// which for a large site is the difference between an answer and a timeout.
/// A second, small one only when a column that may be empty came back
/// `null`, to tell empty from hidden (0.13 s for 1 000 devices; REST at
/// `?depth=0` would take 4 s).
pub async fn get_devices(session: &Session<'_>) -> Result<Reply, NautobotError> {
    let (kind, value) = match filter::step(session, DEVICE_FILTERS, "devices").await? {
        Step::Answer(reply) => return Ok(reply),
        Step::Filter(kind, value) => (kind, value.unwrap_or_default()),
    };
    let (query, variables) = devices_query(kind.param, &value);
    let mut results: Vec<Device> = session.rows("devices", &query, variables).await?;
    // GraphQL gives no count: ask REST for it only when the table is cut.
    let count = if paging::cut(&mut results) {
        session
            .count("dcim/devices/", &[(kind.param, value.as_str())])
            .await?
    } else {
        results.len()
    };
    let empties = device_nulls(&results).resolve(session).await?;
    Ok(render_devices(
        kind.name,
        &value,
        &Page { results, count },
        &empties,
    ))
}

/// The `null`s of a devices table to ask Nautobot about.
pub fn device_nulls(devices: &[Device]) -> Nulls {
    Nulls::of(devices, device_row)
}

/// One related value of row `id`, as `seen` shows it.
fn cell(seen: &mut impl Seen, link: &Link, id: &str, related: &Option<Related>) -> String {
    seen.seen(link, id, related.as_ref().and_then(Related::known_as))
        .text()
}

/// A row of the devices table; the primary IP without its mask, IPv4 first.
fn device_row(device: &Device, seen: &mut impl Seen) -> Vec<String> {
    let id = device.id.as_str();
    let primary = device
        .primary_ip4
        .as_ref()
        .and_then(Related::known_as)
        .or_else(|| device.primary_ip6.as_ref().and_then(Related::known_as));
    vec![
        device.name(),
        cell(seen, &DEVICE_STATUS, id, &device.status),
        cell(seen, &DEVICE_TENANT, id, &device.tenant),
        cell(seen, &DEVICE_LOCATION, id, &device.location),
        cell(seen, &DEVICE_RACK, id, &device.rack),
        cell(seen, &DEVICE_ROLE, id, &device.role),
        cell(seen, &DEVICE_TYPE, id, &device.device_type),
        seen.seen(&DEVICE_PRIMARY_IP, id, primary)
            .map(|ip| host(&ip).to_owned())
            .text(),
    ]
}

/// The devices table: name, status, tenant, location, rack, role, type,
/// primary IP; a value hidden from the user says so, `—` is none.
pub fn render_devices(filter: &str, value: &str, page: &Page<Device>, empties: &Empties) -> Reply {
    let title = format!("Devices where {filter} is {value}");
    if page.results.is_empty() {
        return info(format!(
            "No devices where {filter} is `{value}` that you may see."
        ));
    }
    let rows = page
        .results
        .iter()
        .map(|device| device_row(device, &mut &*empties))
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
    table_message(title, &columns, rows, cut_note(page.results.len(), page.count))
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

/// A device of the device menu.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct DeviceName {
    pub name: Option<String>,
    pub location: Option<Related>,
}

/// A menu of the devices the user may see, labelled "location: name" and
/// valued by name, ordered by location then name. One GraphQL query, so a
/// large inventory costs one round trip.
async fn device_menu(session: &Session<'_>, question: &str) -> Result<Reply, NautobotError> {
    let devices: Vec<DeviceName> = session
        .filtered("devices", "name location { name }", None)
        .await?;
    let (choices, located) = device_choices(devices);
    // A device's location is required: a `null` is one the user may not view.
    let question = if located {
        question.to_owned()
    } else {
        format!("{question} (Locations are {}.)", hidden(DEVICE_LOCATION.model))
    };
    Ok(session.ask(
        question,
        choices,
        "There are no devices that you may see in Nautobot.",
    ))
}

/// The menu's choices, and whether the user may see every device's location;
/// a device whose location they may not is labelled with its name alone,
/// after the others.
pub fn device_choices(devices: Vec<DeviceName>) -> (Vec<Choice>, bool) {
    let mut named: Vec<(Option<String>, String)> = devices
        .into_iter()
        .filter_map(|device| {
            let location = device
                .location
                .as_ref()
                .and_then(Related::known_as)
                .map(str::to_owned);
            Some((location, device.name?))
        })
        .collect();
    named.sort_by(|a, b| (a.0.is_none(), &a.0, &a.1).cmp(&(b.0.is_none(), &b.0, &b.1)));
    named.dedup();
    let located = named.iter().all(|(location, _)| location.is_some());
    let choices = named
        .into_iter()
        .map(|(location, name)| Choice {
            label: match location {
                Some(location) => format!("{location}: {name}"),
                None => name.clone(),
            },
            value: name,
        })
        .collect();
    (choices, located)
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

/// "The status of **X** is **S**", the device read over REST at `?depth=1`,
/// which names a status the user may not view too.
pub fn render_status(device: &Device) -> Reply {
    info(format!(
        "The status of **{}** is **{}**.",
        device.name(),
        shown(&device.status)
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
    let current = shown(&device.status).text();
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
        return Ok(info(format!(
            "The status of **{}** is **{current}** already.",
            device.name()
        )));
    }
    let change = Change {
        question: format!(
            "Change the status of **{}** from **{current}** to **{}**?",
            device.name(),
            status.name
        ),
        yes: format!("Yes, make it {}", status.name),
        declined: format!("Not changed: **{}** stays **{current}**.", device.name()),
    };
    if let Some(unconfirmed) = confirm(&session.call, 2, change) {
        return Ok(unconfirmed);
    }
    // Nautobot answers a change at depth 0 (the status as a bare reference);
    // a 200 means it now has the status asked for.
    let _: serde_json::Value = session
        .patch(
            &format!("dcim/devices/{}/", device.id),
            &json!({"status": status.id}),
        )
        .await?;
    Ok(info(format!(
        "The status of **{}** changed from **{current}** to **{}** (by {}).",
        device.name(),
        status.name,
        session.who.user
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

/// What `get-device-facts` shows of a device, as `dcim/devices/?depth=2`
/// gives it: one REST request (0.14 s on the test Nautobot, against 0.06 s
/// for the GraphQL query it replaces), because REST names the related
/// objects the user may not view, where GraphQL says `null`; depth 2 for the
/// manufacturer of the device type.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Facts {
    /// What the devices table reads of it too; its device type with the
    /// manufacturer (only `{id, object_type, url, display}` when the user
    /// may not view the type).
    #[serde(flatten)]
    pub device: Device,
    pub serial: Option<String>,
    pub platform: Option<Related>,
    pub created: Option<String>,
    pub last_updated: Option<String>,
}

/// A device type's model, or what Nautobot shows of a type the user may not
/// view.
fn model(device_type: &Related) -> Shown {
    match (&device_type.model, &device_type.display) {
        (Some(model), _) => Shown::of(Some(model)),
        (None, Some(display)) => Shown::of(Some(display)),
        (None, None) => Shown::Hidden(type_model(device_type)),
    }
}

/// A device type's manufacturer, hidden with the type when the user may not
/// view that.
fn manufacturer(device_type: &Related) -> Shown {
    match device_type.model {
        Some(_) => device_type
            .manufacturer
            .as_deref()
            .map_or(Shown::Empty, Related::shown),
        None => Shown::Hidden(type_model(device_type)),
    }
}

/// The model of a device type, as Nautobot's permissions name it.
fn type_model(device_type: &Related) -> String {
    device_type
        .object_type
        .clone()
        .unwrap_or_else(|| DEVICE_TYPE.model.to_owned())
}

/// `get-device-facts [device]`.
pub async fn get_device_facts(session: &Session<'_>) -> Result<Reply, NautobotError> {
    let Some(name) = session.arg(0) else {
        return device_menu(session, "Facts of which device?").await;
    };
    let page: Page<Facts> = session
        .list("dcim/devices/", &[("name", name), ("depth", "2")])
        .await?;
    Ok(match page.results.first() {
        Some(facts) => render_facts(
            facts,
            &session.web_link(&format!("dcim/devices/{}/", facts.device.id)),
        ),
        None => no_device(name),
    })
}

/// The facts as a YAML-like code block, and a link to the device. A related
/// object the user may not view shows by the name Nautobot gives it; one of
/// which Nautobot gives nothing says it is hidden; `—` is none.
pub fn render_facts(facts: &Facts, link: &str) -> Reply {
    let device = &facts.device;
    let name = device.name();
    let device_type = device.device_type.as_ref();
    let primary_ip = device.primary_ip4.as_ref().or(device.primary_ip6.as_ref());
    let lines = [
        ("name", name.clone()),
        ("status", shown(&device.status).text()),
        ("location", shown(&device.location).text()),
        ("rack", shown(&device.rack).text()),
        ("tenant", shown(&device.tenant).text()),
        (
            "manufacturer",
            device_type.map_or(Shown::Empty, manufacturer).text(),
        ),
        ("model", device_type.map_or(Shown::Empty, model).text()),
        ("role", shown(&device.role).text()),
        ("platform", shown(&facts.platform).text()),
        (
            "primary_ip",
            primary_ip.map_or(Shown::Empty, Related::shown).text(),
        ),
        ("serial", or_none(facts.serial.as_deref())),
        ("created", or_none(facts.created.as_deref())),
        ("updated", or_none(facts.last_updated.as_deref())),
    ];
    titled(
        format!("Device {name}"),
        vec![
            fact_lines(&lines),
            Block::Text(format!("[Open in Nautobot]({link})")),
        ],
    )
}
