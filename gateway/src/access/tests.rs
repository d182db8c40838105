//! The grant tables from the Nautobot ChatOps docs, and the edges of the rules.
//!
//! Every case is checked against both [`GrantIndex`] and [`reference`](mod@reference), so the tables pin down
//! the specification as well as the fast engine.

use chatops_crds::config::GrantRule;

use super::GrantType::{Channel, Organization, User};
use super::{Decision, Denial, GrantIndex, Request, reference};

/// The platform requests come from unless a case says otherwise.
const PLATFORM: &str = "slack";

/// Parses a grant written `command subcommand grant_type name value`, as the tables are.
fn grant(line: &str) -> GrantRule {
    let fields: Vec<&str> = line.split_whitespace().collect();
    let [command, subcommand, grant_type, name, value] = fields[..] else {
        panic!("a grant is `command subcommand grant_type name value`, got {line:?}");
    };
    let grant_type = match grant_type {
        "organization" => Organization,
        "channel" => Channel,
        "user" => User,
        other => panic!("unknown grant type {other:?}"),
    };
    GrantRule {
        command: command.to_owned(),
        subcommand: subcommand.to_owned(),
        grant_type,
        value: value.to_owned(),
        platform: None,
        name: name.to_owned(),
        source: format!("default/{name}"),
    }
}

/// A grant limited to the ChatPlatform `platform`.
fn grant_on(platform: &str, line: &str) -> GrantRule {
    GrantRule {
        platform: Some(platform.to_owned()),
        ..grant(line)
    }
}

fn grants(lines: &[&str]) -> Vec<GrantRule> {
    lines.iter().map(|line| grant(line)).collect()
}

/// One request and what it should get, written `[platform |] ids | typed | expected`: `ids` is
/// `organization channel user` (`-` for a missing ID), `typed` the command and optional
/// sub-command, `expected` either `allowed` or `denied` with the scope and the ID the denial
/// reports (`-` for none). The platform is [`PLATFORM`] unless given.
struct Case {
    platform: &'static str,
    ids: &'static str,
    typed: &'static str,
    expected: &'static str,
}

fn present(id: &str) -> Option<&str> {
    (id != "-").then_some(id)
}

impl Case {
    fn parse(line: &'static str) -> Case {
        let fields: Vec<&'static str> = line.split(" | ").collect();
        let (platform, [ids, typed, expected]) = match fields[..] {
            [ids, typed, expected] => (PLATFORM, [ids, typed, expected]),
            [platform, ids, typed, expected] => (platform, [ids, typed, expected]),
            _ => panic!("a case is `[platform |] ids | typed | expected`, got {line:?}"),
        };
        Case {
            platform,
            ids,
            typed,
            expected,
        }
    }

    fn request(&self) -> Request<'static> {
        let ids: Vec<&'static str> = self.ids.split_whitespace().collect();
        let [organization, channel, user] = ids[..] else {
            panic!("ids are `organization channel user`, got {:?}", self.ids);
        };
        let mut typed = self.typed.split_whitespace();
        Request {
            platform: self.platform,
            organization: present(organization),
            channel: present(channel),
            user: present(user),
            command: typed.next().expect("a command"),
            subcommand: typed.next().unwrap_or(""),
        }
    }

    fn expected(&self) -> Decision<'static> {
        let (scope, id) = match self.expected.split_whitespace().collect::<Vec<_>>()[..] {
            ["allowed"] => return Decision::Allowed,
            ["denied", "organization", id] => (Organization, id),
            ["denied", "channel", id] => (Channel, id),
            ["denied", "user", id] => (User, id),
            _ => panic!("expected `allowed` or `denied scope id`, got {:?}", self.expected),
        };
        Decision::Denied(Denial {
            scope,
            id: present(id),
        })
    }
}

