//! One admission path for every webhook: the platform served under the
//! name is found, then the request is verified, parsed, deduplicated and
//! started, in that order, by [`handle`] for any [`Webhook`]. A platform says
//! only what each step means for it; the refusals, the metrics and the
//! request's tracing span are the same for all.

use std::{future::Future, sync::Arc, time::Duration};

use axum::{
    body::Bytes,
    extract::FromRequest,
    http::{HeaderMap, Method, StatusCode},
    response::{IntoResponse, Response},
};
use tracing::{Instrument, field::Empty};

use super::{
    App, pipeline,
    refusal::Refusal,
    replay::{self, Replay, ReplayGuard},
    slots::Busy,
};
use chatops_crds::PlatformType;

use crate::runtime::{Platform, Runtime};

/// A webhook request as it reached the gateway, before anything in it is trusted.
pub(super) struct Raw {
    /// `POST`, or `GET` for a Mattermost command set to GET.
    pub method: Method,
    /// The query string (a GET command's fields).
    pub query: Option<String>,
    /// The headers.
    pub headers: HeaderMap,
    /// The body, unparsed: signatures are over these bytes.
    pub body: Bytes,
}

impl<S: Send + Sync> FromRequest<S> for Raw {
    type Rejection = Response;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, Response> {
        // As axum's own `Method`, `RawQuery` and `HeaderMap` extractors do: copies of the head.
        let method = request.method().clone();
        let query = request.uri().query().map(str::to_owned);
        let headers = request.headers().clone();
        let body = Bytes::from_request(request, state)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(Raw {
            method,
            query,
            headers,
            body,
        })
    }
}

impl Raw {
    /// A header's value, if present and text.
    pub fn header(&self, key: &str) -> Option<&str> {
        self.headers.get(key).and_then(|v| v.to_str().ok())
    }
}

/// A request to a configured platform of the webhook's kind.
pub(super) struct Request<'a> {
    /// The gateway.
    pub app: &'a Arc<App>,
    /// The configuration the request is served with.
    pub runtime: &'a Arc<Runtime>,
    /// The platform it is addressed to.
    pub platform: &'a Platform,
    /// That platform's name.
    pub name: &'a str,
    /// The endpoint (`commands`, `events`, …), the `endpoint` label of the metrics.
    pub endpoint: &'static str,
    /// The request itself.
    pub raw: &'a Raw,
}

impl Request<'_> {
    /// Counts the request under `outcome` (`accepted`, `ignored`, …).
    pub fn count(&self, outcome: &'static str) {
        tracing::Span::current().record("outcome", outcome);
        self.app.metrics.request(self.name, self.endpoint, outcome);
    }

    /// Counts the request as `ignored` and answers 200: nothing to run.
    pub fn ignored(&self) -> Stop {
        self.count("ignored");
        Stop::answered(StatusCode::OK.into_response())
    }

    /// Counts the request as a `duplicate` and answers `response`: the
    /// platform's own redelivery, acknowledged and not run again.
    pub fn duplicate(&self, response: Response) -> Stop {
        self.count(replay::DUPLICATE);
        Stop::answered(response)
    }

    /// Lets `key` through the first time within `window`; a repeat gets
    /// `repeated()`, and a full replay cache a 503 with `Retry-After` (the
    /// platforms retry those later, when there may be room).
    ///
    /// With a shared state, a repeat is also one another replica received.
    pub async fn first_time(
        &self,
        guard: &ReplayGuard,
        key: &[&[u8]],
        window: Duration,
        repeated: impl FnOnce() -> Stop,
    ) -> Result<(), Stop> {
        match self.app.shared.first_time(guard, key, window).await {
            Ok(()) => Ok(()),
            Err(Replay::Seen) => Err(repeated()),
            Err(Replay::Full { retry_after }) => Err(Refusal::replay_cache_full(retry_after).into()),
        }
    }

    /// Starts `step` in the background if a command slot is free for it
    /// (counted `accepted`), else says which limit is reached (counted under it).
    pub async fn spawn(&self, step: pipeline::Step) -> Result<(), Busy> {
        pipeline::spawn(self.app, self.runtime.clone(), self.name, self.endpoint, step).await
    }
}

/// Why a request goes no further.
pub(super) enum Stop {
    /// Refused: counted, logged and answered by [`Refusal::answer`].
    Refused(Refusal),
    /// Answered as the platform expects (already counted): an ignored event,
    /// a redelivery, a URL check. Boxed: refusals are the common stop.
    Answered(Box<Response>),
}

impl Stop {
    /// Stops with `response`, already counted.
    pub fn answered(response: Response) -> Self {
        Stop::Answered(Box::new(response))
    }
}

impl From<Refusal> for Stop {
    fn from(refusal: Refusal) -> Self {
        Stop::Refused(refusal)
    }
}

/// One webhook endpoint of one kind of platform: what verifying, parsing,
/// deduplicating and starting a request mean there.
pub(super) trait Webhook {
    /// The type of the platforms served.
    const TYPE: PlatformType;
    /// The kind of platform, as refusals and logs name it (`Slack`, `Microsoft Teams`).
    const KIND: &'static str = kind_name(Self::TYPE);
    /// The endpoint, the `endpoint` label of the metrics.
    const ENDPOINT: &'static str;
    /// What verifying the request established (a token's claims, or nothing).
    type Verified: Send;
    /// The parsed request, ready to be deduplicated and started.
    type Admitted: Send;

