//! The `awx` integration end to end: the real gateway binary, compiled from
//! resource manifests in standalone mode, answering Slack and Mattermost
//! slash commands against the fake AWX controller of the test kit
//! (`FakeAwx`). Every sub-command is checked for what AWX holds, then a
//! menu step, the confirmation and the survey form of `run-job-template`,
//! AWX's own refusals (a wrong token, a user AWX does not let launch), AWX
//! down, slow and answering garbage.
//!
//! The chat side is the test kit's [`Chat`]: what a person sends on either
//! platform, signed as the platform signs it, and what the gateway answered.
//!
//! Who acts as whom (see [`manifests`]): an unlinked chat user acts as the
//! platform's fallback user `chatbot` with the Integration's token (AWX's
//! `admin`); the operator is linked, on each platform, to AWX's limited user
//! with its own token, so AWX's roles decide for them.

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use chatops_tests::{
    chat::{
        Chat, Field, HELD_BACK, OVERRUN, On, PLATFORMS, SHORT_TIMEOUT, Step, Who, assert_row, table_rows,
    },
    fake_awx::{
        self, FAILING_TEMPLATE, FORBIDDEN_TEMPLATE, FakeAwx, Garbage, HIDDEN_INVENTORY, LIMITED_PASSWORD,
        LIMITED_TOKEN, LIMITED_USER, SURVEY_TEMPLATE,
    },
    gateway_process::free_port,
    manifests::{grant_to_everyone, integration, secret, stream, token_ref},
    quickstart::DEFAULT_SETTINGS,
};
use serde_json::{Value, json};

/// The Integration on the well-behaved fake AWX (`timeoutSeconds: 30`).
const AWX: &str = "awx";
/// An Integration on a second fake AWX, whose knobs the tests turn (`timeoutSeconds: 2`).
const FLAKY: &str = "awxflaky";
/// An Integration on the first fake AWX with a token AWX does not know.
const BAD_TOKEN: &str = "awxbadtoken";
/// An Integration on the first fake AWX with the limited user's username and
/// password (HTTP Basic) instead of a token.
const BASIC: &str = "awxbasic";
/// An Integration whose endpoint nothing listens on (`timeoutSeconds: 2`).
const DOWN: &str = "awxdown";

/// The gateway and its fake chat platforms, and the fake AWXs behind it.
struct World {
    chat: Chat,
    /// Behind [`AWX`], [`BAD_TOKEN`] and [`BASIC`].
    awx: FakeAwx,
    /// Behind [`FLAKY`]: the one whose knobs are turned.
    flaky: FakeAwx,
    /// The endpoint of [`DOWN`], where nothing listens.
    down: String,
}

impl World {
    async fn start() -> World {
        let awx = FakeAwx::start().await;
        let flaky = FakeAwx::start().await;
        let down = format!("http://{}", free_port());
        let yaml = manifests(&awx, &flaky, &down);
        let chat = Chat::start(DEFAULT_SETTINGS, &[("awx.yaml", &yaml)]).await;
        World {
            chat,
            awx,
            flaky,
            down,
        }
    }
}

/// What the chat driver does: asks, answers, menus, forms, as a [`Who`].
impl std::ops::Deref for World {
    type Target = Chat;

    fn deref(&self) -> &Chat {
        &self.chat
    }
}

