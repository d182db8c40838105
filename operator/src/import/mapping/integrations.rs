//! The integration settings of `PLUGINS_CONFIG` (`enable_<name>` and the
//! settings of each) to Integrations and their Secrets, plus the `nautobot`
//! Integration for the Nautobot the import read.

use std::collections::BTreeMap;

use chatops_crds::{Integration, IntegrationCredentials, IntegrationSpec, IntegrationType, TlsSettings};
use kube::api::ObjectMeta;

use super::{Config, Known, SecretDoc, SecretValue, dns_label, placeholder};
use crate::import::notes::Notes;
use crate::import::python_literals::PyValue;

/// What was imported: the Integrations, their Secrets, and the commands
/// that stand for one of the original's (`aci` to one per APIC cluster).
#[derive(Debug, Default)]
pub struct IntegrationsOut {
    /// The Integrations.
    pub resources: Vec<Integration>,
    /// Their Secrets.
    pub secrets: Vec<SecretDoc>,
    /// Original command to the commands that serve it here.
    pub aliases: BTreeMap<String, Vec<String>>,
}

/// How a setting names the backend.
#[derive(Clone, Copy)]
enum Address {
    /// A URL (a scheme is added when missing).
    Url,
    /// A host name (`https://` is put in front).
    Host,
}

/// One Integration to write.
struct Plan {
    name: String,
    kind: IntegrationType,
    command: Option<String>,
    endpoint: Option<String>,
    token: Option<SecretValue>,
    username: Option<SecretValue>,
    password: Option<SecretValue>,
    insecure: bool,
    timeout: Option<i64>,
}

impl Plan {
    fn new(name: &str, kind: IntegrationType, endpoint: Option<String>) -> Self {
        Plan {
            name: name.to_owned(),
            kind,
            command: None,
            endpoint,
            token: None,
            username: None,
            password: None,
            insecure: false,
            timeout: None,
        }
    }
}

/// The endpoint of `key`: the literal (as a URL), a placeholder URL naming
/// the variable when set from the environment (noted), `None` when unset.
fn endpoint(cfg: &Config<'_>, key: &str, address: Address, notes: &mut Notes) -> Option<String> {
    let as_url = |text: &str| {
        let text = text.trim().trim_end_matches('/');
        match address {
            _ if text.starts_with("http://") || text.starts_with("https://") => text.to_owned(),
            Address::Url | Address::Host => format!("https://{text}"),
        }
    };
    match cfg.get(key) {
        Known::Unset => None,
        Known::Literal(PyValue::Str(text)) => Some(as_url(text)),
        Known::Env { var, default } => {
            if let Some(PyValue::Str(text)) =
                default.filter(|d| matches!(d, PyValue::Str(t) if !t.is_empty()))
            {
                notes.env(
                    key,
                    var,
                    &format!("its default {text:?} was used as the endpoint"),
                );
                return Some(as_url(text));
            }
            notes.env(
                key,
                var,
                "the endpoint is a placeholder URL naming the variable: replace it",
            );
            Some(format!("https://{}.replace-me.invalid", dns_label(&[var])))
        }
        Known::Literal(_) | Known::NotLiteral(_) => {
            notes.skip(format!("setting `{key}`"), "not a literal string");
            None
        }
    }
}

/// `false` settings of `verify`-style keys mean: do not verify TLS.
fn verify(cfg: &Config<'_>, key: &str, default: bool, notes: &mut Notes) -> bool {
    match cfg.get(key) {
        Known::Literal(value) => value.literal_bool().unwrap_or(default),
        Known::Env { var, default: d } => {
            let value = d.and_then(PyValue::literal_bool).unwrap_or(default);
            notes.env(key, var, &format!("imported as {value} (its default)"));
            value
        }
        _ => default,
    }
}

