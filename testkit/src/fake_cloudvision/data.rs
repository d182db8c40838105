//! The fake CloudVision's seed: the container tree (`Tenant` → `dc1` →
//! `dc1-leafs`, `dc1-spines`; `Tenant` → `campus`; and CloudVision's own
//! `Undefined`), seven EOS devices, static and builder-generated configlets
//! applied to containers and devices, each device's running config, tasks
//! with their logs, active events, device and interface tags, and each
//! device's bug exposure. Field names follow what cvprac 2.3.0 reads of the
//! CVP service API and Arista's resource API models (`arista.*.v1`/`v2`
//! protobufs, as the `cloudvision` package ships them), in their JSON form.

use serde_json::{Value, json};

/// The root container's key and name.
pub const ROOT_KEY: &str = "root";
/// The container of devices not yet provisioned.
pub const UNDEFINED_KEY: &str = "undefined_container";
/// `dc1`, under the root.
pub const DC1_KEY: &str = "container_5b1c7d3e-2f4a-4c6b-9e8d-1a2b3c4d5e6f";
/// `dc1-leafs`, under `dc1`.
pub const DC1_LEAFS_KEY: &str = "container_8e2f4a6c-3b5d-4e7f-a1c2-d3e4f5a6b7c8";
/// `dc1-spines`, under `dc1`.
pub const DC1_SPINES_KEY: &str = "container_3a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d";
/// `campus`, under the root.
pub const CAMPUS_KEY: &str = "container_9c8d7e6f-5a4b-4c3d-8e2f-0a1b2c3d4e5f";

/// The leaf with a device-level configlet, a generated one, and events.
pub const LEAF1A_SERIAL: &str = "SSJ18341001";
/// `dc1-leaf1a`'s system MAC address: its key in the CVP service API.
pub const LEAF1A_MAC: &str = "50:08:00:a7:ca:01";
/// The leaf that stopped streaming (`STREAMING_STATUS_INACTIVE`).
pub const INACTIVE_SERIAL: &str = "SSJ18341003";
/// The switch in `Undefined`: known, streaming, not provisioned.
pub const UNPROVISIONED_SERIAL: &str = "JAS21170043";
/// The switch whose running config has drifted from its configlets.
pub const DRIFTED_SERIAL: &str = "JAS21170042";

/// The CVP version the on-premises fake reports (cvprac's API version 14).
pub const CVP_VERSION: &str = "2024.3.0";

/// One container: key, name, parent's key.
pub struct Container {
    pub key: &'static str,
    pub name: &'static str,
    pub parent: Option<&'static str>,
}

/// The containers, the root first.
pub const CONTAINERS: &[Container] = &[
    Container {
        key: ROOT_KEY,
        name: "Tenant",
        parent: None,
    },
    Container {
        key: UNDEFINED_KEY,
        name: "Undefined",
        parent: Some(ROOT_KEY),
    },
    Container {
        key: DC1_KEY,
        name: "dc1",
        parent: Some(ROOT_KEY),
    },
    Container {
        key: DC1_LEAFS_KEY,
        name: "dc1-leafs",
        parent: Some(DC1_KEY),
    },
    Container {
        key: DC1_SPINES_KEY,
        name: "dc1-spines",
        parent: Some(DC1_KEY),
    },
    Container {
        key: CAMPUS_KEY,
        name: "campus",
        parent: Some(ROOT_KEY),
    },
];

/// One device, as both APIs know it.
pub struct Device {
    pub serial: &'static str,
    pub hostname: &'static str,
    pub mac: &'static str,
    pub model: &'static str,
    pub eos: &'static str,
    pub ip: &'static str,
    pub container: &'static str,
    pub streaming: bool,
}

