//! The `panorama` integration end to end: the real gateway binary, compiled
//! from resource manifests in standalone mode, answering Slack and
//! Mattermost slash commands against the fake Panorama of the test kit
//! (`FakePanorama`, PAN-OS's XML API). Every sub-command is checked for what
//! Panorama and its firewalls hold, then a menu of Panorama's firewalls, the
//! confirmation of `install-software` and its job followed to the end,
//! PAN-OS's refusals (a wrong password, a read-only admin downloading),
//! Panorama down, slow and answering garbage, and two Panoramas as two
//! Integrations with two commands side by side.
//!
//! Who acts as whom (see [`manifests`]): an unlinked chat user acts with the
//! Integration's login (PAN-OS's `admin`) or API key; the operator is linked,
//! on each platform, as PAN-OS's read-only `chatops-ro` with its own
//! password, so PAN-OS's admin roles decide for them.

use std::time::{Duration, Instant};

use chatops_tests::{
    chat::{Chat, HELD_BACK, OVERRUN, On, PLATFORMS, SHORT_TIMEOUT, Step, Who, assert_row},
    endpoints,
    fake_panorama::{
        ADMIN_PASSWORD, ADMIN_USER, AMS_SERIAL, FakePanorama, Garbage, READER_PASSWORD, READER_USER, key_for,
    },
    manifests::{grant_to_everyone, integration, secret, stream, token_ref},
    quickstart::DEFAULT_SETTINGS,
};

/// The first Panorama, logged in to as admin.
const LAB: &str = "panoramalab";
/// The second Panorama, on its own fake, reached with an API key; the
/// tests turn its knobs (`timeoutSeconds: 2`).
const DR: &str = "panoramadr";
/// An Integration on the first fake with a password PAN-OS does not accept.
const BAD_PASSWORD: &str = "panobadpassword";
/// An Integration whose endpoint nothing listens on (`timeoutSeconds: 2`).
const DOWN: &str = "panodown";

/// The gateway and its fake chat platforms, and the fake Panoramas behind it.
struct World {
    chat: Chat,
    lab: FakePanorama,
    dr: FakePanorama,
    down: String,
}

impl World {
    async fn start() -> World {
        let lab = FakePanorama::start().await;
        let dr = FakePanorama::start().await;
        let down = endpoints::unreachable();
        let yaml = manifests(&lab, &dr, &down);
        let chat = Chat::start(DEFAULT_SETTINGS, &[("panorama.yaml", &yaml)]).await;
        World { chat, lab, dr, down }
    }

    /// What `who` is answered to `/{command} {text}` on `on`, once it holds
    /// every one of `expected` (bold marks left out).
    async fn said(&self, on: On, who: Who, command: &str, text: &str, id: &str, expected: &[&str]) -> String {
        let step = self.chat.ask(on, who.id(on), command, text, id).await;
        self.chat.answer_read(&step, expected).await
    }
}

/// The Integrations: [`LAB`] and [`BAD_PASSWORD`] on `lab`, [`DR`] on `dr`
/// with an API key, [`DOWN`] on `down`; their Secret; the operator's
/// AccountLinks (PAN-OS's read-only admin, with its password for [`LAB`]);
/// grants letting every user run every sub-command (PAN-OS decides the rest).
fn manifests(lab: &FakePanorama, dr: &FakePanorama, down: &str) -> String {
    let login = |password: &str| {
        format!(
            "usernameRef: {{name: panorama, key: username}}, passwordRef: {{name: panorama, key: {password}}}"
        )
    };
    let key = key_for(ADMIN_USER, ADMIN_PASSWORD);
    let mut documents = vec![
        integration("panorama", LAB, &lab.url(), &login("password"), 30),
        integration(
            "panorama",
            DR,
            &dr.url(),
            &token_ref("panorama", "key"),
            SHORT_TIMEOUT,
        ),
        integration("panorama", BAD_PASSWORD, &lab.url(), &login("wrong"), 30),
        integration("panorama", DOWN, down, &login("password"), SHORT_TIMEOUT),
        secret(
            "panorama",
            &[
                ("username", ADMIN_USER),
                ("password", ADMIN_PASSWORD),
                ("key", &key),
                ("reader", READER_PASSWORD),
                ("wrong", "not-a-password-pan-os-knows"),
            ],
        ),
    ];
    documents.extend(Who::operator_links_as(
        READER_USER,
        &[(LAB, "panorama", "reader")],
    ));
    documents.extend([LAB, DR, BAD_PASSWORD, DOWN].map(grant_to_everyone));
    stream(&documents)
}

/// Whether the platform was sent a file holding `bytes` since `step`.
fn uploaded(chat: &Chat, step: &Step, bytes: &[u8]) -> bool {
    chat.since(step)
        .iter()
        .any(|request| request.body.windows(bytes.len()).any(|w| w == bytes))
}

