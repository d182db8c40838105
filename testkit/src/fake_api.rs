//! What every fake chat API of these tests shares: a server on a loopback port
//! that records every request and answers each the way the test scripted, else
//! the way its [`Platform`] does. The platform fakes (`fake_slack`,
//! `fake_mattermost`, `fake_webex`, `fake_teams`, the live Slack of
//! `nautobot_live`) are each a [`Platform`] and a type alias of [`FakeApi`] over it,
//! so that only what a platform answers differs between them.

use std::{
    collections::VecDeque,
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, Method, StatusCode, Uri},
    response::{IntoResponse, Response},
};
use serde_json::Value;

use crate::quickstart::PATIENCE;

/// One request the fake received.
#[derive(Clone, Debug)]
pub struct Recorded {
    /// The HTTP method.
    pub method: Method,
    /// The path, e.g. `/api/chat.postMessage` or `/response/1`.
    pub path: String,
    /// The query string without its `?` (empty when none), for the APIs
    /// that page and filter by query parameters (AWX).
    pub query: String,
    /// The headers.
    pub headers: HeaderMap,
    /// The raw body.
    pub body: Bytes,
}

impl Recorded {
    /// The body as JSON (response_url and most Web API calls), or `Null`.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The header `name` as text, if it came.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().expect("a text header"))
    }

    /// The body as form fields, in order.
    pub fn form(&self) -> Vec<(String, String)> {
        form_urlencoded::parse(&self.body).into_owned().collect()
    }
}

/// A scripted answer: status, headers, body.
#[derive(Clone, Debug)]
pub struct Scripted {
    /// HTTP status.
    pub status: StatusCode,
    /// Extra headers, e.g. `Retry-After`.
    pub headers: Vec<(&'static str, String)>,
    /// The body.
    pub body: String,
}

impl Scripted {
    /// An answer with `status` and `body`, and no extra headers.
    pub fn new(status: StatusCode, body: impl Into<String>) -> Scripted {
        Scripted {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// The answer plus the header `name: value`.
    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Scripted {
        self.headers.push((name, value.into()));
        self
    }

    /// A `429 Too Many Requests` with `Retry-After: {seconds}` and `body`.
    pub fn too_many_requests(seconds: u64, body: impl Into<String>) -> Scripted {
        Scripted::new(StatusCode::TOO_MANY_REQUESTS, body).with_header("retry-after", seconds.to_string())
    }
}

impl IntoResponse for Scripted {
    fn into_response(self) -> Response {
        let mut response = (self.status, self.body).into_response();
        for (name, value) in self.headers {
            response.headers_mut().insert(name, value.parse().unwrap());
        }
        response
    }
}

/// The value of the first rule in `rules` whose prefix starts `path`: how
/// the backend fakes find the delay or the garbage a test set on a path
/// (`slow_down`, `garble`).
pub fn rule_for<T: Copy>(rules: &[(String, T)], path: &str) -> Option<T> {
    rules
        .iter()
        .find(|(prefix, _)| path.starts_with(prefix.as_str()))
        .map(|(_, value)| *value)
}

/// The faults a test sets on a backend fake, by path prefix: answers held
/// back ([`FakeApi::slow_down`]) or garbled ([`FakeApi::garble`]).
#[derive(Debug)]
pub struct Faults<G> {
    slow: Vec<(String, Duration)>,
    garbled: Vec<(String, G)>,
}

impl<G> Default for Faults<G> {
    fn default() -> Self {
        Faults {
            slow: Vec::new(),
            garbled: Vec::new(),
        }
    }
}

impl<G: Copy> Faults<G> {
    /// How long the answer to `path` is held back, if a test said so.
    pub fn delay_for(&self, path: &str) -> Option<Duration> {
        rule_for(&self.slow, path)
    }

    /// What `path` is answered instead of the backend's answer, if a test
    /// said so.
    pub fn garbage_for(&self, path: &str) -> Option<G> {
        rule_for(&self.garbled, path)
    }
}

/// A backend fake whose answers a test can hold back or garble: its
/// [`FakeApi`] then has `slow_down`, `garble` and `mend`.
pub trait Faulty: Platform {
    /// What a garbled answer may be instead of the backend's (a proxy's
    /// sign-in page, cut-off JSON, the wrong shape, ...).
    type Garbage: Copy + Send + 'static;

    /// The faults set on this fake.
    fn faults(&mut self) -> &mut Faults<Self::Garbage>;

    /// Turns off this fake's own further knobs (a rate limit, a refusal),
    /// when [`FakeApi::mend`] turns off the faults.
    fn mend_own(&mut self) {}
}

impl<P: Faulty> FakeApi<P> {
    /// Holds back every answer whose path starts with `prefix` by `by`; the
    /// request is still served, only its answer comes late.
    pub fn slow_down(&self, prefix: &str, by: Duration) {
        self.with(|platform, _| platform.faults().slow.push((prefix.to_owned(), by)));
    }

    /// Answers every request whose path starts with `prefix` with `garbage`
    /// instead of the backend's answer; nothing is served (a change changes
    /// nothing).
    pub fn garble(&self, prefix: &str, garbage: P::Garbage) {
        self.with(|platform, _| platform.faults().garbled.push((prefix.to_owned(), garbage)));
    }

    /// Turns [`FakeApi::slow_down`] and [`FakeApi::garble`] off, and the
    /// fake's own further knobs ([`Faulty::mend_own`]): it answers as the
    /// backend again, with what it holds.
    pub fn mend(&self) {
        self.with(|platform, _| {
            let faults = platform.faults();
            faults.slow.clear();
            faults.garbled.clear();
            platform.mend_own();
        });
    }
}

/// A JSON answer, as the chat APIs give.
pub fn json_response(status: StatusCode, body: &Value) -> Response {
    (status, [("content-type", "application/json")], body.to_string()).into_response()
}

/// What one fake answers where the test scripted nothing, and what it keeps of
/// each request. Its value is the fake's state (stored messages, counters, …).
pub trait Platform: Send + 'static {
    /// What the fake keeps of each request: [`Recorded`], or more where the
    /// tests check how the fake answered (Teams).
    type Entry: From<Recorded> + Clone + Send + 'static;

    /// The answer to a request no script answered. `addr` is where the fake
    /// listens, for answers that point back at it (upload URLs).
    fn respond(&mut self, entry: &mut Self::Entry, addr: SocketAddr) -> Response;

    /// Whether a scripted answer may answer this request (by default every one
    /// may; Teams keeps scripts for its Bot Connector, so that token and key
    /// fetches do not use them up).
    fn takes_script(_entry: &Self::Entry) -> bool {
        true
    }

    /// Notes on the entry the status it was answered with (by default nothing).
    fn answered(_entry: &mut Self::Entry, _status: StatusCode) {}

    /// How long to hold the answer back, as a server that hangs does (by
    /// default not at all): for the callers' timeouts.
    fn holds_back(_entry: &Self::Entry) -> Option<Duration> {
        None
    }

    /// How long the fake's state says to hold the answer to `entry` back (a
    /// knob a test turns on a running fake, as `FakeAwx::slow_down`; by
    /// default never): asked under the fake's lock, after [`Platform::respond`].
    fn delays(&self, _entry: &Self::Entry) -> Option<Duration> {
        None
    }
}

struct Shared<P: Platform> {
    requests: Vec<P::Entry>,
    script: VecDeque<Scripted>,
    platform: P,
}

/// A running fake of platform `P`.
pub struct FakeApi<P: Platform> {
    /// Where it listens.
    pub addr: SocketAddr,
    shared: Arc<Mutex<Shared<P>>>,
}

// Not derived: the derive would ask `P: Clone`, and the state is shared, not copied.
impl<P: Platform> Clone for FakeApi<P> {
    fn clone(&self) -> Self {
        FakeApi {
            addr: self.addr,
            shared: self.shared.clone(),
        }
    }
}

impl<P: Platform> FakeApi<P> {
    /// Starts a fake of `platform` on an ephemeral loopback port.
    pub async fn serve(platform: P) -> FakeApi<P> {
        FakeApi::serve_on(platform, "127.0.0.1:0".parse().unwrap()).await
    }

