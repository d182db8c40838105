//! The "filter type, then value" dialogue that `get-devices`, `get-circuits`,
//! `get-vlans` and `get-interface-connections` share, as the toolkit's
//! [`menus`] dialogue whose menus are Nautobot's REST lists.

use crate::workers::toolkit::menus;

pub use crate::workers::toolkit::menus::step;

/// A menu fed by a REST list: the objects at `path` (under `/api/`) with
/// `query`, valued by `value_field`.
#[derive(Clone, Copy, Debug)]
pub struct ObjectList {
    /// The list under `/api/`.
    pub path: &'static str,
    /// Its query, e.g. the content type the objects must allow.
    pub query: &'static [(&'static str, &'static str)],
    /// The field whose value becomes the argument (`name`, `vid`, `model`).
    pub value_field: &'static str,
}

/// One way to filter, its menu a REST list.
pub type FilterKind = menus::FilterKind<ObjectList>;
/// What the dialogue decided.
pub type Step<'k> = menus::Step<'k, ObjectList>;
/// Where a filter's value comes from.
pub type Values = menus::Values<ObjectList>;

/// A menu of the objects at `path` (under `/api/`) with `query`, valued by
/// `value_field`, asking `question`.
pub const fn objects(
    question: &'static str,
    path: &'static str,
    query: &'static [(&'static str, &'static str)],
    value_field: &'static str,
) -> Values {
    menus::Values::Menu {
        question,
        source: ObjectList {
            path,
            query,
            value_field,
        },
    }
}

/// The menus of device filters that `get-devices` and
/// `get-interface-connections` share.
pub const DEVICE_LOCATIONS: Values = objects(
    "Devices at which location?",
    "dcim/locations/",
    &[("content_type", "dcim.device")],
    "name",
);
/// See [`DEVICE_LOCATIONS`].
pub const DEVICE_ROLES: Values = objects(
    "Devices of which role?",
    "extras/roles/",
    &[("content_types", "dcim.device")],
    "name",
);
/// See [`DEVICE_LOCATIONS`].
pub const DEVICE_MODELS: Values = objects("Devices of which model?", "dcim/device-types/", &[], "model");
