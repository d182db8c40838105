//! `pathlookup` and `pathlookup-icmp`: IP Fabric's simulation of a flow
//! between two addresses, answered as the path diagram (a PNG) with a text
//! summary of its hops and verdict, so that the answer reads without the
//! picture too.

use std::net::IpAddr;

use serde_json::{Value, json};

use super::{not_one_of, one_of, reading, snapshot_note};
use crate::model::{Block, Choice, Field, FieldKind, Reply};
use crate::workers::ipfabric::snapshot::Snapshot;
use crate::workers::ipfabric::{IpfabricError, Session, Settings};
use crate::workers::toolkit::render::{error, image, titled};

/// The ICMP types offered, as typed (any case, `-` or `_`), with type and code.
pub const ICMP_TYPES: [(&str, u8, u8); 6] = [
    ("echo-request", 8, 0),
    ("echo-reply", 0, 0),
    ("network-unreachable", 3, 0),
    ("host-unreachable", 3, 1),
    ("port-unreachable", 3, 3),
    ("time-exceeded", 11, 0),
];

/// The flow looked up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flow {
    /// Source and destination addresses.
    pub src: String,
    /// See [`Flow::src`].
    pub dst: String,
    /// `tcp`, `udp` or `icmp`.
    pub protocol: String,
    /// Ports (`1024-65535`, `80,443`) for TCP and UDP, or the ICMP type's
    /// name with its type and code.
    pub l4: L4,
}

/// What a flow carries above IP.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum L4 {
    /// Source and destination ports.
    Ports(String, String),
    /// An ICMP type by name, type and code.
    Icmp(&'static str, u8, u8),
}

impl Flow {
    /// IP Fabric's path lookup parameters for it (`POST /api/graphs`).
    pub fn parameters(&self) -> Value {
        let l4 = match &self.l4 {
            L4::Ports(src, dst) => json!({"srcPorts": src, "dstPorts": dst, "flags": []}),
            L4::Icmp(_, kind, code) => json!({"type": kind, "code": code}),
        };
        json!({
            "type": "pathLookup", "pathLookupType": "unicast", "protocol": self.protocol,
            "startingPoint": self.src, "destinationPoint": self.dst, "networkMode": false,
            "securedPath": true, "ttl": 128, "fragmentOffset": 0, "l4Options": l4,
            "enableRegions": false, "srcRegions": ".*", "dstRegions": ".*",
            "otherOptions": {"applications": ".*", "tracked": false},
            "firstHopAlgorithm": {"type": "automatic"}
        })
    }

    /// `tcp 10.0.0.1 port 1000 → 10.0.0.2 port 22`, `icmp echo-request 10.0.0.1 → 10.0.0.2`.
    pub fn described(&self) -> String {
        match &self.l4 {
            L4::Ports(sport, dport) => format!(
                "{} {} port {sport} → {} port {dport}",
                self.protocol, self.src, self.dst
            ),
            L4::Icmp(name, _, _) => format!("icmp {name} {} → {}", self.src, self.dst),
        }
    }
}

/// `pathlookup [src-ip dst-ip src-port dst-port protocol]`: a form of
/// what is missing.
pub async fn pathlookup(session: &Session<'_>, settings: &Settings) -> Result<Reply, IpfabricError> {
    let snapshot = match reading(session, settings).await? {
        Ok(snapshot) => snapshot,
        Err(said) => return Ok(said),
    };
    let protocols = ["tcp", "udp"];
    let given: Vec<&str> = (0..5).map_while(|i| session.arg(i)).collect();
    if given.len() < 5 {
        let fields = vec![
            Field::new("Source IP", FieldKind::Text),
            Field::new("Destination IP", FieldKind::Text),
            Field::new("Source ports", FieldKind::Text).with_default("1000"),
            Field::new("Destination ports", FieldKind::Text).with_default("22"),
            Field::new(
                "Protocol",
                FieldKind::Select(protocols.iter().map(|p| Choice::same(*p)).collect()),
            )
            .with_default("tcp"),
        ];
        return Ok(session
            .call
            .form("Path lookup", fields.into_iter().skip(given.len()).collect()));
    }
    let Some(protocol) = one_of(&protocols, given[4]) else {
        return Ok(not_one_of(session, "protocol", given[4], &protocols));
    };
    let (src, dst) = match (address(given[0]), address(given[1])) {
        (Ok(src), Ok(dst)) => (src, dst),
        (Err(said), _) | (_, Err(said)) => return Ok(error(said)),
    };
    for ports in [given[2], given[3]] {
        if !is_ports(ports) {
            return Ok(error(format!(
                "`{ports}` are not ports: give a port, a range (`1024-65535`) or a list (`80,443`)."
            )));
        }
    }
    let flow = Flow {
        src,
        dst,
        protocol: protocol.to_owned(),
        l4: L4::Ports(given[2].to_owned(), given[3].to_owned()),
    };
    look_up(session, &snapshot, &flow).await
}

