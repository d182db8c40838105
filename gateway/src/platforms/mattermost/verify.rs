//! Authenticating Mattermost's requests, which Mattermost does not sign.
//!
//! **Slash commands** carry the command's static token twice: in
//! `Authorization: Token <token>` and in the form field `token`
//! ([`verify_slash_command`]). Either is accepted; when both are present they
//! must agree. The token is compared in constant time with each of the
//! platform's configured slash tokens (one per slash command, and a new one
//! beside the old while rotating). An empty configured token matches nothing.
//!
//! **Buttons, menus and dialogs** call back with no credential at all: anyone
//! who can reach the actions endpoint can POST any JSON, with any `user_id`.
//! So the gateway puts its own MAC (HMAC-SHA256) into every prompt it posts —
//! in the action's `integration.context`, which Mattermost stores server-side
//! and strips from what clients see, and in a dialog's `state` — and refuses a
//! callback whose context does not carry it ([`verify_action`],
//! [`verify_dialog`]).
//!
//! What the MAC covers, and why:
//! - the **continuation** (the half-finished command): without the MAC a
//!   forged callback would name any command and arguments. (The continuation
//!   is itself signed by [`crate::commands`]; the context MAC makes sure the
//!   rest of the context, such as a button's fixed answer, is the gateway's too.)
//! - the **user the prompt was sent to**: a post in a channel is visible to,
//!   and clickable by, every member, and Mattermost then sends *their*
//!   `user_id`. The callback is accepted only from the user the prompt was
//!   meant for; anyone else's click is refused before anything runs.
//! - the **kind** (`select`, `button`, `dialog`): a button's answer is a value
//!   fixed in its signed context, a menu's is the `selected_option` Mattermost
//!   adds. Binding the kind keeps one from being passed off as the other.
//! - a **button's value** (Cancel, next page): fixed at signing time.
//! - a **nonce** ([`new_nonce`]), one per prompt, shared by its elements: the
//!   server runs each (platform, nonce) once, so each prompt is answered once.
//!
//! What it does not cover: `selected_option`, which Mattermost adds to the
//! context when the user picks, so it cannot be signed. A forged choice is no
//! worse than the same user typing that argument: it goes through the same
//! grants. And `hmac` itself.
//!
//! Replays: a context stays valid as long as its continuation does (the
//! continuation carries its issue time and `commands::continuation::verify`
//! refuses it after the platform's `sessionCacheTimeout`). Clicking twice, or
//! someone who saw the context (Mattermost's database or logs, the network
//! between Mattermost and the gateway, which is why that leg must be HTTPS)
//! and POSTs it again with the addressed `user_id`, would repeat the step
//! offered to that user. Mattermost's `trigger_id` cannot stop that: it is
//! neither signed nor required, so a replayer sends a new one or none. The
//! signed nonce can: the server remembers each answered prompt's nonce for
//! as long as its continuation lives, and runs it once. A context without a
//! nonce (from a gateway before nonces) is refused ([`ContextError::NoNonce`]).

use std::{
    collections::hash_map::RandomState,
    hash::{BuildHasher, Hasher},
    sync::{
        OnceLock,
        atomic::{AtomicU64, Ordering},
    },
    time::{SystemTime, UNIX_EPOCH},
};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::inbound::{ActionKind, DialogSubmission, PostAction};
use crate::commands::CANCEL_VALUE;
use crate::platforms::form::Fields;
use crate::platforms::json::Lenient;

type HmacSha256 = Hmac<Sha256>;

/// The context field that holds the MAC (the name the vectors use).
pub const MAC_FIELD: &str = "hmac";
/// The context field Mattermost adds with a menu's choice; not signed.
pub const SELECTED_OPTION: &str = "selected_option";
/// The context field naming the prompt's kind: `select`, `button` or `dialog`.
pub const KIND_FIELD: &str = "kind";
/// The context field naming the user the prompt was sent to.
pub const USER_FIELD: &str = "user";
/// The context field holding the signed continuation.
pub const CONTINUATION_FIELD: &str = "continuation";
/// The context field holding a button's answer.
pub const VALUE_FIELD: &str = "value";
/// The context field holding a dialog's number of fields.
pub const FIELDS_FIELD: &str = "fields";
/// The context field holding the prompt's nonce.
pub const NONCE_FIELD: &str = "nonce";
/// The name of a dialog's `index`-th element (`field-0`, `field-1`, ...).
pub fn field_name(index: usize) -> String {
    format!("field-{index}")
}

