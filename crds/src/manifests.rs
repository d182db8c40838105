//! Reading resources from YAML manifests, for the modes with no API server in front:
//! the gateway's `--manifests DIR` and `chatops-operator render`.
//!
//! Each chatops document is checked against its CRD's schema, CEL rules
//! included, exactly as `kubectl apply` would have it checked, so a manifest
//! that a cluster would refuse is refused here too, alone, with a diagnostic.
//! A file that is not YAML at all fails the whole load instead: the caller
//! keeps its last good configuration rather than serve half a directory.

use std::{
    collections::{BTreeMap, HashMap},
    path::{Path, PathBuf},
};

use k8s_openapi::{ByteString, api::core::v1::Secret};
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
    /// A Secret manifest is malformed (for example, a value under `data:` that is not base64).
    #[error("{source_name}: Secret {namespace}/{name}: {problem}")]
    Secret {
        /// The file.
        source_name: String,
        /// The Secret's namespace (the default namespace when the manifest names none).
        namespace: String,
        /// The Secret's name.
        name: String,
        /// What is wrong, naming keys and never values.
        problem: SecretProblem,
    },
}

/// What is wrong with a Secret manifest.
///
/// Each message names the key at fault and never its value: the value is a
/// credential, and these messages end up in terminals, CI logs and the
/// gateway's log.
#[derive(Debug, thiserror::Error)]
pub enum SecretProblem {
    /// A value under `data:` is a string that does not decode as base64.
    #[error(
        "key {key} under data: is not base64 (values under data: must be base64-encoded; \
         put plain text under stringData: instead)"
    )]
    NotBase64 {
        /// The key.
        key: String,
    },
    /// A value under `data:` or `stringData:` is not a string (a YAML number,
    /// boolean, list or map).
    #[error("key {key} under {field}: is not a string ({})", not_a_string_hint(field))]
    NotAString {
        /// `data` or `stringData`.
        field: &'static str,
        /// The key.
        key: String,
    },
    /// `data:` or `stringData:` is not a map of keys to values.
    #[error("{field}: is not a map of keys to values")]
    NotAMap {
        /// `data` or `stringData`.
        field: &'static str,
    },
    /// The rest of the manifest does not fit a Secret. `data:` and
    /// `stringData:` are taken out before this check, so the parser's message
    /// cannot quote a value.
    #[error("{message}")]
    Malformed {
        /// What the parser said about the fields other than `data` and `stringData`.
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
        let text_at = |pointer: &str, default: &str| {
            document
                .pointer(pointer)
                .and_then(Value::as_str)
                .unwrap_or(default)
                .to_owned()
        };
        let namespace = text_at("/metadata/namespace", namespace);
        let name = text_at("/metadata/name", "(unnamed)");
        let error = |problem| ManifestError::Secret {
            source_name: source_name.to_owned(),
            namespace: namespace.clone(),
            name: name.clone(),
            problem,
        };

        // The values are decoded here, key by key, and not by serde with the
        // rest: serde's messages quote what they could not read ("invalid
        // type: integer `123456`") or where base64 broke ("Invalid symbol 45,
        // offset 10"), which is the credential or a piece of it.
        let (data, string_data) = match document.as_object_mut() {
            Some(object) => (object.remove("data"), object.remove("stringData")),
            None => (None, None),
        };
        let data = secret_values(data, "data", decode_data_value).map_err(error)?;
        let string_data = secret_values(string_data, "stringData", |key, value| match value {
            Value::String(text) => Ok(text),
            _ => Err(SecretProblem::NotAString {
                field: "stringData",
                key: key.to_owned(),
            }),
        })
        .map_err(error)?;
        let mut secret: Secret = serde_json::from_value(document).map_err(|err| {
            error(SecretProblem::Malformed {
                message: err.to_string(),
            })
        })?;
        secret.data = data;
        secret.string_data = string_data;
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

/// Decodes `data:` or `stringData:` of a Secret manifest, one key at a time.
///
/// Absent or `null` is no map at all, as the API server takes it.
fn secret_values<V>(
    field: Option<Value>,
    name: &'static str,
    decode: impl Fn(&str, Value) -> Result<V, SecretProblem>,
) -> Result<Option<BTreeMap<String, V>>, SecretProblem> {
    match field {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(map)) => map
            .into_iter()
            .map(|(key, value)| decode(&key, value).map(|decoded| (key, decoded)))
            .collect::<Result<_, _>>()
            .map(Some),
        Some(_) => Err(SecretProblem::NotAMap { field: name }),
    }
}