    /// Starts a fake of `platform` listening on `addr` (the fakes' binaries
    /// take a fixed port).
    pub async fn serve_on(platform: P, addr: SocketAddr) -> FakeApi<P> {
        let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
        let fake = FakeApi::over(platform, listener.local_addr().unwrap());
        let app = Router::new().fallback(answer::<P>).with_state(fake.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        fake
    }

    /// Starts a fake of `platform` listening on `addr` over HTTPS, with a
    /// self-signed certificate for `127.0.0.1` and `localhost`: for the
    /// vendor SDKs that speak only `https://` (cvprac), which then must not
    /// verify it.
    pub async fn serve_tls_on(platform: P, addr: SocketAddr) -> FakeApi<P> {
        let listener = crate::tls_listener::TlsListener::bind(addr).await;
        let fake = FakeApi::over(platform, listener.local_addr());
        let app = Router::new().fallback(answer::<P>).with_state(fake.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        fake
    }

    fn over(platform: P, addr: SocketAddr) -> FakeApi<P> {
        FakeApi {
            addr,
            shared: Arc::new(Mutex::new(Shared {
                requests: Vec::new(),
                script: VecDeque::new(),
                platform,
            })),
        }
    }

    /// `http://{addr}{path}`: a URL on the fake.
    pub fn url_of(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Answers the next request a script may answer ([`Platform::takes_script`])
    /// with `scripted` instead of the default.
    pub fn script(&self, scripted: Scripted) {
        self.shared.lock().unwrap().script.push_back(scripted);
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<P::Entry> {
        self.shared.lock().unwrap().requests.clone()
    }

    /// Runs `f` on the platform's state and the requests so far, under the fake's lock.
    pub fn with<T>(&self, f: impl FnOnce(&mut P, &[P::Entry]) -> T) -> T {
        let mut shared = self.shared.lock().unwrap();
        let shared = &mut *shared;
        f(&mut shared.platform, &shared.requests)
    }

    /// Waits (up to `limit`) until some request satisfies `matches`, and returns it.
    pub async fn wait_for(&self, limit: Duration, matches: impl Fn(&P::Entry) -> bool) -> Option<P::Entry> {
        crate::wait::within(limit, || self.requests().into_iter().find(|r| matches(r))).await
    }

    /// Waits (up to `limit`) until `count` requests satisfy `matches`, and
    /// returns them all; panics naming `what` when they do not come.
    pub async fn wait_for_all(
        &self,
        limit: Duration,
        count: usize,
        what: &str,
        matches: impl Fn(&P::Entry) -> bool,
    ) -> Vec<P::Entry> {
        crate::wait::until(limit, what, || {
            let found: Vec<P::Entry> = self.requests().into_iter().filter(|r| matches(r)).collect();
            (found.len() >= count).then_some(found)
        })
        .await
    }
}

impl<P: Platform + Default> FakeApi<P> {
    /// Starts a fake of `P` in its first state on an ephemeral loopback port.
    pub async fn start() -> FakeApi<P> {
        FakeApi::serve(P::default()).await
    }
}

impl<P: Platform<Entry = Recorded>> FakeApi<P> {
    /// `METHOD /path` of every request so far, for failure messages.
    pub fn method_paths(&self) -> Vec<String> {
        self.requests()
            .iter()
            .map(|r| format!("{} {}", r.method, r.path))
            .collect()
    }

    /// The first DELETE the fake got, once it comes (within [`PATIENCE`]):
    /// the prompt an answer took away.
    pub async fn deleted(&self) -> Recorded {
        self.wait_for(PATIENCE, |r| r.method == Method::DELETE)
            .await
            .unwrap_or_else(|| panic!("nothing deleted: {:?}", self.method_paths()))
    }

    /// Waits (within [`PATIENCE`]) until two requests came to `path`, and
    /// asserts that they are the same: an answer the fake refused (a scripted
    /// 429), sent again.
    pub async fn assert_resent(&self, path: &str) {
        let attempts = self
            .wait_for_all(PATIENCE, 2, "the answer resent", |r| r.path == path)
            .await;
        assert_eq!(
            attempts[0].body, attempts[1].body,
            "the identical request is resent"
        );
    }
}

async fn answer<P: Platform>(
    State(fake): State<FakeApi<P>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut entry = P::Entry::from(Recorded {
        method,
        path: uri.path().to_owned(),
        query: uri.query().unwrap_or_default().to_owned(),
        headers,
        body,
    });
    let mut hold = P::holds_back(&entry);
    let response = {
        let mut shared = fake.shared.lock().unwrap();
        let shared = &mut *shared;
        let scripted = if P::takes_script(&entry) {
            shared.script.pop_front()
        } else {
            None
        };
        let response = match scripted {
            Some(scripted) => scripted.into_response(),
            None => shared.platform.respond(&mut entry, fake.addr),
        };
        P::answered(&mut entry, response.status());
        hold = hold.max(shared.platform.delays(&entry));
        shared.requests.push(entry);
        response
    };
    if let Some(hold) = hold {
        tokio::time::sleep(hold).await;
    }
    response
}

/// The `main` of a `fake-<name>` binary (`tests/src/bin/`), for the tests
/// that drive a fake with the vendor's own SDK (`tests/python/`): serves
/// `platform` on `--listen ADDR` (`127.0.0.1:0` by default), over HTTPS
/// with `--tls` ([`FakeApi::serve_tls_on`]), prints `listening on
/// http://ADDR` (`https://`) once it accepts connections, then serves until
/// killed. An unknown argument or a bad address stops it with usage.
pub async fn serve_until_killed<P: Platform>(platform: P, name: &str) {
    let mut args = std::env::args().skip(1);
    let mut listen = "127.0.0.1:0".to_owned();
    let mut tls = false;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--listen" => listen = args.next().expect("--listen takes an address"),
            "--tls" => tls = true,
            other => panic!("unknown argument {other}; usage: fake-{name} [--listen ADDR] [--tls]"),
        }
    }
    let addr = listen
        .parse()
        .unwrap_or_else(|e| panic!("--listen {listen} is not an address: {e}"));
    let (fake, scheme) = if tls {
        (FakeApi::serve_tls_on(platform, addr).await, "https")
    } else {
        (FakeApi::serve_on(platform, addr).await, "http")
    };
    println!("listening on {scheme}://{}", fake.addr);
    std::future::pending::<()>().await;
}
