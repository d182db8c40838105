//! The CVP service API (`/cvpservice/…`, `/web/…`) on the fake's seed:
//! inventory, containers, configlets and running configs, with CVP's paging
//! (`startIndex`, `endIndex`, `total`); the tasks are in `tasks`.

use axum::{
    http::{Method, StatusCode},
    response::Response,
};
use serde_json::{Value, json};

use super::{
    CloudVision, cvp_error,
    data::{self, CONFIGLETS, CONTAINERS, DEVICES, Device},
};
use crate::fake_api::{Recorded, json_response};

/// The query's pairs, decoded.
pub(super) fn query(request: &Recorded) -> Vec<(String, String)> {
    form_urlencoded::parse(request.query.as_bytes())
        .into_owned()
        .collect()
}

/// The query parameter `name`, if given.
pub(super) fn param(request: &Recorded, name: &str) -> Option<String> {
    query(request)
        .into_iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

/// `items[startIndex..endIndex]` (all of them past `startIndex` when
/// `endIndex` is 0 or missing), or why an index is refused (not a number,
/// or running backwards), which [`bad_index`] answers.
fn window(request: &Recorded, items: Vec<Value>) -> Result<Vec<Value>, String> {
    let index = |name| match param(request, name) {
        None => Ok(0),
        Some(v) if v.is_empty() => Ok(0),
        Some(v) => v
            .parse::<usize>()
            .map_err(|_| format!("{name} must be a non-negative integer")),
    };
    let start = index("startIndex")?;
    let end = index("endIndex")?;
    if end != 0 && end < start {
        return Err("endIndex must not be less than startIndex".to_owned());
    }
    let end = if end == 0 {
        items.len()
    } else {
        end.min(items.len())
    };
    Ok(items
        .into_iter()
        .skip(start)
        .take(end.saturating_sub(start))
        .collect())
}

/// CVP's answer to a bad `startIndex` or `endIndex`: an error code with `200`.
fn bad_index(message: &str) -> Response {
    cvp_error(StatusCode::OK, "121001", message)
}

/// A paged list: `{"data": [...], "total": N}`.
pub(super) fn paged(request: &Recorded, items: Vec<Value>) -> Response {
    let total = items.len();
    match window(request, items) {
        Ok(page) => json_response(StatusCode::OK, &json!({ "data": page, "total": total })),
        Err(message) => bad_index(&message),
    }
}

/// Milliseconds since the epoch `age` seconds before `started`.
pub(super) fn ms(started: i64, age: i64) -> i64 {
    (started - age) * 1000
}

/// A device as `GET inventory/devices` gives it (CVP 2018.2 and later).
pub(super) fn device_json(d: &Device, started: i64) -> Value {
    let undefined = d.container == data::UNDEFINED_KEY;
    json!({
        "modelName": d.model,
        "internalVersion": format!("{}-{}", d.eos, "32145678.eng"),
        "systemMacAddress": d.mac,
        "memTotal": 8_099_732,
        "bootupTimestamp": (started - 1_209_600) as f64 + 0.25,
        "memFree": 5_217_440,
        "architecture": "x86_64",
        "internalBuild": "a1b2c3d4-e5f6-7a8b",
        "hardwareRevision": "11.02",
        "fqdn": format!("{}.example.net", d.hostname),
        "taskIdList": [],
        "ztpMode": false,
        "version": d.eos,
        "serialNumber": d.serial,
        "key": d.mac,
        "deviceType": "eos",
        "ipAddress": d.ip,
        "hostname": d.hostname,
        "domainName": "example.net",
        "status": "Registered",
        "mlagEnabled": d.container == data::DC1_LEAFS_KEY,
        "danzEnabled": false,
        "parentContainerKey": d.container,
        "complianceCode": if d.serial == data::DRIFTED_SERIAL { "0001" } else { "0000" },
        "complianceIndication": if d.serial == data::DRIFTED_SERIAL { "WARNING" } else { "" },
        "streamingStatus": if d.streaming { "active" } else { "inactive" },
        "isDANZEnabled": false,
        "isMLAGEnabled": d.container == data::DC1_LEAFS_KEY,
        "provisioned": !undefined
    })
}

/// A device as the provisioning calls list it (`netElementList`): the
/// inventory's fields and the older names of the same, with its container.
fn net_element_json(d: &Device, started: i64) -> Value {
    let mut value = device_json(d, started);
    let container = data::container(d.container).map_or("", |c| c.name);
    value["parentContainerId"] = json!(d.container);
    value["containerName"] = json!(container);
    value["deviceInfo"] = json!("Registered");
    value["deviceStatus"] = json!("Registered");
    value["type"] = json!("netelement");
    value
}

/// The devices under `key`, at any depth.
fn devices_under(key: &str) -> impl Iterator<Item = &'static Device> {
    DEVICES
        .iter()
        .filter(move |d| data::lineage(d.container).contains(&key))
}

