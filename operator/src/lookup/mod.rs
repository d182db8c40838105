//! Look-ups: AccountLink emails and AccessGrant channel names resolved to
//! the platform's IDs, recorded in the resource's status.
//!
//! GitOps owns `spec`; the operator writes only `status`. After each compile
//! the render loop asks [`pending`] which resources need a look-up (an email
//! or a channel name, no ID in spec, and none in status for the current email
//! or name), then hands them to [`Lookups::run_due`], which asks the platform
//! for those whose backoff allows, writes `status.chatUserId` or
//! `status.resolvedValue` (with the `Resolved` condition) by server-side apply
//! under its own field manager [`FIELD_MANAGER`], and records an Event. The
//! watch then sees the new status, the next compile uses the ID, and the
//! resource becomes `Ready`.
//!
//! - [`pending`], [`backoff`] and [`status`] are pure;
//! - `slack`, `webex`, `mattermost` and `teams` each talk to one platform's API,
//!   with the same two calls (`user_id`, `channel_id`), behind one enum;
//! - [`Lookups`] is the shell: HTTP, the status write, the Event.

pub mod backoff;
mod error;
mod http;
mod mattermost;
mod platform;
mod runner;
mod slack;
pub mod status;
mod teams;
mod webex;

use chatops_crds::{AccessGrant, AccountLink, Compiled, Condition, Kind, ObjectKey, Resources};
use kube::ResourceExt;

pub use backoff::Backoff;
pub use error::LookupError;
pub use platform::ApiBases;
pub use runner::{Lookups, Now, Outcome, Run};
pub use status::FIELD_MANAGER;

/// What is looked up.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Query {
    /// An AccountLink's `spec.email`, for a chat user ID.
    Email(String),
    /// An AccessGrant's `spec.channelName` as written (a leading `#` included),
    /// for a channel ID.
    ChannelName(String),
}

impl std::fmt::Display for Query {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Query::Email(email) => write!(f, "the email {email}"),
            Query::ChannelName(name) => write!(f, "the channel {name}"),
        }
    }
}

/// One resource that needs a look-up.
#[derive(Clone, Debug, PartialEq)]
pub struct Lookup {
    /// The AccountLink or AccessGrant.
    pub object: ObjectKey,
    /// Its `metadata.uid`, for the Event.
    pub uid: Option<String>,
    /// Its `metadata.generation`, for the condition's `observedGeneration`.
    pub generation: Option<i64>,
    /// The ChatPlatform (by name) to ask.
    pub platform: String,
    /// What to ask for.
    pub query: Query,
    /// The `Resolved` condition stored now, if any.
    pub current: Option<Condition>,
}

/// The resources that need a look-up: an AccountLink with `email` and no
/// `chatUserId`, or an AccessGrant with `channelName` and no `value`, whose
/// status holds no ID resolved for the current email or name and platform.
///
/// Only those whose ChatPlatform is in the compiled configuration: the
/// credentials come from there, and a platform that is missing or not ready
/// has its own status saying why. Ordered by kind, namespace and name.
pub fn pending(resources: &Resources, compiled: &Compiled) -> Vec<Lookup> {
    let served = |platform: &str| compiled.config.platforms.contains_key(platform);
    let mut lookups: Vec<Lookup> = Vec::new();
    for link in resources.account_links.iter().filter(|l| l.needs_lookup()) {
        if let Some(email) = &link.spec.email
            && served(&link.spec.platform)
        {
            lookups.push(lookup(
                Kind::AccountLink,
                link,
                &link.spec.platform,
                Query::Email(email.clone()),
                AccountLink::resolved_condition,
            ));
        }
    }
    for grant in resources.grants.iter().filter(|g| g.needs_lookup()) {
        if let (Some(name), Some(platform)) = (&grant.spec.channel_name, &grant.spec.platform)
            && served(platform)
        {
            lookups.push(lookup(
                Kind::AccessGrant,
                grant,
                platform,
                Query::ChannelName(name.clone()),
                AccessGrant::resolved_condition,
            ));
        }
    }
    lookups.sort_by(|a, b| a.object.cmp(&b.object));
    lookups
}

fn lookup<K: ResourceExt>(
    kind: Kind,
    resource: &K,
    platform: &str,
    query: Query,
    condition: impl Fn(&K) -> Option<&Condition>,
) -> Lookup {
    Lookup {
        object: ObjectKey::new(
            kind,
            resource.namespace().unwrap_or_default(),
            resource.name_any(),
        ),
        uid: resource.meta().uid.clone(),
        generation: resource.meta().generation,
        platform: platform.to_owned(),
        query,
        current: condition(resource).cloned(),
    }
}

#[cfg(test)]
mod tests;
