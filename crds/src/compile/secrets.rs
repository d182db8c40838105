//! Looking up the Secret values a resource refers to.

use std::collections::{BTreeMap, HashMap};

use k8s_openapi::api::core::v1::Secret;

use crate::{
    SecretKeyRef,
    config::{GatewaySecrets, SecretKey},
    diagnostic::{ObjectKey, Reason},
};

/// The Secrets of the cluster (or manifest directory), indexed by namespace and name.
pub(crate) struct SecretStore<'a> {
    by_name: HashMap<(&'a str, &'a str), &'a Secret>,
}

/// Why a reference could not be resolved. Names the Secret and key, never a value.
#[derive(Debug)]
pub(crate) struct Unresolved {
    pub reason: Reason,
    pub message: String,
}

impl<'a> SecretStore<'a> {
    pub fn new(secrets: &'a [Secret]) -> Self {
        let by_name = secrets
            .iter()
            .filter_map(|secret| {
                let meta = &secret.metadata;
                Some((
                    (meta.namespace.as_deref().unwrap_or(""), meta.name.as_deref()?),
                    secret,
                ))
            })
            .collect();
        Self { by_name }
    }

    /// The text stored under `reference` in `namespace`.
    ///
    /// `stringData` wins over `data`, as the API server merges them. Surrounding
    /// whitespace is trimmed: a token saved with `kubectl create secret --from-file`
    /// usually ends in a newline, which would otherwise break signatures silently.
    fn lookup(&self, namespace: &str, reference: &SecretKeyRef) -> Result<String, Unresolved> {
        let secret_name = format!("{namespace}/{}", reference.name);
        let secret = self
            .by_name
            .get(&(namespace, reference.name.as_str()))
            .ok_or_else(|| Unresolved {
                reason: Reason::SecretNotFound,
                message: format!("Secret {secret_name} not found"),
            })?;
        let raw: Vec<u8> = if let Some(text) = secret.string_data.as_ref().and_then(|d| d.get(&reference.key))
        {
            text.as_bytes().to_vec()
        } else if let Some(bytes) = secret.data.as_ref().and_then(|d| d.get(&reference.key)) {
            bytes.0.clone()
        } else {
            return Err(Unresolved {
                reason: Reason::SecretKeyNotFound,
                message: format!("Secret {secret_name} has no key {:?}", reference.key),
            });
        };
        let text = String::from_utf8(raw).map_err(|_| Unresolved {
            reason: Reason::SecretValueInvalid,
            message: format!(
                "key {:?} of Secret {secret_name} is not UTF-8 text",
                reference.key
            ),
        })?;
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(Unresolved {
                reason: Reason::SecretValueInvalid,
                message: format!("key {:?} of Secret {secret_name} is empty", reference.key),
            });
        }
        Ok(trimmed.to_owned())
    }

    /// Resolves every reference a resource makes, all or nothing.
    ///
    /// On success the values are returned under their gateway [`SecretKey`]s, ready
    /// to be merged into [`GatewaySecrets`]; on failure every problem is reported,
    /// so one `kubectl describe` shows all the Secrets still to create.
    pub fn resolve_all(
        &self,
        object: &ObjectKey,
        references: &[(String, &SecretKeyRef)],
    ) -> Result<BTreeMap<String, (SecretKey, String)>, Unresolved> {
        let mut resolved = BTreeMap::new();
        let mut problems: Vec<Unresolved> = Vec::new();
        for (field, reference) in references {
            match self.lookup(&object.namespace, reference) {
                Ok(value) => {
                    let key =
                        SecretKey::for_field(object.kind.as_str(), &object.namespace, &object.name, field);
                    resolved.insert(field.clone(), (key, value));
                }
                Err(problem) => problems.push(problem),
            }
        }
        match problems.len() {
            0 => Ok(resolved),
            _ => Err(Unresolved {
                reason: problems[0].reason,
                message: problems
                    .iter()
                    .map(|p| p.message.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
            }),
        }
    }
}

/// Moves resolved values into the gateway's Secret and returns the key of each field.
pub(crate) fn store(
    resolved: BTreeMap<String, (SecretKey, String)>,
    secrets: &mut GatewaySecrets,
) -> BTreeMap<String, SecretKey> {
    resolved
        .into_iter()
        .map(|(field, (key, value))| {
            secrets.0.insert(key.clone(), value);
            (field, key)
        })
        .collect()
}
