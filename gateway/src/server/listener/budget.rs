//! Connection limits that fit the open-file limit.
//!
//! Every connection is a file descriptor. With limits above what the process
//! may open, the listeners run out of descriptors before they reach their
//! limit: `accept` fails with "Too many open files" on every listener,
//! `/healthz` included, and outbound calls (answers to the chat platform)
//! fail too. So the limits are lowered, at start, to what fits beside the
//! descriptors the gateway needs for everything else; the admin listener's
//! share is taken first, since liveness probes must answer whatever the
//! webhook listener suffers.

/// Descriptors kept for everything but inbound connections, beside one per
/// command slot (a command's outbound call): standard streams, the runtime's
/// epoll and wake-up descriptors, the listeners, the configuration watch and
/// files, pooled outbound connections, busy notices and key fetches.
pub const BASE_OTHER_FILES: u64 = 64;

/// The connection limits of the two listeners.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    /// The webhook listener's limit.
    pub webhooks: usize,
    /// The admin listener's limit.
    pub admin: usize,
}

/// The limits asked for (`webhooks`, `admin`), lowered to fit `open_files`
/// (the soft `RLIMIT_NOFILE`; `None`: unlimited or unknown) beside
/// `other_files` descriptors. The admin listener keeps at most an eighth of
/// what is left (at least 4), the webhook listener the rest; neither gets
/// less than 1.
pub fn plan(open_files: Option<u64>, other_files: u64, webhooks: usize, admin: usize) -> Budget {
    let webhooks = webhooks.max(1);
    let admin = admin.max(1);
    let Some(open_files) = open_files else {
        return Budget { webhooks, admin };
    };
    let left = usize::try_from(open_files.saturating_sub(other_files)).unwrap_or(usize::MAX);
    let admin = admin.min((left / 8).max(4));
    let webhooks = webhooks.min(left.saturating_sub(admin)).max(1);
    Budget { webhooks, admin }
}

/// The soft open-file limit, first raised to the hard limit (as Go's
/// runtime does): the soft limit is often 1024 for compatibility with
/// `select(2)`, which the gateway does not use. `None` when unlimited.
pub fn open_file_limit() -> Option<u64> {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    if let (Some(current), Some(maximum)) = (limit.current, limit.maximum)
        && current < maximum
    {
        let raised = Rlimit {
            current: Some(maximum),
            maximum: Some(maximum),
        };
        match setrlimit(Resource::Nofile, raised) {
            Ok(()) => return Some(maximum),
            Err(err) => {
                tracing::debug!(error = %err, current, maximum, "cannot raise the open-file limit");
            }
        }
    }
    limit.current
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_that_fit_are_kept_and_the_others_lowered_keeping_the_admin_listener_apart() {
        // (open files, other files, webhooks asked, admin asked): (webhooks, admin) planned.
        let cases = [
            ((Some(1 << 20), 128, 1024, 64), (1024, 64)),
            ((None, 128, 1024, 64), (1024, 64)),
            // ulimit -n 256, 64 command slots: 128 descriptors for connections.
            ((Some(256), 128, 1024, 64), (112, 16)),
            // ulimit -n 1024: the admin listener keeps its 64.
            ((Some(1024), 128, 1024, 64), (832, 64)),
            // Nothing left: one each, rather than none.
            ((Some(100), 128, 1024, 64), (1, 4)),
            ((Some(1 << 20), 0, 0, 0), (1, 1)),
        ];
        for ((open_files, other_files, webhooks, admin), expected) in cases {
            let planned = plan(open_files, other_files, webhooks, admin);
            assert_eq!(
                (planned.webhooks, planned.admin),
                expected,
                "{open_files:?} {other_files}"
            );
        }
    }

    #[test]
    fn the_limit_is_read() {
        let limit = open_file_limit();
        assert!(limit.is_none_or(|limit| limit > 3), "{limit:?}");
    }
}
