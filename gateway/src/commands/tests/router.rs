//! Routing: grants at every step, help, prompts and the platform's settings.

use super::fixtures::*;
use crate::access::GrantType;
use crate::commands::{CANCEL_VALUE, ContinuationError, MENU_PAGE_SIZE, MORE_PREFIX, Outcome};
use crate::model::{Field, FieldKind, Identity, Level, Prompt, Reply};

#[tokio::test]
async fn a_denied_user_is_told_the_scope_and_the_id() {
    let fixture = Fixture::new();
    let routed = fixture.typed(USER, "network redeploy ams01").await;
    assert_eq!(routed.outcome, denied(GrantType::User, Some("U5555")));
    let reply = message(&routed);
    assert_eq!(reply.level, Level::Error);
    assert!(reply.private);
    let expected = [
        "`/network redeploy`",
        "for user U5555",
        "`grantType: user` and `value: U5555`",
    ];
    assert_text(&text(&routed), &expected, &[]);
    assert_eq!(routed.outcome.audit(), crate::audit::Outcome::Denied);
    assert_eq!(routed.outcome.detail(), "not permitted in user U5555");

    let elsewhere = fixture.typed(ELSEWHERE, "network status").await;
    assert_eq!(elsewhere.outcome, denied(GrantType::Channel, Some("C1111")));
    let no_org = fixture.typed("- C3030I566 U5555", "network status").await;
    assert_eq!(no_org.outcome, denied(GrantType::Organization, None));
}

#[tokio::test]
async fn an_allowed_command_runs_as_the_linked_user() {
    let fixture = Fixture::new();
    let routed = fixture.typed(ADMIN1, "network redeploy ams01").await;
    assert_eq!(routed.outcome, Outcome::Succeeded);
    assert_eq!(text(&routed), "Redeploying ams01 as alice");
    assert!(!message(&routed).private);
    assert_eq!(
        routed.identity,
        Identity {
            user: "alice".to_owned(),
            linked: true
        }
    );
    // The hyphenated form is the same command.
    let hyphenated = fixture.typed(ADMIN1, "network-redeploy ams01").await;
    assert_eq!(text(&hyphenated), "Redeploying ams01 as alice");
}

#[tokio::test]
async fn users_without_a_link_act_as_the_fallback_user() {
    let fixture = Fixture::new();
    let routed = fixture.typed(USER, "network status").await;
    assert_eq!(routed.outcome, Outcome::Succeeded);
    assert_eq!(
        routed.identity,
        Identity {
            user: "chatbot".to_owned(),
            linked: false
        }
    );
    // Identity is resolved for the audit line even when the grants refuse.
    let denied = fixture.typed(ELSEWHERE, "network status").await;
    assert_eq!(denied.identity.user, "chatbot");
}

#[tokio::test]
async fn a_bare_command_or_help_lists_the_subcommands_privately() {
    let fixture = Fixture::new();
    for typed in ["network", "network help"] {
        let text = private_text(&fixture.typed(USER, typed).await, Outcome::Help);
        assert_starts(&text, "I know these `/network` sub-commands:");
        let expected = [
            "- `/network status`  Show the network status",
            "- `/network redeploy [site]`  Redeploy a site",
        ];
        assert_text(&text, &expected, &[]);
    }
    // Help is still behind the grants: the channel has none for `network`.
    let elsewhere = fixture.typed(ELSEWHERE, "network help").await;
    assert_eq!(denied_scope(&elsewhere), Some(GrantType::Channel));
}

