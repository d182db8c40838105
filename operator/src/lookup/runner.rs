//! The shell of the look-ups: ask the platforms for the due ones, apply
//! their status, record their Events, schedule their retries.

use std::{
    collections::{HashMap, HashSet},
    time::Instant,
};

use chatops_crds::{
    AccessGrant, AccountLink, Condition, Kind, ObjectKey,
    config::{GatewayConfig, GatewaySecrets},
};
use futures::{StreamExt, stream};
use k8s_openapi::{apimachinery::pkg::apis::meta::v1::Time, jiff::Timestamp};
use kube::{
    Api, Client,
    api::{ApiResource, DynamicObject, Patch, PatchParams},
};

use super::{
    ApiBases, Backoff, FIELD_MANAGER, Lookup, LookupError, Query,
    backoff::Schedule,
    http,
    platform::Resolver,
    status::{event, is_current, resolved_condition, status_patch},
};
use crate::leader::Leadership;
use crate::recorder::{EventRecorder, resource_reference};

/// Look-ups run at most per call, so one call never holds the render loop
/// for long; the rest are due at once and come in the next call.
const MAX_PER_RUN: usize = 16;
/// Look-ups in flight at once.
const CONCURRENCY: usize = 4;

/// The clock of one call: monotonic for the backoff, wall time for the condition.
#[derive(Clone, Debug)]
pub struct Now {
    /// For the backoff.
    pub instant: Instant,
    /// For `lastTransitionTime`.
    pub time: Time,
}

impl Now {
    /// The system's clocks.
    pub fn system() -> Self {
        Self {
            instant: Instant::now(),
            time: Time(Timestamp::now()),
        }
    }
}

/// What became of one look-up that was due.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The AccountLink or AccessGrant.
    pub object: ObjectKey,
    /// What was looked up.
    pub query: Query,
    /// On which ChatPlatform.
    pub platform: String,
    /// The ID, or why not.
    pub result: Result<String, LookupError>,
    /// Whether the status was applied (a failure already in status is not
    /// applied again, nor is a rate limit, which is a delay rather than news).
    pub written: bool,
    /// Why applying the status failed, when it did (it is retried with backoff).
    pub write_error: Option<String>,
    /// When the look-up is tried again; `None` after a success was written.
    pub retry_at: Option<Instant>,
}

/// What one call did, and when to call again.
#[derive(Clone, Debug, Default)]
pub struct Run {
    /// The look-ups that ran, in the order given.
    pub outcomes: Vec<Outcome>,
    /// When the earliest pending look-up is due (`now` or earlier when some
    /// are due already); `None` when none is pending.
    pub next_due: Option<Instant>,
}

/// Runs look-ups with a backoff per object. Holds no global state: one per
/// render loop, called after each compile.
#[derive(Debug)]
pub struct Lookups {
    http: http::Client,
    bases: ApiBases,
    schedule: Schedule,
    leadership: Leadership,
}

impl Lookups {
    /// Look-ups against the APIs at `bases`, with the default backoff.
    pub fn new(bases: ApiBases) -> Result<Self, chatops_outbound::OutboundError> {
        Ok(Self {
            http: http::client()?,
            bases,
            schedule: Schedule::default(),
            leadership: Leadership::always(),
        })
    }

    /// The same, writing only while `leadership` says this replica leads:
    /// a replica that lost the lease writes no status, even mid-run.
    pub fn with_leadership(mut self, leadership: Leadership) -> Self {
        self.leadership = leadership;
        self
    }

    /// The same with another backoff.
    pub fn with_backoff(mut self, backoff: Backoff) -> Self {
        self.schedule = Schedule::new(backoff);
        self
    }

    /// When the earliest of `pending` is due, without running anything.
    pub fn next_due(&self, pending: &[Lookup], now: Instant) -> Option<Instant> {
        self.schedule.next_due(pending, now)
    }

    /// Resolves those of `pending` (all that need a look-up, from
    /// [`super::pending`]) whose backoff allows, with the credentials of the
    /// compiled `config` and `secrets`; applies each outcome to the resource's
    /// status and records its Event; schedules the retries. Objects no longer
    /// pending are forgotten.
    pub async fn run_due(
        &mut self,
        client: &Client,
        recorder: &EventRecorder,
        pending: Vec<Lookup>,
        config: &GatewayConfig,
        secrets: &GatewaySecrets,
        now: &Now,
    ) -> Run {
        self.schedule.retain_pending(&pending, now.instant);
        if !self.leadership.is_leader() {
            return Run {
                outcomes: Vec::new(),
                next_due: self.schedule.next_due(&pending, now.instant),
            };
        }
        let due: Vec<&Lookup> = pending
            .iter()
            .filter(|lookup| self.schedule.is_due(lookup, now.instant))
            .take(MAX_PER_RUN)
            .collect();
        let resolved = self.resolve(&due, config, secrets).await;

        let mut outcomes = Vec::with_capacity(resolved.len());
        for (lookup, result) in resolved {
            outcomes.push(self.settle(client, recorder, lookup, result, now).await);
        }
        Run {
            outcomes,
            next_due: self.schedule.next_due(&pending, now.instant),
        }
    }

