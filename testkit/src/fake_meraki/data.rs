//! The fake Meraki's seed: two organizations, their networks, admins and
//! devices of the four product types the `meraki` integration reads (MS
//! switches, MR access points, MX appliances, MV cameras), and what each
//! device answers (switch ports, clients, LLDP/CDP neighbours, SSIDs,
//! performance, camera analytics). Field names and shapes follow the
//! Dashboard API v1 reference (developer.cisco.com/meraki/api-v1) for each
//! operation the original app calls.

use serde_json::{Value, json};

/// The organization with the four networks (switching, wireless, appliance, camera).
pub const ORG_ID: &str = "549236";
/// The second organization: one lab network with one switch.
pub const LAB_ORG_ID: &str = "573083052582915028";
/// The switch with the disabled port ([`DISABLED_PORT`]) and the port with errors ([`ERROR_PORT`]).
pub const SWITCH_SERIAL: &str = "Q2HP-3KL7-8UD2";
/// The appliance (MX) that has a performance score.
pub const APPLIANCE_SERIAL: &str = "Q2PN-4YHQ-EFG7";
/// A camera (MV) with recent analytics.
pub const CAMERA_SERIAL: &str = "Q2FV-8NXS-L3ZA";
/// The wireless network, whose SSIDs 0..=2 are enabled and the rest not.
pub const WIRELESS_NETWORK_ID: &str = "L_647392446434512031";
/// The port of [`SWITCH_SERIAL`] that is shut (`enabled: false`).
pub const DISABLED_PORT: &str = "7";
/// The port of [`SWITCH_SERIAL`] that reports CRC errors.
pub const ERROR_PORT: &str = "5";
/// The appliance's performance score.
pub const PERF_SCORE: f64 = 21.4;

/// The seeded devices, one a line: serial | name | model | productType |
/// networkId | lanIp | firmware. A table rather than tuples, so that it reads as one.
const DEVICES: &str = "\
Q2HP-3KL7-8UD2 | ams-sw-01        | MS225-48FP | switch    | L_647392446434512028 | 10.10.10.11 | switch-16-8
Q2HP-9WXM-4RTC | ams-sw-02        | MS120-8LP  | switch    | L_647392446434512028 | 10.10.10.12 | switch-16-8
Q2KD-7VCX-2B3N | ams-ap-lobby     | MR46       | wireless  | L_647392446434512031 | 10.10.20.21 | wireless-29-7-1
Q2KD-5J8P-RT6W | ams-ap-floor2    | MR36       | wireless  | L_647392446434512031 | 10.10.20.22 | wireless-29-7-1
Q2PN-4YHQ-EFG7 | ams-fw-01        | MX85       | appliance | L_647392446434512034 | 10.10.0.1   | wired-18-211-2
Q2FV-8NXS-L3ZA | ams-cam-entrance | MV12WE     | camera    | L_647392446434512037 | 10.10.30.31 | camera-5-2
Q2FV-2MDK-V9QC | ams-cam-dock     | MV22       | camera    | L_647392446434512037 | 10.10.30.32 | camera-5-2
Q2HP-6TTR-9MLA | lab-sw-01        | MS120-8    | switch    | L_573083052582989111 | 192.168.50.2 | switch-16-8";

/// The organizations, as `GET /organizations` gives them.
pub fn organizations() -> Vec<Value> {
    [(ORG_ID, "Acme Corp", 392), (LAB_ORG_ID, "Acme Labs", 149)]
        .into_iter()
        .map(|(id, name, shard)| {
            json!({
                "id": id,
                "name": name,
                "url": format!("https://n{shard}.meraki.com/o/{}/manage/organization/overview", &id[..4]),
                "api": {"enabled": true},
                "licensing": {"model": "co-term"},
                "cloud": {"region": {"name": "Europe", "host": {"name": "Europe"}}},
                "management": {"details": []}
            })
        })
        .collect()
}

