//! The HTTP shell: webhook routes per platform, and the admin routes.

mod admin;
mod pipeline;
mod slack;

use std::{sync::Arc, time::Duration};

use axum::{Router, extract::DefaultBodyLimit, routing::post};
use tokio::sync::Semaphore;
use tokio_util::task::TaskTracker;
use tower_http::timeout::TimeoutLayer;

use crate::{config::Reloader, metrics::Metrics, runtime::Runtime};

pub use admin::admin_router;

/// Largest webhook body accepted. Chat payloads are a few kilobytes; a form
/// submission with long text stays well under this.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// State shared by every request.
pub struct App {
    /// The current configuration, reloaded on change.
    pub reloader: Arc<Reloader<Runtime>>,
    /// The metrics.
    pub metrics: Arc<Metrics>,
    /// Commands running in the background; a full semaphore means "busy".
    pub command_slots: Arc<Semaphore>,
    /// How long one command may run before the user is told it timed out.
    pub command_timeout: Duration,
    /// The background commands, so shutdown can wait for them.
    pub tasks: TaskTracker,
    /// Events API deliveries already seen (Slack retries unacknowledged ones).
    pub slack_events: crate::platforms::slack::dedupe::EventDeduper,
}

impl App {
    /// The configuration served now, if one has loaded.
    pub fn runtime(&self) -> Option<Arc<Runtime>> {
        self.reloader.current()
    }
}

/// The webhook routes: `/hooks/{name}/…` for each ChatPlatform.
pub fn webhook_router(app: Arc<App>, request_timeout: Duration) -> Router {
    Router::new()
        .route("/hooks/{name}/commands", post(slack::commands))
        .route("/hooks/{name}/interactions", post(slack::interactions))
        .route("/hooks/{name}/events", post(slack::events))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            request_timeout,
        ))
        .with_state(app)
}
