//! `get-jobs`, `filter-jobs`, `run-job-form` (its fields), `run-job` (the
//! job's data from typed values, and the result).

use serde_json::{Value, json};

use super::super::jobs::{
    JOB_FOLLOW_LIMIT, Job, JobResult, Variable, field_of, job_data, job_fields, render_job_result,
    render_jobs,
};
use super::{
    WEB, assert_said, brief, code, lines, message, object, page, read, rest_list, rows, texts, titled_table,
    uuid,
};
use crate::model::{Block, Choice, Field, FieldKind, Level};
use crate::workers::nautobot::Page;

/// A job as `extras/jobs/` lists it.
fn job(
    name: &str,
    grouping: &str,
    module: &str,
    class: &str,
    description: &str,
    enabled: bool,
    installed: bool,
) -> Value {
    object(
        "extras.job",
        "extras/jobs",
        name,
        json!({
            "module_name": module,
            "job_class_name": class,
            "grouping": grouping,
            "name": name,
            "description": description,
            "installed": installed,
            "enabled": enabled,
            "is_job_hook_receiver": false,
            "is_job_button_receiver": false,
            "has_sensitive_variables": false,
            "approval_required": false,
            "hidden": false,
            "dryrun_default": false,
            "read_only": false,
            "soft_time_limit": 0.0,
            "time_limit": 0.0,
            "grouping_override": false,
            "name_override": false,
            "description_override": false,
            "default_job_queue": brief("extras.jobqueue", "extras/job-queues", "default"),
            "tags": [],
        }),
    )
}

fn jobs(count: usize) -> Page<Job> {
    page(rest_list(
        "extras/jobs",
        count,
        vec![
            job(
                "Hello Device",
                "ChatOps Tests",
                "chatops_test_jobs",
                "HelloDevice",
                "Greets a device (test job for chatops-operator)",
                true,
                true,
            ),
            job(
                "Export Object List",
                "System Jobs",
                "nautobot.core.jobs",
                "ExportObjectList",
                "Export a list of objects.",
                true,
                true,
            ),
            job("Old Cleanup", "", "old_jobs", "Cleanup", "", false, false),
        ],
    ))
}

#[test]
fn get_jobs_shows_the_default_columns_sorted_by_name() {
    let reply = render_jobs("Jobs", &["name", "grouping", "enabled"], &jobs(3));

    let table = titled_table(&reply, "Jobs", "Name | Grouping | Enabled");
    assert_eq!(
        rows(table),
        lines(&[
            "Export Object List | System Jobs | yes",
            "Hello Device | ChatOps Tests | yes",
            "Old Cleanup | — | no",
        ])
    );
    assert!(texts(&reply).is_empty(), "no note: {reply:?}");
}

#[test]
fn get_jobs_shows_the_columns_asked_for_in_their_order() {
    let fields = ["class", "name", "installed", "description", "module"];

    let reply = render_jobs("Jobs", &fields, &jobs(3));

    let table = titled_table(&reply, "Jobs", "Class | Name | Installed | Description | Module");
    assert_eq!(
        rows(table),
        lines(&[
            "Cleanup | Old Cleanup | no | — | old_jobs",
            "ExportObjectList | Export Object List | yes | Export a list of objects. | nautobot.core.jobs",
            "HelloDevice | Hello Device | yes | Greets a device (test job for chatops-operator) | chatops_test_jobs",
        ])
    );
}

#[test]
fn filter_jobs_notes_a_cut_list_and_says_when_there_are_none() {
    let reply = render_jobs(
        "Jobs that are enabled",
        &["name", "grouping", "enabled"],
        &jobs(250),
    );
    assert_eq!(message(&reply).title.as_deref(), Some("Jobs that are enabled"));
    assert_eq!(
        texts(&reply),
        ["Showing the first 3 of 250; narrow the filter to see the rest."]
    );

    let none: Page<Job> = page(rest_list("extras/jobs", 0, vec![]));
    assert_said(
        &render_jobs("Jobs that are enabled and installed", &["name"], &none),
        Level::Info,
        "Jobs that are enabled and installed: none that you may see.",
    );
}

