//! Microsoft Teams' `Authorization` header: the bearer token, the JWT's
//! header and claims (read before the signature, as `keys::authenticate`
//! does), the issuer, then the signature and claims check against the
//! vectors' JWKS. A token that parses is also re-signed with the vectors'
//! throw-away private key, so the claim checks after a valid signature run
//! on fuzzed claims too. The JWKS and OpenID metadata parsers (documents
//! the gateway fetches) get the raw bytes.
#![no_main]

use std::sync::LazyLock;

use chatops_gateway::platforms::teams::verify::{
    self, SigningKey, TrustedIssuer, UnverifiedToken, bearer_token, select_issuer, verify_with_key,
};
use jsonwebtoken::{Algorithm, EncodingKey};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

const APP_ID: &str = "00000000-1111-2222-3333-444444444444";
const NOW: u64 = 1_700_000_100;

/// The JWKS and one private key of testkit/vectors/teams.json.
struct Keys {
    public: Vec<SigningKey>,
    private: EncodingKey,
    issuers: Vec<TrustedIssuer>,
}

static KEYS: LazyLock<Keys> = LazyLock::new(|| {
    let vectors: Value = serde_json::from_str(include_str!("../../testkit/vectors/teams.json")).unwrap();
    let jwks = serde_json::to_vec(&vectors["jwks"]).unwrap();
    let pem = vectors["test_private_keys_pem"]["test-kid-msteams"]
        .as_str()
        .unwrap();
    Keys {
        public: verify::parse_jwks(&jwks).unwrap(),
        private: EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap(),
        issuers: vec![TrustedIssuer::bot_framework()],
    }
});

fuzz_target!(|data: &[u8]| {
    let _ = verify::parse_jwks(data);
    let _ = verify::jwks_uri(data);
    let Ok(header) = std::str::from_utf8(data) else {
        return;
    };
    // A header that is not `Bearer <token>` is read as the token itself, so both halves are fuzzed.
    let token = bearer_token(Some(header)).unwrap_or(header);
    check(token);
    // The same header and claims under a valid signature.
    // (Only for a trusted issuer: nothing else reaches the signature, and RSA signing is slow.)
    let trusted = UnverifiedToken::parse(token)
        .is_ok_and(|parsed| select_issuer(&parsed.issuer, &KEYS.issuers).is_ok());
    if trusted {
        let signing_input = &token[..token.rfind('.').unwrap_or(token.len())];
        let signature =
            jsonwebtoken::crypto::sign(signing_input.as_bytes(), &KEYS.private, Algorithm::RS256).unwrap();
        check(&format!("{signing_input}.{signature}"));
    }
});

/// What `keys::authenticate` does with a bearer token, the keys already fetched.
fn check(token: &str) {
    let Ok(token) = UnverifiedToken::parse(token) else {
        return;
    };
    let Ok(issuer) = select_issuer(&token.issuer, &KEYS.issuers) else {
        return;
    };
    for key in &KEYS.public {
        if let Ok(verified) = verify_with_key(&token, key, issuer, APP_ID, NOW) {
            let _ = verify::check_activity(&verified, "https://smba.trafficmanager.net/teams/", "msteams");
        }
    }
}
