//! IP Fabric's refusals, and IP Fabric down, slow or answering garbage.

use super::world::*;

#[tokio::test]
async fn each_person_acts_with_their_own_token_and_ip_fabric_refusals_are_said_in_words() {
    let world = World::start().await;
    for on in PLATFORMS {
        let id = |name: &str| on.tag(name);

        // The operator's own read-only token reads the inventory: it is the one sent.
        let text = world
            .answered(
                on,
                Who::Operator,
                IPF,
                "get-inventory site SIN-BR1",
                &id("op-inventory"),
                &["Devices with site SIN-BR1"],
            )
            .await;
        assert_row(&text, &["sin-rtr-01", "SIN-BR1", "juniper"]);
        assert_eq!(
            last_to(&world.ipf, "/api/tables/inventory/devices").header("x-api-token"),
            Some(READ_ONLY_TOKEN),
            "the operator acts with their own token"
        );

        // It may not read end hosts or wireless clients: IP Fabric's 403, said as theirs.
        for (command, name, table) in [
            ("find-host ip 10.20.10.15", "op-host", "tables/addressing/hosts"),
            (
                "wireless clients Corp-WiFi",
                "op-clients",
                "tables/wireless/clients",
            ),
        ] {
            let said = format!("You (linked as operator) may not view {table} in IP Fabric.");
            world
                .answered(on, Who::Operator, IPF, command, &id(name), &[&said])
                .await;
            let refused = last_to(&world.ipf, &format!("/api/{table}"));
            assert_eq!(refused.header("x-api-token"), Some(READ_ONLY_TOKEN));
            // The same sub-command for someone unlinked: the Integration's token, which may.
            let text = world
                .answered(
                    on,
                    Who::Unlinked,
                    IPF,
                    command,
                    &id(&format!("{name}-admin")),
                    &["10.20."],
                )
                .await;
            assert!(!text.contains("may not"), "{text}");
            let served = last_to(&world.ipf, &format!("/api/{table}"));
            assert_eq!(served.header("x-api-token"), Some(ADMIN_TOKEN));
        }

        // A token IP Fabric does not know: its 401, said with whose token it was.
        world
            .answered(
                on,
                Who::Unlinked,
                BAD_TOKEN,
                "get-loaded-snapshots",
                &id("bad-token"),
                &["IP Fabric did not accept the API token of chatbot"],
            )
            .await;
        world
            .answered(
                on,
                Who::Operator,
                BAD_TOKEN,
                "get-inventory site NYC-DC1",
                &id("bad-own-token"),
                &["IP Fabric did not accept the API token of operator"],
            )
            .await;
        assert_eq!(
            last_to(&world.ipf, "/api/snapshots").header("x-api-token"),
            Some(UNKNOWN_TOKEN)
        );
        world.assert_no_token_told(on);
    }
}

#[tokio::test]
async fn ip_fabric_down_slow_or_garbled_is_said_within_the_timeout() {
    let world = World::start().await;
    for on in PLATFORMS {
        let id = |name: &str| on.tag(name);

        let started = Instant::now();
        let said = format!("IP Fabric at {} cannot be reached", world.down);
        world
            .answered(
                on,
                Who::Unlinked,
                DOWN,
                "get-loaded-snapshots",
                &id("down"),
                &[&said],
            )
            .await;
        eprintln!("{on:?}: IP Fabric down said after {:?}", started.elapsed());
    }

    // Slow everywhere, then only in drawing the path (after the lookup answered).
    let limit = Duration::from_secs(SHORT_TIMEOUT) + OVERRUN;
    let said = format!("IP Fabric did not answer within {SHORT_TIMEOUT} s");
    for (prefix, command, name) in [
        ("/api/", "get-snapshot", "slow"),
        (
            "/api/graphs/png",
            "pathlookup-icmp 10.30.10.8 10.20.10.40 echo-request",
            "slow-png",
        ),
    ] {
        world.lab.slow_down(prefix, HELD_BACK);
        for on in PLATFORMS {
            let started = Instant::now();
            let step = world.ask(on, Who::Unlinked, LAB, command, &on.tag(name)).await;
            world.answer_within(&step, &[&said], limit).await;
            let took = started.elapsed();
            eprintln!("{on:?}: IP Fabric slow ({command}) said after {took:?}");
            assert!(took < HELD_BACK, "said before IP Fabric answered: {took:?}");
        }
        world.lab.mend();
    }
    assert!(
        world.lab.requests().iter().any(|r| r.path == "/api/graphs/png"),
        "the diagram was asked of the slow IP Fabric"
    );

    // Garbage: a sign-on page for the inventory and the diagram, a table cut off midway.
    world.lab.garble("/api/tables/inventory", Garbage::Html);
    world.lab.garble("/api/graphs/png", Garbage::Html);
    world.lab.garble("/api/tables/routing", Garbage::TruncatedJson);
    for on in PLATFORMS {
        let id = |name: &str| on.tag(name);
        for (command, name, said) in [
            (
                "get-inventory site NYC-DC1",
                "html",
                "IP Fabric's answer could not be read",
            ),
            (
                "routing nyc-edge-01 bgp-neighbors any",
                "truncated",
                "IP Fabric's answer could not be read",
            ),
            (
                "pathlookup 10.20.10.15 10.10.10.21 1000 22 tcp",
                "png",
                "the path diagram is not a PNG",
            ),
        ] {
            world
                .answered(on, Who::Unlinked, LAB, command, &id(name), &[said])
                .await;
            // The next command is served, from what IP Fabric answers well.
            let text = world
                .answered(
                    on,
                    Who::Unlinked,
                    LAB,
                    "wireless ssids",
                    &id(&format!("{name}-next")),
                    &["Wireless SSIDs"],
                )
                .await;
            assert_row(&text, &["Corp-WiFi", "LON-HQ", "lon-ap-01"]);
        }
    }
    // The snapshots themselves garbled: every command says so.
    world.lab.mend();
    world.lab.garble("/api/snapshots", Garbage::TruncatedJson);
    for on in PLATFORMS {
        world
            .answered(
                on,
                Who::Unlinked,
                LAB,
                "get-loaded-snapshots",
                &on.tag("snapshots-garbled"),
                &["IP Fabric's answer could not be read"],
            )
            .await;
    }
    // Mended: the same commands answer.
    world.lab.mend();
    for on in PLATFORMS {
        let text = world
            .answered(
                on,
                Who::Unlinked,
                LAB,
                "get-inventory site NYC-DC1",
                &on.tag("mended"),
                &["Devices with site NYC-DC1"],
            )
            .await;
        assert_row(&text, &["nyc-core-01", "NYC-DC1", "cisco"]);
    }
}
