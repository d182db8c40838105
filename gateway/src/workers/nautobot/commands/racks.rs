//! `get-rack`: a rack's units and the devices in them.

use serde::Deserialize;
use serde_json::json;

use crate::model::{Block, Reply};
use crate::workers::nautobot::objects::or_none;
use crate::workers::nautobot::visibility::hidden;
use crate::workers::nautobot::{NautobotError, Session};
use crate::workers::toolkit::render::{error, titled};

const RACK_QUERY: &str = "query ($location: [String], $name: [String]) { racks(location: $location, name: $name) { \
     id name u_height desc_units devices { name position face device_type { u_height } } } }";

/// How many devices a rack has, as `dcim/racks/?depth=0` counts them: all of
/// them, those the user may not view too (measured on Nautobot 3.2.7: 4 for
/// a user who may view racks but no device, whose GraphQL `devices` is `[]`).
#[derive(Clone, Debug, Deserialize, PartialEq)]
struct RackCount {
    id: String,
    #[serde(default)]
    device_count: usize,
}

/// A rack and what is mounted in it.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Rack {
    #[serde(default)]
    pub id: String,
    pub name: String,
    /// Height in units.
    pub u_height: u32,
    /// Whether unit 1 is at the top.
    #[serde(default)]
    pub desc_units: bool,
    #[serde(default)]
    pub devices: Vec<Mounted>,
}

/// A device in a rack.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Mounted {
    pub name: Option<String>,
    /// The lowest unit it occupies; none when it is in the rack but not in a unit.
    pub position: Option<u32>,
    /// `FRONT` or `REAR` (GraphQL spells the choice in capitals).
    pub face: Option<String>,
    pub device_type: Option<MountedType>,
}

/// How many units a device type takes.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct MountedType {
    pub u_height: Option<u32>,
}

/// `get-rack [location] [rack]`.
pub async fn get_rack(session: &Session<'_>) -> Result<Reply, NautobotError> {
    let Some(location) = session.arg(0) else {
        let choices = session
            .choices("dcim/locations/", &[("content_type", "dcim.rack")], "name")
            .await?;
        return Ok(session.ask(
            "Racks at which location?",
            choices,
            "There are no locations with racks that you may see in Nautobot.",
        ));
    };
    let Some(rack) = session.arg(1) else {
        let choices = session
            .choices("dcim/racks/", &[("location", location)], "name")
            .await?;
        return Ok(session.ask(
            format!("Which rack at {location}?"),
            choices,
            format!("There are no racks at `{location}` that you may see in Nautobot."),
        ));
    };
    // GraphQL leaves out the devices the user may not view; REST counts them
    // all. Both at once, so the count costs no time.
    let (racks, counts) = futures::future::try_join(
        session.rows::<Rack>(
            "racks",
            RACK_QUERY,
            json!({"location": [location], "name": [rack]}),
        ),
        session.list::<RackCount>(
            "dcim/racks/",
            &[("location", location), ("name", rack), ("depth", "0")],
        ),
    )
    .await?;
    Ok(match racks.first() {
        Some(found) => {
            let counted = counts
                .results
                .iter()
                .find(|count| count.id == found.id)
                .map(|count| count.device_count);
            render_rack(location, found, counted)
        }
        None => error(format!(
            "There is no rack `{rack}` at `{location}` that you may see in Nautobot."
        )),
    })
}

/// One line per unit, top down (`42 | ams01-edge-01`), devices of several
/// units on each of them, rear-mounted ones marked, and the devices in the
/// rack without a unit listed after. `counted` is how many devices Nautobot
/// counts in the rack: those the user may not view are said to be hidden, so
/// that their units are not taken for free ones.
pub fn render_rack(location: &str, rack: &Rack, counted: Option<usize>) -> Reply {
    let mut units: Vec<Vec<String>> = vec![Vec::new(); rack.u_height as usize + 1];
    let mut unmounted = Vec::new();
    let mut heightless = Vec::new();
    for device in &rack.devices {
        let name = or_none(device.name.as_deref());
        let shown = match device.face.as_deref() {
            Some(face) if face.eq_ignore_ascii_case("rear") => format!("{name} (rear)"),
            _ => name.clone(),
        };
        // A device's type is required: without it, the user may not view it.
        if device.device_type.is_none() && device.position.is_some() {
            heightless.push(name.clone());
        }
        let height = device.device_type.as_ref().and_then(|t| t.u_height).unwrap_or(1);
        match device.position {
            Some(position) if position >= 1 && height > 0 => {
                for unit in position..position + height {
                    if let Some(slot) = units.get_mut(unit as usize) {
                        slot.push(shown.clone());
                    }
                }
            }
            _ => unmounted.push(name),
        }
    }
    let width = rack.u_height.to_string().len();
    let order: Box<dyn Iterator<Item = u32>> = if rack.desc_units {
        Box::new(1..=rack.u_height)
    } else {
        Box::new((1..=rack.u_height).rev())
    };
    let lines: Vec<String> = order
        .map(|unit| {
            let here = &units[unit as usize];
            if here.is_empty() {
                format!("{unit:>width$} |")
            } else {
                format!("{unit:>width$} | {}", here.join(", "))
            }
        })
        .collect();
    let mut blocks = vec![Block::Code(lines.join("\n"))];
    if !unmounted.is_empty() {
        unmounted.sort();
        blocks.push(Block::Text(format!(
            "In the rack but not in a unit: {}",
            unmounted.join(", ")
        )));
    }
    if !heightless.is_empty() {
        heightless.sort();
        blocks.push(Block::Text(format!(
            "The height of {} is {}: shown in the lowest unit only.",
            heightless.join(", "),
            hidden("dcim.devicetype")
        )));
    }
    let title = format!("Rack {} at {location} ({} U)", rack.name, rack.u_height);
    let unseen = counted.map_or(0, |counted| counted.saturating_sub(rack.devices.len()));
    match (rack.devices.is_empty(), unseen) {
        (true, 0) if counted.is_some() => blocks.push(Block::Text("No devices in it.".to_owned())),
        (true, 0) => blocks.push(Block::Text("No devices in it that you may see.".to_owned())),
        (_, 0) => {}
        (_, 1) => blocks.push(Block::Text(format!(
            "1 device in it is {}; its units may look free.",
            hidden("dcim.device")
        ))),
        (_, unseen) => blocks.push(Block::Text(format!(
            "{unseen} devices in it are {}; their units may look free.",
            hidden("dcim.device")
        ))),
    }
    titled(title, blocks)
}
