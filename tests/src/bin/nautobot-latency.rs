//! The latency the gateway adds to `/nautobot get-devices location bench01` (1 000 devices),
//! beyond Nautobot's own API time. Run it through `scripts/bench-nautobot`, which brings up
//! the Nautobot of `scripts/nautobot/up`, seeds `bench01` (`scripts/nautobot/seed-bench`) and
//! builds the release binaries; the figures are in `docs/benchmarks.md`.
//!
//! For each target it starts the release gateway on manifests like the live test's
//! ([`live_manifests`], with the Integration's endpoint the target's URL) and a fake Slack
//! ([`LiveSlack`]), then, after the warm-ups, measures each iteration, one after the other:
//!
//! - (a) Nautobot's own API time: the request the worker makes (the GraphQL query of
//!   [`devices_query`], with the admin token), from sending it to the last byte read;
//! - (b) end to end: a signed `/nautobot get-devices location …` slash command posted to the
//!   gateway, from sending it to the moment the complete answer has reached the fake Slack
//!   (`files.completeUploadExternal` in the asker's channel, or the post to the response
//!   URL), checked to name every device;
//!
//! and reports min, median, p90 and max of (a), (b) and (b) − (a) (paired per iteration), and
//! the gateway's idle and peak RSS (VmRSS, VmHWM). The order of (a) and (b) alternates from
//! one iteration to the next, so a drift in Nautobot's speed falls on both alike. With
//! `--rest`, each iteration of the real target also times (c): the same devices read over
//! REST at `?depth=1` in pages of 1 000, as the worker did before it used GraphQL.
//!
//! Targets: `real` is the Nautobot at `--endpoint`; `replay` is a server in this tool that
//! answers the worker's query with the answer captured once from the real Nautobot, at
//! near-zero cost, so that (b) against it is the gateway's own cost: decoding the JSON,
//! rendering 1 000 rows, and the Slack upload.
//!
//! ```text
//! nautobot-latency [--endpoint URL] [--target real|replay|both] [--iterations 30]
//!                  [--warmup 3] [--location bench01] [--devices 1000]
//!                  [--gateway target/release/chatops-gateway] [--rest] [--verbose]
//! ```
//!
//! The token and the default endpoint come from `.nautobot/env`. The replay target checks
//! that the gateway asked it exactly the worker's query.

use std::{
    net::{SocketAddr, TcpListener},
    path::PathBuf,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::{
    Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode, Uri, header},
    response::{IntoResponse, Response},
};
use chatops_gateway::platforms::slack::verify::sign;
use chatops_gateway::workers::nautobot::devices_query;
use chatops_tests::{
    fake_slack::Recorded,
    gateway_process::Gateway,
    nautobot_live::{ADMIN_CHAT_USER, LiveSlack, Nautobot, answer_text, channel_of, live_manifests},
    slack_requests::{QUICKSTART_SIGNING_SECRET, now, slash_command},
    workspace_root,
};

const WORKSPACE: &str = "T0EXAMPLE01";
/// How long one answer may take before the run is abandoned.
const PATIENCE: Duration = Duration::from_secs(300);
/// The User-Agent of this tool's own requests, which the replay tells from the gateway's.
const TOOL: &str = "nautobot-latency";
/// How often the fake Slack is looked at while an answer is awaited: the resolution of (b).
const POLL: Duration = Duration::from_millis(1);

#[derive(Clone, Copy, Debug, PartialEq)]
enum Target {
    Real,
    Replay,
}

impl Target {
    fn name(self) -> &'static str {
        match self {
            Target::Real => "real",
            Target::Replay => "replay",
        }
    }
}

struct Options {
    endpoint: Option<String>,
    targets: Vec<Target>,
    iterations: usize,
    warmup: usize,
    location: String,
    devices: usize,
    gateway: PathBuf,
    rest: bool,
    verbose: bool,
}

const USAGE: &str = "usage: nautobot-latency [--endpoint URL] [--target real|replay|both] [--iterations N] \
                     [--warmup N] [--location NAME] [--devices N] [--gateway PATH] [--rest] \
                     [--verbose]";

