//! Slack request signing (v0): HMAC-SHA256 over `v0:{timestamp}:{raw body}`.
//!
//! Checked before anything else looks at the request. Unlike the Nautobot
//! ChatOps app, a timestamp more than five minutes away from now, in either
//! direction, is refused, so a captured request cannot be replayed later.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// How far a request's timestamp may be from now, in seconds (Slack's own figure).
pub const MAX_SKEW_SECS: i64 = 300;

/// Why a request is not Slack's. Short reasons, safe to return to the caller:
/// none contains the secret or the expected signature.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// No `X-Slack-Request-Timestamp` header.
    #[error("missing X-Slack-Request-Timestamp")]
    MissingTimestamp,
    /// No `X-Slack-Signature` header.
    #[error("missing X-Slack-Signature")]
    MissingSignature,
    /// The timestamp is not a number.
    #[error("malformed X-Slack-Request-Timestamp")]
    MalformedTimestamp,
    /// The timestamp is more than five minutes from now.
    #[error("stale or future X-Slack-Request-Timestamp")]
    StaleTimestamp,
    /// The signature is not `v0=` and 64 hex digits.
    #[error("malformed X-Slack-Signature")]
    MalformedSignature,
    /// The signature does not match.
    #[error("signature mismatch")]
    BadSignature,
}

/// Checks a request against the app's signing secret at time `now_unix`.
pub fn verify(
    signing_secret: &[u8],
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    now_unix: i64,
) -> Result<(), VerifyError> {
    let timestamp = timestamp.ok_or(VerifyError::MissingTimestamp)?;
    let signature = signature.ok_or(VerifyError::MissingSignature)?;
    let sent_at: i64 = timestamp
        .trim()
        .parse()
        .map_err(|_| VerifyError::MalformedTimestamp)?;
    if now_unix.abs_diff(sent_at) > MAX_SKEW_SECS as u64 {
        return Err(VerifyError::StaleTimestamp);
    }
    let hex_digits = signature
        .strip_prefix("v0=")
        .ok_or(VerifyError::MalformedSignature)?;
    let expected = hex::decode(hex_digits).map_err(|_| VerifyError::MalformedSignature)?;
    if expected.len() != 32 {
        return Err(VerifyError::MalformedSignature);
    }
    // `verify_slice` compares in constant time.
    mac(signing_secret, timestamp.trim(), body)
        .verify_slice(&expected)
        .map_err(|_| VerifyError::BadSignature)
}

/// The `X-Slack-Signature` value Slack would send for `body` at `timestamp`.
pub fn sign(signing_secret: &[u8], timestamp: &str, body: &[u8]) -> String {
    format!(
        "v0={}",
        hex::encode(mac(signing_secret, timestamp, body).finalize().into_bytes())
    )
}

fn mac(signing_secret: &[u8], timestamp: &str, body: &[u8]) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(signing_secret).expect("HMAC takes any key length");
    mac.update(b"v0:");
    mac.update(timestamp.as_bytes());
    mac.update(b":");
    mac.update(body);
    mac
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"8f742231b10e8888abcd99yyyzzz85a5";
    const NOW: i64 = 1_531_420_618;

    fn check(timestamp: Option<&str>, signature: Option<&str>, body: &[u8]) -> Result<(), VerifyError> {
        verify(SECRET, timestamp, signature, body, NOW)
    }

    #[test]
    fn a_signed_request_verifies_and_any_change_breaks_it() {
        let signature = sign(SECRET, "1531420618", b"a=b");
        assert_eq!(check(Some("1531420618"), Some(&signature), b"a=b"), Ok(()));
        assert_eq!(
            check(Some("1531420618"), Some(&signature), b"a=c"),
            Err(VerifyError::BadSignature)
        );
        assert_eq!(
            check(Some("1531420617"), Some(&signature), b"a=b"),
            Err(VerifyError::BadSignature)
        );
        assert_eq!(
            verify(b"other", Some("1531420618"), Some(&signature), b"a=b", NOW),
            Err(VerifyError::BadSignature)
        );
    }

    #[test]
    fn the_window_is_five_minutes_each_way() {
        for (offset, ok) in [(-300, true), (300, true), (-301, false), (301, false)] {
            let timestamp = (NOW + offset).to_string();
            let signature = sign(SECRET, &timestamp, b"x");
            let expected = if ok {
                Ok(())
            } else {
                Err(VerifyError::StaleTimestamp)
            };
            assert_eq!(
                check(Some(&timestamp), Some(&signature), b"x"),
                expected,
                "{offset}"
            );
        }
    }

    #[test]
    fn missing_and_malformed_headers_are_named() {
        let good = sign(SECRET, "1531420618", b"x");
        assert_eq!(check(None, Some(&good), b"x"), Err(VerifyError::MissingTimestamp));
        assert_eq!(
            check(Some("1531420618"), None, b"x"),
            Err(VerifyError::MissingSignature)
        );
        assert_eq!(
            check(Some("soon"), Some(&good), b"x"),
            Err(VerifyError::MalformedTimestamp)
        );
        for bad in ["v1=00", "v0=zz", "v0=abcd", &good[3..], ""] {
            assert_eq!(
                check(Some("1531420618"), Some(bad), b"x"),
                Err(VerifyError::MalformedSignature),
                "{bad}"
            );
        }
    }
}
