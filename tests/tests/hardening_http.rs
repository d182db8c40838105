//! The gateway binary under attack at the HTTP layer (issue 15): connections
//! that send nothing or trickle their headers, a low open-file limit,
//! forwarded headers from anyone, and one user or one slow integration
//! taking every command slot.

use std::{
    net::SocketAddr,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use axum::http::StatusCode;
use chatops_tests::{
    copy_quickstart,
    fake_mattermost::FakeMattermost,
    fake_slack::FakeSlack,
    gateway_process::{Gateway, metric},
    quickstart::{ALICE, BOB, CAROL, FORM, PATIENCE, WORKSPACE},
    quickstart_dir,
};
use serde_json::Value;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
    sync::Mutex,
};

fn quickstart() -> std::path::PathBuf {
    quickstart_dir()
}

/// A signed `/command text` from `user` to `url`, answered at the fake's response URL `id`.
async fn slash_at(
    url: &str,
    fake: &FakeSlack,
    user: &str,
    command: &str,
    text: &str,
    id: &str,
) -> reqwest::Response {
    fake.slash(url, WORKSPACE, user, command, text, id).await
}

/// The body posted to the fake's response URL `id`, once it arrives.
async fn answer(fake: &FakeSlack, id: &str) -> String {
    fake.answer(id).await
}

/// `GET /healthz` on a new connection: the status, and how long it took.
async fn healthz(admin: SocketAddr) -> (Option<StatusCode>, Duration) {
    let started = Instant::now();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let status = client
        .get(format!("http://{admin}/healthz"))
        .send()
        .await
        .ok()
        .map(|r| r.status());
    (status, started.elapsed())
}

/// Connections that hold a listener without ever completing a request:
/// `idle` that send nothing, and `slow` that send a request line and then
/// one header byte every 300 ms (a slowloris), for as long as they live.
/// Counts how many the gateway closed.
struct Hostile {
    closed: Arc<AtomicUsize>,
    opened: usize,
    _tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Hostile {
    async fn open(addr: SocketAddr, idle: usize, slow: usize) -> Hostile {
        let closed = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        let mut opened = 0;
        let slow_streams = Arc::new(Mutex::new(Vec::new()));
        for i in 0..idle + slow {
            let Ok(Ok(mut stream)) =
                tokio::time::timeout(Duration::from_secs(2), TcpStream::connect(addr)).await
            else {
                continue;
            };
            opened += 1;
            if i >= idle {
                let _ = stream
                    .write_all(b"POST /hooks/slack/commands HTTP/1.1\r\nHost: gateway\r\n")
                    .await;
                let (read, write) = stream.into_split();
                slow_streams.lock().await.push(write);
                tasks.push(tokio::spawn(wait_closed(read, closed.clone())));
            } else {
                tasks.push(tokio::spawn(wait_closed(stream, closed.clone())));
            }
        }
        // One task trickles a byte into every slow connection; a failed write means closed.
        tasks.push(tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(300)).await;
                let mut streams = slow_streams.lock().await;
                let mut alive = Vec::with_capacity(streams.len());
                for mut stream in streams.drain(..) {
                    if stream.write_all(b"X").await.is_ok() {
                        alive.push(stream);
                    }
                }
                *streams = alive;
            }
        }));
        Hostile {
            closed,
            opened,
            _tasks: tasks,
        }
    }

    fn closed(&self) -> usize {
        self.closed.load(Ordering::Relaxed)
    }
}

/// Waits until the peer closes `stream` (EOF or an error), and counts it.
async fn wait_closed(mut stream: impl AsyncReadExt + Unpin, closed: Arc<AtomicUsize>) {
    let mut buf = [0u8; 1024];
    loop {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
    }
    closed.fetch_add(1, Ordering::Relaxed);
}

