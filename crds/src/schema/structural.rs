//! The OpenAPI checks of a structural schema, as the API server runs them on a
//! custom resource, plus the unknown-field check of strict field validation.
//!
//! A value of the wrong type gets that one error and no more: its other
//! keywords (`pattern`, `minimum`, …) would only restate it.

use std::{cmp::Ordering, collections::HashSet, sync::LazyLock};

use regex::Regex;
use serde_json::{Map, Value};

use super::{
    node::{Additional, ListType, Node},
    violation::{ErrorKind, FieldError, child, index, render, render_number, type_name},
};

/// Checks `value`, found at `path`, against `node`, adding every error to `errors`.
pub(crate) fn check(node: &Node, value: &Value, path: &str, errors: &mut Vec<FieldError>) {
    if !type_matches(node, value) {
        errors.push(FieldError::new(
            path,
            ErrorKind::TypeInvalid {
                actual: type_name(value),
                expected: expected_type(node),
            },
        ));
        return;
    }
    if value.is_null() {
        return;
    }
    if !node.enumeration.is_empty() && !node.enumeration.iter().any(|allowed| same_value(allowed, value)) {
        errors.push(FieldError::new(
            path,
            ErrorKind::NotSupported {
                value: value.clone(),
                supported: node.enumeration.clone(),
            },
        ));
    }
    match value {
        Value::String(text) => check_string(node, value, text, path, errors),
        Value::Number(_) => check_number(node, value, path, errors),
        Value::Array(items) => check_array(node, items, path, errors),
        Value::Object(fields) => check_object(node, fields, path, errors),
        Value::Null | Value::Bool(_) => {}
    }
}

/// Whether `value` has the node's type. `null` only where `nullable`; a node
/// without a type takes anything.
fn type_matches(node: &Node, value: &Value) -> bool {
    if value.is_null() {
        return node.nullable || (node.type_.is_none() && !node.int_or_string);
    }
    if node.int_or_string {
        return value.is_string() || is_integer(value);
    }
    match node.type_.as_deref() {
        None => true,
        Some("object") => value.is_object(),
        Some("array") => value.is_array(),
        Some("string") => value.is_string(),
        Some("integer") => is_integer(value),
        Some("number") => value.is_number(),
        Some("boolean") => value.is_boolean(),
        // A type this checker does not know: the CRD was accepted, so let it be.
        Some(_) => true,
    }
}

fn expected_type(node: &Node) -> String {
    if node.int_or_string {
        return "integer or string".to_owned();
    }
    node.type_.clone().unwrap_or_else(|| "any".to_owned())
}

/// A whole number, also when written as a float (`3.0`), as the API server's
/// OpenAPI validator accepts it; `1.5` is not.
fn is_integer(value: &Value) -> bool {
    match value {
        Value::Number(n) => {
            n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.is_finite() && f.fract() == 0.0)
        }
        _ => false,
    }
}

/// JSON equality, except that numbers compare by value (`1` equals `1.0`).
fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

fn check_string(node: &Node, value: &Value, text: &str, path: &str, errors: &mut Vec<FieldError>) {
    // Lengths count Unicode code points, as the API server does (not bytes).
    let length = text.chars().count() as u64;
    if let Some(max) = node.max_length
        && length > max
    {
        errors.push(FieldError::new(path, ErrorKind::TooLong { max }));
    }
    if let Some(min) = node.min_length
        && length < min
    {
        errors.push(FieldError::invalid(
            path,
            value,
            format!("should be at least {min} chars long"),
        ));
    }
    if let Some(pattern) = &node.pattern {
        match &pattern.regex {
            Ok(regex) if regex.is_match(text) => {}
            Ok(_) => errors.push(FieldError::invalid(
                path,
                value,
                format!("should match '{}'", pattern.source),
            )),
            Err(reason) => errors.push(FieldError::invalid(
                path,
                value,
                format!(
                    "the schema's pattern '{}' does not compile: {reason}",
                    pattern.source
                ),
            )),
        }
    }
    if node.format.as_deref() == Some("date-time") && !is_date_time(text) {
        errors.push(FieldError::invalid(path, value, "must be of type date-time"));
    }
}