fn options() -> Options {
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"));
    let mut options = Options {
        endpoint: None,
        targets: vec![Target::Real, Target::Replay],
        iterations: 30,
        warmup: 3,
        location: "bench01".to_owned(),
        devices: 1000,
        gateway: target_dir.join("release/chatops-gateway"),
        rest: false,
        verbose: false,
    };
    let mut args = std::env::args().skip(1);
    let fail = |why: String| -> ! {
        eprintln!("{why}\n{USAGE}");
        std::process::exit(2)
    };
    while let Some(arg) = args.next() {
        if arg == "--verbose" || arg == "--rest" {
            options.verbose |= arg == "--verbose";
            options.rest |= arg == "--rest";
            continue;
        }
        if arg == "--help" || arg == "-h" {
            println!("{USAGE}");
            std::process::exit(0);
        }
        let Some(value) = args.next() else {
            fail(format!("{arg} needs a value"))
        };
        let number = |value: &str| -> usize {
            value
                .parse()
                .unwrap_or_else(|_| fail(format!("{arg}: {value} is not a number")))
        };
        match arg.as_str() {
            "--endpoint" => options.endpoint = Some(value.trim_end_matches('/').to_owned()),
            "--target" => {
                options.targets = match value.as_str() {
                    "real" => vec![Target::Real],
                    "replay" => vec![Target::Replay],
                    "both" => vec![Target::Real, Target::Replay],
                    other => fail(format!("--target {other}: real, replay or both")),
                }
            }
            "--iterations" => options.iterations = number(&value).max(1),
            "--warmup" => options.warmup = number(&value),
            "--location" => options.location = value,
            "--devices" => options.devices = number(&value),
            "--gateway" => options.gateway = PathBuf::from(value),
            other => fail(format!("unknown argument {other}")),
        }
    }
    options
}

#[tokio::main]
async fn main() {
    let options = options();
    let nautobot = Nautobot::require().await;
    let endpoint = options.endpoint.clone().unwrap_or_else(|| nautobot.url.clone());
    assert!(
        options.gateway.is_file(),
        "no gateway binary at {}: run `cargo build --release -p chatops-gateway` (scripts/bench-nautobot does)",
        options.gateway.display()
    );
    let http = reqwest::Client::builder()
        .timeout(PATIENCE)
        .build()
        .expect("an HTTP client");

    // The replay's answer, captured now; also checks that the location has the devices.
    let replay = Replay::bind();
    let started = Instant::now();
    let captured = replay
        .capture(&http, &endpoint, &nautobot.admin_token, &options)
        .await;
    eprintln!(
        "captured {} page(s), {} devices, {:.1} MB of JSON from {endpoint} in {:.2?}",
        1,
        captured.names.len(),
        captured.answer.len() as f64 / 1e6,
        started.elapsed()
    );
    assert_eq!(
        captured.names.len(),
        options.devices,
        "{} devices at {} in Nautobot; run scripts/nautobot/seed-bench",
        captured.names.len(),
        options.location
    );

    let slack = LiveSlack::start().await;
    let mut reports = Vec::new();
    for &target in &options.targets {
        let url = match target {
            Target::Real => endpoint.clone(),
            Target::Replay => replay.serve(&captured),
        };
        let report = run(target, &url, &nautobot, &slack, &http, &captured.names, &options).await;
        if target == Target::Replay {
            replay.check(&options);
        }
        report.print();
        reports.push(report);
    }
    if reports.len() > 1 {
        println!();
        println!(
            "| target | requests | (a) median / p90 / min | (b) median / p90 / min | (b)-(a) median / p90 / min | peak RSS |"
        );
        println!("|---|---:|---:|---:|---:|---:|");
        for report in &reports {
            report.print_row();
        }
    }
}

/// The figures of one target.
struct Report {
    target: Target,
    url: String,
    pages: usize,
    iterations: usize,
    warmup: usize,
    api: Vec<Duration>,
    end_to_end: Vec<Duration>,
    rest: Vec<Duration>,
    idle_rss_kb: u64,
    peak_rss_kb: u64,
    upload_bytes: usize,
}

