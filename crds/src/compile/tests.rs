//! Tests of `compile` on small hand-written resource sets.

use k8s_openapi::{ByteString, api::core::v1::Secret};

use super::*;
use crate::{
    config::{PlatformCredentials, SecretKey},
    diagnostic::Reason,
};

/// A `kind` named `name` in namespace `chatops` with `spec` and, if given,
/// `status` (both YAML flow mappings), as `kubectl get -o yaml` shows it.
fn resource<K: serde::de::DeserializeOwned>(kind: &str, name: &str, spec: &str, status: Option<&str>) -> K {
    let status = status.map(|s| format!("status: {s}\n")).unwrap_or_default();
    serde_saphyr::from_str(&format!(
        "apiVersion: chatops.dev/v1alpha1\nkind: {kind}\nmetadata: {{name: {name}, namespace: chatops}}\nspec: {spec}\n{status}"
    ))
    .expect("test manifest parses")
}

fn created<K: ResourceExt>(mut resource: K, rfc3339: &str) -> K {
    resource.meta_mut().creation_timestamp = Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(
        rfc3339.parse().unwrap(),
    ));
    resource
}

fn slack_platform(name: &str) -> ChatPlatform {
    let mut platform: ChatPlatform = resource(
        "ChatPlatform",
        name,
        "{type: slack, slack: {signingSecretRef: {name: slack, key: signing-secret}, botTokenRef: {name: slack, key: bot-token}}}",
        None,
    );
    platform.metadata.generation = Some(3);
    platform
}

fn nautobot(name: &str, command: Option<&str>) -> Integration {
    let command = command.map(|c| format!("command: {c}, ")).unwrap_or_default();
    let spec = format!(
        "{{type: nautobot, {command}endpoint: \"https://nautobot.example.com/\", credentials: {{tokenRef: {{name: nautobot, key: token}}}}}}"
    );
    resource("Integration", name, &spec, None)
}

fn grant(name: &str, command: &str, grant_type: &str, value: &str, platform: Option<&str>) -> AccessGrant {
    let platform = platform.map(|p| format!(", platform: {p}")).unwrap_or_default();
    let spec = format!(
        "{{command: \"{command}\", grantType: {grant_type}, name: test, value: \"{value}\"{platform}}}"
    );
    resource("AccessGrant", name, &spec, None)
}

fn link(name: &str, chat_user_id: &str, user: &str) -> AccountLink {
    let spec = format!("{{platform: slack, chatUserId: {chat_user_id}, user: {user}}}");
    resource("AccountLink", name, &spec, None)
}

fn secret(name: &str, pairs: &[(&str, &str)]) -> Secret {
    let mut secret = Secret::default();
    secret.metadata.name = Some(name.to_owned());
    secret.metadata.namespace = Some("chatops".to_owned());
    secret.data = Some(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), ByteString(v.as_bytes().to_vec())))
            .collect(),
    );
    secret
}

fn full_set() -> Resources {
    Resources {
        platforms: vec![slack_platform("slack")],
        grants: vec![
            grant("org", "*", "organization", "T202B88NN", None),
            grant("channels", "*", "channel", "*", Some("slack")),
            grant("users", "*", "user", "*", None),
        ],
        account_links: vec![link("alice", "U123", "alice")],
        integrations: vec![nautobot("nautobot", None)],
        secrets: vec![
            secret(
                "slack",
                &[
                    ("signing-secret", "8f742231b10e8888abcd99yyyzzz85a5"),
                    ("bot-token", "xoxb-1\n"),
                ],
            ),
            secret("nautobot", &[("token", "0123456789abcdef")]),
        ],
    }
}

fn diagnostic<'a>(compiled: &'a Compiled, kind: Kind, name: &str) -> &'a Diagnostic {
    compiled
        .diagnostics
        .iter()
        .find(|d| d.object.kind == kind && d.object.name == name)
        .unwrap_or_else(|| panic!("no diagnostic for {kind} {name}"))
}

