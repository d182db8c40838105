//! `chatops whoami`: the caller's IDs, who they act as, and the AccountLink to commit.

use chatops_crds::config::AccountLinkConfig;

use super::super::{call::Call, identity::account_link};
use crate::model::{Block, Message, Reply, Table};

/// The caller's IDs on this platform and their identity, privately: IDs are what grants and
/// links are written with, but nobody else in the channel needs them.
pub(super) fn whoami(call: &Call<'_>) -> Reply {
    let invocation = call.invocation;
    let shown = |id: &Option<String>| id.clone().unwrap_or_else(|| "(not sent)".to_owned());
    let mut blocks = vec![Block::Table(Table {
        title: format!("Your IDs on {}", invocation.platform),
        columns: vec!["Scope".to_owned(), "ID".to_owned()],
        rows: vec![
            vec!["organization".to_owned(), shown(&invocation.organization)],
            vec!["channel".to_owned(), shown(&invocation.channel)],
            vec!["user".to_owned(), shown(&invocation.user)],
        ],
    })];
    let identity = call.identity;
    let link = account_link(call.ctx.config, &invocation.platform, invocation.user.as_deref());
    match (link, &invocation.user) {
        (Some(link), _) if identity.linked => blocks.extend(linked(call, link)),
        (_, Some(user_id)) => {
            blocks.push(Block::Text(format!(
                "You are not linked: you act as the fallback user **{}**. To act as yourself, \
                 commit this AccountLink with your user name:",
                identity.user
            )));
            blocks.push(Block::Code(account_link_manifest(&invocation.platform, user_id)));
        }
        (_, None) => blocks.push(Block::Text(format!(
            "You act as the fallback user **{}**. The platform sent no user ID, so no AccountLink can name you.",
            identity.user
        ))),
    }
    Reply::Message(Message {
        title: Some("Who you are".to_owned()),
        blocks,
        private: true,
        ..Default::default()
    })
}

/// What the caller's AccountLink says: its name, the user it makes them, and
/// for each integration whether it is called with the caller's own token or,
/// without one, with the Integration's token as the fallback user.
fn linked(call: &Call<'_>, link: &AccountLinkConfig) -> Vec<Block> {
    let mut blocks = vec![Block::Text(format!(
        "You act as **{}**, through the AccountLink `{}`.",
        link.user, link.source
    ))];
    let rows: Vec<Vec<String>> = call
        .ctx
        .config
        .integrations
        .keys()
        .map(|command| {
            let acts_with = if link.tokens.contains_key(command) {
                format!("your own token, as {}", link.user)
            } else {
                format!(
                    "the Integration's token, as the fallback user {}",
                    call.ctx.platform.fallback_user
                )
            };
            vec![format!("{}{command}", call.prefix()), acts_with]
        })
        .collect();
    if !rows.is_empty() {
        blocks.push(Block::Table(Table {
            title: "What your AccountLink gives you".to_owned(),
            columns: vec!["Command".to_owned(), "Called with".to_owned()],
            rows,
        }));
    }
    blocks.push(Block::Text(format!(
        "What you may run here is up to the access grants: `{}chatops access all`.",
        call.prefix()
    )));
    blocks
}

/// An AccountLink manifest for `chat_user_id` on `platform`, with a `user` to edit.
pub(crate) fn account_link_manifest(platform: &str, chat_user_id: &str) -> String {
    format!(
        "apiVersion: chatops.dev/v1alpha1\nkind: AccountLink\nmetadata:\n  name: {}\nspec:\n  platform: {}\n  \
         chatUserId: {}\n  user: \"CHANGE-ME\"  # the user the integrations should see, e.g. your Nautobot username\n",
        object_name(&format!("{platform}-{chat_user_id}")),
        quoted(platform),
        quoted(chat_user_id),
    )
}

/// A YAML double-quoted scalar: JSON's string syntax is valid YAML, and quoting keeps IDs that
/// look like numbers or booleans strings.
fn quoted(value: &str) -> String {
    serde_json::to_string(value).expect("a string serializes")
}

/// A valid Kubernetes object name made of `text`: lowercase, other characters as `-`, at most
/// 253 characters, starting and ending alphanumeric.
fn object_name(text: &str) -> String {
    let name: String = text
        .chars()
        .map(|c| c.to_ascii_lowercase())
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .take(253)
        .collect();
    let name = name.trim_matches(|c: char| !c.is_ascii_alphanumeric());
    if name.is_empty() {
        "account-link".to_owned()
    } else {
        name.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_names_are_valid() {
        assert_eq!(object_name("slack-U2049K991"), "slack-u2049k991");
        assert_eq!(object_name("teams-29:1AbC_x"), "teams-29-1abc-x");
        assert_eq!(object_name("-_-"), "account-link");
        assert!(object_name(&"x".repeat(400)).len() <= 253);
    }

    #[test]
    fn manifest_is_a_valid_account_link_with_string_ids() {
        let manifest = account_link_manifest("mattermost", "12345");
        let value: serde_json::Value = serde_saphyr::from_str(&manifest).unwrap();
        chatops_crds::schema::validate_object(&value).unwrap();
        assert_eq!(value["kind"], "AccountLink");
        assert_eq!(value["metadata"]["name"], "mattermost-12345");
        assert_eq!(value["spec"]["chatUserId"], "12345");
        assert_eq!(value["spec"]["user"], "CHANGE-ME");
        let teams = account_link_manifest("teams", "29:1AbC-teams");
        let value: serde_json::Value = serde_saphyr::from_str(&teams).unwrap();
        chatops_crds::schema::validate_object(&value).unwrap();
        assert_eq!(value["spec"]["chatUserId"], "29:1AbC-teams");
    }
}