impl Report {
    fn added(&self) -> Vec<i128> {
        self.api
            .iter()
            .zip(&self.end_to_end)
            .map(|(a, b)| b.as_micros() as i128 - a.as_micros() as i128)
            .collect()
    }

    fn print(&self) {
        println!();
        println!(
            "target {} ({}): {} request(s) to Nautobot per answer, {} iterations after {} warm-ups",
            self.target.name(),
            self.url,
            self.pages,
            self.iterations,
            self.warmup
        );
        println!(
            "{:<24} {:>10} {:>10} {:>10} {:>10}",
            "", "min", "median", "p90", "max"
        );
        let micros = |d: &[Duration]| d.iter().map(|d| d.as_micros() as i128).collect::<Vec<_>>();
        for (label, values) in [
            ("(a) Nautobot API", micros(&self.api)),
            ("(b) end to end", micros(&self.end_to_end)),
            ("(b)-(a) gateway adds", self.added()),
        ] {
            let s = Stats::of(values);
            println!(
                "{label:<24} {:>10} {:>10} {:>10} {:>10}",
                ms(s.min),
                ms(s.median),
                ms(s.p90),
                ms(s.max)
            );
        }
        if !self.rest.is_empty() {
            let s = Stats::of(micros(&self.rest));
            println!(
                "{:<24} {:>10} {:>10} {:>10} {:>10}",
                "(c) REST, depth=1",
                ms(s.min),
                ms(s.median),
                ms(s.p90),
                ms(s.max)
            );
        }
        println!(
            "gateway RSS: idle {:.1} MB, peak (VmHWM) {:.1} MB; table uploaded as a file of {} bytes",
            self.idle_rss_kb as f64 / 1024.0,
            self.peak_rss_kb as f64 / 1024.0,
            self.upload_bytes
        );
    }

    /// One Markdown table row: medians and p90s.
    fn print_row(&self) {
        let micros = |d: &[Duration]| d.iter().map(|d| d.as_micros() as i128).collect::<Vec<_>>();
        let (a, b, added) = (
            Stats::of(micros(&self.api)),
            Stats::of(micros(&self.end_to_end)),
            Stats::of(self.added()),
        );
        println!(
            "| {} | {} | {} / {} / {} | {} / {} / {} | {} / {} / {} | {:.1} MB |",
            self.target.name(),
            self.pages,
            ms(a.median),
            ms(a.p90),
            ms(a.min),
            ms(b.median),
            ms(b.p90),
            ms(b.min),
            ms(added.median),
            ms(added.p90),
            ms(added.min),
            self.peak_rss_kb as f64 / 1024.0
        );
    }
}

struct Stats {
    min: i128,
    median: i128,
    p90: i128,
    max: i128,
}

impl Stats {
    fn of(mut values: Vec<i128>) -> Stats {
        values.sort_unstable();
        let n = values.len();
        let median = if n % 2 == 1 {
            values[n / 2]
        } else {
            (values[n / 2 - 1] + values[n / 2]) / 2
        };
        // Nearest rank.
        let p90 = values[(n * 9).div_ceil(10).max(1) - 1];
        Stats {
            min: values[0],
            median,
            p90,
            max: values[n - 1],
        }
    }
}

/// Microseconds as milliseconds, e.g. `17 831.2 ms`.
fn ms(micros: i128) -> String {
    let tenths = (micros.abs() + 50) / 100;
    let (whole, tenth) = (tenths / 10, tenths % 10);
    let sign = if micros < 0 { "-" } else { "" };
    let whole = whole.to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(' ');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{tenth} ms")
}