/// The integrations of the original: its `enable_` flag(s), its command
/// there, and every setting it reads.
const ORIGINAL: &[(&str, &[&str], &[&str])] = &[
    ("aci", &["enable_aci"], &["aci_creds"]),
    (
        "ansible",
        &["enable_ansible"],
        &[
            "tower_uri",
            "tower_username",
            "tower_password",
            "tower_verify_ssl",
        ],
    ),
    (
        "cloudvision",
        &["enable_cloudvision", "enable_aristacv"],
        &[
            "aristacv_cvaas_url",
            "aristacv_cvaas_token",
            "aristacv_cvp_host",
            "aristacv_cvp_insecure",
            "aristacv_cvp_password",
            "aristacv_cvp_username",
            "aristacv_on_prem",
        ],
    ),
    (
        "grafana",
        &["enable_grafana"],
        &[
            "grafana_url",
            "grafana_api_key",
            "grafana_default_width",
            "grafana_default_height",
            "grafana_default_theme",
            "grafana_default_timespan",
            "grafana_org_id",
            "grafana_default_tz",
        ],
    ),
    (
        "ipfabric",
        &["enable_ipfabric"],
        &[
            "ipfabric_api_token",
            "ipfabric_host",
            "ipfabric_timeout",
            "ipfabric_verify",
        ],
    ),
    ("meraki", &["enable_meraki"], &["meraki_dashboard_api_key"]),
    (
        "nso",
        &["enable_nso"],
        &["nso_url", "nso_username", "nso_password", "nso_request_timeout"],
    ),
    (
        "panorama",
        &["enable_panorama"],
        &["panorama_host", "panorama_password", "panorama_user"],
    ),
    (
        "slurpit",
        &["enable_slurpit"],
        &["slurpit_host", "slurpit_token", "slurpit_verify"],
    ),
];

/// Whether the original's integration `command` is enabled: a literal
/// flag, or (from the environment, or not in the file) whether its first
/// setting is set.
fn enabled(cfg: &Config<'_>, command: &str, flags: &[&str], settings: &[&str], notes: &mut Notes) -> bool {
    let configured = settings.iter().any(|k| cfg.get(k) != Known::Unset);
    let mut any_literal = None;
    for flag in flags {
        match cfg.get(flag) {
            Known::Literal(value) => {
                any_literal = Some(any_literal.unwrap_or(false) | value.literal_bool().unwrap_or(false))
            }
            Known::Env { var, .. } => notes.env(
                flag,
                var,
                if configured {
                    "imported because the integration's settings are present"
                } else {
                    "not imported: the integration's settings are absent"
                },
            ),
            _ => {}
        }
    }
    match any_literal {
        Some(true) => true,
        Some(false) => {
            if configured {
                notes.skip(
                    format!("integration `{command}`"),
                    format!("`{}` is False in nautobot_config.py", flags[0]),
                );
            }
            false
        }
        None => configured,
    }
}