/// A container as the provisioning calls list it.
fn container_json(c: &data::Container) -> Value {
    json!({
        "key": c.key,
        "name": c.name,
        "type": "container",
        "childContainerCount": CONTAINERS.iter().filter(|x| x.parent == Some(c.key)).count(),
        "childNetElementCount": DEVICES.iter().filter(|d| d.container == c.key).count(),
        "parentContainerId": c.parent,
        "mode": "expand",
        "deviceStatus": "",
        "childTaskCount": 0,
        "tempAction": null,
        "tempEvent": null
    })
}

impl CloudVision {
    /// Routes one CVP service API request (credentials checked) by its path
    /// after `/cvpservice/` or `/web/`.
    pub(super) fn service(&mut self, request: &Recorded, rest: &str) -> Response {
        let rest = rest.trim_end_matches('?');
        let get = request.method == Method::GET;
        match (rest, get) {
            ("cvpInfo/getCvpInfo.do", true) => json_response(
                StatusCode::OK,
                &json!({ "version": data::CVP_VERSION, "appVersion": "Phase_2_Sprint_64_HF2" }),
            ),
            ("inventory/devices", true) => self.inventory(request),
            ("inventory/containers", true) => self.containers(request),
            ("inventory/device/config", true) => self.running_config(request),
            ("provisioning/searchTopology.do", true) => self.search_topology(request),
            ("provisioning/getContainerInfoById.do", true) => self.container_info(request),
            ("provisioning/getConfigletsByContainerId.do", true) => {
                let key = param(request, "containerId").unwrap_or_default();
                if data::container(&key).is_none() {
                    return cvp_error(StatusCode::OK, "122402", "Invalid container id");
                }
                self.configlet_list(
                    request,
                    CONFIGLETS.iter().filter(|c| c.containers.contains(&key.as_str())),
                )
            }
            ("provisioning/getConfigletsByNetElementId.do", true) => {
                let id = param(request, "netElementId").unwrap_or_default();
                let Some(device) = DEVICES.iter().find(|d| d.mac == id || d.serial == id) else {
                    return cvp_error(StatusCode::OK, "122403", "Invalid netElement id");
                };
                self.configlet_list(
                    request,
                    CONFIGLETS.iter().filter(|c| c.devices.contains(&device.serial)),
                )
            }
            ("configlet/getConfiglets.do", true) => {
                let all = CONFIGLETS
                    .iter()
                    .enumerate()
                    .map(|(i, c)| data::configlet_json(c, ms(self.started, 2_592_000 - i as i64 * 3600)))
                    .collect();
                paged(request, all)
            }
            ("configlet/getConfigletByName.do", true) => {
                let name = param(request, "name").unwrap_or_default();
                match CONFIGLETS.iter().position(|c| c.name == name) {
                    Some(i) => json_response(
                        StatusCode::OK,
                        &data::configlet_json(&CONFIGLETS[i], ms(self.started, 2_592_000 - i as i64 * 3600)),
                    ),
                    None => cvp_error(StatusCode::OK, "132801", "Entity does not exist"),
                }
            }
            ("configlet/getConfigletBuilder.do", true) => {
                let id = param(request, "id").unwrap_or_default();
                match CONFIGLETS
                    .iter()
                    .find(|c| c.key == id && c.kind == data::Kind::Builder)
                {
                    Some(c) => json_response(
                        StatusCode::OK,
                        &json!({ "data": { "key": c.key, "name": c.name, "main_script": { "data": data::BUILDER_SCRIPT }, "formList": [] } }),
                    ),
                    None => cvp_error(StatusCode::OK, "132801", "Entity does not exist"),
                }
            }
            ("task/getTasks.do", true) => self.list_tasks(request),
            ("task/getTaskById.do", true) => self.task_by_id(request),
            ("task/getLogsById.do", true) => self.task_logs(request),
            ("audit/getLogs.do", false) => self.audit_logs(request),
            ("task/executeTask.do", false) => self.change_tasks(request, "Completed", "COMPLETED"),
            ("task/cancelTask.do", false) => self.change_tasks(request, "Cancelled", "CANCELLED"),
            _ => cvp_error(StatusCode::NOT_FOUND, "404", "Not found"),
        }
    }

    /// `GET inventory/devices`: every device, or with `provisioned=true`
    /// only those outside `Undefined`.
    fn inventory(&self, request: &Recorded) -> Response {
        let provisioned = param(request, "provisioned").is_some_and(|v| v.eq_ignore_ascii_case("true"));
        let devices: Vec<Value> = DEVICES
            .iter()
            .filter(|d| !provisioned || d.container != data::UNDEFINED_KEY)
            .map(|d| device_json(d, self.started))
            .collect();
        json_response(StatusCode::OK, &Value::Array(devices))
    }

