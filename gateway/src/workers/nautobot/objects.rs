//! Nautobot's objects as the sub-commands read them: only the fields they
//! show, every one optional, so that a field Nautobot leaves out does not
//! fail the answer. Whether a missing related object is empty or hidden from
//! the user is [`visibility`](super::visibility)'s to say.

use serde::Deserialize;

use super::visibility::Shown;
pub use crate::workers::toolkit::render::{NONE, or_none};

/// A related object as Nautobot nests it (REST `?depth=1` or GraphQL): the
/// fields that name it, whichever its kind has.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Related {
    /// Most kinds.
    pub name: Option<String>,
    /// What Nautobot shows for it (REST only).
    pub display: Option<String>,
    /// Device types.
    pub model: Option<String>,
    /// IP addresses and prefixes.
    pub address: Option<String>,
    /// Its model (`dcim.location`; REST only).
    pub object_type: Option<String>,
    /// A device type's manufacturer (REST at `?depth=2`).
    pub manufacturer: Option<Box<Related>>,
}

impl Related {
    /// The name people know it by.
    pub fn label(&self) -> &str {
        self.known_as().unwrap_or(NONE)
    }

    /// The name people know it by, if the answer has one.
    pub fn known_as(&self) -> Option<&str> {
        [&self.name, &self.model, &self.address, &self.display]
            .into_iter()
            .find_map(|text| text.as_deref().filter(|text| !text.is_empty()))
    }
}

impl Related {
    /// What REST at `?depth=1` or deeper says of it: its name, full or (for
    /// an object the user may not view, measured on Nautobot 3.2.7) from the
    /// `{id, object_type, url, display}` Nautobot gives instead; hidden when
    /// even that is missing (a reference at the depth limit).
    pub fn shown(&self) -> Shown {
        match self.known_as() {
            Some(name) => Shown::Value(name.to_owned()),
            None => Shown::Hidden(self.object_type.clone().unwrap_or_else(|| "it".to_owned())),
        }
    }
}

/// The name an answer gives an optional related object, if any.
pub fn named(related: &Option<Related>) -> Option<&str> {
    related.as_ref().and_then(Related::known_as)
}

/// What REST at `?depth≥1` says of an optional related object: its name
/// (a hidden one's included), or empty when it is `null`.
pub fn shown(related: &Option<Related>) -> Shown {
    related.as_ref().map_or(Shown::Empty, Related::shown)
}

/// A device, as `dcim/devices/?depth=1` returns it.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Device {
    /// Its UUID, for the change and the link; never shown.
    #[serde(default)]
    pub id: String,
    /// Unnamed devices exist in Nautobot.
    pub name: Option<String>,
    pub status: Option<Related>,
    pub tenant: Option<Related>,
    pub location: Option<Related>,
    pub rack: Option<Related>,
    pub role: Option<Related>,
    pub device_type: Option<Related>,
    pub primary_ip4: Option<Related>,
    pub primary_ip6: Option<Related>,
}

impl Device {
    /// Its name, or "—".
    pub fn name(&self) -> String {
        or_none(self.name.as_deref())
    }
}

/// A status, role, location or other named object from a REST list.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Named {
    #[serde(default)]
    pub id: String,
    pub name: String,
}

/// `10.1.0.254/24` → `10.1.0.254`, as the original shows primary IPs.
pub fn host(address: &str) -> &str {
    address.split('/').next().unwrap_or(address)
}
