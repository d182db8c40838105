//! `/healthz`, `/readyz` and `/metrics` on the admin port.

use std::sync::Arc;

use axum::Router;
use chatops_crds::{Diagnostic, diagnostic::Kind};
use chatops_process::admin::{self, Admin};

use super::App;
use crate::runtime::Runtime;

/// The admin routes.
pub fn admin_router(app: Arc<App>) -> Router {
    admin::router(app)
}

/// Ready once a configuration serving at least one chat platform has loaded:
/// before that, every webhook would be refused.
impl Admin for App {
    fn readiness(&self) -> (bool, String) {
        readiness(self.runtime().as_deref(), &self.reloader.rejected())
    }

    fn metrics(&self) -> String {
        self.metrics.encode()
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
