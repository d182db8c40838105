//! The fake Panorama's own logic: its XML and XPath, keys, op commands,
//! configuration changes, policy match, jobs, packet capture and knobs.

use std::time::{Duration, Instant};

use axum::http::StatusCode;

use super::{
    capture::{Filter, pcap},
    xpath::Step,
    *,
};

/// Sends `params` as a POST form (as pan-python does) and parses the answer.
async fn api(fake: &FakePanorama, params: &[(&str, &str)]) -> (StatusCode, El) {
    let response = reqwest::Client::new()
        .post(fake.url_of("/api/"))
        .form(params)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    let root = xml::parse(&text).unwrap_or_else(|e| panic!("{text:?} is not XML: {e:?}"));
    (status, root)
}

fn admin() -> String {
    key_for(ADMIN_USER, ADMIN_PASSWORD)
}

fn reader() -> String {
    key_for(READER_USER, READER_PASSWORD)
}

async fn op(fake: &FakePanorama, key: &str, target: Option<&str>, cmd: &str) -> El {
    let mut params = vec![("type", "op"), ("key", key), ("cmd", cmd)];
    if let Some(target) = target {
        params.push(("target", target));
    }
    let (status, root) = api(fake, &params).await;
    assert_eq!(status, StatusCode::OK);
    root
}

fn outcome(root: &El) -> (&str, &str) {
    (
        root.get_attr("status").unwrap_or(""),
        root.get_attr("code").unwrap_or(""),
    )
}

fn message(root: &El) -> String {
    ["msg/line", "result/msg/line", "result/msg", "msg"]
        .iter()
        .find_map(|p| root.at(p).map(|e| e.text.clone()).filter(|t| !t.is_empty()))
        .unwrap_or_default()
}

#[test]
fn xml_reads_entities_cdata_and_attributes_and_writes_them_back() {
    let root = xml::parse(
        "<?xml version=\"1.0\"?>\n<!-- c --><a x='1 &amp; 2'><b>&lt;tag&gt; &#65;&#x42;</b><c><![CDATA[<raw>]]></c><d/></a>",
    )
    .unwrap();
    assert_eq!(root.get_attr("x"), Some("1 & 2"));
    assert_eq!(root.text_at("b"), "<tag> AB");
    assert_eq!(root.text_at("c"), "<raw>");
    assert_eq!(
        root.to_xml(),
        "<a x=\"1 &amp; 2\"><b>&lt;tag&gt; AB</b><c>&lt;raw&gt;</c><d/></a>"
    );
    assert_eq!(xml::parse(&root.to_xml()).unwrap(), root);
    for bad in [
        "<a><b></a>",
        "<a>",
        "<a x=1/>",
        "<a>&nope;</a>",
        "<a/><b/>",
        "text",
    ] {
        assert!(xml::parse(bad).is_err(), "{bad} parsed");
    }
}

#[test]
fn xpath_parses_steps_predicates_unions_and_a_last_attribute() {
    let paths = xpath::parse(
        "/config/devices/entry[@name='localhost.localdomain']/device-group/entry[@name=\"a|b\"]/@name | /config/shared",
    )
    .unwrap();
    assert_eq!(paths.len(), 2);
    assert_eq!(
        paths[0][2],
        Step::Element {
            name: "entry".into(),
            predicates: vec![("name".into(), "localhost.localdomain".into())]
        }
    );
    assert_eq!(paths[0].last(), Some(&Step::Attribute("name".into())));
    for bad in [
        "config/shared",
        "/config/@name/shared",
        "/config/entry[name='x']",
        "/config/entry[@name=x]",
        "/config/entry[@name='x'",
        "/con fig",
    ] {
        assert!(xpath::parse(bad).is_err(), "{bad} parsed");
    }
}

