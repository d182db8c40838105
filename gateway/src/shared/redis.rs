//! The Redis shell of the shared state: a connection kept open in the
//! background (reconnected with backoff), and the four operations the
//! gateway needs, each under a short timeout. What the answers mean is
//! decided in `super` and `super::leases`; nothing here retries a call or
//! waits for Redis on a request's path: a failed call reports "no answer"
//! and the caller uses the replica's memory.
//!
//! The URL is never logged nor put in an error: it may carry a password.

use std::{
    sync::{Arc, Mutex, MutexGuard},
    time::Duration,
};

use redis::{AsyncConnectionConfig, RedisError, aio::MultiplexedConnection};
use tokio::sync::Notify;

use super::health::{Health, Link};

/// Why the shared store could not be set up. Names no part of the URL.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// The URL did not parse, or names a scheme this build cannot speak.
    #[error("the Redis URL is not valid (expected redis://[user:password@]host:port[/db])")]
    InvalidUrl,
}

/// How often a connected store is pinged while no request uses it, so that
/// `/readyz` and the gauge notice a Redis gone quiet.
const PING_EVERY: Duration = Duration::from_secs(5);
/// The first and the longest wait between two connection attempts.
const BACKOFF: (Duration, Duration) = (Duration::from_millis(250), Duration::from_secs(30));

/// Deletes a key only if this replica claimed it (its value is ours): a
/// replica that gives a key back (a request it refused whole) never deletes
/// the key of another replica, which would forget it early.
const GIVE_BACK: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0";

/// Takes a lease in a user's sorted set of holders: expired holders
/// (score = lease end, by Redis' own clock, the same for every replica)
/// leave first; then a lease is added if fewer than `ARGV[2]` remain.
const TAKE_LEASE: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  return 0
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
return 1";

/// A Redis the replicas share.
pub struct RedisStore {
    client: redis::Client,
    timeout: Duration,
    connection: Mutex<Option<MultiplexedConnection>>,
    /// Wakes the connection keeper when a call lost the connection.
    lost: Notify,
    health: Health,
    give_back: redis::Script,
    take_lease: redis::Script,
}

impl std::fmt::Debug for RedisStore {
    /// Without the client: its Debug would show the URL.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore")
            .field("timeout", &self.timeout)
            .field("link", &self.health.link())
            .finish_non_exhaustive()
    }
}

impl RedisStore {
    /// A store for `url`, each call bounded by `timeout`, reporting to
    /// `health`. Nothing is connected yet: see [`RedisStore::keep_connected`].
    pub fn new(url: &str, timeout: Duration, health: Health) -> Result<RedisStore, SetupError> {
        let client = redis::Client::open(url).map_err(|_| SetupError::InvalidUrl)?;
        Ok(RedisStore {
            client,
            timeout,
            connection: Mutex::new(None),
            lost: Notify::new(),
            health,
            give_back: redis::Script::new(GIVE_BACK),
            take_lease: redis::Script::new(TAKE_LEASE),
        })
    }

    /// How the store stands.
    pub fn link(&self) -> Link {
        self.health.link()
    }

    /// Keeps a connection open for as long as the process runs: connects,
    /// pings while idle, and after a failure connects again with a backoff
    /// doubling up to 30 s. The backoff is reset only once a connection
    /// answered a ping: a Redis that accepts connections but fails every
    /// call (full, say) is not reconnected to in a tight loop. Spawn it once.
    pub async fn keep_connected(self: Arc<Self>) {
        let mut wait = BACKOFF.0;
        loop {
            if self.connection().is_some() {
                tokio::select! {
                    () = self.lost.notified() => {
                        tokio::time::sleep(wait).await;
                        wait = (wait * 2).min(BACKOFF.1);
                    }
                    () = tokio::time::sleep(PING_EVERY) => {
                        let ping = redis::cmd("PING");
                        let answered: Option<String> =
                            self.call(async |connection| ping.query_async(connection).await).await;
                        if answered.is_some() {
                            wait = BACKOFF.0;
                        }
                    }
                }
                continue;
            }
            match self.connect().await {
                Ok(connection) => {
                    *self.slot() = Some(connection);
                    self.health.record(true, "");
                }
                Err(why) => {
                    self.health.record(false, &why);
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(BACKOFF.1);
                }
            }
        }
    }

