//! `get-jobs`, `filter-jobs`, `run-job` and `run-job-form`: Nautobot Jobs,
//! listed and run as the chat user, followed to the end.

use std::time::Duration;

use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::cut_note;
use crate::model::{Block, Choice, Field, FieldKind, Level, Message, Reply};
use crate::workers::nautobot::objects::or_none;
use crate::workers::nautobot::{NautobotError, Page, Session};
use crate::workers::toolkit::args::Args;
use crate::workers::toolkit::render::{error, info, table_message, yes_no};

/// How long `run-job` follows a job before answering with a link instead;
/// under the gateway's default command timeout (60 s), so the user hears
/// from the job rather than from the timeout.
pub const JOB_FOLLOW_LIMIT: Duration = Duration::from_secs(45);
/// How often a running job is looked at.
const JOB_POLL_INTERVAL: Duration = Duration::from_millis(500);
/// A select shows at most this many objects; more become a text field.
const MAX_SELECT_CHOICES: usize = 99;

/// A job, as `extras/jobs/` lists it.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Job {
    #[serde(default)]
    pub id: String,
    pub name: String,
    pub grouping: Option<String>,
    pub module_name: Option<String>,
    pub job_class_name: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub enabled: bool,
    #[serde(default)]
    pub installed: bool,
}

/// The columns `get-jobs` can show, by the name typed.
const JOB_FIELDS: &[(&str, &str)] = &[
    ("name", "Name"),
    ("id", "ID"),
    ("grouping", "Grouping"),
    ("module", "Module"),
    ("class", "Class"),
    ("enabled", "Enabled"),
    ("installed", "Installed"),
    ("description", "Description"),
];

/// Other names of the columns: the Job model's attributes, as the original
/// app's `get-jobs` takes them.
const JOB_FIELD_ALIASES: &[(&str, &str)] = &[("module_name", "module"), ("job_class_name", "class")];

/// The columns `get-jobs` shows when none are asked for.
const DEFAULT_JOB_FIELDS: &[&str] = &["name", "grouping", "enabled"];

fn job_field(job: &Job, field: &str) -> String {
    match field {
        "name" => job.name.clone(),
        "id" => job.id.clone(),
        "grouping" => or_none(job.grouping.as_deref()),
        "module" => or_none(job.module_name.as_deref()),
        "class" => or_none(job.job_class_name.as_deref()),
        "enabled" => yes_no(job.enabled),
        "installed" => yes_no(job.installed),
        _ => or_none(job.description.as_deref()),
    }
}

/// `get-jobs [fields]`: the jobs the user may see, with the columns asked for,
/// given as `name,grouping` or, as the original app takes them, as a JSON
/// object (`{"name": 1, "grouping": 1}`) or array of field names.
pub async fn get_jobs(session: &Session<'_>) -> Result<Reply, NautobotError> {
    // A JSON object typed without quotes arrives split at its spaces.
    let typed = session.call.args_from(0).join(" ");
    let fields = match job_fields(&typed) {
        Ok(fields) => fields,
        Err(message) => return Ok(error(message)),
    };
    let page: Page<Job> = session.list("extras/jobs/", &[]).await?;
    Ok(render_jobs("Jobs", &fields, &page))
}

