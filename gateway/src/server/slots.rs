//! Command slots shared fairly: who may start a command now, and if not,
//! which limit said no.
//!
//! One semaphore for every command let one user (or one slow integration)
//! take every slot: 64 slow `/nautobot` commands from one user made
//! everyone's commands, even `chatops whoami`, answer "busy" until the
//! integration timed out. Three limits now apply, checked in this order so
//! that the answer names the most specific one:
//!
//! 1. per user (platform, organization and user ID): a user's own commands,
//!    prompt answers included, whatever they are;
//! 2. per integration (the command an Integration serves): one slow backend
//!    cannot hold more than its share; the built-in `chatops` command is
//!    exempt, it has no backend;
//! 3. the gateway's total, of which a few slots ([`SlotLimits::reserve`]) only
//!    the built-in command may take, so that `chatops whoami` and `help`
//!    answer even when integrations fill the rest.
//!
//! The decision is pure bookkeeping under a mutex (no I/O, no awaiting), so
//! it is tested here without a server.

use std::{
    collections::HashMap,
    fmt,
    sync::{Arc, Mutex, MutexGuard},
};

/// The limits, fixed at start from the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SlotLimits {
    /// Commands running at once, all kinds together (at least 1).
    pub total: usize,
    /// Of `total`, the slots only the built-in command may take.
    pub reserve: usize,
    /// Commands one user may have running at once (at least 1).
    pub per_user: usize,
    /// Commands of one integration running at once (at least 1).
    pub per_integration: usize,
}

impl SlotLimits {
    /// The limits for `total` slots: `per_user`, and `per_integration` or by
    /// default half the slots; a sixteenth of the slots (1 to 8) reserved for
    /// the built-in command, but never all of them. Zeroes count as one.
    pub fn new(total: usize, per_user: usize, per_integration: Option<usize>) -> SlotLimits {
        let total = total.max(1);
        let reserve = (total / 16).clamp(1, 8).min(total - 1);
        SlotLimits {
            total,
            reserve,
            per_user: per_user.max(1),
            per_integration: per_integration.unwrap_or(total / 2).max(1),
        }
    }

    /// The slots commands other than the built-in one may take.
    fn unreserved(&self) -> usize {
        self.total - self.reserve
    }
}

/// What a command is, as far as its slot is concerned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The built-in `chatops` command: no backend, may use the reserve.
    Builtin,
    /// The command an Integration serves, by command name (`nautobot`).
    Integration(String),
    /// Neither: an unknown command, or a prompt answer that does not verify.
    /// Answered by the gateway alone, but not allowed the reserve, so that
    /// anyone can't fill it with nonsense.
    Other,
    /// Not known yet (a Webex webhook carries no text: the message is fetched
    /// in the background). Admitted like the built-in command, and must be
    /// [settled](SlotGuard::settle) once known.
    Undecided,
}

/// Which limit refused a command; its `Display` is the sentence for the user.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Busy {
    /// The user already has `limit` commands running.
    #[error("You already have {limit} commands running; please wait for one to finish and try again.")]
    User {
        /// The per-user limit.
        limit: usize,
    },
    /// The integration serving `command` has `limit` commands running.
    #[error(
        "The {command} integration is busy: it is at its limit of {limit} commands running. Please try again in a moment."
    )]
    Integration {
        /// The integration's command.
        command: String,
        /// The per-integration limit.
        limit: usize,
    },
    /// The gateway has `limit` commands running (for this kind of command).
    // "busy with other commands" is what load tools (tests/src/bin/teams-sink.rs) look for.
    #[error(
        "The gateway is busy with other commands right now: it is at its limit of {limit} commands running. Please try again in a moment."
    )]
    Gateway {
        /// The gateway's limit for this kind of command.
        limit: usize,
    },
}

impl Busy {
    /// The `outcome` label of `webhook_requests` for this refusal. `busy`
    /// stays the gateway's limit, as before the per-user and per-integration
    /// limits existed, so dashboards and alerts on it keep their meaning.
    pub fn outcome(&self) -> &'static str {
        match self {
            Busy::User { .. } => "busy_user",
            Busy::Integration { .. } => "busy_integration",
            Busy::Gateway { .. } => "busy",
        }
    }
}

#[derive(Debug, Default)]
struct Counts {
    running: usize,
    users: HashMap<String, usize>,
    integrations: HashMap<String, usize>,
}

impl Counts {
    fn user(&self, key: &str) -> usize {
        self.users.get(key).copied().unwrap_or_default()
    }

