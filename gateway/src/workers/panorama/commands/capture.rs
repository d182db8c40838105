//! `capture-traffic device snet dnet dport intf-name ip-proto stage
//! seconds`: a packet capture on a firewall through the XML API's op
//! commands (`debug dataplane packet-diag …`), not SSH. The filter and the
//! stage are set and capture turned on at once, so a refusal is said right
//! away; the capture then runs for its seconds outside the command's
//! timeout, and its pcap is exported and posted as a follow-up with a short
//! summary read from it.

use std::net::Ipv4Addr;
use std::time::Duration;

use super::rules::{protocol_name, protocol_number};
use super::{device_or_menu, file_name, message};
use crate::model::{Block, Choice, DataFile, Field, FieldKind, Level, Message, Reply};
use crate::workers::panorama::client::PanoramaClient;
use crate::workers::panorama::error::PanoramaError;
use crate::workers::panorama::pcap::{Summary, summarize};
use crate::workers::panorama::session::{Device, Session, element, op_cmd};
use crate::workers::panorama::xml::{El, escape};
use crate::workers::toolkit::confirm::{self, Change as Asked};
use crate::workers::toolkit::credentials::Credential;
use crate::workers::toolkit::render::error;
use crate::workers::toolkit::sentences::sentence;

/// The stages PAN-OS captures at.
pub const STAGES: [&str; 4] = ["receive", "transmit", "drop", "firewall"];

/// The longest capture, in seconds.
pub const MAX_SECONDS: u64 = 300;

/// pcap's media type (RFC 8551 registers it so).
pub const PCAP_MEDIA_TYPE: &str = "application/vnd.tcpdump.pcap";

/// How many flows the summary lists.
const FLOWS_SHOWN: usize = 5;

/// One side of the filter: an address or network, or any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Net(Option<(Ipv4Addr, u8)>);

impl Net {
    fn parse(text: &str, what: &str) -> Result<Net, String> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("any") {
            return Ok(Net(None));
        }
        let (address, length) = text.split_once('/').unwrap_or((text, "32"));
        match (address.parse::<Ipv4Addr>(), length.parse::<u8>()) {
            (Ok(address), Ok(length)) if length <= 32 => Ok(Net(Some((address, length)))),
            _ => Err(format!(
                "`{text}` is not an IPv4 address or network for the {what}, nor `any`."
            )),
        }
    }

    fn said(self) -> String {
        match self.0 {
            None => "any".to_owned(),
            Some((address, 32)) => address.to_string(),
            Some((address, length)) => format!("{address}/{length}"),
        }
    }

    /// The filter's fields for it (`source`, `source-netmask`).
    fn fields(self, name: &str) -> String {
        match self.0 {
            None => String::new(),
            Some((address, length)) => [
                element(name, &address.to_string()),
                element(&format!("{name}-netmask"), &length.to_string()),
            ]
            .concat(),
        }
    }
}

/// What to capture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Capture {
    src: Net,
    dst: Net,
    port: Option<u16>,
    interface: String,
    protocol: Option<u8>,
    stage: String,
    seconds: u64,
}

impl Capture {
    /// The capture typed (arguments 1 to 7), or what is wrong with it.
    pub fn parse(args: &[&str; 7]) -> Result<Capture, String> {
        let [snet, dnet, dport, interface, proto, stage, seconds] = *args;
        let port = if dport.trim().eq_ignore_ascii_case("any") {
            None
        } else {
            Some(
                dport
                    .trim()
                    .parse::<u16>()
                    .ok()
                    .filter(|p| *p >= 1)
                    .ok_or_else(|| {
                        format!("`{dport}` is not a port: use a number from 1 to 65535, or `any`.")
                    })?,
            )
        };
        let protocol = if proto.trim().eq_ignore_ascii_case("any") {
            None
        } else {
            Some(protocol_number(proto.trim()).ok_or_else(|| {
                format!("`{proto}` is not a protocol: use tcp, udp, icmp, a number from 1 to 255, or `any`.")
            })?)
        };
        let stage = stage.trim().to_ascii_lowercase();
        if !STAGES.contains(&stage.as_str()) {
            return Err(format!("`{stage}` is not a stage: use {}.", STAGES.join(", ")));
        }
        let seconds = seconds
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|s| (1..=MAX_SECONDS).contains(s))
            .ok_or_else(|| format!("`{seconds}` is not a capture time: use 1 to {MAX_SECONDS} seconds."))?;
        Ok(Capture {
            src: Net::parse(snet, "source")?,
            dst: Net::parse(dnet, "destination")?,
            port,
            interface: interface.trim().to_owned(),
            protocol,
            stage,
            seconds,
        })
    }

    fn filter(&self) -> String {
        let mut fields = element("ingress-interface", &self.interface);
        fields.push_str(&self.src.fields("source"));
        fields.push_str(&self.dst.fields("destination"));
        if let Some(port) = self.port {
            fields.push_str(&element("destination-port", &port.to_string()));
        }
        if let Some(protocol) = self.protocol {
            fields.push_str(&element("protocol", &protocol.to_string()));
        }
        fields
    }

    fn file(&self) -> String {
        format!("chatops-{}.pcap", self.stage)
    }

    fn said(&self) -> String {
        format!(
            "{} {} → {}{} on {} at stage {}",
            self.protocol
                .map_or_else(|| "any protocol".to_owned(), protocol_name),
            self.src.said(),
            self.dst.said(),
            self.port.map(|p| format!(" port {p}")).unwrap_or_default(),
            self.interface,
            self.stage
        )
    }
}

