//! Webex: a ChatPlatform with a webhook secret, and the webhook deliveries
//! Webex signs with it.

use serde_json::{Value, json};

use crate::{
    fake_webex::{BOT_PERSON_ID, FakeWebex},
    gateway_process::Gateway,
    manifests::PlatformManifests,
    signed::post_webex_signed,
};

/// The ChatPlatform's name: its webhooks are `/hooks/webex/…`.
pub const PLATFORM: &str = "webex";
/// The bot's token, which the gateway sends as its bearer token.
pub const BOT_TOKEN: &str = "webex-bot-token-quickstart-not-for-production";
/// The secret Webex signs its deliveries with.
pub const WEBHOOK_SECRET: &str = "webex-webhook-secret-quickstart";
/// The organization of the platform's grant.
pub const ORG: &str = "Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi9vcmcx";
/// An organization nothing is granted to.
pub const OTHER_ORG: &str = "Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi9vcmcy";
/// The space commands are typed in.
pub const ROOM: &str = "Y2lzY29zcGFyazovL3VzL1JPT00vcm9vbTE";
/// A person of the organization.
pub const ALICE: &str = "Y2lzY29zcGFyazovL3VzL1BFT1BMRS9hbGljZQ";
/// Another person of the organization.
pub const BOB: &str = "Y2lzY29zcGFyazovL3VzL1BFT1BMRS9ib2I";

/// The quickstart plus a Webex ChatPlatform with `settings`, its Secret, and
/// a grant for its organization.
pub fn manifests(settings: &str) -> tempfile::TempDir {
    PlatformManifests {
        name: PLATFORM,
        kind: "webex",
        block: "{botTokenRef: {name: webex, key: bot-token}, webhookSecretRef: {name: webex, key: webhook-secret}}"
            .to_owned(),
        settings: &super::settings(settings),
        secret: ("webex", &[("bot-token", BOT_TOKEN), ("webhook-secret", WEBHOOK_SECRET)]),
        grant: ("webex-org", ORG),
    }
    .beside_the_quickstart()
}

/// The gateway on [`manifests`] with the Webex API at `fake` and `extra` arguments, ready.
pub async fn start(fake: &FakeWebex, settings: &str, extra: &[&str]) -> (tempfile::TempDir, Gateway) {
    let dir = manifests(settings);
    let api = fake.url();
    let args: Vec<&str> = ["--webex-api-url", api.as_str()]
        .into_iter()
        .chain(extra.iter().copied())
        .collect();
    // Slack is not used here: point its API at the fake too, which 404s it.
    let gateway = Gateway::start(dir.path(), &format!("http://{}/slack", fake.addr), &args).await;
    (dir, gateway)
}

/// A new [`FakeWebex`], and the gateway on [`manifests`] with `extra` arguments, ready.
pub async fn start_with_fake(settings: &str, extra: &[&str]) -> (FakeWebex, tempfile::TempDir, Gateway) {
    let fake = FakeWebex::start().await;
    let (dir, gateway) = start(&fake, settings, extra).await;
    (fake, dir, gateway)
}

/// `seconds` from now, as Webex writes `data.created`: the gateway runs a
/// delivery only within 5 minutes of it.
pub fn created(seconds: i64) -> String {
    let at = k8s_openapi::jiff::Timestamp::now()
        .checked_add(k8s_openapi::jiff::SignedDuration::from_secs(seconds))
        .expect("a time near now");
    at.to_string()
}

/// A `messages` `created` webhook as Webex sends it, for the message `id` of
/// `person` in a `room_type` space, created at `created`.
pub fn message_event(id: &str, org: &str, person: &str, room_type: &str, created: &str) -> Value {
    json!({
        "id": "webhook-messages", "name": "chatops messages", "targetUrl": "https://gw.example.com/hooks/webex/events",
        "resource": "messages", "event": "created", "orgId": org, "createdBy": BOT_PERSON_ID,
        "appId": "app", "ownedBy": "creator", "status": "active",
        // The webhook's own creation: long ago, and the same on every delivery.
        "created": "2025-01-01T00:00:00.000Z", "actorId": person,
        "data": {"id": id, "roomId": ROOM, "roomType": room_type, "personId": person,
                 "personEmail": "someone@example.com", "created": created}
    })
}

/// POSTs the webhook delivery `event`, signed with [`WEBHOOK_SECRET`].
pub async fn deliver(gateway: &Gateway, event: &Value) -> reqwest::Response {
    post_webex_signed(
        &gateway.url(&format!("/hooks/{PLATFORM}/events")),
        WEBHOOK_SECRET,
        event,
    )
    .await
}
