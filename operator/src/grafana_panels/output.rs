//! The declaration written as YAML: `spec.grafana` alone, or a whole
//! Integration. Each is checked against the Integration CRD (schema and CEL
//! rules) before it is written.

use chatops_crds::{
    Integration, IntegrationCredentials, IntegrationSpec, IntegrationType, SecretKeyRef, schema,
    settings::GrafanaSettings,
};
use kube::api::ObjectMeta;

use super::GrafanaPanelsError;

/// The Integration a whole manifest declares.
#[derive(Clone, Debug)]
pub struct Target {
    /// Its name.
    pub name: String,
    /// Its namespace; none to apply with `kubectl -n`.
    pub namespace: Option<String>,
    /// The chat command it answers to; `grafana` when `None`.
    pub command: Option<String>,
    /// The URL the gateway reaches Grafana at.
    pub endpoint: String,
    /// The Secret key holding the gateway's service account token.
    pub token_secret: SecretKeyRef,
}

/// `NAME/KEY` as a Secret key reference.
pub fn secret_ref(text: &str) -> Result<SecretKeyRef, GrafanaPanelsError> {
    match text.split_once('/') {
        Some((name, key)) if !name.is_empty() && !key.is_empty() && !key.contains('/') => {
            Ok(SecretKeyRef::new(name, key))
        }
        _ => Err(GrafanaPanelsError::BadSecretRef),
    }
}

fn integration(settings: &GrafanaSettings, target: &Target) -> Integration {
    let spec = IntegrationSpec {
        integration_type: IntegrationType::Grafana,
        command: target.command.clone(),
        endpoint: Some(target.endpoint.clone()),
        credentials: IntegrationCredentials {
            token_ref: Some(target.token_secret.clone()),
            ..IntegrationCredentials::default()
        },
        tls: None,
        timeout_seconds: 30,
        awx: None,
        grafana: Some(settings.clone()),
        nso: None,
        ipfabric: None,
    };
    let mut integration = Integration::new(&target.name, spec);
    integration.metadata = ObjectMeta {
        name: Some(target.name.clone()),
        namespace: target.namespace.clone(),
        ..ObjectMeta::default()
    };
    integration
}

/// Checks `integration` as the API server would admit it.
fn check(integration: &Integration) -> Result<(), GrafanaPanelsError> {
    let value = serde_json::to_value(integration).map_err(|err| GrafanaPanelsError::Yaml(err.to_string()))?;
    schema::validate_object(&value).map_err(|violations| {
        let all: Vec<String> = violations.iter().map(ToString::to_string).collect();
        GrafanaPanelsError::Schema(all.join("; "))
    })
}

fn yaml<T: serde::Serialize>(value: &T) -> Result<String, GrafanaPanelsError> {
    serde_saphyr::to_string(value).map_err(|err| GrafanaPanelsError::Yaml(err.to_string()))
}

/// `settings` as the YAML of `spec.grafana`, with a comment that says so.
pub fn settings_yaml(settings: &GrafanaSettings) -> Result<String, GrafanaPanelsError> {
    // Checked inside an Integration that is valid but for them, since the
    // rules on the settings are rules of the Integration CRD.
    let probe = Target {
        name: "grafana".to_owned(),
        namespace: None,
        command: None,
        endpoint: "https://grafana.example.com".to_owned(),
        token_secret: SecretKeyRef::new("grafana", "token"),
    };
    check(&integration(settings, &probe))?;
    let panels: usize = settings.dashboards.iter().map(|d| d.panels.len()).sum();
    Ok(format!(
        "# spec.grafana of a grafana Integration: {panels} panels of {} dashboards, each served as\n\
         # get-<command>. Written by `chatops-operator grafana-panels`; review the commands and\n\
         # variables (drop those a panel does not use, add Nautobot choices) before committing.\n{}",
        settings.dashboards.len(),
        yaml(settings)?
    ))
}

/// A whole Integration of type grafana serving `settings`, ready to apply.
pub fn integration_yaml(settings: &GrafanaSettings, target: &Target) -> Result<String, GrafanaPanelsError> {
    let integration = integration(settings, target);
    check(&integration)?;
    Ok(format!(
        "# Written by `chatops-operator grafana-panels`; the Secret {} holds the token under {}.\n{}",
        target.token_secret.name,
        target.token_secret.key,
        yaml(&integration)?
    ))
}
