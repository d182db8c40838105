//! One access check against 10, 1 000 and 100 000 grants, for an allowed and a denied request,
//! with the index and (for comparison) the scan-every-grant reference; and the index build.
//!
//! Run with `cargo bench -p chatops-gateway --bench grants`; figures go into docs/benchmarks.md.

use std::hint::black_box;
use std::time::Duration;

use chatops_crds::GrantType;
use chatops_crds::config::GrantRule;
use chatops_gateway::access::{Decision, Denial, GrantIndex, Request, reference};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

const SIZES: [usize; 3] = [10, 1_000, 100_000];
const COMMANDS: usize = 20;
const SUBCOMMANDS: usize = 5;
/// The platform the benchmarked requests come in on; some grants are limited to another.
const PLATFORM: &str = "slack-prod";
const OTHER_PLATFORM: &str = "teams-prod";

fn rule(command: String, subcommand: &str, grant_type: GrantType, value: String, nth: usize) -> GrantRule {
    // Every fourth grant is limited to one platform, alternating between the two.
    let platform = match nth % 8 {
        3 => Some(PLATFORM.to_owned()),
        7 => Some(OTHER_PLATFORM.to_owned()),
        _ => None,
    };
    GrantRule {
        command,
        subcommand: subcommand.to_owned(),
        grant_type,
        name: format!("grant-{nth}"),
        value,
        platform,
        source: format!("default/grant-{nth}"),
    }
}

fn command(k: usize) -> String {
    format!("cmd{:02}", k % COMMANDS)
}

fn subcommand(k: usize) -> String {
    format!("sub{}", k % SUBCOMMANDS)
}

/// `n` grants as a large deployment might have them: 1 % organization grants (one per
/// workspace), 10 % channel grants (one command per channel), a few wildcards, and the rest
/// user grants for one command and sub-command each, every one for a different user ID.
fn grants(n: usize) -> Vec<GrantRule> {
    let organizations = (n / 100).max(1);
    let channels = (n / 10).max(2);
    let mut grants = Vec::with_capacity(n);
    for k in 0..organizations {
        grants.push(rule(
            "*".into(),
            "*",
            GrantType::Organization,
            format!("T{k:06}"),
            grants.len(),
        ));
    }
    for k in 0..channels {
        grants.push(rule(
            command(k),
            "*",
            GrantType::Channel,
            format!("C{k:06}"),
            grants.len(),
        ));
    }
    grants.push(rule(
        "jokes".into(),
        "*",
        GrantType::Channel,
        "*".into(),
        grants.len(),
    ));
    grants.push(rule(
        "jokes".into(),
        "*",
        GrantType::User,
        "*".into(),
        grants.len(),
    ));
    let mut k = 0;
    while grants.len() < n {
        let nth = grants.len();
        grants.push(rule(
            command(k),
            &subcommand(k / COMMANDS),
            GrantType::User,
            format!("U{k:07}"),
            nth,
        ));
        k += 1;
    }
    grants
}

/// Whether `grant` applies to requests on [`PLATFORM`].
fn applies(grant: &&GrantRule) -> bool {
    grant.platform.as_deref().is_none_or(|only| only == PLATFORM)
}

/// A channel whose grant allows `command` on [`PLATFORM`].
fn channel_for<'g>(grants: &'g [GrantRule], command: &str) -> Option<&'g str> {
    grants
        .iter()
        .filter(applies)
        .find(|g| g.grant_type == GrantType::Channel && g.command == command)
        .map(|g| g.value.as_str())
}

/// The allowed request for user grant `user_grant`, if a channel grant allows its command.
fn request_for<'g>(grants: &'g [GrantRule], user_grant: &'g GrantRule) -> Option<Request<'g>> {
    let organization = grants
        .iter()
        .filter(applies)
        .find(|g| g.grant_type == GrantType::Organization)?;
    Some(Request {
        platform: PLATFORM,
        organization: Some(&organization.value),
        channel: Some(channel_for(grants, &user_grant.command)?),
        user: Some(&user_grant.value),
        command: &user_grant.command,
        subcommand: &user_grant.subcommand,
    })
}

/// User grants for one ID that apply on [`PLATFORM`].
fn user_grants(grants: &[GrantRule]) -> impl DoubleEndedIterator<Item = &GrantRule> {
    grants
        .iter()
        .filter(applies)
        .filter(|g| g.grant_type == GrantType::User && g.value != "*")
}

/// A request the grants allow, built from the last user grant that applies on [`PLATFORM`]
/// and whose command some channel grant allows there: the scan finds it late.
fn allowed_request(grants: &[GrantRule]) -> Request<'_> {
    user_grants(grants)
        .rev()
        .find_map(|g| request_for(grants, g))
        .expect("a user grant whose command has a channel grant")
}

/// Up to `count` different allowed requests spread over the user grants, so that checking
/// them in turn does not find the same cache lines hot every time, as repeating one does.
fn allowed_requests(grants: &[GrantRule], count: usize) -> Vec<Request<'_>> {
    let step = (grants.len() / count).max(1);
    user_grants(grants)
        .step_by(step)
        .filter_map(|g| request_for(grants, g))
        .take(count)
        .collect()
}

/// The same request from a user no grant names: organization and channel pass, so every
/// scope is checked before the denial.
fn denied_request<'g>(grants: &'g [GrantRule]) -> Request<'g> {
    Request {
        user: Some("U-nobody"),
        ..allowed_request(grants)
    }
}

fn check(c: &mut Criterion) {
    let mut group = c.benchmark_group("check");
    group
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    for n in SIZES {
        let grants = grants(n);
        let index = GrantIndex::new(&grants);
        let allowed = allowed_request(&grants);
        let denied = denied_request(&grants);
        // The requests must decide as named, or the figures measure something else.
        assert_eq!(reference::check(&grants, &allowed), Decision::Allowed);
        assert_eq!(
            reference::check(&grants, &denied),
            Decision::Denied(Denial {
                scope: GrantType::User,
                id: Some("U-nobody")
            })
        );
        assert_eq!(index.check(&allowed), Decision::Allowed);
        assert_eq!(index.check(&denied), reference::check(&grants, &denied));

        let many = allowed_requests(&grants, 4096);
        assert!(
            many.iter()
                .all(|request| index.check(request) == Decision::Allowed)
        );
        group.bench_with_input(BenchmarkId::new("index/allowed-rotating", n), &many, |b, many| {
            let mut next = many.iter().cycle();
            b.iter(|| index.check(black_box(next.next().expect("cycles"))))
        });

        for (outcome, request) in [("allowed", allowed), ("denied", denied)] {
            group.bench_with_input(
                BenchmarkId::new(format!("index/{outcome}"), n),
                &request,
                |b, request| b.iter(|| index.check(black_box(request))),
            );
            group.bench_with_input(
                BenchmarkId::new(format!("reference/{outcome}"), n),
                &request,
                |b, request| b.iter(|| reference::check(black_box(&grants), black_box(request))),
            );
        }
    }
    group.finish();
}

fn build(c: &mut Criterion) {
    let mut group = c.benchmark_group("build");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    let grants = grants(100_000);
    group.bench_function(BenchmarkId::new("index", grants.len()), |b| {
        b.iter(|| GrantIndex::new(black_box(&grants)))
    });
    group.finish();
}

criterion_group!(benches, check, build);
criterion_main!(benches);
