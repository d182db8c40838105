//! The soak's traffic: six kinds of exchange over the four platforms, each
//! signed as its platform signs it (with the test kit's signing helpers) and
//! followed until its answer reaches the sink.
//!
//! - Slack: a slash command (`/chatops whoami`), and an interaction: `/chatops
//!   access` opens a menu, and the menu's choice (a signed `block_actions`)
//!   completes it;
//! - Teams: a `chatops whoami` activity with a Bot Connector JWT;
//! - Webex: a `messages created` webhook delivery, signed `X-Spark-Signature`;
//! - Mattermost: a slash command, and an action: the access menu's choice,
//!   called back with the context the gateway signed.

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::body::Bytes;
use chatops_tests::{
    chat::{On, menu_of, mm_callback},
    fake_teams::APP_ID,
    platforms::{mattermost as mm, teams, webex},
    quickstart::{CHANNEL, SIGNING_SECRET, WORKSPACE},
    signed::{FORM, slack_signature, teams_token, webex_signature},
    slack_requests::{menu_choice, now, slash_command},
};
use serde_json::{Value, json};

use crate::{
    report::{Failure, Platform},
    sink::{Sink, WEBEX_MESSAGE, WEBEX_PERSON},
};

/// How long an answer may take before it counts as missing. Generous: the
/// machine is shared, and a late answer is not a lost one.
const ANSWER_LIMIT: Duration = Duration::from_secs(30);

/// What the gateway says when every command slot is taken: an answer, but
/// not the one asked for.
const BUSY: &str = "busy with other commands";

/// The kinds of exchange, in the order the soak sends them round.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    SlackCommand,
    SlackInteraction,
    Teams,
    Webex,
    MattermostCommand,
    MattermostAction,
}

impl Kind {
    /// Every kind, in the order the soak sends them.
    pub const ALL: [Kind; 6] = [
        Kind::SlackCommand,
        Kind::SlackInteraction,
        Kind::Teams,
        Kind::Webex,
        Kind::MattermostCommand,
        Kind::MattermostAction,
    ];

    /// The platform it goes to.
    pub fn platform(self) -> Platform {
        match self {
            Kind::SlackCommand | Kind::SlackInteraction => Platform::Slack,
            Kind::Teams => Platform::Teams,
            Kind::Webex => Platform::Webex,
            Kind::MattermostCommand | Kind::MattermostAction => Platform::Mattermost,
        }
    }
}

/// Sends the traffic to one gateway, answered through one sink.
pub struct Traffic {
    client: reqwest::Client,
    /// The gateway's webhook base URL, `http://127.0.0.1:PORT`.
    gateway: String,
    sink: Arc<Sink>,
    /// A Bot Connector token, minted again every minute (they last an hour).
    teams_token: Mutex<(Instant, String)>,
}

/// What one exchange came to: the webhook requests it sent, and its failure, if any.
pub struct Outcome {
    pub requests: u64,
    pub result: Result<Duration, Failure>,
}

impl Traffic {
    /// Traffic to the gateway at `gateway`, answered through `sink`.
    pub fn new(gateway: String, sink: Arc<Sink>) -> Traffic {
        let token = teams_token(&teams_service_url(&sink));
        Traffic {
            // One client, so connections are pooled and kept alive as a
            // platform's are: the gateway's descriptors then measure the
            // gateway, not a new connection per request.
            client: reqwest::Client::new(),
            gateway,
            sink,
            teams_token: Mutex::new((Instant::now(), token)),
        }
    }

    /// Runs exchange `n` of `kind` to its answer.
    pub async fn run(&self, kind: Kind, n: u64) -> Outcome {
        let started = Instant::now();
        let (requests, result) = match kind {
            Kind::SlackCommand => (1, self.slack_command(n).await.map(drop)),
            Kind::SlackInteraction => self.slack_interaction(n).await,
            Kind::Teams => (1, self.teams(n).await),
            Kind::Webex => (1, self.webex(n).await),
            Kind::MattermostCommand => (1, self.mattermost_command(n, "whoami").await.map(drop)),
            Kind::MattermostAction => self.mattermost_action(n).await,
        };
        Outcome {
            requests,
            result: result.map(|()| started.elapsed()),
        }
    }