/// The devices, in the inventory's order.
pub const DEVICES: &[Device] = &[
    Device {
        serial: "JPE20481234",
        hostname: "dc1-spine1",
        mac: "50:08:00:b1:5e:01",
        model: "DCS-7280SR3-48YC8",
        eos: "4.31.2F",
        ip: "10.255.0.1",
        container: DC1_SPINES_KEY,
        streaming: true,
    },
    Device {
        serial: "JPE20481235",
        hostname: "dc1-spine2",
        mac: "50:08:00:b1:5e:02",
        model: "DCS-7280SR3-48YC8",
        eos: "4.31.2F",
        ip: "10.255.0.2",
        container: DC1_SPINES_KEY,
        streaming: true,
    },
    Device {
        serial: LEAF1A_SERIAL,
        hostname: "dc1-leaf1a",
        mac: LEAF1A_MAC,
        model: "DCS-7050SX3-48YC8",
        eos: "4.30.5M",
        ip: "10.255.0.11",
        container: DC1_LEAFS_KEY,
        streaming: true,
    },
    Device {
        serial: "SSJ18341002",
        hostname: "dc1-leaf1b",
        mac: "50:08:00:a7:ca:02",
        model: "DCS-7050SX3-48YC8",
        eos: "4.30.5M",
        ip: "10.255.0.12",
        container: DC1_LEAFS_KEY,
        streaming: true,
    },
    Device {
        serial: INACTIVE_SERIAL,
        hostname: "dc1-leaf2a",
        mac: "50:08:00:a7:ca:03",
        model: "DCS-7050SX3-48YC8",
        eos: "4.30.5M",
        ip: "10.255.0.13",
        container: DC1_LEAFS_KEY,
        streaming: false,
    },
    Device {
        serial: DRIFTED_SERIAL,
        hostname: "campus-sw1",
        mac: "74:83:ef:0c:42:01",
        model: "CCS-720XP-48ZC2",
        eos: "4.29.8M",
        ip: "10.40.0.21",
        container: CAMPUS_KEY,
        streaming: true,
    },
    Device {
        serial: UNPROVISIONED_SERIAL,
        hostname: "campus-sw2",
        mac: "74:83:ef:0c:42:02",
        model: "CCS-720XP-48ZC2",
        eos: "4.32.1F",
        ip: "10.40.0.22",
        container: UNDEFINED_KEY,
        streaming: true,
    },
];

/// What made a configlet: typed by hand, a builder, or generated by one.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Static,
    Builder,
    Generated,
}

/// One configlet: key, name, kind, text, and where it is applied
/// (container keys, device serials).
pub struct Configlet {
    pub key: &'static str,
    pub name: &'static str,
    pub kind: Kind,
    pub config: &'static str,
    pub containers: &'static [&'static str],
    pub devices: &'static [&'static str],
}

/// The configlets, in the order `getConfiglets.do` lists them.
pub const CONFIGLETS: &[Configlet] = &[
    Configlet {
        key: "configlet_1f2e3d4c-0001-4a5b-8c7d-6e5f4a3b2c1d",
        name: "tenant-aaa",
        kind: Kind::Static,
        config: "aaa authorization exec default local\nusername cvpadmin privilege 15 role network-admin secret sha512 $6$fake\n",
        containers: &[ROOT_KEY],
        devices: &[],
    },
    Configlet {
        key: "configlet_1f2e3d4c-0002-4a5b-8c7d-6e5f4a3b2c1d",
        name: "dc1-base",
        kind: Kind::Static,
        config: "ntp server 10.255.255.1\nip name-server vrf MGMT 10.255.255.53\ndaemon TerminAttr\n   exec /usr/bin/TerminAttr -cvaddr=apiserver.arista.io:443 -taillogs\n",
        containers: &[DC1_KEY],
        devices: &[],
    },
    Configlet {
        key: "configlet_1f2e3d4c-0003-4a5b-8c7d-6e5f4a3b2c1d",
        name: "dc1-leafs-mlag",
        kind: Kind::Static,
        config: "vlan 4094\n   trunk group MLAG\nmlag configuration\n   domain-id dc1-pod1\n   local-interface Vlan4094\n",
        containers: &[DC1_LEAFS_KEY],
        devices: &[],
    },
    Configlet {
        key: "configlet_1f2e3d4c-0004-4a5b-8c7d-6e5f4a3b2c1d",
        name: "campus-base",
        kind: Kind::Static,
        config: "spanning-tree mode mstp\nspanning-tree mst 0 priority 8192\n",
        containers: &[CAMPUS_KEY],
        devices: &[],
    },
    Configlet {
        key: "configlet_1f2e3d4c-0005-4a5b-8c7d-6e5f4a3b2c1d",
        name: "dc1-leaf1a-interfaces",
        kind: Kind::Static,
        config: "interface Ethernet3\n   description srv-db-01\n   switchport access vlan 110\n",
        containers: &[],
        devices: &[LEAF1A_SERIAL],
    },
    Configlet {
        key: "configlet_1f2e3d4c-0006-4a5b-8c7d-6e5f4a3b2c1d",
        name: "dc1-spines-underlay",
        kind: Kind::Static,
        config: "router bgp 65000\n   router-id 10.255.0.1\n   neighbor LEAFS peer group\n",
        containers: &[DC1_SPINES_KEY],
        devices: &[],
    },
    Configlet {
        key: "configlet_1f2e3d4c-0007-4a5b-8c7d-6e5f4a3b2c1d",
        name: "leaf-bgp-builder",
        kind: Kind::Builder,
        config: "",
        containers: &[DC1_LEAFS_KEY],
        devices: &[],
    },
    Configlet {
        key: "configlet_1f2e3d4c-0008-4a5b-8c7d-6e5f4a3b2c1d",
        name: "leaf-bgp-builder_dc1-leaf1a_1",
        kind: Kind::Generated,
        config: "router bgp 65101\n   router-id 10.255.0.11\n   neighbor SPINES peer group\n",
        containers: &[],
        devices: &[LEAF1A_SERIAL],
    },
    Configlet {
        key: "configlet_1f2e3d4c-0009-4a5b-8c7d-6e5f4a3b2c1d",
        name: "leaf-bgp-builder_dc1-leaf1b_1",
        kind: Kind::Generated,
        config: "router bgp 65101\n   router-id 10.255.0.12\n   neighbor SPINES peer group\n",
        containers: &[],
        devices: &["SSJ18341002"],
    },
    Configlet {
        key: "configlet_1f2e3d4c-0010-4a5b-8c7d-6e5f4a3b2c1d",
        name: "leaf-bgp-builder_dc1-leaf2a_1",
        kind: Kind::Generated,
        config: "router bgp 65102\n   router-id 10.255.0.13\n   neighbor SPINES peer group\n",
        containers: &[],
        devices: &[INACTIVE_SERIAL],
    },
];

