//! The `x-kubernetes-validations` CEL rules, run by kube-cel (re-exported as
//! `kube::core::cel`), with its errors reworded as the API server words them:
//! `spec: Invalid value: "object": <the rule's message>`.

use kube::core::cel::{CompiledSchema, ErrorKind as CelErrorKind, RootContext, ValidationError, Validator};
use serde_json::Value;

use super::violation::{ErrorKind, FieldError, type_name};

thread_local! {
    /// Registering kube-cel's functions is not free: once per thread, as kube-cel's own helpers do.
    static VALIDATOR: Validator = Validator::new();
}

/// Runs every rule of `compiled` on `object` (a create: there is no old object).
/// `root` binds `apiVersion`, `apiGroup` and `kind` for rules at the root.
///
/// kube-cel fills in schema defaults itself before the rules run; `object` is
/// expected to have them already, which does no harm.
pub(crate) fn check(
    compiled: &CompiledSchema,
    object: &Value,
    root: Option<&RootContext>,
) -> Vec<FieldError> {
    let result =
        VALIDATOR.with(|validator| validator.validate_compiled_with_context(compiled, object, None, root));
    match result {
        Ok(()) => Vec::new(),
        Err(errors) => errors
            .into_iter()
            .map(|error| to_field_error(&error, object))
            .collect(),
    }
}

/// One kube-cel error as a field error. A failed rule uses its `reason` as the
/// API server does (`FieldValueForbidden`, `FieldValueRequired`,
/// `FieldValueDuplicate`, else invalid); a rule that could not be evaluated at
/// all is reported the same way, with kube-cel's explanation, so that it
/// rejects the object rather than letting it through unchecked.
fn to_field_error(error: &ValidationError, object: &Value) -> FieldError {
    let detail = match error.kind {
        CelErrorKind::ValidationFailure => error.message.clone(),
        _ => format!("rule {:?} could not be checked: {}", error.rule, error.message),
    };
    let kind = match error.reason.as_deref() {
        Some("FieldValueForbidden") => ErrorKind::Forbidden(detail),
        Some("FieldValueRequired") => ErrorKind::Required(Some(detail)),
        Some("FieldValueDuplicate") => ErrorKind::Duplicate(detail),
        _ => ErrorKind::Invalid {
            value: format!("\"{}\"", value_type_at(object, &error.field_path)),
            detail,
        },
    };
    FieldError::new(error.field_path.clone(), kind)
}

/// The type of the value at a kube-cel field path (`spec.tls`, `spec.items[2]`),
/// which the API server prints in place of the value itself; `object` when the
/// path cannot be followed (a rule's `fieldPath` may name a missing field).
fn value_type_at(object: &Value, path: &str) -> &'static str {
    let mut current = object;
    for segment in path.split('.').filter(|s| !s.is_empty()) {
        let (name, indexes) = match segment.find('[') {
            Some(at) => (&segment[..at], &segment[at..]),
            None => (segment, ""),
        };
        if !name.is_empty() {
            match current.get(name) {
                Some(next) => current = next,
                None => return "object",
            }
        }
        for index in indexes.split('[').filter_map(|i| i.strip_suffix(']')) {
            match index.parse::<usize>().ok().and_then(|i| current.get(i)) {
                Some(next) => current = next,
                None => return "object",
            }
        }
    }
    type_name(current)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_type_at_a_path() {
        let object = json!({"spec": {"tls": {}, "items": [{"a": "x"}]}});
        assert_eq!(value_type_at(&object, "spec.tls"), "object");
        assert_eq!(value_type_at(&object, "spec.items"), "array");
        assert_eq!(value_type_at(&object, "spec.items[0].a"), "string");
        assert_eq!(value_type_at(&object, "spec.missing"), "object");
        assert_eq!(value_type_at(&object, ""), "object");
    }

    #[test]
    fn a_failed_rule_reads_like_the_api_servers() {
        let compiled = kube::core::cel::compile_schema(&json!({
            "type": "object",
            "properties": {"spec": {
                "type": "object",
                "properties": {"a": {"type": "integer"}},
                "x-kubernetes-validations": [{"rule": "self.a > 1", "message": "a must be over 1"}],
            }},
        }));
        let errors = check(&compiled, &json!({"spec": {"a": 1}}), None);
        assert_eq!(
            errors[0].clone().into_violation().to_string(),
            r#"spec: Invalid value: "object": a must be over 1"#
        );
    }
}
