//! `get-circuits`, `get-circuit-providers` and `get-circuit-connections`.

use serde::Deserialize;
use serde_json::{Value, json};

use super::filter::{self, FilterKind, Step, objects};
use super::{cut_note, error};
use crate::model::{Block, Choice, Level, Message, Reply, Table};
use crate::workers::nautobot::objects::{NONE, Related, label, or_none};
use crate::workers::nautobot::{NautobotError, Page, Session};

/// The filters of `get-circuits`, each becoming a GraphQL argument of `circuits`.
const CIRCUIT_FILTERS: &[FilterKind] = &[
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

const CIRCUIT_FIELDS: &str = "cid description provider { name } circuit_type { name } status { name } \
     tenant { name } circuit_termination_a { location { name } provider_network { name } } \
     circuit_termination_z { location { name } provider_network { name } }";

#[derive(Deserialize)]
struct CircuitsAnswer {
    circuits: Vec<Circuit>,
}

/// A circuit as the table shows it.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Circuit {
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
    pub location: Option<Related>,
    pub provider_network: Option<Related>,
    /// What the end is cabled to, at the far end of the path.
    pub connected_endpoint: Option<Value>,
}

impl Termination {
    /// Where it ends: a location, or a provider network.
    fn place(&self) -> String {
        match (&self.location, &self.provider_network) {
            (Some(location), _) => location.label().to_owned(),
            (None, Some(network)) => format!("{} (provider network)", network.label()),
            (None, None) => NONE.to_owned(),
        }
    }
}

fn place(termination: &Option<Termination>) -> String {
    termination
        .as_ref()
        .map_or_else(|| NONE.to_owned(), Termination::place)
}

/// `get-circuits [filter-type] [value]`.
pub async fn get_circuits(session: &Session<'_>) -> Result<Reply, NautobotError> {
    let (kind, value) = match filter::step(session, CIRCUIT_FILTERS, "circuits").await? {
        Step::Answer(reply) => return Ok(reply),
        Step::Filter(kind, value) => (kind, value),
    };
    let argument = kind.param;
    let answer: CircuitsAnswer = match (&value, argument) {
        (Some(value), argument) if !argument.is_empty() => {
            let query =
                format!("query ($value: [String]) {{ circuits({argument}: $value) {{ {CIRCUIT_FIELDS} }} }}");
            session.graphql(&query, json!({"value": [value]})).await?
        }
        _ => {
            session
                .graphql(&format!("{{ circuits {{ {CIRCUIT_FIELDS} }} }}"), json!({}))
                .await?
        }
    };
    let filtered = value.map(|value| (kind.name, value));
    Ok(render_circuits(
        filtered.as_ref().map(|(k, v)| (*k, v.as_str())),
        &answer.circuits,
    ))
}

/// The circuits table.
pub fn render_circuits(filter: Option<(&str, &str)>, circuits: &[Circuit]) -> Reply {
    let title = match filter {
        Some((kind, value)) => format!("Circuits where {kind} is {value}"),
        None => "All circuits".to_owned(),
    };
    if circuits.is_empty() {
        return Reply::Message(Message::text(
            Level::Info,
            format!("{title}: none that you may see."),
        ));
    }
    let mut rows: Vec<Vec<String>> = circuits
        .iter()
        .map(|circuit| {
            vec![
                circuit.cid.clone(),
                label(&circuit.provider),
                label(&circuit.circuit_type),
                label(&circuit.status),
                label(&circuit.tenant),
                place(&circuit.circuit_termination_a),
                place(&circuit.circuit_termination_z),
                or_none(circuit.description.as_deref()),
            ]
        })
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

/// A message of one table, titled, with an optional note.
pub fn table_message(title: String, columns: &[&str], rows: Vec<Vec<String>>, note: Option<String>) -> Reply {
    let mut blocks = vec![Block::Table(Table {
        title: title.clone(),
        columns: columns.iter().map(|c| (*c).to_owned()).collect(),
        rows,
    })];
    blocks.extend(note.map(Block::Text));
    Reply::Message(Message {
        title: Some(title),
        blocks,
        ..Default::default()
    })
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
        return Reply::Message(Message::text(
            Level::Info,
            "There are no circuit providers that you may see.",
        ));
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
const ENDPOINT_FIELDS: &str = "location { name } provider_network { name } connected_endpoint { __typename \
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
        if choices.is_empty() {
            return Ok(error(
                "There are no providers with circuits that you may see in Nautobot.",
            ));
        }
        return Ok(session.menu("Circuits of which provider?", choices));
    };
    let Some(cid) = session.arg(1) else {
        let choices = session
            .choices("circuits/circuits/", &[("provider", provider)], "cid")
            .await?;
        if choices.is_empty() {
            return Ok(error(format!(
                "`{provider}` has no circuits that you may see in Nautobot."
            )));
        }
        return Ok(session.menu(format!("Which circuit of {provider}?"), choices));
    };
    let query = format!(
        "query ($provider: [String], $cid: [String]) {{ circuits(provider: $provider, cid: $cid) {{ cid \
         circuit_termination_a {{ {ENDPOINT_FIELDS} }} circuit_termination_z {{ {ENDPOINT_FIELDS} }} }} }}"
    );
    let answer: CircuitsAnswer = session
        .graphql(&query, json!({"provider": [provider], "cid": [cid]}))
        .await?;
    Ok(match answer.circuits.first() {
        Some(circuit) => render_connections(provider, circuit),
        None => error(format!(
            "`{provider}` has no circuit `{cid}` that you may see in Nautobot."
        )),
    })
}

/// What each end of the circuit connects to.
pub fn render_connections(provider: &str, circuit: &Circuit) -> Reply {
    let rows = [
        ("A", &circuit.circuit_termination_a),
        ("Z", &circuit.circuit_termination_z),
    ]
    .into_iter()
    .map(|(side, termination)| match termination {
        Some(termination) => vec![
            side.to_owned(),
            termination.place(),
            connected_to(termination.connected_endpoint.as_ref()),
        ],
        None => vec![side.to_owned(), NONE.to_owned(), "no termination".to_owned()],
    })
    .collect();
    table_message(
        format!("Circuit {} of {provider}", circuit.cid),
        &["Side", "Location", "Connected to"],
        rows,
        None,
    )
}

/// "device X, interface Y", "circuit C (side A)", or "not connected".
pub fn connected_to(endpoint: Option<&Value>) -> String {
    let Some(endpoint) = endpoint.filter(|e| !e.is_null()) else {
        return "not connected".to_owned();
    };
    let text = |value: &Value, pointer: &str| {
        value
            .pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or(NONE)
            .to_owned()
    };
    match endpoint.get("__typename").and_then(Value::as_str) {
        Some("CircuitTerminationType") => format!(
            "circuit {} (side {})",
            text(endpoint, "/circuit/cid"),
            text(endpoint, "/term_side")
        ),
        Some("InterfaceType") => format!(
            "device {}, interface {}",
            text(endpoint, "/device/name"),
            text(endpoint, "/name")
        ),
        Some("PowerFeedType") => format!("power feed {}", text(endpoint, "/name")),
        _ => format!(
            "device {}, port {}",
            text(endpoint, "/device/name"),
            text(endpoint, "/name")
        ),
    }
}
