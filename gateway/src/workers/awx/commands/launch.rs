//! `run-job-template [template] [answers…] [yes]`: launches a job template as
//! the user, with `extra_vars` that say where the request came from and the
//! survey's answers (a form asks for them), after confirmation.

use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::follow::{Following, Launch, follow, render_not_followed};
use super::survey::{self, Question, Survey};
use super::templates::JobTemplate;
use crate::commands::Call;
use crate::model::{Block, Message, Reply};
use crate::workers::awx::{AwxError, Session};
use crate::workers::toolkit::args::Args;
use crate::workers::toolkit::confirm::{Change, confirm};
use crate::workers::toolkit::menus::choices_of;
use crate::workers::toolkit::render::error;

/// What launching a template asks for (`GET job_templates/{id}/launch/`).
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct LaunchInfo {
    #[serde(default)]
    pub survey_enabled: bool,
    #[serde(default)]
    pub passwords_needed_to_start: Vec<Value>,
    #[serde(default)]
    pub credential_needed_to_start: bool,
    #[serde(default)]
    pub inventory_needed_to_start: bool,
}

/// AWX's answer to a launch (201): the job's id, its state, what it ignored.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Launched {
    pub job: u64,
    pub status: Option<String>,
    #[serde(default)]
    pub ignored_fields: Value,
}

/// `run-job-template`.
pub async fn run_job_template(
    session: &Session<'_>,
    following: Option<&Following>,
) -> Result<Reply, AwxError> {
    let Some(name) = session.arg(0) else {
        let (templates, _): (Vec<Value>, _) = session.list("job_templates/", &[]).await?;
        return Ok(session.ask(
            "Launch which job template?",
            choices_of(&templates, "name", "name"),
            "AWX has no job templates that you may see.",
        ));
    };
    let Some(template) = session.named::<JobTemplate>("job_templates/", name).await? else {
        return Ok(error(format!(
            "There is no job template named `{name}` that you may see in AWX."
        )));
    };
    let launch_path = format!("job_templates/{}/launch/", template.id);
    let info: LaunchInfo = session.get(&launch_path).await?;
    if let Some(problem) = not_from_chat(&info) {
        return Ok(error(format!(
            "**{}** cannot be launched from chat: it asks for {problem} at launch. Launch it in AWX.",
            template.name
        )));
    }
    let questions = if info.survey_enabled {
        let survey: Survey = session
            .get(&format!("job_templates/{}/survey_spec/", template.id))
            .await?;
        survey.spec
    } else {
        Vec::new()
    };
    if let Some(secret) = questions.iter().find(|q| q.is_password() && q.required) {
        return Ok(error(format!(
            "**{}** cannot be launched from chat: its survey asks for a password ({}), \
             which is not typed into chat. Launch it in AWX.",
            template.name, secret.variable
        )));
    }
    let asked: Vec<Question> = questions.into_iter().filter(|q| !q.is_password()).collect();
    let given = session.call.args_from(1);
    if given.len() < asked.len() {
        return Ok(survey_form(&session.call, &template.name, &asked, given));
    }
    if given.len() > asked.len() + 1 {
        return Ok(error(format!(
            "**{}** takes {} answers, then `yes`; {} were given.",
            template.name,
            asked.len(),
            given.len()
        )));
    }
    let answers = match survey::answers(&asked, &given[..asked.len()]) {
        Ok(answers) => answers,
        Err(problem) => return Ok(error(format!("Cannot launch **{}**: {problem}.", template.name))),
    };
    let change = Change {
        question: question(&template.name, &session.who.user, &asked, &answers),
        yes: "Yes, launch it".to_owned(),
        declined: format!("Not launched: **{}**.", template.name),
    };
    if let Some(reply) = confirm(&session.call, 1 + asked.len(), change) {
        return Ok(reply);
    }
    let mut extra_vars = origin(&session.call);
    extra_vars.extend(answers);
    let launched: Launched = session
        .post(&launch_path, &json!({"extra_vars": extra_vars}), "run")
        .await?;
    let link = session.web_link(&format!("#/jobs/playbook/{}/output", launched.job));
    let followed = following.is_some();
    if let Some(following) = following {
        let launch = Launch {
            client: session.client.clone(),
            who: session.who.clone(),
            job: launched.job,
            template: template.name.clone(),
            link: link.clone(),
        };
        let not_followed = render_not_followed(&launch);
        session
            .call
            .follow_up(follow(launch, following.clone()), not_followed);
    }
    Ok(render_launched(
        &template.name,
        &session.who.user,
        &launched,
        &link,
        followed,
    ))
}

