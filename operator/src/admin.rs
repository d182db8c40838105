//! `/healthz`, `/readyz` and `/metrics` on the admin port.

use std::sync::Arc;

use axum::Router;
use chatops_process::admin::{self, Admin};

use crate::controller::Health;

/// The admin routes.
pub fn admin_router(health: Arc<Health>) -> Router {
    admin::router(health)
}

/// Ready while every watch is synced: all listed their objects once, and
/// none fails now. A replica waiting for the lease is ready too: it is a
/// warm standby, and restarting it would not help.
impl Admin for Health {
    fn readiness(&self) -> (bool, String) {
        match self.not_ready() {
            None => (true, "ready".to_owned()),
            Some(why) => (false, why),
        }
    }

    fn metrics(&self) -> String {
        self.metrics.encode()
    }
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use tower::ServiceExt;

    use std::sync::atomic::Ordering;

    use super::*;

    async fn get(router: &Router, path: &str) -> (StatusCode, String) {
        let response = router
            .clone()
            .oneshot(Request::get(path).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
        (status, String::from_utf8(body.to_vec()).unwrap())
    }

    #[tokio::test]
    async fn ready_only_once_the_watches_synced_and_metrics_are_served() {
        let health = Arc::new(Health::default());
        let router = admin_router(health.clone());
        assert_eq!(get(&router, "/healthz").await.0, StatusCode::OK);
        assert_eq!(get(&router, "/readyz").await.0, StatusCode::SERVICE_UNAVAILABLE);
        health.synced.store(true, Ordering::Relaxed);
        assert_eq!(get(&router, "/readyz").await.0, StatusCode::OK);
        let watch = health.watches.register("integrations in chatops".into());
        health.watches.failed(watch, std::time::Instant::now());
        let (status, why) = get(&router, "/readyz").await;
        assert_eq!(
            status,
            StatusCode::SERVICE_UNAVAILABLE,
            "a failing watch is not synced"
        );
        assert!(why.contains("integrations in chatops"), "{why}");
        health.watches.ok(watch);
        assert_eq!(get(&router, "/readyz").await.0, StatusCode::OK);
        health.metrics.reconciles.inc();
        let (status, text) = get(&router, "/metrics").await;
        assert_eq!(status, StatusCode::OK);
        assert!(text.contains("chatops_operator_reconciles_total 1"), "{text}");
    }
}
