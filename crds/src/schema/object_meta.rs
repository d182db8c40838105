//! The parts of an object the CRD schema does not describe: `apiVersion`,
//! `kind` and `metadata`. Only what a manifest can get wrong on its own is
//! checked: a served version, the right kind, a valid name and namespace.

use serde_json::Value;

use super::violation::{ErrorKind, FieldError, type_name};

/// Checks that `apiVersion` is one of `served` and `kind` one of `kinds`.
pub(crate) fn check_type_meta(object: &Value, served: &[String], kinds: &[String]) -> Vec<FieldError> {
    [("apiVersion", served), ("kind", kinds)]
        .into_iter()
        .filter_map(|(field, supported)| check_one_of(object, field, supported))
        .collect()
}

/// Checks that `object` has `field`, and that it is one of `supported`.
fn check_one_of(object: &Value, field: &str, supported: &[String]) -> Option<FieldError> {
    let kind = match object.get(field) {
        None | Some(Value::Null) => ErrorKind::Required(None),
        Some(Value::String(value)) if supported.contains(value) => return None,
        Some(other) => ErrorKind::NotSupported {
            value: other.clone(),
            supported: supported.iter().map(|s| Value::from(s.as_str())).collect(),
        },
    };
    Some(FieldError::new(field, kind))
}

const SUBDOMAIN_MESSAGE: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \
     '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for \
     validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

const LABEL_MESSAGE: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', \
     and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for \
     validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

/// Checks `metadata`: an object with a `name` that is an RFC 1123 subdomain,
/// and, when `namespaced`, an optional `namespace` that is an RFC 1123 label
/// (cluster-scoped kinds take none). The rest of `metadata` is not looked at.
pub(crate) fn check_metadata(metadata: Option<&Value>, namespaced: bool) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let fields = match metadata {
        Some(Value::Object(fields)) => fields,
        None | Some(Value::Null) => {
            errors.push(name_required());
            return errors;
        }
        Some(other) => {
            errors.push(FieldError::new(
                "metadata",
                ErrorKind::TypeInvalid {
                    actual: type_name(other),
                    expected: "object".to_owned(),
                },
            ));
            return errors;
        }
    };

    match fields.get("name") {
        None | Some(Value::Null) => errors.push(name_required()),
        Some(Value::String(name)) if name.is_empty() => errors.push(name_required()),
        Some(value @ Value::String(name)) => SUBDOMAIN.check("metadata.name", value, name, &mut errors),
        Some(other) => errors.push(string_expected("metadata.name", other)),
    }

    match fields.get("namespace") {
        None | Some(Value::Null) => {}
        // An empty namespace means "the one of the request", as with kubectl.
        Some(Value::String(namespace)) if namespace.is_empty() => {}
        Some(_) if !namespaced => errors.push(FieldError::new(
            "metadata.namespace",
            ErrorKind::Forbidden("not allowed on this type".to_owned()),
        )),
        Some(value @ Value::String(namespace)) => {
            LABEL.check("metadata.namespace", value, namespace, &mut errors)
        }
        Some(other) => errors.push(string_expected("metadata.namespace", other)),
    }
    errors
}

/// What a name must be: how long at most, its shape, and what the API
/// server answers when it is not of that shape.
struct NameRule {
    max: usize,
    shaped: fn(&str) -> bool,
    message: &'static str,
}

const SUBDOMAIN: NameRule = NameRule {
    max: 253,
    shaped: is_dns1123_subdomain,
    message: SUBDOMAIN_MESSAGE,
};

const LABEL: NameRule = NameRule {
    max: 63,
    shaped: is_dns1123_label,
    message: LABEL_MESSAGE,
};

impl NameRule {
    /// Checks `name`, the string `value` at `path`, as the API server does.
    fn check(&self, path: &str, value: &Value, name: &str, errors: &mut Vec<FieldError>) {
        if name.chars().count() > self.max {
            let detail = format!("must be no more than {} characters", self.max);
            errors.push(FieldError::invalid(path, value, detail));
        }
        if !(self.shaped)(name) {
            errors.push(FieldError::invalid(path, value, self.message));
        }
    }
}

fn name_required() -> FieldError {
    FieldError::new(
        "metadata.name",
        ErrorKind::Required(Some("name or generateName is required".to_owned())),
    )
}

fn string_expected(path: &str, value: &Value) -> FieldError {
    FieldError::new(
        path,
        ErrorKind::TypeInvalid {
            actual: type_name(value),
            expected: "string".to_owned(),
        },
    )
}

/// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, without the length limit.
fn is_label_shaped(part: &str) -> bool {
    let alphanumeric = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    part.starts_with(alphanumeric)
        && part.ends_with(alphanumeric)
        && part.chars().all(|c| alphanumeric(c) || c == '-')
}

/// An RFC 1123 label: at most 63 characters, lower-case alphanumerics and `-`.
pub(crate) fn is_dns1123_label(name: &str) -> bool {
    name.len() <= 63 && is_label_shaped(name)
}

/// An RFC 1123 subdomain: dot-separated labels, at most 253 characters.
pub(crate) fn is_dns1123_subdomain(name: &str) -> bool {
    name.len() <= 253 && name.split('.').all(is_label_shaped)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn names_and_namespaces() {
        assert!(is_dns1123_subdomain("slack") && is_dns1123_subdomain("a.b-c.d0"));
        assert!(
            !is_dns1123_subdomain("Slack") && !is_dns1123_subdomain("a..b") && !is_dns1123_subdomain("-a")
        );
        assert!(!is_dns1123_subdomain(""));
        assert!(
            is_dns1123_label("chatops")
                && !is_dns1123_label("chat.ops")
                && !is_dns1123_label(&"a".repeat(64))
        );
    }

    #[test]
    fn metadata_needs_a_name() {
        let errors = check_metadata(Some(&json!({"namespace": "chatops"})), true);
        assert_eq!(
            errors[0].clone().into_violation().to_string(),
            "metadata.name: Required value: name or generateName is required"
        );
        assert!(check_metadata(Some(&json!({"name": "x", "labels": {"a": "b"}})), true).is_empty());
        assert_eq!(
            check_metadata(Some(&json!({"name": "x", "namespace": "ns"})), false).len(),
            1
        );
    }
}