/// The diagnostic of `kind` `name` when `resources` are compiled.
fn verdict_of(resources: &Resources, kind: Kind, name: &str) -> Diagnostic {
    diagnostic(&compile(resources), kind, name).clone()
}

/// Asserts that `verdict` has `reason`, and names `fragment` in its message.
fn assert_names(verdict: &Diagnostic, reason: Reason, fragment: &str) {
    assert_eq!(verdict.reason, reason);
    assert!(verdict.message.contains(fragment), "{}", verdict.message);
}

/// The reason of the diagnostic of `kind` `name`, and what it says.
fn said<'a>(compiled: &'a Compiled, kind: Kind, name: &str) -> (Reason, &'a str) {
    let verdict = diagnostic(compiled, kind, name);
    (verdict.reason, verdict.message.as_str())
}

#[test]
fn a_complete_set_compiles_with_every_resource_ready() {
    let compiled = compile(&full_set());
    assert_eq!(compiled.rejected().count(), 0, "{:#?}", compiled.diagnostics);
    assert_eq!(compiled.diagnostics.len(), 6);
    assert_eq!(compiled.config.platforms.len(), 1);
    assert_eq!(compiled.config.grants.len(), 3);
    assert_eq!(compiled.config.account_links.len(), 1);
    let integration = &compiled.config.integrations["nautobot"];
    assert_eq!(
        integration.endpoint, "https://nautobot.example.com",
        "trailing slash trimmed"
    );
    assert_eq!(integration.timeout_seconds, 30);
    let platform = &compiled.config.platforms["slack"];
    assert_eq!(platform.fallback_user, "chatbot");
    assert_eq!(platform.session_cache_timeout_seconds, 86_400);
    assert_eq!(platform.command_prefix, "/");
    assert!(
        !platform.restrict_help
            && !platform.send_all_messages_private
            && !platform.delete_input_on_submission
    );
    let PlatformCredentials::Slack { bot_token, .. } = &platform.credentials else {
        panic!("slack credentials expected")
    };
    assert_eq!(
        compiled.secrets.get(bot_token),
        Some("xoxb-1"),
        "a trailing newline is trimmed"
    );
    assert_eq!(
        diagnostic(&compiled, Kind::ChatPlatform, "slack").generation,
        Some(3)
    );
}

#[test]
fn secret_values_go_only_into_the_secret_part() {
    let compiled = compile(&full_set());
    let config_json = serde_json::to_string(&compiled.config).unwrap();
    for value in ["8f742231b10e8888abcd99yyyzzz85a5", "xoxb-1", "0123456789abcdef"] {
        assert!(!config_json.contains(value), "{value} leaked into the config");
        assert!(compiled.secrets.0.values().any(|v| v == value));
        assert!(
            !format!("{:?}", compiled.secrets).contains(value),
            "Debug prints a secret"
        );
        assert!(!format!("{:?}", compiled.diagnostics).contains(value));
    }
    assert!(config_json.contains("chatplatform.chatops.slack.signing-secret"));
}

#[test]
fn a_missing_secret_makes_only_the_resources_that_need_it_not_ready() {
    let mut resources = full_set();
    resources
        .secrets
        .retain(|s| s.metadata.name.as_deref() != Some("nautobot"));
    let compiled = compile(&resources);
    let rejected: Vec<_> = compiled.rejected().collect();
    assert_eq!(rejected.len(), 1, "{rejected:#?}");
    assert_eq!(rejected[0].object.name, "nautobot");
    assert_eq!(rejected[0].reason, Reason::SecretNotFound);
    assert_eq!(rejected[0].message, "Secret chatops/nautobot not found");
    assert!(compiled.config.integrations.is_empty());
    assert_eq!(compiled.config.platforms.len(), 1);
    assert_eq!(compiled.config.grants.len(), 3);
}