#[tokio::test]
async fn restrict_help_lists_only_what_user_grants_allow() {
    let fixture = Fixture::new().platform(|p| p.restrict_help = true);
    let user = text(&fixture.typed(USER, "network").await);
    assert_text(&user, &["/network status"], &["/network redeploy"]);
    let admin = text(&fixture.typed(ADMIN1, "network").await);
    assert_text(&admin, &["/network redeploy"], &[]);

    // The command list too: without user grants for `network`, it is not listed.
    let fixture = Fixture::with_grants(&[
        "* * organization my-org T202B88NN",
        "* * channel any *",
        "chatops * user any *",
        "network redeploy user admin1 U2049K991",
    ])
    .platform(|p| p.restrict_help = true);
    let user = text(&fixture.typed(USER, "nonsense").await);
    assert_text(&user, &["- `/chatops`"], &["/network"]);
    let admin = text(&fixture.typed(ADMIN1, "nonsense").await);
    assert_text(&admin, &["- `/network`  Operate the network"], &[]);
}

#[tokio::test]
async fn an_unknown_command_gets_the_command_list() {
    let fixture = Fixture::new();
    let routed = fixture.typed(ELSEWHERE, "frobnicate now").await;
    let text = private_text(&routed, Outcome::Unknown("unknown command frobnicate".to_owned()));
    assert_starts(&text, "I don't know the command `/frobnicate`.");
    let expected = [
        "I know these commands:\n- `/chatops`  ",
        "- `/network`  Operate the network",
    ];
    assert_text(&text, &expected, &[]);
    // An empty message (a bare mention) is just help.
    assert_eq!(fixture.typed(USER, "  ").await.outcome, Outcome::Help);
}

#[tokio::test]
async fn an_unknown_subcommand_is_an_error_with_the_list() {
    let fixture = Fixture::new();
    let routed = fixture.typed(USER, "chatops frobnicate").await;
    assert_eq!(
        routed.outcome,
        Outcome::Unknown("unknown sub-command frobnicate".to_owned())
    );
    assert_eq!(message(&routed).level, Level::Error);
    let text = text(&routed);
    assert_starts(&text, "I don't know the `/chatops` sub-command \"frobnicate\".");
    assert_text(&text, &["- `/chatops whoami`"], &[]);
    // Grants come first: a sub-command no grant allows is refused, known or not.
    let denied = fixture.typed(USER, "network frobnicate").await;
    assert_eq!(denied_scope(&denied), Some(GrantType::User));
}

#[tokio::test]
async fn subcommand_help_shows_the_usage() {
    let fixture = Fixture::new();
    let routed = fixture.typed(ADMIN1, "network redeploy help").await;
    let text = private_text(&routed, Outcome::Help);
    assert_eq!(
        text,
        "Usage: `/network redeploy [site]`\nRedeploy a site\nParameters:\n- `site`  The site"
    );
}

#[tokio::test]
async fn the_prefix_shows_in_help() {
    let fixture = Fixture::new().platform(|p| p.command_prefix = "/network-".to_owned());
    let text = text(&fixture.typed(USER, "network").await);
    assert_text(&text, &["- `/network-network status`"], &[]);
}

#[tokio::test]
async fn a_missing_argument_is_asked_with_a_menu_and_resumed() {
    let fixture = Fixture::new();
    let prompt = fixture.typed(ADMIN1, "network redeploy").await;
    let menu = prompted(&prompt);
    assert_eq!(menu.text, "Which site?");
    assert_eq!(choice_values(menu), SITES);
    assert_eq!(menu.next_offset, None);
    // Compact enough for a Slack action_id.
    assert!(menu.continuation.len() < 120, "{}", menu.continuation.len());

    let done = fixture.answer(ADMIN1, &menu.continuation, &["lax01"]).await;
    assert_eq!(done.outcome, Outcome::Succeeded);
    assert_eq!(text(&done), "Redeploying lax01 as alice");
    assert_eq!(done.invocation.command, "network");
    assert_eq!(done.invocation.subcommand, "redeploy");
    assert_eq!(done.invocation.arguments, ["lax01"]);
}

