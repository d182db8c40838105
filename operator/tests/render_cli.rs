//! The `chatops-operator render` command, run as a user runs it.

use std::{
    collections::BTreeMap,
    os::unix::fs::PermissionsExt,
    path::{Path, PathBuf},
    process::Command,
};

use k8s_openapi::api::core::v1::{ConfigMap, Secret};

fn render(dir: &Path) -> (i32, String, String) {
    render_with(dir, &[])
}

/// Runs `render` on `dir` with `extra` arguments: exit code, stdout, stderr.
fn render_with(dir: &Path, extra: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_chatops-operator"))
        .args(["render", "--namespace", "chatops", "--manifests"])
        .arg(dir)
        .args(extra)
        .output()
        .expect("the binary runs");
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).unwrap();
    (
        output.status.code().unwrap_or(-1),
        text(output.stdout),
        text(output.stderr),
    )
}

fn quickstart() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/quickstart")
}

#[test]
fn render_prints_the_config_map_and_a_redacted_secret() {
    let (code, stdout, stderr) = render(&quickstart());
    assert_eq!(code, 0, "{stderr}");
    let documents: Vec<serde_json::Value> = serde_saphyr::from_multiple(&stdout).unwrap();
    assert_eq!(documents.len(), 2);
    assert_eq!(documents[0]["kind"], "ConfigMap");
    assert_eq!(documents[0]["metadata"]["name"], "chatops-gateway");
    assert_eq!(documents[0]["metadata"]["namespace"], "chatops");
    let config = documents[0]["data"]["config.yaml"].as_str().unwrap();
    assert!(
        config.contains("chatplatform.chatops.slack.signing-secret"),
        "{config}"
    );
    assert_eq!(documents[1]["kind"], "Secret");
    assert!(stderr.contains("8 resources ready, 0 not ready"), "{stderr}");

    // No secret value of the quickstart reaches stdout or stderr.
    for value in quickstart_secret_values().values() {
        assert!(
            !stdout.contains(value.as_str()) && !stderr.contains(value.as_str()),
            "{value} printed"
        );
    }
    // Nor their base64 form, which is how a Secret's data would carry them.
    let shown: Secret = serde_json::from_value(documents[1].clone()).unwrap();
    assert!(shown.data.is_none(), "{stdout}");
}

/// The values in the quickstart's Secrets, by the key the rendered Secret
/// stores them under.
fn quickstart_secret_values() -> BTreeMap<&'static str, String> {
    let text = std::fs::read_to_string(quickstart().join("secrets.yaml")).unwrap();
    let values = BTreeMap::from([
        (
            "chatplatform.chatops.slack.signing-secret",
            "quickstart-signing-secret-not-for-production",
        ),
        (
            "chatplatform.chatops.slack.bot-token",
            "xoxb-0000000000-0000000000000-quickstartnotarealtoken",
        ),
        (
            "integration.chatops.nautobot.token",
            "0123456789abcdef0123456789abcdef01234567",
        ),
        (
            "accountlink.chatops.alice.token.nautobot",
            "fedcba9876543210fedcba9876543210fedcba98",
        ),
    ]);
    for value in values.values() {
        assert!(
            text.contains(value),
            "the quickstart's secrets.yaml holds {value}"
        );
    }
    values.into_iter().map(|(k, v)| (k, v.to_owned())).collect()
}

/// Parses render's output (or the two files) into the ConfigMap and Secret.
fn parse_pair(config_map: &str, secret: &str) -> (ConfigMap, Secret) {
    (
        serde_saphyr::from_str(config_map).expect("the ConfigMap parses"),
        serde_saphyr::from_str(secret).expect("the Secret parses"),
    )
}

/// Checks that `secret` holds exactly the quickstart's values and that it is
/// the Secret `config_map` was rendered against.
fn assert_real_quickstart_pair(config_map: &ConfigMap, secret: &Secret) {
    assert_eq!(secret.string_data, None, "real values go in data, not stringData");
    let data: BTreeMap<&str, String> = secret
        .data
        .as_ref()
        .expect("the Secret has data")
        .iter()
        .map(|(k, v)| (k.as_str(), String::from_utf8(v.0.clone()).unwrap()))
        .collect();
    assert_eq!(data, quickstart_secret_values());
    let hash = &config_map.data.as_ref().unwrap()["secret-hash"];
    assert_eq!(
        &secret.metadata.annotations.as_ref().unwrap()["chatops.dev/secret-hash"],
        hash
    );
    assert_eq!(secret.metadata.name.as_deref(), Some("chatops-gateway"));
    assert_eq!(secret.metadata.namespace.as_deref(), Some("chatops"));
    assert_eq!(secret.type_.as_deref(), Some("Opaque"));
}

