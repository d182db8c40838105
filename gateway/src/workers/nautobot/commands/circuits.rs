//! `get-circuits`, `get-circuit-providers` and `get-circuit-connections`.

use serde::Deserialize;
use serde_json::{Value, json};

use super::cut_note;
use super::filter::{self, FilterKind, Step, objects};
use crate::model::{Choice, Reply};
use crate::workers::nautobot::objects::{NONE, Related, named, or_none};
use crate::workers::nautobot::visibility::{Empties, Link, Nulls, Seen, Shown, hidden};
use crate::workers::nautobot::{NautobotError, Page, Session};
use crate::workers::toolkit::render::{error, info, table_message};

/// The filters of `get-circuits`, each becoming a GraphQL argument of `circuits`.
pub const CIRCUIT_FILTERS: &[FilterKind] = &[
    FilterKind::menu(
        "provider",
        "provider",
        objects("Circuits of which provider?", "circuits/providers/", &[], "name"),
    ),
    FilterKind::menu(
        "location",
        "location",
        objects(
            "Circuits ending at which location?",
            "dcim/locations/",
            &[("content_type", "circuits.circuittermination")],
            "name",
        ),
    ),
    FilterKind::menu(
        "type",
        "circuit_type",
        objects("Circuits of which type?", "circuits/circuit-types/", &[], "name"),
    ),
    FilterKind::ALL,
];

/// Where a circuit ends and what it is connected to, as GraphQL fields.
const TERMINATION_FIELDS: &str = "id location { name } provider_network { name } cloud_network { name }";

const CIRCUIT_FIELDS: &str = "id cid description provider { name } circuit_type { name } status { name } \
     tenant { name } circuit_termination_a { id location { name } provider_network { name } cloud_network { name } } \
     circuit_termination_z { id location { name } provider_network { name } cloud_network { name } }";

/// The related values of a circuit: Nautobot requires its provider, type and
/// status (`NOT NULL`), so a `null` there is hidden; the others are asked
/// about when they come back `null`.
pub const CIRCUIT_PROVIDER: Link = Link::required("circuits", "circuits.provider");
/// See [`CIRCUIT_PROVIDER`].
pub const CIRCUIT_TYPE: Link = Link::required("circuits", "circuits.circuittype");
/// See [`CIRCUIT_PROVIDER`].
pub const CIRCUIT_STATUS: Link = Link::required("circuits", "extras.status");
/// See [`CIRCUIT_PROVIDER`].
pub const CIRCUIT_TENANT: Link = Link::optional("circuits", "tenancy.tenant", "tenant__isnull: true");
/// The A end; see [`CIRCUIT_PROVIDER`].
pub const TERMINATION_A: Link = Link::optional(
    "circuits",
    "circuits.circuittermination",
    "circuit_termination_a__isnull: true",
);
/// The Z end; see [`CIRCUIT_PROVIDER`].
pub const TERMINATION_Z: Link = Link::optional(
    "circuits",
    "circuits.circuittermination",
    "circuit_termination_z__isnull: true",
);
/// Where an end is: a location, a provider network or a cloud network.
pub const TERMINATION_LOCATION: Link =
    Link::optional("circuit_terminations", "dcim.location", "location__isnull: true");
/// See [`TERMINATION_LOCATION`].
pub const TERMINATION_NETWORK: Link = Link::optional(
    "circuit_terminations",
    "circuits.providernetwork",
    "provider_network__isnull: true",
);
/// See [`TERMINATION_LOCATION`].
pub const TERMINATION_CLOUD: Link = Link::optional(
    "circuit_terminations",
    "cloud.cloudnetwork",
    "cloud_network__isnull: true",
);
/// The cable path from an end: `connected: false` picks the ends without an
/// active one.
pub const TERMINATION_PATH: Link =
    Link::optional("circuit_terminations", "dcim.cablepath", "connected: false");

