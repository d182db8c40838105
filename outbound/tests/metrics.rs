//! One count per call (not per attempt), by host and outcome; alone in its
//! process so that no other test's calls are counted.

use std::time::Duration;

use chatops_outbound::{Client, RetryPolicy, metrics, send};
use prometheus_client::encoding::text::encode;
use prometheus_client::registry::Registry;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn every_call_is_counted_once_by_host_and_outcome() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let client = Client::default();
    let policy = RetryPolicy::rate_limits_only(Duration::from_secs(5), 3, Duration::from_secs(1), None);
    for _ in 0..2 {
        send("test", &policy, || {
            Some(client.get(format!("{}/secret/path?token=x", server.uri())))
        })
        .await
        .unwrap();
    }
    assert_eq!(metrics::calls("127.0.0.1", "200"), 2, "two calls, three attempts");
    assert_eq!(metrics::calls("127.0.0.1", "429"), 0);

    let mut registry = Registry::with_prefix("chatops_test");
    metrics::register(&mut registry);
    let mut text = String::new();
    encode(&mut text, &registry).unwrap();
    assert!(
        text.contains(r#"chatops_test_outbound_requests_total{host="127.0.0.1",outcome="200"} 2"#),
        "{text}"
    );
    assert!(
        text.contains("chatops_test_outbound_request_duration_seconds_count"),
        "{text}"
    );
    assert!(!text.contains("secret"), "{text}");
}
