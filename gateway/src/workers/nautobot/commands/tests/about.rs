//! `about`: which Nautobot, its version and address, and who the user acts as.

use serde_json::json;

use super::super::about::{Status, render_about};
use super::{WEB, message, read};
use crate::model::{Block, Level, Reply};
use crate::workers::nautobot::UserToken;

/// Nautobot 3.2.7's `/api/status/`.
fn status() -> Status {
    read(json!({
        "celery-workers-running": 1,
        "django-version": "4.2.27",
        "installed-apps": {"nautobot.core": null, "django_celery_beat": "2.8.1"},
        "nautobot-version": "3.2.7",
        "plugins": {},
        "python-version": "3.12.12"
    }))
}

const ALICE_TOKEN: &str = "a11ce0000000000000000000000000000000a11c";

/// `about`, typed as `typed` by someone acting as `who`, of Nautobot 3.2.7.
fn about(typed: &str, who: &UserToken) -> Reply {
    render_about(typed, &status(), WEB, who)
}

/// The token is never shown.
#[track_caller]
fn assert_no_token(reply: &Reply) {
    assert!(
        !format!("{reply:?}").contains(ALICE_TOKEN),
        "the token is never shown"
    );
}

#[test]
fn about_shows_the_command_the_version_the_url_and_the_linked_user() {
    let reply = about("/nautobot about", &UserToken::new("alice", ALICE_TOKEN));

    let message = message(&reply);
    assert_eq!(message.level, Level::Info);
    assert_eq!(message.title.as_deref(), Some("About /nautobot"));
    assert_eq!(
        message.blocks,
        [
            Block::Text(
                "`/nautobot` asks Nautobot 3.2.7 at [https://nautobot.example.net](https://nautobot.example.net) \
                 as you, so Nautobot's permissions decide what you see and change."
                    .to_owned()
            ),
            Block::Text("You act as **alice**, linked by your AccountLink.".to_owned()),
        ]
    );
    assert_no_token(&reply);
}

#[test]
fn about_an_unlinked_user_names_the_fallback_user() {
    let reply = about("!nautobot about", &UserToken::fallback("chatbot", ALICE_TOKEN));

    assert_eq!(message(&reply).title.as_deref(), Some("About !nautobot"));
    assert_eq!(
        message(&reply).blocks[1],
        Block::Text(
            "You are not linked, so you act as the fallback user **chatbot** with the integration's token."
                .to_owned()
        )
    );
    assert_no_token(&reply);
}

#[test]
fn about_a_nautobot_that_hides_its_version_says_it_is_unknown() {
    let reply = render_about(
        "/nautobot about",
        &read(json!({})),
        WEB,
        &UserToken::new("alice", ALICE_TOKEN),
    );

    assert_eq!(
        message(&reply).blocks[0],
        Block::Text(
            "`/nautobot` asks Nautobot of an unknown version at [https://nautobot.example.net](https://nautobot.example.net) \
             as you, so Nautobot's permissions decide what you see and change."
                .to_owned()
        )
    );
}
