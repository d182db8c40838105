//! The `awx` integration end to end: the real gateway binary, compiled from
//! resource manifests in standalone mode, answering Slack and Mattermost
//! slash commands against the fake AWX controller of the test kit
//! (`FakeAwx`). Every sub-command is checked for what AWX holds, then a
//! menu step, the confirmation and the survey form of `run-job-template`,
//! AWX's own refusals (a wrong token, a user AWX does not let launch), AWX
//! down, slow and answering garbage.
//!
//! Who acts as whom (see [`manifests`]): an unlinked chat user acts as the
//! platform's fallback user `chatbot` with the Integration's token (AWX's
//! `admin`); the operator is linked, on each platform, to AWX's limited user
//! with its own token, so AWX's roles decide for them.

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use chatops_tests::{
    fake_api::Recorded,
    fake_awx::{
        self, FAILING_TEMPLATE, FORBIDDEN_TEMPLATE, FakeAwx, Garbage, HIDDEN_INVENTORY, LIMITED_PASSWORD,
        LIMITED_TOKEN, LIMITED_USER, SURVEY_TEMPLATE,
    },
    fake_mattermost::FakeMattermost,
    gateway_process::{Gateway, free_port},
    nautobot_live::{LiveSlack, find_select},
    platforms::mattermost::{self as mm, post_action},
    quickstart::{DEFAULT_SETTINGS, SIGNING_SECRET, WORKSPACE},
    signed::{FORM, MattermostSlash},
    slack_requests::{button_press, menu_choice, now, post_signed, slash_command, view_submission},
    wait,
};
use serde_json::{Value, json};

/// How long an answer may take: the fake answers at once, but the gateway is
/// a debug build on a busy machine.
const PATIENCE: Duration = Duration::from_secs(30);
/// The `timeoutSeconds` of the Integrations whose AWX is slow or down.
const SHORT_TIMEOUT: u64 = 2;
/// How long the slow AWX holds its answers back: far beyond [`SHORT_TIMEOUT`].
const HELD_BACK: Duration = Duration::from_secs(40);
/// What the timeout may be overrun by before the test calls it no timeout at all.
const OVERRUN: Duration = Duration::from_secs(20);

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

/// The Slack operator: linked as AWX's limited user, with its token.
const SLACK_OPERATOR: &str = "U0AWXOPER01";
/// A Slack user without a link: the fallback user, with the Integration's token.
const SLACK_UNLINKED: &str = "U0SOMEBODY9";
/// The Slack channel every command is typed in.
const SLACK_CHANNEL: &str = "C0AWXOPS001";
/// The Mattermost operator: linked as AWX's limited user, with its token.
const MM_OPERATOR: &str = "mmoperator0000000000000001";

/// The chat platforms the tests drive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum On {
    Slack,
    Mattermost,
}

const PLATFORMS: [On; 2] = [On::Slack, On::Mattermost];

impl On {
    /// The ChatPlatform's name, as `chatops_platform` carries it.
    fn name(self) -> &'static str {
        match self {
            On::Slack => "slack",
            On::Mattermost => mm::PLATFORM,
        }
    }

    /// The channel commands are typed in.
    fn channel(self) -> &'static str {
        match self {
            On::Slack => SLACK_CHANNEL,
            On::Mattermost => mm::CHANNEL,
        }
    }
}

/// Who asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    /// Not linked: the fallback user `chatbot`, with the Integration's (admin) token.
    Unlinked,
    /// Linked as AWX's limited user `operator`, with its own token.
    Operator,
}

impl Who {
    fn id(self, on: On) -> &'static str {
        match (on, self) {
            (On::Slack, Who::Unlinked) => SLACK_UNLINKED,
            (On::Slack, Who::Operator) => SLACK_OPERATOR,
            (On::Mattermost, Who::Unlinked) => mm::BOB,
            (On::Mattermost, Who::Operator) => MM_OPERATOR,
        }
    }
}

/// One request sent to the gateway, and where its answers are looked for:
/// whatever the platform's fake got from the gateway after it was sent (the
/// steps of one test run one after the other).
#[derive(Clone, Debug)]
struct Step {
    on: On,
    who: Who,
    /// The response URL's id.
    id: String,
    /// How many requests the platform's fake had recorded before it was sent.
    since: usize,
}

