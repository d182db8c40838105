//! Microsoft Teams: a ChatPlatform on [`FakeTeams`], and activities shaped
//! as Teams sends them, with a Bot Connector token.

use serde_json::{Value, json};

use crate::{
    fake_teams::{APP_ID, APP_PASSWORD, FakeTeams},
    gateway_process::Gateway,
    manifests::PlatformManifests,
    signed::{post_teams, teams_token},
};

/// The ChatPlatform's name: its webhook is `/hooks/teams/messages`.
pub const PLATFORM: &str = "teams";
/// The tenant of the platform's grant.
pub const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
/// A tenant nothing is granted to.
pub const OTHER_TENANT: &str = "0b5d7c3e-9f1a-4e2b-8c6d-123456789abc";
/// The team of [`CHANNEL`].
pub const TEAM: &str = "19:712c61d0ef384e5fa681ba90ca943398@thread.skype";
/// A team channel.
pub const CHANNEL: &str = "19:693ecdb923ac4458a5c23661b505fc84@thread.skype";
/// A thread of [`CHANNEL`], the conversation of a channel message.
pub const CHANNEL_CONVERSATION: &str =
    "19:693ecdb923ac4458a5c23661b505fc84@thread.skype;messageid=1485983408511";
/// A user's personal chat with the bot.
pub const PERSONAL: &str = "a:1Xpersonal-chat-with-the-bot_0123456789";
/// Alice's Entra object ID.
pub const ALICE: &str = "7faf8ab2-3d56-4244-b585-20c8a42ed2b8";
/// Alice's Teams user ID.
pub const ALICE_ID: &str = "29:1XJKJMvc5GBtc2JwZq0oj8tHZmzrQgFmB39ATiQWA85gQtHieVkKilBZ9XHoq9j7Zaqt7CZ";
/// Bob's Entra object ID.
pub const BOB: &str = "0c2d6f4e-1a3b-4c5d-8e9f-abcdef012345";
/// Bob's Teams user ID.
pub const BOB_ID: &str = "29:1BobBobBobBobBobBobBobBobBobBobBobBobBobBobBobBobBobBobBob";
/// The bot's display name.
pub const BOT_NAME: &str = "ChatOps Bot";

/// The quickstart plus a Teams ChatPlatform with `settings` (single-tenant
/// with `tenant_id`), its Secret, and a grant for [`TENANT`].
pub fn manifests(settings: &str, tenant_id: Option<&str>) -> tempfile::TempDir {
    let tenant = tenant_id.map(|t| format!(", tenantId: {t}")).unwrap_or_default();
    PlatformManifests {
        name: PLATFORM,
        kind: "msteams",
        block: format!("{{appId: {APP_ID}, appPasswordRef: {{name: teams, key: app-password}}{tenant}}}"),
        settings: &super::settings(settings),
        secret: ("teams", &[("app-password", APP_PASSWORD)]),
        grant: ("teams-tenant", TENANT),
    }
    .beside_the_quickstart()
}

/// The gateway on [`manifests`], with Microsoft's endpoints at `fake` and
/// `extra` arguments, ready.
pub async fn start(
    fake: &FakeTeams,
    settings: &str,
    tenant_id: Option<&str>,
    extra: &[&str],
) -> (tempfile::TempDir, Gateway) {
    let dir = manifests(settings, tenant_id);
    let (openid, login) = (fake.openid_url(), fake.login_url());
    let args: Vec<&str> = [
        "--teams-openid-metadata-url",
        openid.as_str(),
        "--teams-login-url",
        login.as_str(),
    ]
    .into_iter()
    .chain(extra.iter().copied())
    .collect();
    // Slack is not used here: point its API at the fake too, which 404s it.
    let gateway = Gateway::start(dir.path(), &format!("http://{}/slack", fake.addr), &args).await;
    (dir, gateway)
}

/// A new [`FakeTeams`], and the gateway on [`manifests`] of it (multi-tenant,
/// no extra arguments), ready.
pub async fn start_with_fake(settings: &str) -> (FakeTeams, tempfile::TempDir, Gateway) {
    let fake = FakeTeams::start().await;
    let (dir, gateway) = start(&fake, settings, None, &[]).await;
    (fake, dir, gateway)
}

/// A message activity `id` with `text` by `user` (Entra object ID, Teams ID)
/// in their personal chat with the bot (no mention, no team or channel).
pub fn personal_activity(fake: &FakeTeams, id: &str, tenant: &str, user: (&str, &str), text: &str) -> Value {
    json!({
        "type": "message", "id": id, "timestamp": "2026-01-01T00:00:00.000Z",
        "serviceUrl": fake.service_url(), "channelId": "msteams",
        "from": {"id": user.1, "name": "Someone", "aadObjectId": user.0},
        "conversation": {"conversationType": "personal", "tenantId": tenant, "id": PERSONAL},
        "recipient": {"id": format!("28:{APP_ID}"), "name": BOT_NAME},
        "textFormat": "plain", "text": text,
        "channelData": {"tenant": {"id": tenant}},
        "locale": "en-US"
    })
}

/// POSTs `activity` with `authorization` (if any) as the Authorization header.
pub async fn post_activity(
    gateway: &Gateway,
    activity: &Value,
    authorization: Option<&str>,
) -> reqwest::Response {
    let mut request = reqwest::Client::new()
        .post(gateway.url(&format!("/hooks/{PLATFORM}/messages")))
        .header("Content-Type", "application/json")
        .body(activity.to_string());
    if let Some(authorization) = authorization {
        request = request.header("Authorization", authorization);
    }
    request.send().await.expect("the gateway answers")
}

/// A valid Bot Connector token (key A) for `activity`.
pub fn valid_token(activity: &Value) -> String {
    teams_token(
        activity["serviceUrl"]
            .as_str()
            .expect("the activity's serviceUrl"),
    )
}

/// POSTs `activity` as the Bot Connector does, with a valid token.
pub async fn post_valid(gateway: &Gateway, activity: &Value) -> reqwest::Response {
    let url = gateway.url(&format!("/hooks/{PLATFORM}/messages"));
    post_teams(&url, Some(&valid_token(activity)), activity).await
}
