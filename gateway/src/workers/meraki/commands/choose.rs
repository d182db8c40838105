//! What a sub-command is about, chosen by name: the organization, a device
//! of the kind the sub-command needs, a network, a switch port. Each is an
//! argument typed (a name, in any case, or Meraki's ID or serial), else a
//! menu of names whose answer resumes the command with what was chosen
//! before it. An organization is not asked for when the key sees only one.

use serde_json::Value;

use crate::model::{Choice, Reply};
use crate::workers::meraki::client::{Listed, Subject};
use crate::workers::meraki::{MerakiError, Session};
use crate::workers::toolkit::menus::ask_resuming;
use crate::workers::toolkit::render::error;

/// A chosen object, or the menu or error that asks for it.
pub type Chosen<T> = Result<T, Reply>;

/// An organization, as the key sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Org {
    /// Meraki's ID, for the paths.
    pub id: String,
    /// Its name, for people.
    pub name: String,
}

/// The kind of device a sub-command needs, as Meraki's `productTypes` filter names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Any device.
    Any,
    /// MS switches.
    Switch,
    /// MX appliances.
    Appliance,
    /// MV cameras.
    Camera,
}

impl Kind {
    /// Meraki's product type, none for any.
    pub fn product(self) -> Option<&'static str> {
        match self {
            Kind::Any => None,
            Kind::Switch => Some("switch"),
            Kind::Appliance => Some("appliance"),
            Kind::Camera => Some("camera"),
        }
    }

    /// One of them, in words.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Any => "device",
            Kind::Switch => "switch",
            Kind::Appliance => "MX appliance",
            Kind::Camera => "camera",
        }
    }

    /// Several, in words.
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Any => "devices",
            Kind::Switch => "switches",
            Kind::Appliance => "MX appliances",
            Kind::Camera => "cameras",
        }
    }
}

/// The organizations the key sees.
pub async fn organizations(session: &Session<'_>) -> Result<Listed, MerakiError> {
    let subject = Subject {
        action: "view",
        object: "the organizations",
    };
    session.list("organizations", &[], subject).await
}

/// The organization of argument 0, the only one when none is typed, else a menu.
pub async fn organization(session: &Session<'_>) -> Result<Chosen<Org>, MerakiError> {
    let orgs: Vec<Org> = organizations(session)
        .await?
        .items
        .iter()
        .filter_map(org_of)
        .collect();
    let Some(typed) = session.arg(0) else {
        if let [only] = orgs.as_slice() {
            return Ok(Ok(only.clone()));
        }
        let choices = orgs.iter().map(|org| Choice::same(org.name.clone())).collect();
        return Ok(Err(session.ask(
            "Which organization?",
            choices,
            "The API key sees no organization in Meraki.",
        )));
    };
    let found = orgs
        .iter()
        .find(|org| org.name.eq_ignore_ascii_case(typed))
        .or_else(|| orgs.iter().find(|org| org.id == typed));
    Ok(found.cloned().ok_or_else(|| {
        error(format!(
            "Meraki has no organization named `{typed}` that you may see; `get-organizations` lists them."
        ))
    }))
}

/// An organization of `GET /organizations`.
fn org_of(value: &Value) -> Option<Org> {
    Some(Org {
        id: text(value, "id")?,
        name: text(value, "name")?,
    })
}