/// A menu the gateway posted, and how to answer it.
#[derive(Clone, Debug)]
struct Menu {
    on: On,
    /// (label, value) of every option.
    options: Vec<(String, String)>,
    /// Slack: the select's `action_id` (the continuation); Mattermost: the select action.
    select: Value,
    /// Mattermost: the Cancel button (Slack's Cancel is the continuation with `__cancel__`).
    cancel: Value,
    /// The whole message, for assertion messages.
    message: Value,
}

impl Menu {
    fn values(&self) -> Vec<&str> {
        self.options.iter().map(|(_, v)| v.as_str()).collect()
    }

    fn labels(&self) -> Vec<&str> {
        self.options.iter().map(|(l, _)| l.as_str()).collect()
    }
}

/// A form the gateway opened: Slack's modal view, Mattermost's dialog request.
#[derive(Clone, Debug)]
struct Form {
    on: On,
    opened: Value,
}

impl Form {
    /// The fields, in order: Slack's input blocks, Mattermost's dialog elements.
    fn fields(&self) -> Vec<Value> {
        let fields = match self.on {
            On::Slack => &self.opened["view"]["blocks"],
            On::Mattermost => &self.opened["dialog"]["elements"],
        };
        fields.as_array().cloned().unwrap_or_default()
    }

    /// Field `index` as (optional, a menu of these choices (empty for text), shown at first).
    fn field(&self, index: usize) -> (bool, Vec<String>, Option<String>) {
        let field = &self.fields()[index];
        let (options, option_value, default) = match self.on {
            On::Slack => (
                &field["element"]["options"],
                "/value",
                field["element"]
                    .pointer("/initial_option/value")
                    .or(field["element"].get("initial_value")),
            ),
            On::Mattermost => (&field["options"], "/value", field.get("default")),
        };
        let choices = options
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|o| o.pointer(option_value).and_then(Value::as_str))
            .map(str::to_owned)
            .collect();
        let default = default.and_then(Value::as_str).map(str::to_owned);
        (field["optional"] == true, choices, default)
    }

    /// The fields' labels, in order.
    fn labels(&self) -> Vec<String> {
        let (fields, label) = match self.on {
            On::Slack => (&self.opened["view"]["blocks"], "/label/text"),
            On::Mattermost => (&self.opened["dialog"]["elements"], "/display_name"),
        };
        fields
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f.pointer(label).and_then(Value::as_str))
            .map(str::to_owned)
            .collect()
    }
}

/// The gateway, the fake chat platforms it answers on and the fake AWXs behind it.
struct World {
    gateway: Gateway,
    slack: LiveSlack,
    mattermost: FakeMattermost,
    /// Behind [`AWX`] and [`BAD_TOKEN`].
    awx: FakeAwx,
    /// Behind [`FLAKY`]: the one whose knobs are turned.
    flaky: FakeAwx,
    _dir: tempfile::TempDir,
}

impl World {
    async fn start() -> World {
        let slack = LiveSlack::start().await;
        let mattermost = FakeMattermost::start().await;
        let awx = FakeAwx::start().await;
        let flaky = FakeAwx::start().await;
        let dir = mm::manifests(&mattermost, DEFAULT_SETTINGS);
        std::fs::write(dir.path().join("awx.yaml"), manifests(&awx, &flaky)).expect("awx.yaml");
        let gateway = Gateway::start(dir.path(), &slack.api_url(), &[]).await;
        World {
            gateway,
            slack,
            mattermost,
            awx,
            flaky,
            _dir: dir,
        }
    }

    fn requests(&self, on: On) -> Vec<Recorded> {
        match on {
            On::Slack => self.slack.requests(),
            On::Mattermost => self.mattermost.requests(),
        }
    }

    fn step(&self, on: On, who: Who, id: &str) -> Step {
        Step {
            on,
            who,
            id: id.to_owned(),
            since: self.requests(on).len(),
        }
    }

    /// A response URL on `on`'s fake.
    fn response_url(&self, on: On, id: &str) -> String {
        match on {
            On::Slack => self.slack.response_url(id),
            On::Mattermost => self.mattermost.response_url(id),
        }
    }

