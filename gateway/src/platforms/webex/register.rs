//! Registering the gateway's two Webex webhooks (`messages` and
//! `attachmentActions`, event `created`, signed with the webhook secret)
//! for one ChatPlatform, as `chatops-gateway --register-webex-webhooks` does.
//!
//! Idempotent by name: a webhook named `chatops {platform} {resource}` that
//! exists already is updated (target URL, secret, re-activated, as Webex
//! disables a webhook after repeated failures) rather than created again.

use serde_json::json;

use super::client::WebexClient;
use crate::platforms::DispatchError;

/// The resources the gateway needs webhooks for.
pub const RESOURCES: [&str; 2] = ["messages", "attachmentActions"];

/// What was done for one resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Registered {
    /// The resource.
    pub resource: &'static str,
    /// The webhook's ID.
    pub id: String,
    /// Whether it was created (else updated).
    pub created: bool,
}

/// The name of the webhook of `resource` for the platform `platform`.
pub fn webhook_name(platform: &str, resource: &str) -> String {
    format!("chatops {platform} {resource}")
}

/// Creates or updates the webhooks of platform `platform`, pointing them at
/// `target_url` (`https://…/hooks/{platform}/events`) and signing with `secret`.
pub async fn register_webhooks(
    client: &WebexClient,
    platform: &str,
    target_url: &str,
    secret: &str,
) -> Result<Vec<Registered>, DispatchError> {
    let existing = client.webhooks().await?;
    let mut done = Vec::with_capacity(RESOURCES.len());
    for resource in RESOURCES {
        let name = webhook_name(platform, resource);
        let found = existing
            .iter()
            .find(|hook| hook.name.get() == Some(name.as_str()))
            .and_then(|hook| hook.id.get());
        match found {
            Some(id) => {
                let body =
                    json!({"name": name, "targetUrl": target_url, "secret": secret, "status": "active"});
                client.update_webhook(id, &body).await?;
                done.push(Registered {
                    resource,
                    id: id.to_owned(),
                    created: false,
                });
            }
            None => {
                let body = json!({"name": name, "targetUrl": target_url, "resource": resource,
                                  "event": "created", "secret": secret});
                let id = client.create_webhook(&body).await?;
                done.push(Registered {
                    resource,
                    id,
                    created: true,
                });
            }
        }
    }
    Ok(done)
}
