//! The `chatops-operator run` binary end to end: a kubeconfig pointing at a
//! fake API server, the rendered ConfigMap and Secret, the admin port, JSON
//! logs that never show a secret value, and a clean exit on SIGTERM.

#[allow(dead_code, reason = "each test binary uses some of the objects")]
mod objects;

use std::{
    collections::BTreeMap,
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex},
    time::Duration,
};

use chatops_crds::config::GatewayConfig;
use chatops_testkit::{
    fake_kube::{FakeApi, chatops, core},
    wait,
};
use objects::{TARGET, secret, slack_platform, user_grant};
use serde_json::Value;

const SIGNING_SECRET: &str = "s1gning-s3cret-value";
const BOT_TOKEN: &str = "xoxb-b0t-t0ken-value";

fn base64(value: &str) -> Value {
    serde_json::to_value(k8s_openapi::ByteString(value.as_bytes().to_vec())).unwrap()
}

fn decode(value: &Value) -> String {
    let bytes: k8s_openapi::ByteString = serde_json::from_value(value.clone()).unwrap();
    String::from_utf8(bytes.0).unwrap()
}

/// Kills the child if the test fails before it is stopped.
struct Operator(Child);

impl Drop for Operator {
    fn drop(&mut self) {
        if self.0.try_wait().ok().flatten().is_none() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

fn free_port() -> u16 {
    chatops_testkit::gateway_process::free_port().port()
}

fn kubeconfig(server: &str) -> String {
    format!(
        "apiVersion: v1
kind: Config
clusters:
- name: fake
  cluster:
    server: {server}
contexts:
- name: fake
  context:
    cluster: fake
    namespace: chatops
    user: nobody
current-context: fake
users:
- name: nobody
  user: {{}}
"
    )
}

/// Polls `url` until `check` accepts its status and body, for at most 10 s.
async fn poll(url: &str, what: &str, check: impl Fn(u16, &str) -> bool) -> String {
    let client = reqwest::Client::new();
    wait::until_async(Duration::from_secs(10), what, || async {
        let response = client.get(url).send().await.ok()?;
        let status = response.status().as_u16();
        let body = response.text().await.unwrap_or_default();
        check(status, &body).then_some(body)
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_renders_serves_its_admin_port_logs_json_and_stops_on_sigterm() {
    let fake = &FakeApi::start().await;
    fake.put(
        &core("secrets"),
        secret(
            "slack",
            &[("signing-secret", SIGNING_SECRET), ("bot-token", BOT_TOKEN)],
        ),
    );
    fake.put(&chatops("chatplatforms"), slack_platform());
    fake.put(&chatops("accessgrants"), user_grant("alice", "U00001"));

    let dir = tempfile::tempdir().unwrap();
    let config_path = dir.path().join("kubeconfig");
    std::fs::write(&config_path, kubeconfig(&fake.url)).unwrap();
    let admin = format!("127.0.0.1:{}", free_port());
    let child = Command::new(env!("CARGO_BIN_EXE_chatops-operator"))
        .args(["run", "--namespace", "chatops", "--leader-election", "false"])
        .args(["--admin-listen", &admin, "--debounce-milliseconds", "100"])
        .args(["--log-format", "json"])
        // Nothing may reach out to the real Slack.
        .args(["--slack-api-url", "http://127.0.0.1:9"])
        .env("KUBECONFIG", &config_path)
        // The most talkative level (kube, hyper): still no secret value may show.
        .env("RUST_LOG", "debug")
        .env_remove("KUBERNETES_SERVICE_HOST")
        .env_remove("KUBERNETES_SERVICE_PORT")
        .env_remove("POD_NAMESPACE")
        .env_remove("POD_NAME")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut operator = Operator(child);
    let stderr = operator.0.stderr.take().unwrap();
    let lines: Arc<Mutex<Vec<String>>> = Arc::default();
    let reader = {
        let lines = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                lines.lock().unwrap().push(line.unwrap());
            }
        })
    };

    // The ConfigMap: the platform and the grant; its secrets only by reference.
    let config: GatewayConfig = fake
        .eventually("the ConfigMap", |fake| {
            let config_map = fake.get(&core("configmaps"), TARGET)?;
            serde_saphyr::from_str(config_map["data"]["config.yaml"].as_str()?).ok()
        })
        .await;
    assert!(config.platforms.contains_key("slack"));
    assert_eq!(config.grants.len(), 1);
    let config_map = fake.get(&core("configmaps"), TARGET).unwrap().to_string();
    assert!(!config_map.contains(SIGNING_SECRET) && !config_map.contains(BOT_TOKEN));
    assert!(config_map.contains("U00001"), "{config_map}");

    // The Secret: exactly the platform's two values.
    let secret = fake
        .eventually("the Secret", |fake| fake.get(&core("secrets"), TARGET))
        .await;
    let data: BTreeMap<String, String> = secret["data"]
        .as_object()
        .expect("the Secret has data")
        .iter()
        .map(|(key, value)| (key.clone(), decode(value)))
        .collect();
    let mut values: Vec<&str> = data.values().map(String::as_str).collect();
    values.sort_unstable();
    assert_eq!(values, [SIGNING_SECRET, BOT_TOKEN], "{data:?}");
    for key in data.keys() {
        assert!(
            config_map.contains(key.as_str()),
            "the config names the Secret key {key}"
        );
    }

    fake.eventually("alice Ready", |fake| {
        let grant = fake.get(&chatops("accessgrants"), "alice")?;
        let conditions = grant["status"]["conditions"].as_array()?;
        conditions
            .iter()
            .any(|c| c["type"] == "Ready" && c["status"] == "True")
            .then_some(())
    })
    .await;

    // The admin port.
    poll(&format!("http://{admin}/readyz"), "/readyz 200", |status, _| {
        status == 200
    })
    .await;
    let metrics = poll(
        &format!("http://{admin}/metrics"),
        "one apply counted",
        |status, body| status == 200 && body.contains("chatops_operator_applies_total 1\n"),
    )
    .await;
    assert!(metrics.contains("chatops_operator_leader 1"), "{metrics}");

    // SIGTERM: a clean exit, soon.
    let killed = Command::new("kill")
        .args(["-TERM", &operator.0.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = wait::until(Duration::from_secs(5), "the exit after SIGTERM", || {
        operator.0.try_wait().unwrap()
    })
    .await;
    reader.join().unwrap();
    let lines = lines.lock().unwrap().clone();
    assert!(status.success(), "exit {status}; stderr: {lines:#?}");

    // The logs: one JSON object per line, no secret value in any form.
    println!("operator stderr:\n{}", lines.join("\n"));
    assert!(!lines.is_empty());
    let encoded = [base64(SIGNING_SECRET), base64(BOT_TOKEN)].map(|v| v.as_str().unwrap().to_owned());
    for line in &lines {
        let parsed: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        assert!(parsed.is_object(), "not an object: {line}");
        for secret in [SIGNING_SECRET, BOT_TOKEN]
            .iter()
            .copied()
            .chain(encoded.iter().map(String::as_str))
        {
            assert!(!line.contains(secret), "a secret value in the log: {line}");
        }
    }
    let messages: Vec<&str> = lines
        .iter()
        .filter_map(|line| {
            let start = line.find("\"message\":\"")? + 11;
            line[start..].split('"').next()
        })
        .collect();
    assert!(messages.contains(&"watches synced"), "{messages:?}");
    assert!(messages.contains(&"chatops-operator stopped"), "{messages:?}");
}