#[test]
fn a_missing_key_is_named_and_every_missing_key_is_listed() {
    let mut resources = full_set();
    resources.secrets[0] = secret("slack", &[("unrelated", "x")]);
    let compiled = compile(&resources);
    assert!(!diagnostic(&compiled, Kind::ChatPlatform, "slack").ready);
    assert_eq!(
        said(&compiled, Kind::ChatPlatform, "slack"),
        (
            Reason::SecretKeyNotFound,
            "Secret chatops/slack has no key \"signing-secret\"; Secret chatops/slack has no key \"bot-token\""
        )
    );
    assert!(
        compiled
            .secrets
            .keys()
            .all(|k| !k.as_str().starts_with("chatplatform."))
    );
    // Grants and links still refer to a ChatPlatform that exists, so they stay ready.
    assert_eq!(compiled.rejected().count(), 1);
}

#[test]
fn empty_or_binary_secret_values_are_rejected_without_printing_them() {
    let mut resources = full_set();
    resources.secrets[1] = secret("nautobot", &[("token", "  \n")]);
    let compiled = compile(&resources);
    assert_eq!(
        said(&compiled, Kind::Integration, "nautobot"),
        (
            Reason::SecretValueInvalid,
            "key \"token\" of Secret chatops/nautobot is empty"
        )
    );

    let mut binary = secret("nautobot", &[]);
    binary.data = Some([("token".to_owned(), ByteString(vec![0xff, 0xfe]))].into());
    resources.secrets[1] = binary;
    let verdict = verdict_of(&resources, Kind::Integration, "nautobot");
    assert_eq!(
        verdict.message,
        "key \"token\" of Secret chatops/nautobot is not UTF-8 text"
    );
}

#[test]
fn string_data_wins_over_data_as_the_api_server_merges_it() {
    let mut resources = full_set();
    resources.secrets[1].string_data = Some([("token".to_owned(), "from-string-data".to_owned())].into());
    let compiled = compile(&resources);
    let token = compiled.config.integrations["nautobot"].token.clone().unwrap();
    assert_eq!(compiled.secrets.get(&token), Some("from-string-data"));
}

#[test]
fn a_secret_in_another_namespace_does_not_count() {
    let mut resources = full_set();
    resources.secrets[1].metadata.namespace = Some("elsewhere".to_owned());
    let verdict = verdict_of(&resources, Kind::Integration, "nautobot");
    assert_eq!(verdict.reason, Reason::SecretNotFound);
}

#[test]
fn of_two_integrations_claiming_a_command_the_older_keeps_it() {
    let mut resources = full_set();
    let older = created(nautobot("zz-older", None), "2026-01-01T00:00:00Z");
    let newer = created(nautobot("aa-newer", None), "2026-06-01T00:00:00Z");
    resources.integrations = vec![newer, older];
    let compiled = compile(&resources);
    assert_eq!(
        compiled.config.integrations["nautobot"].source,
        "chatops/zz-older"
    );
    assert_eq!(
        said(&compiled, Kind::Integration, "aa-newer"),
        (
            Reason::CommandConflict,
            "the command \"nautobot\" is already served by the older Integration chatops/zz-older; set spec.command"
        )
    );
    assert!(diagnostic(&compiled, Kind::Integration, "zz-older").ready);
}

#[test]
fn a_second_integration_of_a_type_serves_under_its_own_command() {
    let mut resources = full_set();
    resources.integrations.push(nautobot("lab", Some("nautobot_lab")));
    let compiled = compile(&resources);
    assert_eq!(compiled.rejected().count(), 0);
    assert_eq!(
        compiled.config.integrations.keys().collect::<Vec<_>>(),
        ["nautobot", "nautobot_lab"]
    );
}

