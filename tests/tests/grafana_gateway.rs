//! The real gateway binary serving Grafana Integrations against the fake
//! Grafana (`chatops_testkit::fake_grafana`), over Slack and over
//! Mattermost: a panel delivered as an uploaded picture, a menu for a
//! missing variable, and what the person asking is told when Grafana does
//! not take the token, refuses the dashboard, is down, slow, or answers
//! something that is no picture. The last test takes a variable's choices
//! from the live Nautobot (`scripts/nautobot/up`).

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use chatops_tests::{
    chat::SHORT_TIMEOUT,
    endpoints,
    fake_grafana::{self, FakeGrafana, Scripted},
    fake_mattermost::FakeMattermost,
    gateway_process::Gateway,
    manifests::{self, grant_to_everyone, secret, stream, token_ref},
    nautobot_live::{self, LiveSlack, Nautobot, VIEWER_CHAT_USER, wait_for_menu},
    platforms::mattermost::{self, SLASH_TOKEN, TEAM, post_action},
    quickstart::{ALICE, CHANNEL, DEFAULT_SETTINGS, FORM, PATIENCE, WORKSPACE},
    signed::post_slack,
    slack_requests::{QUICKSTART_SIGNING_SECRET, menu_choice, now, slash_command},
};
use serde_json::{Value, json};

/// What every PNG starts with.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";

/// A token Grafana does not know.
const REVOKED: &str = "glsa_RevokedChatOps000000000000000_00000000";

/// The panels every Grafana Integration here serves: the fake's traffic
/// panel (a device from a menu, or from Nautobot when `nautobot` says so)
/// and its firewall panel in the folder the viewer may not read.
fn panels(nautobot: bool) -> String {
    let device = if nautobot {
        "{name: device, title: Device, nautobot: {integration: nautobot, objects: devices}}"
    } else {
        "{name: device, title: Device, choices: [nyc-rtr-01, nyc-rtr-02, ams-sw-01]}"
    };
    format!(
        "  grafana:
    defaults: {{timespan: 6h}}
    dashboards:
    - uid: {traffic}
      slug: interface-traffic
      title: Interface traffic
      panels:
      - command: interface-traffic
        id: 1
        title: Traffic in / out
        variables:
        - {device}
        - {{name: interface, title: Interface, default: Ethernet1}}
    - uid: {firewall}
      slug: firewall-drops
      title: Firewall drops
      panels:
      - command: firewall-drops
        id: 1
        title: Dropped packets
        variables:
        - {{name: firewall, title: Firewall, choices: [nyc-fw-01, ams-fw-01], default: nyc-fw-01}}
",
        traffic = fake_grafana::INTERFACE_TRAFFIC_UID,
        firewall = fake_grafana::FIREWALL_DROPS_UID,
    )
}

/// A grafana Integration answering to `command` at `endpoint`, acting with
/// the `key` of the `grafana` Secret, waiting `timeout` seconds at most.
fn integration(command: &str, endpoint: &str, key: &str, timeout: u64, nautobot: bool) -> String {
    let credentials = token_ref("grafana", key);
    manifests::integration("grafana", command, endpoint, &credentials, timeout) + &panels(nautobot)
}

/// The Grafanas of these tests: the fake, with the admin's token, the
/// viewer's and a revoked one; a Grafana that is down; one that never answers.
struct Grafanas {
    fake: FakeGrafana,
    down: String,
    slow: String,
}

impl Grafanas {
    async fn start() -> Grafanas {
        let fake = FakeGrafana::start().await;
        let down = endpoints::unreachable();
        let slow = endpoints::silent().await;
        Grafanas { fake, down, slow }
    }

    /// The Integrations, their Secret, and a grant of every command to everyone.
    fn manifests(&self) -> String {
        let url = self.fake.url();
        let mut documents = vec![
            integration("grafana", &url, "admin", 10, false),
            integration("grafanaviewer", &url, "viewer", 10, false),
            integration("grafanarevoked", &url, "revoked", 10, false),
            integration("grafanadown", &self.down, "admin", 10, false),
            integration("grafanaslow", &self.slow, "admin", SHORT_TIMEOUT, false),
            secret(
                "grafana",
                &[
                    ("admin", fake_grafana::ADMIN_TOKEN),
                    ("viewer", fake_grafana::VIEWER_TOKEN),
                    ("revoked", REVOKED),
                ],
            ),
        ];
        documents.extend(
            [
                "grafana",
                "grafanaviewer",
                "grafanarevoked",
                "grafanadown",
                "grafanaslow",
            ]
            .map(grant_to_everyone),
        );
        stream(&documents)
    }

