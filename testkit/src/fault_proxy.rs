//! A fault-injecting HTTP proxy for the failure tests: put in front of any
//! fake (a chat API, a backend), it forwards each request and hands back the
//! fake's answer, except where a test scripted a [`Fault`] for it: a status
//! of its own (500, 429 with `Retry-After`), an answer held back past the
//! caller's timeout, or the connection reset in the middle of the answer.
//! [`FaultProxy::die_after`] takes the whole service away after some
//! requests, as a backend that crashes in the middle of a command.
//!
//! It counts every request it received ([`FaultProxy::count`]), so a test can
//! say that a call which must not run twice (a job launch) arrived once.
//!
//! Raw TCP and HTTP/1.1, one request per connection (`Connection: close`):
//! a reset is a real `RST` (linger 0) after part of the answer, and a dead
//! service refuses connections, as the kernel does for a crashed process.

use std::{
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::Duration,
};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
    sync::watch,
};

/// What the proxy does to a request a rule matches.
#[derive(Clone, Debug)]
pub enum Fault {
    /// Answers `status` with `body` itself, without forwarding: the service
    /// refused (a 500) or throttled (a 429) and did nothing.
    Status {
        /// The HTTP status.
        status: u16,
        /// `Retry-After` in seconds, if any.
        retry_after: Option<u64>,
        /// The body.
        body: String,
    },
    /// Forwards the request (the service acts on it) and holds the answer
    /// back this long: a service slower than its caller's timeout.
    Late(Duration),
    /// Forwards the request (the service acts on it), then sends the
    /// answer's head and half its body and resets the connection.
    Reset,
}

impl Fault {
    /// A `500 Internal Server Error`.
    pub fn internal_error() -> Fault {
        Fault::Status {
            status: 500,
            retry_after: None,
            body: r#"{"detail": "internal error (injected)"}"#.to_owned(),
        }
    }

    /// A `429 Too Many Requests` with `Retry-After: {seconds}`.
    pub fn too_many_requests(seconds: u64) -> Fault {
        Fault::Status {
            status: 429,
            retry_after: Some(seconds),
            body: r#"{"ok": false, "error": "ratelimited"}"#.to_owned(),
        }
    }
}

/// Which requests a fault applies to: a method (or any) and a path prefix,
/// the first `times` matches (or all) after the first `skip`.
#[derive(Clone, Debug)]
pub struct Rule {
    method: Option<String>,
    prefix: String,
    skip: usize,
    times: Option<usize>,
    fault: Fault,
    matched: usize,
}

impl Rule {
    /// `fault` on every request whose path starts with `prefix`, by `method`
    /// (`"*"` for any).
    pub fn new(method: &str, prefix: &str, fault: Fault) -> Rule {
        Rule {
            method: (method != "*").then(|| method.to_ascii_uppercase()),
            prefix: prefix.to_owned(),
            skip: 0,
            times: None,
            fault,
            matched: 0,
        }
    }

    /// Only the first `n` matching requests (then they pass).
    pub fn times(mut self, n: usize) -> Rule {
        self.times = Some(n);
        self
    }

    /// Leaves the first `n` matching requests alone.
    pub fn skip(mut self, n: usize) -> Rule {
        self.skip = n;
        self
    }

    /// Whether the rule takes the request (and counts it if so).
    fn takes(&mut self, method: &str, path: &str) -> bool {
        if self.method.as_deref().is_some_and(|m| m != method) || !path.starts_with(&self.prefix) {
            return false;
        }
        self.matched += 1;
        let nth = self.matched - 1;
        nth >= self.skip && self.times.is_none_or(|times| nth < self.skip + times)
    }
}

/// One request the proxy received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seen {
    /// The method, upper case.
    pub method: String,
    /// The path and query.
    pub path: String,
    /// The fault it got, if any (`Debug` of [`Fault`]), for failure messages.
    pub fault: Option<String>,
}

#[derive(Default)]
struct State {
    rules: Vec<Rule>,
    seen: Vec<Seen>,
    /// After this many requests, the service goes away.
    dies_after: Option<usize>,
}

