//! Hidden versus empty: what an answer shows for a value, so that a value
//! the user may not view is never drawn as an empty one. Backends with
//! object permissions (Nautobot, AWX, Grafana) hide objects; how to tell is
//! the integration's to say, how it reads is the same everywhere.

use super::render::NONE;

/// What an answer shows for one value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shown {
    /// What the user may read.
    Value(String),
    /// There is none.
    Empty,
    /// There is one, of this model (`dcim.location`), that the user may not view.
    Hidden(String),
}

impl Shown {
    /// `value` when there is one (and it is not blank), else empty.
    pub fn of(value: Option<&str>) -> Shown {
        match value {
            Some(text) if !text.is_empty() => Shown::Value(text.to_owned()),
            _ => Shown::Empty,
        }
    }

    /// The value changed by `f`; empty and hidden stay as they are.
    #[must_use]
    pub fn map(self, f: impl FnOnce(String) -> String) -> Shown {
        match self {
            Shown::Value(value) => Shown::Value(f(value)),
            other => other,
        }
    }

    /// The value, if the user may read one.
    pub fn value(&self) -> Option<&str> {
        match self {
            Shown::Value(value) => Some(value),
            _ => None,
        }
    }

    /// How it reads: the value, `—`, or `hidden (you may not view dcim.location)`.
    pub fn text(&self) -> String {
        match self {
            Shown::Value(value) if !value.is_empty() => value.clone(),
            Shown::Value(_) | Shown::Empty => NONE.to_owned(),
            Shown::Hidden(model) => hidden(model),
        }
    }
}

impl std::fmt::Display for Shown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text())
    }
}

/// `hidden (you may not view dcim.location)`.
pub fn hidden(model: &str) -> String {
    format!("hidden (you may not view {model})")
}

/// A list the user sees `shown` of, of `model`, that the backend counts
/// `counted` of in all (none: not counted, take it as whole): the names, with
/// how many more are hidden; `—` when there are none.
pub fn shown_list(shown: &[&str], counted: Option<usize>, model: &str) -> String {
    let more = counted.map_or(0, |counted| counted.saturating_sub(shown.len()));
    match (shown.is_empty(), more) {
        (true, 0) => NONE.to_owned(),
        (true, 1) => hidden(model),
        (true, more) => format!("{more} {}", hidden(model)),
        (false, 0) => shown.join(", "),
        (false, more) => format!("{}, {more} more {}", shown.join(", "), hidden(model)),
    }
}
