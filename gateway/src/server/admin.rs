//! `/healthz`, `/readyz` and `/metrics` on the admin port.

use std::sync::Arc;

use axum::{Router, extract::State, http::StatusCode, http::header, response::IntoResponse, routing::get};
use chatops_crds::{Diagnostic, diagnostic::Kind};

use super::App;
use crate::runtime::Runtime;

/// The admin routes.
pub fn admin_router(app: Arc<App>) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready))
        .route("/metrics", get(metrics))
        .with_state(app)
}

/// Ready once a configuration serving at least one chat platform has loaded:
/// before that, every webhook would be refused.
async fn ready(State(app): State<Arc<App>>) -> impl IntoResponse {
    let runtime = app.runtime();
    let (ready, message) = readiness(runtime.as_deref(), &app.reloader.rejected());
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, message)
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

async fn metrics(State(app): State<Arc<App>>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        app.metrics.encode(),
    )
}