    fn integration(&self, command: &str) -> usize {
        self.integrations.get(command).copied().unwrap_or_default()
    }

    /// Decrements `key` in `map`, removing it at zero so the maps hold only
    /// what runs now (their size is bounded by the running commands).
    fn release(map: &mut HashMap<String, usize>, key: &str) {
        if let Some(count) = map.get_mut(key) {
            *count -= 1;
            if *count == 0 {
                map.remove(key);
            }
        }
    }
}

/// The gateway's command slots. Cheap to clone (shared state).
#[derive(Clone)]
pub struct CommandSlots {
    limits: SlotLimits,
    counts: Arc<Mutex<Counts>>,
}

impl fmt::Debug for CommandSlots {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CommandSlots")
            .field("limits", &self.limits)
            .field("running", &self.running())
            .finish()
    }
}

impl CommandSlots {
    /// Slots under `limits`, none taken.
    pub fn new(limits: SlotLimits) -> CommandSlots {
        CommandSlots {
            limits,
            counts: Arc::new(Mutex::new(Counts::default())),
        }
    }

    /// The limits.
    pub fn limits(&self) -> SlotLimits {
        self.limits
    }

    /// Commands running now.
    pub fn running(&self) -> usize {
        self.lock().running
    }

    // A panic while holding the lock leaves consistent counts (every update
    // is a few integer operations), so a poisoned lock is used as is.
    fn lock(&self) -> MutexGuard<'_, Counts> {
        self.counts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Takes a slot for a command of `kind` by `user` (see [`user_key`]), or
    /// says which limit is reached. The slot is given back when the guard drops.
    pub fn try_take(&self, user: &str, kind: Kind) -> Result<SlotGuard, Busy> {
        let mut counts = self.lock();
        if counts.user(user) >= self.limits.per_user {
            return Err(Busy::User {
                limit: self.limits.per_user,
            });
        }
        if let Kind::Integration(command) = &kind {
            self.check_integration(&counts, command)?;
        }
        let limit = match kind {
            Kind::Builtin | Kind::Undecided => self.limits.total,
            Kind::Integration(_) | Kind::Other => self.limits.unreserved(),
        };
        if counts.running >= limit {
            return Err(Busy::Gateway { limit });
        }
        counts.running += 1;
        *counts.users.entry(user.to_owned()).or_default() += 1;
        if let Kind::Integration(command) = &kind {
            *counts.integrations.entry(command.clone()).or_default() += 1;
        }
        Ok(SlotGuard {
            slots: self.clone(),
            user: user.to_owned(),
            kind,
        })
    }

    fn check_integration(&self, counts: &Counts, command: &str) -> Result<(), Busy> {
        if counts.integration(command) >= self.limits.per_integration {
            return Err(Busy::Integration {
                command: command.to_owned(),
                limit: self.limits.per_integration,
            });
        }
        Ok(())
    }
}

/// A command slot, given back when dropped.
#[derive(Debug)]
pub struct SlotGuard {
    slots: CommandSlots,
    user: String,
    kind: Kind,
}

impl SlotGuard {
    /// What the slot was taken (or settled) for.
    pub fn kind(&self) -> &Kind {
        &self.kind
    }

    /// Settles an [`Kind::Undecided`] slot once the command is known, under
    /// the limits that kind would have met when taken (the user's was
    /// checked then). A refused slot stays undecided; drop it. Settling a
    /// slot that is already decided changes nothing.
    pub fn settle(&mut self, kind: Kind) -> Result<(), Busy> {
        if self.kind != Kind::Undecided || kind == Kind::Undecided {
            return Ok(());
        }
        let mut counts = self.slots.lock();
        if let Kind::Integration(command) = &kind {
            self.slots.check_integration(&counts, command)?;
        }
        if matches!(kind, Kind::Integration(_) | Kind::Other) {
            // This slot is among the running ones: the others must leave it room.
            let limit = self.slots.limits.unreserved();
            if counts.running > limit {
                return Err(Busy::Gateway { limit });
            }
        }
        if let Kind::Integration(command) = &kind {
            *counts.integrations.entry(command.clone()).or_default() += 1;
        }
        drop(counts);
        self.kind = kind;
        Ok(())
    }
}

impl Drop for SlotGuard {
    fn drop(&mut self) {
        let mut counts = self.slots.lock();
        counts.running = counts.running.saturating_sub(1);
        Counts::release(&mut counts.users, &self.user);
        if let Kind::Integration(command) = &self.kind {
            Counts::release(&mut counts.integrations, command);
        }
    }
}

