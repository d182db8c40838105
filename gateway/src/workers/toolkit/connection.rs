//! How a worker reaches its backend: the Integration's endpoint, per-call
//! timeout, extra CA bundle and insecure switch, made into a client on the
//! outbound layer. Every integration connects the same way, so that TLS and
//! timeouts behave alike for all of them.

use std::time::{Duration, Instant, SystemTime};

use chatops_crds::config::{GatewaySecrets, IntegrationConfig};
use chatops_outbound::{Answer, Client, RetryPolicy, retry_after, user_agent};
use reqwest::{StatusCode, Url};

use super::credentials::Credential;
use super::errors::{Backend, BackendError};

/// How to reach one backend.
#[derive(Clone, Debug)]
pub struct ClientSettings {
    /// Base URL, e.g. `https://nautobot.example.com` (no `/api`).
    pub endpoint: String,
    /// Timeout of one HTTP call.
    pub timeout: Duration,
    /// Extra CA certificates to trust (PEM).
    pub ca_bundle_pem: Option<String>,
    /// Skip certificate verification (the Integration says so explicitly).
    pub insecure_skip_verify: bool,
}

impl ClientSettings {
    /// The settings `integration` declares, its CA bundle read from `secrets`.
    pub fn of(integration: &IntegrationConfig, secrets: &GatewaySecrets) -> Self {
        ClientSettings {
            endpoint: integration.endpoint.clone(),
            timeout: super::timeout(integration),
            ca_bundle_pem: integration
                .ca_bundle
                .as_ref()
                .and_then(|key| secrets.get(key))
                .map(str::to_owned),
            insecure_skip_verify: integration.insecure_skip_verify,
        }
    }

    /// The endpoint and an HTTP client for it. An endpoint that carries a
    /// user or password is refused: errors name the endpoint, and compile
    /// rejects such endpoints, but a hand-edited configuration must not get
    /// a password into them.
    pub fn connect<B: Backend>(&self) -> Result<Connection, BackendError<B>> {
        let endpoint = Url::parse(&self.endpoint)
            .map_err(|_| BackendError::Malformed("the endpoint is not a URL".to_owned()))?;
        if !endpoint.username().is_empty() || endpoint.password().is_some() {
            return Err(BackendError::Malformed(
                "the endpoint carries a user or password; give the Integration's credentials instead"
                    .to_owned(),
            ));
        }
        let http =
            chatops_outbound::ClientSettings::new(user_agent("chatops-gateway", env!("CARGO_PKG_VERSION")))
                .with_timeout(self.timeout)
                .with_extra_ca(self.ca_bundle_pem.clone())
                .with_insecure_skip_verify(self.insecure_skip_verify)
                .build()
                .map_err(|err| BackendError::Malformed(err.to_string()))?;
        Ok(Connection {
            http,
            endpoint,
            timeout: self.timeout,
        })
    }
}

/// One backend, connected: what every worker's client holds, whatever its
/// paths and credentials.
#[derive(Clone, Debug)]
pub struct Connection {
    /// The HTTP client, with the Integration's CA bundle and timeout.
    pub http: Client,
    /// The base URL, e.g. `https://nautobot.example.com/`.
    pub endpoint: Url,
    /// Timeout of one HTTP call, as failures say it.
    pub timeout: Duration,
}

impl Connection {
    /// The endpoint as paths are joined to it and errors name it: without
    /// a trailing `/`.
    pub fn endpoint_text(&self) -> String {
        self.endpoint.as_str().trim_end_matches('/').to_owned()
    }

    /// Sends `request` (named `api` in metrics and logs) under `policy`; see [`send`].
    pub async fn send<B: Backend>(
        &self,
        api: &'static str,
        request: reqwest::RequestBuilder,
        policy: &RetryPolicy,
    ) -> Result<Answer, BackendError<B>> {
        self.send_as(api, request, policy, Effect::Reads).await
    }

    /// [`Connection::send`] of a request with `effect`; see [`send_as`].
    pub async fn send_as<B: Backend>(
        &self,
        api: &'static str,
        request: reqwest::RequestBuilder,
        policy: &RetryPolicy,
        effect: Effect,
    ) -> Result<Answer, BackendError<B>> {
        send_as(
            api,
            request,
            policy,
            (&self.endpoint_text(), self.timeout),
            effect,
        )
        .await
    }

    /// Sends `body` (as JSON, when given) by `method` to `url` as `who`,
    /// asking for JSON, once: what the REST backends' clients send, reads and
    /// writes alike, so that a write is never sent twice.
    pub async fn send_json<B: Backend>(
        &self,
        api: &'static str,
        who: &Credential,
        method: reqwest::Method,
        url: Url,
        body: Option<&serde_json::Value>,
    ) -> Result<Answer, BackendError<B>> {
        self.send_json_as(api, who, (method, url, body), Effect::Reads)
            .await
    }

