//! The `meraki` command's sub-commands and parameters, as help, usage and
//! the access grants see them.

use crate::commands::{CommandSpec, SubcommandSpec};
use crate::workers::toolkit::confirm::confirmable;

/// The organization parameter every sub-command but the first takes.
const ORG: &str = "The organization's name (a menu lists them; left out when the key sees only one)";

/// The spec of a meraki Integration answering to `command`.
pub fn spec(command: &str) -> CommandSpec {
    let sub = |name: &str, doc: &str| SubcommandSpec::new(name, doc);
    let of_org = |name: &str, doc: &str| sub(name, doc).param("org", ORG);
    let on_device = |name: &str, doc: &str, device: &str| of_org(name, doc).param("device", device);
    let switch = "The switch's name (a menu lists the organization's MS switches)";
    CommandSpec::new(
        command,
        "Ask Cisco Meraki about its organizations, networks and devices, and change switch ports",
    )
    .with(sub(
        "get-organizations",
        "List the organizations the API key sees",
    ))
    .with(of_org("get-admins", "List an organization's admins"))
    .with(of_org("get-devices", "List an organization's devices").param(
        "type",
        "`all`, `MS` (switches), `MR` (access points), `MX` (appliances), `MV` (cameras), `MG` or `MT`",
    ))
    .with(of_org("get-networks", "List an organization's networks"))
    .with(on_device(
        "get-switchports",
        "Show a switch's port settings",
        switch,
    ))
    .with(on_device(
        "get-switchports-status",
        "Show a switch's ports now: status, errors, speed, traffic",
        switch,
    ))
    .with(on_device(
        "get-firewall-performance",
        "Show an MX appliance's performance score",
        "The appliance's name (a menu lists the MX appliances)",
    ))
    .with(of_org("get-wlan-ssids", "List a wireless network's SSIDs").param(
        "network",
        "The network's name (a menu lists the networks with wireless)",
    ))
    .with(on_device(
        "get-camera-recent",
        "Show a camera's recent analytics: people entering and seen, per zone",
        "The camera's name (a menu lists the MV cameras)",
    ))
    .with(on_device(
        "get-clients",
        "List the clients a device saw in the last day",
        "The device's name (a menu lists them)",
    ))
    .with(on_device(
        "get-neighbors",
        "List a device's LLDP and CDP neighbours",
        "The device's name (a menu lists them)",
    ))
    .with(confirmable(
        on_device(
            "configure-basic-access-port",
            "Make a switch port an access port: its state, VLAN and name (changes the switch: asks first)",
            switch,
        )
        .param("port", "The port's number (a menu lists them)")
        .param(
            "enabled",
            "`true` or `false` (also `yes`/`no`, `enabled`/`disabled`)",
        )
        .param("vlan", "The access VLAN, 1 to 4094")
        .param(
            "description",
            "The port's name in Meraki (quote it if it has spaces)",
        ),
        "configure it",
    ))
    .with(confirmable(
        on_device(
            "cycle-port",
            "Power-cycle switch ports, e.g. to reset a PoE device (cuts their link: asks first)",
            switch,
        )
        .param("ports", "A port (`5`), a list (`1,3`) or a range (`1-4`)"),
        "cycle them",
    ))
}
