//! Nautobot's objects as the sub-commands read them: only the fields they
//! show, every one optional, so a field Nautobot leaves out or a permission
//! that hides a related object renders as "—" instead of failing the answer.

use serde::Deserialize;

/// What a table shows for a missing value.
pub const NONE: &str = "—";

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
}

impl Related {
    /// The name people know it by.
    pub fn label(&self) -> &str {
        self.name
            .as_deref()
            .or(self.model.as_deref())
            .or(self.address.as_deref())
            .or(self.display.as_deref())
            .unwrap_or(NONE)
    }
}

/// The label of an optional related object, "—" when there is none.
pub fn label(related: &Option<Related>) -> String {
    related.as_ref().map_or(NONE, Related::label).to_owned()
}

/// `value`, or "—" when empty or absent.
pub fn or_none(value: Option<&str>) -> String {
    match value {
        Some(text) if !text.is_empty() => text.to_owned(),
        _ => NONE.to_owned(),
    }
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

    /// Its primary IP without the mask (IPv4 first), or "—".
    pub fn primary_host(&self) -> String {
        match self.primary_ip4.as_ref().or(self.primary_ip6.as_ref()) {
            Some(ip) => host(ip.label()).to_owned(),
            None => or_none(None),
        }
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