/// The Integrations: `nautobot` for `nautobot_url` (always, with a token
/// placeholder: the import's token is not the gateway's), and each enabled
/// integration of the config.
pub fn map(
    cfg: &Config<'_>,
    nautobot_url: &str,
    reveal: bool,
    namespace: &str,
    notes: &mut Notes,
) -> IntegrationsOut {
    let mut plans = Vec::new();
    let mut nautobot = Plan::new(
        "nautobot",
        IntegrationType::Nautobot,
        Some(nautobot_url.trim_end_matches('/').to_owned()),
    );
    nautobot.token = Some(placeholder(
        "a Nautobot API token for the gateway",
        "create one in Nautobot for the gateway; the import's own token is not reused",
    ));
    plans.push(nautobot);
    let mut aliases = BTreeMap::new();

    for (command, flags, settings) in ORIGINAL {
        if !cfg.given() || !enabled(cfg, command, flags, settings, notes) {
            cfg.consume(flags);
            cfg.consume(settings);
            continue;
        }
        let what = format!("integration `{command}`");
        match *command {
            "aci" => aci(cfg, reveal, notes, &mut plans, &mut aliases),
            "ansible" => match endpoint(cfg, "tower_uri", Address::Url, notes) {
                Some(url) => {
                    let mut plan = Plan::new("awx", IntegrationType::Awx, Some(url));
                    plan.command = Some("ansible".to_owned());
                    plan.username =
                        Some(cfg.required_credential("tower_username", "the AWX username", reveal, notes));
                    plan.password =
                        Some(cfg.required_credential("tower_password", "the AWX password", reveal, notes));
                    plan.insecure = !verify(cfg, "tower_verify_ssl", true, notes);
                    plans.push(plan);
                }
                None => notes.skip(what, "`tower_uri` is not set"),
            },
            "cloudvision" => {
                let on_prem = verify(cfg, "aristacv_on_prem", false, notes);
                if on_prem {
                    match endpoint(cfg, "aristacv_cvp_host", Address::Host, notes) {
                        Some(url) => {
                            let mut plan = Plan::new("cloudvision", IntegrationType::Cloudvision, Some(url));
                            plan.username = Some(cfg.required_credential(
                                "aristacv_cvp_username",
                                "the CloudVision username",
                                reveal,
                                notes,
                            ));
                            plan.password = Some(cfg.required_credential(
                                "aristacv_cvp_password",
                                "the CloudVision password",
                                reveal,
                                notes,
                            ));
                            plan.insecure = verify(cfg, "aristacv_cvp_insecure", false, notes);
                            plans.push(plan);
                        }
                        None => notes.skip(
                            what,
                            "`aristacv_on_prem` is true but `aristacv_cvp_host` is not set",
                        ),
                    }
                    cfg.consume(&["aristacv_cvaas_url", "aristacv_cvaas_token"]);
                } else {
                    let url = endpoint(cfg, "aristacv_cvaas_url", Address::Host, notes)
                        .unwrap_or_else(|| "https://www.arista.io".to_owned());
                    let url = url.strip_suffix(":443").map(str::to_owned).unwrap_or(url);
                    let mut plan = Plan::new("cloudvision", IntegrationType::Cloudvision, Some(url));
                    plan.token = Some(cfg.required_credential(
                        "aristacv_cvaas_token",
                        "the CloudVision service account token",
                        reveal,
                        notes,
                    ));
                    plans.push(plan);
                    cfg.consume(&[
                        "aristacv_cvp_host",
                        "aristacv_cvp_insecure",
                        "aristacv_cvp_password",
                        "aristacv_cvp_username",
                    ]);
                }
            }
            "grafana" => {
                cfg.consume(settings);
                notes.skip(
                    what,
                    "its dashboards and panels live in Nautobot's database, not in the config: declare them with \
                     `chatops-operator grafana-panels --url <grafana_url> --integration grafana --token-secret \
                     integration-grafana/token` and add that Integration",
                );
            }
            "ipfabric" => match endpoint(cfg, "ipfabric_host", Address::Url, notes) {
                Some(url) => {
                    let mut plan = Plan::new("ipfabric", IntegrationType::Ipfabric, Some(url));
                    plan.token = Some(cfg.required_credential(
                        "ipfabric_api_token",
                        "the IP Fabric API token",
                        reveal,
                        notes,
                    ));
                    plan.insecure = !verify(cfg, "ipfabric_verify", false, notes);
                    plan.timeout = cfg.number("ipfabric_timeout", notes);
                    plans.push(plan);
                }
                None => notes.skip(what, "`ipfabric_host` is not set"),
            },
            "meraki" => {
                let mut plan = Plan::new("meraki", IntegrationType::Meraki, None);
                plan.token = Some(cfg.required_credential(
                    "meraki_dashboard_api_key",
                    "the Meraki Dashboard API key",
                    reveal,
                    notes,
                ));
                plans.push(plan);
            }
            "nso" => match endpoint(cfg, "nso_url", Address::Url, notes) {
                Some(url) => {
                    let mut plan = Plan::new("nso", IntegrationType::Nso, Some(url));
                    plan.username =
                        Some(cfg.required_credential("nso_username", "the NSO username", reveal, notes));
                    plan.password =
                        Some(cfg.required_credential("nso_password", "the NSO password", reveal, notes));
                    plan.timeout = cfg.number("nso_request_timeout", notes);
                    plans.push(plan);
                }
                None => notes.skip(what, "`nso_url` is not set"),
            },
            "panorama" => match endpoint(cfg, "panorama_host", Address::Host, notes) {
                Some(url) => {
                    let mut plan = Plan::new("panorama", IntegrationType::Panorama, Some(url));
                    plan.username = Some(cfg.required_credential(
                        "panorama_user",
                        "the Panorama username",
                        reveal,
                        notes,
                    ));
                    plan.password = Some(cfg.required_credential(
                        "panorama_password",
                        "the Panorama password",
                        reveal,
                        notes,
                    ));
                    plans.push(plan);
                }
                None => notes.skip(what, "`panorama_host` is not set"),
            },
            "slurpit" => match endpoint(cfg, "slurpit_host", Address::Url, notes) {
                Some(url) => {
                    let mut plan = Plan::new("slurpit", IntegrationType::Slurpit, Some(url));
                    plan.token =
                        Some(cfg.required_credential("slurpit_token", "the Slurpit API key", reveal, notes));
                    plan.insecure = !verify(cfg, "slurpit_verify", true, notes);
                    plans.push(plan);
                }
                None => notes.skip(what, "`slurpit_host` is not set"),
            },
            _ => {}
        }
    }
    build(plans, aliases, namespace, notes)
}