/// `extras/jobs/{id}/variables/` of the test job Hello Device (see
/// scripts/nautobot/jobs): Nautobot lists a key only when the variable sets
/// it, so without `label`; a BooleanVar is never required.
fn variables() -> Vec<Variable> {
    read(json!([
        {"name": "greeting", "type": "StringVar", "help_text": "What to say", "required": true, "default": "hello"},
        {
            "name": "times",
            "type": "IntegerVar",
            "help_text": "How many times",
            "required": true,
            "min_value": 1,
            "max_value": 5,
            "default": 1
        },
        {
            "name": "shout",
            "type": "BooleanVar",
            "help_text": "Upper-case the greeting",
            "required": false,
            "default": false
        },
        {
            "name": "device",
            "type": "ObjectVar",
            "help_text": "Device to greet",
            "required": true,
            "model": "dcim.device"
        }
    ]))
}

#[test]
fn a_job_s_form_has_a_field_per_variable_of_the_kind_it_takes() {
    let variables = variables();
    let devices = vec![Choice::same("ams01-edge-01"), Choice::same("ams01-leaf-01")];

    let fields: Vec<Field> = variables
        .iter()
        .map(|variable| field_of(variable, (variable.kind == "ObjectVar").then(|| devices.clone())))
        .collect();

    assert_eq!(
        fields,
        [
            Field::new("greeting", FieldKind::Text).with_default("hello"),
            Field::new("times", FieldKind::Text).with_default("1"),
            Field::new(
                "shout",
                FieldKind::Select(vec![Choice::same("True"), Choice::same("False")])
            )
            .with_default("False")
            .optional(),
            Field::new("device", FieldKind::Select(devices.clone())),
        ]
    );
    assert_eq!(
        field_of(&variables[3], None).kind,
        FieldKind::Text,
        "too many objects for a select: typed by name"
    );

    let labelled: Variable = read(json!({
        "name": "shout", "type": "BooleanVar", "label": "Shout it", "required": false, "default": true
    }));
    let field = field_of(&labelled, None);
    assert_eq!(
        (field.label.as_str(), field.default.as_deref()),
        ("Shout it", Some("True"))
    );
}

#[test]
fn a_multi_choice_default_is_its_values_not_json() {
    let speeds: Variable = read(json!({
        "name": "speeds",
        "type": "MultiChoiceVar",
        "required": true,
        "default": ["10g"],
        "choices": [["10g", "10 Gbit/s"], ["100g", "100 Gbit/s"]]
    }));
    let field = field_of(&speeds, None);
    assert_eq!(
        field.default.as_deref(),
        Some("10g"),
        "preselects the choice valued 10g"
    );
    assert!(matches!(&field.kind, FieldKind::Select(choices) if choices[0].value == "10g"));

    let both: Variable = read(json!({
        "name": "speeds", "type": "MultiChoiceVar", "required": true, "default": ["10g", "100g"], "choices": []
    }));
    let field = field_of(&both, None);
    assert_eq!(
        field.default.as_deref(),
        Some("10g,100g"),
        "as `run-job` reads a MultiChoiceVar back"
    );
    let data = job_data(&[both], &[field.default.unwrap()]).unwrap();
    assert_eq!(data["speeds"], json!(["10g", "100g"]));

    let none: Variable =
        read(json!({"name": "speeds", "type": "MultiChoiceVar", "required": false, "default": []}));
    assert_eq!(field_of(&none, None).default, None);
}

