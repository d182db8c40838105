//! `/healthz`, `/readyz` and `/metrics` on the admin port.

use std::sync::Arc;

use axum::Router;
use chatops_crds::{Diagnostic, diagnostic::Kind};
use chatops_process::admin::{self, Admin};

use super::App;
use super::socket::PlatformState;
use crate::runtime::{PlatformKind, Runtime};

/// The admin routes.
pub fn admin_router(app: Arc<App>) -> Router {
    admin::router(app)
}

/// Ready once a configuration serving at least one chat platform has loaded:
/// before that, every webhook would be refused.
impl Admin for App {
    fn readiness(&self) -> (bool, String) {
        // Not ready from the signal on, before the listener has finished
        // closing: Kubernetes stops routing here on the first failed probe.
        if self.shutdown.is_draining() {
            return (
                false,
                "not ready: shutting down, finishing the commands in flight\n".to_owned(),
            );
        }
        let runtime = self.runtime();
        let (ready, mut message) = match readiness(runtime.as_deref(), &self.reloader.rejected()) {
            (true, message) => socket_readiness(runtime.as_deref(), |name| self.sockets.get(name), message),
            not_ready => not_ready,
        };
        // Said, never a reason to be unready: without Redis each replica
        // still deduplicates and limits on its own.
        if let Some(shared) = self.shared.readiness() {
            message.push_str(shared);
        }
        (ready, message)
    }

    fn metrics(&self) -> String {
        self.metrics.encode()
    }
}

/// Ready only if every Slack platform in Socket Mode has had a connection
/// say hello and none has stopped (Socket Mode turned off, the token
/// refused): until then it would answer nothing. Once connected, a lost
/// connection does not make it unready: it is opened again, and readiness
/// that flapped with Slack's routine reconnects would help no one.
pub fn socket_readiness(
    runtime: Option<&Runtime>,
    state_of: impl Fn(&str) -> PlatformState,
    ready: String,
) -> (bool, String) {
    let Some(runtime) = runtime else {
        return (true, ready);
    };
    let mut names: Vec<&String> = runtime
        .platforms
        .iter()
        .filter(|(_, platform)| matches!(platform.kind, PlatformKind::Slack { socket: Some(_), .. }))
        .map(|(name, _)| name)
        .collect();
    names.sort_unstable();
    let mut problems = String::new();
    for name in names {
        let state = state_of(name);
        if let Some(why) = &state.stopped {
            problems.push_str(&format!("platform {name}: Slack Socket Mode stopped: {why}\n"));
        } else if !state.connected_once {
            problems.push_str(&format!("platform {name}: Slack Socket Mode not connected yet\n"));
        }
    }
    match problems.is_empty() {
        true => (true, ready),
        false => (false, format!("not ready:\n{problems}")),
    }
}

/// Whether the gateway is ready, and why (or why not), for people: the
/// platforms served, or what was left out.
pub fn readiness(runtime: Option<&Runtime>, rejected: &[Diagnostic]) -> (bool, String) {
    let Some(runtime) = runtime else {
        return (false, "not ready: no configuration loaded yet\n".to_owned());
    };
    if !runtime.platforms.is_empty() {
        let mut names: Vec<_> = runtime.platforms.keys().map(String::as_str).collect();
        names.sort_unstable();
        return (true, format!("ready: serving {}\n", names.join(", ")));
    }
    let mut message = "not ready: no chat platform is served".to_owned();
    let platforms: Vec<_> = rejected
        .iter()
        .filter(|diagnostic| diagnostic.object.kind == Kind::ChatPlatform)
        .collect();
    if platforms.is_empty() && runtime.unserved.is_empty() {
        message.push_str(": the configuration has no ChatPlatform\n");
        return (false, message);
    }
    message.push('\n');
    for diagnostic in platforms {
        message.push_str(&format!(
            "{} left out ({}): {}\n",
            diagnostic.object,
            diagnostic.reason.as_str(),
            diagnostic.message
        ));
    }
    for name in &runtime.unserved {
        message.push_str(&format!("platform {name}: credentials missing from the Secret\n"));
    }
    (false, message)
}