    /// `who` types `/{command} {text}` on `on`; answers go to response URL `id`.
    async fn ask(&self, on: On, who: Who, command: &str, text: &str, id: &str) -> Step {
        let step = self.step(on, who, id);
        let response_url = self.response_url(on, id);
        let ack = match on {
            On::Slack => {
                let body = slash_command(
                    WORKSPACE,
                    SLACK_CHANNEL,
                    who.id(on),
                    &format!("/{command}"),
                    text,
                    &response_url,
                );
                let url = self.gateway.url("/hooks/slack/commands");
                post_signed(&url, SIGNING_SECRET, now(), &body, FORM).await
            }
            On::Mattermost => {
                let slash = MattermostSlash {
                    token: mm::SLASH_TOKEN,
                    team: mm::TEAM,
                    channel: mm::CHANNEL,
                    user: who.id(on),
                    user_name: "someone",
                    text,
                    response_url: &response_url,
                };
                let url = self.gateway.url(&format!("/hooks/{}/commands", mm::PLATFORM));
                slash.post_of(&format!("/{command}"), &url, &[]).await
            }
        };
        assert_eq!(
            ack.status(),
            StatusCode::OK,
            "/{command} {text} on {on:?} is acknowledged"
        );
        step
    }

    /// What the gateway sent `step`'s platform since the step: to its response
    /// URL, and to the platform's API (answers after a menu or a form, files),
    /// but not to other steps' response URLs (a late answer to another step).
    fn since(&self, step: &Step) -> Vec<Recorded> {
        let responses = match step.on {
            On::Slack => "/response/",
            On::Mattermost => "/hooks/commands/",
        };
        let own = format!("{responses}{}", step.id);
        self.requests(step.on)
            .into_iter()
            .skip(step.since)
            .filter(|r| r.path == own || !r.path.starts_with(responses))
            .collect()
    }

    /// Everything the gateway sent `step`'s platform since the step, as text:
    /// every string of a JSON body (messages, blocks, attachments, forms), and
    /// other bodies (uploaded files) as they are.
    fn text_since(&self, step: &Step) -> String {
        let mut parts = Vec::new();
        for request in self.since(step) {
            match serde_json::from_slice::<Value>(&request.body) {
                Ok(body) => strings_of(&body, &mut parts),
                Err(_) => parts.push(request.text()),
            }
        }
        parts.join("\n")
    }

    /// What the gateway answered `step`, once it holds every one of `expected`
    /// (within [`PATIENCE`]); panics showing what came otherwise.
    async fn answer(&self, step: &Step, expected: &[&str]) -> String {
        self.answer_within(step, expected, PATIENCE).await
    }

    async fn answer_within(&self, step: &Step, expected: &[&str], limit: Duration) -> String {
        let found = wait::within(limit, || {
            let text = self.text_since(step);
            expected.iter().all(|e| text.contains(e)).then_some(text)
        })
        .await;
        found.unwrap_or_else(|| {
            panic!(
                "the answer to {} on {:?} lacks one of {expected:?} after {limit:?}; it was:\n{}\n{:?}",
                step.id,
                step.on,
                self.text_since(step),
                self.since(step)
                    .iter()
                    .map(|r| (r.path.clone(), r.text()))
                    .collect::<Vec<_>>()
            )
        })
    }

    /// [`World::ask`], then [`World::answer`].
    async fn answered(
        &self,
        on: On,
        who: Who,
        command: &str,
        text: &str,
        id: &str,
        expected: &[&str],
    ) -> String {
        let step = self.ask(on, who, command, text, id).await;
        self.answer(&step, expected).await
    }

    /// The menu posted in answer to `step`.
    async fn menu(&self, step: &Step) -> Menu {
        let found = wait::within(PATIENCE, || {
            self.since(step).iter().find_map(|r| menu_of(step.on, &r.json()))
        })
        .await;
        found.unwrap_or_else(|| {
            panic!(
                "no menu in answer to {} on {:?}; what came:\n{}",
                step.id,
                step.on,
                self.text_since(step)
            )
        })
    }

    /// The form opened in answer to `step`.
    async fn form(&self, step: &Step) -> Form {
        let path = match step.on {
            On::Slack => "/api/views.open",
            On::Mattermost => "/api/v4/actions/dialogs/open",
        };
        let found = wait::within(PATIENCE, || {
            self.requests(step.on)
                .into_iter()
                .skip(step.since)
                .find(|r| r.path == path)
        })
        .await;
        let opened = found.unwrap_or_else(|| {
            panic!(
                "no form opened in answer to {} on {:?}; what came:\n{}",
                step.id,
                step.on,
                self.text_since(step)
            )
        });
        Form {
            on: step.on,
            opened: opened.json(),
        }
    }

