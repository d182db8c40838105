//! Faults on the answer to the chat platform: Slack's response URL (a slash
//! command's answer) and the Web API's `chat.post…` (an app mention's),
//! through the fault proxy in front of the fake Slack, Mattermost's
//! response URL and Webex's messages API, each through the proxy in front of
//! its fake. (Teams' answers, when their token fails, are in
//! [`super::tokens`].)
//!
//! The answer is the one channel back to the person, so when it fails
//! nobody can be told in the chat: the audit line says `errored` with
//! `answer not delivered: …`. A 429 is waited out as `Retry-After` asks and
//! the answer then delivered; a 500, a reset or a timeout is not sent again
//! (the message may have been posted: a second would be a duplicate).

use std::time::{Duration, Instant};

use chatops_tests::{
    fake_api::Recorded,
    fake_mattermost::FakeMattermost,
    fake_slack::FakeSlack,
    fake_webex::FakeWebex,
    fault_proxy::{Fault, FaultProxy, Rule},
    gateway_process::Gateway,
    platforms::{mattermost as mm, webex},
    quickstart::{BOB, CHANNEL, DEFAULT_SETTINGS, SIGNING_SECRET, WORKSPACE},
    signed::{FORM, MattermostSlash, post_slack},
    slack_requests::{mention, now, post_signed, slash_command},
};
use serde_json::{Value, json};

use crate::support::{MARGIN, audit_line};

/// The Slack client's timeout per request (`platforms::http::DEFAULT_TIMEOUT`).
const SLACK_TIMEOUT: Duration = Duration::from_secs(10);

/// The ways an answer goes back to the chat.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Channel {
    /// A slash command's, to its response URL (`/response/{id}` on the fake).
    ResponseUrl,
    /// An app mention's, with the Web API (`chat.postEphemeral`: whoami
    /// answers privately; `chat.postMessage` otherwise, the same client).
    WebApi,
    /// A Mattermost slash command's, to its response URL
    /// (`/hooks/commands/{id}` on the fake Mattermost).
    Mattermost,
    /// A Webex message's, with the messages API (`POST /v1/messages` on the
    /// fake Webex; the message itself is fetched first, by GET).
    Webex,
}

const CHANNELS: [Channel; 4] = [
    Channel::ResponseUrl,
    Channel::WebApi,
    Channel::Mattermost,
    Channel::Webex,
];

impl Channel {
    /// The path prefix of the answer's call.
    fn path(self) -> &'static str {
        match self {
            Channel::ResponseUrl => "/response/",
            Channel::WebApi => "/api/chat.post",
            Channel::Mattermost => "/hooks/commands/",
            Channel::Webex => "/v1/messages",
        }
    }

    /// Who asks on it.
    fn user(self) -> &'static str {
        match self {
            Channel::Mattermost => mm::BOB,
            Channel::Webex => webex::BOB,
            Channel::ResponseUrl | Channel::WebApi => BOB,
        }
    }
}

/// The fake Slack and Mattermost, the proxy in front of the one `channel`
/// goes to (Slack's Web API and response URLs, or Mattermost's response
/// URLs), and the gateway on the quickstart and a Mattermost platform.
struct World {
    slack: FakeSlack,
    mattermost: FakeMattermost,
    webex: FakeWebex,
    proxy: FaultProxy,
    gateway: Gateway,
    _dir: tempfile::TempDir,
}

impl World {
    async fn start(fault: Fault, channel: Channel) -> World {
        let slack = FakeSlack::start().await;
        let mattermost = FakeMattermost::start().await;
        let webex = FakeWebex::start().await;
        let upstream = match channel {
            Channel::Mattermost => mattermost.url_of(""),
            Channel::Webex => webex.url_of(""),
            Channel::ResponseUrl | Channel::WebApi => slack.url_of(""),
        };
        let proxy = FaultProxy::start(&upstream).await;
        proxy.inject(Rule::new("POST", channel.path(), fault).times(1));
        // The quickstart (Slack), a Mattermost platform, and a Webex one.
        let dir = mm::manifests(&mattermost, DEFAULT_SETTINGS);
        let webex_dir = webex::manifests(DEFAULT_SETTINGS);
        let webex_yaml = format!("{}.yaml", webex::PLATFORM);
        std::fs::copy(webex_dir.path().join(&webex_yaml), dir.path().join(&webex_yaml)).unwrap();
        let slack_api = match channel {
            Channel::ResponseUrl | Channel::WebApi => proxy.url_of("/api"),
            Channel::Mattermost | Channel::Webex => slack.api_url(),
        };
        let webex_api = match channel {
            Channel::Webex => proxy.url_of("/v1"),
            _ => webex.url(),
        };
        let args = ["--webex-api-url", webex_api.as_str()];
        let gateway = Gateway::start(dir.path(), &slack_api, &args).await;
        World {
            slack,
            mattermost,
            webex,
            proxy,
            gateway,
            _dir: dir,
        }
    }