/// The networks of every organization, as `GET /organizations/{id}/networks` gives them.
pub fn networks() -> Vec<Value> {
    [
        ("L_647392446434512028", ORG_ID, "AMS Switching", "switch"),
        (WIRELESS_NETWORK_ID, ORG_ID, "AMS Wireless", "wireless"),
        ("L_647392446434512034", ORG_ID, "AMS Branch Firewall", "appliance"),
        ("L_647392446434512037", ORG_ID, "AMS Cameras", "camera"),
        ("L_573083052582989111", LAB_ORG_ID, "Lab Bench", "switch"),
    ]
    .into_iter()
    .map(|(id, org, name, product)| {
        json!({
            "id": id,
            "organizationId": org,
            "name": name,
            "productTypes": [product],
            "timeZone": "Europe/Amsterdam",
            "tags": if org == ORG_ID { json!(["amsterdam"]) } else { json!(["lab"]) },
            "enrollmentString": null,
            "url": format!("https://n392.meraki.com/{}/n/{}/manage/usage/list", name.replace(' ', "-"), &id[2..8]),
            "notes": "",
            "isBoundToConfigTemplate": false
        })
    })
    .collect()
}

/// The admins of an organization, as `GET /organizations/{id}/admins` gives them.
pub fn admins(org: &str) -> Vec<Value> {
    let people: &[(&str, &str, &str, &str)] = if org == ORG_ID {
        &[
            ("212406", "Alice Janssen", "alice@example.com", "full"),
            ("212407", "Bob de Vries", "bob@example.com", "read-only"),
            ("212411", "NOC Robot", "noc-automation@example.com", "read-only"),
        ]
    } else {
        &[("319002", "Carol Lab", "carol@example.com", "full")]
    };
    people
        .iter()
        .map(|(id, name, email, access)| {
            json!({
                "id": id,
                "name": name,
                "email": email,
                "orgAccess": access,
                "accountStatus": "ok",
                "twoFactorAuthEnabled": *access == "full",
                "hasApiKey": name.contains("Robot") || *access == "full",
                "lastActive": "2026-12-02 16:41:09 UTC",
                "tags": [],
                "networks": [],
                "authenticationMethod": "Email"
            })
        })
        .collect()
}

/// The devices, as `GET /organizations/{id}/devices` gives them, each with
/// its organization (which the API leaves out: the fake pairs them).
pub fn devices() -> Vec<(String, Value)> {
    DEVICES
        .lines()
        .enumerate()
        .map(|(i, line)| {
            let f: Vec<&str> = line.split('|').map(str::trim).collect();
            let org = if f[4].starts_with("L_5730") {
                LAB_ORG_ID
            } else {
                ORG_ID
            };
            let device = json!({
                "name": f[1],
                "lat": (523_731 + i) as f64 / 10_000.0,
                "lng": 4.8897,
                "address": "Herengracht 182, Amsterdam",
                "notes": "",
                "tags": [],
                "networkId": f[4],
                "serial": f[0],
                "model": f[2],
                "mac": format!("e0:55:3d:1{i}:4a:{:02x}", 0x10 + i * 7),
                "lanIp": f[5],
                "firmware": f[6],
                "productType": f[3],
                "details": []
            });
            (org.to_owned(), device)
        })
        .collect()
}

/// How many ports a switch model has (its access ports and its uplinks).
pub fn port_count(model: &str) -> u32 {
    match model {
        "MS225-48FP" => 52,
        _ => 10,
    }
}

/// A switch's port `n`, as `GET /devices/{serial}/switch/ports` gives it.
pub fn switch_port(serial: &str, n: u32, count: u32) -> Value {
    let uplink = n > count - 2;
    let disabled = serial == SWITCH_SERIAL && n.to_string() == DISABLED_PORT;
    json!({
        "portId": n.to_string(),
        "name": if uplink { format!("Uplink {}", n - (count - 2)) } else if disabled { "Spare (shut)".to_owned() } else { format!("Desk {n}") },
        "tags": [],
        "enabled": !disabled,
        "poeEnabled": !uplink,
        "type": if uplink { "trunk" } else { "access" },
        "vlan": if uplink { 1 } else { 10 },
        "voiceVlan": if uplink { Value::Null } else { json!(20) },
        "allowedVlans": if uplink { "1,10,20,30" } else { "all" },
        "isolationEnabled": false,
        "rstpEnabled": true,
        "stpGuard": "disabled",
        "linkNegotiation": "Auto negotiate",
        "linkNegotiationCapabilities": ["Auto negotiate", "1 Gigabit full duplex (forced)"],
        "portScheduleId": null,
        "udld": "Alert only",
        "accessPolicyType": "Open",
        "daiTrusted": uplink,
        "stormControlEnabled": false,
        "profile": {"enabled": false, "id": "", "iname": null},
        "module": {"model": null},
        "mirror": {"mode": "Not mirroring traffic"}
    })
}