    /// `who` picks `value` from `menu`; answers go to response URL `id`.
    async fn choose(&self, menu: &Menu, who: Who, value: &str, id: &str) -> Step {
        let step = self.step(menu.on, who, id);
        let user = who.id(menu.on);
        let ack = match menu.on {
            On::Slack => {
                let action_id = menu.select.as_str().expect("the continuation");
                let response_url = self.response_url(On::Slack, id);
                let body = menu_choice(WORKSPACE, SLACK_CHANNEL, user, action_id, value, &response_url);
                self.post_slack_interaction(&body).await
            }
            On::Mattermost => post_action(&self.gateway, &mm_callback(&menu.select, user, Some(value))).await,
        };
        assert_eq!(ack.status(), StatusCode::OK, "the choice {value} is acknowledged");
        step
    }

    /// `who` presses the Cancel button of `menu`.
    async fn cancel(&self, menu: &Menu, who: Who, id: &str) -> Step {
        let step = self.step(menu.on, who, id);
        let user = who.id(menu.on);
        let ack = match menu.on {
            On::Slack => {
                let action_id = menu.select.as_str().expect("the continuation");
                let response_url = self.response_url(On::Slack, id);
                let body = button_press(
                    WORKSPACE,
                    SLACK_CHANNEL,
                    user,
                    action_id,
                    "__cancel__",
                    &response_url,
                );
                self.post_slack_interaction(&body).await
            }
            On::Mattermost => post_action(&self.gateway, &mm_callback(&menu.cancel, user, None)).await,
        };
        assert_eq!(ack.status(), StatusCode::OK, "Cancel is acknowledged");
        step
    }

    /// `who` submits `form` with `answers`, one per field in order.
    async fn submit(&self, form: &Form, who: Who, answers: &[&str], id: &str) -> Step {
        let step = self.step(form.on, who, id);
        let user = who.id(form.on);
        let ack = match form.on {
            On::Slack => {
                let body = view_submission(WORKSPACE, user, &form.opened["view"], answers);
                self.post_slack_interaction(&body).await
            }
            On::Mattermost => {
                let dialog = &form.opened["dialog"];
                let submission: serde_json::Map<String, Value> = answers
                    .iter()
                    .enumerate()
                    .map(|(i, answer)| (format!("field-{i}"), json!(answer)))
                    .collect();
                let body = json!({
                    "type": "dialog_submission", "callback_id": dialog["callback_id"], "state": dialog["state"],
                    "user_id": user, "channel_id": mm::CHANNEL, "team_id": mm::TEAM,
                    "submission": submission, "cancelled": false
                });
                post_action(&self.gateway, &body).await
            }
        };
        assert_eq!(ack.status(), StatusCode::OK, "the form is acknowledged");
        step
    }

    /// `who` closes the Mattermost dialog `form` with Cancel (Slack tells the
    /// gateway nothing of a closed modal).
    async fn close(&self, form: &Form, who: Who, id: &str) -> Step {
        assert_eq!(form.on, On::Mattermost, "only Mattermost says a form was closed");
        let step = self.step(form.on, who, id);
        let dialog = &form.opened["dialog"];
        let body = json!({
            "type": "dialog_submission", "callback_id": dialog["callback_id"], "state": dialog["state"],
            "user_id": who.id(form.on), "channel_id": mm::CHANNEL, "team_id": mm::TEAM,
            "submission": {}, "cancelled": true
        });
        let ack = post_action(&self.gateway, &body).await;
        assert_eq!(ack.status(), StatusCode::OK, "the closed form is acknowledged");
        step
    }

    async fn post_slack_interaction(&self, body: &str) -> reqwest::Response {
        let url = self.gateway.url("/hooks/slack/interactions");
        post_signed(&url, SIGNING_SECRET, now(), body, FORM).await
    }
}

/// Every string in `value`, depth first, as the person reads it (see [`as_read`]).
fn strings_of(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(text) => out.push(as_read(text)),
        Value::Array(items) => items.iter().for_each(|v| strings_of(v, out)),
        Value::Object(fields) => fields.values().for_each(|v| strings_of(v, out)),
        _ => {}
    }
}

/// The menu of a message `on` posted, if it has one.
fn menu_of(on: On, message: &Value) -> Option<Menu> {
    match on {
        On::Slack => {
            let select = find_select(message)?;
            let options = select["options"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|o| (text(&o["text"]["text"]), text(&o["value"])))
                .collect();
            Some(Menu {
                on,
                options,
                select: select["action_id"].clone(),
                cancel: Value::Null,
                message: message.clone(),
            })
        }
        On::Mattermost => {
            let actions = find_actions(message)?;
            let select = actions.iter().find(|a| a["type"] == "select")?.clone();
            let cancel = actions
                .iter()
                .find(|a| a["name"] == "Cancel")
                .cloned()
                .unwrap_or(Value::Null);
            let options = select["options"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|o| (text(&o["text"]), text(&o["value"])))
                .collect();
            Some(Menu {
                on,
                options,
                select,
                cancel,
                message: message.clone(),
            })
        }
    }
}

