//! `grafana` Integrations: sub-commands unique across dashboards, and
//! Nautobot choices resolved to the command of a served nautobot Integration.

use super::*;
use crate::settings::NautobotObjects;

/// A grafana Integration named `name` with `dashboards` (a YAML flow sequence).
fn grafana(name: &str, dashboards: &str) -> Integration {
    let spec = format!(
        "{{type: grafana, command: {name}, endpoint: \"https://grafana.example.com\", \
         credentials: {{tokenRef: {{name: grafana, key: token}}}}, grafana: {{dashboards: {dashboards}}}}}"
    );
    resource("Integration", name, &spec, None)
}

/// One dashboard whose panel `get-traffic` takes `device` from the Nautobot
/// Integration named `nautobot`.
fn with_nautobot_choices(nautobot: &str) -> String {
    format!(
        "[{{uid: net-if-traffic, slug: interface-traffic, panels: [{{command: traffic, id: 1, variables: \
         [{{name: device, nautobot: {{integration: {nautobot}, objects: devices, filter: {{status: Active}}}}}}, \
         {{name: interface, default: Ethernet1}}]}}]}}]"
    )
}

/// The quickstart-like set, a nautobot Integration answering to `nb`, and `integration`.
fn set_with(integration: Integration) -> Resources {
    let mut resources = full_set();
    resources.integrations = vec![nautobot("nautobot", Some("nb")), integration];
    resources
        .secrets
        .push(secret("grafana", &[("token", "glsa_grafana-token")]));
    resources
}

#[test]
fn nautobot_choices_carry_the_command_of_the_nautobot_integration() {
    let compiled = compile(&set_with(grafana("grafana", &with_nautobot_choices("nautobot"))));
    assert_eq!(compiled.rejected().count(), 0, "{:#?}", compiled.diagnostics);
    let settings = compiled.config.integrations["grafana"].grafana.as_ref().unwrap();
    let variables = &settings.dashboards[0].panels[0].variables;
    let choices = variables[0].nautobot.as_ref().unwrap();
    assert_eq!(choices.integration, "nb", "the command, not the resource's name");
    assert_eq!(choices.objects, NautobotObjects::Devices);
    assert_eq!(choices.filter["status"], "Active");
    assert_eq!(variables[1].default.as_deref(), Some("Ethernet1"));
}

#[test]
fn a_nautobot_integration_newer_than_the_grafana_one_resolves_too() {
    let mut resources = set_with(created(
        grafana("grafana", &with_nautobot_choices("nautobot")),
        "2026-01-01T00:00:00Z",
    ));
    resources.integrations[0] = created(nautobot("nautobot", Some("nb")), "2026-06-01T00:00:00Z");
    // And in either order of the input.
    for _ in 0..2 {
        resources.integrations.reverse();
        let compiled = compile(&resources);
        assert_eq!(compiled.rejected().count(), 0, "{:#?}", compiled.diagnostics);
        let settings = compiled.config.integrations["grafana"].grafana.as_ref().unwrap();
        let choices = settings.dashboards[0].panels[0].variables[0].nautobot.as_ref();
        assert_eq!(choices.unwrap().integration, "nb");
    }
}

#[test]
fn two_panels_with_one_command_reject_the_integration_alone() {
    let dashboards = "[{uid: net-if-traffic, slug: interface-traffic, panels: [{command: traffic, id: 1}, {command: errors, id: 2}]}, \
                      {uid: net-bgp-sessions, slug: bgp-sessions, panels: [{command: traffic, id: 2}]}]";
    let compiled = compile(&set_with(grafana("grafana", dashboards)));
    let verdict = diagnostic(&compiled, Kind::Integration, "grafana");
    assert_names(
        verdict,
        Reason::Invalid,
        "spec.grafana.dashboards[1].panels[0].command \"traffic\" is also the command of spec.grafana.dashboards[0].panels[0]",
    );
    assert!(!compiled.config.integrations.contains_key("grafana"));
    assert!(
        !compiled.secrets.0.values().any(|v| v == "glsa_grafana-token"),
        "a rejected Integration's token is not stored"
    );
    assert_eq!(compiled.rejected().count(), 1, "{:#?}", compiled.diagnostics);
    assert!(compiled.config.integrations.contains_key("nb"));
}

