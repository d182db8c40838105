//! `spec.grafana`: the Grafana panels an Integration serves, each as a
//! `get-<command>` sub-command, declared in the resource (GitOps) instead of
//! synced into a database as the original app does.

use std::collections::BTreeMap;

use kube::KubeSchema;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Settings of a `grafana` Integration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GrafanaSettings {
    /// The Grafana organization the dashboards belong to (`orgId`).
    #[serde(default = "default_org_id")]
    #[schemars(range(min = 1))]
    pub org_id: u32,
    /// What a rendered panel looks like unless the user says otherwise.
    #[serde(default)]
    pub defaults: RenderDefaults,
    /// The dashboards, and the panels of each that chat users may ask for.
    #[schemars(length(min = 1, max = 50))]
    pub dashboards: Vec<GrafanaDashboard>,
}

fn default_org_id() -> u32 {
    1
}

named_enum! {
    /// Grafana's two themes.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
    #[serde(rename_all = "lowercase")]
    pub enum GrafanaTheme {
        /// Light text on a dark background (the default).
        Dark = "dark",
        /// Dark text on a light background.
        Light = "light",
    }
    /// The name Grafana's `theme=` parameter takes.
    fn as_str;
}

// Written out: `named_enum!` takes no `#[default]` on a variant.
#[allow(clippy::derivable_impls)]
impl Default for GrafanaTheme {
    fn default() -> Self {
        GrafanaTheme::Dark
    }
}

/// The render options' defaults; users override them with `width=`,
/// `height=`, `theme=`, `timespan=` and `timezone=`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RenderDefaults {
    /// Width of the picture, in pixels.
    #[serde(default = "default_width")]
    #[schemars(range(min = 100, max = 4000))]
    pub width: u32,
    /// Height of the picture, in pixels.
    #[serde(default = "default_height")]
    #[schemars(range(min = 100, max = 4000))]
    pub height: u32,
    /// The theme.
    #[serde(default)]
    pub theme: GrafanaTheme,
    /// How far back the panel looks, ending now: a Grafana span such as
    /// `6h`, `7d` or `1M`, or an ISO 8601 duration such as `PT6H` or `P7D`.
    /// Unset: the dashboard's own time range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        length(max = 32),
        regex(
            pattern = r"^([1-9][0-9]{0,5}[smhdwMy]|P(?:[0-9]+Y)?(?:[0-9]+M)?(?:[0-9]+W)?(?:[0-9]+D)?(?:T(?:[0-9]+H)?(?:[0-9]+M)?(?:[0-9]+S)?)?)$"
        )
    )]
    pub timespan: Option<String>,
    /// The time zone the axes are drawn in, an IANA name such as
    /// `Europe/Paris`, or `browser`. Unset: Grafana's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 64), regex(pattern = r"^[A-Za-z][A-Za-z0-9_+\-/]*$"))]
    pub timezone: Option<String>,
}

impl Default for RenderDefaults {
    fn default() -> Self {
        RenderDefaults {
            width: default_width(),
            height: default_height(),
            theme: GrafanaTheme::default(),
            timespan: None,
            timezone: None,
        }
    }
}

fn default_width() -> u32 {
    1000
}

fn default_height() -> u32 {
    500
}

// The API server refuses a CRD whose CEL rule, times the most objects it
// may run on (the product of the maxItems above it), is estimated to cost
// more than 10^7. Hence the bounds on dashboards, panels, variables and
// choices (50 x 50 x 20 variables, each checking 100 choices, ~5.5 x 10^6),
// and uniqueness by list-map keys, which the API server checks without CEL,
// instead of quadratic `exists_one` rules.

/// One dashboard and the panels of it that are served.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GrafanaDashboard {
    /// The dashboard's UID (the `/d/<uid>/…` part of its URL).
    #[schemars(length(min = 1, max = 40), regex(pattern = r"^[A-Za-z0-9_-]+$"))]
    pub uid: String,
    /// The dashboard's slug (the part after the UID), used in render URLs.
    #[schemars(length(min = 1, max = 200), regex(pattern = r"^[a-z0-9][a-z0-9-]*$"))]
    pub slug: String,
    /// The dashboard's title, shown in help and answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 200))]
    pub title: Option<String>,
    /// The panels served from it, each id once.
    #[schemars(schema_with = "panels_schema")]
    pub panels: Vec<GrafanaPanel>,
}

/// Schema of `panels`: 1 to 50 panels, unique by `id` (a list map, merged
/// per panel under server-side apply).
fn panels_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
    super::list_map::<GrafanaPanel>(generator, "id", Some(1), 50)
}

/// Schema of `variables`: at most 20, unique by `name` (a list map).
fn variables_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
    super::list_map::<PanelVariable>(generator, "name", None, 20)
}

