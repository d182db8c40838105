//! From compiled configuration to the ConfigMap and Secret the gateway mounts.
//!
//! Pure. The ConfigMap carries a hash of the Secret's content, so the gateway
//! can tell when the Secret it sees is not the one the config was rendered
//! against (kubelet updates the two volumes independently) and wait for it.

use std::collections::BTreeMap;

use chatops_crds::{Compiled, config::GatewayConfig};
use k8s_openapi::{
    ByteString,
    api::core::v1::{ConfigMap, Secret},
    apimachinery::pkg::apis::meta::v1::ObjectMeta,
};
use sha2::{Digest, Sha256};

/// The ConfigMap key holding the configuration.
pub const CONFIG_KEY: &str = "config.yaml";
/// The ConfigMap key holding the hash of the Secret the configuration was
/// rendered with. It is data, not only an annotation, because the gateway sees
/// the mounted files and not the object's metadata.
pub const SECRET_HASH_KEY: &str = "secret-hash";
/// Annotation on both objects: the hash of the Secret's content.
pub const SECRET_HASH_ANNOTATION: &str = "chatops.dev/secret-hash";
/// Annotation on the ConfigMap: the hash of its own configuration.
pub const CONFIG_HASH_ANNOTATION: &str = "chatops.dev/config-hash";

/// Where the rendered objects go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// Namespace of the ConfigMap and Secret (the gateway's namespace).
    pub namespace: String,
    /// Name of both objects.
    pub name: String,
}

/// The two objects the gateway reads.
#[derive(Clone, Debug, PartialEq)]
pub struct Rendered {
    /// The configuration, without secret material.
    pub config_map: ConfigMap,
    /// The secret material the configuration names.
    pub secret: Secret,
}

/// Why rendering failed. Only serialisation can fail, and it names no secret.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The configuration could not be written as YAML.
    #[error("cannot serialise the gateway config: {0}")]
    Serialize(String),
}

/// Renders compiled configuration into the gateway's ConfigMap and Secret.
pub fn render(compiled: &Compiled, target: &Target) -> Result<Rendered, RenderError> {
    let config_yaml = config_to_yaml(&compiled.config)?;
    let secret_hash = compiled.secrets.content_hash();
    let config_hash = format!("sha256:{}", hex::encode(Sha256::digest(config_yaml.as_bytes())));

    let config_map = ConfigMap {
        metadata: metadata(
            target,
            [
                (SECRET_HASH_ANNOTATION, secret_hash.clone()),
                (CONFIG_HASH_ANNOTATION, config_hash),
            ],
        ),
        data: Some(
            [
                (CONFIG_KEY.to_owned(), config_yaml),
                (SECRET_HASH_KEY.to_owned(), secret_hash.clone()),
            ]
            .into(),
        ),
        ..Default::default()
    };
    let secret = Secret {
        metadata: metadata(target, [(SECRET_HASH_ANNOTATION, secret_hash)]),
        type_: Some("Opaque".to_owned()),
        data: Some(
            compiled
                .secrets
                .0
                .iter()
                .map(|(key, value)| (key.as_str().to_owned(), ByteString(value.as_bytes().to_vec())))
                .collect(),
        ),
        ..Default::default()
    };
    Ok(Rendered { config_map, secret })
}

/// The configuration as the YAML document stored in the ConfigMap.
pub fn config_to_yaml(config: &GatewayConfig) -> Result<String, RenderError> {
    serde_saphyr::to_string(config).map_err(|err| RenderError::Serialize(err.to_string()))
}

fn metadata<const N: usize>(target: &Target, annotations: [(&str, String); N]) -> ObjectMeta {
    let labels: BTreeMap<String, String> = [
        ("app.kubernetes.io/name", "chatops-gateway"),
        ("app.kubernetes.io/part-of", "chatops"),
        ("app.kubernetes.io/managed-by", "chatops-operator"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    ObjectMeta {
        name: Some(target.name.clone()),
        namespace: Some(target.namespace.clone()),
        labels: Some(labels),
        annotations: Some(annotations.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()),
        ..Default::default()
    }
}

/// A copy of the Secret safe to print: each value replaced by its length.
pub fn redacted(secret: &Secret) -> Secret {
    let mut copy = secret.clone();
    let summary = secret
        .data
        .iter()
        .flatten()
        .map(|(key, value)| (key.clone(), format!("<redacted: {} bytes>", value.0.len())))
        .collect();
    copy.data = None;
    copy.string_data = Some(summary);
    copy
}

#[cfg(test)]
mod tests {
    use chatops_crds::config::GatewaySecrets;

    use super::*;

    fn secrets(pairs: &[(&str, &str)]) -> GatewaySecrets {
        pairs.iter().copied().collect()
    }

    fn target() -> Target {
        Target {
            namespace: "chatops".into(),
            name: "chatops-gateway".into(),
        }
    }

    #[test]
    fn the_config_map_carries_the_secret_hash_and_no_secret_value() {
        let compiled = Compiled {
            secrets: secrets(&[("chatplatform.chatops.slack.bot-token", "xoxb-secret")]),
            ..Default::default()
        };
        let rendered = render(&compiled, &target()).unwrap();
        let annotations = rendered.config_map.metadata.annotations.as_ref().unwrap();
        assert_eq!(
            annotations[SECRET_HASH_ANNOTATION],
            compiled.secrets.content_hash()
        );
        assert_eq!(
            rendered.secret.metadata.annotations.as_ref().unwrap()[SECRET_HASH_ANNOTATION],
            annotations[SECRET_HASH_ANNOTATION]
        );
        assert!(
            !serde_json::to_string(&rendered.config_map)
                .unwrap()
                .contains("xoxb-secret")
        );
        let data = rendered.secret.data.as_ref().unwrap();
        assert_eq!(data["chatplatform.chatops.slack.bot-token"].0, b"xoxb-secret");
    }

    #[test]
    fn redaction_keeps_keys_and_sizes_only() {
        let compiled = Compiled {
            secrets: secrets(&[("k", "topsecret")]),
            ..Default::default()
        };
        let shown = redacted(&render(&compiled, &target()).unwrap().secret);
        let text = serde_json::to_string(&shown).unwrap();
        assert!(!text.contains("topsecret") && !text.contains("dG9wc2VjcmV0"));
        assert_eq!(shown.string_data.unwrap()["k"], "<redacted: 9 bytes>");
    }
}
