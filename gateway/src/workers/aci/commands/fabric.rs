//! `get-pending-nodes`, `get-nodes`, `get-controllers` and
//! `get-interfaces [pod node state]`: the fabric's switches, controllers
//! and ports.

use std::collections::BTreeMap;

use super::table_or;
use crate::model::{Choice, Reply};
use crate::workers::aci::mo::{Mo, dn_part};
use crate::workers::aci::{AciError, Session};
use crate::workers::toolkit::render::{error, or_none};

/// The states `get-interfaces` filters by.
pub const STATES: [&str; 3] = ["up", "down", "all"];

/// `get-pending-nodes`.
pub async fn get_pending_nodes(session: &Session<'_>) -> Result<Reply, AciError> {
    Ok(render_pending(&session.pending_nodes().await?))
}

/// The switches waiting: serial, node ID, model, role, supported.
pub fn render_pending(pending: &[Mo]) -> Reply {
    let rows = pending
        .iter()
        .map(|client| {
            ["id", "nodeId", "model", "nodeRole", "supported"]
                .iter()
                .map(|name| or_none(Some(client.attr(name))))
                .collect()
        })
        .collect();
    table_or(
        "Switches waiting for registration".to_owned(),
        &["Serial", "Node ID", "Model", "Role", "Supported"],
        rows,
        "No switch is waiting for registration.".to_owned(),
        None,
    )
}

/// `get-nodes` (switches) and `get-controllers`.
pub async fn get_nodes(session: &Session<'_>, controllers: bool) -> Result<Reply, AciError> {
    let (nodes, systems) = session.nodes(controllers).await?;
    Ok(render_nodes(controllers, &nodes, &systems))
}

/// The nodes, each with its system's pod, out-of-band address and uptime
/// (none for a node that is not active: it has no system).
pub fn render_nodes(controllers: bool, nodes: &[Mo], systems: &[Mo]) -> Reply {
    let by_id: BTreeMap<&str, &Mo> = systems.iter().map(|s| (s.attr("id"), s)).collect();
    let rows = nodes
        .iter()
        .map(|node| {
            let system = by_id.get(node.attr("id")).copied();
            let of_system = |name: &str| or_none(system.map(|s| s.attr(name)));
            let pod = system
                .map(|s| s.attr("podId"))
                .filter(|pod| !pod.is_empty())
                .or_else(|| dn_part(node.dn(), "pod"));
            let state = if controllers {
                or_none(system.map(|s| s.attr("state")))
            } else {
                or_none(Some(node.attr("fabricSt")))
            };
            vec![
                or_none(pod),
                node.attr("id").to_owned(),
                node.attr("name").to_owned(),
                or_none(Some(node.attr("model"))),
                or_none(Some(node.attr("role"))),
                or_none(Some(node.attr("serial"))),
                or_none(Some(node.attr("address"))),
                of_system("oobMgmtAddr"),
                of_system("systemUpTime"),
                state,
            ]
        })
        .collect();
    let (title, none) = if controllers {
        ("APIC controllers", "APIC lists no controllers that you may see.")
    } else {
        (
            "Fabric nodes",
            "The fabric has no leaf or spine switches that you may see.",
        )
    };
    table_or(
        title.to_owned(),
        &[
            "Pod", "ID", "Name", "Model", "Role", "Serial", "TEP IP", "OOB IP", "Uptime", "State",
        ],
        rows,
        none.to_owned(),
        None,
    )
}

