//! The operator's rendered ConfigMap and Secret, mounted as kubelet mounts
//! them, are what the gateway's `--config` mode loads; a broken change never
//! replaces the configuration being served; and the running gateway reloads
//! on a change of content, never on its own (or anyone's) reads.

use std::{
    fs,
    path::Path,
    time::{Duration, Instant},
};

use chatops_crds::manifests::{self, Loaded};
use chatops_gateway::config::{ConfigSource, LoadError, Reload, Reloader};
use chatops_operator::render::{Target, render};
use chatops_tests::{
    copy_quickstart,
    gateway_process::{Gateway, Source},
    kubelet::{mount, update},
    load_quickstart,
    quickstart::NO_SLACK,
};

/// The rendered ConfigMap's and Secret's files, as kubelet writes them.
type Files = (Vec<(String, Vec<u8>)>, Vec<(String, Vec<u8>)>);

fn rendered_files(loaded: Loaded) -> Files {
    let compiled = loaded.compile();
    let target = Target {
        namespace: "chatops".into(),
        name: "chatops-gateway".into(),
    };
    let rendered = render(&compiled, &target).unwrap();
    let config_files = rendered
        .config_map
        .data
        .unwrap()
        .into_iter()
        .map(|(k, v)| (k, v.into_bytes()))
        .collect();
    let secret_files = rendered
        .secret
        .data
        .unwrap()
        .into_iter()
        .map(|(k, v)| (k, v.0))
        .collect();
    (config_files, secret_files)
}

fn mount_rendered(root: &Path, secret_override: Option<(&str, &str)>) {
    let (config_files, mut secret_files) = rendered_files(load_quickstart());
    if let Some((key, value)) = secret_override {
        secret_files
            .iter_mut()
            .filter(|(k, _)| k == key)
            .for_each(|(_, v)| *v = value.as_bytes().to_vec());
    }
    mount(&root.join("config"), &config_files);
    mount(&root.join("secrets"), &secret_files);
}

#[test]
fn the_rendered_mount_loads_to_the_compiled_configuration() {
    let root = tempfile::tempdir().unwrap();
    mount_rendered(root.path(), None);
    let loaded = ConfigSource::Rendered {
        dir: root.path().to_owned(),
    }
    .load()
    .unwrap();
    let compiled = load_quickstart().compile();
    assert_eq!(loaded.config, compiled.config);
    assert_eq!(loaded.secrets, compiled.secrets);
}

#[test]
fn a_secret_that_has_not_caught_up_is_not_loaded() {
    let root = tempfile::tempdir().unwrap();
    mount_rendered(
        root.path(),
        Some(("chatplatform.chatops.slack.bot-token", "xoxb-an-older-token")),
    );
    let err = ConfigSource::Rendered {
        dir: root.path().to_owned(),
    }
    .load()
    .unwrap_err();
    assert!(matches!(err, LoadError::SecretOutOfDate { .. }), "{err}");
    assert!(!err.to_string().contains("xoxb"), "no secret in the error: {err}");
}

#[test]
fn a_broken_change_keeps_the_last_good_configuration_serving() {
    let dir = copy_quickstart();
    let source = ConfigSource::Manifests {
        dir: dir.path().to_owned(),
        namespace: "chatops".into(),
    };
    let reloader = Reloader::new(source, |loaded| loaded.config);
    assert_eq!(
        reloader.reload().unwrap(),
        Reload::Loaded { swapped: true },
        "the first load swaps in"
    );
    assert_eq!(
        reloader.reload().unwrap(),
        Reload::Unchanged,
        "an unchanged directory is not read again"
    );
    let good = reloader.current().unwrap();

    fs::write(dir.path().join("grants.yaml"), "kind: [this is not yaml\n").unwrap();
    assert!(reloader.reload().is_err());
    assert_eq!(
        reloader.reload().unwrap(),
        Reload::Unchanged,
        "a broken content is not read again until it changes"
    );
    assert_eq!(
        *reloader.current().unwrap(),
        *good,
        "the last good configuration still serves"
    );

    // A schema-invalid resource is left out alone: the rest reloads.
    fs::write(
        dir.path().join("grants.yaml"),
        "apiVersion: chatops.dev/v1alpha1\nkind: AccessGrant\nmetadata: {name: bad}\nspec: {command: '*', grantType: team, name: x, value: '*'}\n",
    )
    .unwrap();
    assert_eq!(reloader.reload().unwrap(), Reload::Loaded { swapped: true });
    let now = reloader.current().unwrap();
    assert!(now.grants.is_empty());
    assert_eq!(now.platforms.len(), 1);
}

/// Where the gateway sends Slack API calls: nothing listens there, and nothing
/// in these tests makes it call.
const RELOADS: &str = "chatops_gateway_config_reloads_total";
const FAILURES: &str = "chatops_gateway_config_reload_failures_total";

/// Reads every file below `dir` (following kubelet's symlinks), as `cat`, a
/// backup or the gateway's own checks do.
fn read_everything(dir: &Path) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            read_everything(&path);
        } else {
            let _ = fs::read(&path).unwrap();
        }
    }
}

