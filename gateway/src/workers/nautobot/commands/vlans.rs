//! `get-vlans`.

use serde::Deserialize;
use serde_json::{Value, json};

use super::circuits::table_message;
use super::error;
use super::filter::{self, FilterKind, Step, objects};
use crate::model::{Level, Message, Reply};
use crate::workers::nautobot::objects::{NONE, Related, label, or_none};
use crate::workers::nautobot::{NautobotError, Session};

/// The filters of `get-vlans`, each becoming a GraphQL argument of `vlans`.
const VLAN_FILTERS: &[FilterKind] = &[
    FilterKind::menu("id", "vid", objects("Which VLAN ID?", "ipam/vlans/", &[], "vid")),
    FilterKind::menu(
        "group",
        "vlan_group",
        objects("VLANs of which group?", "ipam/vlan-groups/", &[], "name"),
    ),
    FilterKind::menu(
        "name",
        "name",
        objects("Which VLAN name?", "ipam/vlans/", &[], "name"),
    ),
    FilterKind::menu(
        "role",
        "role",
        objects(
            "VLANs of which role?",
            "extras/roles/",
            &[("content_types", "ipam.vlan")],
            "name",
        ),
    ),
    FilterKind::menu(
        "location",
        "location",
        objects(
            "VLANs at which location?",
            "dcim/locations/",
            &[("content_type", "ipam.vlan")],
            "name",
        ),
    ),
    FilterKind::menu(
        "status",
        "status",
        objects(
            "VLANs of which status?",
            "extras/statuses/",
            &[("content_types", "ipam.vlan")],
            "name",
        ),
    ),
    FilterKind::menu(
        "tenant",
        "tenant",
        objects("VLANs of which tenant?", "tenancy/tenants/", &[], "name"),
    ),
    FilterKind::ALL,
];

const VLAN_FIELDS: &str = "vid name description vlan_group { name } locations { name } prefixes { prefix } \
     tenant { name } status { name } role { name }";

#[derive(Deserialize)]
struct VlansAnswer {
    vlans: Vec<Vlan>,
}

/// A VLAN as the table shows it.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Vlan {
    pub vid: u32,
    pub name: String,
    pub description: Option<String>,
    pub vlan_group: Option<Related>,
    #[serde(default)]
    pub locations: Vec<Related>,
    #[serde(default)]
    pub prefixes: Vec<Prefix>,
    pub tenant: Option<Related>,
    pub status: Option<Related>,
    pub role: Option<Related>,
}

/// A prefix of a VLAN.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Prefix {
    pub prefix: String,
}

/// `get-vlans [filter-type] [value]`.
pub async fn get_vlans(session: &Session<'_>) -> Result<Reply, NautobotError> {
    let (kind, value) = match filter::step(session, VLAN_FILTERS, "VLANs").await? {
        Step::Answer(reply) => return Ok(reply),
        Step::Filter(kind, value) => (kind, value),
    };
    let argument = kind.param;
    let answer: VlansAnswer = match &value {
        Some(value) if !argument.is_empty() => {
            // VLAN IDs are integers to GraphQL; everything else is a name.
            let (variable_type, typed): (&str, Value) = if argument == "vid" {
                match value.parse::<u32>() {
                    Ok(vid) => ("[Int]", json!([vid])),
                    Err(_) => {
                        return Ok(error(format!(
                            "`{value}` is not a VLAN ID (a number from 1 to 4094)."
                        )));
                    }
                }
            } else {
                ("[String]", json!([value]))
            };
            let query = format!(
                "query ($value: {variable_type}) {{ vlans({argument}: $value) {{ {VLAN_FIELDS} }} }}"
            );
            session.graphql(&query, json!({"value": typed})).await?
        }
        _ => {
            session
                .graphql(&format!("{{ vlans {{ {VLAN_FIELDS} }} }}"), json!({}))
                .await?
        }
    };
    Ok(render_vlans(
        value.as_deref().map(|v| (kind.name, v)),
        &answer.vlans,
    ))
}

/// The VLANs table: VID, location, group, name, prefixes, tenant, status, role, description.
pub fn render_vlans(filter: Option<(&str, &str)>, vlans: &[Vlan]) -> Reply {
    let title = match filter {
        Some((kind, value)) => format!("VLANs where {kind} is {value}"),
        None => "All VLANs".to_owned(),
    };
    if vlans.is_empty() {
        return Reply::Message(Message::text(
            Level::Info,
            format!("{title}: none that you may see."),
        ));
    }
    let mut sorted: Vec<&Vlan> = vlans.iter().collect();
    sorted.sort_by(|a, b| a.vid.cmp(&b.vid).then_with(|| a.name.cmp(&b.name)));
    let rows = sorted
        .into_iter()
        .map(|vlan| {
            let joined = |items: Vec<&str>| {
                if items.is_empty() {
                    NONE.to_owned()
                } else {
                    items.join(", ")
                }
            };
            vec![
                vlan.vid.to_string(),
                joined(vlan.locations.iter().map(Related::label).collect()),
                label(&vlan.vlan_group),
                vlan.name.clone(),
                joined(vlan.prefixes.iter().map(|p| p.prefix.as_str()).collect()),
                label(&vlan.tenant),
                label(&vlan.status),
                label(&vlan.role),
                or_none(vlan.description.as_deref()),
            ]
        })
        .collect();
    let columns = [
        "VID",
        "Location",
        "Group",
        "Name",
        "Prefixes",
        "Tenant",
        "Status",
        "Role",
        "Description",
    ];
    table_message(title, &columns, rows, None)
}
