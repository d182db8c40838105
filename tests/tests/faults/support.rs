//! What the fault tests share: the margin a bounded wait allows, and the
//! gateway's audit lines.

use std::time::Duration;

use chatops_tests::{gateway_process::Gateway, wait};
use serde_json::Value;

/// What a timeout may be overrun by before a test calls it a hang: a debug
/// build on a busy machine is slow, but never this slow. The tests assert
/// upper bounds only (timeout + this), never a speed.
pub const MARGIN: Duration = Duration::from_secs(30);

/// The audit lines (`target: audit`) the gateway wrote so far.
pub fn audit_lines(gateway: &Gateway) -> Vec<Value> {
    gateway
        .log_lines("command")
        .into_iter()
        .filter(|line| line["target"] == "audit")
        .collect()
}

/// Waits up to `limit` for the audit line of the command whose `subcommand`
/// is `subcommand` and whose `user` is `user`, and returns it; panics with
/// the log when it does not come.
pub async fn audit_line(gateway: &Gateway, user: &str, subcommand: &str, limit: Duration) -> Value {
    let found = wait::within(limit, || {
        audit_lines(gateway)
            .into_iter()
            .find(|line| line["user"] == user && line["subcommand"] == subcommand)
    })
    .await;
    found.unwrap_or_else(|| {
        panic!(
            "no audit line for {user}'s {subcommand} within {limit:?}:\n{}",
            gateway.logs()
        )
    })
}
