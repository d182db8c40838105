//! A fake Microsoft side of a Teams bot on loopback, all on one port:
//!
//! - the Bot Framework OpenID metadata (`/openid/.well-known/openidconfiguration`)
//!   and the JWKS it points at (`/keys`), whose keys the test can rotate;
//! - the Entra token endpoint (`/login/{tenant}/oauth2/v2.0/token`), handing
//!   out `fake-access-token-1`, `-2`, …;
//! - a Bot Connector (`/teams/v3/…`), the `serviceUrl` of the activities the
//!   test sends: `{"id": …}` for every POST and PUT, 200 for DELETE, unless
//!   the test scripted another answer.
//!
//! It records every request. The signing keys are the made-up ones of the
//! shared Teams vectors, and [`sign`] makes tokens as the Bot Connector does.

use std::{
    net::SocketAddr,
    time::{SystemTime, UNIX_EPOCH},
};

use axum::{
    http::{Method, StatusCode},
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};

pub use crate::fake_api::Scripted;
use crate::fake_api::{self, FakeApi, Platform, json_response};

/// The bot's Microsoft App ID (the audience of inbound tokens).
pub const APP_ID: &str = "00000000-1111-2222-3333-444444444444";
/// The bot's App password (client secret).
pub const APP_PASSWORD: &str = "made-up-app-password";
/// The Bot Framework issuer.
pub const ISSUER: &str = "https://api.botframework.com";

