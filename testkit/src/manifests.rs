//! A chat platform added to a copy of the quickstart: its ChatPlatform, its
//! Secret and a grant for its organization, as the platform tests need them
//! (the quickstart's channel and `chatops` grants apply to every platform).

use std::path::Path;

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