#[test]
fn an_endpoint_with_credentials_or_not_http_is_rejected_without_echoing_it() {
    for (endpoint, why) in [
        (
            "https://admin:hunter2@nautobot.example.com",
            "must not carry a user or password",
        ),
        ("ftp://nautobot.example.com", "must be an http or https URL"),
        ("nautobot.example.com", "is not a URL"),
        (
            "https://nautobot.example.com/?token=hunter2",
            "must not have a query",
        ),
    ] {
        let mut resources = full_set();
        resources.integrations[0].spec.endpoint = Some(endpoint.to_owned());
        let compiled = compile(&resources);
        let verdict = diagnostic(&compiled, Kind::Integration, "nautobot");
        assert_eq!(verdict.reason, Reason::Invalid, "{endpoint}");
        assert!(verdict.message.contains(why), "{endpoint}: {}", verdict.message);
        assert!(!verdict.message.contains("hunter2"), "{}", verdict.message);
        assert!(compiled.config.integrations.is_empty(), "{endpoint}");
    }
}

#[test]
fn the_builtin_command_cannot_be_taken() {
    let mut resources = full_set();
    resources.integrations = vec![nautobot("sneaky", Some("chatops"))];
    let verdict = verdict_of(&resources, Kind::Integration, "sneaky");
    assert_eq!(verdict.reason, Reason::Invalid);
}

#[test]
fn platform_names_are_unique_across_namespaces() {
    let mut resources = full_set();
    let mut other = slack_platform("slack");
    other.metadata.namespace = Some("team-b".to_owned());
    resources.platforms.push(other);
    let compiled = compile(&resources);
    let rejected: Vec<_> = compiled.rejected().collect();
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0].object.namespace, "team-b");
    assert_eq!(rejected[0].reason, Reason::PlatformNameConflict);
    assert_eq!(compiled.config.platforms["slack"].source, "chatops/slack");
}

#[test]
fn a_grant_naming_a_missing_platform_is_rejected_alone() {
    let mut resources = full_set();
    resources
        .grants
        .push(grant("typo", "*", "user", "*", Some("slakc")));
    let compiled = compile(&resources);
    assert_eq!(
        said(&compiled, Kind::AccessGrant, "typo"),
        (
            Reason::PlatformNotFound,
            "spec.platform names the ChatPlatform \"slakc\", which does not exist"
        )
    );
    assert_eq!(compiled.config.grants.len(), 3);
}

#[test]
fn account_links_use_the_resolved_email_and_refuse_a_second_link_for_one_account() {
    let mut resources = full_set();
    resources
        .account_links
        .push(link_by_email("bob@example.com", None));
    let compiled = compile(&resources);
    assert_eq!(
        said(&compiled, Kind::AccountLink, "bob"),
        (
            Reason::EmailNotResolved,
            "the email bob@example.com has not been resolved to a slack user ID yet (see the Resolved condition)"
        )
    );

    let by_email = link_by_email("bob@example.com", Some(("U999", "bob@example.com", "slack")));
    resources.account_links = vec![
        link("alice", "U123", "alice"),
        by_email,
        link("mallory", "U123", "mallory"),
    ];
    let compiled = compile(&resources);
    assert!(diagnostic(&compiled, Kind::AccountLink, "bob").ready);
    let conflict = diagnostic(&compiled, Kind::AccountLink, "mallory");
    assert_names(conflict, Reason::LinkConflict, "AccountLink chatops/alice");
    let users: Vec<_> = compiled
        .config
        .account_links
        .iter()
        .map(|l| l.user.as_str())
        .collect();
    assert_eq!(users, ["alice", "bob"]);
}

fn link_by_email(email: &str, status: Option<(&str, &str, &str)>) -> AccountLink {
    let status = status.map(|(id, email, platform)| {
        format!("{{chatUserId: {id}, resolvedEmail: \"{email}\", resolvedPlatform: {platform}}}")
    });
    let spec = format!("{{platform: slack, email: \"{email}\", user: bob}}");
    resource("AccountLink", "bob", &spec, status.as_deref())
}

