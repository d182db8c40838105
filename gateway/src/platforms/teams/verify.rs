//! Bot Framework inbound authentication: every activity the Bot Connector
//! posts carries `Authorization: Bearer <JWT>`, and nothing in the activity is
//! believed until that token is checked (shared/reference/chat-platforms.md
//! §2.2, the Python SDK's `JwtTokenExtractor` and `ChannelValidation` being
//! the oracle that recorded `testkit/vectors/teams.json`).
//!
//! The pure pieces live here; [`super::keys::KeyStore`] fetches and caches the
//! signing keys and strings them together. The order follows the SDK:
//!
//! 1. the `Bearer` scheme ([`bearer_token`]);
//! 2. the header: `alg` must be `RS256` and a `kid` must name the key
//!    ([`UnverifiedToken::parse`]). The algorithm is pinned, never taken from
//!    the header, so `none` and HMAC-keyed-with-the-public-key tokens fail;
//! 3. the issuer, read from the still unverified payload only to pick which
//!    trusted issuer's key set to look in; an unknown issuer is refused before
//!    anything is fetched ([`select_issuer`]);
//! 4. the signature with that issuer's key, then audience, expiry and
//!    not-before with [`LEEWAY_SECONDS`] ([`verify_with_key`]);
//! 5. the binding to the activity: the key's endorsements must name the
//!    activity's channel, and the `serviceurl` claim must equal its
//!    `serviceUrl` ([`check_activity`]).
//!
//! No error message contains the token, a claim value or a key.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey};

use super::wire;
use crate::platforms::json::Lenient;

/// The issuer of the tokens the Bot Connector sends (public cloud).
pub const BOT_FRAMEWORK_ISSUER: &str = "https://api.botframework.com";

/// Where the Bot Framework publishes its OpenID metadata, whose `jwks_uri`
/// lists the keys that sign [`BOT_FRAMEWORK_ISSUER`]'s tokens.
pub const BOT_FRAMEWORK_OPENID_METADATA_URL: &str =
    "https://login.botframework.com/v1/.well-known/openidconfiguration";

/// The clock skew allowed on `exp` and `nbf`: the "industry-standard" 5 minutes
/// the Bot Framework documents and the SDK uses (`clock_tolerance = 300`).
pub const LEEWAY_SECONDS: u64 = 300;

/// The only signing algorithm accepted. The SDK lets RS384/RS512 through its
/// header check but then decodes with RS256 only, so in effect it is RS256.
const ALGORITHM: &str = "RS256";

/// The longest token looked at; real Bot Framework tokens are about 1.5 KB.
/// Bounds the work an anonymous caller can cause before the signature check.
const MAX_TOKEN_LEN: usize = 16 * 1024;

/// A trusted token issuer and where its signing keys are published.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustedIssuer {
    /// The exact `iss` claim value.
    pub issuer: String,
    /// The OpenID metadata document whose `jwks_uri` lists this issuer's keys.
    pub metadata_url: String,
    /// Whether a token from this issuer must carry a `serviceurl` claim (the
    /// Bot Framework's always does; an Entra-issued token may not, and then
    /// the claim is checked only when present).
    pub requires_service_url: bool,
}

impl TrustedIssuer {
    /// The Bot Framework public-cloud issuer, with its metadata URL; tokens
    /// from it must carry `serviceurl`.
    pub fn bot_framework() -> Self {
        Self {
            issuer: BOT_FRAMEWORK_ISSUER.to_owned(),
            metadata_url: BOT_FRAMEWORK_OPENID_METADATA_URL.to_owned(),
            requires_service_url: true,
        }
    }
}

/// The verified claims that matter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claims {
    /// `iss`: one of the trusted issuers.
    pub issuer: String,
    /// `aud`: the bot's Microsoft App ID.
    pub audience: String,
    /// `serviceurl`: the Connector endpoint the activity says to reply to.
    pub service_url: Option<String>,
    /// `exp`, in Unix seconds.
    pub expires_at: u64,
    /// `tid`: the Entra tenant, when the token names one.
    pub tenant: Option<String>,
}

/// A token that passed: its claims and the endorsements of the key that signed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    /// The checked claims.
    pub claims: Claims,
    /// The channels the signing key is endorsed for (empty: any channel).
    pub endorsements: Vec<String>,
    /// Copied from the [`TrustedIssuer`] that issued the token.
    pub requires_service_url: bool,
}