/// The Integrations beside the quickstart and the Mattermost platform: [`AWX`],
/// [`BAD_TOKEN`] and [`BASIC`] on `awx`, [`FLAKY`] on `flaky`, [`DOWN`] on
/// `down`, where nothing listens; their Secret; the operator's AccountLinks
/// on both platforms (AWX's limited token for [`AWX`] and [`FLAKY`], one AWX
/// does not know for [`BAD_TOKEN`]); and grants letting every user run every
/// sub-command of the five (AWX's roles decide the rest).
fn manifests(awx: &FakeAwx, flaky: &FakeAwx, down: &str) -> String {
    let token = |key: &str| token_ref("awx", key);
    let login = "usernameRef: {name: awx, key: username}, passwordRef: {name: awx, key: password}";
    let mut documents = vec![
        integration("awx", AWX, &awx.url(), &token("token"), 30),
        integration("awx", FLAKY, &flaky.url(), &token("token"), SHORT_TIMEOUT),
        integration("awx", BAD_TOKEN, &awx.url(), &token("wrong-token"), 30),
        integration("awx", BASIC, &awx.url(), login, 30),
        integration("awx", DOWN, down, &token("token"), SHORT_TIMEOUT),
        secret(
            "awx",
            &[
                ("token", fake_awx::ADMIN_TOKEN),
                ("operator", LIMITED_TOKEN),
                ("wrong-token", "not-a-token-awx-knows"),
                ("username", LIMITED_USER),
                ("password", LIMITED_PASSWORD),
            ],
        ),
    ];
    documents.extend(Who::operator_links(&[
        (AWX, "awx", "operator"),
        (FLAKY, "awx", "operator"),
        (BAD_TOKEN, "awx", "wrong-token"),
    ]));
    documents.extend([AWX, FLAKY, BAD_TOKEN, BASIC, DOWN].map(grant_to_everyone));
    stream(&documents)
}

/// `text` without the bold marks of Slack's mrkdwn (`*`) and Markdown (`**`).
fn without_emphasis(text: &str) -> String {
    text.replace('*', "")
}

/// A launch through chat and what AWX then holds: the one job it created, and
/// the answer that said so. Every launch of these tests goes through
/// [`launched`], which also awaits the job's final status the gateway posts
/// later ("Job 5 (Restart Services) ended successful …"). The fake moves a
/// job on each time it is read:
/// `pending`, `running`, then `successful`, or `failed` for
/// [`FAILING_TEMPLATE`].
struct Launch {
    /// The job, as AWX holds it right after the launch.
    job: Value,
    /// What the gateway answered the step that launched it.
    answer: String,
    /// The step that launched it: its platform, user and answers.
    step: Step,
}

impl Launch {
    fn id(&self) -> u64 {
        self.job["id"].as_u64().expect("a job id")
    }

    /// The job's `extra_vars`, as AWX stored them.
    fn extra_vars(&self) -> Value {
        let stored = self.job["extra_vars"].as_str().expect("extra_vars as text");
        serde_json::from_str(stored).unwrap_or_else(|err| panic!("{err}: {stored}"))
    }
}

/// Waits for the answer to `step` that says a job of `template` was launched,
/// and asserts that AWX then holds exactly one job more than `jobs_before`,
/// of that template, linked in the answer.
async fn launched(world: &World, step: Step, template: &str, jobs_before: usize) -> Launch {
    let answer = world.answer(&step, &["Launched", template]).await;
    let jobs = world.awx.jobs();
    assert_eq!(
        jobs.len(),
        jobs_before + 1,
        "exactly one job launched by {}: {answer}",
        step.id
    );
    let job = jobs.last().expect("a job").clone();
    assert_eq!(job["summary_fields"]["job_template"]["name"], template, "{job}");
    let launch = Launch { job, answer, step };
    let link = format!("{}/#/jobs/playbook/{}/output", world.awx.url(), launch.id());
    assert!(
        launch.answer.contains(&link),
        "the job's link {link} in: {}",
        launch.answer
    );
    assert!(
        without_emphasis(&launch.answer).contains(&format!("job {} is pending", launch.id())),
        "the job's id and state in: {}",
        launch.answer
    );
    // Then its end, posted where it was launched.
    let outcome = if template == FAILING_TEMPLATE {
        "failed"
    } else {
        "successful"
    };
    let end = without_emphasis(&world.answer(&launch.step, &["ended"]).await);
    let said = format!("Job {} ({template}) ended {outcome}", launch.id());
    assert!(end.contains(&said), "{said} in: {end}");
    launch
}

/// Asserts that the chat origin of `launch` is in its extra_vars.
fn assert_origin(launch: &Launch) {
    let vars = launch.extra_vars();
    let on = launch.step.on;
    assert_eq!(vars["chatops_platform"], on.name(), "{vars}");
    assert_eq!(vars["chatops_platform_type"], on.name(), "{vars}");
    assert_eq!(vars["chatops_channel"], on.channel(), "{vars}");
    let user = vars["chatops_user"].as_str().unwrap_or_default();
    assert!(
        user == "someone" || user == launch.step.user,
        "the chat user (name or ID) in {vars}"
    );
}

