//! Who a chat user is to the integrations: their linked user, or the platform's fallback.

use chatops_crds::config::{AccountLinkConfig, GatewayConfig, PlatformConfig};

use crate::model::Identity;

/// The AccountLink of chat user `user` on the ChatPlatform `platform`, if any.
pub fn account_link<'c>(
    config: &'c GatewayConfig,
    platform: &str,
    user: Option<&str>,
) -> Option<&'c AccountLinkConfig> {
    let user = user?;
    config
        .account_links
        .iter()
        .find(|link| link.platform == platform && link.chat_user_id == user)
}

/// The identity chat user `user` acts as on `platform` (named `platform_name`): the user of
/// their AccountLink, or else the platform's `fallbackUser`, marked as not linked so that
/// integrations can refuse what the fallback user should not do.
pub fn resolve_identity(
    config: &GatewayConfig,
    platform_name: &str,
    platform: &PlatformConfig,
    user: Option<&str>,
) -> Identity {
    match account_link(config, platform_name, user) {
        Some(link) => Identity {
            user: link.user.clone(),
            linked: true,
        },
        None => Identity {
            user: platform.fallback_user.clone(),
            linked: false,
        },
    }
}
