//! How a followed job's end is told, how often it is read, and for how long.

use std::time::Duration;

use chatops_crds::settings::AwxSettings;
use serde_json::json;

use super::read;
use crate::model::{Level, Message};
use crate::workers::awx::commands::follow::{
    Following, JobState, Launch, duration, render_ended, render_still_running,
};
use crate::workers::awx::{AwxClient, AwxError, ClientSettings};
use crate::workers::toolkit::credentials::{Credential, Secret};

fn launch() -> Launch {
    let integration = chatops_crds::config::IntegrationConfig::new(
        "default/awx",
        chatops_crds::IntegrationType::Awx,
        "https://awx.example",
    );
    let settings = ClientSettings::of(&integration, &Default::default());
    Launch {
        client: AwxClient::new(&settings).unwrap(),
        who: Credential {
            user: "alice".to_owned(),
            linked: true,
            secret: Secret::Token("a-token".to_owned()),
        },
        job: 42,
        template: "Patch Servers".to_owned(),
        link: "https://awx.example/#/jobs/playbook/42/output".to_owned(),
    }
}

fn texts(message: &Message) -> Vec<&str> {
    crate::commands::tests::fixtures::text_blocks(message)
}

#[test]
fn only_the_four_final_states_end_a_job() {
    for (status, ended) in [
        ("new", false),
        ("pending", false),
        ("waiting", false),
        ("running", false),
        ("successful", true),
        ("failed", true),
        ("error", true),
        ("canceled", true),
    ] {
        let state: JobState = read(json!({"id": 42, "status": status, "elapsed": 0.0}));
        assert_eq!(state.has_ended(), ended, "{status}");
    }
}

#[test]
fn a_failed_job_is_an_error_with_awxs_explanation_and_its_link() {
    let state: JobState = read(json!({
        "id": 42, "status": "failed", "failed": true, "elapsed": 185.4,
        "job_explanation": "Previous Task Failed: {\"job_type\": \"project_update\"}"
    }));

    let message = render_ended(&launch(), &state);

    assert_eq!(message.level, Level::Error);
    assert_eq!(message.title.as_deref(), Some("Job 42 failed"));
    assert_eq!(
        texts(&message),
        [
            "Job **42** (**Patch Servers**) ended **failed** after 3 min 5 s.",
            "AWX says: Previous Task Failed: {\"job_type\": \"project_update\"}",
            "[Job 42 in AWX](https://awx.example/#/jobs/playbook/42/output)",
        ]
    );
}

#[test]
fn a_successful_job_is_plain_and_a_canceled_one_a_warning() {
    let ok: JobState = read(json!({"status": "successful", "elapsed": 12.0, "job_explanation": ""}));
    let canceled: JobState = read(json!({"status": "canceled", "elapsed": 3.2}));

    assert_eq!(render_ended(&launch(), &ok).level, Level::Info);
    assert_eq!(
        texts(&render_ended(&launch(), &ok)).len(),
        2,
        "no empty explanation"
    );
    assert_eq!(render_ended(&launch(), &canceled).level, Level::Warning);
}

#[test]
fn a_job_still_running_says_for_how_long_and_the_last_problem() {
    let following = Following::of(&AwxSettings::default()).unwrap();
    let problem = AwxError::Unreachable {
        endpoint: "https://awx.example".to_owned(),
    };

    let message = render_still_running(&launch(), &following, Some(&problem));

    assert_eq!(message.level, Level::Warning);
    assert_eq!(
        texts(&message)[0],
        "Job **42** (**Patch Servers**) had not ended after 1 h; it is no longer followed here. \
         Its last reading failed: AWX at https://awx.example cannot be reached."
    );
}

#[test]
fn jobs_are_read_ever_less_often_up_to_half_a_minute_for_the_minutes_asked() {
    let following = Following::of(&AwxSettings {
        follow_jobs: true,
        follow_minutes: 90,
    })
    .unwrap();
    assert_eq!(following.for_at_most, Duration::from_secs(90 * 60));
    let mut wait = following.first_poll;
    let mut waits = vec![wait];
    for _ in 0..10 {
        wait = following.next_poll(wait);
        waits.push(wait);
    }
    assert_eq!(waits[0], Duration::from_secs(1));
    assert_eq!(waits[1], Duration::from_millis(1500));
    assert_eq!(waits[2], Duration::from_millis(2250));
    assert_eq!(*waits.last().unwrap(), Duration::from_secs(30));
    assert!(waits.windows(2).all(|w| w[0] <= w[1]));

    let off = AwxSettings {
        follow_jobs: false,
        follow_minutes: 60,
    };
    assert_eq!(Following::of(&off), None);
}

#[test]
fn durations_read_as_people_say_them() {
    for (seconds, said) in [
        (0.0, "0 s"),
        (12.4, "12 s"),
        (60.0, "1 min"),
        (185.0, "3 min 5 s"),
        (3600.0, "1 h"),
        (7265.0, "2 h 1 min"),
        (-3.0, "0 s"),
        (f64::NAN, "0 s"),
    ] {
        assert_eq!(duration(seconds), said, "{seconds}");
    }
}
