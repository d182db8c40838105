//! Reading fields out of the JSON the platforms send, the same way everywhere:
//! an empty string counts as absent, and a field of the wrong type as missing.

use serde_json::Value;

/// The non-empty string at a JSON pointer.
pub fn text(value: &Value, pointer: &str) -> Option<String> {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// The non-empty strings of the array at a JSON pointer (other items skipped).
pub fn strings(value: &Value, pointer: &str) -> Vec<String> {
    value
        .pointer(pointer)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn empty_and_mistyped_fields_are_absent() {
        let value = json!({"a": {"b": "x", "e": "", "n": 1}, "list": ["p", "", 2, "q"]});
        assert_eq!(text(&value, "/a/b").as_deref(), Some("x"));
        assert_eq!(text(&value, "/a/e"), None);
        assert_eq!(text(&value, "/a/n"), None);
        assert_eq!(text(&value, "/missing"), None);
        assert_eq!(strings(&value, "/list"), ["p", "q"]);
        assert!(strings(&value, "/a").is_empty());
    }
}