/// The kid of key A, endorsed for `msteams` and `webchat`.
pub const KEY_A_KID: &str = "test-kid-msteams";
/// Key A's modulus (base64url).
pub const KEY_A_N: &str = "pNpunbCRJwQqNX2yR8UZ3Gmy-1Vr8LMnapJb5NO2LKpGodNUXIanV2pPFWGlpLXjZHrlQ5ycwkC3InIEpJOrnONfnGQg_nYLB2FKG_PMOnmXFWbd53bM_1qTH2g6nMgqs0RlrAN0NK3e8ktepD7tJUydaXTcPpJ_j9QCjfKdfFmJ0AfKfgvxrYfJNXOp5jZMnbGFiguhE6j81rQz52jsdg5Wt1X-eIfdpKOlIKkrMNLUreTMA45aLcuKgm47if9QNLGI4cXGvOjAdRVJoNpa06XXzzJdm5Efvb5zyuAfDrcmN00Y17Nqy8xOHnyIR3CKZbclp3jCahHGMZWfXAVH-w";
/// Key A's private key (PKCS#8).
pub const KEY_A_PEM: &str = "-----BEGIN PRIVATE KEY-----\nMIIEvwIBADANBgkqhkiG9w0BAQEFAASCBKkwggSlAgEAAoIBAQCk2m6dsJEnBCo1\nfbJHxRncabL7VWvwsydqklvk07Ysqkah01RchqdXak8VYaWkteNkeuVDnJzCQLci\ncgSkk6uc41+cZCD+dgsHYUob88w6eZcVZt3ndsz/WpMfaDqcyCqzRGWsA3Q0rd7y\nS16kPu0lTJ1pdNw+kn+P1AKN8p18WYnQB8p+C/Gth8k1c6nmNkydsYWKC6ETqPzW\ntDPnaOx2Dla3Vf54h92ko6UgqSsw0tSt5MwDjloty4qCbjuJ/1A0sYjhxca86MB1\nFUmg2lrTpdfPMl2bkR+9vnPK4B8OtyY3TRjXs2rLzE4efIhHcIpltyWneMJqEcYx\nlZ9cBUf7AgMBAAECggEAFkuifTo1j2jNSpm65GEAW+KBveMyK4YXVR8BRaPqdgT7\nc4Rw2uitNjHfCz2/GNUusVa7rha+zrjQ69wuy5FbOuc3dZ/HJJMTb8aVLs2ct+Xc\n7JySc20KUZjO4AcJMk4SFFeyRn7bFwrS5cMSxDTsfshrW6ld5iqLDQk35TnEWd5M\nRokdnW6Fia7xVASeO2YSMscYUtSJZ3/moubQoKwkOQFjDzsRVKYQmUaCzzvdaeDE\nJmBC5syNyLfUFg4eXsHPLhzFOS9GaJRnWGArFI49iynnS1CdRLTlATOHg29JW+1c\nMnKE2bQND2C3lJLvxynrFb9dbQJ1xvjZcBUwopphAQKBgQDm1USE0fSuXz13cDv3\nNJ562SIsJ2O9xtyUEYq5WL7z0NKEt2/UfEtJx9wS50Lek/ISO3YdV06BVrkzVXpx\nkt0mM9jgYivYMRY7iDAebBpfb6mzmvACP231oDHIVz6DquE9iHXUOfw5unNR4JkM\nGtYJNtmXCz5pHhRtedbdB6ELAQKBgQC2052eletrj+XADy/r4W2a1nG2ec8lmUU/\n6+x6YmTM/D0wuxU2OaiEzggqGIMIeNPRw9rLwXq1CExxfaxHLLDcH7kfjarINXgX\nHtjaBnw/6sRBSFIcIHnSAbD7t5j6IgGL+cjj8KAqKrowyPjGlksZdhOicRStgXZA\nVBUY1rV++wKBgQCwkgRmoP/MfnfTLBwCndJ4YC2ensbR/RLvhHecDcGLWXofIP4/\nCJDCsEmsgBALmBm8TpWsHgOkNgVWuhT+WXwm49QK1614IxxBj4xXSRPnWs/x3hun\nbIOdNtu9xta/+u9ulTqki3JfajsaL3aC5uhAhh9tRaGI4QR5NZDg5BwRAQKBgQCF\nLoCqrrGRaIDIOQgCv/P1EHRDplZVIGMG3pkkyhp+DN2SayZXmwb8v43JBJQnjsVX\nEGKJfYci60msfw0JyC+KGv3jU3LuZ6z0wr7bjE/ky+NtXv6ZiLrVVfAUXjltNWqF\nCk/iZD54mSmLMkuvdnp8sLw64D9c6Ws4D0hTEM2kEwKBgQDBMe8eUVoFq8SObHHn\n8qryj5eLwzofAdnWpqvYQIwLqWnjsKopdt076UvaEYTm07CmhVHUFH0Hyrs6l99e\nXyLJ5cTCSBJEWTFQCZLj1KgPW0hYuxLdzotSOj3Xd4qHYgueli2OYQtBagf4tRD0\nLvh99kGOIm/fzuQnsdOcxEQ2aA==\n-----END PRIVATE KEY-----\n";
/// Key A's public key (SPKI PEM, with its final newline), the HMAC secret of
/// the algorithm-confusion attack.
pub const KEY_A_PUBLIC_PEM: &str = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEApNpunbCRJwQqNX2yR8UZ\n3Gmy+1Vr8LMnapJb5NO2LKpGodNUXIanV2pPFWGlpLXjZHrlQ5ycwkC3InIEpJOr\nnONfnGQg/nYLB2FKG/PMOnmXFWbd53bM/1qTH2g6nMgqs0RlrAN0NK3e8ktepD7t\nJUydaXTcPpJ/j9QCjfKdfFmJ0AfKfgvxrYfJNXOp5jZMnbGFiguhE6j81rQz52js\ndg5Wt1X+eIfdpKOlIKkrMNLUreTMA45aLcuKgm47if9QNLGI4cXGvOjAdRVJoNpa\n06XXzzJdm5Efvb5zyuAfDrcmN00Y17Nqy8xOHnyIR3CKZbclp3jCahHGMZWfXAVH\n+wIDAQAB\n-----END PUBLIC KEY-----\n";

