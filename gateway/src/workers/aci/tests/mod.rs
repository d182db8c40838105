//! The aci worker behind the router, against the in-process fake APIC
//! (`chatops_testkit::fake_apic`): every sub-command and its menus fed from
//! APIC's own objects, the confirmation of `register-node`, who it acts as
//! (a linked user's login, the Integration's), the kept and refreshed
//! session, and what the person asking is told when APIC refuses, is down,
//! slow or answers nonsense. Rendering alone is tested in `commands/tests`.

mod fabric;
mod register;
mod session;
mod tenants;

use std::collections::BTreeMap;
use std::sync::Arc;

use chatops_crds::IntegrationType;
use chatops_crds::config::{GatewaySecrets, IntegrationConfig, SecretKey};
use chatops_testkit::fake_apic::{ADMIN_PASSWORD, ADMIN_USER, FakeApic, READER_PASSWORD};

use super::{Aci, Limits};
use crate::commands::Routed;
use crate::commands::tests::fixtures::{Fixture, TABLE_C, assert_none_told, message, text_blocks};
pub use crate::commands::tests::fixtures::{column, tables};
use crate::model::Level;

/// Who the Integration logs in as, and who alice (admin1) is linked as.
pub struct Logins {
    pub service: Option<(&'static str, &'static str)>,
    pub alice: Option<(&'static str, &'static str)>,
}

/// The Integration as admin, alice unlinked.
pub const AS_ADMIN: Logins = Logins {
    service: Some((ADMIN_USER, ADMIN_PASSWORD)),
    alice: None,
};

/// The fixture's configuration with an `aci` command served by an [`Aci`]
/// at `endpoint` with `logins`, paging by `limits`.
pub fn fixture_with(endpoint: &str, logins: &Logins, limits: Limits) -> Fixture {
    let grants: Vec<&str> = TABLE_C
        .iter()
        .copied()
        .chain(["aci * channel any *", "aci * user any *"])
        .collect();
    let mut fixture = Fixture::with_grants(&grants);
    let username = SecretKey("integration.default.aci.username".to_owned());
    let password = SecretKey("integration.default.aci.password".to_owned());
    let alice = SecretKey("accountlink.default.alice.aci".to_owned());
    let integration = IntegrationConfig {
        timeout_seconds: 2,
        username: logins.service.map(|_| username.clone()),
        password: logins.service.map(|_| password.clone()),
        ..IntegrationConfig::new("default/aci", IntegrationType::Aci, endpoint)
    };
    let mut secrets = BTreeMap::new();
    if let Some((user, pass)) = logins.service {
        secrets.insert(username, user.to_owned());
        secrets.insert(password, pass.to_owned());
    }
    if let Some((user, pass)) = logins.alice {
        let link = &mut fixture.config.account_links[0];
        link.user = user.to_owned();
        link.tokens.insert("aci".to_owned(), alice.clone());
        secrets.insert(alice, pass.to_owned());
    }
    let worker = Aci::new(
        "aci",
        &integration,
        &fixture.config.account_links,
        &GatewaySecrets(secrets),
    )
    .unwrap()
    .with_limits(limits);
    fixture.registry.register(Arc::new(worker)).unwrap();
    fixture.config.integrations.insert("aci".to_owned(), integration);
    fixture
}

/// A fake APIC, the Integration logging in as admin.
pub async fn apic() -> (FakeApic, Fixture) {
    let fake = FakeApic::start().await;
    let fixture = fixture_with(&fake.url(), &AS_ADMIN, Limits::default());
    (fake, fixture)
}

/// No password appears anywhere in what the chat is told.
#[track_caller]
pub fn assert_no_secret(routed: &Routed) {
    assert_none_told(routed, &[ADMIN_PASSWORD, READER_PASSWORD, "wrong-password"]);
}

/// The text blocks of a reply and its level.
#[track_caller]
pub fn said(routed: &Routed) -> (Level, String) {
    let message = message(routed);
    (message.level, text_blocks(message).join("\n"))
}

/// How many requests the fake saw to `path`.
pub fn count(fake: &FakeApic, path: &str) -> usize {
    fake.requests().iter().filter(|r| r.path == path).count()
}