/// One target: a gateway on manifests pointing at `url`, warm-ups, then the iterations.
async fn run(
    target: Target,
    url: &str,
    nautobot: &Nautobot,
    slack: &LiveSlack,
    http: &reqwest::Client,
    names: &[String],
    options: &Options,
) -> Report {
    let mut pointed = nautobot.clone();
    pointed.url = url.to_owned();
    let manifests = live_manifests(&pointed);
    // The live test's 30 s per call is too short for 1 000 devices on a busy machine.
    let integration = manifests.path().join("nautobot.yaml");
    let text = std::fs::read_to_string(&integration).expect("nautobot.yaml");
    std::fs::write(
        &integration,
        text.replace("timeoutSeconds: 30", "timeoutSeconds: 300"),
    )
    .expect("nautobot.yaml written");

    // Its response URLs point at the local sink (loopback URLs are allowed).
    let extra = ["--command-timeout-seconds", "600"];
    let gateway = Gateway::start_binary(&options.gateway, manifests.path(), &slack.api_url(), &extra).await;
    let idle_rss_kb = gateway.rss_kib();
    let hook = format!("http://{}/hooks/slack/commands", gateway.addr);
    let text = format!("get-devices location {}", options.location);
    let mut report = Report {
        target,
        url: url.to_owned(),
        pages: 0,
        iterations: options.iterations,
        warmup: options.warmup,
        api: Vec::new(),
        end_to_end: Vec::new(),
        rest: Vec::new(),
        idle_rss_kb,
        peak_rss_kb: 0,
        upload_bytes: 0,
    };
    for i in 0..options.warmup + options.iterations {
        let id = format!("{}-{i}", target.name());
        let api_first = i % 2 == 0;
        let mut api = None;
        if api_first {
            api = Some(api_time(http, url, &nautobot.admin_token, options).await);
        }
        let (end_to_end, uploaded) =
            end_to_end(http, slack, &hook, &text, &id, names, options.verbose && i == 0).await;
        if !api_first {
            api = Some(api_time(http, url, &nautobot.admin_token, options).await);
        }
        let (api, pages) = api.expect("measured");
        report.pages = pages;
        report.upload_bytes = uploaded;
        let phase = if i < options.warmup { "warm-up" } else { "" };
        eprintln!(
            "{:<6} {:>3} {phase:<7}  (a) {:>12}  (b) {:>12}  (b)-(a) {:>10}",
            target.name(),
            i,
            ms(api.as_micros() as i128),
            ms(end_to_end.as_micros() as i128),
            ms(end_to_end.as_micros() as i128 - api.as_micros() as i128)
        );
        if i >= options.warmup {
            report.api.push(api);
            report.end_to_end.push(end_to_end);
        }
        if options.rest && target == Target::Real {
            let rest = rest_time(http, url, &nautobot.admin_token, options).await;
            eprintln!(
                "{:<6} {:>3} {phase:<7}  (c) {:>12}",
                "",
                i,
                ms(rest.as_micros() as i128)
            );
            if i >= options.warmup {
                report.rest.push(rest);
            }
        }
    }
    report.peak_rss_kb = gateway.status_kib("VmHWM");
    drop(gateway);
    report
}

/// The body the worker posts to `/api/graphql/` for `get-devices location …`.
fn worker_query(options: &Options) -> serde_json::Value {
    let (query, variables) = devices_query("location", &options.location);
    serde_json::json!({"query": query, "variables": variables})
}

/// Sends `post` (to `url`) with `token` and the worker's query; panics unless
/// Nautobot answers 200.
async fn post_query(
    post: reqwest::RequestBuilder,
    url: &str,
    token: &str,
    options: &Options,
) -> reqwest::Response {
    let answer = post
        .header("Authorization", format!("Token {token}"))
        .header("Accept", "application/json")
        .json(&worker_query(options))
        .send()
        .await
        .unwrap_or_else(|err| panic!("POST {url}: {err}"));
    assert_eq!(answer.status(), reqwest::StatusCode::OK, "POST {url}");
    answer
}

/// (a): the worker's query, straight to `base`; returns the time and the number of requests.
async fn api_time(http: &reqwest::Client, base: &str, token: &str, options: &Options) -> (Duration, usize) {
    let url = format!("{base}/api/graphql/");
    let started = Instant::now();
    let answer = post_query(http.post(&url).header("User-Agent", TOOL), &url, token, options).await;
    let body = answer
        .bytes()
        .await
        .unwrap_or_else(|err| panic!("POST {url}: {err}"));
    let elapsed = started.elapsed();
    // Checked after the clock stops.
    assert_eq!(
        occurrences(&body, b"\"primary_ip4\":"),
        options.devices,
        "(a) read every device from {base}"
    );
    (elapsed, 1)
}

