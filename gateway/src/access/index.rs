//! The grants compiled into nested hash maps, so a check costs a few lookups whatever their number.
//!
//! The nesting follows the rules: platform (unset or one name), then scope, then value (`*` or
//! one ID), then command (`*` or one name), then sub-command (`*` or one name). Wildcards are
//! flags beside each map rather than `"*"` keys, so a check never confuses a request that
//! carries a literal `*` with a wildcard grant, and never looks a wildcard up.
//!
//! A check looks the request's platform up once, then per scope at most two IDs (`*` and the
//! request's) in at most two platform buckets, then the command and sub-command. Every key is
//! a borrowed `&str`, so nothing is allocated.

use chatops_crds::config::{GrantRule, WILDCARD};
use foldhash::{HashMap, HashSet};

use super::{Decision, GrantType, Request};

/// The access grants, compiled for checking requests.
///
/// An empty index denies everything (at the organization scope).
#[derive(Clone, Debug, Default)]
pub struct GrantIndex {
    /// Grants that name no platform: they apply on every platform.
    any_platform: PlatformGrants,
    /// Grants limited to one platform, by ChatPlatform name.
    by_platform: HashMap<Box<str>, PlatformGrants>,
    /// How many grants went in.
    len: usize,
}

/// The grants that apply on one platform (or on all), by scope.
#[derive(Clone, Debug, Default)]
struct PlatformGrants {
    /// Indexed by [`slot`].
    scopes: [ScopeGrants; 3],
}

/// The grants of one grant type.
#[derive(Clone, Debug, Default)]
struct ScopeGrants {
    /// Grants with value `*`: they admit any ID.
    any_id: CommandGrants,
    /// Grants naming one ID, by that ID.
    by_id: HashMap<Box<str>, CommandGrants>,
}

/// What grants for one ID (or for any) allow to run.
#[derive(Clone, Debug, Default)]
struct CommandGrants {
    /// A grant with command `*` allows every command and sub-command.
    any_command: bool,
    /// Grants naming one command, by that command.
    by_command: HashMap<Box<str>, SubcommandGrants>,
}

/// Which sub-commands grants for one command allow.
#[derive(Clone, Debug, Default)]
struct SubcommandGrants {
    /// A grant with sub-command `*` allows every sub-command.
    any_subcommand: bool,
    /// Sub-commands named by a grant.
    subcommands: HashSet<Box<str>>,
}

impl GrantIndex {
    /// Compiles `grants`.
    pub fn new(grants: &[GrantRule]) -> Self {
        grants.iter().collect()
    }

    /// How many grants the index was built from.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the index was built from no grants (and so denies everything).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether the grants allow `request`, and if not, the first scope that failed.
    pub fn check<'r>(&self, request: &Request<'r>) -> Decision<'r> {
        let on_platform = self.by_platform.get(request.platform);
        for scope in GrantType::ALL {
            let allowed = request.id(scope).is_some_and(|id| {
                self.buckets(on_platform).any(|grants| {
                    grants
                        .scope(scope)
                        .allows(id, request.command, request.subcommand)
                })
            });
            if !allowed {
                return Decision::denied(scope, request);
            }
        }
        Decision::Allowed
    }

    /// Whether a user grant alone allows `user` to run `command subcommand` on `platform`.
    ///
    /// `restrictHelp` lists a sub-command only when this holds; organization and channel grants
    /// are not considered, as in Nautobot. A missing user ID is allowed nothing.
    pub fn user_grant_allows(
        &self,
        platform: &str,
        user: Option<&str>,
        command: &str,
        subcommand: &str,
    ) -> bool {
        user.is_some_and(|user| {
            self.buckets(self.by_platform.get(platform))
                .any(|grants| grants.scope(GrantType::User).allows(user, command, subcommand))
        })
    }

    /// The grants for every platform, then those for the request's platform if there are any.
    fn buckets<'a>(
        &'a self,
        on_platform: Option<&'a PlatformGrants>,
    ) -> impl Iterator<Item = &'a PlatformGrants> {
        std::iter::once(&self.any_platform).chain(on_platform)
    }

    fn insert(&mut self, grant: &GrantRule) {
        self.len += 1;
        let platform = match grant.platform.as_deref() {
            None => &mut self.any_platform,
            Some(name) => self.by_platform.entry(name.into()).or_default(),
        };
        let scope = &mut platform.scopes[slot(grant.grant_type)];
        let commands = if grant.value == WILDCARD {
            &mut scope.any_id
        } else {
            scope.by_id.entry(grant.value.as_str().into()).or_default()
        };
        if grant.command == WILDCARD {
            // Nautobot requires sub-command `*` with command `*`; whatever it says, the grant
            // allows every command, so the sub-command is not recorded.
            commands.any_command = true;
            return;
        }
        let subcommands = commands
            .by_command
            .entry(grant.command.as_str().into())
            .or_default();
        if grant.subcommand == WILDCARD {
            subcommands.any_subcommand = true;
        } else {
            subcommands.subcommands.insert(grant.subcommand.as_str().into());
        }
    }
}

impl<'g> FromIterator<&'g GrantRule> for GrantIndex {
    fn from_iter<I: IntoIterator<Item = &'g GrantRule>>(grants: I) -> Self {
        let mut index = GrantIndex::default();
        for grant in grants {
            index.insert(grant);
        }
        index
    }
}

impl PlatformGrants {
    fn scope(&self, scope: GrantType) -> &ScopeGrants {
        &self.scopes[slot(scope)]
    }
}

impl ScopeGrants {
    /// Whether a grant of this scope admits `id` and allows `command subcommand`.
    fn allows(&self, id: &str, command: &str, subcommand: &str) -> bool {
        self.any_id.allows(command, subcommand)
            || self
                .by_id
                .get(id)
                .is_some_and(|commands| commands.allows(command, subcommand))
    }
}

impl CommandGrants {
    fn allows(&self, command: &str, subcommand: &str) -> bool {
        self.any_command
            || self
                .by_command
                .get(command)
                .is_some_and(|subs| subs.allows(subcommand))
    }
}

impl SubcommandGrants {
    fn allows(&self, subcommand: &str) -> bool {
        // A bare command (help) needs only some grant for the command; an entry exists only
        // because one was inserted.
        subcommand.is_empty() || self.any_subcommand || self.subcommands.contains(subcommand)
    }
}

/// The position of `scope` in [`PlatformGrants::scopes`].
fn slot(scope: GrantType) -> usize {
    match scope {
        GrantType::Organization => 0,
        GrantType::Channel => 1,
        GrantType::User => 2,
    }
}