/// The builder's script, which `getConfigletBuilder.do` gives.
pub const BUILDER_SCRIPT: &str = "from cvplibrary import Form, CVPGlobalVariables\nprint('router bgp %s' % Form.getFieldById('asn').getValue())\n";

/// The device with `serial`.
pub fn device(serial: &str) -> Option<&'static Device> {
    DEVICES.iter().find(|d| d.serial == serial)
}

/// The container with `key`.
pub fn container(key: &str) -> Option<&'static Container> {
    CONTAINERS.iter().find(|c| c.key == key)
}

/// The container keys from the root down to `key`.
pub fn lineage(key: &str) -> Vec<&'static str> {
    let mut chain = Vec::new();
    let mut at = container(key);
    while let Some(c) = at {
        chain.insert(0, c.key);
        at = c.parent.and_then(container);
    }
    chain
}

/// What a device runs: its containers' configlets from the root down, then
/// its own; `campus-sw1` has a line none of them has (it drifted).
pub fn running_config(device: &Device) -> String {
    let mut text = format!(
        "! Command: show running-config\n! device: {} ({}, EOS-{})\n!\nhostname {}\n!\n",
        device.hostname, device.model, device.eos, device.hostname
    );
    let lineage = lineage(device.container);
    for key in &lineage {
        for c in CONFIGLETS.iter().filter(|c| c.containers.contains(key)) {
            text.push_str(c.config);
            text.push_str("!\n");
        }
    }
    for c in CONFIGLETS.iter().filter(|c| c.devices.contains(&device.serial)) {
        text.push_str(c.config);
        text.push_str("!\n");
    }
    if device.serial == DRIFTED_SERIAL {
        text.push_str("interface Ethernet12\n   shutdown\n!\n");
    }
    text.push_str(&format!(
        "interface Management1\n   ip address {}/24\n!\nend\n",
        device.ip
    ));
    text
}

/// One task: id, status as CVP shows it, its state, its device, its change
/// control and stage (empty when it never ran), and when it was made
/// (seconds before the fake started).
pub struct Task {
    pub id: &'static str,
    pub description: &'static str,
    pub status: &'static str,
    pub state: &'static str,
    pub serial: &'static str,
    pub cc_id: &'static str,
    pub stage_id: &'static str,
    pub age: i64,
}

