//! A panel's variables: the values typed, in the order the panel declares
//! the asked ones, else their defaults; a menu of the choices for one that
//! is missing or not among them (fixed, or names read from Nautobot and
//! narrowed by what was typed); a one-field form for a free value.
//!
//! Every prompt resumes the command with what was typed for the variables
//! before the one asked (a blank for one left to its default, so that the
//! default applies again) and the options typed, so that its answer lands
//! in the asked variable's place.

use chatops_crds::settings::{GrafanaPanel, NautobotChoices, PanelVariable};

use super::super::error::Failure;
use super::super::nautobot::{Named, NautobotSources};
use super::super::session::Session;
use crate::model::{Choice, Field, FieldKind, Reply};
use crate::workers::toolkit::menus::{ask_resuming, form_resuming};

/// What the variables came to.
#[derive(Debug)]
pub enum Resolved {
    /// Every variable's value, by name, in the panel's order.
    Values(Vec<(String, String)>),
    /// A prompt (or an explanation) for the first one that is missing.
    Ask(Reply),
}

/// The values of `panel`'s variables for `session`'s call.
pub async fn resolve(
    session: &Session<'_>,
    panel: &GrafanaPanel,
    nautobot: &NautobotSources,
) -> Result<Resolved, Failure> {
    let call = &session.call;
    let typed: Vec<&str> = call.positional().collect();
    let mut values = Vec::new();
    // What was typed for the asked variables so far, as a prompt resumes
    // them: typed again, each stands for the same value (a Nautobot name,
    // not the attribute it gave).
    let mut before: Vec<String> = Vec::new();
    for variable in &panel.variables {
        if !variable.ask {
            // Compile requires a default of a variable not asked; without
            // one, the dashboard's own current value applies.
            if let Some(default) = &variable.default {
                values.push((variable.name.clone(), default.clone()));
            }
            continue;
        }
        let given = typed
            .get(before.len())
            .map(|value| value.trim())
            .filter(|value| !value.is_empty());
        let asking = Asking {
            session,
            variable,
            before: &before,
            nautobot,
        };
        let value = match (given, &variable.default) {
            (Some(given), _) => match asking.check(given).await? {
                Ok(value) => value,
                Err(prompt) => return Ok(Resolved::Ask(prompt)),
            },
            (None, Some(default)) => default.clone(),
            (None, None) => return Ok(Resolved::Ask(asking.missing().await?)),
        };
        before.push(given.unwrap_or_default().to_owned());
        values.push((variable.name.clone(), value));
    }
    Ok(Resolved::Values(values))
}

/// One variable being asked for.
struct Asking<'s, 'a> {
    session: &'s Session<'a>,
    variable: &'s PanelVariable,
    /// What was typed for the asked variables before it.
    before: &'s [String],
    nautobot: &'s NautobotSources,
}

impl Asking<'_, '_> {
    /// What people call the variable: its title, else its name.
    fn title(&self) -> &str {
        self.variable.title.as_deref().unwrap_or(&self.variable.name)
    }

    /// The arguments a prompt for it resumes: the values before it, then
    /// the options typed.
    fn resumed(&self) -> Vec<String> {
        let call = &self.session.call;
        let options = call
            .invocation
            .arguments
            .iter()
            .filter(|arg| call.spec.option_of(arg).is_some())
            .cloned();
        self.before.iter().cloned().chain(options).collect()
    }

    fn menu(&self, question: String, choices: Vec<Choice>, none: String) -> Reply {
        ask_resuming(&self.session.call, self.resumed(), question, choices, none)
    }

    /// The value `given` stands for, or the menu to pick one instead.
    async fn check(&self, given: &str) -> Result<Result<String, Reply>, Failure> {
        let title = self.title();
        if let Some(source) = &self.variable.nautobot {
            return self.check_in_nautobot(source, given).await;
        }
        let choices = &self.variable.choices;
        if choices.is_empty() {
            return Ok(Ok(given.to_owned()));
        }
        if let Some(choice) = choices.iter().find(|choice| choice.eq_ignore_ascii_case(given)) {
            return Ok(Ok(choice.clone()));
        }
        let question = format!("`{given}` is not one of the {title} choices. Which {title}?");
        Ok(Err(self.menu(question, fixed(choices), String::new())))
    }

    /// The Nautobot object named `given`, else the one whose name contains
    /// it; a menu when several or none do.
    async fn check_in_nautobot(
        &self,
        source: &NautobotChoices,
        given: &str,
    ) -> Result<Result<String, Reply>, Failure> {
        let title = self.title();
        let call = &self.session.call;
        let found = self
            .nautobot
            .names(call, &self.variable.name, source, Some(given))
            .await?;
        if let Some(exact) = found.iter().find(|named| named.name.eq_ignore_ascii_case(given)) {
            return Ok(Ok(exact.value.clone()));
        }
        if let [only] = found.as_slice() {
            return Ok(Ok(only.value.clone()));
        }
        if !found.is_empty() {
            let question = format!("Several {title} names contain `{given}`. Which {title}?");
            return Ok(Err(self.menu(question, names(&found), String::new())));
        }
        let all = self
            .nautobot
            .names(call, &self.variable.name, source, None)
            .await?;
        let question =
            format!("No {title} that you may see in Nautobot is named like `{given}`. Which {title}?");
        Ok(Err(self.menu(question, names(&all), self.none(source))))
    }

    /// The prompt for the variable when it is missing.
    async fn missing(&self) -> Result<Reply, Failure> {
        let title = self.title();
        let question = format!("Which {title}?");
        if let Some(source) = &self.variable.nautobot {
            let all = self
                .nautobot
                .names(&self.session.call, &self.variable.name, source, None)
                .await?;
            return Ok(self.menu(question, names(&all), self.none(source)));
        }
        if !self.variable.choices.is_empty() {
            return Ok(self.menu(question, fixed(&self.variable.choices), String::new()));
        }
        let field = Field::new(title, FieldKind::Text);
        Ok(form_resuming(
            &self.session.call,
            self.resumed(),
            question,
            vec![field],
        ))
    }

    /// What is said when Nautobot offers nothing to choose from.
    fn none(&self, source: &NautobotChoices) -> String {
        format!(
            "Nautobot has no {} that you may see to choose the {} from.",
            source.objects.as_str(),
            self.title()
        )
    }
}

fn fixed(choices: &[String]) -> Vec<Choice> {
    choices.iter().map(Choice::same).collect()
}

/// The menu of Nautobot objects: their names, which are also what is typed
/// (the value is looked up again when the name comes back).
fn names(found: &[Named]) -> Vec<Choice> {
    found.iter().map(|named| Choice::same(&named.name)).collect()
}
