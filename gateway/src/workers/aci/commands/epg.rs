//! `get-epg-details [tenant ap epg]`: an EPG's bridge domain and subnets,
//! domains, the contracts it provides and consumes with their filters, and
//! its static paths (a port, or a port channel or vPC with its ports).

use std::collections::BTreeMap;

use super::{ask_tenant, name_arg, name_choices};
use crate::model::{Block, Message, Reply, Table};
use crate::workers::aci::mo::{Mo, dn_part, split_dn};
use crate::workers::aci::{AciError, Session};
use crate::workers::toolkit::render::{NONE, error};

/// One filter entry of a contract: name, ethertype, protocol, destination port, action.
pub type FilterRow = [String; 5];

/// A contract and its filter entries.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Contract {
    /// Its name.
    pub name: String,
    /// Its entries.
    pub filters: Vec<FilterRow>,
}

/// A static path of the EPG.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct StaticPath {
    /// The node (a port), or the first of two (a vPC).
    pub node_a: String,
    /// The second node of a vPC.
    pub node_b: Option<String>,
    /// The ports on node A.
    pub ports_a: Vec<String>,
    /// The ports on node B.
    pub ports_b: Vec<String>,
    /// The encapsulation (`vlan-110`).
    pub encap: String,
    /// `port`, `PC` or `vPC`.
    pub kind: String,
}

/// What `get-epg-details` shows.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Details {
    /// Tenant, application profile, EPG.
    pub path: [String; 3],
    /// The bridge domain.
    pub bd: Option<String>,
    /// Its subnets.
    pub subnets: Vec<String>,
    /// The domains it is attached to.
    pub domains: Vec<String>,
    /// What it provides.
    pub provided: Vec<Contract>,
    /// What it consumes.
    pub consumed: Vec<Contract>,
    /// Its static paths.
    pub paths: Vec<StaticPath>,
}

/// `get-epg-details [tenant ap epg]`.
pub async fn get_epg_details(session: &Session<'_>) -> Result<Reply, AciError> {
    let names = (
        name_arg(session, 0, "tenant"),
        name_arg(session, 1, "application profile"),
        name_arg(session, 2, "EPG"),
    );
    let (tenant, ap, epg) = match names {
        (Err(said), _, _) | (_, Err(said), _) | (_, _, Err(said)) => return Ok(said),
        (Ok(None), _, _) => return ask_tenant(session, false).await,
        (Ok(Some(tenant)), Ok(None), _) => {
            let aps = session.in_tenant(Some(tenant), "fvAp").await?;
            return Ok(session.ask(
                "Which application profile?",
                name_choices(&aps, None),
                format!("APIC has no application profiles in tenant **{tenant}** that you may see."),
            ));
        }
        (Ok(Some(tenant)), Ok(Some(ap)), Ok(None)) => {
            let dn = format!("uni/tn-{tenant}/ap-{ap}");
            let epgs = session.under(Some(&dn), "fvAEPg", &[]).await?;
            return Ok(session.ask(
                "Which EPG?",
                name_choices(&epgs, None),
                format!("APIC has no EPGs in **{tenant}/{ap}** that you may see."),
            ));
        }
        (Ok(Some(tenant)), Ok(Some(ap)), Ok(Some(epg))) => (tenant, ap, epg),
    };
    let dn = format!("uni/tn-{tenant}/ap-{ap}/epg-{epg}");
    let Some(found) = session.mo(&dn, &[]).await? else {
        return Ok(error(format!(
            "APIC has no EPG **{epg}** in **{tenant}/{ap}** that you may see; leave the name out to pick one."
        )));
    };
    let details = details(session, tenant, [tenant, ap, epg], &found).await?;
    Ok(render_details(&details))
}

