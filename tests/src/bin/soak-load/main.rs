//! The soak (`scripts/soak`): the gateway binary given, run for minutes
//! under a steady mix of signed traffic on all four platforms, answered
//! through fake chat APIs, while its memory and descriptors are sampled
//! every second.
//!
//! ```text
//! soak-load --gateway target/release/chatops-gateway [--minutes 10] [--rate 200]
//!           [--warm-up-seconds 60] [--max-rss-growth-percent 50] [--max-fd-growth 16]
//! ```
//!
//! `--rate` is exchanges started per second, whatever the gateway's pace (a
//! fixed load, not a search for the maximum); two of the six kinds of
//! exchange take two webhook requests, so requests per second are 4/3 of it.
//! It exits 1 when any exchange failed (non-2xx, no answer, "busy"), when
//! the gateway called an API the sink does not serve, when resident memory
//! or open descriptors grew beyond the limits after the warm-up, or when the
//! gateway did not exit cleanly on SIGTERM at the end.
//!
//! Why memory may grow by half after the warm-up without a leak: the replay
//! guards remember every delivery for as long as it could be replayed or
//! retried (Webex events 5 minutes, Slack requests 10, Teams activities while
//! their token is valid, Mattermost prompts while their continuation is), so
//! during a 10-minute soak they fill the whole time, a few tens of bytes per
//! request, up to `--replay-cache-entries` each. Descriptors have no such
//! reason to grow: the load keeps its connections alive, as platforms do.

mod report;
mod sink;
mod traffic;

use std::{
    collections::BTreeMap,
    process::ExitCode,
    sync::{Arc, atomic::Ordering::Relaxed},
    time::{Duration, Instant},
};

use chatops_tests::{
    copy_quickstart,
    gateway_process::Gateway,
    platforms::{mattermost, teams, webex},
    quickstart::DEFAULT_SETTINGS,
};
use report::{Counts, Growth, Limits, Platform, Sample, percentile};
use sink::Sink;
use tokio::task::JoinSet;
use traffic::{Kind, Outcome, Traffic};

/// The command line.
struct Args {
    gateway: std::path::PathBuf,
    duration: Duration,
    rate: f64,
    warm_up: Duration,
    limits: Limits,
}

fn args() -> Args {
    let mut args = Args {
        gateway: std::path::PathBuf::new(),
        duration: Duration::from_secs(600),
        rate: 200.0,
        warm_up: Duration::from_secs(60),
        limits: Limits {
            rss_percent: 50,
            fds: 16,
        },
    };
    let mut given = std::env::args().skip(1);
    while let Some(flag) = given.next() {
        let value = given
            .next()
            .unwrap_or_else(|| usage(&format!("{flag} needs a value")));
        let number = || -> f64 {
            value
                .parse()
                .unwrap_or_else(|_| usage(&format!("{flag}: not a number: {value}")))
        };
        match flag.as_str() {
            "--gateway" => args.gateway = value.clone().into(),
            "--minutes" => args.duration = Duration::from_secs_f64(number() * 60.0),
            "--rate" => args.rate = number(),
            "--warm-up-seconds" => args.warm_up = Duration::from_secs_f64(number()),
            "--max-rss-growth-percent" => args.limits.rss_percent = number() as u64,
            "--max-fd-growth" => args.limits.fds = number() as u64,
            _ => usage(&format!("unknown flag {flag}")),
        }
    }
    if args.gateway.as_os_str().is_empty() {
        usage("--gateway is required");
    }
    if args.rate <= 0.0 {
        usage("--rate must be positive");
    }
    args
}

fn usage(problem: &str) -> ! {
    eprintln!(
        "soak-load: {problem}\nusage: soak-load --gateway PATH [--minutes 10] [--rate 200] \
         [--warm-up-seconds 60] [--max-rss-growth-percent 50] [--max-fd-growth 16]"
    );
    std::process::exit(2)
}

/// The quickstart plus a Teams, a Webex and a Mattermost ChatPlatform (the
/// platform tests' own), Mattermost's on the sink.
fn manifests(sink: &Sink) -> tempfile::TempDir {
    let dir = copy_quickstart();
    let platforms = [
        (teams::manifests(DEFAULT_SETTINGS, None), teams::PLATFORM),
        (webex::manifests(DEFAULT_SETTINGS), webex::PLATFORM),
        (
            mattermost::manifests_at(&format!("{}/mm", sink.url), DEFAULT_SETTINGS),
            mattermost::PLATFORM,
        ),
    ];
    for (beside, name) in platforms {
        let file = format!("{name}.yaml");
        std::fs::copy(beside.path().join(&file), dir.path().join(&file)).expect("the platform's manifests");
    }
    dir
}

