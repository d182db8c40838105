//! `send` against a fake service: retries, waits, give-ups and errors.

use std::time::{Duration, Instant, SystemTime};

use chatops_outbound::{Answer, Client, ClientSettings, OutboundError, RetryPolicy, send};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "xoxb-very-secret";

fn policy(max_retries: u32) -> RetryPolicy {
    RetryPolicy::rate_limits_only(
        Duration::from_secs(5),
        max_retries,
        Duration::from_secs(5),
        Some(Duration::from_millis(10)),
    )
}

async fn answering(first: ResponseTemplate, times: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(first)
        .up_to_n_times(times)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
        .mount(&server)
        .await;
    server
}

/// `send` of one GET, as `api` under `policy`, to a server answering `first`
/// ten times and then 200; the server too, for what it received.
async fn get_from(
    first: ResponseTemplate,
    api: &'static str,
    policy: &RetryPolicy,
) -> (MockServer, Result<Answer, OutboundError>) {
    let server = answering(first, 10).await;
    let client = Client::default();
    let answer = send(api, policy, || Some(client.get(server.uri()))).await;
    (server, answer)
}

/// One GET answered 429 with `Retry-After: retry_after` first, then 200:
/// how long it took, and the answer.
async fn after_one_429(retry_after: &str) -> (Duration, Answer) {
    let server = answering(
        ResponseTemplate::new(429).insert_header("Retry-After", retry_after),
        1,
    )
    .await;
    let client = Client::default();
    let started = Instant::now();
    let answer = send("test", &policy(3), || Some(client.get(server.uri())))
        .await
        .unwrap();
    (started.elapsed(), answer)
}

#[tokio::test]
async fn a_429_waits_retry_after_in_seconds() {
    let (took, answer) = after_one_429("1").await;
    assert!(took >= Duration::from_secs(1), "{took:?}");
    assert_eq!((answer.status.as_u16(), answer.attempts), (200, 2));
    assert_eq!(answer.text(), "ok");
}

#[tokio::test]
async fn a_429_waits_retry_after_as_an_http_date() {
    let (took, answer) = after_one_429(&httpdate_in(Duration::from_secs(2))).await;
    // The date has whole seconds: at least one second of the two is left.
    assert!(took >= Duration::from_millis(900), "{took:?}");
    assert_eq!(answer.attempts, 2);
}

/// An HTTP date `wait` from now, formatted by hand (RFC 7231 IMF-fixdate).
fn httpdate_in(wait: Duration) -> String {
    let secs = (SystemTime::now() + wait)
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (h, m, s) = (rest / 3600, rest % 3600 / 60, rest % 60);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    format!(
        "{}, {day:02} {} {year} {h:02}:{m:02}:{s:02} GMT",
        WEEKDAYS[(days % 7) as usize],
        MONTHS[(month - 1) as usize]
    )
}

#[tokio::test]
async fn rate_limits_give_up_after_max_retries() {
    let limited = ResponseTemplate::new(429).insert_header("Retry-After", "0");
    let (server, answer) = get_from(limited, "chat.postMessage", &policy(2)).await;
    let err = answer.unwrap_err();
    assert!(
        matches!(
            err,
            OutboundError::RateLimited {
                attempts: 3,
                retry_after: Some(_),
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "chat.postMessage: still rate limited after 3 attempts"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn retry_statuses_back_off_and_then_return_the_answer() {
    let policy = policy(2).with_retry_statuses(&[502], Duration::from_millis(10));
    let (_, answer) = get_from(ResponseTemplate::new(502), "test", &policy).await;
    let answer = answer.unwrap();
    assert_eq!((answer.status.as_u16(), answer.attempts), (502, 3));
}

#[tokio::test]
async fn a_single_attempt_returns_a_429_as_it_is() {
    let single = RetryPolicy::single_attempt();
    let (_, answer) = get_from(ResponseTemplate::new(429), "test", &single).await;
    let answer = answer.unwrap();
    assert_eq!((answer.status.as_u16(), answer.attempts), (429, 1));
}

#[tokio::test]
async fn a_request_that_cannot_be_resent_is_said_so() {
    let server = answering(ResponseTemplate::new(429), 10).await;
    let client = Client::default();
    let mut first = Some(client.get(server.uri()));
    let err = send("upload", &policy(2), || first.take()).await.unwrap_err();
    assert!(
        matches!(err, OutboundError::NotResendable { api: "upload" }),
        "{err:?}"
    );
}

#[tokio::test]
async fn large_answers_are_refused() {
    let large = ResponseTemplate::new(200).set_body_string("x".repeat(100));
    let (_, answer) = get_from(large, "keys", &policy(0).with_max_body(10)).await;
    let err = answer.unwrap_err();
    assert!(
        matches!(err, OutboundError::TooLarge { limit: 10, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn transport_errors_carry_no_url_and_no_token() {
    // Nothing listens on port 9 of loopback (discard, never run in tests).
    let url = format!("http://127.0.0.1:9/hooks/{TOKEN}?token={TOKEN}");
    let client = Client::default();
    let err = send("response_url", &policy(0), || {
        Some(client.get(&url).bearer_auth(TOKEN))
    })
    .await
    .unwrap_err();
    let (display, debug) = (err.to_string(), format!("{err:?}"));
    assert!(
        display.starts_with("response_url: request failed: could not connect"),
        "{display}"
    );
    for text in [&display, &debug] {
        assert!(!text.contains(TOKEN), "{text}");
        assert!(!text.contains("127.0.0.1:9/"), "{text}");
    }
    assert!(!err.is_timeout());
}

#[tokio::test]
async fn a_slow_answer_times_out() {
    let mut policy = policy(0);
    policy.timeout = Some(Duration::from_millis(100));
    let slow = ResponseTemplate::new(200).set_delay(Duration::from_secs(2));
    let (_, answer) = get_from(slow, "slow", &policy).await;
    let err = answer.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(
        err.to_string().starts_with("slow: request failed: timed out"),
        "{err}"
    );
}

#[test]
fn an_extra_ca_is_accepted_and_garbage_is_not() {
    let ca = rcgen::generate_simple_self_signed(vec!["nautobot.test".to_owned()]).unwrap();
    let settings = ClientSettings::new("chatops-test/1").with_extra_ca(Some(ca.cert.pem()));
    assert!(settings.build().is_ok());
    let err = ClientSettings::new("chatops-test/1")
        .with_extra_ca(Some(
            "-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n".to_owned(),
        ))
        .build()
        .unwrap_err();
    assert!(matches!(err, OutboundError::CaBundle(_)), "{err:?}");
    assert!(err.to_string().starts_with("the CA bundle is not PEM"), "{err}");
}

#[test]
fn the_insecure_switch_builds() {
    let settings = ClientSettings::new("chatops-test/1")
        .with_timeout(Duration::from_secs(1))
        .with_connect_timeout(Duration::from_secs(1))
        .with_insecure_skip_verify(true);
    assert!(settings.insecure_skip_verify);
    assert!(settings.build().is_ok());
}

#[tokio::test]
async fn redirects_are_not_followed_and_the_user_agent_is_sent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(302).insert_header("Location", "https://elsewhere.example/"))
        .mount(&server)
        .await;
    let client = ClientSettings::new(chatops_outbound::user_agent("chatops-test", "1.2.3"))
        .build()
        .unwrap();
    let answer = send("test", &policy(0), || Some(client.get(server.uri())))
        .await
        .unwrap();
    assert_eq!(answer.status.as_u16(), 302);
    let seen = &server.received_requests().await.unwrap()[0];
    assert_eq!(seen.headers["user-agent"], "chatops-test/1.2.3");
}