/// Key B's kid in the vectors, where it is endorsed for `webchat` only.
pub const KEY_B_KID: &str = "test-kid-webchat-only";
/// Key B's modulus (base64url).
pub const KEY_B_N: &str = "nvJveH1-kZVD7kctJipcVBQoEif3uMcZfSkE1-S4IMZn8zWCfxuipjtPAt0fiUP8JuyMVHFjn-u5ZCE32Zw5pa6lZWvklm_tJRQ72FcfRsCXtqhEr4RR6WFVlJjZB6K2WC9WkhS5wGshrsq8JXbAGoF04b7XtomI3mxOQYnqGrfY5OUJncnJjEIwZx7ZWOOu3KDa6--XHEbSqULNRSHkk7ctuBVqhNjLRZF5wcUcJOygLFxVKjYJs6TlWdcSfXgFduxHPL8TPDtqEQghBAr5hRIvppchhQrP79OJaYiACU1nA_gzzaD1Cxpm8lNnoj_8OiNIwaQZP7l1lGvckxvmZw";
/// Key B's private key (PKCS#8).
pub const KEY_B_PEM: &str = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCe8m94fX6RlUPu\nRy0mKlxUFCgSJ/e4xxl9KQTX5LggxmfzNYJ/G6KmO08C3R+JQ/wm7IxUcWOf67lk\nITfZnDmlrqVla+SWb+0lFDvYVx9GwJe2qESvhFHpYVWUmNkHorZYL1aSFLnAayGu\nyrwldsAagXThvte2iYjebE5Bieoat9jk5QmdycmMQjBnHtlY467coNrr75ccRtKp\nQs1FIeSTty24FWqE2MtFkXnBxRwk7KAsXFUqNgmzpOVZ1xJ9eAV27Ec8vxM8O2oR\nCCEECvmFEi+mlyGFCs/v04lpiIAJTWcD+DPNoPULGmbyU2eiP/w6I0jBpBk/uXWU\na9yTG+ZnAgMBAAECggEABK8NUhYxgvQTorceAV523AvcdKZJ+JhLmhmWHixTIu3k\nCS4jRDIPR/C+XPh2euKyF9TgbU3uFbvGpHN/eX4H0qDVpqo70TG5KOzkRTyLHC2i\nQ8HIhUI3f0ROrIUYietlcbx5mO7bo8Fg30ZJA4EpxgjZAlWIkuGt/Z1EF8BSGPJN\nYS6IOPdv31v7aZPzBTfzfC89Pq2mIZrmMy5WCkRz9oWWNvUkkuBoX4yInwtPRUgH\nLRYshw/14G8dLvYhj+4wFU0XuOvgzx4LYb6AEkejKLOeQ0BrJ7KCXY/iJWCF1iPG\nAzp16H3JQflThylxqLpr41IqzcspR8mD3GhFq2xk2QKBgQDZJEGE2I37eC6oDHSh\n/zyXSvs6ils0qtnJCmPU0v1f45HF+TBt5eBSqwpBHeWNfNdr8sN4C6RGuBg/aqLt\n+qF12ZexJzHV6MFZhCOnBBrGWUbz6IPXi6VXfUKqsfpe3pJg6O4Lc+neEV96PRoN\nNqOEbiJgQnJ41CbMN2/TWbNo8wKBgQC7ZCdvNxKo13yjO8ZmvV61z6WzvuKtoQZv\nBGnVRG7WoJflqb2mSxfLopykykuBrQWEJIDc5YiyY9R8mHf8w8ulK+kfUxjcA5QC\naMsUSGmrHv6kL7hjZTYBl4vTyIH2/AD61oDLTPxkaCIIaCb+2AEDT+RY7SnEM//C\nfGmm2OWpvQKBgEYwMf1/AmYGsw4e+JRkrHE7C3ogvtqHX15cvWhNyxjztmsH4V+k\nrp4KK4Zg45KYiAmcrxJesPsrBqt5DLFgElDFxQK+aJ18XwNQczXJXd4/fW/Z+MPz\nn75n/uSuIwAHcclhgZCyJyZg9zvMBF/BCZoE/5ed4uKrsN7SDJOEqzmBAoGAdZqT\njR65HTGvzRn0mAH88ImS6s2/oUxPp1jTur6p+RTsf3wZw8WY93nkaR90Z7vYnGf0\nX63GLn6smk1t8DpJEi4OrlQOY/Xy69gsq1wOxRA8q3ovdGHOlQ0w+gb6WbEqREJe\nrjhwpescgL4syv9xE00OeCjPb41a1AoUnFu/NtkCgYEAy+LYDFlsI5Etk2/t7CDv\nS26mjvOGRGZUSywsIA6INJ5lG83qbMhAwVzm7UJH6Aztz2QBi0RgFYglRHoB0ASH\nu6RUh8H1QAEdh60gjbuj10ilgeWjyYv/4nc7YkHbXzJem5/7yGKxVdEaelsg3Tee\n1EaW2VG09E86asaY2EXfzQM=\n-----END PRIVATE KEY-----\n";