#[test]
fn xpath_selects_makes_and_removes_nodes() {
    let mut config = data::panorama_config();
    let groups = "/config/devices/entry[@name='localhost.localdomain']/device-group";
    let names = xpath::select(&config, &xpath::parse(&format!("{groups}/entry/@name")).unwrap());
    let names: Vec<&str> = names.iter().filter_map(|e| e.key()).collect();
    assert_eq!(names, ["branches", "branch-ams", "branch-lon", "dc"]);
    let both = xpath::parse(&format!(
        "{groups}/entry[@name='dc']/address|{groups}/entry[@name='dc']/service"
    ))
    .unwrap();
    let found = xpath::select(&config, &both);
    assert_eq!(
        found.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(),
        ["address", "service"]
    );
    assert!(xpath::select(&config, &xpath::parse("/other").unwrap()).is_empty());

    let new = xpath::parse(&format!("{groups}/entry[@name='new']/address/entry[@name='x']")).unwrap();
    let made = xpath::locate_or_make(&mut config, &new[0]).unwrap();
    assert_eq!(made.key(), Some("x"));
    assert_eq!(xpath::select(&config, &new).len(), 1);
    assert_eq!(
        xpath::remove(
            &mut config,
            &xpath::parse(&format!("{groups}/entry[@name='new']")).unwrap()[0]
        ),
        1
    );
    assert!(xpath::select(&config, &new).is_empty());
    assert!(xpath::locate_or_make(&mut config, &xpath::parse(&format!("{groups}/*")).unwrap()[0]).is_none());
}

