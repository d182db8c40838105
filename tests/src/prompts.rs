//! The form the platform tests deliver through a platform's dispatcher
//! themselves: no built-in command asks with a form (Nautobot's job form
//! does), so they send the one a worker's `prompt_form` would return.

use chatops_gateway::{
    commands::sign,
    model::{Choice, Continuation, Field, FieldKind, Form},
};

/// `chatops access` asked with two fields (a command to choose, an optional
/// note) of `user` in `channel` on `platform`, its continuation signed with
/// `key` as the gateway signs it.
pub fn access_form(platform: &str, user: &str, channel: &str, key: &[u8]) -> Form {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs();
    let continuation = sign(
        &Continuation {
            platform: platform.to_owned(),
            user: user.to_owned(),
            command: "chatops".to_owned(),
            subcommand: "access".to_owned(),
            channel: Some(channel.to_owned()),
            arguments: vec![],
            issued_at: now,
        },
        key,
    );
    Form {
        title: "Check access".to_owned(),
        fields: vec![
            Field::new(
                "Command",
                FieldKind::Select(vec![Choice::same("chatops"), Choice::same("nautobot")]),
            )
            .with_default("chatops"),
            Field::new("Note", FieldKind::Text).optional(),
        ],
        continuation,
    }
}
