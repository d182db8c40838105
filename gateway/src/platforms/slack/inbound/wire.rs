//! The JSON Slack sends, as it sends it: interactivity payloads and Events
//! API envelopes. Every field is optional here (see [`crate::platforms::json`]);
//! [`super`] says which are required and where Slack has several places for one.

use serde::Deserialize;
use serde_json::Value;

use crate::platforms::json::{Lenient, List, Members, Text};

/// An interactivity payload: `block_actions`, `view_submission`, or another `type`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Payload {
    #[serde(rename = "type")]
    pub kind: Text,
    pub team: Lenient<Team>,
    pub user: Lenient<User>,
    pub enterprise: Enterprise,
    pub enterprise_id: Text,
    pub channel: Lenient<Channel>,
    pub container: Lenient<Container>,
    pub message: Lenient<MessageRef>,
    pub response_url: Text,
    pub trigger_id: Text,
    pub actions: List<Action>,
    pub view: Lenient<View>,
    pub response_urls: List<ResponseUrl>,
}

impl Payload {
    /// The workspace: `team.id`, else `user.team_id`.
    pub fn team_id(&self) -> Text {
        let team = self
            .team
            .0
            .as_ref()
            .map(|team| team.id.clone())
            .unwrap_or_default();
        team.or(self
            .user
            .0
            .as_ref()
            .map(|user| user.team_id.clone())
            .unwrap_or_default())
    }

    /// `enterprise` is an object in interactivity payloads and a string in some others.
    pub fn enterprise_id(&self) -> Option<String> {
        let team = self.team.0.as_ref().map(|team| team.enterprise_id.clone());
        self.enterprise
            .0
            .clone()
            .or(self.enterprise_id.clone())
            .or(team.unwrap_or_default())
            .into_option()
    }

    /// Who acted (`user.id`), and their user name (`user.username`, else `user.name`).
    pub fn user(&self) -> Result<(String, Option<String>), super::ParseError> {
        let user = self.user.0.clone().unwrap_or_default();
        let id = user
            .id
            .into_option()
            .ok_or(super::ParseError::Missing("user.id"))?;
        Ok((id, user.username.or(user.name).into_option()))
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Team {
    pub id: Text,
    pub enterprise_id: Text,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct User {
    pub id: Text,
    pub team_id: Text,
    pub username: Text,
    pub name: Text,
}

/// `enterprise`: `{"id": …}` or the ID itself.
#[derive(Clone, Debug, Default)]
pub(super) struct Enterprise(pub Text);

impl<'de> Deserialize<'de> for Enterprise {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Enterprise(match Value::deserialize(deserializer)? {
            Value::Object(mut object) => Text::deserialize(object.remove("id").unwrap_or_default())
                .map_err(serde::de::Error::custom)?,
            text => Text::deserialize(text).map_err(serde::de::Error::custom)?,
        }))
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Channel {
    pub id: Text,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Container {
    pub channel_id: Text,
    pub message_ts: Text,
    pub thread_ts: Text,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct MessageRef {
    pub ts: Text,
    pub thread_ts: Text,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Action {
    pub action_id: Text,
    pub block_id: Text,
    pub value: Text,
    pub selected_option: Lenient<SelectedOption>,
    pub action_ts: Text,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct SelectedOption {
    pub value: Text,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct View {
    pub id: Text,
    pub callback_id: Text,
    pub private_metadata: Text,
    pub app_installed_team_id: Text,
    pub state: Lenient<ViewState>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct ViewState {
    /// The input blocks by `block_id`, each its elements by `action_id`.
    pub values: Members<Members<Element>>,
}

/// One element of a submitted view's state.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Element {
    pub value: Text,
    pub selected_option: Lenient<SelectedOption>,
    pub selected_date: Text,
    pub selected_time: Text,
    pub selected_user: Text,
    pub selected_conversation: Text,
    pub selected_channel: Text,
}

impl Element {
    /// The single answer it holds: a text input's `value`, or a single choice.
    pub fn answer(self) -> Option<String> {
        self.value
            .or(self.selected_option.or_empty().value)
            .or(self.selected_date)
            .or(self.selected_time)
            .or(self.selected_user)
            .or(self.selected_conversation)
            .or(self.selected_channel)
            .into_option()
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct ResponseUrl {
    pub block_id: Text,
    pub action_id: Text,
    pub channel_id: Text,
    pub response_url: Text,
}

/// An Events API envelope: `url_verification`, `event_callback`, or another `type`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Envelope {
    #[serde(rename = "type")]
    pub kind: Text,
    pub challenge: Text,
    pub event_id: Text,
    pub team_id: Text,
    pub enterprise_id: Text,
    pub authorizations: List<Authorization>,
    pub event: Lenient<InnerEvent>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Authorization {
    pub team_id: Text,
    pub enterprise_id: Text,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct InnerEvent {
    #[serde(rename = "type")]
    pub kind: Text,
    pub user: Text,
    pub team: Text,
    pub channel: Text,
    pub text: Text,
    pub ts: Text,
    pub thread_ts: Text,
}
