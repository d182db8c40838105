//! Hidden versus empty: what an answer shows for a related object the user
//! may not view, so that a permission gap is never drawn as an empty value.
//!
//! What Nautobot 3.2.7 gives a user who may view devices but not their
//! locations, roles or IP addresses (user `partial` of `scripts/nautobot/seed.py`),
//! measured against the Nautobot of `scripts/nautobot/up`:
//!
//! - **GraphQL** answers `null` for a related object the user may not view
//!   (`location: null`, `primary_ip4: null`), and leaves it out of a list
//!   (`locations: []`, `devices: []`): exactly what it answers when there is
//!   none. Its schema has no foreign-key ids to tell the two apart.
//! - **REST at `?depth=0`** gives every related object as `{id, object_type, url}`,
//!   viewable or not; **at `?depth=1` and deeper** a viewable one in full and
//!   one the user may not view as `{id, object_type, url, display}` (Nautobot
//!   keeps `display` on purpose, "for parity with the UI"), so its name is
//!   something the user may read. A list of a model the user may not view
//!   answers 403.
//! - **Filters act on the rows' own columns**, whatever the user may view:
//!   `devices(location: ["ams01"])` finds the same devices for them as for an
//!   admin, and `devices(rack__isnull: true)` or `has_primary_ip: false` pick
//!   exactly the devices without one. The counts REST annotates
//!   (`device_count` of a rack, `prefix_count` of a VLAN) count every object.
//!
//! Hence the one way every sub-command tells them apart:
//!
//! - Answers about one object read it over REST at `?depth≥1` and show what
//!   Nautobot gives, the name of a hidden object included; a `null` there is
//!   empty ([`Related::shown`](super::objects::Related::shown)).
//! - Answers read over GraphQL (the tables, for speed) declare each related
//!   field as a [`Link`]: the model it points to, and either that Nautobot
//!   requires it (a `null` can only be hidden) or the filter of the row's own
//!   list that picks the rows where it is really empty. Only when some row
//!   came back `null` in such a field does one more GraphQL request ask, for
//!   all of them at once, which are empty ([`Nulls::resolve`]); the others are
//!   hidden. An admin sees no `null` but the empty ones, so their answer costs
//!   that request only when something is really empty.
//! - Lists (a VLAN's locations and prefixes, a rack's devices) are compared
//!   with a count Nautobot makes over every object ([`shown_list`]).
//!
//! A hidden value reads `hidden (you may not view dcim.location)`, naming the
//! model as Nautobot's permissions do; `—` stays for what is really empty.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::Deserialize;
use serde_json::{Value, json};

use super::error::NautobotError;
use super::session::Session;
pub use crate::workers::toolkit::shown::{Shown, hidden, shown_list};

/// A related field of the rows of a GraphQL list, and how to tell a `null`
/// in it: hidden from the user, or really empty.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Link {
    /// The GraphQL list whose rows have the field (`devices`).
    pub list: &'static str,
    /// The model it points to, as Nautobot's permissions name it (`dcim.rack`).
    pub model: &'static str,
    /// The argument of `list` that picks the rows where it is empty
    /// (`rack__isnull: true`); none when Nautobot requires it (the column is
    /// `NOT NULL`), so that a `null` can only be hidden.
    pub empty: Option<&'static str>,
}

impl Link {
    /// A field Nautobot requires: a `null` in it is hidden.
    pub const fn required(list: &'static str, model: &'static str) -> Link {
        Link {
            list,
            model,
            empty: None,
        }
    }

    /// A field that may be empty: `empty` is the argument of `list` that
    /// picks the rows where it is.
    pub const fn optional(list: &'static str, model: &'static str, empty: &'static str) -> Link {
        Link {
            list,
            model,
            empty: Some(empty),
        }
    }
}

/// Who looks at the related values of an answer: first [`Nulls`], noting
/// which `null`s to ask about, then [`Empties`], showing them. A row is
/// rendered by one function taking either, so both see the same fields.
pub trait Seen {
    /// What to show for `value` (the name GraphQL gave, or none) of row `id`
    /// through `link`.
    fn seen(&mut self, link: &Link, id: &str, value: Option<&str>) -> Shown;
}

/// The rows whose optional links came back `null`, by list and filter: what
/// to ask Nautobot about.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Nulls {
    asked: BTreeMap<(&'static str, &'static str), BTreeSet<String>>,
}