/// A port's status now, as `GET /devices/{serial}/switch/ports/statuses`
/// gives it: derived from the port, so that a port shut by a PUT reads `Disabled`.
pub fn port_status(serial: &str, port: &Value) -> Value {
    let id = port["portId"].as_str().unwrap_or_default();
    let n: u64 = id.parse().unwrap_or_default();
    let enabled = port["enabled"] == true;
    // Every third access port has nobody plugged in.
    let connected = enabled && (port["type"] == "trunk" || !n.is_multiple_of(3));
    let errors = if serial == SWITCH_SERIAL && id == ERROR_PORT {
        json!(["CRC align errors"])
    } else {
        json!([])
    };
    let warnings = if serial == SWITCH_SERIAL && id == ERROR_PORT {
        json!(["Port has large amounts of errors"])
    } else {
        json!([])
    };
    json!({
        "portId": id,
        "enabled": enabled,
        "status": if !enabled { "Disabled" } else if connected { "Connected" } else { "Disconnected" },
        "isUplink": port["type"] == "trunk",
        "errors": errors,
        "warnings": warnings,
        "speed": if connected { if port["type"] == "trunk" { "10 Gbps" } else { "1 Gbps" } } else { "" },
        "duplex": if connected { "full" } else { "" },
        "usageInKb": {"total": n * 1_024, "sent": n * 400, "recv": n * 624},
        "cdp": {},
        "lldp": {},
        "clientCount": u64::from(connected),
        "powerUsageInWh": if connected && port["poeEnabled"] == true { 55.9 } else { 0.0 },
        "trafficInKbps": {"total": n as f64 * 1.5, "sent": n as f64 * 0.5, "recv": n as f64},
        "securePort": {"enabled": false, "active": false, "authenticationStatus": "Disabled", "configOverrides": {}},
        "spanningTree": {"statuses": if connected { json!(["Forwarding"]) } else { json!([]) }},
        "poe": {"isAllocated": connected && port["poeEnabled"] == true}
    })
}

/// A network's SSIDs, as `GET /networks/{id}/wireless/ssids` gives them:
/// always fifteen, as Meraki keeps them; three configured and enabled.
pub fn ssids() -> Vec<Value> {
    (0..15)
        .map(|n| {
            let (name, enabled, auth) = match n {
                0 => ("Acme-Corp".to_owned(), true, "8021x-radius"),
                1 => ("Acme-Guest".to_owned(), true, "psk"),
                2 => ("Acme-IoT".to_owned(), true, "psk"),
                3 => ("Acme-Legacy".to_owned(), false, "psk"),
                n => (format!("Unconfigured SSID {}", n + 1), false, "open"),
            };
            json!({
                "number": n,
                "name": name,
                "enabled": enabled,
                "splashPage": if n == 1 { "Click-through splash page" } else { "None" },
                "ssidAdminAccessible": false,
                "authMode": auth,
                "encryptionMode": if auth == "open" { Value::Null } else { json!("wpa") },
                "wpaEncryptionMode": if auth == "open" { Value::Null } else { json!("WPA2 only") },
                "ipAssignmentMode": if n == 1 { "NAT mode" } else { "Bridge mode" },
                "minBitrate": 11,
                "bandSelection": "Dual band operation",
                "perClientBandwidthLimitUp": 0,
                "perClientBandwidthLimitDown": 0,
                "visible": n != 2,
                "availableOnAllAps": true,
                "availabilityTags": []
            })
        })
        .collect()
}