#[test]
fn a_choice_variable_is_a_select_of_its_labels_valued_by_its_values() {
    let as_pairs: Variable = read(json!({
        "name": "site",
        "type": "ChoiceVar",
        "label": "Site",
        "required": false,
        "default": "",
        "choices": [["ams01", "Amsterdam"], ["nyc01", "New York"]]
    }));
    let as_map: Variable = read(json!({
        "name": "speed",
        "type": "MultiChoiceVar",
        "label": "Speed",
        "required": true,
        "default": ["10g"],
        "choices": {"10g": "10 Gbit/s", "100g": "100 Gbit/s"}
    }));
    let without: Variable =
        read(json!({"name": "mode", "type": "ChoiceVar", "required": true, "choices": []}));

    let site = field_of(&as_pairs, None);
    assert_eq!(
        site.kind,
        FieldKind::Select(vec![
            Choice {
                label: "Amsterdam".to_owned(),
                value: "ams01".to_owned()
            },
            Choice {
                label: "New York".to_owned(),
                value: "nyc01".to_owned()
            },
        ])
    );
    assert_eq!(site.label, "Site");
    assert_eq!(site.default, None, "an empty default is no default");
    assert!(site.optional);

    let FieldKind::Select(speeds) = field_of(&as_map, None).kind else {
        panic!("a select");
    };
    let mut speeds: Vec<(String, String)> = speeds.into_iter().map(|c| (c.value, c.label)).collect();
    speeds.sort();
    assert_eq!(
        speeds,
        [
            ("100g".to_owned(), "100 Gbit/s".to_owned()),
            ("10g".to_owned(), "10 Gbit/s".to_owned())
        ]
    );
    assert_eq!(field_of(&as_map, None).default.as_deref(), Some("10g"));

    let mode = field_of(&without, None);
    assert_eq!((mode.label.as_str(), mode.kind), ("mode", FieldKind::Text));
}

#[test]
fn job_data_converts_typed_values_to_each_variable_s_type() {
    let values = ["hi", " 2 ", "True", "ams01-edge-01"].map(str::to_owned);

    let data = job_data(&variables(), &values).unwrap();

    assert_eq!(
        Value::Object(data),
        json!({"greeting": "hi", "times": 2, "shout": true, "device": {"name": "ams01-edge-01"}}),
        "an object is named, never given by UUID"
    );
}

#[test]
fn job_data_leaves_blank_and_missing_values_to_the_job_s_defaults() {
    let data = job_data(&variables(), &["".to_owned(), "3".to_owned(), "  ".to_owned()]).unwrap();
    assert_eq!(Value::Object(data), json!({"times": 3}));

    assert_eq!(job_data(&variables(), &[]).unwrap().len(), 0);
    for (typed, wanted) in [
        ("yes", true),
        ("on", true),
        ("1", true),
        ("FALSE", false),
        ("no", false),
        ("0", false),
    ] {
        let data = job_data(&variables(), &["hi".to_owned(), "1".to_owned(), typed.to_owned()]).unwrap();
        assert_eq!(data["shout"], json!(wanted), "{typed}");
    }
}

#[test]
fn job_data_says_what_cannot_be_converted() {
    let data = |values: &[&str]| {
        job_data(
            &variables(),
            &values.iter().map(|v| (*v).to_owned()).collect::<Vec<_>>(),
        )
    };

    assert_eq!(
        data(&["hi", "two"]).unwrap_err(),
        "times must be a whole number, not `two`"
    );
    assert_eq!(
        data(&["hi", "2", "maybe"]).unwrap_err(),
        "shout must be True or False, not `maybe`"
    );
    assert_eq!(
        data(&["hi", "2", "True", "ams01-edge-01", "extra"]).unwrap_err(),
        "the job takes 4 values (greeting, times, shout, device), not 5"
    );
}

#[test]
fn job_data_of_multiple_objects_choices_and_json() {
    let variables: Vec<Variable> = read(json!([
        {"name": "devices", "type": "MultiObjectVar", "label": "Devices", "required": true, "model": "dcim.device"},
        {"name": "speeds", "type": "MultiChoiceVar", "label": "Speeds", "required": true, "choices": [["10g", "10G"], ["100g", "100G"]]},
        {"name": "config", "type": "JSONVar", "label": "Config", "required": false},
        {"name": "gateway", "type": "IPAddressWithMaskVar", "label": "Gateway", "required": false}
    ]));
    let values = [
        "ams01-leaf-01, ams01-leaf-02",
        "10g,100g",
        r#"{"mtu": 9216}"#,
        "10.1.0.254/24",
    ]
    .map(str::to_owned);

    let data = job_data(&variables, &values).unwrap();

    assert_eq!(
        Value::Object(data),
        json!({
            "devices": [{"name": "ams01-leaf-01"}, {"name": "ams01-leaf-02"}],
            "speeds": ["10g", "100g"],
            "config": {"mtu": 9216},
            "gateway": "10.1.0.254/24"
        })
    );
    let bad = job_data(&variables, &["a".to_owned(), "10g".to_owned(), "{mtu".to_owned()]).unwrap_err();
    assert!(bad.starts_with("config must be JSON: "), "{bad}");
}

