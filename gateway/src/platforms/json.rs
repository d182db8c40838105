//! Reading the JSON the platforms send, the same way everywhere: an empty
//! string counts as absent, and a field of the wrong type as missing. The
//! platforms' payloads are typed structs of these fields, so a parser names
//! the field a payload lacks, and no payload of the wrong shape panics or
//! is half-read.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, de::DeserializeOwned};
use serde_json::Value;

/// A string field: absent when missing, null, empty or not a string.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Text(pub Option<String>);

impl Text {
    /// The string, if present.
    pub fn get(&self) -> Option<&str> {
        self.0.as_deref()
    }

    /// The string, if present.
    pub fn into_option(self) -> Option<String> {
        self.0
    }

    /// This string if present, else `other`.
    pub fn or(self, other: Text) -> Text {
        Text(self.0.or(other.0))
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Text(match Value::deserialize(deserializer)? {
            Value::String(text) if !text.is_empty() => Some(text),
            _ => None,
        }))
    }
}

/// A field holding a `T`: absent when missing, null or of another shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lenient<T>(pub Option<T>);

impl<T> Default for Lenient<T> {
    fn default() -> Self {
        Lenient(None)
    }
}

impl<T: Default> Lenient<T> {
    /// The value, or an empty one (whose fields are all absent).
    pub fn or_empty(self) -> T {
        self.0.unwrap_or_default()
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Lenient(T::deserialize(Value::deserialize(deserializer)?).ok()))
    }
}

/// A list field: empty when missing or not a list; an item of another
/// shape counts as an empty `T` (whose fields are all absent).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct List<T>(pub Vec<T>);

impl<T> Default for List<T> {
    fn default() -> Self {
        List(Vec::new())
    }
}

impl<'de, T: DeserializeOwned + Default> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let items: Vec<Value> = Lenient::deserialize(deserializer)?.0.unwrap_or_default();
        Ok(List(
            items
                .into_iter()
                .map(|item| T::deserialize(item).unwrap_or_default())
                .collect(),
        ))
    }
}

impl List<Text> {
    /// The strings present, in order.
    pub fn strings(self) -> Vec<String> {
        self.0.into_iter().filter_map(Text::into_option).collect()
    }
}

/// An object field of `T`s by name: empty when missing or not an object;
/// a member of another shape is left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Members<T>(pub BTreeMap<String, T>);

impl<T> Default for Members<T> {
    fn default() -> Self {
        Members(BTreeMap::new())
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Members<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let members: serde_json::Map<String, Value> =
            Lenient::deserialize(deserializer)?.0.unwrap_or_default();
        Ok(Members(
            members
                .into_iter()
                .filter_map(|(name, value)| Some((name, T::deserialize(value).ok()?)))
                .collect(),
        ))
    }
}

/// A JSON object read as `T`: `None` when the body is not JSON, is JSON of
/// another shape (a struct would otherwise also read an array, element by
/// element), or is not a `T`.
pub fn object<T: DeserializeOwned>(body: &[u8]) -> Option<T> {
    match serde_json::from_slice(body).ok()? {
        object @ Value::Object(_) => T::deserialize(object).ok(),
        _ => None,
    }
}

/// Parses a JSON body into `T`, leniently: `Err` only when it is not JSON
/// at all; JSON of another shape (an array, a string) reads as an empty `T`.
pub fn parse<T: DeserializeOwned + Default>(body: &[u8]) -> Result<T, serde_json::Error> {
    let value: Value = serde_json::from_slice(body)?;
    Ok(T::deserialize(value).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[derive(Debug, Default, Deserialize)]
    #[serde(default)]
    struct Sample {
        a: Lenient<Inner>,
        list: List<Text>,
        items: List<Inner>,
        members: Members<Inner>,
    }

    #[derive(Debug, Default, Deserialize, PartialEq)]
    #[serde(default)]
    struct Inner {
        b: Text,
        e: Text,
        n: Text,
    }

    #[test]
    fn empty_and_mistyped_fields_are_absent() {
        let value = json!({"a": {"b": "x", "e": "", "n": 1}, "list": ["p", "", 2, "q"],
            "items": [{"b": "y"}, 3], "members": {"m": {"b": "z"}, "o": 4}});
        let sample: Sample = parse(value.to_string().as_bytes()).unwrap();
        let inner = sample.a.or_empty();
        assert_eq!(inner.b.get(), Some("x"));
        assert_eq!(inner.e, Text(None));
        assert_eq!(inner.n, Text(None));
        assert_eq!(sample.list.strings(), ["p", "q"]);
        assert_eq!(sample.items.0.len(), 2);
        assert_eq!(sample.items.0[1], Inner::default());
        assert_eq!(sample.members.0.len(), 1);
        assert_eq!(sample.members.0["m"].b.get(), Some("z"));
    }

    #[test]
    fn json_of_another_shape_is_empty_and_not_json_is_an_error() {
        let sample: Sample = parse(b"[1, 2]").unwrap();
        assert!(sample.a.0.is_none() && sample.list.0.is_empty());
        let missing: Sample = parse(br#"{"a": "text", "list": {"x": 1}}"#).unwrap();
        assert!(missing.a.0.is_none() && missing.list.0.is_empty());
        assert!(parse::<Sample>(b"{nope").is_err());
    }
}