/// Why a request is not from the Bot Connector. The messages are safe to log
/// and to return to the caller: none contains the token or a claim value
/// other than an issuer or key id, which are public.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// No `Authorization` header.
    #[error("missing Authorization header")]
    MissingHeader,
    /// The header is not `Bearer <token>`.
    #[error("Authorization scheme is not Bearer")]
    WrongScheme,
    /// The token is not a JWT with a JSON header and payload (or lacks `kid`/`iss`).
    #[error("malformed token: {0}")]
    Malformed(&'static str),
    /// The header names an algorithm other than RS256.
    #[error("token algorithm {0:?} not allowed (RS256 only)")]
    Algorithm(String),
    /// The `iss` claim is not one of the trusted issuers.
    #[error("untrusted token issuer {issuer:?}")]
    UntrustedIssuer {
        /// The claimed issuer (public, and the reason to log).
        issuer: String,
    },
    /// No key with the token's `kid` is published by its issuer.
    #[error("unknown signing key {kid:?}")]
    UnknownKey {
        /// The key id from the token's header.
        kid: String,
    },
    /// The signature does not verify with the named key.
    #[error("invalid token signature")]
    Signature,
    /// `aud` is not the bot's app id.
    #[error("token audience is not this bot")]
    Audience,
    /// `exp` is missing or more than the leeway in the past.
    #[error("token expired")]
    Expired,
    /// `nbf` is more than the leeway in the future.
    #[error("token not yet valid")]
    NotYetValid,
    /// The signing key has endorsements and the activity's channel is not one of them.
    #[error("signing key not endorsed for channel {channel:?}")]
    NotEndorsed {
        /// The activity's `channelId`.
        channel: String,
    },
    /// The `serviceurl` claim differs from the activity's `serviceUrl`.
    #[error("token serviceurl does not match the activity")]
    ServiceUrlMismatch,
    /// The issuer requires a `serviceurl` claim and the token has none.
    #[error("token has no serviceurl claim")]
    ServiceUrlMissing,
    /// The signing keys could not be fetched and none are cached.
    #[error("signing keys unavailable: {0}")]
    KeysUnavailable(String),
}

impl VerifyError {
    /// The HTTP status to answer with: 401 for a missing, unusable or
    /// untrusted token; 403 for a valid token that does not match the activity
    /// (serviceUrl, endorsement); 503 only when keys cannot be fetched at all,
    /// so that the Connector retries instead of dropping the activity.
    pub fn status(&self) -> u16 {
        match self {
            Self::NotEndorsed { .. } | Self::ServiceUrlMismatch | Self::ServiceUrlMissing => 403,
            Self::KeysUnavailable(_) => 503,
            _ => 401,
        }
    }
}

/// The token from an `Authorization` header value: exactly `Bearer <token>`
/// (the scheme compared case-insensitively, as RFC 7235 says, with a single
/// space). `None` or an empty value means no token was sent (the SDK's
/// "Required Authorization token was not supplied").
pub fn bearer_token(authorization: Option<&str>) -> Result<&str, VerifyError> {
    let value = authorization
        .filter(|v| !v.trim().is_empty())
        .ok_or(VerifyError::MissingHeader)?;
    let (scheme, token) = value.split_once(' ').ok_or(VerifyError::WrongScheme)?;
    if !scheme.eq_ignore_ascii_case("Bearer") {
        return Err(VerifyError::WrongScheme);
    }
    if token.is_empty() || token.contains(char::is_whitespace) {
        return Err(VerifyError::Malformed("not a single token"));
    }
    Ok(token)
}

/// One RSA signing key from a JWKS, ready to verify with.
#[derive(Clone)]
pub struct SigningKey {
    /// The `kid` tokens name it by.
    pub kid: String,
    /// The Bot Framework's `endorsements`: the channels the key may sign for
    /// (empty: no restriction).
    pub endorsements: Vec<String>,
    key: DecodingKey,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .field("endorsements", &self.endorsements)
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    /// The key a JWK describes, or `None` when it is not an RSA signing key
    /// usable with RS256 (other key types and `use: enc` keys are skipped,
    /// not errors: a JWKS may publish keys for other purposes).
    fn from_jwk(jwk: wire::Jwk) -> Option<Self> {
        if jwk.kty.0.as_deref() != Some("RSA") {
            return None;
        }
        if jwk.usage.0.is_some_and(|u| u != "sig") {
            return None;
        }
        if jwk.alg.0.is_some_and(|a| a != ALGORITHM) {
            return None;
        }
        let kid = jwk.kid.0?;
        let key = DecodingKey::from_rsa_components(&jwk.n.0?, &jwk.e.0?).ok()?;
        let endorsements = jwk
            .endorsements
            .0
            .unwrap_or_default()
            .into_iter()
            .filter_map(|endorsement| endorsement.0)
            .collect();
        Some(Self {
            kid,
            endorsements,
            key,
        })
    }
}