/// (c): the same devices over REST at `?depth=1` in pages of 1 000 (what the worker asked
/// before it used GraphQL), straight to `base`.
async fn rest_time(http: &reqwest::Client, base: &str, token: &str, options: &Options) -> Duration {
    let mut url = format!(
        "{base}/api/dcim/devices/?location={}&depth=1&limit=1000",
        options.location
    );
    let mut devices = 0;
    let started = Instant::now();
    loop {
        let answer = http
            .get(&url)
            .header("Authorization", format!("Token {token}"))
            .header("Accept", "application/json")
            .send()
            .await
            .unwrap_or_else(|err| panic!("GET {url}: {err}"));
        assert_eq!(answer.status(), reqwest::StatusCode::OK, "GET {url}");
        let page: serde_json::Value = answer
            .json()
            .await
            .unwrap_or_else(|err| panic!("GET {url}: {err}"));
        devices += page["results"].as_array().map_or(0, Vec::len);
        match page["next"].as_str() {
            Some(next) => url = next.to_owned(),
            None => break,
        }
    }
    let elapsed = started.elapsed();
    assert_eq!(devices, options.devices, "(c) read every device");
    elapsed
}

/// How many times `needle` occurs in `haystack`.
fn occurrences(haystack: &[u8], needle: &[u8]) -> usize {
    haystack.windows(needle.len()).filter(|w| *w == needle).count()
}

/// (b): the slash command through the gateway, until the answer is complete at the fake
/// Slack; checks it names every device. Returns the time and the size of the uploaded file.
async fn end_to_end(
    http: &reqwest::Client,
    slack: &LiveSlack,
    hook: &str,
    text: &str,
    id: &str,
    names: &[String],
    verbose: bool,
) -> (Duration, usize) {
    slack.mark(id);
    let body = slash_command(
        WORKSPACE,
        &channel_of(id),
        ADMIN_CHAT_USER,
        "/nautobot",
        text,
        &slack.response_url(id),
    );
    let timestamp = now().to_string();
    let signature = sign(QUICKSTART_SIGNING_SECRET.as_bytes(), &timestamp, body.as_bytes());
    let request = http
        .post(hook)
        .header("X-Slack-Request-Timestamp", timestamp)
        .header("X-Slack-Signature", signature)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body);
    let started = Instant::now();
    let ack = request.send().await.expect("the gateway answers");
    assert_eq!(
        ack.status(),
        reqwest::StatusCode::OK,
        "/nautobot {text} acknowledged"
    );
    let elapsed = loop {
        if answered(&slack.requests_since(id), id) {
            break started.elapsed();
        }
        assert!(
            started.elapsed() < PATIENCE,
            "no complete answer to {id} within {PATIENCE:?}: {}",
            answer_text(slack, id)
        );
        tokio::time::sleep(POLL).await;
    };
    let since = slack.requests_since(id);
    if verbose {
        let sent: Vec<String> = since
            .iter()
            .map(|r| format!("{} ({} bytes)", r.path, r.body.len()))
            .collect();
        eprintln!("the gateway sent: {}", sent.join(", "));
    }
    let answer = answer_text(slack, id);
    let missing: Vec<&String> = names.iter().filter(|n| !answer.contains(n.as_str())).collect();
    assert!(
        missing.is_empty(),
        "the answer to {id} lacks {} of {} devices, e.g. {:?}; it was: {}",
        missing.len(),
        names.len(),
        missing.first(),
        &answer[..answer.len().min(2000)]
    );
    let uploaded = since
        .iter()
        .filter(|r| r.path.starts_with("/upload/"))
        .map(|r| r.body.len())
        .sum();
    (elapsed, uploaded)
}