/// `pathlookup-icmp [src-ip dst-ip icmp-type]`: a form of what is missing.
pub async fn pathlookup_icmp(session: &Session<'_>, settings: &Settings) -> Result<Reply, IpfabricError> {
    let snapshot = match reading(session, settings).await? {
        Ok(snapshot) => snapshot,
        Err(said) => return Ok(said),
    };
    let names: Vec<&str> = ICMP_TYPES.iter().map(|(name, _, _)| *name).collect();
    let given: Vec<&str> = (0..3).map_while(|i| session.arg(i)).collect();
    if given.len() < 3 {
        let fields = vec![
            Field::new("Source IP", FieldKind::Text),
            Field::new("Destination IP", FieldKind::Text),
            Field::new(
                "ICMP type",
                FieldKind::Select(names.iter().map(|n| Choice::same(*n)).collect()),
            )
            .with_default("echo-request"),
        ];
        return Ok(session
            .call
            .form("ICMP path lookup", fields.into_iter().skip(given.len()).collect()));
    }
    let typed = given[2].replace('_', "-");
    let Some((name, kind, code)) = ICMP_TYPES.iter().find(|(n, _, _)| n.eq_ignore_ascii_case(&typed)) else {
        return Ok(not_one_of(session, "ICMP type", given[2], &names));
    };
    let (src, dst) = match (address(given[0]), address(given[1])) {
        (Ok(src), Ok(dst)) => (src, dst),
        (Err(said), _) | (_, Err(said)) => return Ok(error(said)),
    };
    let flow = Flow {
        src,
        dst,
        protocol: "icmp".to_owned(),
        l4: L4::Icmp(name, *kind, *code),
    };
    look_up(session, &snapshot, &flow).await
}

/// The path of `flow` in `snapshot`: its summary, its diagram, the link.
async fn look_up(session: &Session<'_>, snapshot: &Snapshot, flow: &Flow) -> Result<Reply, IpfabricError> {
    let parameters = flow.parameters();
    let result = session
        .client
        .path_lookup(&session.who, &parameters, &snapshot.id)
        .await?;
    let png = session
        .client
        .path_png(&session.who, &parameters, &snapshot.id)
        .await?;
    let note = snapshot_note(session, snapshot, "diagrams/pathlookup");
    Ok(render_path(flow, &summarize(&result), png, note))
}

/// An address as IP Fabric takes it, or why it is not one.
fn address(typed: &str) -> Result<String, String> {
    typed
        .parse::<IpAddr>()
        .map(|ip| ip.to_string())
        .map_err(|_| format!("`{typed}` is not an IP address."))
}

/// Whether `typed` is a port, a range or a list of them.
fn is_ports(typed: &str) -> bool {
    !typed.is_empty()
        && typed.split(',').all(|part| {
            let mut bounds = part.trim().splitn(2, '-');
            bounds.all(|bound| bound.trim().parse::<u16>().is_ok())
        })
}

/// What the path lookup found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    /// The devices on the path, in order (by hostname).
    pub hops: Vec<String>,
    /// IP Fabric's verdict: `all`, `part` or `none` of the traffic passes.
    pub passing: String,
    /// Where it is dropped and why, when it is.
    pub dropped: Option<(String, String)>,
    /// Whether IP Fabric found a path at all.
    pub exists: bool,
}

