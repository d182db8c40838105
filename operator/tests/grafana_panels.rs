//! `grafana-panels` against the fake Grafana of testkit: what it declares of
//! the fake's dashboards, its filters and paging, its errors, and that the
//! token never shows; once through the library, and once as a user runs the
//! binary.

use std::process::Output;

use axum::http::StatusCode;
use chatops_crds::{
    Integration,
    schema::validate_object,
    settings::{GrafanaDashboard, GrafanaSettings},
};
use chatops_operator::grafana_panels::{
    self, DEFAULT_PAGE_SIZE, Declaration, GrafanaPanelsError, Source, Target, integration_yaml, secret_ref,
    settings_yaml,
};
use chatops_outbound::Secret;
use chatops_testkit::fake_grafana::{
    ADMIN_TOKEN, BGP_SESSIONS_UID, FIREWALL_DROPS_UID, FakeGrafana, INTERFACE_TRAFFIC_UID, Scripted,
    VIEWER_TOKEN, params,
};

fn source(fake: &FakeGrafana, token: &str) -> Source {
    Source {
        url: fake.url(),
        token: Secret::new(token),
        org_id: None,
        dashboards: Vec::new(),
        folders: Vec::new(),
        page_size: DEFAULT_PAGE_SIZE,
    }
}

async fn declared(source: &Source) -> Declaration {
    grafana_panels::declare(source)
        .await
        .expect("the fake's panels are declared")
}

fn dashboard<'a>(settings: &'a GrafanaSettings, uid: &str) -> &'a GrafanaDashboard {
    settings
        .dashboards
        .iter()
        .find(|d| d.uid == uid)
        .unwrap_or_else(|| panic!("no dashboard {uid}"))
}

/// `(id, command, title)` of each panel of `dashboard`.
fn panels(dashboard: &GrafanaDashboard) -> Vec<(u32, &str, &str)> {
    dashboard
        .panels
        .iter()
        .map(|p| (p.id, p.command.as_str(), p.title.as_deref().unwrap_or_default()))
        .collect()
}

#[tokio::test]
async fn every_dashboard_the_admin_reads_is_declared_with_its_panels_and_variables() {
    let fake = FakeGrafana::start().await;
    let declaration = declared(&source(&fake, ADMIN_TOKEN)).await;
    assert_eq!(declaration.warnings, Vec::<String>::new());
    let settings = &declaration.settings;
    // In the search's order: by title.
    let uids: Vec<&str> = settings.dashboards.iter().map(|d| d.uid.as_str()).collect();
    assert_eq!(
        uids,
        [BGP_SESSIONS_UID, FIREWALL_DROPS_UID, INTERFACE_TRAFFIC_UID]
    );
    assert_eq!(settings.org_id, 1);

    let bgp = dashboard(settings, BGP_SESSIONS_UID);
    assert_eq!(
        (bgp.slug.as_str(), bgp.title.as_deref()),
        ("bgp-sessions", Some("BGP sessions"))
    );
    // The table inside the collapsed "Details" row is served; the row is not.
    assert_eq!(
        panels(bgp),
        [
            (1, "established-sessions", "Established sessions"),
            (2, "prefixes-received", "Prefixes received"),
            (4, "session-state", "Session state"),
        ]
    );
    let afi = &bgp.panels[2].variables[1];
    assert_eq!(afi.name, "afi");
    assert_eq!(afi.title.as_deref(), Some("Address family"));
    assert_eq!(afi.choices, ["ipv4", "ipv6"]);
    assert_eq!(afi.default.as_deref(), Some("ipv4"));
    assert!(afi.ask);

    let traffic = dashboard(settings, INTERFACE_TRAFFIC_UID);
    assert_eq!(traffic.slug, "interface-traffic");
    assert_eq!(
        panels(traffic),
        [
            (1, "traffic-in-out", "Traffic in / out"),
            (2, "errors-and-discards", "Errors and discards"),
            (3, "utilisation", "Utilisation"),
        ]
    );
    let variables = &traffic.panels[0].variables;
    let names: Vec<&str> = variables.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["device", "interface"]);
    assert_eq!(variables[0].choices, ["nyc-rtr-01", "nyc-rtr-02", "ams-sw-01"]);
    assert_eq!(variables[0].default.as_deref(), Some("nyc-rtr-01"));
    // A query variable: its options depend on the device, so none are fixed.
    assert_eq!(variables[1].title.as_deref(), Some("Interface"));
    assert_eq!(variables[1].choices, Vec::<String>::new());
    assert_eq!(variables[1].default.as_deref(), Some("Ethernet1"));

    let firewall = dashboard(settings, FIREWALL_DROPS_UID);
    assert_eq!(panels(firewall), [(1, "dropped-packets", "Dropped packets")]);
    assert_eq!(firewall.panels[0].variables[0].name, "firewall");
}