    /// An answer due before the platform is even looked up (Slack's SSL check).
    fn early(_app: &App, _name: &str, _raw: &Raw) -> Option<Response> {
        None
    }

    /// Checks the request's signature or token over the raw bytes.
    fn verify(request: &Request<'_>) -> impl Future<Output = Result<Self::Verified, Stop>> + Send;

    /// Parses the verified request (a malformed payload is refused with 400).
    fn parse(request: &Request<'_>, verified: Self::Verified) -> Result<Self::Admitted, Stop>;

    /// Runs each request once: a replay or the platform's redelivery stops
    /// here. Nothing to do where every request carries a fresh credential,
    /// or where `verify` already did it.
    fn dedupe(
        _request: &Request<'_>,
        _admitted: &Self::Admitted,
    ) -> impl Future<Output = Result<(), Stop>> + Send {
        async { Ok(()) }
    }

    /// Starts the command in the background and acknowledges the request.
    fn start(request: &Request<'_>, admitted: Self::Admitted) -> impl Future<Output = Response> + Send;
}

/// Admits a request to the platform `name` through `W`: found (503 before a
/// configuration has loaded, 404 for a name no platform of the kind has),
/// verified, parsed, deduplicated, started. Runs in a span naming the
/// platform, the endpoint and the outcome, never the body or a credential.
pub(super) async fn handle<W: Webhook>(app: Arc<App>, name: String, raw: Raw) -> Response {
    let span = tracing::debug_span!(
        "webhook",
        kind = W::KIND,
        platform = %name,
        endpoint = W::ENDPOINT,
        outcome = Empty,
        status = Empty,
    );
    async {
        let response = admit::<W>(&app, &name, &raw).await;
        tracing::Span::current().record("status", response.status().as_u16());
        response
    }
    .instrument(span)
    .await
}

async fn admit<W: Webhook>(app: &Arc<App>, name: &str, raw: &Raw) -> Response {
    if let Some(response) = W::early(app, name, raw) {
        return response;
    }
    let Some(runtime) = app.runtime() else {
        return Refusal::not_ready().answer(app, name, W::ENDPOINT);
    };
    let Some(platform) = runtime
        .platforms
        .get(name)
        .filter(|p| p.settings.platform_type == W::TYPE)
    else {
        return Refusal::unknown_platform(W::KIND, name).answer(app, name, W::ENDPOINT);
    };
    let request = Request {
        app,
        runtime: &runtime,
        platform,
        name,
        endpoint: W::ENDPOINT,
        raw,
    };
    let admitted = match W::verify(&request).await {
        Ok(verified) => W::parse(&request, verified),
        Err(stop) => Err(stop),
    };
    let admitted = match admitted {
        Ok(admitted) => W::dedupe(&request, &admitted).await.map(|()| admitted),
        Err(stop) => Err(stop),
    };
    match admitted {
        Ok(admitted) => W::start(&request, admitted).await,
        Err(Stop::Refused(refusal)) => refusal.answer(app, name, W::ENDPOINT),
        Err(Stop::Answered(response)) => *response,
    }
}

/// How refusals and logs name a type of platform.
const fn kind_name(platform_type: PlatformType) -> &'static str {
    match platform_type {
        PlatformType::Slack => "Slack",
        PlatformType::Mattermost => "Mattermost",
        PlatformType::Webex => "Webex",
        PlatformType::Msteams => "Microsoft Teams",
    }
}

/// Now, in Unix seconds.
pub(super) fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use axum::body::Body;

    use super::*;

    #[tokio::test]
    async fn a_raw_request_keeps_its_method_query_headers_and_body() {
        let request = axum::http::Request::builder()
            .method("GET")
            .uri("/hooks/mm/commands?text=hi&command=%2Fnautobot")
            .header("authorization", "Token t")
            .body(Body::from("abc"))
            .unwrap();
        let raw = Raw::from_request(request, &()).await.unwrap();
        assert_eq!(raw.method, Method::GET);
        assert_eq!(raw.query.as_deref(), Some("text=hi&command=%2Fnautobot"));
        assert_eq!(raw.header("authorization"), Some("Token t"));
        assert_eq!(raw.header("x-missing"), None);
        assert_eq!(&raw.body[..], b"abc");
    }

    #[test]
    fn each_type_of_platform_is_named_as_its_refusals_always_named_it() {
        let names = [
            PlatformType::Slack,
            PlatformType::Mattermost,
            PlatformType::Webex,
            PlatformType::Msteams,
        ]
        .map(kind_name);
        assert_eq!(names, ["Slack", "Mattermost", "Webex", "Microsoft Teams"]);
    }

    #[test]
    fn an_answered_stop_keeps_its_response() {
        let Stop::Answered(response) = Stop::answered(StatusCode::CONFLICT.into_response()) else {
            panic!("answered");
        };
        assert_eq!(response.status(), StatusCode::CONFLICT);
        assert!(matches!(
            Stop::from(Refusal::replayed()),
            Stop::Refused(refusal) if refusal.status == StatusCode::CONFLICT
        ));
    }
}
