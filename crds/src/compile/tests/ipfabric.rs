//! `ipfabric` Integrations: `spec.ipfabric.nautobot` resolved to the command
//! of a served nautobot Integration, as the worker's ssot sync needs it.

use super::*;

/// An ipfabric Integration named `name` with `settings` (a YAML flow map).
fn ipfabric(name: &str, settings: &str) -> Integration {
    let spec = format!(
        "{{type: ipfabric, endpoint: \"https://ipfabric.example.com\", \
         credentials: {{tokenRef: {{name: ipfabric, key: token}}}}, ipfabric: {settings}}}"
    );
    resource("Integration", name, &spec, None)
}

/// The quickstart-like set, a nautobot Integration answering to `nb`, and `integration`.
fn set_with(integration: Integration) -> Resources {
    let mut resources = full_set();
    resources.integrations = vec![nautobot("nautobot", Some("nb")), integration];
    resources
        .secrets
        .push(secret("ipfabric", &[("token", "ipf-token")]));
    resources
}

#[test]
fn the_nautobot_to_sync_into_is_carried_as_its_command() {
    let compiled = compile(&set_with(ipfabric(
        "ipfabric",
        "{snapshot: $lastLocked, nautobot: nautobot}",
    )));
    assert_eq!(compiled.rejected().count(), 0, "{:#?}", compiled.diagnostics);
    let settings = compiled.config.integrations["ipfabric"]
        .ipfabric
        .as_ref()
        .unwrap();
    assert_eq!(
        settings.nautobot.as_deref(),
        Some("nb"),
        "the command, not the resource's name"
    );
    assert_eq!(settings.default_snapshot(), "$lastLocked");
}

#[test]
fn without_a_nautobot_the_settings_are_carried_as_they_are() {
    let compiled = compile(&set_with(ipfabric("ipfabric", "{snapshot: $prev}")));
    assert_eq!(compiled.rejected().count(), 0, "{:#?}", compiled.diagnostics);
    let settings = compiled.config.integrations["ipfabric"]
        .ipfabric
        .as_ref()
        .unwrap();
    assert_eq!(
        (settings.snapshot.as_deref(), settings.nautobot.as_deref()),
        (Some("$prev"), None)
    );
}

#[test]
fn a_missing_or_wrong_nautobot_rejects_the_integration() {
    let compiled = compile(&set_with(ipfabric("ipfabric", "{nautobot: nautobot-prod}")));
    assert_names(
        diagnostic(&compiled, Kind::Integration, "ipfabric"),
        Reason::IntegrationNotFound,
        "spec.ipfabric.nautobot: there is no Integration chatops/nautobot-prod",
    );
    assert!(!compiled.config.integrations.contains_key("ipfabric"));

    let mut resources = set_with(ipfabric("ipfabric", "{nautobot: other}"));
    resources.integrations.push(ipfabric("other", "{}"));
    let compiled = compile(&resources);
    assert_names(
        diagnostic(&compiled, Kind::Integration, "ipfabric"),
        Reason::Invalid,
        "spec.ipfabric.nautobot: Integration chatops/other is of type ipfabric, not nautobot",
    );
}