    /// `chatops whoami` through `channel`; returns the audit line, which
    /// must come within `limit`.
    async fn whoami(&self, channel: Channel, limit: Duration) -> Value {
        let started = Instant::now();
        let response_url = self.proxy.url_of(&format!("{}whoami", channel.path()));
        let status = match channel {
            Channel::ResponseUrl => {
                let body = slash_command(WORKSPACE, CHANNEL, BOB, "/chatops", "whoami", &response_url);
                let url = self.gateway.url("/hooks/slack/commands");
                post_slack(&url, SIGNING_SECRET, now(), &body, FORM)
                    .await
                    .status()
            }
            Channel::WebApi => {
                let url = self.gateway.url("/hooks/slack/events");
                let body = mention("Ev0FAULTS01", BOB);
                post_signed(&url, SIGNING_SECRET, now(), &body, "application/json")
                    .await
                    .status()
            }
            Channel::Mattermost => {
                let slash = MattermostSlash {
                    token: mm::SLASH_TOKEN,
                    team: mm::TEAM,
                    channel: mm::CHANNEL,
                    user: mm::BOB,
                    user_name: "bob",
                    text: "whoami",
                    response_url: &response_url,
                };
                let url = self.gateway.url(&format!("/hooks/{}/commands", mm::PLATFORM));
                slash.post_of("/chatops", &url, &[]).await.status()
            }
            Channel::Webex => {
                self.webex.add_message(json!({
                    "id": "msg-whoami", "roomId": webex::ROOM, "roomType": "direct", "text": "chatops whoami",
                    "personId": webex::BOB, "personEmail": "bob@example.com", "created": webex::created(0)
                }));
                let event =
                    webex::message_event("msg-whoami", webex::ORG, webex::BOB, "direct", &webex::created(0));
                webex::deliver(&self.gateway, &event).await.status()
            }
        };
        assert!(status.is_success(), "acknowledged: {status}");
        let line = audit_line(&self.gateway, channel.user(), "whoami", limit).await;
        eprintln!("{channel:?}: audit line after {:?}: {line}", started.elapsed());
        line
    }

    /// How many answers were sent through `channel`.
    fn sent(&self, channel: Channel) -> usize {
        self.proxy.count("POST", channel.path())
    }

    /// How many answers the fake platform got through `channel`.
    fn delivered(&self, channel: Channel) -> usize {
        let requests = match channel {
            Channel::Mattermost => self.mattermost.requests(),
            Channel::Webex => self.webex.requests(),
            Channel::ResponseUrl | Channel::WebApi => self.slack.requests(),
        };
        let prefix = channel.path();
        let posted = |r: &&Recorded| r.method == "POST" && r.path.starts_with(prefix);
        requests.iter().filter(posted).count()
    }
}

/// Asserts the audit line says the answer was not delivered, naming `why`.
fn assert_undelivered(line: &Value, why: &str) {
    assert_eq!(line["outcome"], "errored", "{line}");
    let detail = line["detail"].as_str().unwrap_or_default();
    assert!(detail.starts_with("answer not delivered"), "{line}");
    assert!(detail.contains(why), "{why} in {line}");
}

#[tokio::test]
async fn an_answer_refused_with_500_is_logged_as_errored_and_not_sent_again() {
    for channel in CHANNELS {
        let world = World::start(Fault::internal_error(), channel).await;
        let line = world.whoami(channel, SLACK_TIMEOUT + MARGIN).await;
        assert_undelivered(&line, "500");
        assert_eq!(world.sent(channel), 1, "{:?}", world.proxy.seen());
        assert_eq!(world.delivered(channel), 0);
    }
}

#[tokio::test]
async fn an_answer_throttled_with_429_is_sent_again_after_retry_after_and_delivered() {
    for channel in CHANNELS {
        let world = World::start(Fault::too_many_requests(1), channel).await;
        let line = world.whoami(channel, SLACK_TIMEOUT * 2 + MARGIN).await;
        assert_eq!(line["outcome"], "succeeded", "{line}");
        assert_eq!(world.sent(channel), 2, "{:?}", world.proxy.seen());
        assert_eq!(world.delivered(channel), 1);
    }
}

#[tokio::test]
async fn an_answer_cut_off_by_a_reset_is_logged_as_errored_and_not_sent_again() {
    for channel in CHANNELS {
        let world = World::start(Fault::Reset, channel).await;
        let line = world.whoami(channel, SLACK_TIMEOUT + MARGIN).await;
        assert_undelivered(&line, "");
        assert_eq!(world.sent(channel), 1, "{:?}", world.proxy.seen());
    }
}

#[tokio::test]
async fn an_answer_taking_longer_than_the_timeout_is_logged_as_errored_within_it() {
    for channel in CHANNELS {
        let world = World::start(Fault::Late(Duration::from_secs(120)), channel).await;
        let line = world.whoami(channel, SLACK_TIMEOUT + MARGIN).await;
        assert_undelivered(&line, "");
        assert_eq!(world.sent(channel), 1, "{:?}", world.proxy.seen());
    }
}
