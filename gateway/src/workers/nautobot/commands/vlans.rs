//! `get-vlans`.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::json;

use super::filter::{self, FilterKind, Step, objects};
use crate::model::Reply;
use crate::workers::nautobot::objects::{Related, named, or_none};
use crate::workers::nautobot::visibility::{Empties, Link, Nulls, Seen, shown_list};
use crate::workers::nautobot::{NautobotError, Page, Session};
use crate::workers::toolkit::render::{error, info, table_message};

/// The filters of `get-vlans`, each becoming a GraphQL argument of `vlans`.
pub const VLAN_FILTERS: &[FilterKind] = &[
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

const VLAN_FIELDS: &str = "id vid name description vlan_group { name } locations { name } prefixes { prefix } \
     tenant { name } status { name } role { name }";

/// The related values of a VLAN: Nautobot requires its status (`NOT NULL`),
/// so a `null` there is hidden; the others are asked about when they come
/// back `null`.
pub const VLAN_GROUP: Link = Link::optional("vlans", "ipam.vlangroup", "vlan_group__isnull: true");
/// See [`VLAN_GROUP`].
pub const VLAN_TENANT: Link = Link::optional("vlans", "tenancy.tenant", "tenant__isnull: true");
/// See [`VLAN_GROUP`].
pub const VLAN_STATUS: Link = Link::required("vlans", "extras.status");
/// See [`VLAN_GROUP`].
pub const VLAN_ROLE: Link = Link::optional("vlans", "extras.role", "role__isnull: true");

/// A VLAN as the table shows it.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Vlan {
    #[serde(default)]
    pub id: String,
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

/// How many locations and prefixes Nautobot counts a VLAN to have, those
/// the user may not view too: `ipam/vlans/?depth=0&exclude_m2m=false` lists
/// every location as a reference and counts every prefix (`prefix_count`;
/// measured on Nautobot 3.2.7: 1 for a user who may view no prefix, whose
/// GraphQL `prefixes` is `[]`).
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Counted {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub locations: Vec<serde::de::IgnoredAny>,
    #[serde(default)]
    pub prefix_count: usize,
}

/// The VLANs' counts, by id.
pub type Counts = HashMap<String, Counted>;

/// Whether a VLAN shows no location or no prefix: then whether it has
/// hidden ones is asked; a VLAN shows all of either or none of it to users
/// whose permissions are not limited to some locations or prefixes.
pub fn vlans_need_counts(vlans: &[Vlan]) -> bool {
    vlans
        .iter()
        .any(|vlan| vlan.locations.is_empty() || vlan.prefixes.is_empty())
}

/// The `null`s of a VLANs table to ask Nautobot about.
pub fn vlan_nulls(vlans: &[Vlan]) -> Nulls {
    Nulls::of(vlans, |vlan, nulls| vlan_row(vlan, None, nulls))
}

/// A row of the VLANs table.
fn vlan_row(vlan: &Vlan, counted: Option<&Counted>, seen: &mut impl Seen) -> Vec<String> {
    let id = vlan.id.as_str();
    let locations: Vec<&str> = vlan.locations.iter().map(Related::label).collect();
    let prefixes: Vec<&str> = vlan.prefixes.iter().map(|p| p.prefix.as_str()).collect();
    vec![
        vlan.vid.to_string(),
        shown_list(
            &locations,
            counted.map(|counted| counted.locations.len()),
            "dcim.location",
        ),
        seen.seen(&VLAN_GROUP, id, named(&vlan.vlan_group)).text(),
        vlan.name.clone(),
        shown_list(
            &prefixes,
            counted.map(|counted| counted.prefix_count),
            "ipam.prefix",
        ),
        seen.seen(&VLAN_TENANT, id, named(&vlan.tenant)).text(),
        seen.seen(&VLAN_STATUS, id, named(&vlan.status)).text(),
        seen.seen(&VLAN_ROLE, id, named(&vlan.role)).text(),
        or_none(vlan.description.as_deref()),
    ]
}

/// `get-vlans [filter-type] [value]`.
pub async fn get_vlans(session: &Session<'_>) -> Result<Reply, NautobotError> {
    let (kind, value) = match filter::step(session, VLAN_FILTERS, "VLANs").await? {
        Step::Answer(reply) => return Ok(reply),
        Step::Filter(kind, value) => (kind, value),
    };
    let argument = kind.param;
    let filter: Vec<(&str, &str)> = match &value {
        Some(value) if !argument.is_empty() => vec![(argument, value.as_str())],
        _ => Vec::new(),
    };
    // VLAN IDs are integers to GraphQL; everything else is a name.
    let typed = match filter.first() {
        Some(&("vid", value)) => match value.parse::<u32>() {
            Ok(vid) => Some(("vid", json!(vid))),
            Err(_) => {
                return Ok(error(format!(
                    "`{value}` is not a VLAN ID (a number from 1 to 4094)."
                )));
            }
        },
        other => other.map(|&(argument, value)| (argument, json!(value))),
    };
    let vlans: Vec<Vlan> = session.filtered("vlans", VLAN_FIELDS, typed).await?;
    let counts = async {
        if !vlans_need_counts(&vlans) {
            return Ok(Counts::new());
        }
        // The same filter over REST (Nautobot's filters are one set for both).
        let query: Vec<(&str, &str)> = filter
            .iter()
            .copied()
            .chain([("depth", "0"), ("exclude_m2m", "false")])
            .collect();
        let page: Page<Counted> = session.list("ipam/vlans/", &query).await?;
        Ok(page
            .results
            .into_iter()
            .map(|counted| (counted.id.clone(), counted))
            .collect())
    };
    let (empties, counts) = futures::future::try_join(vlan_nulls(&vlans).resolve(session), counts).await?;
    Ok(render_vlans(
        value.as_deref().map(|v| (kind.name, v)),
        &vlans,
        &empties,
        &counts,
    ))
}

/// The VLANs table: VID, location, group, name, prefixes, tenant, status,
/// role, description; a value hidden from the user says so, `—` is none.
/// `counts` are the counts of the VLANs that show no location or no prefix.
pub fn render_vlans(
    filter: Option<(&str, &str)>,
    vlans: &[Vlan],
    empties: &Empties,
    counts: &Counts,
) -> Reply {
    let title = match filter {
        Some((kind, value)) => format!("VLANs where {kind} is {value}"),
        None => "All VLANs".to_owned(),
    };
    if vlans.is_empty() {
        return info(format!("{title}: none that you may see."));
    }
    let mut sorted: Vec<&Vlan> = vlans.iter().collect();
    sorted.sort_by(|a, b| a.vid.cmp(&b.vid).then_with(|| a.name.cmp(&b.name)));
    let rows = sorted
        .into_iter()
        .map(|vlan| vlan_row(vlan, counts.get(&vlan.id), &mut &*empties))
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
