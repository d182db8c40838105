//! Every inbound case of `testkit/vectors/teams.json` (verdicts recorded with
//! the Bot Framework Python SDK against a loopback JWKS) gets the recorded
//! verdict through [`KeyStore::authenticate`] and [`check_activity`]; more
//! tokens minted here from the file's test keys pin the edges (leeway,
//! algorithms, issuers, `serviceurl`), and the key cache's fetch counts are
//! checked against a mock server.

use std::sync::LazyLock;
use std::time::Duration;

// The file's key endorsed for `msteams`, and its key endorsed for `webchat` only.
use chatops_testkit::fake_teams::{KEY_A_KID as KID, KEY_B_KID as WEBCHAT_KID, now};
use chatops_testkit::vectors;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;
use crate::platforms::teams::keys::{KeySettings, KeyStore};

/// The file has 11 inbound cases; fewer means it was truncated or replaced.
const MIN_CASES: usize = 11;

/// The vector file, read once.
static FILE: LazyLock<Value> = LazyLock::new(|| vectors::file("teams"));

const METADATA_PATH: &str = "/v1/.well-known/openidconfiguration";
const JWKS_PATH: &str = "/v1/.well-known/keys";
const SERVICE_URL: &str = "https://smba.trafficmanager.net/teams/";
const ENTRA_ISSUER: &str = "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0";
/// A fixed "now" for minted tokens.
const NOW: u64 = 1_800_000_000;

fn app_id() -> &'static str {
    FILE["app_id"].as_str().expect("app_id")
}

/// The file's JWKS key with id `kid`, optionally renamed.
fn jwk(kid: &str, rename: Option<&str>) -> Value {
    let keys = FILE["jwks"]["keys"].as_array().unwrap();
    let mut key = keys
        .iter()
        .find(|k| k["kid"] == kid)
        .expect("kid in jwks")
        .clone();
    if let Some(new) = rename {
        key["kid"] = json!(new);
    }
    key
}

/// A token signed with the private key of the file's `signer` key, naming `kid`.
fn mint_as(alg: Algorithm, signer: &str, kid: Option<&str>, claims: &Value) -> String {
    let pem = FILE["test_private_keys_pem"][signer].as_str().expect("test key");
    let key = EncodingKey::from_rsa_pem(pem.as_bytes()).expect("RSA PEM");
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_owned);
    jsonwebtoken::encode(&header, claims, &key).expect("sign")
}

