//! `validate-rule-exists`, `get-device-rules` and `export-device-rules`:
//! the security rules Panorama pushes to a firewall, and which one a flow
//! meets on the firewall itself.

use std::net::Ipv4Addr;

use super::objects::{address_value, service_value};
use super::{device_or_menu, file_name, message};
use crate::model::{Block, Field, FieldKind, Level, Reply, TextFile};
use crate::workers::panorama::error::PanoramaError;
use crate::workers::panorama::session::{Device, Session, element, op_cmd};
use crate::workers::panorama::xml::{El, escape};
use crate::workers::toolkit::render::{error, table_message};

/// `validate-rule-exists device src dst proto port`: `test
/// security-policy-match` on the firewall, so that its own evaluation
/// (Panorama's rules and its local ones, in order) decides.
pub async fn validate_rule_exists(session: &Session<'_>) -> Result<Reply, PanoramaError> {
    let device = match device_or_menu(session, 0).await? {
        Ok(device) => device,
        Err(reply) => return Ok(reply),
    };
    let given: Vec<Option<&str>> = (1..=4).map(|i| session.arg(i)).collect();
    let [Some(src), Some(dst), Some(proto), Some(port)] = given[..] else {
        return Ok(session.call.form(
            format!("Which flow through {}?", device.hostname),
            vec![
                Field::new("Source IP", FieldKind::Text),
                Field::new("Destination IP", FieldKind::Text),
                Field::new("Protocol (tcp, udp or a number)", FieldKind::Text),
                Field::new("Destination port", FieldKind::Text),
            ],
        ));
    };
    let flow = match Flow::parse(src, dst, proto, port) {
        Ok(flow) => flow,
        Err(why) => return Ok(error(why)),
    };
    let result = session
        .op(
            flow.command(),
            Some(&device.serial),
            "run",
            format!("a policy match on {}", device.hostname),
        )
        .await?;
    Ok(render_match(&device, &flow, &result))
}

/// The flow asked about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flow {
    src: Ipv4Addr,
    dst: Ipv4Addr,
    proto: u8,
    port: u16,
}

/// `tcp`, `udp`, `icmp` or a number as an IP protocol number.
pub fn protocol_number(text: &str) -> Option<u8> {
    match text.to_ascii_lowercase().as_str() {
        "tcp" => Some(6),
        "udp" => Some(17),
        "icmp" => Some(1),
        number => number.parse::<u8>().ok().filter(|n| *n >= 1),
    }
}

/// The protocol's name when it has a common one.
pub fn protocol_name(number: u8) -> String {
    match number {
        6 => "tcp".to_owned(),
        17 => "udp".to_owned(),
        1 => "icmp".to_owned(),
        other => format!("protocol {other}"),
    }
}

impl Flow {
    /// The flow typed, or what is wrong with it.
    pub fn parse(src: &str, dst: &str, proto: &str, port: &str) -> Result<Flow, String> {
        let ip = |text: &str, what: &str| {
            text.trim()
                .parse::<Ipv4Addr>()
                .map_err(|_| format!("`{text}` is not an IPv4 address for the {what}."))
        };
        Ok(Flow {
            src: ip(src, "source")?,
            dst: ip(dst, "destination")?,
            proto: protocol_number(proto.trim()).ok_or_else(|| {
                format!("`{proto}` is not a protocol: use tcp, udp or a number from 1 to 255.")
            })?,
            port: port
                .trim()
                .parse::<u16>()
                .ok()
                .filter(|p| *p >= 1)
                .ok_or_else(|| format!("`{port}` is not a port: use a number from 1 to 65535."))?,
        })
    }

    fn command(&self) -> String {
        let inner = [
            element("source", &self.src.to_string()),
            element("destination", &self.dst.to_string()),
            element("protocol", &self.proto.to_string()),
            element("destination-port", &self.port.to_string()),
        ]
        .concat();
        op_cmd(&["test", "security-policy-match"], &inner)
    }

    fn said(&self) -> String {
        format!(
            "{} → {} {}/{}",
            self.src,
            self.dst,
            protocol_name(self.proto),
            self.port
        )
    }
}

/// Which rule the flow meets on `device`, and its action; or that none does.
pub fn render_match(device: &Device, flow: &Flow, result: &El) -> Reply {
    let matched = result.find("rules").and_then(|rules| rules.entries().next());
    let Some(rule) = matched else {
        return message(
            Level::Warning,
            vec![Block::Text(format!(
                "No security rule on **{}** matches {}: the default rules decide (intrazone allowed, interzone denied).",
                device.hostname,
                flow.said()
            ))],
        );
    };
    let action = rule.text_at("action");
    let level = if action == "allow" {
        Level::Info
    } else {
        Level::Warning
    };
    message(
        level,
        vec![Block::Text(format!(
            "On **{}**, {} matches rule **{}**: **{}**.",
            device.hostname,
            flow.said(),
            rule.key(),
            action
        ))],
    )
}

/// How the rules are given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    /// A table in the chat.
    Table,
    /// A CSV file.
    Csv,
}

/// Where a rule was found: its rulebase and scope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scoped {
    /// `pre` or `post`.
    pub base: &'static str,
    /// `shared` or the device group.
    pub scope: String,
    /// The rule's `<entry>`.
    pub rule: El,
}

