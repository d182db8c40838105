//! A job template's survey: its questions as a form, and the answers (typed
//! in question order, or submitted by the form) as the `extra_vars` AWX
//! checks them against.

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::model::{Choice, Field, FieldKind};

/// `GET job_templates/{id}/survey_spec/` (`{}` when there is none).
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Survey {
    #[serde(default)]
    pub spec: Vec<Question>,
}

/// One survey question.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Question {
    #[serde(default)]
    pub question_name: String,
    pub variable: String,
    /// `text`, `textarea`, `password`, `integer`, `float`, `multiplechoice`, `multiselect`.
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub default: Value,
    /// A list, or (older surveys) one choice a line.
    #[serde(default)]
    pub choices: Value,
}

impl Question {
    /// A password is not asked in chat, where it would be seen and kept.
    pub fn is_password(&self) -> bool {
        self.kind == "password"
    }

    fn choices(&self) -> Vec<String> {
        match &self.choices {
            Value::Array(items) => items
                .iter()
                .map(|c| c.as_str().map_or_else(|| c.to_string(), str::to_owned))
                .collect(),
            Value::String(lines) => lines
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
            _ => Vec::new(),
        }
    }

    fn label(&self) -> String {
        if self.question_name.is_empty() {
            self.variable.clone()
        } else {
            self.question_name.clone()
        }
    }
}

/// The form field of `question`, showing `given` (else its default) at first.
pub fn field_of(question: &Question, given: Option<&str>) -> Field {
    let choices = question.choices();
    let kind = if question.kind == "multiplechoice" && !choices.is_empty() {
        FieldKind::Select(choices.into_iter().map(Choice::same).collect())
    } else {
        FieldKind::Text
    };
    let default = match (given, &question.default) {
        (Some(given), _) if !given.is_empty() => Some(given.to_owned()),
        (_, Value::String(text)) if !text.is_empty() => Some(text.clone()),
        (_, Value::Null | Value::String(_)) => None,
        (_, other) => Some(other.to_string()),
    };
    let field = Field::new(question.label(), kind);
    let field = match default {
        Some(default) => field.with_default(default),
        None => field,
    };
    if question.required {
        field
    } else {
        field.optional()
    }
}

/// The answers `values`, in the order of `questions`, as AWX takes them;
/// blank answers are left to the survey's defaults.
pub fn answers(questions: &[Question], values: &[String]) -> Result<Map<String, Value>, String> {
    let mut vars = Map::new();
    for (question, raw) in questions.iter().zip(values) {
        let raw = raw.trim();
        if raw.is_empty() {
            continue;
        }
        vars.insert(question.variable.clone(), value_of(question, raw)?);
    }
    Ok(vars)
}

/// One answer as the question's type wants it.
fn value_of(question: &Question, raw: &str) -> Result<Value, String> {
    let label = question.label();
    Ok(match question.kind.as_str() {
        "integer" => Value::from(
            raw.parse::<i64>()
                .map_err(|_| format!("{label} must be a whole number, not `{raw}`"))?,
        ),
        "float" => Value::from(
            raw.parse::<f64>()
                .map_err(|_| format!("{label} must be a number, not `{raw}`"))?,
        ),
        // AWX takes a multiselect's answer as a list.
        "multiselect" => raw
            .split([',', '\n'])
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(Value::from)
            .collect(),
        _ => Value::from(raw),
    })
}
