//! `Integration`: a backend (Nautobot, AWX, …) and the chat command that reaches it.

use kube::KubeSchema;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::common::{ResourceStatus, SecretKeyRef};
use crate::settings::{AwxSettings, GrafanaSettings, IpfabricSettings, NsoSettings};

named_enum! {
    /// The backends the gateway has workers for.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
    #[serde(rename_all = "lowercase")]
    pub enum IntegrationType {
        /// Nautobot, the network source of truth.
        Nautobot = "nautobot",
        /// AWX / Ansible Automation Platform.
        Awx = "awx",
        /// Grafana.
        Grafana = "grafana",
        /// IP Fabric.
        Ipfabric = "ipfabric",
        /// Palo Alto Networks Panorama.
        Panorama = "panorama",
        /// Cisco ACI (APIC).
        Aci = "aci",
        /// Cisco Meraki Dashboard.
        Meraki = "meraki",
        /// Arista CloudVision.
        Cloudvision = "cloudvision",
        /// Cisco Network Services Orchestrator (RESTCONF).
        Nso = "nso",
        /// Slurpit.
        Slurpit = "slurpit",
    }
    /// The name used in manifests; also the command an Integration answers to by default.
    fn as_str;
}

impl IntegrationType {
    /// The endpoint used when the Integration names none (only cloud services have one).
    pub fn default_endpoint(self) -> Option<&'static str> {
        match self {
            IntegrationType::Meraki => Some("https://api.meraki.com/api/v1"),
            _ => None,
        }
    }
}

chatops_resource! {
    /// A backend the gateway runs commands against, and the chat command it answers to.
    kube(
        kind = "Integration",
        status = "ResourceStatus",
        shortname = "integ",
        doc = "A backend (Nautobot, AWX, Grafana, IP Fabric, Panorama, ACI, Meraki, CloudVision, NSO, Slurpit) and the chat command that reaches it.",
        printcolumn(name = "Type", type_ = "string", json_path = ".spec.type"),
        printcolumn(name = "Command", type_ = "string", json_path = ".spec.command"),
        printcolumn(name = "Endpoint", type_ = "string", json_path = ".spec.endpoint"),
    )
    reason()
    #[x_kube(
        validation = Rule::new("has(self.endpoint) || self.type == 'meraki'").message("endpoint is required for this type"),
        validation = Rule::new("!has(self.command) || self.command != 'chatops'").message("the command chatops is built in and cannot be taken by an Integration"),
        validation = Rule::new("self.type in ['aci', 'nso'] ? (has(self.credentials.usernameRef) && has(self.credentials.passwordRef)) : true").message("credentials.usernameRef and credentials.passwordRef are required for this type"),
        validation = Rule::new("self.type in ['nautobot', 'grafana', 'ipfabric', 'meraki', 'slurpit'] ? has(self.credentials.tokenRef) : true").message("credentials.tokenRef is required for this type"),
        validation = Rule::new("!has(self.awx) || self.type == 'awx'").message("awx settings are only for type awx"),
        validation = Rule::new("!has(self.grafana) || self.type == 'grafana'").message("grafana settings are only for type grafana"),
        validation = Rule::new("!has(self.nso) || self.type == 'nso'").message("nso settings are only for type nso"),
        validation = Rule::new("!has(self.ipfabric) || self.type == 'ipfabric'").message("ipfabric settings are only for type ipfabric"),
        validation = Rule::new("self.type != 'grafana' || has(self.grafana)").message("grafana.dashboards is required for type grafana: the panels it serves"),
        validation = Rule::new("self.type in ['awx', 'panorama', 'cloudvision'] ? (has(self.credentials.tokenRef) || (has(self.credentials.usernameRef) && has(self.credentials.passwordRef))) : true").message("credentials.tokenRef, or usernameRef and passwordRef, are required for this type"),
    )]
    #[serde(rename_all = "camelCase")]
    pub struct IntegrationSpec {
        /// Which backend this is.
        #[serde(rename = "type")]
        pub integration_type: IntegrationType,
        /// The chat command it answers to; the type's name when left out. Unique
        /// across Integrations: of two claiming one command, the older keeps it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(length(min = 1, max = 64), regex(pattern = r"^[a-z0-9][a-z0-9_]*$"))]
        pub command: Option<String>,
        /// Base URL of the backend's API, e.g. `https://nautobot.example.com`.
        /// Only Meraki has a default (the Dashboard API).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(length(max = 2048), regex(pattern = r"^https?://[^\s/]+(/\S*)?$"))]
        pub endpoint: Option<String>,
        /// The service credentials, used for chat users without their own token.
        pub credentials: IntegrationCredentials,
        /// TLS settings for the connection to the backend.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub tls: Option<TlsSettings>,
        /// How long one call to the backend may take.
        #[serde(default = "default_timeout_seconds")]
        #[schemars(range(min = 1, max = 600))]
        pub timeout_seconds: u32,
        /// Settings of an `awx` Integration.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub awx: Option<AwxSettings>,
        /// Settings of a `grafana` Integration: the panels it serves.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub grafana: Option<GrafanaSettings>,
        /// Settings of an `nso` Integration: the command sets it offers.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub nso: Option<NsoSettings>,
        /// Settings of an `ipfabric` Integration: the default snapshot and
        /// the Nautobot that `ssot-sync-to-nautobot` runs its job on.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub ipfabric: Option<IpfabricSettings>,
    }
}

pub(crate) fn default_timeout_seconds() -> u32 {
    30
}

/// Credentials for a backend: an API token, or a username and password.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct IntegrationCredentials {
    /// An API token or key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_ref: Option<SecretKeyRef>,
    /// A username, for backends that log in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username_ref: Option<SecretKeyRef>,
    /// The password that goes with `usernameRef`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_ref: Option<SecretKeyRef>,
}

/// TLS settings for a backend connection.
#[derive(Clone, Debug, Default, PartialEq, KubeSchema, Serialize, Deserialize)]
#[x_kube(validation = Rule::new("!(self.insecureSkipVerify && has(self.caRef))").message("caRef and insecureSkipVerify exclude each other"))]
#[serde(rename_all = "camelCase")]
pub struct TlsSettings {
    /// Trust this CA bundle (PEM) in addition to the system roots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_ref: Option<SecretKeyRef>,
    /// Do not verify the backend's certificate. For lab use only.
    #[serde(default)]
    pub insecure_skip_verify: bool,
}
