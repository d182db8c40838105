//! Manifests the tests write beside the quickstart: a chat platform (its
//! ChatPlatform, its Secret and a grant for its organization, as the
//! platform tests need them; the quickstart's channel and `chatops` grants
//! apply to every platform), and the documents of an integration's tests
//! (an Integration, a Secret, an AccountLink, a grant to everyone), each one
//! YAML document, put together by [`stream`].

use std::path::Path;

/// An Integration of `kind` named `name` and answering to the command
/// `name`, at `endpoint`, with `credentials` (what goes inside
/// `credentials: {…}`, e.g. [`token_ref`]), waiting `timeout` seconds for
/// each call. It ends with `spec`'s last line, so that a `spec.<type>`
/// block (indented two spaces) may follow.
pub fn integration(kind: &str, name: &str, endpoint: &str, credentials: &str, timeout: u64) -> String {
    format!(
        "apiVersion: chatops.dev/v1alpha1\nkind: Integration\nmetadata: {{name: {name}, namespace: chatops}}\n\
         spec:\n  type: {kind}\n  command: {name}\n  endpoint: {endpoint}\n  \
         credentials: {{{credentials}}}\n  timeoutSeconds: {timeout}\n"
    )
}

/// `tokenRef: {name: secret, key: key}`, for [`integration`]'s credentials.
pub fn token_ref(secret: &str, key: &str) -> String {
    format!("tokenRef: {{name: {secret}, key: {key}}}")
}

/// An Opaque Secret `name` holding `data` (key, value).
pub fn secret(name: &str, data: &[(&str, &str)]) -> String {
    let data: Vec<String> = data
        .iter()
        .map(|(key, value)| format!("{key}: {value}"))
        .collect();
    format!(
        "apiVersion: v1\nkind: Secret\nmetadata: {{name: {name}, namespace: chatops}}\ntype: Opaque\n\
         stringData: {{{data}}}\n",
        data = data.join(", ")
    )
}

/// An AccountLink `name` making `chat_user` of the ChatPlatform `platform`
/// the backend user `user`, with `tokens`: (Integration, Secret, key) each.
pub fn account_link(
    name: &str,
    platform: &str,
    chat_user: &str,
    user: &str,
    tokens: &[(&str, &str, &str)],
) -> String {
    let tokens: String = tokens
        .iter()
        .map(|(integration, secret, key)| {
            format!("  - integration: {integration}\n    tokenRef: {{name: {secret}, key: {key}}}\n")
        })
        .collect();
    format!(
        "apiVersion: chatops.dev/v1alpha1\nkind: AccountLink\nmetadata: {{name: {name}, namespace: chatops}}\n\
         spec:\n  platform: {platform}\n  chatUserId: {chat_user}\n  user: {user}\n  tokens:\n{tokens}"
    )
}

/// An AccessGrant of every sub-command of `command` to every user (the
/// backend's own permissions decide the rest).
pub fn grant_to_everyone(command: &str) -> String {
    format!(
        "apiVersion: chatops.dev/v1alpha1\nkind: AccessGrant\nmetadata: {{name: {command}-for-everyone, namespace: chatops}}\n\
         spec: {{command: {command}, subcommand: '*', grantType: user, name: anyone, value: '*'}}\n"
    )
}

/// An AccessGrant of the one sub-command `subcommand` of `command` to every
/// user: with several, a command whose users may run only some of its
/// sub-commands.
pub fn grant_subcommand_to_everyone(command: &str, subcommand: &str) -> String {
    format!(
        "apiVersion: chatops.dev/v1alpha1\nkind: AccessGrant\nmetadata: {{name: {command}-{subcommand}-for-everyone, namespace: chatops}}\n\
         spec: {{command: {command}, subcommand: {subcommand}, grantType: user, name: anyone, value: '*'}}\n"
    )
}

/// `documents` as one YAML stream.
pub fn stream(documents: &[String]) -> String {
    documents.join("---\n")
}

/// One platform's manifests, written beside the quickstart's.
#[derive(Clone, Debug)]
pub struct PlatformManifests<'a> {
    /// The ChatPlatform's name (its webhooks are `/hooks/{name}/…`).
    pub name: &'a str,
    /// `spec.type`, which is also the key of the platform's own block.
    pub kind: &'a str,
    /// The platform's own block, as one line of flow YAML (`{url: …, botTokenRef: …}`).
    pub block: String,
    /// More lines of `spec`, each indented two spaces and ending in a newline.
    pub settings: &'a str,
    /// The Secret the block refers to: its name and its `stringData`.
    pub secret: (&'a str, &'a [(&'a str, &'a str)]),
    /// The `organization` grant of every command: its name and value (a team, an org, a tenant).
    pub grant: (&'a str, &'a str),
}

