//! `get-manufacturer-summary`.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::model::Reply;
use crate::workers::nautobot::objects::{Named, Related};
use crate::workers::nautobot::visibility::hidden;
use crate::workers::nautobot::{NautobotError, Page, Session};
use crate::workers::toolkit::render::{info, table_message};

/// A device type with its device count, as `dcim/device-types/?depth=1` lists it.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct DeviceTypeCount {
    pub manufacturer: Option<Related>,
    #[serde(default)]
    pub device_count: u64,
}

/// `get-manufacturer-summary`: devices per manufacturer, from the device
/// types' own counts (pages of device types, not of devices). Nautobot counts
/// every device of a type, and at `?depth=1` names a type's manufacturer
/// even to a user who may not view manufacturers; such a user, refused the
/// list of manufacturers, is shown those of the device types.
pub async fn get_manufacturer_summary(session: &Session<'_>) -> Result<Reply, NautobotError> {
    let (manufacturers, types) = futures::future::join(
        session.list::<Named>("dcim/manufacturers/", &[]),
        session.list::<DeviceTypeCount>("dcim/device-types/", &[("depth", "1")]),
    )
    .await;
    let manufacturers = match manufacturers {
        Ok(page) => Some(page.results),
        Err(NautobotError::Forbidden { .. }) => None,
        Err(other) => return Err(other),
    };
    let types: Page<DeviceTypeCount> = types?;
    Ok(render_summary(manufacturers.as_deref(), &types.results))
}

/// Manufacturer and device count, most devices first; manufacturers without
/// devices included with 0 (`manufacturers`: none when the user may not list
/// them, then those without device types are said to be left out).
pub fn render_summary(manufacturers: Option<&[Named]>, types: &[DeviceTypeCount]) -> Reply {
    let mut counts: BTreeMap<String, u64> = manufacturers
        .unwrap_or_default()
        .iter()
        .map(|m| (m.name.clone(), 0))
        .collect();
    for device_type in types {
        if let Some(manufacturer) = &device_type.manufacturer {
            *counts.entry(manufacturer.shown().text()).or_default() += device_type.device_count;
        }
    }
    if counts.is_empty() {
        return info("There are no manufacturers that you may see.");
    }
    let mut sorted: Vec<(String, u64)> = counts.into_iter().collect();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let rows = sorted
        .into_iter()
        .map(|(name, count)| vec![name, count.to_string()])
        .collect();
    table_message(
        "Devices by manufacturer".to_owned(),
        &["Manufacturer", "Devices"],
        rows,
        manufacturers.is_none().then(|| {
            format!(
                "Manufacturers without device types are {}.",
                hidden("dcim.manufacturer")
            )
        }),
    )
}