#[test]
fn an_id_resolved_for_the_current_email_makes_the_link_ready_and_a_stale_one_does_not() {
    let mut resources = full_set();
    let compile_link = |resources: &mut Resources, link: AccountLink| {
        resources.account_links = vec![link];
        compile(resources)
    };

    let current = link_by_email("bob@example.com", Some(("U999", "bob@example.com", "slack")));
    assert!(!current.needs_lookup());
    let compiled = compile_link(&mut resources, current);
    assert!(diagnostic(&compiled, Kind::AccountLink, "bob").ready);
    assert_eq!(compiled.config.account_links[0].chat_user_id, "U999");

    // The email changed since the look-up: the old ID belongs to someone else.
    let stale = link_by_email("robert@example.com", Some(("U999", "bob@example.com", "slack")));
    assert!(stale.needs_lookup());
    let compiled = compile_link(&mut resources, stale);
    let verdict = diagnostic(&compiled, Kind::AccountLink, "bob");
    assert_names(verdict, Reason::EmailNotResolved, "robert@example.com");
    assert!(compiled.config.account_links.is_empty());

    // Resolved on another platform, or recorded without the email it was for.
    let elsewhere = link_by_email("bob@example.com", Some(("U999", "bob@example.com", "webex")));
    assert!(!diagnostic(&compile_link(&mut resources, elsewhere), Kind::AccountLink, "bob").ready);
    let mut unrecorded = link_by_email("bob@example.com", None);
    unrecorded.status = Some(crate::AccountLinkStatus {
        chat_user_id: Some("U999".to_owned()),
        ..Default::default()
    });
    assert!(unrecorded.needs_lookup());
    assert!(
        !diagnostic(
            &compile_link(&mut resources, unrecorded),
            Kind::AccountLink,
            "bob"
        )
        .ready
    );
}

fn channel_grant(channel_name: &str, status: Option<(&str, &str, &str)>) -> AccessGrant {
    let status = status.map(|(id, name, platform)| {
        format!("{{resolvedValue: {id}, resolvedChannelName: \"{name}\", resolvedPlatform: {platform}}}")
    });
    let spec = format!(
        "{{command: nautobot, grantType: channel, name: netops, channelName: \"{channel_name}\", platform: slack}}"
    );
    resource("AccessGrant", "netops", &spec, status.as_deref())
}

#[test]
fn a_grant_by_channel_name_waits_for_its_id_and_uses_it_once_resolved() {
    let mut resources = full_set();
    resources.grants = vec![channel_grant("#netops", None)];
    let compiled = compile(&resources);
    assert_eq!(
        said(&compiled, Kind::AccessGrant, "netops"),
        (
            Reason::NameNotResolved,
            "the channel #netops has not been resolved to a slack channel ID yet (see the Resolved condition)"
        )
    );
    assert!(compiled.config.grants.is_empty());
    assert!(resources.grants[0].needs_lookup());
    assert_eq!(resources.grants[0].spec.bare_channel_name(), Some("netops"));

    resources.grants = vec![channel_grant("#netops", Some(("C0NETOPS", "#netops", "slack")))];
    let compiled = compile(&resources);
    let verdict = diagnostic(&compiled, Kind::AccessGrant, "netops");
    assert!(verdict.ready, "{verdict}");
    assert_eq!(
        verdict.message,
        "allows nautobot * for channel C0NETOPS (#netops) on slack"
    );
    assert_eq!(compiled.config.grants[0].value, "C0NETOPS");
    assert!(!resources.grants[0].needs_lookup());

    // Renamed in the spec: the old ID is not trusted.
    resources.grants = vec![channel_grant("#neteng", Some(("C0NETOPS", "#netops", "slack")))];
    let compiled = compile(&resources);
    assert_eq!(
        diagnostic(&compiled, Kind::AccessGrant, "netops").reason,
        Reason::NameNotResolved
    );
    assert!(resources.grants[0].needs_lookup());
}