/// The usable keys of a JWKS document (`{"keys": [...]}`), skipping keys
/// that are not RSA signing keys usable with RS256.
pub fn parse_jwks(body: &[u8]) -> Result<Vec<SigningKey>, &'static str> {
    let jwks: Option<wire::Jwks> = wire::object(body).map_err(|_| "JWKS is not JSON")?;
    let keys = jwks
        .and_then(|jwks| jwks.keys.0)
        .ok_or("JWKS has no keys array")?;
    Ok(keys
        .into_iter()
        .filter_map(|jwk| jwk.0)
        .filter_map(SigningKey::from_jwk)
        .collect())
}

/// The `jwks_uri` of an OpenID metadata document.
pub fn jwks_uri(metadata: &[u8]) -> Result<String, &'static str> {
    let doc: Option<wire::OpenIdConfiguration> =
        wire::object(metadata).map_err(|_| "OpenID metadata is not JSON")?;
    doc.and_then(|doc| doc.jwks_uri.into_option())
        .ok_or("OpenID metadata has no jwks_uri")
}

/// A token split and decoded, its signature not yet checked: nothing in it
/// is to be believed except to choose where to look for the key.
pub struct UnverifiedToken<'a> {
    /// The header's `kid`.
    pub kid: String,
    /// The payload's `iss` (claimed, not verified).
    pub issuer: String,
    signing_input: &'a str,
    signature: &'a str,
    claims: wire::JwtClaims,
}

/// Shows the key id and claimed issuer only: the token itself is a credential.
impl std::fmt::Debug for UnverifiedToken<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UnverifiedToken")
            .field("kid", &self.kid)
            .field("issuer", &self.issuer)
            .finish_non_exhaustive()
    }
}

impl<'a> UnverifiedToken<'a> {
    /// Splits a compact JWS and checks its header: `alg` must be exactly
    /// `RS256`, `kid` must be present, and the payload a JSON object with a
    /// string `iss`.
    pub fn parse(token: &'a str) -> Result<Self, VerifyError> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(VerifyError::Malformed("too long"));
        }
        let mut parts = token.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(VerifyError::Malformed("not three parts"));
        };
        let header: wire::JwtHeader =
            decode_object(header).ok_or(VerifyError::Malformed("header is not a JSON object"))?;
        // The header is attacker-chosen: it may only confirm the pinned
        // algorithm, never select one (`none`, HS256 keyed with the public key).
        match header.alg.0.as_deref() {
            Some(ALGORITHM) => {}
            Some(other) => return Err(VerifyError::Algorithm(printable(other))),
            None => return Err(VerifyError::Malformed("no alg")),
        }
        let kid = header.kid.into_option().ok_or(VerifyError::Malformed("no kid"))?;
        let mut claims: wire::JwtClaims =
            decode_object(payload).ok_or(VerifyError::Malformed("payload is not a JSON object"))?;
        let issuer = claims.iss.0.take().ok_or(VerifyError::Malformed("no iss"))?;
        if signature.is_empty() {
            return Err(VerifyError::Malformed("no signature"));
        }
        let signing_input = &token[..header_len(token)];
        Ok(Self {
            kid: printable(&kid),
            issuer,
            signing_input,
            signature,
            claims,
        })
    }
}

/// The length of `header.payload` in a token already known to have three parts.
fn header_len(token: &str) -> usize {
    token.rfind('.').unwrap_or(token.len())
}

/// A claim or header value shortened and stripped of control characters, for
/// error messages and logs.
fn printable(value: &str) -> String {
    value.chars().filter(|c| !c.is_control()).take(200).collect()
}