#[tokio::test]
async fn the_yaml_round_trips_and_passes_the_crd() {
    let fake = FakeGrafana::start().await;
    let declaration = declared(&source(&fake, ADMIN_TOKEN)).await;
    let yaml = settings_yaml(&declaration.settings).unwrap();
    assert!(
        yaml.starts_with("# spec.grafana of a grafana Integration: 7 panels of 3 dashboards"),
        "{yaml}"
    );
    let parsed: GrafanaSettings = serde_saphyr::from_str(&yaml).unwrap();
    assert_eq!(parsed, declaration.settings);

    let target = Target {
        name: "grafana".to_owned(),
        namespace: Some("chatops".to_owned()),
        command: Some("grafana".to_owned()),
        endpoint: "http://grafana.monitoring.svc:3000".to_owned(),
        token_secret: secret_ref("grafana/token").unwrap(),
    };
    let manifest = integration_yaml(&declaration.settings, &target).unwrap();
    let value: serde_json::Value = serde_saphyr::from_str(&manifest).unwrap();
    validate_object(&value).expect("the manifest applies");
    let integration: Integration = serde_json::from_value(value).unwrap();
    assert_eq!(integration.metadata.namespace.as_deref(), Some("chatops"));
    assert_eq!(
        integration.spec.endpoint.as_deref(),
        Some("http://grafana.monitoring.svc:3000")
    );
    let token_ref = integration.spec.credentials.token_ref.unwrap();
    assert_eq!(
        (token_ref.name.as_str(), token_ref.key.as_str()),
        ("grafana", "token")
    );
    assert_eq!(integration.spec.grafana.as_ref(), Some(&declaration.settings));
    for text in [&yaml, &manifest] {
        assert!(!text.contains(ADMIN_TOKEN) && !text.contains("glsa_"), "{text}");
    }
}

#[tokio::test]
async fn the_organization_is_the_tokens_own_unless_given() {
    let fake = FakeGrafana::start().await;
    // A service account of the fourth organization: its /api/org says so.
    fake.script(Scripted::new(
        StatusCode::OK,
        r#"{"id": 4, "name": "Network team", "address": {}}"#,
    ));
    let declaration = declared(&source(&fake, ADMIN_TOKEN)).await;
    assert_eq!(declaration.settings.org_id, 4);
    assert_eq!(fake.requests()[0].path, "/api/org");
    assert!(
        fake.requests()
            .iter()
            .all(|r| r.header("x-grafana-org-id").is_none())
    );
}

#[tokio::test]
async fn the_search_is_read_page_by_page_with_the_token_and_org() {
    let fake = FakeGrafana::start().await;
    let mut source = source(&fake, ADMIN_TOKEN);
    source.page_size = 2;
    source.org_id = Some(3);
    let declaration = declared(&source).await;
    assert_eq!(declaration.settings.dashboards.len(), 3, "the third is on page 2");
    assert_eq!(declaration.settings.org_id, 3);
    let searches: Vec<Vec<(String, String)>> = fake
        .requests()
        .iter()
        .filter(|r| r.path == "/api/search")
        .map(params)
        .collect();
    let pages: Vec<&str> = searches
        .iter()
        .map(|p| p.iter().find(|(k, _)| k == "page").unwrap().1.as_str())
        .collect();
    assert_eq!(pages, ["1", "2"]);
    assert!(searches[0].contains(&("type".to_owned(), "dash-db".to_owned())));
    assert!(searches[0].contains(&("limit".to_owned(), "2".to_owned())));
    for request in fake.requests() {
        assert_eq!(
            request.header("authorization"),
            Some(format!("Bearer {ADMIN_TOKEN}").as_str())
        );
        assert_eq!(request.header("x-grafana-org-id"), Some("3"));
    }
}

