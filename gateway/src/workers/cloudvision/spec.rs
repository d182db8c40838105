//! The `cloudvision` command's sub-commands and parameters, as help, usage
//! and the access grants see them. Every one only reads.

use crate::commands::{CommandSpec, SubcommandSpec};

/// The spec of a cloudvision Integration answering to `command`.
pub fn spec(command: &str) -> CommandSpec {
    let sub = SubcommandSpec::new;
    let device = "The device's hostname (a menu lists them)";
    CommandSpec::new(
        command,
        "Ask Arista CloudVision about containers, devices, configlets, tasks, events, tags and bug exposure",
    )
    .with(
        sub("get-devices-in-container", "List the devices in a container and the containers under it")
            .optional_param("container", "The container's name (a menu lists them by their place in the tree)"),
    )
    .with(
        sub("get-configlet", "Show a configlet's text")
            .optional_param("configlet", "The configlet's name (a menu lists them)"),
    )
    .with(sub("get-device-configuration", "Send a device's running configuration as a file").optional_param("device", device))
    .with(
        sub("get-task-logs", "Show the log of a provisioning task")
            .optional_param("task", "The task's ID (a menu lists the recent ones with their description and state)"),
    )
    .with(
        sub("get-applied-configlets", "List the configlets applied to a container or a device")
            .optional_param("filter-type", "`container` or `device`")
            .optional_param("filter-value", "The container's or device's name"),
    )
    .with(
        sub("get-active-events", "List CloudVision's events that began in a time window")
            .optional_param("filter-type", "`device`, `severity`, `type` or `all`")
            .optional_param("filter-value", "The hostname, severity (`critical`, `error`, `warning`, `info`, `debug`) or event type; nothing after `all`")
            .optional_param("start-time", "How long ago (`1h`, `7d`, `30m`, `2w`) or an ISO 8601 time (`2026-12-01T08:00:00Z`, `2026-12-01`)")
            .optional_param("end-time", "As the start, or `now` (the default)"),
    )
    .with(sub("get-tags", "List a device's tags and its interfaces' tags").optional_param("device", device))
    .with(
        sub("get-device-cve", "Show a device's exposure to known bugs and CVEs (their IDs and counts)")
            .optional_param("device", device),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_lists_every_sub_command_of_the_original() {
        let spec = spec("cloudvision");
        for name in [
            "get-devices-in-container",
            "get-configlet",
            "get-device-configuration",
            "get-task-logs",
            "get-applied-configlets",
            "get-active-events",
            "get-tags",
            "get-device-cve",
        ] {
            let sub = spec.subcommand(name).unwrap_or_else(|| panic!("{name}"));
            assert!(
                sub.params.iter().all(|p| p.name != "confirm"),
                "{name} only reads"
            );
        }
        assert_eq!(spec.subcommand("get-active-events").unwrap().params.len(), 4);
    }
}
