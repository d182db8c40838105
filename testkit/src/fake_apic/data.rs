//! What the fake APIC starts with: the tenants `common`, `infra` and `mgmt`
//! every fabric has and two user tenants, [`PROD_TENANT`] (an e-commerce
//! application: EPGs with bridge domains, subnets, contracts and their
//! filters, a physical domain, static paths on a port and on a vPC) and
//! [`DEV_TENANT`]; one pod of three controllers, two spines and four leafs
//! (one of them inactive), their ports, and two switches waiting for
//! registration.

use super::tree::Mo;

/// The user tenant with the application (`ecommerce`, `monitoring`).
pub const PROD_TENANT: &str = "acme-prod";
/// The small user tenant (`sandbox`).
pub const DEV_TENANT: &str = "acme-dev";
/// The serial of the leaf waiting for registration.
pub const PENDING_LEAF: &str = "FDO24421PQR";
/// The serial of the spine waiting for registration.
pub const PENDING_SPINE: &str = "FDO24430STU";
/// The leaf registered but not active (lost): no `topSystem`, no ports.
pub const INACTIVE_NODE: &str = "104";

/// `fabricNode`s: id | name | role | model | serial | TEP | OOB | fabricSt.
const NODES: &str = "\
1   | apic1        | controller | APIC-SERVER-M3     | FCH2338V1AB | 10.0.0.1     | 192.168.10.11 | unknown
2   | apic2        | controller | APIC-SERVER-M3     | FCH2338V1CD | 10.0.0.2     | 192.168.10.12 | unknown
3   | apic3        | controller | APIC-SERVER-M3     | FCH2338V1EF | 10.0.0.3     | 192.168.10.13 | unknown
101 | leaf-101     | leaf       | N9K-C93180YC-FX    | FDO22151A01 | 10.0.72.64   | 192.168.10.101 | active
102 | leaf-102     | leaf       | N9K-C93180YC-FX    | FDO22151A02 | 10.0.72.65   | 192.168.10.102 | active
103 | leaf-103     | leaf       | N9K-C93180YC-FX    | FDO22151A03 | 10.0.72.66   | 192.168.10.103 | active
104 | leaf-104     | leaf       | N9K-C93180YC-FX    | FDO22151A04 | 10.0.72.67   | 192.168.10.104 | inactive
201 | spine-201    | spine      | N9K-C9336PQ        | SAL1948T0A1 | 10.0.72.96   | 192.168.10.201 | active
202 | spine-202    | spine      | N9K-C9336PQ        | SAL1948T0A2 | 10.0.72.97   | 192.168.10.202 | active";

/// The seeded tree.
pub fn seed() -> Vec<Mo> {
    let mut tree = Vec::new();
    tenants(&mut tree);
    prod(&mut tree);
    dev(&mut tree);
    fabric(&mut tree);
    tree
}

fn tenant(tree: &mut Vec<Mo>, name: &str, descr: &str) {
    tree.push(Mo::new(
        "fvTenant",
        &format!("uni/tn-{name}"),
        &[
            ("name", name),
            ("descr", descr),
            ("nameAlias", ""),
            ("ownerKey", ""),
            ("ownerTag", ""),
            ("lcOwn", "local"),
            ("modTs", "2026-05-11T09:14:02.113+00:00"),
            ("status", ""),
            ("uid", "0"),
            ("userdom", ":all:"),
        ],
    ));
}

fn vrf(tree: &mut Vec<Mo>, tenant: &str, name: &str) {
    tree.push(Mo::new(
        "fvCtx",
        &format!("uni/tn-{tenant}/ctx-{name}"),
        &[
            ("name", name),
            ("descr", ""),
            ("pcEnfPref", "enforced"),
            ("pcEnfDir", "ingress"),
            ("knwMcastAct", "permit"),
            ("scope", "2424832"),
            ("seg", "2424832"),
            ("pcTag", "49153"),
            ("status", ""),
            ("uid", "15374"),
        ],
    ));
}

