//! `get-vlans`.

use serde_json::{Value, json};

use super::super::vlans::{
    Counts, VLAN_GROUP, VLAN_ROLE, VLAN_TENANT, Vlan, render_vlans, vlan_nulls, vlans_need_counts,
};
use super::{assert_asks, assert_said, lines, message, read, rows, table, texts, titled_table};
use crate::model::Level;
use crate::workers::nautobot::visibility::Empties;

/// What `ipam/vlans/?depth=0&exclude_m2m=false` counts of the VLANs `(id,
/// locations, prefixes)`.
fn counts(counted: &[(&str, usize, usize)]) -> Counts {
    counted
        .iter()
        .map(|(id, locations, prefixes)| {
            let locations: Vec<Value> = (0..*locations)
                .map(|n| json!({"id": format!("location-{n}"), "object_type": "dcim.location"}))
                .collect();
            let counted = read(json!({"id": id, "locations": locations, "prefix_count": prefixes}));
            ((*id).to_owned(), counted)
        })
        .collect()
}

/// What Nautobot answers about the seed's VLANs of [`vlans`] that came back
/// with nothing in a field: all of it is really empty.
fn empties_of_vlans() -> Empties {
    Empties::default()
        .with(&VLAN_GROUP, &["v-guests"])
        .with(&VLAN_TENANT, &["v-mgmt", "v-guests"])
        .with(&VLAN_ROLE, &["v-mgmt", "v-guests"])
}

/// `data.vlans` of the VLANs query: the seed's VLANs of ams01, out of order,
/// and one VLAN at two locations.
fn vlans() -> Vec<Vlan> {
    read(json!([
        {
            "id": "v-storage",
            "vid": 200,
            "name": "ams01-storage",
            "description": "storage VLAN in ams01",
            "vlan_group": {"name": "ams01-vlans"},
            "locations": [{"name": "ams01"}],
            "prefixes": [{"prefix": "10.1.200.0/24"}],
            "tenant": {"name": "Acme"},
            "status": {"name": "Active"},
            "role": {"name": "servers"}
        },
        {
            "id": "v-mgmt",
            "vid": 999,
            "name": "ams01-mgmt",
            "description": "",
            "vlan_group": {"name": "ams01-vlans"},
            "locations": [],
            "prefixes": [],
            "tenant": null,
            "status": {"name": "Active"},
            "role": null
        },
        {
            "id": "v-servers",
            "vid": 100,
            "name": "ams01-servers",
            "description": "servers VLAN in ams01",
            "vlan_group": {"name": "ams01-vlans"},
            "locations": [{"name": "ams01"}, {"name": "ams02"}],
            "prefixes": [{"prefix": "10.1.100.0/24"}, {"prefix": "2001:db8:1:100::/64"}],
            "tenant": {"name": "Acme"},
            "status": {"name": "Active"},
            "role": {"name": "servers"}
        },
        {
            "id": "v-guests",
            "vid": 100,
            "name": "ams01-guests",
            "description": null,
            "vlan_group": null,
            "locations": [{"name": "ams01"}],
            "prefixes": [],
            "tenant": null,
            "status": {"name": "Planned"},
            "role": null
        }
    ]))
}

#[test]
fn get_vlans_shows_each_vlan_by_vid_then_name_with_locations_and_prefixes() {
    let vlans = vlans();
    assert!(vlans_need_counts(&vlans), "some show no location or prefix");
    assert_asks(
        &vlan_nulls(&vlans),
        "query ($q0: [String], $q1: [String], $q2: [String]) { \
         q0: vlans(id: $q0, role__isnull: true) { id } \
         q1: vlans(id: $q1, tenant__isnull: true) { id } \
         q2: vlans(id: $q2, vlan_group__isnull: true) { id } }",
        &json!({"q0": ["v-guests", "v-mgmt"], "q1": ["v-guests", "v-mgmt"], "q2": ["v-guests"]}),
        "the roles, tenants and groups that came back null",
    );

    let reply = render_vlans(
        Some(("group", "ams01-vlans")),
        &vlans,
        &empties_of_vlans(),
        &counts(&[("v-mgmt", 0, 0), ("v-guests", 1, 0)]),
    );

    let table = titled_table(
        &reply,
        "VLANs where group is ams01-vlans",
        "VID | Location | Group | Name | Prefixes | Tenant | Status | Role | Description",
    );
    assert_eq!(
        rows(table),
        lines(&[
            "100 | ams01 | — | ams01-guests | — | — | Planned | — | —",
            "100 | ams01, ams02 | ams01-vlans | ams01-servers | 10.1.100.0/24, 2001:db8:1:100::/64 | Acme | Active | servers | servers VLAN in ams01",
            "200 | ams01 | ams01-vlans | ams01-storage | 10.1.200.0/24 | Acme | Active | servers | storage VLAN in ams01",
            "999 | — | ams01-vlans | ams01-mgmt | — | — | Active | — | —",
        ])
    );
    assert!(texts(&reply).is_empty(), "no note: {reply:?}");
}

