//! The open connections of one listener, at most `cap` of them.
//!
//! At the limit, a new connection takes the place of the one that has waited
//! longest without a request in flight (idle, or still sending its head),
//! which is closed: nothing is lost by closing it, and a client that sends
//! its request promptly gets in at once however many idle or slowloris
//! connections hold the listener, where refusing the newcomer (or leaving it
//! in the accept queue until a timeout frees a place) would lock every
//! client out for as long as the attack lasts. Only when every connection
//! has a request in flight does the listener stop accepting until one ends
//! (bounded by the request timeout); meanwhile new connections wait in the
//! kernel's accept queue and cost the gateway nothing.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, MutexGuard},
};

use tokio::sync::Notify;

use super::connection::Tracker;

/// One listener's open connections.
#[derive(Debug)]
pub struct Connections {
    cap: usize,
    open: Mutex<Open>,
    /// Wakes [`Connections::admit`] when a connection closes or starts
    /// waiting for a request (one waiter: the accept loop).
    room: Arc<Notify>,
}

#[derive(Debug, Default)]
struct Open {
    next_id: u64,
    trackers: HashMap<u64, Arc<Tracker>>,
}

/// A connection's place, given back when dropped.
#[derive(Debug)]
pub struct Admitted {
    id: u64,
    connections: Arc<Connections>,
}

impl Drop for Admitted {
    fn drop(&mut self) {
        self.connections.lock().trackers.remove(&self.id);
        self.connections.room.notify_one();
    }
}

impl Connections {
    /// At most `cap` connections (at least 1).
    pub fn new(cap: usize) -> Arc<Connections> {
        Arc::new(Connections {
            cap: cap.max(1),
            open: Mutex::new(Open::default()),
            room: Arc::new(Notify::new()),
        })
    }

    /// The tracker of a connection accepted at `now`, which tells this
    /// listener when it may be evicted.
    pub fn tracker(&self, now: tokio::time::Instant) -> Arc<Tracker> {
        Tracker::telling(now, Some(self.room.clone()))
    }

    // Plain bookkeeping: a poisoned lock holds a consistent map.
    fn lock(&self) -> MutexGuard<'_, Open> {
        self.open.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The limit.
    pub fn cap(&self) -> usize {
        self.cap
    }

    /// Connections open now.
    pub fn len(&self) -> usize {
        self.lock().trackers.len()
    }

    /// Whether none is open.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Admits the connection of `tracker`. At the limit, evicts the
    /// connection that has waited longest without a request and waits for it
    /// to close, or, when every one has a request in flight, waits for one to
    /// end. Returns its place, and how many connections were evicted for it.
    /// (A stale wake-up only costs another look.)
    pub async fn admit(self: &Arc<Self>, tracker: Arc<Tracker>) -> (Admitted, usize) {
        let mut evicted = 0;
        loop {
            // Registered before looking, so a change in between is not missed.
            let room = self.room.notified();
            tokio::pin!(room);
            room.as_mut().enable();
            match self.try_admit(&tracker) {
                Ok(admitted) => return (admitted, evicted),
                Err(Some(victim)) => {
                    if victim.evict() {
                        evicted += 1;
                    }
                }
                Err(None) => {}
            }
            room.await;
        }
    }

    /// Admits `tracker` if there is room; else the connection to evict, if any.
    fn try_admit(self: &Arc<Self>, tracker: &Arc<Tracker>) -> Result<Admitted, Option<Arc<Tracker>>> {
        let mut open = self.lock();
        if open.trackers.len() < self.cap {
            let id = open.next_id;
            open.next_id += 1;
            open.trackers.insert(id, tracker.clone());
            return Ok(Admitted {
                id,
                connections: self.clone(),
            });
        }
        // A scan of at most `cap` entries, only when the listener is full.
        let victim = open
            .trackers
            .values()
            .filter_map(|candidate| Some((candidate.waiting_since()?, candidate)))
            .min_by_key(|(since, _)| *since)
            .map(|(_, candidate)| candidate.clone());
        Err(victim)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tokio::time::Instant;

    use super::{super::connection::Closed, *};

    const TIMEOUTS: super::super::connection::Timeouts = super::super::connection::Timeouts {
        header_read: Duration::from_secs(3600),
        idle: Duration::from_secs(3600),
    };

    /// A connection served until it is asked to close: its tracker, and the
    /// task holding its place, which ends with the reason it closed.
    async fn open(connections: &Arc<Connections>) -> (Arc<Tracker>, tokio::task::JoinHandle<Closed>) {
        let tracker = connections.tracker(Instant::now());
        let (admitted, _) = connections.admit(tracker.clone()).await;
        let closing = tracker.clone();
        let task = tokio::spawn(async move {
            let why = closing.closing(TIMEOUTS).await;
            drop(admitted);
            why
        });
        (tracker, task)
    }

    #[tokio::test(start_paused = true)]
    async fn at_the_limit_the_longest_waiting_connection_makes_room() {
        let connections = Connections::new(3);
        let (oldest, oldest_task) = open(&connections).await;
        tokio::time::advance(Duration::from_secs(1)).await;
        let (busy, busy_task) = open(&connections).await;
        let _request = busy.request_started();
        tokio::time::advance(Duration::from_secs(1)).await;
        let (newest, newest_task) = open(&connections).await;
        assert_eq!(connections.len(), 3);

        // The oldest waiting one goes, not the busy one (older), nor the newest.
        let (_fourth, evicted) = connections.admit(connections.tracker(Instant::now())).await;
        assert_eq!(evicted, 1);
        assert_eq!(oldest_task.await.unwrap(), Closed::Evicted);
        assert!(oldest.waiting_since().is_none());
        assert!(!busy_task.is_finished());
        assert!(!newest_task.is_finished());
        assert!(newest.waiting_since().is_some());
        assert_eq!(connections.len(), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn when_every_connection_is_busy_the_newcomer_waits_for_one_to_end() {
        let connections = Connections::new(2);
        let (first, _first_task) = open(&connections).await;
        let (second, _second_task) = open(&connections).await;
        let first_request = first.request_started();
        let _second_request = second.request_started();
        let waiting = {
            let connections = connections.clone();
            tokio::spawn(async move { connections.admit(connections.tracker(Instant::now())).await })
        };
        tokio::time::sleep(Duration::from_secs(5)).await;
        assert!(!waiting.is_finished(), "nothing may be evicted");
        // The first request ends: its connection waits again and is evicted.
        drop(first_request);
        let (_admitted, evicted) = waiting.await.unwrap();
        assert_eq!(evicted, 1);
        assert_eq!(connections.len(), 2);
    }

    #[tokio::test]
    async fn a_closed_connection_gives_its_place_back() {
        let connections = Connections::new(1);
        let tracker = connections.tracker(Instant::now());
        let (admitted, evicted) = connections.admit(tracker).await;
        assert_eq!((connections.len(), evicted), (1, 0));
        drop(admitted);
        assert!(connections.is_empty());
        let (_again, evicted) = connections.admit(connections.tracker(Instant::now())).await;
        assert_eq!(evicted, 0);
    }
}
