//! The ipfabric worker behind the router, against the in-process fake IP
//! Fabric (`chatops_testkit::fake_ipfabric`): every sub-command, the menus
//! for missing arguments, the snapshot carried through menus and
//! `set-snapshot`, who it acts as, and what the person asking is told when
//! IP Fabric refuses or answers nonsense. Rendering alone is tested in
//! `commands/tests`.

mod failures;
mod lookups;
mod snapshots;
mod ssot;
mod subcommands;

use std::collections::BTreeMap;
use std::sync::Arc;

use chatops_crds::IntegrationType;
use chatops_crds::config::{GatewaySecrets, IntegrationConfig, SecretKey};
use chatops_crds::settings::IpfabricSettings;
use chatops_testkit::fake_ipfabric::{self, FakeIpFabric};

use super::Ipfabric;
use crate::commands::Routed;
use crate::commands::tests::fixtures::{Fixture, TABLE_C, assert_none_told, text};
use crate::model::{Block, Image, Reply};

/// How a test's ipfabric Integration is set up.
pub(super) struct Setup<'a> {
    /// The command it answers to.
    pub command: &'a str,
    /// The Integration's own token (none: no fallback user).
    pub service: Option<&'a str>,
    /// Alice's (admin1's) own token, linked for this command.
    pub alice: Option<&'a str>,
    /// `spec.ipfabric`.
    pub settings: Option<IpfabricSettings>,
    /// Rows a table page.
    pub page: usize,
    /// Secrets of other Integrations the worker reads (a Nautobot's token).
    pub secrets: BTreeMap<SecretKey, String>,
}

impl Default for Setup<'_> {
    fn default() -> Self {
        Setup {
            command: "ipfabric",
            service: Some(fake_ipfabric::ADMIN_TOKEN),
            alice: None,
            settings: None,
            page: super::PAGE_SIZE,
            secrets: BTreeMap::new(),
        }
    }
}

/// Grants that let everyone run `commands`, besides Table C.
pub(super) fn fixture_for(commands: &[&str]) -> Fixture {
    let lines: Vec<String> = commands
        .iter()
        .flat_map(|c| [format!("{c} * channel any *"), format!("{c} * user any *")])
        .collect();
    let grants: Vec<&str> = TABLE_C
        .iter()
        .copied()
        .chain(lines.iter().map(String::as_str))
        .collect();
    Fixture::with_grants(&grants)
}

/// Adds an ipfabric worker at `endpoint` set up as `setup` says to `fixture`.
pub(super) fn serve(fixture: &mut Fixture, endpoint: &str, setup: Setup<'_>) {
    let command = setup.command;
    let token = SecretKey(format!("integration.default.{command}.token"));
    let alice = SecretKey(format!("accountlink.default.alice.{command}"));
    let integration = IntegrationConfig {
        timeout_seconds: 2,
        token: setup.service.map(|_| token.clone()),
        ipfabric: setup.settings,
        ..IntegrationConfig::new(format!("default/{command}"), IntegrationType::Ipfabric, endpoint)
    };
    let mut secrets = GatewaySecrets(setup.secrets);
    if let Some(value) = setup.service {
        secrets.0.insert(token, value.to_owned());
    }
    if let Some(value) = setup.alice {
        fixture.config.account_links[0]
            .tokens
            .insert(command.to_owned(), alice.clone());
        secrets.0.insert(alice, value.to_owned());
    }
    fixture
        .config
        .integrations
        .insert(command.to_owned(), integration.clone());
    let worker = Ipfabric::new(command, &integration, &fixture.config, &secrets)
        .unwrap()
        .paged_by(setup.page);
    fixture.registry.register(Arc::new(worker)).unwrap();
}

/// A fake IP Fabric and a fixture whose `ipfabric` command reads it with the
/// admin token as the Integration's.
pub(super) async fn ipfabric() -> (FakeIpFabric, Fixture) {
    let fake = FakeIpFabric::start().await;
    let mut fixture = fixture_for(&["ipfabric"]);
    serve(&mut fixture, &fake.url(), Setup::default());
    (fake, fixture)
}

/// No token appears anywhere in what the chat is told.
#[track_caller]
pub(super) fn assert_no_secret(routed: &Routed) {
    assert_none_told(
        routed,
        &[fake_ipfabric::ADMIN_TOKEN, fake_ipfabric::READ_ONLY_TOKEN],
    );
}

/// The lines of the reply's text, tables as `text` joins them.
pub(super) fn lines(routed: &Routed) -> Vec<String> {
    text(routed).lines().map(str::to_owned).collect()
}

/// The image of a reply.
pub(super) fn picture(routed: &Routed) -> &Image {
    let Reply::Message(message) = &routed.reply else {
        panic!("a message: {:?}", routed.reply);
    };
    message
        .blocks
        .iter()
        .find_map(|block| match block {
            Block::Image(image) => Some(image),
            _ => None,
        })
        .expect("an image block")
}
