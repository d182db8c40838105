//! A loopback sink for the gateway's answers in the load benchmark
//! (`scripts/bench-gateway`): answers every request `200 {"ok":true}`, so the
//! figures measure the gateway rather than the receiving end.

use axum::{Router, http::header};

#[tokio::main]
async fn main() {
    let port: u16 = std::env::args()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(18099);
    let ok = || async { ([(header::CONTENT_TYPE, "application/json")], r#"{"ok":true}"#) };
    let app = Router::new().fallback(ok);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("the sink's port is free");
    axum::serve(listener, app).await.expect("the sink serves");
}
