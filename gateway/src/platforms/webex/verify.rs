//! Webex webhook signing: `X-Spark-Signature` is the lowercase hex
//! HMAC-SHA1 of the raw request body, keyed with the secret given when the
//! webhook was registered.
//!
//! Checked before anything else looks at the request, on the raw bytes as
//! received: a body that was parsed and re-encoded no longer matches (see
//! `NEG_reserialized_body` in `testkit/vectors/webex.json`). No header
//! carries a timestamp, so a captured delivery could be replayed; the signed
//! body does say when the message was created (`data.created`), and
//! [`check_created`] bounds the replay to a window after that, within which
//! the server runs each `data.id` once.
//!
//! No Webex SDK ships a verifier; the vectors were recorded with Python's
//! `hmac.new(secret, body, sha1).hexdigest()` and `openssl dgst -sha1 -hmac`,
//! and Webex's own example compares that lowercase hex text with the header.
//! So does this module: uppercase hex is refused as malformed.

use hmac::{Hmac, Mac};
use k8s_openapi::jiff::Timestamp;
use sha1::Sha1;
use subtle::ConstantTimeEq;

type HmacSha1 = Hmac<Sha1>;

/// The name of the header carrying the signature.
pub const SIGNATURE_HEADER: &str = "X-Spark-Signature";

/// The length of a signature: 40 hex digits (SHA-1's 20 bytes).
const SIGNATURE_LEN: usize = 40;

/// Why a delivery is not Webex's. Short reasons, safe to log and to return to
/// the caller: none contains the secret, the body or the expected signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// No `X-Spark-Signature` header (the webhook was registered without a secret?).
    #[error("missing X-Spark-Signature")]
    MissingSignature,
    /// The signature is not 40 lowercase hex digits.
    #[error("malformed X-Spark-Signature")]
    MalformedSignature,
    /// The signature does not match the body.
    #[error("signature mismatch")]
    BadSignature,
    /// The configured webhook secret is empty: nothing can be verified with it.
    #[error("no webhook secret configured")]
    NoWebhookSecret,
}

/// How long after its message was created a delivery is accepted, in
/// seconds: five minutes, as Slack's window. Webex delivers within seconds;
/// a delivery older than this is a replay or a redelivery too late to run.
pub const MAX_AGE_SECS: i64 = 300;

/// How far in the future `data.created` may be, in seconds: Webex's clock
/// and this host's may disagree a little, but not by minutes.
pub const MAX_FUTURE_SECS: i64 = 60;

/// Why a signed delivery is not run for its `data.created`. Short reasons,
/// safe to log: none quotes the body.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CreatedError {
    /// No `data.created`: the delivery's age cannot be told.
    #[error("missing field data.created")]
    Missing,
    /// `data.created` is not an RFC 3339 time.
    #[error("malformed data.created")]
    Malformed,
    /// Created more than [`MAX_AGE_SECS`] before now.
    #[error("the message was created more than 5 minutes ago")]
    Stale,
    /// Created more than [`MAX_FUTURE_SECS`] after now.
    #[error("the message is dated more than a minute in the future")]
    FromTheFuture,
}

/// Checks a delivery's `data.created` (RFC 3339, e.g.
/// `2026-01-10T12:00:00.000Z`) at `now_unix`: it must lie between
/// [`MAX_AGE_SECS`] before now and [`MAX_FUTURE_SECS`] after, both
/// inclusive. Returns the Unix second until which the delivery stays
/// acceptable (`created` + [`MAX_AGE_SECS`]): how long its ID must be
/// remembered for a replay to be caught.
pub fn check_created(created: Option<&str>, now_unix: i64) -> Result<i64, CreatedError> {
    let created = created.ok_or(CreatedError::Missing)?;
    let at = created
        .trim()
        .parse::<Timestamp>()
        .map_err(|_| CreatedError::Malformed)?
        .as_second();
    if now_unix.saturating_sub(at) > MAX_AGE_SECS {
        return Err(CreatedError::Stale);
    }
    if at.saturating_sub(now_unix) > MAX_FUTURE_SECS {
        return Err(CreatedError::FromTheFuture);
    }
    Ok(at.saturating_add(MAX_AGE_SECS))
}

/// Checks a delivery against the webhook secret.
///
/// `signature` is the `X-Spark-Signature` header value (`None` when absent);
/// `body` is the raw request body.
pub fn verify(webhook_secret: &[u8], signature: Option<&str>, body: &[u8]) -> Result<(), VerifyError> {
    // An empty key is a valid HMAC key that anybody can sign with, so a
    // misconfigured platform must refuse everything rather than accept forgeries.
    if webhook_secret.is_empty() {
        return Err(VerifyError::NoWebhookSecret);
    }
    let signature = signature.ok_or(VerifyError::MissingSignature)?;
    let well_formed =
        signature.len() == SIGNATURE_LEN && signature.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if !well_formed {
        return Err(VerifyError::MalformedSignature);
    }
    let expected = sign(webhook_secret, body);
    if bool::from(expected.as_bytes().ct_eq(signature.as_bytes())) {
        Ok(())
    } else {
        Err(VerifyError::BadSignature)
    }
}

