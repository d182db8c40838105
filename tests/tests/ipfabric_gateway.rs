//! The `ipfabric` integration end to end: the real gateway binary, compiled
//! from resource manifests in standalone mode, answering Slack and
//! Mattermost slash commands against the fake IP Fabric of the test kit
//! (`FakeIpFabric`) and, for `ssot-sync-to-nautobot`, a fake Nautobot's jobs
//! API (`FakeNautobotJobs`). Every sub-command is checked for what IP Fabric
//! holds; then the menus, and the snapshot chosen with `set-snapshot`
//! carried through a menu's signed continuation into what is read next; the
//! confirmation of a sync; IP Fabric's own refusals (a read-only role, a
//! token it does not know); IP Fabric down, slow and answering garbage; and
//! two `ipfabric` Integrations with different default snapshots side by side.
//!
//! The fake's network changes between snapshots: `lon-ap-02` is only in
//! `$last`, `sin-sw-01` is in `$last` and `$prev` but not in the locked
//! baseline; the answers are checked against the fake's own rows
//! ([`fake_ipfabric::rows_in`]) of the snapshot each one should have read.
//!
//! Who acts as whom (see [`manifests`]): an unlinked chat user acts as the
//! platform's fallback user `chatbot` with the Integration's token (the
//! fake's admin token); the operator is linked, on each platform, to a token
//! of their own, the fake's read-only one, which IP Fabric refuses the end
//! hosts and wireless clients, so that IP Fabric, not the gateway, refuses
//! them those.

use std::time::{Duration, Instant};

use chatops_tests::{
    chat::{Chat, HELD_BACK, OVERRUN, On, PLATFORMS, SHORT_TIMEOUT, Step, Who, assert_row, row},
    endpoints,
    fake_api::Recorded,
    fake_ipfabric::{
        self, ADMIN_TOKEN, FakeIpFabric, Garbage, LAST_SNAPSHOT, LOCKED_SNAPSHOT, PREV_SNAPSHOT,
        READ_ONLY_TOKEN, UNLOADED_SNAPSHOT,
    },
    fake_nautobot_jobs::{self, FakeNautobotJobs, IPFABRIC_JOB_ID, JOB_RESULT_ID, NautobotJobs},
    manifests::{grant_to_everyone, integration, secret, stream, token_ref},
    quickstart::DEFAULT_SETTINGS,
};
use serde_json::{Value, json};

/// The Integration on the well-behaved fake IP Fabric (`timeoutSeconds:
/// 30`, no default snapshot: `$last`), syncing into [`NAUTOBOT`].
const IPF: &str = "ipfabric";
/// A second Integration, on a second fake IP Fabric whose knobs the tests
/// turn (`timeoutSeconds: 2`), reading `$prev` by default, with no Nautobot.
const LAB: &str = "ipflab";
/// An Integration on the first fake with a token IP Fabric does not know.
const BAD_TOKEN: &str = "ipfbadtoken";
/// An Integration whose endpoint nothing listens on (`timeoutSeconds: 2`).
const DOWN: &str = "ipfdown";
/// An Integration on the first fake syncing into [`BARE_NAUTOBOT`].
const NO_JOB: &str = "ipfnojob";
/// The nautobot Integration on the fake Nautobot with nautobot-ssot's IP Fabric job.
const NAUTOBOT: &str = "ipfnautobot";
/// The nautobot Integration on a fake Nautobot without nautobot-ssot.
const BARE_NAUTOBOT: &str = "ipfbarenautobot";

/// A token neither fake knows.
const UNKNOWN_TOKEN: &str = "ipf0revoked00000000000000000000000000000";

/// The path of IP Fabric's device inventory.
const DEVICES: &str = "tables/inventory/devices";

/// The gateway and its fake chat platforms, and the fakes behind it.
struct World {
    chat: Chat,
    /// Behind [`IPF`], [`BAD_TOKEN`] and [`NO_JOB`].
    ipf: FakeIpFabric,
    /// Behind [`LAB`]: the one whose knobs are turned.
    lab: FakeIpFabric,
    /// Behind [`NAUTOBOT`].
    nautobot: FakeNautobotJobs,
    /// Behind [`BARE_NAUTOBOT`].
    bare: FakeNautobotJobs,
    /// The endpoint of [`DOWN`], where nothing listens.
    down: String,
}

