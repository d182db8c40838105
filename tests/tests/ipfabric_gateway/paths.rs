//! Path lookups (their summary and diagram), table diffs and a dry run of the sync.

use super::world::*;

#[tokio::test]
async fn paths_diffs_and_a_dry_run_answer_with_what_ip_fabric_holds() {
    let world = World::start().await;
    for on in PLATFORMS {
        let id = |name: &str| on.tag(name);

        // A path: its summary in words, and its diagram as a PNG in the chat.
        for (command, name, file, said) in [
            (
                "pathlookup 10.20.10.15 10.10.10.21 1024-65535 443 tcp",
                "path",
                "pathlookup-10.20.10.15-10.10.10.21.png",
                [
                    "Path lookup tcp 10.20.10.15 port 1024-65535 → 10.10.10.21 port 443",
                    "Verdict: the traffic passes.",
                    "Hops (4): lon-rtr-01 → nyc-fw-01 → nyc-edge-01 → nyc-core-01",
                ],
            ),
            (
                "pathlookup 10.20.10.15 10.10.10.21 1024-65535 23 tcp",
                "path-telnet",
                "pathlookup-10.20.10.15-10.10.10.21.png",
                [
                    "Path lookup tcp 10.20.10.15 port 1024-65535 → 10.10.10.21 port 23",
                    "Verdict: the traffic is dropped at nyc-fw-01 (zone firewall deny, policy deny-telnet).",
                    "Hops (4): lon-rtr-01 → nyc-fw-01",
                ],
            ),
            (
                "pathlookup-icmp 10.30.10.8 10.20.10.40 echo-request",
                "path-icmp",
                "pathlookup-10.30.10.8-10.20.10.40.png",
                [
                    "Path lookup icmp echo-request 10.30.10.8 → 10.20.10.40",
                    "Verdict: the traffic passes.",
                    "Hops (4): sin-rtr-01 → nyc-fw-01 → nyc-edge-01 → lon-rtr-01",
                ],
            ),
        ] {
            let step = world.ask(on, Who::Unlinked, IPF, command, &id(name)).await;
            world.answer(&step, &said).await;
            let (name, png) = world.uploaded_png(&step).await;
            assert_eq!(name, file, "the diagram's file name");
            let asked = last_to(&world.ipf, "/api/graphs/png").json();
            assert_eq!(asked["snapshot"], LAST_SNAPSHOT, "{asked}");
            assert_eq!(
                png,
                fake_ipfabric::path_png(&asked["parameters"]),
                "the diagram IP Fabric drew reaches the chat"
            );
        }

        // A table of two snapshots compared: the device only in `$last`.
        let only_in_last: Vec<String> = {
            let prev = hostnames(&fake_ipfabric::rows_in(DEVICES, "$prev"));
            hostnames(&fake_ipfabric::rows_in(DEVICES, "$last"))
                .into_iter()
                .filter(|h| !prev.contains(h))
                .collect()
        };
        assert_eq!(only_in_last, ["lon-ap-02"]);
        world
            .answered(
                on,
                Who::Unlinked,
                IPF,
                "table-diff inventory devices summary $prev",
                &id("diff-summary"),
                &[
                    "inventory/devices diff",
                    LAST_SNAPSHOT,
                    PREV_SNAPSHOT,
                    "Added: 1",
                    "Removed: 0",
                    "Changed: 0",
                ],
            )
            .await;
        // In detail, against the locked baseline: two devices are new since.
        let text = world
            .answered(
                on,
                Who::Unlinked,
                IPF,
                "table-diff inventory devices detailed $lastLocked",
                &id("diff-detailed"),
                &[
                    "inventory/devices diff",
                    LOCKED_SNAPSHOT,
                    "Added (2)",
                    "Removed: none",
                ],
            )
            .await;
        for device in fake_ipfabric::rows_in(DEVICES, "$last")
            .iter()
            .filter(|d| ["lon-ap-02", "sin-sw-01"].contains(&d["hostname"].as_str().unwrap_or_default()))
        {
            assert_fields(
                &text,
                device,
                &[
                    "hostname", "siteName", "vendor", "model", "version", "sn", "loginIp",
                ],
            );
        }

        // A dry run of the sync: no confirmation, the job run with the snapshot.
        let runs = world.nautobot.runs().len();
        world
            .answered(
                on,
                Who::Unlinked,
                IPF,
                "ssot-sync-to-nautobot true false false",
                &id("sync-dry"),
                &[
                    "A dry run of the nautobot-ssot IP Fabric sync of snapshot",
                    LAST_SNAPSHOT,
                    JOB_RESULT_ID,
                ],
            )
            .await;
        let ran = world.nautobot.runs();
        assert_eq!(ran.len(), runs + 1, "one run");
        assert_eq!(
            ran[runs],
            (
                IPFABRIC_JOB_ID.to_owned(),
                json!({"dryrun": true, "safe_delete_mode": false, "sync_ipfabric_tagged_only": false,
                       "snapshot": LAST_SNAPSHOT})
            )
        );
        world.assert_no_token_told(on);
    }
}
