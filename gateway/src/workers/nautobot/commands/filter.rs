//! The "filter type, then value" dialogue that `get-devices`, `get-circuits`,
//! `get-vlans` and `get-interface-connections` share: a menu of filter
//! types, then a menu of names (or a text field), then the answer. A typed
//! shortcut with both (`get-devices location ams01`) skips the menus.

use super::error;
use crate::model::{Choice, Field, FieldKind, Reply};
use crate::workers::nautobot::{NautobotError, Session};

/// One way to filter.
#[derive(Clone, Copy, Debug)]
pub struct FilterKind {
    /// What is typed (`location`).
    pub name: &'static str,
    /// The Nautobot filter it becomes (REST query parameter or GraphQL
    /// argument, e.g. `device_type` for `model`); empty for `all`.
    pub param: &'static str,
    /// Where its value comes from.
    pub values: Values,
}

impl FilterKind {
    /// A filter whose value is picked from a menu of `menu`.
    pub const fn menu(name: &'static str, param: &'static str, menu: Values) -> Self {
        FilterKind {
            name,
            param,
            values: menu,
        }
    }

    /// A filter whose value is typed, asked for with a field labelled `label`.
    pub const fn text(name: &'static str, param: &'static str, label: &'static str) -> Self {
        FilterKind {
            name,
            param,
            values: Values::Text(label),
        }
    }

    /// No filter: everything.
    pub const ALL: FilterKind = FilterKind {
        name: "all",
        param: "",
        values: Values::None,
    };
}

/// A menu of the objects at `path` (under `/api/`) with `query`, valued by
/// `value_field`, asking `question`.
pub const fn objects(
    question: &'static str,
    path: &'static str,
    query: &'static [(&'static str, &'static str)],
    value_field: &'static str,
) -> Values {
    Values::Menu {
        question,
        path,
        query,
        value_field,
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

/// Where a filter's value comes from.
#[derive(Clone, Copy, Debug)]
pub enum Values {
    /// No value (`all`).
    None,
    /// Free text, asked for with a one-field form labelled so.
    Text(&'static str),
    /// A menu of the objects at a REST path (with a query), valued by a field.
    Menu {
        /// The question.
        question: &'static str,
        /// The list under `/api/`.
        path: &'static str,
        /// Its query, e.g. the content type the objects must allow.
        query: &'static [(&'static str, &'static str)],
        /// The field whose value becomes the argument (`name`, `vid`, `model`).
        value_field: &'static str,
    },
}

/// What the dialogue decided.
pub enum Step<'k> {
    /// Ask (a menu or a form) or explain (an unknown filter type).
    Answer(Reply),
    /// Filter by `kind`, with `value` (none for `all`).
    Filter(&'k FilterKind, Option<String>),
}

/// The filter type (argument 0) and value (argument 1) of the session, asking
/// for what is missing. `noun` names what is listed ("devices").
pub async fn step<'k>(
    session: &Session<'_>,
    kinds: &'k [FilterKind],
    noun: &str,
) -> Result<Step<'k>, NautobotError> {
    let Some(typed) = session.arg(0) else {
        let choices = kinds.iter().map(|kind| Choice::same(kind.name)).collect();
        return Ok(Step::Answer(
            session.menu(format!("Which {noun}? Filter by…"), choices),
        ));
    };
    let Some(kind) = kinds.iter().find(|kind| kind.name.eq_ignore_ascii_case(typed)) else {
        let known: Vec<&str> = kinds.iter().map(|kind| kind.name).collect();
        return Ok(Step::Answer(error(format!(
            "`{typed}` is not a filter of `{}`; use one of: {}.",
            session.typed(),
            known.join(", ")
        ))));
    };
    if let Some(value) = session.arg(1) {
        return Ok(Step::Filter(kind, Some(value.to_owned())));
    }
    match kind.values {
        Values::None => Ok(Step::Filter(kind, None)),
        Values::Text(label) => Ok(Step::Answer(session.call.form(
            format!("{noun} by {}", kind.name),
            vec![Field {
                label: label.to_owned(),
                kind: FieldKind::Text,
                default: None,
                optional: false,
            }],
        ))),
        Values::Menu {
            question,
            path,
            query,
            value_field,
        } => {
            let choices = session.choices(path, query, value_field).await?;
            if choices.is_empty() {
                return Ok(Step::Answer(error(format!(
                    "Nautobot has no {} that you may see to filter {noun} by.",
                    kind.name
                ))));
            }
            Ok(Step::Answer(session.menu(question, choices)))
        }
    }
}