#[tokio::test]
async fn every_sub_command_answers_with_what_awx_holds() {
    let world = World::start().await;
    for on in PLATFORMS {
        let id = |name: &str| on.tag(name);

        // Help lists the six sub-commands.
        let text = world
            .answered(on, Who::Unlinked, AWX, "help", &id("help"), &["get-dashboard"])
            .await;
        for sub in [
            "get-inventory",
            "get-jobs",
            "get-job-templates",
            "get-projects",
            "run-job-template",
        ] {
            assert!(text.contains(sub), "{sub} in the help: {text}");
        }

        // The dashboard: what the admin (the Integration's token) sees, and what AWX shows the operator.
        let text = world
            .answered(
                on,
                Who::Unlinked,
                AWX,
                "get-dashboard",
                &id("dashboard"),
                &["AWX dashboard"],
            )
            .await;
        assert_row(&text, &["Hosts", "34"]);
        assert_row(&text, &["Inventories", "3"]);
        assert_row(&text, &["Job templates", "4"]);
        assert_row(&text, &["Projects", "2"]);
        assert_row(&text, &["Users", "2"]);
        let text = world
            .answered(
                on,
                Who::Operator,
                AWX,
                "get-dashboard",
                &id("dashboard-op"),
                &["AWX dashboard"],
            )
            .await;
        assert_row(&text, &["Hosts", "32"]);
        assert_row(&text, &["Inventories", "2"]);
        assert_row(&text, &["Users", "1"]);
        // An Integration with a username and password: HTTP Basic, AWX's roles of that user.
        let text = world
            .answered(
                on,
                Who::Unlinked,
                BASIC,
                "get-dashboard",
                &id("dashboard-basic"),
                &["AWX dashboard"],
            )
            .await;
        assert_row(&text, &["Hosts", "32"]);
        let basic = world
            .awx
            .requests()
            .into_iter()
            .rev()
            .find(|r| r.path == "/api/v2/dashboard/");
        let basic = basic.expect("the dashboard was asked");
        assert!(
            basic
                .header("authorization")
                .is_some_and(|a| a.starts_with("Basic ")),
            "HTTP Basic: {:?}",
            basic.headers
        );

        // An inventory's group, then every host of another inventory.
        let text = world
            .answered(
                on,
                Who::Unlinked,
                AWX,
                "get-inventory Production web",
                &id("inventory-web"),
                &["web01.prod.example.com", "web20.prod.example.com"],
            )
            .await;
        assert!(text.contains("group web"), "{text}");
        assert!(!text.contains("db01.prod"), "only the web group: {text}");
        let text = world
            .answered(
                on,
                Who::Unlinked,
                AWX,
                "get-inventory Staging all",
                &id("inventory-all"),
                &["web01.staging.example.com", "web02.staging.example.com"],
            )
            .await;
        assert!(!text.contains("prod.example.com"), "only Staging: {text}");
        // More hosts than one of AWX's default pages: every one of them.
        let text = world
            .answered(
                on,
                Who::Unlinked,
                AWX,
                "get-inventory Production all",
                &id("inventory-production"),
                &[
                    "Hosts of inventory Production",
                    "web01.prod.example.com",
                    "db10.prod.example.com",
                ],
            )
            .await;
        let hosts = table_rows(&text)
            .into_iter()
            .filter(|row| row[0].ends_with(".prod.example.com"))
            .count();
        assert_eq!(hosts, fake_awx::PRODUCTION_HOSTS, "{text}");

        // The templates and projects.
        let text = world
            .answered(
                on,
                Who::Unlinked,
                AWX,
                "get-job-templates",
                &id("templates"),
                &["Job templates", SURVEY_TEMPLATE, FORBIDDEN_TEMPLATE],
            )
            .await;
        assert_row(
            &text,
            &[SURVEY_TEMPLATE, "Production", "Web Playbooks", "deploy.yml"],
        );
        assert_row(&text, &["Restart Services", "restart.yml"]);
        assert_row(&text, &[FAILING_TEMPLATE, "Staging", "patch.yml"]);
        assert_row(
            &text,
            &[FORBIDDEN_TEMPLATE, "Lab", "Network Playbooks", "reboot.yml"],
        );
        let text = world
            .answered(
                on,
                Who::Unlinked,
                AWX,
                "get-projects",
                &id("projects"),
                &["Projects"],
            )
            .await;
        assert_row(
            &text,
            &[
                "Web Playbooks",
                "git",
                "https://git.example.com/ops/web-playbooks.git",
                "main",
            ],
        );
        assert_row(
            &text,
            &[
                "Network Playbooks",
                "https://git.example.com/ops/network-playbooks.git",
            ],
        );

        // A launch typed in full, then the jobs: the new one first.
        let before = world.awx.jobs().len();
        let step = world
            .ask(
                on,
                Who::Unlinked,
                AWX,
                r#"run-job-template "Restart Services" yes"#,
                &id("launch"),
            )
            .await;
        let launch = launched(&world, step, "Restart Services", before).await;
        assert!(
            launch.answer.contains("chatbot"),
            "launched as the fallback user: {}",
            launch.answer
        );
        assert_origin(&launch);
        let newest = launch.id().to_string();
        let text = world
            .answered(
                on,
                Who::Unlinked,
                AWX,
                "get-jobs 2",
                &id("jobs-2"),
                &["The last 2 jobs"],
            )
            .await;
        let jobs: Vec<Vec<String>> = table_rows(&text)
            .into_iter()
            .filter(|row| row[0].parse::<u64>().is_ok())
            .collect();
        assert_eq!(jobs.len(), 2, "two jobs: {text}");
        assert_eq!(
            jobs[0][..2],
            [newest.as_str(), "Restart Services"],
            "the newest job first: {text}"
        );
        // Pending, unless something (a follow-up of the launch) has read it since.
        assert!(
            ["pending", "running", "successful"].contains(&jobs[0][2].as_str()),
            "its status: {text}"
        );
        assert_eq!(
            jobs[1][0],
            (launch.id() - 1).to_string(),
            "then the one before: {text}"
        );
        let text = world
            .answered(
                on,
                Who::Unlinked,
                AWX,
                "get-jobs",
                &id("jobs"),
                &["jobs (all you may see)"],
            )
            .await;
        assert_row(&text, &[FAILING_TEMPLATE, "failed"]);
        assert_row(&text, &["Restart Services", "successful"]);
        let text = world
            .answered(
                on,
                Who::Unlinked,
                AWX,
                "get-jobs none",
                &id("jobs-bad"),
                &["is not a number of jobs"],
            )
            .await;
        assert!(text.contains("none"), "{text}");
    }
}

