//! `examples/integrations/`: every file compiles, ready, beside the
//! quickstart (whose `nautobot` Integration the Grafana panels take choices
//! from and the IP Fabric sync runs on, and whose Slack platform the
//! AccountLinks are on).

use std::path::Path;

use chatops_crds::{
    Compiled,
    config::{AccountLinkConfig, IntegrationConfig},
    manifests,
};

fn examples() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../examples"))
}

/// The quickstart and every file of `examples/integrations/`, compiled.
fn quickstart_with_integrations() -> Compiled {
    let mut loaded = manifests::load_dir(&examples().join("quickstart"), "default").unwrap();
    let mut files: Vec<_> = std::fs::read_dir(examples().join("integrations"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 9, "{files:?}");
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        loaded
            .add_yaml(&path.display().to_string(), &text, "default")
            .unwrap();
    }
    assert!(loaded.ignored.is_empty(), "{:?}", loaded.ignored);
    assert!(loaded.rejected.is_empty(), "{:#?}", loaded.rejected);
    let compiled = loaded.compile();
    let rejected: Vec<String> = compiled.rejected().map(ToString::to_string).collect();
    assert!(rejected.is_empty(), "{rejected:#?}");
    compiled
}

fn integration<'a>(compiled: &'a Compiled, command: &str) -> &'a IntegrationConfig {
    compiled
        .config
        .integrations
        .get(command)
        .unwrap_or_else(|| panic!("no integration answers to {command}"))
}

fn linked<'a>(compiled: &'a Compiled, user: &str) -> &'a AccountLinkConfig {
    compiled
        .config
        .account_links
        .iter()
        .find(|link| link.user == user)
        .unwrap_or_else(|| panic!("no AccountLink acts as {user}"))
}

#[test]
fn the_grafana_example_takes_device_choices_from_the_quickstarts_nautobot() {
    let compiled = quickstart_with_integrations();
    let grafana = integration(&compiled, "grafana");
    let settings = grafana.grafana.as_ref().expect("spec.grafana is carried");
    assert_eq!(settings.dashboards.len(), 2);
    let device = &settings.dashboards[0].panels[0].variables[0];
    let choices = device.nautobot.as_ref().expect("Nautobot choices");
    assert_eq!(choices.integration, "nautobot", "the command of chatops/nautobot");
    assert_eq!(
        integration(&compiled, &choices.integration).source,
        "chatops/nautobot"
    );
    assert!(grafana.token.is_some());
}

#[test]
fn the_awx_example_follows_jobs_and_links_a_user_token() {
    let compiled = quickstart_with_integrations();
    let awx = integration(&compiled, "awx")
        .awx
        .as_ref()
        .expect("spec.awx is carried");
    assert!(awx.follow_jobs);
    assert_eq!(awx.follow_minutes, 120);
    let bob = linked(&compiled, "bob");
    assert!(bob.tokens.contains_key("awx"), "{:?}", bob.tokens);
}

#[test]
fn the_slurpit_example_acts_with_a_key_and_links_a_user_key() {
    let compiled = quickstart_with_integrations();
    let slurpit = integration(&compiled, "slurpit");
    assert_eq!(slurpit.integration_type, chatops_crds::IntegrationType::Slurpit);
    assert!(slurpit.token.is_some(), "the chatbot's key");
    let dana = linked(&compiled, "dana");
    assert!(dana.tokens.contains_key("slurpit"), "{:?}", dana.tokens);
}

#[test]
fn the_nso_example_declares_its_command_sets_and_links_a_users_password() {
    let compiled = quickstart_with_integrations();
    let nso = integration(&compiled, "nso");
    assert!(nso.username.is_some() && nso.password.is_some());
    let sets = &nso.nso.as_ref().expect("spec.nso is carried").command_sets;
    let names: Vec<&str> = sets.iter().map(|set| set.name.as_str()).collect();
    assert_eq!(names, ["interfaces", "routing", "version"]);
    let dave = linked(&compiled, "dave");
    assert!(dave.tokens.contains_key("nso"), "{:?}", dave.tokens);
}

#[test]
fn the_panorama_example_acts_with_a_key_and_links_a_users_password() {
    let compiled = quickstart_with_integrations();
    let panorama = integration(&compiled, "panorama");
    assert_eq!(panorama.integration_type, chatops_crds::IntegrationType::Panorama);
    assert!(panorama.token.is_some(), "the read-only admin's API key");
    assert!(panorama.username.is_none() && panorama.password.is_none());
    let gina = linked(&compiled, "gina");
    assert!(gina.tokens.contains_key("panorama"), "{:?}", gina.tokens);
}

#[test]
fn the_ipfabric_example_has_two_instances_and_syncs_into_the_quickstarts_nautobot() {
    let compiled = quickstart_with_integrations();
    let production = integration(&compiled, "ipfabric")
        .ipfabric
        .as_ref()
        .expect("spec.ipfabric is carried");
    assert_eq!(
        production.nautobot.as_deref(),
        Some("nautobot"),
        "the command of chatops/nautobot"
    );
    assert_eq!(production.default_snapshot(), "$last");
    let lab = integration(&compiled, "ipfabric_lab");
    assert_eq!(
        lab.ipfabric.as_ref().map(|s| s.default_snapshot()),
        Some("$lastLocked")
    );
    assert!(lab.token.is_some());
}

#[test]
fn the_aci_example_has_two_clusters_as_two_commands_and_links_a_users_passwords() {
    let compiled = quickstart_with_integrations();
    for command in ["aci_dc1", "aci_dc2"] {
        let aci = integration(&compiled, command);
        assert!(aci.username.is_some() && aci.password.is_some(), "{command}");
    }
    let erin = linked(&compiled, "erin");
    assert!(
        erin.tokens.contains_key("aci_dc1") && erin.tokens.contains_key("aci_dc2"),
        "{:?}",
        erin.tokens
    );
    let registrars: Vec<&str> = compiled
        .config
        .grants
        .iter()
        .filter(|grant| grant.command == "aci_dc1" && grant.subcommand == "*")
        .map(|grant| grant.value.as_str())
        .collect();
    assert_eq!(registrars, ["U0EXAMPLE04"], "only erin may register switches");
}

#[test]
fn the_meraki_example_reaches_the_dashboard_and_links_a_full_admins_key() {
    let compiled = quickstart_with_integrations();
    let meraki = integration(&compiled, "meraki");
    assert_eq!(
        meraki.endpoint, "https://api.meraki.com/api/v1",
        "no endpoint: the Dashboard API"
    );
    assert!(meraki.token.is_some(), "the read-only admin's key");
    let fiona = linked(&compiled, "fiona");
    assert!(fiona.tokens.contains_key("meraki"), "{:?}", fiona.tokens);
}

#[test]
fn the_cloudvision_example_reaches_cvaas_by_token_and_cvp_by_login_and_links_hana_to_both() {
    let compiled = quickstart_with_integrations();
    let cvaas = integration(&compiled, "cvaas");
    assert!(
        cvaas.token.is_some() && cvaas.username.is_none(),
        "a service account's token"
    );
    let cvp = integration(&compiled, "cvp_dc1");
    assert!(
        cvp.token.is_none() && cvp.username.is_some() && cvp.password.is_some(),
        "a login"
    );
    let hana = linked(&compiled, "hana");
    assert!(
        hana.tokens.contains_key("cvaas") && hana.tokens.contains_key("cvp_dc1"),
        "{:?}",
        hana.tokens
    );
}