/// A bridge domain in `vrf`, with its subnets (`ip`, `scope`).
fn bd(tree: &mut Vec<Mo>, tenant: &str, name: &str, descr: &str, vrf: &str, subnets: &[(&str, &str)]) {
    let dn = format!("uni/tn-{tenant}/BD-{name}");
    let routed = if subnets.is_empty() { "no" } else { "yes" };
    tree.push(Mo::new(
        "fvBD",
        &dn,
        &[
            ("name", name),
            ("descr", descr),
            ("mac", "00:22:BD:F8:19:FF"),
            ("unicastRoute", routed),
            ("unkMacUcastAct", "proxy"),
            ("arpFlood", "no"),
            ("limitIpLearnToSubnets", "yes"),
            ("type", "regular"),
            ("status", ""),
            ("uid", "15374"),
        ],
    ));
    tree.push(Mo::new(
        "fvRsCtx",
        &format!("{dn}/rsctx"),
        &[
            ("tnFvCtxName", vrf),
            ("tDn", &format!("uni/tn-{tenant}/ctx-{vrf}")),
            ("state", "formed"),
        ],
    ));
    for (ip, scope) in subnets {
        tree.push(Mo::new(
            "fvSubnet",
            &format!("{dn}/subnet-[{ip}]"),
            &[
                ("ip", ip),
                ("scope", scope),
                ("descr", ""),
                ("preferred", "no"),
                ("virtual", "no"),
            ],
        ));
    }
}

/// An EPG of `ap` on `bd`, providing and consuming contracts.
fn epg(
    tree: &mut Vec<Mo>,
    tenant: &str,
    ap: &str,
    name: &str,
    bd: &str,
    provides: &[&str],
    consumes: &[&str],
) -> String {
    let dn = format!("uni/tn-{tenant}/ap-{ap}/epg-{name}");
    tree.push(Mo::new(
        "fvAEPg",
        &dn,
        &[
            ("name", name),
            ("descr", ""),
            ("pcEnfPref", "unenforced"),
            ("prefGrMemb", "exclude"),
            ("isAttrBasedEPg", "no"),
            ("floodOnEncap", "disabled"),
            ("pcTag", "32771"),
            ("status", ""),
            ("uid", "15374"),
        ],
    ));
    tree.push(Mo::new(
        "fvRsBd",
        &format!("{dn}/rsbd"),
        &[
            ("tnFvBDName", bd),
            ("tDn", &format!("uni/tn-{tenant}/BD-{bd}")),
            ("state", "formed"),
        ],
    ));
    for contract in provides {
        tree.push(Mo::new(
            "fvRsProv",
            &format!("{dn}/rsprov-{contract}"),
            &[
                ("tnVzBrCPName", contract),
                ("tDn", &format!("uni/tn-{tenant}/brc-{contract}")),
                ("prio", "unspecified"),
                ("state", "formed"),
            ],
        ));
    }
    for contract in consumes {
        tree.push(Mo::new(
            "fvRsCons",
            &format!("{dn}/rscons-{contract}"),
            &[
                ("tnVzBrCPName", contract),
                ("tDn", &format!("uni/tn-{tenant}/brc-{contract}")),
                ("prio", "unspecified"),
                ("state", "formed"),
            ],
        ));
    }
    dn
}

fn ap(tree: &mut Vec<Mo>, tenant: &str, name: &str, descr: &str) {
    tree.push(Mo::new(
        "fvAp",
        &format!("uni/tn-{tenant}/ap-{name}"),
        &[
            ("name", name),
            ("descr", descr),
            ("prio", "unspecified"),
            ("status", ""),
            ("uid", "15374"),
        ],
    ));
}

/// A filter with one entry: name, ethertype, protocol, destination port.
fn filter(tree: &mut Vec<Mo>, tenant: &str, name: &str, entry: [&str; 4]) {
    let dn = format!("uni/tn-{tenant}/flt-{name}");
    tree.push(Mo::new("vzFilter", &dn, &[("name", name), ("descr", "")]));
    let [entry, ether, protocol, port] = entry;
    tree.push(Mo::new(
        "vzEntry",
        &format!("{dn}/e-{entry}"),
        &[
            ("name", entry),
            ("etherT", ether),
            ("prot", protocol),
            ("dFromPort", port),
            ("dToPort", port),
            ("sFromPort", "unspecified"),
            ("sToPort", "unspecified"),
            ("stateful", "no"),
        ],
    ));
}

/// A contract with one subject that applies `filters` (name, action).
fn contract(tree: &mut Vec<Mo>, tenant: &str, name: &str, filters: &[(&str, &str)]) {
    let dn = format!("uni/tn-{tenant}/brc-{name}");
    tree.push(Mo::new(
        "vzBrCP",
        &dn,
        &[
            ("name", name),
            ("descr", ""),
            ("scope", "context"),
            ("prio", "unspecified"),
        ],
    ));
    let subject = format!("{dn}/subj-{name}-subj");
    tree.push(Mo::new(
        "vzSubj",
        &subject,
        &[
            ("name", &format!("{name}-subj")),
            ("revFltPorts", "yes"),
            ("prio", "unspecified"),
        ],
    ));
    for (filter, action) in filters {
        tree.push(Mo::new(
            "vzRsSubjFiltAtt",
            &format!("{subject}/rssubjFiltAtt-{filter}"),
            &[
                ("tnVzFilterName", filter),
                ("tDn", &format!("uni/tn-{tenant}/flt-{filter}")),
                ("action", action),
                ("directives", ""),
                ("state", "formed"),
            ],
        ));
    }
}