/// One panel, served as the sub-command `get-<command>`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GrafanaPanel {
    /// The sub-command's name after `get-`, e.g. `interface-traffic` for
    /// `get-interface-traffic`. Unique across the Integration's dashboards.
    #[schemars(length(min = 1, max = 48), regex(pattern = r"^[a-z0-9][a-z0-9-]*$"))]
    pub command: String,
    /// The panel's id within its dashboard (`panelId`).
    #[schemars(range(min = 1))]
    pub id: u32,
    /// The panel's title, shown in help and as the picture's caption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 200))]
    pub title: Option<String>,
    /// The dashboard variables this panel is rendered with (`var-<name>`),
    /// in the order the sub-command takes them, each name once.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(schema_with = "variables_schema")]
    pub variables: Vec<PanelVariable>,
}

/// One dashboard variable of a panel.
#[derive(Clone, Debug, PartialEq, Eq, KubeSchema, Serialize, Deserialize)]
#[x_kube(
    validation = Rule::new("!(has(self.choices) && size(self.choices) > 0 && has(self.nautobot))").message("choices and nautobot exclude each other"),
    validation = Rule::new("!has(self.ask) || self.ask || has(self.default)").message("a variable that is not asked needs a default"),
    validation = Rule::new("!has(self.default) || !has(self.choices) || size(self.choices) == 0 || self.default in self.choices").message("default must be one of choices"),
)]
#[serde(rename_all = "camelCase")]
pub struct PanelVariable {
    /// The variable's name in the dashboard (`var-<name>`).
    #[schemars(length(min = 1, max = 64), regex(pattern = r"^[A-Za-z_][A-Za-z0-9_]*$"))]
    pub name: String,
    /// What users are asked for, e.g. `Device`. The name when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 100))]
    pub title: Option<String>,
    /// The value used when the user gives none. A variable with a default
    /// is optional; one without is asked for with a menu.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 200))]
    pub default: Option<String>,
    /// Whether the sub-command takes it as a parameter. A variable not
    /// asked is always rendered with its default.
    #[serde(default = "default_ask")]
    pub ask: bool,
    /// The values users may pick from; any value when empty (and no
    /// `nautobot`). At most 100, the most a chat menu shows.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 100), inner(length(min = 1, max = 200)))]
    pub choices: Vec<String>,
    /// Take the choices from Nautobot instead of a fixed list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nautobot: Option<NautobotChoices>,
}

fn default_ask() -> bool {
    true
}

/// Choices read from Nautobot, as the asker sees them there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct NautobotChoices {
    /// In the resource: the name of a `nautobot` Integration in the same
    /// namespace. In the gateway's configuration: the command that
    /// Integration answers to (compile resolves it).
    #[schemars(length(min = 1, max = 253))]
    pub integration: String,
    /// Which objects.
    pub objects: NautobotObjects,
    /// Filters, as Nautobot's REST API takes them (e.g. `status: Active`,
    /// `location: DC1`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub filter: BTreeMap<String, String>,
    /// The field of each object that becomes the variable's value; `name`
    /// when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 64), regex(pattern = r"^[a-z_][a-z0-9_]*$"))]
    pub attribute: Option<String>,
}

named_enum! {
    /// The Nautobot objects a variable's choices can come from.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
    #[serde(rename_all = "kebab-case")]
    pub enum NautobotObjects {
        /// `dcim/devices`.
        Devices = "devices",
        /// `dcim/interfaces`.
        Interfaces = "interfaces",
        /// `dcim/locations`.
        Locations = "locations",
        /// `dcim/platforms`.
        Platforms = "platforms",
        /// `extras/roles`.
        Roles = "roles",
        /// `tenancy/tenants`.
        Tenants = "tenants",
        /// `ipam/vlans`.
        Vlans = "vlans",
        /// `circuits/circuits` (their `cid`).
        Circuits = "circuits",
    }
    /// The name used in manifests.
    fn as_str;
}

impl NautobotObjects {
    /// The REST API path of these objects, under `/api/`.
    pub fn api_path(self) -> &'static str {
        match self {
            NautobotObjects::Devices => "dcim/devices/",
            NautobotObjects::Interfaces => "dcim/interfaces/",
            NautobotObjects::Locations => "dcim/locations/",
            NautobotObjects::Platforms => "dcim/platforms/",
            NautobotObjects::Roles => "extras/roles/",
            NautobotObjects::Tenants => "tenancy/tenants/",
            NautobotObjects::Vlans => "ipam/vlans/",
            NautobotObjects::Circuits => "circuits/circuits/",
        }
    }

    /// The field that names one of these objects.
    pub fn name_field(self) -> &'static str {
        match self {
            NautobotObjects::Circuits => "cid",
            _ => "name",
        }
    }
}