/// Checks every case against the index and the reference, reporting all failures at once.
fn assert_table(grants: &[GrantRule], cases: &[&'static str]) {
    let index = GrantIndex::new(grants);
    let mut failures = Vec::new();
    for case in cases.iter().map(|line| Case::parse(line)) {
        let request = case.request();
        let expected = case.expected();
        for (engine, got) in [
            ("index", index.check(&request)),
            ("reference", reference::check(grants, &request)),
        ] {
            if got != expected {
                failures.push(format!(
                    "{engine}: `{}` on {} by `{}`: expected {expected:?}, got {got:?}",
                    case.typed, case.platform, case.ids
                ));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// Table A: anyone in one organization runs anything anywhere.
fn unrestricted_in_one_organization() -> Vec<GrantRule> {
    grants(&[
        "* * organization my-org T202B88NN",
        "* * channel any *",
        "* * user any *",
    ])
}

#[test]
fn table_a_unrestricted_within_one_organization() {
    assert_table(
        &unrestricted_in_one_organization(),
        &[
            "T202B88NN C2020H455 U1111 | network redeploy | allowed",
            "T202B88NN C9999 U9999 | jokes tell | allowed",
            "T202B88NN C9999 U9999 | anything | allowed",
            "T999OTHER C2020H455 U1111 | network redeploy | denied organization T999OTHER",
            "T999OTHER C2020H455 U1111 | jokes | denied organization T999OTHER",
        ],
    );
}

#[test]
fn table_b_split_command_access_by_channel() {
    let grants = grants(&[
        "* * organization my-org T202B88NN",
        "support * channel support C2020H455",
        "devops * channel devops C3030I566",
        "* * user any *",
    ]);
    assert_table(
        &grants,
        &[
            "T202B88NN C2020H455 U1111 | support ticket | allowed",
            "T202B88NN C2020H455 U1111 | support | allowed",
            "T202B88NN C3030I566 U1111 | devops deploy | allowed",
            "T202B88NN C3030I566 U1111 | devops | allowed",
            "T202B88NN C3030I566 U1111 | support ticket | denied channel C3030I566",
            "T202B88NN C2020H455 U1111 | devops deploy | denied channel C2020H455",
            "T202B88NN C7777 U1111 | support ticket | denied channel C7777",
            "T202B88NN C2020H455 U1111 | jokes tell | denied channel C2020H455",
            "T999OTHER C2020H455 U1111 | support ticket | denied organization T999OTHER",
        ],
    );
}

/// Table C: `network redeploy` for three admins in the devops channel only.
fn one_destructive_subcommand() -> Vec<GrantRule> {
    grants(&[
        "* * organization my-org T202B88NN",
        "jokes * channel any *",
        "jokes * user any *",
        "network * channel devops C3030I566",
        "network history user any *",
        "network redeploy user admin1 U2049K991",
        "network redeploy user admin2 U2039K725",
        "network redeploy user admin3 U7924K784",
        "network status user any *",
        "weather * channel any *",
        "weather * user any *",
    ])
}

#[test]
fn table_c_one_destructive_subcommand_for_three_admins() {
    assert_table(
        &one_destructive_subcommand(),
        &[
            "T202B88NN C3030I566 U2049K991 | network redeploy | allowed",
            "T202B88NN C3030I566 U2039K725 | network redeploy | allowed",
            "T202B88NN C3030I566 U7924K784 | network redeploy | allowed",
            "T202B88NN C3030I566 U5555 | network status | allowed",
            "T202B88NN C3030I566 U5555 | network history | allowed",
            "T202B88NN C3030I566 U5555 | network | allowed",
            "T202B88NN C1111 U5555 | jokes tell | allowed",
            "T202B88NN C3030I566 U5555 | weather forecast | allowed",
            "T202B88NN C3030I566 U5555 | network redeploy | denied user U5555",
            "T202B88NN C3030I566 U5555 | network reboot | denied user U5555",
            "T202B88NN C2020H455 U2049K991 | network redeploy | denied channel C2020H455",
            "T202B88NN C1111 U5555 | network status | denied channel C1111",
            "T202B88NN C1111 U5555 | network | denied channel C1111",
            "T202B88NN C3030I566 U5555 | uptime check | denied channel C3030I566",
            "T999OTHER C3030I566 U2049K991 | network redeploy | denied organization T999OTHER",
            "T999OTHER C1111 U5555 | jokes tell | denied organization T999OTHER",
        ],
    );
}

#[test]
fn no_grants_deny_at_the_organization() {
    assert_table(
        &[],
        &[
            "T202B88NN C2020H455 U1111 | jokes tell | denied organization T202B88NN",
            "T202B88NN C2020H455 U1111 | help | denied organization T202B88NN",
            "- - - | help | denied organization -",
        ],
    );
}

#[test]
fn platform_scoped_grants_apply_only_on_their_platform() {
    let grants = vec![
        grant_on("slack-prod", "* * organization prod T202B88NN"),
        grant("* * channel any *"),
        grant("* * user any *"),
    ];
    assert_table(
        &grants,
        &[
            "slack-prod | T202B88NN C1 U1111 | jokes tell | allowed",
            "slack-staging | T202B88NN C1 U1111 | jokes tell | denied organization T202B88NN",
        ],
    );

    // An unscoped org grant combined with a user grant scoped to one platform.
    let grants = vec![
        grant("* * organization my-org T202B88NN"),
        grant("* * channel any *"),
        grant_on("slack-prod", "network redeploy user admin1 U2049K991"),
        grant("network status user any *"),
    ];
    assert_table(
        &grants,
        &[
            "slack-prod | T202B88NN C1 U2049K991 | network redeploy | allowed",
            "mattermost | T202B88NN C1 U2049K991 | network status | allowed",
            "mattermost | T202B88NN C1 U2049K991 | network redeploy | denied user U2049K991",
        ],
    );
}

#[test]
fn bare_command_needs_any_grant_for_the_command() {
    let grants = grants(&[
        "* * organization any *",
        "* * channel any *",
        "network status user any *",
        "weather * user any *",
    ]);
    assert_table(
        &grants,
        &[
            "T1 C1 U1 | network | allowed",
            "T1 C1 U1 | weather | allowed",
            "T1 C1 U1 | network status | allowed",
            "T1 C1 U1 | network redeploy | denied user U1",
            // `help` typed as a sub-command is a literal sub-command, not the bare command.
            "T1 C1 U1 | network help | denied user U1",
            "T1 C1 U1 | weather help | allowed",
            "T1 C1 U1 | jokes | denied user U1",
        ],
    );
}

#[test]
fn a_missing_id_fails_its_scope_even_against_a_wildcard() {
    let grants = grants(&["* * organization any *", "* * channel any *", "* * user any *"]);
    assert_table(
        &grants,
        &[
            "T1 C1 U1 | jokes tell | allowed",
            "- C1 U1 | jokes tell | denied organization -",
            "T1 - U1 | jokes tell | denied channel -",
            "T1 C1 - | jokes tell | denied user -",
            "- - - | jokes tell | denied organization -",
        ],
    );
}

#[test]
fn restricted_help_considers_only_user_grants() {
    let grants = one_destructive_subcommand();
    let index = GrantIndex::new(&grants);
    let cases = [
        // (user, command, sub-command, shown)
        (Some("U2049K991"), "network", "redeploy", true),
        (Some("U5555"), "network", "redeploy", false),
        (Some("U5555"), "network", "status", true),
        (Some("U5555"), "network", "history", true),
        (Some("U5555"), "jokes", "tell", true),
        (Some("U5555"), "uptime", "check", false),
        (None, "network", "status", false),
    ];
    for (user, command, subcommand, shown) in cases {
        assert_eq!(
            index.user_grant_allows(PLATFORM, user, command, subcommand),
            shown,
            "index: {user:?} {command} {subcommand}"
        );
        assert_eq!(
            reference::user_grant_allows(&grants, PLATFORM, user, command, subcommand),
            shown,
            "reference: {user:?} {command} {subcommand}"
        );
    }

    // Organization and channel grants for everything show nothing without a user grant.
    let grants = grants_without_user_scope();
    let index = GrantIndex::new(&grants);
    assert!(!index.user_grant_allows(PLATFORM, Some("U1"), "jokes", "tell"));
    assert!(!reference::user_grant_allows(
        &grants,
        PLATFORM,
        Some("U1"),
        "jokes",
        "tell"
    ));
}

fn grants_without_user_scope() -> Vec<GrantRule> {
    grants(&["* * organization any *", "* * channel any *"])
}

#[test]
fn denial_tells_the_user_what_to_ask_for() {
    let sentence = |scope, id| Denial { scope, id }.to_string();
    assert_eq!(
        sentence(Organization, Some("T999OTHER")),
        "This command is not permitted in organization T999OTHER; ask an admin for an AccessGrant."
    );
    assert_eq!(
        sentence(Channel, Some("C123")),
        "This command is not permitted in channel C123; ask an admin for an AccessGrant."
    );
    assert_eq!(
        sentence(User, Some("U5555")),
        "This command is not permitted for user U5555; ask an admin for an AccessGrant."
    );
    assert_eq!(
        sentence(Channel, None),
        "This command is not permitted without a channel ID; ask an admin for an AccessGrant."
    );
}

#[test]
fn decision_accessors() {
    let denial = Denial {
        scope: User,
        id: Some("U1"),
    };
    assert!(Decision::Allowed.is_allowed());
    assert_eq!(Decision::Allowed.denial(), None);
    assert!(!Decision::Denied(denial).is_allowed());
    assert_eq!(Decision::Denied(denial).denial(), Some(denial));
}

#[test]
fn index_counts_its_grants() {
    assert!(GrantIndex::default().is_empty());
    let index = GrantIndex::new(&one_destructive_subcommand());
    assert_eq!(index.len(), 11);
    assert!(!index.is_empty());
}
