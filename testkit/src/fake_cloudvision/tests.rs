//! The fake CloudVision's own logic: credentials, paging, filters, streams,
//! the writes and the knobs.

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::auth::decode_base64;
use super::clock::{parse_rfc3339, rfc3339};
use super::resources::partial_eq;
use super::*;

async fn send(request: reqwest::RequestBuilder) -> (StatusCode, reqwest::header::HeaderMap, String) {
    let response = request.send().await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    (status, headers, response.text().await.unwrap())
}

async fn get(fake: &FakeCloudVision, path: &str, token: &str) -> (StatusCode, Value) {
    let (status, _, body) = send(reqwest::Client::new().get(fake.url_of(path)).bearer_auth(token)).await;
    (status, serde_json::from_str(&body).unwrap_or(Value::Null))
}

async fn post(fake: &FakeCloudVision, path: &str, token: &str, body: Value) -> (StatusCode, String) {
    let (status, _, body) = send(
        reqwest::Client::new()
            .post(fake.url_of(path))
            .bearer_auth(token)
            .json(&body),
    )
    .await;
    (status, body)
}

/// The values of a resource API stream, one JSON object a line.
fn values(stream: &str) -> Vec<Value> {
    stream
        .lines()
        .map(|line| {
            let object: Value = serde_json::from_str(line).unwrap();
            assert_eq!(object["result"]["type"], "INITIAL", "{line}");
            object["result"]["value"].clone()
        })
        .collect()
}