/// The columns `get-jobs` is asked for, in the order given, each once:
/// `name,grouping` (commas or spaces), a JSON object whose keys are the
/// fields (the original app's form; the values do not matter) or a JSON
/// array of them; nothing asks for the default columns. Field names are
/// case-insensitive and may be the Job model's (`module_name`,
/// `job_class_name`). The error is the answer to give.
pub fn job_fields(typed: &str) -> Result<Vec<&'static str>, String> {
    let typed = typed.trim();
    let names: Vec<String> = if typed.starts_with('{') || typed.starts_with('[') {
        match serde_json::from_str::<FieldNames>(typed) {
            Ok(FieldNames(names)) => names,
            // Chat clients and the shell-like split eat or bend the quotes:
            // `{name: 1, grouping: 1}` and `{'name': 1}` arrive as often as JSON.
            Err(err) => loose_field_names(typed).ok_or_else(|| {
                format!(
                    "`{typed}` is not a JSON object or array of job fields ({err}); \
                     give them as `name,grouping` or `{{\"name\": 1, \"grouping\": 1}}`."
                )
            })?,
        }
    } else {
        typed
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|name| !name.is_empty())
            .map(str::to_owned)
            .collect()
    };
    if names.is_empty() {
        return Ok(DEFAULT_JOB_FIELDS.to_vec());
    }
    let mut fields = Vec::with_capacity(names.len());
    for name in &names {
        let lower = name.to_lowercase();
        let canonical = JOB_FIELD_ALIASES
            .iter()
            .find(|(alias, _)| *alias == lower)
            .map_or(lower.as_str(), |(_, field)| field);
        let Some((field, _)) = JOB_FIELDS.iter().find(|(known, _)| *known == canonical) else {
            let known: Vec<&str> = JOB_FIELDS.iter().map(|(name, _)| *name).collect();
            return Err(format!(
                "`{name}` is not a job field; use some of: {}.",
                known.join(", ")
            ));
        };
        if !fields.contains(field) {
            fields.push(*field);
        }
    }
    Ok(fields)
}

/// The field names of a JSON-like object or array whose quotes were lost
/// or bent: the keys (or items) between the brackets, each a plain word.
fn loose_field_names(typed: &str) -> Option<Vec<String>> {
    let inner = typed.trim_start_matches(['{', '[']).trim_end_matches(['}', ']']);
    inner
        .split(',')
        .filter(|item| !item.trim().is_empty())
        .map(|item| {
            let key = item.split(':').next().unwrap_or_default();
            let name = key.trim().trim_matches(['"', '\'']);
            let word = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            word.then(|| name.to_owned())
        })
        .collect()
}

/// Field names as JSON gives them: an object's keys in the order written,
/// or an array's strings.
struct FieldNames(Vec<String>);

impl<'de> Deserialize<'de> for FieldNames {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Names;
        impl<'de> serde::de::Visitor<'de> for Names {
            type Value = FieldNames;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object or an array of field names")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<FieldNames, A::Error> {
                let mut names = Vec::new();
                while let Some((name, _)) = map.next_entry::<String, serde::de::IgnoredAny>()? {
                    names.push(name);
                }
                Ok(FieldNames(names))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<FieldNames, A::Error> {
                let mut names = Vec::new();
                while let Some(name) = seq.next_element::<String>()? {
                    names.push(name);
                }
                Ok(FieldNames(names))
            }
        }
        deserializer.deserialize_any(Names)
    }
}

/// `filter-jobs [enabled,installed]`.
pub async fn filter_jobs(session: &Session<'_>) -> Result<Reply, NautobotError> {
    let filters: Vec<&str> = session
        .arg(0)
        .unwrap_or("enabled")
        .split(',')
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .collect();
    if let Some(unknown) = filters.iter().find(|f| !matches!(**f, "enabled" | "installed")) {
        return Ok(error(format!(
            "`{unknown}` is not a job filter; use enabled, installed or both."
        )));
    }
    let query: Vec<(&str, &str)> = filters.iter().map(|f| (*f, "true")).collect();
    let page: Page<Job> = session.list("extras/jobs/", &query).await?;
    Ok(render_jobs(
        &format!("Jobs that are {}", filters.join(" and ")),
        &["name", "grouping", "enabled"],
        &page,
    ))
}

/// A table of jobs with `fields` as columns.
pub fn render_jobs(title: &str, fields: &[&str], page: &Page<Job>) -> Reply {
    if page.results.is_empty() {
        return info(format!("{title}: none that you may see."));
    }
    let columns: Vec<&str> = fields
        .iter()
        .map(|f| {
            JOB_FIELDS
                .iter()
                .find(|(name, _)| name == f)
                .map_or(*f, |(_, heading)| *heading)
        })
        .collect();
    let mut rows: Vec<Vec<String>> = page
        .results
        .iter()
        .map(|job| fields.iter().map(|f| job_field(job, f)).collect())
        .collect();
    rows.sort();
    table_message(
        title.to_owned(),
        &columns,
        rows,
        cut_note(page.results.len(), page.count),
    )
}