    /// The one render the fake got, once it came: its parameters.
    async fn render(&self) -> Vec<(String, String)> {
        let render = self
            .fake
            .wait_for(PATIENCE, |r| r.path.starts_with("/render/"))
            .await
            .expect("a render");
        fake_grafana::params(&render)
    }
}

/// The value of `key` among `pairs`.
fn value<'a>(pairs: &'a [(String, String)], key: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {key} in {pairs:?}"))
}

/// No Grafana token appears in `text`.
#[track_caller]
fn assert_no_token(text: &str) {
    for token in [fake_grafana::ADMIN_TOKEN, fake_grafana::VIEWER_TOKEN, REVOKED] {
        assert!(!text.contains(token), "a token reached the chat: {text}");
    }
}

// ---- Slack ----

/// The gateway on the quickstart plus the Grafanas' manifests, its Slack Web API on `slack`.
async fn slack_gateway(slack: &LiveSlack, grafanas: &Grafanas) -> (tempfile::TempDir, Gateway) {
    let dir = chatops_tests::copy_quickstart();
    std::fs::write(dir.path().join("grafana.yaml"), grafanas.manifests()).unwrap();
    let gateway = Gateway::start(dir.path(), &slack.api_url(), &[]).await;
    (dir, gateway)
}

/// `/{command} {text}` typed by alice, answered on the response URL `id`.
async fn slack_slash(gateway: &Gateway, slack: &LiveSlack, command: &str, text: &str, id: &str) {
    let body = slash_command(WORKSPACE, CHANNEL, ALICE, command, text, &slack.response_url(id));
    let ack = post_slack(
        &gateway.url("/hooks/slack/commands"),
        QUICKSTART_SIGNING_SECRET,
        now(),
        &body,
        FORM,
    )
    .await;
    assert_eq!(ack.status(), StatusCode::OK);
}

/// What was posted to the response URL `id`, once it came.
async fn slack_answer(slack: &LiveSlack, id: &str) -> String {
    let path = format!("/response/{id}");
    slack
        .wait_for(PATIENCE, |r| r.path == path)
        .await
        .unwrap_or_else(|| panic!("no answer on {path}: {:?}", slack.method_paths()))
        .text()
}

/// The picture Slack got as an uploaded file (reserved, sent to the upload
/// URL, shared in the channel), once it came: its bytes and its title.
async fn slack_upload(slack: &LiveSlack) -> (Vec<u8>, Value) {
    let completed = slack
        .wait_for(PATIENCE, |r| r.path == "/api/files.completeUploadExternal")
        .await
        .unwrap_or_else(|| panic!("no upload completed: {:?}", slack.method_paths()));
    let requests = slack.requests();
    let reserved = requests
        .iter()
        .find(|r| r.path == "/api/files.getUploadURLExternal")
        .expect("an upload reserved");
    let reserve: Vec<(String, String)> = reserved.form();
    assert_eq!(value(&reserve, "filename"), "interface-traffic.png");
    let uploaded = requests
        .iter()
        .find(|r| r.path.starts_with("/upload/"))
        .expect("the bytes uploaded");
    assert_eq!(value(&reserve, "length"), uploaded.body.len().to_string());
    let complete = completed.form();
    assert_eq!(
        value(&complete, "channel_id"),
        CHANNEL,
        "shared where it was asked"
    );
    let files: Value = serde_json::from_str(value(&complete, "files")).unwrap();
    (uploaded.body.to_vec(), files[0].clone())
}

#[tokio::test]
async fn over_slack_a_panel_is_uploaded_as_a_picture_in_the_channel() {
    let grafanas = Grafanas::start().await;
    let slack = LiveSlack::start().await;
    let (_dir, gateway) = slack_gateway(&slack, &grafanas).await;

    slack_slash(
        &gateway,
        &slack,
        "/grafana",
        "get-interface-traffic nyc-rtr-02 width=640 theme=light",
        "traffic",
    )
    .await;

    let (bytes, file) = slack_upload(&slack).await;
    assert!(bytes.starts_with(PNG), "a PNG");
    assert_eq!(
        file["title"].as_str().unwrap_or_default(),
        "Traffic in / out — Interface traffic: device=nyc-rtr-02, interface=Ethernet1; the last 6h."
    );
    let posted = slack
        .requests()
        .into_iter()
        .find(|r| r.path == "/api/chat.postMessage")
        .expect("the message posted with the picture");
    assert!(posted.text().contains("Traffic in / out"), "{}", posted.text());
    let render = grafanas.render().await;
    assert_eq!(
        [
            value(&render, "var-device"),
            value(&render, "width"),
            value(&render, "theme"),
            value(&render, "from"),
        ],
        ["nyc-rtr-02", "640", "light", "now-6h"]
    );
}

