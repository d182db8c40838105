//! Waits on a condition with a deadline, in place of fixed sleeps: a test
//! goes on as soon as what it waits for has happened, and a slow machine
//! only makes it slower, not wrong.

use std::{fmt::Display, time::Duration};

use tokio::time::Instant;

/// How often a condition is looked at again.
pub const POLL: Duration = Duration::from_millis(20);

/// Looks at `check` every [`POLL`] until it returns `Some`, for at most
/// `limit`; returns that value, or `None` when the deadline passed first.
/// (`check` is always asked at least once, and once more at the deadline.)
pub async fn within<T>(limit: Duration, mut check: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(found) = check() {
            return Some(found);
        }
        if Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(POLL.min(deadline - Instant::now())).await;
    }
}

/// [`within`] that fails the test, naming `what` it waited for, when the
/// deadline passes first.
pub async fn until<T>(limit: Duration, what: impl Display, check: impl FnMut() -> Option<T>) -> T {
    match within(limit, check).await {
        Some(found) => found,
        None => panic!("waited {limit:?} for {what} in vain"),
    }
}

/// [`within`] for a condition that needs to await (an HTTP request, a metric):
/// `check` is awaited every [`POLL`] until it gives `Some`, for at most `limit`.
pub async fn within_async<T, F>(limit: Duration, mut check: impl FnMut() -> F) -> Option<T>
where
    F: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + limit;
    loop {
        if let Some(found) = check().await {
            return Some(found);
        }
        if Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(POLL.min(deadline - Instant::now())).await;
    }
}

/// [`within_async`] that fails the test, naming `what` it waited for, when
/// the deadline passes first.
pub async fn until_async<T, F>(limit: Duration, what: impl Display, check: impl FnMut() -> F) -> T
where
    F: Future<Output = Option<T>>,
{
    match within_async(limit, check).await {
        Some(found) => found,
        None => panic!("waited {limit:?} for {what} in vain"),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    };

    use super::*;

    #[tokio::test]
    async fn a_condition_met_later_is_waited_for_and_its_value_returned() {
        let asked = AtomicUsize::new(0);
        let found = within(Duration::from_secs(5), || {
            (asked.fetch_add(1, Ordering::SeqCst) == 3).then_some("third time")
        })
        .await;
        assert_eq!(found, Some("third time"));
        assert_eq!(asked.load(Ordering::SeqCst), 4);
    }

    #[tokio::test]
    async fn a_condition_never_met_gives_none_at_the_deadline_not_before() {
        let started = Instant::now();
        let found: Option<()> = within(Duration::from_millis(100), || None).await;
        assert_eq!(found, None);
        let waited = started.elapsed();
        assert!(waited >= Duration::from_millis(100), "gave up after {waited:?}");
        assert!(waited < Duration::from_secs(2), "gave up only after {waited:?}");
    }

    #[tokio::test]
    async fn an_async_condition_is_awaited_until_it_holds() {
        let asked = Arc::new(AtomicUsize::new(0));
        let found = until_async(Duration::from_secs(5), "the second look", || {
            let asked = asked.clone();
            async move { (asked.fetch_add(1, Ordering::SeqCst) == 1).then_some(7) }
        })
        .await;
        assert_eq!(found, 7);
    }

    #[tokio::test]
    #[should_panic(expected = "waited 50ms for the impossible in vain")]
    async fn until_names_what_it_waited_for_when_it_gives_up() {
        until(Duration::from_millis(50), "the impossible", || None::<()>).await;
    }
}
