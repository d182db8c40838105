//! `AccountLink`: maps a chat account to the user it acts as in the integrations.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::common::{Condition, ConditionType, OBJECT_NAME_PATTERN, SecretKeyRef};

chatops_resource! {
    /// Links one chat account (by ID, or by email resolved to an ID) to one user.
    /// A chat account links to at most one user; a user may have many chat accounts.
    kube(
        kind = "AccountLink",
        status = "AccountLinkStatus",
        shortname = "alink",
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
    )
    reason()
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
        /// when `chatUserId` is left out; the ID is recorded in `status.chatUserId`
        /// (with the email in `status.resolvedEmail`, so a changed email is looked
        /// up again). Slack, Webex and Mattermost; Teams only through Microsoft
        /// Graph for a single-tenant bot allowed `User.Read.All`.
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

impl AccountLink {
    /// The chat user ID the operator resolved from `spec.email`, if it was
    /// resolved for the current email and platform. An ID recorded for another
    /// email or platform is stale: the spec changed since, and it must be
    /// looked up again rather than trusted.
    pub fn resolved_chat_user_id(&self) -> Option<&str> {
        let status = self.status.as_ref()?;
        let fresh = self.spec.email.is_some()
            && status.resolved_email == self.spec.email
            && status.resolved_platform.as_deref() == Some(self.spec.platform.as_str());
        fresh.then_some(status.chat_user_id.as_deref()).flatten()
    }

    /// The chat user ID this link is for: `spec.chatUserId`, else the resolved one.
    pub fn effective_chat_user_id(&self) -> Option<&str> {
        self.spec
            .chat_user_id
            .as_deref()
            .or_else(|| self.resolved_chat_user_id())
    }

    /// Whether the email must be looked up: an email is given, no ID, and no
    /// ID resolved for the current email and platform.
    pub fn needs_lookup(&self) -> bool {
        self.spec.chat_user_id.is_none()
            && self.spec.email.is_some()
            && self.resolved_chat_user_id().is_none()
    }

    /// The stored `Resolved` condition: the outcome of the last look-up.
    pub fn resolved_condition(&self) -> Option<&Condition> {
        self.status.as_ref()?.condition(ConditionType::Resolved)
    }
}

chatops_status! {
    /// Status of an AccountLink: readiness, and the chat user ID found for `email`.
    pub struct AccountLinkStatus {
        /// `Ready` (written by the operator's render) and `Resolved` (the outcome
        /// of the email look-up, written by its look-ups).
        conditions;
        /// The chat user ID the operator resolved from `spec.email`.
        chat_user_id,
        /// The `spec.email` that `chatUserId` was resolved from.
        resolved_email,
        /// The ChatPlatform `chatUserId` was resolved on.
        resolved_platform,
    }
}
