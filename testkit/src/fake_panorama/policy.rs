//! `test security-policy-match` on a managed firewall: its rules in PAN-OS's
//! evaluation order (shared pre-rules, its device groups' pre-rules from the
//! top of the hierarchy down, its local rules, its device groups' post-rules
//! from its own group up, shared post-rules), each held against the zones,
//! addresses (objects, ranges, nested groups, literals), protocol, port
//! (service objects and groups, `service-http`/`service-https`,
//! `application-default`) and application asked about.

use std::net::Ipv4Addr;

use super::xml::El;

/// What is asked (the `<security-policy-match>` parameters).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    /// `from`: the source zone, when given.
    pub from: Option<String>,
    /// `to`: the destination zone, when given.
    pub to: Option<String>,
    /// `source`.
    pub source: Option<Ipv4Addr>,
    /// `destination`.
    pub destination: Option<Ipv4Addr>,
    /// `protocol`: the IP protocol number.
    pub protocol: u8,
    /// `destination-port`.
    pub port: Option<u16>,
    /// `application`.
    pub application: Option<String>,
    /// `show-all`: every match up to the first allow, not only the first.
    pub show_all: bool,
}

impl Query {
    /// The query of a `<security-policy-match>` element, or PAN-OS's complaint.
    pub fn parse(el: &El) -> Result<Query, String> {
        let mut query = Query::default();
        let ip = |field: &El| {
            field.text.trim().parse::<Ipv4Addr>().map_err(|_| {
                format!(
                    " test -> security-policy-match -> {} '{}' is not a valid IP address.",
                    field.name, field.text
                )
            })
        };
        let mut protocol = None;
        for field in &el.children {
            let text = field.text.trim();
            match field.name.as_str() {
                "from" => query.from = Some(text.to_owned()),
                "to" => query.to = Some(text.to_owned()),
                "source" => query.source = Some(ip(field)?),
                "destination" => query.destination = Some(ip(field)?),
                "protocol" => {
                    protocol = Some(text.parse::<u8>().ok().filter(|p| *p >= 1).ok_or_else(|| {
                        format!(" test -> security-policy-match -> protocol '{text}' is not between 1 and 255.")
                    })?)
                }
                "destination-port" => {
                    query.port = Some(text.parse::<u16>().ok().filter(|p| *p >= 1).ok_or_else(|| {
                        format!(" test -> security-policy-match -> destination-port '{text}' is not between 1 and 65535.")
                    })?)
                }
                "application" => query.application = Some(text.to_owned()),
                "show-all" => query.show_all = text == "yes",
                "source-user" | "category" | "source-port" => {}
                other => return Err(format!(" test -> security-policy-match -> {other}  is unexpected")),
            }
        }
        query.protocol = protocol.ok_or(" test -> security-policy-match  protocol is missing")?;
        if query.source.is_none() || query.destination.is_none() {
            return Err(" test -> security-policy-match  source and destination are required".into());
        }
        Ok(query)
    }
}

/// Where a rule's names are looked up: the firewall's own vsys, its device
/// groups from its own up, then `shared`.
pub struct Scopes<'a>(pub Vec<&'a El>);

/// An inclusive range of IPv4 addresses.
type Range = (u32, u32);

fn literal(text: &str) -> Option<Range> {
    if let Some((lo, hi)) = text.split_once('-') {
        let (lo, hi): (Ipv4Addr, Ipv4Addr) = (lo.trim().parse().ok()?, hi.trim().parse().ok()?);
        return Some((lo.into(), hi.into()));
    }
    let (address, bits) = match text.split_once('/') {
        Some((a, b)) => (a, b.parse::<u32>().ok().filter(|b| *b <= 32)?),
        None => (text, 32),
    };
    let address: u32 = address.parse::<Ipv4Addr>().ok()?.into();
    let mask = if bits == 0 { 0 } else { u32::MAX << (32 - bits) };
    Some((address & mask, (address & mask) | !mask))
}

/// Ports of one protocol: `(protocol, lo, hi)`.
type Ports = (u8, u16, u16);

fn port_spec(protocol: u8, spec: &str) -> Vec<Ports> {
    spec.split(',')
        .filter_map(|part| {
            let (lo, hi) = part.split_once('-').unwrap_or((part, part));
            Some((protocol, lo.trim().parse().ok()?, hi.trim().parse().ok()?))
        })
        .collect()
}

/// The ports an application uses by default (`application-default`); `None`: any.
fn application_default(application: &str) -> Option<Vec<Ports>> {
    Some(match application {
        "web-browsing" => vec![(6, 80, 80)],
        "ssl" => vec![(6, 443, 443)],
        "dns" => vec![(17, 53, 53), (6, 53, 53)],
        "ssh" => vec![(6, 22, 22)],
        "postgres" => vec![(6, 5432, 5432)],
        "ntp" => vec![(17, 123, 123)],
        "ping" => vec![(1, 0, 0)],
        _ => return None,
    })
}

