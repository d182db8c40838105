//! Signed continuations: the state of a half-finished command, carried by the prompt itself.
//!
//! The Nautobot app puts the partial command in clear text into the prompt's `action_id`; a
//! user who edits it runs whatever they like, and long commands overflow Slack's 255
//! characters. Here the prompt carries a compact token instead: version, issue time, platform,
//! user, command, sub-command and arguments, then a truncated HMAC-SHA256 tag over all of it,
//! base64url-encoded. Any replica holding the platform's secret can check and resume it, and
//! nobody else can make one.
//!
//! ```text
//! token = base64url(body || tag)        no padding
//! body  = 0x01 issued_at platform user command subcommand n_args arg*
//!         numbers as LEB128 varints, strings as varint length + UTF-8
//! tag   = HMAC-SHA256(key, body)[..16]
//! ```

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chatops_crds::config::{PlatformCredentials, SecretKey};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::model::Continuation;

type HmacSha256 = Hmac<Sha256>;

/// The format version, first byte of every token.
/// Version 2 added the channel; a version-1 prompt still open at an upgrade is
/// refused as unsupported and the user runs the command again.
const VERSION: u8 = 2;
/// Bytes of the HMAC-SHA256 tag kept: 128 bits, as RFC 4868's HMAC-SHA-256-128.
const TAG_LEN: usize = 16;
/// How far in the future a token's issue time may be, for clocks of replicas that disagree.
pub const MAX_CLOCK_SKEW_SECS: u64 = 60;
/// Tokens longer than this are refused before any work is done on them.
const MAX_TOKEN_LEN: usize = 8 * 1024;
/// What the per-platform key is derived with; a new meaning gets a new label.
const KEY_LABEL: &[u8] = b"chatops continuation v1";

/// The menu answer that cancels the prompt.
pub const CANCEL_VALUE: &str = "__cancel__";
/// The prefix of the menu answer asking for another page: `__more__:{offset}`.
pub const MORE_PREFIX: &str = "__more__:";

/// Why a continuation token was refused. The `Display` is a sentence for the user.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ContinuationError {
    /// Not a token this gateway makes (bad base64, truncated, too long).
    #[error("this prompt's data is damaged")]
    Malformed,
    /// Made by another version of the gateway.
    #[error("this prompt comes from another version of the gateway")]
    UnsupportedVersion(u8),
    /// The tag does not match: the token was altered or signed with another key.
    #[error("this prompt's signature is not valid")]
    BadSignature,
    /// Older than the platform's `sessionCacheTimeout`.
    #[error("this prompt has expired")]
    Expired,
    /// Issued later than now, beyond the allowed clock skew.
    #[error("this prompt is dated in the future")]
    FromTheFuture,
    /// Issued on another ChatPlatform.
    #[error("this prompt belongs to another chat platform")]
    WrongPlatform,
    /// Issued to another user: only they may answer it.
    #[error("this prompt was sent to someone else")]
    WrongUser,
}

/// The continuation key of a platform, derived from the platform's own verification secret so
/// that every replica computes the same key without extra configuration, and a leaked
/// continuation key does not reveal the secret.
pub fn derive_key(platform_secret: &str) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(platform_secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(KEY_LABEL);
    mac.finalize().into_bytes().into()
}

/// Which of a platform's secrets its continuation key is derived from: the one that
/// authenticates inbound requests (Slack signing secret, Webex webhook secret), or for
/// platforms without one, the credential that is stable across restarts (the Teams app
/// password, the Mattermost bot token; slash tokens may be several and rotate; a Slack
/// app in Socket Mode, whose connections its app-level token opens, that token).
pub fn continuation_secret(credentials: &PlatformCredentials) -> &SecretKey {
    match credentials {
        PlatformCredentials::Slack {
            signing_secret,
            socket,
            bot_token,
            ..
        } => signing_secret
            .as_ref()
            .or(socket.as_ref().map(|socket| &socket.app_token))
            .unwrap_or(bot_token),
        PlatformCredentials::Msteams { app_password, .. } => app_password,
        PlatformCredentials::Webex { webhook_secret, .. } => webhook_secret,
        PlatformCredentials::Mattermost { bot_token, .. } => bot_token,
    }
}

/// Encodes and signs `continuation` with `key`.
pub fn sign(continuation: &Continuation, key: &[u8]) -> String {
    let mut body = vec![VERSION];
    put_varint(&mut body, continuation.issued_at);
    for text in [
        &continuation.platform,
        &continuation.user,
        &continuation.command,
        &continuation.subcommand,
        continuation.channel.as_deref().unwrap_or_default(),
    ] {
        put_str(&mut body, text);
    }
    put_varint(&mut body, continuation.arguments.len() as u64);
    for argument in &continuation.arguments {
        put_str(&mut body, argument);
    }
    seal(body, key)
}

/// Appends the tag of `body` (version byte included) and encodes the token. Visible to the
/// tests, which sign bodies [`sign`] would never write.
pub(super) fn seal(mut body: Vec<u8>, key: &[u8]) -> String {
    let tag = mac(key, &body).finalize().into_bytes();
    body.extend_from_slice(&tag[..TAG_LEN]);
    URL_SAFE_NO_PAD.encode(body)
}

/// Signs arbitrary `body` bytes (version byte first) as [`sign`] signs an encoded
/// continuation, so that the fuzz targets reach what [`verify`] decodes after the tag
/// holds: a leaked key or a bug in [`sign`] would let such bytes through. Built only
/// under `cfg(fuzzing)` (cargo fuzz), never into the gateway.
#[cfg(fuzzing)]
pub fn sign_raw_body(body: &[u8], key: &[u8]) -> String {
    seal(body.to_vec(), key)
}

