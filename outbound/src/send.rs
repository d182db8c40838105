//! One outbound call: attempts under a [`RetryPolicy`], in a tracing span,
//! counted per host and outcome.

use std::time::Instant;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use tracing::Instrument;
use tracing::field::Empty;

use crate::{OutboundError, RetryPolicy, backoff, metrics};

/// The answer a call ended with (after any retries).
#[derive(Debug)]
pub struct Answer {
    /// The HTTP status.
    pub status: StatusCode,
    /// The headers (Webex's `trackingid`, a page's `Link`, …).
    pub headers: HeaderMap,
    /// The body.
    pub body: Vec<u8>,
    /// How many times the request was sent.
    pub attempts: u32,
}

impl Answer {
    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends the request `build` makes (again for each attempt; `None` when it
/// cannot be made twice, e.g. a streamed body) under `policy`: a 429 waits
/// the service's `Retry-After` (bounded) and a retry status a [`backoff`],
/// up to `max_retries` times. The call is one span (`api`, `host`, `method`,
/// `status`, `outcome`, `attempts`; never the path or query, which may be
/// credentials) and one count in [`metrics`]. Errors never carry the URL.
pub async fn send(
    api: &'static str,
    policy: &RetryPolicy,
    build: impl FnMut() -> Option<reqwest::RequestBuilder>,
) -> Result<Answer, OutboundError> {
    let span = tracing::debug_span!(
        "outbound",
        api,
        host = Empty,
        method = Empty,
        status = Empty,
        outcome = Empty,
        attempts = Empty
    );
    let started = Instant::now();
    let mut host = String::new();
    let result = attempts(api, policy, build, &mut host)
        .instrument(span.clone())
        .await;
    let outcome = match &result {
        Ok(answer) => {
            span.record("status", answer.status.as_u16());
            span.record("attempts", answer.attempts);
            metrics::status_outcome(answer.status)
        }
        Err(err) => err.outcome().to_owned(),
    };
    span.record("outcome", outcome.as_str());
    metrics::record(&host, &outcome, started.elapsed());
    result
}

async fn attempts(
    api: &'static str,
    policy: &RetryPolicy,
    mut build: impl FnMut() -> Option<reqwest::RequestBuilder>,
    host: &mut String,
) -> Result<Answer, OutboundError> {
    let span = tracing::Span::current();
    let mut attempts = 0;
    let mut throttled = 0;
    loop {
        let Some(builder) = build() else {
            return Err(OutboundError::NotResendable { api });
        };
        let (client, request) = builder.build_split();
        let mut request = request.map_err(|err| OutboundError::transport(api, err))?;
        if host.is_empty() {
            *host = request.url().host_str().unwrap_or("(none)").to_owned();
            span.record("host", host.as_str());
            span.record("method", request.method().as_str());
        }
        if policy.timeout.is_some() {
            *request.timeout_mut() = policy.timeout;
        }
        attempts += 1;
        let response = client
            .execute(request)
            .await
            .map_err(|err| OutboundError::transport(api, err))?;
        let status = response.status();
        let retries_left = attempts <= policy.max_retries;
        if status == StatusCode::TOO_MANY_REQUESTS && policy.rate_limited {
            if !retries_left {
                return Err(OutboundError::RateLimited {
                    api,
                    attempts,
                    retry_after: policy.bounded_retry_after(response.headers()),
                });
            }
            let wait = policy.rate_limit_wait(response.headers(), throttled);
            throttled += 1;
            tracing::info!(
                wait_ms = wait.as_millis() as u64,
                attempts,
                "rate limited; waiting"
            );
            tokio::time::sleep(wait).await;
            continue;
        }
        if policy.retry_statuses.contains(&status.as_u16()) && retries_left {
            let wait = backoff(policy.backoff, attempts - 1, policy.max_wait);
            tracing::info!(
                status = status.as_u16(),
                wait_ms = wait.as_millis() as u64,
                attempts,
                "passing failure; backing off"
            );
            tokio::time::sleep(wait).await;
            continue;
        }
        let headers = response.headers().clone();
        let body = read_body(api, policy.max_body, response).await?;
        return Ok(Answer {
            status,
            headers,
            body,
            attempts,
        });
    }
}

/// The body, refused past `limit` bytes without buffering the rest.
async fn read_body(
    api: &'static str,
    limit: Option<usize>,
    mut response: reqwest::Response,
) -> Result<Vec<u8>, OutboundError> {
    let limit = limit.unwrap_or(usize::MAX);
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Err(OutboundError::TooLarge { api, limit });
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|err| OutboundError::transport(api, err))?
    {
        if body.len() + chunk.len() > limit {
            return Err(OutboundError::TooLarge { api, limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
