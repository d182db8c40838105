//! Objects as the API server stores them, and what the operator's tests read back
//! (the fake API server itself is `chatops_testkit::fake_kube`).

use std::time::Duration;

use chatops_crds::config::GatewayConfig;
use chatops_operator::{controller::Settings, cycle, lookup, render::Target};
use serde_json::{Value, json};

use chatops_testkit::fake_kube::{FakeApi, chatops, core};

/// The gateway's ConfigMap and Secret.
pub const TARGET: &str = "chatops-gateway";

/// A chatops.dev object as stored: namespace `chatops`, generation 1.
pub fn stored(kind: &str, name: &str, spec: Value) -> Value {
    json!({
        "apiVersion": "chatops.dev/v1alpha1", "kind": kind,
        "metadata": {"name": name, "namespace": "chatops", "uid": format!("uid-{name}"),
            "generation": 1, "creationTimestamp": "2026-11-01T00:00:00Z"},
        "spec": spec,
    })
}

pub fn slack_platform() -> Value {
    stored(
        "ChatPlatform",
        "slack",
        json!({"type": "slack", "slack": {
            "signingSecretRef": {"name": "slack", "key": "signing-secret"},
            "botTokenRef": {"name": "slack", "key": "bot-token"},
        }}),
    )
}

pub fn user_grant(name: &str, user: &str) -> Value {
    stored(
        "AccessGrant",
        name,
        json!({"command": "*", "subcommand": "*", "grantType": "user", "name": name, "value": user}),
    )
}

pub fn nautobot_integration(name: &str, command: &str, secret: &str) -> Value {
    stored(
        "Integration",
        name,
        json!({"type": "nautobot", "command": command, "endpoint": "http://nautobot:8080",
            "credentials": {"tokenRef": {"name": secret, "key": "token"}}}),
    )
}

pub fn secret(name: &str, pairs: &[(&str, &str)]) -> Value {
    let data: serde_json::Map<String, Value> = pairs
        .iter()
        .map(|(k, v)| {
            let encoded = serde_json::to_value(k8s_openapi::ByteString(v.as_bytes().to_vec())).unwrap();
            ((*k).to_owned(), encoded)
        })
        .collect();
    json!({"apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": name, "namespace": "chatops", "uid": format!("uid-secret-{name}")},
        "data": data})
}

pub fn slack_secret() -> Value {
    secret("slack", &[("signing-secret", "s3cret"), ("bot-token", "xoxb-1")])
}

/// A fake API server holding the Slack platform and its Secret.
pub async fn with_slack() -> FakeApi {
    let fake = FakeApi::start().await;
    fake.put(&core("secrets"), slack_secret());
    fake.put(&chatops("chatplatforms"), slack_platform());
    fake
}

/// The configuration in the stored ConfigMap, once there is one.
pub fn gateway_config(fake: &FakeApi) -> Option<GatewayConfig> {
    let config_map = fake.get(&core("configmaps"), TARGET)?;
    let yaml = config_map["data"]["config.yaml"].as_str()?;
    Some(serde_saphyr::from_str(yaml).expect("the config.yaml parses"))
}

/// How the operator runs in the tests that run several: watching `chatops`,
/// rendering 100 ms after changes stop (1 s at the latest), as `instance`.
pub fn operator_settings(instance: &str) -> Settings {
    let target = Target {
        namespace: "chatops".to_owned(),
        name: TARGET.to_owned(),
    };
    Settings {
        namespaces: vec!["chatops".to_owned()],
        rendered_regarding: cycle::config_map_reference(&target),
        target,
        quiet: Duration::from_millis(100),
        max_delay: Duration::from_secs(1),
        resync: Duration::from_secs(3600),
        instance: Some(instance.to_owned()),
        lookup_bases: lookup::ApiBases::default(),
    }
}