/// What the MAC input starts with, so a context MAC can never be confused with
/// another use of the same key (the continuation tag, for one).
const DOMAIN: &[u8] = b"chatops mattermost context v1\n";
/// Bytes of the tag: the whole HMAC-SHA256.
const TAG_LEN: usize = 32;
/// More dialog fields than this in a signed state is a lie, not a form.
const MAX_FIELDS: usize = 1000;

/// Why a slash command's token was refused. Safe to log: no variant holds a token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Neither the header nor the form carried a token.
    #[error("no slash command token")]
    Missing,
    /// `Authorization: Token` with nothing after it.
    #[error("malformed Authorization header")]
    MalformedHeader,
    /// The header and the form carry different tokens.
    #[error("the Authorization header and the token field disagree")]
    Mismatch,
    /// The form carries more than one `token` field.
    #[error("repeated token field")]
    Repeated,
    /// The token is none of the configured ones.
    #[error("unknown slash command token")]
    Unknown,
    /// No non-empty token is configured: nothing can be verified.
    #[error("no slash command token configured")]
    NoTokens,
}

/// Checks a slash command: `authorization` is the `Authorization` header
/// (`None` when absent), `body` the raw form body (or the query string of a
/// command set to GET). Returns the index of the configured token that matched.
///
/// Call it before parsing (the parsed command does not keep the token); a
/// body with two `token` fields is refused.
pub fn verify_slash_command<T: AsRef<[u8]>>(
    configured: &[T],
    authorization: Option<&str>,
    body: &[u8],
) -> Result<usize, TokenError> {
    // A body that is not a form has no token field; the header may still carry one.
    let mut tokens = Fields::parse(body)
        .map(|fields| fields.all("token"))
        .unwrap_or_default();
    if tokens.len() > 1 {
        return Err(TokenError::Repeated);
    }
    check_slash_token(configured, authorization, tokens.pop().as_deref())
}

/// Checks the token of a slash command given the `Authorization` header and
/// the `token` form field (each `None` when absent; an empty field counts as
/// absent).
///
/// A header of another scheme than `Token` (case-insensitive) is not a slash
/// token and is ignored: when the command uses an Outgoing OAuth connection,
/// Mattermost puts that connection's access token there instead, and the form
/// field still carries the command token.
pub fn check_slash_token<T: AsRef<[u8]>>(
    configured: &[T],
    authorization: Option<&str>,
    form_token: Option<&str>,
) -> Result<usize, TokenError> {
    if configured.iter().all(|token| token.as_ref().is_empty()) {
        return Err(TokenError::NoTokens);
    }
    let header_token = match authorization.map(str::trim) {
        None => None,
        Some(header) => match header.split_once(char::is_whitespace) {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("token") => Some(
                Some(rest.trim())
                    .filter(|t| !t.is_empty())
                    .ok_or(TokenError::MalformedHeader)?,
            ),
            None if header.eq_ignore_ascii_case("token") => return Err(TokenError::MalformedHeader),
            _ => None,
        },
    };
    let form_token = form_token.filter(|t| !t.is_empty());
    let presented = match (header_token, form_token) {
        (None, None) => return Err(TokenError::Missing),
        (Some(header), Some(field)) => {
            if !bool::from(digest(header.as_bytes()).ct_eq(&digest(field.as_bytes()))) {
                return Err(TokenError::Mismatch);
            }
            header
        }
        (Some(token), None) | (None, Some(token)) => token,
    };
    // Digests first, so the comparison takes the same time whatever the lengths;
    // every configured token is compared, so the time does not say which matched.
    let presented = digest(presented.as_bytes());
    let mut matched = None;
    for (index, token) in configured.iter().enumerate() {
        let token = token.as_ref();
        let equal = bool::from(digest(token).ct_eq(&presented)) & !token.is_empty();
        if equal && matched.is_none() {
            matched = Some(index);
        }
    }
    matched.ok_or(TokenError::Unknown)
}