/// One of a job's variables, as `extras/jobs/{id}/variables/` describes it.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Variable {
    pub name: String,
    /// `StringVar`, `IntegerVar`, `BooleanVar`, `ObjectVar`, …
    #[serde(rename = "type")]
    pub kind: String,
    pub label: Option<String>,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub default: Value,
    /// `dcim.device` for object variables.
    pub model: Option<String>,
    /// For choice variables: `[[value, label], …]` or `{value: label}`.
    #[serde(default)]
    pub choices: Value,
}

/// The job named by the first argument and its variables; else the reply to
/// give: a menu of jobs asking `question` when none is named, or why the
/// named one cannot run.
async fn runnable_job(
    session: &Session<'_>,
    question: &str,
) -> Result<Result<(Job, Vec<Variable>), Reply>, NautobotError> {
    let Some(name) = session.arg(0) else {
        return job_menu(session, question).await.map(Err);
    };
    let page: Page<Job> = session.list("extras/jobs/", &[("name", name)]).await?;
    let job = match page.results.into_iter().next() {
        None => {
            return Ok(Err(error(format!(
                "There is no job named `{name}` that you may see in Nautobot."
            ))));
        }
        Some(job) if !job.enabled => {
            return Ok(Err(error(format!(
                "The job **{}** is not enabled in Nautobot; an administrator can enable it.",
                job.name
            ))));
        }
        Some(job) => job,
    };
    let variables = session
        .get(&format!("extras/jobs/{}/variables/", job.id), &[])
        .await?;
    Ok(Ok((job, variables)))
}

/// A menu of the enabled jobs, labelled "grouping: name", valued by name.
async fn job_menu(session: &Session<'_>, question: &str) -> Result<Reply, NautobotError> {
    let page: Page<Job> = session.list("extras/jobs/", &[("enabled", "true")]).await?;
    let mut choices: Vec<Choice> = page
        .results
        .into_iter()
        .map(|job| Choice {
            label: match job.grouping.as_deref() {
                Some(grouping) if !grouping.is_empty() => format!("{grouping}: {}", job.name),
                _ => job.name.clone(),
            },
            value: job.name,
        })
        .collect();
    choices.sort_by(|a, b| a.label.cmp(&b.label));
    Ok(session.ask(
        question,
        choices,
        "There are no enabled jobs that you may see in Nautobot.",
    ))
}

/// `run-job-form [job]`: a form of the job's variables; submitting it runs
/// `run-job` with the values.
pub async fn run_job_form(session: &Session<'_>) -> Result<Reply, NautobotError> {
    let (job, variables) = match runnable_job(session, "Fill in which job?").await? {
        Ok(found) => found,
        Err(reply) => return Ok(reply),
    };
    if variables.is_empty() {
        return Ok(info(format!(
            "The job **{}** has no variables; run it with `{}{} run-job \"{}\"`.",
            job.name,
            session.call.prefix(),
            session.call.invocation.command,
            job.name
        )));
    }
    job_form(session, &job, &variables).await
}

/// The form whose answers resume `run-job <job>` with one value per variable.
async fn job_form(session: &Session<'_>, job: &Job, variables: &[Variable]) -> Result<Reply, NautobotError> {
    let mut fields = Vec::with_capacity(variables.len());
    for variable in variables {
        let objects = match (variable.kind.as_str(), variable.model.as_deref()) {
            ("ObjectVar", Some(model)) => object_choices(session, model).await?,
            _ => None,
        };
        fields.push(field_of(variable, objects));
    }
    let mut run = session.call.invocation.clone();
    run.subcommand = "run-job".to_owned();
    run.arguments = vec![job.name.clone()];
    Ok(session
        .call
        .ctx
        .prompt_form(&run, format!("Run {}", job.name), fields))
}