impl World {
    async fn start() -> World {
        let ipf = FakeIpFabric::start().await;
        let lab = FakeIpFabric::start().await;
        let nautobot = FakeNautobotJobs::serve(NautobotJobs::with_ipfabric_job()).await;
        let bare = FakeNautobotJobs::serve(NautobotJobs::without_ipfabric_job()).await;
        let down = endpoints::unreachable();
        let world = Backends {
            ipf: &ipf,
            lab: &lab,
            nautobot: &nautobot,
            bare: &bare,
            down: &down,
        };
        let yaml = manifests(&world);
        let chat = Chat::start(DEFAULT_SETTINGS, &[("ipfabric.yaml", &yaml)]).await;
        World {
            chat,
            ipf,
            lab,
            nautobot,
            bare,
            down,
        }
    }

    /// Asserts that no token reached the chat on `on` or the gateway's log.
    fn assert_no_token_told(&self, on: On) {
        let log = self.gateway.logs();
        let tokens = [
            ADMIN_TOKEN,
            READ_ONLY_TOKEN,
            UNKNOWN_TOKEN,
            fake_nautobot_jobs::TOKEN,
        ];
        for token in tokens {
            assert!(!log.contains(token), "a token reached the gateway's log");
            for request in self.requests(on) {
                let text = request.text();
                assert!(!text.contains(token), "a token reached {on:?}: {text}");
            }
        }
    }

    /// The file the gateway uploaded in answer to `step`: its name and its
    /// PNG bytes (Slack's upload reserved by name then sent to the upload
    /// URL, Mattermost's multipart file).
    async fn uploaded_png(&self, step: &Step) -> (String, Vec<u8>) {
        let upload = |r: &Recorded| match step.on {
            On::Slack => r.path.starts_with("/upload/"),
            On::Mattermost => r.path == "/api/v4/files",
        };
        let found = chatops_tests::wait::within(Duration::from_secs(30), || {
            self.since(step).into_iter().find(|r| upload(r))
        })
        .await
        .unwrap_or_else(|| panic!("no file uploaded for {}: {}", step.id, self.text_since(step)));
        let body = found.body.to_vec();
        let at = body
            .windows(PNG.len())
            .position(|w| w == PNG)
            .unwrap_or_else(|| panic!("no PNG in the upload of {}", step.id));
        match step.on {
            On::Slack => {
                let reserved = self
                    .since(step)
                    .into_iter()
                    .find(|r| r.path == "/api/files.getUploadURLExternal")
                    .expect("the upload reserved");
                let name = reserved
                    .form()
                    .into_iter()
                    .find(|(key, _)| key == "filename")
                    .map(|(_, name)| name)
                    .expect("a file name");
                (name, body)
            }
            On::Mattermost => {
                let head = String::from_utf8_lossy(&body[..at]).into_owned();
                let name = head
                    .split("filename=\"")
                    .nth(1)
                    .and_then(|rest| rest.split('"').next())
                    .expect("a file name")
                    .to_owned();
                // The multipart body ends with its closing boundary line.
                let end = body[at..]
                    .windows(4)
                    .rposition(|w| w == b"\r\n--")
                    .expect("the closing boundary");
                (name, body[at..at + end].to_vec())
            }
        }
    }
}

/// What every PNG starts with.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";

/// What the chat driver does: asks, answers, menus, forms, as a [`Who`].
impl std::ops::Deref for World {
    type Target = Chat;

    fn deref(&self) -> &Chat {
        &self.chat
    }
}

/// The fakes the manifests point at.
struct Backends<'a> {
    ipf: &'a FakeIpFabric,
    lab: &'a FakeIpFabric,
    nautobot: &'a FakeNautobotJobs,
    bare: &'a FakeNautobotJobs,
    down: &'a str,
}