/// Reads every file of `dir` a few times over a second and a half, then
/// asserts that the gateway read its configuration no more than `reloads` times.
async fn reads_reload_nothing(gateway: &Gateway, dir: &Path, reloads: f64) {
    for _ in 0..5 {
        read_everything(dir);
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    assert_eq!(
        gateway.metric(RELOADS).await,
        reloads,
        "reading the files reloaded the configuration"
    );
}

/// Waits until the gateway has read its configuration `reloads` times, and
/// returns how long that took.
async fn reloaded(gateway: &Gateway, reloads: f64) -> Duration {
    let start = Instant::now();
    while gateway.metric(RELOADS).await < reloads {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no reload:\n{}",
            gateway.logs()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    start.elapsed()
}

const ANOTHER_GRANT: &str = "\n---\napiVersion: chatops.dev/v1alpha1\nkind: AccessGrant\nmetadata: {name: one-more, namespace: chatops}\nspec: {command: chatops, subcommand: '*', grantType: user, name: carol, value: U0CAROL0001}\n";

/// Appends [`ANOTHER_GRANT`] to the grants of the manifests in `dir`.
fn add_a_grant(dir: &Path) {
    let grants = dir.join("grants.yaml");
    let mut text = fs::read_to_string(&grants).unwrap();
    text.push_str(ANOTHER_GRANT);
    fs::write(&grants, text).unwrap();
}

/// Asserts that `gateway`, loaded once, loads its changed configuration
/// (a second time) within a second.
async fn reloaded_within_a_second(gateway: &Gateway) {
    let took = reloaded(gateway, 2.0).await;
    assert!(took < Duration::from_secs(1), "a change reloaded after {took:?}");
    assert_eq!(
        gateway.log_lines("configuration loaded").len(),
        2,
        "{}",
        gateway.logs()
    );
}

#[tokio::test]
async fn reading_the_manifests_reloads_nothing_and_a_change_reloads_within_a_second() {
    let dir = copy_quickstart();
    let gateway = Gateway::start(dir.path(), NO_SLACK, &[]).await;
    assert_eq!(gateway.metric(RELOADS).await, 1.0, "the first load");
    reads_reload_nothing(&gateway, dir.path(), 1.0).await;

    add_a_grant(dir.path());
    reloaded_within_a_second(&gateway).await;

    reads_reload_nothing(&gateway, dir.path(), 2.0).await;
}

#[tokio::test]
async fn reading_the_mounted_config_reloads_nothing_and_a_kubelet_swap_reloads_within_a_second() {
    let root = tempfile::tempdir().unwrap();
    mount_rendered(root.path(), None);
    let gateway = Gateway::start_from(Source::Config(root.path()), NO_SLACK, &[]).await;
    assert_eq!(gateway.metric(RELOADS).await, 1.0, "the first load");
    reads_reload_nothing(&gateway, root.path(), 1.0).await;

    // kubelet re-mounts the same content (its periodic sync): nothing to reload.
    let (config_files, _) = rendered_files(load_quickstart());
    update(&root.path().join("config"), &config_files);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        gateway.metric(RELOADS).await,
        1.0,
        "the same content, swapped in again"
    );

    // A grant more: only the ConfigMap changes (the Secret's hash stays).
    let dir = copy_quickstart();
    add_a_grant(dir.path());
    let (config_files, _) = rendered_files(manifests::load_dir(dir.path(), "default").unwrap());
    update(&root.path().join("config"), &config_files);
    reloaded_within_a_second(&gateway).await;
    assert_eq!(gateway.metric(FAILURES).await, 0.0);
}

#[tokio::test]
async fn a_broken_file_is_logged_once_while_it_lasts_and_its_repair_once() {
    let dir = copy_quickstart();
    // A periodic check every second: it must not log the error again either.
    let gateway = Gateway::start(dir.path(), NO_SLACK, &["--reload-interval-seconds", "1"]).await;
    let grants = dir.path().join("grants.yaml");
    let good = fs::read_to_string(&grants).unwrap();
    fs::write(&grants, "kind: [this is not yaml\n").unwrap();
    reloaded(&gateway, 2.0).await;
    // Three periodic checks, and reads.
    reads_reload_nothing(&gateway, dir.path(), 2.0).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let errors = gateway.log_lines("configuration not reloaded; the last good one keeps serving");
    assert_eq!(errors.len(), 1, "{}", gateway.logs());
    assert!(
        errors[0]["error"].as_str().unwrap().contains("grants.yaml"),
        "{errors:?}"
    );
    assert_eq!(gateway.metric(FAILURES).await, 1.0);

    fs::write(&grants, good).unwrap();
    reloaded(&gateway, 3.0).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        gateway.log_lines("configuration recovered").len(),
        1,
        "{}",
        gateway.logs()
    );
    assert_eq!(
        gateway.log_lines("configuration loaded").len(),
        1,
        "the repaired content compiles to the configuration serving: nothing to swap"
    );
}
