//! Snapshots, the inventory, interfaces, routing, wireless and end hosts
//! answer with what the fake IP Fabric holds; help lists every sub-command.

use super::world::*;

#[tokio::test]
async fn snapshots_tables_and_hosts_answer_with_what_ip_fabric_holds() {
    let world = World::start().await;
    let url = world.ipf.url();
    let url = url.trim_end_matches('/');
    for on in PLATFORMS {
        let id = |name: &str| on.tag(name);

        // Help lists every sub-command, and marks the one that changes Nautobot.
        let text = world
            .answered(on, Who::Unlinked, IPF, "help", &id("help"), &["set-snapshot"])
            .await;
        for sub in [
            "get-snapshot",
            "get-loaded-snapshots",
            "get-inventory",
            "interfaces",
            "pathlookup",
            "pathlookup-icmp",
            "routing",
            "wireless",
            "find-host",
            "table-diff",
            "ssot-sync-to-nautobot",
        ] {
            assert!(text.contains(sub), "{sub} in the help: {text}");
        }
        assert!(text.contains("asks first"), "the sync is marked: {text}");
        world
            .answered(
                on,
                Who::Unlinked,
                IPF,
                "ssot-sync-to-nautobot help",
                &id("help-sync"),
                &[
                    "`confirm` (optional)",
                    "`yes` to run it without asking",
                    "dry-run",
                ],
            )
            .await;

        // The loaded snapshots, by name, with their id and devices; not the unloaded one.
        let text = world
            .answered(
                on,
                Who::Unlinked,
                IPF,
                "get-loaded-snapshots",
                &id("loaded"),
                &["Loaded snapshots", LAST_SNAPSHOT],
            )
            .await;
        for snapshot in fake_ipfabric::snapshots() {
            let (name, id) = (&snapshot["name"], cell(&snapshot["id"]));
            if snapshot["status"] != "done" {
                assert!(!text.contains(&id), "the unloaded snapshot is not listed: {text}");
                continue;
            }
            let name = name.as_str().unwrap_or("unnamed snapshot");
            let devices = cell(&snapshot["totalDevCount"]);
            let locked = cell(&snapshot["locked"]);
            assert_row(&text, &[name, &id, &devices, &devices, &locked]);
        }
        assert!(text.contains(&format!("{url}/snapshot-management")), "{text}");

        // Which snapshot is read: `$last` by default; a typed one, and why.
        world
            .answered(
                on,
                Who::Unlinked,
                IPF,
                "get-snapshot",
                &id("get-snapshot"),
                &[
                    "Commands here read snapshot",
                    "Nightly 2026-12-03",
                    LAST_SNAPSHOT,
                    "`$last`, the newest loaded one",
                ],
            )
            .await;
        world
            .answered(
                on,
                Who::Unlinked,
                IPF,
                "get-snapshot snapshot=$lastlocked",
                &id("get-locked"),
                &[
                    "Baseline before CHG-4711",
                    LOCKED_SNAPSHOT,
                    "loaded, locked",
                    "carries `snapshot=$lastLocked`",
                ],
            )
            .await;

        // set-snapshot named: said, then a menu of what to read in it.
        let step = world
            .ask(on, Who::Unlinked, IPF, "set-snapshot $prev", &id("set"))
            .await;
        let text = world
            .answer(&step, &["is now the one your next commands read", PREV_SNAPSHOT])
            .await;
        assert!(text.contains("unnamed snapshot"), "{text}");
        let menu = world.menu(&step).await;
        assert!(menu.values().contains(&"get-inventory"), "{:?}", menu.values());

        // The inventory of a site, with IP Fabric's facts of each device.
        let text = world
            .answered(
                on,
                Who::Unlinked,
                IPF,
                "get-inventory site NYC-DC1",
                &id("inventory-site"),
                &["Devices with site NYC-DC1"],
            )
            .await;
        let nyc = rows_where(DEVICES, "$last", "siteName", "NYC-DC1");
        assert_eq!(nyc.len(), 5);
        let columns = [
            "hostname",
            "siteName",
            "vendor",
            "platform",
            "model",
            "memoryUtilization",
            "version",
            "sn",
            "loginIp",
        ];
        for device in &nyc {
            assert_fields(&text, device, &columns);
        }
        assert!(row(&text, &["lon-rtr-01"]).is_none(), "only NYC-DC1: {text}");
        assert!(text.contains(LAST_SNAPSHOT), "the snapshot read is said: {text}");
        assert!(text.contains(&format!("{url}/inventory/devices")), "{text}");
        let queries = world.ipf.table_queries(DEVICES);
        let query = queries.last().expect("the inventory was read");
        assert_eq!(query["snapshot"], LAST_SNAPSHOT, "{query}");
        assert_eq!(query["filters"], json!({"siteName": ["ieq", "NYC-DC1"]}));
        assert_eq!(
            last_to(&world.ipf, "/api/tables/inventory/devices").header("x-api-token"),
            Some(ADMIN_TOKEN),
            "the unlinked user acts with the Integration's token"
        );
        // By vendor, typed in another case.
        let text = world
            .answered(
                on,
                Who::Unlinked,
                IPF,
                "get-inventory vendor Juniper",
                &id("inventory-vendor"),
                &["Devices with vendor Juniper"],
            )
            .await;
        let junipers = rows_where(DEVICES, "$last", "vendor", "juniper");
        assert_eq!(hostnames(&junipers), ["nyc-edge-01", "sin-rtr-01"]);
        for device in &junipers {
            assert_fields(&text, device, &columns);
        }

        // A device's interface load, errors and drops.
        for (metric, table, fields) in [
            (
                "load",
                "tables/interfaces/load/bidirectional",
                ["intName", "bytes", "pkts"],
            ),
            (
                "errors",
                "tables/interfaces/errors/bidirectional",
                ["intName", "errPktsPct", "errRate"],
            ),
            (
                "drops",
                "tables/interfaces/drops/bidirectional",
                ["intName", "dropsPktsPct", "dropsRate"],
            ),
        ] {
            let command = format!("interfaces nyc-core-01 {metric}");
            let title = format!("Interface {metric} of nyc-core-01");
            let text = world
                .answered(on, Who::Unlinked, IPF, &command, &id(metric), &[&title])
                .await;
            let rows = rows_where(table, "$last", "hostname", "nyc-core-01");
            assert!(!rows.is_empty(), "{table}");
            for interface in &rows {
                assert_fields(&text, interface, &fields);
            }
        }

        // BGP neighbors: every state, then the established ones only.
        let fields = ["neiHostname", "neiAddress", "neiAs", "state"];
        let neighbors = rows_where(
            "tables/routing/protocols/bgp/neighbors",
            "$last",
            "hostname",
            "nyc-edge-01",
        );
        assert_eq!(neighbors.len(), 6);
        let text = world
            .answered(
                on,
                Who::Unlinked,
                IPF,
                "routing nyc-edge-01 bgp-neighbors any",
                &id("bgp-any"),
                &["BGP neighbors of nyc-edge-01 in state any"],
            )
            .await;
        for neighbor in &neighbors {
            assert_fields(&text, neighbor, &fields);
        }
        let text = world
            .answered(
                on,
                Who::Unlinked,
                IPF,
                "routing nyc-edge-01 bgp-neighbors established",
                &id("bgp-established"),
                &["BGP neighbors of nyc-edge-01 in state established"],
            )
            .await;
        for neighbor in &neighbors {
            let shown = row(&text, &[&cell(&neighbor["neiAddress"])]).is_some();
            assert_eq!(
                shown,
                neighbor["state"] == "established",
                "{neighbor} in:\n{text}"
            );
        }

        // Wireless: the SSIDs of every radio, then one SSID's clients.
        let text = world
            .answered(
                on,
                Who::Unlinked,
                IPF,
                "wireless ssids",
                &id("ssids"),
                &["Wireless SSIDs"],
            )
            .await;
        let radios = fake_ipfabric::rows_in("tables/wireless/radio", "$last");
        assert_eq!(radios.len(), 10, "two APs, five radios each");
        for radio in &radios {
            assert_fields(
                &text,
                radio,
                &["wlanSsid", "siteName", "apName", "radioDscr", "clientCount"],
            );
        }
        let text = world
            .answered(
                on,
                Who::Unlinked,
                IPF,
                "wireless clients Corp-WiFi",
                &id("clients"),
                &["Wireless clients of Corp-WiFi"],
            )
            .await;
        let corp = rows_where("tables/wireless/clients", "$last", "ssid", "Corp-WiFi");
        assert_eq!(corp.len(), 2);
        for client in &corp {
            assert_fields(
                &text,
                client,
                &["apName", "client", "clientIp", "ssid", "rssi", "state"],
            );
        }
        assert!(!text.contains("10.20.50.23"), "not the IoT sensor: {text}");

        // An end host by IP, then by MAC in another notation: where it hangs off.
        let expected = [
            "10.20.10.15",
            "lon-pc-0415.corp.example.com",
            "LON-HQ",
            "lon-sw-01 GigabitEthernet1/0/2",
            "lon-rtr-01 GigabitEthernet0/0/1",
            "f8bc.1245.9a0e",
            "Dell Inc.",
        ];
        let text = world
            .answered(
                on,
                Who::Unlinked,
                IPF,
                "find-host ip 10.20.10.15",
                &id("host-ip"),
                &["Hosts with IP 10.20.10.15"],
            )
            .await;
        assert_row(&text, &expected);
        let text = world
            .answered(
                on,
                Who::Unlinked,
                IPF,
                "find-host mac F8:BC:12:45:9A:0E",
                &id("host-mac"),
                &["Hosts with MAC f8bc.1245.9a0e"],
            )
            .await;
        assert_row(&text, &expected);

        world.assert_no_token_told(on);
    }
}
