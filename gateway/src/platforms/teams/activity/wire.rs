//! A Bot Framework activity as the Connector posts it, only the fields the
//! gateway reads. Every field is optional here (see [`crate::platforms::json`]);
//! [`super::parse`] says which are required.

use serde::Deserialize;
use serde_json::Value;

use crate::platforms::json::{Lenient, List, Text};

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct Activity {
    #[serde(rename = "type")]
    pub kind: Text,
    pub name: Text,
    pub id: Text,
    pub service_url: Text,
    pub channel_id: Text,
    pub from: Lenient<Account>,
    pub conversation: Lenient<Conversation>,
    pub channel_data: Lenient<ChannelData>,
    pub recipient: Lenient<Account>,
    pub text: Text,
    pub entities: List<Entity>,
    /// A card submission's data and inputs, or an invoke's payload: free-form.
    pub value: Option<Value>,
    pub reply_to_id: Text,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct Account {
    pub id: Text,
    pub name: Text,
    pub aad_object_id: Text,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct Conversation {
    pub id: Text,
    pub conversation_type: Text,
    pub tenant_id: Text,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct ChannelData {
    pub tenant: Lenient<Id>,
    pub team: Lenient<Id>,
    pub channel: Lenient<Id>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Id {
    pub id: Text,
}

/// An entity of the activity: a mention (`type: mention`) names who and how.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Entity {
    #[serde(rename = "type")]
    pub kind: Text,
    pub mentioned: Lenient<Id>,
    pub text: Text,
}

/// The `value` of an `adaptiveCard/action` invoke: the action and its `data`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct CardActionInvoke {
    pub action: Lenient<CardAction>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct CardAction {
    pub data: Option<Value>,
}
