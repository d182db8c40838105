//! What the API server does to an object before it validates it: nulls the
//! schema does not allow are dropped, defaults are filled in.
//!
//! This mirrors `PruneNonNullableNullsWithoutDefaults` and `Default` of the
//! apiextensions apiserver's structural defaulting:
//!
//! - a `null` in a field that is not `nullable` takes the field's `default`,
//!   or, without one, is removed as if the field had not been written (so a
//!   required field set to `null` reads "Required value", and an optional one
//!   is simply absent);
//! - a missing field with a `default` gets it, and defaults nest (a defaulted
//!   object gets the defaults of its own fields).
//!
//! One step is ours: a whole number written as a float (`30.0`) in an
//! `integer` field becomes an integer, since the API server accepts it as one
//! and our typed resources would not deserialise it otherwise.
//!
//! Only fields the schema describes are touched; unknown fields are left for
//! the structural check to report.

use serde_json::{Number, Value};

use super::node::Node;

/// Normalises `value` in place against `node`.
pub(crate) fn normalize(node: &Node, value: &mut Value) {
    match value {
        Value::Object(fields) => {
            let keys: Vec<String> = fields.keys().cloned().collect();
            for key in keys {
                let Some(child) = node.child(&key) else { continue };
                if fields.get(&key).is_some_and(Value::is_null) && !child.nullable {
                    match &child.default {
                        Some(default) => {
                            fields.insert(key.clone(), default.clone());
                        }
                        None => {
                            fields.remove(&key);
                            continue;
                        }
                    }
                }
                if let Some(field) = fields.get_mut(&key) {
                    normalize(child, field);
                }
            }
            for (key, child) in &node.properties {
                if let Some(default) = &child.default
                    && !fields.contains_key(key)
                {
                    let mut defaulted = default.clone();
                    normalize(child, &mut defaulted);
                    fields.insert(key.clone(), defaulted);
                }
            }
        }
        Value::Array(items) => {
            let Some(item_node) = node.items.as_deref() else {
                return;
            };
            for item in items {
                if item.is_null()
                    && !item_node.nullable
                    && let Some(default) = &item_node.default
                {
                    *item = default.clone();
                }
                normalize(item_node, item);
            }
        }
        Value::Number(number) if node.type_.as_deref() == Some("integer") => {
            if let Some(whole) = whole_number(number) {
                *number = whole;
            }
        }
        _ => {}
    }
}

/// `number` as an integer when it is a float with no fraction that fits in an `i64`.
pub(crate) fn whole_number(number: &Number) -> Option<Number> {
    if number.is_i64() || number.is_u64() {
        return None;
    }
    let float = number.as_f64()?;
    // 2^63 is exactly representable; anything at or above it does not fit.
    let fits = float.fract() == 0.0 && float >= -(2f64.powi(63)) && float < 2f64.powi(63);
    fits.then(|| Number::from(float as i64))
}

/// A copy of `value` as CEL rules should see it: without the `null`s that the
/// schema allows (`nullable: true`).
///
/// The API server does not run a rule on a null value, and a rule such as
/// `has(self.endpoint)` is meant to ask whether a value was given. Only fields
/// the schema describes are visited, so the walk is bounded by the schema's depth.
pub(crate) fn without_nulls(node: &Node, value: &Value) -> Value {
    match value {
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .filter(|(key, field)| !(field.is_null() && node.child(key).is_some()))
                .map(|(key, field)| {
                    let field = match node.child(key) {
                        Some(child) => without_nulls(child, field),
                        None => field.clone(),
                    };
                    (key.clone(), field)
                })
                .collect(),
        ),
        Value::Array(items) => match node.items.as_deref() {
            Some(item_node) => {
                Value::Array(items.iter().map(|item| without_nulls(item_node, item)).collect())
            }
            None => value.clone(),
        },
        _ => value.clone(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn schema() -> Node {
        Node::parse(&json!({
            "type": "object",
            "properties": {
                "timeout": {"type": "integer", "default": 30},
                "flag": {"type": "boolean", "default": false},
                "name": {"type": "string"},
                "note": {"type": "string", "nullable": true},
                "tls": {
                    "type": "object",
                    "default": {},
                    "properties": {"verify": {"type": "boolean", "default": true}},
                },
            },
        }))
    }

    #[test]
    fn defaults_fill_missing_and_non_nullable_null_fields() {
        let mut value = json!({"flag": null});
        normalize(&schema(), &mut value);
        assert_eq!(
            value,
            json!({"timeout": 30, "flag": false, "tls": {"verify": true}})
        );
    }

    #[test]
    fn non_nullable_nulls_without_default_are_dropped_and_nullable_ones_kept() {
        let mut value = json!({"name": null, "note": null, "timeout": 5, "tls": {}});
        normalize(&schema(), &mut value);
        assert_eq!(
            value,
            json!({"note": null, "timeout": 5, "flag": false, "tls": {"verify": true}})
        );
        assert_eq!(
            without_nulls(&schema(), &value),
            json!({"timeout": 5, "flag": false, "tls": {"verify": true}})
        );
    }

    #[test]
    fn whole_floats_in_integer_fields_become_integers() {
        let mut value = json!({"timeout": 30.0});
        normalize(&schema(), &mut value);
        assert!(value["timeout"].is_i64());
        let mut fraction = json!({"timeout": 1.5});
        normalize(&schema(), &mut fraction);
        assert!(fraction["timeout"].is_f64());
    }
}
