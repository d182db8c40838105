//! Parsing what Webex sends and what its API answers, already verified by
//! [`super::verify`], into plain Webex-shaped structs.
//!
//! A Webex webhook carries no message text: the envelope ([`WebhookEvent`])
//! names a message or a card submission, and the server then fetches it
//! (`GET /v1/messages/{id}`, read by [`parse_message`]; `GET
//! /v1/attachment/actions/{id}`, read by [`parse_attachment_action`]). Before
//! fetching anything, [`triage`] drops the bot's own messages, which Webex
//! also delivers (a bot that answered them would talk to itself forever).
//!
//! Each parser returns a short [`ParseError`] for anything it cannot use and
//! never panics.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use serde_json::Value;

use wire::required;

use crate::model::ReplyContext;
use crate::platforms::adaptive_card::{AnswerError, read_answer};
pub use crate::platforms::adaptive_card::{MAX_FORM_FIELDS, PromptAnswer};
use crate::platforms::json::Text;
use crate::platforms::rendering::unescape_html;

/// Why a verified body could not be read. Short reasons, safe to answer with
/// (as a 400) or to log: none echoes the body.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The body is not a JSON object.
    #[error("body is not a JSON object")]
    BodyNotJson,
    /// A field the body must carry is absent, empty, or not of the expected type.
    #[error("missing field {0}")]
    Missing(&'static str),
    /// A card submission's fields are not those of a prompt this gateway sent.
    #[error("not an answer to a chatops prompt: {0}")]
    NotAPrompt(&'static str),
}

/// What a webhook is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resource {
    /// A message was posted (`messages`).
    Messages,
    /// A card was submitted (`attachmentActions`).
    AttachmentActions,
    /// Anything else (`memberships`, `rooms`, …): acknowledged and ignored.
    Other(String),
}

/// A webhook delivery: the envelope and its `data`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookEvent {
    /// The webhook's ID.
    pub webhook_id: String,
    /// The webhook's name.
    pub name: Option<String>,
    /// What it is about.
    pub resource: Resource,
    /// What happened (`created`, `updated`, `deleted`).
    pub event: String,
    /// The organization of the webhook's owner.
    pub org_id: Option<String>,
    /// Who caused the event.
    pub actor_id: Option<String>,
    /// The message's or the attachment action's ID: what to fetch, and the dedupe key.
    pub data_id: String,
    /// The space.
    pub room_id: Option<String>,
    /// `direct` or `group` (messages only).
    pub room_type: Option<String>,
    /// Who posted the message or submitted the card.
    pub person_id: Option<String>,
    /// Their e-mail address (messages only).
    pub person_email: Option<String>,
    /// The message holding the submitted card (attachment actions only).
    pub message_id: Option<String>,
    /// The people the message mentions (messages only).
    pub mentioned_people: Vec<String>,
    /// When the message was posted or the card submitted (`data.created`,
    /// RFC 3339): inside the signed body, so the one timestamp that bounds
    /// how long a captured delivery can be replayed (see
    /// [`super::verify::check_created`]). The envelope's own `created` is
    /// the webhook's registration time, the same on every delivery, and
    /// says nothing about this one.
    pub created: Option<String>,
}

/// Parses a webhook body.
pub fn parse_webhook(body: &[u8]) -> Result<WebhookEvent, ParseError> {
    let envelope: wire::Envelope = wire::object(body)?;
    let data = envelope.data.0.ok_or(ParseError::Missing("data"))?;
    let resource = match required(envelope.resource, "resource")?.as_str() {
        "messages" => Resource::Messages,
        "attachmentActions" => Resource::AttachmentActions,
        other => Resource::Other(other.to_owned()),
    };
    Ok(WebhookEvent {
        webhook_id: required(envelope.id, "id")?,
        name: envelope.name.into_option(),
        resource,
        event: required(envelope.event, "event")?,
        org_id: envelope.org_id.into_option(),
        actor_id: envelope.actor_id.into_option(),
        data_id: required(data.id, "data.id")?,
        room_id: data.room_id.into_option(),
        room_type: data.room_type.into_option(),
        person_id: data.person_id.into_option(),
        person_email: data.person_email.into_option(),
        message_id: data.message_id.into_option(),
        mentioned_people: data.mentioned_people.strings(),
        created: data.created.into_option(),
    })
}

