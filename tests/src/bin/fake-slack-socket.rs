//! Serves the fake Slack Web API with Socket Mode
//! (`chatops_testkit::fake_slack_socket`) for the slack_sdk conformance test
//! (`tests/python/test_slack_socket_fake.py`): `apps.connections.open` and the
//! control endpoints on the printed address, the WebSocket on the URL it hands
//! out; see [`serve_until_killed`].

use std::time::Duration;

use chatops_testkit::{
    fake_api::serve_until_killed,
    fake_slack::{Slack, SocketMode},
};

/// The one app-level token the fake accepts.
const APP_TOKEN: &str = "xapp-1-A0SOCKET01-0000000000000-fakesocketmodeapptoken";

#[tokio::main]
async fn main() {
    let socket = SocketMode::start(APP_TOKEN).await;
    // Slack's 10 s, shortened so that a test sees a warned connection close.
    socket.set_warning_grace(Duration::from_secs(1));
    serve_until_killed(Slack::with_socket_mode(socket), "slack-socket").await;
}