#[test]
fn reveal_secrets_prints_the_real_secret_ready_to_apply() {
    let (code, stdout, stderr) = render_with(&quickstart(), &["--reveal-secrets"]);
    assert_eq!(code, 0, "{stderr}");
    let (config_map, secret) = stdout.split_once("---\n").expect("two documents");
    let (config_map, secret) = parse_pair(config_map, secret);
    assert_real_quickstart_pair(&config_map, &secret);

    // The ConfigMap is the one the default preview prints.
    let (_, preview, _) = render(&quickstart());
    assert!(preview.starts_with(&stdout[..stdout.find("---\n").unwrap()]));

    // Revealing is for stdout only: the log on stderr still holds no value.
    for value in quickstart_secret_values().values() {
        assert!(!stderr.contains(value.as_str()), "{value} logged");
    }
}

#[test]
fn output_dir_writes_both_files_and_keeps_the_secret_to_its_owner() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("rendered");
    let (code, stdout, stderr) = render_with(
        &quickstart(),
        &["--reveal-secrets", "--output-dir", dir.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.is_empty(), "nothing printed with --output-dir: {stdout}");
    let config_map_text = std::fs::read_to_string(dir.join("configmap.yaml")).unwrap();
    let secret_text = std::fs::read_to_string(dir.join("secret.yaml")).unwrap();
    let (config_map, secret) = parse_pair(&config_map_text, &secret_text);
    assert_real_quickstart_pair(&config_map, &secret);
    let mode = |file: &str| std::fs::metadata(dir.join(file)).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode("secret.yaml"), 0o600);

    // The files are exactly what --reveal-secrets prints.
    let (_, printed, _) = render_with(&quickstart(), &["--reveal-secrets"]);
    assert_eq!(printed, format!("{config_map_text}---\n{secret_text}"));
    for value in quickstart_secret_values().values() {
        assert!(!stderr.contains(value.as_str()), "{value} logged");
    }
    let entries = |dir: &Path| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    };
    assert_eq!(
        entries(&dir),
        ["config", "configmap.yaml", "secret.yaml", "secrets"],
        "no partial file is left behind"
    );
    assert_eq!(entries(&dir.join("config")), ["config.yaml", "secret-hash"]);
    assert_eq!(
        entries(&dir.join("secrets")),
        quickstart_secret_values().into_keys().collect::<Vec<_>>()
    );
}

