//! `examples/quickstart/` is what the README runs: it must compile with every
//! resource ready, and it must mean what its comments say.

use chatops_crds::{Kind, config::PlatformCredentials};
use chatops_tests::{compile_ready, load_quickstart};

#[test]
fn the_quickstart_compiles_with_no_diagnostics() {
    let compiled = compile_ready(load_quickstart(), "examples/quickstart");

    let count = |kind: Kind| {
        compiled
            .diagnostics
            .iter()
            .filter(|d| d.object.kind == kind)
            .count()
    };
    assert_eq!(count(Kind::ChatPlatform), 1);
    assert_eq!(count(Kind::AccessGrant), 5);
    assert_eq!(count(Kind::AccountLink), 1);
    assert_eq!(count(Kind::Integration), 1);
    assert!(
        compiled
            .diagnostics
            .iter()
            .all(|d| d.object.namespace == "chatops")
    );
}

#[test]
fn the_quickstart_config_carries_every_credential_by_key() {
    let compiled = load_quickstart().compile();
    let slack = &compiled.config.platforms["slack"];
    let PlatformCredentials::Slack {
        signing_secret,
        bot_token,
        ..
    } = &slack.credentials
    else {
        panic!("the quickstart platform is Slack")
    };
    assert_eq!(
        signing_secret.as_ref().and_then(|key| compiled.secrets.get(key)),
        Some("quickstart-signing-secret-not-for-production")
    );
    assert!(
        compiled
            .secrets
            .get(bot_token)
            .is_some_and(|t| t.starts_with("xoxb-"))
    );

    let nautobot = &compiled.config.integrations["nautobot"];
    assert!(
        nautobot
            .token
            .as_ref()
            .and_then(|k| compiled.secrets.get(k))
            .is_some()
    );
    let alice = &compiled.config.account_links[0];
    assert_eq!(
        (alice.chat_user_id.as_str(), alice.user.as_str()),
        ("U0EXAMPLE01", "alice")
    );
    assert!(compiled.secrets.get(&alice.tokens["nautobot"]).is_some());
}

/// The quickstart's grants, as compiled from its manifests, enforced by the gateway's engine.
#[test]
fn the_quickstart_grants_mean_what_their_comments_say() {
    use chatops_gateway::access::{GrantIndex, GrantType, Request};

    let compiled = load_quickstart().compile();
    let index = GrantIndex::new(&compiled.config.grants);
    let request = |organization, user, command, subcommand| Request {
        platform: "slack",
        organization: Some(organization),
        channel: Some("C0ANYWHERE1"),
        user: Some(user),
        command,
        subcommand,
    };
    let alice = "U0EXAMPLE01";
    let bob = "U0SOMEBODY9";

    // Everyone asks the gateway who they are; everyone lists devices.
    assert!(
        index
            .check(&request("T0EXAMPLE01", bob, "chatops", "whoami"))
            .is_allowed()
    );
    assert!(
        index
            .check(&request("T0EXAMPLE01", bob, "nautobot", "get-devices"))
            .is_allowed()
    );
    // Only alice changes device status.
    assert!(
        index
            .check(&request("T0EXAMPLE01", alice, "nautobot", "change-device-status"))
            .is_allowed()
    );
    let denied = index.check(&request("T0EXAMPLE01", bob, "nautobot", "change-device-status"));
    let denial = denied.denial().expect("bob is denied");
    assert_eq!((denial.scope, denial.id), (GrantType::User, Some(bob)));
    // Nobody outside the workspace runs anything, alice's ID notwithstanding.
    let outsider = index.check(&request("T0OTHERORG1", alice, "nautobot", "get-devices"));
    let denial = outsider.denial().expect("another workspace is denied");
    assert_eq!(
        (denial.scope, denial.id),
        (GrantType::Organization, Some("T0OTHERORG1"))
    );
}
