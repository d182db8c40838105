//! A firewall's dataplane packet capture (`debug dataplane packet-diag …`):
//! filters, stages with their files, capture on and off; turning capture off
//! writes each stage's file as a small but valid libpcap file of packets the
//! first filter matches, which `type=export&category=filters-pcap&from=FILE`
//! hands out.

use std::{fmt::Write, net::Ipv4Addr};

use super::xml::El;

/// One packet filter (`set filter match …`): the fields set, as given.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Its index (1–4 on PAN-OS).
    pub index: u32,
    /// `ingress-interface`, `source`, `source-netmask`, `destination`,
    /// `destination-netmask`, `source-port`, `destination-port`, `protocol`, …
    pub fields: Vec<(String, String)>,
}

impl Filter {
    /// The value of field `name`, if set.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// One capture stage (`set capture stage <stage> file <file> byte-count <n>`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stage {
    /// `receive`, `transmit`, `drop` or `firewall`.
    pub name: String,
    /// The file it writes.
    pub file: String,
    /// How many bytes of each packet it keeps (the pcap's snaplen).
    pub byte_count: u32,
}

/// A firewall's packet-diag state and its capture files.
#[derive(Clone, Debug, Default)]
pub struct Capture {
    /// The packet filters.
    pub filters: Vec<Filter>,
    /// Whether filtering is on.
    pub filter_on: bool,
    /// The capture stages.
    pub stages: Vec<Stage>,
    /// Whether capture is on.
    pub capture_on: bool,
    /// Finished capture files by name.
    pub files: Vec<(String, Vec<u8>)>,
}

/// The stages PAN-OS captures at.
pub const STAGES: [&str; 4] = ["receive", "transmit", "drop", "firewall"];
/// The filter fields PAN-OS accepts.
const FIELDS: [&str; 10] = [
    "ingress-interface",
    "source",
    "source-netmask",
    "destination",
    "destination-netmask",
    "source-port",
    "destination-port",
    "protocol",
    "non-ip",
    "ipv6-only",
];

/// `on`/`off` as text (`<filter>on</filter>`) or as an element (`<filter><on/></filter>`).
fn switch(el: &El) -> Option<bool> {
    let word = if el.text.is_empty() {
        el.children
            .first()
            .filter(|_| el.children.len() == 1)
            .map(|c| c.name.as_str())
    } else {
        Some(el.text.trim())
    };
    match word {
        Some("on") => Some(true),
        Some("off") => Some(false),
        _ => None,
    }
}

impl Capture {
    /// Runs `debug dataplane packet-diag <verb>` on `verb` (`<set>`, `<clear>`,
    /// `<show>`) on a firewall with `interfaces`: the answer's text, or PAN-OS's complaint.
    pub fn run(&mut self, verb: &El, interfaces: &[&str]) -> Result<String, String> {
        match verb.name.as_str() {
            "set" => self.set(verb, interfaces),
            "clear" => {
                let what = verb.children.first().map(|c| c.name.as_str()).unwrap_or("all");
                if matches!(what, "all" | "filter") {
                    self.filters.clear();
                    self.filter_on = false;
                }
                if matches!(what, "all" | "capture") {
                    self.stages.clear();
                    self.capture_on = false;
                }
                Ok(String::new())
            }
            "show" => Ok(self.setting()),
            other => Err(format!(
                " debug -> dataplane -> packet-diag -> {other}  is unexpected"
            )),
        }
    }