/// What a launch would ask for that chat cannot give, if anything.
fn not_from_chat(info: &LaunchInfo) -> Option<&'static str> {
    if !info.passwords_needed_to_start.is_empty() {
        Some("credential passwords")
    } else if info.credential_needed_to_start {
        Some("a credential")
    } else if info.inventory_needed_to_start {
        Some("an inventory")
    } else {
        None
    }
}

/// The survey as a form that resumes `run-job-template <template>` with one
/// answer per question; answers already typed are filled in.
fn survey_form(call: &Call<'_>, template: &str, asked: &[Question], given: &[String]) -> Reply {
    let fields = asked
        .iter()
        .enumerate()
        .map(|(i, q)| survey::field_of(q, given.get(i).map(String::as_str)))
        .collect();
    let mut resume = call.invocation.clone();
    resume.arguments = vec![template.to_owned()];
    call.ctx
        .prompt_form(&resume, format!("Launch {template}"), fields)
}

/// "Launch **X** in AWX as alice, with version=1.2?": the answers in the
/// survey's order.
pub fn question(template: &str, user: &str, asked: &[Question], answers: &Map<String, Value>) -> String {
    let with = if answers.is_empty() {
        String::new()
    } else {
        let pairs: Vec<String> = asked
            .iter()
            .filter_map(|q| Some((&q.variable, answers.get(&q.variable)?)))
            .map(|(k, v)| format!("{k}={}", v.as_str().map_or_else(|| v.to_string(), str::to_owned)))
            .collect();
        format!(", with {}", pairs.join(", "))
    };
    format!("Launch **{template}** in AWX as {user}{with}?")
}

/// Where the request came from, for the playbook and AWX's job record.
pub fn origin(call: &Call<'_>) -> Map<String, Value> {
    let invocation = call.invocation;
    let user = invocation.user_name.as_ref().or(invocation.user.as_ref());
    let mut vars = Map::new();
    vars.insert("chatops_platform".to_owned(), json!(invocation.platform));
    vars.insert(
        "chatops_platform_type".to_owned(),
        json!(invocation.platform_type.as_str()),
    );
    vars.insert("chatops_channel".to_owned(), json!(invocation.channel));
    vars.insert("chatops_user".to_owned(), json!(user));
    vars
}

/// The job launched: its id, its state and its link, whether its end will be
/// posted (`followed`); and which variables AWX did not pass on (a template
/// that does not prompt for variables).
pub fn render_launched(template: &str, user: &str, launched: &Launched, link: &str, followed: bool) -> Reply {
    let status = launched.status.as_deref().unwrap_or("pending");
    let then = if followed {
        " Its final status will be posted here when it ends."
    } else {
        ""
    };
    let mut blocks = vec![
        Block::Text(format!(
            "Launched **{template}** as {user}: job **{}** is {status}.{then}",
            launched.job
        )),
        Block::Text(format!("[Job {} in AWX]({link})", launched.job)),
    ];
    if let Some(ignored) = launched
        .ignored_fields
        .get("extra_vars")
        .and_then(Value::as_object)
    {
        let names: Vec<&str> = ignored.keys().map(String::as_str).collect();
        if !names.is_empty() {
            blocks.push(Block::Text(format!(
                "AWX did not pass on {} (the template does not prompt for variables on launch).",
                names.join(", ")
            )));
        }
    }
    Reply::Message(Message {
        title: Some(format!("Job {} launched", launched.job)),
        blocks,
        ..Default::default()
    })
}
