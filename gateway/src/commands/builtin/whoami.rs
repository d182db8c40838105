//! `chatops whoami`: the caller's IDs, who they act as, and the AccountLink to commit.

use super::super::call::Call;
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
    if identity.linked {
        blocks.push(Block::Text(format!(
            "You act as **{}**, through your AccountLink:",
            identity.user
        )));
    } else {
        blocks.push(Block::Text(format!(
            "You are not linked: you act as the fallback user **{}**. To act as yourself, \
             commit this AccountLink with your user name:",
            identity.user
        )));
    }
    match &invocation.user {
        Some(user_id) => {
            let user = identity.linked.then_some(identity.user.as_str());
            blocks.push(Block::Code(account_link_manifest(
                &invocation.platform,
                user_id,
                user,
            )));
        }
        None => blocks.push(Block::Text(
            "The platform sent no user ID, so no AccountLink can name you.".to_owned(),
        )),
    }
    Reply::Message(Message {
        title: Some("Who you are".to_owned()),
        blocks,
        private: true,
        ..Default::default()
    })
}

/// An AccountLink manifest for `chat_user_id` on `platform`, acting as `user` (a placeholder
/// to edit when `None`).
pub(crate) fn account_link_manifest(platform: &str, chat_user_id: &str, user: Option<&str>) -> String {
    let user_line = match user {
        Some(user) => format!("  user: {}", quoted(user)),
        None => "  user: \"CHANGE-ME\"  # the user the integrations should see, e.g. your Nautobot username"
            .to_owned(),
    };
    format!(
        "apiVersion: chatops.dev/v1alpha1\nkind: AccountLink\nmetadata:\n  name: {}\nspec:\n  platform: {}\n  \
         chatUserId: {}\n{user_line}\n",
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
        let manifest = account_link_manifest("mattermost", "12345", Some("alice"));
        let value: serde_json::Value = serde_saphyr::from_str(&manifest).unwrap();
        chatops_crds::schema::validate_object(&value).unwrap();
        assert_eq!(value["kind"], "AccountLink");
        assert_eq!(value["metadata"]["name"], "mattermost-12345");
        assert_eq!(value["spec"]["chatUserId"], "12345");
        assert_eq!(value["spec"]["user"], "alice");
        let unlinked = account_link_manifest("slack", "29:1AbC-teams", None);
        let value: serde_json::Value = serde_saphyr::from_str(&unlinked).unwrap();
        chatops_crds::schema::validate_object(&value).unwrap();
        assert_eq!(value["spec"]["chatUserId"], "29:1AbC-teams");
        assert_eq!(value["spec"]["user"], "CHANGE-ME");
    }
}
