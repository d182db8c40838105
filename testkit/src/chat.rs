//! The real gateway driven through Slack and Mattermost, for the tests of
//! an integration end to end: [`Chat`] starts a fake Slack ([`LiveSlack`],
//! which takes file uploads), a fake Mattermost and the gateway binary on
//! the quickstart, a Mattermost ChatPlatform and a test's own manifests; then
//! sends what a person does on either platform, signed as the platform signs
//! it (a slash command, a menu choice, Cancel, a form submitted or closed),
//! and reads what the gateway answered ([`Step`]) as the person reads it.

use std::time::Duration;

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::{
    fake_api::Recorded,
    fake_mattermost::FakeMattermost,
    gateway_process::Gateway,
    nautobot_live::{LiveSlack, find_select},
    platforms::mattermost::{self as mm, post_action},
    quickstart::{SIGNING_SECRET, WORKSPACE},
    signed::{FORM, MattermostSlash},
    slack_requests::{button_press, menu_choice, now, post_signed, slash_command, view_submission},
    wait,
};

/// How long an answer may take: the fakes answer at once, but the gateway is
/// a debug build on a busy machine.
pub const PATIENCE: Duration = Duration::from_secs(30);
/// The Slack channel every command is typed in (the quickstart grants every channel).
pub const SLACK_CHANNEL: &str = "C0OPSCHAN01";

/// The chat platforms the tests drive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum On {
    /// The quickstart's Slack app (`/hooks/slack/…`), on [`Chat::slack`].
    Slack,
    /// The Mattermost ChatPlatform of [`mm::manifests`], on [`Chat::mattermost`].
    Mattermost,
}

/// Both, in the order the tests drive them.
pub const PLATFORMS: [On; 2] = [On::Slack, On::Mattermost];

/// The `timeoutSeconds` of the Integrations whose backend the tests make
/// slow or take down.
pub const SHORT_TIMEOUT: u64 = 2;
/// How long a slowed-down backend holds its answers back: far beyond
/// [`SHORT_TIMEOUT`], so that only the timeout can end the wait.
pub const HELD_BACK: Duration = Duration::from_secs(40);
/// What [`SHORT_TIMEOUT`] may be overrun by (a debug build on a busy
/// machine) before a test calls it no timeout at all.
pub const OVERRUN: Duration = Duration::from_secs(20);

/// The Slack user the tests link to a backend user of their own ([`Who::Operator`]).
pub const SLACK_OPERATOR: &str = "U0OPERATOR1";
/// A Slack user without a link ([`Who::Unlinked`]).
pub const SLACK_UNLINKED: &str = "U0SOMEBODY9";
/// The Mattermost user the tests link to a backend user of their own ([`Who::Operator`]).
pub const MM_OPERATOR: &str = "mmoperator0000000000000001";

/// Who asks, in the tests of an integration: the same person on either platform.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Who {
    /// Not linked: the platform's fallback user `chatbot`, with the Integration's credentials.
    Unlinked,
    /// Linked as the backend's user `operator` by [`Who::operator_links`], with their own credentials.
    Operator,
}

impl Who {
    /// Their user ID on `on`.
    pub fn id(self, on: On) -> &'static str {
        match (on, self) {
            (On::Slack, Who::Unlinked) => SLACK_UNLINKED,
            (On::Slack, Who::Operator) => SLACK_OPERATOR,
            (On::Mattermost, Who::Unlinked) => mm::BOB,
            (On::Mattermost, Who::Operator) => MM_OPERATOR,
        }
    }

    /// The AccountLinks that make [`Who::Operator`] the backend's user
    /// `operator` on both platforms, with `tokens` (see
    /// [`crate::manifests::account_link`]): one YAML document each.
    pub fn operator_links(tokens: &[(&str, &str, &str)]) -> Vec<String> {
        Who::operator_links_as("operator", tokens)
    }

    /// [`Who::operator_links`] linking [`Who::Operator`] as the backend's
    /// user `user` instead, for backends that take the link's user as the
    /// login (NSO's HTTP Basic username).
    pub fn operator_links_as(user: &str, tokens: &[(&str, &str, &str)]) -> Vec<String> {
        [("slack", SLACK_OPERATOR), (mm::PLATFORM, MM_OPERATOR)]
            .into_iter()
            .map(|(platform, id)| {
                let name = format!("operator-{platform}");
                crate::manifests::account_link(&name, platform, id, user, tokens)
            })
            .collect()
    }
}

