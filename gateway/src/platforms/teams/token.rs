//! The bot's access token for the Bot Connector: the OAuth 2.0
//! client-credentials grant at the Microsoft identity platform
//! (`POST {login}/{tenant}/oauth2/v2.0/token`, scope
//! `https://api.botframework.com/.default`), the tenant being the bot's own
//! for a single-tenant bot and `botframework.com` for a multi-tenant one.
//!
//! The token is cached until [`DEFAULT_REFRESH_MARGIN`] before it expires,
//! and only one request for it is in flight at a time: concurrent callers
//! wait for that one. Neither the app password nor the token is ever logged
//! or part of an error.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chatops_outbound::{Client, RetryPolicy};
use tokio::time::Instant;

use super::wire;
use crate::platforms::DispatchError;
use crate::platforms::http;

/// Where app tokens come from: `https://login.microsoftonline.com` in production, a fake in tests.
pub const DEFAULT_LOGIN_URL: &str = "https://login.microsoftonline.com";
/// What the token is for: the Bot Connector.
pub const BOT_FRAMEWORK_SCOPE: &str = "https://api.botframework.com/.default";
/// The tenant a multi-tenant bot asks.
pub const MULTI_TENANT: &str = "botframework.com";
/// How long before its expiry a cached token is replaced.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);
/// How long one token request may take.
const TIMEOUT: Duration = Duration::from_secs(10);
/// The API name in errors and logs.
const API: &str = "oauth2/v2.0/token";

/// Client-credentials tokens for one bot, cached until 5 minutes before
/// expiry; one request in flight at a time (concurrent callers wait for it).
#[derive(Clone)]
pub struct TokenSource {
    inner: Arc<Inner>,
    refresh_margin: Duration,
}

struct Inner {
    http: Client,
    /// `{login}/{tenant}/oauth2/v2.0/token`.
    url: String,
    tenant: String,
    app_id: String,
    app_password: String,
    cached: Mutex<Option<Cached>>,
    /// Held while a token is requested, so that only one request is in flight.
    fetching: tokio::sync::Mutex<()>,
}

#[derive(Clone)]
struct Cached {
    token: String,
    /// When the token stops being used (its expiry less the margin).
    refresh_at: Instant,
}

impl std::fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSource")
            .field("url", &self.inner.url)
            .field("app_id", &self.inner.app_id)
            .field("app_password", &"<redacted>")
            .field("refresh_margin", &self.refresh_margin)
            .finish_non_exhaustive()
    }
}

