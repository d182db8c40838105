//! AccountLink -> [`AccountLinkConfig`].

use crate::{
    AccountLink, SecretKeyRef,
    config::AccountLinkConfig,
    diagnostic::{Kind, Reason},
};

use super::{Compiled, IntegrationCommands, PlatformNames, claims::Claims, identify, oldest_first, secrets};

/// Compiles every AccountLink.
pub(super) fn compile(
    links: &[AccountLink],
    platforms: &PlatformNames,
    integrations: &IntegrationCommands,
    store: &secrets::SecretStore<'_>,
    out: &mut Compiled,
) {
    let mut accounts = Claims::new();
    for link in oldest_first(links) {
        let (object, generation) = identify(Kind::AccountLink, link);
        let spec = &link.spec;
        if !platforms.contains(&spec.platform) {
            let message = format!(
                "spec.platform names the ChatPlatform {:?}, which does not exist",
                spec.platform
            );
            out.reject(object, generation, Reason::PlatformNotFound, message);
            continue;
        }
        // An email is resolved to an ID by the operator, which records it in
        // status with the email and platform it was resolved for; an ID
        // resolved for an earlier email is stale and not used.
        let Some(chat_user_id) = link.effective_chat_user_id().map(str::to_owned) else {
            let message = match &spec.email {
                Some(email) => format!(
                    "the email {email} has not been resolved to a {} user ID yet (see the Resolved condition)",
                    spec.platform
                ),
                None => "one of spec.chatUserId or spec.email is required".to_owned(),
            };
            out.reject(object, generation, Reason::EmailNotResolved, message);
            continue;
        };
        if let Err(holder) = accounts.claim((spec.platform.clone(), chat_user_id.clone()), &object) {
            let message = format!(
                "the chat account {chat_user_id} on {} is already linked by the older {holder}",
                spec.platform
            );
            out.reject(object, generation, Reason::LinkConflict, message);
            continue;
        }

        // Each token is stored under the command of the Integration it is for.
        let mut references: Vec<(String, &SecretKeyRef)> = Vec::new();
        let mut missing = Vec::new();
        for token in &spec.tokens {
            match integrations.get(&(object.namespace.clone(), token.integration.clone())) {
                Some(command) => references.push((format!("token.{command}"), &token.token_ref)),
                None => missing.push(token.integration.as_str()),
            }
        }
        if !missing.is_empty() {
            let message = format!(
                "spec.tokens names Integrations that do not exist in namespace {}: {}",
                object.namespace,
                missing.join(", ")
            );
            out.reject(object, generation, Reason::IntegrationNotFound, message);
            continue;
        }
        let Some(keys) = out.store_secrets(store, &object, generation, &references) else {
            continue;
        };
        let tokens = keys
            .into_iter()
            .map(|(field, key)| (field.trim_start_matches("token.").to_owned(), key))
            .collect();
        out.config.account_links.push(AccountLinkConfig {
            platform: spec.platform.clone(),
            chat_user_id: chat_user_id.clone(),
            user: spec.user.clone(),
            tokens,
            source: object.namespaced_name(),
        });
        let message = format!("links {} user {chat_user_id} to {}", spec.platform, spec.user);
        out.accept(object, generation, message);
    }
    out.config
        .account_links
        .sort_by(|a, b| (&a.platform, &a.chat_user_id).cmp(&(&b.platform, &b.chat_user_id)));
}