    /// [`Connection::send_json`] of a request with `effect`; see [`send_as`].
    pub async fn send_json_as<B: Backend>(
        &self,
        api: &'static str,
        who: &Credential,
        (method, url, body): (reqwest::Method, Url, Option<&serde_json::Value>),
        effect: Effect,
    ) -> Result<Answer, BackendError<B>> {
        let mut request = who.authorize(
            self.http
                .request(method, url)
                .header("Accept", "application/json"),
        );
        if let Some(body) = body {
            request = request.json(body);
        }
        self.send_as(api, request, &RetryPolicy::single_attempt(), effect)
            .await
    }
}

/// How long one run may keep asking a backend that rate-limits (Meraki's
/// 429s): until `deadline` (the run's start plus the Integration's
/// `timeoutSeconds`), and at most `max_retries` times again.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    /// When the run's time is spent: no call is sent or waited for past it.
    pub deadline: Instant,
    /// How many times a rate-limited request is sent again at most.
    pub max_retries: u32,
}

/// The wait of a 429 without a readable `Retry-After`.
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(1);

impl Connection {
    /// Sends `body` (as JSON, when given) by `method` to `url` as `who`,
    /// asking for JSON, within `budget`: each attempt may take what is left
    /// of it, and a 429 is waited out as its `Retry-After` asks (a 429 means
    /// the backend did nothing, so a write is sent again too) while the wait
    /// ends before the deadline and retries are left; then it is
    /// [`BackendError::RateLimited`]. For backends that rate-limit often,
    /// whose every sub-command must still answer within `timeoutSeconds`.
    pub async fn send_json_within<B: Backend>(
        &self,
        api: &'static str,
        who: &Credential,
        (method, url, body): (reqwest::Method, Url, Option<&serde_json::Value>),
        budget: Budget,
    ) -> Result<Answer, BackendError<B>> {
        let mut retries = 0;
        loop {
            let left = budget.deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(BackendError::Timeout {
                    seconds: self.timeout.as_secs(),
                });
            }
            let mut request = who.authorize(
                self.http
                    .request(method.clone(), url.clone())
                    .header("Accept", "application/json"),
            );
            if let Some(body) = body {
                request = request.json(body);
            }
            let policy = RetryPolicy::single_attempt().with_timeout(left);
            let answer = self.send(api, request, &policy).await?;
            if answer.status != StatusCode::TOO_MANY_REQUESTS {
                return Ok(answer);
            }
            let wait = retry_after(&answer.headers, SystemTime::now()).unwrap_or(DEFAULT_RETRY_AFTER);
            let left = budget.deadline.saturating_duration_since(Instant::now());
            if retries >= budget.max_retries || wait >= left {
                return Err(BackendError::RateLimited {
                    retry_after_seconds: wait.as_secs_f64().ceil() as u64,
                });
            }
            retries += 1;
            tracing::info!(
                api,
                wait_ms = wait.as_millis() as u64,
                retries,
                "rate limited; waiting"
            );
            tokio::time::sleep(wait).await;
        }
    }
}

/// What a call does at the backend: whether an answer lost on the way
/// leaves unknown what the backend did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// It only reads (a GET, or a query sent by POST): a lost answer lost nothing.
    Reads,
    /// It changes something (a job launch, a status change): once sent, it
    /// may have been done even when its answer never came.
    Changes,
}

impl Effect {
    /// The effect of a call a client names by the `action` a refusal of it
    /// would name: `view` and `query` read, anything else (`run`, `change`)
    /// changes something.
    pub fn of_action(action: &str) -> Effect {
        if matches!(action, "view" | "query") {
            Effect::Reads
        } else {
            Effect::Changes
        }
    }
}

/// Sends `request` to the backend at `endpoint` (named `api` in metrics and
/// logs) under `policy`, and says a failure to get any answer (within
/// `timeout`, trusted, readable) as the toolkit's error. Every worker's client
/// sends through here, so that all of them fail alike.
pub async fn send<B: Backend>(
    api: &'static str,
    request: reqwest::RequestBuilder,
    policy: &RetryPolicy,
    endpoint: &str,
    timeout: Duration,
) -> Result<Answer, BackendError<B>> {
    send_as(api, request, policy, (endpoint, timeout), Effect::Reads).await
}

/// [`send`] of a request with `effect`: one that [`Effect::Changes`]
/// something and whose answer was lost past the connection (a timeout, a
/// reset, a body broken off) is [`BackendError::Unconfirmed`], since the
/// backend may have done it.
pub async fn send_as<B: Backend>(
    api: &'static str,
    request: reqwest::RequestBuilder,
    policy: &RetryPolicy,
    (endpoint, timeout): (&str, Duration),
    effect: Effect,
) -> Result<Answer, BackendError<B>> {
    chatops_outbound::send(api, policy, || request.try_clone())
        .await
        .map_err(|err| {
            let said = BackendError::transport(&err, endpoint, timeout);
            // A connect error sent nothing; past the connection, the request
            // may have arrived and been acted on.
            let may_have_arrived = err.reqwest().is_some_and(|err| !err.is_connect());
            if effect == Effect::Changes && may_have_arrived {
                BackendError::Unconfirmed {
                    cause: said.to_string(),
                }
            } else {
                said
            }
        })
}