/// The names of the objects of `model` (`dcim.device`) the user may see,
/// when few enough for a select.
async fn object_choices(session: &Session<'_>, model: &str) -> Result<Option<Vec<Choice>>, NautobotError> {
    let Some((app, model)) = model.split_once('.') else {
        return Ok(None);
    };
    // Nautobot's API root of an app names each list; match the model to it.
    let root: Map<String, Value> = session.get(&format!("{app}/"), &[]).await?;
    let Some(list) = root.keys().find(|key| plural_of(model, &key.replace('-', ""))) else {
        return Ok(None);
    };
    let page: Page<Value> = session.list(&format!("{app}/{list}/"), &[]).await?;
    let choices = crate::workers::nautobot::session::choices_of(&page.results, "name");
    Ok(
        (!choices.is_empty() && choices.len() <= MAX_SELECT_CHOICES && page.count <= MAX_SELECT_CHOICES)
            .then_some(choices),
    )
}

/// Whether `list` (without hyphens) is the plural of `model`.
fn plural_of(model: &str, list: &str) -> bool {
    let stem = model.strip_suffix('y').map(|stem| format!("{stem}ies"));
    list == format!("{model}s") || list == format!("{model}es") || stem.as_deref() == Some(list)
}

/// A form field for a variable: selects for booleans, choices and (few)
/// objects, text for the rest; the job's default filled in.
pub fn field_of(variable: &Variable, objects: Option<Vec<Choice>>) -> Field {
    let label = variable
        .label
        .clone()
        .filter(|label| !label.is_empty())
        .unwrap_or_else(|| variable.name.clone());
    let kind = match variable.kind.as_str() {
        "BooleanVar" => FieldKind::Select(vec![Choice::same("True"), Choice::same("False")]),
        "ChoiceVar" | "MultiChoiceVar" => match choices_of_variable(&variable.choices) {
            choices if choices.is_empty() => FieldKind::Text,
            choices => FieldKind::Select(choices),
        },
        _ => objects.map_or(FieldKind::Text, FieldKind::Select),
    };
    let default = match &variable.default {
        Value::Null => None,
        Value::Bool(true) => Some("True".to_owned()),
        Value::Bool(false) => Some("False".to_owned()),
        Value::String(text) if text.is_empty() => None,
        Value::String(text) => Some(text.clone()),
        // A MultiChoiceVar's default: its values, comma-separated as `run-job` reads them.
        Value::Array(items) => Some(
            items
                .iter()
                .map(|item| item.as_str().map_or_else(|| item.to_string(), str::to_owned))
                .collect::<Vec<_>>()
                .join(","),
        )
        .filter(|joined| !joined.is_empty()),
        other => Some(other.to_string()),
    };
    Field {
        label,
        kind,
        default,
        optional: !variable.required,
    }
}