/// `field` of `value` as text (Meraki's IDs are strings; a number reads too).
pub fn text(value: &Value, field: &str) -> Option<String> {
    match value.get(field)? {
        Value::String(text) if !text.is_empty() => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// A device's name, or its serial when it has none.
pub fn device_name(device: &Value) -> String {
    text(device, "name")
        .or_else(|| text(device, "serial"))
        .unwrap_or_default()
}

/// The devices of `org` of `kind` (Meraki filters them), every page.
pub async fn devices(session: &Session<'_>, org: &Org, kind: Kind) -> Result<Listed, MerakiError> {
    let object = format!("the devices of {}", org.name);
    let query: Vec<(&str, &str)> = kind
        .product()
        .map(|p| ("productTypes[]", p))
        .into_iter()
        .collect();
    let subject = Subject {
        action: "view",
        object: &object,
    };
    session
        .list(&format!("organizations/{}/devices", org.id), &query, subject)
        .await
}

/// The device of `kind` named by argument `index` (its name, or serial),
/// else a menu of `org`'s devices of that kind resuming with `so_far`.
pub async fn device(
    session: &Session<'_>,
    org: &Org,
    kind: Kind,
    index: usize,
    so_far: &[String],
) -> Result<Chosen<Value>, MerakiError> {
    let devices = devices(session, org, kind).await?.items;
    let Some(typed) = session.arg(index) else {
        return Ok(Err(ask_resuming(
            &session.call,
            so_far.to_vec(),
            format!("Which {} of {}?", kind.noun(), org.name),
            device_choices(&devices),
            format!("{} has no {} that you may see.", org.name, kind.plural()),
        )));
    };
    let found = devices.into_iter().find(|device| {
        text(device, "name").is_some_and(|name| name.eq_ignore_ascii_case(typed))
            || text(device, "serial").is_some_and(|serial| serial.eq_ignore_ascii_case(typed))
    });
    Ok(found.ok_or_else(|| {
        error(format!(
            "{} has no {} named `{typed}` that you may see.",
            org.name,
            kind.noun()
        ))
    }))
}

/// A menu's choices: each device's name with its model, sorted by name.
pub fn device_choices(devices: &[Value]) -> Vec<Choice> {
    let mut choices: Vec<Choice> = devices
        .iter()
        .map(|device| {
            let name = device_name(device);
            let label = match text(device, "model") {
                Some(model) => format!("{name} ({model})"),
                None => name.clone(),
            };
            Choice { label, value: name }
        })
        .filter(|choice| !choice.value.is_empty())
        .collect();
    choices.sort_by(|a, b| a.label.cmp(&b.label));
    choices
}

/// The networks of `org`, every page.
pub async fn networks(session: &Session<'_>, org: &Org) -> Result<Listed, MerakiError> {
    let object = format!("the networks of {}", org.name);
    let subject = Subject {
        action: "view",
        object: &object,
    };
    session
        .list(&format!("organizations/{}/networks", org.id), &[], subject)
        .await
}

/// Whether a network has `product` (`wireless`) among its product types.
pub fn has_product(network: &Value, product: &str) -> bool {
    network
        .get("productTypes")
        .and_then(Value::as_array)
        .is_some_and(|types| types.iter().any(|t| t == product))
}

/// The wireless network named by argument `index`, else a menu of `org`'s
/// networks with wireless resuming with `so_far`.
pub async fn wireless_network(
    session: &Session<'_>,
    org: &Org,
    index: usize,
    so_far: &[String],
) -> Result<Chosen<Value>, MerakiError> {
    let networks: Vec<Value> = networks(session, org)
        .await?
        .items
        .into_iter()
        .filter(|network| has_product(network, "wireless"))
        .collect();
    let Some(typed) = session.arg(index) else {
        let mut choices: Vec<Choice> = networks
            .iter()
            .filter_map(|network| text(network, "name"))
            .map(Choice::same)
            .collect();
        choices.sort_by(|a, b| a.label.cmp(&b.label));
        return Ok(Err(ask_resuming(
            &session.call,
            so_far.to_vec(),
            format!("Which wireless network of {}?", org.name),
            choices,
            format!("{} has no wireless network that you may see.", org.name),
        )));
    };
    let found = networks.into_iter().find(|network| {
        text(network, "name").is_some_and(|name| name.eq_ignore_ascii_case(typed))
            || text(network, "id").is_some_and(|id| id == typed)
    });
    Ok(found.ok_or_else(|| {
        error(format!(
            "{} has no wireless network named `{typed}` that you may see.",
            org.name
        ))
    }))
}