/// Issue 15, item 1. Without a header timeout, a connection limit and limits
/// that fit `ulimit -n`, 500 connections that never finish a request used up
/// the gateway's 256 descriptors: every accept failed ("Too many open
/// files"), `/healthz` included. Here the timeouts are long (60 s), so only
/// the connection limits, the admin listener's own, and the eviction of
/// waiting connections keep the gateway answering.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_and_slow_connections_neither_use_up_descriptors_nor_lock_out_requests() {
    let fake = FakeSlack::start().await;
    let gateway = Gateway::start_limited(
        &quickstart(),
        &fake.api_url(),
        256,
        &[
            "--header-read-timeout-seconds",
            "60",
            "--idle-timeout-seconds",
            "60",
        ],
    )
    .await;
    assert_eq!(gateway.open_file_limit(), Some(256), "the limit is in force");
    let rss_before = gateway.rss_kib();

    let attack_started = Instant::now();
    let webhooks = Hostile::open(gateway.addr, 200, 200).await;
    let admin = Hostile::open(gateway.admin, 100, 0).await;
    let opened = webhooks.opened + admin.opened;
    let opening = attack_started.elapsed();
    // Let the trickle run a while, so the slow connections are mid-headers.
    tokio::time::sleep(Duration::from_secs(2)).await;

    let mut health = Vec::new();
    for _ in 0..5 {
        let (status, took) = healthz(gateway.admin).await;
        assert_eq!(
            status,
            Some(StatusCode::OK),
            "/healthz under attack:\n{}",
            gateway.logs()
        );
        health.push(took);
    }
    let sent = Instant::now();
    let ack = slash_at(
        &gateway.url("/hooks/slack/commands"),
        &fake,
        BOB,
        "/chatops",
        "whoami",
        "under-attack",
    )
    .await;
    let acked = sent.elapsed();
    assert_eq!(ack.status(), StatusCode::OK);
    let text = answer(&fake, "under-attack").await;
    assert!(text.contains(BOB), "{text}");
    let answered = sent.elapsed();

    let held_webhooks = metric(
        gateway.admin,
        "chatops_gateway_open_connections",
        &[("listener", "webhooks")],
    )
    .await;
    let held_admin = metric(
        gateway.admin,
        "chatops_gateway_open_connections",
        &[("listener", "admin")],
    )
    .await;
    let evicted = metric(
        gateway.admin,
        "chatops_gateway_connections_closed_total",
        &[("reason", "evicted")],
    )
    .await;
    let open_files = gateway.open_files();
    let rss_after = gateway.rss_kib();
    eprintln!(
        "ulimit -n 256: {opened} hostile connections opened in {opening:?}; the gateway holds {held_webhooks} \
         (webhooks) + {held_admin} (admin), {open_files} descriptors open; {evicted} evicted, {} closed \
         seen by the clients; /healthz took {health:?}; the signed command was acknowledged in {acked:?} and \
         answered in {answered:?}; RSS {rss_before} KiB before, {rss_after} KiB after",
        webhooks.closed() + admin.closed(),
    );
    assert!(opened >= 450, "the test opened {opened} connections");
    assert!(
        held_webhooks >= 50.0,
        "the webhook listener holds connections up to its limit"
    );
    assert!(held_webhooks + held_admin < 256.0);
    assert!(evicted > 0.0, "connections were evicted to make room");
    assert!(open_files < 256, "{open_files} descriptors open");
    let logs = gateway.logs();
    assert!(!logs.contains("Too many open files"), "{logs}");
    assert!(
        logs.contains("lowered to"),
        "the limits were lowered to fit: {logs}"
    );
    assert!(rss_after < 100 * 1024, "RSS {rss_after} KiB");
}

