//! The HTTP shell: webhook routes per platform, and the admin routes.

mod admin;
mod admission;
pub mod follow_ups;
pub mod forwarded;
pub mod listener;
mod mattermost;
mod pipeline;
mod refusal;
mod replay;
pub mod shutdown;
mod slack;
pub mod slots;
pub mod socket;
mod teams;
mod webex;

use std::{sync::Arc, time::Duration};

use admission::{Raw, Webhook};
use axum::{
    Router,
    extract::{DefaultBodyLimit, Path, State},
    http::{Method, StatusCode},
    response::{IntoResponse, Response},
    routing::post,
};
use chatops_crds::PlatformType;
use tokio::sync::Semaphore;
use tokio_util::task::TaskTracker;
use tower_http::timeout::TimeoutLayer;

use crate::{config::Reloader, metrics::Metrics, model::ReplyContext, runtime::Runtime};

pub use admin::{admin_router, readiness};
pub use refusal::RefusalLog;
pub use replay::{DEFAULT_CAPACITY as DEFAULT_REPLAY_CAPACITY, Replay, ReplayGuard, digest as replay_digest};

/// Largest webhook body accepted. Chat payloads are a few kilobytes; a form
/// submission with long text stays well under this.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// State shared by every request.
pub struct App {
    /// The current configuration, reloaded on change.
    pub reloader: Arc<Reloader<Runtime>>,
    /// The metrics.
    pub metrics: Arc<Metrics>,
    /// Commands running in the background, shared fairly between users and
    /// integrations; when none is free the user is told which limit is reached.
    pub command_slots: slots::CommandSlots,
    /// How long one command may run before the user is told it timed out.
    pub command_timeout: Duration,
    /// The background commands, so shutdown can wait for them.
    pub tasks: TaskTracker,
    /// Messages commands promised for later (a launched job's final
    /// status), running after their commands answered.
    pub follow_ups: follow_ups::FollowUpRunner,
    /// "Busy" notices on their way (Teams, Webex: platforms that take the
    /// notice as a message of its own, not in the acknowledgement). Bounded,
    /// so that an overloaded gateway does not spend on telling users it is
    /// busy what it saves by not running their commands.
    pub busy_notices: Arc<Semaphore>,
    /// Events API deliveries already seen (Slack retries unacknowledged ones).
    pub slack_events: ReplayGuard,
    /// Slack slash commands and interactions already run, by signature (a
    /// replay inside the 5-minute window) and by body (a retry Slack signed
    /// anew).
    pub slack_requests: ReplayGuard,
    /// Mattermost prompts already answered, by the nonce the gateway signed
    /// into them: each prompt is answered once, whatever `trigger_id` says.
    pub mattermost_prompts: ReplayGuard,
    /// Webex events (`data.id`) already run, until 5 minutes after their
    /// `data.created`: Webex redelivers, and a captured delivery could be
    /// replayed until then.
    pub webex_events: ReplayGuard,
    /// Teams activities (conversation and activity id) already run, while
    /// their token is accepted: the Bot Framework retries deliveries it
    /// thinks failed.
    pub teams_activities: ReplayGuard,
    /// The signing keys of Teams' token issuers, cached across
    /// configuration reloads (keyed by their OpenID metadata URL).
    pub teams_keys: crate::platforms::teams::keys::KeyStore,
    /// Refused requests logged lately (the log is rate-limited).
    pub refusals: RefusalLog,
    /// How the Slack Socket Mode platforms' connections stand.
    pub sockets: socket::SocketStates,
    /// Where the guards' keys and the per-user counts are shared between
    /// replicas (Redis), or not (memory).
    pub shared: crate::shared::SharedState,
    /// Whether the gateway is stopping: draining (not ready), then
    /// abandoning the commands that outlive the grace period.
    pub shutdown: shutdown::Shutdown,
}

impl App {
    /// The configuration served now, if one has loaded.
    pub fn runtime(&self) -> Option<Arc<Runtime>> {
        self.reloader.current()
    }
}

/// The webhook routes: `/hooks/{name}/…` for each ChatPlatform. Each
/// endpoint is one [`admission::Webhook`]; an endpoint several platforms
/// share is handed to the one of the platform's type.
pub fn webhook_router(app: Arc<App>, request_timeout: Duration) -> Router {
    Router::new()
        .route("/hooks/{name}/commands", post(commands).get(commands))
        .route("/hooks/{name}/actions", post(route::<mattermost::Actions>))
        .route("/hooks/{name}/interactions", post(route::<slack::Interactions>))
        .route("/hooks/{name}/events", post(events))
        .route("/hooks/{name}/messages", post(route::<teams::Messages>))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            request_timeout,
        ))
        .with_state(app)
}

/// The type of the platform `name` in the current configuration, if any.
fn platform_type(app: &App, name: &str) -> Option<PlatformType> {
    app.runtime()?
        .platforms
        .get(name)
        .map(|platform| platform.settings.platform_type)
}

/// The platform label of a metric: only configured names, so a scan of random
/// paths cannot blow up the metric's cardinality.
fn metric_platform<'a>(app: &App, name: &'a str) -> &'a str {
    match app.runtime() {
        Some(runtime) if runtime.platforms.contains_key(name) => name,
        _ => "unknown",
    }
}

/// An endpoint of one kind of platform.
async fn route<W: Webhook>(State(app): State<Arc<App>>, Path(name): Path<String>, raw: Raw) -> Response {
    admission::handle::<W>(app, name, raw).await
}

/// `/hooks/{name}/commands`, Slack's and Mattermost's slash commands. An
/// unknown name goes to Slack's, which refuses it (404, or 503 before a
/// configuration has loaded); only Mattermost's may be a GET.
async fn commands(State(app): State<Arc<App>>, Path(name): Path<String>, raw: Raw) -> Response {
    match platform_type(&app, &name) {
        Some(PlatformType::Mattermost) => admission::handle::<mattermost::Commands>(app, name, raw).await,
        _ if raw.method == Method::POST => admission::handle::<slack::Commands>(app, name, raw).await,
        _ => StatusCode::METHOD_NOT_ALLOWED.into_response(),
    }
}

/// `/hooks/{name}/events`, Slack's Events API and Webex's webhooks. An
/// unknown name goes to Slack's, which refuses it.
async fn events(State(app): State<Arc<App>>, Path(name): Path<String>, raw: Raw) -> Response {
    match platform_type(&app, &name) {
        Some(PlatformType::Webex) => admission::handle::<webex::Events>(app, name, raw).await,
        _ => admission::handle::<slack::Events>(app, name, raw).await,
    }
}

/// Tells the user at `to` that the gateway is busy (`text`: which limit),
/// in the background if a notice slot is free (Teams, Webex: the notice is a
/// message of its own, not the acknowledgement); otherwise the notice is
/// dropped (the request was counted as busy anyway).
fn tell_busy(app: &App, runtime: &Arc<Runtime>, name: &str, to: ReplyContext, text: String) {
    let Ok(slot) = app.busy_notices.clone().try_acquire_owned() else {
        tracing::debug!("too many busy notices on their way; this one is dropped");
        return;
    };
    let (runtime, name) = (runtime.clone(), name.to_owned());
    app.tasks.spawn(async move {
        pipeline::say_busy(&runtime, &name, &to, text).await;
        drop(slot);
    });
}