/// The `X-Spark-Signature` value Webex sends for `body`: the lowercase hex
/// HMAC-SHA1 of the body keyed with the webhook secret.
///
/// Used by [`verify`], by tests, and to send a signed delivery by hand.
pub fn sign(webhook_secret: &[u8], body: &[u8]) -> String {
    let mut mac = HmacSha1::new_from_slice(webhook_secret).expect("HMAC takes a key of any length");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"made-up-webhook-secret-123";

    #[test]
    fn rfc_2202_test_case_2_signs() {
        // HMAC-SHA1 known answer (RFC 2202, test case 2), independent of the vectors.
        assert_eq!(
            sign(b"Jefe", b"what do ya want for nothing?"),
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"
        );
    }

    #[test]
    fn a_signed_body_verifies_and_any_change_breaks_it() {
        let body: &[u8] = b"{\"a\":1}";
        let signature = sign(SECRET, body);
        assert_eq!(verify(SECRET, Some(&signature), body), Ok(()));
        let mut flipped = signature.clone().into_bytes();
        flipped[7] = if flipped[7] == b'0' { b'1' } else { b'0' };
        let flipped = String::from_utf8(flipped).unwrap();
        for (secret, signature, body) in [
            (SECRET, &signature, &b"{\"a\":2}"[..]),
            (SECRET, &signature, b"{\"a\": 1}"),
            (b"other", &signature, body),
            (SECRET, &flipped, body),
        ] {
            assert_eq!(
                verify(secret, Some(signature), body),
                Err(VerifyError::BadSignature)
            );
        }
    }

    #[test]
    fn a_missing_signature_is_named() {
        assert_eq!(verify(SECRET, None, b"x"), Err(VerifyError::MissingSignature));
    }

    #[test]
    fn malformed_signatures_are_named() {
        let good = sign(SECRET, b"x");
        let upper = good.to_uppercase();
        let prefixed = format!("sha1={good}");
        let short = &good[..good.len() - 2];
        let long = format!("{good}00");
        let non_hex = format!("{}zz", &good[..good.len() - 2]);
        let non_ascii = format!("{}é", &good[..good.len() - 2]);
        let padded = format!(" {}", &good[1..]);
        for bad in ["", &upper, &prefixed, short, &long, &non_hex, &non_ascii, &padded] {
            assert_eq!(
                verify(SECRET, Some(bad), b"x"),
                Err(VerifyError::MalformedSignature),
                "{bad}"
            );
        }
    }

    #[test]
    fn an_empty_secret_verifies_nothing() {
        let forged = sign(b"", b"x");
        assert_eq!(
            verify(b"", Some(&forged), b"x"),
            Err(VerifyError::NoWebhookSecret)
        );
    }

    #[test]
    fn a_delivery_is_accepted_for_five_minutes_after_its_message_was_created() {
        let created = Some("2026-01-10T12:00:00.000Z");
        let at = 1_768_046_400; // 2026-01-10T12:00:00Z
        for (now, verdict) in [
            (at, Ok(at + 300)),
            (at + 300, Ok(at + 300)),
            (at + 301, Err(CreatedError::Stale)),
            (at + 86_400, Err(CreatedError::Stale)),
            (at - 60, Ok(at + 300)),
            (at - 61, Err(CreatedError::FromTheFuture)),
        ] {
            assert_eq!(check_created(created, now), verdict, "{}", now - at);
        }
        // Other precisions and offsets of RFC 3339 mean the same second.
        for same in [
            "2026-01-10T12:00:00Z",
            "2026-01-10T13:00:00.000+01:00",
            " 2026-01-10T12:00:00.999Z",
        ] {
            assert_eq!(check_created(Some(same), at), Ok(at + 300), "{same}");
        }
    }

    #[test]
    fn a_missing_or_malformed_creation_time_is_named() {
        assert_eq!(check_created(None, 0), Err(CreatedError::Missing));
        for bad in [
            "",
            "yesterday",
            "2026-01-10",
            "1768046400",
            "2026-13-10T12:00:00Z",
        ] {
            assert_eq!(check_created(Some(bad), 0), Err(CreatedError::Malformed), "{bad}");
        }
        // Far-away values must not overflow the comparisons.
        assert_eq!(
            check_created(Some("2026-01-10T12:00:00Z"), i64::MIN),
            Err(CreatedError::FromTheFuture)
        );
        assert_eq!(
            check_created(Some("2026-01-10T12:00:00Z"), i64::MAX),
            Err(CreatedError::Stale)
        );
    }

    #[test]
    fn no_reason_reveals_the_expected_signature() {
        let good = sign(SECRET, b"x");
        let err = verify(SECRET, Some(&sign(SECRET, b"y")), b"x").unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains(&good[..10]), "{shown}");
        assert!(!shown.contains("made-up"), "{shown}");
    }
}
