//! `ssot-sync-to-nautobot`: confirmed first, and said when it cannot run.

use super::world::*;

#[tokio::test]
async fn a_sync_into_nautobot_is_confirmed_first_and_said_when_it_cannot_run() {
    let world = World::start().await;
    for on in PLATFORMS {
        let id = |name: &str| on.tag(name);

        // No Nautobot named for this IP Fabric: the admin's fix, in words.
        world
            .answered(
                on,
                Who::Unlinked,
                LAB,
                "ssot-sync-to-nautobot true false false",
                &id("not-set-up"),
                &[
                    "`ssot-sync-to-nautobot` is not set up for this IP Fabric",
                    "spec.ipfabric.nautobot",
                ],
            )
            .await;
        // A Nautobot without nautobot-ssot: said, nothing run.
        world
            .answered(
                on,
                Who::Unlinked,
                NO_JOB,
                "ssot-sync-to-nautobot false false false yes",
                &id("no-job"),
                &["Nautobot has no nautobot-ssot IP Fabric job (`IpFabricDataSource`"],
            )
            .await;
        assert!(world.bare.runs().is_empty(), "nothing run without the job");
        assert!(
            world
                .bare
                .requests()
                .iter()
                .any(|r| r.path == "/api/extras/jobs/"),
            "the job was looked for"
        );

        // The switches asked as menus, then the confirmation: nothing runs before yes.
        let runs = world.nautobot.runs().len();
        let step = world
            .ask(on, Who::Unlinked, IPF, "ssot-sync-to-nautobot", &id("sync"))
            .await;
        world
            .answer(&step, &["Dry run (only report what would change)?"])
            .await;
        let menu = world.menu(&step).await;
        assert_eq!(menu.labels(), ["yes", "no"]);
        let step = world.choose(&menu, Who::Unlinked, "false", &id("sync-dry")).await;
        world.answer(&step, &["Safe delete mode"]).await;
        let menu = world.menu(&step).await;
        let step = world.choose(&menu, Who::Unlinked, "true", &id("sync-safe")).await;
        world
            .answer(&step, &["Sync only the objects tagged by IP Fabric?"])
            .await;
        let menu = world.menu(&step).await;
        let step = world
            .choose(&menu, Who::Unlinked, "false", &id("sync-tagged"))
            .await;
        world
            .answer(
                &step,
                &[
                    "into Nautobot (safe delete mode: yes, IP Fabric-tagged only: no)? This changes Nautobot.",
                    LAST_SNAPSHOT,
                ],
            )
            .await;
        let confirm = world.menu(&step).await;
        assert_eq!(confirm.values(), ["yes"], "{:?}", confirm.message);
        assert_eq!(world.nautobot.runs().len(), runs, "nothing run before yes");
        let step = world
            .choose(&confirm, Who::Unlinked, "yes", &id("sync-yes"))
            .await;
        world
            .answer(
                &step,
                &["The nautobot-ssot IP Fabric sync of snapshot", JOB_RESULT_ID],
            )
            .await;
        let ran = world.nautobot.runs();
        assert_eq!(ran.len(), runs + 1, "one confirmation, one run");
        assert_eq!(
            ran[runs].1,
            json!({"dryrun": false, "safe_delete_mode": true, "sync_ipfabric_tagged_only": false,
                   "snapshot": LAST_SNAPSHOT})
        );

        // The snapshot chosen with set-snapshot, carried through the
        // switches' menus and the confirmation into the run.
        let step = world
            .ask(
                on,
                Who::Unlinked,
                IPF,
                "set-snapshot $lastLocked",
                &id("set-sync"),
            )
            .await;
        let mut menu = world.menu(&step).await;
        for (value, name) in [
            ("ssot-sync-to-nautobot", "set-sync-chosen"),
            ("false", "set-sync-dry"),
            ("false", "set-sync-safe"),
            ("false", "set-sync-tagged"),
        ] {
            let step = world.choose(&menu, Who::Unlinked, value, &id(name)).await;
            menu = world.menu(&step).await;
        }
        assert_eq!(menu.values(), ["yes"], "the confirmation: {:?}", menu.message);
        let step = world
            .choose(&menu, Who::Unlinked, "yes", &id("set-sync-yes"))
            .await;
        world
            .answer(
                &step,
                &["The nautobot-ssot IP Fabric sync of snapshot", LOCKED_SNAPSHOT],
            )
            .await;
        let ran = world.nautobot.runs();
        assert_eq!(ran.len(), runs + 2);
        assert_eq!(
            ran[runs + 1].1["snapshot"],
            LOCKED_SNAPSHOT,
            "{:?}",
            ran[runs + 1]
        );
        let runs = runs + 1;

        // Typed with yes and a snapshot: run at once, from that snapshot.
        world
            .answered(
                on,
                Who::Unlinked,
                IPF,
                "ssot-sync-to-nautobot false false true yes snapshot=$prev",
                &id("sync-typed"),
                &["The nautobot-ssot IP Fabric sync of snapshot", PREV_SNAPSHOT],
            )
            .await;
        let ran = world.nautobot.runs();
        assert_eq!(ran.len(), runs + 2);
        assert_eq!(
            ran[runs + 1].1,
            json!({"dryrun": false, "safe_delete_mode": false, "sync_ipfabric_tagged_only": true,
                   "snapshot": PREV_SNAPSHOT})
        );

        // Declined: Nautobot unchanged.
        world
            .answered(
                on,
                Who::Unlinked,
                IPF,
                "ssot-sync-to-nautobot false false false no",
                &id("sync-no"),
                &["Not synced: Nautobot is unchanged."],
            )
            .await;
        assert_eq!(world.nautobot.runs().len(), runs + 2, "declined, none run");

        // The operator runs it with their own Nautobot token, which may not run
        // jobs: Nautobot's 403, said as theirs, after the confirmation.
        let step = world
            .ask(
                on,
                Who::Operator,
                IPF,
                "ssot-sync-to-nautobot false true true",
                &id("op-sync"),
            )
            .await;
        let confirm = world.menu(&step).await;
        let step = world
            .choose(&confirm, Who::Operator, "yes", &id("op-sync-yes"))
            .await;
        world
            .answer(
                &step,
                &["You (linked as operator) may not run extras/jobs in Nautobot."],
            )
            .await;
        let refused = world
            .nautobot
            .requests()
            .into_iter()
            .rfind(|r| r.path.ends_with("/run/"))
            .expect("the run was asked");
        let viewer = format!("Token {}", fake_nautobot_jobs::VIEWER_TOKEN);
        assert_eq!(refused.header("authorization"), Some(viewer.as_str()));
        assert_eq!(world.nautobot.runs().len(), runs + 2, "refused, none run");
        world.assert_no_token_told(on);
    }
}
