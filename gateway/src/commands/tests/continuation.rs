//! Continuation tokens: size, rejection reasons, keys and resuming.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chatops_crds::config::{PlatformCredentials, SecretKey};

use crate::commands::{
    CANCEL_VALUE, ContinuationError, MORE_PREFIX, Resumed, continuation_secret, derive_key, resume, sign,
    verify,
};
use crate::model::Continuation;

const NOW: u64 = 1_750_000_000;
const DAY: u64 = 86_400;

fn key() -> [u8; 32] {
    derive_key("8f742231b10e8888abcd99yyyzzz85a5")
}

fn sample() -> Continuation {
    Continuation {
        platform: "slack".to_owned(),
        user: "U2049K991".to_owned(),
        command: "nautobot".to_owned(),
        subcommand: "get-devices".to_owned(),
        channel: None,
        arguments: vec!["location".to_owned(), "ams01".to_owned()],
        issued_at: NOW,
    }
}

#[test]
fn tokens_are_compact_and_url_safe() {
    let token = sign(&sample(), &key());
    // `nautobot get-devices location ams01` for a Slack user: far below Slack's 255 for an action_id.
    assert!(token.len() <= 104, "{} chars: {token}", token.len());
    assert!(
        token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    );
    assert_eq!(
        verify(&token, &key(), NOW, DAY, "slack", "U2049K991"),
        Ok(sample())
    );
}

#[test]
fn tokens_are_refused_for_every_reason() {
    let token = sign(&sample(), &key());
    let check =
        |token: &str, now: u64, platform: &str, user: &str| verify(token, &key(), now, DAY, platform, user);
    assert_eq!(
        verify(
            &token,
            &derive_key("another secret"),
            NOW,
            DAY,
            "slack",
            "U2049K991"
        ),
        Err(ContinuationError::BadSignature)
    );
    assert_eq!(
        check(&token, NOW + DAY + 1, "slack", "U2049K991"),
        Err(ContinuationError::Expired)
    );
    assert_eq!(check(&token, NOW + DAY, "slack", "U2049K991"), Ok(sample()));
    assert_eq!(
        check(&token, NOW - 61, "slack", "U2049K991"),
        Err(ContinuationError::FromTheFuture)
    );
    assert_eq!(check(&token, NOW - 60, "slack", "U2049K991"), Ok(sample()));
    assert_eq!(
        check(&token, NOW, "webex", "U2049K991"),
        Err(ContinuationError::WrongPlatform)
    );
    assert_eq!(
        check(&token, NOW, "slack", "U0000"),
        Err(ContinuationError::WrongUser)
    );
    assert_eq!(
        check("", NOW, "slack", "U2049K991"),
        Err(ContinuationError::Malformed)
    );
    assert_eq!(
        check("!!!!", NOW, "slack", "U2049K991"),
        Err(ContinuationError::Malformed)
    );
    assert_eq!(
        check(&"A".repeat(10_000), NOW, "slack", "U2049K991"),
        Err(ContinuationError::Malformed)
    );

    let mut bytes = URL_SAFE_NO_PAD.decode(&token).unwrap();
    bytes[0] = 1;
    let other_version = URL_SAFE_NO_PAD.encode(&bytes);
    assert_eq!(
        check(&other_version, NOW, "slack", "U2049K991"),
        Err(ContinuationError::UnsupportedVersion(1))
    );
    // Changing an argument without the key breaks the tag.
    let mut forged = sample();
    forged.arguments[1] = "lax01".to_owned();
    let forged_body = sign(&forged, &key());
    let mut spliced = URL_SAFE_NO_PAD.decode(&forged_body).unwrap();
    let original = URL_SAFE_NO_PAD.decode(&token).unwrap();
    let tag_at = spliced.len() - 16;
    spliced[tag_at..].copy_from_slice(&original[original.len() - 16..]);
    assert_eq!(
        check(&URL_SAFE_NO_PAD.encode(&spliced), NOW, "slack", "U2049K991"),
        Err(ContinuationError::BadSignature)
    );
}

#[test]
fn keys_are_derived_per_secret() {
    assert_eq!(derive_key("s1"), derive_key("s1"));
    assert_ne!(derive_key("s1"), derive_key("s2"));
    assert_ne!(&derive_key("s1")[..2], b"s1");
    let credentials = PlatformCredentials::Slack {
        signing_secret: Some(SecretKey("signing".to_owned())),
        bot_token: SecretKey("bot".to_owned()),
        socket: None,
        response_url_hosts: Vec::new(),
    };
    assert_eq!(continuation_secret(&credentials).as_str(), "signing");
    // Socket Mode has no signing secret: the app-level token that opens its connections.
    let socket = PlatformCredentials::Slack {
        signing_secret: None,
        bot_token: SecretKey("bot".to_owned()),
        socket: Some(chatops_crds::config::SlackSocket {
            app_token: SecretKey("app".to_owned()),
            connections: 1,
        }),
        response_url_hosts: Vec::new(),
    };
    assert_eq!(continuation_secret(&socket).as_str(), "app");
    let mattermost = PlatformCredentials::Mattermost {
        url: "https://mm.example".to_owned(),
        bot_token: SecretKey("bot".to_owned()),
        slash_tokens: vec![SecretKey("slash".to_owned())],
        response_url_hosts: Vec::new(),
    };
    assert_eq!(continuation_secret(&mattermost).as_str(), "bot");
}

#[test]
fn resume_appends_cancels_and_pages() {
    let run = |arguments: &[&str], menu_offset: usize| Resumed::Run {
        command: "nautobot".to_owned(),
        subcommand: "get-devices".to_owned(),
        arguments: arguments.iter().map(|a| a.to_string()).collect(),
        menu_offset,
    };
    let answer = |values: &[&str]| values.iter().map(|v| v.to_string()).collect();
    assert_eq!(
        resume(sample(), answer(&["extra"])),
        run(&["location", "ams01", "extra"], 0)
    );
    assert_eq!(
        resume(sample(), answer(&["a", "b"])),
        run(&["location", "ams01", "a", "b"], 0)
    );
    assert_eq!(resume(sample(), answer(&[])), run(&["location", "ams01"], 0));
    assert_eq!(
        resume(sample(), answer(&[&format!("{MORE_PREFIX}198")])),
        run(&["location", "ams01"], 198)
    );
    assert_eq!(
        resume(sample(), answer(&[&format!("{MORE_PREFIX}x")])),
        run(&["location", "ams01"], 0)
    );
    assert_eq!(
        resume(sample(), answer(&["a", CANCEL_VALUE])),
        Resumed::Cancelled {
            command: "nautobot".to_owned(),
            subcommand: "get-devices".to_owned()
        }
    );
}

#[test]
fn a_menu_of_sub_commands_resumes_the_chosen_one_with_the_arguments_carried() {
    let mut bare = sample();
    bare.subcommand = String::new();
    bare.arguments = vec!["snapshot=$prev".to_owned()];
    assert_eq!(
        resume(bare, vec!["get-inventory".to_owned()]),
        Resumed::Run {
            command: "nautobot".to_owned(),
            subcommand: "get-inventory".to_owned(),
            arguments: vec!["snapshot=$prev".to_owned()],
            menu_offset: 0,
        }
    );
}