    /// Asks the platforms, a few at a time. One resolver per platform serves
    /// the whole call, so a channel list is read once however many names
    /// are looked up; once a platform rate limits, the rest of its look-ups
    /// wait for the next call.
    async fn resolve<'a>(
        &self,
        due: &[&'a Lookup],
        config: &GatewayConfig,
        secrets: &GatewaySecrets,
    ) -> Vec<(&'a Lookup, Result<String, LookupError>)> {
        let mut resolvers: HashMap<&str, Result<Resolver, LookupError>> = HashMap::new();
        for lookup in due {
            resolvers.entry(lookup.platform.as_str()).or_insert_with(|| {
                match config.platforms.get(&lookup.platform) {
                    Some(platform) => {
                        Resolver::new(&lookup.platform, platform, secrets, &self.bases, &self.http)
                    }
                    None => Err(LookupError::NotConfigured(format!(
                        "the ChatPlatform {} is not in the gateway's configuration",
                        lookup.platform
                    ))),
                }
            });
        }
        // The futures run on this task only; a Mutex (never held across an
        // await) rather than a RefCell keeps the future `Send` for `tokio::spawn`.
        let limited: std::sync::Mutex<HashSet<String>> = Default::default();
        let is_limited = |platform: &str| limited.lock().map(|l| l.contains(platform)).unwrap_or(false);
        let results: Vec<Option<(&Lookup, Result<String, LookupError>)>> = stream::iter(due.iter().copied())
            .map(|lookup| {
                let (resolvers, limited, is_limited) = (&resolvers, &limited, &is_limited);
                async move {
                    if is_limited(&lookup.platform) {
                        return None;
                    }
                    let result = match &resolvers[lookup.platform.as_str()] {
                        Ok(resolver) => resolver.resolve(&lookup.query).await,
                        Err(error) => Err(error.clone()),
                    };
                    if matches!(result, Err(LookupError::RateLimited { .. }))
                        && let Ok(mut limited) = limited.lock()
                    {
                        limited.insert(lookup.platform.clone());
                    }
                    Some((lookup, result))
                }
            })
            .buffered(CONCURRENCY)
            .collect()
            .await;
        results.into_iter().flatten().collect()
    }

    /// Applies one outcome, records its Event and schedules what comes next.
    async fn settle(
        &mut self,
        client: &Client,
        recorder: &EventRecorder,
        lookup: &Lookup,
        result: Result<String, LookupError>,
        now: &Now,
    ) -> Outcome {
        let condition = resolved_condition(lookup, &result, now.time.clone());
        let rate_limited = matches!(result, Err(LookupError::RateLimited { .. }));
        let news = self.leadership.is_leader()
            && (result.is_ok() || !(rate_limited || is_current(lookup.current.as_ref(), &condition)));
        let write_error = if news {
            write_status(client, lookup, &result, &condition)
                .await
                .err()
                .map(|error| error.to_string())
        } else {
            None
        };
        let written = news && write_error.is_none();
        if written {
            recorder
                .record(
                    &resource_reference(&lookup.object, lookup.uid.clone()),
                    &event(&condition),
                )
                .await;
        }
        let retry_at = match (&result, &write_error) {
            (Ok(_), None) => {
                self.schedule.succeeded(lookup, now.instant);
                None
            }
            (Ok(_), Some(_)) => Some(self.schedule.failed(lookup, now.instant, None, false)),
            (Err(error), _) => {
                Some(
                    self.schedule
                        .failed(lookup, now.instant, error.retry_after(), error.is_permanent()),
                )
            }
        };
        log(lookup, &condition, &result, write_error.as_deref());
        Outcome {
            object: lookup.object.clone(),
            query: lookup.query.clone(),
            platform: lookup.platform.clone(),
            result,
            written,
            write_error,
            retry_at,
        }
    }
}

/// Applies the look-up's status fields under [`FIELD_MANAGER`], forced: no
/// other manager writes them.
async fn write_status(
    client: &Client,
    lookup: &Lookup,
    result: &Result<String, LookupError>,
    condition: &Condition,
) -> Result<(), kube::Error> {
    let object = &lookup.object;
    let resource = match object.kind {
        Kind::AccessGrant => ApiResource::erase::<AccessGrant>(&()),
        _ => ApiResource::erase::<AccountLink>(&()),
    };
    let api: Api<DynamicObject> = Api::namespaced_with(client.clone(), &object.namespace, &resource);
    let params = PatchParams::apply(FIELD_MANAGER).force();
    let patch = Patch::Apply(status_patch(lookup, result, condition));
    api.patch_status(&object.name, &params, &patch).await?;
    Ok(())
}

fn log(
    lookup: &Lookup,
    condition: &Condition,
    result: &Result<String, LookupError>,
    write_error: Option<&str>,
) {
    let object = &lookup.object;
    match (result, write_error) {
        (_, Some(error)) => {
            tracing::warn!(%object, %error, outcome = %condition.message, "could not write a look-up's status")
        }
        (Ok(_), None) => tracing::info!(%object, outcome = %condition.message, "look-up resolved"),
        (Err(LookupError::RateLimited { retry_after, .. }), None) => {
            tracing::info!(%object, ?retry_after, platform = %lookup.platform, "look-up rate limited")
        }
        (Err(_), None) => tracing::warn!(%object, outcome = %condition.message, "look-up failed"),
    }
}

#[cfg(test)]
mod tests;