/// The running proxy; stops when the test's runtime ends.
#[derive(Clone)]
pub struct FaultProxy {
    /// Where it listens.
    pub addr: SocketAddr,
    upstream: String,
    state: Arc<Mutex<State>>,
    dead: watch::Sender<bool>,
}

impl FaultProxy {
    /// A proxy on a loopback port forwarding to `upstream` (`http://host:port`).
    pub async fn start(upstream: &str) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
        let (dead, _) = watch::channel(false);
        let proxy = FaultProxy {
            addr: listener.local_addr().expect("a bound listener has an address"),
            upstream: upstream.trim_end_matches('/').to_owned(),
            state: Arc::default(),
            dead,
        };
        tokio::spawn(proxy.clone().accept(listener));
        proxy
    }

    /// `http://{addr}{path}`: a URL through the proxy.
    pub fn url_of(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// `http://{addr}`.
    pub fn url(&self) -> String {
        self.url_of("")
    }

    /// Adds `rule`; the first rule that takes a request decides its fault.
    pub fn inject(&self, rule: Rule) {
        self.state.lock().unwrap().rules.push(rule);
    }

    /// Removes every rule: the service answers as itself again.
    pub fn heal(&self) {
        self.state.lock().unwrap().rules.clear();
    }

    /// Serves `n` more requests, then goes away: the listener closes and
    /// every later connection is refused.
    pub fn die_after(&self, n: usize) {
        let mut state = self.state.lock().unwrap();
        state.dies_after = Some(state.seen.len() + n);
    }

    /// Every request so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.state.lock().unwrap().seen.clone()
    }

    /// How many requests by `method` (`"*"` for any) had a path starting with `prefix`.
    pub fn count(&self, method: &str, prefix: &str) -> usize {
        self.seen()
            .iter()
            .filter(|s| {
                (method == "*" || s.method.eq_ignore_ascii_case(method)) && s.path.starts_with(prefix)
            })
            .count()
    }

    async fn accept(self, listener: TcpListener) {
        let mut dead = self.dead.subscribe();
        loop {
            tokio::select! {
                biased;
                // Dropping the listener is what makes later connections refused.
                _ = dead.wait_for(|dead| *dead) => return,
                accepted = listener.accept() => {
                    let Ok((stream, _)) = accepted else { continue };
                    tokio::spawn(self.clone().serve(stream));
                }
            }
        }
    }

    async fn serve(self, mut stream: TcpStream) {
        if *self.dead.borrow() {
            // Accepted just before the listener closed: a dead service resets it.
            reset_on_close(&stream);
            return;
        }
        let Some(request) = read_request(&mut stream).await else {
            return;
        };
        let fault = {
            let mut state = self.state.lock().unwrap();
            let fault = state.rules.iter_mut().find_map(|rule| {
                rule.takes(&request.method, &request.path)
                    .then(|| rule.fault.clone())
            });
            state.seen.push(Seen {
                method: request.method.clone(),
                path: request.path.clone(),
                fault: fault.as_ref().map(|f| format!("{f:?}")),
            });
            if state.dies_after.is_some_and(|n| state.seen.len() >= n) {
                self.dead.send_replace(true);
            }
            fault
        };
        let bytes = match fault {
            Some(Fault::Status {
                status,
                retry_after,
                body,
            }) => {
                let extra = retry_after.map(|s| ("retry-after".to_owned(), s.to_string()));
                render(status, extra.into_iter().collect(), body.as_bytes())
            }
            Some(Fault::Late(by)) => {
                let answer = self.forward(&request).await;
                tokio::time::sleep(by).await;
                answer
            }
            Some(Fault::Reset) => {
                let answer = self.forward(&request).await;
                let head = answer
                    .windows(4)
                    .position(|w| w == b"\r\n\r\n")
                    .map_or(0, |i| i + 4);
                let cut = head + (answer.len() - head) / 2;
                let _ = stream.write_all(&answer[..cut]).await;
                let _ = stream.flush().await;
                reset_on_close(&stream);
                return;
            }
            None => self.forward(&request).await,
        };
        let _ = stream.write_all(&bytes).await;
        let _ = stream.shutdown().await;
    }

    /// The upstream's answer to `request`, as bytes to send back (a 502 when
    /// the upstream cannot be reached).
    async fn forward(&self, request: &Request) -> Vec<u8> {
        let method = reqwest::Method::from_bytes(request.method.as_bytes()).expect("a method");
        let mut builder = reqwest::Client::new()
            .request(method, format!("{}{}", self.upstream, request.path))
            .body(request.body.clone());
        for (name, value) in &request.headers {
            if !matches!(
                name.as_str(),
                "host" | "connection" | "content-length" | "transfer-encoding"
            ) {
                builder = builder.header(name, value);
            }
        }
        let Ok(answer) = builder.send().await else {
            return render(502, Vec::new(), b"upstream unreachable");
        };
        let status = answer.status().as_u16();
        let headers = answer
            .headers()
            .iter()
            .filter(|(name, _)| {
                !matches!(
                    name.as_str(),
                    "connection" | "content-length" | "transfer-encoding"
                )
            })
            .filter_map(|(name, value)| Some((name.to_string(), value.to_str().ok()?.to_owned())))
            .collect();
        let body = answer.bytes().await.unwrap_or_default();
        render(status, headers, &body)
    }
}

