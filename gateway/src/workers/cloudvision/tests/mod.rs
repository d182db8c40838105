//! The cloudvision worker behind the router, against the in-process fake
//! CloudVision (`chatops_testkit::fake_cloudvision`): every sub-command and
//! its menus, both ways of signing in (a service-account token, an
//! on-premises login kept and renewed), whose credential a call carries,
//! and what the person asking is told when CloudVision refuses, is down,
//! slow or answers nonsense. Rendering alone is tested in `commands/tests`.

mod auth;
mod failures;
mod reads;

use std::collections::BTreeMap;
use std::sync::Arc;

use chatops_crds::IntegrationType;
use chatops_crds::config::{GatewaySecrets, IntegrationConfig, SecretKey};
use chatops_testkit::fake_cloudvision::{
    ADMIN_PASSWORD, EXPIRED_TOKEN, FakeCloudVision, READ_ONLY_PASSWORD, READ_ONLY_TOKEN, TOKEN,
};

use super::{CloudVision, Limits};
use crate::commands::Routed;
use crate::commands::tests::fixtures::{Fixture, TABLE_C, assert_none_told};
pub use crate::commands::tests::fixtures::{column, tables};

/// What the Integration signs in with.
#[derive(Clone, Copy)]
pub enum Service {
    /// A service-account token.
    Token(&'static str),
    /// An on-premises user and password.
    Login(&'static str, &'static str),
}

/// The fixture's configuration with a `cloudvision` command served at
/// `endpoint`, signing in as `service`, alice (admin1) linked with `alice`'s
/// secret when given, reading streams up to `limits`; the worker too, to
/// count its sessions.
pub fn fixture_with(
    endpoint: &str,
    service: Service,
    alice: Option<(&str, &str)>,
    limits: Limits,
) -> (Fixture, Arc<CloudVision>) {
    let grants: Vec<&str> = TABLE_C
        .iter()
        .copied()
        .chain(["cloudvision * channel any *", "cloudvision * user any *"])
        .collect();
    let mut fixture = Fixture::with_grants(&grants);
    let key = |name: &str| SecretKey(format!("integration.default.cv.{name}"));
    let mut secrets = BTreeMap::new();
    let mut integration = IntegrationConfig {
        timeout_seconds: 1,
        ..IntegrationConfig::new("default/cv", IntegrationType::Cloudvision, endpoint)
    };
    match service {
        Service::Token(token) => {
            integration.token = Some(key("token"));
            secrets.insert(key("token"), token.to_owned());
        }
        Service::Login(user, password) => {
            integration.username = Some(key("username"));
            integration.password = Some(key("password"));
            secrets.insert(key("username"), user.to_owned());
            secrets.insert(key("password"), password.to_owned());
        }
    }
    if let Some((user, secret)) = alice {
        let link_key = SecretKey("accountlink.default.alice.cloudvision".to_owned());
        let link = &mut fixture.config.account_links[0];
        link.user = user.to_owned();
        link.tokens.insert("cloudvision".to_owned(), link_key.clone());
        secrets.insert(link_key, secret.to_owned());
    }
    let worker = Arc::new(
        CloudVision::new(
            "cloudvision",
            &integration,
            &fixture.config.account_links,
            &GatewaySecrets(secrets),
        )
        .unwrap()
        .with_limits(limits),
    );
    fixture.registry.register(worker.clone()).unwrap();
    fixture
        .config
        .integrations
        .insert("cloudvision".to_owned(), integration);
    (fixture, worker)
}

/// A fake CloudVision, the Integration signing in with the read-write token.
pub async fn cvaas() -> (FakeCloudVision, Fixture) {
    let fake = FakeCloudVision::start().await;
    let (fixture, _) = fixture_with(&fake.url(), Service::Token(TOKEN), None, Limits::default());
    (fake, fixture)
}

/// No secret of the fake appears anywhere in what the chat is told.
#[track_caller]
pub fn assert_no_secret(routed: &Routed) {
    assert_none_told(
        routed,
        &[
            TOKEN,
            READ_ONLY_TOKEN,
            EXPIRED_TOKEN,
            ADMIN_PASSWORD,
            READ_ONLY_PASSWORD,
        ],
    );
}

/// How many requests the fake saw to `path`.
pub fn count(fake: &FakeCloudVision, path: &str) -> usize {
    fake.requests().iter().filter(|r| r.path == path).count()
}