/// `debug dataplane packet-diag <words…>` around `inner`.
fn diag(words: &[&str], inner: &str) -> String {
    let all: Vec<&str> = ["debug", "dataplane", "packet-diag"]
        .iter()
        .chain(words)
        .copied()
        .collect();
    op_cmd(&all, inner)
}

/// Choices that are their own labels.
fn same(values: &[&str]) -> Vec<Choice> {
    values.iter().map(|v| Choice::same(*v)).collect()
}

/// `capture-traffic …`: asks for what is missing, sets the capture up, and
/// promises the pcap.
pub async fn capture_traffic(session: &Session<'_>) -> Result<Reply, PanoramaError> {
    let device = match device_or_menu(session, 0).await? {
        Ok(device) => device,
        Err(reply) => return Ok(reply),
    };
    let labels = [
        "Source address or network (or any)",
        "Destination address or network (or any)",
        "Destination port (or any)",
    ];
    if let Some(first) = (1..=3).find(|i| session.arg(*i).is_none()) {
        let fields = labels[first - 1..]
            .iter()
            .map(|label| Field::new(*label, FieldKind::Text))
            .collect();
        return Ok(session
            .call
            .form(format!("What to capture on {}?", device.hostname), fields));
    }
    if session.arg(4).is_none() {
        let result = session
            .op(
                op_cmd(&["show", "interface"], "all"),
                Some(&device.serial),
                "view",
                format!("the interfaces of {}", device.hostname),
            )
            .await?;
        return Ok(session.ask(
            format!(
                "Which interface of {} do the packets come in on?",
                device.hostname
            ),
            interface_choices(&result),
            format!("{} has no dataplane interfaces.", device.hostname),
        ));
    }
    if session.arg(5).is_none() {
        return Ok(session.menu("Which IP protocol?", same(&["tcp", "udp", "icmp", "any"])));
    }
    if session.arg(6).is_none() {
        return Ok(session.menu("At which stage?", same(&STAGES)));
    }
    let Some(seconds) = session.arg(7) else {
        return Ok(session.menu("For how many seconds?", same(&["10", "30", "60", "120"])));
    };
    let given = |i| session.arg(i).unwrap_or_default();
    let capture = match Capture::parse(&[
        given(1),
        given(2),
        given(3),
        given(4),
        given(5),
        given(6),
        seconds,
    ]) {
        Ok(capture) => capture,
        Err(why) => return Ok(error(why)),
    };
    // A capture clears the firewall's packet-diag settings (an admin's own
    // capture included) and turns debug capture on while it runs: it
    // changes the firewall, so it asks first.
    let asked = Asked {
        question: format!(
            "Capture {} on **{}** for {} s, as {}? This clears the firewall's packet-diag settings first and after.",
            capture.said(),
            device.hostname,
            capture.seconds,
            session.who.user
        ),
        yes: "Yes, capture".to_owned(),
        declined: format!("Not captured: nothing was changed on **{}**.", device.hostname),
    };
    if let Some(reply) = confirm::confirm(&session.call, 8, asked) {
        return Ok(reply);
    }
    let object = || format!("a packet capture on {}", device.hostname);
    let target = Some(device.serial.as_str());
    let stage = format!(
        "<entry name=\"{}\">{}</entry>",
        escape(&capture.stage),
        element("file", &capture.file())
    );
    for cmd in [
        diag(&["clear", "all"], ""),
        diag(&["set", "filter", "match"], &capture.filter()),
        diag(&["set", "filter"], "on"),
        diag(&["set", "capture", "stage"], &stage),
        diag(&["set", "capture"], "on"),
    ] {
        session.op(cmd, target, "run", object()).await?;
    }
    let running = Running {
        client: session.client.clone(),
        who: session.who.clone(),
        device: device.clone(),
        capture: capture.clone(),
    };
    let abandoned = render_abandoned(&running);
    session.call.follow_up(finish(running), abandoned);
    Ok(message(
        Level::Info,
        vec![Block::Text(format!(
            "Capturing {} on **{}** for {} s; the capture follows here.",
            capture.said(),
            device.hostname,
            capture.seconds
        ))],
    ))
}

