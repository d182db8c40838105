//! Validating one Bot Framework token with a warm key cache: the whole
//! [`KeyStore::authenticate`] plus [`check_activity`] a Teams request pays,
//! and the pure parse-and-verify part alone (mostly the RSA-2048 signature).
//!
//! The token and keys are the valid case of `testkit/vectors/teams.json`; the
//! JWKS is served once from a loopback mock, then every iteration hits the cache.
//!
//! Run with `cargo bench -p chatops-gateway --bench teams_jwt`; figures go into docs/benchmarks.md.

use std::hint::black_box;
use std::time::Duration;

use chatops_gateway::platforms::teams::keys::{KeySettings, KeyStore};
use chatops_gateway::platforms::teams::verify::{
    BOT_FRAMEWORK_ISSUER, TrustedIssuer, UnverifiedToken, check_activity, parse_jwks, select_issuer,
    verify_with_key,
};
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Value, json};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../testkit/vectors/teams.json");
/// Inside every vector token's validity (they expire in 2100).
const NOW: u64 = 1_800_000_000;

fn validate(c: &mut Criterion) {
    let file: Value =
        serde_json::from_str(&std::fs::read_to_string(VECTORS).expect("teams.json")).expect("JSON");
    let case = file["inbound"]
        .as_array()
        .expect("inbound cases")
        .iter()
        .find(|c| c["name"] == "valid_message_with_mention")
        .expect("the valid case");
    let header = case["authorization_header"].as_str().expect("header").to_owned();
    let service_url = case["activity"]["serviceUrl"]
        .as_str()
        .expect("serviceUrl")
        .to_owned();
    let app_id = file["app_id"].as_str().expect("app_id").to_owned();

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let server = runtime.block_on(async {
        let server = MockServer::start().await;
        let mut metadata = file["openid_metadata"].clone();
        metadata["jwks_uri"] = json!(format!("{}/keys", server.uri()));
        Mock::given(path("/metadata"))
            .respond_with(ResponseTemplate::new(200).set_body_json(metadata))
            .mount(&server)
            .await;
        Mock::given(path("/keys"))
            .respond_with(ResponseTemplate::new(200).set_body_json(file["jwks"].clone()))
            .mount(&server)
            .await;
        server
    });
    let issuers = [TrustedIssuer {
        issuer: BOT_FRAMEWORK_ISSUER.to_owned(),
        metadata_url: format!("{}/metadata", server.uri()),
        requires_service_url: true,
    }];
    let keys = KeyStore::new(reqwest::Client::new(), KeySettings::default());
    let admit = || async {
        let verified = keys
            .authenticate(Some(black_box(&header)), &app_id, &issuers, NOW)
            .await?;
        check_activity(&verified, &service_url, "msteams")
    };
    // Warms the cache, and makes sure the figure is for an accepted token.
    runtime.block_on(admit()).expect("the valid vector is accepted");

    let mut group = c.benchmark_group("teams_jwt");
    group
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    group.bench_function("authenticate/warm-cache", |b| {
        b.iter(|| runtime.block_on(admit()).expect("accepted"))
    });

    let signing_keys = parse_jwks(file["jwks"].to_string().as_bytes()).expect("JWKS");
    let token = header.strip_prefix("Bearer ").expect("bearer");
    group.bench_function("parse+verify_with_key", |b| {
        b.iter(|| {
            let parsed = UnverifiedToken::parse(black_box(token)).expect("parses");
            let issuer = select_issuer(&parsed.issuer, &issuers).expect("trusted");
            let key = signing_keys.iter().find(|k| k.kid == parsed.kid).expect("key");
            verify_with_key(&parsed, key, issuer, &app_id, NOW).expect("verifies")
        })
    });
    group.finish();
}

criterion_group!(benches, validate);
criterion_main!(benches);