/// `aci_creds`: `{"APIC_URI_DC1": ..., "APIC_USERNAME_DC1": ..., ...}`, one
/// Integration per cluster (`aci-dc1`, command `aci_dc1`), as the original
/// picked the cluster with the first parameter.
fn aci(
    cfg: &Config<'_>,
    reveal: bool,
    notes: &mut Notes,
    plans: &mut Vec<Plan>,
    aliases: &mut BTreeMap<String, Vec<String>>,
) {
    let what = "integration `aci`";
    let pairs = match cfg.get("aci_creds") {
        Known::Literal(PyValue::Dict(pairs)) => pairs.clone(),
        Known::NotLiteral(kind) => {
            notes.skip(
                what,
                format!(
                    "`aci_creds` is {kind}, not a literal (it usually collects APIC_* variables from the \
                     environment): write one Integration per APIC cluster by hand, see docs/integrations/aci.md"
                ),
            );
            return;
        }
        _ => {
            notes.skip(what, "`aci_creds` is not a literal dict of APIC_* settings");
            return;
        }
    };
    let mut clusters: BTreeMap<String, BTreeMap<&'static str, PyValue>> = BTreeMap::new();
    for (key, value) in pairs {
        let PyValue::Str(key) = key else { continue };
        let Some(index) = key.rfind('_') else { continue };
        let id = key[index + 1..].to_ascii_lowercase();
        let field = ["USERNAME", "PASSWORD", "URI", "VERIFY"]
            .into_iter()
            .find(|f| key.contains(f));
        if let Some(field) = field {
            clusters.entry(id).or_default().insert(field, value);
        }
    }
    let mut commands = Vec::new();
    for (id, fields) in clusters {
        let label = dns_label(&[&id]);
        let cluster = format!("APIC cluster {id}");
        let uri = match fields.get("URI") {
            Some(PyValue::Str(uri)) if !uri.is_empty() => uri.trim_end_matches('/').to_owned(),
            Some(PyValue::Env { var, .. }) => {
                notes.env(
                    &format!("aci_creds[APIC_URI_{}]", id.to_uppercase()),
                    var,
                    "the endpoint is a placeholder URL",
                );
                format!("https://{}.replace-me.invalid", dns_label(&[var]))
            }
            _ => {
                notes.skip(format!("{what}, {cluster}"), "it has no APIC_URI_ setting");
                continue;
            }
        };
        let credential = |field: &str, label: &str, notes: &mut Notes| match fields.get(field) {
            Some(PyValue::Str(value)) if reveal && !value.is_empty() => SecretValue::Real(value.clone()),
            Some(PyValue::Env { var, .. }) => {
                notes.env(
                    &format!("aci_creds[APIC_{field}_{}]", id.to_uppercase()),
                    var,
                    "its Secret value is a placeholder",
                );
                placeholder(label, &format!("the original read it from env {var}"))
            }
            _ => placeholder(label, &format!("APIC_{field}_{} in aci_creds", id.to_uppercase())),
        };
        let command = format!("aci_{}", label.replace('-', "_"));
        let mut plan = Plan::new(&format!("aci-{label}"), IntegrationType::Aci, Some(uri));
        plan.command = Some(command.clone());
        plan.username = Some(credential(
            "USERNAME",
            &format!("the APIC username of {cluster}"),
            notes,
        ));
        plan.password = Some(credential(
            "PASSWORD",
            &format!("the APIC password of {cluster}"),
            notes,
        ));
        plan.insecure = fields.get("VERIFY").and_then(PyValue::literal_bool) == Some(false);
        plans.push(plan);
        commands.push(command);
    }
    if !commands.is_empty() {
        notes.warn(format!(
            "the original's `aci` command picked an APIC cluster with its first parameter; here each cluster is \
             its own command ({}), and grants for `aci` were copied to each",
            commands.join(", ")
        ));
    }
    aliases.insert("aci".to_owned(), commands);
}

