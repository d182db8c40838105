//! Reading resources from YAML manifests, for the modes with no API server in front:
//! the gateway's `--manifests DIR` and `chatops-operator render`.
//!
//! Each chatops document is checked against its CRD's schema, CEL rules
//! included, exactly as `kubectl apply` would have it checked, so a manifest
//! that a cluster would refuse is refused here too, alone, with a diagnostic.
//! A file that is not YAML at all fails the whole load instead: the caller
//! keeps its last good configuration rather than serve half a directory.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
};

use k8s_openapi::api::core::v1::Secret;
use serde_json::Value;

use crate::{
    Resources,
    diagnostic::{Diagnostic, Kind, ObjectKey, Reason},
    schema,
};

/// Why a set of manifests could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// A file or directory could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A file is not valid YAML.
    #[error("{source_name} is not valid YAML: {message}")]
    Yaml {
        /// The file.
        source_name: String,
        /// What the parser said.
        message: String,
    },
    /// A Secret manifest is malformed (for example, `data` that is not base64).
    #[error("{source_name}: Secret {name}: {message}")]
    Secret {
        /// The file.
        source_name: String,
        /// The Secret's name.
        name: String,
        /// What is wrong.
        message: String,
    },
}

/// Resources read from manifests, and the verdicts on the documents refused on the way.
#[derive(Clone, Debug, Default)]
pub struct Loaded {
    /// The resources and Secrets that passed the schema.
    pub resources: Resources,
    /// One diagnostic per chatops document refused (schema violation, duplicate).
    pub rejected: Vec<Diagnostic>,
    /// Documents of other kinds, skipped: `file: apiVersion kind name`.
    pub ignored: Vec<String>,
    /// Where each object was first defined, to name both places of a duplicate.
    origins: HashMap<ObjectKey, String>,
}

impl Loaded {
    /// Adds every document of one YAML stream, named `source_name` in messages.
    ///
    /// Documents without a namespace are put in `default_namespace`, as kubectl does.
    pub fn add_yaml(
        &mut self,
        source_name: &str,
        text: &str,
        default_namespace: &str,
    ) -> Result<(), ManifestError> {
        let documents: Vec<Value> = serde_saphyr::from_multiple(text).map_err(|err| ManifestError::Yaml {
            source_name: source_name.to_owned(),
            message: err.to_string(),
        })?;
        for document in documents {
            self.add_document(source_name, document, default_namespace)?;
        }
        Ok(())
    }

    fn add_document(
        &mut self,
        source_name: &str,
        document: Value,
        namespace: &str,
    ) -> Result<(), ManifestError> {
        let api_version = document
            .get("apiVersion")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let kind = document.get("kind").and_then(Value::as_str).unwrap_or_default();
        match (api_version, kind) {
            // Empty documents (a trailing `---`) and comments-only files.
            _ if document.is_null() => Ok(()),
            ("v1", "List") => {
                let items = document
                    .get("items")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                items
                    .into_iter()
                    .try_for_each(|item| self.add_document(source_name, item, namespace))
            }
            ("v1", "Secret") => self.add_secret(source_name, document, namespace),
            (_, _) if api_version.starts_with(&format!("{}/", crate::GROUP)) => {
                match Kind::from_name(kind) {
                    Some(kind) => self.add_resource(source_name, kind, document, namespace),
                    None => self
                        .ignored
                        .push(format!("{source_name}: unknown kind {api_version} {kind:?}")),
                }
                Ok(())
            }
            _ => {
                let name = document
                    .pointer("/metadata/name")
                    .and_then(Value::as_str)
                    .unwrap_or("(unnamed)");
                self.ignored
                    .push(format!("{source_name}: {api_version} {kind} {name}"));
                Ok(())
            }
        }
    }

    fn add_secret(
        &mut self,
        source_name: &str,
        mut document: Value,
        namespace: &str,
    ) -> Result<(), ManifestError> {
        default_namespace(&mut document, namespace);
        let name = document
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let secret: Secret = serde_json::from_value(document).map_err(|err| ManifestError::Secret {
            source_name: source_name.to_owned(),
            name: name.clone(),
            message: err.to_string(),
        })?;
        self.resources.secrets.push(secret);
        Ok(())
    }

