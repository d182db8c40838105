//! The Redis shell of the shared state against a real `redis-server`
//! (testkit's `redis_server`): two stores stand for two replicas. Skipped
//! with a note without `redis-server`, failed under `CI=true`.

use std::{sync::Arc, time::Duration};

use chatops_gateway::shared::{Health, Link, RedisStore, SetupError};
use chatops_testkit::{
    redis_server::{self, RedisServer},
    wait,
};
use prometheus_client::metrics::{counter::Counter, gauge::Gauge};

/// Long enough never to end within a test.
const LONG: Duration = Duration::from_secs(600);

/// A store on `url`, kept connected, once it answers.
async fn replica(url: &str) -> (Arc<RedisStore>, Gauge, Counter) {
    let (up, fallbacks) = (Gauge::default(), Counter::default());
    let health = Health::new(up.clone(), fallbacks.clone());
    let store = Arc::new(RedisStore::new(url, Duration::from_secs(2), health).expect("a valid URL"));
    tokio::spawn(store.clone().keep_connected());
    wait::until(Duration::from_secs(20), "the store to connect", || {
        (store.link() == Link::Up).then_some(())
    })
    .await;
    (store, up, fallbacks)
}

#[tokio::test]
async fn a_key_is_claimed_once_and_given_back_only_by_its_claimant() {
    if !redis_server::available("a_key_is_claimed_once_and_given_back_only_by_its_claimant") {
        return;
    }
    let redis = RedisServer::start().await;
    let (a, _, _) = replica(&redis.url()).await;
    let (b, _, _) = replica(&redis.url()).await;
    assert_eq!(a.claim("t:replay:1", "a", LONG).await, Some(true));
    assert_eq!(b.claim("t:replay:1", "b", LONG).await, Some(false));
    // B did not claim it: its give-back leaves A's key alone.
    b.give_back("t:replay:1", "b").await;
    assert_eq!(b.claim("t:replay:1", "b", LONG).await, Some(false));
    a.give_back("t:replay:1", "a").await;
    assert_eq!(b.claim("t:replay:1", "b", LONG).await, Some(true));
    // A key's window ends by itself.
    assert_eq!(
        a.claim("t:replay:2", "a", Duration::from_millis(1)).await,
        Some(true)
    );
    let claimed = wait::within_async(Duration::from_secs(10), || async {
        (b.claim("t:replay:2", "b", LONG).await == Some(true)).then_some(())
    })
    .await;
    assert!(claimed.is_some(), "the key outlived its window");
}

#[tokio::test]
async fn a_user_s_leases_are_counted_across_replicas_and_end_by_themselves() {
    if !redis_server::available("a_user_s_leases_are_counted_across_replicas_and_end_by_themselves") {
        return;
    }
    let redis = RedisServer::start().await;
    let (a, _, _) = replica(&redis.url()).await;
    let (b, _, _) = replica(&redis.url()).await;
    let user = "t:user:alice";
    assert_eq!(a.take_lease(user, "a:1", 2, LONG).await, Some(true));
    assert_eq!(b.take_lease(user, "b:1", 2, LONG).await, Some(true));
    assert_eq!(
        a.take_lease(user, "a:2", 2, LONG).await,
        Some(false),
        "the limit counts both replicas"
    );
    b.end_lease(user, "b:1").await;
    assert_eq!(a.take_lease(user, "a:2", 2, LONG).await, Some(true));

    // A replica that dies mid-command never ends its lease: it ends by itself.
    let other = "t:user:bob";
    assert_eq!(
        b.take_lease(other, "b:dead", 1, Duration::from_millis(1)).await,
        Some(true)
    );
    let taken = wait::within_async(Duration::from_secs(10), || async {
        (a.take_lease(other, "a:1", 1, LONG).await == Some(true)).then_some(())
    })
    .await;
    assert!(taken.is_some(), "the dead replica's lease never ended");
}

#[tokio::test]
async fn without_redis_calls_fall_back_and_are_counted_then_redis_is_used_again() {
    if !redis_server::available("without_redis_calls_fall_back_and_are_counted_then_redis_is_used_again") {
        return;
    }
    let mut redis = RedisServer::start().await;
    let (store, up, fallbacks) = replica(&redis.url()).await;
    assert_eq!(up.get(), 1);
    redis.kill();
    // The first call after the loss finds out; the next ones do not wait for Redis.
    let answers = [
        store.claim("t:replay:down", "a", LONG).await,
        store.claim("t:replay:down", "a", LONG).await,
    ];
    assert_eq!(answers, [None, None]);
    assert_eq!(store.link(), Link::Down);
    assert_eq!(up.get(), 0);
    assert!(fallbacks.get() >= 2);

    redis.restart().await;
    wait::until(Duration::from_secs(90), "the store to reconnect", || {
        (store.link() == Link::Up).then_some(())
    })
    .await;
    assert_eq!(up.get(), 1);
    assert_eq!(store.claim("t:replay:down", "a", LONG).await, Some(true));
}

#[test]
fn a_bad_url_is_refused_without_repeating_it() {
    let (up, fallbacks) = (Gauge::default(), Counter::default());
    let err = RedisStore::new(
        "http://user:s3cret@host",
        Duration::from_secs(1),
        Health::new(up, fallbacks),
    )
    .expect_err("not a Redis URL");
    assert!(matches!(err, SetupError::InvalidUrl));
    assert!(!err.to_string().contains("s3cret"), "{err}");
}
