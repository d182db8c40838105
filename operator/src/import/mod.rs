//! `chatops-operator import`: from a running Nautobot ChatOps app (its REST
//! API and, when given, its `nautobot_config.py`) to this project's
//! manifests, one file per kind, with Secret templates and `NOTES.md`.
//!
//! [`source`] reads the API (the only I/O besides [`write`]);
//! [`python_literals`] reads the config without running it; [`mapping`]
//! turns both into resources; [`build`] ties them together and checks the
//! result the way `render` will, so that what is written is accepted as is.

pub mod mapping;
pub mod notes;
pub mod python_literals;
pub mod source;
pub mod write;

use std::collections::BTreeSet;

use chatops_crds::{AccessGrant, AccountLink, ChatPlatform, Integration, PlatformType, manifests::Loaded};

use mapping::{Config, SecretDoc, grants, integrations, links, platform_from_original, platforms};
use notes::{Counts, Notes};
use python_literals::ChatopsSettings;
use source::ApiData;

/// What the command line asks for.
#[derive(Clone, Debug)]
pub struct Options {
    /// The Nautobot the API was read from (the `nautobot` Integration's endpoint).
    pub nautobot_url: String,
    /// The namespace of every resource.
    pub namespace: String,
    /// Write real credentials instead of placeholders.
    pub reveal: bool,
    /// `--platform`: which ChatPlatforms, and their names.
    pub platforms: Vec<(PlatformType, String)>,
}

/// The result: the resources, their Secrets and the notes.
#[derive(Debug, Default)]
pub struct Imported {
    /// ChatPlatforms.
    pub platforms: Vec<ChatPlatform>,
    /// AccessGrants.
    pub grants: Vec<AccessGrant>,
    /// AccountLinks.
    pub links: Vec<AccountLink>,
    /// Integrations.
    pub integrations: Vec<Integration>,
    /// Secrets, one per ChatPlatform and Integration.
    pub secrets: Vec<SecretDoc>,
    /// What was not carried over, and what needs a look.
    pub notes: Notes,
    /// The namespace of every resource and Secret.
    pub namespace: String,
}

impl Imported {
    /// How many of each were produced.
    pub fn counts(&self) -> Counts {
        Counts {
            platforms: self.platforms.len(),
            grants: self.grants.len(),
            links: self.links.len(),
            integrations: self.integrations.len(),
            secrets: self.secrets.len(),
            placeholders: self
                .secrets
                .iter()
                .flat_map(|s| &s.entries)
                .filter(|(_, v)| matches!(v, mapping::SecretValue::Placeholder(_)))
                .count(),
        }
    }

    /// Whether anything beyond the `nautobot` Integration every import
    /// writes came out of the original: otherwise there is nothing to use.
    pub fn usable(&self) -> bool {
        !self.platforms.is_empty()
            || !self.grants.is_empty()
            || !self.links.is_empty()
            || self.integrations.len() > 1
    }
}

/// Maps what was read into resources. Pure.
pub fn build(options: &Options, settings: Option<&ChatopsSettings>, api: &ApiData) -> Imported {
    let mut notes = Notes::default();
    if let Some(settings) = settings {
        if !settings.found {
            notes.skip(
                "nautobot_config.py",
                format!(
                    "no top-level PLUGINS_CONFIG[\"{}\"] was found in it",
                    python_literals::APP_KEY
                ),
            );
        }
        for problem in &settings.problems {
            notes.skip("nautobot_config.py", problem.clone());
        }
    }
    for (what, why) in &api.malformed {
        notes.skip(what.clone(), why.clone());
    }
    let cfg = Config::new(settings);
    let inferred: BTreeSet<PlatformType> = api
        .tokens
        .iter()
        .filter(|t| t.platform == "mattermost")
        .map(|_| PlatformType::Mattermost)
        .chain(
            api.links
                .iter()
                .filter_map(|l| platform_from_original(&l.platform)),
        )
        .collect();
    let names = platforms::choose(&cfg, &options.platforms, &inferred, &mut notes);
    let (chat_platforms, mut secrets) = platforms::map(
        &cfg,
        &names,
        &api.tokens,
        options.reveal,
        &options.namespace,
        &mut notes,
    );
    let integrations::IntegrationsOut {
        resources: integration_resources,
        secrets: integration_secrets,
        aliases,
    } = integrations::map(
        &cfg,
        &options.nautobot_url,
        options.reveal,
        &options.namespace,
        &mut notes,
    );
    secrets.extend(integration_secrets);
    let served: BTreeSet<String> = integration_resources
        .iter()
        .map(|i| {
            i.spec
                .command
                .clone()
                .unwrap_or_else(|| i.spec.integration_type.as_str().to_owned())
        })
        .collect();
    let access_grants = grants::map(&api.grants, &aliases, &served, &options.namespace, &mut notes);
    let account_links = links::map(&api.links, &names, &options.namespace, &mut notes);
    for key in cfg.unused() {
        let reason = platforms::NO_EQUIVALENT
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, why)| (*why).to_owned())
            .unwrap_or_else(|| "this project has no equivalent setting".to_owned());
        let what = match cfg.line(&key) {
            Some(line) => format!("setting `{key}` (in the assignment at nautobot_config.py line {line})"),
            None => format!("setting `{key}`"),
        };
        notes.skip(what, reason);
    }
    let mut imported = Imported {
        platforms: chat_platforms,
        grants: access_grants,
        links: account_links,
        integrations: integration_resources,
        secrets,
        notes,
        namespace: options.namespace.clone(),
    };
    drop_rejected(&mut imported, &options.namespace);
    imported
}

/// Compiles the output as `render` will and drops, with a note, whatever it
/// would not make Ready, until everything left is (dropping a ChatPlatform
/// can make its AccountLinks fail in turn).
fn drop_rejected(imported: &mut Imported, namespace: &str) {
    for _ in 0..4 {
        let files = match write::files(imported, "", false) {
            Ok(files) => files,
            Err(err) => {
                imported
                    .notes
                    .warn(format!("the output could not be checked: {err}"));
                return;
            }
        };
        let mut loaded = Loaded::default();
        for (name, text) in files.manifests() {
            if let Err(err) = loaded.add_yaml(name, text, namespace) {
                imported
                    .notes
                    .warn(format!("the output could not be checked: {err}"));
                return;
            }
        }
        let compiled = loaded.compile();
        let rejected: Vec<_> = compiled.rejected().cloned().collect();
        if rejected.is_empty() {
            return;
        }
        for diagnostic in rejected {
            let name = diagnostic.object.name.clone();
            let kind = diagnostic.object.kind.as_str().to_owned();
            let keep = |meta_name: &Option<String>| meta_name.as_deref() != Some(name.as_str());
            match kind.as_str() {
                "ChatPlatform" => {
                    imported.platforms.retain(|r| keep(&r.metadata.name));
                    imported
                        .secrets
                        .retain(|s| s.name != format!("chatplatform-{name}"));
                }
                "AccessGrant" => imported.grants.retain(|r| keep(&r.metadata.name)),
                "AccountLink" => imported.links.retain(|r| keep(&r.metadata.name)),
                "Integration" => {
                    imported.integrations.retain(|r| keep(&r.metadata.name));
                    imported
                        .secrets
                        .retain(|s| s.name != format!("integration-{name}"));
                }
                _ => {}
            }
            imported.notes.skip(
                format!("{kind} {name}"),
                format!("it would not be Ready: {}", diagnostic.message),
            );
        }
    }
}

#[cfg(test)]
mod tests;