/// Checks `token` and decodes it: it must be signed with `key`, issued to `expected_user` on
/// `expected_platform`, at most `max_age_secs` ago and not more than
/// [`MAX_CLOCK_SKEW_SECS`] ahead of `now` (Unix seconds).
pub fn verify(
    token: &str,
    key: &[u8],
    now: u64,
    max_age_secs: u64,
    expected_platform: &str,
    expected_user: &str,
) -> Result<Continuation, ContinuationError> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(ContinuationError::Malformed);
    }
    let bytes = URL_SAFE_NO_PAD
        .decode(token.trim())
        .map_err(|_| ContinuationError::Malformed)?;
    if bytes.len() < 1 + TAG_LEN {
        return Err(ContinuationError::Malformed);
    }
    let (body, tag) = bytes.split_at(bytes.len() - TAG_LEN);
    if body[0] != VERSION {
        return Err(ContinuationError::UnsupportedVersion(body[0]));
    }
    // Constant time, so the tag cannot be guessed byte by byte from response times.
    mac(key, body)
        .verify_truncated_left(tag)
        .map_err(|_| ContinuationError::BadSignature)?;
    let continuation = decode_body(&body[1..]).ok_or(ContinuationError::Malformed)?;
    if continuation.platform != expected_platform {
        return Err(ContinuationError::WrongPlatform);
    }
    if continuation.user != expected_user {
        return Err(ContinuationError::WrongUser);
    }
    if continuation.issued_at > now.saturating_add(MAX_CLOCK_SKEW_SECS) {
        return Err(ContinuationError::FromTheFuture);
    }
    if now.saturating_sub(continuation.issued_at) > max_age_secs {
        return Err(ContinuationError::Expired);
    }
    Ok(continuation)
}

/// The next step of a command after the user answered its prompt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resumed {
    /// The user cancelled the prompt.
    Cancelled {
        /// The command that was being completed.
        command: String,
        /// Its sub-command.
        subcommand: String,
    },
    /// Run the command with these arguments.
    Run {
        /// The command.
        command: String,
        /// The sub-command.
        subcommand: String,
        /// The arguments given before, then the answers.
        arguments: Vec<String>,
        /// Where the command's menu starts: non-zero when the user asked for the next page.
        menu_offset: usize,
    },
}

/// Applies the user's `answer` (a menu's value, or a form's values in field order) to a
/// verified continuation.
///
/// [`CANCEL_VALUE`] anywhere cancels. A single `__more__:{offset}` re-runs the same step with
/// the menu at `offset` (an offset that is not a number starts the menu over). Anything else
/// is appended to the arguments, except that a continuation of the bare
/// command (no sub-command) takes its first value as the sub-command.
pub fn resume(continuation: Continuation, answer: Vec<String>) -> Resumed {
    let Continuation {
        command,
        mut subcommand,
        mut arguments,
        ..
    } = continuation;
    if answer.iter().any(|value| value == CANCEL_VALUE) {
        return Resumed::Cancelled { command, subcommand };
    }
    let mut menu_offset = 0;
    match answer.as_slice() {
        [single] if single.starts_with(MORE_PREFIX) => {
            menu_offset = single[MORE_PREFIX.len()..].parse().unwrap_or(0);
        }
        // A menu of the command's sub-commands (what to run next): the
        // choice is the sub-command, run with the arguments carried so far
        // and checked against the grants like any other.
        _ if subcommand.is_empty() => {
            let mut answer = answer.into_iter();
            subcommand = answer.next().unwrap_or_default();
            arguments.extend(answer);
        }
        _ => arguments.extend(answer),
    }
    Resumed::Run {
        command,
        subcommand,
        arguments,
        menu_offset,
    }
}

fn mac(key: &[u8], body: &[u8]) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(body);
    mac
}

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn put_str(out: &mut Vec<u8>, text: &str) {
    put_varint(out, text.len() as u64);
    out.extend_from_slice(text.as_bytes());
}

/// Decodes what follows the version byte; `None` on any inconsistency.
fn decode_body(mut body: &[u8]) -> Option<Continuation> {
    let input = &mut body;
    let issued_at = take_varint(input)?;
    // Fields are read in the order they are written: struct fields are evaluated in order.
    let continuation = Continuation {
        platform: take_str(input)?,
        user: take_str(input)?,
        command: take_str(input)?,
        subcommand: take_str(input)?,
        channel: Some(take_str(input)?).filter(|channel| !channel.is_empty()),
        arguments: take_strs(input)?,
        issued_at,
    };
    input.is_empty().then_some(continuation)
}

/// A count, then that many strings.
fn take_strs(input: &mut &[u8]) -> Option<Vec<String>> {
    let count = take_varint(input)?;
    // Every string takes at least its length byte, so a count beyond the bytes left is a lie
    // (and would otherwise reserve memory for it).
    if count > input.len() as u64 {
        return None;
    }
    (0..count).map(|_| take_str(input)).collect()
}

fn take_varint(input: &mut &[u8]) -> Option<u64> {
    let mut value: u64 = 0;
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = input.split_first()?;
        *input = rest;
        let bits = u64::from(byte & 0x7f);
        if shift == 63 && bits > 1 {
            return None;
        }
        value |= bits << shift;
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

fn take_str(input: &mut &[u8]) -> Option<String> {
    let len = usize::try_from(take_varint(input)?).ok()?;
    if len > input.len() {
        return None;
    }
    let (text, rest) = input.split_at(len);
    *input = rest;
    String::from_utf8(text.to_vec()).ok()
}