/// `extras/job-results/{id}/` of a run of Hello Device, in `state`.
fn job_result(state: &str, result: Value) -> JobResult {
    let done = matches!(state, "SUCCESS" | "FAILURE" | "REVOKED");
    read(object(
        "extras.jobresult",
        "extras/job-results",
        "Hello Device started at 2026-11-30 09:06:16",
        json!({
            "id": uuid("run of Hello Device"),
            "status": {"value": state, "label": state},
            "name": "Hello Device",
            "task_name": "chatops_test_jobs.HelloDevice",
            "date_created": "2026-11-30T09:06:16.000000Z",
            "date_started": "2026-11-30T09:06:16.200000Z",
            "date_done": if done { json!("2026-11-30T09:06:17.000000Z") } else { Value::Null },
            "result": result,
            "worker": "celery@nautobot-worker",
            "task_args": [],
            "task_kwargs": {"greeting": "hi", "times": 2, "shout": true, "device": {"name": "ams01-edge-01"}},
            "celery_kwargs": {"queue": "default"},
            "traceback": null,
            "meta": null,
            "job_model": brief("extras.job", "extras/jobs", "Hello Device"),
            "user": brief("users.user", "users/users", "alice"),
            "scheduled_job": null,
            "files": [],
        }),
    ))
}

fn result_link() -> String {
    format!("{WEB}/extras/job-results/{}/", uuid("run of Hello Device"))
}

#[test]
fn a_successful_run_says_so_with_its_result_and_link() {
    let result = job_result("SUCCESS", json!("HI ams01-edge-01"));
    assert_eq!(result.id, uuid("run of Hello Device"));

    let reply = render_job_result("Hello Device", "alice", &result, &result_link());

    let message = message(&reply);
    assert_eq!(message.level, Level::Info);
    assert_eq!(message.title.as_deref(), Some("Job Hello Device"));
    assert!(!message.private, "a job's outcome is for the channel");
    assert_eq!(
        message.blocks,
        [
            Block::Text("The job **Hello Device** finished: **SUCCESS** (run as alice).".to_owned()),
            Block::Code("HI ams01-edge-01".to_owned()),
            Block::Text(format!("[The job result in Nautobot]({})", result_link())),
        ]
    );
}

#[test]
fn a_failed_run_is_an_error_with_nautobot_s_reason() {
    let failure = json!({"exc_type": "RuntimeError", "exc_message": ["boom"], "exc_module": "builtins"});

    let reply = render_job_result(
        "Hello Device",
        "alice",
        &job_result("FAILURE", failure),
        &result_link(),
    );

    assert_eq!(message(&reply).level, Level::Error);
    assert_eq!(
        texts(&reply),
        [
            "The job **Hello Device** did not succeed: **FAILURE** (run as alice).".to_owned(),
            format!("[The job result in Nautobot]({})", result_link()),
        ]
    );
    let shown = code(&reply);
    assert!(shown.starts_with("{\n  \"exc_"), "pretty-printed: {shown}");
    assert!(shown.contains("\n  \"exc_type\": \"RuntimeError\""), "{shown}");
    assert_eq!(
        serde_json::from_str::<Value>(shown).unwrap(),
        json!({"exc_type": "RuntimeError", "exc_message": ["boom"], "exc_module": "builtins"})
    );

    let revoked = render_job_result(
        "Hello Device",
        "alice",
        &job_result("REVOKED", Value::Null),
        &result_link(),
    );
    assert_eq!(message(&revoked).level, Level::Error);
    assert_eq!(
        texts(&revoked)[0],
        "The job **Hello Device** did not succeed: **REVOKED** (run as alice)."
    );
    assert_eq!(
        texts(&revoked).len(),
        2,
        "no result block without a result: {revoked:?}"
    );
}

