//! AccessGrant -> [`GrantRule`].

use crate::{
    AccessGrant,
    config::GrantRule,
    diagnostic::{Kind, Reason},
};

use super::{Compiled, PlatformNames, identify};

/// Compiles every AccessGrant. A grant fails by naming a platform that does
/// not exist, or a channel by a name the operator has not resolved yet.
pub(super) fn compile(grants: &[AccessGrant], platforms: &PlatformNames, out: &mut Compiled) {
    for grant in grants {
        let (object, generation) = identify(Kind::AccessGrant, grant);
        let spec = &grant.spec;
        if let Some(platform) = spec.platform.as_ref().filter(|p| !platforms.contains(*p)) {
            let message = format!("spec.platform names the ChatPlatform {platform:?}, which does not exist");
            out.reject(object, generation, Reason::PlatformNotFound, message);
            continue;
        }
        // A channel name is resolved to its ID by the operator, which records
        // it in status together with the name and platform it was resolved for.
        let Some(value) = grant.effective_value() else {
            let (reason, message) = unresolved(grant);
            out.reject(object, generation, reason, message);
            continue;
        };
        out.config.grants.push(GrantRule {
            command: spec.command.clone(),
            subcommand: spec.subcommand.clone(),
            grant_type: spec.grant_type,
            value: value.to_owned(),
            platform: spec.platform.clone(),
            name: spec.name.clone(),
            source: object.namespaced_name(),
        });
        let on_platform = spec
            .platform
            .as_ref()
            .map(|p| format!(" on {p}"))
            .unwrap_or_default();
        let by_name = match (&spec.value, &spec.channel_name) {
            (None, Some(name)) => format!(" ({name})"),
            _ => String::new(),
        };
        let message = format!(
            "allows {} {} for {} {value}{by_name}{on_platform}",
            spec.command, spec.subcommand, spec.grant_type
        );
        out.accept(object, generation, message);
    }
    // A stable order, so that the same grants always render the same ConfigMap.
    out.config.grants.sort();
}

/// Why a grant without `value` has no ID to allow. The schema demands one of
/// `value` and `channelName`, and a platform with a name; manifests built
/// without the schema in front may still lack them.
fn unresolved(grant: &AccessGrant) -> (Reason, String) {
    let spec = &grant.spec;
    match (&spec.channel_name, &spec.platform) {
        (Some(name), Some(platform)) => (
            Reason::NameNotResolved,
            format!(
                "the channel {name} has not been resolved to a {platform} channel ID yet (see the Resolved condition)"
            ),
        ),
        (Some(_), None) => (
            Reason::Invalid,
            "spec.channelName needs spec.platform: the name is looked up on that ChatPlatform".to_owned(),
        ),
        (None, _) => (
            Reason::Invalid,
            "exactly one of spec.value or spec.channelName is required".to_owned(),
        ),
    }
}
