//! The operator's pure pipeline at scale: `chatops_crds::compile` of 10 000
//! AccessGrants and 10 000 AccountLinks (two Slack platforms, three
//! Integrations, and a Secret of per-user tokens for every tenth link), then
//! `render::render` into the gateway's ConfigMap and Secret. Measured together
//! (what one reconcile pays), each alone, and the YAML serialisation inside render.
//!
//! Run with `cargo bench -p chatops-operator --bench compile_render`; figures go
//! into docs/benchmarks.md. The goal is compile + render under 100 ms.

use std::{collections::BTreeMap, hint::black_box, time::Duration};

use chatops_crds::{AccessGrant, AccountLink, ChatPlatform, Integration, Resources, compile};
use chatops_operator::render::{Target, config_to_yaml, render};
use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use k8s_openapi::{ByteString, api::core::v1::Secret, apimachinery::pkg::apis::meta::v1::ObjectMeta};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

const NAMESPACE: &str = "chatops";
const GRANTS: usize = 10_000;
const LINKS: usize = 10_000;
/// Every this many account links carries a per-user token in a Secret of its own.
const TOKEN_EVERY: usize = 10;
const PLATFORMS: [&str; 2] = ["slack-prod", "slack-staging"];
/// (name and command, type) of each Integration.
const INTEGRATIONS: [(&str, &str); 3] = [("nautobot", "nautobot"), ("awx", "awx"), ("grafana", "grafana")];
const SUBCOMMANDS: [&str; 5] = [
    "get-devices",
    "get-interfaces",
    "get-vlans",
    "run-job",
    "get-dashboards",
];

/// Metadata as the API server hands it to the operator: namespace, generation
/// and a creation time (compile orders by age), `nth` seconds after a start.
fn meta(name: &str, nth: usize) -> Value {
    let created = format!(
        "2026-11-25T{:02}:{:02}:{:02}Z",
        nth / 3600,
        (nth / 60) % 60,
        nth % 60
    );
    json!({"name": name, "namespace": NAMESPACE, "generation": 1, "creationTimestamp": created})
}

/// A typed resource from its manifest, as the operator's watch hands it over.
/// Built through serde rather than struct literals so that new optional fields
/// in the resource types do not break the benchmark.
fn resource<K: DeserializeOwned>(kind: &str, name: &str, nth: usize, spec: Value) -> K {
    serde_json::from_value(json!({
        "apiVersion": "chatops.dev/v1alpha1",
        "kind": kind,
        "metadata": meta(name, nth),
        "spec": spec,
    }))
    .unwrap_or_else(|err| panic!("{kind} {name}: {err}"))
}

fn secret(name: &str, pairs: &[(&str, String)]) -> Secret {
    Secret {
        metadata: ObjectMeta {
            name: Some(name.to_owned()),
            namespace: Some(NAMESPACE.to_owned()),
            ..Default::default()
        },
        data: Some(
            pairs
                .iter()
                .map(|(key, value)| ((*key).to_owned(), ByteString(value.clone().into_bytes())))
                .collect::<BTreeMap<_, _>>(),
        ),
        ..Default::default()
    }
}

fn platform(name: &str, nth: usize) -> ChatPlatform {
    resource(
        "ChatPlatform",
        name,
        nth,
        json!({
            "type": "slack",
            "slack": {
                "signingSecretRef": {"name": name, "key": "signing-secret"},
                "botTokenRef": {"name": name, "key": "bot-token"},
            },
        }),
    )
}

fn integration(name: &str, integration_type: &str, nth: usize) -> Integration {
    resource(
        "Integration",
        name,
        nth,
        json!({
            "type": integration_type,
            "command": name,
            "endpoint": format!("https://{name}.example.com"),
            "credentials": {"tokenRef": {"name": name, "key": "token"}},
        }),
    )
}

/// `GRANTS` grants as a large organisation might have them: one organization
/// grant per workspace (1 %), channel grants for one command each (10 %), the
/// rest user grants for one command and sub-command, each for its own user;
/// every fourth grant limited to one of the platforms.
fn grants() -> Vec<AccessGrant> {
    (0..GRANTS)
        .map(|k| {
            let command = INTEGRATIONS[k % INTEGRATIONS.len()].0;
            let (command, subcommand, grant_type, value) = if k < GRANTS / 100 {
                ("*", "*", "organization", format!("T{k:08}"))
            } else if k < GRANTS / 100 + GRANTS / 10 {
                (command, "*", "channel", format!("C{k:08}"))
            } else {
                (
                    command,
                    SUBCOMMANDS[k % SUBCOMMANDS.len()],
                    "user",
                    format!("U{k:08}"),
                )
            };
            let mut spec = json!({
                "command": command,
                "subcommand": subcommand,
                "grantType": grant_type,
                "name": format!("person-{k}"),
                "value": value,
            });
            if k % 4 == 3 {
                spec["platform"] = json!(PLATFORMS[k % PLATFORMS.len()]);
            }
            resource("AccessGrant", &format!("grant-{k:05}"), 100 + k, spec)
        })
        .collect()
}

