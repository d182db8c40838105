//! `AccountLink`: maps a chat account to the user it acts as in the integrations.

use kube::{CustomResource, KubeSchema};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::common::{Condition, OBJECT_NAME_PATTERN, SecretKeyRef, conditions_schema};

/// Links one chat account (by ID, or by email resolved to an ID) to one user.
/// A chat account links to at most one user; a user may have many chat accounts.
#[derive(CustomResource, KubeSchema, Clone, Debug, PartialEq, Serialize, Deserialize)]
#[kube(
    group = "chatops.dev",
    version = "v1alpha1",
    kind = "AccountLink",
    namespaced,
    status = "AccountLinkStatus",
    shortname = "alink",
    category = "chatops",
    doc = "Links a chat account to the user whose identity (and token) the integrations see.",
    printcolumn(name = "Platform", type_ = "string", json_path = ".spec.platform"),
    printcolumn(name = "Chat User", type_ = "string", json_path = ".spec.chatUserId"),
    printcolumn(name = "Email", type_ = "string", json_path = ".spec.email", priority = 1),
    printcolumn(
        name = "Resolved",
        type_ = "string",
        json_path = ".status.chatUserId",
        priority = 1
    ),
    printcolumn(name = "User", type_ = "string", json_path = ".spec.user"),
    printcolumn(
        name = "Ready",
        type_ = "string",
        json_path = ".status.conditions[?(@.type==\"Ready\")].status"
    ),
    printcolumn(
        name = "Reason",
        type_ = "string",
        json_path = ".status.conditions[?(@.type==\"Ready\")].reason"
    ),
    printcolumn(name = "Age", type_ = "date", json_path = ".metadata.creationTimestamp"),
    derive = "PartialEq"
)]
#[x_kube(validation = Rule::new("has(self.chatUserId) || has(self.email)").message("one of chatUserId or email is required"))]
#[serde(rename_all = "camelCase")]
pub struct AccountLinkSpec {
    /// The ChatPlatform (by name) the chat account belongs to.
    #[schemars(length(min = 1, max = 253), regex(pattern = OBJECT_NAME_PATTERN))]
    pub platform: String,
    /// The platform's user ID: Slack `U…`, the Teams AAD object id, the Webex
    /// person id, the Mattermost user id. `chatops whoami` prints it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 255), regex(pattern = r"^\S+$"))]
    pub chat_user_id: Option<String>,
    /// The chat account's email, resolved to an ID through the platform's API
    /// when `chatUserId` is left out; the ID is recorded in `status.chatUserId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 3, max = 320), regex(pattern = r"^[^@\s]+@[^@\s]+$"))]
    pub email: Option<String>,
    /// The user the integrations see (e.g. the Nautobot username).
    #[schemars(length(min = 1, max = 150))]
    pub user: String,
    /// This user's own tokens, one per Integration, so that each integration
    /// applies its own permissions for this person.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(schema_with = "tokens_schema")]
    pub tokens: Vec<IntegrationToken>,
}

/// Schema of `spec.tokens`: at most one token per Integration, merged per
/// Integration under server-side apply.
fn tokens_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let mut schema = generator.subschema_for::<Vec<IntegrationToken>>();
    schema.insert("maxItems".into(), 64.into());
    schema.insert("x-kubernetes-list-type".into(), "map".into());
    schema.insert("x-kubernetes-list-map-keys".into(), vec!["integration"].into());
    schema
}

/// A user's own token for one Integration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct IntegrationToken {
    /// The Integration (by name) this token is for.
    #[schemars(length(min = 1, max = 253), regex(pattern = OBJECT_NAME_PATTERN))]
    pub integration: String,
    /// The Secret key holding the token.
    pub token_ref: SecretKeyRef,
}

/// Status of an AccountLink: readiness, and the chat user ID found for `email`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountLinkStatus {
    /// The `Ready` condition written by the operator.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(schema_with = "conditions_schema")]
    pub conditions: Vec<Condition>,
    /// The `metadata.generation` the operator last acted on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// The chat user ID the operator resolved from `spec.email`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat_user_id: Option<String>,
}
