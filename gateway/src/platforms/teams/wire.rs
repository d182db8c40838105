//! The JSON the Teams code reads besides activities (those are in
//! `activity/wire.rs`): the JWT's header and claims, the OpenID metadata and
//! the JWKS ([`super::verify`]), the identity platform's token answers
//! ([`super::token`]) and the Bot Connector's answers ([`super::client`]).
//!
//! Every field is lenient (see [`crate::platforms::json`]): a missing or
//! mistyped field reads as absent, and the code that uses it says what that
//! means. Documents and nested objects must be JSON objects ([`Object`]).

use serde::{Deserialize, Deserializer, de::DeserializeOwned};
use serde_json::Value;

use crate::platforms::http::Refusal;
use crate::platforms::json::{self, Lenient, Text};

/// A JSON object read as `T`: absent when it is not an object (a struct
/// would otherwise also read an array, element by element).
#[derive(Debug)]
pub(super) struct Object<T>(pub Option<T>);

impl<T> Default for Object<T> {
    fn default() -> Self {
        Object(None)
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Object(match Value::deserialize(deserializer)? {
            Value::Object(members) => T::deserialize(members).ok(),
            _ => None,
        }))
    }
}

/// A document that must be a JSON object: `Err` when it is not JSON,
/// `Ok(None)` when it is JSON of another shape.
pub(super) fn object<T: DeserializeOwned>(bytes: &[u8]) -> Result<Option<T>, serde_json::Error> {
    serde_json::from_slice::<Object<T>>(bytes).map(|object| object.0)
}

/// A document read as `T`, empty when it is not JSON or not an object.
pub(super) fn object_or_empty<T: DeserializeOwned + Default>(bytes: &[u8]) -> T {
    json::object(bytes).unwrap_or_default()
}

/// For an optional field that must have the right shape when present: a
/// field present with any value (even `null`) is `Some`, so that a mistyped
/// one can be told from a missing one.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<Option<T>, D::Error> {
    T::deserialize(deserializer).map(Some)
}

/// A JWT's header.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct JwtHeader {
    /// Any string, even an empty one: only `RS256` passes.
    pub alg: Lenient<String>,
    pub kid: Text,
}

/// A JWT's claims, as read before and after the signature check.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct JwtClaims {
    pub iss: Lenient<String>,
    pub aud: Lenient<String>,
    pub exp: Lenient<NumericDate>,
    #[serde(deserialize_with = "present")]
    pub nbf: Option<Lenient<NumericDate>>,
    #[serde(deserialize_with = "present")]
    pub serviceurl: Option<Lenient<String>>,
    pub tid: Lenient<String>,
}

/// A JSON number as it comes.
#[derive(Deserialize)]
#[serde(untagged)]
enum Number {
    Whole(u64),
    Fraction(f64),
}

/// A NumericDate: whole seconds (a fractional value is truncated, a negative
/// one refused).
#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(try_from = "Number")]
pub(super) struct NumericDate(pub u64);

impl TryFrom<Number> for NumericDate {
    type Error = &'static str;

    fn try_from(number: Number) -> Result<Self, Self::Error> {
        match number {
            Number::Whole(seconds) => Ok(NumericDate(seconds)),
            Number::Fraction(f) if f.is_finite() && f >= 0.0 && f < u64::MAX as f64 => {
                Ok(NumericDate(f as u64))
            }
            Number::Fraction(_) => Err("not a NumericDate"),
        }
    }
}

/// An OpenID metadata document.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct OpenIdConfiguration {
    pub jwks_uri: Text,
}

/// A JWKS document.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Jwks {
    pub keys: Lenient<Vec<Object<Jwk>>>,
}

/// One key of a JWKS. Empty strings are kept: whether they do is the key's
/// business ([`super::verify`]).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Jwk {
    pub kty: Lenient<String>,
    #[serde(rename = "use")]
    pub usage: Lenient<String>,
    pub alg: Lenient<String>,
    pub kid: Lenient<String>,
    pub n: Lenient<String>,
    pub e: Lenient<String>,
    /// The Bot Framework's channels; items that are not strings are left out.
    pub endorsements: Lenient<Vec<Lenient<String>>>,
}

/// The identity platform's answer to a token request.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct TokenAnswer {
    pub access_token: Text,
    pub expires_in: Lenient<Lifetime>,
}

/// `expires_in`: seconds, as a number or a string of digits.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(super) enum Lifetime {
    Seconds(u64),
    Text(String),
}

impl Lifetime {
    /// The seconds, if they are a whole number.
    pub fn seconds(&self) -> Option<u64> {
        match self {
            Lifetime::Seconds(seconds) => Some(*seconds),
            Lifetime::Text(text) => text.trim().parse().ok(),
        }
    }
}

/// The identity platform's refusal (`{"error","error_description","error_codes"}`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct TokenError {
    /// Any string, even an empty one.
    pub error: Lenient<String>,
    pub error_description: Text,
    /// The AADSTS codes; items that are not whole numbers are left out.
    pub error_codes: Lenient<Vec<Lenient<u64>>>,
}

/// The Bot Connector's `ErrorResponse`: `{"error":{"code","message"}}`, or
/// a bare `{"error":"code"}`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct ApiError {
    error: Lenient<ErrorField>,
}

/// The `error` of an [`ApiError`]: a code, or an object with one.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum ErrorField {
    Code(String),
    // Any other shape: only an object's non-empty `code` counts.
    Body(Object<ErrorBody>),
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ErrorBody {
    code: Text,
}

impl Refusal for ApiError {
    fn code(self) -> Option<String> {
        match self.error.0? {
            ErrorField::Code(code) => Some(code),
            ErrorField::Body(body) => body.0?.code.into_option(),
        }
    }
}

/// The Bot Connector's `ResourceResponse`: the id of what was created.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct ResourceResponse {
    pub id: Text,
}
