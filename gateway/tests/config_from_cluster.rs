//! `--config-from-cluster`: the operator's rendered ConfigMap and Secret,
//! watched through the Kubernetes API (a fake one, on tower-test's mock
//! service), are what the gateway serves; a Secret that has not caught up, a
//! deleted object or a failing API never replace the last good configuration.

mod mock_api;

use std::sync::{Arc, Mutex};

use chatops_crds::{Compiled, manifests};
use chatops_gateway::{
    config::{ConfigSource, Loaded, Reloader, watch_cluster},
    metrics::Metrics,
};
use chatops_operator::render::{Rendered, Target, render};
use k8s_openapi::ByteString;
use mock_api::FakeApi;
use tokio::task::JoinHandle;

const NAMESPACE: &str = "chatops";
const NAME: &str = "chatops-gateway";
const BOT_TOKEN_KEY: &str = "chatplatform.chatops.slack.bot-token";

/// A Slack platform, its Secret, and grants for one workspace.
const EXAMPLE: &str = r#"
apiVersion: chatops.dev/v1alpha1
kind: ChatPlatform
metadata: {name: slack, namespace: chatops}
spec:
  type: slack
  slack:
    signingSecretRef: {name: slack, key: signing-secret}
    botTokenRef: {name: slack, key: bot-token}
---
apiVersion: v1
kind: Secret
metadata: {name: slack, namespace: chatops}
type: Opaque
stringData: {signing-secret: made-up-signing-secret, bot-token: xoxb-made-up-token}
---
apiVersion: chatops.dev/v1alpha1
kind: AccessGrant
metadata: {name: workspace, namespace: chatops}
spec: {command: "*", subcommand: "*", grantType: organization, name: example, value: T0EXAMPLE01}
"#;

/// One more grant, as a GitOps change would add it.
const ANOTHER_GRANT: &str = r#"
apiVersion: chatops.dev/v1alpha1
kind: AccessGrant
metadata: {name: any-channel, namespace: chatops}
spec: {command: "*", subcommand: "*", grantType: channel, name: any, value: "*"}
"#;

/// Compiles the documents as the operator does, and renders them.
fn compile_and_render(documents: &[&str]) -> (Compiled, Rendered) {
    let mut loaded = manifests::Loaded::default();
    for (i, text) in documents.iter().enumerate() {
        loaded
            .add_yaml(&format!("doc-{i}.yaml"), text, NAMESPACE)
            .unwrap();
    }
    assert!(loaded.rejected.is_empty(), "{:?}", loaded.rejected);
    let compiled = loaded.compile();
    assert_eq!(compiled.rejected().count(), 0);
    let target = Target {
        namespace: NAMESPACE.into(),
        name: NAME.into(),
    };
    let rendered = render(&compiled, &target).unwrap();
    (compiled, rendered)
}

/// What a watching gateway holds: the loaded configuration itself.
struct Gateway {
    reloader: Arc<Reloader<Loaded>>,
    metrics: Arc<Metrics>,
    task: JoinHandle<()>,
    logs: Logs,
    // Every test captures, not only those reading the logs: tracing caches
    // whether a log line is wanted across threads, and a test thread without
    // a subscriber could have it cached as unwanted for another.
    _capture: tracing::subscriber::DefaultGuard,
}

impl Gateway {
    fn start(client: kube::Client) -> Self {
        let logs = Logs::default();
        let _capture = logs.capture();
        let source = ConfigSource::Cluster {
            namespace: NAMESPACE.into(),
            name: NAME.into(),
        };
        let reloader = Arc::new(Reloader::new(source, |loaded| loaded));
        let metrics = Arc::new(Metrics::default());
        let task = tokio::spawn(watch_cluster(
            client,
            reloader.clone(),
            metrics.clone(),
            chatops_gateway::config::FailureLog::default(),
        ));
        Gateway {
            reloader,
            metrics,
            task,
            logs,
            _capture,
        }
    }

    /// Asserts that no secret value of [`EXAMPLE`] (nor the stale one) was logged.
    fn assert_no_secret_logged(&self) {
        let logs = self.logs.text();
        for value in ["xoxb-", "made-up-signing-secret"] {
            assert!(!logs.contains(value), "a secret value in the logs:\n{logs}");
        }
    }

