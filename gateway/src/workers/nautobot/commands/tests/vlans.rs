//! `get-vlans`.

use serde_json::json;

use super::super::vlans::{Vlan, render_vlans};
use super::{assert_said, headings, message, read, rows, table, texts};
use crate::model::Level;

/// `data.vlans` of the VLANs query: the seed's VLANs of ams01, out of order,
/// and one VLAN at two locations.
fn vlans() -> Vec<Vlan> {
    read(json!([
        {
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
    let reply = render_vlans(Some(("group", "ams01-vlans")), &vlans());

    assert_eq!(
        message(&reply).title.as_deref(),
        Some("VLANs where group is ams01-vlans")
    );
    let table = table(&reply);
    assert_eq!(table.title, "VLANs where group is ams01-vlans");
    assert_eq!(
        headings(table),
        [
            "VID",
            "Location",
            "Group",
            "Name",
            "Prefixes",
            "Tenant",
            "Status",
            "Role",
            "Description"
        ]
    );
    assert_eq!(
        rows(table),
        [
            ["100", "ams01", "—", "ams01-guests", "—", "—", "Planned", "—", "—"],
            [
                "100",
                "ams01, ams02",
                "ams01-vlans",
                "ams01-servers",
                "10.1.100.0/24, 2001:db8:1:100::/64",
                "Acme",
                "Active",
                "servers",
                "servers VLAN in ams01",
            ],
            [
                "200",
                "ams01",
                "ams01-vlans",
                "ams01-storage",
                "10.1.200.0/24",
                "Acme",
                "Active",
                "servers",
                "storage VLAN in ams01",
            ],
            [
                "999",
                "—",
                "ams01-vlans",
                "ams01-mgmt",
                "—",
                "—",
                "Active",
                "—",
                "—"
            ],
        ]
    );
    assert!(texts(&reply).is_empty(), "no note: {reply:?}");
}

#[test]
fn get_vlans_all_is_titled_so_and_no_match_is_said() {
    assert_eq!(
        message(&render_vlans(None, &vlans())).title.as_deref(),
        Some("All VLANs")
    );

    assert_said(
        &render_vlans(Some(("id", "4000")), &[]),
        Level::Info,
        "VLANs where id is 4000: none that you may see.",
    );
    assert_said(
        &render_vlans(None, &[]),
        Level::Info,
        "All VLANs: none that you may see.",
    );
}
