//! `upload-software` and `install-software`: menus, confirmation, the job
//! followed to its end.

use chatops_testkit::fake_panorama::AMS_SERIAL;

use super::{followed, panorama, said};
use crate::commands::Outcome;
use crate::commands::tests::fixtures::{
    USER, assert_private_error, choice_values, message, prompted, text_blocks,
};
use crate::model::Level;

#[tokio::test]
async fn upload_software_offers_versions_asks_first_then_follows_the_download() {
    let (fake, fixture) = panorama().await;

    let asked = fixture.typed(USER, "panorama upload-software fw-ams-01").await;
    let versions = prompted(&asked);
    assert_eq!(
        choice_values(versions),
        ["11.2.4", "11.2.3", "11.1.6", "11.0.6", "10.2.12", "10.2.10-h2"],
        "every version but the one running"
    );
    assert_eq!(versions.choices[2].label, "11.1.6 (already downloaded)");
    let confirm = fixture.answer(USER, &versions.continuation, &["11.2.4"]).await;
    let question = prompted(&confirm);
    assert_eq!(
        question.text,
        "Download PAN-OS **11.2.4** on **fw-ams-01** (PA-440), as admin?"
    );
    assert!(
        !fake.ops().iter().any(|op| op.contains("<download>")),
        "nothing before yes"
    );

    let started = fixture.answer(USER, &question.continuation, &["yes"]).await;
    assert_eq!(started.outcome, Outcome::Succeeded);
    let (level, text) = said(&started);
    assert_eq!(level, Level::Info);
    assert!(
        text.starts_with("Downloading PAN-OS **11.2.4** on **fw-ams-01**: job "),
        "{text}"
    );
    let ended = followed(&fixture).await;
    assert_eq!(ended.level, Level::Info);
    let ended = text_blocks(&ended).join("\n");
    assert!(
        ended.contains("The download of PAN-OS 11.2.4 on **fw-ams-01**"),
        "{ended}"
    );
    assert!(
        ended.contains("ended: **OK**. PAN-OS says: Successfully downloaded PanOS_400-11.2.4"),
        "{ended}"
    );
    assert!(
        fake.firewall(AMS_SERIAL)
            .unwrap()
            .software
            .downloaded
            .contains(&"11.2.4".to_owned())
    );
}

#[tokio::test]
async fn install_software_typed_with_yes_runs_at_once_and_any_other_answer_declines() {
    let (fake, fixture) = panorama().await;
    let menu = fixture.typed(USER, "panorama install-software fw-ams-01").await;
    assert_eq!(
        choice_values(prompted(&menu)),
        ["11.1.6"],
        "downloaded versions only"
    );

    let declined = fixture
        .typed(USER, "panorama install-software fw-ams-01 11.1.6 no")
        .await;
    assert_eq!(
        said(&declined),
        (
            Level::Info,
            "Not changed: PAN-OS 11.1.6 was not installed on **fw-ams-01**.".to_owned()
        )
    );
    assert!(message(&declined).private);

    let started = fixture
        .typed(USER, "panorama install-software fw-ams-01 11.1.6 yes")
        .await;
    assert!(
        said(&started)
            .1
            .starts_with("Installing PAN-OS **11.1.6** on **fw-ams-01**: job ")
    );
    let ended = text_blocks(&followed(&fixture).await).join("\n");
    assert!(
        ended.contains("Software installation of version 11.1.6 successfully completed"),
        "{ended}"
    );
    assert_eq!(
        fake.firewall(AMS_SERIAL).unwrap().software.installed.as_deref(),
        Some("11.1.6")
    );

    let missing = fixture
        .typed(USER, "panorama install-software fw-ams-01 11.2.4 yes")
        .await;
    assert_private_error(
        &missing,
        "Panorama would not change the software of fw-ams-01: Image PanOS_400-11.2.4 is not downloaded.",
    );
    assert!(fixture.follow_ups.is_empty());
}

#[tokio::test]
async fn a_job_panorama_cannot_say_is_followed_until_the_end_then_said_still_running() {
    let (fake, fixture) = panorama().await;
    fake.garble("/api/op/show/jobs", chatops_testkit::fake_panorama::Garbage::Html);
    let started = fixture
        .typed(USER, "panorama upload-software fw-dc-01a 11.2.4 yes")
        .await;
    assert_eq!(started.outcome, Outcome::Succeeded);
    let message = followed(&fixture).await;
    assert_eq!(message.level, Level::Warning);
    let said = text_blocks(&message).join("\n");
    assert!(
        said.contains("The download of PAN-OS 11.2.4 on **fw-dc-01a** (job ")
            && said.contains("is still running; `show jobs id ")
            && said.contains("Last time Panorama was asked: Panorama's answer could not be read"),
        "{said}"
    );
}