#[tokio::test]
async fn a_missing_inventory_and_group_are_asked_with_menus_of_names() {
    let world = World::start().await;
    for on in PLATFORMS {
        let id = |name: &str| on.tag(name);

        let step = world
            .ask(on, Who::Unlinked, AWX, "get-inventory", &id("menu"))
            .await;
        let inventories = world.menu(&step).await;
        assert_eq!(
            inventories.values(),
            [HIDDEN_INVENTORY, "Production", "Staging"],
            "{:?}",
            inventories.message
        );
        let step = world
            .choose(&inventories, Who::Unlinked, "Production", &id("menu-production"))
            .await;
        let groups = world.menu(&step).await;
        assert_eq!(groups.values(), ["all", "db", "web"], "{:?}", groups.message);
        assert!(
            groups.labels().contains(&"All hosts of Production"),
            "{:?}",
            groups.options
        );
        let step = world.choose(&groups, Who::Unlinked, "db", &id("menu-db")).await;
        let text = world
            .answer(&step, &["db01.prod.example.com", "db10.prod.example.com"])
            .await;
        assert!(!text.contains("web01.prod"), "only the db group: {text}");

        // AWX shows the operator no Lab: the menu does not offer it.
        let step = world
            .ask(on, Who::Operator, AWX, "get-inventory", &id("menu-op"))
            .await;
        let inventories = world.menu(&step).await;
        assert_eq!(inventories.values(), ["Production", "Staging"]);
    }
}