    /// `GET inventory/containers`: every container, or the one `name`s.
    fn containers(&self, request: &Recorded) -> Response {
        let name = param(request, "name");
        let containers: Vec<Value> = CONTAINERS
            .iter()
            .filter(|c| name.as_deref().is_none_or(|n| n == c.name))
            .enumerate()
            .map(|(i, c)| {
                json!({
                    "Key": c.key,
                    "Name": c.name,
                    "CreatedBy": if c.parent.is_none() || c.key == data::UNDEFINED_KEY { "cvp system" } else { "cvpadmin" },
                    "CreatedOn": ms(self.started, 31_536_000 - i as i64 * 86_400),
                    "Mode": "expand"
                })
            })
            .collect();
        json_response(StatusCode::OK, &Value::Array(containers))
    }

    /// `GET inventory/device/config?netElementId=MAC`: the running config.
    fn running_config(&self, request: &Recorded) -> Response {
        let id = param(request, "netElementId").unwrap_or_default();
        match DEVICES.iter().find(|d| d.mac == id) {
            Some(device) => json_response(StatusCode::OK, &json!({ "output": data::running_config(device) })),
            None => cvp_error(StatusCode::OK, "121000", "Device not found"),
        }
    }

    /// `GET provisioning/searchTopology.do?queryParam=…`: the containers
    /// whose name, and the devices whose hostname, FQDN, serial, MAC or IP
    /// contains it (case-insensitive); an empty query finds everything.
    fn search_topology(&self, request: &Recorded) -> Response {
        let wanted = param(request, "queryParam").unwrap_or_default().to_lowercase();
        let hit = |text: &str| text.to_lowercase().contains(&wanted);
        let containers: Vec<Value> = CONTAINERS
            .iter()
            .filter(|c| hit(c.name))
            .map(container_json)
            .collect();
        let found: Vec<&Device> = DEVICES
            .iter()
            .filter(|d| {
                hit(d.hostname)
                    || hit(&format!("{}.example.net", d.hostname))
                    || hit(d.serial)
                    || hit(d.mac)
                    || hit(d.ip)
            })
            .collect();
        let elements: Vec<Value> = found.iter().map(|d| net_element_json(d, self.started)).collect();
        let links: Vec<Value> = found
            .iter()
            .map(|d| {
                json!({
                    "containerKey": d.container,
                    "containerName": data::container(d.container).map_or("", |c| c.name),
                    "netElementKey": d.mac,
                    "containerType": "container"
                })
            })
            .collect();
        let total = containers.len() + elements.len();
        let (containers, elements) = match (window(request, containers), window(request, elements)) {
            (Ok(c), Ok(e)) => (c, e),
            (Err(message), _) | (_, Err(message)) => return bad_index(&message),
        };
        json_response(
            StatusCode::OK,
            &json!({
                "total": total,
                "containerList": containers,
                "netElementList": elements,
                "netElementContainerList": links,
                "keywordList": [],
                "tagList": []
            }),
        )
    }

    /// `GET provisioning/getContainerInfoById.do?containerId=KEY`.
    fn container_info(&self, request: &Recorded) -> Response {
        let key = param(request, "containerId").unwrap_or_default();
        let Some(c) = data::container(&key) else {
            return cvp_error(StatusCode::OK, "122402", "Invalid container id");
        };
        json_response(
            StatusCode::OK,
            &json!({
                "key": c.key,
                "name": c.name,
                "parentName": c.parent.and_then(data::container).map(|p| p.name),
                "childContainerCount": CONTAINERS.iter().filter(|x| x.parent == Some(c.key)).count(),
                "childNetElementCount": DEVICES.iter().filter(|d| d.container == c.key).count(),
                "associatedSwitches": devices_under(c.key).count(),
                "associatedConfiglets": CONFIGLETS.iter().filter(|x| x.containers.contains(&c.key)).count(),
                "bundleName": "",
                "imageBundleId": ""
            }),
        )
    }

    /// `{"configletList": [...], "total": N}`, paged.
    fn configlet_list<'a>(
        &self,
        request: &Recorded,
        configlets: impl Iterator<Item = &'a data::Configlet>,
    ) -> Response {
        let all: Vec<Value> = configlets
            .map(|c| {
                let i = CONFIGLETS.iter().position(|x| x.key == c.key).unwrap_or(0);
                data::configlet_json(c, ms(self.started, 2_592_000 - i as i64 * 3600))
            })
            .collect();
        let total = all.len();
        match window(request, all) {
            Ok(page) => json_response(
                StatusCode::OK,
                &json!({ "configletList": page, "total": total, "configletMapper": {} }),
            ),
            Err(message) => bad_index(&message),
        }
    }
}
