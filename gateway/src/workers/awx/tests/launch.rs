//! `run-job-template` behind the router, against the fake AWX: the menu of
//! templates, the confirmation, the survey form, the launch's `extra_vars`,
//! and AWX's refusal.

use chatops_testkit::fake_awx;
use serde_json::Value;

use super::{assert_no_secret, awx};
use crate::commands::Outcome;
use crate::commands::tests::fixtures::assert_private_error;
use crate::commands::tests::fixtures::{ADMIN1, choice_values, message, prompted, text};
use crate::model::{FieldKind, Prompt, Reply};

/// The extra_vars of the newest job, as AWX stored them.
fn last_extra_vars(fake: &fake_awx::FakeAwx) -> Value {
    let jobs = fake.jobs();
    let job = jobs.last().expect("a job");
    serde_json::from_str(job["extra_vars"].as_str().expect("extra_vars")).expect("JSON extra_vars")
}

#[tokio::test]
async fn without_a_template_it_asks_which_by_name() {
    let (_fake, fixture) = awx().await;

    let routed = fixture.typed(ADMIN1, "awx run-job-template").await;

    assert_eq!(
        choice_values(prompted(&routed)),
        [
            "Deploy Web App",
            "Patch Servers",
            "Reboot Routers",
            "Restart Services"
        ]
    );
}

#[tokio::test]
async fn a_launch_is_confirmed_then_says_the_job_and_its_link() {
    let (fake, fixture) = awx().await;
    let before = fake.jobs().len();

    let asked = fixture
        .typed(ADMIN1, r#"awx run-job-template "Restart Services""#)
        .await;
    let menu = prompted(&asked);
    assert_eq!(menu.text, "Launch **Restart Services** in AWX as alice?");
    assert_eq!(choice_values(menu), ["yes"]);
    assert_eq!(fake.jobs().len(), before, "nothing launched before the answer");

    let launched = fixture.answer(ADMIN1, &menu.continuation, &["yes"]).await;

    assert_eq!(launched.outcome, Outcome::Succeeded);
    let job = fake.jobs().last().unwrap()["id"].as_u64().unwrap();
    assert_eq!(job, before as u64 + 1);
    assert_eq!(
        text(&launched),
        format!(
            "Launched **Restart Services** as alice: job **{job}** is pending. \
             Its final status will be posted here when it ends.\n\
             [Job {job} in AWX]({}/#/jobs/playbook/{job}/output)",
            fake.url()
        )
    );
    let vars = last_extra_vars(&fake);
    assert_eq!(vars["chatops_platform"], "slack");
    assert_eq!(vars["chatops_platform_type"], "slack");
    assert_eq!(vars["chatops_channel"], "C3030I566");
    assert_eq!(vars["chatops_user"], "U2049K991");
    assert_eq!(
        fake.jobs().last().unwrap()["launched_by"]["name"],
        fake_awx::LIMITED_USER,
        "launched as alice's AWX user"
    );
    assert_no_secret(&launched);
}

#[tokio::test]
async fn typed_yes_launches_without_asking_and_another_answer_does_not() {
    let (fake, fixture) = awx().await;
    let before = fake.jobs().len();

    let declined = fixture
        .typed(ADMIN1, r#"awx run-job-template "Restart Services" no"#)
        .await;
    assert_eq!(text(&declined), "Not launched: **Restart Services**.");
    assert!(message(&declined).private);
    assert_eq!(fake.jobs().len(), before);

    let launched = fixture
        .typed(ADMIN1, r#"awx run-job-template "Restart Services" yes"#)
        .await;
    assert_eq!(launched.outcome, Outcome::Succeeded);
    assert_eq!(fake.jobs().len(), before + 1);
}

#[tokio::test]
async fn a_survey_is_a_form_whose_answers_become_extra_vars() {
    let (fake, fixture) = awx().await;

    let asked = fixture
        .typed(
            ADMIN1,
            &format!(r#"awx run-job-template "{}""#, fake_awx::SURVEY_TEMPLATE),
        )
        .await;

    assert_eq!(asked.outcome, Outcome::Prompted);
    let Reply::Prompt(Prompt::Form(form)) = &asked.reply else {
        panic!("a form: {:?}", asked.reply);
    };
    assert_eq!(form.title, "Launch Deploy Web App");
    let [version, environment] = form.fields.as_slice() else {
        panic!("two questions: {:?}", form.fields);
    };
    assert_eq!(
        (version.label.as_str(), version.optional, &version.kind),
        ("Version to deploy", false, &FieldKind::Text)
    );
    assert!(environment.optional);
    assert_eq!(environment.default.as_deref(), Some("production"));
    let FieldKind::Select(choices) = &environment.kind else {
        panic!("choices as a menu");
    };
    assert_eq!(choices.len(), 2);

    let confirm = fixture
        .answer(ADMIN1, &form.continuation, &["1.4.2", "staging"])
        .await;
    let menu = prompted(&confirm);
    assert_eq!(
        menu.text,
        "Launch **Deploy Web App** in AWX as alice, with version=1.4.2, environment=staging?"
    );
    let launched = fixture.answer(ADMIN1, &menu.continuation, &["yes"]).await;

    assert_eq!(launched.outcome, Outcome::Succeeded, "{:?}", launched.reply);
    let vars = last_extra_vars(&fake);
    assert_eq!(
        (&vars["version"], &vars["environment"]),
        (&"1.4.2".into(), &"staging".into())
    );
    assert_eq!(vars["chatops_platform"], "slack", "merged with the origin");
}

#[tokio::test]
async fn a_survey_answer_awx_rejects_is_said_with_its_reason() {
    let (_fake, fixture) = awx().await;

    let routed = fixture
        .typed(ADMIN1, r#"awx run-job-template "Deploy Web App" 1.0 qa yes"#)
        .await;

    assert_private_error(
        &routed,
        "AWX answered 400: variables_needed_to_start: Value qa for 'environment' expected to be one of ['production', 'staging'].",
    );
}

#[tokio::test]
async fn a_template_the_user_may_not_launch_is_refused_in_words() {
    let (fake, fixture) = awx().await;
    let before = fake.jobs().len();

    let routed = fixture
        .typed(
            ADMIN1,
            &format!(r#"awx run-job-template "{}" yes"#, fake_awx::FORBIDDEN_TEMPLATE),
        )
        .await;

    assert_private_error(&routed, "You (linked as alice) may not run job_templates in AWX.");
    assert_eq!(fake.jobs().len(), before);
}

#[tokio::test]
async fn an_unknown_template_is_said_so() {
    let (_fake, fixture) = awx().await;

    let routed = fixture.typed(ADMIN1, "awx run-job-template Nope yes").await;

    assert_private_error(
        &routed,
        "There is no job template named `Nope` that you may see in AWX.",
    );
}