fn digest(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// Why a callback's context or state was refused. The `Display` is a short
/// sentence, safe to show the user and to log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ContextError {
    /// The context has no `hmac`: the gateway did not post this prompt.
    #[error("this action was not issued by the gateway")]
    Missing,
    /// The `hmac` is not one the gateway makes, or a dialog's state is not JSON.
    #[error("this action's data is damaged")]
    Malformed,
    /// The MAC does not match: the context was altered or made with another key.
    #[error("this action's signature is not valid")]
    BadMac,
    /// Signed for another kind of element (a button's context on a menu, ...).
    #[error("this action does not belong to this element")]
    WrongKind,
    /// Signed for another user: only they may answer the prompt.
    #[error("this prompt was sent to someone else")]
    WrongUser,
    /// A menu callback without a choice.
    #[error("no choice was made")]
    NoSelection,
    /// The key is empty: nothing can be verified with it.
    #[error("no key to verify actions with")]
    NoKey,
    /// Signed, but without a nonce: a prompt of a gateway from before nonces,
    /// which could be answered any number of times.
    #[error("this prompt comes from an older version of the gateway; run the command again")]
    NoNonce,
}

/// The kind of prompt a context was signed for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PromptKind {
    /// A menu: the answer is the `selected_option` Mattermost adds.
    Select,
    /// A button: the answer is the signed `value`.
    Button,
    /// A dialog: the answers are its fields.
    Dialog,
}

impl PromptKind {
    /// The value of the context's `kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            PromptKind::Select => "select",
            PromptKind::Button => "button",
            PromptKind::Dialog => "dialog",
        }
    }
}

impl From<ActionKind> for PromptKind {
    fn from(kind: ActionKind) -> Self {
        match kind {
            ActionKind::Button => PromptKind::Button,
            ActionKind::Select => PromptKind::Select,
        }
    }
}

/// A verified answer to a prompt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// The signed continuation to resume (check it with `commands::continuation::verify`).
    pub continuation: String,
    /// The answer: a menu's choice, a button's value, a dialog's fields in
    /// order, or [`CANCEL_VALUE`] for a cancelled dialog.
    pub values: Vec<String>,
    /// The prompt's signed nonce: run each once.
    pub nonce: String,
}

/// A nonce for a new prompt: unique among this process's prompts (a
/// counter), and with overwhelming odds among every other process's and
/// replica's (64 bits the standard library's hasher keys draw from the
/// operating system's randomness, mixed with the start time).
///
/// It need be neither secret nor unpredictable: it is signed with the
/// context, so nobody can make up a context with a nonce of their choosing.
/// It only has to differ from one prompt to the next.
pub fn new_nonce() -> String {
    static PROCESS: OnceLock<u64> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let process = *PROCESS.get_or_init(|| {
        let mut hasher = RandomState::new().build_hasher();
        let started = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        hasher.write_u128(started);
        hasher.write_u32(std::process::id());
        hasher.finish()
    });
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{process:016x}{count:x}")
}

/// The MAC of `context`: base64url (no padding) of HMAC-SHA256 over a domain
/// label and the context's canonical JSON, leaving out the top-level `hmac`
/// and `selected_option` fields.
///
/// Canonical means object keys sorted by their UTF-8 bytes at every level (as
/// Go's `encoding/json` writes the maps Mattermost keeps contexts in) and no
/// whitespace, so the MAC survives Mattermost's round trip. Keep signed values
/// to strings: Go reads numbers as float64, and one that comes back written
/// differently (`1e21`, a large integer) no longer verifies.
pub fn sign_context(key: &[u8], context: &Value) -> String {
    let mut canonical = Vec::with_capacity(256);
    match context {
        Value::Object(fields) => write_object(&mut canonical, fields, true),
        other => write_canonical(&mut canonical, other),
    }
    URL_SAFE_NO_PAD.encode(mac(key, &canonical).finalize().into_bytes())
}

