//! `get-vlans`.

use serde::Deserialize;
use serde_json::{Value, json};

use super::circuits::table_message;
use super::error;
use super::filter::{self, FilterKind, Step, Values};
use crate::model::{Level, Message, Reply};
use crate::workers::nautobot::objects::{NONE, Related, label, or_none};
use crate::workers::nautobot::{NautobotError, Session};

/// The filters of `get-vlans`, and the GraphQL argument each becomes.
const VLAN_FILTERS: &[(FilterKind, &str)] = &[
    (
        FilterKind {
            name: "id",
            values: Values::Menu {
                question: "Which VLAN ID?",
                path: "ipam/vlans/",
                query: &[],
                value_field: "vid",
            },
        },
        "vid",
    ),
    (
        FilterKind {
            name: "group",
            values: Values::Menu {
                question: "VLANs of which group?",
                path: "ipam/vlan-groups/",
                query: &[],
                value_field: "name",
            },
        },
        "vlan_group",
    ),
    (
        FilterKind {
            name: "name",
            values: Values::Menu {
                question: "Which VLAN name?",
                path: "ipam/vlans/",
                query: &[],
                value_field: "name",
            },
        },
        "name",
    ),
    (
        FilterKind {
            name: "role",
            values: Values::Menu {
                question: "VLANs of which role?",
                path: "extras/roles/",
                query: &[("content_types", "ipam.vlan")],
                value_field: "name",
            },
        },
        "role",
    ),
    (
        FilterKind {
            name: "location",
            values: Values::Menu {
                question: "VLANs at which location?",
                path: "dcim/locations/",
                query: &[("content_type", "ipam.vlan")],
                value_field: "name",
            },
        },
        "location",
    ),
    (
        FilterKind {
            name: "status",
            values: Values::Menu {
                question: "VLANs of which status?",
                path: "extras/statuses/",
                query: &[("content_types", "ipam.vlan")],
                value_field: "name",
            },
        },
        "status",
    ),
    (
        FilterKind {
            name: "tenant",
            values: Values::Menu {
                question: "VLANs of which tenant?",
                path: "tenancy/tenants/",
                query: &[],
                value_field: "name",
            },
        },
        "tenant",
    ),
    (
        FilterKind {
            name: "all",
            values: Values::None,
        },
        "",
    ),
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
    let kinds: Vec<FilterKind> = VLAN_FILTERS.iter().map(|(kind, _)| *kind).collect();
    let (kind, value) = match filter::step(session, &kinds, "VLANs").await? {
        Step::Answer(reply) => return Ok(reply),
        Step::Filter(kind, value) => (kind, value),
    };
    let argument = VLAN_FILTERS
        .iter()
        .find(|(known, _)| known.name == kind.name)
        .map_or("", |(_, argument)| argument);
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
