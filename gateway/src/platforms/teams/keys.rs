//! The Bot Framework signing keys, fetched from each trusted issuer's OpenID
//! metadata (`jwks_uri`) and cached per metadata URL, and
//! [`KeyStore::authenticate`], which checks an inbound request's token with
//! them (the pure checks are in [`super::verify`]).
//!
//! Keys are fetched on first use, again when a token names a `kid` the cache
//! lacks (keys rotate; the SDK does the same), and when the cache is older
//! than [`KeySettings::max_age`] (the Bot Framework asks for at least daily).
//! Fetches for one URL are single-flight and at most one per
//! [`KeySettings::min_refetch`], so a flood of tokens with made-up `kid`s
//! costs one fetch a minute, never one per request. A failed refresh keeps
//! serving the keys already held, and a request whose key is known does not
//! wait for a refresh another request is doing.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

use super::verify::{
    SigningKey, TrustedIssuer, UnverifiedToken, Verified, VerifyError, bearer_token, jwks_uri, parse_jwks,
    select_issuer, verify_with_key,
};
use chatops_outbound::{Client, OutboundError, RetryPolicy};

use crate::platforms::http::host_of;

/// The largest metadata or JWKS document read (the Bot Framework's are a few KB).
const MAX_DOCUMENT_BYTES: usize = 1024 * 1024;

/// How the key cache behaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeySettings {
    /// Keys older than this are fetched again (default 24 h, the Bot
    /// Framework's "at least every 24 hours").
    pub max_age: Duration,
    /// The least time between two fetches for one metadata URL, whatever
    /// triggers them (default 60 s; tests set 0).
    pub min_refetch: Duration,
    /// How long each of the two GETs (metadata, JWKS) may take (default 10 s).
    pub fetch_timeout: Duration,
}

impl KeySettings {
    /// The settings with each GET's timeout fitted to a webhook request that
    /// may take `request_timeout` (`--request-timeout-seconds`): a fetch is
    /// two GETs made while an activity waits to be verified, so both must end
    /// inside it, leaving the activity its 503 (`keys_unavailable`, which the
    /// Bot Framework delivers again) rather than the request timing out as a
    /// 408, which says the caller was slow. Two fifths each (4 s of the
    /// default 10 s), at most the default 10 s.
    pub fn within_request(self, request_timeout: Duration) -> Self {
        let fetch_timeout = (request_timeout * 2 / 5).min(KeySettings::default().fetch_timeout);
        KeySettings {
            fetch_timeout: fetch_timeout.max(Duration::from_millis(100)),
            ..self
        }
    }
}

impl Default for KeySettings {
    fn default() -> Self {
        Self {
            max_age: Duration::from_secs(24 * 60 * 60),
            min_refetch: Duration::from_secs(60),
            fetch_timeout: Duration::from_secs(10),
        }
    }
}

/// The keys of one metadata URL, by `kid`, and when they were fetched.
struct KeySet {
    keys: HashMap<String, Arc<SigningKey>>,
    fetched_at: Instant,
}

/// What is known about one metadata URL.
#[derive(Default)]
struct Slot {
    /// The last keys fetched successfully.
    keys: Option<Arc<KeySet>>,
    /// When the last fetch started, successful or not (for `min_refetch`).
    last_attempt: Option<Instant>,
    /// How many fetches have completed: a caller that waited for another's
    /// fetch sees it changed and does not fetch again (single flight).
    generation: u64,
    /// Why the last fetch failed, for [`VerifyError::KeysUnavailable`].
    last_error: Option<String>,
}

/// One metadata URL's cache entry.
#[derive(Default)]
struct Entry {
    slot: Mutex<Slot>,
    /// Held while fetching, so that concurrent misses share one fetch.
    fetching: tokio::sync::Mutex<()>,
}

