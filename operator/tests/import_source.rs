//! The import's REST client against a fake of the original's API: pages are
//! followed, rows read in their real shapes, users resolved, bad rows and
//! bad tokens reported.

mod nautobot_fake;

use chatops_operator::import::source::{Nautobot, SourceError};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_of_every_list_is_read() {
    let server = nautobot_fake::start().await;
    let data = Nautobot::new(&server.uri(), nautobot_fake::TOKEN)
        .unwrap()
        .read_all()
        .await
        .unwrap();
    assert_eq!(data.grants.len(), 5);
    assert_eq!(data.grants[2].command, "nautobot");
    assert_eq!(data.tokens.len(), 2);
    assert_eq!(data.tokens[1].comment, "/nso");
    let users: Vec<_> = data
        .links
        .iter()
        .map(|l| (l.platform.as_str(), l.username.as_deref()))
        .collect();
    assert_eq!(
        users,
        [
            ("slack", Some("alice")),
            ("mattermost", Some("bob")),
            ("webex", Some("alice")),
            // Another user's link, found through the change log; the deleted
            // one and the one gone since are not asked for or skipped.
            ("slack", Some("carol"))
        ]
    );
    assert_eq!(data.malformed.len(), 2, "{:?}", data.malformed);
    assert!(
        data.malformed
            .iter()
            .any(|(what, why)| what.contains("mmuser000000000000000002")
                && why.contains("cannot be resolved")
                && why.contains("HTTP 401"))
    );
    assert!(
        data.malformed
            .iter()
            .any(|(what, _)| what.contains("l0000000-0000-0000-0000-000000000005"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_token_names_the_path_and_status_but_not_the_token() {
    let server = nautobot_fake::start().await;
    let err = Nautobot::new(&server.uri(), "wrong-token-value")
        .unwrap()
        .read_all()
        .await
        .unwrap_err();
    assert!(matches!(err, SourceError::Status { status: 401, .. }));
    let text = err.to_string();
    assert!(
        text.contains("GET /api/plugins/chatops/accessgrant/: HTTP 401"),
        "{text}"
    );
    assert!(!text.contains("wrong-token-value"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_nautobot_is_said_with_its_host() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let err = Nautobot::new(&format!("http://127.0.0.1:{port}"), "t")
        .unwrap()
        .read_all()
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, SourceError::Unreachable { .. }), "{text}");
    assert!(
        text.contains(&format!("127.0.0.1:{port}")) && text.contains("/api/plugins/chatops/accessgrant/"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn empty_lists_read_as_empty() {
    let server = nautobot_fake::start_empty().await;
    let data = Nautobot::new(&server.uri(), nautobot_fake::TOKEN)
        .unwrap()
        .read_all()
        .await
        .unwrap();
    assert!(
        data.grants.is_empty()
            && data.tokens.is_empty()
            && data.links.is_empty()
            && data.malformed.is_empty()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_change_log_only_the_callers_links_are_read_and_that_is_said() {
    let server = nautobot_fake::start().await;
    wiremock::Mock::given(wiremock::matchers::path("/api/extras/object-changes/"))
        .respond_with(wiremock::ResponseTemplate::new(403))
        .with_priority(1)
        .mount(&server)
        .await;
    let data = Nautobot::new(&server.uri(), nautobot_fake::TOKEN)
        .unwrap()
        .read_all()
        .await
        .unwrap();
    assert_eq!(data.links.len(), 3, "{:?}", data.links);
    assert!(
        data.malformed
            .iter()
            .any(|(what, why)| what == "account links of other Nautobot users"
                && why.contains("only the token user's own links")
                && why.contains("HTTP 403")),
        "{:?}",
        data.malformed
    );
}
