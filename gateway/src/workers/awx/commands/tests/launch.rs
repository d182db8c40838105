//! `run-job-template` rendered: the survey's fields and answers, the
//! question, and the launched job.

use serde_json::{Map, Value, json};

use super::{message, read, texts};
use crate::model::{Choice, FieldKind};
use crate::workers::awx::commands::launch::{Launched, question, render_launched};
use crate::workers::awx::commands::survey::{Question, Survey, answers, field_of};

fn survey() -> Vec<Question> {
    let survey: Survey = read(json!({"name": "", "description": "", "spec": [
        {"question_name": "Hosts", "required": true, "type": "integer", "variable": "count", "default": 2,
         "choices": ""},
        {"question_name": "Tiers", "required": false, "type": "multiselect", "variable": "tiers", "default": "",
         "choices": "web\ndb"},
        {"question_name": "", "required": false, "type": "multiplechoice", "variable": "region", "default": "",
         "choices": "eu\nus"}
    ]}));
    survey.spec
}

#[test]
fn survey_questions_become_fields_with_defaults_and_choices() {
    let questions = survey();
    let count = field_of(&questions[0], None);
    assert_eq!(
        (count.label.as_str(), count.default.as_deref(), count.optional),
        ("Hosts", Some("2"), false)
    );
    assert_eq!(
        field_of(&questions[0], Some("5")).default.as_deref(),
        Some("5"),
        "typed wins"
    );
    assert_eq!(field_of(&questions[1], None).kind, FieldKind::Text);
    let region = field_of(&questions[2], None);
    assert_eq!(region.label, "region", "no question name: the variable");
    assert_eq!(
        region.kind,
        FieldKind::Select(vec![Choice::same("eu"), Choice::same("us")])
    );
    assert!(region.optional);
}

#[test]
fn answers_take_the_question_types_and_blanks_are_left_to_defaults() {
    let questions = survey();
    let values: Vec<String> = ["3", "web, db", ""].map(str::to_owned).to_vec();
    let vars = answers(&questions, &values).unwrap();
    assert_eq!(Value::Object(vars), json!({"count": 3, "tiers": ["web", "db"]}));
    assert_eq!(
        answers(&questions, &["many".to_owned()]),
        Err("Hosts must be a whole number, not `many`".to_owned())
    );
}

#[test]
fn the_question_lists_the_answers_in_survey_order() {
    let questions = survey();
    let mut vars = Map::new();
    vars.insert("tiers".to_owned(), json!(["web"]));
    vars.insert("count".to_owned(), json!(3));
    assert_eq!(
        question("Scale", "alice", &questions, &vars),
        r#"Launch **Scale** in AWX as alice, with count=3, tiers=["web"]?"#
    );
    assert_eq!(
        question("Scale", "alice", &questions, &Map::new()),
        "Launch **Scale** in AWX as alice?"
    );
}

#[test]
fn a_launched_job_says_its_id_its_link_and_what_awx_ignored() {
    let launched: Launched = read(json!({
        "job": 42, "id": 42, "type": "job", "status": "pending",
        "ignored_fields": {"extra_vars": {"chatops_platform": "slack", "chatops_user": "U1"}}
    }));
    let reply = render_launched(
        "Restart Services",
        "alice",
        &launched,
        "https://awx/#/jobs/playbook/42/output",
        false,
    );
    assert_eq!(message(&reply).title.as_deref(), Some("Job 42 launched"));
    assert_eq!(
        texts(&reply),
        [
            "Launched **Restart Services** as alice: job **42** is pending.",
            "[Job 42 in AWX](https://awx/#/jobs/playbook/42/output)",
            "AWX did not pass on chatops_platform, chatops_user (the template does not prompt for variables on launch).",
        ]
    );
}

#[test]
fn a_followed_job_says_its_end_will_be_posted() {
    let launched: Launched = read(json!({"job": 7, "status": "pending", "ignored_fields": {}}));
    let reply = render_launched(
        "Backup",
        "alice",
        &launched,
        "https://awx/#/jobs/playbook/7/output",
        true,
    );
    assert_eq!(
        texts(&reply)[0],
        "Launched **Backup** as alice: job **7** is pending. Its final status will be posted here when it ends."
    );
}