#[tokio::test]
async fn a_continuation_is_checked_before_it_is_resumed() {
    let fixture = Fixture::new();
    let prompt = fixture.typed(ADMIN1, "network redeploy").await;
    let token = menu(&prompt).continuation.clone();

    let mut tampered = token.clone().into_bytes();
    let middle = tampered.len() / 2;
    tampered[middle] = if tampered[middle] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    let cases = [
        (
            fixture.answer(ADMIN1, &tampered, &["lax01"]).await,
            ContinuationError::BadSignature,
        ),
        (
            fixture.answer_at(NOW + 3601, ADMIN1, &token, &["lax01"]).await,
            ContinuationError::Expired,
        ),
        (
            fixture.answer_at(NOW - 61, ADMIN1, &token, &["lax01"]).await,
            ContinuationError::FromTheFuture,
        ),
        (
            fixture
                .answer("T202B88NN C3030I566 U2039K725", &token, &["lax01"])
                .await,
            ContinuationError::WrongUser,
        ),
        (
            fixture.answer(ADMIN1, "not a token!", &["lax01"]).await,
            ContinuationError::Malformed,
        ),
    ];
    for (routed, error) in cases {
        assert_eq!(routed.outcome, Outcome::Rejected(error.clone()));
        let reply = message(&routed);
        assert!(reply.private && reply.level == Level::Error);
        assert!(text(&routed).contains(&error.to_string()), "{}", text(&routed));
        assert_eq!(routed.outcome.audit(), crate::audit::Outcome::Denied);
    }
    // Still good within the timeout.
    let late = fixture.answer_at(NOW + 3600, ADMIN1, &token, &["lax01"]).await;
    assert_eq!(late.outcome, Outcome::Succeeded);
}

#[tokio::test]
async fn a_continuation_from_another_platform_is_rejected() {
    let fixture = Fixture::new();
    let prompt = fixture.typed(ADMIN1, "network redeploy").await;
    let token = menu(&prompt).continuation.clone();
    let mut origin = invocation(ADMIN1, "");
    origin.platform = "slack-staging".to_owned();
    let routed = crate::commands::route_answer(
        &fixture.registry,
        &fixture.ctx(),
        origin,
        &token,
        vec!["lax01".to_owned()],
    )
    .await;
    assert_eq!(
        routed.outcome,
        Outcome::Rejected(ContinuationError::WrongPlatform)
    );
}

#[tokio::test]
async fn every_step_is_checked_against_the_current_grants() {
    let before = Fixture::new();
    let prompt = before.typed(ADMIN1, "network redeploy").await;
    let token = menu(&prompt).continuation.clone();
    // admin1's grant is removed while the menu is open.
    let lines: Vec<&str> = TABLE_C
        .iter()
        .copied()
        .filter(|line| !line.contains("admin1"))
        .collect();
    let after = Fixture::with_grants(&lines);
    let routed = after.answer(ADMIN1, &token, &["lax01"]).await;
    assert_eq!(routed.outcome, denied(GrantType::User, Some("U2049K991")));
    assert_eq!(routed.invocation.arguments, ["lax01"]);
}

#[tokio::test]
async fn cancel_ends_the_prompt() {
    let fixture = Fixture::new();
    let token = menu(&fixture.typed(ADMIN1, "network redeploy").await)
        .continuation
        .clone();
    let routed = fixture.answer(ADMIN1, &token, &[CANCEL_VALUE]).await;
    assert_eq!(private_text(&routed, Outcome::Cancelled), "Cancelled.");
    assert_eq!(routed.invocation.subcommand, "redeploy");
}