/// The MAC over the domain label and `canonical`, ready to finish or verify.
fn mac(key: &[u8], canonical: &[u8]) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(DOMAIN);
    mac.update(canonical);
    mac
}

/// `context` with its MAC added as `hmac` (replacing any there).
pub fn seal_context(key: &[u8], mut context: Map<String, Value>) -> Map<String, Value> {
    context.remove(MAC_FIELD);
    let tag = sign_context(key, &Value::Object(context.clone()));
    context.insert(MAC_FIELD.to_owned(), Value::String(tag));
    context
}

/// Checks the `hmac` of `context` against its other fields (all but
/// `selected_option`), in constant time.
pub fn verify_context(key: &[u8], context: &Map<String, Value>) -> Result<(), ContextError> {
    if key.is_empty() {
        return Err(ContextError::NoKey);
    }
    let tag = match Signed::of(context).hmac {
        None => return Err(ContextError::Missing),
        Some(Value::String(tag)) => tag,
        Some(_) => return Err(ContextError::Malformed),
    };
    let tag = URL_SAFE_NO_PAD
        .decode(tag.as_bytes())
        .ok()
        .filter(|tag| tag.len() == TAG_LEN)
        .ok_or(ContextError::Malformed)?;
    let mut canonical = Vec::with_capacity(256);
    write_object(&mut canonical, context, true);
    mac(key, &canonical)
        .verify_slice(&tag)
        .map_err(|_| ContextError::BadMac)
}

/// The signed context of a prompt element sent to `user`: a menu
/// (`value: None`), a button (`value` its answer), or a dialog's state
/// (`fields` its number of fields). Every element of one prompt carries the
/// prompt's `nonce` ([`new_nonce`]), so answering any of them answers it.
pub fn prompt_context(
    key: &[u8],
    kind: PromptKind,
    user: &str,
    nonce: &str,
    continuation: &str,
    value: Option<&str>,
    fields: Option<usize>,
) -> Map<String, Value> {
    let mut context = Map::new();
    context.insert(KIND_FIELD.to_owned(), kind.as_str().into());
    context.insert(USER_FIELD.to_owned(), user.into());
    context.insert(NONCE_FIELD.to_owned(), nonce.into());
    context.insert(CONTINUATION_FIELD.to_owned(), continuation.into());
    if let Some(value) = value {
        context.insert(VALUE_FIELD.to_owned(), value.into());
    }
    if let Some(fields) = fields {
        context.insert(FIELDS_FIELD.to_owned(), fields.to_string().into());
    }
    seal_context(key, context)
}

/// A dialog's `state`: its signed context as canonical JSON text.
pub fn dialog_state(key: &[u8], user: &str, nonce: &str, continuation: &str, fields: usize) -> String {
    let context = prompt_context(
        key,
        PromptKind::Dialog,
        user,
        nonce,
        continuation,
        None,
        Some(fields),
    );
    let mut out = Vec::new();
    write_object(&mut out, &context, false);
    String::from_utf8(out).expect("JSON is UTF-8")
}

/// Verifies a button or menu callback: the context's MAC, then that it was
/// signed for this kind of element and for the user who clicked. Returns the
/// continuation and the answer (the button's signed value, or the menu's choice).
pub fn verify_action(key: &[u8], action: &PostAction) -> Result<Answer, ContextError> {
    let kind = PromptKind::from(action.kind);
    let (signed, continuation, nonce) = verified(key, &action.context, kind, &action.user_id)?;
    let answer = match kind {
        PromptKind::Button => signed.value.0.ok_or(ContextError::Malformed)?,
        _ => action
            .selected_option
            .clone()
            .filter(|choice| !choice.is_empty())
            .ok_or(ContextError::NoSelection)?,
    };
    Ok(Answer {
        continuation,
        values: vec![answer],
        nonce,
    })
}