fn texts(list: &[Value], pointer: &str) -> Vec<String> {
    list.iter()
        .map(|v| v.pointer(pointer).and_then(Value::as_str).unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn an_on_premises_login_gives_a_session_that_the_cookie_or_the_header_carries() {
    let fake = FakeCloudVision::start().await;
    let login = fake.url_of("/web/login/authenticate.do");
    let (status, _, body) = send(
        reqwest::Client::new()
            .post(&login)
            .json(&json!({"userId": ADMIN_USER, "password": "wrong"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["errorCode"],
        "112498"
    );

    let (status, headers, body) = send(
        reqwest::Client::new()
            .post(&login)
            .json(&json!({"userId": ADMIN_USER, "password": ADMIN_PASSWORD})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let session = serde_json::from_str::<Value>(&body).unwrap()["sessionId"]
        .as_str()
        .unwrap()
        .to_owned();
    let cookie = headers.get("set-cookie").unwrap().to_str().unwrap();
    assert!(cookie.starts_with(&format!("session_id={session};")), "{cookie}");

    let info = fake.url_of("/cvpservice/cvpInfo/getCvpInfo.do");
    let by_cookie = reqwest::Client::new()
        .get(&info)
        .header("cookie", format!("session_id={session}"));
    assert_eq!(send(by_cookie).await.0, StatusCode::OK);
    let by_header = reqwest::Client::new()
        .get(&info)
        .header("APP_SESSION_ID", &session);
    let (status, _, body) = send(by_header).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["version"],
        CVP_VERSION
    );

    // Basic credentials log in too (the original's gRPC token fetch), and a logout ends a session.
    let basic = reqwest::Client::new()
        .post(fake.url_of("/cvpservice/login/authenticate.do"))
        .basic_auth(READ_ONLY_USER, Some(READ_ONLY_PASSWORD));
    assert_eq!(send(basic).await.0, StatusCode::OK);
    let logout = reqwest::Client::new()
        .post(fake.url_of("/web/login/logout.do"))
        .header("APP_SESSION_ID", &session);
    assert_eq!(send(logout).await.2, r#"{"data":"success"}"#);
    let after = reqwest::Client::new()
        .get(&info)
        .header("APP_SESSION_ID", &session);
    assert_eq!(send(after).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn tokens_are_checked_and_an_expired_one_is_refused_in_the_api_s_own_words() {
    let fake = FakeCloudVision::start().await;
    assert_eq!(get(&fake, "/api/v1/rest/", TOKEN).await.0, StatusCode::OK);
    let (status, body) = get(&fake, "/api/resources/inventory/v1/Device/all", EXPIRED_TOKEN).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        (body["code"].clone(), body["message"].clone()),
        (json!(16), json!("token has expired"))
    );
    let (status, body) = get(&fake, "/cvpservice/inventory/devices", "made-up").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["errorMessage"], "Unauthorized User");
    let (status, _, _) = send(reqwest::Client::new().get(fake.url_of("/cvpservice/inventory/devices"))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        fake.calls("/inventory/devices").len(),
        2,
        "every request is recorded"
    );
}

#[tokio::test]
async fn a_read_only_caller_reads_but_may_not_run_a_task_and_an_admin_may_run_only_a_pending_one() {
    let fake = FakeCloudVision::start().await;
    let filter = json!({"partialEqFilter": [{"key": {"deviceId": LEAF1A_SERIAL}}]});
    let (status, _) = post(
        &fake,
        "/api/resources/bugexposure/v1/BugExposure/all",
        READ_ONLY_TOKEN,
        filter,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "a POST to all only reads");
    let execute = "/cvpservice/task/executeTask.do";
    let (status, body) = post(&fake, execute, READ_ONLY_TOKEN, json!({"data": ["1023"]})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(
        fake.task("1023").unwrap()["workOrderUserDefinedStatus"],
        "Pending"
    );

    let (status, body) = post(&fake, execute, TOKEN, json!({"data": ["1021"]})).await;
    assert_eq!(
        (status, body.contains("not pending")),
        (StatusCode::OK, true),
        "{body}"
    );
    let (_, body) = post(&fake, execute, TOKEN, json!({"data": ["1023"]})).await;
    assert_eq!(body, r#"{"data":"success"}"#);
    assert_eq!(fake.task("1023").unwrap()["workOrderState"], "COMPLETED");
    let (_, body) = post(
        &fake,
        "/cvpservice/task/cancelTask.do",
        TOKEN,
        json!({"data": ["1023"]}),
    )
    .await;
    assert!(body.contains("not pending"), "{body}");
}

#[tokio::test]
async fn lists_page_by_start_and_end_index_and_say_the_whole_count() {
    let fake = FakeCloudVision::start().await;
    let (_, all) = get(
        &fake,
        "/cvpservice/configlet/getConfiglets.do?startIndex=0&endIndex=0",
        TOKEN,
    )
    .await;
    let names = texts(all["data"].as_array().unwrap(), "/name");
    assert_eq!((names.len(), all["total"].clone()), (10, json!(10)));
    let (_, page) = get(
        &fake,
        "/cvpservice/configlet/getConfiglets.do?startIndex=3&endIndex=6",
        TOKEN,
    )
    .await;
    assert_eq!(texts(page["data"].as_array().unwrap(), "/name"), names[3..6]);
    assert_eq!(page["total"], 10);
    let (_, past) = get(
        &fake,
        "/cvpservice/configlet/getConfiglets.do?startIndex=8&endIndex=50",
        TOKEN,
    )
    .await;
    assert_eq!(past["data"].as_array().unwrap().len(), 2);
    for bad in ["startIndex=x", "startIndex=5&endIndex=2"] {
        let (status, body) = get(
            &fake,
            &format!("/cvpservice/configlet/getConfiglets.do?{bad}"),
            TOKEN,
        )
        .await;
        assert_eq!(
            (status, body["errorCode"].clone()),
            (StatusCode::OK, json!("121001")),
            "{bad}"
        );
    }
    let (_, tasks) = get(
        &fake,
        "/cvpservice/task/getTasks.do?queryparam=Pending&startIndex=0&endIndex=0",
        TOKEN,
    )
    .await;
    assert_eq!(texts(tasks["data"].as_array().unwrap(), "/workOrderId"), ["1023"]);
}

#[tokio::test]
async fn the_inventory_the_containers_and_the_topology_search() {
    let fake = FakeCloudVision::start().await;
    let (_, all) = get(&fake, "/cvpservice/inventory/devices", TOKEN).await;
    let (_, provisioned) = get(&fake, "/cvpservice/inventory/devices?provisioned=True", TOKEN).await;
    assert_eq!(all.as_array().unwrap().len(), 7);
    let hosts = texts(provisioned.as_array().unwrap(), "/hostname");
    assert!(
        !hosts.contains(&"campus-sw2".to_owned()) && hosts.len() == 6,
        "{hosts:?}"
    );
    let (_, dc1) = get(&fake, "/cvpservice/inventory/containers?name=dc1", TOKEN).await;
    assert_eq!(
        dc1,
        json!([{"Key": DC1_KEY, "Name": "dc1", "CreatedBy": "cvpadmin", "CreatedOn": dc1[0]["CreatedOn"], "Mode": "expand"}])
    );
    let (_, found) = get(
        &fake,
        "/cvpservice/provisioning/searchTopology.do?queryParam=LEAF1&startIndex=0&endIndex=0",
        TOKEN,
    )
    .await;
    assert_eq!(
        texts(found["netElementList"].as_array().unwrap(), "/hostname"),
        ["dc1-leaf1a", "dc1-leaf1b"]
    );
    assert_eq!(found["netElementList"][0]["parentContainerId"], DC1_LEAFS_KEY);
    let (_, info) = get(
        &fake,
        &format!("/cvpservice/provisioning/getContainerInfoById.do?containerId={DC1_LEAFS_KEY}"),
        TOKEN,
    )
    .await;
    assert_eq!(
        (info["parentName"].clone(), info["associatedSwitches"].clone()),
        (json!("dc1"), json!(3))
    );
    let (_, info) = get(
        &fake,
        &format!("/cvpservice/provisioning/getContainerInfoById.do?containerId={DC1_KEY}"),
        TOKEN,
    )
    .await;
    assert_eq!(info["associatedSwitches"], 5, "devices at any depth");
}

#[tokio::test]
async fn a_running_config_is_its_containers_configlets_then_its_own_and_a_drift_shows() {
    let fake = FakeCloudVision::start().await;
    let (_, config) = get(
        &fake,
        &format!("/web/inventory/device/config?netElementId={LEAF1A_MAC}"),
        TOKEN,
    )
    .await;
    let text = config["output"].as_str().unwrap();
    let at = |needle: &str| text.find(needle).unwrap_or_else(|| panic!("{needle} in {text}"));
    assert!(at("aaa authorization") < at("ntp server") && at("ntp server") < at("mlag configuration"));
    assert!(at("mlag configuration") < at("description srv-db-01") && at("router bgp 65101") < at("end"));
    let (_, drifted) = get(
        &fake,
        "/web/inventory/device/config?netElementId=74:83:ef:0c:42:01",
        TOKEN,
    )
    .await;
    assert!(
        drifted["output"]
            .as_str()
            .unwrap()
            .contains("interface Ethernet12\n   shutdown")
    );
    let (status, missing) = get(
        &fake,
        "/web/inventory/device/config?netElementId=00:00:00:00:00:00",
        TOKEN,
    )
    .await;
    assert_eq!(
        (status, missing["errorMessage"].clone()),
        (StatusCode::OK, json!("Device not found"))
    );
}

#[tokio::test]
async fn a_change_control_s_log_comes_newest_first_for_its_stage_and_at_most_data_size() {
    let fake = FakeCloudVision::start().await;
    let ask = |stage: &str, size: u64| json!({"category": "ChangeControl", "objectKey": "cc-7d8e9f0a-1b2c-4d3e", "dataSize": size, "tags": {"stageId": stage}});
    let (_, body) = post(
        &fake,
        "/cvpservice/audit/getLogs.do?",
        TOKEN,
        ask("stage-1-2", 75),
    )
    .await;
    let logs: Value = serde_json::from_str(&body).unwrap();
    let lines = texts(logs["data"].as_array().unwrap(), "/activity");
    assert_eq!(lines.first().unwrap(), "Task 1022 failed");
    assert!(lines[1].contains("unreachable") && lines.len() == 4, "{lines:?}");
    let (_, body) = post(&fake, "/cvpservice/audit/getLogs.do", TOKEN, ask("stage-9-9", 75)).await;
    assert_eq!(body, r#"{"data":[]}"#);
    let (_, body) = post(&fake, "/cvpservice/audit/getLogs.do", TOKEN, ask("stage-1-2", 2)).await;
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["data"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn resource_streams_filter_by_partial_eq_and_events_by_time() {
    let fake = FakeCloudVision::start().await;
    let (status, _, body) = send(
        reqwest::Client::new()
            .get(fake.url_of("/api/resources/inventory/v1/Device/all"))
            .bearer_auth(TOKEN),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let devices = values(&body);
    assert_eq!(devices.len(), 7);
    assert_eq!(devices[4]["streamingStatus"], "STREAMING_STATUS_INACTIVE");
    assert_eq!(body.lines().count(), 7, "one object a line");

    let events = "/api/resources/event/v1/Event/all";
    let severity = json!({"partialEqFilter": [{"severity": "EVENT_SEVERITY_WARNING"}, {"severity": "EVENT_SEVERITY_CRITICAL"}]});
    let (_, body) = post(&fake, events, TOKEN, severity).await;
    assert_eq!(
        texts(&values(&body), "/eventType"),
        [
            "DEVICE_INTF_ERR_DISABLED",
            "LOW_DEVICE_DISK_SPACE",
            "HIGH_INTF_OUT_DISCARDS"
        ]
    );
    let started = fake.with(|cv, _| cv.started);
    let window = json!({"time": {"start": rfc3339(started - 2 * 86_400), "end": rfc3339(started - 3_600)}});
    let (_, body) = post(&fake, events, TOKEN, window).await;
    assert_eq!(
        texts(&values(&body), "/title"),
        [
            "High input error rate",
            "Interface error-disabled",
            "Low disk space"
        ]
    );
    let device = json!({"partialEqFilter": [{"components": {"components": [{"type": "COMPONENT_TYPE_DEVICE", "components": {"deviceId": INACTIVE_SERIAL}}]}}]});
    let (_, body) = post(&fake, events, TOKEN, device).await;
    assert_eq!(texts(&values(&body), "/eventType"), ["DEVICE_NOT_STREAMING"]);

    let tags = json!({"partialEqFilter": [{"key": {"elementType": "ELEMENT_TYPE_INTERFACE", "deviceId": LEAF1A_SERIAL, "workspaceId": ""}}]});
    let (_, body) = post(&fake, "/api/resources/tag/v2/TagAssignment/all", TOKEN, tags).await;
    assert_eq!(
        texts(&values(&body), "/key/interfaceId"),
        ["Ethernet49/1", "Ethernet50/1", "Ethernet3"]
    );
    let streaming = json!({"partialEqFilter": [{"streamingStatus": 2, "softwareVersion": "4.30.5M"}]});
    let (_, body) = post(&fake, "/api/resources/inventory/v1/Device/all", TOKEN, streaming).await;
    assert_eq!(texts(&values(&body), "/hostname"), ["dc1-leaf1a", "dc1-leaf1b"]);
    let nothing = json!({"partialEqFilter": [{"key": {"deviceId": "NO-SUCH"}}]});
    let (status, body) = post(
        &fake,
        "/api/resources/bugexposure/v1/BugExposure/all",
        TOKEN,
        nothing,
    )
    .await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::OK, ""),
        "an empty stream is an empty body"
    );
}

#[tokio::test]
async fn a_bad_stream_request_and_a_missing_object_are_the_gateway_s_errors() {
    let fake = FakeCloudVision::start().await;
    let (status, body) = post(
        &fake,
        "/api/resources/event/v1/Event/all",
        TOKEN,
        json!({"partialEqFilter": [], "severity": 1}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("unknown field \\\"severity\\\""), "{body}");
    let (status, _) = post(
        &fake,
        "/api/resources/event/v1/Event/all",
        TOKEN,
        json!({"time": {"start": "yesterday"}}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, one) = get(
        &fake,
        &format!("/api/resources/bugexposure/v1/BugExposure?key.deviceId={LEAF1A_SERIAL}"),
        TOKEN,
    )
    .await;
    assert_eq!(
        (status, one["value"]["cveIds"].clone()),
        (StatusCode::OK, json!({"values": [1017]}))
    );
    let (status, body) = get(
        &fake,
        "/api/resources/inventory/v1/Device?key.deviceId=NO-SUCH",
        TOKEN,
    )
    .await;
    assert_eq!((status, body["code"].clone()), (StatusCode::NOT_FOUND, json!(5)));
    let (status, _) = get(&fake, "/api/resources/inventory/v1/Nope/all", TOKEN).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn garble_slow_down_and_mend() {
    let fake = FakeCloudVision::start().await;
    fake.garble("/api/resources/event", Garbage::Html);
    let (status, _, body) = send(
        reqwest::Client::new()
            .get(fake.url_of("/api/resources/event/v1/Event/all"))
            .bearer_auth(TOKEN),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("<html"), "{body}");
    assert_eq!(
        get(&fake, "/api/resources/event/v1/Event/all", EXPIRED_TOKEN)
            .await
            .0,
        StatusCode::UNAUTHORIZED,
        "credentials first"
    );
    fake.slow_down("/cvpservice/", Duration::from_millis(400));
    let began = Instant::now();
    assert_eq!(
        get(&fake, "/cvpservice/inventory/devices", TOKEN).await.0,
        StatusCode::OK
    );
    assert!(began.elapsed() >= Duration::from_millis(400));
    fake.mend();
    let began = Instant::now();
    let (_, _, body) = send(
        reqwest::Client::new()
            .get(fake.url_of("/api/resources/event/v1/Event/all"))
            .bearer_auth(TOKEN),
    )
    .await;
    assert_eq!(values(&body).len(), 6);
    assert!(began.elapsed() < Duration::from_millis(400));
}

#[test]
fn partial_eq_takes_unspecified_enums_and_missing_fields_as_any() {
    let item = json!({"key": {"workspaceId": "", "elementType": "ELEMENT_TYPE_DEVICE", "label": "role"}});
    assert!(partial_eq(
        &json!({"key": {"elementType": "ELEMENT_TYPE_UNSPECIFIED", "workspaceId": ""}}),
        &item
    ));
    assert!(partial_eq(&json!({"key": {"label": "role"}}), &item));
    assert!(!partial_eq(&json!({"key": {"label": "dc"}}), &item));
    assert!(
        !partial_eq(&json!({"key": {"deviceId": "X"}}), &item),
        "a field the item lacks"
    );
    assert!(partial_eq(&json!({}), &item));
    // An enum by its number, as Arista's examples filter (`{"streamingStatus": 2}`).
    assert!(partial_eq(&json!({"key": {"elementType": 1}}), &item));
    assert!(partial_eq(&json!({"key": {"elementType": 0}}), &item));
    assert!(!partial_eq(&json!({"key": {"elementType": 2}}), &item));
    assert!(
        !partial_eq(&json!({"key": {"label": 1}}), &item),
        "a number is not a name"
    );
}

#[test]
fn times_read_and_write_as_rfc3339() {
    assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
    assert_eq!(rfc3339(1_796_337_086), "2026-12-03T22:31:26Z");
    assert_eq!(
        parse_rfc3339("2026-12-03T22:31:26.123456789Z"),
        Some(1_796_337_086)
    );
    assert_eq!(parse_rfc3339("2026-12-04T00:31:26+02:00"), Some(1_796_337_086));
    assert_eq!(
        parse_rfc3339("2024-02-29T00:00:00Z").map(rfc3339).as_deref(),
        Some("2024-02-29T00:00:00Z")
    );
    for bad in [
        "2026-13-01T00:00:00Z",
        "yesterday",
        "2026-12-03",
        "2026-12-03T25:00:00Z",
    ] {
        assert_eq!(parse_rfc3339(bad), None, "{bad}");
    }
}

#[test]
fn basic_credentials_decode_and_the_lineage_runs_from_the_root() {
    assert_eq!(
        decode_base64("Y3ZwYWRtaW46czNjcjN0").as_deref(),
        Some("cvpadmin:s3cr3t")
    );
    assert_eq!(decode_base64("not base64!"), None);
    assert_eq!(data::lineage(DC1_LEAFS_KEY), [ROOT_KEY, DC1_KEY, DC1_LEAFS_KEY]);
}

#[tokio::test]
async fn over_tls_it_answers_as_over_http_with_a_certificate_that_is_not_trusted() {
    let fake = FakeCloudVision::serve_tls_on(CloudVision::default(), "127.0.0.1:0".parse().unwrap()).await;
    let url = format!("https://{}/cvpservice/cvpInfo/getCvpInfo.do", fake.addr);
    let trusting = reqwest::Client::new().get(&url).bearer_auth(TOKEN).send().await;
    assert!(trusting.is_err(), "a self-signed certificate is not trusted");
    let client = reqwest::Client::builder()
        .danger_accept_invalid_certs(true)
        .build()
        .unwrap();
    let (status, _, body) = send(client.get(&url).bearer_auth(TOKEN)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["version"],
        CVP_VERSION
    );
}

#[tokio::test]
async fn an_expired_session_answers_401_until_the_client_logs_in_again() {
    let fake = FakeCloudVision::start().await;
    let login = reqwest::Client::new()
        .post(fake.url_of("/web/login/authenticate.do"))
        .json(&json!({"userId": ADMIN_USER, "password": ADMIN_PASSWORD}));
    let session = serde_json::from_str::<Value>(&send(login).await.2).unwrap()["sessionId"]
        .as_str()
        .unwrap()
        .to_owned();
    let ask = || {
        reqwest::Client::new()
            .get(fake.url_of("/web/inventory/devices"))
            .header("APP_SESSION_ID", &session)
    };
    assert_eq!(send(ask()).await.0, StatusCode::OK);
    fake.expire_sessions();
    assert_eq!(send(ask()).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        get(&fake, "/web/inventory/devices", TOKEN).await.0,
        StatusCode::OK,
        "tokens do not expire with sessions"
    );
    let (_, _, body) = send(reqwest::Client::new().post(fake.url_of("/_fake/expire-sessions"))).await;
    assert_eq!(body, r#"{"expired":0}"#);
}

#[tokio::test]
async fn a_forbidden_path_answers_403_in_each_api_s_words_until_mended() {
    let fake = FakeCloudVision::start().await;
    fake.forbid("/api/resources/event");
    fake.forbid("/cvpservice/task/");
    let (status, body) = get(&fake, "/api/resources/event/v1/Event/all", TOKEN).await;
    assert_eq!((status, body["code"].clone()), (StatusCode::FORBIDDEN, json!(7)));
    let (status, body) = get(&fake, "/cvpservice/task/getTasks.do", TOKEN).await;
    assert_eq!(
        (status, body["errorCode"].clone()),
        (StatusCode::FORBIDDEN, json!("112499"))
    );
    assert_eq!(
        get(&fake, "/api/resources/inventory/v1/Device/all", TOKEN)
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        get(&fake, "/api/resources/event/v1/Event/all", "nobody").await.0,
        StatusCode::UNAUTHORIZED
    );
    fake.mend();
    assert_eq!(
        get(&fake, "/cvpservice/task/getTasks.do", TOKEN).await.0,
        StatusCode::OK
    );
}
