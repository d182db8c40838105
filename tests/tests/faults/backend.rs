//! Faults on an integration's backend: AWX behind the fault proxy, asked
//! through Slack and Mattermost. AWX stands for every REST backend, as they
//! all send through the toolkit's one connection (`workers::toolkit`) over
//! the one outbound layer: one attempt per call, writes included, so that a
//! job launch is never sent twice.
//!
//! Each test launches `Restart Services` (or lists templates) with one fault
//! on the call, then checks what the person was told, how many launches
//! reached the proxy, and that the answer came within the Integration's
//! timeout plus [`MARGIN`].

use std::time::{Duration, Instant};

use chatops_tests::{
    chat::{Chat, On, PLATFORMS, Who},
    fake_awx::{self, FakeAwx},
    fault_proxy::{Fault, FaultProxy, Rule},
    manifests::{grant_to_everyone, integration, secret, stream, token_ref},
    quickstart::DEFAULT_SETTINGS,
};

use crate::support::{MARGIN, audit_line};

/// The Integration's command.
const AWX: &str = "awx";
/// Its `timeoutSeconds`.
const TIMEOUT: u64 = 2;
/// The command that launches a job at once (confirmed as typed).
const LAUNCH: &str = r#"run-job-template "Restart Services" yes"#;
/// What a person is told when a launch's answer was lost: it may have run.
const UNCONFIRMED: &str = "whether it was done is not known: check in AWX before trying again";
/// The launch call, the one write of [`LAUNCH`].
const LAUNCH_CALL: (&str, &str) = ("POST", "/api/v2/job_templates/");

/// The fake AWX, the proxy in front of it, and the gateway whose `awx`
/// Integration points at the proxy.
struct World {
    chat: Chat,
    awx: FakeAwx,
    proxy: FaultProxy,
}

impl World {
    async fn start() -> World {
        let awx = FakeAwx::start().await;
        let proxy = FaultProxy::start(&awx.url()).await;
        let yaml = stream(&[
            integration("awx", AWX, &proxy.url(), &token_ref("awx", "token"), TIMEOUT),
            secret("awx", &[("token", fake_awx::ADMIN_TOKEN)]),
            grant_to_everyone(AWX),
        ]);
        let chat = Chat::start(DEFAULT_SETTINGS, &[("awx.yaml", &yaml)]).await;
        World { chat, awx, proxy }
    }

    /// Launches through `on` as step `id` and waits for an answer holding
    /// all of `expected`, at most the timeout plus [`MARGIN`]; returns it.
    async fn launch(&self, on: On, id: &str, expected: &[&str]) -> String {
        let started = Instant::now();
        let step = self.chat.ask(on, Who::Unlinked, AWX, LAUNCH, &on.tag(id)).await;
        let limit = Duration::from_secs(TIMEOUT) + MARGIN;
        let answer = self.chat.answer_within(&step, expected, limit).await;
        eprintln!("{on:?} {id}: answered after {:?}", started.elapsed());
        answer
    }

    /// The audit line of the launch asked on `on` (one per platform per test).
    async fn audited(&self, on: On) -> serde_json::Value {
        let user = Who::Unlinked.id(on);
        audit_line(&self.chat.gateway, user, "run-job-template", MARGIN).await
    }

    /// How many launches reached the proxy.
    fn launches(&self) -> usize {
        self.proxy.count(LAUNCH_CALL.0, LAUNCH_CALL.1)
    }

    /// Every launch meets `fault` at the proxy.
    fn fail_launches(&self, fault: Fault) {
        let (method, prefix) = LAUNCH_CALL;
        self.proxy.inject(Rule::new(method, prefix, fault));
    }

    /// After the `n`th command (from 0), exactly `n + 1` launches were sent:
    /// none was sent again.
    #[track_caller]
    fn assert_one_launch_per_command(&self, n: usize) {
        assert_eq!(
            self.launches(),
            n + 1,
            "one launch per command: {:?}",
            self.proxy.seen()
        );
    }
}

#[tokio::test]
async fn a_launch_answered_500_is_said_and_not_sent_again() {
    let world = World::start().await;
    world.fail_launches(Fault::internal_error());
    let jobs = world.awx.jobs().len();
    for (n, on) in PLATFORMS.into_iter().enumerate() {
        let answer = world.launch(on, "500", &["AWX answered 500"]).await;
        assert!(!answer.contains("Launched"), "{answer}");
        world.assert_one_launch_per_command(n);
    }
    assert_eq!(
        world.awx.jobs().len(),
        jobs,
        "AWX refused, so it holds no new job"
    );
}

#[tokio::test]
async fn a_launch_whose_answer_is_cut_off_is_said_and_not_sent_again() {
    let world = World::start().await;
    world.fail_launches(Fault::Reset);
    let jobs = world.awx.jobs().len();
    for (n, on) in PLATFORMS.into_iter().enumerate() {
        let answer = world.launch(on, "reset", &[UNCONFIRMED]).await;
        assert!(answer.contains("AWX's answer could not be read"), "{answer}");
        assert!(!answer.contains("Launched"), "{answer}");
        world.assert_one_launch_per_command(n);
        // AWX did act on it (the answer was lost, not the request): one job
        // per command, never a second from a retry.
        assert_eq!(world.awx.jobs().len(), jobs + n + 1);
        let audit = world.audited(on).await;
        assert_eq!(audit["outcome"], "errored", "{audit}");
        assert!(
            audit["detail"].as_str().unwrap_or_default().contains(UNCONFIRMED),
            "{audit}"
        );
    }
}

#[tokio::test]
async fn a_launch_answered_after_the_timeout_is_said_within_it_and_not_sent_again() {
    let world = World::start().await;
    world.fail_launches(Fault::Late(Duration::from_secs(120)));
    for (n, on) in PLATFORMS.into_iter().enumerate() {
        let said = format!("AWX did not answer within {TIMEOUT} s");
        let answer = world.launch(on, "late", &[&said, UNCONFIRMED]).await;
        assert!(!answer.contains("Launched"), "{answer}");
        world.assert_one_launch_per_command(n);
    }
}

#[tokio::test]
async fn a_429_is_said_with_when_to_try_again() {
    let world = World::start().await;
    world.proxy.inject(Rule::new(
        "GET",
        "/api/v2/job_templates/",
        Fault::too_many_requests(7),
    ));
    for on in PLATFORMS {
        let said = "AWX is rate-limiting these requests; try again in 7 s";
        let answer = world.launch(on, "429", &[said]).await;
        assert!(!answer.contains("Launched"), "{answer}");
        // Theirs to act on (wait and try again), not an outage.
        let audit = world.audited(on).await;
        assert_eq!(audit["outcome"], "failed", "{audit}");
    }
    assert_eq!(world.launches(), 0, "nothing launched without the template");
}

/// The template is found (the first call is answered), then AWX is gone:
/// the launch finds nothing listening. (Once gone it stays gone, so one
/// platform is enough.)
#[tokio::test]
async fn awx_going_away_in_the_middle_of_a_launch_is_said() {
    let world = World::start().await;
    let jobs = world.awx.jobs().len();
    world.proxy.die_after(1);
    let answer = world.launch(On::Slack, "gone", &["cannot be reached"]).await;
    assert!(!answer.contains("Launched"), "{answer}");
    let seen = world.proxy.seen();
    assert_eq!(seen.len(), 1, "the call before it went away: {seen:?}");
    assert_eq!(world.launches(), 0, "{seen:?}");
    assert_eq!(world.awx.jobs().len(), jobs);
    assert!(
        !answer.contains("not known"),
        "nothing was sent, so nothing is uncertain: {answer}"
    );
}