fn mint(claims: &Value) -> String {
    mint_as(Algorithm::RS256, KID, Some(KID), claims)
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// [`mint`] as a header value.
fn token(claims: &Value) -> String {
    bearer(&mint(claims))
}

/// A token signed with the private key of the file's `signer` key, naming `kid`, as a header value.
fn signed_by(signer: &str, kid: &str, claims: &Value) -> String {
    bearer(&mint_as(Algorithm::RS256, signer, Some(kid), claims))
}

fn bf_claims() -> Value {
    json!({
        "iss": BOT_FRAMEWORK_ISSUER,
        "aud": app_id(),
        "serviceurl": SERVICE_URL,
        "nbf": NOW - 60,
        "exp": NOW + 3600,
    })
}

/// [`bf_claims`] with `field` set to `value`.
fn with(field: &str, value: Value) -> Value {
    let mut claims = bf_claims();
    claims[field] = value;
    claims
}

/// [`bf_claims`] without `field`.
fn without(field: &str) -> Value {
    let mut claims = bf_claims();
    claims.as_object_mut().unwrap().remove(field);
    claims
}

fn unknown_key(kid: &str) -> VerifyError {
    VerifyError::UnknownKey { kid: kid.into() }
}

/// The file's OpenID metadata, its `jwks_uri` pointing at `prefix` + [`JWKS_PATH`] on `server`.
fn metadata(server: &MockServer, prefix: &str) -> ResponseTemplate {
    let mut metadata = FILE["openid_metadata"].clone();
    metadata["jwks_uri"] = json!(format!("{}{prefix}{JWKS_PATH}", server.uri()));
    json_answer(metadata)
}

/// A mock answering GETs of `p` with `answer`.
fn at(p: impl Into<String>, answer: ResponseTemplate) -> Mock {
    Mock::given(method("GET")).and(path(p)).respond_with(answer)
}

fn json_answer(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// The file's key set.
fn file_jwks() -> ResponseTemplate {
    json_answer(FILE["jwks"].clone())
}

/// A mock serving OpenID metadata at `prefix` + [`METADATA_PATH`] whose
/// `jwks_uri` points at `prefix` + [`JWKS_PATH`], which serves `jwks`.
async fn serve_keys(server: &MockServer, prefix: &str, jwks: Value) {
    at(format!("{prefix}{METADATA_PATH}"), metadata(server, prefix))
        .mount(server)
        .await;
    at(format!("{prefix}{JWKS_PATH}"), json_answer(jwks))
        .mount(server)
        .await;
}

fn bf_issuer(server: &MockServer) -> TrustedIssuer {
    TrustedIssuer {
        metadata_url: format!("{}{METADATA_PATH}", server.uri()),
        ..TrustedIssuer::bot_framework()
    }
}

fn entra_issuer(server: &MockServer) -> TrustedIssuer {
    TrustedIssuer {
        issuer: ENTRA_ISSUER.to_owned(),
        metadata_url: format!("{}/entra{METADATA_PATH}", server.uri()),
        requires_service_url: false,
    }
}

/// A key store and the issuers it trusts: what admits a request.
#[derive(Clone)]
struct Gate {
    keys: KeyStore,
    issuers: Vec<TrustedIssuer>,
}

impl Gate {
    fn new(settings: KeySettings, issuers: Vec<TrustedIssuer>) -> Self {
        let keys = KeyStore::new(reqwest::Client::new(), settings);
        Gate { keys, issuers }
    }

    /// A store fetching without a refetch limit, trusting `issuers`.
    fn eager(issuers: Vec<TrustedIssuer>) -> Self {
        Self::new(refetch(Duration::ZERO), issuers)
    }

    /// The token check alone, for the bot's app id at [`NOW`].
    async fn authenticate(&self, authorization: &str) -> Result<Verified, VerifyError> {
        let keys = &self.keys;
        keys.authenticate(Some(authorization), app_id(), &self.issuers, NOW)
            .await
    }

    /// The whole path a request takes: token, then binding to the activity.
    async fn admit(&self, authorization: &str) -> Result<Verified, VerifyError> {
        let verified = self.authenticate(authorization).await?;
        check_activity(&verified, SERVICE_URL, "msteams")?;
        Ok(verified)
    }
}

fn refetch(min_refetch: Duration) -> KeySettings {
    KeySettings {
        min_refetch,
        ..KeySettings::default()
    }
}

/// A server with the Bot Framework issuer's keys (the file's), and a gate
/// fetching them without a refetch limit.
async fn bf_keys() -> (MockServer, Gate) {
    let server = MockServer::start().await;
    serve_keys(&server, "", FILE["jwks"].clone()).await;
    let gate = Gate::eager(vec![bf_issuer(&server)]);
    (server, gate)
}

/// A server whose metadata answers once, then `refresh` (of that answer)
/// every time after, serving the file's keys; a gate whose keys are always
/// stale (max_age 0), so that every validation refreshes them.
async fn refreshed(refresh: fn(ResponseTemplate) -> ResponseTemplate) -> (MockServer, Gate) {
    let server = MockServer::start().await;
    let metadata = metadata(&server, "");
    at(METADATA_PATH, metadata.clone())
        .up_to_n_times(1)
        .mount(&server)
        .await;
    at(METADATA_PATH, refresh(metadata)).mount(&server).await;
    at(JWKS_PATH, file_jwks()).mount(&server).await;
    let settings = KeySettings {
        max_age: Duration::ZERO,
        ..refetch(Duration::ZERO)
    };
    let gate = Gate::new(settings, vec![bf_issuer(&server)]);
    (server, gate)
}

/// How many requests `server` got for `p`.
async fn requests_to(server: &MockServer, p: &str) -> usize {
    let received = server.received_requests().await.unwrap();
    received.iter().filter(|r| r.url.path() == p).count()
}

#[tokio::test]
async fn every_vector_case_gets_its_recorded_verdict() {
    let (_server, gate) = bf_keys().await;
    let mut accepted = 0;
    for case in vectors::inbound("teams", MIN_CASES) {
        let name = vectors::str_at(&case, "/name");
        let activity = &case["activity"];
        let result = async {
            let authorization = case["authorization_header"].as_str();
            let verified = gate
                .keys
                .authenticate(authorization, app_id(), &gate.issuers, now())
                .await?;
            let service_url = activity["serviceUrl"].as_str().unwrap();
            check_activity(&verified, service_url, activity["channelId"].as_str().unwrap())?;
            Ok::<_, VerifyError>(verified)
        };
        let result = result.await;
        let expected = case["expected"]["accepted"].as_bool().expect("expected.accepted");
        assert_eq!(result.is_ok(), expected, "{name}: {result:?}");
        match result {
            Ok(verified) => {
                accepted += 1;
                let (claims, got) = (&case["expected"]["claims"], &verified.claims);
                let recorded = |claim: &str| claims[claim].as_str();
                assert_eq!(Some(got.issuer.as_str()), recorded("iss"), "{name}");
                assert_eq!(Some(got.audience.as_str()), recorded("aud"), "{name}");
                assert_eq!(got.service_url.as_deref(), recorded("serviceurl"), "{name}");
                assert_eq!(Some(got.expires_at), claims["exp"].as_u64(), "{name}");
                assert!(verified.endorsements.iter().any(|e| e == "msteams"), "{name}");
            }
            Err(e) => {
                // The reason matches the recorded one, not merely "refused".
                let want = match name {
                    "NEG_serviceurl_mismatch" => VerifyError::ServiceUrlMismatch,
                    "NEG_wrong_audience" => VerifyError::Audience,
                    "NEG_wrong_issuer" => VerifyError::UntrustedIssuer {
                        issuer: "https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/x".into(),
                    },
                    "NEG_expired" => VerifyError::Expired,
                    "NEG_endorsement_missing" => VerifyError::NotEndorsed {
                        channel: "msteams".into(),
                    },
                    "NEG_signed_with_unknown_key" => VerifyError::Signature,
                    "NEG_alg_confusion_HS256" => VerifyError::Algorithm("HS256".into()),
                    "NEG_missing_authorization" => VerifyError::MissingHeader,
                    "NEG_wrong_scheme" => VerifyError::WrongScheme,
                    other => panic!("{other}: no expected reason recorded in this test"),
                };
                assert_eq!(e, want, "{name}");
            }
        }
    }
    assert_eq!(accepted, 2);
}

#[tokio::test]
async fn expiry_and_not_before_have_five_minutes_leeway_and_claims_of_another_shape_are_refused() {
    use VerifyError::{Audience, Expired, Malformed, NotYetValid};
    const NBF: &str = "nbf is not a number";
    const URL: &str = "serviceurl is not a string";
    let (_server, gate) = bf_keys().await;
    let (early, late) = (NOW - LEEWAY_SECONDS, NOW + LEEWAY_SECONDS);
    let cases = [
        ("exp at the leeway", with("exp", json!(early)), Ok(())),
        ("exp past the leeway", with("exp", json!(early - 1)), Err(Expired)),
        ("nbf at the leeway", with("nbf", json!(late)), Ok(())),
        (
            "nbf past the leeway",
            with("nbf", json!(late + 1)),
            Err(NotYetValid),
        ),
        ("no exp", without("exp"), Err(Expired)),
        ("a fractional exp", with("exp", json!(NOW as f64 + 0.5)), Ok(())),
        ("exp as a string", with("exp", json!("1800003600")), Err(Expired)),
        ("a negative exp", with("exp", json!(-1)), Err(Expired)),
        ("no nbf", without("nbf"), Ok(())),
        ("a null nbf", with("nbf", Value::Null), Err(Malformed(NBF))),
        ("nbf as a string", with("nbf", json!("0")), Err(Malformed(NBF))),
        (
            "serviceurl a number",
            with("serviceurl", json!(1)),
            Err(Malformed(URL)),
        ),
        (
            "a null serviceurl",
            with("serviceurl", Value::Null),
            Err(Malformed(URL)),
        ),
        ("no aud", without("aud"), Err(Audience)),
    ];
    for (case, claims, want) in cases {
        let got = gate.admit(&token(&claims)).await;
        assert_eq!(got.map(|_| ()), want, "{case}");
    }
}

#[tokio::test]
async fn only_rs256_is_accepted_whatever_the_header_says() {
    let (_server, gate) = bf_keys().await;
    let claims = bf_claims();
    for (alg, name) in [
        (Algorithm::RS384, "RS384"),
        (Algorithm::RS512, "RS512"),
        (Algorithm::PS256, "PS256"),
    ] {
        let token = bearer(&mint_as(alg, KID, Some(KID), &claims));
        let got = gate.admit(&token).await;
        assert_eq!(got.unwrap_err(), VerifyError::Algorithm(name.into()));
    }
    // `none`, unsigned and with a signature copied from a real token.
    let real = mint(&claims);
    let real_signature = real.rsplit('.').next().unwrap();
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","kid":"test-kid-msteams"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    for signature in ["", real_signature] {
        let got = gate
            .admit(&bearer(&format!("{header}.{payload}.{signature}")))
            .await;
        assert_eq!(got.unwrap_err(), VerifyError::Algorithm("none".into()));
    }
    // The payload of a valid token under a rewritten header breaks the signature.
    let (_, rest) = real.split_once('.').unwrap();
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","kid":"test-kid-msteams","typ":"JWT","x":1}"#);
    let got = gate.admit(&bearer(&format!("{header}.{rest}"))).await;
    assert_eq!(got.unwrap_err(), VerifyError::Signature);
}

#[tokio::test]
async fn malformed_tokens_are_refused_without_a_fetch() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let gate = Gate::eager(vec![bf_issuer(&server)]);
    let no_kid = mint_as(Algorithm::RS256, KID, None, &bf_claims());
    let no_iss = mint(&without("iss"));
    let unsigned = mint(&bf_claims());
    let unsigned = &unsigned[..unsigned.rfind('.').unwrap() + 1];
    for token in [
        no_kid.as_str(),
        &no_iss,
        unsigned,
        "a.b",
        "a.b.c.d",
        "not a jwt",
        "e30.e30.e30",
    ] {
        let got = gate.admit(&bearer(token)).await;
        assert!(matches!(got, Err(VerifyError::Malformed(_))), "{token}: {got:?}");
        assert_eq!(got.unwrap_err().status(), 401);
    }
    let foreign = with("iss", json!("https://evil.example.com"));
    let issuer = "https://evil.example.com".into();
    let got = gate.admit(&token(&foreign)).await;
    assert_eq!(got.unwrap_err(), VerifyError::UntrustedIssuer { issuer });
}

