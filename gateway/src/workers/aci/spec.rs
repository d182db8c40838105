//! The `aci` command's sub-commands and parameters, as help, usage and the
//! access grants see them.

use crate::commands::{CommandSpec, SubcommandSpec};
use crate::workers::toolkit::confirm::confirmable;

/// The spec of an aci Integration answering to `command`.
pub fn spec(command: &str) -> CommandSpec {
    let sub = SubcommandSpec::new;
    let tenant = "The tenant's name, or `all` (a menu lists them)";
    CommandSpec::new(
        command,
        "Ask Cisco ACI (APIC) about tenants, EPGs, bridge domains, VRFs, nodes and interfaces; register switches",
    )
    .with(sub("get-tenants", "List the tenants"))
    .with(sub("get-aps", "List the application profiles of a tenant").optional_param("tenant", tenant))
    .with(
        sub("get-epgs", "List the endpoint groups (EPGs) of an application profile")
            .optional_param("tenant", tenant)
            .optional_param("ap", "The application profile's name, or `all`"),
    )
    .with(
        sub(
            "get-epg-details",
            "Show an EPG: its bridge domain, subnets, domains, contracts and static paths",
        )
        .optional_param("tenant", "The tenant's name (a menu lists them)")
        .optional_param("ap", "The application profile's name")
        .optional_param("epg", "The EPG's name"),
    )
    .with(sub("get-vrfs", "List the VRFs of a tenant").optional_param("tenant", tenant))
    .with(
        sub("get-bds", "List the bridge domains of a tenant, with their VRF and subnets")
            .optional_param("tenant", tenant),
    )
    .with(sub("get-pending-nodes", "List the switches waiting for registration"))
    .with(sub("get-nodes", "List the fabric's leaf and spine switches"))
    .with(sub("get-controllers", "List the APIC controllers"))
    .with(
        sub("get-interfaces", "List the physical interfaces of a switch")
            .optional_param("pod", "The pod's number (`1`, or `pod-1`)")
            .optional_param("node", "The node's ID (`101`)")
            .optional_param("state", "`up`, `down` or `all`"),
    )
    .with(confirmable(
        sub(
            "register-node",
            "Register a waiting switch in the fabric (changes the fabric: asks first)",
        )
        .optional_param("serial", "The switch's serial number (a menu lists those waiting)")
        .optional_param("node-id", "The node ID to give it (101 to 4000)")
        .optional_param("name", "The node's name"),
        "register it",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_marks_the_registration_as_a_change_and_lists_every_sub_command() {
        let spec = spec("aci-dc1");
        let register = spec.subcommand("register-node").unwrap();
        assert!(register.doc.contains("asks first"), "{}", register.doc);
        assert_eq!(register.params.last().unwrap().name, "confirm");
        for name in [
            "get-tenants",
            "get-aps",
            "get-epgs",
            "get-epg-details",
            "get-vrfs",
            "get-bds",
            "get-pending-nodes",
            "get-nodes",
            "get-controllers",
            "get-interfaces",
        ] {
            assert!(spec.subcommand(name).is_some(), "{name}");
        }
    }
}
