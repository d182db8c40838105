//! The JSON Mattermost posts to the actions endpoint, as it posts it:
//! `PostActionIntegrationRequest` and `SubmitDialogRequest`. Each field says
//! whether it was absent, present, or of the wrong JSON type; [`super`] says
//! which are required and names the field that is wrong.

use serde::{Deserialize, Deserializer, de::DeserializeOwned};
use serde_json::{Map, Value};

use super::ParseError;

/// A field: absent (missing or null), present, or of another JSON type.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) enum Field<T> {
    /// Missing or null.
    #[default]
    Absent,
    /// Present with the expected type.
    Present(T),
    /// Present with another type.
    WrongType,
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Field<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Value::deserialize(deserializer)? {
            Value::Null => Field::Absent,
            value => T::deserialize(value).map_or(Field::WrongType, Field::Present),
        })
    }
}

impl<T> Field<T> {
    /// The value if present; [`ParseError::WrongType`] naming the field if of another type.
    pub fn checked(self, name: &'static str) -> Result<Option<T>, ParseError> {
        match self {
            Field::Absent => Ok(None),
            Field::Present(value) => Ok(Some(value)),
            Field::WrongType => Err(ParseError::WrongType(name)),
        }
    }
}

impl Field<String> {
    /// A string field: `None` when absent or empty.
    pub fn text(self, name: &'static str) -> Result<Option<String>, ParseError> {
        Ok(self.checked(name)?.filter(|text| !text.is_empty()))
    }

    /// A string field that must be there and not empty.
    pub fn required(self, name: &'static str) -> Result<String, ParseError> {
        self.text(name)?.ok_or(ParseError::Missing(name))
    }
}

/// A request to the actions endpoint; `type` tells which.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Request {
    #[serde(rename = "type")]
    pub kind: Field<String>,
    pub user_id: Field<String>,
    pub user_name: Field<String>,
    pub channel_id: Field<String>,
    pub channel_name: Field<String>,
    pub team_id: Field<String>,
    pub team_domain: Field<String>,
    pub post_id: Field<String>,
    pub trigger_id: Field<String>,
    pub data_source: Field<String>,
    /// A button's or menu's `integration.context`, kept whole: the gateway's MAC covers it.
    pub context: Field<Map<String, Value>>,
    pub callback_id: Field<String>,
    pub state: Field<String>,
    pub submission: Field<Map<String, Value>>,
    pub cancelled: Field<bool>,
}

/// What the actions endpoint reads inside a context.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct ContextFields {
    /// A menu's choice.
    pub selected_option: Field<String>,
}
