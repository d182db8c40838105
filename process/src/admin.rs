//! The admin routes both binaries serve on their admin port: `/healthz`,
//! `/readyz` and `/metrics`. Each binary says only when it is ready and
//! what its metrics are.

use std::sync::Arc;

use axum::{Router, extract::State, http::StatusCode, http::header, response::IntoResponse, routing::get};

/// What the admin routes ask of a binary.
pub trait Admin: Send + Sync + 'static {
    /// Whether the binary is ready, and a line or more saying why (or why not).
    fn readiness(&self) -> (bool, String);

    /// The metrics, in the OpenMetrics text format.
    fn metrics(&self) -> String;
}

/// The admin routes over `admin`: `/healthz` answers while the process
/// runs, `/readyz` 200 or 503 with [`Admin::readiness`], `/metrics`
/// [`Admin::metrics`].
pub fn router<A: Admin>(admin: Arc<A>) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready::<A>))
        .route("/metrics", get(metrics::<A>))
        .with_state(admin)
}

async fn ready<A: Admin>(State(admin): State<Arc<A>>) -> impl IntoResponse {
    let (ready, message) = admin.readiness();
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, message)
}

async fn metrics<A: Admin>(State(admin): State<Arc<A>>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        admin.metrics(),
    )
}