#[tokio::test]
async fn long_menus_come_in_pages() {
    let fixture = Fixture::new();
    let first = fixture.typed(USER, "network pick").await;
    let page = menu(&first);
    assert_eq!(page.choices.len(), MENU_PAGE_SIZE);
    assert_eq!(page.choices[0].value, "item000");
    assert_eq!(page.next_offset, Some(MENU_PAGE_SIZE));

    let more = format!("{MORE_PREFIX}{}", page.next_offset.unwrap());
    let second = fixture.answer(USER, &page.continuation, &[&more]).await;
    assert_eq!(second.outcome, Outcome::Prompted);
    assert_eq!(second.invocation.menu_offset, MENU_PAGE_SIZE);
    let page = menu(&second);
    assert_eq!(page.choices.len(), 150 - MENU_PAGE_SIZE);
    assert_eq!(page.choices[0].value, format!("item{MENU_PAGE_SIZE:03}"));
    assert_eq!(page.next_offset, None);

    // The second page's continuation resumes the same command, from the first argument.
    let done = fixture.answer(USER, &page.continuation, &["item120"]).await;
    assert_eq!(text(&done), "Picked item120");
    assert_eq!(done.invocation.menu_offset, 0);
}

#[tokio::test]
async fn send_all_messages_private_makes_every_message_private() {
    let public = Fixture::new();
    assert!(!message(&public.typed(USER, "network status").await).private);
    let private = Fixture::new().platform(|p| p.send_all_messages_private = true);
    for typed in ["network status", "chatops about", "network fail"] {
        assert!(message(&private.typed(USER, typed).await).private, "{typed}");
    }
}

#[tokio::test]
async fn failures_and_errors_are_told_apart() {
    let fixture = Fixture::new();
    let failed = fixture.typed(USER, "network fail").await;
    assert_eq!(
        failed.outcome,
        Outcome::Failed("AWX refused: job template not found".to_owned())
    );
    assert_eq!(text(&failed), "AWX refused: job template not found");

    let errored = fixture.typed(USER, "network broken").await;
    assert_eq!(
        errored.outcome,
        Outcome::Errored("AWX did not answer within 30 s".to_owned())
    );
    assert_eq!(message(&errored).level, Level::Error);
    assert_eq!(
        text(&errored),
        "The command could not finish: AWX did not answer within 30 s"
    );
    assert_eq!(errored.outcome.audit(), crate::audit::Outcome::Errored);
}

/// A Slack modal is submitted from no channel: the grants see the channel the
/// command was typed in, which the signed continuation carries.
#[tokio::test]
async fn an_answer_from_no_channel_is_checked_in_the_channel_the_prompt_came_from() {
    let fixture = Fixture::new();
    let from_nowhere = "T202B88NN - U5555";
    let form = |ids: &str| match fixture
        .ctx()
        .prompt_form(&invocation(ids, "network pick"), "Pick", vec![])
    {
        Reply::Prompt(Prompt::Form(form)) => form.continuation,
        other => panic!("expected a form, got {other:?}"),
    };

    let routed = fixture.answer(from_nowhere, &form(USER), &["item007"]).await;
    assert_eq!(routed.outcome, Outcome::Succeeded);
    assert_eq!(routed.invocation.channel.as_deref(), Some("C3030I566"));
    assert_eq!(text(&routed), "Picked item007");

    // Prompted (somehow) in a channel without the grant: still denied there.
    let routed = fixture.answer(from_nowhere, &form(ELSEWHERE), &["item007"]).await;
    assert_eq!(routed.outcome, denied(GrantType::Channel, Some("C1111")));
}

#[tokio::test]
async fn a_form_resumes_with_its_values_in_field_order() {
    let fixture = Fixture::new();
    let field = |label: &str| Field {
        label: label.to_owned(),
        kind: FieldKind::Text,
        default: None,
        optional: false,
    };
    let reply = fixture.ctx().prompt_form(
        &invocation(USER, "network pick"),
        "Pick",
        vec![field("item"), field("note")],
    );
    let Reply::Prompt(Prompt::Form(form)) = reply else {
        panic!("expected a form, got {reply:?}");
    };
    assert_eq!(form.title, "Pick");
    let routed = fixture
        .answer(USER, &form.continuation, &["item007", "a note"])
        .await;
    assert_eq!(routed.invocation.arguments, ["item007", "a note"]);
    assert_eq!(text(&routed), "Picked item007");
}
