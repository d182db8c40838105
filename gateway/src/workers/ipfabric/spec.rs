//! The `ipfabric` command's sub-commands and parameters, as help, usage and
//! the access grants see them.

use super::snapshot::OPTION;
use crate::commands::{CommandSpec, SubcommandSpec};
use crate::workers::toolkit::confirm::confirmable;

/// What the `snapshot=…` option says in help.
const SNAPSHOT_DOC: &str = "The snapshot to read: `$last`, `$prev`, `$lastLocked` or an id \
     (default: the one `set-snapshot` passed on, else the Integration's)";

/// The sub-commands that read a snapshot, in the order help lists them:
/// what `set-snapshot` offers to run next.
pub const READING: [&str; 10] = [
    "get-snapshot",
    "get-inventory",
    "interfaces",
    "pathlookup",
    "pathlookup-icmp",
    "routing",
    "wireless",
    "find-host",
    "table-diff",
    "ssot-sync-to-nautobot",
];

/// The spec of an ipfabric Integration answering to `command`.
pub fn spec(command: &str) -> CommandSpec {
    let sub = SubcommandSpec::new;
    let reading = |name: &'static str, doc: &'static str| sub(name, doc).option(OPTION, SNAPSHOT_DOC);
    CommandSpec::new(
        command,
        "Ask IP Fabric about the network it discovered: inventory, interfaces, paths, routing, wireless, hosts",
    )
    .with(
        sub(
            "set-snapshot",
            "Choose the snapshot the next commands read (a menu of them follows)",
        )
        .param("snapshot", "`$last`, `$prev`, `$lastLocked` or a snapshot id"),
    )
    .with(reading(
        "get-snapshot",
        "Say which snapshot a command from here reads, and why",
    ))
    .with(sub("get-loaded-snapshots", "List the loaded snapshots"))
    .with(
        reading("get-inventory", "List the devices of a site, model, platform or vendor")
            .param("filter-key", "site, model, platform or vendor")
            .param("filter-value", "The site, model, platform or vendor"),
    )
    .with(
        reading("interfaces", "Show a device's interface load, errors or drops")
            .param("device", "The device's hostname")
            .param("metric", "load, errors or drops"),
    )
    .with(
        reading(
            "pathlookup",
            "Draw the path of TCP or UDP traffic between two addresses",
        )
        .param("src-ip", "The source address")
        .param("dst-ip", "The destination address")
        .param("src-port", "The source port(s), e.g. `1024-65535`")
        .param("dst-port", "The destination port(s), e.g. `443`")
        .param("protocol", "tcp or udp"),
    )
    .with(
        reading(
            "pathlookup-icmp",
            "Draw the path of ICMP traffic between two addresses",
        )
        .param("src-ip", "The source address")
        .param("dst-ip", "The destination address")
        .param("icmp-type", "The ICMP type, e.g. `echo-request`"),
    )
    .with(
        reading("routing", "Show a device's BGP neighbors")
            .param("device", "The device's hostname")
            .param("protocol", "bgp-neighbors")
            .param("state", "any, established, idle, active, openconfirm, opensent or connect"),
    )
    .with(
        reading("wireless", "List the SSIDs, or the clients of one SSID")
            .param("option", "ssids or clients")
            .optional_param("ssid", "The SSID whose clients to list"),
    )
    .with(
        reading("find-host", "Find an end host by its IP or MAC address")
            .param("filter-key", "ip or mac")
            .param("filter-value", "The address"),
    )
    .with(
        reading(
            "table-diff",
            "Compare a table of the snapshot read with another snapshot",
        )
        .param("category", "inventory, routing or wireless")
        .param("table", "The table, e.g. `devices`")
        .param("view", "summary or detailed")
        .param("snapshot", "The snapshot to compare with"),
    )
    .with(confirmable(
        reading(
            "ssot-sync-to-nautobot",
            "Sync the snapshot into Nautobot with the nautobot-ssot IP Fabric job (changes Nautobot; asks first)",
        )
        .param("dry-run", "true: only report what would change")
        .param("safe-delete-mode", "true: mark what is gone instead of deleting it")
        .param("sync-ipfabric-tagged-only", "true: only sync objects tagged by IP Fabric"),
        "run it",
    ))
}
