//! The `panorama` command's sub-commands and parameters, as help, usage
//! and the access grants see them.

use crate::commands::{CommandSpec, SubcommandSpec};
use crate::workers::toolkit::confirm::confirmable;

/// The firewall a sub-command is about.
const DEVICE: &str = "The firewall's host name in Panorama (a menu lists them)";

/// The spec of a panorama Integration answering to `command`.
pub fn spec(command: &str) -> CommandSpec {
    let sub = SubcommandSpec::new;
    let version = "The PAN-OS version (a menu lists those the firewall offers)";
    CommandSpec::new(
        command,
        "Ask Palo Alto Networks Panorama about its firewalls, rules and software",
    )
    .with(sub("get-devices", "List the firewalls Panorama manages"))
    .with(sub(
        "get-devicegroups",
        "List the device groups and their firewalls",
    ))
    .with(
        sub(
            "validate-rule-exists",
            "Ask a firewall which security rule matches a flow, and its action",
        )
        .param("device", DEVICE)
        .param("src", "The source IP address")
        .param("dst", "The destination IP address")
        .param("proto", "The protocol: tcp, udp or its number")
        .param("port", "The destination port"),
    )
    .with(
        sub("get-version", "Show Panorama's PAN-OS version, and a firewall's")
            .optional_param("device", DEVICE),
    )
    .with(
        sub(
            "get-device-rules",
            "List the security rules of a firewall's device groups",
        )
        .param("device", DEVICE),
    )
    .with(
        sub(
            "export-device-rules",
            "Export the security rules of a firewall's device groups as a CSV file",
        )
        .param("device", DEVICE),
    )
    .with(confirmable(
        sub(
            "upload-software",
            "Download a PAN-OS version onto a firewall (changes the firewall: asks first)",
        )
        .param("device", DEVICE)
        .param("version", version),
        "download it",
    ))
    .with(confirmable(
        sub(
            "install-software",
            "Install a downloaded PAN-OS version on a firewall (changes the firewall: asks first)",
        )
        .param("device", DEVICE)
        .param("version", "The downloaded PAN-OS version (a menu lists them)"),
        "install it",
    ))
    .with(confirmable(
        sub(
            "capture-traffic",
            "Capture packets on a firewall through the XML API and send the pcap file (changes the firewall's packet-diag settings: asks first)",
        )
        .param("device", DEVICE)
        .param("snet", "The source address or network (10.20.10.0/24), or `any`")
        .param("dnet", "The destination address or network, or `any`")
        .param("dport", "The destination port, or `any`")
        .param("intf-name", "The ingress interface (a menu lists the firewall's)")
        .param("ip-proto", "tcp, udp, icmp, a protocol number, or `any`")
        .param("stage", "receive, transmit, drop or firewall")
        .param("seconds", "How long to capture, 1 to 300 seconds"),
        "capture",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_marks_the_software_changes_and_names_every_parameter() {
        let spec = spec("panorama");
        for name in ["upload-software", "install-software", "capture-traffic"] {
            let sub = spec.subcommand(name).unwrap();
            assert!(sub.doc.contains("asks first"), "{}", sub.doc);
            assert_eq!(sub.params.last().unwrap().name, "confirm");
        }
        let capture = spec.subcommand("capture-traffic").unwrap();
        let names: Vec<&str> = capture.params.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "device",
                "snet",
                "dnet",
                "dport",
                "intf-name",
                "ip-proto",
                "stage",
                "seconds",
                "confirm"
            ]
        );
    }
}
