//! Webex webhook signing: `X-Spark-Signature` is the lowercase hex
//! HMAC-SHA1 of the raw request body, keyed with the secret given when the
//! webhook was registered.
//!
//! Checked before anything else looks at the request, on the raw bytes as
//! received: a body that was parsed and re-encoded no longer matches (see
//! `NEG_reserialized_body` in `shared/vectors/webex.json`). There is no
//! timestamp, so a captured delivery could be replayed: the server dedupes on
//! the event's `data.id`.
//!
//! No Webex SDK ships a verifier; the vectors were recorded with Python's
//! `hmac.new(secret, body, sha1).hexdigest()` and `openssl dgst -sha1 -hmac`,
//! and Webex's own example compares that lowercase hex text with the header.
//! So does this module: uppercase hex is refused as malformed.

use hmac::{Hmac, Mac};
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
        let signature = sign(SECRET, b"{\"a\":1}");
        assert_eq!(verify(SECRET, Some(&signature), b"{\"a\":1}"), Ok(()));
        assert_eq!(
            verify(SECRET, Some(&signature), b"{\"a\":2}"),
            Err(VerifyError::BadSignature)
        );
        assert_eq!(
            verify(SECRET, Some(&signature), b"{\"a\": 1}"),
            Err(VerifyError::BadSignature)
        );
        assert_eq!(
            verify(b"other", Some(&signature), b"{\"a\":1}"),
            Err(VerifyError::BadSignature)
        );
        let mut flipped = signature.clone().into_bytes();
        flipped[7] = if flipped[7] == b'0' { b'1' } else { b'0' };
        let flipped = String::from_utf8(flipped).unwrap();
        assert_eq!(
            verify(SECRET, Some(&flipped), b"{\"a\":1}"),
            Err(VerifyError::BadSignature)
        );
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
    fn no_reason_reveals_the_expected_signature() {
        let good = sign(SECRET, b"x");
        let err = verify(SECRET, Some(&sign(SECRET, b"y")), b"x").unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains(&good[..10]), "{shown}");
        assert!(!shown.contains("made-up"), "{shown}");
    }
}