fn sample(gateway: &Gateway, started: Instant) -> Sample {
    Sample {
        at: started.elapsed(),
        rss_kib: gateway.rss_kib(),
        fds: gateway.open_files() as u64,
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = args();
    let sink = Sink::start().await;
    let dir = manifests(&sink);
    let extra = [
        "--teams-openid-metadata-url".to_owned(),
        format!("{}/teams/openid/.well-known/openidconfiguration", sink.url),
        "--teams-login-url".to_owned(),
        format!("{}/teams/login", sink.url),
        "--webex-api-url".to_owned(),
        format!("{}/webex/v1", sink.url),
    ];
    let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
    let slack_api = format!("{}/slack/api", sink.url);
    let gateway = Gateway::start_binary(&args.gateway, dir.path(), &slack_api, &extra).await;
    println!(
        "soak: gateway pid {} on {}, {:.0} exchanges/s for {} s (warm-up {} s)",
        gateway.pid(),
        gateway.addr,
        args.rate,
        args.duration.as_secs(),
        args.warm_up.as_secs()
    );

    let traffic = Arc::new(Traffic::new(gateway.url(""), sink.clone()));
    let mut counts: BTreeMap<Platform, Counts> = BTreeMap::new();
    let mut tasks = JoinSet::new();
    let started = Instant::now();
    let mut samples = vec![sample(&gateway, started)];
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / args.rate));
    let mut n: u64 = 0;
    while started.elapsed() < args.duration {
        tick.tick().await;
        let kind = Kind::ALL[(n % Kind::ALL.len() as u64) as usize];
        let traffic = traffic.clone();
        tasks.spawn(async move { (kind, traffic.run(kind, n).await) });
        n += 1;
        while let Some(done) = tasks.try_join_next() {
            record(&mut counts, done.expect("an exchange does not panic"));
        }
        let last = samples.last().expect("sampled at the start").at;
        if started.elapsed() >= last + Duration::from_secs(1) {
            samples.push(sample(&gateway, started));
            let now = samples.last().expect("just sampled");
            if now.at.as_secs() % 60 == 0 && now.at.as_secs() != last.as_secs() {
                progress(&counts, now);
            }
        }
    }
    let load_ended = started.elapsed();
    while let Some(done) = tasks.join_next().await {
        record(&mut counts, done.expect("an exchange does not panic"));
    }

    let failed = print_counts(&mut counts, load_ended);
    let unserved = sink.unserved.load(Relaxed);
    println!(
        "sink: {} requests from the gateway, {} further answer messages (or late ones), {unserved} to paths not served",
        sink.received.load(Relaxed),
        sink.unmatched.load(Relaxed)
    );
    let growth = Growth::of(&samples, args.warm_up).expect("at least one sample");
    println!("{growth}");
    let clean_exit = gateway.terminate();
    println!(
        "gateway on SIGTERM: {}",
        if clean_exit { "exited 0" } else { "FAILED" }
    );

    let mut verdict = growth.beyond(args.limits);
    if failed > 0 {
        verdict.push(format!("{failed} exchanges failed"));
    }
    if unserved > 0 {
        verdict.push(format!("{unserved} calls to APIs the sink does not serve"));
    }
    if !clean_exit {
        verdict.push("the gateway did not exit 0 on SIGTERM".to_owned());
    }
    if verdict.is_empty() {
        println!(
            "soak: PASS (limits: RSS +{}% and fds +{} after the warm-up)",
            args.limits.rss_percent, args.limits.fds
        );
        ExitCode::SUCCESS
    } else {
        println!("soak: FAIL: {}", verdict.join("; "));
        ExitCode::FAILURE
    }
}

fn record(counts: &mut BTreeMap<Platform, Counts>, (kind, outcome): (Kind, Outcome)) {
    let counts = counts.entry(kind.platform()).or_default();
    counts.requests += outcome.requests;
    match outcome.result {
        Ok(took) => {
            counts.answered += 1;
            counts
                .answer_us
                .push(u32::try_from(took.as_micros()).unwrap_or(u32::MAX));
        }
        Err(failure) => {
            // The first few of each kind in full; the count says the rest.
            let seen = counts.failures.entry(failure.kind()).or_default();
            *seen += 1;
            if *seen <= 3 {
                eprintln!("soak: {kind:?} failed: {failure:?}");
            }
        }
    }
}

fn progress(counts: &BTreeMap<Platform, Counts>, now: &Sample) {
    let requests: u64 = counts.values().map(|c| c.requests).sum();
    let failed: u64 = counts.values().map(Counts::failed).sum();
    println!(
        "soak: {:>4} s  {requests} requests  {failed} failed  RSS {:.1} MiB  {} fds",
        now.at.as_secs(),
        now.rss_kib as f64 / 1024.0,
        now.fds
    );
}

/// Prints the table of requests and answers per platform; returns the failures.
fn print_counts(counts: &mut BTreeMap<Platform, Counts>, load: Duration) -> u64 {
    println!(
        "\n{:<11} {:>9} {:>7} {:>9} {:>7} {:>8} {:>8}  failures",
        "platform", "requests", "req/s", "answered", "failed", "p50 ms", "p99 ms"
    );
    let mut total = (0, 0, 0);
    for (platform, c) in counts.iter_mut() {
        let failures: Vec<String> = c.failures.iter().map(|(k, n)| format!("{k}: {n}")).collect();
        println!(
            "{:<11} {:>9} {:>7.1} {:>9} {:>7} {:>8.2} {:>8.2}  {}",
            format!("{platform:?}"),
            c.requests,
            c.requests as f64 / load.as_secs_f64(),
            c.answered,
            c.failed(),
            f64::from(percentile(&mut c.answer_us, 50.0)) / 1000.0,
            f64::from(percentile(&mut c.answer_us, 99.0)) / 1000.0,
            failures.join(", ")
        );
        total = (total.0 + c.requests, total.1 + c.answered, total.2 + c.failed());
    }
    println!(
        "{:<11} {:>9} {:>7.1} {:>9} {:>7}",
        "all",
        total.0,
        total.0 as f64 / load.as_secs_f64(),
        total.1,
        total.2
    );
    total.2
}