/// The files of `dir`, by name, as text.
fn files_in(dir: &Path) -> BTreeMap<String, String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let entry = entry.unwrap();
            (
                entry.file_name().into_string().unwrap(),
                std::fs::read_to_string(entry.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn output_dir_with_reveal_secrets_writes_the_objects_as_kubelet_mounts_them() {
    let out = tempfile::tempdir().unwrap();
    // Left from an earlier render: a Secret key no longer rendered (the
    // gateway would hash it with the rest and refuse the directory), in a
    // directory anyone could read.
    let secrets = out.path().join("secrets");
    std::fs::create_dir(&secrets).unwrap();
    std::fs::set_permissions(&secrets, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(secrets.join("integration.chatops.retired.token"), "old").unwrap();

    let (code, stdout, stderr) = render_with(
        &quickstart(),
        &["--reveal-secrets", "--output-dir", out.path().to_str().unwrap()],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains(&format!(
            "which chatops-gateway --config {} serves",
            out.path().display()
        )),
        "{stderr}"
    );

    // config/: one file per ConfigMap key, holding the key's value.
    let config_map: ConfigMap =
        serde_saphyr::from_str(&std::fs::read_to_string(out.path().join("configmap.yaml")).unwrap()).unwrap();
    assert_eq!(
        files_in(&out.path().join("config")),
        config_map.data.clone().unwrap()
    );

    // secrets/: one file per Secret key, holding the value itself (not base64),
    // readable by the owner only.
    let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&secrets), 0o700);
    let written = files_in(&secrets);
    let expected: BTreeMap<String, String> = quickstart_secret_values()
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    assert_eq!(
        written, expected,
        "exactly the rendered keys, the stale one removed"
    );
    for key in written.keys() {
        assert_eq!(mode(&secrets.join(key)), 0o600, "{key}");
    }

    // Rendering again into the same directory writes the same files.
    let (code, _, stderr) = render_with(
        &quickstart(),
        &["--reveal-secrets", "--output-dir", out.path().to_str().unwrap()],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(files_in(&secrets), expected);
}

#[test]
fn output_dir_narrows_an_existing_secret_file_and_redacts_without_the_opt_in() {
    let out = tempfile::tempdir().unwrap();
    let secret_file = out.path().join("secret.yaml");
    std::fs::write(&secret_file, "an older, world-readable file\n").unwrap();
    std::fs::set_permissions(&secret_file, std::fs::Permissions::from_mode(0o644)).unwrap();

    let (code, stdout, stderr) = render_with(&quickstart(), &["--output-dir", out.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.contains("redacted"), "{stderr}");
    assert_eq!(
        std::fs::metadata(&secret_file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let text = std::fs::read_to_string(&secret_file).unwrap();
    let secret: Secret = serde_saphyr::from_str(&text).unwrap();
    assert!(secret.data.is_none(), "{text}");
    assert_eq!(
        secret.string_data.unwrap()["chatplatform.chatops.slack.signing-secret"],
        "<redacted: 44 bytes>"
    );
    for value in quickstart_secret_values().values() {
        assert!(
            !text.contains(value.as_str()),
            "{value} written without --reveal-secrets"
        );
    }
    // The files the gateway's --config reads need the real values: without
    // the opt-in they are not written, and stderr says how to get them.
    assert!(!out.path().join("config").exists() && !out.path().join("secrets").exists());
    assert!(stderr.contains("chatops-gateway --config"), "{stderr}");
}

#[test]
fn plain_text_under_data_names_the_secret_and_the_key_and_suggests_string_data() {
    let dir = tempfile::tempdir().unwrap();
    for file in ["slack.yaml", "nautobot.yaml", "grants.yaml", "alice.yaml"] {
        std::fs::copy(quickstart().join(file), dir.path().join(file)).unwrap();
    }
    // The quickstart's Slack Secret with its values moved from stringData: to
    // data: without encoding them, the mistake this message is for.
    const TOKEN: &str = "xoxb-0000000000-0000000000000-quickstartnotarealtoken";
    std::fs::write(
        dir.path().join("secrets.yaml"),
        format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: slack\n  namespace: chatops\ntype: Opaque\n\
             data:\n  signing-secret: cXVpY2tzdGFydC1zaWduaW5nLXNlY3JldA==\n  bot-token: {TOKEN}\n"
        ),
    )
    .unwrap();

    let (code, stdout, stderr) = render(dir.path());
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    for expected in [
        "secrets.yaml",
        "Secret chatops/slack",
        "key bot-token",
        "must be base64",
        "stringData:",
    ] {
        assert!(stderr.contains(expected), "{expected:?} missing from {stderr}");
    }
    // Neither the value nor the piece of it where decoding broke.
    assert!(!stderr.contains("xoxb") && !stderr.contains("symbol"), "{stderr}");
}

#[test]
fn render_exits_2_and_says_why_when_a_resource_is_not_ready() {
    let dir = tempfile::tempdir().unwrap();
    for file in ["slack.yaml", "nautobot.yaml", "grants.yaml", "alice.yaml"] {
        std::fs::copy(quickstart().join(file), dir.path().join(file)).unwrap();
    }
    let (code, _, stderr) = render(dir.path());
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(
            "ChatPlatform chatops/slack: not ready (SecretNotFound): Secret chatops/slack not found"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("5 resources ready, 3 not ready"), "{stderr}");
}

#[test]
fn render_refuses_a_file_that_is_not_yaml() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("broken.yaml"), "kind: [unclosed\n").unwrap();
    let (code, stdout, stderr) = render(dir.path());
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    assert!(stderr.contains("broken.yaml is not valid YAML"), "{stderr}");
}