#[tokio::test]
async fn keygen_gives_a_stable_key_and_every_other_request_needs_one() {
    let fake = FakePanorama::start().await;
    let (status, root) = api(
        &fake,
        &[
            ("type", "keygen"),
            ("user", ADMIN_USER),
            ("password", ADMIN_PASSWORD),
        ],
    )
    .await;
    assert_eq!(
        (status, root.text_at("result/key")),
        (StatusCode::OK, admin().as_str())
    );
    let (status, root) = api(
        &fake,
        &[("type", "keygen"), ("user", ADMIN_USER), ("password", "nope")],
    )
    .await;
    assert_eq!(
        (status, outcome(&root), message(&root)),
        (StatusCode::FORBIDDEN, ("error", "403"), INVALID_CREDENTIAL.into())
    );

    let cmd = "<show><system><info/></system></show>";
    let (status, _) = api(&fake, &[("type", "op"), ("cmd", cmd)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = api(&fake, &[("type", "op"), ("cmd", cmd), ("key", "LUFRPT1nope=")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let by_header = reqwest::Client::new()
        .get(fake.url_of("/api/"))
        .query(&[("type", "op"), ("cmd", cmd)])
        .header("X-PAN-KEY", reader())
        .send()
        .await
        .unwrap();
    assert_eq!(by_header.status(), StatusCode::OK);
    let root = xml::parse(&by_header.text().await.unwrap()).unwrap();
    assert_eq!(root.text_at("result/system/hostname"), PANORAMA_HOSTNAME);

    let (status, root) = api(&fake, &[("type", "version"), ("key", &admin())]).await;
    assert_eq!(
        (status, message(&root)),
        (
            StatusCode::OK,
            "Illegal value for parameter \"type\" [version].".into()
        )
    );
    let (_, root) = api(&fake, &[("key", &admin())]).await;
    assert_eq!(outcome(&root), ("error", "400"));
}

#[tokio::test]
async fn a_target_is_a_managed_connected_firewall() {
    let fake = FakePanorama::start().await;
    let info = "<show><system><info/></system></show>";
    let root = op(&fake, &admin(), Some(AMS_SERIAL), info).await;
    assert_eq!(root.text_at("result/system/hostname"), "fw-ams-01");
    assert_eq!(root.text_at("result/system/sw-version"), "11.1.4-h7");
    let root = op(&fake, &admin(), Some(LON_SERIAL), info).await;
    assert_eq!(
        (outcome(&root).0, message(&root)),
        ("error", format!("Device {LON_SERIAL} is not connected"))
    );
    fake.set_connected(LON_SERIAL, true);
    let root = op(&fake, &admin(), Some(LON_SERIAL), info).await;
    assert_eq!(root.text_at("result/system/hostname"), "fw-lon-01");
    let root = op(&fake, &admin(), Some("999"), info).await;
    assert_eq!(outcome(&root).0, "error");
    assert_eq!(fake.ops().len(), 4, "every op is recorded");
}

#[tokio::test]
async fn panorama_tells_its_devices_groups_and_hierarchy() {
    let fake = FakePanorama::start().await;
    let root = op(
        &fake,
        &admin(),
        None,
        "<show><devices><connected/></devices></show>",
    )
    .await;
    let serials: Vec<&str> = root
        .at("result/devices")
        .unwrap()
        .children
        .iter()
        .filter_map(|e| e.key())
        .collect();
    assert_eq!(serials, [AMS_SERIAL, DC_A_SERIAL, DC_B_SERIAL]);
    let dc_b = root
        .at("result/devices")
        .unwrap()
        .entry_named(DC_B_SERIAL)
        .unwrap();
    assert_eq!(
        (dc_b.text_at("ha/state"), dc_b.text_at("ha/peer/serial")),
        ("passive", DC_A_SERIAL)
    );

    let root = op(&fake, &admin(), None, "<show><devicegroups/></show>").await;
    let groups = root.at("result/devicegroups").unwrap();
    let dc = groups.entry_named("dc").unwrap().find("devices").unwrap();
    assert_eq!(dc.children.len(), 2);
    assert_eq!(
        groups
            .entry_named("branches")
            .unwrap()
            .find("devices")
            .unwrap()
            .children
            .len(),
        0
    );

    let root = op(&fake, &admin(), None, "<show><dg-hierarchy/></show>").await;
    let tree = root.at("result/dg-hierarchy").unwrap();
    let top: Vec<&str> = tree.children.iter().filter_map(|d| d.get_attr("name")).collect();
    assert_eq!(top, ["branches", "dc"]);
    let under: Vec<&str> = tree.children[0]
        .children
        .iter()
        .filter_map(|d| d.get_attr("name"))
        .collect();
    assert_eq!(under, ["branch-ams", "branch-lon"]);

    // A firewall's command asked of Panorama, and nonsense, are PAN-OS's code 17.
    let root = op(
        &fake,
        &admin(),
        None,
        "<test><security-policy-match><source>10.0.0.1</source></security-policy-match></test>",
    )
    .await;
    assert_eq!(
        (outcome(&root), message(&root).as_str()),
        (("error", "17"), " test -> security-policy-match  is unexpected")
    );
    let root = op(&fake, &admin(), None, "<show><nonsense/></show>").await;
    assert_eq!(message(&root), " show -> nonsense  is unexpected");
    let root = op(&fake, &admin(), None, "<show><unclosed></show>").await;
    assert_eq!(outcome(&root), ("error", "17"));
}

async fn policy(fake: &FakePanorama, serial: &str, fields: &str) -> Vec<(String, String)> {
    let cmd = format!("<test><security-policy-match>{fields}</security-policy-match></test>");
    let root = op(fake, &admin(), Some(serial), &cmd).await;
    assert_eq!(outcome(&root).0, "success", "{}", message(&root));
    root.at("result/rules")
        .unwrap()
        .children
        .iter()
        .map(|e| (e.key().unwrap().to_owned(), e.text_at("action").to_owned()))
        .collect()
}

fn flow(source: &str, destination: &str, protocol: &str, port: &str) -> String {
    format!(
        "<source>{source}</source><destination>{destination}</destination><protocol>{protocol}</protocol><destination-port>{port}</destination-port>"
    )
}

#[tokio::test]
async fn policy_match_follows_the_hierarchy_objects_and_services() {
    let fake = FakePanorama::start().await;
    let pair = |name: &str, action: &str| vec![(name.to_owned(), action.to_owned())];
    // The group's pre-rule, through an address group and service-http.
    assert_eq!(
        policy(&fake, AMS_SERIAL, &flow("10.20.10.9", "10.20.50.11", "6", "8080")).await,
        pair("ams-users-to-web", "allow")
    );
    // Shared pre-rules come first: the blocklist range wins.
    assert_eq!(
        policy(
            &fake,
            AMS_SERIAL,
            &flow("203.0.113.50", "10.20.50.11", "6", "443")
        )
        .await,
        pair("block-blocklist", "deny")
    );
    // The parent group's pre-rule, through application-default (dns: udp/53).
    assert_eq!(
        policy(&fake, AMS_SERIAL, &flow("10.20.10.9", "1.1.1.1", "17", "53")).await,
        pair("branches-dns-out", "allow")
    );
    assert_eq!(
        policy(&fake, AMS_SERIAL, &flow("10.20.10.9", "1.1.1.1", "17", "54")).await,
        vec![]
    );
    // Zones and applications narrow the match.
    let zoned = format!(
        "{}<from>untrust</from>",
        flow("10.20.10.9", "10.20.50.10", "6", "443")
    );
    assert_eq!(policy(&fake, AMS_SERIAL, &zoned).await, vec![]);
    let app = format!(
        "{}<application>ssh</application>",
        flow("10.20.10.9", "10.20.50.10", "6", "443")
    );
    assert_eq!(policy(&fake, AMS_SERIAL, &app).await, vec![]);
    // The firewall's local rule sits between pre- and post-rules; ping is icmp, no port.
    let ntp = "<source>10.40.0.9</source><destination>129.6.15.28</destination><protocol>17</protocol><destination-port>123</destination-port>";
    assert_eq!(
        policy(&fake, DC_A_SERIAL, ntp).await,
        pair("local-mgmt-ntp", "allow")
    );
    let ping = "<source>10.1.1.1</source><destination>10.40.0.9</destination><protocol>1</protocol>";
    assert_eq!(
        policy(&fake, DC_A_SERIAL, ping).await,
        pair("dc-allow-ping", "allow")
    );
    // show-all lists the matches up to the first allow; without it, the first only.
    let to_db = "<source>10.20.10.9</source><destination>10.40.20.7</destination><protocol>1</protocol>";
    let deny = pair("dc-deny-branches-to-db", "deny");
    assert_eq!(policy(&fake, DC_A_SERIAL, to_db).await, deny);
    let all = format!("{to_db}<show-all>yes</show-all>");
    assert_eq!(
        policy(&fake, DC_A_SERIAL, &all).await,
        [deny, pair("dc-allow-ping", "allow")].concat()
    );
    // A bad address is refused.
    let root = op(&fake, &admin(), Some(AMS_SERIAL), "<test><security-policy-match><source>10.0.0/8</source><destination>10.0.0.1</destination><protocol>6</protocol></security-policy-match></test>").await;
    assert_eq!(outcome(&root), ("error", "17"));
    assert!(
        message(&root).contains("is not a valid IP address"),
        "{}",
        message(&root)
    );
}

#[tokio::test]
async fn software_jobs_run_then_finish_and_an_image_must_be_downloaded_first() {
    let fake = FakePanorama::start().await;
    let install = "<request><system><software><install><version>11.2.4</version></install></software></system></request>";
    let root = op(&fake, &admin(), Some(AMS_SERIAL), install).await;
    assert_eq!(message(&root), "Image PanOS_400-11.2.4 is not downloaded.");
    let root = op(&fake, &admin(), Some(AMS_SERIAL), "<request><system><software><download><sync-to-peer>yes</sync-to-peer><version>11.2.4</version></download></software></system></request>").await;
    let job = root.text_at("result/job").to_owned();
    assert_eq!(message(&root), format!("Download job enqueued with jobid {job}"));
    let look = format!("<show><jobs><id>{job}</id></jobs></show>");
    let first = op(&fake, &admin(), Some(AMS_SERIAL), &look).await;
    assert_eq!(
        (
            first.text_at("result/job/status"),
            first.text_at("result/job/type")
        ),
        ("ACT", "Downld")
    );
    assert!(
        !fake
            .firewall(AMS_SERIAL)
            .unwrap()
            .software
            .downloaded
            .contains(&"11.2.4".to_owned())
    );
    let then = op(&fake, &admin(), Some(AMS_SERIAL), &look).await;
    assert_eq!(
        (
            then.text_at("result/job/status"),
            then.text_at("result/job/result")
        ),
        ("FIN", "OK")
    );
    assert!(
        fake.firewall(AMS_SERIAL)
            .unwrap()
            .software
            .downloaded
            .contains(&"11.2.4".to_owned())
    );
    let root = op(&fake, &admin(), Some(AMS_SERIAL), install).await;
    assert_eq!(outcome(&root).0, "success");
    // Jobs are each device's own: Panorama knows no such job.
    let root = op(&fake, &admin(), None, &look).await;
    assert_eq!(outcome(&root).0, "error");
    let unknown = "<request><system><software><download><version>9.9.9</version></download></software></system></request>";
    assert_eq!(
        outcome(&op(&fake, &admin(), Some(AMS_SERIAL), unknown).await).0,
        "error"
    );
    let check = op(
        &fake,
        &admin(),
        Some(AMS_SERIAL),
        "<request><system><software><check/></software></system></request>",
    )
    .await;
    let versions = check.at("result/sw-updates/versions").unwrap();
    let current: Vec<&str> = versions
        .children
        .iter()
        .filter(|e| e.text_at("current") == "yes")
        .map(|e| e.text_at("version"))
        .collect();
    assert_eq!(
        current,
        ["11.1.4-h7"],
        "an install changes the version only after a reboot"
    );
}

#[tokio::test]
async fn config_writes_need_the_admin_and_make_a_commit_due() {
    let fake = FakePanorama::start().await;
    let xpath = "/config/shared/address/entry[@name='n1']";
    let write = [
        ("type", "config"),
        ("action", "set"),
        ("xpath", xpath),
        ("element", "<ip-netmask>192.0.2.1/32</ip-netmask>"),
    ];
    let (_, root) = api(&fake, &[&write[..], &[("key", reader().as_str())]].concat()).await;
    assert_eq!(outcome(&root), ("error", "403"));
    assert!(message(&root).starts_with(NOT_AUTHORIZED));
    let (_, root) = api(
        &fake,
        &[("type", "commit"), ("key", &admin()), ("cmd", "<commit/>")],
    )
    .await;
    assert_eq!(message(&root), "There are no changes to commit.");
    let (_, root) = api(&fake, &[&write[..], &[("key", admin().as_str())]].concat()).await;
    assert_eq!(
        (outcome(&root), message(&root).as_str()),
        (("success", "20"), "command succeeded")
    );
    let get = [
        ("type", "config"),
        ("action", "get"),
        ("xpath", xpath),
        ("key", &admin()),
    ];
    let (_, root) = api(&fake, &get).await;
    assert_eq!(root.text_at("result/entry/ip-netmask"), "192.0.2.1/32");
    assert_eq!(root.at("result").unwrap().get_attr("count"), Some("1"));
    let edit = [
        ("type", "config"),
        ("action", "edit"),
        ("xpath", xpath),
        ("key", &admin()),
        ("element", "<entry name='n1'><fqdn>example.net</fqdn></entry>"),
    ];
    api(&fake, &edit).await;
    let (_, root) = api(&fake, &get).await;
    assert_eq!(
        (
            root.text_at("result/entry/fqdn"),
            root.at("result/entry/ip-netmask")
        ),
        ("example.net", None)
    );
    let (_, root) = api(
        &fake,
        &[("type", "commit"), ("key", &reader()), ("cmd", "<commit/>")],
    )
    .await;
    assert_eq!(outcome(&root), ("error", "403"));
    let (_, root) = api(
        &fake,
        &[("type", "commit"), ("key", &admin()), ("cmd", "<commit/>")],
    )
    .await;
    assert!(message(&root).starts_with("Commit job enqueued with jobid"));
    api(
        &fake,
        &[
            ("type", "config"),
            ("action", "delete"),
            ("xpath", xpath),
            ("key", &admin()),
        ],
    )
    .await;
    let (_, root) = api(&fake, &get).await;
    assert_eq!(outcome(&root), ("success", "7"));
    let show = [
        ("type", "config"),
        ("action", "show"),
        ("xpath", xpath),
        ("key", &admin()),
    ];
    let (_, root) = api(&fake, &show).await;
    assert_eq!(
        (outcome(&root), message(&root).as_str()),
        (("error", "7"), "No such node")
    );
    let (_, root) = api(
        &fake,
        &[
            ("type", "config"),
            ("action", "get"),
            ("xpath", "config"),
            ("key", &admin()),
        ],
    )
    .await;
    assert_eq!(outcome(&root), ("error", "6"));
}

#[tokio::test]
async fn a_firewall_keeps_its_own_config_and_a_bad_write_is_refused() {
    let fake = FakePanorama::start().await;
    let rules = "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']/rulebase/security/rules";
    let key = admin();
    let on_fw = |action: &'static str, xpath: String, element: &'static str| {
        let key = key.clone();
        let fake = fake.clone();
        async move {
            let params = [
                ("type", "config"),
                ("action", action),
                ("xpath", xpath.as_str()),
                ("element", element),
                ("key", key.as_str()),
                ("target", AMS_SERIAL),
            ];
            api(&fake, &params).await.1
        }
    };
    let rule = "<entry name='local-allow'><action>allow</action></entry>";
    let root = on_fw("set", rules.to_owned(), rule).await;
    assert_eq!(outcome(&root), ("success", "20"));
    let root = on_fw("get", format!("{rules}/entry/@name"), "").await;
    assert_eq!(root.at("result/entry").and_then(El::key), Some("local-allow"));
    let (_, root) = api(&fake, &[("type", "commit"), ("key", &key), ("cmd", "<commit/>")]).await;
    assert_eq!(
        message(&root),
        "There are no changes to commit.",
        "Panorama's own config is unchanged"
    );
    // An edit names the element its xpath ends in; a fragment is not XML.
    let root = on_fw("edit", format!("{rules}/entry[@name='local-allow']"), "<rules/>").await;
    assert_eq!(outcome(&root), ("error", "12"));
    let root = on_fw("set", rules.to_owned(), "<entry name='x'>").await;
    assert_eq!(outcome(&root), ("error", "12"));
    let root = on_fw("set", format!("{rules}|/config/shared"), rule).await;
    assert_eq!(outcome(&root), ("error", "6"));
}

#[tokio::test]
async fn a_packet_capture_writes_a_pcap_the_export_hands_out() {
    let fake = FakePanorama::start().await;
    let diag =
        |inner: &str| format!("<debug><dataplane><packet-diag>{inner}</packet-diag></dataplane></debug>");
    let steps = [
        "<set><filter><match><source>10.20.10.77</source><destination>10.20.50.10</destination><protocol>17</protocol><destination-port>53</destination-port></match></filter></set>",
        "<set><filter><on/></filter></set>",
        "<set><capture><stage><entry name='firewall'><file>fw.pcap</file></entry></stage></capture></set>",
        "<set><capture><on/></capture></set>",
        "<set><capture><off/></capture></set>",
    ];
    let refused = op(&fake, &reader(), Some(AMS_SERIAL), &diag(steps[0])).await;
    assert_eq!(outcome(&refused), ("error", "403"));
    for step in steps {
        let root = op(&fake, &admin(), Some(AMS_SERIAL), &diag(step)).await;
        assert_eq!(outcome(&root).0, "success", "{step}: {}", message(&root));
    }
    let bad = op(
        &fake,
        &admin(),
        Some(AMS_SERIAL),
        &diag("<set><capture><stage><entry name='nowhere'><file>x</file></entry></stage></capture></set>"),
    )
    .await;
    assert_eq!(outcome(&bad), ("error", "17"));
    let response = reqwest::Client::new()
        .get(fake.url_of("/api/"))
        .query(&[
            ("type", "export"),
            ("category", "filters-pcap"),
            ("from", "fw.pcap"),
            ("target", AMS_SERIAL),
        ])
        .header("X-PAN-KEY", reader())
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-type"], "application/octet-stream");
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=fw.pcap"
    );
    let bytes = response.bytes().await.unwrap();
    assert_eq!(&bytes[..4], &[0xd4, 0xc3, 0xb2, 0xa1]);
    assert_eq!(u32::from_le_bytes(bytes[16..20].try_into().unwrap()), 65535);
    // The first frame: UDP from the filter's source to its destination port.
    let frame = &bytes[40..];
    assert_eq!(
        (
            frame[23],
            &frame[26..30],
            u16::from_be_bytes([frame[36], frame[37]])
        ),
        (17, &[10u8, 20, 10, 77][..], 53)
    );
    let deleted = op(
        &fake,
        &admin(),
        Some(AMS_SERIAL),
        "<delete><debug-filter><file>fw.pcap</file></debug-filter></delete>",
    )
    .await;
    assert_eq!(outcome(&deleted).0, "success");
    assert!(
        fake.firewall(AMS_SERIAL)
            .unwrap()
            .capture
            .file("fw.pcap")
            .is_none()
    );
}

#[tokio::test]
async fn a_firewall_lists_its_interfaces_and_a_filter_names_one_of_them() {
    let fake = FakePanorama::start().await;
    let root = op(
        &fake,
        &admin(),
        Some(DC_A_SERIAL),
        "<show><interface>all</interface></show>",
    )
    .await;
    let names: Vec<(&str, &str)> = root
        .at("result/ifnet")
        .unwrap()
        .children
        .iter()
        .map(|e| (e.text_at("name"), e.text_at("zone")))
        .collect();
    assert_eq!(
        names,
        [
            ("ethernet1/1", "untrust"),
            ("ethernet1/2", "app"),
            ("ethernet1/3", "db"),
            ("ethernet1/4", "mgmt"),
            ("ethernet1/8", "")
        ]
    );
    assert_eq!(root.at("result/hw").unwrap().children.len(), 5);
    let one = op(
        &fake,
        &admin(),
        Some(DC_A_SERIAL),
        "<show><interface>ethernet1/3</interface></show>",
    )
    .await;
    assert_eq!(one.text_at("result/ifnet/entry/ip"), "10.40.20.1/24");
    let none = op(
        &fake,
        &admin(),
        Some(DC_A_SERIAL),
        "<show><interface>ethernet1/9</interface></show>",
    )
    .await;
    assert_eq!(outcome(&none), ("error", "17"));
    let filter = "<debug><dataplane><packet-diag><set><filter><match><ingress-interface>ethernet1/9</ingress-interface></match></filter></set></packet-diag></dataplane></debug>";
    let refused = op(&fake, &admin(), Some(DC_A_SERIAL), filter).await;
    assert_eq!(
        message(&refused),
        " match -> ingress-interface 'ethernet1/9' is not a valid interface"
    );
    let accepted = op(&fake, &admin(), Some(DC_A_SERIAL), &filter.replace("1/9", "1/2")).await;
    assert_eq!(outcome(&accepted).0, "success");
    let filters = fake.firewall(DC_A_SERIAL).unwrap().capture.filters;
    assert_eq!(filters[0].field("ingress-interface"), Some("ethernet1/2"));
}

#[test]
fn the_pcap_has_a_libpcap_header_and_frames_with_valid_ip_checksums() {
    let filter = Filter {
        index: 1,
        fields: vec![("destination-port".into(), "8443".into())],
    };
    let file = pcap(&filter, 64);
    assert_eq!(u32::from_le_bytes(file[..4].try_into().unwrap()), 0xa1b2_c3d4);
    assert_eq!(
        u32::from_le_bytes(file[20..24].try_into().unwrap()),
        1,
        "Ethernet"
    );
    let (mut at, mut frames) = (24, 0);
    while at < file.len() {
        let kept = u32::from_le_bytes(file[at + 8..at + 12].try_into().unwrap()) as usize;
        let length = u32::from_le_bytes(file[at + 12..at + 16].try_into().unwrap()) as usize;
        assert!(kept <= 64 && kept <= length);
        let ip = &file[at + 16 + 14..at + 16 + 34];
        let sum: u32 = ip
            .chunks(2)
            .map(|p| u32::from(u16::from_be_bytes([p[0], p[1]])))
            .sum();
        assert_eq!(
            (sum & 0xffff) + (sum >> 16),
            0xffff,
            "the IPv4 header checksum holds"
        );
        at += 16 + kept;
        frames += 1;
    }
    assert_eq!((at, frames), (file.len(), 3));
}

#[tokio::test]
async fn knobs_garble_or_slow_down_one_route_until_mended() {
    let fake = FakePanorama::start().await;
    fake.garble("/api/op/show/devices", Garbage::TruncatedJson);
    fake.slow_down("/api/op/show/system", Duration::from_millis(300));
    let devices = reqwest::Client::new()
        .post(fake.url_of("/api/"))
        .form(&[
            ("type", "op"),
            ("key", &admin()),
            ("cmd", "<show><devices><all/></devices></show>"),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(xml::parse(&devices).is_err(), "{devices}");
    let started = Instant::now();
    let root = op(&fake, &admin(), None, "<show><system><info/></system></show>").await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(outcome(&root).0, "success");
    let root = op(&fake, &admin(), None, "<show><devicegroups/></show>").await;
    assert_eq!(outcome(&root).0, "success", "other routes are untouched");
    fake.mend();
    let root = op(&fake, &admin(), None, "<show><devices><all/></devices></show>").await;
    assert_eq!(outcome(&root).0, "success");
}