#[tokio::test]
async fn audience_must_be_the_app_id() {
    let (_server, gate) = bf_keys().await;
    let valid = token(&bf_claims());
    assert!(gate.authenticate(&valid).await.is_ok());
    for app in ["", "other-app", &app_id()[1..], &format!("{} ", app_id())] {
        let got = gate
            .keys
            .authenticate(Some(&valid), app, &gate.issuers, NOW)
            .await;
        assert_eq!(got.unwrap_err(), VerifyError::Audience, "{app}");
    }
    let listed = with("aud", json!([app_id()]));
    let got = gate.authenticate(&token(&listed)).await;
    assert_eq!(got.unwrap_err(), VerifyError::Audience);
}

#[tokio::test]
async fn the_bot_framework_issuer_requires_a_serviceurl_claim() {
    let (_server, gate) = bf_keys().await;
    let err = gate.admit(&token(&without("serviceurl"))).await.unwrap_err();
    assert_eq!(err, VerifyError::ServiceUrlMissing);
    assert_eq!(err.status(), 403);
    // A trailing-slash difference is a different URL: compared exactly.
    let verified = gate.authenticate(&token(&bf_claims())).await.unwrap();
    let err = check_activity(&verified, "https://smba.trafficmanager.net/teams", "msteams").unwrap_err();
    assert_eq!(err, VerifyError::ServiceUrlMismatch);
    assert_eq!(err.status(), 403);
}

