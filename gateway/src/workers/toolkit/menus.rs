//! Parameters that become menus fed from the backend: one menu for the next
//! missing argument, and the "filter type, then value" dialogue (a menu of
//! filter types, then a menu of the backend's names or a text field, then
//! the answer), which a typed shortcut (`get-devices location ams01`) skips.

use std::future::Future;

use serde_json::Value;

use super::args::Args;
use super::errors::{Backend, BackendError};
use super::render::error;
use crate::access::Request;
use crate::commands::{Call, SubcommandSpec};
use crate::model::{Choice, Field, FieldKind, Invocation, Reply};

/// A backend session that can list the values of a menu described by `S`
/// (for Nautobot: a REST list, its query and the field that becomes the value).
pub trait Feed<S> {
    /// The backend, for its errors and its name.
    type Backend: Backend;

    /// The call being answered.
    fn call(&self) -> &Call<'_>;

    /// The choices `source` describes, as the user may see them.
    fn choices(
        &self,
        source: &S,
    ) -> impl Future<Output = Result<Vec<Choice>, BackendError<Self::Backend>>> + Send;
}

/// A menu asking `question` of `choices`, paged by the platform; `none`, said
/// as a private error, when there is nothing to choose from.
pub fn ask(
    call: &Call<'_>,
    question: impl Into<String>,
    choices: Vec<Choice>,
    none: impl Into<String>,
) -> Reply {
    if choices.is_empty() {
        error(none)
    } else {
        call.menu(question, choices)
    }
}

/// `call`'s invocation with `arguments` instead of those typed: what a
/// prompt resumes when the next answer must not simply follow what was typed
/// (a value that was not one of the choices, a default filled in before it).
pub fn resuming(call: &Call<'_>, arguments: Vec<String>) -> Invocation {
    let mut invocation = call.invocation.clone();
    if invocation.arguments != arguments {
        // Another command than the one paged through: its menu starts over.
        invocation.menu_offset = 0;
        invocation.arguments = arguments;
    }
    invocation
}

/// A menu asking `question` of `choices` whose answer resumes `call` with
/// `arguments` (see [`resuming`]) then the choice; `none`, said as a private
/// error, when there is nothing to choose from.
pub fn ask_resuming(
    call: &Call<'_>,
    arguments: Vec<String>,
    question: impl Into<String>,
    choices: Vec<Choice>,
    none: impl Into<String>,
) -> Reply {
    if choices.is_empty() {
        return error(none);
    }
    let resume = resuming(call, arguments);
    call.ctx
        .prompt_menu(&resume, question, choices, resume.menu_offset)
}

/// A menu asking `question` of the sub-commands `names` of `call`'s command
/// that the grants let the asker run here: the one chosen runs with
/// `arguments` (options such as `snapshot=…` that the next steps carry),
/// checked against the grants again as if typed; `none`, said as a private
/// error, when the grants allow none of them.
pub fn ask_next_subcommand(
    call: &Call<'_>,
    arguments: Vec<String>,
    question: impl Into<String>,
    names: &[&str],
    none: impl Into<String>,
) -> Reply {
    let invocation = call.invocation;
    let allowed = |subcommand: &str| {
        let request = Request {
            platform: &invocation.platform,
            organization: invocation.organization.as_deref(),
            channel: invocation.channel.as_deref(),
            user: invocation.user.as_deref(),
            command: &invocation.command,
            subcommand,
        };
        call.ctx.grants.check(&request).denial().is_none()
    };
    let choices: Vec<Choice> = names
        .iter()
        .filter(|name| allowed(name))
        .map(|name| Choice::same(*name))
        .collect();
    if choices.is_empty() {
        return error(none);
    }
    let mut next = call.invocation.clone();
    next.subcommand = String::new();
    next.arguments = arguments;
    next.menu_offset = 0;
    call.ctx.prompt_menu(&next, question, choices, 0)
}

/// A form of `fields` whose answers resume `call` with `arguments` then them.
pub fn form_resuming(
    call: &Call<'_>,
    arguments: Vec<String>,
    title: impl Into<String>,
    fields: Vec<Field>,
) -> Reply {
    call.ctx.prompt_form(&resuming(call, arguments), title, fields)
}

/// Choices from a backend's JSON objects: `value_field` (a string or a
/// number) as the value, `label_field` (else the value) as the label;
/// sorted by label, one choice per value.
pub fn choices_of(objects: &[Value], value_field: &str, label_field: &str) -> Vec<Choice> {
    let mut choices: Vec<Choice> = objects
        .iter()
        .filter_map(|object| {
            let value = match object.get(value_field)? {
                Value::String(text) if !text.is_empty() => text.clone(),
                Value::Number(number) => number.to_string(),
                _ => return None,
            };
            let label = object
                .get(label_field)
                .and_then(Value::as_str)
                .filter(|label| !label.is_empty())
                .map_or_else(|| value.clone(), str::to_owned);
            Some(Choice { label, value })
        })
        .collect();
    choices.sort_by(|a, b| a.label.cmp(&b.label).then_with(|| a.value.cmp(&b.value)));
    let mut seen = std::collections::HashSet::new();
    choices.retain(|choice| seen.insert(choice.value.clone()));
    choices
}

/// One way to filter a list.
#[derive(Clone, Copy, Debug)]
pub struct FilterKind<S: 'static> {
    /// What is typed (`location`).
    pub name: &'static str,
    /// The backend's filter it becomes (a query parameter or a GraphQL
    /// argument, e.g. `device_type` for `model`); empty for `all`.
    pub param: &'static str,
    /// Where its value comes from.
    pub values: Values<S>,
}