/// An RFC 3339 timestamp, loosely: `2024-05-01T12:00:00Z`, with optional
/// fraction and offset.
fn is_date_time(text: &str) -> bool {
    static DATE_TIME: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$")
            .expect("the date-time pattern compiles")
    });
    DATE_TIME.is_match(text)
}

fn check_number(node: &Node, value: &Value, path: &str, errors: &mut Vec<FieldError>) {
    let Some(number) = value.as_f64() else { return };
    let bounds = [
        (
            node.minimum,
            node.exclusive_minimum,
            Ordering::Less,
            "greater than",
        ),
        (
            node.maximum,
            node.exclusive_maximum,
            Ordering::Greater,
            "less than",
        ),
    ];
    for (bound, exclusive, beyond, relation) in bounds {
        let Some(bound) = bound else { continue };
        let order = number.partial_cmp(&bound);
        if order == Some(beyond) || (exclusive && order == Some(Ordering::Equal)) {
            let or_equal = if exclusive { "" } else { " or equal to" };
            let detail = format!("should be {relation}{or_equal} {}", render_number(bound));
            errors.push(FieldError::invalid(path, value, detail));
        }
    }
    if let Some(factor) = node.multiple_of {
        let quotient = number / factor;
        if quotient.is_finite() && quotient.fract() != 0.0 {
            errors.push(FieldError::invalid(
                path,
                value,
                format!("should be a multiple of {}", render_number(factor)),
            ));
        }
    }
}

fn check_array(node: &Node, items: &[Value], path: &str, errors: &mut Vec<FieldError>) {
    let count = items.len();
    if let Some(max) = node.max_items
        && count as u64 > max
    {
        errors.push(FieldError::new(path, ErrorKind::TooMany { actual: count, max }));
    }
    if let Some(min) = node.min_items
        && (count as u64) < min
    {
        errors.push(FieldError::invalid(
            path,
            &Value::from(count),
            format!("should have at least {min} items"),
        ));
    }
    if let Some(item_node) = node.items.as_deref() {
        for (i, item) in items.iter().enumerate() {
            check(item_node, item, &index(path, i), errors);
        }
    }
    check_unique(&node.list_type, items, path, errors);
}

/// `x-kubernetes-list-type: set` and `map`: no two items (or item keys) alike.
fn check_unique(list_type: &ListType, items: &[Value], path: &str, errors: &mut Vec<FieldError>) {
    let mut seen = HashSet::new();
    for (i, item) in items.iter().enumerate() {
        let key = match list_type {
            ListType::Atomic => return,
            ListType::Set => render_key(item),
            ListType::Map(keys) => {
                let Some(fields) = item.as_object() else { continue };
                let key: Map<String, Value> = keys
                    .iter()
                    .filter_map(|k| fields.get(k).map(|v| (k.clone(), v.clone())))
                    .collect();
                render(&Value::Object(key))
            }
        };
        if !seen.insert(key.clone()) {
            errors.push(FieldError::new(index(path, i), ErrorKind::Duplicate(key)));
        }
    }
}

/// A set item as a comparable key. Items of a set are scalars in a structural
/// schema, so rendering them whole is cheap.
fn render_key(item: &Value) -> String {
    serde_json::to_string(item).unwrap_or_default()
}