#[test]
fn a_grant_without_value_or_channel_name_is_invalid() {
    let mut resources = full_set();
    let mut grant = channel_grant("netops", None);
    grant.spec.channel_name = None;
    resources.grants = vec![grant.clone()];
    let verdict = verdict_of(&resources, Kind::AccessGrant, "netops");
    assert_eq!(verdict.reason, Reason::Invalid);
    assert!(!grant.needs_lookup());

    grant.spec.channel_name = Some("netops".to_owned());
    grant.spec.platform = None;
    resources.grants = vec![grant.clone()];
    let verdict = verdict_of(&resources, Kind::AccessGrant, "netops");
    assert_eq!(verdict.reason, Reason::Invalid);
    assert!(!grant.needs_lookup(), "no platform to look the name up on");
}

#[test]
fn account_link_tokens_are_keyed_by_the_integration_command() {
    let mut resources = full_set();
    resources.integrations = vec![nautobot("nautobot-prod", Some("nautobot"))];
    let tokens = "[{integration: nautobot-prod, tokenRef: {name: alice, key: nautobot}}]";
    let spec = format!("{{platform: slack, chatUserId: U123, user: alice, tokens: {tokens}}}");
    resources.account_links = vec![resource("AccountLink", "alice", &spec, None)];
    resources
        .secrets
        .push(secret("alice", &[("nautobot", "alice-token")]));
    let compiled = compile(&resources);
    assert_eq!(compiled.rejected().count(), 0, "{:#?}", compiled.diagnostics);
    let key = &compiled.config.account_links[0].tokens["nautobot"];
    assert_eq!(
        key,
        &SecretKey("accountlink.chatops.alice.token.nautobot".to_owned())
    );
    assert_eq!(compiled.secrets.get(key), Some("alice-token"));

    resources.account_links[0].spec.tokens[0].integration = "missing".to_owned();
    let verdict = verdict_of(&resources, Kind::AccountLink, "alice");
    assert_eq!(verdict.reason, Reason::IntegrationNotFound);
}

#[test]
fn compile_is_deterministic_whatever_the_input_order() {
    let mut resources = full_set();
    let first = compile(&resources);
    resources.grants.reverse();
    resources.secrets.reverse();
    assert_eq!(compile(&resources), first);
}

#[test]
fn response_url_hosts_reach_the_gateway_lowercased_and_bad_ones_break_the_schema() {
    let mut resources = full_set();
    resources.platforms[0]
        .spec
        .slack
        .as_mut()
        .unwrap()
        .response_url_hosts = vec!["Hooks.Slack-Gov.com".into(), "*.proxy.example.com".into()];
    let compiled = compile(&resources);
    let PlatformCredentials::Slack {
        response_url_hosts, ..
    } = &compiled.config.platforms["slack"].credentials
    else {
        panic!("a Slack platform")
    };
    assert_eq!(
        response_url_hosts,
        &["hooks.slack-gov.com", "*.proxy.example.com"]
    );

    for bad in [
        "https://hooks.example.com",
        "hooks.example.com/path",
        "*example.com",
        "a b",
        "",
    ] {
        let mut platform = serde_json::to_value(&resources.platforms[0]).unwrap();
        platform["spec"]["slack"]["responseUrlHosts"] = serde_json::json!([bad]);
        assert!(
            crate::schema::validate_object(&platform).is_err(),
            "{bad:?} must break the schema"
        );
    }
    let mut platform = serde_json::to_value(&resources.platforms[0]).unwrap();
    platform["spec"]["slack"]["responseUrlHosts"] =
        serde_json::json!(["hooks.slack-gov.com", "*.proxy.example.com", "10.1.2.3"]);
    crate::schema::validate_object(&platform).unwrap();
}

mod grafana;
mod ipfabric;

/// A Slack platform `name` in Socket Mode with `slack` (a YAML flow mapping
/// of `spec.slack`'s fields).
fn socket_platform(name: &str, slack: &str) -> ChatPlatform {
    resource(
        "ChatPlatform",
        name,
        &format!("{{type: slack, slack: {slack}}}"),
        None,
    )
}

