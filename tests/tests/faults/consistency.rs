//! Grants rewritten every 100 ms while 1 000 commands run: each command is
//! decided and answered under exactly one configuration.
//!
//! Why the process level, through `--manifests DIR`: it is the real reload
//! path end to end (the directory watch, its debounce, the compile, the
//! `arc-swap` of the runtime, and the pipeline that takes one `Arc` of the
//! runtime per request), with nothing stubbed. What makes it not flaky:
//!
//! - the two configurations, A and B, live in one file, written whole and
//!   renamed into place, so the directory never holds half of each (a mix on
//!   disk would be the test's doing, not the gateway's);
//! - A and B differ in two places that a command sees at different moments:
//!   the grant (checked first) and the platform's `fallbackUser` (in the
//!   answer and the audit line, written last). A lets everyone run
//!   `chatops` and names the fallback user `config-a`; B grants `chatops`
//!   to nobody and names it `config-b`. So an answer is A's (whoami, acting
//!   as `config-a`, audit `succeeded`) or B's (not permitted, audit
//!   `denied` with `config-b`), and any mix shows;
//! - the file is rewritten every 100 ms, each write different (a counter in
//!   a comment), so the directory never stays quiet; which of A and B it
//!   holds switches each time the gateway has loaded one (its
//!   `chatops_gateway_config_reloads_total`), so that consecutive loads
//!   alternate. (Switching strictly every 100 ms would alias with the
//!   reload's cadence, about a second, ten writes: the same one could be
//!   loaded every time.);
//! - the commands are sent in ten waves of 100, a second apart, and the
//!   writes go on until every answer is in, so loads happen while commands
//!   are in flight however fast or slow the machine is. The test asserts
//!   that both configurations answered some (which needs the gateway to
//!   reload while the directory never stays quiet), never how many.

use std::{
    collections::HashMap,
    path::Path,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use chatops_tests::{
    copy_quickstart,
    fake_slack::FakeSlack,
    gateway_process::{Gateway, metric},
    quickstart::{CHANNEL, SIGNING_SECRET, WORKSPACE},
    signed::{FORM, post_slack},
    slack_requests::{now, slash_command},
    wait,
};
use serde_json::Value;

use crate::support::{MARGIN, audit_lines};

/// How many commands.
const COMMANDS: usize = 1000;
/// Sent in waves of this many at once.
const WAVE: usize = 100;
/// The pause between two waves: the waves span more than the reload's
/// longest settle (1 s) many times over.
const BETWEEN_WAVES: Duration = Duration::from_secs(1);
/// How often the file is rewritten.
const FLIP_EVERY: Duration = Duration::from_millis(100);

/// The file that holds what A and B differ in.
const FLIPPED: &str = "flip.yaml";

/// The quickstart's Slack ChatPlatform, its fallback user `fallback`.
fn platform(fallback: &str) -> String {
    let slack = std::fs::read_to_string(chatops_tests::quickstart_dir().join("slack.yaml")).unwrap();
    let named = slack.replace("fallbackUser: chatbot", &format!("fallbackUser: {fallback}"));
    assert_ne!(named, slack, "the test renames the fallback user");
    named
}

/// Configuration A: everyone may run `chatops`; the fallback user `config-a`.
fn config_a() -> String {
    format!(
        "{}---\n{}",
        platform("config-a"),
        "apiVersion: chatops.dev/v1alpha1\nkind: AccessGrant\nmetadata:\n  name: chatops-for-everyone\n  \
         namespace: chatops\nspec:\n  command: chatops\n  subcommand: \"*\"\n  grantType: user\n  name: anyone\n  \
         value: \"*\"\n"
    )
}

/// Configuration B: nobody may run `chatops`; the fallback user `config-b`.
fn config_b() -> String {
    platform("config-b")
}

/// Writes `content` as [`FLIPPED`] in `dir` at once: a hidden temporary
/// file (the gateway reads visible files only), renamed over it.
fn write_whole(dir: &Path, content: &str) {
    let temporary = dir.join(".flip.yaml.tmp");
    std::fs::write(&temporary, content).unwrap();
    std::fs::rename(&temporary, dir.join(FLIPPED)).unwrap();
}

/// The quickstart with its Slack platform and its `chatops` grant moved
/// into [`FLIPPED`], holding A.
fn manifests() -> tempfile::TempDir {
    let dir = copy_quickstart();
    std::fs::remove_file(dir.path().join("slack.yaml")).unwrap();
    let grants = std::fs::read_to_string(dir.path().join("grants.yaml")).unwrap();
    let without: Vec<&str> = grants
        .split("\n---\n")
        .filter(|document| !document.contains("name: chatops-for-everyone"))
        .collect();
    assert_eq!(
        without.len() + 1,
        grants.split("\n---\n").count(),
        "one grant moved"
    );
    std::fs::write(dir.path().join("grants.yaml"), without.join("\n---\n")).unwrap();
    write_whole(dir.path(), &config_a());
    dir
}

/// Which configuration an answer and its audit line belong to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Config {
    A,
    B,
}