/// Who sends a request to the gateway: a platform user ID as it is, or a
/// [`Who`], whose ID depends on the platform it is sent on.
pub trait Sender: Copy {
    /// The user ID to send as on `on`.
    fn id_on(self, on: On) -> String;
}

impl Sender for &str {
    fn id_on(self, _on: On) -> String {
        self.to_owned()
    }
}

impl Sender for Who {
    fn id_on(self, on: On) -> String {
        self.id(on).to_owned()
    }
}

impl On {
    /// The ChatPlatform's name, as `chatops_platform` carries it.
    pub fn name(self) -> &'static str {
        match self {
            On::Slack => "slack",
            On::Mattermost => mm::PLATFORM,
        }
    }

    /// The channel commands are typed in.
    pub fn channel(self) -> &'static str {
        match self {
            On::Slack => SLACK_CHANNEL,
            On::Mattermost => mm::CHANNEL,
        }
    }

    /// A response URL id for the step `name` on this platform (`slack-help`),
    /// so that a test running the same steps on both keeps them apart.
    pub fn tag(self, name: &str) -> String {
        let platform = match self {
            On::Slack => "slack",
            On::Mattermost => "mattermost",
        };
        format!("{platform}-{name}")
    }
}

/// One request sent to the gateway, and where its answers are looked for:
/// whatever the platform's fake got from the gateway after it was sent (the
/// steps of one test run one after the other).
#[derive(Clone, Debug)]
pub struct Step {
    /// Where it was sent.
    pub on: On,
    /// Who sent it (their ID on the platform).
    pub user: String,
    /// The response URL's id.
    pub id: String,
    /// How many requests the platform's fake had recorded before it was sent.
    pub since: usize,
}

/// A menu the gateway posted, and how to answer it.
#[derive(Clone, Debug)]
pub struct Menu {
    /// Where it was posted.
    pub on: On,
    /// (label, value) of every option.
    pub options: Vec<(String, String)>,
    /// Slack: the select's `action_id` (the continuation); Mattermost: the select action.
    pub select: Value,
    /// Mattermost: the Cancel button (Slack's Cancel is the continuation with `__cancel__`).
    pub cancel: Value,
    /// The whole message, for assertion messages.
    pub message: Value,
}

impl Menu {
    /// The options' values, in order.
    pub fn values(&self) -> Vec<&str> {
        self.options.iter().map(|(_, v)| v.as_str()).collect()
    }

    /// The options' labels, in order.
    pub fn labels(&self) -> Vec<&str> {
        self.options.iter().map(|(l, _)| l.as_str()).collect()
    }
}

/// A form the gateway opened: Slack's modal view, Mattermost's dialog request.
#[derive(Clone, Debug)]
pub struct Form {
    /// Where it was opened.
    pub on: On,
    /// What the gateway sent to open it: Slack's `views.open`, Mattermost's
    /// `actions/dialogs/open` body.
    pub opened: Value,
}

/// A form's field as the person first sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// Whether it may be left blank.
    pub optional: bool,
    /// The values of its menu (none for text).
    pub choices: Vec<String>,
    /// What it shows at first, if anything.
    pub default: Option<String>,
}

impl Form {
    /// The fields, in order: Slack's input blocks, Mattermost's dialog elements.
    pub fn fields(&self) -> Vec<Value> {
        let fields = match self.on {
            On::Slack => &self.opened["view"]["blocks"],
            On::Mattermost => &self.opened["dialog"]["elements"],
        };
        fields.as_array().cloned().unwrap_or_default()
    }