/// Issue 15, item 1: a connection that sends nothing, or trickles its
/// headers, is closed after the header-read timeout; a kept-alive connection
/// after the idle timeout, which is longer (a request after an idle time
/// longer than the header timeout is still served).
#[tokio::test]
async fn silent_trickling_and_idle_connections_are_closed_after_their_timeouts() {
    let fake = FakeSlack::start().await;
    let gateway = Gateway::start(
        &quickstart(),
        &fake.api_url(),
        &[
            "--header-read-timeout-seconds",
            "1",
            "--idle-timeout-seconds",
            "3",
        ],
    )
    .await;

    let silent = tokio::spawn(closed_after(TcpStream::connect(gateway.addr).await.unwrap()));
    let mut trickling = TcpStream::connect(gateway.addr).await.unwrap();
    trickling
        .write_all(b"POST /hooks/slack/commands HTTP/1.1\r\nHost: gateway\r\n")
        .await
        .unwrap();
    let (read, mut write) = trickling.into_split();
    let trickled = tokio::spawn(closed_after(read));
    let trickle = tokio::spawn(async move {
        while write.write_all(b"X").await.is_ok() {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });

    // Kept alive on the admin port: a request, 2 s idle (over the header
    // timeout), another request, then idle until closed.
    let mut kept = TcpStream::connect(gateway.admin).await.unwrap();
    let request = b"GET /healthz HTTP/1.1\r\nHost: gateway\r\n\r\n";
    kept.write_all(request).await.unwrap();
    let first = read_response(&mut kept).await;
    assert!(first.starts_with("HTTP/1.1 200"), "{first}");
    tokio::time::sleep(Duration::from_secs(2)).await;
    kept.write_all(request).await.unwrap();
    let second = read_response(&mut kept).await;
    assert!(
        second.starts_with("HTTP/1.1 200"),
        "kept alive over the header timeout: {second}"
    );
    let idle = closed_after(kept).await;

    let silent = silent.await.unwrap();
    let trickled = trickled.await.unwrap();
    trickle.abort();
    eprintln!("closed after: silent {silent:?}, trickling {trickled:?}, idle {idle:?}");
    for (what, took) in [("silent", silent), ("trickling", trickled)] {
        assert!(
            took >= Duration::from_millis(900) && took < Duration::from_millis(2500),
            "{what}: closed after {took:?}"
        );
    }
    assert!(
        idle >= Duration::from_millis(2900) && idle < Duration::from_secs(5),
        "idle: closed after {idle:?}"
    );
    let header = metric(
        gateway.admin,
        "chatops_gateway_connections_closed_total",
        &[("listener", "webhooks"), ("reason", "header_timeout")],
    )
    .await;
    let idled = metric(
        gateway.admin,
        "chatops_gateway_connections_closed_total",
        &[("listener", "admin"), ("reason", "idle_timeout")],
    )
    .await;
    assert_eq!((header, idled), (2.0, 1.0));
}

/// How long until the peer closes `stream` (at most 10 s).
async fn closed_after(mut stream: impl AsyncReadExt + Unpin) -> Duration {
    let started = Instant::now();
    let mut buf = [0u8; 1024];
    let closed = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "the gateway never closed the connection");
    started.elapsed()
}

/// Reads one small HTTP response (headers and a body announced by Content-Length).
async fn read_response(stream: &mut TcpStream) -> String {
    let mut response = Vec::new();
    let mut buf = [0u8; 1024];
    while let Ok(Ok(n)) = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf)).await {
        if n == 0 {
            break;
        }
        response.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&response);
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head
                .lines()
                .find_map(|line| {
                    line.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(str::to_owned)
                })
                .and_then(|value| value.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if body.len() >= length {
                break;
            }
        }
    }
    String::from_utf8_lossy(&response).into_owned()
}

const MM_PLATFORM: &str = "mattermost";
const MM_SLASH_TOKEN: &str = "mmslashtokenchatops0000000";
const MM_TEAM: &str = "mmteam00000000000000000001";