/// Everything the EPG `found` (with its children) points at.
async fn details(
    session: &Session<'_>,
    tenant: &str,
    path: [&str; 3],
    found: &Mo,
) -> Result<Details, AciError> {
    let mut details = Details {
        path: path.map(str::to_owned),
        ..Details::default()
    };
    if let Some(rs) = found.children_of("fvRsBd").next() {
        let name = rs.attr("tnFvBDName");
        let bd_dn = target(rs, || format!("uni/tn-{tenant}/BD-{name}"));
        details.bd = Some(name.to_owned());
        if let Some(bd) = session.mo(&bd_dn, &["fvSubnet"]).await? {
            details.subnets = bd
                .children_of("fvSubnet")
                .map(|s| s.attr("ip").to_owned())
                .collect();
        }
    }
    details.domains = found
        .children_of("fvRsDomAtt")
        .map(|rs| domain_name(rs.attr("tDn")))
        .collect();
    let mut filters = BTreeMap::new();
    for (class, into) in [
        ("fvRsProv", &mut details.provided),
        ("fvRsCons", &mut details.consumed),
    ] {
        for rs in found.children_of(class) {
            let name = rs.attr("tnVzBrCPName");
            let contract_dn = target(rs, || format!("uni/tn-{tenant}/brc-{name}"));
            into.push(Contract {
                name: name.to_owned(),
                filters: contract_filters(session, &contract_dn, &mut filters).await?,
            });
        }
    }
    for rs in found.children_of("fvRsPathAtt") {
        details.paths.push(static_path(session, rs).await?);
    }
    Ok(details)
}

/// Where a relation points (`tDn`), else where it should by name.
fn target(rs: &Mo, by_name: impl FnOnce() -> String) -> String {
    let dn = rs.attr("tDn");
    if dn.is_empty() { by_name() } else { dn.to_owned() }
}

/// A domain's name from its DN (`uni/phys-acme-phys` → `acme-phys`).
pub fn domain_name(dn: &str) -> String {
    let last = split_dn(dn).last().copied().unwrap_or_default();
    last.split_once('-').map_or(last, |(_, name)| name).to_owned()
}

/// The entries of the filters a contract's subjects apply, each filter read once.
async fn contract_filters(
    session: &Session<'_>,
    contract_dn: &str,
    read: &mut BTreeMap<String, Vec<Mo>>,
) -> Result<Vec<FilterRow>, AciError> {
    let mut rows = Vec::new();
    for applied in session.under(Some(contract_dn), "vzRsSubjFiltAtt", &[]).await? {
        let filter_dn = applied.attr("tDn").to_owned();
        if !read.contains_key(&filter_dn) {
            let entries = session.under(Some(&filter_dn), "vzEntry", &[]).await?;
            read.insert(filter_dn.clone(), entries);
        }
        for entry in read.get(&filter_dn).into_iter().flatten() {
            rows.push([
                entry.attr("name").to_owned(),
                entry.attr("etherT").to_owned(),
                entry.attr("prot").to_owned(),
                entry.attr("dToPort").to_owned(),
                applied.attr("action").to_owned(),
            ]);
        }
    }
    Ok(rows)
}

