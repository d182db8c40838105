//! Two `ipfabric` Integrations, each with its own IP Fabric and default snapshot.

use super::world::*;

#[tokio::test]
async fn two_ip_fabric_integrations_serve_side_by_side_with_their_own_default_snapshot() {
    let world = World::start().await;
    for on in PLATFORMS {
        let id = |name: &str| on.tag(name);
        let asked = (world.ipf.requests().len(), world.lab.requests().len());

        // Each says which snapshot it reads, and why.
        world
            .answered(
                on,
                Who::Unlinked,
                LAB,
                "get-snapshot",
                &id("lab-snapshot"),
                &[
                    PREV_SNAPSHOT,
                    "it is the Integration's default (`spec.ipfabric.snapshot: $prev`)",
                ],
            )
            .await;
        world
            .answered(
                on,
                Who::Unlinked,
                IPF,
                "get-snapshot",
                &id("main-snapshot"),
                &[LAST_SNAPSHOT, "`$last`, the newest loaded one"],
            )
            .await;

        // The same command reads each one's default, from each one's IP Fabric, linking to it.
        let text = world
            .answered(
                on,
                Who::Unlinked,
                LAB,
                "get-inventory site LON-HQ",
                &id("lab-inventory"),
                &["Devices with site LON-HQ", PREV_SNAPSHOT],
            )
            .await;
        assert!(
            row(&text, &["lon-ap-02"]).is_none(),
            "the lab reads $prev: {text}"
        );
        let lab = world.lab.url();
        assert!(
            text.contains(&format!("{}/inventory/devices", lab.trim_end_matches('/'))),
            "the lab's own link: {text}"
        );
        assert_eq!(last_snapshot_read(&world.lab, DEVICES), PREV_SNAPSHOT);
        let text = world
            .answered(
                on,
                Who::Unlinked,
                IPF,
                "get-inventory site LON-HQ",
                &id("main-inventory"),
                &["Devices with site LON-HQ", LAST_SNAPSHOT],
            )
            .await;
        assert_row(&text, &["lon-ap-02", "LON-HQ"]);
        assert_eq!(last_snapshot_read(&world.ipf, DEVICES), LAST_SNAPSHOT);

        // A snapshot typed overrides the lab's default.
        let text = world
            .answered(
                on,
                Who::Unlinked,
                LAB,
                "get-inventory site LON-HQ snapshot=$last",
                &id("lab-last"),
                &["Devices with site LON-HQ", LAST_SNAPSHOT],
            )
            .await;
        assert_row(&text, &["lon-ap-02", "LON-HQ"]);

        // Each command asked its own IP Fabric only.
        let devices = |fake: &FakeIpFabric, before: usize| {
            fake.requests()
                .iter()
                .skip(before)
                .filter(|r| r.path == "/api/tables/inventory/devices")
                .count()
        };
        assert_eq!(devices(&world.lab, asked.1), 2);
        assert_eq!(devices(&world.ipf, asked.0), 1);
    }
}