/// The resources and Secrets of `plans` (Secrets named `integration-<name>`).
fn build(
    plans: Vec<Plan>,
    aliases: BTreeMap<String, Vec<String>>,
    namespace: &str,
    notes: &mut Notes,
) -> IntegrationsOut {
    let mut out = IntegrationsOut {
        aliases,
        ..IntegrationsOut::default()
    };
    for plan in plans {
        let mut secret = SecretDoc::new(
            format!("integration-{}", plan.name),
            format!("the {} Integration {}", plan.kind, plan.name),
        );
        let credentials = IntegrationCredentials {
            token_ref: plan.token.map(|v| secret.add("token", v)),
            username_ref: plan.username.map(|v| secret.add("username", v)),
            password_ref: plan.password.map(|v| secret.add("password", v)),
        };
        let timeout_seconds = match plan.timeout {
            Some(t) if (1..=600).contains(&t) => t as u32,
            Some(t) => {
                notes.skip(
                    format!("the timeout of integration `{}`", plan.name),
                    format!("{t} s is outside 1..600; 30 s is used"),
                );
                30
            }
            None => 30,
        };
        let spec = IntegrationSpec {
            integration_type: plan.kind,
            command: plan.command,
            endpoint: plan.endpoint,
            credentials,
            tls: plan.insecure.then_some(TlsSettings {
                ca_ref: None,
                insecure_skip_verify: true,
            }),
            timeout_seconds,
            awx: None,
            grafana: None,
            nso: None,
            ipfabric: None,
        };
        if spec.tls.is_some() {
            notes.warn(format!(
                "Integration {}: the original did not verify TLS, so `tls.insecureSkipVerify: true` was set; \
                 prefer `tls.caRef` with the backend's CA",
                plan.name
            ));
        }
        let mut resource = Integration::new(&plan.name, spec);
        resource.metadata = ObjectMeta {
            name: Some(plan.name.clone()),
            namespace: Some(namespace.to_owned()),
            ..ObjectMeta::default()
        };
        out.resources.push(resource);
        out.secrets.push(secret);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::python_literals::chatops_settings;

    fn run(config: &str, reveal: bool) -> (IntegrationsOut, Notes) {
        let settings = chatops_settings(config).unwrap();
        let cfg = Config::new(Some(&settings));
        let mut notes = Notes::default();
        let out = map(
            &cfg,
            "https://nautobot.example.com/",
            reveal,
            "default",
            &mut notes,
        );
        (out, notes)
    }

    fn find<'a>(out: &'a IntegrationsOut, name: &str) -> &'a Integration {
        out.resources
            .iter()
            .find(|i| i.metadata.name.as_deref() == Some(name))
            .unwrap()
    }

    #[test]
    fn nautobot_is_always_there_with_a_placeholder_token() {
        let (out, _) = run("PLUGINS_CONFIG = {'nautobot_chatops': {}}", true);
        assert_eq!(out.resources.len(), 1);
        let nautobot = find(&out, "nautobot");
        assert_eq!(
            nautobot.spec.endpoint.as_deref(),
            Some("https://nautobot.example.com")
        );
        assert!(matches!(out.secrets[0].entries[0].1, SecretValue::Placeholder(_)));
    }

    #[test]
    fn enabled_integrations_map_to_their_types_and_disabled_ones_do_not() {
        let (out, notes) = run(
            r#"PLUGINS_CONFIG = {'nautobot_chatops': {
                'enable_ansible': True, 'tower_uri': 'https://awx.example.com/', 'tower_username': 'u',
                'tower_password': os.getenv('TOWER_PASSWORD'), 'tower_verify_ssl': False,
                'enable_nso': True, 'nso_url': os.getenv('NSO_URL'), 'nso_request_timeout': os.environ.get('T', 60),
                'enable_panorama': False, 'panorama_host': 'pano.example.com',
                'enable_meraki': True, 'meraki_dashboard_api_key': 'mk',
                'enable_grafana': True, 'grafana_url': 'https://g',
                'enable_aci': True, 'aci_creds': {x: os.environ[x] for x in os.environ if 'APIC' in x},
            }}"#,
            false,
        );
        let awx = find(&out, "awx");
        assert_eq!(awx.spec.command.as_deref(), Some("ansible"));
        assert_eq!(awx.spec.endpoint.as_deref(), Some("https://awx.example.com"));
        assert!(awx.spec.tls.as_ref().unwrap().insecure_skip_verify);
        let nso = find(&out, "nso");
        assert_eq!(
            nso.spec.endpoint.as_deref(),
            Some("https://nso-url.replace-me.invalid")
        );
        assert_eq!(nso.spec.timeout_seconds, 60);
        assert_eq!(find(&out, "meraki").spec.endpoint, None);
        assert!(
            !out.resources
                .iter()
                .any(|i| i.metadata.name.as_deref() == Some("panorama"))
        );
        let skipped: Vec<&str> = notes.skipped.iter().map(|s| s.what.as_str()).collect();
        assert!(skipped.contains(&"integration `panorama`"));
        assert!(skipped.contains(&"integration `grafana`"));
        assert!(skipped.contains(&"integration `aci`"));
        assert!(notes.from_env.iter().any(|e| e.var == "TOWER_PASSWORD"));
        assert!(!format!("{:?}", out.secrets).contains("\"mk\""));
    }

    #[test]
    fn literal_aci_clusters_each_become_a_command() {
        let (out, _) = run(
            r#"PLUGINS_CONFIG = {'nautobot_chatops': {'enable_aci': True, 'aci_creds': {
                'APIC_URI_DC1': 'https://apic1', 'APIC_USERNAME_DC1': 'admin', 'APIC_PASSWORD_DC1': 'pw1',
                'APIC_VERIFY_DC1': 'false', 'APIC_URI_DC2': 'https://apic2',
            }}}"#,
            true,
        );
        assert_eq!(out.aliases["aci"], ["aci_dc1", "aci_dc2"]);
        let dc1 = find(&out, "aci-dc1");
        assert_eq!(dc1.spec.command.as_deref(), Some("aci_dc1"));
        assert!(dc1.spec.tls.is_some());
        let secret = out
            .secrets
            .iter()
            .find(|s| s.name == "integration-aci-dc1")
            .unwrap();
        assert_eq!(secret.entries[1].1, SecretValue::Real("pw1".into()));
    }
}
