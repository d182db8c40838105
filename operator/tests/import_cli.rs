//! `chatops-operator import`, run as a user runs it against a fake of the
//! original's API and a realistic nautobot_config.py; its output is then
//! given to `chatops-operator render` unchanged.

mod nautobot_fake;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The literal credentials of the fixture config and the fake API.
const LITERAL_SECRETS: [&str; 5] = [
    "xoxb-fixture-literal-bot-token",
    "fixture-literal-signing-secret",
    "fixture-literal-nso-password",
    nautobot_fake::SLASH_TOKENS[0],
    nautobot_fake::SLASH_TOKENS[1],
];

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/nautobot_config.py")
}

/// Runs the binary with `args`: exit code, stdout, stderr.
fn run(args: &[&str], envs: &[(&str, &str)]) -> (i32, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_chatops-operator"));
    command.args(args).env_remove("NAUTOBOT_TOKEN");
    for (key, value) in envs {
        command.env(key, value);
    }
    let output = command.output().expect("the binary runs");
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).unwrap();
    (
        output.status.code().unwrap_or(-1),
        text(output.stdout),
        text(output.stderr),
    )
}

fn import(url: &str, out: &Path, extra: &[&str]) -> (i32, String, String) {
    let config = fixture();
    let mut args = vec![
        "import",
        "--nautobot",
        url,
        "--config",
        config.to_str().unwrap(),
        "--output-dir",
        out.to_str().unwrap(),
        "--namespace",
        "chatops",
    ];
    args.extend_from_slice(extra);
    // Blocking: the fake keeps serving on the runtime's other worker.
    tokio::task::block_in_place(|| run(&args, &[("NAUTOBOT_TOKEN", nautobot_fake::TOKEN)]))
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

/// `render --manifests DIR`: exit code and stderr.
fn render(dir: &Path) -> (i32, String) {
    let (code, _, stderr) = run(
        &[
            "render",
            "--namespace",
            "chatops",
            "--manifests",
            dir.to_str().unwrap(),
        ],
        &[],
    );
    (code, stderr)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_output_renders_unchanged_with_everything_ready_and_no_secret_shown() {
    let server = nautobot_fake::start().await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("imported");
    let (code, stdout, stderr) = import(&server.uri(), &out, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr
            .contains("imported 2 ChatPlatforms, 4 AccessGrants, 3 AccountLinks, 4 Integrations, 6 Secrets"),
        "{stderr}"
    );
    assert!(
        stderr.contains("items not carried over, see NOTES.md"),
        "{stderr}"
    );
    for file in [
        "chatplatforms.yaml",
        "accessgrants.yaml",
        "accountlinks.yaml",
        "integrations.yaml",
        "secrets.yaml",
        "NOTES.md",
    ] {
        assert!(out.join(file).is_file(), "{file}");
    }
    let mode = std::fs::metadata(out.join("secrets.yaml"))
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600);

    let (code, render_stderr) = render(&out);
    assert_eq!(code, 0, "{render_stderr}");
    assert!(
        render_stderr.contains("13 resources ready, 0 not ready"),
        "{render_stderr}"
    );

    let mut shown = vec![stdout, stderr, render_stderr];
    for file in [
        "chatplatforms.yaml",
        "accessgrants.yaml",
        "accountlinks.yaml",
        "integrations.yaml",
        "secrets.yaml",
        "NOTES.md",
    ] {
        shown.push(read(&out, file));
    }
    for text in &shown {
        for secret in LITERAL_SECRETS.iter().chain([&nautobot_fake::TOKEN]) {
            assert!(!text.contains(secret), "{secret} shown");
        }
    }
    let secrets = read(&out, "secrets.yaml");
    assert!(secrets.contains(
        "REPLACE-ME: the Mattermost bot access token (the original read it from env MATTERMOST_API_TOKEN)"
    ));

    let notes = read(&out, "NOTES.md");
    for expected in [
        "Bad Command",
        "its Nautobot user cannot be resolved",
        "no webex ChatPlatform is imported",
        "`aci_creds` is a comprehension, not a literal",
        "setting `slack_ephemeral_message_size_limit`",
        "set from env MATTERMOST_API_TOKEN",
        "set from env NAUTOBOT_TOWER_PASSWORD",
        "runs only under a condition",
        "Create a Nautobot API token for the gateway",
    ] {
        assert!(
            notes.contains(expected),
            "{expected:?} missing from NOTES.md:\n{notes}"
        );
    }
    assert!(
        !notes.contains("microsoft_app_password"),
        "Teams is not imported: its settings are not listed"
    );
    let integrations = read(&out, "integrations.yaml");
    assert!(integrations.contains("command: ansible") && integrations.contains(&server.uri()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reveal_secrets_writes_the_literal_values_into_secrets_yaml_only() {
    let server = nautobot_fake::start().await;
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = import(
        &server.uri(),
        dir.path(),
        &["--reveal-secrets", "--platform", "mattermost=mm"],
    );
    assert_eq!(code, 0, "{stderr}");
    let secrets = read(dir.path(), "secrets.yaml");
    for secret in LITERAL_SECRETS.iter().skip(2) {
        assert!(secrets.contains(secret), "{secret} missing");
    }
    // --platform chose Mattermost alone: no Slack Secret.
    assert!(!secrets.contains("xoxb-fixture-literal-bot-token"));
    assert!(
        !secrets.contains(nautobot_fake::TOKEN),
        "the import token is never reused"
    );
    for text in [
        stdout,
        stderr,
        read(dir.path(), "NOTES.md"),
        read(dir.path(), "chatplatforms.yaml"),
    ] {
        for secret in LITERAL_SECRETS {
            assert!(!text.contains(secret));
        }
    }
    assert!(read(dir.path(), "chatplatforms.yaml").contains("name: mm"));
    assert!(read(dir.path(), "accountlinks.yaml").contains("platform: mm"));
    let (code, render_stderr) = render(dir.path());
    assert_eq!(code, 0, "{render_stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_token_exits_1_without_showing_it() {
    let server = nautobot_fake::start().await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let url = server.uri();
    let (code, stdout, stderr) = tokio::task::block_in_place(|| {
        run(
            &[
                "import",
                "--nautobot",
                &url,
                "--token",
                "refused-token-value",
                "--output-dir",
                out.to_str().unwrap(),
            ],
            &[],
        )
    });
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("GET /api/plugins/chatops/accessgrant/: HTTP 401"),
        "{stderr}"
    );
    assert!(!stderr.contains("refused-token-value") && !stdout.contains("refused-token-value"));
    assert!(!out.exists(), "nothing is written");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_original_without_config_exits_1() {
    let server = nautobot_fake::start_empty().await;
    let dir = tempfile::tempdir().unwrap();
    let url = server.uri();
    let out = dir.path().join("out");
    let (code, _, stderr) = tokio::task::block_in_place(|| {
        run(
            &[
                "import",
                "--nautobot",
                &url,
                "--output-dir",
                out.to_str().unwrap(),
            ],
            &[("NAUTOBOT_TOKEN", nautobot_fake::TOKEN)],
        )
    });
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("nothing to import"), "{stderr}");
}

#[test]
fn an_unreachable_nautobot_exits_1_without_the_token() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    drop(listener);
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) = run(
        &[
            "import",
            "--nautobot",
            &url,
            "--output-dir",
            dir.path().to_str().unwrap(),
        ],
        &[("NAUTOBOT_TOKEN", "unreachable-token-value")],
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("cannot be reached"), "{stderr}");
    assert!(!stderr.contains("unreachable-token-value"));
}

#[test]
fn no_token_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) = run(
        &[
            "import",
            "--nautobot",
            "http://127.0.0.1:9",
            "--output-dir",
            dir.path().to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(code, 1);
    assert!(stderr.contains("no Nautobot token"), "{stderr}");
}