#[tokio::test]
async fn a_folder_filter_and_the_viewers_permissions_narrow_the_dashboards() {
    let fake = FakeGrafana::start().await;
    let mut admin = source(&fake, ADMIN_TOKEN);
    admin.folders = vec!["security".to_owned()];
    let uids = |d: &Declaration| {
        d.settings
            .dashboards
            .iter()
            .map(|d| d.uid.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(uids(&declared(&admin).await), [FIREWALL_DROPS_UID]);

    // The viewer's search leaves out the Security folder it may not read.
    let viewer = source(&fake, VIEWER_TOKEN);
    assert_eq!(
        uids(&declared(&viewer).await),
        [BGP_SESSIONS_UID, INTERFACE_TRAFFIC_UID]
    );
    let mut none = source(&fake, VIEWER_TOKEN);
    none.folders = vec!["security".to_owned()];
    let err = grafana_panels::declare(&none).await.unwrap_err();
    assert!(matches!(err, GrafanaPanelsError::Nothing(_)), "{err}");
}

#[tokio::test]
async fn named_dashboards_are_read_in_order_and_refusals_are_errors() {
    let fake = FakeGrafana::start().await;
    let mut named = source(&fake, VIEWER_TOKEN);
    named.dashboards = vec![INTERFACE_TRAFFIC_UID.to_owned(), BGP_SESSIONS_UID.to_owned()];
    let declaration = declared(&named).await;
    let uids: Vec<&str> = declaration
        .settings
        .dashboards
        .iter()
        .map(|d| d.uid.as_str())
        .collect();
    assert_eq!(uids, [INTERFACE_TRAFFIC_UID, BGP_SESSIONS_UID]);
    assert!(fake.requests().iter().all(|r| r.path != "/api/search"));

    named.dashboards = vec![FIREWALL_DROPS_UID.to_owned()];
    let err = grafana_panels::declare(&named).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "the token may not read dashboard sec-fw-drops (403 Forbidden)"
    );
    named.dashboards = vec!["no-such-dashboard".to_owned()];
    let err = grafana_panels::declare(&named).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "Grafana has no dashboard no-such-dashboard (404 Not Found)"
    );
}

#[tokio::test]
async fn a_wrong_token_and_a_grafana_down_say_so_without_the_token() {
    let fake = FakeGrafana::start().await;
    let wrong = "glsa_NotAToken000000000000000000000_00000000";
    let err = grafana_panels::declare(&source(&fake, wrong)).await.unwrap_err();
    assert!(matches!(err, GrafanaPanelsError::Unauthorized), "{err}");
    assert!(!err.to_string().contains(wrong) && !format!("{err:?}").contains(wrong));

    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let mut down = source(&fake, ADMIN_TOKEN);
    down.url = format!("http://127.0.0.1:{port}/grafana");
    let err = grafana_panels::declare(&down).await.unwrap_err();
    let message = err.to_string();
    assert!(
        message.starts_with(&format!(
            "cannot reach Grafana at 127.0.0.1:{port}: could not connect"
        )),
        "{message}"
    );
    assert!(
        !message.contains(ADMIN_TOKEN) && !message.contains("/grafana"),
        "{message}"
    );
}

#[tokio::test]
async fn a_url_with_credentials_is_refused_without_echoing_it() {
    let fake = FakeGrafana::start().await;
    let mut with_password = source(&fake, ADMIN_TOKEN);
    with_password.url = format!("http://admin:hunter2@{}", fake.addr);
    let err = grafana_panels::declare(&with_password).await.unwrap_err();
    assert_eq!(err.to_string(), "--url must not carry a user or password");
    assert!(fake.requests().is_empty());
}

#[test]
fn the_token_comes_from_a_file_or_the_environment_trimmed() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("token");
    std::fs::write(&file, format!("{ADMIN_TOKEN}\n")).unwrap();
    let token = grafana_panels::token(Some(&file), Some("ignored".to_owned())).unwrap();
    assert_eq!(token.expose(), ADMIN_TOKEN);
    assert_eq!(
        grafana_panels::token(None, Some(" t ".to_owned()))
            .unwrap()
            .expose(),
        "t"
    );
    assert!(matches!(
        grafana_panels::token(None, None),
        Err(GrafanaPanelsError::NoToken)
    ));
    assert!(matches!(
        grafana_panels::token(None, Some("\n".to_owned())),
        Err(GrafanaPanelsError::EmptyToken)
    ));
    let missing = grafana_panels::token(Some(&dir.path().join("nope")), None).unwrap_err();
    assert!(
        missing.to_string().starts_with("cannot read the token file"),
        "{missing}"
    );
}