#[test]
fn one_command_in_two_grafana_integrations_is_fine() {
    let mut resources = set_with(grafana("grafana", &with_nautobot_choices("nautobot")));
    resources
        .integrations
        .push(grafana("grafana_lab", &with_nautobot_choices("nautobot")));
    let compiled = compile(&resources);
    assert_eq!(compiled.rejected().count(), 0, "{:#?}", compiled.diagnostics);
}

#[test]
fn nautobot_choices_from_a_missing_integration_are_refused() {
    let compiled = compile(&set_with(grafana(
        "grafana",
        &with_nautobot_choices("nautobot-prod"),
    )));
    assert_names(
        diagnostic(&compiled, Kind::Integration, "grafana"),
        Reason::IntegrationNotFound,
        "spec.grafana.dashboards[0].panels[0].variables[0].nautobot.integration: there is no Integration chatops/nautobot-prod",
    );
    assert!(!compiled.config.integrations.contains_key("grafana"));
}

#[test]
fn nautobot_choices_from_an_integration_of_another_type_are_invalid() {
    let mut resources = set_with(grafana("grafana", &with_nautobot_choices("awx")));
    resources.integrations.push(resource(
        "Integration",
        "awx",
        "{type: awx, endpoint: \"https://awx.example.com\", credentials: {tokenRef: {name: nautobot, key: token}}}",
        None,
    ));
    let compiled = compile(&resources);
    assert!(diagnostic(&compiled, Kind::Integration, "awx").ready);
    assert_names(
        diagnostic(&compiled, Kind::Integration, "grafana"),
        Reason::Invalid,
        "nautobot.integration: Integration chatops/awx is of type awx, not nautobot",
    );
}

#[test]
fn nautobot_choices_from_a_rejected_nautobot_integration_wait_for_it() {
    let mut resources = set_with(grafana("grafana", &with_nautobot_choices("nautobot")));
    resources
        .secrets
        .retain(|s| s.metadata.name.as_deref() != Some("nautobot"));
    let compiled = compile(&resources);
    assert_eq!(
        diagnostic(&compiled, Kind::Integration, "nautobot").reason,
        Reason::SecretNotFound
    );
    assert_names(
        diagnostic(&compiled, Kind::Integration, "grafana"),
        Reason::IntegrationNotFound,
        "the nautobot Integration chatops/nautobot is not ready (see its status)",
    );
    assert!(compiled.config.integrations.is_empty());
}

#[test]
fn nautobot_choices_only_come_from_the_same_namespace() {
    let mut elsewhere = nautobot("nautobot-prod", Some("nb_prod"));
    elsewhere.metadata.namespace = Some("other".to_owned());
    let mut other_secret = secret("nautobot", &[("token", "0123456789abcdef")]);
    other_secret.metadata.namespace = Some("other".to_owned());
    let mut resources = set_with(grafana("grafana", &with_nautobot_choices("nautobot-prod")));
    resources.integrations.push(elsewhere);
    resources.secrets.push(other_secret);
    let compiled = compile(&resources);
    assert!(compiled.config.integrations.contains_key("nb_prod"));
    assert_names(
        diagnostic(&compiled, Kind::Integration, "grafana"),
        Reason::IntegrationNotFound,
        "there is no Integration chatops/nautobot-prod",
    );
}

#[test]
fn every_unusable_nautobot_integration_is_named_once() {
    let dashboards = "[{uid: a, slug: a, panels: [{command: one, id: 1, variables: [\
                      {name: device, nautobot: {integration: gone, objects: devices}}, \
                      {name: site, nautobot: {integration: gone, objects: locations}}]}, \
                      {command: two, id: 2, variables: [{name: vlan, nautobot: {integration: missing, objects: vlans}}]}]}]";
    let compiled = compile(&set_with(grafana("grafana", dashboards)));
    let verdict = diagnostic(&compiled, Kind::Integration, "grafana");
    assert_eq!(
        verdict.message,
        "spec.grafana.dashboards[0].panels[0].variables[0].nautobot.integration: there is no Integration chatops/gone; \
         spec.grafana.dashboards[0].panels[1].variables[0].nautobot.integration: there is no Integration chatops/missing"
    );
}
