//! The `slurpit` command's sub-commands and parameters, as help, usage and
//! the access grants see them.

use crate::commands::{CommandSpec, SubcommandSpec};

/// The spec of a slurpit Integration answering to `command`.
pub fn spec(command: &str) -> CommandSpec {
    let sub = SubcommandSpec::new;
    CommandSpec::new(
        command,
        "Ask Slurpit about its devices, sites and the data its plannings collect",
    )
    .with(sub("get-devices", "List the devices Slurpit knows"))
    .with(sub("get-device", "Show one device").param("hostname", "The device's hostname"))
    .with(sub("get-sites", "List the sites"))
    .with(sub(
        "get-plannings",
        "List the plannings and the columns they collect",
    ))
    .with(
        sub("search-data", "Search the data a planning collected")
            .param("planning", "The planning's name")
            .param(
                "latest",
                "`true` for the latest run only, `false` for every run kept",
            )
            .param("search", "The text to look for in the hostnames and the data"),
    )
    .with(
        sub("device-data", "Show the data a planning collected of one device")
            .param("planning", "The planning's name")
            .param(
                "latest",
                "`true` for the latest run only, `false` for every run kept",
            )
            .param("hostname", "The device's hostname"),
    )
}