#[tokio::test]
async fn over_slack_a_missing_variable_is_a_menu_whose_choice_renders_the_panel() {
    let grafanas = Grafanas::start().await;
    let slack = LiveSlack::start().await;
    let (_dir, gateway) = slack_gateway(&slack, &grafanas).await;

    slack_slash(&gateway, &slack, "/grafana", "get-interface-traffic", "menu").await;
    let menu = wait_for_menu(&slack, "menu", PATIENCE).await.unwrap();
    assert_eq!(menu.values(), ["nyc-rtr-01", "nyc-rtr-02", "ams-sw-01"]);
    assert!(
        grafanas.fake.requests().is_empty(),
        "Grafana is not asked for the menu"
    );

    let body = menu_choice(
        WORKSPACE,
        CHANNEL,
        ALICE,
        &menu.action_id,
        "ams-sw-01",
        &slack.response_url("chosen"),
    );
    let ack = post_slack(
        &gateway.url("/hooks/slack/interactions"),
        QUICKSTART_SIGNING_SECRET,
        now(),
        &body,
        FORM,
    )
    .await;
    assert_eq!(ack.status(), StatusCode::OK);

    let (bytes, _) = slack_upload(&slack).await;
    assert!(bytes.starts_with(PNG));
    assert_eq!(value(&grafanas.render().await, "var-device"), "ams-sw-01");
}

#[tokio::test]
async fn over_slack_grafana_s_refusals_and_failures_are_said_in_words() {
    let grafanas = Grafanas::start().await;
    let slack = LiveSlack::start().await;
    let (_dir, gateway) = slack_gateway(&slack, &grafanas).await;

    for (command, id, said) in [
        (
            "/grafanarevoked",
            "revoked",
            "Grafana did not accept the token of chatbot.",
        ),
        (
            "/grafanaviewer",
            "forbidden",
            "You (not linked, acting as chatbot) may not view the dashboard Firewall drops in Grafana.",
        ),
        ("/grafanadown", "down", "cannot be reached"),
    ] {
        slack_slash(&gateway, &slack, command, "get-firewall-drops", id).await;
        let answer = slack_answer(&slack, id).await;
        assert!(answer.contains(said), "{command}: {answer}");
        assert_no_token(&answer);
    }
    let down = slack_answer(&slack, "down").await;
    assert!(
        down.contains(&grafanas.down),
        "where Grafana is not reachable: {down}"
    );

    let started = Instant::now();
    slack_slash(&gateway, &slack, "/grafanaslow", "get-firewall-drops", "slow").await;
    let answer = slack_answer(&slack, "slow").await;
    assert!(answer.contains("Grafana did not answer within 2 s"), "{answer}");
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "{:?}",
        started.elapsed()
    );

    grafanas.fake.script_render(
        Scripted::new(StatusCode::OK, "<html>Sign in with SSO</html>")
            .with_header("content-type", "text/html"),
    );
    slack_slash(&gateway, &slack, "/grafana", "get-firewall-drops", "html").await;
    let answer = slack_answer(&slack, "html").await;
    assert!(
        answer.contains("is not a PNG (text/html); is Grafana's image renderer installed?"),
        "{answer}"
    );
    assert!(
        !slack.requests().iter().any(|r| r.path.contains("files.")),
        "nothing uploaded"
    );
}

// ---- Mattermost ----

/// The gateway on the quickstart plus a Mattermost platform on `fake` and the Grafanas.
async fn mattermost_gateway(fake: &FakeMattermost, grafanas: &Grafanas) -> (tempfile::TempDir, Gateway) {
    let dir = mattermost::manifests(fake, DEFAULT_SETTINGS);
    std::fs::write(dir.path().join("grafana.yaml"), grafanas.manifests()).unwrap();
    let gateway = Gateway::start(dir.path(), &format!("{}/slack", fake.url()), &[]).await;
    (dir, gateway)
}