impl Scopes<'_> {
    fn entry(&self, list: &str, name: &str) -> Option<&El> {
        self.0
            .iter()
            .find_map(|scope| scope.find(list)?.entry_named(name))
    }

    /// The address ranges `member` stands for; `None`: any.
    fn addresses(&self, member: &str, depth: u8) -> Option<Vec<Range>> {
        if member == "any" {
            return None;
        }
        if let Some(object) = self.entry("address", member) {
            let found = ["ip-netmask", "ip-range"]
                .iter()
                .find_map(|kind| object.find(kind).and_then(|v| literal(v.text.trim())));
            return Some(found.into_iter().collect());
        }
        if let Some(group) = self.entry("address-group", member) {
            if depth > 8 {
                return Some(Vec::new());
            }
            let mut ranges = Vec::new();
            for inner in group.members_of("static") {
                match self.addresses(inner, depth + 1) {
                    Some(found) => ranges.extend(found),
                    None => return None,
                }
            }
            return Some(ranges);
        }
        Some(literal(member).into_iter().collect())
    }

    /// The ports `member` stands for; `None`: any.
    fn services(&self, member: &str, applications: &[&str], depth: u8) -> Option<Vec<Ports>> {
        match member {
            "any" => return None,
            "application-default" => {
                let mut ports = Vec::new();
                for application in applications {
                    ports.extend(application_default(application)?);
                }
                return Some(ports);
            }
            "service-http" => return Some(vec![(6, 80, 80), (6, 8080, 8080)]),
            "service-https" => return Some(vec![(6, 443, 443)]),
            _ => {}
        }
        if let Some(object) = self.entry("service", member) {
            let protocol = object.find("protocol").and_then(|p| p.children.first());
            return Some(match protocol {
                Some(p) if p.name == "tcp" => port_spec(6, p.text_at("port")),
                Some(p) if p.name == "udp" => port_spec(17, p.text_at("port")),
                _ => Vec::new(),
            });
        }
        if let Some(group) = self.entry("service-group", member) {
            let mut ports = Vec::new();
            for inner in group.members_of("members") {
                if depth > 8 {
                    break;
                }
                ports.extend(self.services(inner, applications, depth + 1)?);
            }
            return Some(ports);
        }
        Some(Vec::new())
    }

    fn address_matches(&self, rule: &El, field: &str, ip: Option<Ipv4Addr>) -> bool {
        let Some(ip) = ip.map(u32::from) else {
            return true;
        };
        let members = rule.members_of(field);
        let inside = members.iter().any(|m| match self.addresses(m, 0) {
            None => true,
            Some(ranges) => ranges.iter().any(|(lo, hi)| (*lo..=*hi).contains(&ip)),
        });
        let negate = rule.text_at(&format!("negate-{field}")) == "yes";
        inside != negate
    }

    fn service_matches(&self, rule: &El, query: &Query) -> bool {
        let applications = rule.members_of("application");
        rule.members_of("service")
            .iter()
            .any(|m| match self.services(m, &applications, 0) {
                None => true,
                Some(ports) => ports.iter().any(|(protocol, lo, hi)| {
                    *protocol == query.protocol
                        && (*protocol == 1 || query.port.is_some_and(|p| (*lo..=*hi).contains(&p)))
                }),
            })
    }

    /// Whether `rule` matches `query`.
    pub fn matches(&self, rule: &El, query: &Query) -> bool {
        let zone = |field: &str, asked: &Option<String>| {
            asked
                .as_ref()
                .is_none_or(|z| rule.members_of(field).iter().any(|m| *m == "any" || m == z))
        };
        let application = query.application.as_ref().is_none_or(|a| {
            rule.members_of("application")
                .iter()
                .any(|m| *m == "any" || m == a)
        });
        rule.text_at("disabled") != "yes"
            && zone("from", &query.from)
            && zone("to", &query.to)
            && application
            && self.address_matches(rule, "source", query.source)
            && self.address_matches(rule, "destination", query.destination)
            && self.service_matches(rule, query)
    }
}

/// The `<rules>` answer: the first rule (or, with `show-all`, every rule
/// up to the first allow) of `rules`, in order, that matches `query`.
pub fn answer(rules: &[&El], scopes: &Scopes, query: &Query) -> El {
    let mut found = El::new("rules");
    for (i, rule) in rules.iter().enumerate() {
        if !scopes.matches(rule, query) {
            continue;
        }
        let action = rule.text_at("action").to_owned();
        let mut entry =
            El::entry(rule.key().unwrap_or_default()).child(El::text("index", &(i + 1).to_string()));
        for field in [
            "from",
            "source",
            "to",
            "destination",
            "category",
            "application",
            "service",
        ] {
            let members = rule.members_of(field);
            entry = entry.members(field, &members);
        }
        entry = entry
            .child(El::text("action", &action))
            .child(El::text("icmp-unreachable", "no"))
            .child(El::text("terminal", "yes"));
        found = found.child(entry);
        if !query.show_all || action == "allow" {
            break;
        }
    }
    found
}
