//! The `nso` command's sub-commands and parameters, as help, usage and the
//! access grants see them, and the command sets `run-command-set` offers.

use chatops_crds::settings::CommandSet;

use crate::commands::{CommandSpec, SubcommandSpec};
use crate::workers::toolkit::confirm::confirmable;

/// The original app's seven command sets, offered when the Integration
/// declares none (`spec.nso.commandSets`), named as the schema names sets.
const PRESETS: [(&str, &[&str]); 7] = [
    (
        "addresses-and-routes",
        &["show ip interface brief", "show ip route"],
    ),
    ("routing", &["show ip route"]),
    ("version", &["show version"]),
    ("neighbors", &["show cdp neighbors"]),
    ("mac-table", &["show mac address-table"]),
    ("interfaces", &["show interface brief"]),
    ("bgp-neighbors", &["show ip bgp summary"]),
];

/// The command sets of an Integration declaring `declared`: those, else the
/// original app's seven.
pub fn command_sets(declared: &[CommandSet]) -> Vec<CommandSet> {
    if !declared.is_empty() {
        return declared.to_vec();
    }
    PRESETS
        .iter()
        .map(|(name, commands)| CommandSet {
            name: (*name).to_owned(),
            commands: commands.iter().map(|c| (*c).to_owned()).collect(),
        })
        .collect()
}

/// The spec of an nso Integration answering to `command`, offering `sets`.
pub fn spec(command: &str, sets: &[CommandSet]) -> CommandSpec {
    let sub = SubcommandSpec::new;
    let device = "The device's name in NSO (a menu lists them)";
    let names: Vec<&str> = sets.iter().map(|set| set.name.as_str()).collect();
    CommandSpec::new(
        command,
        "Ask Cisco NSO about its devices: reachability, sync, live show commands",
    )
    .with(sub("ping", "Ping a device from NSO").param("device", device))
    .with(sub("connect", "Have NSO connect to a device").param("device", device))
    .with(
        sub("check-sync", "Check whether a device's configuration is NSO's")
            .param("device", "The device's name, or `all` for every device")
            .optional_param(
                "compare-config",
                "`compare-config` to show how the device differs from NSO",
            ),
    )
    .with(confirmable(
        sub(
            "sync-to",
            "Push NSO's configuration to a device (changes the device: asks first)",
        )
        .param("device", device),
        "push it",
    ))
    .with(confirmable(
        sub(
            "sync-from",
            "Take a device's configuration into NSO (changes NSO: asks first)",
        )
        .param("device", device),
        "take it",
    ))
    .with(
        sub(
            "run-command-set",
            "Run a set of show commands on a device through NSO",
        )
        .param("device", device)
        .param("set", format!("The command set: {}", names.join(", "))),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_original_sets_serve_unless_the_integration_declares_its_own() {
        let presets = command_sets(&[]);
        assert_eq!(presets.len(), 7);
        assert_eq!(presets[0].commands, ["show ip interface brief", "show ip route"]);
        let own = vec![CommandSet {
            name: "optics".to_owned(),
            commands: vec!["show interfaces transceiver".to_owned()],
        }];
        assert_eq!(command_sets(&own), own);
    }

    #[test]
    fn help_marks_the_syncs_as_changes_and_names_the_sets() {
        let spec = spec("nso", &command_sets(&[]));
        for name in ["sync-to", "sync-from"] {
            let sub = spec.subcommand(name).unwrap();
            assert!(sub.doc.contains("asks first"), "{}", sub.doc);
            assert_eq!(sub.params.last().unwrap().name, "confirm");
        }
        let run = spec.subcommand("run-command-set").unwrap();
        assert!(
            run.params[1]
                .doc
                .contains("addresses-and-routes, routing, version")
        );
    }
}
