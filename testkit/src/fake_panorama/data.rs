//! The seed: a Panorama with nested device groups, four managed firewalls
//! (one disconnected, two an HA pair), their security rules, address and
//! service objects, and the PAN-OS versions each may download.

use super::{capture::Capture, software::Software, xml::El};

/// The Panorama's own host name (`show system info`).
pub const PANORAMA_HOSTNAME: &str = "panorama-lab";
/// The Panorama's serial.
pub const PANORAMA_SERIAL: &str = "000710012345";
/// The Panorama's PAN-OS version.
pub const PANORAMA_VERSION: &str = "11.1.4-h7";
/// The connected branch firewall in `branch-ams`.
pub const AMS_SERIAL: &str = "007051000123401";
/// The branch firewall in `branch-lon` that is not connected to Panorama.
pub const LON_SERIAL: &str = "007051000123402";
/// The active firewall of the HA pair in `dc`.
pub const DC_A_SERIAL: &str = "013201001234";
/// The passive firewall of the HA pair in `dc`.
pub const DC_B_SERIAL: &str = "013201001235";
/// The device groups and their parents (`None`: under `shared`), in hierarchy order.
pub const DEVICE_GROUPS: [(&str, Option<&str>); 4] = [
    ("branches", None),
    ("branch-ams", Some("branches")),
    ("branch-lon", Some("branches")),
    ("dc", None),
];

/// One managed firewall.
#[derive(Clone, Debug)]
pub struct Firewall {
    /// Serial number, the key Panorama's `target=` names it by.
    pub serial: String,
    /// Host name.
    pub hostname: String,
    /// Model, e.g. `PA-440`.
    pub model: String,
    /// Model family, e.g. `400`.
    pub family: String,
    /// Management address.
    pub ip: String,
    /// Management MAC address.
    pub mac: String,
    /// Whether it is connected to Panorama: a disconnected one answers nothing.
    pub connected: bool,
    /// Its HA state (`active`/`passive`) and peer's serial, when in a pair.
    pub ha: Option<(&'static str, String)>,
    /// The device group it is in.
    pub device_group: String,
    /// Content (application) version.
    pub app_version: String,
    /// What it runs and may download.
    pub software: Software,
    /// Its local configuration (`/config/…` on the firewall itself).
    pub local: El,
    /// Its packet-diag settings and capture files.
    pub capture: Capture,
    /// Its dataplane interfaces (`show interface all`).
    pub interfaces: Vec<Interface>,
}

/// One dataplane interface of a firewall.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interface {
    /// Its name, e.g. `ethernet1/2`.
    pub name: String,
    /// Its security zone (empty for an HA link).
    pub zone: String,
    /// Its address with prefix length (`N/A` for none).
    pub ip: String,
}

fn interfaces(list: &[(&str, &str, &str)]) -> Vec<Interface> {
    list.iter()
        .map(|(name, zone, ip)| Interface {
            name: (*name).to_owned(),
            zone: (*zone).to_owned(),
            ip: (*ip).to_owned(),
        })
        .collect()
}

/// A security rule's `<entry>`: zones, addresses, applications, services,
/// action, as PAN-OS stores them.
#[allow(clippy::too_many_arguments)]
pub fn rule(
    name: &str,
    from: &[&str],
    to: &[&str],
    source: &[&str],
    destination: &[&str],
    application: &[&str],
    service: &[&str],
    action: &str,
    description: &str,
) -> El {
    let mut entry = El::entry(name)
        .attr("uuid", &uuid_of(name))
        .members("from", from)
        .members("to", to)
        .members("source", source)
        .members("destination", destination)
        .members("source-user", &["any"])
        .members("category", &["any"])
        .members("application", application)
        .members("service", service)
        .members("source-hip", &["any"])
        .members("destination-hip", &["any"])
        .child(El::text("action", action));
    if !description.is_empty() {
        entry = entry.child(El::text("description", description));
    }
    entry
}

