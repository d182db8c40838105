//! The fake APIC over HTTP: the login and its cookie, token expiry and
//! refresh, the queries the original `aci` commands send, registration, the knobs.

use serde_json::Value;

use super::*;

/// A request carrying the session's token as APIC's cookie (none when empty).
fn with_token(request: reqwest::RequestBuilder, token: &str) -> reqwest::RequestBuilder {
    if token.is_empty() {
        request
    } else {
        request.header(header::COOKIE, format!("{COOKIE}={token}"))
    }
}

/// Logs in: the token (empty when refused), the status and the body.
async fn login(fake: &FakeApic, user: &str, pwd: &str) -> (String, StatusCode, Value) {
    let response = reqwest::Client::new()
        .post(fake.url_of("/api/aaaLogin.json"))
        .json(&json!({"aaaUser": {"attributes": {"name": user, "pwd": pwd}}}))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    let token = body["imdata"][0]["aaaLogin"]["attributes"]["token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    (token, status, body)
}

async fn admin(fake: &FakeApic) -> String {
    login(fake, ADMIN_USER, ADMIN_PASSWORD).await.0
}

async fn get(token: &str, fake: &FakeApic, path: &str) -> (StatusCode, Value) {
    let response = with_token(reqwest::Client::new().get(fake.url_of(path)), token)
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

async fn register(token: &str, fake: &FakeApic, serial: &str, id: &str, name: &str) -> (StatusCode, Value) {
    let request = reqwest::Client::new()
        .post(fake.url_of("/api/node/mo/uni/controller/nodeidentpol.json"))
        .json(&json!({"fabricNodeIdentP": {"attributes": {
            "dn": format!("uni/controller/nodeidentpol/nodep-{serial}"),
            "serial": serial, "nodeId": id, "name": name}}}));
    let response = with_token(request, token).send().await.unwrap();
    (response.status(), response.json().await.unwrap())
}

fn error_of(body: &Value) -> (&str, &str) {
    let attributes = &body["imdata"][0]["error"]["attributes"];
    (
        attributes["code"].as_str().unwrap(),
        attributes["text"].as_str().unwrap(),
    )
}

/// `attribute` of every object of `class` in an answer.
fn all<'a>(body: &'a Value, class: &str, attribute: &str) -> Vec<&'a str> {
    body["imdata"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i[class]["attributes"][attribute].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn a_login_sets_the_cookie_and_a_wrong_password_or_no_cookie_is_refused() {
    let fake = FakeApic::start().await;
    let (_, status, body) = login(&fake, ADMIN_USER, "wrong").await;
    assert_eq!(
        (status, error_of(&body)),
        (StatusCode::UNAUTHORIZED, ("401", BAD_LOGIN))
    );
    let (status, body) = get("", &fake, "/api/node/class/fvTenant.json").await;
    assert_eq!(
        (status, error_of(&body)),
        (StatusCode::FORBIDDEN, ("403", NO_TOKEN))
    );

    let response = reqwest::Client::new()
        .post(fake.url_of("/api/aaaLogin.json"))
        .json(&json!({"aaaUser": {"attributes": {"name": ADMIN_USER, "pwd": ADMIN_PASSWORD}}}))
        .send()
        .await
        .unwrap();
    let cookie = response.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_owned();
    let body: Value = response.json().await.unwrap();
    let attributes = &body["imdata"][0]["aaaLogin"]["attributes"];
    let token = attributes["token"].as_str().unwrap();
    assert_eq!(cookie, format!("APIC-cookie={token}; path=/; HttpOnly"));
    assert_eq!(attributes["refreshTimeoutSeconds"], "600");
    // The token, sent as the cookie, is the session; another is not.
    let (status, body) = get(
        "eyJhbGciOiJSUzI1NiIsImtpZCI6forged",
        &fake,
        "/api/node/class/fvTenant.json",
    )
    .await;
    assert_eq!(
        (status, error_of(&body).1),
        (StatusCode::FORBIDDEN, TOKEN_INVALID)
    );
    let (_, tenants) = get(token, &fake, "/api/node/class/fvTenant.json").await;
    assert_eq!(
        all(&tenants, "fvTenant", "name"),
        ["acme-dev", "acme-prod", "common", "infra", "mgmt"]
    );
    assert_eq!(tenants["totalCount"], "5");
}

#[tokio::test]
async fn tokens_expire_refresh_renews_them_and_logout_ends_them() {
    let fake = FakeApic::start().await;
    fake.set_refresh_timeout(1);
    let (old, _, body) = login(&fake, READER_USER, READER_PASSWORD).await;
    assert_eq!(
        body["imdata"][0]["aaaLogin"]["attributes"]["refreshTimeoutSeconds"],
        "1"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (status, refreshed) = get(&old, &fake, "/api/aaaRefresh.json").await;
    assert_eq!(status, StatusCode::OK);
    let first = refreshed["imdata"][0]["aaaLogin"]["attributes"]["token"].clone();
    let token = first.as_str().unwrap().to_owned();
    assert_ne!(token, old);
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(
        get(&old, &fake, "/api/node/class/fvTenant.json").await.0,
        StatusCode::FORBIDDEN
    );
    let (status, _) = get(&token, &fake, "/api/node/class/fvTenant.json").await;
    assert_eq!(status, StatusCode::OK, "the refreshed token lives on");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (status, body) = get(&token, &fake, "/api/node/class/fvTenant.json").await;
    assert_eq!(
        (status, error_of(&body)),
        (StatusCode::FORBIDDEN, ("403", TOKEN_INVALID))
    );

    // Tokens may die sooner than the login says, and all at once.
    fake.set_refresh_timeout(600);
    fake.expire_tokens_after(Duration::from_millis(200));
    let (token, _, body) = login(&fake, ADMIN_USER, ADMIN_PASSWORD).await;
    assert_eq!(
        body["imdata"][0]["aaaLogin"]["attributes"]["refreshTimeoutSeconds"],
        "600"
    );
    assert_ne!(body["imdata"][0]["aaaLogin"]["attributes"]["token"], first);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        get(&token, &fake, "/api/aaaRefresh.json").await.0,
        StatusCode::FORBIDDEN
    );
    fake.expire_tokens_after(Duration::from_secs(600));
    let client = admin(&fake).await;
    fake.expire_tokens();
    assert_eq!(
        get(&client, &fake, "/api/node/class/fvTenant.json").await.0,
        StatusCode::FORBIDDEN
    );
    let client = admin(&fake).await;
    let logout = reqwest::Client::new().post(fake.url_of("/api/aaaLogout.json"));
    assert_eq!(
        with_token(logout, &client).send().await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        get(&client, &fake, "/api/node/class/fvTenant.json").await.0,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_originals_queries_find_the_application() {
    let fake = FakeApic::start().await;
    let client = admin(&fake).await;
    let (_, aps) = get(
        &client,
        &fake,
        "/api/node/mo/uni/tn-acme-prod.json?query-target=children&target-subtree-class=fvAp",
    )
    .await;
    assert_eq!(all(&aps, "fvAp", "name"), ["ecommerce", "monitoring"]);
    let (_, epgs) = get(&client, &fake, "/api/node/class/fvAEPg.json").await;
    assert_eq!(epgs["totalCount"], "6");
    let (_, children) = get(
        &client,
        &fake,
        "/api/node/mo/uni/tn-acme-prod/ap-ecommerce/epg-web.json?query-target=children",
    )
    .await;
    let classes: Vec<&str> = children["imdata"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i.as_object().unwrap().keys().next().unwrap().as_str())
        .collect();
    assert_eq!(
        classes,
        ["fvRsBd", "fvRsCons", "fvRsDomAtt", "fvRsPathAtt", "fvRsProv"]
    );
    let (_, subjects) = get(
        &client,
        &fake,
        "/api/node/mo/uni/tn-acme-prod/brc-web-to-app.json?query-target=subtree&target-subtree-class=vzSubj",
    )
    .await;
    let subject = all(&subjects, "vzSubj", "dn")[0].to_owned();
    let (_, filters) = get(
        &client,
        &fake,
        &format!("/api/node/mo/{subject}.json?query-target=subtree&target-subtree-class=vzRsSubjFiltAtt"),
    )
    .await;
    assert_eq!(
        all(&filters, "vzRsSubjFiltAtt", "tnVzFilterName"),
        ["app-8080", "icmp"]
    );
    let (_, entries) = get(
        &client,
        &fake,
        "/api/node/mo/uni/tn-acme-prod/flt-app-8080.json?query-target=subtree&target-subtree-class=vzEntry",
    )
    .await;
    assert_eq!(all(&entries, "vzEntry", "dToPort"), ["8080"]);
    let (_, vrf) = get(
        &client,
        &fake,
        "/api/node/mo/uni/tn-acme-prod/BD-db-bd.json?query-target=children&target-subtree-class=fvRsCtx",
    )
    .await;
    assert_eq!(all(&vrf, "fvRsCtx", "tnFvCtxName"), ["prod-vrf"]);
    let (_, subnets) = get(
        &client,
        &fake,
        "/api/node/mo/uni/tn-acme-prod/BD-db-bd.json?query-target=children&target-subtree-class=fvSubnet",
    )
    .await;
    assert_eq!(
        all(&subnets, "fvSubnet", "ip"),
        ["10.10.30.1/24", "10.10.31.1/24"]
    );
    // The vPC's interfaces, through its policy group.
    let (_, bases) = get(&client, &fake, "/api/node/mo/uni/infra/funcprof/accbundle-acme-db-vpc.json?query-target=subtree&target-subtree-class=infraRtAccBaseGrp").await;
    let selector = all(&bases, "infraRtAccBaseGrp", "tDn")[0].to_owned();
    let (_, blocks) = get(
        &client,
        &fake,
        &format!("/api/node/mo/{selector}.json?query-target=subtree&target-subtree-class=infraPortBlk"),
    )
    .await;
    assert_eq!(all(&blocks, "infraPortBlk", "toPort"), ["20"]);
    // A filter applies to the object itself too.
    let (_, tenant) = get(
        &client,
        &fake,
        "/api/node/mo/uni/tn-acme-dev.json?query-target-filter=eq(fvTenant.name,%22acme-dev%22)",
    )
    .await;
    assert_eq!(all(&tenant, "fvTenant", "descr"), ["Developers' sandbox"]);
    let (_, none) = get(
        &client,
        &fake,
        "/api/node/mo/uni/tn-acme-dev.json?query-target-filter=eq(fvTenant.name,%22x%22)",
    )
    .await;
    assert_eq!(none["totalCount"], "0");
    // An object that is not there is an empty answer, an unknown class a 400.
    let (status, none) = get(
        &client,
        &fake,
        "/api/node/mo/uni/tn-nope.json?query-target=children",
    )
    .await;
    assert_eq!((status, none["totalCount"].as_str()), (StatusCode::OK, Some("0")));
    let (status, body) = get(&client, &fake, "/api/node/class/fvNothing.json").await;
    assert_eq!(
        (status, error_of(&body)),
        (
            StatusCode::BAD_REQUEST,
            ("400", "Request failed, unresolved class for fvNothing")
        )
    );
}

#[tokio::test]
async fn nodes_controllers_pending_nodes_and_interfaces() {
    let fake = FakeApic::start().await;
    let client = admin(&fake).await;
    let (_, nodes) = get(
        &client,
        &fake,
        "/api/class/fabricNode.json?query-target-filter=ne(fabricNode.role,%22controller%22)",
    )
    .await;
    assert_eq!(
        all(&nodes, "fabricNode", "id"),
        ["101", "102", "103", INACTIVE_NODE, "201", "202"]
    );
    let (_, systems) = get(
        &client,
        &fake,
        "/api/class/topSystem.json?query-target-filter=eq(topSystem.role,%22controller%22)",
    )
    .await;
    assert_eq!(
        all(&systems, "topSystem", "oobMgmtAddr"),
        ["192.168.10.11", "192.168.10.12", "192.168.10.13"]
    );
    let pending = "/api/node/class/dhcpClient.json?query-target-filter=and(not(wcard(dhcpClient.dn,%22__ui_%22)),and(or(eq(dhcpClient.ip,%220.0.0.0%22)),or(eq(dhcpClient.nodeRole,%22spine%22),eq(dhcpClient.nodeRole,%22leaf%22),eq(dhcpClient.nodeRole,%22unsupported%22))))";
    let (_, clients) = get(&client, &fake, pending).await;
    assert_eq!(all(&clients, "dhcpClient", "id"), [PENDING_LEAF, PENDING_SPINE]);
    let (_, down) = get(&client, &fake, "/api/node/class/topology/pod-1/node-102/l1PhysIf.json?rsp-subtree=children&rsp-subtree-class=ethpmPhysIf&rsp-subtree-filter=eq(ethpmPhysIf.operSt,%22down%22)&order-by=l1PhysIf.id").await;
    let with_children: Vec<&str> = down["imdata"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["l1PhysIf"].get("children").is_some())
        .map(|i| i["l1PhysIf"]["attributes"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(with_children, ["eth1/5", "eth1/6", "eth1/7"]);
    let (_, page) = get(
        &client,
        &fake,
        "/api/node/class/l1PhysIf.json?page=2&page-size=15",
    )
    .await;
    assert_eq!(
        (
            page["totalCount"].as_str(),
            page["imdata"].as_array().unwrap().len()
        ),
        (Some("38"), 8),
        "3 leafs of 10, 2 spines of 4"
    );
}

#[tokio::test]
async fn registration_moves_a_pending_switch_into_the_fabric_and_is_validated() {
    let fake = FakeApic::start().await;
    let reader = login(&fake, READER_USER, READER_PASSWORD).await.0;
    assert!(!reader.is_empty());
    let (status, body) = register(&reader, &fake, PENDING_LEAF, "105", "leaf-105").await;
    assert_eq!((status, error_of(&body).0), (StatusCode::FORBIDDEN, "403"));
    assert_eq!(fake.pending_serials(), [PENDING_LEAF, PENDING_SPINE]);

    let client = admin(&fake).await;
    for (serial, id, says) in [
        (PENDING_LEAF, "42", "out of range"),
        (PENDING_LEAF, "4001", "out of range"),
        (PENDING_LEAF, "101", "already assigned to serial FDO22151A01"),
        ("FDO22151A02", "150", "already registered as node 102"),
        ("", "150", "serial"),
    ] {
        let (status, body) = register(&client, &fake, serial, id, "x").await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{serial} {id}");
        assert!(error_of(&body).1.contains(says), "{serial} {id}: {body}");
    }
    let (status, body) = register(&client, &fake, PENDING_LEAF, "105", "leaf-105").await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, json!({"totalCount": "0", "imdata": []}))
    );
    assert_eq!(fake.pending_serials(), [PENDING_SPINE]);
    let node = fake
        .objects("fabricNode")
        .into_iter()
        .find(|n| n.attribute("serial") == Some(PENDING_LEAF))
        .unwrap();
    assert_eq!(
        (
            node.attribute("id"),
            node.attribute("name"),
            node.attribute("fabricSt")
        ),
        (Some("105"), Some("leaf-105"), Some("active"))
    );
    assert!(
        fake.objects("topSystem")
            .iter()
            .any(|s| s.attribute("id") == Some("105"))
    );
    // Registering it again as itself renames it; a serial not cabled yet is pre-provisioned.
    assert_eq!(
        register(&client, &fake, PENDING_LEAF, "105", "leaf-105b").await.0,
        StatusCode::OK
    );
    assert_eq!(
        register(&client, &fake, "FDO99999ZZZ", "300", "spare").await.0,
        StatusCode::OK
    );
    let names: Vec<String> = fake
        .objects("fabricNodeIdentP")
        .iter()
        .filter_map(|p| p.attribute("name").map(str::to_owned))
        .collect();
    assert!(
        names.contains(&"leaf-105b".to_owned()) && names.contains(&"spare".to_owned()),
        "{names:?}"
    );
    let request = reqwest::Client::new()
        .post(fake.url_of("/api/node/mo/uni/tn-acme-dev.json"))
        .json(&json!({"fvTenant": {"attributes": {"descr": "x"}}}));
    let status = with_token(request, &client).send().await.unwrap().status();
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "the fake writes only registrations"
    );
}

#[tokio::test]
async fn the_knobs_hold_back_or_garble_answers_until_mended() {
    let fake = FakeApic::start().await;
    let client = admin(&fake).await;
    let hold = Duration::from_millis(300);
    fake.slow_down("/api/node/class/fvTenant", hold);
    let started = Instant::now();
    assert_eq!(
        get(&client, &fake, "/api/node/class/fvTenant.json").await.0,
        StatusCode::OK
    );
    assert!(started.elapsed() >= hold, "held back: {:?}", started.elapsed());
    fake.garble("/api/node/class/fvBD", Garbage::TruncatedJson);
    fake.garble("/api/node/mo/", Garbage::Html);
    let cut = with_token(
        reqwest::Client::new().get(fake.url_of("/api/node/class/fvBD.json")),
        &client,
    )
    .send()
    .await
    .unwrap();
    assert!(serde_json::from_slice::<Value>(&cut.bytes().await.unwrap()).is_err());
    let page = with_token(
        reqwest::Client::new().get(fake.url_of("/api/node/mo/uni/tn-common.json")),
        &client,
    )
    .send()
    .await
    .unwrap();
    assert!(page.text().await.unwrap().starts_with("<!DOCTYPE html>"));
    fake.mend();
    let started = Instant::now();
    let (_, bds) = get(&client, &fake, "/api/node/class/fvBD.json").await;
    assert_eq!(
        bds["totalCount"], "8",
        "three in the fabric's tenants, five in the users'"
    );
    get(&client, &fake, "/api/node/class/fvTenant.json").await;
    assert!(started.elapsed() < hold, "no longer held back");
    assert!(
        fake.requests().iter().any(|r| r.path == "/api/aaaLogin.json"),
        "requests are recorded"
    );
}