    /// Sets `key` to `value` for `ttl` unless it exists: `Some(true)` if
    /// this call set it, `Some(false)` if it was there, `None` without an answer.
    pub async fn claim(&self, key: &str, value: &str, ttl: Duration) -> Option<bool> {
        // One atomic command: the first replica to receive a delivery runs it.
        let mut command = redis::cmd("SET");
        command.arg(key).arg(value).arg("NX").arg("PX").arg(millis(ttl));
        self.call(async |connection| command.query_async::<Option<String>>(connection).await)
            .await
            .map(|set| set.is_some())
    }

    /// Deletes `key` if its value is `value`; without an answer, the key
    /// stays until its own expiry (safe: it is only remembered longer).
    pub async fn give_back(&self, key: &str, value: &str) {
        let mut invocation = self.give_back.key(key);
        invocation.arg(value);
        let _: Option<i64> = self
            .call(async |connection| invocation.invoke_async(connection).await)
            .await;
    }

    /// Adds `holder` to the holders at `key` for `lease`, if fewer than
    /// `limit` hold it: `Some(true)` if added, `Some(false)` at the limit,
    /// `None` without an answer.
    pub async fn take_lease(&self, key: &str, holder: &str, limit: usize, lease: Duration) -> Option<bool> {
        let mut invocation = self.take_lease.key(key);
        invocation.arg(holder).arg(limit).arg(millis(lease));
        self.call(async |connection| invocation.invoke_async::<i64>(connection).await)
            .await
            .map(|taken| taken == 1)
    }

    /// Removes `holder` from the holders at `key`; without an answer, its
    /// lease ends by itself.
    pub async fn end_lease(&self, key: &str, holder: &str) {
        let mut command = redis::cmd("ZREM");
        command.arg(key).arg(holder);
        let _: Option<i64> = self
            .call(async |connection| command.query_async(connection).await)
            .await;
    }

    /// Runs one call on the current connection under the timeout. No
    /// connection, an error or a timeout is `None`, counted as a fallback; a
    /// call that failed on the connection marks the store down and wakes the
    /// keeper to reconnect.
    async fn call<T>(
        &self,
        call: impl AsyncFnOnce(&mut MultiplexedConnection) -> Result<T, RedisError>,
    ) -> Option<T> {
        if self.health.link() != Link::Up {
            self.health.fell_back();
            return None;
        }
        let connection = self.connection();
        let attempt = async move {
            let mut connection = connection.ok_or_else(not_connected)?;
            call(&mut connection).await
        };
        let why = match tokio::time::timeout(self.timeout, attempt).await {
            Ok(Ok(answer)) => return Some(answer),
            Ok(Err(err)) => describe(&err),
            Err(_) => "timed out".to_owned(),
        };
        self.health.fell_back();
        self.slot().take();
        self.health.record(false, &why);
        self.lost.notify_one();
        None
    }

    async fn connect(&self) -> Result<MultiplexedConnection, String> {
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(self.timeout.max(Duration::from_secs(1))))
            .set_response_timeout(Some(self.timeout));
        let mut connection = self
            .client
            .get_multiplexed_async_connection_with_config(&config)
            .await
            .map_err(|err| describe(&err))?;
        let ping = redis::cmd("PING");
        match tokio::time::timeout(self.timeout, ping.query_async::<String>(&mut connection)).await {
            Ok(Ok(_)) => Ok(connection),
            Ok(Err(err)) => Err(describe(&err)),
            Err(_) => Err("timed out".to_owned()),
        }
    }

    fn connection(&self) -> Option<MultiplexedConnection> {
        self.slot().clone()
    }

    // The slot is only ever replaced whole: a poisoned lock holds a valid value.
    fn slot(&self) -> MutexGuard<'_, Option<MultiplexedConnection>> {
        self.connection
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn not_connected() -> RedisError {
    RedisError::from(std::io::Error::from(std::io::ErrorKind::NotConnected))
}

/// What went wrong, for a log line: the kind of error only. A Redis error's
/// text could name the address it failed to reach; the URL is a secret.
fn describe(err: &RedisError) -> String {
    if err.is_timeout() {
        "timed out".to_owned()
    } else if err.is_connection_refusal() {
        "connection refused".to_owned()
    } else if err.is_connection_dropped() || err.is_io_error() {
        "connection lost".to_owned()
    } else {
        format!("{:?}", err.kind())
    }
}

fn millis(duration: Duration) -> u64 {
    // Rounded up: a key is never forgotten before its window closes.
    u64::try_from(duration.as_nanos().div_ceil(1_000_000))
        .unwrap_or(u64::MAX)
        .max(1)
}