/// The tasks, newest first as `getTasks.do` lists them.
pub const TASKS: &[Task] = &[
    Task {
        id: "1024",
        description: "Image Bundle Assign: to Device dc1-spine2",
        status: "Cancelled",
        state: "CANCELLED",
        serial: "JPE20481235",
        cc_id: "",
        stage_id: "",
        age: 1_800,
    },
    Task {
        id: "1023",
        description: "Configlet Assign: to Device campus-sw1",
        status: "Pending",
        state: "ACTIVE",
        serial: DRIFTED_SERIAL,
        cc_id: "",
        stage_id: "",
        age: 3_600,
    },
    Task {
        id: "1022",
        description: "Configlet Assign: to Device dc1-leaf2a",
        status: "Failed",
        state: "FAILED",
        serial: INACTIVE_SERIAL,
        cc_id: "cc-7d8e9f0a-1b2c-4d3e",
        stage_id: "stage-1-2",
        age: 86_400,
    },
    Task {
        id: "1021",
        description: "Configlet Assign: to Device dc1-leaf1a",
        status: "Completed",
        state: "COMPLETED",
        serial: LEAF1A_SERIAL,
        cc_id: "cc-0c3d4e5f-6a7b-4c8d",
        stage_id: "stage-1-1",
        age: 172_800,
    },
];

/// A task's audit log lines, oldest first (the API gives them newest first).
pub fn audit_lines(task: &Task) -> Vec<String> {
    let device = device(task.serial).map_or("", |d| d.hostname);
    match task.state {
        "COMPLETED" => vec![
            format!("Task {} started on {device}", task.id),
            format!("Pushing configlets to {device}"),
            format!("Configuration of {device} is now in sync"),
            format!("Task {} completed", task.id),
        ],
        "FAILED" => vec![
            format!("Task {} started on {device}", task.id),
            format!("Pushing configlets to {device}"),
            format!("Error: {device} did not answer within 300 seconds (device unreachable)"),
            format!("Task {} failed", task.id),
        ],
        _ => vec![format!("Task {} created for {device}", task.id)],
    }
}

/// One event: severity, type, title, description, device, interface,
/// and how long before the fake started it began (seconds).
pub struct Event {
    pub key: &'static str,
    pub severity: &'static str,
    pub event_type: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub serial: &'static str,
    pub interface: Option<&'static str>,
    pub age: i64,
}

/// The active events, newest first.
pub const EVENTS: &[Event] = &[
    Event {
        key: "6c3a1f09be21d4a7",
        severity: "EVENT_SEVERITY_INFO",
        event_type: "DEVICE_CONFIG_CHANGED",
        title: "Device configuration changed",
        description: "The running configuration of campus-sw1 changed outside CloudVision",
        serial: DRIFTED_SERIAL,
        interface: None,
        age: 1_800,
    },
    Event {
        key: "0e7b52c4d19a38f6",
        severity: "EVENT_SEVERITY_ERROR",
        event_type: "HIGH_INTF_IN_ERRORS",
        title: "High input error rate",
        description: "Ethernet3 on dc1-leaf1a receives 2.1% errored frames",
        serial: LEAF1A_SERIAL,
        interface: Some("Ethernet3"),
        age: 7_200,
    },
    Event {
        key: "a41d9e6f3c07b258",
        severity: "EVENT_SEVERITY_CRITICAL",
        event_type: "DEVICE_INTF_ERR_DISABLED",
        title: "Interface error-disabled",
        description: "Ethernet49/1 on dc1-leaf1b was error-disabled (link-flap)",
        serial: "SSJ18341002",
        interface: Some("Ethernet49/1"),
        age: 18_000,
    },
    Event {
        key: "5f2c8a1b7e4d6093",
        severity: "EVENT_SEVERITY_WARNING",
        event_type: "LOW_DEVICE_DISK_SPACE",
        title: "Low disk space",
        description: "/mnt/flash on dc1-spine1 is 91% full",
        serial: "JPE20481234",
        interface: None,
        age: 86_400,
    },
    Event {
        key: "d83e0a6b2f15c947",
        severity: "EVENT_SEVERITY_ERROR",
        event_type: "DEVICE_NOT_STREAMING",
        title: "Device stopped streaming",
        description: "dc1-leaf2a has not streamed telemetry for 3 days",
        serial: INACTIVE_SERIAL,
        interface: None,
        age: 259_200,
    },
    Event {
        key: "29b7f4e05a6c1d83",
        severity: "EVENT_SEVERITY_WARNING",
        event_type: "HIGH_INTF_OUT_DISCARDS",
        title: "High output discard rate",
        description: "Ethernet1 on dc1-spine2 discards 0.8% of egress frames",
        serial: "JPE20481235",
        interface: Some("Ethernet1"),
        age: 777_600,
    },
];