/// The quickstart plus a Mattermost ChatPlatform on `fake`.
fn mattermost_manifests(fake: &FakeMattermost) -> tempfile::TempDir {
    let dir = copy_quickstart();
    let platform = format!(
        r#"apiVersion: chatops.dev/v1alpha1
kind: ChatPlatform
metadata:
  name: {MM_PLATFORM}
  namespace: chatops
spec:
  type: mattermost
  mattermost:
    url: {url}
    botTokenRef: {{name: mattermost, key: bot-token}}
    slashTokenRefs:
      - {{name: mattermost, key: slash-chatops}}
  commandPrefix: /
---
apiVersion: v1
kind: Secret
metadata:
  name: mattermost
  namespace: chatops
type: Opaque
stringData:
  bot-token: mm-bot-token-quickstart-not-for-production
  slash-chatops: {MM_SLASH_TOKEN}
---
apiVersion: chatops.dev/v1alpha1
kind: AccessGrant
metadata:
  name: mattermost-team
  namespace: chatops
spec:
  command: "*"
  subcommand: "*"
  grantType: organization
  name: mattermost-team
  value: {MM_TEAM}
"#,
        url = fake.url()
    );
    std::fs::write(dir.path().join("mattermost.yaml"), platform).unwrap();
    dir
}

/// The URL the menu of `/chatops access` (sent with `X-Forwarded-Host:
/// evil.example` and `X-Forwarded-Proto: https`) tells Mattermost to call back.
async fn menu_callback(gateway: &Gateway, fake: &FakeMattermost, id: &str) -> String {
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("channel_id", "mmchannel00000000000000001")
        .append_pair("command", "/chatops")
        .append_pair("response_url", &fake.response_url(id))
        .append_pair("team_id", MM_TEAM)
        .append_pair("text", "access")
        .append_pair("token", MM_SLASH_TOKEN)
        .append_pair("trigger_id", "dHJpZ2dlcg")
        .append_pair("user_id", "mmalice0000000000000000001")
        .append_pair("user_name", "alice")
        .finish();
    let ack = reqwest::Client::new()
        .post(gateway.url(&format!("/hooks/{MM_PLATFORM}/commands")))
        .header("Content-Type", FORM)
        .header("Authorization", format!("Token {MM_SLASH_TOKEN}"))
        .header("X-Forwarded-Host", "evil.example")
        .header("X-Forwarded-Proto", "https")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(ack.status(), StatusCode::OK);
    let path = format!("/hooks/commands/{id}");
    let menu = fake
        .wait_for(PATIENCE, |r| r.path == path)
        .await
        .unwrap_or_else(|| panic!("no menu on {path}"))
        .json();
    let select = menu["attachments"][0]["actions"]
        .as_array()
        .and_then(|actions| actions.iter().find(|a| a["type"] == "select"))
        .cloned()
        .unwrap_or_else(|| panic!("no menu in {menu}"));
    select["integration"]["url"]
        .as_str()
        .unwrap_or_else(|| panic!("no callback URL in {select}"))
        .to_owned()
}

/// Issue 15, item 5 (forwarded headers). Without --public-url, Mattermost
/// menus call back the URL the slash command reached the gateway by. Anyone
/// who could reach the gateway chose it with `X-Forwarded-Host`; now only a
/// peer in --trusted-proxies may.
#[tokio::test]
async fn forwarded_headers_choose_the_menu_callback_only_from_trusted_proxies() {
    let fake = FakeMattermost::start().await;
    let dir = mattermost_manifests(&fake);
    let slack_api = format!("{}/slack", fake.url());

    let untrusted = Gateway::start(dir.path(), &slack_api, &["--trusted-proxies", "10.0.0.0/8"]).await;
    let url = menu_callback(&untrusted, &fake, "untrusted").await;
    assert_eq!(url, untrusted.url(&format!("/hooks/{MM_PLATFORM}/actions")));

    let trusted = Gateway::start(
        dir.path(),
        &slack_api,
        &["--trusted-proxies", "10.0.0.0/8,127.0.0.1"],
    )
    .await;
    let url = menu_callback(&trusted, &fake, "trusted").await;
    assert_eq!(url, format!("https://evil.example/hooks/{MM_PLATFORM}/actions"));
}