    fn set(&mut self, set: &El, interfaces: &[&str]) -> Result<String, String> {
        let Some(what) = set.children.first() else {
            return Err(" debug -> dataplane -> packet-diag -> set  is incomplete".into());
        };
        match what.name.as_str() {
            "filter" => {
                if let Some(on) = switch(what) {
                    self.filter_on = on;
                    return Ok(format!(
                        "Packet filter is {}",
                        if on { "enabled" } else { "disabled" }
                    ));
                }
                let (index, matched) = match (what.find("index"), what.find("match")) {
                    (Some(index), _) => {
                        let entry = index.find("entry").ok_or("filter index needs an entry")?;
                        let number = entry
                            .key()
                            .and_then(|n| n.parse::<u32>().ok())
                            .filter(|n| (1..=4).contains(n))
                            .ok_or("filter index must be between 1 and 4")?;
                        (number, entry.find("match").ok_or("filter index needs match")?)
                    }
                    (None, Some(matched)) => {
                        let next = (1..=4)
                            .find(|n| !self.filters.iter().any(|f| f.index == *n))
                            .ok_or("Only 4 packet filters are allowed")?;
                        (next, matched)
                    }
                    _ => {
                        return Err(
                            " debug -> dataplane -> packet-diag -> set -> filter  is incomplete".into(),
                        );
                    }
                };
                let mut fields = Vec::new();
                for field in &matched.children {
                    if !FIELDS.contains(&field.name.as_str()) {
                        return Err(format!(" match -> {}  is unexpected", field.name));
                    }
                    let value = field.text.trim();
                    if field.name == "ingress-interface" && !interfaces.contains(&value) {
                        return Err(format!(
                            " match -> ingress-interface '{value}' is not a valid interface"
                        ));
                    }
                    fields.push((field.name.clone(), value.to_owned()));
                }
                self.filters.retain(|f| f.index != index);
                self.filters.push(Filter { index, fields });
                self.filters.sort_by_key(|f| f.index);
                Ok(format!("Packet filter {index} set"))
            }
            "capture" => {
                if let Some(on) = switch(what) {
                    if self.capture_on && !on {
                        self.write_files();
                    }
                    self.capture_on = on;
                    return Ok(format!(
                        "Packet capture is {}",
                        if on { "enabled" } else { "disabled" }
                    ));
                }
                let stage = what.find("stage").ok_or(" set -> capture  is incomplete")?;
                // `<stage><entry name="receive">…` (the XML API's form) or `<stage><receive>…`.
                let (name, settings) = match stage.find("entry") {
                    Some(entry) => (entry.key().unwrap_or_default().to_owned(), entry),
                    None => {
                        let only = stage.children.first().ok_or(" capture -> stage  is incomplete")?;
                        (only.name.clone(), only)
                    }
                };
                if !STAGES.contains(&name.as_str()) {
                    return Err(format!(" capture -> stage -> {name}  is unexpected"));
                }
                let file = settings.text_at("file").trim().to_owned();
                if file.is_empty() {
                    return Err(format!(" capture -> stage -> {name}  needs a file"));
                }
                let byte_count = match settings.find("byte-count") {
                    Some(count) => count
                        .text
                        .trim()
                        .parse::<u32>()
                        .ok()
                        .filter(|n| (1..=65535).contains(n))
                        .ok_or("byte-count must be between 1 and 65535")?,
                    None => 65535,
                };
                self.stages.retain(|s| s.name != name);
                self.stages.push(Stage {
                    name: name.clone(),
                    file,
                    byte_count,
                });
                Ok(format!("Capture stage {name} set"))
            }
            other => Err(format!(
                " debug -> dataplane -> packet-diag -> set -> {other}  is unexpected"
            )),
        }
    }

    /// Deletes capture file `name` (`delete debug-filter file NAME`); whether it was there.
    pub fn delete(&mut self, name: &str) -> bool {
        let before = self.files.len();
        self.files.retain(|(n, _)| n != name);
        before != self.files.len()
    }

    /// The capture file `name`, if written.
    pub fn file(&self, name: &str) -> Option<&[u8]> {
        self.files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b.as_slice())
    }

    fn write_files(&mut self) {
        let filter = self
            .filters
            .first()
            .filter(|_| self.filter_on)
            .cloned()
            .unwrap_or_default();
        for stage in self.stages.clone() {
            let pcap = pcap(&filter, stage.byte_count);
            self.files.retain(|(n, _)| *n != stage.file);
            self.files.push((stage.file.clone(), pcap));
        }
    }

    /// `show setting`'s text.
    fn setting(&self) -> String {
        let yes_no = |b: bool| if b { "yes" } else { "no" };
        let mut out = String::from("DP dp0:\n\nPacket diagnosis setting:\n");
        let _ = writeln!(
            out,
            "Packet filter\n  Enabled:                   {}",
            yes_no(self.filter_on)
        );
        for filter in &self.filters {
            let fields: Vec<String> = filter.fields.iter().map(|(n, v)| format!("{n} {v}")).collect();
            let _ = writeln!(out, "  Index {}: {}", filter.index, fields.join(", "));
        }
        let _ = writeln!(
            out,
            "Packet capture\n  Enabled:                   {}",
            yes_no(self.capture_on)
        );
        for stage in &self.stages {
            let _ = writeln!(
                out,
                "  Stage {:<10}: file {}, byte-count {}",
                stage.name, stage.file, stage.byte_count
            );
        }
        out
    }
}

