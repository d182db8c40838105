//! Menus ask by name, and carry the snapshot chosen into what is read next.

use super::world::*;

#[tokio::test]
async fn menus_ask_by_name_and_carry_the_chosen_snapshot() {
    let world = World::start().await;
    let lon_last = hostnames(&rows_where(DEVICES, "$last", "siteName", "LON-HQ"));
    let lon_prev = hostnames(&rows_where(DEVICES, "$prev", "siteName", "LON-HQ"));
    assert!(lon_last.contains(&"lon-ap-02".to_owned()));
    assert!(!lon_prev.contains(&"lon-ap-02".to_owned()));
    for on in PLATFORMS {
        let id = |name: &str| on.tag(name);

        // get-inventory alone: the filters, then the site by name, then its devices in `$last`.
        let step = world
            .ask(on, Who::Unlinked, IPF, "get-inventory", &id("inventory-menu"))
            .await;
        let menu = world.menu(&step).await;
        assert_eq!(menu.values(), ["site", "model", "platform", "vendor"]);
        let step = world
            .choose(&menu, Who::Unlinked, "site", &id("inventory-filter"))
            .await;
        let menu = world.menu(&step).await;
        assert_eq!(menu.values(), ["LON-HQ", "NYC-DC1", "SIN-BR1"]);
        let step = world
            .choose(&menu, Who::Unlinked, "LON-HQ", &id("inventory-site"))
            .await;
        let text = world
            .answer(&step, &["Devices with site LON-HQ", LAST_SNAPSHOT])
            .await;
        for hostname in &lon_last {
            assert_row(&text, &[hostname, "LON-HQ"]);
        }

        // set-snapshot alone: the loaded snapshots by name (never by id alone), newest first.
        let step = world
            .ask(on, Who::Unlinked, IPF, "set-snapshot", &id("set-menu"))
            .await;
        let menu = world.menu(&step).await;
        assert_eq!(
            menu.values(),
            [LAST_SNAPSHOT, PREV_SNAPSHOT, LOCKED_SNAPSHOT],
            "{:?}",
            menu.message
        );
        let labels = menu.labels();
        for (label, name) in labels.iter().zip([
            "Nightly 2026-12-03 · ",
            "unnamed snapshot · ",
            "Baseline before CHG-4711 · ",
        ]) {
            assert!(label.starts_with(name), "{label}");
            for id in [LAST_SNAPSHOT, PREV_SNAPSHOT, LOCKED_SNAPSHOT] {
                assert!(!label.contains(id), "a name, not an id: {label}");
            }
        }
        assert!(labels[2].ends_with("loaded, locked"), "{labels:?}");
        // `$prev` chosen, then get-inventory from the menu that follows: the
        // snapshot travels in the continuations to the devices read.
        let step = world
            .choose(&menu, Who::Unlinked, PREV_SNAPSHOT, &id("set-prev"))
            .await;
        world
            .answer(&step, &["is now the one your next commands read", PREV_SNAPSHOT])
            .await;
        let menu = world.menu(&step).await;
        let step = world
            .choose(&menu, Who::Unlinked, "get-inventory", &id("next-inventory"))
            .await;
        let menu = world.menu(&step).await;
        let step = world
            .choose(&menu, Who::Unlinked, "site", &id("next-filter"))
            .await;
        let menu = world.menu(&step).await;
        let step = world
            .choose(&menu, Who::Unlinked, "LON-HQ", &id("next-site"))
            .await;
        let text = world
            .answer(&step, &["Devices with site LON-HQ", PREV_SNAPSHOT])
            .await;
        for hostname in &lon_prev {
            assert_row(&text, &[hostname, "LON-HQ"]);
        }
        assert!(row(&text, &["lon-ap-02"]).is_none(), "not in $prev: {text}");
        assert_eq!(last_snapshot_read(&world.ipf, DEVICES), PREV_SNAPSHOT);
        // The same snapshot chosen from set-snapshot's menu for get-snapshot, which says why.
        let step = world
            .ask(
                on,
                Who::Unlinked,
                IPF,
                "set-snapshot $lastLocked",
                &id("set-locked"),
            )
            .await;
        let menu = world.menu(&step).await;
        let step = world
            .choose(&menu, Who::Unlinked, "get-snapshot", &id("locked-get"))
            .await;
        world
            .answer(
                &step,
                &[
                    "Commands here read snapshot",
                    LOCKED_SNAPSHOT,
                    &format!("carries `snapshot={LOCKED_SNAPSHOT}`"),
                ],
            )
            .await;

        // The menu after set-snapshot offers only what the grants let the
        // asker run; the one chosen runs, still carrying the snapshot.
        let step = world
            .ask(on, Who::Unlinked, NARROW, "set-snapshot $prev", &id("narrow-set"))
            .await;
        let menu = world.menu(&step).await;
        assert_eq!(menu.values(), ["get-inventory"], "{:?}", menu.message);
        let step = world
            .choose(&menu, Who::Unlinked, "get-inventory", &id("narrow-inventory"))
            .await;
        let menu = world.menu(&step).await;
        let step = world
            .choose(&menu, Who::Unlinked, "vendor", &id("narrow-filter"))
            .await;
        let menu = world.menu(&step).await;
        let step = world
            .choose(&menu, Who::Unlinked, "arista", &id("narrow-vendor"))
            .await;
        let text = world
            .answer(&step, &["Devices with vendor arista", PREV_SNAPSHOT])
            .await;
        let aristas = hostnames(&rows_where(DEVICES, "$prev", "vendor", "arista"));
        assert_eq!(aristas, ["nyc-acc-01", "sin-sw-01"]);
        for hostname in &aristas {
            assert_row(&text, &[hostname, "arista"]);
        }
        // Typed, a sub-command not granted is refused before IP Fabric is asked.
        let asked = world.ipf.requests().len();
        world
            .answered(
                on,
                Who::Unlinked,
                NARROW,
                "get-snapshot",
                &id("narrow-denied"),
                &[&format!("You may not run `/{NARROW} get-snapshot` here.")],
            )
            .await;
        assert_eq!(world.ipf.requests().len(), asked, "IP Fabric not asked");

        // Typed: `snapshot=$prev` reads `$prev`.
        let text = world
            .answered(
                on,
                Who::Unlinked,
                IPF,
                "get-inventory site LON-HQ snapshot=$prev",
                &id("typed-prev"),
                &["Devices with site LON-HQ", PREV_SNAPSHOT],
            )
            .await;
        assert!(row(&text, &["lon-ap-02"]).is_none(), "not in $prev: {text}");
        assert_eq!(last_snapshot_read(&world.ipf, DEVICES), PREV_SNAPSHOT);

        // A snapshot that is not loaded, or that IP Fabric does not have: said in words, nothing read.
        let read = world.ipf.table_queries(DEVICES).len();
        let unloaded = format!("get-inventory site LON-HQ snapshot={UNLOADED_SNAPSHOT}");
        world
            .answered(
                on,
                Who::Unlinked,
                IPF,
                &unloaded,
                &id("unloaded"),
                &[
                    "Q3 audit",
                    UNLOADED_SNAPSHOT,
                    "is not loaded in IP Fabric, so it cannot be read",
                ],
            )
            .await;
        world
            .answered(
                on,
                Who::Unlinked,
                IPF,
                &format!("set-snapshot {UNLOADED_SNAPSHOT}"),
                &id("set-unloaded"),
                &["Q3 audit", "is not loaded in IP Fabric"],
            )
            .await;
        world
            .answered(
                on,
                Who::Unlinked,
                IPF,
                "get-snapshot snapshot=11111111-2222-4333-8444-555555555555",
                &id("unknown-snapshot"),
                &["IP Fabric has no snapshot `11111111-2222-4333-8444-555555555555`"],
            )
            .await;
        assert_eq!(world.ipf.table_queries(DEVICES).len(), read, "nothing read");

        // find-host alone: IP or MAC by name, then a form for the address.
        let step = world
            .ask(on, Who::Unlinked, IPF, "find-host", &id("host-menu"))
            .await;
        let menu = world.menu(&step).await;
        assert_eq!(menu.labels(), ["Host IP address", "Host MAC address"]);
        let step = world.choose(&menu, Who::Unlinked, "ip", &id("host-key")).await;
        let form = world.form(&step).await;
        assert_eq!(form.labels(), ["IP address"], "{:?}", form.opened);
        let step = world
            .submit(&form, Who::Unlinked, &["10.20.30.101"], &id("host-address"))
            .await;
        let text = world.answer(&step, &["Hosts with IP 10.20.30.101"]).await;
        assert_row(
            &text,
            &[
                "10.20.30.101",
                "lon-laptop-17.corp.example.com",
                "lon-ap-01 Corp-WiFi",
            ],
        );

        // table-diff without the other snapshot: the loaded ones but the one read, by name.
        let step = world
            .ask(
                on,
                Who::Unlinked,
                IPF,
                "table-diff inventory devices summary",
                &id("diff-menu"),
            )
            .await;
        world
            .answer(&step, &["(This command reads Nightly 2026-12-03.)"])
            .await;
        let menu = world.menu(&step).await;
        assert_eq!(menu.values(), [PREV_SNAPSHOT, LOCKED_SNAPSHOT]);
        assert!(
            menu.labels()[1].starts_with("Baseline before CHG-4711"),
            "{:?}",
            menu.labels()
        );
        let step = world
            .choose(&menu, Who::Unlinked, LOCKED_SNAPSHOT, &id("diff-chosen"))
            .await;
        world
            .answer(&step, &["inventory/devices diff", LOCKED_SNAPSHOT, "Added: 2"])
            .await;

        // wireless clients without the SSID: the SSIDs the radios broadcast.
        let step = world
            .ask(on, Who::Unlinked, IPF, "wireless clients", &id("ssid-menu"))
            .await;
        let menu = world.menu(&step).await;
        assert_eq!(menu.values(), ["Corp-WiFi", "Guest", "IoT-Sensors"]);
        let step = world
            .choose(&menu, Who::Unlinked, "IoT-Sensors", &id("ssid-chosen"))
            .await;
        let text = world.answer(&step, &["Wireless clients of IoT-Sensors"]).await;
        assert_row(
            &text,
            &["lon-ap-01", "b827.eb6a.40d2", "10.20.50.23", "IoT-Sensors"],
        );

        // pathlookup with the addresses only: a form of the rest, with
        // IP Fabric's usual defaults; submitted, the path and its diagram.
        let step = world
            .ask(
                on,
                Who::Unlinked,
                IPF,
                "pathlookup 10.30.10.8 10.10.10.22 snapshot=$prev",
                &id("path-form"),
            )
            .await;
        let form = world.form(&step).await;
        assert_eq!(
            form.labels(),
            ["Source ports", "Destination ports", "Protocol"],
            "{:?}",
            form.opened
        );
        assert_eq!(form.field(0).default.as_deref(), Some("1000"));
        assert_eq!(form.field(1).default.as_deref(), Some("22"));
        assert_eq!(form.field(2).choices, ["tcp", "udp"]);
        let step = world
            .submit(
                &form,
                Who::Unlinked,
                &["1024-65535", "5432", "tcp"],
                &id("path-submitted"),
            )
            .await;
        world
            .answer(
                &step,
                &[
                    "Path lookup tcp 10.30.10.8 port 1024-65535 → 10.10.10.22 port 5432",
                    "Hops (4): sin-rtr-01 → nyc-fw-01 → nyc-edge-01 → nyc-core-01",
                    PREV_SNAPSHOT,
                ],
            )
            .await;
        let (name, png) = world.uploaded_png(&step).await;
        assert_eq!(name, "pathlookup-10.30.10.8-10.10.10.22.png");
        let asked = world
            .ipf
            .requests()
            .into_iter()
            .rfind(|r| r.path == "/api/graphs/png")
            .expect("the diagram asked")
            .json();
        assert_eq!(asked["snapshot"], PREV_SNAPSHOT, "the form carried the snapshot");
        assert_eq!(png, fake_ipfabric::path_png(&asked["parameters"]));

        // A menu cancelled: said, and nothing more asked of IP Fabric.
        let step = world
            .ask(on, Who::Unlinked, IPF, "routing", &id("cancel-menu"))
            .await;
        let menu = world.menu(&step).await;
        assert!(menu.values().contains(&"nyc-edge-01"), "{:?}", menu.values());
        let asked = world.ipf.requests().len();
        let step = world.cancel(&menu, Who::Unlinked, &id("cancelled")).await;
        world.answer(&step, &["Cancelled"]).await;
        assert_eq!(world.ipf.requests().len(), asked);
    }
}
