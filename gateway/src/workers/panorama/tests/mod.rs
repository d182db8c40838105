//! The panorama worker behind the router, against the in-process fake
//! Panorama (`chatops_testkit::fake_panorama`): every sub-command, the menus
//! fed from Panorama and the firewalls, the confirmation of the software
//! changes and their jobs followed to the end, the packet capture and its
//! pcap, who it acts as (a linked user's login, the Integration's key or
//! login), and what the person asking is told when PAN-OS refuses, a
//! firewall is disconnected, or Panorama is slow or answers nonsense.

mod capture;
mod inventory;
mod refusals;
mod rules;
mod software;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chatops_crds::IntegrationType;
use chatops_crds::config::{GatewaySecrets, IntegrationConfig, SecretKey};
use chatops_testkit::fake_panorama::{
    ADMIN_PASSWORD, ADMIN_USER, FakePanorama, READER_PASSWORD, key_for, params,
};

use super::{Panorama, Polling};
use crate::commands::Routed;
use crate::commands::tests::fixtures::{Fixture, TABLE_C, assert_none_told, message, text_blocks};
use crate::model::{Form, Level, Message, Prompt, Reply};

/// Who the Integration acts as, and who alice (admin1) is linked as.
pub struct Logins {
    /// The Integration's login.
    pub service: Option<(&'static str, &'static str)>,
    /// The Integration's API key instead.
    pub key: Option<String>,
    /// Alice's PAN-OS login.
    pub alice: Option<(&'static str, &'static str)>,
}

/// The Integration as admin, alice unlinked.
pub const AS_ADMIN: Logins = Logins {
    service: Some((ADMIN_USER, ADMIN_PASSWORD)),
    key: None,
    alice: None,
};

/// The fixture's configuration with a `panorama` command at `endpoint`.
pub fn fixture_with(endpoint: &str, logins: &Logins) -> Fixture {
    let grants: Vec<&str> = TABLE_C
        .iter()
        .copied()
        .chain(["panorama * channel any *", "panorama * user any *"])
        .collect();
    let mut fixture = Fixture::with_grants(&grants);
    let username = SecretKey("integration.default.panorama.username".to_owned());
    let password = SecretKey("integration.default.panorama.password".to_owned());
    let token = SecretKey("integration.default.panorama.token".to_owned());
    let alice = SecretKey("accountlink.default.alice.panorama".to_owned());
    let integration = IntegrationConfig {
        timeout_seconds: 2,
        username: logins.service.map(|_| username.clone()),
        password: logins.service.map(|_| password.clone()),
        token: logins.key.as_ref().map(|_| token.clone()),
        ..IntegrationConfig::new("default/panorama", IntegrationType::Panorama, endpoint)
    };
    let mut secrets = BTreeMap::new();
    if let Some((user, pass)) = logins.service {
        secrets.insert(username, user.to_owned());
        secrets.insert(password, pass.to_owned());
    }
    if let Some(key) = &logins.key {
        secrets.insert(token, key.clone());
    }
    if let Some((user, pass)) = logins.alice {
        let link = &mut fixture.config.account_links[0];
        link.user = user.to_owned();
        link.tokens.insert("panorama".to_owned(), alice.clone());
        secrets.insert(alice, pass.to_owned());
    }
    let worker = Panorama::new(
        "panorama",
        &integration,
        &fixture.config.account_links,
        &GatewaySecrets(secrets),
    )
    .unwrap()
    .with_polling(Polling {
        first: Duration::from_millis(10),
        every: Duration::from_millis(20),
        for_at_most: Duration::from_secs(5),
    });
    fixture.registry.register(Arc::new(worker)).unwrap();
    fixture
        .config
        .integrations
        .insert("panorama".to_owned(), integration);
    fixture
}

/// A fake Panorama, the Integration logging in as admin.
pub async fn panorama() -> (FakePanorama, Fixture) {
    let fake = FakePanorama::start().await;
    let fixture = fixture_with(&fake.url(), &AS_ADMIN);
    (fake, fixture)
}

/// No password or key appears anywhere in what the chat is told.
#[track_caller]
pub fn assert_no_secret(routed: &Routed) {
    let admin_key = key_for(ADMIN_USER, ADMIN_PASSWORD);
    assert_none_told(
        routed,
        &[ADMIN_PASSWORD, READER_PASSWORD, "wrong-password", &admin_key],
    );
}

/// The text blocks of a reply's message and its level.
#[track_caller]
pub fn said(routed: &Routed) -> (Level, String) {
    let message = message(routed);
    (message.level, text_blocks(message).join("\n"))
}

/// The form of a reply.
#[track_caller]
pub fn form(routed: &Routed) -> &Form {
    let Reply::Prompt(Prompt::Form(form)) = &routed.reply else {
        panic!("a form: {:?}", routed.reply);
    };
    form
}

/// The one follow-up the last command promised, awaited.
pub async fn followed(fixture: &Fixture) -> Message {
    let mut follow_ups = fixture.follow_ups.take();
    assert_eq!(follow_ups.len(), 1, "one follow-up");
    tokio::time::timeout(Duration::from_secs(30), follow_ups.remove(0).work)
        .await
        .expect("the follow-up ends")
        .expect("a message")
}

/// The `type` parameter of every request to the fake, in order.
pub fn types(fake: &FakePanorama) -> Vec<String> {
    fake.requests()
        .iter()
        .map(|r| {
            params(r)
                .into_iter()
                .find(|(n, _)| n == "type")
                .map(|(_, v)| v)
                .unwrap_or_default()
        })
        .collect()
}
