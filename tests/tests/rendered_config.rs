//! What `chatops-operator render --reveal-secrets` prints is what a cluster
//! would hold: mounted as kubelet mounts a ConfigMap and a Secret, it is all
//! the gateway's `--config` mode needs, and the gateway then answers exactly as
//! it does when it compiles the same manifests itself (`--manifests`). And
//! `render --reveal-secrets --output-dir OUT` writes that mount itself:
//! `chatops-gateway --config OUT` serves it as it is.

use std::{
    path::{Path, PathBuf},
    process::Command,
    time::Duration,
};

use axum::http::StatusCode;
use chatops_tests::{
    fake_slack::FakeSlack,
    gateway_process::{Gateway, Source, operator_binary},
    kubelet::mount,
    quickstart::{ALICE, BOB, BOT_TOKEN, CHANNEL, FORM, PATIENCE, WORKSPACE},
    quickstart_dir,
    slack_requests::{QUICKSTART_SIGNING_SECRET as SECRET, alice_chatops, mention, now, post_signed},
};
use k8s_openapi::api::core::v1::{ConfigMap, Secret};

fn quickstart() -> PathBuf {
    quickstart_dir()
}

/// Runs the operator binary's `render --reveal-secrets` on the quickstart with
/// `more` arguments, asserts it succeeded with no secret value on stderr, and
/// returns what it printed.
fn render(more: &[&std::ffi::OsStr]) -> Vec<u8> {
    let output = Command::new(operator_binary())
        .args(["render", "--namespace", "chatops", "--manifests"])
        .arg(quickstart())
        .arg("--reveal-secrets")
        .args(more)
        .output()
        .expect("the operator binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "render failed: {stderr}");
    assert!(
        !stderr.contains(SECRET) && !stderr.contains(BOT_TOKEN),
        "no secret value on stderr: {stderr}"
    );
    output.stdout
}

/// [`render`]s the quickstart and parses its two documents.
fn render_quickstart() -> (ConfigMap, Secret) {
    let stdout = render(&["--name".as_ref(), "chatops-gateway".as_ref()]);
    let stdout = String::from_utf8(stdout).expect("render prints UTF-8");
    let documents: Vec<serde_json::Value> = serde_saphyr::from_multiple(&stdout).expect("render prints YAML");
    assert_eq!(documents.len(), 2, "{stdout}");
    let config_map: ConfigMap = serde_json::from_value(documents[0].clone()).expect("a ConfigMap first");
    let secret: Secret = serde_json::from_value(documents[1].clone()).expect("a Secret second");
    assert_eq!(documents[0]["kind"], "ConfigMap");
    assert_eq!(documents[1]["kind"], "Secret");
    (config_map, secret)
}

/// Mounts the pair under `root` as a Deployment mounting the ConfigMap at
/// `root/config` and the Secret at `root/secrets` would see it: one file per
/// key, the Secret's values base64-decoded.
fn mount_pair(root: &Path, config_map: &ConfigMap, secret: &Secret) {
    let config_files: Vec<(String, Vec<u8>)> = config_map
        .data
        .iter()
        .flatten()
        .map(|(key, value)| (key.clone(), value.clone().into_bytes()))
        .chain(
            config_map
                .binary_data
                .iter()
                .flatten()
                .map(|(key, value)| (key.clone(), value.0.clone())),
        )
        .collect();
    // The API server merges stringData into data; a Secret printed for
    // applying must carry its values in data already, as kubelet mounts data.
    assert_eq!(secret.string_data, None, "the revealed Secret has no stringData");
    let secret_files: Vec<(String, Vec<u8>)> = secret
        .data
        .iter()
        .flatten()
        .map(|(key, value)| (key.clone(), value.0.clone()))
        .collect();
    assert!(config_files.iter().any(|(key, _)| key == "config.yaml"));
    assert!(
        secret_files
            .iter()
            .any(|(key, value)| key == "chatplatform.chatops.slack.signing-secret"
                && value == SECRET.as_bytes()),
        "the signing secret is in the Secret, decoded"
    );
    mount(&root.join("config"), &config_files);
    mount(&root.join("secrets"), &secret_files);
}

/// A gateway on the rendered pair (`--config`) and one on the manifests
/// themselves (`--manifests`), each with its own fake Slack API.
struct Pair {
    rendered: (Gateway, FakeSlack),
    manifests: (Gateway, FakeSlack),
    _mount: tempfile::TempDir,
}

async fn start_pair() -> Pair {
    let (config_map, secret) = render_quickstart();
    let mount_root = tempfile::tempdir().expect("a temporary directory");
    mount_pair(mount_root.path(), &config_map, &secret);

    let rendered_slack = FakeSlack::start().await;
    let rendered =
        Gateway::start_from(Source::Config(mount_root.path()), &rendered_slack.api_url(), &[]).await;
    let manifests_slack = FakeSlack::start().await;
    let manifests =
        Gateway::start_from(Source::Manifests(&quickstart()), &manifests_slack.api_url(), &[]).await;
    Pair {
        rendered: (rendered, rendered_slack),
        manifests: (manifests, manifests_slack),
        _mount: mount_root,
    }
}

/// Sends one signed slash command and returns the acknowledgement's status and
/// the answer posted to its response URL.
async fn slash(gateway: &Gateway, fake: &FakeSlack, team: &str, user: &str, text: &str, id: &str) -> String {
    let ack = fake
        .slash(
            &gateway.url("/hooks/slack/commands"),
            team,
            user,
            "/chatops",
            text,
            id,
        )
        .await;
    assert_eq!(ack.status(), StatusCode::OK, "the signed command is acknowledged");
    fake.answer(id).await
}

#[tokio::test]
async fn the_gateway_on_the_rendered_objects_answers_as_on_the_manifests() {
    let pair = start_pair().await;
    let (rendered, rendered_slack) = &pair.rendered;
    let (manifests, manifests_slack) = &pair.manifests;

    // (team, user, text): a linked user, an unlinked one, a sub-command that
    // lists the grants, and a request from a workspace no grant allows.
    let cases = [
        (WORKSPACE, ALICE, "whoami", "alice-whoami"),
        (WORKSPACE, BOB, "whoami", "bob-whoami"),
        (WORKSPACE, ALICE, "access chatops", "alice-access"),
        ("T0OTHERORG1", ALICE, "whoami", "other-org"),
    ];
    for (team, user, text, id) in cases {
        let from_rendered = slash(rendered, rendered_slack, team, user, text, id).await;
        let from_manifests = slash(manifests, manifests_slack, team, user, text, id).await;
        assert_eq!(
            from_rendered, from_manifests,
            "`/chatops {text}` from {user} in {team} is answered alike in both modes"
        );
    }

    // And the answers say what the quickstart's configuration says, so the
    // comparison above is not two equally empty configurations agreeing.
    let alice = slash(
        rendered,
        rendered_slack,
        WORKSPACE,
        ALICE,
        "whoami",
        "alice-again",
    )
    .await;
    for expected in [WORKSPACE, CHANNEL, ALICE, "alice"] {
        assert!(alice.contains(expected), "{expected} missing from {alice}");
    }
    let bob = slash(rendered, rendered_slack, WORKSPACE, BOB, "whoami", "bob-again").await;
    assert!(
        bob.contains("kind: AccountLink"),
        "an unlinked user is shown the YAML to commit: {bob}"
    );
    let denied = slash(
        rendered,
        rendered_slack,
        "T0OTHERORG1",
        ALICE,
        "whoami",
        "denied-again",
    )
    .await;
    assert!(
        denied.contains("organization") && denied.contains("T0OTHERORG1"),
        "the grants apply: {denied}"
    );
}

#[tokio::test]
async fn the_mounted_secret_is_the_one_the_gateway_verifies_and_calls_slack_with() {
    let pair = start_pair().await;
    let (gateway, fake) = &pair.rendered;

    // Signed with anything but the quickstart's signing secret: refused, so
    // the signature check really uses the mounted value.
    let body = alice_chatops("whoami", &fake.response_url("forged"));
    let url = gateway.url("/hooks/slack/commands");
    let forged = post_signed(&url, "not-the-signing-secret", now(), &body, FORM).await;
    assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);

    // A mention is answered through the Web API with the mounted bot token.
    let mention = mention("Ev0RENDERED1", BOB);
    let ack = post_signed(
        &gateway.url("/hooks/slack/events"),
        SECRET,
        now(),
        &mention,
        "application/json",
    )
    .await;
    assert_eq!(ack.status(), StatusCode::OK);
    let posted = fake
        .wait_for(PATIENCE, |r| r.path.starts_with("/api/chat.post"))
        .await
        .expect("the mention is answered through the Web API");
    assert_eq!(posted.headers["authorization"], format!("Bearer {BOT_TOKEN}"));
    assert!(
        fake.requests().iter().all(|r| r.path != "/response/forged"),
        "the forged command ran nothing"
    );
}