/// A circuit as the table shows it.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Circuit {
    #[serde(default)]
    pub id: String,
    pub cid: String,
    pub description: Option<String>,
    pub provider: Option<Related>,
    pub circuit_type: Option<Related>,
    pub status: Option<Related>,
    pub tenant: Option<Related>,
    pub circuit_termination_a: Option<Termination>,
    pub circuit_termination_z: Option<Termination>,
}

/// One end of a circuit.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Termination {
    #[serde(default)]
    pub id: String,
    pub location: Option<Related>,
    pub provider_network: Option<Related>,
    pub cloud_network: Option<Related>,
    /// The cable path from it, whose far end's kind GraphQL gives even when
    /// the user may not view that end.
    pub path: Option<CablePath>,
    /// What the end is cabled to, at the far end of the path.
    pub connected_endpoint: Option<Value>,
}

/// A cable path, as far as the answers need it.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct CablePath {
    /// The model of the far end; none when the path ends nowhere yet.
    pub destination_type: Option<ContentType>,
}

/// A model, as GraphQL names it.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct ContentType {
    pub app_label: String,
    pub model: String,
}

impl ContentType {
    /// `dcim.interface`.
    pub fn name(&self) -> String {
        format!("{}.{}", self.app_label, self.model)
    }
}

/// Where an end is: its location, else its provider network, else its cloud
/// network; the first hidden of them when the user may see none; empty when
/// it has none.
fn place(termination: &Termination, seen: &mut impl Seen) -> Shown {
    let id = termination.id.as_str();
    let location = seen.seen(&TERMINATION_LOCATION, id, named(&termination.location));
    if location.value().is_some() {
        return location;
    }
    let network = seen.seen(&TERMINATION_NETWORK, id, named(&termination.provider_network));
    if network.value().is_some() {
        return network.map(|network| format!("{network} (provider network)"));
    }
    let cloud = seen.seen(&TERMINATION_CLOUD, id, named(&termination.cloud_network));
    if cloud.value().is_some() {
        return cloud.map(|cloud| format!("{cloud} (cloud network)"));
    }
    [location, network, cloud]
        .into_iter()
        .find(|shown| matches!(shown, Shown::Hidden(_)))
        .unwrap_or(Shown::Empty)
}

/// Where an end of the circuit `id` is, or why it shows none.
fn side(id: &str, link: &Link, termination: &Option<Termination>, seen: &mut impl Seen) -> String {
    match termination {
        Some(termination) => place(termination, seen).text(),
        None => seen.seen(link, id, None).text(),
    }
}

/// A row of the circuits table.
fn circuit_row(circuit: &Circuit, seen: &mut impl Seen) -> Vec<String> {
    let id = circuit.id.as_str();
    vec![
        circuit.cid.clone(),
        seen.seen(&CIRCUIT_PROVIDER, id, named(&circuit.provider)).text(),
        seen.seen(&CIRCUIT_TYPE, id, named(&circuit.circuit_type)).text(),
        seen.seen(&CIRCUIT_STATUS, id, named(&circuit.status)).text(),
        seen.seen(&CIRCUIT_TENANT, id, named(&circuit.tenant)).text(),
        side(id, &TERMINATION_A, &circuit.circuit_termination_a, seen),
        side(id, &TERMINATION_Z, &circuit.circuit_termination_z, seen),
        or_none(circuit.description.as_deref()),
    ]
}

/// The `null`s of a circuits table to ask Nautobot about.
pub fn circuit_nulls(circuits: &[Circuit]) -> Nulls {
    Nulls::of(circuits, circuit_row)
}

/// `get-circuits [filter-type] [value]`.
pub async fn get_circuits(session: &Session<'_>) -> Result<Reply, NautobotError> {
    let (kind, value) = match filter::step(session, CIRCUIT_FILTERS, "circuits").await? {
        Step::Answer(reply) => return Ok(reply),
        Step::Filter(kind, value) => (kind, value),
    };
    let filter = value.as_deref().filter(|_| !kind.param.is_empty());
    let circuits: Vec<Circuit> = session
        .filtered(
            "circuits",
            CIRCUIT_FIELDS,
            filter.map(|value| (kind.param, json!(value))),
        )
        .await?;
    let empties = circuit_nulls(&circuits).resolve(session).await?;
    Ok(render_circuits(
        value.as_deref().map(|value| (kind.name, value)),
        &circuits,
        &empties,
    ))
}