    /// Field `index`, as it is first shown.
    pub fn field(&self, index: usize) -> Field {
        let field = &self.fields()[index];
        let (options, default) = match self.on {
            On::Slack => {
                let element = &field["element"];
                let default = element
                    .pointer("/initial_option/value")
                    .or(element.get("initial_value"));
                (&element["options"], default)
            }
            On::Mattermost => (&field["options"], field.get("default")),
        };
        let choices = options
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|o| o["value"].as_str())
            .map(str::to_owned)
            .collect();
        Field {
            optional: field["optional"] == true,
            choices,
            default: default.and_then(Value::as_str).map(str::to_owned),
        }
    }

    /// The fields' labels, in order.
    pub fn labels(&self) -> Vec<String> {
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

/// The gateway, and the fake chat platforms it answers on.
pub struct Chat {
    /// The gateway binary, running.
    pub gateway: Gateway,
    /// The fake Slack Web API and response URLs.
    pub slack: LiveSlack,
    /// The fake Mattermost server.
    pub mattermost: FakeMattermost,
    /// The last Slack interaction sent, and when (for [`Chat::replay_slack_interaction`]).
    last_slack_interaction: std::sync::Mutex<Option<(String, i64)>>,
    _dir: tempfile::TempDir,
}

impl Chat {
    /// Starts the fake Slack and Mattermost, writes the quickstart, the
    /// Mattermost ChatPlatform ([`mm::manifests`] with `settings`) and each
    /// of `manifests` (file name, YAML) into a directory, and starts the
    /// gateway on it, ready.
    pub async fn start(settings: &str, manifests: &[(&str, &str)]) -> Chat {
        Chat::start_with(settings, manifests, &[]).await
    }

    /// [`Chat::start`] with `extra` arguments for the gateway (a shutdown
    /// grace period, say).
    pub async fn start_with(settings: &str, manifests: &[(&str, &str)], extra: &[&str]) -> Chat {
        let slack = LiveSlack::start().await;
        let mattermost = FakeMattermost::start().await;
        let dir = mm::manifests(&mattermost, settings);
        for (name, yaml) in manifests {
            std::fs::write(dir.path().join(name), yaml).unwrap_or_else(|err| panic!("{name}: {err}"));
        }
        let gateway = Gateway::start(dir.path(), &slack.api_url(), extra).await;
        Chat {
            gateway,
            slack,
            mattermost,
            last_slack_interaction: std::sync::Mutex::new(None),
            _dir: dir,
        }
    }

    /// Every request `on`'s fake got so far.
    pub fn requests(&self, on: On) -> Vec<Recorded> {
        match on {
            On::Slack => self.slack.requests(),
            On::Mattermost => self.mattermost.requests(),
        }
    }

    fn step(&self, on: On, user: &str, id: &str) -> Step {
        Step {
            on,
            user: user.to_owned(),
            id: id.to_owned(),
            since: self.requests(on).len(),
        }
    }

    /// A response URL on `on`'s fake.
    pub fn response_url(&self, on: On, id: &str) -> String {
        match on {
            On::Slack => self.slack.response_url(id),
            On::Mattermost => self.mattermost.response_url(id),
        }
    }

    /// `user` types `/{command} {text}` on `on` in [`On::channel`]; answers go
    /// to response URL `id`. Asserts that the gateway acknowledged it.
    pub async fn ask(&self, on: On, user: impl Sender, command: &str, text: &str, id: &str) -> Step {
        let user = &user.id_on(on);
        let step = self.step(on, user, id);
        let response_url = self.response_url(on, id);
        let ack = match on {
            On::Slack => {
                let body = slash_command(
                    WORKSPACE,
                    SLACK_CHANNEL,
                    user,
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
                    user,
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
    pub fn since(&self, step: &Step) -> Vec<Recorded> {
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
    pub fn text_since(&self, step: &Step) -> String {
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
    pub async fn answer(&self, step: &Step, expected: &[&str]) -> String {
        self.answer_within(step, expected, PATIENCE).await
    }

    pub async fn answer_within(&self, step: &Step, expected: &[&str], limit: Duration) -> String {
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

    /// What the gateway answered `step` as a person reads it (see
    /// [`as_read`], bold marks left out), once that holds every one of
    /// `expected` (within [`PATIENCE`]); panics showing what came otherwise.
    pub async fn answer_read(&self, step: &Step, expected: &[&str]) -> String {
        let read = || without_emphasis(&as_read(&self.text_since(step)));
        let found = wait::within(PATIENCE, || {
            let text = read();
            expected.iter().all(|e| text.contains(e)).then_some(text)
        })
        .await;
        found.unwrap_or_else(|| {
            panic!(
                "the answer to {} on {:?} lacks one of {expected:?} after {PATIENCE:?}; it read:\n{}",
                step.id,
                step.on,
                read()
            )
        })
    }

    /// [`Chat::ask`], then [`Chat::answer`].
    pub async fn answered(
        &self,
        on: On,
        user: impl Sender,
        command: &str,
        text: &str,
        id: &str,
        expected: &[&str],
    ) -> String {
        let step = self.ask(on, user, command, text, id).await;
        self.answer(&step, expected).await
    }

    /// [`Chat::ask`], then [`Chat::answer_read`]: what `user` is answered
    /// to `/{command} {text}` as read, once it holds every one of `expected`.
    pub async fn said(
        &self,
        on: On,
        user: impl Sender,
        command: &str,
        text: &str,
        id: &str,
        expected: &[&str],
    ) -> String {
        let step = self.ask(on, user, command, text, id).await;
        self.answer_read(&step, expected).await
    }

    /// Asserts that none of `secrets` reached the chat on `on` or the gateway's log.
    #[track_caller]
    pub fn assert_none_told(&self, on: On, secrets: &[&str]) {
        let told: Vec<String> = self.requests(on).iter().map(|r| r.text()).collect();
        let log = self.gateway.logs();
        for secret in secrets {
            assert!(!log.contains(secret), "a secret reached the gateway's log");
            for text in &told {
                assert!(!text.contains(secret), "a secret reached {on:?}: {text}");
            }
        }
    }

    /// The menu posted in answer to `step`.
    pub async fn menu(&self, step: &Step) -> Menu {
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
    pub async fn form(&self, step: &Step) -> Form {
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

    /// `user` picks `value` from `menu`; answers go to response URL `id`.
    pub async fn choose(&self, menu: &Menu, user: impl Sender, value: &str, id: &str) -> Step {
        let user = &user.id_on(menu.on);
        let step = self.step(menu.on, user, id);
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

    /// `user` presses the Cancel button of `menu`; answers go to response URL `id`.
    pub async fn cancel(&self, menu: &Menu, user: impl Sender, id: &str) -> Step {
        let user = &user.id_on(menu.on);
        let step = self.step(menu.on, user, id);
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

    /// `user` submits `form` with `answers`, one per field in order.
    pub async fn submit(&self, form: &Form, user: impl Sender, answers: &[&str], id: &str) -> Step {
        let user = &user.id_on(form.on);
        let step = self.step(form.on, user, id);
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

    /// `user` closes the Mattermost dialog `form` with Cancel (Slack tells the
    /// gateway nothing of a closed modal).
    pub async fn close(&self, form: &Form, user: impl Sender, id: &str) -> Step {
        assert_eq!(form.on, On::Mattermost, "only Mattermost says a form was closed");
        let user = &user.id_on(form.on);
        let step = self.step(form.on, user, id);
        let dialog = &form.opened["dialog"];
        let body = json!({
            "type": "dialog_submission", "callback_id": dialog["callback_id"], "state": dialog["state"],
            "user_id": user, "channel_id": mm::CHANNEL, "team_id": mm::TEAM,
            "submission": {}, "cancelled": true
        });
        let ack = post_action(&self.gateway, &body).await;
        assert_eq!(ack.status(), StatusCode::OK, "the closed form is acknowledged");
        step
    }

    async fn post_slack_interaction(&self, body: &str) -> reqwest::Response {
        let url = self.gateway.url("/hooks/slack/interactions");
        let sent_at = now();
        *self.last_slack_interaction.lock().expect("not poisoned") = Some((body.to_owned(), sent_at));
        post_signed(&url, SIGNING_SECRET, sent_at, body, FORM).await
    }

    /// Sends the last Slack interaction again, byte for byte with its
    /// timestamp and signature, as someone who captured it would; returns
    /// the gateway's status.
    pub async fn replay_slack_interaction(&self) -> StatusCode {
        let last = self.last_slack_interaction.lock().expect("not poisoned").clone();
        let (body, sent_at) = last.expect("a Slack interaction was sent");
        let url = self.gateway.url("/hooks/slack/interactions");
        post_signed(&url, SIGNING_SECRET, sent_at, &body, FORM)
            .await
            .status()
    }
}

/// Every string in `value`, depth first, as the person reads it (see [`as_read`]).
pub fn strings_of(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(text) => out.push(as_read(text)),
        Value::Array(items) => items.iter().for_each(|v| strings_of(v, out)),
        Value::Object(fields) => fields.values().for_each(|v| strings_of(v, out)),
        _ => {}
    }
}

/// The menu of a message `on` posted, if it has one.
pub fn menu_of(on: On, message: &Value) -> Option<Menu> {
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
pub fn as_read(text: &str) -> String {
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
pub fn mm_callback(action: &Value, user: &str, selected: Option<&str>) -> Value {
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

/// The rows of every table in `text`, as cells: Slack's fixed-width tables
/// (cells apart by two spaces or more, in a code block) and Mattermost's
/// Markdown tables (`| a | b |`). Separator lines are left out.
pub fn table_rows(text: &str) -> Vec<Vec<String>> {
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
pub fn row(text: &str, cells: &[&str]) -> Option<Vec<String>> {
    table_rows(text)
        .into_iter()
        .find(|row| cells.iter().all(|c| row.iter().any(|cell| cell == c)))
}

/// Asserts that `text` has a table row with every one of `cells` ([`row`]).
#[track_caller]
pub fn assert_row(text: &str, cells: &[&str]) {
    assert!(row(text, cells).is_some(), "no row with {cells:?} in:\n{text}");
}

/// `text` without the bold marks of Slack's mrkdwn (`*`) and Markdown (`**`).
pub fn without_emphasis(text: &str) -> String {
    text.replace('*', "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_read_without_escapes() {
        assert_eq!(
            as_read(r"variables\_needed\_to\_start: \['a'\] &lt;b&gt; &amp; c\d"),
            r"variables_needed_to_start: ['a'] <b> & c\d"
        );
    }

    #[test]
    fn table_rows_are_read_from_both_platforms() {
        let slack = "*Jobs*\n```ID  Name              Status\n--  ----------------  ------\n5   Restart Services  pending```";
        let mattermost = "| ID | Name | Status |\n| --- | --- | --- |\n| 5 | Restart Services | pending |";
        for text in [slack, mattermost] {
            assert_eq!(
                table_rows(text),
                [["ID", "Name", "Status"], ["5", "Restart Services", "pending"]],
                "{text}"
            );
            assert_eq!(
                row(text, &["pending", "5"]).as_deref(),
                Some(
                    &[
                        "5".to_owned(),
                        "Restart Services".to_owned(),
                        "pending".to_owned()
                    ][..]
                )
            );
            assert_eq!(row(text, &["Restart"]), None, "cells match whole: {text}");
        }
    }
}