/// Verifies a dialog submission: its `state` must be a context the gateway
/// signed for a dialog sent to the user who submitted. Returns the
/// continuation and the fields' answers in order (empty for a field left
/// blank), or just [`CANCEL_VALUE`] when the dialog was cancelled.
pub fn verify_dialog(key: &[u8], submission: &DialogSubmission) -> Result<Answer, ContextError> {
    let state: Value = serde_json::from_str(&submission.state).map_err(|_| ContextError::Missing)?;
    let Value::Object(state) = state else {
        return Err(ContextError::Missing);
    };
    let (signed, continuation, nonce) = verified(key, &state, PromptKind::Dialog, &submission.user_id)?;
    if submission.cancelled {
        return Ok(Answer {
            continuation,
            values: vec![CANCEL_VALUE.to_owned()],
            nonce,
        });
    }
    let fields: usize = signed
        .fields
        .0
        .and_then(|count| count.parse().ok())
        .filter(|count| *count <= MAX_FIELDS)
        .ok_or(ContextError::Malformed)?;
    let values = (0..fields)
        .map(|index| {
            submission
                .submission
                .get(&field_name(index))
                .cloned()
                .unwrap_or_default()
        })
        .collect();
    Ok(Answer {
        continuation,
        values,
        nonce,
    })
}

/// The fields of a context the gateway reads (named as the `*_FIELD`
/// constants): a field that is not a string is absent.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Signed {
    /// [`MAC_FIELD`]; `None` when missing or null.
    hmac: Option<Value>,
    kind: Lenient<String>,
    user: Lenient<String>,
    nonce: Lenient<String>,
    continuation: Lenient<String>,
    value: Lenient<String>,
    fields: Lenient<String>,
}

impl Signed {
    fn of(context: &Map<String, Value>) -> Self {
        Signed::deserialize(Value::Object(context.clone())).unwrap_or_default()
    }
}

/// The fields, continuation and nonce of a context whose MAC, kind and user check out.
fn verified(
    key: &[u8],
    context: &Map<String, Value>,
    kind: PromptKind,
    user: &str,
) -> Result<(Signed, String, String), ContextError> {
    verify_context(key, context)?;
    let mut signed = Signed::of(context);
    if signed.kind.0.as_deref() != Some(kind.as_str()) {
        return Err(ContextError::WrongKind);
    }
    if signed.user.0.as_deref() != Some(user) {
        return Err(ContextError::WrongUser);
    }
    let nonce = signed
        .nonce
        .0
        .take()
        .filter(|nonce| !nonce.is_empty())
        .ok_or(ContextError::NoNonce)?;
    let continuation = signed.continuation.0.take().ok_or(ContextError::Malformed)?;
    Ok((signed, continuation, nonce))
}

/// Writes `fields` as canonical JSON; at the top level of a context, without
/// the fields the MAC does not cover.
fn write_object(out: &mut Vec<u8>, fields: &Map<String, Value>, skip_unsigned: bool) {
    let mut keys: Vec<&String> = fields
        .keys()
        .filter(|key| !skip_unsigned || (*key != MAC_FIELD && *key != SELECTED_OPTION))
        .collect();
    keys.sort_unstable_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    out.push(b'{');
    for (index, key) in keys.into_iter().enumerate() {
        if index > 0 {
            out.push(b',');
        }
        write_canonical(out, &Value::String(key.clone()));
        out.push(b':');
        write_canonical(out, &fields[key]);
    }
    out.push(b'}');
}

