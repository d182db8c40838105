//! The whole mapping, checked the way `render` checks a directory.

use chatops_crds::manifests::Loaded;

use super::source::{RawGrant, RawLink, RawToken, UserRef};
use super::*;

const CONFIG: &str = r#"
import os
from nautobot.core.settings_funcs import is_truthy
PLUGINS_CONFIG = {
    "nautobot_chatops": {
        "enable_slack": True,
        "enable_mattermost": True,
        "enable_webex": is_truthy(os.getenv("ENABLE_WEBEX")),
        "slack_api_token": "xoxb-literal-bot-token",
        "slack_signing_secret": os.getenv("SLACK_SIGNING_SECRET"),
        "slack_ephemeral_message_size_limit": 3000,
        "mattermost_url": "https://chat.example.com",
        "mattermost_api_token": "mm-literal-bot-token",
        "enable_nso": True,
        "nso_url": "https://nso.example.com:8888",
        "nso_username": "admin",
        "nso_password": "nso-literal-password",
        "unknown_setting": 1,
    }
}
"#;

fn api() -> ApiData {
    ApiData {
        grants: vec![RawGrant {
            id: "g1".into(),
            command: "nso".into(),
            subcommand: "*".into(),
            grant_type: "user".into(),
            name: "alice".into(),
            value: "U1".into(),
        }],
        tokens: vec![RawToken {
            id: "t1".into(),
            platform: "mattermost".into(),
            token: "mm-literal-slash-token".into(),
            comment: "/nautobot".into(),
        }],
        links: vec![RawLink {
            id: "l1".into(),
            nautobot_user: UserRef::Text("x".into()),
            platform: "mattermost".into(),
            user_id: "mmuser1".into(),
            email: "alice@example.com".into(),
            username: Some("alice".into()),
        }],
        malformed: vec![("access grant g9".into(), "missing field `command`".into())],
    }
}

fn options(reveal: bool) -> Options {
    Options {
        nautobot_url: "https://nautobot.example.com".into(),
        namespace: "chatops".into(),
        reveal,
        platforms: Vec::new(),
    }
}

const SECRETS: [&str; 4] = [
    "xoxb-literal-bot-token",
    "mm-literal-bot-token",
    "nso-literal-password",
    "mm-literal-slash-token",
];

fn compile_files(files: &write::Files) -> chatops_crds::Compiled {
    let mut loaded = Loaded::default();
    for (name, text) in files.manifests() {
        loaded.add_yaml(name, text, "chatops").unwrap();
    }
    assert!(loaded.rejected.is_empty(), "{:?}", loaded.rejected);
    loaded.compile()
}

#[test]
fn the_output_compiles_with_everything_ready_and_no_secret_outside_secrets() {
    let settings = python_literals::chatops_settings(CONFIG).unwrap();
    let imported = build(&options(false), Some(&settings), &api());
    let counts = imported.counts();
    assert_eq!(
        (counts.platforms, counts.grants, counts.links, counts.integrations),
        (2, 1, 1, 2)
    );
    let files = write::files(&imported, "https://nautobot.example.com", false).unwrap();
    let compiled = compile_files(&files);
    assert_eq!(compiled.rejected().count(), 0, "{:?}", compiled.diagnostics);
    assert_eq!(compiled.diagnostics.len(), 6);
    for (name, text) in &files.texts {
        for secret in SECRETS {
            assert!(!text.contains(secret), "{secret} in {name}");
        }
    }
    let notes = &files.texts.iter().find(|(n, _)| *n == write::NOTES).unwrap().1;
    assert!(notes.contains("access grant g9: missing field `command`"));
    assert!(notes.contains("`unknown_setting`"));
    assert!(notes.contains("slack_ephemeral_message_size_limit"));
    assert!(notes.contains("set from env SLACK_SIGNING_SECRET"));
    assert!(notes.contains("set from env ENABLE_WEBEX"));
}

#[test]
fn revealed_output_carries_the_literal_credentials_in_secrets_only() {
    let settings = python_literals::chatops_settings(CONFIG).unwrap();
    let imported = build(&options(true), Some(&settings), &api());
    let files = write::files(&imported, "https://nautobot.example.com", true).unwrap();
    let compiled = compile_files(&files);
    assert_eq!(compiled.rejected().count(), 0, "{:?}", compiled.diagnostics);
    for (name, text) in &files.texts {
        for secret in SECRETS {
            assert_eq!(
                text.contains(secret),
                *name == write::SECRETS,
                "{secret} in {name}"
            );
        }
    }
}

#[test]
fn without_a_config_the_platforms_come_from_the_api() {
    let imported = build(&options(false), None, &api());
    assert_eq!(imported.platforms.len(), 1);
    assert_eq!(imported.platforms[0].spec.platform_type, PlatformType::Mattermost);
    assert_eq!(imported.integrations.len(), 1);
    assert!(imported.usable());
    assert!(!build(&options(false), None, &ApiData::default()).usable());
}

#[test]
fn what_render_would_reject_is_dropped_with_its_reason() {
    let mut api = api();
    // A link to a user this platform already links: two AccountLinks for one chat user.
    api.links.push(RawLink {
        id: "l2".into(),
        username: Some("bob".into()),
        ..api.links[0].clone()
    });
    let imported = build(&options(false), None, &api);
    let files = write::files(&imported, "x", false).unwrap();
    assert_eq!(compile_files(&files).rejected().count(), 0);
    assert!(
        imported
            .notes
            .skipped
            .iter()
            .any(|s| s.reason.starts_with("it would not be Ready")),
        "{:?}",
        imported.notes.skipped
    );
}
