//! The fake Meraki's own logic: keys, paging, validation and knobs.

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::*;

async fn send(request: reqwest::RequestBuilder) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let response = request.send().await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, headers, body)
}

async fn get(fake: &FakeMeraki, path: &str, key: &str) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    send(reqwest::Client::new().get(fake.url_of(path)).bearer_auth(key)).await
}

async fn put(fake: &FakeMeraki, path: &str, key: &str, body: Value) -> (StatusCode, Value) {
    let (status, _, body) = send(
        reqwest::Client::new()
            .put(fake.url_of(path))
            .bearer_auth(key)
            .json(&body),
    )
    .await;
    (status, body)
}

fn names(list: &Value, field: &str) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|i| i[field].as_str().unwrap().to_owned())
        .collect()
}

/// The `rel=next` URL of a `Link` header, if any.
fn next_link(headers: &reqwest::header::HeaderMap) -> Option<String> {
    let link = headers.get("link")?.to_str().unwrap();
    link.split(", ")
        .find(|l| l.ends_with("rel=next"))
        .map(|l| l[1..l.find('>').unwrap()].to_owned())
}

#[tokio::test]
async fn keys_are_checked_in_either_header_and_the_read_only_key_may_not_write() {
    let fake = FakeMeraki::start().await;
    let (status, _, body) = get(&fake, "/api/v1/organizations", "wrong").await;
    assert_eq!(
        (status, body),
        (StatusCode::UNAUTHORIZED, json!({"errors": ["Invalid API key"]}))
    );
    let (status, _, _) = send(reqwest::Client::new().get(fake.url_of("/api/v1/organizations"))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let older = reqwest::Client::new()
        .get(fake.url_of("/api/v1/organizations"))
        .header("X-Cisco-Meraki-API-Key", READ_ONLY_KEY);
    let (status, _, organizations) = send(older).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(names(&organizations, "id"), [ORG_ID, LAB_ORG_ID]);

    let path = format!("/api/v1/devices/{SWITCH_SERIAL}/switch/ports/12");
    let (status, body) = put(&fake, &path, READ_ONLY_KEY, json!({"vlan": 30})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body["errors"][0].as_str().unwrap().contains("read-only"));
    assert_eq!(fake.ports(SWITCH_SERIAL)[11]["vlan"], 10, "nothing changed");
    let recorded = fake.requests();
    assert_eq!(
        recorded.last().unwrap().json(),
        json!({"vlan": 30}),
        "the body is recorded"
    );
}

#[tokio::test]
async fn lists_page_by_per_page_and_starting_after_with_a_link_to_the_next_page() {
    let fake = FakeMeraki::start().await;
    let first = format!("/api/v1/organizations/{ORG_ID}/devices?perPage=3");
    let (_, headers, page) = get(&fake, &first, ADMIN_KEY).await;
    assert_eq!(names(&page, "name"), ["ams-sw-01", "ams-sw-02", "ams-ap-lobby"]);
    let link = headers.get("link").unwrap().to_str().unwrap().to_owned();
    assert!(
        link.starts_with(&format!("<{}>; rel=first", fake.url_of(&first))),
        "{link}"
    );
    let mut all = names(&page, "name");
    let mut next = next_link(&headers);
    let mut pages = 1;
    while let Some(url) = next {
        let (_, headers, page) = send(reqwest::Client::new().get(url).bearer_auth(ADMIN_KEY)).await;
        all.extend(names(&page, "name"));
        next = next_link(&headers);
        pages += 1;
    }
    assert_eq!(
        (pages, all.len()),
        (3, 7),
        "3 + 3 + 1, and no next link after the last"
    );

    // Filters ride along in the next link.
    let filtered = format!(
        "/api/v1/organizations/{ORG_ID}/devices?perPage=3&productTypes%5B%5D=camera&productTypes%5B%5D=wireless"
    );
    let (_, headers, page) = get(&fake, &filtered, ADMIN_KEY).await;
    assert_eq!(
        names(&page, "name"),
        ["ams-ap-lobby", "ams-ap-floor2", "ams-cam-entrance"]
    );
    let next = next_link(&headers).unwrap();
    assert!(
        next.contains("productTypes%5B%5D=camera") && next.contains("startingAfter=Q2FV-8NXS-L3ZA"),
        "{next}"
    );

    for bad in [
        "perPage=2",
        "perPage=5001",
        "perPage=many",
        "startingAfter=nobody",
    ] {
        let (status, _, body) = get(
            &fake,
            &format!("/api/v1/organizations/{ORG_ID}/devices?{bad}"),
            ADMIN_KEY,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(body["errors"].is_array());
    }
    let (status, _, _) = get(&fake, "/api/v1/organizations/1/networks", ADMIN_KEY).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_port_update_is_validated_as_a_whole_and_shows_in_the_statuses() {
    let fake = FakeMeraki::start().await;
    let path = format!("/api/v1/devices/{SWITCH_SERIAL}/switch/ports/12");
    for bad in [
        json!({"vlan": 0}),
        json!({"vlan": 4095}),
        json!({"vlan": "ten"}),
        json!({"vlan": "4095"}),
        json!({"name": "x", "enabled": "yes"}),
        json!({"type": "stack"}),
        json!({"name": 12}),
        json!(["vlan", 10]),
    ] {
        let (status, body) = put(&fake, &path, ADMIN_KEY, bad.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(body["errors"][0].is_string());
    }
    assert_eq!(
        fake.ports(SWITCH_SERIAL)[11]["name"],
        "Desk 12",
        "a refused update changes nothing"
    );
    let (status, port) = put(
        &fake,
        &path,
        ADMIN_KEY,
        json!({"name": "Printer", "vlan": 4094, "type": "access", "enabled": false}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (
            port["name"].as_str(),
            port["vlan"].as_u64(),
            port["enabled"].as_bool()
        ),
        (Some("Printer"), Some(4094), Some(false))
    );
    let (_, _, statuses) = get(
        &fake,
        &format!("/api/v1/devices/{SWITCH_SERIAL}/switch/ports/statuses"),
        ADMIN_KEY,
    )
    .await;
    let status_of = |id: &str| {
        statuses
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["portId"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(status_of("12")["status"], "Disabled");
    assert_eq!(status_of(DISABLED_PORT)["status"], "Disabled");
    assert_eq!(status_of(ERROR_PORT)["errors"], json!(["CRC align errors"]));
    let (_, port) = put(&fake, &path, ADMIN_KEY, json!({"vlan": "30"})).await;
    assert_eq!(
        port["vlan"], 30,
        "a numeric string is taken and answered as a number"
    );
    let (status, _) = put(
        &fake,
        &format!("/api/v1/devices/{SWITCH_SERIAL}/switch/ports/99"),
        ADMIN_KEY,
        json!({"vlan": 5}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = put(
        &fake,
        &format!("/api/v1/devices/{APPLIANCE_SERIAL}/switch/ports/1"),
        ADMIN_KEY,
        json!({"vlan": 5}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "an MX has no switch ports");
}

#[tokio::test]
async fn a_cycle_names_existing_ports_and_is_kept() {
    let fake = FakeMeraki::start().await;
    let path = format!("/api/v1/devices/{SWITCH_SERIAL}/switch/ports/cycle");
    let cycle = |body: Value| {
        send(
            reqwest::Client::new()
                .post(fake.url_of(&path))
                .bearer_auth(ADMIN_KEY)
                .json(&body),
        )
    };
    let (status, _, body) = cycle(json!({"ports": ["1", "3-4"]})).await;
    assert_eq!((status, body), (StatusCode::OK, json!({"ports": ["1", "3-4"]})));
    for bad in [
        json!({"ports": []}),
        json!({"ports": ["53"]}),
        json!({"ports": ["4-2"]}),
        json!({"ports": [1]}),
        json!({}),
    ] {
        let (status, _, _) = cycle(bad.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    }
    assert_eq!(
        fake.cycled(),
        [(SWITCH_SERIAL.to_owned(), vec!["1".to_owned(), "3-4".to_owned()])]
    );
}

#[tokio::test]
async fn reads_answer_only_for_the_right_product() {
    let fake = FakeMeraki::start().await;
    let (_, _, perf) = get(
        &fake,
        &format!("/api/v1/devices/{APPLIANCE_SERIAL}/appliance/performance"),
        ADMIN_KEY,
    )
    .await;
    assert_eq!(perf, json!({"perfScore": PERF_SCORE}));
    let (status, _, _) = get(
        &fake,
        &format!("/api/v1/devices/{CAMERA_SERIAL}/appliance/performance"),
        ADMIN_KEY,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _, _) = get(
        &fake,
        &format!("/api/v1/devices/{CAMERA_SERIAL}/camera/analytics/recent?objectType=cat"),
        ADMIN_KEY,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (_, _, ssids) = get(
        &fake,
        &format!("/api/v1/networks/{WIRELESS_NETWORK_ID}/wireless/ssids"),
        ADMIN_KEY,
    )
    .await;
    assert_eq!(
        ssids
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["enabled"] == true)
            .count(),
        3
    );
    let (status, _, _) = get(
        &fake,
        "/api/v1/networks/L_647392446434512028/wireless/ssids",
        ADMIN_KEY,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a switch network has no SSIDs");
    let (status, _, _) = get(
        &fake,
        &format!("/api/v1/devices/{SWITCH_SERIAL}/clients?timespan=soon"),
        ADMIN_KEY,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (_, _, clients) = get(
        &fake,
        &format!("/api/v1/devices/{CAMERA_SERIAL}/clients"),
        ADMIN_KEY,
    )
    .await;
    assert_eq!(clients, json!([]));
}

#[tokio::test]
async fn the_knobs_rate_limit_hold_back_and_garble_until_mended() {
    let fake = FakeMeraki::start().await;
    fake.rate_limit(2);
    let (status, _, _) = get(&fake, "/api/v1/organizations", "wrong").await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a bad key is refused before the rate limit counts"
    );
    for _ in 0..2 {
        let (status, headers, body) = get(&fake, "/api/v1/organizations", ADMIN_KEY).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(headers["retry-after"], "1");
        assert!(body["errors"][0].as_str().unwrap().contains("rate limit"));
    }
    let (status, _, _) = get(&fake, "/api/v1/organizations", ADMIN_KEY).await;
    assert_eq!(status, StatusCode::OK);
    let statuses: Vec<u16> = fake.arrivals().iter().map(|a| a.status).collect();
    assert_eq!(statuses, [401, 429, 429, 200]);

    let hold = Duration::from_millis(300);
    fake.slow_down("/api/v1/organizations", hold);
    let started = Instant::now();
    get(&fake, "/api/v1/organizations", ADMIN_KEY).await;
    assert!(started.elapsed() >= hold, "held back: {:?}", started.elapsed());
    fake.garble("/api/v1/devices", Garbage::TruncatedJson);
    let cut = reqwest::Client::new()
        .get(fake.url_of(&format!("/api/v1/devices/{SWITCH_SERIAL}/switch/ports")))
        .bearer_auth(ADMIN_KEY)
        .send()
        .await
        .unwrap();
    assert!(serde_json::from_slice::<Value>(&cut.bytes().await.unwrap()).is_err());
    fake.rate_limit(5);
    fake.mend();
    let started = Instant::now();
    let (status, _, ports) = get(
        &fake,
        &format!("/api/v1/devices/{SWITCH_SERIAL}/switch/ports"),
        ADMIN_KEY,
    )
    .await;
    assert_eq!((status, ports.as_array().unwrap().len()), (StatusCode::OK, 52));
    get(&fake, "/api/v1/organizations", ADMIN_KEY).await;
    assert!(started.elapsed() < hold, "no longer held back");
}

#[tokio::test]
async fn the_device_list_filters_by_network_serial_name_and_model_and_one_port_reads_alone() {
    let fake = FakeMeraki::start().await;
    let devices = |query: &str| {
        let path = format!("/api/v1/organizations/{ORG_ID}/devices?{query}");
        let fake = fake.clone();
        async move { names(&get(&fake, &path, ADMIN_KEY).await.2, "name") }
    };
    assert_eq!(
        devices("networkIds%5B%5D=L_647392446434512037").await,
        ["ams-cam-entrance", "ams-cam-dock"]
    );
    assert_eq!(
        devices("serial=q2pn").await,
        ["ams-fw-01"],
        "part of a serial, in any case"
    );
    assert_eq!(devices("name=ap-").await, ["ams-ap-lobby", "ams-ap-floor2"]);
    assert_eq!(devices("models%5B%5D=MR36").await, ["ams-ap-floor2"]);
    assert_eq!(devices("model=MS").await, ["ams-sw-01", "ams-sw-02"]);
    assert!(
        devices("serials%5B%5D=Q2HP-6TTR-9MLA").await.is_empty(),
        "the lab switch is in the other organization"
    );

    let (status, _, port) = get(
        &fake,
        &format!("/api/v1/devices/{SWITCH_SERIAL}/switch/ports/{DISABLED_PORT}"),
        ADMIN_KEY,
    )
    .await;
    assert_eq!((status, port["enabled"].as_bool()), (StatusCode::OK, Some(false)));
    let (status, _, _) = get(
        &fake,
        &format!("/api/v1/devices/{SWITCH_SERIAL}/switch/ports/53"),
        ADMIN_KEY,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