    fn assert_serves(&self, compiled: &Compiled) {
        let current = self.reloader.current().expect("a configuration is served");
        assert_eq!(current.config, compiled.config);
        assert_eq!(current.secrets, compiled.secrets);
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Captures every log line of this test's thread (the runtime is current-thread).
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Logs {
    fn capture(&self) -> tracing::subscriber::DefaultGuard {
        let logs = self.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_ansi(false)
            .with_writer(move || logs.clone())
            .finish();
        tracing::subscriber::set_default(subscriber)
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Both watches have taken everything up to their `count`-th watch request in.
async fn settled(api: &FakeApi, configmaps: usize, secrets: usize) {
    api.wait_for_watches("configmaps", configmaps).await;
    api.wait_for_watches("secrets", secrets).await;
}

/// `manifests` compiled and rendered, the rendered objects in the API, and a
/// gateway that has taken them in.
async fn serving(manifests: &[&str]) -> (Compiled, Rendered, FakeApi, Gateway) {
    let (compiled, rendered) = compile_and_render(manifests);
    let (client, api) = FakeApi::start();
    api.put("configmaps", &rendered.config_map);
    api.put("secrets", &rendered.secret);
    let gateway = Gateway::start(client);
    settled(&api, 1, 1).await;
    (compiled, rendered, api, gateway)
}

#[tokio::test]
async fn both_objects_are_listed_and_watched_by_name_only() {
    let (client, api) = FakeApi::start();
    let _gateway = Gateway::start(client);
    settled(&api, 1, 1).await;

    for plural in ["configmaps", "secrets"] {
        let path = format!("/api/v1/namespaces/{NAMESPACE}/{plural}?");
        let requests: Vec<String> = api
            .requests()
            .into_iter()
            .filter(|uri| uri.starts_with(&path))
            .collect();
        assert_eq!(
            requests,
            [
                format!("{path}&fieldSelector=metadata.name%3D{NAME}&limit=500"),
                format!(
                    "{path}&watch=true&timeoutSeconds=290&fieldSelector=metadata.name%3D{NAME}&allowWatchBookmarks=true&resourceVersion=0"
                ),
            ]
        );
    }
    assert_eq!(
        api.requests().len(),
        4,
        "nothing else is asked: {:#?}",
        api.requests()
    );
}

#[tokio::test]
async fn the_rendered_objects_load_to_the_compiled_configuration() {
    let (compiled, _, _api, gateway) = serving(&[EXAMPLE]).await;

    gateway.assert_serves(&compiled);
    assert_eq!(gateway.metrics.reload_failures.get(), 0);
}

#[tokio::test]
async fn a_secret_that_has_not_caught_up_is_not_served_until_it_does() {
    let (compiled, rendered) = compile_and_render(&[EXAMPLE]);
    let mut stale = rendered.secret.clone();
    stale
        .data
        .as_mut()
        .unwrap()
        .insert(BOT_TOKEN_KEY.into(), ByteString(b"xoxb-an-older-token".to_vec()));
    let (client, api) = FakeApi::start();
    api.put("configmaps", &rendered.config_map);
    api.put("secrets", &stale);
    let gateway = Gateway::start(client);
    settled(&api, 1, 1).await;
    assert!(
        gateway.reloader.current().is_none(),
        "not ready: the Secret does not match"
    );
    assert_eq!(
        gateway.metrics.reload_failures.get(),
        0,
        "waiting is not a failure"
    );

    api.put("secrets", &rendered.secret);
    api.wait_for_watches("secrets", 2).await;
    gateway.assert_serves(&compiled);

    let logs = gateway.logs.text();
    assert!(
        logs.contains("waiting for the Secret to match the configuration"),
        "{logs}"
    );
    assert!(logs.contains("configuration loaded"), "{logs}");
    gateway.assert_no_secret_logged();
}

#[tokio::test]
async fn a_grant_added_to_the_config_map_is_served() {
    let (compiled, _, api, gateway) = serving(&[EXAMPLE]).await;
    gateway.assert_serves(&compiled);

    let (more, rendered_more) = compile_and_render(&[EXAMPLE, ANOTHER_GRANT]);
    assert_eq!(more.config.grants.len(), compiled.config.grants.len() + 1);
    api.put("configmaps", &rendered_more.config_map);
    api.wait_for_watches("configmaps", 2).await;
    gateway.assert_serves(&more);
}

#[tokio::test]
async fn a_deleted_secret_keeps_the_last_good_configuration_serving() {
    let (compiled, rendered, api, gateway) = serving(&[EXAMPLE]).await;
    let served = gateway.reloader.current().unwrap();

    api.delete("secrets", NAME);
    api.wait_for_watches("secrets", 2).await;
    assert!(Arc::ptr_eq(&gateway.reloader.current().unwrap(), &served));
    assert!(!gateway.task.is_finished(), "the watch goes on");
    assert_eq!(gateway.metrics.reload_failures.get(), 1);

    api.put("secrets", &rendered.secret);
    api.wait_for_watches("secrets", 3).await;
    gateway.assert_serves(&compiled);
    let logs = gateway.logs.text();
    assert!(logs.contains("watched object deleted"), "{logs}");
    gateway.assert_no_secret_logged();
}

// Paused time: the watcher's backoff sleeps pass as soon as nothing else can run.
#[tokio::test(start_paused = true)]
async fn a_failing_list_is_retried_with_backoff() {
    let (compiled, rendered) = compile_and_render(&[EXAMPLE]);
    let (client, api) = FakeApi::start();
    api.put("configmaps", &rendered.config_map);
    api.put("secrets", &rendered.secret);
    api.fail_next("secrets", 2);
    let gateway = Gateway::start(client);
    settled(&api, 1, 1).await;

    let lists = api
        .requests()
        .into_iter()
        .filter(|uri| uri.contains("/secrets?") && !uri.contains("watch=true"))
        .count();
    assert_eq!(lists, 3, "two failures, then a list that succeeds");
    gateway.assert_serves(&compiled);
    let logs = gateway.logs.text();
    assert!(logs.contains("watch failed; retrying with backoff"), "{logs}");
}