/// `text` as a chat client shows it: without Markdown's backslash escapes
/// (Mattermost: `variables\_needed`) and with Slack's three entities decoded.
fn as_read(text: &str) -> String {
    let mut read = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match chars.peek() {
            Some(next) if c == '\\' && next.is_ascii_punctuation() => {}
            _ => read.push(c),
        }
    }
    read.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

/// The `actions` of the first message attachment in a Mattermost post or command response.
fn find_actions(value: &Value) -> Option<&Vec<Value>> {
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(actions)) = map.get("actions")
                && actions.iter().any(|a| a.get("integration").is_some())
            {
                return Some(actions);
            }
            map.values().find_map(find_actions)
        }
        Value::Array(items) => items.iter().find_map(find_actions),
        _ => None,
    }
}

/// What Mattermost POSTs when `user` uses `action` (a select with `selected`, or a button).
fn mm_callback(action: &Value, user: &str, selected: Option<&str>) -> Value {
    let mut context = action["integration"]["context"].clone();
    let kind = match selected {
        Some(value) => {
            context["selected_option"] = json!(value);
            "select"
        }
        None => "button",
    };
    json!({
        "user_id": user, "user_name": "someone", "channel_id": mm::CHANNEL, "channel_name": "town-square",
        "team_id": mm::TEAM, "team_domain": "example", "post_id": "mmpost0000000000000000001",
        "trigger_id": "dHJpZ2dlcjI", "type": kind, "data_source": "", "context": context
    })
}

/// The Integrations beside the quickstart and the Mattermost platform: [`AWX`]
/// and [`BAD_TOKEN`] on `awx`, [`FLAKY`] on `flaky`, [`DOWN`] on a port nothing
/// listens on; their Secret; the operator's AccountLinks on both platforms
/// (AWX's limited token for [`AWX`] and [`FLAKY`]); and grants letting every
/// user run every sub-command of the four (AWX's roles decide the rest).
fn manifests(awx: &FakeAwx, flaky: &FakeAwx) -> String {
    let down = format!("http://{}", free_port());
    let integration = |name: &str, endpoint: &str, key: &str, timeout: u64| {
        let credentials = match key {
            "login" => "usernameRef: {name: awx, key: username}\n    passwordRef: {name: awx, key: password}"
                .to_owned(),
            key => format!("tokenRef: {{name: awx, key: {key}}}"),
        };
        format!(
            "apiVersion: chatops.dev/v1alpha1\nkind: Integration\nmetadata: {{name: {name}, namespace: chatops}}\n\
             spec:\n  type: awx\n  command: {name}\n  endpoint: {endpoint}\n  credentials:\n    \
             {credentials}\n  timeoutSeconds: {timeout}\n---\n"
        )
    };
    let link = |name: &str, platform: &str, user: &str| {
        format!(
            "apiVersion: chatops.dev/v1alpha1\nkind: AccountLink\nmetadata: {{name: {name}, namespace: chatops}}\n\
             spec:\n  platform: {platform}\n  chatUserId: {user}\n  user: operator\n  tokens:\n  \
             - integration: {AWX}\n    tokenRef: {{name: awx, key: operator}}\n  \
             - integration: {FLAKY}\n    tokenRef: {{name: awx, key: operator}}\n---\n"
        )
    };
    let grant = |command: &str| {
        format!(
            "apiVersion: chatops.dev/v1alpha1\nkind: AccessGrant\nmetadata: {{name: {command}-for-everyone, namespace: chatops}}\n\
             spec: {{command: {command}, subcommand: '*', grantType: user, name: anyone, value: '*'}}\n---\n"
        )
    };
    let mut yaml = String::new();
    yaml += &integration(AWX, &awx.url(), "token", 30);
    yaml += &integration(FLAKY, &flaky.url(), "token", SHORT_TIMEOUT);
    yaml += &integration(BAD_TOKEN, &awx.url(), "wrong-token", 30);
    yaml += &integration(BASIC, &awx.url(), "login", 30);
    yaml += &integration(DOWN, &down, "token", SHORT_TIMEOUT);
    yaml += &format!(
        "apiVersion: v1\nkind: Secret\nmetadata: {{name: awx, namespace: chatops}}\ntype: Opaque\n\
         stringData: {{token: {admin}, operator: {LIMITED_TOKEN}, wrong-token: not-a-token-awx-knows, \
         username: {LIMITED_USER}, password: {LIMITED_PASSWORD}}}\n---\n",
        admin = fake_awx::ADMIN_TOKEN
    );
    yaml += &link("operator-slack", "slack", SLACK_OPERATOR);
    yaml += &link("operator-mattermost", mm::PLATFORM, MM_OPERATOR);
    for command in [AWX, FLAKY, BAD_TOKEN, BASIC, DOWN] {
        yaml += &grant(command);
    }
    yaml.trim_end_matches("---\n").to_owned()
}