/// The circuits table; a value hidden from the user says so, `—` is none.
pub fn render_circuits(filter: Option<(&str, &str)>, circuits: &[Circuit], empties: &Empties) -> Reply {
    let title = match filter {
        Some((kind, value)) => format!("Circuits where {kind} is {value}"),
        None => "All circuits".to_owned(),
    };
    if circuits.is_empty() {
        return info(format!("{title}: none that you may see."));
    }
    let mut rows: Vec<Vec<String>> = circuits
        .iter()
        .map(|circuit| circuit_row(circuit, &mut &*empties))
        .collect();
    rows.sort();
    let columns = [
        "Circuit ID",
        "Provider",
        "Type",
        "Status",
        "Tenant",
        "A side",
        "Z side",
        "Description",
    ];
    table_message(title, &columns, rows, None)
}

/// A provider, as `circuits/providers/` lists it.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Provider {
    pub name: String,
    pub asn: Option<u64>,
    pub account: Option<String>,
    #[serde(default)]
    pub circuit_count: u64,
}

/// `get-circuit-providers`.
pub async fn get_circuit_providers(session: &Session<'_>) -> Result<Reply, NautobotError> {
    let page: Page<Provider> = session.list("circuits/providers/", &[]).await?;
    Ok(render_providers(&page))
}

/// The providers table: name, ASN, account, circuit count.
pub fn render_providers(page: &Page<Provider>) -> Reply {
    if page.results.is_empty() {
        return info("There are no circuit providers that you may see.");
    }
    let rows = page
        .results
        .iter()
        .map(|provider| {
            vec![
                provider.name.clone(),
                provider
                    .asn
                    .map_or_else(|| NONE.to_owned(), |asn| asn.to_string()),
                or_none(provider.account.as_deref()),
                provider.circuit_count.to_string(),
            ]
        })
        .collect();
    table_message(
        "Circuit providers".to_owned(),
        &["Name", "ASN", "Account", "Circuits"],
        rows,
        cut_note(page.results.len(), page.count),
    )
}

/// A path endpoint is never a front or rear port (those are passed through),
/// and Nautobot's GraphQL refuses fragments of types the union cannot hold.
const ENDPOINT_FIELDS: &str = "path { destination_type { app_label model } } connected_endpoint { __typename \
     ... on InterfaceType { name device { name } } ... on CircuitTerminationType { term_side circuit { cid } } \
     ... on PowerFeedType { name } }";

/// `get-circuit-connections [provider] [circuit]`.
pub async fn get_circuit_connections(session: &Session<'_>) -> Result<Reply, NautobotError> {
    let Some(provider) = session.arg(0) else {
        let page: Page<Provider> = session.list("circuits/providers/", &[]).await?;
        let choices: Vec<Choice> = page
            .results
            .into_iter()
            .filter(|provider| provider.circuit_count > 0)
            .map(|provider| Choice::same(provider.name))
            .collect();
        return Ok(session.ask(
            "Circuits of which provider?",
            choices,
            "There are no providers with circuits that you may see in Nautobot.",
        ));
    };
    let Some(cid) = session.arg(1) else {
        let choices = session
            .choices("circuits/circuits/", &[("provider", provider)], "cid")
            .await?;
        return Ok(session.ask(
            format!("Which circuit of {provider}?"),
            choices,
            format!("`{provider}` has no circuits that you may see in Nautobot."),
        ));
    };
    let query = format!(
        "query ($provider: [String], $cid: [String]) {{ circuits(provider: $provider, cid: $cid) {{ id cid \
         circuit_termination_a {{ {TERMINATION_FIELDS} {ENDPOINT_FIELDS} }} \
         circuit_termination_z {{ {TERMINATION_FIELDS} {ENDPOINT_FIELDS} }} }} }}"
    );
    let circuits: Vec<Circuit> = session
        .rows("circuits", &query, json!({"provider": [provider], "cid": [cid]}))
        .await?;
    let circuit = circuits.into_iter().next();
    let empties = match &circuit {
        Some(circuit) => connection_nulls(circuit).resolve(session).await?,
        None => Empties::default(),
    };
    Ok(match circuit {
        Some(circuit) => render_connections(provider, &circuit, &empties),
        None => error(format!(
            "`{provider}` has no circuit `{cid}` that you may see in Nautobot."
        )),
    })
}