fn tenants(tree: &mut Vec<Mo>) {
    tenant(tree, "common", "");
    vrf(tree, "common", "default");
    bd(tree, "common", "default", "", "default", &[]);
    filter(
        tree,
        "common",
        "default",
        ["unspecified", "unspecified", "unspecified", "unspecified"],
    );
    contract(tree, "common", "default", &[("default", "permit")]);
    tenant(tree, "infra", "");
    vrf(tree, "infra", "overlay-1");
    bd(tree, "infra", "default", "", "overlay-1", &[]);
    ap(tree, "infra", "access", "");
    epg(tree, "infra", "access", "default", "default", &[], &[]);
    tenant(tree, "mgmt", "");
    vrf(tree, "mgmt", "inb");
    vrf(tree, "mgmt", "oob");
    bd(tree, "mgmt", "inb", "", "inb", &[("192.168.20.1/24", "private")]);
}

fn prod(tree: &mut Vec<Mo>) {
    let t = PROD_TENANT;
    tenant(tree, t, "Production e-commerce");
    vrf(tree, t, "prod-vrf");
    bd(
        tree,
        t,
        "web-bd",
        "Web tier",
        "prod-vrf",
        &[("10.10.10.1/24", "public,shared")],
    );
    bd(
        tree,
        t,
        "app-bd",
        "Application tier",
        "prod-vrf",
        &[("10.10.20.1/24", "private")],
    );
    bd(
        tree,
        t,
        "db-bd",
        "Database tier",
        "prod-vrf",
        &[("10.10.30.1/24", "private"), ("10.10.31.1/24", "private")],
    );
    bd(tree, t, "mon-bd", "", "prod-vrf", &[("10.10.90.1/24", "private")]);
    filter(tree, t, "https", ["https", "ip", "tcp", "https"]);
    filter(tree, t, "app-8080", ["tcp-8080", "ip", "tcp", "8080"]);
    filter(tree, t, "mysql", ["mysql", "ip", "tcp", "3306"]);
    filter(tree, t, "icmp", ["icmp", "ip", "icmp", "unspecified"]);
    contract(tree, t, "web", &[("https", "permit")]);
    contract(
        tree,
        t,
        "web-to-app",
        &[("app-8080", "permit"), ("icmp", "permit")],
    );
    contract(tree, t, "app-to-db", &[("mysql", "permit")]);
    ap(tree, t, "ecommerce", "Online shop");
    let web = epg(tree, t, "ecommerce", "web", "web-bd", &["web"], &["web-to-app"]);
    epg(
        tree,
        t,
        "ecommerce",
        "app",
        "app-bd",
        &["web-to-app"],
        &["app-to-db"],
    );
    let db = epg(tree, t, "ecommerce", "db", "db-bd", &["app-to-db"], &[]);
    ap(tree, t, "monitoring", "");
    epg(tree, t, "monitoring", "collectors", "mon-bd", &[], &["web"]);
    tree.push(Mo::new(
        "physDomP",
        "uni/phys-acme-phys",
        &[("name", "acme-phys"), ("nameAlias", "")],
    ));
    for dn in [&web, &db] {
        tree.push(Mo::new(
            "fvRsDomAtt",
            &format!("{dn}/rsdomAtt-[uni/phys-acme-phys]"),
            &[
                ("tDn", "uni/phys-acme-phys"),
                ("instrImedcy", "immediate"),
                ("resImedcy", "immediate"),
            ],
        ));
    }
    // The web servers on one port of leaf 101, the database on a vPC of 101 and 102.
    let port = "topology/pod-1/paths-101/pathep-[eth1/10]";
    tree.push(Mo::new(
        "fvRsPathAtt",
        &format!("{web}/rspathAtt-[{port}]"),
        &[
            ("tDn", port),
            ("encap", "vlan-110"),
            ("mode", "regular"),
            ("instrImedcy", "immediate"),
        ],
    ));
    let vpc = "topology/pod-1/protpaths-101-102/pathep-[acme-db-vpc]";
    tree.push(Mo::new(
        "fvRsPathAtt",
        &format!("{db}/rspathAtt-[{vpc}]"),
        &[
            ("tDn", vpc),
            ("encap", "vlan-130"),
            ("mode", "regular"),
            ("instrImedcy", "immediate"),
        ],
    ));
    tree.push(Mo::new(
        "fabricPathEpCont",
        "topology/pod-1/paths-101",
        &[("nodeId", "101")],
    ));
    tree.push(Mo::new(
        "fabricPathEp",
        port,
        &[("name", "eth1/10"), ("pathT", "leaf"), ("lagT", "not-aggregated")],
    ));
    tree.push(Mo::new(
        "fabricProtPathEpCont",
        "topology/pod-1/protpaths-101-102",
        &[("nodeAId", "101"), ("nodeBId", "102")],
    ));
    tree.push(Mo::new(
        "fabricPathEp",
        vpc,
        &[("name", "acme-db-vpc"), ("pathT", "vpc"), ("lagT", "node")],
    ));
    let bundle = "uni/infra/funcprof/accbundle-acme-db-vpc";
    tree.push(Mo::new(
        "infraAccBndlGrp",
        bundle,
        &[("name", "acme-db-vpc"), ("lagT", "node")],
    ));
    for leaf in ["101", "102"] {
        let selector = format!("uni/infra/accportprof-leaf{leaf}-ports/hports-db-vpc-typ-range");
        tree.push(Mo::new(
            "infraRtAccBaseGrp",
            &format!("{bundle}/rtaccBaseGrp-[{selector}]"),
            &[("tDn", &selector), ("tCl", "infraHPortS")],
        ));
        tree.push(Mo::new(
            "infraHPortS",
            &selector,
            &[("name", "db-vpc"), ("type", "range")],
        ));
        tree.push(Mo::new(
            "infraPortBlk",
            &format!("{selector}/portblk-block2"),
            &[
                ("name", "block2"),
                ("fromCard", "1"),
                ("toCard", "1"),
                ("fromPort", "20"),
                ("toPort", "20"),
            ],
        ));
    }
}