/// What to do with a verified webhook.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Triage {
    /// A message for the bot: fetch `GET /v1/messages/{id}`.
    FetchMessage {
        /// The message's ID.
        id: String,
    },
    /// A card submission: fetch `GET /v1/attachment/actions/{id}`.
    FetchAttachmentAction {
        /// The attachment action's ID.
        id: String,
    },
    /// Acknowledge with a 200 and do nothing else.
    Ignore(IgnoreReason),
}

/// Why a webhook needs no answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IgnoreReason {
    /// The bot posted it (or submitted it): answering would loop.
    OwnMessage,
    /// Not a `created` event (an edit, a deletion).
    NotCreated,
    /// A resource the gateway does not serve.
    OtherResource,
    /// No person is named, so no grant could allow it.
    NoPerson,
}

/// Whether the event was caused by the bot itself: `data.personId` is the
/// bot's person ID (from `GET /v1/people/me`). An unknown (empty) bot ID
/// matches nothing.
pub fn is_from_bot(event: &WebhookEvent, bot_person_id: &str) -> bool {
    !bot_person_id.is_empty() && event.person_id.as_deref() == Some(bot_person_id)
}

/// Decides what to do with a verified webhook, before anything is fetched.
pub fn triage(event: &WebhookEvent, bot_person_id: &str) -> Triage {
    if is_from_bot(event, bot_person_id) {
        return Triage::Ignore(IgnoreReason::OwnMessage);
    }
    if event.event != "created" {
        return Triage::Ignore(IgnoreReason::NotCreated);
    }
    if event.person_id.is_none() {
        return Triage::Ignore(IgnoreReason::NoPerson);
    }
    let id = event.data_id.clone();
    match event.resource {
        Resource::Messages => Triage::FetchMessage { id },
        Resource::AttachmentActions => Triage::FetchAttachmentAction { id },
        Resource::Other(_) => Triage::Ignore(IgnoreReason::OtherResource),
    }
}

/// A message, as `GET /v1/messages/{id}` answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChatMessage {
    /// The message's ID.
    pub id: String,
    /// The space.
    pub room_id: String,
    /// `direct` or `group`.
    pub room_type: Option<String>,
    /// Who posted it.
    pub person_id: String,
    /// Their e-mail address.
    pub person_email: Option<String>,
    /// The plain text. In a group space it starts (usually) with the bot's name.
    pub text: String,
    /// The markdown, when it was posted with some.
    pub markdown: Option<String>,
    /// The HTML rendering, which marks mentions (`<spark-mention data-object-id=…>`).
    pub html: Option<String>,
    /// The people it mentions.
    pub mentioned_people: Vec<String>,
    /// The thread's first message, when it was posted in a thread.
    pub parent_id: Option<String>,
}

impl ChatMessage {
    /// Whether it was posted in a 1:1 space with the bot.
    pub fn is_direct(&self) -> bool {
        self.room_type.as_deref() == Some("direct")
    }

    /// Where answers go: the same space, in the message's thread (Webex
    /// threads are one level deep, so a reply in a thread answers its first
    /// message), shown privately to the poster when asked.
    pub fn reply_context(&self) -> ReplyContext {
        ReplyContext {
            conversation: Some(self.room_id.clone()),
            thread: Some(self.parent_id.clone().unwrap_or_else(|| self.id.clone())),
            user: Some(self.person_id.clone()),
            ..Default::default()
        }
    }
}

/// Parses the answer to `GET /v1/messages/{id}`.
pub fn parse_message(body: &[u8]) -> Result<ChatMessage, ParseError> {
    let message: wire::Message = wire::object(body)?;
    Ok(ChatMessage {
        id: required(message.id, "id")?,
        room_id: required(message.room_id, "roomId")?,
        room_type: message.room_type.into_option(),
        person_id: required(message.person_id, "personId")?,
        person_email: message.person_email.into_option(),
        text: message.text.into_option().unwrap_or_default(),
        markdown: message.markdown.into_option(),
        html: message.html.into_option(),
        mentioned_people: message.mentioned_people.strings(),
        parent_id: message.parent_id.into_option(),
    })
}