#[test]
fn socket_mode_takes_the_app_token_and_no_signing_secret() {
    let mut resources = full_set();
    resources.platforms = vec![socket_platform(
        "slack",
        "{mode: socket, appTokenRef: {name: slack-app, key: app-token}, botTokenRef: {name: slack, key: bot-token}, socketConnections: 3}",
    )];
    // The signing secret is not needed: a Secret without it serves.
    resources.secrets[0] = secret("slack", &[("bot-token", "xoxb-1")]);
    resources
        .secrets
        .push(secret("slack-app", &[("app-token", "xapp-1-A1-2-3\n")]));
    let compiled = compile(&resources);
    assert_eq!(
        said(&compiled, Kind::ChatPlatform, "slack"),
        (
            Reason::Accepted,
            "slack platform served over Socket Mode, 3 connection(s) per gateway replica"
        )
    );
    let PlatformCredentials::Slack {
        signing_secret,
        socket: Some(socket),
        ..
    } = &compiled.config.platforms["slack"].credentials
    else {
        panic!("Socket Mode credentials expected")
    };
    assert_eq!(*signing_secret, None);
    assert_eq!(socket.connections, 3);
    assert_eq!(compiled.secrets.get(&socket.app_token), Some("xapp-1-A1-2-3"));

    // One connection unless told otherwise; the app token's Secret is needed.
    resources.platforms = vec![socket_platform(
        "slack",
        "{mode: socket, appTokenRef: {name: missing, key: app-token}, botTokenRef: {name: slack, key: bot-token}}",
    )];
    assert_eq!(
        verdict_of(&resources, Kind::ChatPlatform, "slack").reason,
        Reason::SecretNotFound
    );
}

#[test]
fn webhooks_stay_the_default_with_the_signing_secret() {
    let compiled = compile(&full_set());
    let PlatformCredentials::Slack {
        signing_secret: Some(signing_secret),
        socket: None,
        ..
    } = &compiled.config.platforms["slack"].credentials
    else {
        panic!("webhook credentials expected")
    };
    assert_eq!(
        compiled.secrets.get(signing_secret),
        Some("8f742231b10e8888abcd99yyyzzz85a5")
    );
}

#[test]
fn a_slack_block_at_odds_with_its_mode_is_rejected_alone_as_the_schema_would() {
    for (slack, fragment) in [
        (
            "{mode: socket, botTokenRef: {name: slack, key: bot-token}}",
            "appTokenRef (the app-level token, xapp-...) is required when mode is socket",
        ),
        (
            "{botTokenRef: {name: slack, key: bot-token}}",
            "signingSecretRef is required when mode is webhooks",
        ),
        (
            "{signingSecretRef: {name: slack, key: signing-secret}, appTokenRef: {name: slack, key: a}, botTokenRef: {name: slack, key: bot-token}}",
            "appTokenRef applies only when mode is socket",
        ),
        (
            "{signingSecretRef: {name: slack, key: signing-secret}, socketConnections: 2, botTokenRef: {name: slack, key: bot-token}}",
            "socketConnections applies only when mode is socket",
        ),
        (
            "{mode: socket, appTokenRef: {name: slack, key: a}, socketConnections: 11, botTokenRef: {name: slack, key: bot-token}}",
            "socketConnections must be 1 to 10 (Slack allows 10 connections per app)",
        ),
    ] {
        let mut resources = full_set();
        resources.platforms.push(socket_platform("odd", slack));
        let compiled = compile(&resources);
        let (reason, message) = said(&compiled, Kind::ChatPlatform, "odd");
        assert_eq!(reason, Reason::Invalid, "{slack}");
        assert_eq!(message, format!("spec.slack: {fragment}"));
        assert_eq!(
            said(&compiled, Kind::ChatPlatform, "slack").0,
            Reason::Accepted,
            "the others serve"
        );
    }
}