    /// Posts `body` to the gateway's `path` with `headers`; a non-2xx or no
    /// answer at all is a failure.
    async fn post(&self, path: &str, headers: &[(&str, String)], body: String) -> Result<(), Failure> {
        let mut request = self.client.post(format!("{}{path}", self.gateway)).body(body);
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let response = request
            .send()
            .await
            .map_err(|err| Failure::Transport(err.to_string()))?;
        let status = response.status();
        // Read the body so the connection goes back to the pool.
        let _ = response.bytes().await;
        if status.is_success() {
            Ok(())
        } else {
            Err(Failure::Status(status.as_u16()))
        }
    }

    /// Sends a request with `send` while waiting for the answer `key`; the
    /// answer's body, once it comes (within [`ANSWER_LIMIT`]).
    async fn answered<F>(&self, key: String, send: F) -> Result<Bytes, Failure>
    where
        F: Future<Output = Result<(), Failure>>,
    {
        let answer = self.sink.expect(key.clone());
        if let Err(failure) = send.await {
            self.sink.forget(&key);
            return Err(failure);
        }
        match tokio::time::timeout(ANSWER_LIMIT, answer).await {
            Ok(Ok(body)) if contains(&body, BUSY) => Err(Failure::Busy),
            Ok(Ok(body)) => Ok(body),
            _ => {
                self.sink.forget(&key);
                Err(Failure::NoAnswer)
            }
        }
    }

    /// A Slack request of `body` to `path`, signed now with the quickstart's secret.
    async fn post_slack(&self, path: &str, body: String) -> Result<(), Failure> {
        let timestamp = now().to_string();
        let signature = slack_signature(SIGNING_SECRET.as_bytes(), &timestamp, body.as_bytes());
        let headers = [
            ("X-Slack-Request-Timestamp", timestamp),
            ("X-Slack-Signature", signature),
            ("Content-Type", FORM.to_owned()),
        ];
        self.post(path, &headers, body).await
    }

    /// `/chatops {text}` from a user of the quickstart's workspace, answered at `slack:{id}`.
    async fn slack_slash(&self, n: u64, text: &str, id: &str) -> Result<Bytes, Failure> {
        let response_url = format!("{}/slack/response/{id}", self.sink.url);
        let body = slash_command(
            WORKSPACE,
            CHANNEL,
            &slack_user(n),
            "/chatops",
            text,
            &response_url,
        );
        self.answered(
            format!("slack:{id}"),
            self.post_slack("/hooks/slack/commands", body),
        )
        .await
    }

    async fn slack_command(&self, n: u64) -> Result<Bytes, Failure> {
        self.slack_slash(n, "whoami", &n.to_string()).await
    }

    /// The access menu, then its choice: two webhook requests.
    async fn slack_interaction(&self, n: u64) -> (u64, Result<(), Failure>) {
        let menu = match self.slack_slash(n, "access", &format!("menu-{n}")).await {
            Ok(menu) => menu,
            Err(failure) => return (1, Err(failure)),
        };
        let menu = serde_json::from_slice::<Value>(&menu).unwrap_or_default();
        let Some(action_id) = menu_of(On::Slack, &menu).and_then(|m| m.select.as_str().map(str::to_owned))
        else {
            return (1, Err(Failure::Unexpected(format!("no menu in {menu}"))));
        };
        let id = format!("choice-{n}");
        let response_url = format!("{}/slack/response/{id}", self.sink.url);
        let body = menu_choice(
            WORKSPACE,
            CHANNEL,
            &slack_user(n),
            &action_id,
            "chatops",
            &response_url,
        );
        let chosen = self
            .answered(
                format!("slack:{id}"),
                self.post_slack("/hooks/slack/interactions", body),
            )
            .await;
        (2, chosen.map(drop))
    }