/// A JWKS entry for an RSA key with modulus `n` (exponent 65537).
pub fn jwk(kid: &str, n: &str, endorsements: &[&str]) -> Value {
    json!({
        "kty": "RSA", "key_ops": ["verify"], "use": "sig", "kid": kid,
        "n": n, "e": "AQAB", "endorsements": endorsements
    })
}

/// Key A as the vectors publish it.
pub fn key_a() -> Value {
    jwk(KEY_A_KID, KEY_A_N, &["msteams", "webchat"])
}

/// Seconds since the epoch.
pub fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

/// The claims of a valid Bot Connector token for an activity with `service_url`.
pub fn claims(service_url: &str) -> Value {
    let now = now();
    json!({
        "iss": ISSUER, "aud": APP_ID, "serviceurl": service_url,
        "nbf": now - 60, "iat": now - 60, "exp": now + 3600
    })
}

/// A token signed RS256 with the private key `pem`, `kid` in its header.
pub fn sign(pem: &str, kid: &str, claims: &Value) -> String {
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    header.kid = Some(kid.to_owned());
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(pem.as_bytes()).expect("a test RSA key");
    jsonwebtoken::encode(&header, claims, &key).expect("the token is signed")
}

/// A token signed HS256 with `secret`, `kid` in its header.
pub fn sign_hs256(secret: &[u8], kid: &str, claims: &Value) -> String {
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(&header, claims, &jsonwebtoken::EncodingKey::from_secret(secret))
        .expect("the token is signed")
}