impl<S> FilterKind<S> {
    /// A filter whose value is picked from a menu of `menu`.
    pub const fn menu(name: &'static str, param: &'static str, menu: Values<S>) -> Self {
        FilterKind {
            name,
            param,
            values: menu,
        }
    }

    /// A filter whose value is typed, asked for with a field labelled `label`.
    pub const fn text(name: &'static str, param: &'static str, label: &'static str) -> Self {
        FilterKind {
            name,
            param,
            values: Values::Text(label),
        }
    }

    /// No filter: everything.
    pub const ALL: FilterKind<S> = FilterKind {
        name: "all",
        param: "",
        values: Values::None,
    };
}

/// Where a filter's value comes from.
#[derive(Clone, Copy, Debug)]
pub enum Values<S: 'static> {
    /// No value (`all`).
    None,
    /// Free text, asked for with a one-field form labelled so.
    Text(&'static str),
    /// A menu asking `question`, of the choices the backend gives for `source`.
    Menu {
        /// The question.
        question: &'static str,
        /// What the backend lists.
        source: S,
    },
}

/// `sub` with the dialogue's two parameters: `filter-type`, one of the
/// names of `kinds` ("name, location or all"), and `filter-value`, which
/// `values` describes, optional when `all` is one of the kinds; so that help
/// lists the filters the dialogue knows.
pub fn filter_params<S>(sub: SubcommandSpec, kinds: &[FilterKind<S>], values: &str) -> SubcommandSpec {
    let names: Vec<&str> = kinds.iter().map(|kind| kind.name).collect();
    let typed = match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => names.concat(),
    };
    let sub = sub.param("filter-type", typed);
    if kinds.iter().any(|kind| matches!(kind.values, Values::None)) {
        sub.optional_param("filter-value", values)
    } else {
        sub.param("filter-value", values)
    }
}

/// What the dialogue decided.
pub enum Step<'k, S: 'static> {
    /// Ask (a menu or a form) or explain (an unknown filter type).
    Answer(Reply),
    /// Filter by `kind`, with `value` (none for `all`).
    Filter(&'k FilterKind<S>, Option<String>),
}

/// The filter type (argument 0) and value (argument 1) of the call, asking
/// for what is missing. `noun` names what is listed ("devices").
pub async fn step<'k, S, F>(
    feed: &F,
    kinds: &'k [FilterKind<S>],
    noun: &str,
) -> Result<Step<'k, S>, BackendError<F::Backend>>
where
    S: Sync,
    F: Feed<S> + Sync,
{
    let call = feed.call();
    let Some(typed) = call.given(0) else {
        let choices = kinds.iter().map(|kind| Choice::same(kind.name)).collect();
        return Ok(Step::Answer(
            call.menu(format!("Which {noun}? Filter by…"), choices),
        ));
    };
    let Some(kind) = kinds.iter().find(|kind| kind.name.eq_ignore_ascii_case(typed)) else {
        let known: Vec<&str> = kinds.iter().map(|kind| kind.name).collect();
        return Ok(Step::Answer(error(format!(
            "`{typed}` is not a filter of `{}`; use one of: {}.",
            call.typed(),
            known.join(", ")
        ))));
    };
    if let Some(value) = call.given(1) {
        return Ok(Step::Filter(kind, Some(value.to_owned())));
    }
    match &kind.values {
        Values::None => Ok(Step::Filter(kind, None)),
        Values::Text(label) => Ok(Step::Answer(call.form(
            format!("{noun} by {}", kind.name),
            vec![Field::new(*label, FieldKind::Text)],
        ))),
        Values::Menu { question, source } => {
            let choices = feed.choices(source).await?;
            let none = format!(
                "{} has no {} that you may see to filter {noun} by.",
                F::Backend::NAME,
                kind.name
            );
            Ok(Step::Answer(ask(feed.call(), *question, choices, none)))
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_filter_parameters_name_the_kinds_and_the_value_is_optional_only_with_all() {
        let described = |kinds: &[FilterKind<()>]| {
            filter_params(
                SubcommandSpec::new("get-things", "List things"),
                kinds,
                "The value",
            )
            .params
            .into_iter()
            .map(|param| (param.name, param.doc, param.optional))
            .collect::<Vec<_>>()
        };
        let site = FilterKind::text("site", "site", "Site");
        let name = FilterKind::text("name", "name__ic", "Name");

        assert_eq!(
            described(&[site, name, FilterKind::ALL]),
            [
                ("filter-type".to_owned(), "site, name or all".to_owned(), false),
                ("filter-value".to_owned(), "The value".to_owned(), true),
            ]
        );
        assert_eq!(
            described(&[site, name]),
            [
                ("filter-type".to_owned(), "site or name".to_owned(), false),
                ("filter-value".to_owned(), "The value".to_owned(), false),
            ]
        );
        assert_eq!(described(&[site])[0].1, "site");
    }

    #[test]
    fn choices_are_valued_by_a_field_labelled_by_another_sorted_and_unique() {
        let objects = [
            json!({"vid": 20, "display": "servers (20)"}),
            json!({"vid": 10, "display": "users (10)"}),
            json!({"vid": 10, "display": "users again"}),
            json!({"vid": 30}),
            json!({"display": "no value"}),
            json!({"vid": ""}),
        ];
        assert_eq!(
            choices_of(&objects, "vid", "display"),
            [
                Choice::same("30"),
                Choice {
                    label: "servers (20)".to_owned(),
                    value: "20".to_owned()
                },
                Choice {
                    label: "users (10)".to_owned(),
                    value: "10".to_owned()
                },
            ]
        );
    }
}