fn dev(tree: &mut Vec<Mo>) {
    let t = DEV_TENANT;
    tenant(tree, t, "Developers' sandbox");
    vrf(tree, t, "dev-vrf");
    bd(
        tree,
        t,
        "dev-bd",
        "",
        "dev-vrf",
        &[("192.168.50.1/24", "private")],
    );
    ap(tree, t, "sandbox", "");
    epg(tree, t, "sandbox", "test", "dev-bd", &[], &[]);
}

/// One seeded line of [`NODES`].
fn node_fields(line: &str) -> [&str; 8] {
    let fields: Vec<&str> = line.split('|').map(str::trim).collect();
    fields
        .try_into()
        .unwrap_or_else(|f| panic!("a node has 8 fields: {f:?}"))
}

/// A registered node: its `fabricNode`, its `fabricNodeIdentP` (switches
/// only: controllers are not registered by serial), its `dhcpClient`, and,
/// when it is active, its `topSystem` and ports.
pub fn node(tree: &mut Vec<Mo>, fields: [&str; 8]) {
    let [id, name, role, model, serial, address, oob, state] = fields;
    let dn = format!("topology/pod-1/node-{id}");
    tree.push(Mo::new(
        "fabricNode",
        &dn,
        &[
            ("id", id),
            ("name", name),
            ("role", role),
            ("model", model),
            ("serial", serial),
            ("address", address),
            ("fabricSt", state),
            ("adSt", "on"),
            ("nodeType", "unspecified"),
            ("vendor", "Cisco Systems, Inc"),
            (
                "version",
                if role == "controller" {
                    "5.2(7f)"
                } else {
                    "n9000-15.2(7f)"
                },
            ),
            ("delayedHeartbeat", "no"),
            ("lastStateModTs", "2026-11-02T08:41:19.000+00:00"),
        ],
    ));
    if role != "controller" {
        tree.push(Mo::new(
            "fabricNodeIdentP",
            &format!("uni/controller/nodeidentpol/nodep-{serial}"),
            &[
                ("serial", serial),
                ("nodeId", id),
                ("name", name),
                ("podId", "1"),
                ("role", "unspecified"),
                ("nodeType", "unspecified"),
            ],
        ));
        tree.push(dhcp_client(serial, model, role, id, address, "assigned"));
    }
    if state == "inactive" {
        return;
    }
    let up_days = if role == "controller" { "41" } else { "32" };
    tree.push(Mo::new(
        "topSystem",
        &format!("{dn}/sys"),
        &[
            ("id", id),
            ("name", name),
            ("role", role),
            ("podId", "1"),
            ("address", address),
            ("oobMgmtAddr", oob),
            ("inbMgmtAddr", "0.0.0.0"),
            ("serial", serial),
            ("fabricDomain", "ACME-FABRIC1"),
            ("state", "in-service"),
            (
                "version",
                if role == "controller" {
                    "5.2(7f)"
                } else {
                    "n9000-15.2(7f)"
                },
            ),
            ("systemUpTime", &format!("{up_days}:07:13:52.000")),
        ],
    ));
    if role != "controller" {
        ports(tree, &dn, role);
    }
}

