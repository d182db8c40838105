//! The `chatops-operator render` command, run as a user runs it.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

fn render(dir: &Path) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_chatops-operator"))
        .args(["render", "--namespace", "chatops", "--manifests"])
        .arg(dir)
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
    let secrets = std::fs::read_to_string(quickstart().join("secrets.yaml")).unwrap();
    for value in [
        "quickstart-signing-secret-not-for-production",
        "0123456789abcdef0123456789abcdef01234567",
    ] {
        assert!(secrets.contains(value));
        assert!(
            !stdout.contains(value) && !stderr.contains(value),
            "{value} printed"
        );
    }
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