#[tokio::test]
async fn the_gateway_serves_what_render_output_dir_writes_as_it_is() {
    let out = tempfile::tempdir().expect("a temporary directory");
    render(&["--output-dir".as_ref(), out.path().as_os_str()]);

    // Exactly what a user runs next; `start_from` waits for /readyz, and
    // panics when the gateway never gets ready on the directory.
    let slack = FakeSlack::start().await;
    let gateway = Gateway::start_from(Source::Config(out.path()), &slack.api_url(), &[]).await;
    let ready = reqwest::get(format!("http://{}/readyz", gateway.admin))
        .await
        .expect("the admin server answers");
    assert_eq!(ready.status(), StatusCode::OK);

    // And it serves the quickstart, with its signing secret and its grants.
    let alice = slash(&gateway, &slack, WORKSPACE, ALICE, "whoami", "output-dir").await;
    for expected in [WORKSPACE, CHANNEL, ALICE, "alice"] {
        assert!(alice.contains(expected), "{expected} missing from {alice}");
    }
}

/// A volume's files: name and content.
type Files = Vec<(String, Vec<u8>)>;

/// The Secret's files with one value replaced, and the ConfigMap's files
/// naming the hash of that new Secret: a rotation as the operator renders it.
fn rotated(config_map: &ConfigMap, secret: &Secret, key: &str, value: &str) -> (Files, Files) {
    use chatops_crds::config::{GatewaySecrets, SecretKey};
    let mut values: std::collections::BTreeMap<String, String> = secret
        .data
        .iter()
        .flatten()
        .map(|(k, v)| (k.clone(), String::from_utf8(v.0.clone()).unwrap()))
        .collect();
    values.insert(key.to_owned(), value.to_owned());
    let hash = GatewaySecrets(
        values
            .iter()
            .map(|(k, v)| (SecretKey(k.clone()), v.clone()))
            .collect(),
    )
    .content_hash();
    let config_files = config_map
        .data
        .iter()
        .flatten()
        .map(|(k, v)| {
            let v = if k == "secret-hash" {
                hash.clone()
            } else {
                v.clone()
            };
            (k.clone(), v.into_bytes())
        })
        .collect();
    let secret_files = values.into_iter().map(|(k, v)| (k, v.into_bytes())).collect();
    (config_files, secret_files)
}