fn check_object(node: &Node, fields: &Map<String, Value>, path: &str, errors: &mut Vec<FieldError>) {
    for (key, field) in fields {
        let field_path = child(path, key);
        if let Some(property) = node.properties.get(key) {
            check(property, field, &field_path, errors);
            continue;
        }
        match &node.additional_properties {
            Additional::Schema(values) => check(values, field, &field_path, errors),
            Additional::Any => {}
            Additional::None if node.preserve_unknown_fields || node.type_.is_none() => {}
            Additional::None => errors.push(FieldError::new(field_path, ErrorKind::UnknownField)),
        }
    }
    for required in &node.required {
        if !fields.contains_key(required) {
            errors.push(FieldError::new(child(path, required), ErrorKind::Required(None)));
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn messages(schema: Value, value: Value) -> Vec<String> {
        let mut errors = Vec::new();
        check(&Node::parse(&schema), &value, "spec", &mut errors);
        errors
            .into_iter()
            .map(|e| e.into_violation().to_string())
            .collect()
    }

    #[test]
    fn integers_must_be_whole() {
        let schema = json!({"type": "integer"});
        assert!(messages(schema.clone(), json!(3)).is_empty());
        assert!(messages(schema.clone(), json!(3.0)).is_empty());
        assert_eq!(
            messages(schema, json!(1.5)),
            [r#"spec: Invalid value: "number": must be of type integer"#]
        );
    }

    #[test]
    fn null_only_where_nullable() {
        assert!(messages(json!({"type": "string", "nullable": true}), Value::Null).is_empty());
        assert_eq!(
            messages(json!({"type": "string"}), Value::Null),
            [r#"spec: Invalid value: "null": must be of type string"#]
        );
    }

    #[test]
    fn lengths_count_code_points() {
        let schema = json!({"type": "string", "minLength": 2, "maxLength": 3});
        assert!(messages(schema.clone(), json!("äöü")).is_empty());
        assert_eq!(
            messages(schema.clone(), json!("äöüß")),
            ["spec: Too long: may not be more than 3 characters"]
        );
        assert_eq!(
            messages(schema, json!("ä")),
            [r#"spec: Invalid value: "ä": should be at least 2 chars long"#]
        );
    }

    #[test]
    fn additional_properties_validate_map_values() {
        let schema = json!({"type": "object", "additionalProperties": {"type": "integer"}});
        assert!(messages(schema.clone(), json!({"a": 1})).is_empty());
        assert_eq!(
            messages(schema, json!({"a": "x"})),
            [r#"spec.a: Invalid value: "string": must be of type integer"#]
        );
        let preserve = json!({"type": "object", "x-kubernetes-preserve-unknown-fields": true});
        assert!(messages(preserve, json!({"anything": {"goes": [1]}})).is_empty());
    }

    #[test]
    fn list_map_keys_are_unique() {
        let schema = json!({
            "type": "array",
            "x-kubernetes-list-type": "map",
            "x-kubernetes-list-map-keys": ["type"],
            "items": {"type": "object", "properties": {"type": {"type": "string"}, "n": {"type": "integer"}}},
        });
        assert_eq!(
            messages(
                schema,
                json!([{"type": "Ready", "n": 1}, {"type": "Ready", "n": 2}])
            ),
            [r#"spec[1]: Duplicate value: {"type":"Ready"}"#]
        );
        let set = json!({"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}});
        assert_eq!(
            messages(set, json!(["a", "b", "a"])),
            [r#"spec[2]: Duplicate value: "a""#]
        );
    }

    #[test]
    fn exclusive_bounds_and_multiples() {
        let schema = json!({"type": "number", "minimum": 0, "exclusiveMinimum": true, "multipleOf": 0.5});
        assert_eq!(
            messages(schema.clone(), json!(0)),
            ["spec: Invalid value: 0: should be greater than 0"]
        );
        assert_eq!(
            messages(schema, json!(0.7)),
            ["spec: Invalid value: 0.7: should be a multiple of 0.5"]
        );
    }

    #[test]
    fn date_times_are_checked_loosely() {
        let schema = json!({"type": "string", "format": "date-time"});
        assert!(messages(schema.clone(), json!("2024-05-01T12:00:00Z")).is_empty());
        assert!(messages(schema.clone(), json!("2024-05-01T12:00:00.5+02:00")).is_empty());
        assert_eq!(messages(schema, json!("yesterday")).len(), 1);
    }
}