/// A conversation ID percent-encoded as one path segment (everything but
/// the RFC 3986 unreserved characters), as the official connector client sends it.
pub fn encode_segment(segment: &str) -> String {
    segment
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// One request the fake received (its path raw, percent-encoded as sent),
/// with how the fake answered it.
#[derive(Clone, Debug)]
pub struct Recorded {
    /// The request, as every fake records it.
    pub request: fake_api::Recorded,
    /// The `id` the fake answered with, for connector POSTs and PUTs.
    pub answered_id: Option<String>,
    /// The status the fake answered with.
    pub status: StatusCode,
}

impl From<fake_api::Recorded> for Recorded {
    fn from(request: fake_api::Recorded) -> Recorded {
        Recorded {
            request,
            answered_id: None,
            status: StatusCode::OK,
        }
    }
}

impl std::ops::Deref for Recorded {
    type Target = fake_api::Recorded;

    fn deref(&self) -> &fake_api::Recorded {
        &self.request
    }
}

impl Recorded {
    /// The `Authorization` header, or "".
    pub fn authorization(&self) -> String {
        self.headers
            .get("authorization")
            .map(|v| v.to_str().unwrap_or_default().to_owned())
            .unwrap_or_default()
    }

    /// Whether this went to the Bot Connector (`/teams/…`).
    pub fn is_connector(&self) -> bool {
        self.path.starts_with("/teams/")
    }

    /// Whether this went to the token endpoint.
    pub fn is_token(&self) -> bool {
        self.path.starts_with("/login/")
    }

    /// A one-line summary: method, path, status.
    pub fn summary(&self) -> String {
        format!("{} {} -> {}", self.method, self.path, self.status.as_u16())
    }
}

/// What the fake Microsoft side holds: the published keys, and counters for
/// the activity IDs, access tokens and conversations it hands out.
pub struct Teams {
    keys: Vec<Value>,
    ids: u64,
    tokens: u64,
    conversations: u64,
}

impl Platform for Teams {
    type Entry = Recorded;

    fn respond(&mut self, recorded: &mut Recorded, _addr: SocketAddr) -> Response {
        let method = recorded.method.clone();
        let path = recorded.path.as_str();
        // The URLs it hands out are on the host the gateway asked for.
        let host = recorded
            .headers
            .get("host")
            .and_then(|h| h.to_str().ok())
            .unwrap_or("127.0.0.1")
            .to_owned();
        let connector = recorded.is_connector();
        if method == Method::GET && path == "/openid/.well-known/openidconfiguration" {
            json_response(
                StatusCode::OK,
                &json!({
                    "issuer": ISSUER,
                    "authorization_endpoint": "https://invalid.botframework.com",
                    "jwks_uri": format!("http://{host}/keys"),
                    "id_token_signing_alg_values_supported": ["RS256"],
                    "token_endpoint_auth_methods_supported": ["private_key_jwt"]
                }),
            )
        } else if method == Method::GET && path == "/keys" {
            json_response(StatusCode::OK, &json!({"keys": self.keys}))
        } else if method == Method::POST
            && path.starts_with("/login/")
            && path.ends_with("/oauth2/v2.0/token")
        {
            self.tokens += 1;
            json_response(
                StatusCode::OK,
                &json!({
                    "token_type": "Bearer", "expires_in": 3600, "ext_expires_in": 3600,
                    "access_token": format!("fake-access-token-{}", self.tokens)
                }),
            )
        } else if connector
            && method == Method::POST
            && path.trim_end_matches('/') == "/teams/v3/conversations"
        {
            self.conversations += 1;
            let id = format!("a:fake-conversation-{}", self.conversations);
            recorded.answered_id = Some(id.clone());
            json_response(
                StatusCode::OK,
                &json!({"id": id, "serviceUrl": format!("http://{host}/teams/")}),
            )
        } else if connector && (method == Method::POST || method == Method::PUT) {
            self.ids += 1;
            let id = format!("fake-activity-{}", self.ids);
            recorded.answered_id = Some(id.clone());
            json_response(StatusCode::OK, &json!({"id": id}))
        } else if connector && method == Method::DELETE {
            StatusCode::OK.into_response()
        } else {
            json_response(
                StatusCode::NOT_FOUND,
                &json!({"error": {"code": "NotFound", "message": "not served by the fake"}}),
            )
        }
    }

    /// Scripts are for the Bot Connector: the gateway's token and key fetches
    /// must not use them up.
    fn takes_script(recorded: &Recorded) -> bool {
        recorded.is_connector()
    }

    fn answered(recorded: &mut Recorded, status: StatusCode) {
        recorded.status = status;
    }
}

/// The running fake.
pub type FakeTeams = FakeApi<Teams>;

impl FakeTeams {
    /// Starts the fake on an ephemeral loopback port, publishing key A only.
    pub async fn start() -> FakeTeams {
        FakeApi::serve(Teams {
            keys: vec![key_a()],
            ids: 0,
            tokens: 0,
            conversations: 0,
        })
        .await
    }

    /// The OpenID metadata URL, as `--teams-openid-metadata-url`.
    pub fn openid_url(&self) -> String {
        self.url_of("/openid/.well-known/openidconfiguration")
    }

    /// The token endpoint base, as `--teams-login-url`.
    pub fn login_url(&self) -> String {
        self.url_of("/login")
    }

    /// The Bot Connector, as an activity's `serviceUrl`.
    pub fn service_url(&self) -> String {
        self.url_of("/teams/")
    }

    /// Publishes `keys` as the JWKS from now on.
    pub fn set_keys(&self, keys: Vec<Value>) {
        self.with(|teams, _| teams.keys = keys);
    }

    /// The requests to the Bot Connector so far.
    pub fn connector_requests(&self) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(Recorded::is_connector)
            .collect()
    }

    /// The requests to the token endpoint so far.
    pub fn token_requests(&self) -> Vec<Recorded> {
        self.requests().into_iter().filter(Recorded::is_token).collect()
    }

    /// One line per request so far, for failure messages.
    pub fn summaries(&self) -> Vec<String> {
        self.requests().iter().map(Recorded::summary).collect()
    }
}
