//! Runs the messages commands promised for later ([`FollowUp`]): after the
//! command's answer is delivered, each waits for what it reports, outside the
//! command's slot and timeout, and posts its message in the same
//! conversation through the platform's current dispatcher.
//!
//! They are bounded in number: past the limit, the user is told at once where
//! to look instead. On shutdown each is stopped and says the same, so that
//! no promise is silently dropped.

use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

use super::App;
use crate::commands::FollowUp;
use crate::model::{Message, Reply, ReplyContext};

/// The follow-ups running, their limit, and the signal that stops them.
#[derive(Debug)]
pub struct FollowUpRunner {
    permits: Arc<Semaphore>,
    stop: CancellationToken,
}

impl FollowUpRunner {
    /// A runner for at most `limit` follow-ups at once.
    pub fn new(limit: usize) -> Self {
        FollowUpRunner {
            permits: Arc::new(Semaphore::new(limit)),
            stop: CancellationToken::new(),
        }
    }

    /// Stops every follow-up: each says its `if_abandoned` message instead.
    /// Follow-ups started afterwards say it at once.
    pub fn stop(&self) {
        self.stop.cancel();
    }
}

/// Starts `follow_ups` of a command answered on `platform` at `to`, on the
/// app's task tracker (so shutdown waits for their last words).
pub fn start(app: &Arc<App>, platform: &str, to: &ReplyContext, follow_ups: Vec<FollowUp>) {
    for follow_up in follow_ups {
        let permit = app.follow_ups.permits.clone().try_acquire_owned();
        let stop = app.follow_ups.stop.clone();
        let (app, platform, to) = (app.clone(), platform.to_owned(), to.clone());
        app.clone().tasks.spawn(async move {
            let message = match permit {
                Ok(_permit) if !stop.is_cancelled() => tokio::select! {
                    message = follow_up.work => message,
                    () = stop.cancelled() => Some(follow_up.if_abandoned),
                },
                _ => {
                    tracing::warn!(%platform, "too many follow-ups running, or stopping; this one is abandoned");
                    Some(follow_up.if_abandoned)
                }
            };
            if let Some(message) = message {
                deliver(&app, &platform, &to, message).await;
            }
        });
    }
}

/// Posts `message` at `to` through `platform` as the current configuration
/// serves it (a rotated token, a platform removed since). A response URL may
/// have expired by now (Slack's last 30 minutes): then the message is posted
/// in the conversation instead.
async fn deliver(app: &App, platform: &str, to: &ReplyContext, message: Message) {
    let Some(runtime) = app.runtime() else {
        return;
    };
    let Some(served) = runtime.platforms.get(platform) else {
        tracing::warn!(%platform, "platform no longer served; follow-up not posted");
        return;
    };
    let reply = Reply::Message(message);
    let mut delivery = served.kind.send(to, &reply).await;
    if delivery.is_err() && to.response_url.is_some() && to.conversation.is_some() {
        let in_conversation = ReplyContext {
            response_url: None,
            ..to.clone()
        };
        delivery = served.kind.send(&in_conversation, &reply).await;
    }
    let outcome = if delivery.is_ok() { "ok" } else { "error" };
    app.metrics
        .outbound
        .get_or_create(&crate::metrics::OutboundLabels {
            platform: platform.to_owned(),
            outcome: outcome.to_owned(),
        })
        .inc();
    if let Err(err) = delivery {
        tracing::error!(%platform, error = %err, "could not post a follow-up");
    }
}