/// A Nautobot that never answers in time: every request waits a minute.
async fn slow_nautobot() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().fallback(|| async {
        tokio::time::sleep(Duration::from_secs(60)).await;
        StatusCode::SERVICE_UNAVAILABLE
    });
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

/// The quickstart with its Nautobot at `nautobot`.
fn with_nautobot(nautobot: SocketAddr) -> tempfile::TempDir {
    let dir = copy_quickstart();
    let path = dir.path().join("nautobot.yaml");
    let manifest = std::fs::read_to_string(&path).unwrap();
    let pointed = manifest.replace(
        "http://nautobot.nautobot.svc.cluster.local:8080",
        &format!("http://{nautobot}"),
    );
    assert_ne!(
        manifest, pointed,
        "the test points the Integration at its Nautobot"
    );
    std::fs::write(&path, pointed).unwrap();
    dir
}

/// The busy text of an acknowledgement, or `None` when the command was accepted.
async fn busy_text(ack: reqwest::Response) -> Option<String> {
    assert_eq!(ack.status(), StatusCode::OK);
    let body = ack.text().await.unwrap();
    if body.is_empty() {
        return None;
    }
    let json: Value = serde_json::from_str(&body).unwrap_or_else(|_| panic!("{body}"));
    Some(json["text"].as_str().unwrap_or_default().to_owned())
}

/// Issue 15, item 6. One semaphore let one user's slow commands (or one slow
/// integration) take every slot, until even `chatops whoami` answered busy.
/// Now a user has a share, an integration has a share, and the busy answer
/// says which limit was reached.
#[tokio::test]
async fn slow_commands_take_only_their_users_and_their_integrations_share() {
    let fake = FakeSlack::start().await;
    let dir = with_nautobot(slow_nautobot().await);
    let gateway = Gateway::start(
        dir.path(),
        &fake.api_url(),
        &[
            "--max-concurrent-commands",
            "16",
            "--max-commands-per-user",
            "2",
            "--max-commands-per-integration",
            "3",
        ],
    )
    .await;
    let url = gateway.url("/hooks/slack/commands");
    let devices = |user: &'static str, id: &'static str| {
        let url = url.clone();
        let fake = fake.clone();
        async move { slash_at(&url, &fake, user, "/nautobot", "get-devices location ams01", id).await }
    };

    assert_eq!(busy_text(devices(ALICE, "a1").await).await, None);
    assert_eq!(busy_text(devices(ALICE, "a2").await).await, None);
    let user_limit = busy_text(devices(ALICE, "a3").await).await;
    assert_eq!(
        user_limit.as_deref(),
        Some("You already have 2 commands running; please wait for one to finish and try again.")
    );
    assert_eq!(busy_text(devices(BOB, "b1").await).await, None);
    let integration_limit = busy_text(devices(CAROL, "c1").await).await;
    assert_eq!(
        integration_limit.as_deref(),
        Some(
            "The nautobot integration is busy: it is at its limit of 3 commands running. Please try again in a moment."
        )
    );

    // The built-in command still runs, for a user with a free slot.
    let whoami = slash_at(&url, &fake, CAROL, "/chatops", "whoami", "whoami").await;
    assert_eq!(busy_text(whoami).await, None);
    assert!(answer(&fake, "whoami").await.contains(CAROL));

    let requests = "chatops_gateway_webhook_requests_total";
    for (outcome, expected) in [
        ("busy_user", 1.0),
        ("busy_integration", 1.0),
        ("busy", 0.0),
        ("accepted", 4.0),
    ] {
        let counted = metric(gateway.admin, requests, &[("outcome", outcome)]).await;
        assert_eq!(counted, expected, "outcome {outcome}");
    }
}