#[tokio::test]
async fn a_launch_is_confirmed_first_and_a_survey_is_a_form() {
    let world = World::start().await;
    for on in PLATFORMS {
        let id = |name: &str| on.tag(name);
        let command = r#"run-job-template "Restart Services""#;

        // Asked, confirmed: one job.
        let before = world.awx.jobs().len();
        let step = world.ask(on, Who::Operator, AWX, command, &id("confirm")).await;
        let confirm = world.menu(&step).await;
        assert_eq!(confirm.values(), ["yes"], "{:?}", confirm.message);
        let question = world.text_since(&step);
        assert!(
            question.contains("Restart Services") && question.contains("operator"),
            "the question names the template and the AWX user: {question}"
        );
        assert_eq!(
            world.awx.jobs().len(),
            before,
            "nothing launched before the answer"
        );
        let step = world
            .choose(&confirm, Who::Operator, "yes", &id("confirmed"))
            .await;
        let launch = launched(&world, step, "Restart Services", before).await;
        // The confirmation runs once: Slack's delivery replayed is refused, a second
        // click on Mattermost's prompt is told it was answered.
        match on {
            On::Slack => {
                let status = world.replay_slack_interaction().await;
                assert_eq!(status, StatusCode::CONFLICT, "a replayed confirmation");
            }
            On::Mattermost => {
                let step = world
                    .choose(&confirm, Who::Operator, "yes", &id("confirmed-again"))
                    .await;
                world
                    .gateway
                    .wait_for_requests(on.name(), "actions", "replayed", 1)
                    .await;
                assert!(
                    !world.text_since(&step).contains("Launched"),
                    "{}",
                    world.text_since(&step)
                );
            }
        }
        assert_eq!(world.awx.jobs().len(), before + 1, "one confirmation, one job");
        assert_origin(&launch);
        assert_eq!(
            launch.job["summary_fields"]["created_by"]["username"], LIMITED_USER,
            "launched with the operator's own token"
        );

        // Asked, cancelled: none.
        let before = world.awx.jobs().len();
        let step = world.ask(on, Who::Operator, AWX, command, &id("cancel")).await;
        let confirm = world.menu(&step).await;
        let step = world.cancel(&confirm, Who::Operator, &id("cancelled")).await;
        world.answer(&step, &["Cancelled"]).await;
        // Typed something else than yes: declined, none.
        let declined = format!("{command} no");
        world
            .answered(
                on,
                Who::Operator,
                AWX,
                &declined,
                &id("declined"),
                &["Not launched", "Restart Services"],
            )
            .await;
        assert_eq!(
            world.awx.jobs().len(),
            before,
            "neither cancelled nor declined launches"
        );

        // Typed yes: no question, one job.
        let step = world
            .ask(
                on,
                Who::Operator,
                AWX,
                &format!("{command} yes"),
                &id("typed-yes"),
            )
            .await;
        let launch = launched(&world, step, "Restart Services", before).await;
        assert!(
            !world.text_since(&launch.step).contains("Yes, launch it"),
            "no question: {}",
            launch.answer
        );

        // A survey: a form of its questions, then the confirmation; the answers are extra_vars.
        let step = world
            .ask(
                on,
                Who::Unlinked,
                AWX,
                &format!("run-job-template \"{SURVEY_TEMPLATE}\""),
                &id("survey"),
            )
            .await;
        let form = world.form(&step).await;
        assert_eq!(
            form.labels(),
            ["Version to deploy", "Environment"],
            "{:?}",
            form.opened
        );
        // The version is required text; the environment an optional menu at the survey's default.
        let version = Field {
            optional: false,
            choices: vec![],
            default: None,
        };
        assert_eq!(form.field(0), version, "{:?}", form.opened);
        let environment = Field {
            optional: true,
            choices: vec!["production".to_owned(), "staging".to_owned()],
            default: Some("production".to_owned()),
        };
        assert_eq!(form.field(1), environment, "{:?}", form.opened);
        let before = world.awx.jobs().len();
        let step = world
            .submit(
                &form,
                Who::Unlinked,
                &["1.4.2", "staging"],
                &id("survey-submitted"),
            )
            .await;
        let confirm = world.menu(&step).await;
        let question = world.text_since(&step);
        assert!(
            question.contains("version=1.4.2") && question.contains("environment=staging"),
            "the question shows the answers: {question}"
        );
        assert_eq!(
            world.awx.jobs().len(),
            before,
            "nothing launched before the confirmation"
        );
        let step = world
            .choose(&confirm, Who::Unlinked, "yes", &id("survey-confirmed"))
            .await;
        let launch = launched(&world, step, SURVEY_TEMPLATE, before).await;
        let vars = launch.extra_vars();
        assert_eq!(vars["version"], "1.4.2", "{vars}");
        assert_eq!(vars["environment"], "staging", "{vars}");
        assert_origin(&launch);

        // On Mattermost, a dialog closed with Cancel is said and launches nothing.
        if on == On::Mattermost {
            let step = world
                .ask(
                    on,
                    Who::Unlinked,
                    AWX,
                    &format!("run-job-template \"{SURVEY_TEMPLATE}\""),
                    &id("survey-closed"),
                )
                .await;
            let form = world.form(&step).await;
            let before = world.awx.jobs().len();
            let step = world.close(&form, Who::Unlinked, &id("survey-cancelled")).await;
            world.answer(&step, &["Cancelled"]).await;
            assert_eq!(world.awx.jobs().len(), before, "a closed form launches nothing");
        }

        // The survey's answers typed, with yes: launched at once.
        let before = world.awx.jobs().len();
        let typed = format!("run-job-template \"{SURVEY_TEMPLATE}\" 2.0.0 production yes");
        let step = world
            .ask(on, Who::Unlinked, AWX, &typed, &id("survey-typed"))
            .await;
        let launch = launched(&world, step, SURVEY_TEMPLATE, before).await;
        let vars = launch.extra_vars();
        assert_eq!(
            (&vars["version"], &vars["environment"]),
            (&json!("2.0.0"), &json!("production"))
        );
        assert_origin(&launch);
    }
}