impl TokenSource {
    /// Tokens for the app `app_id` with `app_password`, from `login_url`
    /// ([`DEFAULT_LOGIN_URL`]). `tenant`: the bot's tenant for a
    /// single-tenant bot, `None` → "botframework.com" (multi-tenant).
    pub fn new(
        http: impl Into<Client>,
        login_url: String,
        app_id: String,
        app_password: String,
        tenant: Option<String>,
    ) -> Self {
        let tenant = tenant
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| MULTI_TENANT.to_owned());
        let url = format!(
            "{}/{}/oauth2/v2.0/token",
            login_url.trim_end_matches('/'),
            path_segment(&tenant)
        );
        TokenSource {
            inner: Arc::new(Inner {
                http: http.into(),
                url,
                tenant,
                app_id,
                app_password,
                cached: Mutex::new(None),
                fetching: tokio::sync::Mutex::new(()),
            }),
            refresh_margin: DEFAULT_REFRESH_MARGIN,
        }
    }

    /// Replaces a token this long before it expires instead of
    /// [`DEFAULT_REFRESH_MARGIN`].
    pub fn with_refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = margin;
        self
    }

    /// The token endpoint this source asks (no secret in it).
    pub fn token_url(&self) -> &str {
        &self.inner.url
    }

    /// A valid token: the cached one, else a new one (one request at a time).
    pub async fn token(&self) -> Result<String, DispatchError> {
        if let Some(token) = self.cached() {
            return Ok(token);
        }
        let _fetching = self.inner.fetching.lock().await;
        // Someone else may have fetched it while this caller waited.
        if let Some(token) = self.cached() {
            return Ok(token);
        }
        let (token, expires_in) = self.fetch().await?;
        let refresh_at = Instant::now() + expires_in.saturating_sub(self.refresh_margin);
        *self.lock() = Some(Cached {
            token: token.clone(),
            refresh_at,
        });
        Ok(token)
    }

    /// Forgets the cached token (after the Connector answers 401).
    pub fn invalidate(&self) {
        *self.lock() = None;
    }

    /// Forgets the cached token if it is still `token` (a newer one fetched
    /// meanwhile by another caller is kept).
    pub(crate) fn invalidate_if(&self, token: &str) {
        let mut cached = self.lock();
        if cached.as_ref().is_some_and(|c| c.token == token) {
            *cached = None;
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Cached>> {
        self.inner
            .cached
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn cached(&self) -> Option<String> {
        self.lock()
            .as_ref()
            .filter(|c| Instant::now() < c.refresh_at)
            .map(|c| c.token.clone())
    }

    /// One client-credentials request: the token and how long it is valid.
    async fn fetch(&self) -> Result<(String, Duration), DispatchError> {
        let inner = &*self.inner;
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", inner.app_id.as_str()),
            ("client_secret", inner.app_password.as_str()),
            ("scope", BOT_FRAMEWORK_SCOPE),
        ];
        let policy =
            RetryPolicy::rate_limits_only(TIMEOUT, 2, Duration::from_secs(10), Some(Duration::from_secs(2)))
                .with_retry_statuses(&[502, 503, 504], Duration::from_millis(500));
        let answer = http::send(API, &policy, || Some(inner.http.post(&inner.url).form(&form))).await?;
        if answer.status.is_success() {
            let answer_body: wire::TokenAnswer = wire::object_or_empty(&answer.body);
            let Some(token) = answer_body.access_token.into_option() else {
                return Err(DispatchError::Rejected {
                    api: API,
                    status: answer.status.as_u16(),
                    error: "the answer carries no access_token".to_owned(),
                });
            };
            let expires_in = answer_body.expires_in.0.and_then(|e| e.seconds()).unwrap_or(3600);
            return Ok((token, Duration::from_secs(expires_in)));
        }
        let refused: wire::TokenError = wire::object_or_empty(&answer.body);
        let error = refusal(&refused, &inner.tenant);
        tracing::warn!(
            api = API,
            status = answer.status.as_u16(),
            tenant = %inner.tenant,
            error = %error,
            "the Microsoft identity platform refused the bot's token"
        );
        Err(DispatchError::Rejected {
            api: API,
            status: answer.status.as_u16(),
            error,
        })
    }
}

/// What a refusal (`{"error","error_description","error_codes"}`) says: the
/// error and AADSTS codes and a hint, never the description (it may quote
/// the request) and never the password.
fn refusal(refused: &wire::TokenError, tenant: &str) -> String {
    let error = refused
        .error
        .0
        .as_deref()
        .filter(|e| e.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or("(no error code)");
    let mut codes: Vec<u64> = refused
        .error_codes
        .0
        .iter()
        .flatten()
        .filter_map(|code| code.0)
        .collect();
    if codes.is_empty() {
        // The description starts with the code: "AADSTS700016: Application with identifier …".
        let description = refused.error_description.get().unwrap_or("");
        if let Some(rest) = description.trim_start().strip_prefix("AADSTS") {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            codes.extend(digits.parse::<u64>().ok());
        }
    }
    let hint = match codes.first().copied() {
        Some(700016) if tenant == MULTI_TENANT => {
            "single-tenant app asking the botframework.com tenant: set tenantId"
        }
        Some(700016) => "no such app in this tenant: check appId and tenantId",
        Some(7000215 | 7000222) => "the app password is wrong or expired: check the app password",
        Some(90002) => "no such tenant: check tenantId",
        _ if error == "invalid_client" => "check appId and the app password",
        _ => "check appId, the app password and tenantId",
    };
    let codes: String = codes.iter().map(|c| format!(" AADSTS{c}")).collect();
    format!("{error}{codes}: {hint}")
}

/// A tenant as one path segment: tenant ids are GUIDs or domain names.
fn path_segment(tenant: &str) -> String {
    tenant
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
        .collect()
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use serde_json::json;
    use wiremock::matchers::{body_string, header, method, path};
    use wiremock::{Mock, MockBuilder, MockServer, Request, Respond, ResponseTemplate};

    use super::*;

    const APP_ID: &str = "00000000-1111-2222-3333-444444444444";
    const PASSWORD: &str = "s3cret~pass/word+=";
    const TENANT: &str = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";

    fn form_body() -> String {
        form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", "client_credentials")
            .append_pair("client_id", APP_ID)
            .append_pair("client_secret", PASSWORD)
            .append_pair("scope", BOT_FRAMEWORK_SCOPE)
            .finish()
    }

    fn source(server: &MockServer, tenant: Option<&str>) -> TokenSource {
        TokenSource::new(
            Client::default(),
            format!("{}/", server.uri()),
            APP_ID.to_owned(),
            PASSWORD.to_owned(),
            tenant.map(str::to_owned),
        )
    }

    /// Answers token-1, token-2, … in turn.
    struct Counting(AtomicUsize, u64);

    impl Respond for Counting {
        fn respond(&self, _: &Request) -> ResponseTemplate {
            let n = self.0.fetch_add(1, Ordering::SeqCst) + 1;
            ResponseTemplate::new(200)
                .set_delay(Duration::from_millis(100))
                .set_body_json(json!({
                    "token_type": "Bearer",
                    "expires_in": self.1,
                    "ext_expires_in": self.1,
                    "access_token": format!("token-{n}"),
                }))
        }
    }

    fn post() -> MockBuilder {
        Mock::given(method("POST"))
    }

    /// A login endpoint answering the requests `mock` matches with
    /// token-1, token-2, … valid `expires_in` seconds, expecting `requests` of them.
    async fn login(mock: MockBuilder, expires_in: u64, requests: u64) -> MockServer {
        let server = MockServer::start().await;
        mock.respond_with(Counting(AtomicUsize::new(0), expires_in))
            .expect(requests)
            .mount(&server)
            .await;
        server
    }

    #[test]
    fn the_form_is_the_documented_one() {
        // vectors/teams.json `outbound.token_request_multitenant`.
        let body = form_body();
        assert!(body.starts_with(&format!(
            "grant_type=client_credentials&client_id={APP_ID}&client_secret="
        )));
        assert!(
            body.ends_with("&scope=https%3A%2F%2Fapi.botframework.com%2F.default"),
            "{body}"
        );
    }

    #[tokio::test]
    async fn each_tenant_is_asked_once_with_the_documented_form() {
        // A multi-tenant bot asks botframework.com; a single-tenant one, its tenant.
        for (tenant, segment) in [(None, MULTI_TENANT), (Some(TENANT), TENANT)] {
            let token_path = format!("/{segment}/oauth2/v2.0/token");
            let documented = post()
                .and(path(token_path.as_str()))
                .and(header("content-type", "application/x-www-form-urlencoded"))
                .and(body_string(form_body()));
            let server = login(documented, 3600, 1).await;
            let tokens = source(&server, tenant);
            assert_eq!(tokens.token().await.unwrap(), "token-1");
            assert_eq!(tokens.token().await.unwrap(), "token-1");
            assert_eq!(tokens.clone().token().await.unwrap(), "token-1");
            assert!(tokens.token_url().ends_with(&token_path));
        }
    }

    #[tokio::test]
    async fn a_token_near_expiry_is_replaced() {
        let server = login(post(), 2, 2).await;
        // Valid 2 s, replaced 1 s before: used for 1 s.
        let tokens = source(&server, None).with_refresh_margin(Duration::from_secs(1));
        assert_eq!(tokens.token().await.unwrap(), "token-1");
        assert_eq!(tokens.token().await.unwrap(), "token-1");
        tokio::time::sleep(Duration::from_millis(1200)).await;
        assert_eq!(tokens.token().await.unwrap(), "token-2");
    }

    #[tokio::test]
    async fn the_default_margin_is_five_minutes() {
        let server = login(post(), 299, 2).await;
        // Valid less than the margin: never cached.
        let tokens = source(&server, None);
        assert_eq!(tokens.token().await.unwrap(), "token-1");
        assert_eq!(tokens.token().await.unwrap(), "token-2");
    }

    #[tokio::test]
    async fn concurrent_callers_share_one_request() {
        let server = login(post(), 3600, 1).await;
        let tokens = source(&server, None);
        let calls = (0..8).map(|_| {
            let tokens = tokens.clone();
            tokio::spawn(async move { tokens.token().await })
        });
        for call in futures::future::join_all(calls).await {
            assert_eq!(call.unwrap().unwrap(), "token-1");
        }
    }

    #[tokio::test]
    async fn invalidate_fetches_a_new_token() {
        let server = login(post(), 3600, 2).await;
        let tokens = source(&server, None);
        assert_eq!(tokens.token().await.unwrap(), "token-1");
        tokens.invalidate_if("some-other-token");
        assert_eq!(tokens.token().await.unwrap(), "token-1");
        tokens.invalidate();
        assert_eq!(tokens.token().await.unwrap(), "token-2");
    }

    #[tokio::test]
    async fn a_refusal_names_the_code_and_a_hint_but_not_the_password() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(400).set_body_json(json!({
                "error": "unauthorized_client",
                "error_description": format!(
                    "AADSTS700016: Application with identifier '{APP_ID}' was not found in the directory 'Bot Framework'. secret={PASSWORD}"
                ),
                "error_codes": [700016],
            })))
            .mount(&server)
            .await;
        let err = source(&server, None).token().await.unwrap_err();
        let text = err.to_string();
        assert!(
            matches!(err, DispatchError::Rejected { status: 400, .. }),
            "{err:?}"
        );
        assert!(text.contains("unauthorized_client AADSTS700016"), "{text}");
        assert!(
            text.contains("single-tenant app asking the botframework.com tenant: set tenantId"),
            "{text}"
        );
        assert!(!text.contains(PASSWORD), "{text}");
        assert!(!format!("{err:?}").contains(PASSWORD));
    }

    #[test]
    fn refusal_reads_the_code_from_the_description_too() {
        let body = json!({"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided."});
        assert_eq!(
            refusal(&wire::object_or_empty(body.to_string().as_bytes()), TENANT),
            "invalid_client AADSTS7000215: the app password is wrong or expired: check the app password"
        );
        assert_eq!(
            refusal(&wire::TokenError::default(), TENANT),
            "(no error code): check appId, the app password and tenantId"
        );
    }

    #[test]
    fn debug_hides_the_password() {
        let tokens = TokenSource::new(
            Client::default(),
            DEFAULT_LOGIN_URL.to_owned(),
            APP_ID.to_owned(),
            PASSWORD.to_owned(),
            Some(format!("{TENANT}/../x")),
        );
        let debug = format!("{tokens:?}");
        assert!(!debug.contains(PASSWORD), "{debug}");
        assert_eq!(
            tokens.token_url(),
            format!("https://login.microsoftonline.com/{TENANT}..x/oauth2/v2.0/token")
        );
    }
}