/// A base64url part of a token, which must be a JSON object.
fn decode_object<T: serde::de::DeserializeOwned>(part: &str) -> Option<T> {
    let bytes = URL_SAFE_NO_PAD.decode(part).ok()?;
    wire::object(&bytes).ok()?
}

/// The trusted issuer a token claims to be from (exact string match), or
/// [`VerifyError::UntrustedIssuer`]: checked before any key is fetched, so an
/// anonymous caller cannot make the gateway fetch metadata.
pub fn select_issuer<'i>(
    issuer: &str,
    trusted: &'i [TrustedIssuer],
) -> Result<&'i TrustedIssuer, VerifyError> {
    trusted
        .iter()
        .find(|t| t.issuer == issuer)
        .ok_or_else(|| VerifyError::UntrustedIssuer {
            issuer: printable(issuer),
        })
}

/// Checks the signature of `token` with `key` (RS256, pinned) and then its
/// claims: `iss` is `issuer`'s, `aud` is `app_id`, and `now_unix` lies
/// between `nbf` and `exp` give or take [`LEEWAY_SECONDS`]. The claims are
/// read only after the signature holds.
pub fn verify_with_key(
    token: &UnverifiedToken<'_>,
    key: &SigningKey,
    issuer: &TrustedIssuer,
    app_id: &str,
    now_unix: u64,
) -> Result<Verified, VerifyError> {
    if key.kid != token.kid {
        return Err(VerifyError::UnknownKey {
            kid: token.kid.clone(),
        });
    }
    let valid = jsonwebtoken::crypto::verify(
        token.signature,
        token.signing_input.as_bytes(),
        &key.key,
        Algorithm::RS256,
    )
    .unwrap_or(false);
    if !valid {
        return Err(VerifyError::Signature);
    }
    let claims = &token.claims;
    if token.issuer != issuer.issuer {
        return Err(VerifyError::UntrustedIssuer {
            issuer: printable(&token.issuer),
        });
    }
    // The SDK compares `aud` with the app id by hand; an empty app id (the
    // SDK's "auth disabled") must match nothing here.
    let audience = claims.aud.0.as_deref().unwrap_or_default();
    if app_id.is_empty() || audience != app_id {
        return Err(VerifyError::Audience);
    }
    let expires_at = claims.exp.0.ok_or(VerifyError::Expired)?.0;
    if now_unix > expires_at.saturating_add(LEEWAY_SECONDS) {
        return Err(VerifyError::Expired);
    }
    if let Some(nbf) = &claims.nbf {
        let not_before = nbf.0.ok_or(VerifyError::Malformed("nbf is not a number"))?.0;
        if now_unix.saturating_add(LEEWAY_SECONDS) < not_before {
            return Err(VerifyError::NotYetValid);
        }
    }
    let service_url = match &claims.serviceurl {
        None => None,
        Some(Lenient(Some(url))) => Some(url.clone()),
        Some(Lenient(None)) => return Err(VerifyError::Malformed("serviceurl is not a string")),
    };
    if issuer.requires_service_url && service_url.is_none() {
        return Err(VerifyError::ServiceUrlMissing);
    }
    let tenant = claims.tid.0.clone();
    Ok(Verified {
        claims: Claims {
            issuer: token.issuer.clone(),
            audience: audience.to_owned(),
            service_url,
            expires_at,
            tenant,
        },
        endorsements: key.endorsements.clone(),
        requires_service_url: issuer.requires_service_url,
    })
}

/// After the token passed: binds it to the activity it came with.
///
/// The signing key must be endorsed for `channel_id` when it lists any
/// endorsements (the SDK's rule; an empty channel id matches no endorsement,
/// stricter than the SDK, which skips the check). The `serviceurl` claim must
/// equal `service_url` exactly, so that a token minted for one Connector
/// endpoint cannot steer replies to another; a token without the claim passes
/// only when its issuer does not require it.
pub fn check_activity(verified: &Verified, service_url: &str, channel_id: &str) -> Result<(), VerifyError> {
    if !verified.endorsements.is_empty() && !verified.endorsements.iter().any(|e| e == channel_id) {
        return Err(VerifyError::NotEndorsed {
            channel: printable(channel_id),
        });
    }
    match &verified.claims.service_url {
        Some(claimed) if claimed == service_url => Ok(()),
        Some(_) => Err(VerifyError::ServiceUrlMismatch),
        None if verified.requires_service_url => Err(VerifyError::ServiceUrlMissing),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests;