/// A switch's DHCP client entry, as the controllers see it.
pub fn dhcp_client(serial: &str, model: &str, role: &str, node_id: &str, ip: &str, event: &str) -> Mo {
    Mo::new(
        "dhcpClient",
        &format!("client-[{serial}]"),
        &[
            ("id", serial),
            ("fabricId", "1"),
            ("nodeId", node_id),
            ("model", model),
            ("nodeRole", role),
            ("supported", "yes"),
            ("ip", ip),
            ("clientEvent", event),
            ("podId", "1"),
            ("decomissioned", "no"),
            ("name", ""),
        ],
    )
}

/// The ports of a switch: on leafs eight host ports (`eth1/1`–`eth1/8`) and
/// two fabric uplinks, on spines four fabric ports. Some host ports are down.
fn ports(tree: &mut Vec<Mo>, node: &str, role: &str) {
    let leaf = role == "leaf";
    let ids: Vec<String> = if leaf {
        (1..=8).chain(49..=50).map(|p| format!("eth1/{p}")).collect()
    } else {
        (1..=4).map(|p| format!("eth1/{p}")).collect()
    };
    let node_id = node.rsplit('-').next().unwrap_or_default();
    for id in ids {
        let port: u32 = id[5..].parse().unwrap_or(0);
        let fabric = !leaf || port >= 49;
        // Ports 5 and 6 have nothing plugged in; 7 is shut down by an admin.
        let (oper, qual, admin) = match port {
            _ if fabric => ("up", "none", "up"),
            5 | 6 => ("down", "sfp-missing", "up"),
            7 => ("down", "admin-down", "down"),
            _ => ("up", "none", "up"),
        };
        let descr = match (fabric, port) {
            (true, _) => "fabric link".to_owned(),
            (false, 10) => String::new(),
            (false, p) if p <= 4 => format!("server-{node_id}-{p}"),
            _ => String::new(),
        };
        let dn = format!("{node}/sys/phys-[{id}]");
        let speed = if fabric { "100G" } else { "10G" };
        tree.push(Mo::new(
            "l1PhysIf",
            &dn,
            &[
                ("id", &id),
                ("descr", &descr),
                ("speed", if fabric { "inherit" } else { "10G" }),
                ("bw", "0"),
                (
                    "usage",
                    if fabric {
                        "fabric"
                    } else if oper == "up" {
                        "epg"
                    } else {
                        "discovery"
                    },
                ),
                ("layer", if fabric { "Layer3" } else { "Layer2" }),
                ("mode", "trunk"),
                ("switchingSt", if oper == "up" { "enabled" } else { "disabled" }),
                ("adminSt", admin),
                ("mtu", "9216"),
                ("portT", if fabric { "fab" } else { "leaf" }),
            ],
        ));
        tree.push(Mo::new(
            "ethpmPhysIf",
            &format!("{dn}/phys"),
            &[
                ("operSt", oper),
                ("operStQual", qual),
                ("operSpeed", if oper == "up" { speed } else { "unknown" }),
                ("operDuplex", "auto"),
                ("operMode", "trunk"),
                ("bundleIndex", "unspecified"),
            ],
        ));
    }
}

fn fabric(tree: &mut Vec<Mo>) {
    for line in NODES.lines() {
        node(tree, node_fields(line));
    }
    tree.push(dhcp_client(
        PENDING_LEAF,
        "N9K-C93180YC-FX3",
        "leaf",
        "0",
        "0.0.0.0",
        "requesting",
    ));
    tree.push(dhcp_client(
        PENDING_SPINE,
        "N9K-C9364C",
        "spine",
        "0",
        "0.0.0.0",
        "requesting",
    ));
}