impl Seen for Nulls {
    /// Notes a `null` of an optional link; shows it as empty meanwhile, so
    /// that the row goes on to look at what it would look at next.
    fn seen(&mut self, link: &Link, id: &str, value: Option<&str>) -> Shown {
        match (value, link.empty) {
            (Some(value), _) => Shown::Value(value.to_owned()),
            (None, None) => Shown::Hidden(link.model.to_owned()),
            (None, Some(filter)) => {
                self.asked
                    .entry((link.list, filter))
                    .or_default()
                    .insert(id.to_owned());
                Shown::Empty
            }
        }
    }
}

impl Nulls {
    /// The `null`s that `row` (a table's row, rendered for [`Nulls`]) notes
    /// in each of `rows`.
    pub fn of<T, R>(rows: &[T], mut row: impl FnMut(&T, &mut Nulls) -> R) -> Nulls {
        let mut nulls = Nulls::default();
        for each in rows {
            row(each, &mut nulls);
        }
        nulls
    }

    /// The GraphQL query asking, in one request, which of the noted rows are
    /// really empty: one aliased list per list and filter, of those rows' ids.
    pub fn query(&self) -> Option<(String, Value)> {
        if self.asked.is_empty() {
            return None;
        }
        let mut declared = Vec::new();
        let mut lists = Vec::new();
        let mut variables = serde_json::Map::new();
        for (n, ((list, filter), ids)) in self.asked.iter().enumerate() {
            declared.push(format!("$q{n}: [String]"));
            lists.push(format!("q{n}: {list}(id: $q{n}, {filter}) {{ id }}"));
            variables.insert(format!("q{n}"), json!(ids));
        }
        let query = format!("query ({}) {{ {} }}", declared.join(", "), lists.join(" "));
        Some((query, Value::Object(variables)))
    }

    /// Asks Nautobot which noted rows are really empty (nothing when nothing
    /// was noted); the other noted rows are hidden from the user.
    pub async fn resolve(self, session: &Session<'_>) -> Result<Empties, NautobotError> {
        let Some((query, variables)) = self.query() else {
            return Ok(Empties::default());
        };
        let answer: HashMap<String, Vec<Id>> = session.graphql(&query, variables).await?;
        self.answered(&answer)
    }

    /// What [`Nulls::query`] was answered: the empty rows, per list and filter.
    pub fn answered(&self, answer: &HashMap<String, Vec<Id>>) -> Result<Empties, NautobotError> {
        let mut empties = Empties::default();
        for (n, (key, _)) in self.asked.iter().enumerate() {
            let rows = answer.get(&format!("q{n}")).ok_or_else(|| {
                NautobotError::Malformed(format!("graphql: no q{n} in the answer to which rows are empty"))
            })?;
            empties
                .empty
                .insert(*key, rows.iter().map(|row| row.id.clone()).collect());
        }
        Ok(empties)
    }
}

/// A row of an answer to [`Nulls::query`].
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct Id {
    pub id: String,
}

/// Which rows' optional links are really empty, as Nautobot said; every
/// other `null` is hidden from the user.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Empties {
    empty: HashMap<(&'static str, &'static str), HashSet<String>>,
}

impl Empties {
    /// These rows' `link` is really empty (what [`Nulls::resolve`] learns).
    #[cfg(test)]
    #[must_use]
    pub fn with(mut self, link: &Link, ids: &[&str]) -> Self {
        if let Some(filter) = link.empty {
            self.empty
                .entry((link.list, filter))
                .or_default()
                .extend(ids.iter().map(|id| (*id).to_owned()));
        }
        self
    }

    /// What to show for `value` of row `id` through `link`.
    pub fn shown(&self, link: &Link, id: &str, value: Option<&str>) -> Shown {
        match (value, link.empty) {
            (Some(value), _) => Shown::Value(value.to_owned()),
            (None, Some(filter))
                if self
                    .empty
                    .get(&(link.list, filter))
                    .is_some_and(|rows| rows.contains(id)) =>
            {
                Shown::Empty
            }
            (None, _) => Shown::Hidden(link.model.to_owned()),
        }
    }
}

impl Seen for &Empties {
    fn seen(&mut self, link: &Link, id: &str, value: Option<&str>) -> Shown {
        self.shown(link, id, value)
    }
}

#[cfg(test)]
mod tests;
