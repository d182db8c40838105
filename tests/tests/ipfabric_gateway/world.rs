//! What every test of the `ipfabric` integration end to end shares: the
//! Integrations and who acts as whom ([`manifests`]), the [`World`] of the
//! gateway and its fakes, and how an answer is read against the fake's rows.

/// What the tests use, for them to take in one `use super::world::*`.
pub use std::time::{Duration, Instant};

pub use chatops_tests::{
    chat::{Chat, HELD_BACK, OVERRUN, On, PLATFORMS, SHORT_TIMEOUT, Step, Who, assert_row, row},
    endpoints,
    fake_api::Recorded,
    fake_ipfabric::{
        self, ADMIN_TOKEN, FakeIpFabric, Garbage, LAST_SNAPSHOT, LOCKED_SNAPSHOT, PREV_SNAPSHOT,
        READ_ONLY_TOKEN, UNLOADED_SNAPSHOT,
    },
    fake_nautobot_jobs::{self, FakeNautobotJobs, IPFABRIC_JOB_ID, JOB_RESULT_ID, NautobotJobs},
    manifests::{grant_subcommand_to_everyone, grant_to_everyone, integration, secret, stream, token_ref},
    quickstart::DEFAULT_SETTINGS,
};
pub use serde_json::{Value, json};

/// The Integration on the well-behaved fake IP Fabric (`timeoutSeconds:
/// 30`, no default snapshot: `$last`), syncing into [`NAUTOBOT`].
pub const IPF: &str = "ipfabric";
/// A second Integration, on a second fake IP Fabric whose knobs the tests
/// turn (`timeoutSeconds: 2`), reading `$prev` by default, with no Nautobot.
pub const LAB: &str = "ipflab";
/// An Integration on the first fake with a token IP Fabric does not know.
pub const BAD_TOKEN: &str = "ipfbadtoken";
/// An Integration whose endpoint nothing listens on (`timeoutSeconds: 2`).
pub const DOWN: &str = "ipfdown";
/// An Integration on the first fake syncing into [`BARE_NAUTOBOT`].
pub const NO_JOB: &str = "ipfnojob";
/// An Integration on the first fake of which every user may run only
/// `set-snapshot` and `get-inventory` ([`NARROW_GRANTED`]).
pub const NARROW: &str = "ipfnarrow";
/// The sub-commands of [`NARROW`] granted to everyone.
pub const NARROW_GRANTED: [&str; 2] = ["set-snapshot", "get-inventory"];
/// The nautobot Integration on the fake Nautobot with nautobot-ssot's IP Fabric job.
pub const NAUTOBOT: &str = "ipfnautobot";
/// The nautobot Integration on a fake Nautobot without nautobot-ssot.
pub const BARE_NAUTOBOT: &str = "ipfbarenautobot";

/// A token neither fake knows.
pub const UNKNOWN_TOKEN: &str = "ipf0revoked00000000000000000000000000000";

/// The path of IP Fabric's device inventory.
pub const DEVICES: &str = "tables/inventory/devices";

/// The gateway and its fake chat platforms, and the fakes behind it.
pub struct World {
    chat: Chat,
    /// Behind [`IPF`], [`BAD_TOKEN`] and [`NO_JOB`].
    pub ipf: FakeIpFabric,
    /// Behind [`LAB`]: the one whose knobs are turned.
    pub lab: FakeIpFabric,
    /// Behind [`NAUTOBOT`].
    pub nautobot: FakeNautobotJobs,
    /// Behind [`BARE_NAUTOBOT`].
    pub bare: FakeNautobotJobs,
    /// The endpoint of [`DOWN`], where nothing listens.
    pub down: String,
}

impl World {
    pub async fn start() -> World {
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
    pub fn assert_no_token_told(&self, on: On) {
        let log = self.gateway.logs();
        let tokens = [
            ADMIN_TOKEN,
            READ_ONLY_TOKEN,
            UNKNOWN_TOKEN,
            fake_nautobot_jobs::TOKEN,
            fake_nautobot_jobs::VIEWER_TOKEN,
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
    pub async fn uploaded_png(&self, step: &Step) -> (String, Vec<u8>) {
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
pub const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";

/// What the chat driver does: asks, answers, menus, forms, as a [`Who`].
impl std::ops::Deref for World {
    type Target = Chat;

    fn deref(&self) -> &Chat {
        &self.chat
    }
}

/// The fakes the manifests point at.
pub struct Backends<'a> {
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
/// [`LAB`], one IP Fabric does not know for [`BAD_TOKEN`], and a Nautobot
/// token that may view jobs but not run them for [`NAUTOBOT`]); and grants
/// letting every user run every sub-command of the ipfabric ones but
/// [`NARROW`], and only [`NARROW_GRANTED`] of that one (IP Fabric's roles
/// decide the rest).
pub fn manifests(at: &Backends<'_>) -> String {
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
        integration("ipfabric", NARROW, &at.ipf.url(), &token("admin"), 30),
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
        secret(
            "ipfnautobot",
            &[
                ("token", fake_nautobot_jobs::TOKEN),
                ("viewer", fake_nautobot_jobs::VIEWER_TOKEN),
            ],
        ),
    ];
    documents.extend(Who::operator_links(&[
        (IPF, "ipfabric", "readonly"),
        (LAB, "ipfabric", "readonly"),
        (BAD_TOKEN, "ipfabric", "unknown"),
        (NAUTOBOT, "ipfnautobot", "viewer"),
    ]));
    documents.extend([IPF, LAB, BAD_TOKEN, DOWN, NO_JOB].map(grant_to_everyone));
    documents.extend(NARROW_GRANTED.map(|sub| grant_subcommand_to_everyone(NARROW, sub)));
    stream(&documents)
}

/// A cell as the gateway shows a value: text as it is, whole numbers as
/// they are, fractions to four decimals at most (`0.0035`, `12.5`, `0`),
/// nothing as `—`.
pub fn cell(value: &Value) -> String {
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
pub fn cells(row: &Value, fields: &[&str]) -> Vec<String> {
    fields.iter().map(|f| cell(&row[*f])).collect()
}

/// Asserts a table row of `text` holds the cells of `row`'s `fields`.
#[track_caller]
pub fn assert_fields(text: &str, row: &Value, fields: &[&str]) {
    let cells = cells(row, fields);
    let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
    assert_row(text, &cells);
}

/// The fake's rows of `table` in `snapshot` whose `field` is `value`.
pub fn rows_where(table: &str, snapshot: &str, field: &str, value: &str) -> Vec<Value> {
    fake_ipfabric::rows_in(table, snapshot)
        .into_iter()
        .filter(|r| r[field] == value)
        .collect()
}

/// The hostnames of `rows`.
pub fn hostnames(rows: &[Value]) -> Vec<String> {
    rows.iter().map(|r| cell(&r["hostname"])).collect()
}

/// The last request `fake` got whose path ends with `path` (`/api/graphs/png`).
pub fn last_to(fake: &FakeIpFabric, path: &str) -> Recorded {
    fake.requests()
        .into_iter()
        .rfind(|r| r.path.ends_with(path))
        .unwrap_or_else(|| panic!("{path} was asked"))
}

/// The snapshot the last query of `table` read.
pub fn last_snapshot_read(fake: &FakeIpFabric, table: &str) -> String {
    let queries = fake.table_queries(table);
    let last = queries.last().unwrap_or_else(|| panic!("{table} was read"));
    cell(&last["snapshot"])
}
