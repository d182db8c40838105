//! What the person asking is told when Grafana refuses, has no such
//! dashboard or panel, is down, slow, or answers with something that is no
//! picture; never a token.

use axum::http::StatusCode;

use super::*;

#[tokio::test]
async fn a_token_grafana_does_not_take_is_said_with_its_user() {
    let fake = FakeGrafana::start().await;
    let revoked = Tokens {
        service: Some("glsa_revoked"),
        alice: None,
    };
    let fixture = fixture(&fake.url(), revoked);

    let routed = fixture.typed(USER, "grafana get-firewall-drops").await;

    assert_private_error(&routed, "Grafana did not accept the token of chatbot.");
    assert_no_secret(&routed);
}

#[tokio::test]
async fn the_renderer_sending_to_the_login_page_is_a_token_not_taken() {
    let (fake, fixture) = grafana().await;
    fake.script_render(fake_grafana::Scripted::new(StatusCode::FOUND, "").with_header("location", "/login"));

    let routed = fixture.typed(ADMIN1, "grafana get-firewall-drops").await;

    assert_private_error(&routed, "Grafana did not accept the token of chatbot.");
}

#[tokio::test]
async fn a_dashboard_or_panel_grafana_does_not_have_is_said_so() {
    let (fake, fixture) = grafana().await;

    let dashboard = fixture.typed(USER, "grafana get-deleted").await;
    assert_private_error(
        &dashboard,
        "Grafana found nothing at the dashboard deleted-dashboard.",
    );
    let panel = fixture.typed(USER, "grafana get-utilisation-of-nothing").await;
    assert_private_error(
        &panel,
        "Grafana found nothing at panel 9 of the dashboard Interface traffic.",
    );
    assert!(fake.renders().is_empty(), "no picture of an error is drawn");
}

#[tokio::test]
async fn an_answer_that_is_no_picture_fails_the_command() {
    let (fake, fixture) = grafana().await;
    fake.script_render(
        fake_grafana::Scripted::new(StatusCode::OK, "<html>a proxy's login page</html>")
            .with_header("content-type", "text/html; charset=utf-8"),
    );

    let routed = fixture.typed(USER, "grafana get-firewall-drops").await;

    assert_eq!(
        routed.outcome,
        Outcome::Errored(
            "Grafana's answer could not be read: the picture of the dashboard Firewall drops is not a PNG \
             (text/html; charset=utf-8); is Grafana's image renderer installed?"
                .to_owned()
        )
    );
    assert_eq!(message(&routed).level, Level::Error);
}

#[tokio::test]
async fn a_renderer_that_fails_is_said_with_grafana_s_reason() {
    let (fake, fixture) = grafana().await;
    fake.script_render(fake_grafana::Scripted::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        r#"{"message": "Rendering failed: Error: Failed to launch the browser process"}"#,
    ));

    let routed = fixture.typed(USER, "grafana get-firewall-drops").await;

    assert_eq!(
        routed.outcome,
        Outcome::Errored(
            "Grafana answered 500: Rendering failed: Error: Failed to launch the browser process".to_owned()
        )
    );
}

#[tokio::test]
async fn grafana_down_fails_the_command_and_says_where() {
    let endpoint = chatops_testkit::endpoints::unreachable();
    let fixture = fixture(&endpoint, ADMIN);

    let routed = fixture.typed(USER, "grafana get-firewall-drops").await;

    assert_eq!(
        routed.outcome,
        Outcome::Errored(format!("Grafana at {endpoint} cannot be reached"))
    );
    assert_no_secret(&routed);
}

#[tokio::test]
async fn a_slow_grafana_is_said_within_the_timeout() {
    let endpoint = chatops_testkit::endpoints::silent().await;
    let fixture = fixture(&endpoint, ADMIN);

    let started = std::time::Instant::now();
    let routed = fixture.typed(USER, "grafana get-firewall-drops").await;

    assert_eq!(
        routed.outcome,
        Outcome::Errored("Grafana did not answer within 2 s".to_owned())
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(4));
}