fn write_canonical(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::Object(fields) => write_object(out, fields, false),
        Value::Array(items) => {
            out.push(b'[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(b',');
                }
                write_canonical(out, item);
            }
            out.push(b']');
        }
        scalar => out.extend_from_slice(scalar.to_string().as_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn slash_tokens_are_checked_in_either_place() {
        use TokenError::*;
        let good: &[&str] = &["good"];
        let two: &[&str] = &["good", "other"];
        let several: &[&str] = &["", "first", "second"];
        let (none, empty): (&[&str], &[&str]) = (&[], &[""]);
        // (configured, Authorization header, form field, expected)
        let cases = [
            (good, Some("Token good"), None, Ok(0)),
            (good, None, Some("good"), Ok(0)),
            (good, Some("Token good"), Some("good"), Ok(0)),
            (good, Some("token  good "), None, Ok(0)),
            (good, Some("TOKEN good"), Some(""), Ok(0)), // an empty field is absent
            (two, Some("Token good"), Some("other"), Err(Mismatch)), // both configured, not the same request
            (two, Some("Token bad"), Some("good"), Err(Mismatch)),
            (good, Some("Token bad"), None, Err(Unknown)),
            (good, None, Some("goo"), Err(Unknown)),
            (good, None, Some("good "), Err(Unknown)),
            (good, None, None, Err(Missing)),
            (good, None, Some(""), Err(Missing)),
            (good, Some("Token "), Some("good"), Err(MalformedHeader)),
            (good, Some("Token"), None, Err(MalformedHeader)),
            (good, Some("Bearer good"), None, Err(Missing)), // a Bearer header is not a slash token
            (good, Some("Bearer oauth"), Some("good"), Ok(0)),
            (several, None, Some("second"), Ok(2)),
            (several, None, Some("first"), Ok(1)),
            (several, None, Some(""), Err(Missing)), // an empty configured token matches nothing
            (none, None, Some("x"), Err(NoTokens)),
            (empty, None, Some("x"), Err(NoTokens)),
            (empty, Some("Token "), None, Err(NoTokens)),
        ];
        for (configured, header, field, expected) in cases {
            let verdict = check_slash_token(configured, header, field);
            assert_eq!(verdict, expected, "{configured:?} {header:?} {field:?}");
        }
    }

    #[test]
    fn the_body_token_is_read_once_and_only_once() {
        let configured = ["good"];
        let cases: [(_, &[u8], _); 5] = [
            (None, b"a=1&token=good", Ok(0)),
            (None, b"token=good&token=bad", Err(TokenError::Repeated)),
            (Some("Token good"), b"token=evil", Err(TokenError::Mismatch)),
            (Some("Token good"), b"\xff", Ok(0)),
            (None, b"a=1", Err(TokenError::Missing)),
        ];
        for (header, body, expected) in cases {
            assert_eq!(
                verify_slash_command(&configured, header, body),
                expected,
                "{header:?} {body:?}"
            );
        }
    }

    fn select_action(context: Map<String, Value>, user: &str, choice: Option<&str>) -> PostAction {
        PostAction::sample(ActionKind::Select, context, user, choice)
    }

    fn menu_context() -> Map<String, Value> {
        prompt_context(KEY, PromptKind::Select, "U1", "n1", "cont", None, None)
    }

    #[test]
    fn a_signed_menu_answer_verifies() {
        let action = select_action(menu_context(), "U1", Some("ams01"));
        assert_eq!(
            verify_action(KEY, &action),
            Ok(Answer {
                continuation: "cont".into(),
                values: vec!["ams01".into()],
                nonce: "n1".into()
            })
        );
    }

    /// The menu context with `change` made to it after signing.
    fn changed(change: impl FnOnce(&mut Map<String, Value>)) -> Map<String, Value> {
        let mut context = menu_context();
        change(&mut context);
        context
    }

    #[test]
    fn menu_answers_are_refused_for_what_is_wrong_with_them() {
        use ContextError::*;
        let refused = |context: Map<String, Value>, user: &str, choice: Option<&str>| {
            verify_action(KEY, &select_action(context, user, choice)).unwrap_err()
        };
        assert_eq!(refused(menu_context(), "U2", Some("x")), WrongUser);
        assert_eq!(refused(menu_context(), "U1", None), NoSelection);

        let tag = menu_context()[MAC_FIELD].as_str().unwrap().to_owned();
        let flipped = format!("{}{}", if tag.starts_with('A') { "B" } else { "A" }, &tag[1..]);
        let forged = prompt_context(b"another key", PromptKind::Select, "U1", "n1", "cont", None, None);
        let no_nonce = changed(|c| drop(c.remove(NONCE_FIELD)));
        assert_eq!(verify_context(KEY, &seal_context(KEY, no_nonce.clone())), Ok(()));
        let empty_nonce = changed(|c| drop(c.insert(NONCE_FIELD.to_owned(), "".into())));
        // Contexts answered by the addressed user with a choice, and why they are refused.
        let mut cases = vec![
            (changed(|c| drop(c.remove(MAC_FIELD))), Missing),
            (forged, BadMac),
            (
                changed(|c| drop(c.insert(MAC_FIELD.to_owned(), flipped.into()))),
                BadMac,
            ),
            (changed(|c| drop(c.remove(CONTINUATION_FIELD))), BadMac),
            (seal_context(KEY, no_nonce), NoNonce),
            (seal_context(KEY, empty_nonce), NoNonce),
        ];
        for (field, value) in [
            (USER_FIELD, json!("U2")),
            (CONTINUATION_FIELD, json!("other")),
            (KIND_FIELD, json!("button")),
            (VALUE_FIELD, json!("__cancel__")),
            (NONCE_FIELD, json!("n2")),
            ("extra", json!("x")),
            (CONTINUATION_FIELD, json!(["cont"])),
        ] {
            cases.push((changed(|c| drop(c.insert(field.to_owned(), value))), BadMac));
        }
        for bad in [json!("<gateway-signed>"), json!(""), json!("AAAA"), json!(42)] {
            cases.push((changed(|c| drop(c.insert(MAC_FIELD.to_owned(), bad))), Malformed));
        }
        for (context, error) in cases {
            let shown = format!("{context:?}");
            assert_eq!(refused(context, "U1", Some("x")), error, "{shown}");
        }
    }

    #[test]
    fn an_empty_key_verifies_nothing() {
        let forged = prompt_context(b"", PromptKind::Select, "U1", "n1", "cont", None, None);
        assert_eq!(
            verify_action(b"", &select_action(forged, "U1", Some("x"))),
            Err(ContextError::NoKey)
        );
    }

    #[test]
    fn a_context_answers_only_the_kind_it_was_signed_for() {
        let cancel = prompt_context(
            KEY,
            PromptKind::Button,
            "U1",
            "n1",
            "cont",
            Some(CANCEL_VALUE),
            None,
        );
        let mut as_menu = select_action(cancel.clone(), "U1", Some("x"));
        assert_eq!(verify_action(KEY, &as_menu), Err(ContextError::WrongKind));
        as_menu.kind = ActionKind::Button;
        assert_eq!(
            verify_action(KEY, &as_menu),
            Ok(Answer {
                continuation: "cont".into(),
                values: vec![CANCEL_VALUE.into()],
                nonce: "n1".into()
            }),
            "a button answers its signed value, whatever selected_option says"
        );
        let mut menu_as_button = select_action(menu_context(), "U1", Some("x"));
        menu_as_button.kind = ActionKind::Button;
        assert_eq!(verify_action(KEY, &menu_as_button), Err(ContextError::WrongKind));
    }

    #[test]
    fn nonces_differ_from_one_prompt_to_the_next() {
        let nonces: std::collections::HashSet<String> = (0..1000).map(|_| new_nonce()).collect();
        assert_eq!(nonces.len(), 1000);
    }

    #[test]
    fn the_mac_ignores_key_order_and_selected_option() {
        let context = menu_context();
        let reordered: Map<String, Value> = context.clone().into_iter().rev().collect();
        let mut text = serde_json::to_string(&reordered).unwrap();
        text = text.replace(',', " ,\n ");
        let reparsed: Map<String, Value> = serde_json::from_str(&text).unwrap();
        assert_eq!(verify_context(KEY, &reparsed), Ok(()));
        let mut chosen = context.clone();
        chosen.insert(SELECTED_OPTION.into(), "anything".into());
        assert_eq!(verify_context(KEY, &chosen), Ok(()));
    }

    #[test]
    fn canonical_json_sorts_keys_at_every_level() {
        let value = json!({"b": {"z": 1, "a": [true, null, "é\"x"]}, "a": "1"});
        let mut out = Vec::new();
        write_canonical(&mut out, &value);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"a":"1","b":{"a":[true,null,"é\"x"],"z":1}}"#
        );
        let signed = sign_context(KEY, &value);
        assert_eq!(signed.len(), 43);
        assert_ne!(signed, sign_context(KEY, &json!({"a": "1"})));
    }

    fn dialog(state: String, user: &str, answers: &[(&str, &str)], cancelled: bool) -> DialogSubmission {
        DialogSubmission {
            callback_id: "chatopsform".into(),
            state,
            user_id: user.into(),
            channel_id: Some("C1".into()),
            team_id: None,
            submission: answers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            cancelled,
        }
    }

    #[test]
    fn a_signed_dialog_answers_its_fields_in_order() {
        let state = dialog_state(KEY, "U1", "n1", "cont", 3);
        let submitted = dialog(
            state.clone(),
            "U1",
            &[("field-1", "b"), ("field-0", "a"), ("field-9", "x")],
            false,
        );
        assert_eq!(
            verify_dialog(KEY, &submitted),
            Ok(Answer {
                continuation: "cont".into(),
                values: vec!["a".into(), "b".into(), String::new()],
                nonce: "n1".into()
            })
        );
        let cancelled = dialog(state, "U1", &[], true);
        assert_eq!(verify_dialog(KEY, &cancelled).unwrap().values, [CANCEL_VALUE]);
    }

    #[test]
    fn a_dialog_state_that_is_not_ours_is_refused() {
        use ContextError::*;
        let signed = dialog_state(KEY, "U1", "n1", "cont", 1);
        let menu_state = serde_json::to_string(&menu_context()).unwrap();
        // (state, who submits, why refused)
        let cases = [
            (r#"{"cmd":"deploy"}"#.to_owned(), "U1", Missing),
            ("cont".to_owned(), "U1", Missing),
            (signed.clone(), "U2", WrongUser),
            (signed.replace("\"1\"", "\"2\""), "U1", BadMac),
            (menu_state, "U1", WrongKind),
        ];
        for (state, user, error) in cases {
            let shown = state.clone();
            assert_eq!(
                verify_dialog(KEY, &dialog(state, user, &[], false)),
                Err(error),
                "{shown}"
            );
        }
    }

    #[test]
    fn no_error_reveals_the_mac() {
        let context = menu_context();
        let tag = context[MAC_FIELD].as_str().unwrap().to_owned();
        let err = verify_action(KEY, &select_action(context, "U2", Some("x"))).unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains(&tag[..8]), "{shown}");
    }

    proptest! {
        #[test]
        fn no_context_makes_verification_panic(
            pairs in prop::collection::vec(
                (prop::sample::select(vec!["hmac", "kind", "user", "continuation", "value", "fields",
                    "selected_option", "x"]),
                 prop_oneof![Just(Value::Null), any::<String>().prop_map(Value::from),
                    any::<i64>().prop_map(Value::from), any::<f64>().prop_map(Value::from),
                    Just(json!({"a": [1, {"b": null}]}))]),
                0..8,
            ),
            state in any::<String>(),
        ) {
            let context: Map<String, Value> = pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
            let _ = verify_action(KEY, &select_action(context.clone(), "U1", None));
            let _ = verify_dialog(KEY, &dialog(state, "U1", &[], false));
            let state = serde_json::to_string(&context).unwrap();
            let _ = verify_dialog(KEY, &dialog(state, "U1", &[], false));
        }

        #[test]
        fn a_sealed_context_always_verifies(
            user in any::<String>(), continuation in any::<String>(), value in any::<Option<String>>()
        ) {
            let context = prompt_context(KEY, PromptKind::Button, &user, "n1", &continuation, value.as_deref(), None);
            prop_assert_eq!(verify_context(KEY, &context), Ok(()));
            let reparsed: Map<String, Value> =
                serde_json::from_str(&serde_json::to_string(&context).unwrap()).unwrap();
            prop_assert_eq!(verify_context(KEY, &reparsed), Ok(()));
        }
    }
}