#[test]
fn secret_refs_are_name_slash_key() {
    let reference = secret_ref("grafana-token/token").unwrap();
    assert_eq!(
        (reference.name.as_str(), reference.key.as_str()),
        ("grafana-token", "token")
    );
    for bad in ["grafana", "/token", "grafana/", "a/b/c"] {
        assert!(secret_ref(bad).is_err(), "{bad}");
    }
}

// --- the binary ------------------------------------------------------------------

/// Runs `chatops-operator grafana-panels` with `args` and `env`.
async fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_chatops-operator"))
        .arg("grafana-panels")
        .args(args)
        .env_remove("GRAFANA_TOKEN")
        .envs(env.iter().copied())
        .output()
        .await
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[tokio::test]
async fn the_binary_prints_an_integration_ready_to_apply() {
    let fake = FakeGrafana::start().await;
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, VIEWER_TOKEN).unwrap();
    let url = fake.url();
    let output = run(
        &[
            "--url",
            &url,
            "--token-file",
            token_file.to_str().unwrap(),
            "--integration",
            "grafana",
            "--namespace",
            "chatops",
            "--token-secret",
            "grafana/token",
        ],
        &[],
    )
    .await;
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("declared 6 panels of 2 dashboards"), "{stderr}");
    let manifest: serde_json::Value = serde_saphyr::from_str(&stdout).unwrap();
    validate_object(&manifest).expect("the manifest applies");
    assert_eq!(manifest["kind"], "Integration");
    assert_eq!(manifest["spec"]["endpoint"], url.as_str());
    assert_eq!(
        manifest["spec"]["grafana"]["dashboards"][1]["panels"][0]["command"],
        "traffic-in-out"
    );
    assert!(!stdout.contains(VIEWER_TOKEN) && !stderr.contains(VIEWER_TOKEN));
}

#[tokio::test]
async fn the_binary_prints_spec_grafana_from_the_environment_token() {
    let fake = FakeGrafana::start().await;
    let url = fake.url();
    let output = run(
        &["--url", &url, "--dashboard", BGP_SESSIONS_UID],
        &[("GRAFANA_TOKEN", ADMIN_TOKEN)],
    )
    .await;
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let settings: GrafanaSettings = serde_saphyr::from_str(&stdout).unwrap();
    assert_eq!(settings.dashboards.len(), 1);
    assert_eq!(panels(&settings.dashboards[0]).len(), 3);
    assert!(!stdout.contains(ADMIN_TOKEN));
}

#[tokio::test]
async fn the_binary_fails_in_one_line_without_the_token() {
    let fake = FakeGrafana::start().await;
    let url = fake.url();
    let wrong = "glsa_WrongTokenChatOps0000000000000_deadbeef";
    let output = run(&["--url", &url], &[("GRAFANA_TOKEN", wrong)]).await;
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        "chatops-operator: Grafana refused the token (401 Unauthorized): is it a valid service account token of this Grafana?\n"
    );

    let output = run(&["--url", &url], &[]).await;
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        text(&output.stderr),
        "chatops-operator: no Grafana token: give --token-file PATH or set GRAFANA_TOKEN\n"
    );
}

#[tokio::test]
async fn the_binary_takes_no_token_argument_and_folder_excludes_dashboard() {
    let output = run(&["--url", "http://127.0.0.1:9", "--token", ADMIN_TOKEN], &[]).await;
    assert_eq!(output.status.code(), Some(2), "clap refuses the unknown argument");
    let output = run(
        &["--url", "http://127.0.0.1:9", "--dashboard", "a", "--folder", "b"],
        &[("GRAFANA_TOKEN", ADMIN_TOKEN)],
    )
    .await;
    assert_eq!(output.status.code(), Some(2));
    let output = run(
        &["--url", "http://127.0.0.1:9", "--integration", "grafana"],
        &[("GRAFANA_TOKEN", ADMIN_TOKEN)],
    )
    .await;
    assert_eq!(
        output.status.code(),
        Some(2),
        "--integration needs --token-secret"
    );
    assert!(text(&output.stderr).contains("--token-secret"));
}