/// The rows of the connections table: side, where it ends, what it connects to.
fn connection_rows(circuit: &Circuit, seen: &mut impl Seen) -> Vec<Vec<String>> {
    [
        ("A", &TERMINATION_A, &circuit.circuit_termination_a),
        ("Z", &TERMINATION_Z, &circuit.circuit_termination_z),
    ]
    .into_iter()
    .map(|(side, link, termination)| match termination {
        Some(termination) => vec![
            side.to_owned(),
            place(termination, seen).text(),
            connection(termination, seen),
        ],
        None => match seen.seen(link, &circuit.id, None) {
            Shown::Hidden(model) => vec![side.to_owned(), hidden(&model), hidden(&model)],
            _ => vec![side.to_owned(), NONE.to_owned(), "no termination".to_owned()],
        },
    })
    .collect()
}

/// What an end connects to: the far end of its path; hidden when the path
/// has an end (or the path itself is there) that the user may not view.
fn connection(termination: &Termination, seen: &mut impl Seen) -> String {
    if let Some(endpoint) = termination.connected_endpoint.as_ref().filter(|e| !e.is_null()) {
        return connected_to(Some(endpoint));
    }
    match &termination.path {
        Some(path) => match &path.destination_type {
            Some(kind) => hidden(&kind.name()),
            None => connected_to(None),
        },
        None => match seen.seen(&TERMINATION_PATH, &termination.id, None) {
            Shown::Hidden(model) => hidden(&model),
            _ => connected_to(None),
        },
    }
}

/// The `null`s of a circuit's connections to ask Nautobot about.
pub fn connection_nulls(circuit: &Circuit) -> Nulls {
    Nulls::of(std::slice::from_ref(circuit), connection_rows)
}

/// What each end of the circuit connects to; a value hidden from the user
/// says so.
pub fn render_connections(provider: &str, circuit: &Circuit, empties: &Empties) -> Reply {
    table_message(
        format!("Circuit {} of {provider}", circuit.cid),
        &["Side", "Location", "Connected to"],
        connection_rows(circuit, &mut &*empties),
        None,
    )
}

/// "device X, interface Y", "circuit C (side A)", or "not connected"; the
/// device or circuit of an end the user may see but not that of (`null` in
/// GraphQL; an interface's device and a termination's circuit are required)
/// is said to be hidden.
pub fn connected_to(endpoint: Option<&Value>) -> String {
    let Some(endpoint) = endpoint.filter(|e| !e.is_null()) else {
        return "not connected".to_owned();
    };
    let text = |pointer: &str| {
        endpoint
            .pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or(NONE)
            .to_owned()
    };
    let related = |pointer: &str, model: &str| {
        endpoint
            .pointer(pointer)
            .and_then(Value::as_str)
            .map_or_else(|| hidden(model), str::to_owned)
    };
    match endpoint.get("__typename").and_then(Value::as_str) {
        Some("CircuitTerminationType") => format!(
            "circuit {} (side {})",
            related("/circuit/cid", "circuits.circuit"),
            text("/term_side")
        ),
        Some("InterfaceType") => format!(
            "device {}, interface {}",
            related("/device/name", "dcim.device"),
            text("/name")
        ),
        Some("PowerFeedType") => format!("power feed {}", text("/name")),
        _ => format!(
            "device {}, port {}",
            related("/device/name", "dcim.device"),
            text("/name")
        ),
    }
}