/// The configuration `answer` (the text posted to the response URL) and
/// `audit` (the command's audit line) both belong to; panics on a mix.
fn judge(user: &str, answer: &str, audit: &Value) -> Config {
    let a_answer = answer.contains("config-a") && !answer.contains("not permitted");
    let b_answer = answer.contains("not permitted") && !answer.contains("config-a");
    let a_audit = audit["outcome"] == "succeeded" && audit["linked_user"] == "config-a";
    let b_audit = audit["outcome"] == "denied" && audit["linked_user"] == "config-b";
    match (
        a_answer && !answer.contains("config-b"),
        b_answer,
        a_audit,
        b_audit,
    ) {
        (true, false, true, false) => Config::A,
        (false, true, false, true) => Config::B,
        _ => panic!("{user}: a mix of configurations:\nanswer: {answer}\naudit: {audit}"),
    }
}

#[tokio::test]
async fn every_command_is_decided_and_answered_under_one_configuration() {
    let dir = manifests();
    let slack = FakeSlack::start().await;
    let gateway = Gateway::start(
        dir.path(),
        &slack.api_url(),
        &["--max-concurrent-commands", "2000", "--max-follow-ups", "10"],
    )
    .await;

    // Rewrite the file every 100 ms until told to stop, switching between A
    // and B each time the gateway has loaded one (see the module's doc).
    let flipping = Arc::new(AtomicBool::new(true));
    let flipper = {
        let (flipping, dir, admin) = (flipping.clone(), dir.path().to_owned(), gateway.admin);
        let (a, b) = (config_a(), config_b());
        tokio::spawn(async move {
            let loads = || metric(admin, "chatops_gateway_config_reloads_total", &[]);
            let (mut ticks, mut on_a, mut seen_loads) = (0u64, true, loads().await);
            while flipping.load(Ordering::Relaxed) {
                ticks += 1;
                let now_loaded = loads().await;
                if now_loaded > seen_loads {
                    (on_a, seen_loads) = (!on_a, now_loaded);
                }
                let content = if on_a { &a } else { &b };
                write_whole(&dir, &format!("# write {ticks}\n{content}"));
                tokio::time::sleep(FLIP_EVERY).await;
            }
            ticks
        })
    };

    // Each command from its own user (the per-user limit is 4), answered
    // on its own response URL.
    let user = |i: usize| format!("U0FLIP{i:05}");
    let url = gateway.url("/hooks/slack/commands");
    for wave in 0..COMMANDS / WAVE {
        let mut sends = tokio::task::JoinSet::new();
        for i in wave * WAVE..(wave + 1) * WAVE {
            let response_url = slack.response_url(&i.to_string());
            let body = slash_command(WORKSPACE, CHANNEL, &user(i), "/chatops", "whoami", &response_url);
            let url = url.clone();
            sends.spawn(async move {
                post_slack(&url, SIGNING_SECRET, now(), &body, FORM)
                    .await
                    .status()
            });
        }
        while let Some(status) = sends.join_next().await {
            let status = status.unwrap();
            assert!(status.is_success(), "acknowledged: {status}");
        }
        tokio::time::sleep(BETWEEN_WAVES).await;
    }

    // Every command answered once, and audited once.
    let answers = wait::until(MARGIN * 4, "every command answered", || {
        let requests = slack.requests();
        let answered: Vec<_> = requests
            .iter()
            .filter(|r| r.path.starts_with("/response/"))
            .collect();
        (answered.len() >= COMMANDS).then(|| {
            answered
                .iter()
                .map(|r| (r.path.trim_start_matches("/response/").to_owned(), r.text()))
                .collect::<Vec<_>>()
        })
    })
    .await;
    let audits = wait::until(MARGIN, "every command audited", || {
        Some(audit_lines(&gateway)).filter(|lines| lines.len() >= COMMANDS)
    })
    .await;
    flipping.store(false, Ordering::Relaxed);
    let flips = flipper.await.unwrap();

    assert_eq!(answers.len(), COMMANDS, "one answer per command");
    assert_eq!(audits.len(), COMMANDS, "one audit line per command");
    let audit_of: HashMap<&str, &Value> = audits
        .iter()
        .map(|line| (line["user"].as_str().unwrap_or_default(), line))
        .collect();
    let mut seen: HashMap<Config, usize> = HashMap::new();
    for (id, answer) in &answers {
        let user = user(id.parse().unwrap());
        let audit = audit_of
            .get(user.as_str())
            .unwrap_or_else(|| panic!("no audit line of {user}"));
        *seen.entry(judge(&user, answer, audit)).or_default() += 1;
    }
    let reloads = gateway.metric("chatops_gateway_config_reloads_total").await;
    eprintln!("{flips} flips, {reloads} reloads, answers by configuration: {seen:?}");
    assert!(
        seen.contains_key(&Config::A) && seen.contains_key(&Config::B),
        "both configurations served while they flipped ({reloads} reloads): {seen:?}"
    );
}
