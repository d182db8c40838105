//! Load benchmark of Slack Socket Mode (`scripts/bench-socket-mode`): the
//! gateway binary given as the first argument serves the quickstart with
//! its Slack app in Socket Mode, against the fake Socket Mode server of
//! testkit in this process. Envelopes of `/chatops whoami` (each distinct)
//! are kept `window` at a time in flight over the gateway's connections,
//! each acknowledged and its command run, answering to the response sink at
//! the second argument (`tests/src/bin/response-sink.rs`). Prints the
//! envelopes acknowledged per second, the acknowledgement latency as the
//! fake measured it, and the gateway's memory.
//!
//!   [SLOTS=command slots, default 4 x window] socket-load GATEWAY SINK_URL [envelopes, default 20000] [connections, default 2] [window, default 64]

use std::{
    path::PathBuf,
    time::{Duration, Instant},
};

use chatops_tests::{
    copy_quickstart,
    fake_slack::{FakeSlack, Slack},
    fake_slack_socket::SocketMode,
    gateway_process::Gateway,
    quickstart::{BOB, CHANNEL, WORKSPACE},
    slack_requests::slash_command_payload,
};

const APP_TOKEN: &str = "xapp-1-A0SOCKET01-0000000000000-socketmodeloadtoken";

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let usage = "usage: socket-load GATEWAY SINK_URL [envelopes] [connections] [window]";
    let gateway_binary = PathBuf::from(args.next().expect(usage));
    let sink = args.next().expect(usage);
    let mut number = |default: usize| args.next().map_or(default, |n| n.parse().expect(usage));
    let (envelopes, connections, window) = (number(20_000), number(2), number(64));

    let socket = SocketMode::start(APP_TOKEN).await;
    let fake = FakeSlack::serve(Slack::with_socket_mode(socket.clone())).await;
    let dir = copy_quickstart();
    let platform = format!(
        "apiVersion: chatops.dev/v1alpha1\nkind: ChatPlatform\nmetadata: {{name: slack, namespace: chatops}}\n\
         spec:\n  type: slack\n  slack:\n    mode: socket\n    appTokenRef: {{name: slack-app, key: app-token}}\n\
         \x20   botTokenRef: {{name: slack, key: bot-token}}\n    socketConnections: {connections}\n\
         ---\napiVersion: v1\nkind: Secret\nmetadata: {{name: slack-app, namespace: chatops}}\n\
         stringData:\n  app-token: {APP_TOKEN}\n"
    );
    std::fs::write(dir.path().join("slack.yaml"), platform).expect("the platform is written");
    // Command slots (and per user: every envelope is Bob's) beyond the window, so
    // that commands still answering when their envelope was acknowledged find room.
    let slots = std::env::var("SLOTS").unwrap_or_else(|_| (window * 4).to_string());
    let extra = [
        "--max-concurrent-commands",
        &slots,
        "--max-commands-per-user",
        &slots,
        "--replay-cache-entries",
        "2000000",
    ];
    let gateway = Gateway::start_binary(&gateway_binary, dir.path(), &fake.api_url(), &extra).await;
    let open = socket
        .wait_for_connections(connections, Duration::from_secs(10))
        .await;
    assert_eq!(open.len(), connections, "every connection open");
    println!("idle RSS: {} kB", gateway.status_kib("VmRSS"));

    let started = Instant::now();
    let mut sent = 0;
    while socket.ack_count() < envelopes {
        while sent < envelopes && sent - socket.ack_count() < window {
            let response_url = format!("{sink}/response/{sent}");
            let payload = slash_command_payload(WORKSPACE, CHANNEL, BOB, "/chatops", "whoami", &response_url);
            socket.send(open[sent % open.len()], "slash_commands", payload);
            sent += 1;
        }
        tokio::time::sleep(Duration::from_micros(200)).await;
    }
    let elapsed = started.elapsed();
    let mut latencies: Vec<Duration> = socket.acks().iter().map(|ack| ack.after).collect();
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    println!(
        "{envelopes} envelopes over {connections} connections, {window} in flight: {:.0} acknowledged/s in {:.2} s",
        envelopes as f64 / elapsed.as_secs_f64(),
        elapsed.as_secs_f64()
    );
    println!(
        "ack latency: p50 {:?}, p90 {:?}, p99 {:?}, max {:?}",
        at(0.5),
        at(0.9),
        at(0.99),
        latencies[latencies.len() - 1]
    );
    println!("peak RSS: {} kB", gateway.status_kib("VmHWM"));
    // Every envelope is acknowledged; a command finds a slot or the user is told the gateway is busy.
    let mut outcomes = Vec::new();
    for outcome in ["accepted", "busy", "busy_user", "busy_integration", "duplicate"] {
        let counted = gateway
            .requests_counted("slack", "socket_commands", outcome)
            .await;
        if counted > 0 {
            outcomes.push(format!("{outcome} {counted}"));
        }
    }
    let busy_told = socket.acks().iter().filter(|ack| ack.payload.is_some()).count();
    println!(
        "{}; told busy in the acknowledgement: {busy_told}; lost: {}",
        outcomes.join(", "),
        socket.unacked().len()
    );
}
