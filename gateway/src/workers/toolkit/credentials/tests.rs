//! Which credential a chat user acts with, for token and login backends.

use std::collections::BTreeMap;

use chatops_crds::IntegrationType;
use chatops_crds::config::{AccountLinkConfig, GatewaySecrets, IntegrationConfig, SecretKey};

use super::{Auth, Credential, Credentials, Secret};

fn key(name: &str) -> SecretKey {
    SecretKey(name.to_owned())
}

/// An Integration with the secrets named, an AccountLink of `alice` (chat
/// user `U1` on `slack`) with a secret for `awx`, and the secrets' values.
fn configured(token: bool, login: bool) -> (IntegrationConfig, Vec<AccountLinkConfig>, GatewaySecrets) {
    let integration = IntegrationConfig {
        token: token.then(|| key("service-token")),
        username: login.then(|| key("service-user")),
        password: login.then(|| key("service-password")),
        timeout_seconds: 5,
        ..IntegrationConfig::new("default/awx", IntegrationType::Awx, "https://awx.example.net")
    };
    let link = AccountLinkConfig {
        platform: "slack".to_owned(),
        chat_user_id: "U1".to_owned(),
        user: "alice".to_owned(),
        tokens: BTreeMap::from([("awx".to_owned(), key("alice-secret"))]),
        source: "default/alice".to_owned(),
    };
    let secrets = GatewaySecrets(BTreeMap::from([
        (key("service-token"), "t0ken".to_owned()),
        (key("service-user"), "svc".to_owned()),
        (key("service-password"), "pa55".to_owned()),
        (key("alice-secret"), "a11ce".to_owned()),
    ]));
    (integration, vec![link], secrets)
}

fn credentials(auth: Auth, token: bool, login: bool) -> Credentials {
    let (integration, links, secrets) = configured(token, login);
    Credentials::new("awx", auth, &integration, &links, &secrets)
}

#[test]
fn a_linked_user_acts_with_their_own_token_or_password() {
    assert_eq!(
        credentials(Auth::Token, true, false).for_chat_user("slack", Some("U1"), "chatbot"),
        Some(Credential {
            user: "alice".to_owned(),
            linked: true,
            secret: Secret::Token("a11ce".to_owned()),
        })
    );
    assert_eq!(
        credentials(Auth::Password, false, true)
            .for_chat_user("slack", Some("U1"), "chatbot")
            .map(|credential| credential.secret),
        Some(Secret::Login {
            username: "alice".to_owned(),
            password: "a11ce".to_owned()
        })
    );
}

#[test]
fn others_act_as_the_fallback_user_with_the_integrations_token() {
    let credentials = credentials(Auth::Token, true, true);
    for (platform, user) in [("slack", Some("U2")), ("webex", Some("U1")), ("slack", None)] {
        let acting = credentials.for_chat_user(platform, user, "chatbot").unwrap();
        assert_eq!((acting.user.as_str(), acting.linked), ("chatbot", false));
        assert_eq!(acting.token(), Some("t0ken"));
    }
}

#[test]
fn a_login_backend_acts_as_the_integrations_own_user() {
    let acting = credentials(Auth::Password, true, true)
        .for_chat_user("slack", Some("U2"), "chatbot")
        .unwrap();
    assert_eq!(acting.user, "svc", "the login names its user");
    assert_eq!(acting.token(), None);
    // Without a login, a token will do.
    let acting = credentials(Auth::Password, true, false)
        .for_chat_user("slack", Some("U2"), "chatbot")
        .unwrap();
    assert_eq!(acting.token(), Some("t0ken"));
}

#[test]
fn without_any_secret_nobody_acts() {
    assert_eq!(
        credentials(Auth::Token, false, true).for_chat_user("slack", Some("U2"), "chatbot"),
        None
    );
}

#[test]
fn debug_never_shows_a_secret() {
    let shown = format!("{:?}", credentials(Auth::Password, true, true));
    for secret in ["t0ken", "pa55", "a11ce"] {
        assert!(!shown.contains(secret), "{shown}");
    }
}

#[test]
fn a_header_token_is_sent_in_its_own_header_and_never_shown() {
    let credentials = credentials(Auth::Header("X-API-Token"), true, false);
    let alice = credentials.for_chat_user("slack", Some("U1"), "chatbot").unwrap();
    assert_eq!(alice.token(), Some("a11ce"));
    let request = alice
        .authorize(reqwest::Client::new().get("https://ipf.example.net/api/snapshots"))
        .build()
        .unwrap();
    assert_eq!(request.headers()["x-api-token"], "a11ce");
    assert!(request.headers().get("authorization").is_none());
    let fallback = credentials.for_chat_user("slack", Some("U2"), "chatbot").unwrap();
    assert_eq!(
        (fallback.user.as_str(), fallback.token()),
        ("chatbot", Some("t0ken"))
    );
    let shown = format!("{credentials:?}");
    assert!(!shown.contains("a11ce") && !shown.contains("t0ken"), "{shown}");
}

#[test]
fn either_takes_the_integrations_token_or_login_and_links_of_the_same_kind() {
    let secret_of = |token, login, user: Option<&str>| {
        credentials(Auth::Either, token, login)
            .for_chat_user("slack", user, "chatbot")
            .map(|credential| credential.secret)
    };
    assert_eq!(
        secret_of(true, false, None),
        Some(Secret::Token("t0ken".to_owned()))
    );
    assert_eq!(
        secret_of(true, true, None),
        Some(Secret::Token("t0ken".to_owned())),
        "a token first"
    );
    assert_eq!(
        secret_of(false, true, None),
        Some(Secret::Login {
            username: "svc".to_owned(),
            password: "pa55".to_owned()
        })
    );
    assert_eq!(
        secret_of(true, false, Some("U1")),
        Some(Secret::Token("a11ce".to_owned()))
    );
    assert_eq!(
        secret_of(false, true, Some("U1")),
        Some(Secret::Login {
            username: "alice".to_owned(),
            password: "a11ce".to_owned()
        }),
        "the link's secret is alice's password where the Integration logs in"
    );
    assert_eq!(secret_of(false, false, None), None);
}