/// `get-device-rules device` and `export-device-rules device`: the rules of
/// the firewall's device group and those above it, objects named with
/// their values.
pub async fn get_device_rules(session: &Session<'_>, output: Output) -> Result<Reply, PanoramaError> {
    let devices = session.devices().await?;
    let Some(named) = session.arg(0) else {
        return Ok(session.ask(
            "Which firewall?",
            super::device_choices(&devices),
            "Panorama manages no firewalls.",
        ));
    };
    let Some(device) = super::find_device(&devices, named) else {
        return Ok(super::render_no_device(named));
    };
    let groups = session.device_groups().await?;
    let Some(group) = groups
        .iter()
        .find(|(_, members)| members.iter().any(|m| m.serial == device.serial))
        .map(|(name, _)| name.clone())
    else {
        return Ok(error(format!(
            "**{}** is in no device group, so Panorama pushes no rules to it.",
            device.hostname
        )));
    };
    let hierarchy = session.hierarchy().await?;
    // The group, then its parents up to the top.
    let mut chain = vec![group.clone()];
    while let Some(parent) = hierarchy
        .iter()
        .find(|(g, _)| Some(g) == chain.last())
        .and_then(|(_, p)| p.clone())
    {
        if chain.contains(&parent) || chain.len() > 16 {
            break;
        }
        chain.push(parent);
    }
    let shared = session
        .config("/config/shared", "the shared rules and objects".to_owned())
        .await?
        .find("shared")
        .cloned()
        .unwrap_or_default();
    let mut scopes = Vec::new();
    for name in &chain {
        let xpath = format!(
            "/config/devices/entry[@name='localhost.localdomain']/device-group/entry[@name='{}']",
            escape(name)
        );
        let found = session.config(&xpath, format!("device group {name}")).await?;
        scopes.push((name.clone(), found.find("entry").cloned().unwrap_or_default()));
    }
    scopes.push(("shared".to_owned(), shared));
    let rules = ordered_rules(&scopes);
    let rows = rule_rows(&rules, &scopes);
    Ok(match output {
        Output::Table => render_rules(&device.hostname, &group, rows),
        Output::Csv => render_csv(&device.hostname, &group, &rows),
    })
}

/// The rules in PAN-OS's order: shared pre-rules, the groups' pre-rules from
/// the top down, then the groups' post-rules from the firewall's group up,
/// shared post-rules. `scopes` runs from the firewall's group up to `shared`.
pub fn ordered_rules(scopes: &[(String, El)]) -> Vec<Scoped> {
    let of = |(name, scope): &(String, El), base: &'static str| -> Vec<Scoped> {
        scope
            .at(&format!("{base}-rulebase/security/rules"))
            .map(|rules| {
                rules
                    .entries()
                    .map(|rule| Scoped {
                        base,
                        scope: name.clone(),
                        rule: rule.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    for scope in scopes.iter().rev() {
        out.extend(of(scope, "pre"));
    }
    for scope in scopes {
        out.extend(of(scope, "post"));
    }
    out
}

/// The columns of the rules' table and file.
pub const COLUMNS: [&str; 9] = [
    "Rulebase",
    "Name",
    "From",
    "Source",
    "To",
    "Destination",
    "Application",
    "Service",
    "Action",
];

/// One row per rule, objects named with their values.
pub fn rule_rows(rules: &[Scoped], scopes: &[(String, El)]) -> Vec<Vec<String>> {
    rules
        .iter()
        .map(|scoped| {
            let rule = &scoped.rule;
            let addresses = |field: &str| {
                rule.members(field)
                    .iter()
                    .map(|m| address_value(m, scopes, 0))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let services = rule
                .members("service")
                .iter()
                .map(|m| service_value(m, scopes, 0))
                .collect::<Vec<_>>()
                .join(", ");
            vec![
                format!("{} ({})", scoped.base, scoped.scope),
                rule.key().to_owned(),
                rule.members("from").join(", "),
                addresses("source"),
                rule.members("to").join(", "),
                addresses("destination"),
                rule.members("application").join(", "),
                services,
                rule.text_at("action").to_owned(),
            ]
        })
        .collect()
}

/// The rules as a table.
pub fn render_rules(hostname: &str, group: &str, rows: Vec<Vec<String>>) -> Reply {
    let note = rows
        .is_empty()
        .then(|| format!("Panorama pushes no security rules to **{hostname}**."));
    table_message(
        format!("Security rules of {hostname} (device group {group})"),
        &COLUMNS,
        rows,
        note,
    )
}

/// One CSV field, quoted when it must be (RFC 4180).
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// The rules as CSV text: a header line, then one line per rule.
pub fn csv(rows: &[Vec<String>]) -> String {
    std::iter::once(COLUMNS.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>())
        .chain(rows.iter().cloned())
        .map(|row| row.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","))
        .map(|line| line + "\r\n")
        .collect()
}

/// The rules as a CSV file, always a file.
pub fn render_csv(hostname: &str, group: &str, rows: &[Vec<String>]) -> Reply {
    message(
        Level::Info,
        vec![
            Block::Text(format!(
                "The {} security rules of **{hostname}** (device group {group}), as CSV.",
                rows.len()
            )),
            Block::File(TextFile {
                file_name: file_name(&format!("{hostname}-rules"), "csv"),
                title: format!("Security rules of {hostname}"),
                text: csv(rows),
            }),
        ],
    )
}