/// A static path from its `tDn`: a port of one node, or a port channel or
/// vPC, whose ports are those of its policy group's interface selectors.
async fn static_path(session: &Session<'_>, rs: &Mo) -> Result<StaticPath, AciError> {
    let dn = rs.attr("tDn");
    let endpoint = dn_part(dn, "pathep")
        .map(|p| p.trim_start_matches('[').trim_end_matches(']'))
        .unwrap_or_default()
        .to_owned();
    let mut path = StaticPath {
        encap: rs.attr("encap").to_owned(),
        ..StaticPath::default()
    };
    if let Some(node) = dn_part(dn, "paths") {
        path.node_a = node.to_owned();
        path.ports_a = vec![endpoint];
        path.kind = "port".to_owned();
        return Ok(path);
    }
    let nodes = dn_part(dn, "protpaths").unwrap_or_default();
    let (a, b) = nodes.split_once('-').unwrap_or((nodes, nodes));
    path.node_a = a.to_owned();
    path.node_b = Some(b.to_owned());
    path.kind = if a == b { "PC" } else { "vPC" }.to_owned();
    let group = format!("uni/infra/funcprof/accbundle-{endpoint}");
    let mut profiles: Vec<(String, Vec<String>)> = Vec::new();
    for selector in session.under(Some(&group), "infraRtAccBaseGrp", &[]).await? {
        let selector_dn = selector.attr("tDn");
        let profile = split_dn(selector_dn)
            .get(2)
            .copied()
            .unwrap_or_default()
            .to_owned();
        let ports: Vec<String> = session
            .under(Some(selector_dn), "infraPortBlk", &[])
            .await?
            .iter()
            .map(port_block)
            .collect();
        match profiles.iter_mut().find(|(name, _)| *name == profile) {
            Some((_, known)) => known.extend(ports),
            None => profiles.push((profile, ports)),
        }
    }
    let mut profiles = profiles.into_iter().map(|(_, ports)| ports);
    path.ports_a = profiles.next().unwrap_or_default();
    path.ports_b = profiles.next().unwrap_or_default();
    Ok(path)
}

/// A port block as `1/20`, or `1/20-1/24` when it spans several.
pub fn port_block(block: &Mo) -> String {
    let from = format!("{}/{}", block.attr("fromCard"), block.attr("fromPort"));
    let to = format!("{}/{}", block.attr("toCard"), block.attr("toPort"));
    if from == to { from } else { format!("{from}-{to}") }
}

/// The EPG's details: a summary table, the contracts with their filters,
/// and the static paths.
pub fn render_details(details: &Details) -> Reply {
    let [tenant, ap, epg] = &details.path;
    let joined = |items: &[String]| {
        if items.is_empty() {
            NONE.to_owned()
        } else {
            items.join(", ")
        }
    };
    let mut blocks = vec![Block::Table(Table {
        title: format!("EPG {epg}"),
        columns: ["EPG", "Bridge domain", "Subnets", "Domains"]
            .map(str::to_owned)
            .to_vec(),
        rows: vec![vec![
            epg.clone(),
            details.bd.clone().unwrap_or_else(|| NONE.to_owned()),
            joined(&details.subnets),
            joined(&details.domains),
        ]],
    })];
    for (what, contracts) in [("Provided", &details.provided), ("Consumed", &details.consumed)] {
        if contracts.is_empty() {
            blocks.push(Block::Text(format!("{what} contracts: none.")));
        }
        for contract in contracts {
            blocks.push(Block::Table(Table {
                title: format!("{what} contract {}", contract.name),
                columns: ["Filter", "Ethertype", "Protocol", "Destination port", "Action"]
                    .map(str::to_owned)
                    .to_vec(),
                rows: contract.filters.iter().map(|row| row.to_vec()).collect(),
            }));
        }
    }
    if details.paths.is_empty() {
        blocks.push(Block::Text("Static paths: none.".to_owned()));
    } else {
        let na = || "N/A".to_owned();
        blocks.push(Block::Table(Table {
            title: "Static paths".to_owned(),
            columns: [
                "Node A",
                "Node B",
                "Node A ports",
                "Node B ports",
                "Encap",
                "Type",
            ]
            .map(str::to_owned)
            .to_vec(),
            rows: details
                .paths
                .iter()
                .map(|p| {
                    vec![
                        p.node_a.clone(),
                        p.node_b.clone().unwrap_or_else(na),
                        joined(&p.ports_a),
                        p.node_b.as_ref().map_or_else(na, |_| joined(&p.ports_b)),
                        p.encap.clone(),
                        p.kind.clone(),
                    ]
                })
                .collect(),
        }));
    }
    Reply::Message(Message {
        title: Some(format!("EPG {epg} of {tenant}/{ap}")),
        blocks,
        ..Default::default()
    })
}
