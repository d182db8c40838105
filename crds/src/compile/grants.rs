//! AccessGrant -> [`GrantRule`].

use crate::{
    AccessGrant,
    config::GrantRule,
    diagnostic::{Kind, Reason},
};

use super::{Compiled, PlatformNames, identify};

/// Compiles every AccessGrant. A grant can only fail by naming a platform that does not exist.
pub(super) fn compile(grants: &[AccessGrant], platforms: &PlatformNames, out: &mut Compiled) {
    for grant in grants {
        let (object, generation) = identify(Kind::AccessGrant, grant);
        let spec = &grant.spec;
        if let Some(platform) = spec.platform.as_ref().filter(|p| !platforms.contains(*p)) {
            let message = format!("spec.platform names the ChatPlatform {platform:?}, which does not exist");
            out.reject(object, generation, Reason::PlatformNotFound, message);
            continue;
        }
        out.config.grants.push(GrantRule {
            command: spec.command.clone(),
            subcommand: spec.subcommand.clone(),
            grant_type: spec.grant_type,
            value: spec.value.clone(),
            platform: spec.platform.clone(),
            name: spec.name.clone(),
            source: object.namespaced_name(),
        });
        let on_platform = spec
            .platform
            .as_ref()
            .map(|p| format!(" on {p}"))
            .unwrap_or_default();
        let message = format!(
            "allows {} {} for {} {}{on_platform}",
            spec.command, spec.subcommand, spec.grant_type, spec.value
        );
        out.accept(object, generation, message);
    }
    // A stable order, so that the same grants always render the same ConfigMap.
    out.config.grants.sort();
}