#[tokio::test]
async fn awx_refusals_are_said_in_words() {
    let world = World::start().await;
    for on in PLATFORMS {
        let id = |name: &str| on.tag(name);
        let before = world.awx.jobs().len();

        // A token AWX does not know: its 401, said.
        world
            .answered(
                on,
                Who::Unlinked,
                BAD_TOKEN,
                "get-dashboard",
                &id("bad-token"),
                &["AWX did not accept the token of chatbot"],
            )
            .await;
        // The operator's own token, revoked: said as theirs.
        world
            .answered(
                on,
                Who::Operator,
                BAD_TOKEN,
                "get-jobs",
                &id("bad-own-token"),
                &["AWX did not accept the token of operator"],
            )
            .await;
        // The operator may read the template but not launch it: AWX's 403, said, and no job.
        let launch = format!("run-job-template \"{FORBIDDEN_TEMPLATE}\" yes");
        world
            .answered(
                on,
                Who::Operator,
                AWX,
                &launch,
                &id("forbidden"),
                &["You (linked as operator) may not run job_templates in AWX."],
            )
            .await;
        assert_eq!(world.awx.jobs().len(), before, "AWX refused the launch");
        let refused = world
            .awx
            .requests()
            .into_iter()
            .rev()
            .find(|r| r.path.ends_with("/launch/") && r.method == "POST");
        let refused = refused.expect("the launch reached AWX");
        assert_eq!(
            refused.header("authorization"),
            Some(format!("Bearer {LIMITED_TOKEN}").as_str()),
            "as the operator"
        );
        // An inventory AWX hides from the operator is not there for them.
        world
            .answered(
                on,
                Who::Operator,
                AWX,
                &format!("get-inventory {HIDDEN_INVENTORY}"),
                &id("hidden"),
                &["no inventory named", HIDDEN_INVENTORY, "that you may see"],
            )
            .await;
        // A survey answer AWX rejects: its 400, in AWX's words, and no job.
        let typed = format!("run-job-template \"{SURVEY_TEMPLATE}\" 1.0 qa yes");
        world
            .answered(
                on,
                Who::Unlinked,
                AWX,
                &typed,
                &id("bad-answer"),
                &[
                    "AWX answered 400",
                    "variables_needed_to_start",
                    "'environment'",
                    "production",
                ],
            )
            .await;
        assert_eq!(world.awx.jobs().len(), before, "AWX refused the answer");
        // The admin launches the forbidden template: AWX's roles, not the gateway, said no.
        let step = world.ask(on, Who::Unlinked, AWX, &launch, &id("allowed")).await;
        launched(&world, step, FORBIDDEN_TEMPLATE, before).await;
    }
}