/// What a device sees of its clients, as `GET /devices/{serial}/clients` gives them.
pub fn clients(device: &Value) -> Vec<Value> {
    let product = device["productType"].as_str().unwrap_or_default();
    let who: &[(&str, &str, &str)] = match product {
        "switch" => &[
            ("k74272e", "DESK-ALICE", "10.10.10.101"),
            ("k74272f", "printer-2f", "10.10.10.150"),
        ],
        "wireless" => &[
            ("k8a1b2c", "iPhone-Bob", "10.10.20.117"),
            ("k8a1b2d", "Galaxy-S24", "10.10.20.118"),
            ("k8a1b2e", "thermostat-lobby", "10.10.20.201"),
        ],
        "appliance" => &[("k9f0e1d", "ams-sw-01", "10.10.10.11")],
        _ => &[],
    };
    let serial = device["serial"].as_str().unwrap_or_default();
    who.iter()
        .enumerate()
        .map(|(i, (id, name, ip))| {
            json!({
                "usage": {"sent": 138.0 + i as f64 * 10.0, "recv": 61.0 + i as f64 * 20.0},
                "id": id,
                "description": name,
                "mac": format!("{}:{:02x}", &serial.to_lowercase().replace('-', "")[4..], i),
                "ip": ip,
                "user": if i == 0 && product != "appliance" { json!("alice@example.com") } else { Value::Null },
                "vlan": if product == "wireless" { "20" } else { "10" },
                "namedVlan": null,
                "switchport": if product == "switch" { json!((i + 1).to_string()) } else { Value::Null },
                "adaptivePolicyGroup": null,
                "mdnsName": name,
                "dhcpHostname": name
            })
        })
        .collect()
}

/// A device's LLDP/CDP neighbours, as `GET /devices/{serial}/lldpCdp` gives them.
pub fn lldp_cdp(device: &Value) -> Value {
    let mac = device["mac"].clone();
    let ports = match device["serial"].as_str().unwrap_or_default() {
        SWITCH_SERIAL => json!({
            "51": {
                "cdp": {"deviceId": "e0553d1a4a1e", "portId": "Port 1", "address": "10.10.0.1", "sourcePort": "51"},
                "lldp": {"systemName": "ams-fw-01", "portId": "1", "managementAddress": "10.10.0.1", "sourcePort": "51"}
            },
            "2": {
                "lldp": {"systemName": "ams-ap-lobby", "portId": "eth0", "managementAddress": "10.10.20.21", "sourcePort": "2"}
            }
        }),
        "Q2HP-9WXM-4RTC" => json!({
            "9": {
                "lldp": {"systemName": "ams-sw-01", "portId": "52", "managementAddress": "10.10.10.11", "sourcePort": "9"}
            }
        }),
        "Q2KD-7VCX-2B3N" => json!({
            "wired0": {
                "cdp": {"deviceId": "e0553d104a10", "portId": "Port 2", "address": "10.10.10.11", "sourcePort": "wired0"},
                "lldp": {"systemName": "ams-sw-01", "portId": "2", "managementAddress": "10.10.10.11", "sourcePort": "wired0"}
            }
        }),
        _ => json!({}),
    };
    json!({"sourceMac": mac, "ports": ports})
}

/// A camera's recent analytics, as `GET /devices/{serial}/camera/analytics/recent` gives them.
pub fn camera_recent(serial: &str, object_type: &str) -> Vec<Value> {
    let (entrances, average) = match (serial, object_type) {
        (CAMERA_SERIAL, "vehicle") => (0, 0.0),
        (CAMERA_SERIAL, _) => (14, 2.35),
        (_, "vehicle") => (3, 0.4),
        _ => (2, 0.12),
    };
    // The last minute's window, the same for every zone (zone 0 is the whole view).
    let window = |zone: u32, entrances: u32, average: f64| {
        json!({
            "startTs": "2026-12-03T09:14:00.000Z",
            "endTs": "2026-12-03T09:15:00.000Z",
            "zoneId": zone,
            "entrances": entrances,
            "averageCount": average
        })
    };
    vec![
        window(0, entrances, average),
        window(1, entrances / 2, average / 2.0),
    ]
}