#[tokio::test]
async fn every_sub_command_answers_with_what_panorama_holds() {
    let world = World::start().await;
    for on in PLATFORMS {
        let p = format!("{on:?}").to_lowercase();
        let id = |name: &str| format!("{p}-{name}");
        let ask = |text: String, name: &'static str, expected: &'static [&'static str]| {
            let id = id(name);
            let world = &world;
            async move { world.said(on, Who::Unlinked, LAB, &text, &id, expected).await }
        };

        let help = ask("help".into(), "help", &["capture-traffic"]).await;
        for sub in [
            "get-devices",
            "get-devicegroups",
            "validate-rule-exists",
            "get-version",
            "get-device-rules",
            "export-device-rules",
            "upload-software",
            "install-software",
        ] {
            assert!(help.contains(sub), "{sub} in the help: {help}");
        }
        assert!(
            help.contains("asks first"),
            "the software changes are marked: {help}"
        );

        let devices = ask(
            "get-devices".into(),
            "devices",
            &["Firewalls managed by Panorama"],
        )
        .await;
        assert_row(
            &devices,
            &[
                "fw-ams-01",
                AMS_SERIAL,
                "PA-440",
                "10.20.0.11",
                "11.1.4-h7",
                "yes",
            ],
        );
        assert_row(&devices, &["fw-lon-01", "no"]);
        let groups = ask(
            "get-devicegroups".into(),
            "groups",
            &["Device groups in Panorama"],
        )
        .await;
        assert_row(&groups, &["dc", "shared", "fw-dc-01a, fw-dc-01b"]);
        ask(
            "get-version fw-dc-01a".into(),
            "version",
            &[
                "Panorama panorama-lab runs PAN-OS 11.1.4-h7",
                "Firewall fw-dc-01a (PA-3420) runs PAN-OS 11.1.4-h7",
            ],
        )
        .await;
        ask(
            "validate-rule-exists fw-ams-01 10.20.10.25 203.0.113.20 tcp 443".into(),
            "validate",
            &["matches rule deny-to-blocklist: deny"],
        )
        .await;
        let rules = ask(
            "get-device-rules fw-ams-01".into(),
            "rules",
            &["Security rules of fw-ams-01 (device group branch-ams)"],
        )
        .await;
        assert_row(&rules, &["pre (shared)", "block-blocklist"]);
        ask(
            "export-device-rules fw-ams-01".into(),
            "export",
            &[
                "fw-ams-01-rules.csv",
                "Rulebase,Name,From,Source,To,Destination,Application,Service,Action",
            ],
        )
        .await;
        ask(
            "upload-software fw-ams-01 11.2.3 yes".into(),
            "upload",
            &["Downloading PAN-OS 11.2.3 on fw-ams-01: job", "ended: OK"],
        )
        .await;

        let step = world
            .chat
            .ask(
                on,
                Who::Unlinked.id(on),
                LAB,
                "capture-traffic fw-ams-01 10.20.10.25 8.8.8.8 53 ethernet1/2 udp receive 1 yes",
                &id("capture"),
            )
            .await;
        world
            .chat
            .answer_read(
                &step,
                &["Capturing udp 10.20.10.25", "2 packets", "fw-ams-01-receive.pcap"],
            )
            .await;
        assert!(
            uploaded(&world.chat, &step, &0xa1b2_c3d4_u32.to_le_bytes()),
            "the pcap is uploaded as it is"
        );
        if on == On::Mattermost {
            // Slack's upload URL takes bare bytes; Mattermost's multipart part says what they are.
            assert!(
                uploaded(&world.chat, &step, b"content-type: application/vnd.tcpdump.pcap")
                    || uploaded(&world.chat, &step, b"Content-Type: application/vnd.tcpdump.pcap"),
                "the pcap's media type goes with it"
            );
        }
        world
            .chat
            .assert_none_told(on, &[ADMIN_PASSWORD, READER_PASSWORD]);
    }
}

#[tokio::test]
async fn a_firewall_menu_comes_from_panorama_and_install_software_is_confirmed() {
    let world = World::start().await;
    for on in PLATFORMS {
        let p = format!("{on:?}").to_lowercase();
        let id = |name: &str| format!("{p}-{name}");
        let user = Who::Unlinked.id(on);

        let step = world
            .chat
            .ask(on, user, LAB, "install-software", &id("menu"))
            .await;
        let menu = world.chat.menu(&step).await;
        assert_eq!(
            menu.values(),
            ["fw-ams-01", "fw-dc-01a", "fw-dc-01b", "fw-lon-01"]
        );
        assert_eq!(menu.labels()[3], "fw-lon-01 (disconnected)");
        let step = world.chat.choose(&menu, user, "fw-ams-01", &id("device")).await;
        let versions = world.chat.menu(&step).await;
        assert_eq!(versions.values(), ["11.1.6"]);
        let step = world.chat.choose(&versions, user, "11.1.6", &id("version")).await;
        let question = world.chat.menu(&step).await;
        assert_eq!(question.values(), ["yes"]);
        let step = world.chat.choose(&question, user, "yes", &id("yes")).await;
        world
            .chat
            .answer_read(
                &step,
                &[
                    "Installing PAN-OS 11.1.6 on fw-ams-01: job",
                    "Software installation of version 11.1.6 successfully completed",
                ],
            )
            .await;
        assert_eq!(
            world
                .lab
                .firewall(AMS_SERIAL)
                .unwrap()
                .software
                .installed
                .as_deref(),
            Some("11.1.6")
        );
    }
}

