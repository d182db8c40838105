//! The operator's rendered ConfigMap and Secret, mounted as kubelet mounts
//! them, are what the gateway's `--config` mode loads; and a broken change
//! never replaces the configuration being served.

use std::{fs, path::Path};

use chatops_gateway::config::{ConfigSource, LoadError, Reloader};
use chatops_operator::render::{Target, render};
use chatops_tests::{copy_quickstart, kubelet::mount, load_quickstart};

fn mount_rendered(root: &Path, secret_override: Option<(&str, &str)>) {
    let compiled = load_quickstart().compile();
    let target = Target {
        namespace: "chatops".into(),
        name: "chatops-gateway".into(),
    };
    let rendered = render(&compiled, &target).unwrap();
    let config_files: Vec<(String, Vec<u8>)> = rendered
        .config_map
        .data
        .unwrap()
        .into_iter()
        .map(|(k, v)| (k, v.into_bytes()))
        .collect();
    let mut secret_files: Vec<(String, Vec<u8>)> = rendered
        .secret
        .data
        .unwrap()
        .into_iter()
        .map(|(k, v)| (k, v.0))
        .collect();
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
    assert!(reloader.reload().unwrap(), "the first load swaps in");
    assert!(
        !reloader.reload().unwrap(),
        "an unchanged directory is not rebuilt"
    );
    let good = reloader.current().unwrap();

    fs::write(dir.path().join("grants.yaml"), "kind: [this is not yaml\n").unwrap();
    assert!(reloader.reload().is_err());
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
    assert!(reloader.reload().unwrap());
    let now = reloader.current().unwrap();
    assert!(now.grants.is_empty());
    assert_eq!(now.platforms.len(), 1);
}
