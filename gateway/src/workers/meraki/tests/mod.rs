//! The meraki worker behind the router, against the in-process fake Meraki
//! (`chatops_testkit::fake_meraki`): every sub-command, the menus for
//! missing arguments (names, never IDs), an organization not asked for when
//! the key sees only one, every page read, the two changes asked about
//! first, who it acts as, and what the person asking is told when Meraki
//! refuses, rate-limits, is down, slow or answers nonsense. Rendering alone
//! is tested in `commands/tests`.

mod changes;
mod failures;
mod reads;

use std::collections::BTreeMap;
use std::sync::Arc;

use chatops_crds::IntegrationType;
use chatops_crds::config::{GatewaySecrets, IntegrationConfig, SecretKey};
use chatops_testkit::fake_meraki::{self, FakeMeraki};

use super::Meraki;
use crate::commands::Routed;
use crate::commands::tests::fixtures::{Fixture, TABLE_C, assert_none_told, text};
use crate::workers::toolkit::paging::MAX_ROWS;

/// How a test's Meraki Integration is set up.
struct Setup<'a> {
    /// alice's own key (admin1 is linked as alice), if any.
    alice: Option<&'a str>,
    /// The Integration's key, if any.
    service: Option<&'a str>,
    /// The page size.
    page: usize,
    /// The most objects of a list read.
    cap: usize,
    /// `timeoutSeconds`.
    timeout: u32,
}

impl Default for Setup<'_> {
    fn default() -> Self {
        Setup {
            alice: Some(fake_meraki::ADMIN_KEY),
            service: Some(fake_meraki::READ_ONLY_KEY),
            page: super::PER_PAGE,
            cap: MAX_ROWS,
            timeout: 2,
        }
    }
}

/// The fixture's configuration with a `meraki` command served by a
/// [`Meraki`] at `endpoint`, set up as `setup` says.
fn fixture_with(endpoint: &str, setup: &Setup<'_>) -> Fixture {
    let grants: Vec<&str> = TABLE_C
        .iter()
        .copied()
        .chain(["meraki * channel any *", "meraki * user any *"])
        .collect();
    let mut fixture = Fixture::with_grants(&grants);
    let token = SecretKey("integration.default.meraki.token".to_owned());
    let alice = SecretKey("accountlink.default.alice.meraki".to_owned());
    let integration = IntegrationConfig {
        timeout_seconds: setup.timeout,
        token: setup.service.map(|_| token.clone()),
        ..IntegrationConfig::new("default/meraki", IntegrationType::Meraki, endpoint)
    };
    let mut secrets = BTreeMap::new();
    if let Some(key) = setup.service {
        secrets.insert(token, key.to_owned());
    }
    if let Some(key) = setup.alice {
        fixture.config.account_links[0]
            .tokens
            .insert("meraki".to_owned(), alice.clone());
        secrets.insert(alice, key.to_owned());
    }
    let worker = Meraki::new(
        "meraki",
        &integration,
        &fixture.config.account_links,
        &GatewaySecrets(secrets),
    )
    .unwrap()
    .paged_by(setup.page, setup.cap);
    fixture.registry.register(Arc::new(worker)).unwrap();
    fixture
        .config
        .integrations
        .insert("meraki".to_owned(), integration);
    fixture
}

/// A fake Meraki, alice linked with its admin key, the Integration with its read-only key.
async fn meraki() -> (FakeMeraki, Fixture) {
    let fake = FakeMeraki::start().await;
    let fixture = fixture_with(&fake.url(), &Setup::default());
    (fake, fixture)
}

/// No key appears anywhere in what the chat is told.
#[track_caller]
fn assert_no_key(routed: &Routed) {
    assert_none_told(routed, &[fake_meraki::ADMIN_KEY, fake_meraki::READ_ONLY_KEY]);
}

/// The lines of a reply, as `text` joins them (a table's title first).
fn lines(routed: &Routed) -> Vec<String> {
    text(routed).lines().map(str::to_owned).collect()
}

/// The labels of a menu's choices.
fn labels(menu: &crate::model::Menu) -> Vec<&str> {
    menu.choices.iter().map(|c| c.label.as_str()).collect()
}
