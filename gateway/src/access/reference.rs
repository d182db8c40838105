//! The access rules read literally: scan every grant, every time.
//!
//! This is the specification [`GrantIndex`](super::GrantIndex) is tested against, and the
//! baseline its benchmark compares with. It is too slow to serve requests with many grants.

use chatops_crds::config::{GrantRule, WILDCARD};

use super::{Decision, GrantType, Request};

/// Whether the grants allow `request`, and if not, the first scope that failed.
pub fn check<'r>(grants: &[GrantRule], request: &Request<'r>) -> Decision<'r> {
    for scope in GrantType::ALL {
        let id = request.id(scope);
        let allowed = grants.iter().any(|grant| {
            is_candidate(grant, request.platform, request.command, request.subcommand)
                && grant.grant_type == scope
                && allows_id(grant, id)
        });
        if !allowed {
            return Decision::denied(scope, request);
        }
    }
    Decision::Allowed
}

/// Whether a user grant alone allows `user` to run `command subcommand` on `platform`.
///
/// This is what `restrictHelp` shows a sub-command by: organization and channel grants are not
/// considered.
pub fn user_grant_allows(
    grants: &[GrantRule],
    platform: &str,
    user: Option<&str>,
    command: &str,
    subcommand: &str,
) -> bool {
    grants.iter().any(|grant| {
        is_candidate(grant, platform, command, subcommand)
            && grant.grant_type == GrantType::User
            && allows_id(grant, user)
    })
}

/// Whether `grant` takes part in deciding `command subcommand` on `platform`.
fn is_candidate(grant: &GrantRule, platform: &str, command: &str, subcommand: &str) -> bool {
    let platform_matches = grant.platform.as_deref().is_none_or(|only| only == platform);
    let command_matches = if subcommand.is_empty() {
        // A bare command (help) is allowed by any grant for the command, whatever its sub-command.
        grant.command == WILDCARD || grant.command == command
    } else {
        grant.command == WILDCARD
            || (grant.command == command && (grant.subcommand == WILDCARD || grant.subcommand == subcommand))
    };
    platform_matches && command_matches
}

/// Whether `grant`'s value admits `id`. A missing ID is admitted by nothing, not even `*`.
fn allows_id(grant: &GrantRule, id: Option<&str>) -> bool {
    id.is_some_and(|id| grant.value == WILDCARD || grant.value == id)
}
