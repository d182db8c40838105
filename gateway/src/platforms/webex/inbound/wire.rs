//! The JSON Webex sends and answers, only the fields the gateway reads:
//! webhook envelopes, messages and attachment actions. Every field is
//! optional here (see [`crate::platforms::json`]); [`super`] says which are
//! required.

use std::collections::BTreeMap;

use serde::{Deserialize, de::DeserializeOwned};
use serde_json::Value;

use super::ParseError;
use crate::platforms::json::{self, Lenient, List, Text};

/// Reads a JSON object into `T`; anything else is [`ParseError::BodyNotJson`].
pub(super) fn object<T: DeserializeOwned>(body: &[u8]) -> Result<T, ParseError> {
    json::object(body).ok_or(ParseError::BodyNotJson)
}

/// A required field: [`ParseError::Missing`] naming it when absent.
pub(super) fn required(text: Text, name: &'static str) -> Result<String, ParseError> {
    text.into_option().ok_or(ParseError::Missing(name))
}

/// A webhook delivery's envelope.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct Envelope {
    pub id: Text,
    pub name: Text,
    pub resource: Text,
    pub event: Text,
    pub org_id: Text,
    pub actor_id: Text,
    pub data: Lenient<Data>,
}

/// A delivery's `data`: what the event is about.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct Data {
    pub id: Text,
    pub room_id: Text,
    pub room_type: Text,
    pub person_id: Text,
    pub person_email: Text,
    pub message_id: Text,
    pub mentioned_people: List<Text>,
    pub created: Text,
}

/// `GET /v1/messages/{id}`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct Message {
    pub id: Text,
    pub room_id: Text,
    pub room_type: Text,
    pub person_id: Text,
    pub person_email: Text,
    pub text: Text,
    pub markdown: Text,
    pub html: Text,
    pub mentioned_people: List<Text>,
    pub parent_id: Text,
}

/// `GET /v1/people/me`: the fields the gateway reads.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct Person {
    pub id: Text,
    pub display_name: Text,
    pub nick_name: Text,
    pub first_name: Text,
}

/// `GET /v1/attachment/actions/{id}`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct AttachmentAction {
    pub id: Text,
    #[serde(rename = "type")]
    pub kind: Text,
    pub message_id: Text,
    pub person_id: Text,
    pub room_id: Text,
    /// The inputs, free-form; another shape than an object is refused.
    pub inputs: Option<Value>,
}

/// An attachment action's inputs, or [`ParseError::Missing`] when they are not an object.
pub(super) fn inputs(inputs: Option<Value>) -> Result<BTreeMap<String, Value>, ParseError> {
    match inputs {
        None | Some(Value::Null) => Ok(BTreeMap::new()),
        Some(Value::Object(inputs)) => Ok(inputs.into_iter().collect()),
        Some(_) => Err(ParseError::Missing("inputs")),
    }
}
