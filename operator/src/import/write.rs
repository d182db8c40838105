//! The output directory: one multi-document YAML file per kind, the
//! Secrets (mode 0600) and `NOTES.md`.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use k8s_openapi::api::core::v1::Secret;
use kube::api::ObjectMeta;

use super::Imported;
use super::mapping::SecretValue;
use super::notes;

/// The files' names.
pub const CHATPLATFORMS: &str = "chatplatforms.yaml";
/// AccessGrants.
pub const ACCESSGRANTS: &str = "accessgrants.yaml";
/// AccountLinks.
pub const ACCOUNTLINKS: &str = "accountlinks.yaml";
/// Integrations.
pub const INTEGRATIONS: &str = "integrations.yaml";
/// Secrets.
pub const SECRETS: &str = "secrets.yaml";
/// The notes.
pub const NOTES: &str = "NOTES.md";

/// Why the output could not be made or written. Names paths, never values.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// A resource could not be written as YAML.
    #[error("cannot write {0} as YAML: {1}")]
    Yaml(&'static str, String),
    /// A file or the directory could not be written.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// The content of every file.
#[derive(Debug)]
pub struct Files {
    /// (file name, text), in the order written.
    pub texts: Vec<(&'static str, String)>,
}

impl Files {
    /// The manifest files (not NOTES.md), for checking.
    pub fn manifests(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.texts
            .iter()
            .filter(|(name, _)| name.ends_with(".yaml"))
            .map(|(name, text)| (*name, text.as_str()))
    }
}

fn documents<T: serde::Serialize>(
    file: &'static str,
    kind: &str,
    items: &[T],
    header: &str,
) -> Result<String, WriteError> {
    let mut out = format!("# {kind}s {header}\n");
    if items.is_empty() {
        out.push_str(&format!("# No {kind} was imported; see NOTES.md.\n"));
    }
    for item in items {
        let yaml = serde_saphyr::to_string(item).map_err(|err| WriteError::Yaml(file, err.to_string()))?;
        out.push_str("---\n");
        out.push_str(&yaml);
    }
    Ok(out)
}

/// Renders every file. `source` names the original for the headers.
pub fn files(imported: &Imported, source: &str, revealed: bool) -> Result<Files, WriteError> {
    let header = format!("imported from the Nautobot ChatOps app at {source} by `chatops-operator import`.");
    let mut secrets = format!(
        "# Secrets {header}\n# Values starting with REPLACE-ME are placeholders: put the real value there, or create \
         the Secret another way.\n# Seal or encrypt this file (kubeseal, SOPS) before committing it.\n"
    );
    for doc in &imported.secrets {
        let placeholders = doc
            .entries
            .iter()
            .filter(|(_, v)| matches!(v, SecretValue::Placeholder(_)))
            .count();
        secrets.push_str(&format!(
            "---\n# For {}: {placeholders} of {} values are placeholders.\n",
            doc.purpose,
            doc.entries.len()
        ));
        let string_data: BTreeMap<String, String> = doc
            .entries
            .iter()
            .map(|(key, value)| {
                let text = match value {
                    SecretValue::Real(text) | SecretValue::Placeholder(text) => text.clone(),
                };
                (key.clone(), text)
            })
            .collect();
        let secret = Secret {
            metadata: ObjectMeta {
                name: Some(doc.name.clone()),
                namespace: Some(imported.namespace.clone()),
                labels: Some(BTreeMap::from([(
                    "app.kubernetes.io/part-of".to_owned(),
                    "chatops".to_owned(),
                )])),
                ..ObjectMeta::default()
            },
            type_: Some("Opaque".to_owned()),
            string_data: Some(string_data),
            ..Secret::default()
        };
        let yaml =
            serde_saphyr::to_string(&secret).map_err(|err| WriteError::Yaml(SECRETS, err.to_string()))?;
        secrets.push_str(&yaml);
    }
    let counts = imported.counts();
    Ok(Files {
        texts: vec![
            (
                CHATPLATFORMS,
                documents(CHATPLATFORMS, "ChatPlatform", &imported.platforms, &header)?,
            ),
            (
                ACCESSGRANTS,
                documents(ACCESSGRANTS, "AccessGrant", &imported.grants, &header)?,
            ),
            (
                ACCOUNTLINKS,
                documents(ACCOUNTLINKS, "AccountLink", &imported.links, &header)?,
            ),
            (
                INTEGRATIONS,
                documents(INTEGRATIONS, "Integration", &imported.integrations, &header)?,
            ),
            (SECRETS, secrets),
            (NOTES, notes::markdown(source, &counts, &imported.notes, revealed)),
        ],
    })
}

/// Writes `files` into `dir` (created if missing): `secrets.yaml` owner-only.
pub fn to_dir(dir: &Path, files: &Files) -> Result<Vec<PathBuf>, WriteError> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| WriteError::Io { path, source }
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let mut written = Vec::new();
    for (name, text) in &files.texts {
        let path = dir.join(name);
        if *name == SECRETS {
            write_private(&path, text.as_bytes()).map_err(io(&path))?;
        } else {
            std::fs::write(&path, text).map_err(io(&path))?;
        }
        written.push(path);
    }
    Ok(written)
}

/// Writes `bytes` to `path` readable by its owner only, also when the file
/// existed with wider permissions (they are narrowed before the content goes in).
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
        options.mode(0o600);
        let file = options.open(path)?;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        file.set_len(0)?;
        let mut file = file;
        file.write_all(bytes)?;
        file.sync_all()
    }
    #[cfg(not(unix))]
    {
        let mut file = options.open(path)?;
        file.set_len(0)?;
        file.write_all(bytes)
    }
}