/// The rows of every table in `text`, as cells: Slack's fixed-width tables
/// (cells apart by two spaces or more, in a code block) and Mattermost's
/// Markdown tables (`| a | b |`). Separator lines are left out.
fn table_rows(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .map(|line| line.trim().trim_matches('`'))
        .map(|line| -> Vec<String> {
            if line.starts_with('|') {
                line.trim_matches('|')
                    .split('|')
                    .map(|c| c.trim().to_owned())
                    .collect()
            } else {
                line.split("  ")
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .map(str::to_owned)
                    .collect()
            }
        })
        .filter(|cells| cells.len() >= 2 && !cells.iter().all(|c| c.chars().all(|ch| ch == '-')))
        .collect()
}

/// The first table row of `text` whose cells include every one of `cells`, if any.
fn row(text: &str, cells: &[&str]) -> Option<Vec<String>> {
    table_rows(text)
        .into_iter()
        .find(|row| cells.iter().all(|c| row.iter().any(|cell| cell == c)))
}

/// `text` without the bold marks of Slack's mrkdwn (`*`) and Markdown (`**`).
fn without_emphasis(text: &str) -> String {
    text.replace('*', "")
}

fn assert_row(text: &str, cells: &[&str]) {
    assert!(row(text, cells).is_some(), "no row with {cells:?} in:\n{text}");
}

/// A launch through chat and what AWX then holds: the one job it created, and
/// the answer that said so. A follow-up of the job (its final status posted
/// later) is to be checked on `step`, the answer's conversation, with `job`'s id.
struct Launch {
    job: Value,
    answer: String,
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
        user == "someone" || user == launch.step.who.id(on),
        "the chat user (name or ID) in {vars}"
    );
}

#[tokio::test]
async fn every_sub_command_answers_with_what_awx_holds() {
    let world = World::start().await;
    for on in PLATFORMS {
        let p = format!("{on:?}").to_lowercase();
        let id = |name: &str| format!("{p}-{name}");

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
            jobs[0][..3],
            [newest.as_str(), "Restart Services", "pending"],
            "the newest job first: {text}"
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
        let p = format!("{on:?}").to_lowercase();
        let id = |name: &str| format!("{p}-{name}");

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
        let p = format!("{on:?}").to_lowercase();
        let id = |name: &str| format!("{p}-{name}");
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
        assert_eq!(form.field(0), (false, vec![], None), "{:?}", form.opened);
        let environments = vec!["production".to_owned(), "staging".to_owned()];
        assert_eq!(
            form.field(1),
            (true, environments, Some("production".to_owned())),
            "{:?}",
            form.opened
        );
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
        let p = format!("{on:?}").to_lowercase();
        let id = |name: &str| format!("{p}-{name}");
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
        let p = format!("{on:?}").to_lowercase();
        let id = |name: &str| format!("{p}-{name}");

        let started = Instant::now();
        let text = world
            .answered(
                on,
                Who::Unlinked,
                DOWN,
                "get-dashboard",
                &id("down"),
                &["cannot be reached"],
            )
            .await;
        assert!(
            text.contains("AWX at http://127.0.0.1:"),
            "the endpoint is named: {text}"
        );
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
        let p = format!("{on:?}").to_lowercase();
        let text = world
            .answered(
                on,
                Who::Unlinked,
                FLAKY,
                "get-dashboard",
                &format!("{p}-fast-again"),
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
        let p = format!("{on:?}").to_lowercase();
        let id = |name: &str| format!("{p}-{name}");
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
        let p = format!("{on:?}").to_lowercase();
        let text = world
            .answered(
                on,
                Who::Unlinked,
                FLAKY,
                "get-dashboard",
                &format!("{p}-mended"),
                &["AWX dashboard"],
            )
            .await;
        assert_row(&text, &["Hosts", "34"]);
    }
}