impl PlatformManifests<'_> {
    /// The three documents, as one YAML stream.
    pub fn yaml(&self) -> String {
        let PlatformManifests {
            name,
            kind,
            block,
            settings,
            ..
        } = self;
        let (secret, data) = self.secret;
        let data: Vec<String> = data
            .iter()
            .map(|(key, value)| format!("{key}: {value}"))
            .collect();
        let (grant, organization) = self.grant;
        format!(
            "apiVersion: chatops.dev/v1alpha1\nkind: ChatPlatform\nmetadata: {{name: {name}, namespace: chatops}}\n\
             spec:\n  type: {kind}\n  {kind}: {block}\n  commandPrefix: /\n{settings}---\n\
             apiVersion: v1\nkind: Secret\nmetadata: {{name: {secret}, namespace: chatops}}\ntype: Opaque\n\
             stringData: {{{data}}}\n---\n\
             apiVersion: chatops.dev/v1alpha1\nkind: AccessGrant\nmetadata: {{name: {grant}, namespace: chatops}}\n\
             spec: {{command: '*', subcommand: '*', grantType: organization, name: {grant}, value: {organization}}}\n",
            data = data.join(", ")
        )
    }

    /// Writes them as `{name}.yaml` in `dir`.
    pub fn write_to(&self, dir: &Path) {
        std::fs::write(dir.join(format!("{}.yaml", self.name)), self.yaml())
            .expect("the platform's manifests");
    }

    /// A copy of the quickstart with these manifests beside its own.
    pub fn beside_the_quickstart(&self) -> tempfile::TempDir {
        let dir = crate::copy_quickstart();
        self.write_to(dir.path());
        dir
    }
}

#[cfg(test)]
mod tests {
    use chatops_crds::manifests::load_dir;

    use super::*;

    #[test]
    fn an_integrations_documents_load_beside_the_quickstart() {
        let dir = crate::copy_quickstart();
        let mut documents = vec![
            integration(
                "awx",
                "awx",
                "https://awx.example.com",
                &token_ref("awx", "token"),
                7,
            ),
            integration(
                "awx",
                "awxbasic",
                "https://awx.example.com",
                "usernameRef: {name: awx, key: user}, passwordRef: {name: awx, key: password}",
                30,
            ),
            secret(
                "awx",
                &[
                    ("token", "made-up"),
                    ("user", "operator"),
                    ("password", "made-up-too"),
                ],
            ),
            account_link(
                "bob",
                "slack",
                "U0EXAMPLE02",
                "bob",
                &[("awx", "awx", "token"), ("awxbasic", "awx", "token")],
            ),
        ];
        documents.extend(["awx", "awxbasic"].map(grant_to_everyone));
        std::fs::write(dir.path().join("awx.yaml"), stream(&documents)).unwrap();
        let loaded = load_dir(dir.path(), "default").expect("the manifests load");
        assert!(loaded.ignored.is_empty(), "{:?}", loaded.ignored);
        let compiled = crate::compile_ready(loaded, "the integration's documents");
        let awx = &compiled.config.integrations["awx"];
        assert_eq!(awx.timeout_seconds, 7);
        assert!(compiled.config.integrations["awxbasic"].password.is_some());
        let bob = compiled
            .config
            .account_links
            .iter()
            .find(|l| l.user == "bob")
            .expect("bob");
        assert_eq!(bob.tokens.len(), 2, "{:?}", bob.tokens);
    }

    #[test]
    fn a_platform_beside_the_quickstart_loads_with_its_secret_and_grant() {
        let manifests = PlatformManifests {
            name: "webex",
            kind: "webex",
            block: "{botTokenRef: {name: webex, key: bot-token}, webhookSecretRef: {name: webex, key: webhook-secret}}"
                .to_owned(),
            settings: "  sendAllMessagesPrivate: true\n",
            secret: ("webex", &[("bot-token", "made-up"), ("webhook-secret", "made-up-too")]),
            grant: ("webex-org", "org1"),
        };
        let dir = manifests.beside_the_quickstart();
        let loaded = load_dir(dir.path(), "default").expect("the manifests load");
        let yaml = std::fs::read_to_string(dir.path().join("webex.yaml")).unwrap();
        assert!(yaml.contains("sendAllMessagesPrivate: true"), "{yaml}");
        assert!(loaded.rejected.is_empty(), "{:?}", loaded.rejected);
        let resources = format!("{:?}", loaded.resources);
        assert!(
            resources.contains("webex-org"),
            "the grant is loaded: {resources}"
        );
    }
}
