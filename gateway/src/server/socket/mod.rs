//! Slack Socket Mode's shell: for every Slack platform in Socket Mode, the
//! connections its settings ask for, held open, opened anew when the
//! configuration changes them, and closed when the gateway stops. What
//! comes down them is admitted as webhooks are ([`envelopes`]).
//!
//! Each replica holds its own connections; Slack hands each envelope to
//! one of the app's open connections, and an envelope sent again (Slack
//! thought it was not acknowledged) runs once on the replica that took it
//! first, whichever of its connections brought it.

mod envelopes;
mod link;
mod states;

use std::{collections::HashMap, sync::Arc};

use tokio_util::sync::CancellationToken;

use super::App;
use crate::{platforms::slack::socket::SocketMode, runtime::PlatformKind};

pub use states::{Generation, PlatformState, SocketStates};

/// The connections held for one platform.
struct Held {
    settings: SocketMode,
    stop: CancellationToken,
}

/// Holds the Socket Mode connections of the configuration served now, and
/// follows it as it changes, until `shutdown`.
pub async fn serve(app: Arc<App>, shutdown: CancellationToken) {
    let mut swaps = app.reloader.swaps();
    let mut held: HashMap<String, Held> = HashMap::new();
    loop {
        let wanted = wanted(&app);
        held.retain(|name, held| {
            let keep = wanted.get(name).is_some_and(|settings| settings.same_as(&held.settings));
            if !keep {
                tracing::info!(platform = %name, "Slack Socket Mode settings changed or removed; closing its connections");
                held.stop.cancel();
                app.sockets.forget(name);
                app.metrics.socket_open(name, 0);
            }
            keep
        });
        for (name, settings) in wanted {
            if held.contains_key(&name) {
                continue;
            }
            let stop = shutdown.child_token();
            let generation = app.sockets.begin(&name);
            app.metrics.socket_open(&name, 0);
            for index in 1..=settings.connections() {
                let slot = link::Slot {
                    app: app.clone(),
                    name: name.clone(),
                    generation,
                    index,
                    settings: settings.clone(),
                    stop: stop.clone(),
                };
                app.tasks.spawn(link::hold(Arc::new(slot)));
            }
            held.insert(name, Held { settings, stop });
        }
        tokio::select! {
            () = shutdown.cancelled() => return,
            changed = swaps.changed() => if changed.is_err() { return },
        }
    }
}

/// The Slack platforms in Socket Mode of the configuration served now.
fn wanted(app: &App) -> HashMap<String, SocketMode> {
    let Some(runtime) = app.runtime() else {
        return HashMap::new();
    };
    runtime
        .platforms
        .iter()
        .filter_map(|(name, platform)| match &platform.kind {
            PlatformKind::Slack {
                socket: Some(socket), ..
            } => Some((name.clone(), socket.clone())),
            _ => None,
        })
        .collect()
}