/// The Integrations beside the quickstart and the Mattermost platform:
/// [`IPF`], [`BAD_TOKEN`] and [`NO_JOB`] on `ipf`, [`LAB`] on `lab`
/// (`spec.ipfabric.snapshot: $prev`), [`DOWN`] where nothing listens, the
/// two nautobot Integrations the syncs run on; their Secrets; the operator's
/// AccountLinks on both platforms (the read-only token for [`IPF`] and
/// [`LAB`], one IP Fabric does not know for [`BAD_TOKEN`]); and grants
/// letting every user run every sub-command of the ipfabric ones (IP
/// Fabric's roles decide the rest).
fn manifests(at: &Backends<'_>) -> String {
    let token = |key: &str| token_ref("ipfabric", key);
    let nautobot = token_ref("ipfnautobot", "token");
    let with = |integration: String, settings: &str| format!("{integration}  ipfabric: {settings}\n");
    let mut documents = vec![
        with(
            integration("ipfabric", IPF, &at.ipf.url(), &token("admin"), 30),
            &format!("{{nautobot: {NAUTOBOT}}}"),
        ),
        with(
            integration("ipfabric", LAB, &at.lab.url(), &token("admin"), SHORT_TIMEOUT),
            "{snapshot: $prev}",
        ),
        integration("ipfabric", BAD_TOKEN, &at.ipf.url(), &token("unknown"), 30),
        integration("ipfabric", DOWN, at.down, &token("admin"), SHORT_TIMEOUT),
        with(
            integration("ipfabric", NO_JOB, &at.ipf.url(), &token("admin"), 30),
            &format!("{{nautobot: {BARE_NAUTOBOT}}}"),
        ),
        integration("nautobot", NAUTOBOT, &at.nautobot.url(), &nautobot, 30),
        integration("nautobot", BARE_NAUTOBOT, &at.bare.url(), &nautobot, 30),
        secret(
            "ipfabric",
            &[
                ("admin", ADMIN_TOKEN),
                ("readonly", READ_ONLY_TOKEN),
                ("unknown", UNKNOWN_TOKEN),
            ],
        ),
        secret("ipfnautobot", &[("token", fake_nautobot_jobs::TOKEN)]),
    ];
    documents.extend(Who::operator_links(&[
        (IPF, "ipfabric", "readonly"),
        (LAB, "ipfabric", "readonly"),
        (BAD_TOKEN, "ipfabric", "unknown"),
    ]));
    documents.extend([IPF, LAB, BAD_TOKEN, DOWN, NO_JOB].map(grant_to_everyone));
    stream(&documents)
}

/// A cell as the gateway shows a value: text as it is, whole numbers as
/// they are, fractions to four decimals at most (`0.0035`, `12.5`, `0`),
/// nothing as `—`.
fn cell(value: &Value) -> String {
    match value {
        Value::Number(number) if number.is_f64() => {
            let text = format!("{:.4}", number.as_f64().unwrap_or_default());
            text.trim_end_matches('0').trim_end_matches('.').to_owned()
        }
        Value::Null => "—".to_owned(),
        Value::String(text) if text.is_empty() => "—".to_owned(),
        Value::String(text) => text.clone(),
        Value::Bool(flag) => if *flag { "yes" } else { "no" }.to_owned(),
        other => other.to_string(),
    }
}

/// The cells of `row`'s `fields`.
fn cells(row: &Value, fields: &[&str]) -> Vec<String> {
    fields.iter().map(|f| cell(&row[*f])).collect()
}

/// Asserts a table row of `text` holds the cells of `row`'s `fields`.
#[track_caller]
fn assert_fields(text: &str, row: &Value, fields: &[&str]) {
    let cells = cells(row, fields);
    let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
    assert_row(text, &cells);
}

/// The fake's rows of `table` in `snapshot` whose `field` is `value`.
fn rows_where(table: &str, snapshot: &str, field: &str, value: &str) -> Vec<Value> {
    fake_ipfabric::rows_in(table, snapshot)
        .into_iter()
        .filter(|r| r[field] == value)
        .collect()
}

/// The hostnames of `rows`.
fn hostnames(rows: &[Value]) -> Vec<String> {
    rows.iter().map(|r| cell(&r["hostname"])).collect()
}

/// The last request `fake` got whose path ends with `path` (`/api/graphs/png`).
fn last_to(fake: &FakeIpFabric, path: &str) -> Recorded {
    fake.requests()
        .into_iter()
        .rfind(|r| r.path.ends_with(path))
        .unwrap_or_else(|| panic!("{path} was asked"))
}

/// The snapshot the last query of `table` read.
fn last_snapshot_read(fake: &FakeIpFabric, table: &str) -> String {
    let queries = fake.table_queries(table);
    let last = queries.last().unwrap_or_else(|| panic!("{table} was read"));
    cell(&last["snapshot"])
}

#[tokio::test]
async fn every_sub_command_answers_with_what_ip_fabric_holds() {
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
                json!({"dry_run": true, "safe_delete_mode": false, "sync_ipfabric_tagged_only": false,
                       "snapshot": LAST_SNAPSHOT})
            )
        );
        world.assert_no_token_told(on);
    }
}

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
            json!({"dry_run": false, "safe_delete_mode": true, "sync_ipfabric_tagged_only": false,
                   "snapshot": LAST_SNAPSHOT})
        );

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
            json!({"dry_run": false, "safe_delete_mode": false, "sync_ipfabric_tagged_only": true,
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
        world.assert_no_token_told(on);
    }
}

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
