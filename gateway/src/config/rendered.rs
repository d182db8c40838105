//! The operator's rendered ConfigMap and Secret, however they reach the gateway.
//!
//! One pure check, [`from_rendered`], decides whether a configuration and a
//! Secret belong together; the mounted files ([`load_mounted`]) and the
//! objects watched through the API ([`from_objects`]) only gather its input.

use std::path::Path;

use chatops_crds::config::{GatewayConfig, GatewaySecrets, SecretKey};
use k8s_openapi::api::core::v1::{ConfigMap, Secret};
use kube::ResourceExt;

use super::{LoadError, Loaded};

/// The ConfigMap key (and mounted file) holding the configuration, as the operator renders it.
pub const CONFIG_KEY: &str = "config.yaml";
/// The ConfigMap key (and mounted file) holding the hash of the Secret the configuration expects.
pub const SECRET_HASH_KEY: &str = "secret-hash";

/// Builds a configuration from the rendered ConfigMap's two keys and the Secret's content.
///
/// Refuses a Secret whose content hash is not the one the configuration was
/// rendered with: the two objects change separately, and serving a new
/// configuration with old credentials (or the reverse) would fail requests.
pub fn from_rendered(
    config_yaml: &str,
    secret_hash: &str,
    secrets: GatewaySecrets,
) -> Result<Loaded, LoadError> {
    let config: GatewayConfig = serde_saphyr::from_str(config_yaml).map_err(|err| LoadError::Invalid {
        message: err.to_string(),
    })?;
    let expected = secret_hash.trim();
    let found = secrets.content_hash();
    if found != expected {
        return Err(LoadError::SecretOutOfDate {
            expected: expected.to_owned(),
            found,
        });
    }
    Ok(Loaded {
        config,
        secrets,
        rejected: Vec::new(),
    })
}

/// Builds a configuration from the ConfigMap and Secret objects as the API returns them.
pub fn from_objects(config_map: &ConfigMap, secret: &Secret) -> Result<Loaded, LoadError> {
    let key = |key: &str| {
        config_map
            .data
            .as_ref()
            .and_then(|data| data.get(key))
            .ok_or_else(|| LoadError::MissingKey {
                object: describe("ConfigMap", config_map),
                key: key.to_owned(),
            })
    };
    let config_yaml = key(CONFIG_KEY)?;
    let secret_hash = key(SECRET_HASH_KEY)?;

    let mut secrets = GatewaySecrets::default();
    // `stringData` is write-only: the API server folds it into `data`.
    for (key, value) in secret.data.iter().flatten() {
        let text = String::from_utf8(value.0.clone()).map_err(|_| LoadError::NotText {
            object: describe("Secret", secret),
            key: key.clone(),
        })?;
        secrets.0.insert(SecretKey(key.clone()), text);
    }
    from_rendered(config_yaml, secret_hash, secrets)
}

/// Reads the rendered objects as kubelet mounts them: the ConfigMap's keys as
/// files in `config_dir`, the Secret's in `secrets_dir`.
pub fn load_mounted(config_dir: &Path, secrets_dir: &Path) -> Result<Loaded, LoadError> {
    let config_yaml = read(&config_dir.join(CONFIG_KEY))?;
    let secret_hash = read(&config_dir.join(SECRET_HASH_KEY))?;

    let mut secrets = GatewaySecrets::default();
    let io_error = |source| LoadError::Io {
        path: secrets_dir.to_owned(),
        source,
    };
    for entry in std::fs::read_dir(secrets_dir).map_err(io_error)? {
        let entry = entry.map_err(io_error)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        // kubelet's `..data` and timestamped directories: the keys are the visible links.
        if name.starts_with('.') {
            continue;
        }
        secrets.0.insert(SecretKey(name), read(&entry.path())?);
    }
    from_rendered(&config_yaml, &secret_hash, secrets)
}