/// Whether the answer to `id` is complete: a post to its response URL (an answer without
/// files, or the note that a private answer went to direct messages, sent last), or the
/// completed upload of the table in the asker's channel.
fn answered(since: &[Recorded], id: &str) -> bool {
    let response = format!("/response/{id}");
    let channel = channel_of(id);
    since.iter().any(|r| {
        r.path == response
            || (r.path == "/api/files.completeUploadExternal"
                && form_urlencoded::parse(&r.body).any(|(k, v)| k == "channel_id" && v == channel))
    })
}

/// The real Nautobot's answer to the worker's query, as the replay serves it, and the device names in it.
struct Captured {
    answer: Bytes,
    names: Vec<String>,
}

#[derive(Default)]
struct Seen {
    /// The GraphQL bodies the gateway posted.
    queries: Vec<serde_json::Value>,
    /// Requests for anything else.
    unexpected: Vec<String>,
}

#[derive(Clone)]
struct ReplayState {
    answer: Bytes,
    seen: Arc<Mutex<Seen>>,
}

/// A server answering the worker's query with a captured answer: the Nautobot a gateway
/// sees, without Nautobot's cost.
struct Replay {
    listener: Mutex<Option<tokio::net::TcpListener>>,
    addr: SocketAddr,
    seen: Arc<Mutex<Seen>>,
}

impl Replay {
    fn bind() -> Replay {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a port for the replay");
        listener.set_nonblocking(true).expect("non-blocking");
        let addr = listener.local_addr().expect("its address");
        let listener = tokio::net::TcpListener::from_std(listener).expect("a tokio listener");
        Replay {
            listener: Mutex::new(Some(listener)),
            addr,
            seen: Arc::default(),
        }
    }

    fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Asks the real Nautobot the worker's query once, and keeps its answer.
    async fn capture(
        &self,
        http: &reqwest::Client,
        endpoint: &str,
        token: &str,
        options: &Options,
    ) -> Captured {
        let url = format!("{endpoint}/api/graphql/");
        let answer = post_query(http.post(&url), &url, token, options).await;
        let body = answer.bytes().await.expect("an answer");
        let decoded: serde_json::Value = serde_json::from_slice(&body).expect("a JSON answer");
        let names = decoded["data"]["devices"]
            .as_array()
            .unwrap_or_else(|| panic!("no devices in {decoded}"))
            .iter()
            .map(|device| device["name"].as_str().expect("a device name").to_owned())
            .collect();
        Captured { answer: body, names }
    }

    /// Starts serving `captured` (once); returns the endpoint to give the gateway.
    fn serve(&self, captured: &Captured) -> String {
        let state = ReplayState {
            answer: captured.answer.clone(),
            seen: self.seen.clone(),
        };
        let listener = self
            .listener
            .lock()
            .unwrap()
            .take()
            .expect("the replay serves once");
        let app = Router::new().fallback(replay_answer).with_state(state);
        tokio::spawn(async move { axum::serve(listener, app).await });
        self.origin()
    }

    /// Panics unless the gateway asked only the worker's query.
    fn check(&self, options: &Options) {
        let seen = self.seen.lock().unwrap();
        assert!(
            seen.unexpected.is_empty(),
            "the gateway asked the replay for more than the devices query: {:?}",
            seen.unexpected
        );
        let wanted = worker_query(options);
        assert!(
            seen.queries.iter().all(|q| *q == wanted),
            "the gateway asked {:?}, not the worker's query {wanted}",
            seen.queries
        );
    }
}

async fn replay_answer(
    State(state): State<ReplayState>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    if uri.path() != "/api/graphql/" {
        state.seen.lock().unwrap().unexpected.push(uri.to_string());
        return (StatusCode::NOT_FOUND, "{\"detail\":\"Not found.\"}").into_response();
    }
    let ours = headers.get(header::USER_AGENT).is_some_and(|agent| agent == TOOL);
    if !ours {
        let query = serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null);
        state.seen.lock().unwrap().queries.push(query);
    }
    ([(header::CONTENT_TYPE, "application/json")], state.answer.clone()).into_response()
}