/// Who the bot is, from `GET /v1/people/me`: its person ID, and the names a
/// mention of it may show (`displayName`, `nickName`, `firstName`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BotIdentity {
    /// The bot's person ID.
    pub person_id: String,
    /// Its names, in any order; blank ones are skipped.
    pub names: Vec<String>,
}

/// Parses the answer to `GET /v1/people/me`: the bot's ID, and its names
/// that are not blank.
pub fn parse_person(body: &[u8]) -> Result<BotIdentity, ParseError> {
    let person: wire::Person = wire::object(body)?;
    let names = [person.display_name, person.nick_name, person.first_name]
        .into_iter()
        .filter_map(Text::into_option)
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .collect();
    Ok(BotIdentity {
        person_id: required(person.id, "id")?,
        names,
    })
}

/// The command a message holds: its text with the mention of the bot removed
/// (in a group space Webex delivers only messages that mention the bot, and
/// the mention is part of the text, usually first), trimmed.
///
/// The name the mention shows is taken from the message's HTML
/// (`<spark-mention data-object-id="{bot id}">Name</spark-mention>`) when
/// there is one, else from the bot's names; the user may have shortened it to
/// its first word. It is removed where it stands first, else at its first
/// whole-word occurrence, with a `:` or `,` right after it. A text that shows
/// none of these, or that comes from a 1:1 space, is returned trimmed, untouched.
pub fn command_text(message: &ChatMessage, bot: &BotIdentity) -> String {
    let text = message.text.trim();
    if message.is_direct() {
        // Nobody is mentioned in a 1:1 space, and a bot named like a command
        // (`nautobot`) must not lose the command.
        return text.to_owned();
    }
    let names = candidate_names(message, bot);
    if let Some(rest) = strip_leading_name(text, &names) {
        return rest.trim().to_owned();
    }
    for name in &names {
        if let Some(at) = find_word(text, name) {
            let after = &text[at + name.len()..];
            let after = after.strip_prefix([':', ',']).unwrap_or(after);
            let joined = format!("{} {}", text[..at].trim_end(), after.trim_start());
            return joined.trim().to_owned();
        }
    }
    text.to_owned()
}

/// The names a mention of the bot may show, longest first: the mention's own
/// text from the HTML, then each known name and its first word.
fn candidate_names(message: &ChatMessage, bot: &BotIdentity) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    if let Some(html) = &message.html {
        names.extend(mention_names(html, &bot.person_id));
    }
    for name in &bot.names {
        let name = name.trim();
        if name.is_empty() {
            continue;
        }
        names.push(name.to_owned());
        if let Some(first) = name.split_whitespace().next() {
            names.push(first.to_owned());
        }
    }
    names.retain(|n| !n.trim().is_empty());
    // Longest first, so `ChatOps Bot` is removed whole rather than leaving `Bot`.
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    names.dedup();
    names
}

/// `text` without a leading `name` (case-insensitive, whole word), and a `:` or `,` after it.
fn strip_leading_name<'a>(text: &'a str, names: &[String]) -> Option<&'a str> {
    names.iter().find_map(|name| {
        let head = text.get(..name.len())?;
        if !head.eq_ignore_ascii_case(name) {
            return None;
        }
        let rest = &text[name.len()..];
        let rest = rest.strip_prefix([':', ',']).unwrap_or(rest);
        (rest.is_empty() || rest.starts_with(char::is_whitespace)).then_some(rest)
    })
}