/// The interfaces of `show interface all`, by name with their zone and address.
pub fn interface_choices(result: &El) -> Vec<Choice> {
    result
        .find("ifnet")
        .map(|list| {
            list.entries()
                .map(|entry| {
                    let name = entry.text_at("name");
                    let zone = entry.text_at("zone");
                    let ip = entry.text_at("ip");
                    let about: Vec<&str> = [zone, ip]
                        .into_iter()
                        .filter(|v| !v.is_empty() && *v != "N/A")
                        .collect();
                    Choice {
                        label: if about.is_empty() {
                            name.to_owned()
                        } else {
                            format!("{name} ({})", about.join(", "))
                        },
                        value: name.to_owned(),
                    }
                })
                .filter(|c| !c.value.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// A capture set up and running.
pub struct Running {
    client: PanoramaClient,
    who: Credential,
    device: Device,
    capture: Capture,
}

/// Waits out the capture, turns it off, exports its file and clears the
/// settings: the message with the pcap and its summary, or why not.
pub async fn finish(running: Running) -> Option<Message> {
    tokio::time::sleep(Duration::from_secs(running.capture.seconds)).await;
    Some(match collect(&running).await {
        Ok(pcap) => render_capture(&running.device, &running.capture, pcap),
        Err(problem) => Message {
            level: Level::Error,
            blocks: vec![Block::Text(format!(
                "The packet capture on **{}** could not be collected: {}",
                running.device.hostname,
                sentence(&problem.to_string())
            ))],
            ..Default::default()
        },
    })
}

async fn collect(running: &Running) -> Result<Vec<u8>, PanoramaError> {
    let Running {
        client,
        who,
        device,
        capture,
    } = running;
    let target = Some(device.serial.as_str());
    let object = || ("run", format!("a packet capture on {}", device.hostname));
    client
        .op(who, diag(&["set", "capture"], "off"), target, object())
        .await?;
    client
        .op(who, diag(&["set", "filter"], "off"), target, object())
        .await?;
    let request = crate::workers::panorama::client::Request {
        params: vec![
            ("type", "export".to_owned()),
            ("category", "filters-pcap".to_owned()),
            ("from", capture.file()),
        ],
        target,
        action: "view",
        object: format!("the capture file of {}", device.hostname),
    };
    let pcap = client.download(who, request).await?;
    // Leave the firewall as it was; a failure here loses nothing of the capture.
    let _ = client
        .op(who, diag(&["clear", "all"], ""), target, object())
        .await;
    Ok(pcap)
}

/// The capture as a pcap file and a short summary read from it.
pub fn render_capture(device: &Device, capture: &Capture, pcap: Vec<u8>) -> Message {
    let summary = match summarize(&pcap) {
        Ok(summary) => render_summary(&summary),
        Err(_) => "The file Panorama exported is not a pcap file; it is attached as it came.".to_owned(),
    };
    Message {
        level: Level::Info,
        blocks: vec![
            Block::Text(format!(
                "Packet capture on **{}** ({}), {} s.",
                device.hostname,
                capture.said(),
                capture.seconds
            )),
            Block::Text(summary),
            Block::Data(DataFile {
                file_name: file_name(&format!("{}-{}", device.hostname, capture.stage), "pcap"),
                title: format!("Packet capture on {}", device.hostname),
                media_type: PCAP_MEDIA_TYPE.to_owned(),
                bytes: pcap,
            }),
        ],
        ..Default::default()
    }
}

/// `3 packets, 186 bytes` and the first flows, one per line.
pub fn render_summary(summary: &Summary) -> String {
    if summary.packets == 0 {
        return "No packets matched the filter.".to_owned();
    }
    let mut text = format!(
        "{} packet{}, {} bytes.",
        summary.packets,
        if summary.packets == 1 { "" } else { "s" },
        summary.bytes
    );
    for flow in summary.flows.iter().take(FLOWS_SHOWN) {
        let (src, dst) = match flow.ports {
            Some((sport, dport)) => (format!("{}:{sport}", flow.src), format!("{}:{dport}", flow.dst)),
            None => (flow.src.to_string(), flow.dst.to_string()),
        };
        text.push_str(&format!("\n`{src} → {dst}` {}", protocol_name(flow.protocol)));
    }
    if summary.flows.len() > FLOWS_SHOWN {
        text.push_str(&format!(
            "\n… and {} more flows.",
            summary.flows.len() - FLOWS_SHOWN
        ));
    }
    text
}

/// What is said when the capture cannot be waited for.
pub fn render_abandoned(running: &Running) -> Message {
    Message {
        level: Level::Warning,
        blocks: vec![Block::Text(format!(
            "The packet capture on **{}** is not collected here; turn it off with `debug dataplane packet-diag set capture off` and export `{}` yourself.",
            running.device.hostname,
            running.capture.file()
        ))],
        ..Default::default()
    }
}

/// `error` for arguments that are not a capture, for the tests of the parse.
#[cfg(test)]
pub fn parse_error(args: &[&str; 7]) -> Option<String> {
    Capture::parse(args).err()
}