/// One value under `data:`: base64 exactly as [`ByteString`] reads it (a
/// `null` value is empty), so only the message differs from serde's.
fn decode_data_value(key: &str, value: Value) -> Result<ByteString, SecretProblem> {
    match value {
        Value::Null | Value::String(_) => {
            serde_json::from_value(value).map_err(|_| SecretProblem::NotBase64 { key: key.to_owned() })
        }
        _ => Err(SecretProblem::NotAString {
            field: "data",
            key: key.to_owned(),
        }),
    }
}

/// What a value under `field` must be, for [`SecretProblem::NotAString`].
fn not_a_string_hint(field: &str) -> &'static str {
    if field == "data" {
        "values under data: must be base64-encoded strings; put plain text under stringData: instead"
    } else {
        // A YAML number or boolean is the likely mistake: `pin: 123456`.
        "quote numbers and booleans in YAML"
    }
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
        assert!(
            err.to_string().starts_with("secret.yaml: Secret chatops/s: "),
            "{err}"
        );
        assert!(
            !err.to_string().contains("***not base64"),
            "the value is not echoed: {err}"
        );
    }

    /// Loads one Secret manifest that must fail, and returns the message.
    fn secret_error(text: &str) -> String {
        Loaded::default()
            .add_yaml("secrets/slack.yaml", text, "chatops")
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn plain_text_under_data_names_the_secret_and_the_key_and_points_to_string_data() {
        let message = secret_error(
            "apiVersion: v1\nkind: Secret\nmetadata: {name: slack, namespace: team-a}\n\
             data:\n  signing-secret: c2lnbmluZw==\n  bot-token: xoxb-plain-text-token\n",
        );
        assert_eq!(
            message,
            "secrets/slack.yaml: Secret team-a/slack: key bot-token under data: is not base64 \
             (values under data: must be base64-encoded; put plain text under stringData: instead)"
        );
        // Not even the piece where decoding broke: base64's own message gives
        // the offending character and its offset.
        assert!(
            !message.contains("xoxb") && !message.contains("symbol"),
            "{message}"
        );
    }

    #[test]
    fn a_value_that_is_not_a_string_is_named_by_key_and_not_quoted() {
        let message =
            secret_error("apiVersion: v1\nkind: Secret\nmetadata: {name: pins}\nstringData: {pin: 246813}\n");
        assert_eq!(
            message,
            "secrets/slack.yaml: Secret chatops/pins: key pin under stringData: is not a string \
             (quote numbers and booleans in YAML)"
        );
        let message =
            secret_error("apiVersion: v1\nkind: Secret\nmetadata: {name: pins}\ndata: {pin: 246813}\n");
        assert!(
            message
                .starts_with("secrets/slack.yaml: Secret chatops/pins: key pin under data: is not a string"),
            "{message}"
        );
        assert!(message.contains("stringData:"), "{message}");
        assert!(!message.contains("246813"), "{message}");

        let message = secret_error("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: [a]\n");
        assert_eq!(
            message,
            "secrets/slack.yaml: Secret chatops/s: data: is not a map of keys to values"
        );
    }

    #[test]
    fn data_is_decoded_as_before() {
        let loaded = load(
            "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ntype: Opaque\n\
             data: {token: dG9rZW4=, empty: null}\nstringData: {other: plain}\n",
        );
        let secret = &loaded.resources.secrets[0];
        let data = secret.data.as_ref().unwrap();
        assert_eq!(data["token"].0, b"token");
        assert!(data["empty"].0.is_empty());
        assert_eq!(secret.string_data.as_ref().unwrap()["other"], "plain");
        assert_eq!(secret.type_.as_deref(), Some("Opaque"));
        assert_eq!(secret.metadata.namespace.as_deref(), Some("chatops"));
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