#[tokio::test]
async fn an_extra_issuer_is_accepted_only_when_configured_with_its_own_keys() {
    let server = MockServer::start().await;
    serve_keys(&server, "", json!({"keys": [jwk(KID, None)]})).await;
    // The Entra key set: the webchat test key under another kid, no endorsements.
    let mut entra_key = jwk(WEBCHAT_KID, Some("entra-kid"));
    entra_key.as_object_mut().unwrap().remove("endorsements");
    serve_keys(&server, "/entra", json!({"keys": [entra_key]})).await;
    let claims = json!({
        "iss": ENTRA_ISSUER,
        "aud": app_id(),
        "tid": "72f988bf-86f1-41af-91ab-2d7cd011db47",
        "nbf": NOW - 60,
        "exp": NOW + 3600,
    });
    let token = signed_by(WEBCHAT_KID, "entra-kid", &claims);

    let bf_only = Gate::eager(vec![bf_issuer(&server)]);
    let issuer = ENTRA_ISSUER.into();
    let got = bf_only.admit(&token).await;
    assert_eq!(got.unwrap_err(), VerifyError::UntrustedIssuer { issuer });
    let fetched = requests_to(&server, &format!("/entra{METADATA_PATH}")).await;
    assert_eq!(fetched, 0, "untrusted iss fetched keys");

    let both = Gate {
        issuers: vec![bf_issuer(&server), entra_issuer(&server)],
        ..bf_only
    };
    let verified = both.admit(&token).await.expect("configured extra issuer");
    assert_eq!(verified.claims.issuer, ENTRA_ISSUER);
    let tenant = verified.claims.tenant.as_deref();
    assert_eq!(tenant, Some("72f988bf-86f1-41af-91ab-2d7cd011db47"));
    assert_eq!(verified.claims.service_url, None);
    assert!(verified.endorsements.is_empty());

    // When the extra issuer's token does carry serviceurl, it is checked.
    let mut with_url = claims.clone();
    with_url["serviceurl"] = json!("https://evil.example.com/");
    let token = signed_by(WEBCHAT_KID, "entra-kid", &with_url);
    let got = both.admit(&token).await;
    assert_eq!(got.unwrap_err(), VerifyError::ServiceUrlMismatch);

    // Keys are routed by issuer: a Bot Framework token naming the Entra key is
    // looked up in the Bot Framework set and not found.
    let cross = signed_by(WEBCHAT_KID, "entra-kid", &bf_claims());
    let got = both.admit(&cross).await;
    assert_eq!(got.unwrap_err(), unknown_key("entra-kid"));
}

