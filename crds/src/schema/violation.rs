//! Field errors, worded the way the API server words them
//! (`k8s.io/apimachinery/pkg/util/validation/field`), so a message from the
//! standalone gateway reads the same as one from `kubectl apply`.

use serde_json::Value;

/// One reason a manifest is invalid, with the path of the field, like the API server's field errors.
///
/// Displays as `{path}: {message}`, e.g.
/// `spec.grantType: Unsupported value: "team": supported values: "organization", "channel", "user"`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SchemaViolation {
    /// The field, as the API server prints it: `spec.slack.botTokenRef.key`,
    /// `spec.mattermost.slashTokenRefs[0]`, or `<nil>` for the object as a whole.
    pub path: String,
    /// What is wrong, e.g. `Required value`.
    pub message: String,
}

impl std::fmt::Display for SchemaViolation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl std::error::Error for SchemaViolation {}

/// How the API server prints the empty field path: the object as a whole.
pub(crate) const ROOT: &str = "<nil>";

/// A path below `parent` (which is empty for the root), joined as the API server joins them.
pub(crate) fn child(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    }
}

/// The path of item `index` of the list at `parent`.
pub(crate) fn index(parent: &str, index: usize) -> String {
    format!("{parent}[{index}]")
}

/// What is wrong with one field, classified as the API server classifies it.
///
/// The class matters beyond the wording: the API server does not run CEL rules
/// once a field has a blocking error (see [`FieldError::blocks_cel`]), because
/// rules written against the schema could not make sense of such a value.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum ErrorKind {
    /// A required field is missing. `Required value[: detail]`.
    Required(Option<String>),
    /// A value outside an `enum`. `Unsupported value: v: supported values: …`.
    NotSupported { value: Value, supported: Vec<Value> },
    /// A value that breaks a rule. `Invalid value: v: detail`; `value` is already rendered.
    Invalid { value: String, detail: String },
    /// A value of the wrong JSON type. `Invalid value: "string": must be of type integer`.
    TypeInvalid { actual: &'static str, expected: String },
    /// A string over `maxLength`. `Too long: may not be more than N characters`.
    TooLong { max: u64 },
    /// A list over `maxItems`. `Too many: n: must have at most N items`.
    TooMany { actual: usize, max: u64 },
    /// A list item whose key (or whole value, in a set) repeats an earlier one.
    Duplicate(String),
    /// A field that must not be set. `Forbidden: detail`.
    Forbidden(String),
    /// A field the schema does not know, refused as `kubectl apply --validate=strict` refuses it.
    UnknownField,
}

/// One field error: where, and what.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct FieldError {
    pub path: String,
    pub kind: ErrorKind,
}

impl FieldError {
    pub(crate) fn new(path: impl Into<String>, kind: ErrorKind) -> Self {
        Self {
            path: path.into(),
            kind,
        }
    }

    /// `Invalid value: {value}: {detail}` at `path`, rendering `value` as the API server does.
    pub(crate) fn invalid(path: impl Into<String>, value: &Value, detail: impl Into<String>) -> Self {
        Self::new(
            path,
            ErrorKind::Invalid {
                value: render(value),
                detail: detail.into(),
            },
        )
    }

    /// Whether the API server skips CEL rules when a schema check fails this way
    /// (`hasBlockingErr` in the apiextensions apiserver: required, enum, too long,
    /// too many, wrong type).
    pub(crate) fn blocks_cel(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::Required(_)
                | ErrorKind::NotSupported { .. }
                | ErrorKind::TooLong { .. }
                | ErrorKind::TooMany { .. }
                | ErrorKind::TypeInvalid { .. }
        )
    }

    /// The message without the path, as the API server words it.
    pub(crate) fn message(&self) -> String {
        match &self.kind {
            ErrorKind::Required(None) => "Required value".to_owned(),
            ErrorKind::Required(Some(detail)) => format!("Required value: {detail}"),
            ErrorKind::NotSupported { value, supported } => {
                let supported: Vec<String> = supported.iter().map(render).collect();
                format!(
                    "Unsupported value: {}: supported values: {}",
                    render(value),
                    supported.join(", ")
                )
            }
            ErrorKind::Invalid { value, detail } => format!("Invalid value: {value}: {detail}"),
            ErrorKind::TypeInvalid { actual, expected } => {
                format!("Invalid value: \"{actual}\": must be of type {expected}")
            }
            ErrorKind::TooLong { max } => format!("Too long: may not be more than {max} characters"),
            ErrorKind::TooMany { actual, max } => {
                format!("Too many: {actual}: must have at most {max} items")
            }
            ErrorKind::Duplicate(value) => format!("Duplicate value: {value}"),
            ErrorKind::Forbidden(detail) => format!("Forbidden: {detail}"),
            ErrorKind::UnknownField => "unknown field".to_owned(),
        }
    }

    pub(crate) fn into_violation(self) -> SchemaViolation {
        let message = self.message();
        let path = if self.path.is_empty() {
            ROOT.to_owned()
        } else {
            self.path
        };
        SchemaViolation { path, message }
    }
}

/// The JSON type of a value, as schema `type`s name them.
pub(crate) fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The longest a rendered value gets in a message; a manifest can hold megabytes.
const MAX_RENDERED: usize = 256;

/// A value as field errors print it: strings quoted, numbers and booleans bare,
/// lists and objects as compact JSON (cut short when long).
pub(crate) fn render(value: &Value) -> String {
    let text = match value {
        Value::Null => "\"null\"".to_owned(),
        other => serde_json::to_string(other).unwrap_or_else(|_| "\"?\"".to_owned()),
    };
    if text.len() <= MAX_RENDERED {
        return text;
    }
    let cut = (0..=MAX_RENDERED)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    format!("{}...", &text[..cut])
}

/// A schema number (`minimum: 1.0`) printed as people wrote it (`1`).
pub(crate) fn render_number(number: f64) -> String {
    if number.fract() == 0.0 && number.abs() < 1e15 {
        format!("{}", number as i64)
    } else {
        number.to_string()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn messages_read_like_the_api_servers() {
        let enum_error = FieldError::new(
            "spec.grantType",
            ErrorKind::NotSupported {
                value: json!("team"),
                supported: vec![json!("organization"), json!("channel"), json!("user")],
            },
        );
        assert_eq!(
            enum_error.into_violation().to_string(),
            r#"spec.grantType: Unsupported value: "team": supported values: "organization", "channel", "user""#
        );
        let pattern = FieldError::invalid("spec.command", &json!("Bad-Cmd"), "should match '^x$'");
        assert_eq!(
            pattern.into_violation().to_string(),
            r#"spec.command: Invalid value: "Bad-Cmd": should match '^x$'"#
        );
        assert_eq!(
            FieldError::new("", ErrorKind::Required(None))
                .into_violation()
                .to_string(),
            "<nil>: Required value"
        );
    }

    #[test]
    fn long_values_are_cut_on_a_character_boundary() {
        let long = Value::String("é".repeat(1000));
        let rendered = render(&long);
        assert!(rendered.len() <= MAX_RENDERED + 3);
        assert!(rendered.ends_with("..."));
    }

    #[test]
    fn schema_numbers_print_without_a_fraction_when_whole() {
        assert_eq!(render_number(600.0), "600");
        assert_eq!(render_number(0.5), "0.5");
    }
}
