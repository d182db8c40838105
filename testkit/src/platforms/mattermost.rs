//! Mattermost: a ChatPlatform on [`FakeMattermost`] with two slash tokens,
//! its slash commands and its action callbacks.

use serde_json::Value;

use crate::{
    fake_mattermost::FakeMattermost, gateway_process::Gateway, manifests::PlatformManifests,
    signed::MattermostSlash,
};

/// The ChatPlatform's name: its webhooks are `/hooks/mattermost/…`.
pub const PLATFORM: &str = "mattermost";
/// The bot's token, which the gateway sends as its bearer token.
pub const BOT_TOKEN: &str = "mm-bot-token-quickstart-not-for-production";
/// The slash command's token.
pub const SLASH_TOKEN: &str = "mmslashtokenchatops0000000";
/// A second slash token, as while rotating (or for a second slash command).
pub const OLD_SLASH_TOKEN: &str = "mmslashtokenold00000000000";
/// The team of the platform's grant.
pub const TEAM: &str = "mmteam00000000000000000001";
/// A team nothing is granted to.
pub const OTHER_TEAM: &str = "mmteam00000000000000000002";
/// The channel commands are typed in.
pub const CHANNEL: &str = "mmchannel00000000000000001";
/// A user of the team.
pub const ALICE: &str = "mmalice0000000000000000001";
/// Another user of the team.
pub const BOB: &str = "mmbob000000000000000000001";

/// The quickstart plus a Mattermost ChatPlatform on `fake` with `settings`,
/// its Secret, and a grant for its team.
pub fn manifests(fake: &FakeMattermost, settings: &str) -> tempfile::TempDir {
    manifests_at(&fake.url(), settings)
}

/// [`manifests`] of a Mattermost server at `url` (another fake: the soak's sink).
pub fn manifests_at(url: &str, settings: &str) -> tempfile::TempDir {
    PlatformManifests {
        name: PLATFORM,
        kind: "mattermost",
        block: format!(
            "{{url: {url}, botTokenRef: {{name: mattermost, key: bot-token}}, slashTokenRefs: \
             [{{name: mattermost, key: slash-chatops}}, {{name: mattermost, key: slash-old}}]}}"
        ),
        settings: &super::settings(settings),
        secret: (
            "mattermost",
            &[
                ("bot-token", BOT_TOKEN),
                ("slash-chatops", SLASH_TOKEN),
                ("slash-old", OLD_SLASH_TOKEN),
            ],
        ),
        grant: ("mattermost-team", TEAM),
    }
    .beside_the_quickstart()
}

/// The gateway on [`manifests`], ready.
pub async fn start(fake: &FakeMattermost, settings: &str) -> (tempfile::TempDir, Gateway) {
    let dir = manifests(fake, settings);
    // Slack is not used here: point its API at the fake too, which 404s it.
    let gateway = Gateway::start(dir.path(), &format!("{}/slack", fake.url()), &[]).await;
    (dir, gateway)
}

/// A new [`FakeMattermost`], and the gateway on [`manifests`] of it, ready.
pub async fn start_with_fake(settings: &str) -> (FakeMattermost, tempfile::TempDir, Gateway) {
    let fake = FakeMattermost::start().await;
    let (dir, gateway) = start(&fake, settings).await;
    (fake, dir, gateway)
}

/// A slash command as Mattermost sends it, with `token`, from `user` of `team`
/// in [`CHANNEL`].
pub fn command<'a>(
    token: &'a str,
    team: &'a str,
    user: &'a str,
    text: &'a str,
    response_url: &'a str,
) -> MattermostSlash<'a> {
    MattermostSlash {
        token,
        team,
        channel: CHANNEL,
        user,
        user_name: "someone",
        text,
        response_url,
    }
}

/// POSTs the action or dialog callback `body` to the gateway.
pub async fn post_action(gateway: &Gateway, body: &Value) -> reqwest::Response {
    reqwest::Client::new()
        .post(gateway.url(&format!("/hooks/{PLATFORM}/actions")))
        .header("Content-Type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("the gateway answers")
}