fn choices_of_variable(choices: &Value) -> Vec<Choice> {
    match choices {
        Value::Array(pairs) => pairs
            .iter()
            .filter_map(|pair| {
                let value = pair.get(0)?.as_str()?.to_owned();
                let label = pair.get(1).and_then(Value::as_str).unwrap_or(&value).to_owned();
                Some(Choice { label, value })
            })
            .collect(),
        Value::Object(map) => map
            .iter()
            .map(|(value, label)| Choice {
                label: label.as_str().unwrap_or(value).to_owned(),
                value: value.clone(),
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The job's `data` from values typed (or submitted) in variable order;
/// blank values are left to the job's defaults.
pub fn job_data(variables: &[Variable], values: &[String]) -> Result<Map<String, Value>, String> {
    if values.len() > variables.len() {
        return Err(format!(
            "the job takes {} values ({}), not {}",
            variables.len(),
            variables
                .iter()
                .map(|v| v.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            values.len()
        ));
    }
    let mut data = Map::new();
    for (variable, raw) in variables.iter().zip(values) {
        let raw = raw.trim();
        if raw.is_empty() {
            continue;
        }
        data.insert(variable.name.clone(), value_of(variable, raw)?);
    }
    Ok(data)
}

/// One value as the job's variable type wants it. Objects are named, never
/// given by UUID: Nautobot looks them up by `{"name": …}`.
fn value_of(variable: &Variable, raw: &str) -> Result<Value, String> {
    let name = &variable.name;
    Ok(match variable.kind.as_str() {
        "BooleanVar" => match raw.to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" | "1" => Value::Bool(true),
            "false" | "no" | "off" | "0" => Value::Bool(false),
            _ => return Err(format!("{name} must be True or False, not `{raw}`")),
        },
        "IntegerVar" => Value::from(
            raw.parse::<i64>()
                .map_err(|_| format!("{name} must be a whole number, not `{raw}`"))?,
        ),
        "ObjectVar" => json!({"name": raw}),
        "MultiObjectVar" => raw.split(',').map(|n| json!({"name": n.trim()})).collect(),
        "MultiChoiceVar" => raw.split(',').map(|c| Value::from(c.trim())).collect(),
        "JSONVar" => serde_json::from_str(raw).map_err(|err| format!("{name} must be JSON: {err}"))?,
        _ => Value::from(raw),
    })
}

#[derive(Deserialize)]
struct Submitted {
    job_result: Option<JobResult>,
}

/// A job result, as `extras/job-results/{id}/` returns it.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct JobResult {
    pub id: String,
    pub status: Option<JobStatus>,
    #[serde(default)]
    pub result: Value,
}

/// A job result's state.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct JobStatus {
    pub value: String,
}

impl JobResult {
    fn state(&self) -> &str {
        self.status
            .as_ref()
            .map_or("PENDING", |status| status.value.as_str())
    }

    fn finished(&self) -> bool {
        matches!(self.state(), "SUCCESS" | "FAILURE" | "REVOKED")
    }
}

/// `run-job [job] [values…]`: runs the job as the user and follows it to the
/// end; a job with variables and no values given gets the form first.
pub async fn run_job(session: &Session<'_>) -> Result<Reply, NautobotError> {
    let (job, variables) = match runnable_job(session, "Run which job?").await? {
        Ok(found) => found,
        Err(reply) => return Ok(reply),
    };
    let values = session.call.args_from(1);
    if values.is_empty() && !variables.is_empty() {
        return job_form(session, &job, &variables).await;
    }
    let data = match job_data(&variables, values) {
        Ok(data) => data,
        Err(problem) => return Ok(error(format!("Cannot run **{}**: {problem}.", job.name))),
    };
    let submitted: Submitted = session
        .post(
            &format!("extras/jobs/{}/run/", job.id),
            &json!({"data": data}),
            "run",
        )
        .await?;
    let Some(mut result) = submitted.job_result else {
        return Ok(info(format!(
            "The job **{}** is waiting for approval in Nautobot.",
            job.name
        )));
    };
    let deadline = tokio::time::Instant::now() + JOB_FOLLOW_LIMIT;
    while !result.finished() && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(JOB_POLL_INTERVAL).await;
        result = session
            .get(&format!("extras/job-results/{}/", result.id), &[])
            .await?;
    }
    let link = session.web_link(&format!("extras/job-results/{}/", result.id));
    Ok(render_job_result(&job.name, &session.who.user, &result, &link))
}

/// The outcome of a run: its state, its result, and a link to it.
pub fn render_job_result(job: &str, user: &str, result: &JobResult, link: &str) -> Reply {
    let state = result.state();
    let (level, text) = match state {
        "SUCCESS" => (
            Level::Info,
            format!("The job **{job}** finished: **{state}** (run as {user})."),
        ),
        "FAILURE" | "REVOKED" => (
            Level::Error,
            format!("The job **{job}** did not succeed: **{state}** (run as {user})."),
        ),
        _ => (
            Level::Warning,
            format!(
                "The job **{job}** is still running ({state}) after {} s; follow it in Nautobot.",
                JOB_FOLLOW_LIMIT.as_secs()
            ),
        ),
    };
    let mut blocks = vec![Block::Text(text)];
    match &result.result {
        Value::Null => {}
        Value::String(text) if text.is_empty() => {}
        Value::String(text) => blocks.push(Block::Code(text.clone())),
        other => blocks.push(Block::Code(
            serde_json::to_string_pretty(other).unwrap_or_default(),
        )),
    }
    blocks.push(Block::Text(format!("[The job result in Nautobot]({link})")));
    Reply::Message(Message {
        level,
        title: Some(format!("Job {job}")),
        blocks,
        private: false,
    })
}
