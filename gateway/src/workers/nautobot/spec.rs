//! The `nautobot` command's sub-commands and parameters, as help, usage and
//! the access grants see them.

use super::commands::{CIRCUIT_FILTERS, DEVICE_FILTERS, INTERFACE_FILTERS, VLAN_FILTERS};
use crate::commands::{CommandSpec, SubcommandSpec};
use crate::workers::toolkit::confirm::confirmable;
use crate::workers::toolkit::menus::filter_params;

/// The spec of a nautobot Integration answering to `command`.
pub fn spec(command: &str) -> CommandSpec {
    let sub = SubcommandSpec::new;
    CommandSpec::new(command, "Ask Nautobot, your source of truth")
        .with(filter_params(
            sub(
                "get-devices",
                "List devices by name, location, role, model or manufacturer",
            ),
            DEVICE_FILTERS,
            "The name, location, role, model or manufacturer",
        ))
        .with(sub("get-device-status", "Show the status of a device").param("device", "The device's name"))
        .with(confirmable(
            sub(
                "change-device-status",
                "Change the status of a device, as yourself",
            )
            .param("device", "The device's name")
            .param("status", "The new status"),
            "change it",
        ))
        .with(
            sub(
                "get-device-facts",
                "Show a device's manufacturer, model, role, platform and primary IP",
            )
            .param("device", "The device's name"),
        )
        .with(
            sub("get-rack", "Show a rack's units and the devices in them")
                .param("location", "The rack's location")
                .param("rack", "The rack's name"),
        )
        .with(filter_params(
            sub(
                "get-circuits",
                "List circuits by provider, location or type, or all",
            ),
            CIRCUIT_FILTERS,
            "The provider, location or circuit type",
        ))
        .with(sub(
            "get-circuit-providers",
            "List circuit providers with their circuit counts",
        ))
        .with(
            sub(
                "get-circuit-connections",
                "Show what each end of a circuit connects to",
            )
            .param("provider", "The circuit's provider")
            .param("circuit", "The circuit ID"),
        )
        .with(filter_params(
            sub(
                "get-vlans",
                "List VLANs by ID, group, name, role, location, status or tenant, or all",
            ),
            VLAN_FILTERS,
            "The VLAN ID, group, name, role, location, status or tenant",
        ))
        .with(
            filter_params(
                sub("get-interface-connections", "List cabled interface connections"),
                INTERFACE_FILTERS,
                "The model, role or location; for device, its location",
            )
            .optional_param("device", "For device: the device's name"),
        )
        .with(sub("get-manufacturer-summary", "Count devices by manufacturer"))
        .with(sub("get-jobs", "List the jobs you may see").optional_param(
            "fields",
            "Comma-separated: name, grouping, module, enabled, installed, description",
        ))
        .with(
            sub("filter-jobs", "List jobs that are enabled and/or installed")
                .optional_param("filters", "Comma-separated: enabled, installed"),
        )
        .with(
            sub("run-job", "Run a job as yourself and follow it to the end")
                .param("job", "The job's name")
                .optional_param("values", "The job's variables, in order"),
        )
        .with(
            sub("run-job-form", "Fill in a job's variables in a form, then run it")
                .param("job", "The job's name"),
        )
        .with(sub("about", "Show which Nautobot this is"))
}
