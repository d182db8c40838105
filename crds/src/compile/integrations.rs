//! Integration -> [`IntegrationConfig`], under the command it answers to.

use crate::{
    Integration, SecretKeyRef,
    config::IntegrationConfig,
    diagnostic::{Kind, Reason},
};

use super::{Compiled, IntegrationCommands, claims::Claims, identify, oldest_first, secrets};

/// The command the gateway answers itself; no Integration may take it.
pub const BUILTIN_COMMAND: &str = "chatops";

/// Compiles every Integration and returns the command each one holds.
pub(super) fn compile(
    integrations: &[Integration],
    store: &secrets::SecretStore<'_>,
    out: &mut Compiled,
) -> IntegrationCommands {
    let mut commands = Claims::new();
    let mut held = IntegrationCommands::new();
    for integration in oldest_first(integrations) {
        let (object, generation) = identify(Kind::Integration, integration);
        let spec = &integration.spec;
        let command = spec
            .command
            .clone()
            .unwrap_or_else(|| spec.integration_type.as_str().to_owned());
        if command == BUILTIN_COMMAND {
            let message = format!("the command {BUILTIN_COMMAND} is built into the gateway; choose another");
            out.reject(object, generation, Reason::Invalid, message);
            continue;
        }
        if let Err(holder) = commands.claim(command.clone(), &object) {
            let message =
                format!("the command {command:?} is already served by the older {holder}; set spec.command");
            out.reject(object, generation, Reason::CommandConflict, message);
            continue;
        }
        held.insert((object.namespace.clone(), object.name.clone()), command.clone());

        let Some(endpoint) = spec
            .endpoint
            .as_deref()
            .or(spec.integration_type.default_endpoint())
        else {
            let message = format!("spec.endpoint is required for type {}", spec.integration_type);
            out.reject(object, generation, Reason::Invalid, message);
            continue;
        };
        if let Err(why) = check_endpoint(endpoint) {
            out.reject(
                object,
                generation,
                Reason::Invalid,
                format!("spec.endpoint {why}"),
            );
            continue;
        }
        let tls = spec.tls.clone().unwrap_or_default();
        let references = references(spec);
        let Some(mut keys) = out.store_secrets(store, &object, generation, &references) else {
            continue;
        };
        let config = IntegrationConfig {
            source: object.namespaced_name(),
            integration_type: spec.integration_type,
            endpoint: endpoint.trim_end_matches('/').to_owned(),
            token: keys.remove("token"),
            username: keys.remove("username"),
            password: keys.remove("password"),
            ca_bundle: keys.remove("ca-bundle"),
            insecure_skip_verify: tls.insecure_skip_verify,
            timeout_seconds: spec.timeout_seconds,
            awx: spec.awx.clone(),
            grafana: spec.grafana.clone(),
        };
        out.config.integrations.insert(command.clone(), config);
        let message = format!(
            "{} integration answers to the command {command}",
            spec.integration_type
        );
        out.accept(object, generation, message);
    }
    held
}

/// Why `endpoint` cannot be served, if it cannot: it must be an http(s) URL,
/// and must not carry a user or password, which would otherwise land in the
/// ConfigMap and in every log line that names the endpoint. The reason never
/// repeats the URL, so a password typed into it is not echoed either.
fn check_endpoint(endpoint: &str) -> Result<(), &'static str> {
    let url = url::Url::parse(endpoint).map_err(|_| "is not a URL")?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("must be an http or https URL");
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not carry a user or password; give them with spec.credentials");
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("must not have a query or fragment");
    }
    Ok(())
}

/// An Integration's Secret references, by the field name their gateway keys end in.
pub(super) fn references(spec: &crate::IntegrationSpec) -> Vec<(String, &SecretKeyRef)> {
    let ca = spec.tls.as_ref().and_then(|tls| tls.ca_ref.as_ref());
    [
        ("token", spec.credentials.token_ref.as_ref()),
        ("username", spec.credentials.username_ref.as_ref()),
        ("password", spec.credentials.password_ref.as_ref()),
        ("ca-bundle", ca),
    ]
    .into_iter()
    .filter_map(|(field, reference)| Some((field.to_owned(), reference?)))
    .collect()
}