#[tokio::test]
async fn awx_down_or_slow_is_said_within_the_timeout() {
    let world = World::start().await;
    world.flaky.slow_down("/api/", HELD_BACK);
    for on in PLATFORMS {
        let id = |name: &str| on.tag(name);

        let started = Instant::now();
        let said = format!("AWX at {} cannot be reached", world.down);
        world
            .answered(on, Who::Unlinked, DOWN, "get-dashboard", &id("down"), &[&said])
            .await;
        eprintln!("{on:?}: AWX down said after {:?}", started.elapsed());

        let started = Instant::now();
        let step = world
            .ask(on, Who::Unlinked, FLAKY, "get-dashboard", &id("slow"))
            .await;
        let said = format!("AWX did not answer within {SHORT_TIMEOUT} s");
        let limit = Duration::from_secs(SHORT_TIMEOUT) + OVERRUN;
        world.answer_within(&step, &[&said], limit).await;
        let took = started.elapsed();
        eprintln!("{on:?}: AWX slow said after {took:?}");
        assert!(took < HELD_BACK, "said before AWX answered: {took:?}");
        let asked = world
            .flaky
            .requests()
            .iter()
            .filter(|r| r.path == "/api/v2/dashboard/")
            .count();
        assert!(asked >= 1, "the dashboard was asked of the slow AWX");
    }
    // AWX fast again: the same command answers.
    world.flaky.mend();
    for on in PLATFORMS {
        let text = world
            .answered(
                on,
                Who::Unlinked,
                FLAKY,
                "get-dashboard",
                &on.tag("fast-again"),
                &["AWX dashboard"],
            )
            .await;
        assert_row(&text, &["Hosts", "34"]);
    }
}

#[tokio::test]
async fn malformed_answers_are_said_and_the_gateway_keeps_serving() {
    let world = World::start().await;
    world.flaky.garble("/api/v2/dashboard/", Garbage::Html);
    world.flaky.garble("/api/v2/inventories/", Garbage::TruncatedJson);
    world.flaky.garble("/api/v2/job_templates/", Garbage::WrongShape);
    for on in PLATFORMS {
        let id = |name: &str| on.tag(name);
        for (command, name) in [
            ("get-dashboard", "html"),
            ("get-inventory Production all", "truncated"),
            ("get-job-templates", "shape"),
        ] {
            world
                .answered(
                    on,
                    Who::Unlinked,
                    FLAKY,
                    command,
                    &id(name),
                    &["AWX's answer could not be read"],
                )
                .await;
            // The next command is served, from what AWX answers well.
            let text = world
                .answered(
                    on,
                    Who::Unlinked,
                    FLAKY,
                    "get-projects",
                    &id(&format!("{name}-next")),
                    &["Projects"],
                )
                .await;
            assert_row(
                &text,
                &["Web Playbooks", "https://git.example.com/ops/web-playbooks.git"],
            );
        }
        // A launch whose template list is garbage launches nothing.
        let before = world.flaky.jobs().len();
        world
            .answered(
                on,
                Who::Unlinked,
                FLAKY,
                r#"run-job-template "Restart Services" yes"#,
                &id("launch"),
                &["AWX's answer could not be read"],
            )
            .await;
        assert_eq!(world.flaky.jobs().len(), before);
    }
    world.flaky.mend();
    for on in PLATFORMS {
        let text = world
            .answered(
                on,
                Who::Unlinked,
                FLAKY,
                "get-dashboard",
                &on.tag("mended"),
                &["AWX dashboard"],
            )
            .await;
        assert_row(&text, &["Hosts", "34"]);
    }
}
