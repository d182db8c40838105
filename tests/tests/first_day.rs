//! What a new user meets on the first day, with the real gateway binary: the
//! README's demo shows its answer, a refused webhook says why in the log,
//! `/readyz` is honest, and mistakes on the command line are named.

use std::{
    io::{BufRead, BufReader},
    net::TcpListener,
    process::{Command, Stdio},
};

use chatops_tests::{
    copy_quickstart,
    gateway_process::{Gateway, Source, free_port as free_address, gateway_binary},
    quickstart::{ALICE, FORM, NO_SLACK, PATIENCE},
    quickstart_dir,
    slack_requests::{QUICKSTART_SIGNING_SECRET as SECRET, alice_chatops, now, post_signed},
    workspace_root,
};

fn free_port() -> u16 {
    free_address().port()
}

/// The README's demo: `scripts/answer-listener` on the response URL prints
/// the chat message, and the gateway logs the delivery as a success.
#[tokio::test]
async fn the_demo_listener_prints_the_answer() {
    let port = free_port();
    let mut listener = Command::new(workspace_root().join("scripts/answer-listener"))
        .arg(port.to_string())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs scripts/answer-listener");
    let mut lines = BufReader::new(listener.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(first.contains(&format!("127.0.0.1:{port}")), "{first}");

    let gateway = Gateway::start(&quickstart_dir(), NO_SLACK, &[]).await;
    let body = alice_chatops("whoami", &format!("http://127.0.0.1:{port}/answer"));
    let ack = post_signed(&gateway.url("/hooks/slack/commands"), SECRET, now(), &body, FORM).await;
    assert_eq!(ack.status(), 200);

    // Read the listener's output on a thread: the pipe blocks.
    let printed = tokio::task::spawn_blocking(move || {
        let mut printed = Vec::new();
        for line in lines.by_ref() {
            let line = line.unwrap();
            let done = line.contains("chatops access all");
            printed.push(line);
            if done {
                break;
            }
        }
        printed.join("\n")
    });
    let printed = tokio::time::timeout(PATIENCE, printed)
        .await
        .expect("the listener printed the answer")
        .unwrap();
    assert!(printed.contains("--- answer posted to /answer ---"), "{printed}");
    assert!(printed.contains("Your IDs on slack"), "{printed}");
    assert!(printed.contains(ALICE), "{printed}");
    assert!(
        printed.contains("You act as *alice*, through the AccountLink `chatops/alice`"),
        "{printed}"
    );

    // The audit line says it succeeded, with the fields docs/audit-log.md lists.
    // (The listener prints before it answers: it lives until the delivery ended.)
    let audit = wait_for_line(&gateway, "command").await;
    let _ = listener.kill();
    let _ = listener.wait();
    assert_eq!(audit["target"], "audit");
    assert_eq!(audit["outcome"], "succeeded", "{audit}");
    for field in [
        "platform",
        "platform_type",
        "organization",
        "channel",
        "user",
        "user_name",
        "linked_user",
        "command",
        "subcommand",
        "detail",
        "duration_ms",
    ] {
        assert!(audit.get(field).is_some(), "{field} missing: {audit}");
    }
    assert_eq!(audit["linked_user"], "alice");
    assert_eq!(audit["linked"], true);
}

async fn wait_for_line(gateway: &Gateway, message: &str) -> serde_json::Value {
    let mut lines = gateway.wait_for_log_lines(message, 1).await;
    lines.pop().expect("one line at least")
}

#[tokio::test]
async fn refused_webhooks_are_logged_with_the_reason_rate_limited_and_without_the_secret() {
    let gateway = Gateway::start(&quickstart_dir(), NO_SLACK, &[]).await;
    let body = alice_chatops("whoami", "http://127.0.0.1:9/answer");
    let url = gateway.url("/hooks/slack/commands");
    for _ in 0..5 {
        let refused = post_signed(&url, "not-the-signing-secret", now(), &body, FORM).await;
        assert_eq!(refused.status(), 401);
    }
    let stale = post_signed(&url, SECRET, now() - 3600, &body, FORM).await;
    assert_eq!(stale.status(), 401);
    let unknown = post_signed(&gateway.url("/hooks/nope/commands"), SECRET, now(), &body, FORM).await;
    assert_eq!(unknown.status(), 404);

    let refused = gateway.log_lines("webhook refused");
    assert_eq!(
        refused.len(),
        2,
        "one line per platform, endpoint and outcome within 10 s: {refused:#?}"
    );
    let slack = &refused[0];
    assert_eq!(slack["platform"], "slack");
    assert_eq!(slack["endpoint"], "commands");
    assert_eq!(slack["outcome"], "unverified");
    assert_eq!(slack["status"], 401);
    assert_eq!(slack["reason"], "signature mismatch");
    assert_eq!(slack["level"], "WARN");
    let unknown = &refused[1];
    assert_eq!(unknown["platform"], "nope");
    assert_eq!(unknown["outcome"], "unknown_platform");
    assert_eq!(unknown["status"], 404);
    let logs = gateway.logs();
    assert!(!logs.contains(SECRET), "no secret in the log");
    assert_eq!(
        gateway
            .metric("chatops_gateway_webhook_requests_total{platform=\"slack\",endpoint=\"commands\",outcome=\"unverified\"}")
            .await,
        6.0,
        "every refusal is counted, logged or not"
    );
}

/// The quickstart with the Slack signing secret's key removed from its Secret.
fn quickstart_without_the_signing_secret() -> tempfile::TempDir {
    let dir = copy_quickstart();
    let secrets = dir.path().join("secrets.yaml");
    let text = std::fs::read_to_string(&secrets).unwrap();
    let without: String = text
        .lines()
        .filter(|line| !line.trim_start().starts_with("signing-secret:"))
        .map(|line| format!("{line}\n"))
        .collect();
    assert_ne!(text, without);
    std::fs::write(&secrets, without).unwrap();
    dir
}

#[tokio::test]
async fn not_ready_while_no_platform_is_served_and_the_log_says_why() {
    let dir = quickstart_without_the_signing_secret();
    let gateway = Gateway::spawn(Source::Manifests(dir.path()), NO_SLACK, &[]);
    wait_for_line(&gateway, "configuration loaded").await;
    // The admin listener is bound after the first load: ask once it is.
    wait_for_line(&gateway, "listening").await;
    let readyz = reqwest::get(format!("http://{}/readyz", gateway.admin))
        .await
        .unwrap();
    assert_eq!(readyz.status(), 503);
    let body = readyz.text().await.unwrap();
    assert!(body.contains("no chat platform is served"), "{body}");
    assert!(
        body.contains("ChatPlatform chatops/slack left out (SecretKeyNotFound)"),
        "{body}"
    );
    assert!(
        body.contains("signing-secret"),
        "the missing key is named: {body}"
    );

    let left_out = gateway.log_lines("resource left out");
    assert!(
        left_out
            .iter()
            .any(|line| line["object"] == "ChatPlatform chatops/slack"
                && line["reason"] == "SecretKeyNotFound"
                && line["detail"] == "Secret chatops/slack has no key \"signing-secret\""),
        "{left_out:#?}"
    );
    let healthz = reqwest::get(format!("http://{}/healthz", gateway.admin))
        .await
        .unwrap();
    assert_eq!(healthz.status(), 200, "alive, only not ready");
}

#[tokio::test]
async fn ready_names_the_platforms_it_serves() {
    let gateway = Gateway::start(&quickstart_dir(), NO_SLACK, &[]).await;
    let readyz = reqwest::get(format!("http://{}/readyz", gateway.admin))
        .await
        .unwrap();
    assert_eq!(readyz.status(), 200);
    assert_eq!(readyz.text().await.unwrap(), "ready: serving slack\n");
}

/// Runs the gateway binary with `args` and the given addresses, expecting it
/// to exit by itself; its status and standard error.
async fn run_to_exit(args: &[&str]) -> (std::process::ExitStatus, String) {
    let mut command = tokio::process::Command::new(gateway_binary());
    command
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let output = tokio::time::timeout(PATIENCE, command.output())
        .await
        .expect("the gateway exits by itself")
        .unwrap();
    (
        output.status,
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn a_missing_configuration_directory_exits_naming_it() {
    let missing = "/nonexistent/chatops-manifests";
    let (status, stderr) = run_to_exit(&["--manifests", missing, "--log-format", "text"]).await;
    assert!(!status.success());
    assert!(stderr.contains(&format!("--manifests {missing}")), "{stderr}");
    assert!(stderr.contains("No such file or directory"), "{stderr}");

    let file = workspace_root().join("README.md");
    let (status, stderr) = run_to_exit(&["--config", file.to_str().unwrap()]).await;
    assert!(!status.success());
    assert!(stderr.contains("not a directory"), "{stderr}");
}

#[tokio::test]
async fn a_port_in_use_names_its_flag() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let taken_addr = taken.local_addr().unwrap().to_string();
    let free = format!("127.0.0.1:{}", free_port());
    let quickstart = quickstart_dir();
    let quickstart = quickstart.to_str().unwrap();
    for (flag, listen, admin) in [
        ("--listen", taken_addr.as_str(), free.as_str()),
        ("--admin-listen", free.as_str(), taken_addr.as_str()),
    ] {
        let (status, stderr) = run_to_exit(&[
            "--manifests",
            quickstart,
            "--listen",
            listen,
            "--admin-listen",
            admin,
        ])
        .await;
        assert!(!status.success());
        assert!(
            stderr.contains(&format!("cannot listen on {taken_addr} ({flag})")),
            "{stderr}"
        );
        assert!(
            stderr.contains(&format!("give {flag} another address")),
            "{stderr}"
        );
    }
}

#[tokio::test]
async fn teams_packages_name_the_commands_they_leave_out() {
    let dir = copy_quickstart();
    std::fs::copy(
        workspace_root().join("examples/platforms/teams.yaml"),
        dir.path().join("teams.yaml"),
    )
    .unwrap();
    // One Integration whose Secret is missing, one whose client cannot be
    // built (its CA bundle is no certificate): not served, whichever types
    // have workers.
    std::fs::write(
        dir.path().join("more-integrations.yaml"),
        "apiVersion: chatops.dev/v1alpha1\nkind: Integration\nmetadata: {name: staging, namespace: chatops}\n\
         spec: {type: nautobot, command: staging, endpoint: 'https://staging.example.com', credentials: {tokenRef: {name: nope, key: token}}}\n\
         ---\napiVersion: chatops.dev/v1alpha1\nkind: Integration\nmetadata: {name: broken, namespace: chatops}\n\
         spec: {type: nautobot, command: broken, endpoint: 'https://broken.example.com', credentials: {tokenRef: {name: nautobot, key: token}}, \
         tls: {caRef: {name: broken-ca, key: ca.crt}}}\n\
         ---\napiVersion: v1\nkind: Secret\nmetadata: {name: broken-ca, namespace: chatops}\n\
         stringData: {ca.crt: \"-----BEGIN CERTIFICATE-----\\nnot*base64\\n-----END CERTIFICATE-----\\n\"}\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let (status, stderr) = run_to_exit(&[
        "--manifests",
        dir.path().to_str().unwrap(),
        "--namespace",
        "chatops",
        "--public-url",
        "https://chatops.example.com",
        "--write-teams-app-packages",
        out.path().to_str().unwrap(),
        "--log-format",
        "text",
    ])
    .await;
    assert!(status.success(), "{stderr}");
    assert!(out.path().join("teams.zip").exists());
    assert!(
        stderr.contains("Integration chatops/staging is not ready (SecretNotFound"),
        "{stderr}"
    );
    assert!(
        stderr.contains("command broken (Integration chatops/broken, type nautobot) is not served"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("command nautobot"),
        "nautobot is served: {stderr}"
    );
}