/// The summary of a path lookup's JSON (`POST /api/graphs`).
pub fn summarize(result: &Value) -> Summary {
    let graph = &result["graphResult"]["graphData"];
    let label = |sn: &str| graph["nodes"][sn]["label"].as_str().unwrap_or(sn).to_owned();
    let edges: Vec<(&str, &str)> = graph["edges"]
        .as_object()
        .into_iter()
        .flat_map(|edges| edges.values())
        .filter_map(|edge| Some((edge["source"].as_str()?, edge["target"].as_str()?)))
        .collect();
    let mut nodes: Vec<(&str, i64)> = graph["nodes"]
        .as_object()
        .into_iter()
        .flat_map(|nodes| nodes.iter())
        .map(|(sn, node)| (sn.as_str(), node["position"]["x"].as_i64().unwrap_or(0)))
        .collect();
    nodes.sort_by_key(|(sn, x)| (*x, label(sn)));
    // Along the edges from the one node no edge leads to; then the rest
    // (beyond a drop) as drawn, left to right.
    let mut order: Vec<&str> = Vec::new();
    let start = edges
        .iter()
        .map(|(source, _)| *source)
        .find(|source| !edges.iter().any(|(_, target)| target == source));
    let mut at = start;
    while let Some(node) = at.filter(|node| !order.contains(node)) {
        order.push(node);
        at = edges
            .iter()
            .find(|(source, _)| *source == node)
            .map(|(_, target)| *target);
    }
    for (sn, _) in &nodes {
        if !order.contains(sn) {
            order.push(sn);
        }
    }
    let pathlookup = &result["pathlookup"];
    let dropped = pathlookup["decisions"].as_object().and_then(|decisions| {
        decisions.iter().find_map(|(sn, decision)| {
            let events: Vec<&Value> = decision["traces"]
                .as_array()?
                .iter()
                .flat_map(|trace| trace["trace"].as_array().into_iter().flatten())
                .flat_map(|step| step["events"].as_array().into_iter().flatten())
                .collect();
            let drop = events.iter().find(|e| e["type"] == "drop packet")?;
            let mut why = drop["severityInfo"]["name"]
                .as_str()
                .or_else(|| drop["reason"].as_str())
                .unwrap_or("dropped")
                .to_owned();
            if let Some(policy) = events.iter().find_map(|e| e["decidingPolicyName"].as_str()) {
                why.push_str(&format!(", policy {policy}"));
            }
            Some((label(sn), why))
        })
    });
    Summary {
        hops: order.into_iter().map(label).collect(),
        passing: pathlookup["passingTraffic"].as_str().unwrap_or("none").to_owned(),
        dropped,
        exists: pathlookup["check"]["exists"].as_bool().unwrap_or(true),
    }
}

/// The verdict of `summary` in words.
pub fn verdict(summary: &Summary) -> String {
    if !summary.exists || summary.hops.is_empty() {
        return "IP Fabric found no path for this flow.".to_owned();
    }
    let dropped = summary
        .dropped
        .as_ref()
        .map(|(at, why)| format!(" at {at} ({why})"))
        .unwrap_or_default();
    match summary.passing.as_str() {
        "all" => "the traffic passes.".to_owned(),
        "part" => format!("part of the traffic passes; the rest is dropped{dropped}."),
        _ => format!("the traffic is dropped{dropped}."),
    }
}

/// The answer: the summary, the diagram as a PNG file, and `note`.
pub fn render_path(flow: &Flow, summary: &Summary, png: Vec<u8>, note: String) -> Reply {
    let text = format!(
        "Path lookup {}\nVerdict: {}\nHops ({}): {}",
        flow.described(),
        verdict(summary),
        summary.hops.len(),
        summary.hops.join(" → ")
    );
    // No `:` in the name: Microsoft Teams drops such files silently.
    let file_name = format!(
        "pathlookup-{}-{}.png",
        flow.src.replace(':', "_"),
        flow.dst.replace(':', "_")
    );
    let alt = format!("Path diagram of {}", flow.described());
    titled(
        "Path lookup",
        vec![Block::Text(text), image(file_name, alt, png), Block::Text(note)],
    )
}
