//! What the person asking is told when CloudVision refuses, is down, slow,
//! or answers what is not CloudVision's; and the cap on a stream.

use std::time::{Duration, Instant};

use chatops_testkit::fake_cloudvision::{FakeCloudVision, Garbage, TOKEN};

use super::{Service, assert_no_secret, cvaas, fixture_with, tables};
use crate::commands::Outcome;
use crate::commands::tests::fixtures::{USER, assert_private_error, text};
use crate::workers::cloudvision::Limits;

#[tokio::test]
async fn a_role_without_the_permission_is_told_with_cloudvisions_reason() {
    let (fake, fixture) = cvaas().await;
    fake.forbid("/api/resources/event");

    let routed = fixture.typed(USER, "cloudvision get-active-events all 1d").await;

    assert_private_error(
        &routed,
        "You (not linked, acting as chatbot) may not view the events in CloudVision: \
         permission denied: the role has no access to this resource.",
    );
    fake.forbid("/cvpservice/configlet");
    let service = fixture.typed(USER, "cloudvision get-configlet dc1-base").await;
    assert_private_error(
        &service,
        "You (not linked, acting as chatbot) may not view configlet dc1-base in CloudVision: \
         User does not have permission for this action.",
    );
}

#[tokio::test]
async fn answers_that_are_not_cloudvisions_fail_the_command_in_words() {
    let (fake, fixture) = cvaas().await;
    fake.garble("/api/resources/tag", Garbage::Html);
    let routed = fixture.typed(USER, "cloudvision get-tags dc1-spine1").await;
    let Outcome::Errored(said) = &routed.outcome else {
        panic!("{:?}", routed.outcome);
    };
    assert!(
        said.starts_with("CloudVision's answer could not be read: the tags of dc1-spine1:"),
        "{said}"
    );

    fake.garble("/cvpservice/task", Garbage::TruncatedJson);
    let routed = fixture.typed(USER, "cloudvision get-task-logs").await;
    let Outcome::Errored(said) = &routed.outcome else {
        panic!("{:?}", routed.outcome);
    };
    assert!(
        said.starts_with("CloudVision's answer could not be read: the tasks:"),
        "{said}"
    );

    fake.mend();
    fake.garble("/cvpservice/provisioning/searchTopology.do", Garbage::WrongShape);
    let routed = fixture
        .typed(USER, "cloudvision get-devices-in-container dc1")
        .await;
    assert!(
        matches!(routed.outcome, Outcome::Errored(_)),
        "{:?}",
        routed.outcome
    );
}

#[tokio::test]
async fn a_slow_cloudvision_is_said_within_the_timeout_and_a_down_one_named() {
    let (fake, fixture) = cvaas().await;
    fake.slow_down("/", Duration::from_secs(3));
    let started = Instant::now();

    let routed = fixture.typed(USER, "cloudvision get-configlet dc1-base").await;

    assert_eq!(
        routed.outcome,
        Outcome::Errored("CloudVision did not answer within 1 s".to_owned())
    );
    assert!(started.elapsed() < Duration::from_millis(2_500));

    let (down, _) = fixture_with(
        "http://127.0.0.1:9",
        Service::Token(TOKEN),
        None,
        Limits::default(),
    );
    let routed = down.typed(USER, "cloudvision get-configlet dc1-base").await;
    assert_eq!(
        routed.outcome,
        Outcome::Errored("CloudVision at http://127.0.0.1:9 cannot be reached".to_owned())
    );
    assert_no_secret(&routed);
}

#[tokio::test]
async fn a_stream_is_read_up_to_its_cap_and_says_it_was_cut() {
    let fake = FakeCloudVision::start().await;
    let (fixture, _) = fixture_with(
        &fake.url(),
        Service::Token(TOKEN),
        None,
        Limits {
            max_objects: 3,
            ..Limits::default()
        },
    );

    let routed = fixture.typed(USER, "cloudvision get-tags dc1-leaf1a").await;

    assert_eq!(tables(&routed)[0].rows.len(), 3);
    assert!(text(&routed).contains("CloudVision has more tag assignments than are read here."));
}

#[tokio::test]
async fn an_answer_larger_than_the_limit_is_refused_unread() {
    let fake = FakeCloudVision::start().await;
    let limits = Limits {
        max_bytes: 2_000,
        ..Limits::default()
    };
    let (fixture, _) = fixture_with(&fake.url(), Service::Token(TOKEN), None, limits);

    let routed = fixture.typed(USER, "cloudvision get-tags dc1-leaf1a").await;

    assert_eq!(
        routed.outcome,
        Outcome::Errored(
            "CloudVision's answer could not be read: cloudvision: a reply larger than 2000 bytes".to_owned()
        )
    );
}
