//! Slack request signing (v0): HMAC-SHA256 over `v0:{timestamp}:{raw body}`.
//!
//! Checked before anything else looks at the request, on the raw bytes as
//! received: a body that was parsed and re-encoded no longer matches. A
//! timestamp more than five minutes away from now, in either direction, is
//! refused, so a captured request cannot be replayed later.
//!
//! The verdicts follow Slack's own SDK (`slack_sdk.signature.SignatureVerifier`),
//! which the vectors in `testkit/vectors/slack.json` were recorded with.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

type HmacSha256 = Hmac<Sha256>;

/// How far a request's timestamp may be from now, in seconds (Slack's own
/// figure). Exactly this far is still accepted, as slack_sdk does.
pub const MAX_SKEW_SECS: u64 = 300;

/// The length of a signature header: `v0=` and 64 hex digits.
const SIGNATURE_LEN: usize = 3 + 64;

/// Why a request is not Slack's. Short reasons, safe to log and to return to
/// the caller: none contains the secret, the body or the expected signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// No `X-Slack-Request-Timestamp` header.
    #[error("missing X-Slack-Request-Timestamp")]
    MissingTimestamp,
    /// No `X-Slack-Signature` header.
    #[error("missing X-Slack-Signature")]
    MissingSignature,
    /// The timestamp is not a whole number of seconds.
    #[error("malformed X-Slack-Request-Timestamp")]
    MalformedTimestamp,
    /// The timestamp is more than five minutes before or after now.
    #[error("X-Slack-Request-Timestamp is more than 5 minutes from now")]
    StaleTimestamp,
    /// The signature is not `v0=` followed by 64 lowercase hex digits.
    #[error("malformed X-Slack-Signature")]
    MalformedSignature,
    /// The signature does not match the body.
    #[error("signature mismatch")]
    BadSignature,
    /// The configured signing secret is empty: nothing can be verified with it.
    #[error("no signing secret configured")]
    NoSigningSecret,
}

/// Checks a request against the app's signing secret at time `now_unix`.
///
/// `timestamp` and `signature` are the `X-Slack-Request-Timestamp` and
/// `X-Slack-Signature` header values (`None` when absent); `body` is the raw
/// request body. The checks run in slack_sdk's order: headers present,
/// timestamp within [`MAX_SKEW_SECS`], then the signature.
pub fn verify(
    signing_secret: &[u8],
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    now_unix: i64,
) -> Result<(), VerifyError> {
    // An empty key is a valid HMAC key that anybody can sign with, so a
    // misconfigured app must refuse everything rather than accept forgeries.
    if signing_secret.is_empty() {
        return Err(VerifyError::NoSigningSecret);
    }
    let timestamp = timestamp.ok_or(VerifyError::MissingTimestamp)?;
    let signature = signature.ok_or(VerifyError::MissingSignature)?;
    let sent_at: i64 = timestamp
        .trim()
        .parse()
        .map_err(|_| VerifyError::MalformedTimestamp)?;
    if now_unix.abs_diff(sent_at) > MAX_SKEW_SECS {
        return Err(VerifyError::StaleTimestamp);
    }
    // slack_sdk compares the header text with the lowercase hex it computes, so
    // uppercase digits or any other shape never match; say so before hashing.
    let well_formed = signature.len() == SIGNATURE_LEN
        && signature.starts_with("v0=")
        && signature[3..]
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if !well_formed {
        return Err(VerifyError::MalformedSignature);
    }
    // The timestamp is hashed exactly as sent, as Slack signed it.
    let expected = sign(signing_secret, timestamp, body);
    if bool::from(expected.as_bytes().ct_eq(signature.as_bytes())) {
        Ok(())
    } else {
        Err(VerifyError::BadSignature)
    }
}