#[tokio::test]
async fn many_validations_share_one_fetch() {
    let server = MockServer::start().await;
    let slow_metadata = metadata(&server, "").set_delay(Duration::from_millis(200));
    at(METADATA_PATH, slow_metadata).expect(1).mount(&server).await;
    at(JWKS_PATH, file_jwks()).expect(1).mount(&server).await;
    // min_refetch 0: only the single flight keeps concurrent misses to one fetch.
    let gate = Gate::eager(vec![bf_issuer(&server)]);
    let token = token(&bf_claims());
    let concurrent = (0..10).map(|_| gate.admit(&token));
    for result in futures::future::join_all(concurrent).await {
        result.expect("accepted");
    }
    for _ in 0..20 {
        gate.admit(&token).await.expect("accepted");
    }
    // A second store handle (a config reload) shares the cache.
    let reloaded = gate.clone();
    reloaded.admit(&token).await.expect("accepted");
    server.verify().await;
}

#[tokio::test]
async fn an_unknown_kid_refetches_once_and_picks_up_a_rotated_key() {
    let server = MockServer::start().await;
    at(METADATA_PATH, metadata(&server, "")).mount(&server).await;
    let first = json!({"keys": [jwk(KID, None)]});
    at(JWKS_PATH, json_answer(first))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let rotated = json!({"keys": [jwk(KID, None), jwk(WEBCHAT_KID, Some("rotated"))]});
    at(JWKS_PATH, json_answer(rotated)).mount(&server).await;
    let min_refetch = Duration::from_secs(2);
    let gate = Gate::new(refetch(min_refetch), vec![bf_issuer(&server)]);
    gate.admit(&token(&bf_claims())).await.expect("first key");

    let rotated_token = signed_by(WEBCHAT_KID, "rotated", &bf_claims());
    // Within min_refetch of the first fetch, the new kid is not fetched for.
    let got = gate.authenticate(&rotated_token).await;
    assert_eq!(got.unwrap_err(), unknown_key("rotated"));
    assert_eq!(requests_to(&server, METADATA_PATH).await, 1);

    tokio::time::sleep(min_refetch + Duration::from_millis(100)).await;
    let verified = gate.authenticate(&rotated_token).await.expect("rotated key");
    assert_eq!(verified.endorsements, ["webchat"]);
    assert_eq!(requests_to(&server, METADATA_PATH).await, 2);

    // A second unknown kid right after does not fetch again.
    let unknown = signed_by(KID, "made-up", &bf_claims());
    let got = gate.authenticate(&unknown).await;
    assert_eq!(got.unwrap_err(), unknown_key("made-up"));
    assert_eq!(requests_to(&server, METADATA_PATH).await, 2);
    assert_eq!(requests_to(&server, JWKS_PATH).await, 2);
}