const SECRET_WAIT: &str =
    "waiting for the Secret to match the configuration; the last good one keeps serving";

#[tokio::test]
async fn an_ordinary_rotation_is_waited_for_quietly_and_only_a_long_wait_warns() {
    use chatops_tests::kubelet::update;
    let (config_map, secret) = render_quickstart();
    let root = tempfile::tempdir().expect("a temporary directory");
    mount_pair(root.path(), &config_map, &secret);
    let slack = FakeSlack::start().await;
    let gateway = Gateway::start_from(
        Source::Config(root.path()),
        &slack.api_url(),
        &["--secret-wait-grace-seconds", "2"],
    )
    .await;
    gateway.wait_for_log_lines("configuration loaded", 1).await;

    // kubelet updates the two volumes one after the other: the ConfigMap
    // names a Secret that lands a moment later.
    let key = "chatplatform.chatops.slack.bot-token";
    let (config_files, secret_files) = rotated(&config_map, &secret, key, "xoxb-rotated-1");
    update(&root.path().join("config"), &config_files);
    // Behaviour, not a wait: the Secret lands a moment after the ConfigMap.
    tokio::time::sleep(Duration::from_millis(400)).await;
    update(&root.path().join("secrets"), &secret_files);
    gateway.wait_for_log_lines("configuration loaded", 2).await;
    // A negative check over the grace period: no warning may come, and
    // nothing signals that none will.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(
        gateway.log_lines(SECRET_WAIT).is_empty() && gateway.log_lines("configuration recovered").is_empty(),
        "an ordinary rotation is not a warning: {}",
        gateway.logs()
    );

    // A Secret that never comes: warned about once the grace is over, with
    // no other change to wake the gateway.
    let (config_files, _) = rotated(&config_map, &secret, key, "xoxb-never-mounted");
    update(&root.path().join("config"), &config_files);
    let warned = gateway.wait_for_log_lines(SECRET_WAIT, 1).await;
    assert_eq!(warned[0]["level"], "WARN", "{}", warned[0]);
    let error = warned[0]["error"].as_str().unwrap_or_default().to_owned();
    assert!(!error.contains("xoxb"), "hashes only, never a value: {error}");
    // A negative check: no second warning, and nothing signals that none will come.
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(gateway.log_lines(SECRET_WAIT).len(), 1, "warned once");
}
