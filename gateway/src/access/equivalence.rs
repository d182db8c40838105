//! The index decides exactly as the reference does, on random grants and requests.
//!
//! Names come from alphabets of two or three letters plus `*`, so random grants and requests
//! match often and every branch of the rules (wildcards, platform scope, bare commands, missing
//! IDs, a literal `*` in a request) is exercised.

use chatops_crds::config::GrantRule;
use proptest::prelude::*;

use super::{GrantIndex, GrantType, Request, reference};

fn one_of(names: &'static [&'static str]) -> impl Strategy<Value = &'static str> {
    proptest::sample::select(names)
}

fn grant_type() -> impl Strategy<Value = GrantType> {
    proptest::sample::select(GrantType::ALL.to_vec())
}

fn grant() -> impl Strategy<Value = GrantRule> {
    (
        one_of(&["*", "net", "jokes"]),
        // `""` cannot come from a valid AccessGrant, but the engines must still agree on it.
        one_of(&["*", "show", "redeploy", ""]),
        grant_type(),
        one_of(&["*", "A", "B"]),
        proptest::option::of(one_of(&["slack", "teams"])),
    )
        .prop_map(|(command, subcommand, grant_type, value, platform)| GrantRule {
            command: command.to_owned(),
            subcommand: subcommand.to_owned(),
            grant_type,
            value: value.to_owned(),
            platform: platform.map(str::to_owned),
            name: "random".to_owned(),
            source: "default/random".to_owned(),
        })
}

fn id() -> impl Strategy<Value = Option<&'static str>> {
    proptest::option::weighted(0.85, one_of(&["A", "B", "C", "*"]))
}

/// The parts of a [`Request`], owned by the strategy.
type RequestParts = (
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    &'static str,
    &'static str,
);

fn request() -> impl Strategy<Value = RequestParts> {
    (
        one_of(&["slack", "teams", "webex"]),
        id(),
        id(),
        id(),
        one_of(&["net", "jokes", "weather", "*"]),
        one_of(&["", "show", "redeploy", "help", "*"]),
    )
}

fn as_request(parts: RequestParts) -> Request<'static> {
    let (platform, organization, channel, user, command, subcommand) = parts;
    Request {
        platform,
        organization,
        channel,
        user,
        command,
        subcommand,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn index_decides_as_the_reference(
        grants in proptest::collection::vec(grant(), 0..24),
        requests in proptest::collection::vec(request(), 1..16),
    ) {
        let index = GrantIndex::new(&grants);
        for parts in requests {
            let request = as_request(parts);
            prop_assert_eq!(index.check(&request), reference::check(&grants, &request), "{:?}", request);
            prop_assert_eq!(
                index.user_grant_allows(request.platform, request.user, request.command, request.subcommand),
                reference::user_grant_allows(
                    &grants, request.platform, request.user, request.command, request.subcommand
                ),
                "{:?}", request
            );
        }
    }
}