/// `/{command} {text}` typed by a Mattermost user, answered on the response URL `id`.
async fn mattermost_slash(gateway: &Gateway, fake: &FakeMattermost, command: &str, text: &str, id: &str) {
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("channel_id", mattermost::CHANNEL)
        .append_pair("channel_name", "town-square")
        .append_pair("command", command)
        .append_pair("response_url", &fake.response_url(id))
        .append_pair("team_domain", "example")
        .append_pair("team_id", TEAM)
        .append_pair("text", text)
        .append_pair("token", SLASH_TOKEN)
        .append_pair("trigger_id", "dHJpZ2dlcg")
        .append_pair("user_id", mattermost::ALICE)
        .append_pair("user_name", "alice")
        .finish();
    let ack = reqwest::Client::new()
        .post(gateway.url(&format!("/hooks/{}/commands", mattermost::PLATFORM)))
        .header("Content-Type", FORM)
        .header("Authorization", format!("Token {SLASH_TOKEN}"))
        .body(body)
        .send()
        .await
        .expect("the gateway answers");
    assert_eq!(ack.status(), StatusCode::OK);
}

/// What was posted to the response URL `id`, once it came.
async fn mattermost_answer(fake: &FakeMattermost, id: &str) -> Value {
    let path = format!("/hooks/commands/{id}");
    fake.wait_for(PATIENCE, |r| r.path == path)
        .await
        .unwrap_or_else(|| panic!("no answer on {path}: {:?}", fake.method_paths()))
        .json()
}

#[tokio::test]
async fn over_mattermost_a_panel_is_uploaded_and_posted_with_its_file() {
    let grafanas = Grafanas::start().await;
    let fake = FakeMattermost::start().await;
    let (_dir, gateway) = mattermost_gateway(&fake, &grafanas).await;

    mattermost_slash(
        &gateway,
        &fake,
        "/grafana",
        "get-interface-traffic nyc-rtr-01 timespan=P1DT12H",
        "traffic",
    )
    .await;

    let post = fake
        .wait_for(PATIENCE, |r| {
            r.path == "/api/v4/posts" && r.json()["file_ids"].is_array()
        })
        .await
        .unwrap_or_else(|| panic!("no post with files: {:?}", fake.method_paths()));
    let upload = fake
        .requests()
        .into_iter()
        .find(|r| r.path == "/api/v4/files")
        .expect("the picture uploaded");
    let body = &upload.body;
    let at = body
        .windows(PNG.len())
        .position(|w| w == PNG)
        .expect("a PNG in the multipart upload");
    assert!(at > 0);
    let multipart = String::from_utf8_lossy(&body[..at]);
    assert!(
        multipart.contains("filename=\"interface-traffic.png\""),
        "{multipart}"
    );
    let posted = post.json();
    assert_eq!(posted["channel_id"], mattermost::CHANNEL);
    assert_eq!(posted["file_ids"].as_array().map(Vec::len), Some(1));
    assert!(
        posted["message"]
            .as_str()
            .unwrap_or_default()
            .contains("Traffic in / out"),
        "{posted}"
    );
    let render = grafanas.render().await;
    assert_eq!(
        (value(&render, "var-device"), value(&render, "from")),
        ("nyc-rtr-01", "now-36h")
    );
}

#[tokio::test]
async fn over_mattermost_a_missing_variable_is_a_menu_whose_choice_renders_the_panel() {
    let grafanas = Grafanas::start().await;
    let fake = FakeMattermost::start().await;
    let (_dir, gateway) = mattermost_gateway(&fake, &grafanas).await;

    mattermost_slash(&gateway, &fake, "/grafana", "get-interface-traffic", "menu").await;
    let menu = mattermost_answer(&fake, "menu").await;
    let select = menu["attachments"][0]["actions"]
        .as_array()
        .and_then(|actions| actions.iter().find(|a| a["type"] == "select"))
        .cloned()
        .unwrap_or_else(|| panic!("no menu in {menu}"));
    let options: Vec<&str> = select["options"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o["value"].as_str())
        .collect();
    assert!(
        options.starts_with(&["nyc-rtr-01", "nyc-rtr-02", "ams-sw-01"]),
        "{options:?}"
    );

    let mut context = select["integration"]["context"].clone();
    context["selected_option"] = json!("nyc-rtr-02");
    let choice = json!({
        "user_id": mattermost::ALICE, "user_name": "alice", "channel_id": mattermost::CHANNEL,
        "channel_name": "town-square", "team_id": TEAM, "team_domain": "example",
        "post_id": "mmpost0000000000000000001", "trigger_id": "dHJpZ2dlcjI", "type": "select",
        "data_source": "", "context": context
    });
    assert_eq!(post_action(&gateway, &choice).await.status(), StatusCode::OK);

    fake.wait_for(PATIENCE, |r| r.path == "/api/v4/files")
        .await
        .unwrap_or_else(|| panic!("nothing uploaded: {:?}", fake.method_paths()));
    assert_eq!(value(&grafanas.render().await, "var-device"), "nyc-rtr-02");
}