/// The key a user's commands are counted under: the platform, the
/// organization and the user ID, so that the same ID on two platforms (or in
/// two Slack workspaces) is two users. Without a user ID (which no platform
/// sends today), every such request shares one key.
pub fn user_key(platform: &str, organization: Option<&str>, user: Option<&str>) -> String {
    format!(
        "{platform}\n{}\n{}",
        organization.unwrap_or_default(),
        user.unwrap_or_default()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nautobot() -> Kind {
        Kind::Integration("nautobot".to_owned())
    }

    fn awx() -> Kind {
        Kind::Integration("awx".to_owned())
    }

    fn slots(total: usize, per_user: usize, per_integration: usize) -> CommandSlots {
        CommandSlots::new(SlotLimits::new(total, per_user, Some(per_integration)))
    }

    #[test]
    fn the_defaults_reserve_a_few_slots_and_give_an_integration_half() {
        // (total, per user, per integration) asked: [total, reserve, per user, per integration].
        let cases = [
            // A sixteenth reserved, half the slots per integration.
            ((64, 4, None), [64, 4, 4, 32]),
            // At most 8 reserved, and at least 1.
            ((1000, 4, None), [1000, 8, 4, 500]),
            ((4, 4, None), [4, 1, 4, 2]),
            // One slot is never reserved away; zeroes count as one.
            ((1, 0, Some(0)), [1, 0, 1, 1]),
            ((0, 4, None), [1, 0, 4, 1]),
        ];
        for ((total, per_user, per_integration), expected) in cases {
            let l = SlotLimits::new(total, per_user, per_integration);
            let got = [l.total, l.reserve, l.per_user, l.per_integration];
            assert_eq!(got, expected, "{total} {per_user} {per_integration:?}");
        }
    }

    #[test]
    fn each_limit_is_counted_and_told_its_own_way() {
        let cases = [
            (
                Busy::User { limit: 4 },
                "busy_user",
                "You already have 4 commands running; please wait for one to finish and try again.",
            ),
            (
                Busy::Integration {
                    command: "nautobot".to_owned(),
                    limit: 32,
                },
                "busy_integration",
                "The nautobot integration is busy: it is at its limit of 32 commands running. Please try again in a moment.",
            ),
            (
                Busy::Gateway { limit: 15 },
                "busy",
                "The gateway is busy with other commands right now: it is at its limit of 15 commands running. Please try again in a moment.",
            ),
        ];
        for (busy, outcome, sentence) in cases {
            assert_eq!((busy.outcome(), busy.to_string().as_str()), (outcome, sentence));
        }
    }

    #[test]
    fn one_user_cannot_take_more_than_their_share() {
        let slots = slots(64, 4, 32);
        let held: Vec<_> = (0..4)
            .map(|_| slots.try_take("alice", nautobot()).unwrap())
            .collect();
        // The per-user limit counts every kind: built-ins too.
        for kind in [nautobot(), Kind::Builtin] {
            assert_eq!(
                slots.try_take("alice", kind).unwrap_err(),
                Busy::User { limit: 4 }
            );
        }
        // Others are not affected.
        let _bob = slots.try_take("bob", nautobot()).unwrap();
        let _carol = slots.try_take("carol", Kind::Builtin).unwrap();
        drop(held);
        assert_eq!(slots.running(), 2);
        let _again = slots.try_take("alice", nautobot()).unwrap();
    }

    #[test]
    fn a_slow_integration_cannot_take_more_than_its_share() {
        let slots = slots(64, 4, 32);
        let held: Vec<_> = (0..32)
            .map(|i| slots.try_take(&format!("user{i}"), nautobot()).unwrap())
            .collect();
        let refused = slots.try_take("someone", nautobot()).unwrap_err();
        assert_eq!(
            refused,
            Busy::Integration {
                command: "nautobot".to_owned(),
                limit: 32
            }
        );
        // Another integration, the built-in command and unknown commands still run.
        let _awx = slots.try_take("someone", awx()).unwrap();
        let _whoami = slots.try_take("someone", Kind::Builtin).unwrap();
        let _typo = slots.try_take("someone", Kind::Other).unwrap();
        drop(held);
        let _again = slots.try_take("someone", nautobot()).unwrap();
    }

    #[test]
    fn the_built_in_command_keeps_its_reserve_when_integrations_fill_the_rest() {
        // 16 slots, 1 reserved; two integrations of 8 each fill the other 15.
        let slots = slots(16, 16, 8);
        let mut held: Vec<_> = (0..8).map(|_| slots.try_take("a", nautobot()).unwrap()).collect();
        held.extend((0..7).map(|_| slots.try_take("b", awx()).unwrap()));
        // Nor may an unknown command take the reserve.
        for kind in [awx(), Kind::Other] {
            assert_eq!(
                slots.try_take("c", kind).unwrap_err(),
                Busy::Gateway { limit: 15 }
            );
        }
        let whoami = slots.try_take("c", Kind::Builtin).unwrap();
        assert_eq!(
            slots.try_take("d", Kind::Builtin).unwrap_err(),
            Busy::Gateway { limit: 16 },
            "the built-in command is bounded by the total"
        );
        drop(whoami);
        let _help = slots.try_take("d", Kind::Builtin).unwrap();
    }

    #[test]
    fn the_most_specific_limit_is_named() {
        let slots = slots(2, 1, 1);
        let _first = slots.try_take("alice", nautobot()).unwrap();
        // alice is at her limit, nautobot at its limit and the gateway's unreserved slot taken:
        assert_eq!(
            slots.try_take("alice", nautobot()).unwrap_err(),
            Busy::User { limit: 1 }
        );
        assert!(matches!(
            slots.try_take("bob", nautobot()).unwrap_err(),
            Busy::Integration { .. }
        ));
        assert_eq!(
            slots.try_take("bob", Kind::Other).unwrap_err(),
            Busy::Gateway { limit: 1 }
        );
    }

    #[test]
    fn an_undecided_slot_is_settled_under_the_limits_of_what_it_turns_out_to_be() {
        let slots = slots(4, 4, 1);
        // 4 slots, 1 reserved: an undecided slot may take the reserve...
        let held: Vec<_> = (0..3)
            .map(|_| slots.try_take("a", Kind::Other).unwrap())
            .collect();
        let mut undecided = slots.try_take("b", Kind::Undecided).unwrap();
        assert_eq!(slots.running(), 4);
        // ...but may keep it only as the built-in command.
        assert_eq!(
            undecided.settle(nautobot()).unwrap_err(),
            Busy::Gateway { limit: 3 }
        );
        assert_eq!(
            undecided.kind(),
            &Kind::Undecided,
            "a refused slot stays undecided"
        );
        undecided.settle(Kind::Builtin).unwrap();
        assert_eq!(undecided.kind(), &Kind::Builtin);
        undecided.settle(nautobot()).unwrap();
        assert_eq!(undecided.kind(), &Kind::Builtin, "a decided slot stays as it is");
        drop(held);
        drop(undecided);
        assert_eq!(slots.running(), 0);

        // The integration's limit applies when settled.
        let _running = slots.try_take("a", nautobot()).unwrap();
        let mut undecided = slots.try_take("b", Kind::Undecided).unwrap();
        assert!(matches!(
            undecided.settle(nautobot()).unwrap_err(),
            Busy::Integration { limit: 1, .. }
        ));
        let mut other = slots.try_take("c", Kind::Undecided).unwrap();
        other.settle(awx()).unwrap();
        assert!(matches!(
            slots.try_take("d", awx()).unwrap_err(),
            Busy::Integration { .. }
        ));
        drop(other);
        let _awx = slots.try_take("d", awx()).unwrap();
    }

    #[test]
    fn every_slot_is_given_back_and_nothing_is_kept_of_finished_commands() {
        let slots = slots(8, 2, 3);
        let mut held = Vec::new();
        for user in ["a", "b", "c", "d"] {
            for kind in [nautobot(), Kind::Builtin, Kind::Other, Kind::Undecided] {
                if let Ok(mut guard) = slots.try_take(user, kind) {
                    let _ = guard.settle(awx());
                    held.push(guard);
                }
            }
        }
        assert!(slots.running() <= 8);
        drop(held);
        let counts = slots.lock();
        assert_eq!(counts.running, 0);
        assert!(counts.users.is_empty(), "{:?}", counts.users);
        assert!(counts.integrations.is_empty(), "{:?}", counts.integrations);
    }

    #[test]
    fn users_are_told_apart_by_platform_and_organization() {
        let alice = user_key("slack", Some("T1"), Some("U1"));
        assert_ne!(alice, user_key("slack", Some("T2"), Some("U1")));
        assert_ne!(alice, user_key("teams", Some("T1"), Some("U1")));
        assert_eq!(alice, user_key("slack", Some("T1"), Some("U1")));
    }
}
