//! Integration -> [`IntegrationConfig`], under the command it answers to.

use std::collections::HashMap;

use crate::{
    Integration, IntegrationType, SecretKeyRef,
    config::IntegrationConfig,
    diagnostic::{Kind, ObjectKey, Reason},
    settings::{GrafanaSettings, IpfabricSettings},
};

use super::{Compiled, IntegrationCommands, claims::Claims, grafana, identify, oldest_first, secrets};

/// The command the gateway answers itself; no Integration may take it.
pub const BUILTIN_COMMAND: &str = "chatops";

/// Compiles every Integration and returns the command each one holds.
///
/// `grafana` Integrations are finished last: their variables may take their
/// choices from a nautobot Integration, older or newer than they are, whose
/// verdict must be known first.
pub(super) fn compile(
    integrations: &[Integration],
    store: &secrets::SecretStore<'_>,
    out: &mut Compiled,
) -> IntegrationCommands {
    let mut commands = Claims::new();
    let mut held = IntegrationCommands::new();
    let mut waiting = Vec::new();
    for integration in oldest_first(integrations) {
        let Some(checked) = check(integration, &mut commands, &mut held, out) else {
            continue;
        };
        let spec = &checked.integration.spec;
        let names_nautobot = spec.ipfabric.as_ref().is_some_and(|s| s.nautobot.is_some());
        if spec.grafana.is_some() || names_nautobot {
            waiting.push(checked);
        } else {
            finish(checked, Resolved::default(), store, out);
        }
    }

    let served: HashMap<(String, String), String> = out
        .config
        .integrations
        .iter()
        .filter(|(_, config)| config.integration_type == IntegrationType::Nautobot)
        .filter_map(|(command, config)| {
            let (namespace, name) = config.source.split_once('/')?;
            Some(((namespace.to_owned(), name.to_owned()), command.clone()))
        })
        .collect();
    for checked in waiting {
        let spec = &checked.integration.spec;
        let namespace = checked.object.namespace.as_str();
        let resolved =
            match (&spec.grafana, &spec.ipfabric) {
                (Some(settings), _) => grafana::resolve_nautobot(settings, namespace, &served, integrations)
                    .map(|grafana| Resolved {
                        grafana: Some(grafana),
                        ..Resolved::default()
                    }),
                (None, Some(settings)) => {
                    resolve_ipfabric(settings, namespace, &served, integrations).map(|ipfabric| Resolved {
                        ipfabric: Some(ipfabric),
                        ..Resolved::default()
                    })
                }
                (None, None) => Ok(Resolved::default()),
            };
        match resolved {
            Ok(resolved) => finish(checked, resolved, store, out),
            Err((reason, message)) => out.reject(checked.object, checked.generation, reason, message),
        }
    }
    held
}

/// Settings as the gateway reads them, where they name other Integrations
/// by the commands those answer to; `None`: the resource's own.
#[derive(Default)]
struct Resolved {
    grafana: Option<GrafanaSettings>,
    ipfabric: Option<IpfabricSettings>,
}

/// `settings` with `nautobot` (a nautobot Integration's name in
/// `namespace`) replaced by the command that Integration answers to.
fn resolve_ipfabric(
    settings: &IpfabricSettings,
    namespace: &str,
    served: &HashMap<(String, String), String>,
    all: &[Integration],
) -> Result<IpfabricSettings, (Reason, String)> {
    let Some(name) = &settings.nautobot else {
        return Ok(settings.clone());
    };
    match served.get(&(namespace.to_owned(), name.clone())) {
        Some(command) => Ok(IpfabricSettings {
            nautobot: Some(command.clone()),
            ..settings.clone()
        }),
        None => {
            let (reason, why) = grafana::not_served(namespace, name, all);
            Err((reason, format!("spec.ipfabric.nautobot: {why}")))
        }
    }
}

/// An Integration that holds its command and passed the checks that need no
/// other Integration.
struct Checked<'a> {
    integration: &'a Integration,
    object: ObjectKey,
    generation: Option<i64>,
    command: String,
    endpoint: &'a str,
}

/// Claims the command of `integration` and checks what it declares alone;
/// rejects it and returns `None` when that fails.
fn check<'a>(
    integration: &'a Integration,
    commands: &mut Claims<String>,
    held: &mut IntegrationCommands,
    out: &mut Compiled,
) -> Option<Checked<'a>> {
    let (object, generation) = identify(Kind::Integration, integration);
    let spec = &integration.spec;
    let command = spec
        .command
        .clone()
        .unwrap_or_else(|| spec.integration_type.as_str().to_owned());
    if command == BUILTIN_COMMAND {
        let message = format!("the command {BUILTIN_COMMAND} is built into the gateway; choose another");
        out.reject(object, generation, Reason::Invalid, message);
        return None;
    }
    if let Err(holder) = commands.claim(command.clone(), &object) {
        let message =
            format!("the command {command:?} is already served by the older {holder}; set spec.command");
        out.reject(object, generation, Reason::CommandConflict, message);
        return None;
    }
    held.insert((object.namespace.clone(), object.name.clone()), command.clone());

    let Some(endpoint) = spec
        .endpoint
        .as_deref()
        .or(spec.integration_type.default_endpoint())
    else {
        let message = format!("spec.endpoint is required for type {}", spec.integration_type);
        out.reject(object, generation, Reason::Invalid, message);
        return None;
    };
    if let Err(why) = check_endpoint(endpoint) {
        out.reject(
            object,
            generation,
            Reason::Invalid,
            format!("spec.endpoint {why}"),
        );
        return None;
    }
    if let Some(message) = spec.grafana.as_ref().and_then(grafana::duplicate_command) {
        out.reject(object, generation, Reason::Invalid, message);
        return None;
    }
    Some(Checked {
        integration,
        object,
        generation,
        command,
        endpoint,
    })
}

/// Resolves the Secrets of a checked Integration and puts it into the
/// configuration, with the `resolved` settings (as the gateway reads them)
/// in place of the resource's own where given.
fn finish(checked: Checked<'_>, resolved: Resolved, store: &secrets::SecretStore<'_>, out: &mut Compiled) {
    let Checked {
        integration,
        object,
        generation,
        command,
        endpoint,
    } = checked;
    let spec = &integration.spec;
    let tls = spec.tls.clone().unwrap_or_default();
    let references = references(spec);
    let Some(mut keys) = out.store_secrets(store, &object, generation, &references) else {
        return;
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
        grafana: resolved.grafana.or_else(|| spec.grafana.clone()),
        nso: spec.nso.clone(),
        ipfabric: resolved.ipfabric.or_else(|| spec.ipfabric.clone()),
    };
    out.config.integrations.insert(command.clone(), config);
    let message = format!(
        "{} integration answers to the command {command}",
        spec.integration_type
    );
    out.accept(object, generation, message);
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
