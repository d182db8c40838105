//! Reading a libpcap file enough to summarize it in chat: how many packets,
//! how many bytes, and the first flows (addresses, protocol, ports). Bad or
//! cut-short files are read as far as they go, never trusted.

use std::net::Ipv4Addr;

/// One IPv4 flow, as first seen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flow {
    /// Source address.
    pub src: Ipv4Addr,
    /// Destination address.
    pub dst: Ipv4Addr,
    /// IP protocol number.
    pub protocol: u8,
    /// TCP/UDP source and destination ports, when the protocol has them.
    pub ports: Option<(u16, u16)>,
}

/// What a capture holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Packets in the file.
    pub packets: usize,
    /// Bytes the packets had on the wire.
    pub bytes: u64,
    /// The distinct IPv4 flows, in the order first seen.
    pub flows: Vec<Flow>,
}

/// Why a file is not a capture.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not a libpcap file")]
pub struct NotPcap;

/// The summary of the libpcap file `bytes` (either byte order, micro- or
/// nanosecond; Ethernet frames are looked into, others only counted).
pub fn summarize(bytes: &[u8]) -> Result<Summary, NotPcap> {
    let header = bytes.get(..24).ok_or(NotPcap)?;
    let magic = [header[0], header[1], header[2], header[3]];
    let little = match magic {
        [0xd4, 0xc3, 0xb2, 0xa1] | [0x4d, 0x3c, 0xb2, 0xa1] => true,
        [0xa1, 0xb2, 0xc3, 0xd4] | [0xa1, 0xb2, 0x3c, 0x4d] => false,
        _ => return Err(NotPcap),
    };
    let u32_at = |b: &[u8], at: usize| -> Option<u32> {
        let four: [u8; 4] = b.get(at..at + 4)?.try_into().ok()?;
        Some(if little {
            u32::from_le_bytes(four)
        } else {
            u32::from_be_bytes(four)
        })
    };
    let ethernet = u32_at(header, 20) == Some(1);
    let mut summary = Summary::default();
    let mut at = 24;
    while let (Some(kept), Some(wire)) = (u32_at(bytes, at + 8), u32_at(bytes, at + 12)) {
        let start = at + 16;
        let Some(frame) = bytes.get(start..start + kept as usize) else {
            break;
        };
        summary.packets += 1;
        summary.bytes += u64::from(wire);
        if ethernet
            && let Some(flow) = flow_of(frame)
            && !summary.flows.contains(&flow)
        {
            summary.flows.push(flow);
        }
        at = start + kept as usize;
    }
    Ok(summary)
}

/// The IPv4 flow of an Ethernet frame, if it carries one.
fn flow_of(frame: &[u8]) -> Option<Flow> {
    if frame.get(12..14)? != [0x08, 0x00] {
        return None;
    }
    let ip = frame.get(14..)?;
    let header_len = usize::from(ip.first()? & 0x0f) * 4;
    let protocol = *ip.get(9)?;
    let src = Ipv4Addr::from(<[u8; 4]>::try_from(ip.get(12..16)?).ok()?);
    let dst = Ipv4Addr::from(<[u8; 4]>::try_from(ip.get(16..20)?).ok()?);
    let ports = match protocol {
        6 | 17 => {
            let l4 = ip.get(header_len..header_len + 4)?;
            Some((
                u16::from_be_bytes([l4[0], l4[1]]),
                u16::from_be_bytes([l4[2], l4[3]]),
            ))
        }
        _ => None,
    };
    Some(Flow {
        src,
        dst,
        protocol,
        ports,
    })
}

#[cfg(test)]
mod tests {
    use chatops_testkit::fake_panorama::capture::{Filter, pcap};

    use super::*;

    #[test]
    fn a_capture_is_counted_and_its_flows_read() {
        let filter = Filter {
            index: 1,
            fields: vec![
                ("source".to_owned(), "10.20.10.25".to_owned()),
                ("destination".to_owned(), "8.8.8.8".to_owned()),
                ("destination-port".to_owned(), "53".to_owned()),
                ("protocol".to_owned(), "17".to_owned()),
            ],
        };
        let file = pcap(&filter, 65535);
        let summary = summarize(&file).unwrap();
        assert_eq!(summary.packets, 2);
        assert_eq!(
            summary.flows[0],
            Flow {
                src: Ipv4Addr::new(10, 20, 10, 25),
                dst: Ipv4Addr::new(8, 8, 8, 8),
                protocol: 17,
                ports: Some((51_000, 53)),
            }
        );
        assert_eq!(summary.flows.len(), 2, "the answer flows back");
        assert!(summary.bytes > 0);
    }

    #[test]
    fn what_is_not_a_capture_is_said_and_a_cut_one_read_as_far_as_it_goes() {
        assert_eq!(summarize(b"<response status='error'/>"), Err(NotPcap));
        let file = pcap(&Filter::default(), 65535);
        let cut = summarize(&file[..file.len() - 3]).unwrap();
        assert_eq!(cut.packets, 2, "the third packet is cut short");
    }
}
