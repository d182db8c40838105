//! Form-encoded bodies (`application/x-www-form-urlencoded`): Slack's and
//! Mattermost's slash commands, and Slack's interactions.

use std::collections::BTreeMap;

/// The fields of a form body, each with all its values in order.
#[derive(Clone, Debug, Default)]
pub struct Fields(BTreeMap<String, Vec<String>>);

impl Fields {
    /// The fields of `body`; `None` when it is not form text (not UTF-8, or
    /// JSON sent to a form endpoint).
    pub fn parse(body: &[u8]) -> Option<Self> {
        let text = std::str::from_utf8(body).ok()?;
        if text.trim_start().starts_with(['{', '[']) {
            return None;
        }
        let mut fields: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (key, value) in form_urlencoded::parse(body) {
            fields
                .entry(key.into_owned())
                .or_default()
                .push(value.into_owned());
        }
        Some(Fields(fields))
    }

    /// The fields of a JSON object (Slack's Socket Mode sends a slash
    /// command's form this way): each string as it is, a number or a boolean
    /// as its JSON text; nested values are left out. `None` when `body` is
    /// not a JSON object.
    pub fn from_json_object(body: &[u8]) -> Option<Self> {
        let serde_json::Value::Object(object) = serde_json::from_slice(body).ok()? else {
            return None;
        };
        let fields = object
            .into_iter()
            .filter_map(|(key, value)| {
                let text = match value {
                    serde_json::Value::String(text) => text,
                    serde_json::Value::Number(_) | serde_json::Value::Bool(_) => value.to_string(),
                    _ => return None,
                };
                Some((key, vec![text]))
            })
            .collect();
        Some(Fields(fields))
    }

    /// The last value of `name`, as sent (a repeated name keeps its last
    /// value, as slack_bolt reads it).
    pub fn last(&self, name: &str) -> Option<&str> {
        self.0.get(name)?.last().map(String::as_str)
    }

    /// The last value of `name`, when not empty.
    pub fn optional(&self, name: &str) -> Option<String> {
        self.last(name)
            .filter(|value| !value.is_empty())
            .map(str::to_owned)
    }

    /// Every value of `name`, in order.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0.get(name).cloned().unwrap_or_default()
    }

    /// The first of `names` that came more than once.
    pub fn repeated<'a>(&self, names: &[&'a str]) -> Option<&'a str> {
        names
            .iter()
            .copied()
            .find(|name| self.0.get(*name).is_some_and(|values| values.len() > 1))
    }
}

/// Asserts that `parse` refuses the form `body` without each of `required`,
/// or with it empty, with `missing(field)`.
#[cfg(test)]
pub(crate) fn assert_required<T, E: std::fmt::Debug + PartialEq>(
    body: &str,
    required: &[&'static str],
    parse: impl Fn(&[u8]) -> Result<T, E>,
    missing: impl Fn(&'static str) -> E,
) {
    for field in required {
        let without: String = body
            .split('&')
            .filter(|pair| !pair.starts_with(&format!("{field}=")))
            .collect::<Vec<_>>()
            .join("&");
        assert_eq!(parse(without.as_bytes()).err(), Some(missing(field)), "{field}");
        let emptied = body.replace(&format!("{field}="), &format!("{field}=&x="));
        assert_eq!(
            parse(emptied.as_bytes()).err(),
            Some(missing(field)),
            "empty {field}"
        );
    }
}
