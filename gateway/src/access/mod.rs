//! Access grants: may this request run?
//!
//! The rules are those of the Nautobot ChatOps app, plus a platform scope. The default is deny:
//! a request runs only when the grants for its command allow its organization, its channel
//! *and* its user.
//!
//! 1. The *candidate* grants are those whose platform is unset or is the request's platform,
//!    and whose command matches. For a bare command (sub-command `""`, e.g. `/network` asking
//!    for help) a grant matches when its command is `*` or the command, whatever its
//!    sub-command. Otherwise it matches when its command is `*`, or its command is the command
//!    and its sub-command is `*` or the sub-command.
//! 2. For each scope in the order organization, channel, user, at least one candidate of that
//!    grant type must have the value `*` or the request's ID for that scope. A request without
//!    an ID for a scope fails that scope, even against a `*` grant.
//! 3. The first scope that fails is reported with the ID the request carried, so the user can
//!    hand it to an admin to write the missing AccessGrant.
//!
//! [`GrantIndex`] answers this without scanning the grants; [`reference`](mod@reference) is
//! the literal, scan-every-grant reading that the index is tested against.

mod index;
pub mod reference;

#[cfg(test)]
mod equivalence;
#[cfg(test)]
mod tests;

use std::fmt;

pub use chatops_crds::GrantType;
pub use index::GrantIndex;

/// One command as the access check sees it: where it was typed, by whom, and what it asks for.
///
/// The IDs are the platform's raw IDs (Slack `T…`/`C…`/`U…`, a Webex `orgId`, …); they are what
/// the grants' values name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Request<'r> {
    /// The name of the ChatPlatform the request came in on.
    pub platform: &'r str,
    /// The workspace, team or tenant ID, if the platform sent one.
    pub organization: Option<&'r str>,
    /// The channel, room or conversation ID, if the platform sent one.
    pub channel: Option<&'r str>,
    /// The user ID, if the platform sent one.
    pub user: Option<&'r str>,
    /// The command, without the platform's prefix.
    pub command: &'r str,
    /// The sub-command, or `""` for a bare command.
    pub subcommand: &'r str,
}

impl<'r> Request<'r> {
    /// The request's ID for `scope`.
    pub fn id(&self, scope: GrantType) -> Option<&'r str> {
        match scope {
            GrantType::Organization => self.organization,
            GrantType::Channel => self.channel,
            GrantType::User => self.user,
        }
    }
}

/// The outcome of an access check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Decision<'r> {
    /// The grants allow the request's organization, channel and user.
    Allowed,
    /// No grant allows the request in the scope the [`Denial`] names.
    Denied(Denial<'r>),
}

impl<'r> Decision<'r> {
    /// Whether the request may run.
    pub fn is_allowed(&self) -> bool {
        matches!(self, Decision::Allowed)
    }

    /// Why the request may not run, if it may not.
    pub fn denial(&self) -> Option<Denial<'r>> {
        match *self {
            Decision::Allowed => None,
            Decision::Denied(denial) => Some(denial),
        }
    }

    /// The decision when `scope` is the first scope that no grant allows.
    pub(crate) fn denied(scope: GrantType, request: &Request<'r>) -> Self {
        Decision::Denied(Denial {
            scope,
            id: request.id(scope),
        })
    }
}

/// The first scope no grant allowed, with the ID the request carried for it.
///
/// Its [`Display`](fmt::Display) is the sentence for the user. It shows the raw ID on purpose:
/// that is the value an admin puts into the AccessGrant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Denial<'r> {
    /// The scope that failed.
    pub scope: GrantType,
    /// The request's ID for that scope; `None` when the platform sent none.
    pub id: Option<&'r str>,
}

impl fmt::Display for Denial<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let place = match self.scope {
            GrantType::Organization => "in organization",
            GrantType::Channel => "in channel",
            GrantType::User => "for user",
        };
        match self.id {
            Some(id) => write!(f, "This command is not permitted {place} {id}")?,
            None => write!(f, "This command is not permitted without a {} ID", self.scope)?,
        }
        f.write_str("; ask an admin for an AccessGrant.")
    }
}