/// The user tags of each device: serial, label, value.
pub const DEVICE_TAGS: &[(&str, &str, &str)] = &[
    ("JPE20481234", "role", "spine"),
    ("JPE20481234", "dc", "dc1"),
    ("JPE20481235", "role", "spine"),
    ("JPE20481235", "dc", "dc1"),
    (LEAF1A_SERIAL, "role", "leaf"),
    (LEAF1A_SERIAL, "dc", "dc1"),
    (LEAF1A_SERIAL, "rack", "r01"),
    ("SSJ18341002", "role", "leaf"),
    ("SSJ18341002", "dc", "dc1"),
    ("SSJ18341002", "rack", "r01"),
    (INACTIVE_SERIAL, "role", "leaf"),
    (INACTIVE_SERIAL, "dc", "dc1"),
    (INACTIVE_SERIAL, "rack", "r02"),
    (DRIFTED_SERIAL, "role", "access"),
    (DRIFTED_SERIAL, "dc", "campus"),
];

/// The user tags of interfaces: serial, interface, label, value.
pub const INTERFACE_TAGS: &[(&str, &str, &str, &str)] = &[
    (LEAF1A_SERIAL, "Ethernet49/1", "peer", "dc1-spine1"),
    (LEAF1A_SERIAL, "Ethernet50/1", "peer", "dc1-spine2"),
    (LEAF1A_SERIAL, "Ethernet3", "server", "srv-db-01"),
    ("SSJ18341002", "Ethernet49/1", "peer", "dc1-spine1"),
    ("JPE20481234", "Ethernet1", "peer", "dc1-leaf1a"),
    (DRIFTED_SERIAL, "Ethernet48", "circuit", "CKT-AMS-0042"),
];

/// The system tags CloudVision puts on every device: label and value.
pub fn system_tags(device: &Device) -> Vec<(&'static str, &'static str)> {
    vec![
        ("hostname", device.hostname),
        ("model", device.model),
        ("eos", device.eos),
        ("serialnumber", device.serial),
    ]
}

/// A device's exposure: bug ids, CVE ids, highest bug and CVE exposure.
pub fn bug_exposure(device: &Device) -> (Vec<i32>, Vec<i32>, &'static str, &'static str) {
    match device.eos {
        "4.31.2F" => (
            vec![79384, 81220],
            vec![1002, 1017],
            "HIGHEST_EXPOSURE_HIGH",
            "HIGHEST_EXPOSURE_HIGH",
        ),
        "4.30.5M" => (
            vec![81220],
            vec![1017],
            "HIGHEST_EXPOSURE_LOW",
            "HIGHEST_EXPOSURE_HIGH",
        ),
        "4.29.8M" => (
            vec![72110, 79384, 81220],
            vec![998, 1002, 1017],
            "HIGHEST_EXPOSURE_HIGH",
            "HIGHEST_EXPOSURE_HIGH",
        ),
        _ => (
            Vec::new(),
            Vec::new(),
            "HIGHEST_EXPOSURE_NONE",
            "HIGHEST_EXPOSURE_NONE",
        ),
    }
}

/// A configlet's type as `getConfiglets.do` gives it.
pub fn configlet_type(kind: Kind) -> &'static str {
    match kind {
        Kind::Static => "Static",
        Kind::Builder => "Builder",
        Kind::Generated => "Generated",
    }
}

/// A configlet as the CVP service API gives it (`getConfiglets.do`,
/// `getConfigletByName.do`, the `configletList` of the provisioning calls).
pub fn configlet_json(c: &Configlet, created_ms: i64) -> Value {
    let devices = c.devices.len()
        + DEVICES
            .iter()
            .filter(|d| lineage(d.container).iter().any(|k| c.containers.contains(k)))
            .count();
    json!({
        "key": c.key,
        "name": c.name,
        "reconciled": false,
        "config": c.config,
        "user": "cvpadmin",
        "note": "",
        "containerCount": c.containers.len(),
        "netElementCount": devices,
        "dateTimeInLongFormat": created_ms,
        "isDefault": "no",
        "isAutoBuilder": if c.kind == Kind::Generated { "true" } else { "" },
        "type": configlet_type(c.kind),
        "editable": c.kind == Kind::Static,
        "sslConfig": false,
        "visible": true,
        "isDraft": false,
        "typeStudioConfiglet": false,
        "factoryId": 1,
        "id": 0
    })
}
