//! The built-in `chatops` command.

use super::fixtures::*;
use crate::commands::Outcome;
use chatops_crds::config::SecretKey;

use crate::model::{Block, Message};

fn table(message: &Message) -> &crate::model::Table {
    message
        .blocks
        .iter()
        .find_map(|block| match block {
            Block::Table(table) => Some(table),
            _ => None,
        })
        .expect("a table")
}

#[tokio::test]
async fn access_without_a_command_asks_with_a_menu() {
    let fixture = Fixture::new();
    let prompt = fixture.typed(USER, "chatops access").await;
    let menu = prompted(&prompt);
    assert_eq!(choice_values(menu), ["chatops", "network", "all"]);

    let routed = fixture.answer(USER, &menu.continuation, &["network"]).await;
    private_text(&routed, Outcome::Succeeded);
    assert_eq!(routed.invocation.arguments, ["network"]);
    let table = table(message(&routed));
    assert_eq!(table.columns, ["Sub-command", "Allowed", "Missing grant"]);
    assert_eq!(
        table.rows,
        [
            ["status", "yes", ""],
            ["redeploy", "no", "user U5555"],
            ["history", "yes", ""],
            ["pick", "yes", ""],
            ["broken", "yes", ""],
            ["fail", "yes", ""],
        ]
    );
}

#[tokio::test]
async fn access_all_gives_the_overview() {
    let routed = Fixture::new().typed(ELSEWHERE, "chatops access all").await;
    let rows = &table(message(&routed)).rows;
    assert_eq!(
        rows,
        &[
            ["/chatops", "4 of 4", ""],
            ["/network", "0 of 6", "channel C1111"],
        ]
    );
}

#[tokio::test]
async fn access_to_an_unknown_command_fails() {
    let routed = Fixture::new().typed(USER, "chatops access nothing").await;
    assert!(matches!(routed.outcome, Outcome::Failed(_)));
    assert_eq!(text(&routed), "I don't know the command `/nothing`.");
}

#[tokio::test]
async fn access_hides_what_restrict_help_hides() {
    let fixture = Fixture::new().platform(|p| p.restrict_help = true);
    let routed = fixture.typed(USER, "chatops access network").await;
    let subs: Vec<&str> = table(message(&routed))
        .rows
        .iter()
        .map(|row| row[0].as_str())
        .collect();
    assert!(
        !subs.contains(&"redeploy") && subs.contains(&"status"),
        "{subs:?}"
    );
}

#[tokio::test]
async fn whoami_shows_ids_and_the_account_link_to_commit() {
    let fixture = Fixture::new();
    let routed = fixture.typed(USER, "chatops whoami").await;
    let text = private_text(&routed, Outcome::Succeeded);
    assert_eq!(
        table(message(&routed)).rows,
        [
            ["organization", "T202B88NN"],
            ["channel", "C3030I566"],
            ["user", "U5555"],
        ]
    );
    assert_text(
        &text,
        &[
            "not linked: you act as the fallback user **chatbot**",
            "kind: AccountLink\nmetadata:\n  name: slack-u5555\n",
            "  chatUserId: \"U5555\"\n",
        ],
        &[],
    );

    // A linked user is shown their link, not a template.
    assert_text(
        &super::fixtures::text(&fixture.typed(ADMIN1, "chatops whoami").await),
        &[
            "You act as **alice**, through the AccountLink `default/alice`.",
            "/network | the Integration's token, as the fallback user chatbot",
        ],
        &["kind: AccountLink"],
    );
}

#[tokio::test]
async fn whoami_names_the_integrations_a_link_carries_a_token_for() {
    let mut fixture = Fixture::new();
    fixture.config.account_links[0].tokens.insert(
        "network".to_owned(),
        SecretKey("accountlink.default.alice.network".to_owned()),
    );
    // No secret key is named.
    assert_text(
        &text(&fixture.typed(ADMIN1, "chatops whoami").await),
        &["/network | your own token, as alice"],
        &["accountlink.default.alice"],
    );
}

#[tokio::test]
async fn about_names_the_version_and_the_integrations() {
    let routed = Fixture::new().typed(USER, "chatops about").await;
    let expected = [
        env!("CARGO_PKG_VERSION"),
        "serving `slack` (slack)",
        "/network | awx",
        "https://github.com/",
    ];
    assert_text(&text(&routed), &expected, &[]);
}

#[tokio::test]
async fn chatops_help_is_the_command_list() {
    let fixture = Fixture::new();
    let routed = fixture.typed(USER, "chatops help").await;
    let text = private_text(&routed, Outcome::Succeeded);
    assert_starts(&text, "I know these commands:");
    // The bare command lists its own sub-commands.
    let bare = super::fixtures::text(&fixture.typed(USER, "chatops").await);
    assert_text(&bare, &["- `/chatops access [command]`"], &[]);
}