#[test]
fn a_run_still_going_is_a_warning_with_the_link_to_follow_it() {
    let limit = JOB_FOLLOW_LIMIT.as_secs();
    assert_eq!(limit, 45);

    let reply = render_job_result(
        "Hello Device",
        "alice",
        &job_result("STARTED", Value::Null),
        &result_link(),
    );

    let still = message(&reply);
    assert_eq!(still.level, Level::Warning);
    assert_eq!(
        still.blocks,
        [
            Block::Text(
                "The job **Hello Device** is still running (STARTED) after 45 s; follow it in Nautobot."
                    .to_owned()
            ),
            Block::Text(format!("[The job result in Nautobot]({})", result_link())),
        ]
    );

    let mut without_status = job_result("PENDING", json!(""));
    without_status.status = None;
    let pending = render_job_result("Hello Device", "alice", &without_status, &result_link());
    assert_eq!(message(&pending).level, Level::Warning);
    assert_eq!(
        texts(&pending),
        [
            "The job **Hello Device** is still running (PENDING) after 45 s; follow it in Nautobot."
                .to_owned(),
            format!("[The job result in Nautobot]({})", result_link()),
        ],
        "an empty result is no block"
    );
}

#[test]
fn get_jobs_takes_its_fields_as_a_list_or_as_the_original_apps_json() {
    let wanted = Ok(vec!["name", "grouping"]);
    assert_eq!(job_fields("name,grouping"), wanted);
    assert_eq!(job_fields(" name, grouping "), wanted);
    assert_eq!(job_fields("name grouping"), wanted);
    // The original's documented form: a JSON object whose keys are the fields.
    assert_eq!(job_fields(r#"{"name": 1, "grouping": 1}"#), wanted);
    assert_eq!(job_fields(r#"["name", "grouping"]"#), wanted);
    // As it arrives after the chat client and the shell-like split.
    assert_eq!(job_fields("{name: 1, grouping: 1}"), wanted);
    assert_eq!(job_fields("{'name': 1, 'grouping': 1}"), wanted);
    // Keys in the order written, not sorted.
    assert_eq!(
        job_fields(r#"{"grouping": 1, "Name": 1, "module_name": 1, "job_class_name": 1, "id": 1}"#),
        Ok(vec!["grouping", "name", "module", "class", "id"])
    );
    assert_eq!(job_fields("name,name"), Ok(vec!["name"]));
    assert_eq!(job_fields(""), Ok(vec!["name", "grouping", "enabled"]));
    assert_eq!(job_fields("{}"), Ok(vec!["name", "grouping", "enabled"]));

    let unknown = job_fields(r#"{"name": 1, "colour": 1}"#).unwrap_err();
    assert!(
        unknown.starts_with("`colour` is not a job field; use some of: name, id,"),
        "{unknown}"
    );
    let broken = job_fields(r#"{"name" 1}"#).unwrap_err();
    assert!(
        broken.contains("is not a JSON object or array of job fields"),
        "{broken}"
    );
    assert!(
        broken.contains(r#"`{"name": 1, "grouping": 1}`"#),
        "says the form: {broken}"
    );
}

#[test]
fn get_jobs_can_show_the_job_id_as_the_original_does() {
    let reply = render_jobs("Jobs", &["name", "id"], &jobs(1));
    let table = titled_table(&reply, "Jobs", "Name | ID");
    assert!(
        !rows(table)[0][1].is_empty() && rows(table)[0][1] != "—",
        "{:?}",
        rows(table)
    );
}

#[test]
fn get_jobs_json_survives_the_chat_text_however_it_is_typed() {
    for typed in [
        r#"nautobot get-jobs '{"name": 1, "grouping": 1}'"#,
        r#"nautobot get-jobs {"name": 1, "grouping": 1}"#,
        "nautobot get-jobs {\u{201c}name\u{201d}: 1, \u{201c}grouping\u{201d}: 1}",
        "nautobot get-jobs \u{2018}{\"name\": 1, \"grouping\": 1}\u{2019}",
    ] {
        let parsed = crate::commands::parse_command_text(typed);
        assert_eq!(parsed.subcommand, "get-jobs");
        assert_eq!(
            job_fields(&parsed.arguments.join(" ")),
            Ok(vec!["name", "grouping"]),
            "{typed} gave {:?}",
            parsed.arguments
        );
    }
}