#[test]
fn get_vlans_all_is_titled_so_and_no_match_is_said() {
    let (empties, counts) = (Empties::default(), Counts::new());
    assert_eq!(
        message(&render_vlans(None, &vlans(), &empties_of_vlans(), &counts))
            .title
            .as_deref(),
        Some("All VLANs")
    );

    assert_said(
        &render_vlans(Some(("id", "4000")), &[], &empties, &counts),
        Level::Info,
        "VLANs where id is 4000: none that you may see.",
    );
    assert_said(
        &render_vlans(None, &[], &empties, &counts),
        Level::Info,
        "All VLANs: none that you may see.",
    );
}

#[test]
fn get_vlans_says_what_the_user_may_not_view_never_a_dash() {
    // What Nautobot 3.2.7 answered user `partial` (no view permission on
    // locations, roles, IP addresses) for VLAN 100 and 999 at ams01; REST
    // counts each at one location; VLAN 999 has no role (Nautobot says so
    // when asked), VLAN 100's is hidden.
    let vlans: Vec<Vlan> = read(json!([
        {
            "id": "v-servers", "vid": 100, "name": "ams01-servers", "description": "servers VLAN in ams01",
            "vlan_group": {"name": "ams01-vlans"}, "locations": [], "prefixes": [{"prefix": "10.1.100.0/24"}],
            "tenant": {"name": "Nautobot Airports"}, "status": {"name": "Active"}, "role": null
        },
        {
            "id": "v-mgmt", "vid": 999, "name": "ams01-mgmt", "description": "mgmt VLAN in ams01",
            "vlan_group": {"name": "ams01-vlans"}, "locations": [], "prefixes": [{"prefix": "10.1.0.0/24"}],
            "tenant": {"name": "Nautobot Airports"}, "status": {"name": "Active"}, "role": null
        },
        {
            "id": "v-two", "vid": 300, "name": "two-sites", "description": "",
            "vlan_group": null, "locations": [{"name": "nyc01"}], "prefixes": [],
            "tenant": null, "status": null, "role": null
        }
    ]));
    let empties = Empties::default().with(&VLAN_ROLE, &["v-mgmt"]);
    let counted = counts(&[("v-servers", 1, 1), ("v-mgmt", 1, 1), ("v-two", 3, 2)]);

    let reply = render_vlans(None, &vlans, &empties, &counted);

    let location = "hidden (you may not view dcim.location)";
    assert_eq!(
        rows(table(&reply)),
        [
            [
                "100",
                location,
                "ams01-vlans",
                "ams01-servers",
                "10.1.100.0/24",
                "Nautobot Airports",
                "Active",
                "hidden (you may not view extras.role)",
                "servers VLAN in ams01"
            ],
            [
                "300",
                "nyc01, 2 more hidden (you may not view dcim.location)",
                "hidden (you may not view ipam.vlangroup)",
                "two-sites",
                "2 hidden (you may not view ipam.prefix)",
                "hidden (you may not view tenancy.tenant)",
                "hidden (you may not view extras.status)",
                "hidden (you may not view extras.role)",
                "—"
            ],
            [
                "999",
                location,
                "ams01-vlans",
                "ams01-mgmt",
                "10.1.0.0/24",
                "Nautobot Airports",
                "Active",
                "—",
                "mgmt VLAN in ams01"
            ],
        ]
    );
}