#[tokio::test]
async fn over_mattermost_grafana_s_refusals_and_failures_are_said_in_words() {
    let grafanas = Grafanas::start().await;
    let fake = FakeMattermost::start().await;
    let (_dir, gateway) = mattermost_gateway(&fake, &grafanas).await;

    grafanas.fake.script_render(
        Scripted::new(StatusCode::OK, "<html>Sign in with SSO</html>")
            .with_header("content-type", "text/html"),
    );
    let started = Instant::now();
    for (command, id, said) in [
        (
            "/grafanarevoked",
            "revoked",
            "Grafana did not accept the token of chatbot.",
        ),
        (
            "/grafanaviewer",
            "forbidden",
            "You (not linked, acting as chatbot) may not view the dashboard Firewall drops in Grafana.",
        ),
        ("/grafanadown", "down", "cannot be reached"),
        ("/grafanaslow", "slow", "Grafana did not answer within 2 s"),
        ("/grafana", "html", "is not a PNG (text/html)"),
    ] {
        mattermost_slash(&gateway, &fake, command, "get-firewall-drops", id).await;
        let answer = mattermost_answer(&fake, id).await;
        let text = answer["text"].as_str().unwrap_or_default();
        assert!(text.contains(said), "{command}: {answer}");
        assert_eq!(
            answer["response_type"], "ephemeral",
            "told to the asker: {answer}"
        );
        assert_no_token(&answer.to_string());
    }
    assert!(started.elapsed() < Duration::from_secs(12));
    assert!(
        !fake.requests().iter().any(|r| r.path == "/api/v4/files"),
        "nothing uploaded"
    );
}

// ---- Nautobot choices, live ----

#[tokio::test]
async fn a_variable_s_choices_are_the_names_the_asker_sees_in_the_live_nautobot() {
    let nautobot = Nautobot::require().await;
    let grafanas = Grafanas::start().await;
    let slack = LiveSlack::start().await;
    let dir = nautobot_live::live_manifests(&nautobot);
    let manifests = stream(&[
        integration("grafana", &grafanas.fake.url(), "admin", 30, true),
        secret("grafana", &[("admin", fake_grafana::ADMIN_TOKEN)]),
        grant_to_everyone("grafana"),
    ]);
    std::fs::write(dir.path().join("grafana.yaml"), manifests).unwrap();
    let gateway = Gateway::start(dir.path(), &slack.api_url(), &[]).await;
    let slash = |text: &'static str, id: &'static str| {
        let body = slash_command(
            WORKSPACE,
            CHANNEL,
            VIEWER_CHAT_USER,
            "/grafana",
            text,
            &slack.response_url(id),
        );
        let url = gateway.url("/hooks/slack/commands");
        async move {
            let ack = post_slack(&url, QUICKSTART_SIGNING_SECRET, now(), &body, FORM).await;
            assert_eq!(ack.status(), StatusCode::OK);
        }
    };

    // Every device the viewer may see in Nautobot, by name.
    slash("get-interface-traffic", "all").await;
    let all = wait_for_menu(&slack, "all", Duration::from_secs(30))
        .await
        .unwrap();
    for device in ["ams01-leaf-01", "ams01-leaf-02", "ams01-spine-01"] {
        assert!(all.values().contains(&device), "{device}: {:?}", all.values());
    }
    assert!(
        !all.values().iter().any(|v| nautobot_live::looks_like_uuid(v)),
        "names, never IDs"
    );

    // Part of a name narrows the menu to the devices that contain it.
    slash("get-interface-traffic ams01-leaf", "leaf").await;
    let leaves = wait_for_menu(&slack, "leaf", Duration::from_secs(30))
        .await
        .unwrap();
    assert!(
        leaves.values().iter().all(|v| v.contains("ams01-leaf")) && leaves.values().len() >= 2,
        "{:?}",
        leaves.values()
    );

    // A whole name is taken as it is, and the panel rendered with it.
    slash("get-interface-traffic ams01-spine-01", "spine").await;
    let render = grafanas.render().await;
    assert_eq!(value(&render, "var-device"), "ams01-spine-01");
}
