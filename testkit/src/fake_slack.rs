//! A fake Slack Web API on loopback: records every request and answers each
//! the way the test scripted (by default `{"ok": true}`).

use std::net::SocketAddr;

use axum::{http::StatusCode, response::Response};
use serde_json::json;

pub use crate::fake_api::{Recorded, Scripted};
pub use crate::fake_slack_socket::SocketMode;
use crate::{
    fake_api::{FakeApi, Platform, json_response},
    fake_slack_socket::control,
    quickstart::{CHANNEL, FORM, PATIENCE, SIGNING_SECRET},
    signed::post_slack,
    slack_requests::{now, slash_command},
};

/// What the fake Slack answers unscripted: `{"ok": true}` to everything;
/// with Socket Mode, `apps.connections.open` and the control endpoints as
/// [`SocketMode`] does.
#[derive(Default)]
pub struct Slack {
    socket: Option<SocketMode>,
}

impl Slack {
    /// A fake Slack whose `POST /api/apps.connections.open` is answered by
    /// `socket` (a ticket URL on its WebSocket listener, or Slack's refusal),
    /// and which serves `socket`'s control endpoints under `/control/` for
    /// the `fake-slack-socket` binary.
    pub fn with_socket_mode(socket: SocketMode) -> Slack {
        Slack { socket: Some(socket) }
    }
}

impl Platform for Slack {
    type Entry = Recorded;

    fn respond(&mut self, entry: &mut Recorded, _addr: SocketAddr) -> Response {
        let socket_mode = self
            .socket
            .as_ref()
            .and_then(|socket| control::answer(socket, entry));
        socket_mode.unwrap_or_else(|| json_response(StatusCode::OK, &json!({"ok": true})))
    }
}

/// A fake that serves Slack's Web API under `/api` and response URLs under
/// `/response/`: this one, and the live tests' (`nautobot_live::Live`).
pub trait SlackApi: Platform {}

impl SlackApi for Slack {}

impl<P: SlackApi> FakeApi<P> {
    /// The Web API base URL to give the gateway.
    pub fn api_url(&self) -> String {
        self.url_of("/api")
    }

    /// A response URL on the fake, as Slack puts in every slash command.
    pub fn response_url(&self, id: &str) -> String {
        self.url_of(&format!("/response/{id}"))
    }
}

/// The running fake.
pub type FakeSlack = FakeApi<Slack>;

impl FakeSlack {
    /// Sends the gateway at `url` a `/{command} {text}` from `user` of `team`
    /// in the quickstart's channel, signed with the quickstart's secret, to be
    /// answered on this fake's response URL `id`.
    pub async fn slash(
        &self,
        url: &str,
        team: &str,
        user: &str,
        command: &str,
        text: &str,
        id: &str,
    ) -> reqwest::Response {
        let body = slash_command(team, CHANNEL, user, command, text, &self.response_url(id));
        post_slack(url, SIGNING_SECRET, now(), &body, FORM).await
    }

    /// The body posted to the response URL `id`, once it arrives (within [`PATIENCE`]).
    pub async fn answer(&self, id: &str) -> String {
        let path = format!("/response/{id}");
        self.wait_for(PATIENCE, |r| r.path == path)
            .await
            .unwrap_or_else(|| panic!("no answer on {path}"))
            .text()
    }
}