    fn add_resource(&mut self, source_name: &str, kind: Kind, mut document: Value, namespace: &str) {
        default_namespace(&mut document, namespace);
        let object = ObjectKey::new(
            kind,
            document
                .pointer("/metadata/namespace")
                .and_then(Value::as_str)
                .unwrap_or(namespace),
            document
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or("(unnamed)"),
        );
        let generation = document.pointer("/metadata/generation").and_then(Value::as_i64);
        let reject =
            |message: String| Diagnostic::rejected(object.clone(), generation, Reason::Invalid, message);

        // What the API server would store: defaults filled in, status dropped.
        let document = match schema::admit(&document) {
            Ok(admitted) => admitted,
            Err(violations) => {
                let message = violations
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ");
                self.rejected.push(reject(format!("{source_name}: {message}")));
                return;
            }
        };
        if let Some(first) = self.origins.get(&object) {
            self.rejected.push(reject(format!(
                "defined twice: in {first} and again in {source_name}"
            )));
            return;
        }
        let added = match object.kind {
            Kind::ChatPlatform => push(&mut self.resources.platforms, document),
            Kind::AccessGrant => push(&mut self.resources.grants, document),
            Kind::AccountLink => push(&mut self.resources.account_links, document),
            Kind::Integration => push(&mut self.resources.integrations, document),
        };
        match added {
            Ok(()) => {
                self.origins.insert(object, source_name.to_owned());
            }
            Err(err) => self.rejected.push(reject(format!("{source_name}: {err}"))),
        }
    }

    /// Every diagnostic of the load and of compiling its resources, in one list.
    pub fn compile(&self) -> crate::Compiled {
        let mut compiled = crate::compile(&self.resources);
        compiled.diagnostics.extend(self.rejected.iter().cloned());
        compiled.diagnostics.sort_by(|a, b| a.object.cmp(&b.object));
        compiled
    }
}

/// Deserialises a validated document into its typed resource.
fn push<K: serde::de::DeserializeOwned>(into: &mut Vec<K>, document: Value) -> Result<(), serde_json::Error> {
    into.push(serde_json::from_value(document)?);
    Ok(())
}

fn default_namespace(document: &mut Value, namespace: &str) {
    if let Some(metadata) = document.get_mut("metadata").and_then(Value::as_object_mut) {
        metadata
            .entry("namespace")
            .or_insert_with(|| Value::from(namespace));
    }
}

/// Reads every `*.yaml`, `*.yml` and `*.json` file below `dir`, in path order.
///
/// Hidden files and directories are skipped: editors' swap files, and the
/// `..data` links kubelet uses when the directory is a mounted volume.
pub fn load_dir(dir: &Path, default_namespace: &str) -> Result<Loaded, ManifestError> {
    let mut loaded = Loaded::default();
    for path in manifest_files(dir)? {
        let text = std::fs::read_to_string(&path).map_err(|source| ManifestError::Io {
            path: path.clone(),
            source,
        })?;
        let name = path.strip_prefix(dir).unwrap_or(&path).display().to_string();
        loaded.add_yaml(&name, &text, default_namespace)?;
    }
    Ok(loaded)
}