/// `Kind namespace/name`, for messages.
fn describe(kind: &str, object: &impl ResourceExt) -> String {
    format!(
        "{kind} {}/{}",
        object.namespace().unwrap_or_default(),
        object.name_any()
    )
}

fn read(path: &Path) -> Result<String, LoadError> {
    std::fs::read_to_string(path).map_err(|source| LoadError::Io {
        path: path.to_owned(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use k8s_openapi::{ByteString, apimachinery::pkg::apis::meta::v1::ObjectMeta};

    use super::*;

    const TOKEN: &str = "xoxb-not-for-any-log";

    fn secrets(value: &str) -> GatewaySecrets {
        GatewaySecrets(
            [(
                SecretKey("chatplatform.chatops.slack.bot-token".into()),
                value.into(),
            )]
            .into(),
        )
    }

    /// An empty configuration, as the operator writes it.
    fn empty() -> String {
        serde_saphyr::to_string(&GatewayConfig::default()).unwrap()
    }

    fn meta() -> ObjectMeta {
        ObjectMeta {
            name: Some("chatops-gateway".into()),
            namespace: Some("chatops".into()),
            ..Default::default()
        }
    }

    fn config_map(pairs: &[(&str, &str)]) -> ConfigMap {
        ConfigMap {
            metadata: meta(),
            data: Some(
                pairs
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            ),
            ..Default::default()
        }
    }

    fn secret(value: &[u8]) -> Secret {
        Secret {
            metadata: meta(),
            data: Some(
                [(
                    "chatplatform.chatops.slack.bot-token".to_owned(),
                    ByteString(value.to_vec()),
                )]
                .into(),
            ),
            ..Default::default()
        }
    }

    #[test]
    fn a_secret_with_the_expected_hash_loads() {
        let hash = secrets(TOKEN).content_hash();
        let loaded = from_rendered(&empty(), &format!("{hash}\n"), secrets(TOKEN)).unwrap();
        assert_eq!(loaded.config, GatewayConfig::default());
        assert_eq!(loaded.secrets, secrets(TOKEN));
    }

    #[test]
    fn a_secret_with_another_hash_is_out_of_date_and_the_error_names_no_value() {
        let hash = secrets("an-older-token").content_hash();
        let err = from_rendered(&empty(), &hash, secrets(TOKEN)).unwrap_err();
        assert!(matches!(err, LoadError::SecretOutOfDate { .. }), "{err}");
        assert!(!err.to_string().contains(TOKEN), "{err}");
    }

    #[test]
    fn a_configuration_that_is_not_a_gateway_config_is_invalid() {
        let hash = secrets(TOKEN).content_hash();
        let err = from_rendered("platforms: [not, a, map]\n", &hash, secrets(TOKEN)).unwrap_err();
        assert!(matches!(err, LoadError::Invalid { .. }), "{err}");
    }

    #[test]
    fn objects_load_through_the_same_check() {
        let hash = secrets(TOKEN).content_hash();
        let loaded = from_objects(
            &config_map(&[(CONFIG_KEY, &empty()), (SECRET_HASH_KEY, &hash)]),
            &secret(TOKEN.as_bytes()),
        )
        .unwrap();
        assert_eq!(loaded.secrets, secrets(TOKEN));
    }

    #[test]
    fn a_config_map_without_config_yaml_names_the_missing_key() {
        let hash = secrets(TOKEN).content_hash();
        let err = from_objects(
            &config_map(&[(SECRET_HASH_KEY, &hash)]),
            &secret(TOKEN.as_bytes()),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "ConfigMap chatops/chatops-gateway has no key config.yaml"
        );
    }

    #[test]
    fn a_secret_value_that_is_not_text_names_the_key_only() {
        let err = from_objects(
            &config_map(&[(CONFIG_KEY, &empty()), (SECRET_HASH_KEY, "sha256:0")]),
            &secret(&[0xff, 0xfe, b'x']),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Secret chatops/chatops-gateway key chatplatform.chatops.slack.bot-token is not UTF-8 text"
        );
    }
}