/// The byte index of the first whole-word, case-insensitive occurrence of `word` in `text`.
fn find_word(text: &str, word: &str) -> Option<usize> {
    if word.is_empty() {
        return None;
    }
    let lower_text = text.to_ascii_lowercase();
    let lower_word = word.to_ascii_lowercase();
    let mut from = 0;
    while let Some(found) = lower_text[from..].find(&lower_word) {
        let at = from + found;
        let end = at + word.len();
        let before_ok = text[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let after_ok = text[end..].chars().next().is_none_or(|c| !c.is_alphanumeric());
        if before_ok && after_ok {
            return Some(at);
        }
        from = at + lower_word[..].chars().next().map_or(1, char::len_utf8);
    }
    None
}

/// The texts of the `<spark-mention>` elements in `html` that name the bot.
///
/// The element's `data-object-id` is the person ID, or (in older messages)
/// the UUID the base64 person ID decodes to; both are accepted.
fn mention_names(html: &str, bot_person_id: &str) -> Vec<String> {
    if bot_person_id.is_empty() {
        return Vec::new();
    }
    let uuid = person_uuid(bot_person_id);
    let mut names = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<spark-mention") {
        rest = &rest[start..];
        let Some(tag_end) = rest.find('>') else { break };
        let tag = &rest[..tag_end];
        let body = &rest[tag_end + 1..];
        let Some(close) = body.find("</spark-mention>") else {
            break;
        };
        let id = attribute(tag, "data-object-id");
        let is_bot = id.is_some_and(|id| {
            id == bot_person_id || uuid.as_deref().is_some_and(|u| id.eq_ignore_ascii_case(u))
        });
        if is_bot {
            names.push(unescape_html(&strip_tags(&body[..close])).trim().to_owned());
        }
        rest = &body[close..];
    }
    names
}

/// An attribute's value in an HTML start tag (double or single quotes).
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let at = tag.find(&format!("{name}="))? + name.len() + 1;
    let quote = tag[at..].chars().next().filter(|q| *q == '"' || *q == '\'')?;
    let value = &tag[at + 1..];
    Some(&value[..value.find(quote)?])
}

fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// The UUID at the end of a Webex ID (`ciscospark://us/PEOPLE/{uuid}`, base64-encoded).
pub fn person_uuid(person_id: &str) -> Option<String> {
    let trimmed = person_id.trim_end_matches('=');
    let bytes = URL_SAFE_NO_PAD
        .decode(trimmed)
        .or_else(|_| STANDARD_NO_PAD.decode(trimmed))
        .ok()?;
    let decoded = String::from_utf8(bytes).ok()?;
    let last = decoded.rsplit('/').next()?;
    (decoded.starts_with("ciscospark://") && !last.is_empty()).then(|| last.to_owned())
}

/// A card submission, as `GET /v1/attachment/actions/{id}` answers.
#[derive(Clone, Debug, PartialEq)]
pub struct AttachmentAction {
    /// The attachment action's ID.
    pub id: String,
    /// `submit`.
    pub kind: Option<String>,
    /// The message holding the card.
    pub message_id: String,
    /// Who submitted it.
    pub person_id: String,
    /// The space.
    pub room_id: String,
    /// The inputs, with the submit button's `data` merged in (as Webex does).
    pub inputs: BTreeMap<String, Value>,
}

impl AttachmentAction {
    /// Where answers go: the space the card is in, in the thread of the card.
    /// The card is the message the answer replaces or deletes.
    pub fn reply_context(&self) -> ReplyContext {
        ReplyContext {
            conversation: Some(self.room_id.clone()),
            prompt_message: Some(self.message_id.clone()),
            user: Some(self.person_id.clone()),
            ..Default::default()
        }
    }
}

/// Parses the answer to `GET /v1/attachment/actions/{id}`.
pub fn parse_attachment_action(body: &[u8]) -> Result<AttachmentAction, ParseError> {
    let action: wire::AttachmentAction = wire::object(body)?;
    let inputs = wire::inputs(action.inputs)?;
    Ok(AttachmentAction {
        id: required(action.id, "id")?,
        kind: action.kind.into_option(),
        message_id: required(action.message_id, "messageId")?,
        person_id: required(action.person_id, "personId")?,
        room_id: required(action.room_id, "roomId")?,
        inputs,
    })
}

/// Reads a card submission as the answer to a prompt made by [`super::cards`].
///
/// A button with a fixed answer (Cancel, Next page) wins over the inputs; a
/// menu answers its choice; a form answers each field, in order.
pub fn prompt_answer(action: &AttachmentAction) -> Result<PromptAnswer, ParseError> {
    read_answer(|key| action.inputs.get(key)).map_err(|err| match err {
        AnswerError::NotAPrompt(key) => ParseError::NotAPrompt(key),
        AnswerError::Missing(key) => ParseError::Missing(key),
    })
}

#[cfg(test)]
mod tests;
mod wire;
