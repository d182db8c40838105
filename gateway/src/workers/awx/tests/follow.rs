//! A launched job followed to its end, behind the router, against the fake
//! AWX: the follow-up registered with the launch says how the job ended
//! (successful, failed), why it can no longer be followed (AWX refuses),
//! or that it is still running when the time to follow it is over.

use std::time::Duration;

use chatops_testkit::fake_api::Scripted;
use chatops_testkit::fake_awx::{self, FakeAwx};
use reqwest::StatusCode;

use super::{Service, awx, following_as};
use crate::commands::tests::fixtures::{ADMIN1, Fixture, USER, text, text_blocks};
use crate::commands::{FollowUp, Outcome};
use crate::model::{Level, Message};
use crate::workers::awx::Following;

/// Launches `template` (confirmed by `yes`) as `who`, and returns the one
/// follow-up the launch registered.
async fn launch(fixture: &Fixture, who: &str, template: &str) -> FollowUp {
    let routed = fixture
        .typed(who, &format!(r#"awx run-job-template "{template}" yes"#))
        .await;
    assert_eq!(routed.outcome, Outcome::Succeeded, "{}", text(&routed));
    assert!(
        text(&routed).contains("Its final status will be posted here when it ends."),
        "{}",
        text(&routed)
    );
    let mut follow_ups = fixture.follow_ups.take();
    assert_eq!(follow_ups.len(), 1, "one follow-up per launch");
    follow_ups.remove(0)
}

/// The message's text blocks, one per line.
fn said(message: &Message) -> String {
    text_blocks(message).join("\n")
}

/// Waits for the follow-up's message, for at most a generous minute.
async fn ended(follow_up: FollowUp) -> Message {
    tokio::time::timeout(Duration::from_secs(60), follow_up.work)
        .await
        .expect("the follow-up ends")
        .expect("the follow-up has something to say")
}

#[tokio::test]
async fn a_successful_job_is_told_when_it_ends_with_its_link() {
    let (fake, fixture) = awx().await;

    let follow_up = launch(&fixture, ADMIN1, "Restart Services").await;
    let job = fake.jobs().last().unwrap()["id"].as_u64().unwrap();
    let message = ended(follow_up).await;

    assert_eq!(message.level, Level::Info);
    assert_eq!(
        message.title.as_deref(),
        Some(format!("Job {job} successful").as_str())
    );
    let text = said(&message);
    assert!(
        text.starts_with(&format!(
            "Job **{job}** (**Restart Services**) ended **successful** after "
        )),
        "{text}"
    );
    assert!(
        text.ends_with(&format!(
            "[Job {job} in AWX]({}/#/jobs/playbook/{job}/output)",
            fake.url()
        )),
        "{text}"
    );
    assert_eq!(fake.jobs().last().unwrap()["status"], "successful");
    let reads = fake
        .requests()
        .iter()
        .filter(|r| r.path == format!("/api/v2/jobs/{job}/"))
        .count();
    assert_eq!(reads, 3, "read until it ended, then no more");
}

#[tokio::test]
async fn a_failed_job_is_told_as_an_error_read_as_the_launcher() {
    let (fake, fixture) = awx().await;

    let follow_up = launch(&fixture, USER, fake_awx::FAILING_TEMPLATE).await;
    let job = fake.jobs().last().unwrap()["id"].as_u64().unwrap();
    let message = ended(follow_up).await;

    assert_eq!(message.level, Level::Error);
    assert!(
        said(&message).starts_with(&format!(
            "Job **{job}** (**{}**) ended **failed**",
            fake_awx::FAILING_TEMPLATE
        )),
        "{}",
        said(&message)
    );
    let read = fake
        .requests()
        .into_iter()
        .rfind(|r| r.path == format!("/api/v2/jobs/{job}/"))
        .unwrap();
    assert!(
        read.header("authorization")
            .unwrap_or_default()
            .starts_with("Basic "),
        "the job is read as whoever launched it (here the Integration's login)"
    );
}

#[tokio::test]
async fn awx_refusing_to_show_the_job_ends_the_following_with_its_reason() {
    let (fake, fixture) = awx().await;

    let follow_up = launch(&fixture, ADMIN1, "Restart Services").await;
    let job = fake.jobs().last().unwrap()["id"].as_u64().unwrap();
    fake.script(Scripted::new(StatusCode::NOT_FOUND, r#"{"detail":"Not found."}"#));
    let message = ended(follow_up).await;

    assert_eq!(message.level, Level::Warning);
    assert!(
        said(&message).starts_with(&format!(
            "Job **{job}** (**Restart Services**) can no longer be followed: AWX found nothing at jobs"
        )),
        "{}",
        said(&message)
    );
}

#[tokio::test]
async fn awx_down_for_a_moment_does_not_end_the_following() {
    let (fake, fixture) = awx().await;

    let follow_up = launch(&fixture, ADMIN1, "Restart Services").await;
    for _ in 0..2 {
        fake.script(Scripted::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "upstream connect error",
        ));
    }
    let message = ended(follow_up).await;

    assert_eq!(message.level, Level::Info, "{}", said(&message));
    assert!(
        said(&message).contains("ended **successful**"),
        "{}",
        said(&message)
    );
}

#[tokio::test]
async fn awx_throttling_for_a_moment_does_not_end_the_following() {
    let (fake, fixture) = awx().await;

    let follow_up = launch(&fixture, ADMIN1, "Restart Services").await;
    for _ in 0..2 {
        fake.script(Scripted::too_many_requests(
            1,
            r#"{"detail":"Request was throttled."}"#,
        ));
    }
    let message = ended(follow_up).await;

    assert_eq!(message.level, Level::Info, "{}", said(&message));
    assert!(
        said(&message).contains("ended **successful**"),
        "{}",
        said(&message)
    );
}

#[tokio::test]
async fn a_job_outliving_the_time_it_is_followed_is_left_with_its_link() {
    let fake = FakeAwx::start().await;
    let fixture = following_as(
        &fake.url(),
        fake_awx::LIMITED_TOKEN,
        Service::Login,
        Some(Following {
            first_poll: Duration::from_millis(5),
            longest_poll: Duration::from_millis(5),
            for_at_most: Duration::from_millis(8),
        }),
    );

    let follow_up = launch(&fixture, ADMIN1, "Restart Services").await;
    let job = fake.jobs().last().unwrap()["id"].as_u64().unwrap();
    let message = ended(follow_up).await;

    assert_eq!(message.level, Level::Warning);
    assert!(
        said(&message).starts_with(&format!(
            "Job **{job}** (**Restart Services**) had not ended after 0 s; it is no longer followed here."
        )),
        "{}",
        said(&message)
    );
}

#[tokio::test]
async fn what_is_said_when_the_gateway_cannot_follow_names_the_job_and_its_link() {
    let (fake, fixture) = awx().await;

    let follow_up = launch(&fixture, ADMIN1, "Restart Services").await;
    let job = fake.jobs().last().unwrap()["id"].as_u64().unwrap();

    let abandoned = follow_up.if_abandoned;
    assert_eq!(abandoned.level, Level::Warning);
    assert!(
        said(&abandoned).contains(&format!(
            "Job **{job}** (**Restart Services**) is no longer followed here"
        )),
        "{}",
        said(&abandoned)
    );
    assert!(said(&abandoned).contains(&format!("/#/jobs/playbook/{job}/output")));
}

#[tokio::test]
async fn with_following_off_a_launch_promises_nothing() {
    let fake = FakeAwx::start().await;
    let fixture = following_as(&fake.url(), fake_awx::LIMITED_TOKEN, Service::Login, None);

    let routed = fixture
        .typed(ADMIN1, r#"awx run-job-template "Restart Services" yes"#)
        .await;

    assert_eq!(routed.outcome, Outcome::Succeeded);
    assert!(!text(&routed).contains("final status"), "{}", text(&routed));
    assert!(fixture.follow_ups.is_empty());
}