impl Entry {
    fn slot(&self) -> std::sync::MutexGuard<'_, Slot> {
        // The slot is only assigned whole values: a panic elsewhere cannot
        // leave it half-written, so a poisoned lock is still usable.
        self.slot.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

struct Inner {
    http: Client,
    settings: KeySettings,
    entries: Mutex<HashMap<String, Arc<Entry>>>,
}

/// The signing-key cache and inbound token check. One per process, shared
/// (it is a cheap `Clone` of an `Arc`) across configuration reloads so that a
/// reload does not refetch keys; entries are keyed by metadata URL, so
/// platforms trusting the same issuer share them.
#[derive(Clone)]
pub struct KeyStore {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for KeyStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyStore")
            .field("settings", &self.inner.settings)
            .finish_non_exhaustive()
    }
}

/// What a lookup in the cache found.
enum Lookup {
    Found(Arc<SigningKey>),
    /// Fresh keys without the kid, stale keys, or no keys: try a fetch.
    Fetch,
}

impl KeyStore {
    /// An empty cache fetching with `http` (whose own timeout, if any, also applies).
    pub fn new(http: impl Into<Client>, settings: KeySettings) -> Self {
        Self {
            inner: Arc::new(Inner {
                http: http.into(),
                settings,
                entries: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// Validates the Authorization header value against the trusted issuers
    /// and app id; fetches keys only when the cache lacks the kid (at most
    /// once per `min_refetch` per metadata URL, single-flight) or is older
    /// than `max_age`.
    ///
    /// The result still has to be bound to the activity with
    /// [`super::verify::check_activity`].
    pub async fn authenticate(
        &self,
        authorization: Option<&str>,
        app_id: &str,
        issuers: &[TrustedIssuer],
        now_unix: u64,
    ) -> Result<Verified, VerifyError> {
        let token = bearer_token(authorization)?;
        let token = UnverifiedToken::parse(token)
            .inspect_err(|e| tracing::debug!(reason = %e, "Teams token refused"))?;
        let issuer = select_issuer(&token.issuer, issuers).inspect_err(|_| {
            tracing::info!(iss = %token.issuer, kid = %token.kid, "Teams token from an untrusted issuer refused");
        })?;
        let verified = async {
            let key = self.key(&issuer.metadata_url, &token.kid).await?;
            verify_with_key(&token, &key, issuer, app_id, now_unix)
        };
        verified.await.inspect_err(|e| {
            tracing::info!(iss = %token.issuer, kid = %token.kid, reason = %e, "Teams token refused");
        })
    }

    fn entry(&self, metadata_url: &str) -> Arc<Entry> {
        let mut entries = self.inner.entries.lock().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(entries.entry(metadata_url.to_owned()).or_default())
    }

    fn lookup(&self, slot: &Slot, kid: &str) -> Lookup {
        match &slot.keys {
            Some(set) if set.fetched_at.elapsed() < self.inner.settings.max_age => set
                .keys
                .get(kid)
                .map_or(Lookup::Fetch, |k| Lookup::Found(Arc::clone(k))),
            _ => Lookup::Fetch,
        }
    }

    /// The key `kid` of the issuer whose metadata is at `metadata_url`,
    /// fetching when the cache is empty, stale or lacks the kid and the
    /// rate limit allows.
    async fn key(&self, metadata_url: &str, kid: &str) -> Result<Arc<SigningKey>, VerifyError> {
        let entry = self.entry(metadata_url);
        let (seen, stale) = {
            let slot = entry.slot();
            if let Lookup::Found(key) = self.lookup(&slot, kid) {
                return Ok(key);
            }
            let stale = slot
                .keys
                .as_ref()
                .and_then(|set| set.keys.get(kid).map(Arc::clone));
            (slot.generation, stale)
        };
        // A known key whose set is only due for its daily refresh is not worth
        // waiting for: while another request refreshes, use it as it is.
        let _fetching = match (stale, entry.fetching.try_lock()) {
            (_, Ok(guard)) => guard,
            (Some(key), Err(_)) => return Ok(key),
            (None, Err(_)) => entry.fetching.lock().await,
        };
        let should_fetch = {
            let slot = entry.slot();
            // Another caller fetched while this one waited: use its result.
            let fetched_meanwhile = slot.generation != seen;
            let too_soon = slot
                .last_attempt
                .is_some_and(|t| t.elapsed() < self.inner.settings.min_refetch);
            !fetched_meanwhile && !too_soon
        };
        if should_fetch {
            entry.slot().last_attempt = Some(Instant::now());
            let fetched = self.fetch(metadata_url).await;
            let mut slot = entry.slot();
            slot.generation += 1;
            match fetched {
                Ok(keys) => {
                    tracing::debug!(host = %host_of(metadata_url), keys = keys.len(), "Teams signing keys fetched");
                    slot.keys = Some(Arc::new(KeySet {
                        keys: keys.into_iter().map(|k| (k.kid.clone(), Arc::new(k))).collect(),
                        fetched_at: Instant::now(),
                    }));
                    slot.last_error = None;
                }
                Err(reason) => {
                    tracing::warn!(
                        host = %host_of(metadata_url),
                        %reason,
                        keeping_cached = slot.keys.is_some(),
                        "could not fetch Teams signing keys"
                    );
                    slot.last_error = Some(reason);
                }
            }
        }
        let slot = entry.slot();
        // Whatever the fetch did, the keys held (possibly stale) still count:
        // a failed refresh must not turn away every request.
        match &slot.keys {
            Some(set) => set
                .keys
                .get(kid)
                .map(Arc::clone)
                .ok_or_else(|| VerifyError::UnknownKey { kid: kid.to_owned() }),
            None => Err(VerifyError::KeysUnavailable(
                slot.last_error
                    .clone()
                    .unwrap_or_else(|| "fetch pending".to_owned()),
            )),
        }
    }

    /// GET the metadata, then its `jwks_uri`; the usable keys or why not
    /// (host and reason only, safe to log and to return).
    async fn fetch(&self, metadata_url: &str) -> Result<Vec<SigningKey>, String> {
        let metadata = self.get(metadata_url).await?;
        let jwks_url = jwks_uri(&metadata).map_err(|e| format!("{}: {e}", host_of(metadata_url)))?;
        let jwks = self.get(&jwks_url).await?;
        let keys = parse_jwks(&jwks).map_err(|e| format!("{}: {e}", host_of(&jwks_url)))?;
        if keys.is_empty() {
            return Err(format!("{}: no usable RSA keys", host_of(&jwks_url)));
        }
        Ok(keys)
    }

    /// One GET with the fetch timeout and the size limit.
    async fn get(&self, url: &str) -> Result<Vec<u8>, String> {
        let host = host_of(url);
        let policy = RetryPolicy::single_attempt()
            .with_timeout(self.inner.settings.fetch_timeout)
            .with_max_body(MAX_DOCUMENT_BYTES);
        let answer = chatops_outbound::send("teams/keys", &policy, || Some(self.inner.http.get(url)))
            .await
            .map_err(|err| match err {
                OutboundError::TooLarge { .. } => {
                    format!("{host}: document larger than {MAX_DOCUMENT_BYTES} bytes")
                }
                OutboundError::Transport { reason, .. } => format!("{host}: {reason}"),
                other => format!("{host}: {other}"),
            })?;
        if !answer.status.is_success() {
            return Err(format!("{host}: HTTP {}", answer.status.as_u16()));
        }
        Ok(answer.body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_gets_of_a_fetch_end_inside_the_webhook_request() {
        for seconds in [1, 10, 30, 120] {
            let request = Duration::from_secs(seconds);
            let settings = KeySettings::default().within_request(request);
            assert!(settings.fetch_timeout * 2 < request, "{seconds} s: {settings:?}");
            assert!(settings.fetch_timeout <= KeySettings::default().fetch_timeout);
        }
        assert_eq!(
            KeySettings::default()
                .within_request(Duration::from_secs(10))
                .fetch_timeout,
            Duration::from_secs(4)
        );
    }
}