/// `LINKS` account links, alternating between the platforms, each for its own
/// chat user; every `TOKEN_EVERY`th with the user's own Nautobot token, and
/// every `2 * TOKEN_EVERY`th with an AWX token too, from the user's Secret.
fn account_links() -> (Vec<AccountLink>, Vec<Secret>) {
    let mut secrets = Vec::new();
    let links = (0..LINKS)
        .map(|k| {
            let name = format!("link-{k:05}");
            let mut tokens = Vec::new();
            if k % TOKEN_EVERY == 0 {
                let secret_name = format!("{name}-tokens");
                let mut pairs = vec![("nautobot", format!("nautobot-token-of-user-{k:05}"))];
                tokens.push(
                    json!({"integration": "nautobot", "tokenRef": {"name": secret_name, "key": "nautobot"}}),
                );
                if k % (2 * TOKEN_EVERY) == 0 {
                    pairs.push(("awx", format!("awx-token-of-user-{k:05}")));
                    tokens
                        .push(json!({"integration": "awx", "tokenRef": {"name": secret_name, "key": "awx"}}));
                }
                secrets.push(secret(&secret_name, &pairs));
            }
            let spec = json!({
                "platform": PLATFORMS[k % PLATFORMS.len()],
                "chatUserId": format!("U{k:08}"),
                "user": format!("user{k:05}"),
                "tokens": tokens,
            });
            resource("AccountLink", &name, 100 + GRANTS + k, spec)
        })
        .collect();
    (links, secrets)
}

fn resources() -> Resources {
    let (account_links, mut secrets) = account_links();
    for name in PLATFORMS {
        secrets.push(secret(
            name,
            &[
                ("signing-secret", format!("{name}-signing-secret")),
                ("bot-token", format!("xoxb-{name}-bot-token")),
            ],
        ));
    }
    for (name, _) in INTEGRATIONS {
        secrets.push(secret(name, &[("token", format!("{name}-service-token"))]));
    }
    Resources {
        platforms: PLATFORMS
            .iter()
            .enumerate()
            .map(|(n, name)| platform(name, n))
            .collect(),
        integrations: INTEGRATIONS
            .iter()
            .enumerate()
            .map(|(n, (name, kind))| integration(name, kind, 10 + n))
            .collect(),
        grants: grants(),
        account_links,
        secrets,
    }
}

fn bench(c: &mut Criterion) {
    let resources = resources();
    let target = Target {
        namespace: NAMESPACE.into(),
        name: "chatops-gateway".into(),
    };
    // The benchmark measures the path where everything is accepted; a mistake
    // in the generated resources must not turn it into a benchmark of rejections.
    let compiled = compile(&resources);
    let rejected: Vec<String> = compiled.rejected().map(ToString::to_string).take(3).collect();
    assert!(rejected.is_empty(), "rejected: {rejected:?}");
    assert_eq!(compiled.config.grants.len(), GRANTS);
    assert_eq!(compiled.config.account_links.len(), LINKS);
    let rendered = render(&compiled, &target).expect("renders");
    let config_bytes = rendered.config_map.data.as_ref().expect("data")["config.yaml"].len();
    let secret_keys = rendered.secret.data.as_ref().expect("data").len();
    eprintln!("config.yaml: {config_bytes} bytes; Secret: {secret_keys} keys");

    let mut group = c.benchmark_group("compile_render");
    // Each iteration takes tens of milliseconds: flat sampling (the same number
    // of iterations per sample) fits 20 samples into the measurement time.
    group.sample_size(20).sampling_mode(SamplingMode::Flat);
    group.bench_function("compile+render", |b| {
        b.iter(|| render(&compile(black_box(&resources)), &target).expect("renders"))
    });
    group.bench_function("compile", |b| b.iter(|| compile(black_box(&resources))));
    group.bench_function("render", |b| {
        b.iter(|| render(black_box(&compiled), &target).expect("renders"))
    });
    // The part of render that is serialising config.yaml, to tell it from the
    // hashing and the building of the two objects.
    group.bench_function("render: config.yaml only", |b| {
        b.iter(|| config_to_yaml(black_box(&compiled.config)).expect("serialises"))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    targets = bench
}
criterion_main!(benches);