/// A stable UUID-shaped id per rule name, as PAN-OS 9+ gives each rule.
fn uuid_of(name: &str) -> String {
    let sum = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let hex = format!("{sum:016x}{:016x}", sum.rotate_left(29) ^ 0x9e37_79b9_7f4a_7c15);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

fn address(name: &str, kind: &str, value: &str, description: &str) -> El {
    let entry = El::entry(name).child(El::text(kind, value));
    if description.is_empty() {
        entry
    } else {
        entry.child(El::text("description", description))
    }
}

fn address_group(name: &str, members: &[&str]) -> El {
    El::entry(name).members("static", members)
}

fn service(name: &str, protocol: &str, port: &str) -> El {
    El::entry(name).child(El::new("protocol").child(El::new(protocol).child(El::text("port", port))))
}

fn list(name: &str, entries: Vec<El>) -> El {
    entries.into_iter().fold(El::new(name), El::child)
}

fn rulebase(name: &str, rules: Vec<El>) -> El {
    El::new(name).child(El::new("security").child(list("rules", rules)))
}

fn shared() -> El {
    El::new("shared")
        .child(list(
            "address",
            vec![
                address("dns-google", "ip-netmask", "8.8.8.8/32", "Google public DNS"),
                address(
                    "dns-cloudflare",
                    "ip-netmask",
                    "1.1.1.1/32",
                    "Cloudflare public DNS",
                ),
                address("rfc1918-10", "ip-netmask", "10.0.0.0/8", ""),
                address("rfc1918-172", "ip-netmask", "172.16.0.0/12", ""),
                address("rfc1918-192", "ip-netmask", "192.168.0.0/16", ""),
                address(
                    "blocklist-range",
                    "ip-range",
                    "203.0.113.10-203.0.113.50",
                    "Known bad hosts",
                ),
            ],
        ))
        .child(list(
            "address-group",
            vec![
                address_group("public-dns", &["dns-google", "dns-cloudflare"]),
                address_group("rfc1918", &["rfc1918-10", "rfc1918-172", "rfc1918-192"]),
            ],
        ))
        .child(list(
            "service",
            vec![
                service("tcp-8443", "tcp", "8443"),
                service("udp-dns", "udp", "53"),
                service("tcp-dns", "tcp", "53"),
                service("tcp-ssh", "tcp", "22"),
            ],
        ))
        .child(list(
            "service-group",
            vec![El::entry("dns").members("members", &["udp-dns", "tcp-dns"])],
        ))
        .child(rulebase(
            "pre-rulebase",
            vec![rule(
                "block-blocklist",
                &["any"],
                &["any"],
                &["blocklist-range"],
                &["any"],
                &["any"],
                &["any"],
                "deny",
                "Known bad hosts, on every firewall",
            )],
        ))
        .child(rulebase(
            "post-rulebase",
            vec![rule(
                "deny-to-blocklist",
                &["any"],
                &["any"],
                &["any"],
                &["blocklist-range"],
                &["any"],
                &["any"],
                "deny",
                "Nothing reaches the known bad hosts",
            )],
        ))
}

fn device_group(name: &str, serials: &[&str], parts: Vec<El>) -> El {
    let mut entry = El::entry(name);
    if !serials.is_empty() {
        entry = entry.child(list("devices", serials.iter().map(|s| El::entry(s)).collect()));
    }
    parts.into_iter().fold(entry, El::child)
}

fn device_groups() -> El {
    list(
        "device-group",
        vec![
            device_group(
                "branches",
                &[],
                vec![
                    El::text("description", "All branch offices"),
                    list(
                        "address",
                        vec![address("branch-printers", "ip-netmask", "10.30.99.0/24", "")],
                    ),
                    rulebase(
                        "pre-rulebase",
                        vec![
                            rule(
                                "branches-dns-out",
                                &["trust"],
                                &["untrust"],
                                &["rfc1918"],
                                &["public-dns"],
                                &["dns"],
                                &["application-default"],
                                "allow",
                                "Branches resolve names with the public resolvers",
                            ),
                            rule(
                                "branches-deny-printers-out",
                                &["trust"],
                                &["untrust"],
                                &["branch-printers"],
                                &["any"],
                                &["any"],
                                &["any"],
                                "deny",
                                "",
                            ),
                        ],
                    ),
                ],
            ),
            device_group(
                "branch-ams",
                &[AMS_SERIAL],
                vec![
                    El::text("description", "Amsterdam office"),
                    list(
                        "address",
                        vec![
                            address("ams-users", "ip-netmask", "10.20.10.0/24", "Amsterdam staff"),
                            address("ams-web-01", "ip-netmask", "10.20.50.10/32", ""),
                            address("ams-web-02", "ip-netmask", "10.20.50.11/32", ""),
                        ],
                    ),
                    list(
                        "address-group",
                        vec![address_group("ams-web-servers", &["ams-web-01", "ams-web-02"])],
                    ),
                    rulebase(
                        "pre-rulebase",
                        vec![
                            rule(
                                "ams-users-to-web",
                                &["trust"],
                                &["dmz"],
                                &["ams-users"],
                                &["ams-web-servers"],
                                &["web-browsing", "ssl"],
                                &["service-http", "service-https"],
                                "allow",
                                "Staff reach the web servers",
                            ),
                            rule(
                                "ams-admin-ssh",
                                &["trust"],
                                &["dmz"],
                                &["ams-users"],
                                &["ams-web-servers"],
                                &["ssh"],
                                &["tcp-ssh"],
                                "allow",
                                "",
                            ),
                        ],
                    ),
                    rulebase(
                        "post-rulebase",
                        vec![rule(
                            "ams-deny-web-8443",
                            &["any"],
                            &["dmz"],
                            &["any"],
                            &["ams-web-servers"],
                            &["any"],
                            &["tcp-8443"],
                            "deny",
                            "The admin consoles stay inside",
                        )],
                    ),
                ],
            ),
            device_group(
                "branch-lon",
                &[LON_SERIAL],
                vec![
                    El::text("description", "London office"),
                    list(
                        "address",
                        vec![address("lon-users", "ip-netmask", "10.21.10.0/24", "")],
                    ),
                    rulebase(
                        "pre-rulebase",
                        vec![rule(
                            "lon-users-web-out",
                            &["trust"],
                            &["untrust"],
                            &["lon-users"],
                            &["any"],
                            &["web-browsing", "ssl"],
                            &["application-default"],
                            "allow",
                            "",
                        )],
                    ),
                ],
            ),
            device_group(
                "dc",
                &[DC_A_SERIAL, DC_B_SERIAL],
                vec![
                    El::text("description", "Data centre edge pair"),
                    list(
                        "address",
                        vec![
                            address("dc-app-vip", "ip-netmask", "10.40.0.100/32", "Application VIP"),
                            address("dc-db-subnet", "ip-netmask", "10.40.20.0/24", ""),
                        ],
                    ),
                    list("service", vec![service("tcp-postgres", "tcp", "5432")]),
                    rulebase(
                        "pre-rulebase",
                        vec![
                            rule(
                                "dc-app-to-db",
                                &["app"],
                                &["db"],
                                &["dc-app-vip"],
                                &["dc-db-subnet"],
                                &["postgres"],
                                &["tcp-postgres"],
                                "allow",
                                "The application reaches its database",
                            ),
                            rule(
                                "dc-deny-branches-to-db",
                                &["any"],
                                &["db"],
                                &["rfc1918"],
                                &["dc-db-subnet"],
                                &["any"],
                                &["any"],
                                "deny",
                                "",
                            ),
                        ],
                    ),
                    rulebase(
                        "post-rulebase",
                        vec![rule(
                            "dc-allow-ping",
                            &["any"],
                            &["any"],
                            &["rfc1918"],
                            &["any"],
                            &["ping"],
                            &["application-default"],
                            "allow",
                            "",
                        )],
                    ),
                ],
            ),
        ],
    )
}

/// The `readonly` part: each device group's id and parent, as PAN-OS keeps the hierarchy.
fn readonly() -> El {
    let groups = DEVICE_GROUPS.iter().enumerate().map(|(i, (name, parent))| {
        let entry = El::entry(name).child(El::text("id", &(11 + i).to_string()));
        match parent {
            Some(parent) => entry.child(El::text("parent-dg", parent)),
            None => entry,
        }
    });
    El::new("readonly").child(
        El::new("devices")
            .child(El::entry("localhost.localdomain").child(list("device-group", groups.collect()))),
    )
}

/// Panorama's configuration.
pub fn panorama_config() -> El {
    El::new("config")
        .attr("version", "11.1.0")
        .attr("urldb", "paloaltonetworks")
        .child(shared())
        .child(El::new("devices").child(El::entry("localhost.localdomain").child(device_groups())))
        .child(readonly())
}

/// A firewall's own configuration: its local rules in `vsys1` (the rest comes from Panorama).
fn local_config(hostname: &str, local_rules: Vec<El>) -> El {
    let vsys = El::entry("vsys1")
        .child(El::text("display-name", "vsys1"))
        .child(rulebase("rulebase", local_rules));
    El::new("config").attr("version", "11.1.0").child(
        El::new("devices").child(
            El::entry("localhost.localdomain")
                .child(El::new("deviceconfig").child(El::new("system").child(El::text("hostname", hostname))))
                .child(list("vsys", vec![vsys])),
        ),
    )
}

/// The PAN-OS versions Palo Alto's update server offers, newest first.
pub const AVAILABLE: [&str; 7] = [
    "11.2.4",
    "11.2.3",
    "11.1.6",
    "11.1.4-h7",
    "11.0.6",
    "10.2.12",
    "10.2.10-h2",
];

#[allow(clippy::too_many_arguments)]
fn firewall(
    serial: &str,
    hostname: &str,
    model: &str,
    family: &str,
    ip: &str,
    version: &str,
    downloaded: &[&str],
    device_group: &str,
    local_rules: Vec<El>,
) -> Firewall {
    let digits: String = serial.chars().rev().take(4).collect();
    Firewall {
        serial: serial.to_owned(),
        hostname: hostname.to_owned(),
        model: model.to_owned(),
        family: family.to_owned(),
        ip: ip.to_owned(),
        mac: format!("d4:f4:be:{}:{}:0{}", &digits[..2], &digits[2..], &digits[..1]),
        connected: true,
        ha: None,
        device_group: device_group.to_owned(),
        app_version: "8912-9163".to_owned(),
        software: Software::new(&format!("PanOS_{family}-"), version, downloaded),
        local: local_config(hostname, local_rules),
        capture: Capture::default(),
        interfaces: Vec::new(),
    }
}

/// The managed firewalls.
pub fn firewalls() -> Vec<Firewall> {
    let mut lon = firewall(
        LON_SERIAL,
        "fw-lon-01",
        "PA-440",
        "400",
        "10.21.0.11",
        "10.2.10-h2",
        &["10.2.10-h2"],
        "branch-lon",
        Vec::new(),
    );
    lon.connected = false;
    lon.interfaces = interfaces(&[
        ("ethernet1/1", "untrust", "198.51.100.26/29"),
        ("ethernet1/2", "trust", "10.21.10.1/24"),
    ]);
    let dc_rule = || {
        vec![rule(
            "local-mgmt-ntp",
            &["mgmt"],
            &["untrust"],
            &["any"],
            &["any"],
            &["ntp"],
            &["application-default"],
            "allow",
            "Local to the pair",
        )]
    };
    let mut dc_a = firewall(
        DC_A_SERIAL,
        "fw-dc-01a",
        "PA-3420",
        "3400",
        "10.40.0.2",
        "11.1.4-h7",
        &["11.1.4-h7", "11.1.6"],
        "dc",
        dc_rule(),
    );
    dc_a.ha = Some(("active", DC_B_SERIAL.to_owned()));
    let dc_interfaces = interfaces(&[
        ("ethernet1/1", "untrust", "198.51.100.2/29"),
        ("ethernet1/2", "app", "10.40.0.1/24"),
        ("ethernet1/3", "db", "10.40.20.1/24"),
        ("ethernet1/4", "mgmt", "10.40.99.1/24"),
        ("ethernet1/8", "", "N/A"),
    ]);
    dc_a.interfaces = dc_interfaces.clone();
    let mut dc_b = firewall(
        DC_B_SERIAL,
        "fw-dc-01b",
        "PA-3420",
        "3400",
        "10.40.0.3",
        "11.1.4-h7",
        &["11.1.4-h7"],
        "dc",
        dc_rule(),
    );
    dc_b.ha = Some(("passive", DC_A_SERIAL.to_owned()));
    dc_b.interfaces = dc_interfaces;
    let mut ams = firewall(
        AMS_SERIAL,
        "fw-ams-01",
        "PA-440",
        "400",
        "10.20.0.11",
        "11.1.4-h7",
        &["11.1.4-h7", "11.1.6"],
        "branch-ams",
        Vec::new(),
    );
    ams.interfaces = interfaces(&[
        ("ethernet1/1", "untrust", "198.51.100.18/29"),
        ("ethernet1/2", "trust", "10.20.10.1/24"),
        ("ethernet1/3", "dmz", "10.20.50.1/24"),
    ]);
    vec![ams, lon, dc_a, dc_b]
}