/// Makes closing `stream` send RST, not FIN, as the kernel of a crashed
/// peer does: linger 0. (Deprecated in tokio because a non-zero linger
/// blocks the thread on drop; a zero one closes at once.)
#[allow(deprecated)]
fn reset_on_close(stream: &TcpStream) {
    let _ = stream.set_linger(Some(Duration::ZERO));
}

/// A request as read off the socket.
struct Request {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// Reads one request (head, then a `Content-Length` body); `None` when the
/// peer closes first or sends something else.
async fn read_request(stream: &mut TcpStream) -> Option<Request> {
    let mut buffer = Vec::new();
    let head_end = loop {
        if let Some(i) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let mut chunk = [0u8; 8192];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut start = lines.next()?.split(' ');
    let (method, path) = (start.next()?.to_owned(), start.next()?.to_owned());
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let length = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .and_then(|(_, value)| value.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = buffer.split_off(head_end + 4);
    while body.len() < length {
        let mut chunk = vec![0u8; length - body.len()];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Request {
        method,
        path,
        headers,
        body,
    })
}

/// An HTTP/1.1 answer closing the connection.
fn render(status: u16, headers: Vec<(String, String)>, body: &[u8]) -> Vec<u8> {
    let reason = reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Status");
    let mut out = format!("HTTP/1.1 {status} {reason}\r\n");
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(&format!(
        "content-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    ));
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake_slack::FakeSlack;

    #[tokio::test]
    async fn forwards_injects_counts_and_dies() {
        let fake = FakeSlack::start().await;
        let proxy = FaultProxy::start(&fake.url_of("")).await;
        proxy.inject(Rule::new("POST", "/api/a", Fault::internal_error()).times(1));
        proxy.inject(Rule::new("*", "/api/b", Fault::too_many_requests(7)));
        proxy.inject(Rule::new("POST", "/api/reset", Fault::Reset));
        let client = reqwest::Client::new();
        let post = |path: &str| client.post(proxy.url_of(path)).body("{}").send();

        let first = post("/api/a").await.unwrap();
        assert_eq!(first.status(), 500);
        let second = post("/api/a").await.unwrap();
        assert_eq!(second.status(), 200, "only the first is faulted");
        assert_eq!(
            second.text().await.unwrap(),
            r#"{"ok":true}"#,
            "the fake's own answer"
        );
        let limited = post("/api/b?x=1").await.unwrap();
        assert_eq!(limited.status(), 429);
        assert_eq!(limited.headers()["retry-after"], "7");

        let reset = post("/api/reset").await.unwrap();
        assert!(reset.bytes().await.is_err(), "the answer is cut off");
        assert_eq!(
            fake.requests().len(),
            2,
            "the reset request reached the fake; the 500 did not"
        );
        assert_eq!(proxy.count("POST", "/api/a"), 2);
        assert_eq!(proxy.count("*", "/api/"), 4);

        proxy.die_after(1);
        assert_eq!(post("/api/c").await.unwrap().status(), 200);
        assert!(post("/api/c").await.is_err(), "nothing answers once dead");
    }
}
