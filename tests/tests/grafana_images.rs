//! A Grafana panel reaches every platform as a picture: the real gateway
//! binary, a `grafana` Integration on the fake Grafana, and a panel asked
//! for on Webex (a file uploaded with the message) and on Teams (an inline
//! image attachment). Slack and Mattermost are in `grafana_gateway.rs`.

use std::path::Path;
use std::time::Duration;

use base64::Engine;
use chatops_testkit::fake_grafana::{self, FakeGrafana};
use chatops_tests::{
    fake_teams::FakeTeams,
    fake_webex::FakeWebex,
    platforms::{teams, webex},
    wait,
};
use serde_json::json;

/// The PNG signature every picture starts with.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";
const PATIENCE: Duration = Duration::from_secs(20);

/// Writes a `grafana` Integration at `grafana` (its `traffic` panel, with
/// defaults for both variables), its token, and a grant of it to everyone,
/// into the manifests directory `dir`.
fn add_grafana(dir: &Path, grafana: &FakeGrafana) {
    let manifests = format!(
        "apiVersion: chatops.dev/v1alpha1\nkind: Integration\nmetadata: {{name: grafana, namespace: chatops}}\n\
         spec:\n  type: grafana\n  endpoint: {url}\n  credentials: {{tokenRef: {{name: grafana, key: token}}}}\n  \
         grafana:\n    dashboards:\n    - uid: {uid}\n      slug: interface-traffic\n      title: Interface traffic\n      \
         panels:\n      - command: traffic\n        id: 1\n        title: Traffic in / out\n        variables:\n        \
         - {{name: device, default: nyc-rtr-01, choices: [nyc-rtr-01, nyc-rtr-02, ams-sw-01]}}\n        \
         - {{name: interface, default: Ethernet1}}\n---\n\
         apiVersion: v1\nkind: Secret\nmetadata: {{name: grafana, namespace: chatops}}\n\
         stringData: {{token: {token}}}\n---\n\
         apiVersion: chatops.dev/v1alpha1\nkind: AccessGrant\nmetadata: {{name: grafana-for-all, namespace: chatops}}\n\
         spec: {{command: grafana, subcommand: '*', grantType: user, name: anyone, value: '*'}}\n",
        url = grafana.url(),
        uid = fake_grafana::INTERFACE_TRAFFIC_UID,
        token = fake_grafana::ADMIN_TOKEN,
    );
    std::fs::write(dir.join("grafana.yaml"), manifests).unwrap();
}

/// What Grafana was asked to render, once it was.
async fn rendered(grafana: &FakeGrafana) -> Vec<(String, String)> {
    let render = wait::within(PATIENCE, || grafana.renders().into_iter().next()).await;
    fake_grafana::params(&render.expect("Grafana is asked for the picture"))
}

#[tokio::test]
async fn on_webex_the_panel_is_a_png_file_posted_with_the_message() {
    let (grafana, fake) = (FakeGrafana::start().await, FakeWebex::start().await);
    let dir = webex::manifests("");
    add_grafana(dir.path(), &grafana);
    let api = fake.url();
    let gateway = chatops_tests::gateway_process::Gateway::start(
        dir.path(),
        &format!("http://{}/slack", fake.addr),
        &["--webex-api-url", api.as_str()],
    )
    .await;

    fake.add_message(json!({
        "id": "msg-traffic", "roomId": webex::ROOM, "roomType": "direct", "text": "grafana get-traffic nyc-rtr-02",
        "personId": webex::ALICE, "personEmail": "alice@example.com", "created": "2026-01-01T00:00:00.000Z"
    }));
    let event = webex::message_event(
        "msg-traffic",
        webex::ORG,
        webex::ALICE,
        "direct",
        &webex::created(0),
    );
    assert_eq!(webex::deliver(&gateway, &event).await.status(), 200);

    let params = rendered(&grafana).await;
    assert!(
        params.contains(&("var-device".to_owned(), "nyc-rtr-02".to_owned())),
        "{params:?}"
    );
    let upload = fake
        .wait_for(PATIENCE, |r| {
            r.path == "/v1/messages"
                && r.headers
                    .get("content-type")
                    .is_some_and(|v| v.to_str().unwrap_or_default().starts_with("multipart/form-data"))
        })
        .await
        .unwrap_or_else(|| panic!("no picture posted: {:?}", fake.method_paths()));
    let form = upload.body.as_ref();
    assert!(
        form.windows(PNG.len()).any(|w| w == PNG),
        "the file is the PNG Grafana drew"
    );
    assert!(
        String::from_utf8_lossy(form).contains("name=\"files\"; filename=\"traffic.png\""),
        "{}",
        String::from_utf8_lossy(&form[..form.len().min(400)])
    );
    assert!(!gateway.logs().contains(fake_grafana::ADMIN_TOKEN));
}

#[tokio::test]
async fn on_teams_the_panel_is_an_inline_png_attachment() {
    let fake = FakeTeams::start().await;
    let grafana = FakeGrafana::start().await;
    let dir = teams::manifests("", None);
    add_grafana(dir.path(), &grafana);
    let (openid, login) = (fake.openid_url(), fake.login_url());
    let gateway = chatops_tests::gateway_process::Gateway::start(
        dir.path(),
        &format!("http://{}/slack", fake.addr),
        &[
            "--teams-openid-metadata-url",
            &openid,
            "--teams-login-url",
            &login,
        ],
    )
    .await;

    let activity = teams::personal_activity(
        &fake,
        "act-traffic",
        teams::TENANT,
        (teams::ALICE, teams::ALICE_ID),
        // The fake draws uncompressed PNGs: kept under Teams' 1 MB for inline pictures.
        "grafana get-traffic width=400 height=300",
    );
    assert_eq!(teams::post_valid(&gateway, &activity).await.status(), 200);

    let params = rendered(&grafana).await;
    assert!(
        params.contains(&("var-device".to_owned(), "nyc-rtr-01".to_owned())),
        "the default: {params:?}"
    );
    let picture = wait::within(PATIENCE, || {
        fake.connector_requests().into_iter().find_map(|r| {
            let body = r.json();
            let url = body["attachments"][0]["contentUrl"].as_str()?.to_owned();
            url.strip_prefix("data:image/png;base64,").map(str::to_owned)
        })
    })
    .await
    .unwrap_or_else(|| {
        let bodies: Vec<String> = fake.connector_requests().iter().map(|r| r.text()).collect();
        panic!("no picture posted: {bodies:?}")
    });
    let bytes = base64::engine::general_purpose::STANDARD.decode(picture).unwrap();
    assert!(bytes.starts_with(PNG), "the attachment is the PNG Grafana drew");
}