/// The `X-Slack-Signature` value Slack sends for `body` at `timestamp`:
/// `v0=` and the lowercase hex HMAC-SHA256 of `v0:{timestamp}:{body}`.
///
/// Used by [`verify`], by tests, and to send a signed request by hand.
pub fn sign(signing_secret: &[u8], timestamp: &str, body: &[u8]) -> String {
    let mut mac = HmacSha256::new_from_slice(signing_secret).expect("HMAC takes a key of any length");
    mac.update(b"v0:");
    mac.update(timestamp.as_bytes());
    mac.update(b":");
    mac.update(body);
    format!("v0={}", hex::encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"8f742231b10e8888abcd99yyyzzz85a5";
    const NOW: i64 = 1_531_420_618;
    const TS: &str = "1531420618";

    fn check(timestamp: Option<&str>, signature: Option<&str>, body: &[u8]) -> Result<(), VerifyError> {
        verify(SECRET, timestamp, signature, body, NOW)
    }

    #[test]
    fn slacks_documented_example_signs_and_verifies() {
        let body = b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
        let signature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
        assert_eq!(sign(SECRET, TS, body), signature);
        assert_eq!(check(Some(TS), Some(signature), body), Ok(()));
    }

    #[test]
    fn a_signed_request_verifies_and_anything_wrong_is_named() {
        use VerifyError::*;
        let good = sign(SECRET, TS, b"a=b");
        assert_eq!(check(Some(TS), Some(&good), b"a=b"), Ok(()));
        let mut flipped = good.clone().into_bytes();
        flipped[10] = if flipped[10] == b'0' { b'1' } else { b'0' };
        let flipped = String::from_utf8(flipped).unwrap();
        let forged = sign(b"", TS, b"a=b");
        // (secret, timestamp, signature, body, error)
        let cases: [(&[u8], _, _, &[u8], _); 10] = [
            (SECRET, Some(TS), Some(good.as_str()), b"a=c", BadSignature),
            (SECRET, Some(TS), Some(&good), b"a=b ", BadSignature),
            (SECRET, Some("1531420617"), Some(&good), b"a=b", BadSignature),
            (b"other", Some(TS), Some(&good), b"a=b", BadSignature),
            (SECRET, Some(TS), Some(&flipped), b"a=b", BadSignature),
            // The timestamp is checked first (as slack_sdk does), so the reason is the clock.
            (SECRET, Some("1"), Some("v0=zz"), b"a=b", StaleTimestamp),
            (SECRET, None, Some(&good), b"a=b", MissingTimestamp),
            (SECRET, Some(TS), None, b"a=b", MissingSignature),
            (SECRET, None, None, b"a=b", MissingTimestamp),
            (b"", Some(TS), Some(&forged), b"a=b", NoSigningSecret),
        ];
        for (secret, timestamp, signature, body, error) in cases {
            let verdict = verify(secret, timestamp, signature, body, NOW);
            assert_eq!(verdict, Err(error), "{timestamp:?} {signature:?} {body:?}");
        }
    }

    #[test]
    fn the_window_is_five_minutes_each_way_inclusive() {
        for (offset, ok) in [
            (0, true),
            (-300, true),
            (300, true),
            (-301, false),
            (301, false),
            (400, false),
        ] {
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
        // Far-away values must not overflow the comparison.
        for timestamp in [i64::MIN.to_string(), i64::MAX.to_string()] {
            let signature = sign(SECRET, &timestamp, b"x");
            assert_eq!(
                check(Some(&timestamp), Some(&signature), b"x"),
                Err(VerifyError::StaleTimestamp)
            );
        }
    }

    #[test]
    fn malformed_timestamps_are_named() {
        let good = sign(SECRET, TS, b"x");
        for bad in ["", "soon", "1531420618.5", "0x5b47a1ca", "99999999999999999999"] {
            assert_eq!(
                check(Some(bad), Some(&good), b"x"),
                Err(VerifyError::MalformedTimestamp),
                "{bad}"
            );
        }
    }

    #[test]
    fn malformed_signatures_are_named() {
        let good = sign(SECRET, TS, b"x");
        let upper = format!("v0={}", good[3..].to_uppercase());
        let v1 = format!("v1={}", &good[3..]);
        let short = &good[..good.len() - 2];
        let long = format!("{good}00");
        let non_hex = format!("{}zz", &good[..good.len() - 2]);
        let non_ascii = format!("{}é", &good[..good.len() - 2]);
        for bad in [
            "",
            "v0=",
            &good[3..],
            &upper,
            &v1,
            short,
            &long,
            &non_hex,
            &non_ascii,
        ] {
            assert_eq!(
                check(Some(TS), Some(bad), b"x"),
                Err(VerifyError::MalformedSignature),
                "{bad}"
            );
        }
    }

    #[test]
    fn no_reason_reveals_the_expected_signature() {
        let good = sign(SECRET, TS, b"x");
        let err = check(Some(TS), Some(&sign(SECRET, TS, b"y")), b"x").unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains(&good[3..13]), "{shown}");
        assert!(!shown.contains("8f742231"), "{shown}");
    }
}