#[tokio::test]
async fn a_failed_refresh_keeps_the_old_keys() {
    let (server, gate) = refreshed(|_| ResponseTemplate::new(500)).await;
    let token = token(&bf_claims());
    for _ in 0..3 {
        gate.admit(&token).await.expect("served from the old keys");
    }
    assert_eq!(requests_to(&server, METADATA_PATH).await, 3);
}

#[tokio::test]
async fn a_known_key_does_not_wait_for_a_slow_refresh() {
    // The daily refresh meets a slow metadata endpoint.
    let (_server, gate) = refreshed(|ok| ok.set_delay(Duration::from_secs(3))).await;
    let token = token(&bf_claims());
    gate.admit(&token).await.expect("first fetch");
    // This one refreshes (stale keys) and waits for the slow endpoint...
    let refreshing = tokio::spawn({
        let (gate, token) = (gate.clone(), token.clone());
        async move { gate.admit(&token).await.is_ok() }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    // ...this one, with the same known key, is served from the keys held.
    gate.admit(&token).await.expect("served during the refresh");
    assert!(!refreshing.is_finished(), "it did not wait for the refresh");
    assert!(refreshing.await.unwrap());
}

#[tokio::test]
async fn unreachable_or_broken_metadata_is_keys_unavailable() {
    let token = token(&bf_claims());
    let settings = KeySettings {
        fetch_timeout: Duration::from_secs(2),
        ..refetch(Duration::ZERO)
    };
    // Port 1 on loopback: connection refused.
    let unreachable = TrustedIssuer {
        metadata_url: format!("http://127.0.0.1:1{METADATA_PATH}"),
        ..TrustedIssuer::bot_framework()
    };
    let gate = Gate::new(settings, vec![unreachable]);
    let err = gate.authenticate(&token).await.unwrap_err();
    assert!(matches!(err, VerifyError::KeysUnavailable(_)), "{err:?}");
    assert_eq!(err.status(), 503);

    let server = MockServer::start().await;
    at(METADATA_PATH, metadata(&server, "")).mount(&server).await;
    let only_ec = json!({"keys": [{"kty": "EC", "kid": KID, "crv": "P-256", "x": "AA", "y": "AA"}]});
    at(JWKS_PATH, json_answer(only_ec))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let huge = ResponseTemplate::new(200).set_body_string("x".repeat(2 * 1024 * 1024));
    at(JWKS_PATH, huge).mount(&server).await;
    let gate = Gate {
        issuers: vec![bf_issuer(&server)],
        ..gate
    };
    for reason in ["no usable RSA keys", "larger than"] {
        let err = gate.authenticate(&token).await.unwrap_err();
        match &err {
            VerifyError::KeysUnavailable(why) => assert!(why.contains(reason), "{why}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(err.status(), 503);
    }
}

#[test]
fn the_bearer_scheme_is_required() {
    assert_eq!(bearer_token(Some("Bearer abc.def.ghi")), Ok("abc.def.ghi"));
    assert_eq!(bearer_token(Some("bearer abc")), Ok("abc"));
    for missing in [None, Some(""), Some("  ")] {
        assert_eq!(
            bearer_token(missing),
            Err(VerifyError::MissingHeader),
            "{missing:?}"
        );
    }
    for bad in ["Token abc", "Basic abc", "Bearerabc", "abc", "Bearer\tabc"] {
        assert_eq!(bearer_token(Some(bad)), Err(VerifyError::WrongScheme), "{bad:?}");
    }
    for bad in ["Bearer ", "Bearer  abc", "Bearer abc def"] {
        let got = bearer_token(Some(bad));
        assert!(matches!(got, Err(VerifyError::Malformed(_))), "{bad:?}");
    }
}

#[test]
fn endorsements_bind_the_key_to_the_channel() {
    let verified = |endorsements: &[&str], service_url: Option<&str>, requires: bool| Verified {
        claims: Claims {
            issuer: BOT_FRAMEWORK_ISSUER.into(),
            audience: "app".into(),
            service_url: service_url.map(str::to_owned),
            expires_at: NOW,
            tenant: None,
        },
        endorsements: endorsements.iter().map(|e| (*e).to_owned()).collect(),
        requires_service_url: requires,
    };
    let teams = verified(&["msteams", "webchat"], Some(SERVICE_URL), true);
    let not_endorsed = |channel: &str| {
        Err(VerifyError::NotEndorsed {
            channel: channel.into(),
        })
    };
    let missing = Err(VerifyError::ServiceUrlMissing);
    let cases = [
        ("an endorsed channel", teams.clone(), "msteams", Ok(())),
        ("another channel", teams.clone(), "slack", not_endorsed("slack")),
        ("no channel", teams, "", not_endorsed("")),
        // No endorsements: any channel (the SDK's rule).
        (
            "no endorsements",
            verified(&[], Some(SERVICE_URL), true),
            "x",
            Ok(()),
        ),
        (
            "no serviceurl where required",
            verified(&[], None, true),
            "msteams",
            missing,
        ),
        (
            "no serviceurl where optional",
            verified(&[], None, false),
            "msteams",
            Ok(()),
        ),
    ];
    for (case, verified, channel, want) in cases {
        assert_eq!(check_activity(&verified, SERVICE_URL, channel), want, "{case}");
    }
}

#[test]
fn statuses_and_messages_reveal_no_token() {
    let statuses = [
        (VerifyError::MissingHeader, 401),
        (VerifyError::WrongScheme, 401),
        (VerifyError::Malformed("x"), 401),
        (VerifyError::Algorithm("HS256".into()), 401),
        (VerifyError::Signature, 401),
        (VerifyError::Audience, 401),
        (VerifyError::Expired, 401),
        (VerifyError::NotYetValid, 401),
        (VerifyError::UnknownKey { kid: "k".into() }, 401),
        (VerifyError::UntrustedIssuer { issuer: "i".into() }, 401),
        (VerifyError::NotEndorsed { channel: "c".into() }, 403),
        (VerifyError::ServiceUrlMismatch, 403),
        (VerifyError::ServiceUrlMissing, 403),
        (VerifyError::KeysUnavailable("x".into()), 503),
    ];
    for (err, status) in statuses {
        assert_eq!(err.status(), status, "{err}");
    }
    let token = mint(&bf_claims());
    let parsed = UnverifiedToken::parse(&token).unwrap();
    let shown = format!("{parsed:?}");
    for part in token.split('.') {
        assert!(!shown.contains(part), "{shown}");
    }
    assert!(shown.contains(KID), "{shown}");
}