    /// A personal-chat `chatops whoami` activity `soak-{n}`, answered by a reply to it.
    async fn teams(&self, n: u64) -> Result<(), Failure> {
        let id = format!("soak-{n}");
        let user = n % USERS;
        let activity = json!({
            "type": "message", "id": id, "timestamp": "2026-01-01T00:00:00.000Z",
            "serviceUrl": teams_service_url(&self.sink), "channelId": "msteams",
            "from": {"id": format!("29:soak-user-{user}"), "name": "Soak", "aadObjectId": format!("soak-aad-{user}")},
            "conversation": {"conversationType": "personal", "tenantId": teams::TENANT, "id": teams::PERSONAL},
            "recipient": {"id": format!("28:{APP_ID}"), "name": teams::BOT_NAME},
            "textFormat": "plain", "text": "chatops whoami",
            "channelData": {"tenant": {"id": teams::TENANT}}, "locale": "en-US"
        });
        let headers = [
            ("Authorization", format!("Bearer {}", self.teams_token())),
            ("Content-Type", "application/json".to_owned()),
        ];
        let post = self.post("/hooks/teams/messages", &headers, activity.to_string());
        self.answered(format!("teams:{id}"), post).await.map(drop)
    }

    /// The Bot Connector token, minted again when a minute old.
    fn teams_token(&self) -> String {
        let mut token = self.teams_token.lock().expect("not poisoned");
        if token.0.elapsed() > Duration::from_secs(60) {
            *token = (Instant::now(), teams_token(&teams_service_url(&self.sink)));
        }
        token.1.clone()
    }

    /// The webhook delivery of message `n`, which the gateway fetches from the sink.
    async fn webex(&self, n: u64) -> Result<(), Failure> {
        let person = format!("{WEBEX_PERSON}{n}");
        let message = format!("{WEBEX_MESSAGE}{n}");
        let event = webex::message_event(&message, webex::ORG, &person, "direct", &webex::created(0));
        let body = event.to_string();
        let signature = webex_signature(webex::WEBHOOK_SECRET.as_bytes(), body.as_bytes());
        let headers = [
            ("X-Spark-Signature", signature),
            ("Content-Type", "application/json".to_owned()),
        ];
        let post = self.post("/hooks/webex/events", &headers, body);
        self.answered(format!("webex:{n}"), post).await.map(drop)
    }

    /// `/chatops {text}` from Mattermost user `n`, answered at `mm:{n}`.
    async fn mattermost_command(&self, n: u64, text: &str) -> Result<Bytes, Failure> {
        let response_url = format!("{}/mm/hooks/commands/{n}", self.sink.url);
        let user = mattermost_user(n);
        let slash = mm::command(mm::SLASH_TOKEN, mm::TEAM, &user, text, &response_url);
        let headers = [
            ("Authorization", format!("Token {}", mm::SLASH_TOKEN)),
            ("Content-Type", FORM.to_owned()),
        ];
        let post = self.post("/hooks/mattermost/commands", &headers, slash.body_of("/chatops"));
        self.answered(format!("mm:{n}"), post).await
    }

    /// The access menu, then its choice, answered in an ephemeral post to
    /// user `n` (actions have no response URL): two webhook requests.
    async fn mattermost_action(&self, n: u64) -> (u64, Result<(), Failure>) {
        let menu = match self.mattermost_command(n, "access").await {
            Ok(menu) => menu,
            Err(failure) => return (1, Err(failure)),
        };
        let menu = serde_json::from_slice::<Value>(&menu).unwrap_or_default();
        let Some(menu) = menu_of(On::Mattermost, &menu) else {
            return (1, Err(Failure::Unexpected(format!("no menu in {menu}"))));
        };
        let user = mattermost_user(n);
        let callback = mm_callback(&menu.select, &user, Some("chatops"));
        let headers = [("Content-Type", "application/json".to_owned())];
        let post = self.post("/hooks/mattermost/actions", &headers, callback.to_string());
        (2, self.answered(format!("mm:user:{user}"), post).await.map(drop))
    }
}

/// Distinct users per platform: the gateway runs at most 4 commands per user
/// at once (`--max-commands-per-user`), as many people, not one, would send.
const USERS: u64 = 256;

/// A Slack user of the quickstart's workspace (the grants let anyone run `chatops`).
fn slack_user(n: u64) -> String {
    format!("U0SOAK{:05}", n % USERS)
}

/// Mattermost user `n`: one per exchange, so an action's ephemeral answer
/// (which names only the user) tells which exchange it answers.
fn mattermost_user(n: u64) -> String {
    format!("soak{n:0>22}")
}

/// The Bot Connector's URL on the sink, the activities' `serviceUrl`.
pub fn teams_service_url(sink: &Sink) -> String {
    format!("{}/teams/connector/", sink.url)
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}