fn manifest_files(dir: &Path) -> Result<Vec<PathBuf>, ManifestError> {
    let io_error = |source| ManifestError::Io {
        path: dir.to_owned(),
        source,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io_error)? {
        let path = entry.map_err(io_error)?.path();
        let hidden = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_none_or(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        if path.is_dir() {
            files.extend(manifest_files(&path)?);
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e, "yaml" | "yml" | "json"))
        {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLATFORM: &str = r#"
apiVersion: chatops.dev/v1alpha1
kind: ChatPlatform
metadata: {name: slack}
spec:
  type: slack
  slack:
    signingSecretRef: {name: slack, key: signing-secret}
    botTokenRef: {name: slack, key: bot-token}
"#;

    const SECRET: &str = r#"
apiVersion: v1
kind: Secret
metadata: {name: slack}
data:
  signing-secret: c2lnbmluZw==
stringData:
  bot-token: xoxb-1
"#;

    fn load(text: &str) -> Loaded {
        let mut loaded = Loaded::default();
        loaded.add_yaml("test.yaml", text, "chatops").unwrap();
        loaded
    }

    #[test]
    fn documents_are_validated_defaulted_and_put_in_the_default_namespace() {
        let loaded = load(&format!("{PLATFORM}---\n{SECRET}---\n"));
        assert!(loaded.rejected.is_empty(), "{:?}", loaded.rejected);
        let platform = &loaded.resources.platforms[0];
        assert_eq!(platform.metadata.namespace.as_deref(), Some("chatops"));
        assert_eq!(platform.spec.fallback_user, "chatbot");
        let compiled = loaded.compile();
        assert_eq!(compiled.rejected().count(), 0, "{:?}", compiled.diagnostics);
        assert_eq!(
            compiled.secrets.0.values().cloned().collect::<Vec<_>>(),
            ["xoxb-1", "signing"]
        );
    }

    #[test]
    fn a_document_the_api_server_would_refuse_is_rejected_alone() {
        let bad = r#"
apiVersion: chatops.dev/v1alpha1
kind: AccessGrant
metadata: {name: typo}
spec: {command: "*", subcommand: get-devices, grantType: team, name: x, value: "*"}
"#;
        let loaded = load(&format!("{PLATFORM}---{bad}"));
        assert_eq!(loaded.resources.platforms.len(), 1);
        assert!(loaded.resources.grants.is_empty());
        let [rejected] = &loaded.rejected[..] else {
            panic!("{:?}", loaded.rejected)
        };
        assert_eq!(
            rejected.object,
            ObjectKey::new(Kind::AccessGrant, "chatops", "typo")
        );
        assert_eq!(rejected.reason, Reason::Invalid);
        assert!(
            rejected.message.starts_with("test.yaml: "),
            "{}",
            rejected.message
        );
        assert!(
            rejected
                .message
                .contains(r#"spec.grantType: Unsupported value: "team""#),
            "{}",
            rejected.message
        );
        // The compiled diagnostics include the refused document.
        assert!(
            loaded
                .compile()
                .diagnostics
                .iter()
                .any(|d| d.object.name == "typo" && !d.ready)
        );
    }

    #[test]
    fn a_resource_defined_twice_keeps_its_first_definition() {
        let mut loaded = load(PLATFORM);
        loaded.add_yaml("other.yaml", PLATFORM, "chatops").unwrap();
        assert_eq!(loaded.resources.platforms.len(), 1);
        assert_eq!(
            loaded.rejected[0].message,
            "defined twice: in test.yaml and again in other.yaml"
        );
    }

    #[test]
    fn lists_are_unpacked_and_other_kinds_are_listed_as_ignored() {
        let list = r#"
apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: ConfigMap, metadata: {name: unrelated}}
- {apiVersion: chatops.dev/v1alpha1, kind: Gadget, metadata: {name: g}}
"#;
        let loaded = load(&format!("{list}---\n# only a comment\n"));
        assert_eq!(
            loaded.ignored,
            [
                "test.yaml: v1 ConfigMap unrelated",
                "test.yaml: unknown kind chatops.dev/v1alpha1 \"Gadget\""
            ]
        );
    }

    #[test]
    fn malformed_yaml_and_malformed_secrets_fail_the_whole_load() {
        let mut loaded = Loaded::default();
        let err = loaded
            .add_yaml("bad.yaml", "spec: [unclosed", "chatops")
            .unwrap_err();
        assert!(
            err.to_string().starts_with("bad.yaml is not valid YAML: "),
            "{err}"
        );

        let secret = "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {token: '***not base64'}\n";
        let err = loaded.add_yaml("secret.yaml", secret, "chatops").unwrap_err();
        assert!(err.to_string().starts_with("secret.yaml: Secret s: "), "{err}");
        assert!(
            !err.to_string().contains("***not base64"),
            "the value is not echoed: {err}"
        );
    }

    #[test]
    fn load_dir_reads_yaml_recursively_and_skips_hidden_entries() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("platforms")).unwrap();
        std::fs::create_dir_all(dir.path().join("..data")).unwrap();
        std::fs::write(dir.path().join("platforms/slack.yml"), PLATFORM).unwrap();
        std::fs::write(
            dir.path().join("secret.json"),
            serde_json::to_string(&serde_saphyr::from_str::<Value>(SECRET).unwrap()).unwrap(),
        )
        .unwrap();
        std::fs::write(dir.path().join("..data/slack.yaml"), PLATFORM).unwrap();
        std::fs::write(dir.path().join(".slack.yaml.swp"), "not yaml: [").unwrap();
        std::fs::write(dir.path().join("README.md"), "# not a manifest").unwrap();
        let loaded = load_dir(dir.path(), "chatops").unwrap();
        assert_eq!(loaded.resources.platforms.len(), 1);
        assert_eq!(loaded.resources.secrets.len(), 1);
        assert!(loaded.rejected.is_empty(), "{:?}", loaded.rejected);

        let err = load_dir(&dir.path().join("missing"), "chatops").unwrap_err();
        assert!(err.to_string().starts_with("cannot read "), "{err}");
    }
}