/// `get-interfaces [pod node state]`, asking for what is missing: the pods
/// and nodes are the fabric's own, by name.
pub async fn get_interfaces(session: &Session<'_>) -> Result<Reply, AciError> {
    let Some(pod) = session.arg(0) else {
        let (nodes, _) = session.nodes(false).await?;
        return Ok(session.ask(
            "Which pod?",
            pod_choices(&nodes),
            "The fabric has no pods that you may see.",
        ));
    };
    let pod = pod.trim_start_matches("pod-");
    let Some(node) = session.arg(1) else {
        let (nodes, _) = session.nodes(false).await?;
        return Ok(session.ask(
            format!("Which node of pod-{pod}?"),
            node_choices(&nodes, pod),
            format!("Pod {pod} has no active switches that you may see."),
        ));
    };
    if !is_number(pod) || !is_number(node) {
        return Ok(error(format!(
            "The pod and node are numbers (`1 101`), not `{pod} {node}`; leave them out to pick from menus."
        )));
    }
    let Some(state) = session.arg(2) else {
        return Ok(session.menu(
            format!("Which interfaces of node {node}?"),
            STATES.iter().map(|s| Choice::same(*s)).collect(),
        ));
    };
    let state = state.to_ascii_lowercase();
    if !STATES.contains(&state.as_str()) {
        return Ok(error(format!(
            "`{state}` is no interface state: use up, down or all."
        )));
    }
    let filter = (state != "all").then_some(state.as_str());
    let (interfaces, total) = session.interfaces(pod, node, filter).await?;
    Ok(render_interfaces(pod, node, filter, &interfaces, total))
}

fn is_number(text: &str) -> bool {
    !text.is_empty() && text.len() <= 5 && text.chars().all(|c| c.is_ascii_digit())
}

/// The pods of the fabric's `nodes`: `pod-1`, valued `1`.
pub fn pod_choices(nodes: &[Mo]) -> Vec<Choice> {
    let mut pods: Vec<u32> = nodes
        .iter()
        .filter_map(|n| dn_part(n.dn(), "pod")?.parse().ok())
        .collect();
    pods.sort_unstable();
    pods.dedup();
    pods.into_iter()
        .map(|pod| Choice {
            label: format!("pod-{pod}"),
            value: pod.to_string(),
        })
        .collect()
}

/// The active switches of `pod`: `leaf-101 (101)`, valued `101`.
pub fn node_choices(nodes: &[Mo], pod: &str) -> Vec<Choice> {
    nodes
        .iter()
        .filter(|n| dn_part(n.dn(), "pod") == Some(pod) && n.attr("fabricSt") == "active")
        .map(|n| Choice {
            label: format!("{} ({})", n.attr("name"), n.attr("id")),
            value: n.attr("id").to_owned(),
        })
        .collect()
}

/// The interfaces with their state (those without one passed no `state`
/// filter): id, description, speed, layer, mode, state, reason, usage; and
/// a note when APIC has more than were read.
pub fn render_interfaces(
    pod: &str,
    node: &str,
    state: Option<&str>,
    interfaces: &[Mo],
    total: usize,
) -> Reply {
    let rows: Vec<Vec<String>> = interfaces
        .iter()
        .filter_map(|port| {
            let oper = port.children_of("ethpmPhysIf").next()?;
            Some(vec![
                port.attr("id").to_owned(),
                or_none(Some(port.attr("descr"))),
                or_none(Some(port.attr("speed"))),
                or_none(Some(port.attr("layer"))),
                or_none(Some(port.attr("mode"))),
                or_none(Some(oper.attr("operSt"))),
                or_none(Some(oper.attr("operStQual"))),
                or_none(Some(port.attr("usage"))),
            ])
        })
        .collect();
    let note = (interfaces.len() < total).then(|| {
        format!(
            "Read the first {} of the {total} interfaces of node {node}; the rest are left out.",
            interfaces.len()
        )
    });
    let which = state.map_or_else(|| "interfaces".to_owned(), |s| format!("interfaces {s}"));
    let none = if total == 0 {
        format!("APIC has no interfaces of node {node} in pod {pod}.")
    } else {
        format!("Node {node} has no {which}.")
    };
    table_or(
        format!("Node {node} (pod-{pod}): {which}"),
        &[
            "Interface",
            "Description",
            "Speed",
            "Layer",
            "Mode",
            "State",
            "Reason",
            "Usage",
        ],
        rows,
        none,
        note,
    )
}