/// The Internet checksum of `bytes`.
fn checksum(bytes: &[u8]) -> u16 {
    let mut sum: u32 = bytes
        .chunks(2)
        .map(|pair| u32::from(u16::from_be_bytes([pair[0], *pair.get(1).unwrap_or(&0)])))
        .sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// An address of `field` in `filter`, or `default`.
fn address(filter: &Filter, field: &str, default: Ipv4Addr) -> Ipv4Addr {
    filter
        .field(field)
        .and_then(|v| v.split('/').next()?.parse().ok())
        .unwrap_or(default)
}

/// One Ethernet/IPv4 frame of TCP (`flags`) or UDP from `src` to `dst`.
fn frame(
    src: Ipv4Addr,
    dst: Ipv4Addr,
    protocol: u8,
    ports: (u16, u16),
    seq: (u32, u32),
    flags: u8,
) -> Vec<u8> {
    let mut l4 = Vec::new();
    l4.extend_from_slice(&ports.0.to_be_bytes());
    l4.extend_from_slice(&ports.1.to_be_bytes());
    if protocol == 17 {
        let payload = b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00";
        l4.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
        l4.extend_from_slice(&[0, 0]);
        l4.extend_from_slice(payload);
    } else {
        l4.extend_from_slice(&seq.0.to_be_bytes());
        l4.extend_from_slice(&seq.1.to_be_bytes());
        l4.extend_from_slice(&[0x50, flags]);
        l4.extend_from_slice(&64240u16.to_be_bytes());
        l4.extend_from_slice(&[0, 0, 0, 0]);
    }
    let mut pseudo = Vec::new();
    pseudo.extend_from_slice(&src.octets());
    pseudo.extend_from_slice(&dst.octets());
    pseudo.extend_from_slice(&[0, protocol]);
    pseudo.extend_from_slice(&(l4.len() as u16).to_be_bytes());
    pseudo.extend_from_slice(&l4);
    let sum = checksum(&pseudo).to_be_bytes();
    let at = if protocol == 17 { 6 } else { 16 };
    l4[at..at + 2].copy_from_slice(&sum);

    let mut ip = vec![0x45, 0];
    ip.extend_from_slice(&((20 + l4.len()) as u16).to_be_bytes());
    ip.extend_from_slice(&[0x1c, 0x46, 0x40, 0x00, 64, protocol, 0, 0]);
    ip.extend_from_slice(&src.octets());
    ip.extend_from_slice(&dst.octets());
    let sum = checksum(&ip).to_be_bytes();
    ip[10..12].copy_from_slice(&sum);

    let mut frame = vec![
        0x00, 0x1b, 0x17, 0x00, 0x01, 0x10, 0xd4, 0xf4, 0xbe, 0x00, 0x00, 0x01, 0x08, 0x00,
    ];
    frame.extend_from_slice(&ip);
    frame.extend_from_slice(&l4);
    frame
}

/// A libpcap file (microsecond, little-endian, Ethernet) of a handshake the
/// filter matches: TCP SYN, SYN-ACK, ACK (UDP: a query and its answer).
pub fn pcap(filter: &Filter, snaplen: u32) -> Vec<u8> {
    let src = address(filter, "source", Ipv4Addr::new(10, 20, 10, 25));
    let dst = address(filter, "destination", Ipv4Addr::new(10, 20, 50, 10));
    let protocol = match filter.field("protocol") {
        Some("17") => 17,
        _ => 6,
    };
    let dport = filter
        .field("destination-port")
        .and_then(|p| p.parse().ok())
        .unwrap_or(if protocol == 17 { 53 } else { 443 });
    let sport = 51_000;
    let frames = if protocol == 17 {
        vec![
            frame(src, dst, 17, (sport, dport), (0, 0), 0),
            frame(dst, src, 17, (dport, sport), (0, 0), 0),
        ]
    } else {
        vec![
            frame(src, dst, 6, (sport, dport), (0x1000, 0), 0x02),
            frame(dst, src, 6, (dport, sport), (0x8000, 0x1001), 0x12),
            frame(src, dst, 6, (sport, dport), (0x1001, 0x8001), 0x10),
        ]
    };
    let mut out = Vec::new();
    out.extend_from_slice(&0xa1b2_c3d4_u32.to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&4u16.to_le_bytes());
    out.extend_from_slice(&0i32.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&snaplen.to_le_bytes());
    out.extend_from_slice(&1u32.to_le_bytes());
    for (i, frame) in frames.iter().enumerate() {
        let kept = frame.len().min(snaplen as usize);
        out.extend_from_slice(&(1_796_334_011u32 + i as u32).to_le_bytes());
        out.extend_from_slice(&(125_000u32 * i as u32).to_le_bytes());
        out.extend_from_slice(&(kept as u32).to_le_bytes());
        out.extend_from_slice(&(frame.len() as u32).to_le_bytes());
        out.extend_from_slice(&frame[..kept]);
    }
    out
}