#[tokio::test]
async fn pan_os_refusals_are_said_in_words() {
    let world = World::start().await;
    for on in PLATFORMS {
        let p = format!("{on:?}").to_lowercase();
        let id = |name: &str| format!("{p}-{name}");

        let text = world
            .said(
                on,
                Who::Unlinked,
                BAD_PASSWORD,
                "get-devices",
                &id("bad-password"),
                &["Panorama did not accept the password of admin"],
            )
            .await;
        assert!(
            !text.contains("not-a-password-pan-os-knows") && !text.contains("<response"),
            "{text}"
        );

        world
            .said(
                on,
                Who::Operator,
                LAB,
                "get-devices",
                &id("reader-reads"),
                &["fw-ams-01"],
            )
            .await;
        let text = world
            .said(
                on,
                Who::Operator,
                LAB,
                "upload-software fw-ams-01 11.2.4 yes",
                &id("reader-downloads"),
                &["You (linked as chatops-ro) may not change the software of fw-ams-01 in Panorama: Insufficient admin access rights"],
            )
            .await;
        assert!(
            !text.contains(READER_PASSWORD) && !text.contains("<msg>"),
            "{text}"
        );
        world
            .said(
                on,
                Who::Unlinked,
                LAB,
                "validate-rule-exists fw-lon-01 10.21.10.5 8.8.8.8 udp 53",
                &id("disconnected"),
                &["fw-lon-01 is not connected to Panorama"],
            )
            .await;
    }
}

#[tokio::test]
async fn panorama_down_or_slow_is_said_within_the_timeout() {
    let world = World::start().await;
    world.dr.slow_down("/api/op/show/devices", HELD_BACK);
    for on in PLATFORMS {
        let p = format!("{on:?}").to_lowercase();
        let id = |name: &str| format!("{p}-{name}");
        let limit = Duration::from_secs(SHORT_TIMEOUT) + OVERRUN;

        let started = Instant::now();
        let said = format!("Panorama at {} cannot be reached", world.down);
        world
            .said(on, Who::Unlinked, DOWN, "get-devices", &id("down"), &[&said])
            .await;
        assert!(started.elapsed() < limit, "{:?}", started.elapsed());

        let started = Instant::now();
        let said = format!("Panorama did not answer within {SHORT_TIMEOUT} s");
        world
            .said(on, Who::Unlinked, DR, "get-devices", &id("slow"), &[&said])
            .await;
        assert!(started.elapsed() < limit, "{:?}", started.elapsed());
    }
}

#[tokio::test]
async fn malformed_answers_are_said_and_the_gateway_keeps_serving() {
    let world = World::start().await;
    for on in PLATFORMS {
        let p = format!("{on:?}").to_lowercase();
        let id = |name: &str| format!("{p}-{name}");
        for (n, (garbage, typed)) in [
            (Garbage::Html, "get-devices"),
            (Garbage::TruncatedJson, "get-devicegroups"),
            (Garbage::WrongShape, "get-version"),
        ]
        .into_iter()
        .enumerate()
        {
            world.dr.mend();
            world.dr.garble("/api/op", garbage);
            world
                .said(
                    on,
                    Who::Unlinked,
                    DR,
                    typed,
                    &id(&format!("garbled-{n}")),
                    &["Panorama's answer could not be read"],
                )
                .await;
        }
        world.dr.mend();
        world
            .said(
                on,
                Who::Unlinked,
                DR,
                "get-devices",
                &id("mended"),
                &["fw-ams-01"],
            )
            .await;
    }
}

#[tokio::test]
async fn two_panoramas_serve_side_by_side_as_two_commands() {
    let world = World::start().await;
    for on in PLATFORMS {
        let p = format!("{on:?}").to_lowercase();
        let id = |name: &str| format!("{p}-{name}");
        let before = world.lab.requests().len();
        world
            .said(
                on,
                Who::Unlinked,
                DR,
                "upload-software fw-dc-01b 11.2.4 yes",
                &id("dr-upload"),
                &["Downloading PAN-OS 11.2.4 on fw-dc-01b", "ended: OK"],
            )
            .await;
        assert_eq!(
            world.lab.requests().len(),
            before,
            "the first Panorama is not asked"
        );
        let dr = world
            .dr
            .firewall(chatops_tests::fake_panorama::DC_B_SERIAL)
            .unwrap();
        assert!(dr.software.downloaded.contains(&"11.2.4".to_owned()));
        let lab = world
            .lab
            .firewall(chatops_tests::fake_panorama::DC_B_SERIAL)
            .unwrap();
        assert!(!lab.software.downloaded.contains(&"11.2.4".to_owned()));
    }
}
