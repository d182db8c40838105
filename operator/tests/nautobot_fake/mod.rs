//! A fake of the Nautobot ChatOps app's REST API (nautobot-chatops 4.1.0 on
//! Nautobot 3.x): the three lists the import reads, two rows per page, in
//! the JSON shapes the real serializers return; a wrong token gets 401.

use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The token the fake accepts.
pub const TOKEN: &str = "0123456789abcdef0123456789abcdef01234567";
/// The Mattermost command tokens the fake holds (secrets).
pub const SLASH_TOKENS: [&str; 2] = ["mmslashtokenaaaaaaaaaaaaaa", "mmslashtokenbbbbbbbbbbbbbb"];

fn common(base: &str, kind: &str, id: &str) -> Value {
    json!({
        "id": id,
        "object_type": format!("nautobot_chatops.{kind}"),
        "display": id,
        "url": format!("{base}/api/plugins/chatops/{kind}/{id}/"),
        "natural_slug": id,
        "created": "2025-01-10T09:00:00.000000Z",
        "last_updated": "2025-01-10T09:00:00.000000Z",
        "notes_url": format!("{base}/api/plugins/chatops/{kind}/{id}/notes/"),
        "custom_fields": {},
        "tags": []
    })
}

fn with(mut row: Value, fields: Value) -> Value {
    if let (Some(row), Some(fields)) = (row.as_object_mut(), fields.as_object()) {
        row.extend(fields.clone());
    }
    row
}

fn grants(base: &str) -> Vec<Value> {
    let grant = |id: &str, command: &str, sub: &str, kind: &str, name: &str, value: &str| {
        with(
            common(base, "accessgrant", id),
            json!({"command": command, "subcommand": sub, "grant_type": kind, "name": name, "value": value}),
        )
    };
    vec![
        grant(
            "a0000000-0000-0000-0000-000000000001",
            "*",
            "*",
            "organization",
            "ntc",
            "*",
        ),
        grant(
            "a0000000-0000-0000-0000-000000000002",
            "*",
            "*",
            "channel",
            "any channel",
            "*",
        ),
        grant(
            "a0000000-0000-0000-0000-000000000003",
            "nautobot",
            "*",
            "user",
            "admin1",
            "U2049K991",
        ),
        grant(
            "a0000000-0000-0000-0000-000000000004",
            "nso",
            "get-devices",
            "user",
            "admin1",
            "mmuser000000000000000001",
        ),
        // Not valid here: a command name with capitals.
        grant(
            "a0000000-0000-0000-0000-000000000005",
            "Bad Command",
            "*",
            "user",
            "x",
            "U1",
        ),
    ]
}

fn tokens(base: &str) -> Vec<Value> {
    vec![
        with(
            common(base, "commandtoken", "c0000000-0000-0000-0000-000000000001"),
            json!({"comment": "/nautobot", "platform": "mattermost", "token": SLASH_TOKENS[0]}),
        ),
        with(
            common(base, "commandtoken", "c0000000-0000-0000-0000-000000000002"),
            json!({"comment": "/nso", "platform": "mattermost", "token": SLASH_TOKENS[1]}),
        ),
    ]
}

fn user(base: &str, id: &str, username: &str) -> Value {
    json!({
        "id": id,
        "object_type": "users.user",
        "display": username,
        "url": format!("{base}/api/users/users/{id}/"),
        "natural_slug": username,
        "username": username,
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": true,
        "is_staff": false,
        "date_joined": "2025-01-01T00:00:00Z",
        "config_data": {}
    })
}

fn links(base: &str) -> Vec<Value> {
    let link = |id: &str, user: Value, platform: &str, user_id: &str, email: &str| {
        with(
            common(base, "accountlink", id),
            json!({"nautobot_user": user, "platform": platform, "user_id": user_id, "email": email}),
        )
    };
    let brief = json!({
        "id": "u0000000-0000-0000-0000-000000000002",
        "object_type": "users.user",
        "url": format!("{base}/api/users/users/u0000000-0000-0000-0000-000000000002/")
    });
    vec![
        link(
            "l0000000-0000-0000-0000-000000000001",
            user(base, "u0000000-0000-0000-0000-000000000001", "alice"),
            "slack",
            "U2049K991",
            "alice@example.com",
        ),
        // A brief nested user: its username is looked up.
        link(
            "l0000000-0000-0000-0000-000000000002",
            brief,
            "mattermost",
            "mmuser000000000000000001",
            "",
        ),
        // Its user is gone: the look-up answers 404.
        link(
            "l0000000-0000-0000-0000-000000000003",
            json!(format!("{base}/api/users/users/deleted/")),
            "mattermost",
            "mmuser000000000000000002",
            "",
        ),
        // A Webex link, for which no ChatPlatform is imported.
        link(
            "l0000000-0000-0000-0000-000000000004",
            user(base, "u0000000-0000-0000-0000-000000000001", "alice"),
            "webex",
            "Y2lzY29zcGFyazovL3Vz",
            "",
        ),
        // Malformed: no user_id.
        with(
            common(base, "accountlink", "l0000000-0000-0000-0000-000000000005"),
            json!({"nautobot_user": user(base, "u1", "carol"), "platform": "slack"}),
        ),
    ]
}

async fn paged(server: &MockServer, kind: &str, rows: Vec<Value>) {
    let base = server.uri();
    let mut pages: Vec<&[Value]> = rows.chunks(2).collect();
    if pages.is_empty() {
        pages.push(&[]);
    }
    for (n, page) in pages.iter().enumerate() {
        let offset = n * 2;
        let next = (n + 1 < pages.len())
            .then(|| format!("{base}/api/plugins/chatops/{kind}/?limit=2&offset={}", offset + 2));
        let previous =
            (n > 0).then(|| format!("{base}/api/plugins/chatops/{kind}/?limit=2&offset={}", offset - 2));
        let body = json!({"count": rows.len(), "next": next, "previous": previous, "results": page});
        let mock = Mock::given(method("GET"))
            .and(path(format!("/api/plugins/chatops/{kind}/")))
            .and(header("Authorization", format!("Token {TOKEN}").as_str()))
            .and(header("Accept", "application/json"));
        let mock = if n == 0 {
            mock.and(query_param_is_missing("offset"))
        } else {
            mock.and(query_param("offset", offset.to_string()))
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(server)
            .await;
    }
}

/// The change log of account links, newest first as Nautobot orders it:
/// it names one link of another user (shown only by id), one deleted
/// and one gone without a record.
fn link_changes(base: &str) -> Vec<Value> {
    let change = |link: &str, action: &str| {
        json!({
            "id": format!("c-{link}-{action}"),
            "url": format!("{base}/api/extras/object-changes/c-{link}-{action}/"),
            "action": {"value": action, "label": action},
            "changed_object_type": "nautobot_chatops.chatopsaccountlink",
            "changed_object_id": link,
            "object_repr": link,
        })
    };
    vec![
        change("l0000000-0000-0000-0000-000000000001", "update"),
        change("l0000000-0000-0000-0000-000000000006", "create"),
        change("l0000000-0000-0000-0000-000000000007", "delete"),
        change("l0000000-0000-0000-0000-000000000007", "create"),
        change("l0000000-0000-0000-0000-000000000008", "create"),
        change("l0000000-0000-0000-0000-000000000001", "create"),
    ]
}

async fn change_log(server: &MockServer, changes: Vec<Value>) {
    let body = json!({"count": changes.len(), "next": null, "previous": null, "results": changes});
    Mock::given(method("GET"))
        .and(path("/api/extras/object-changes/"))
        .and(query_param(
            "changed_object_type",
            "nautobot_chatops.chatopsaccountlink",
        ))
        .and(header("Authorization", format!("Token {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(server)
        .await;
}

/// Starts the fake.
pub async fn start() -> MockServer {
    let server = MockServer::start().await;
    let base = server.uri();
    paged(&server, "accessgrant", grants(&base)).await;
    paged(&server, "commandtoken", tokens(&base)).await;
    paged(&server, "accountlink", links(&base)).await;
    change_log(&server, link_changes(&base)).await;
    // Carol's link: not in the list (the app lists the caller's own), shown by id.
    let carol = with(
        common(&base, "accountlink", "l0000000-0000-0000-0000-000000000006"),
        json!({
            "nautobot_user": user(&base, "u0000000-0000-0000-0000-000000000003", "carol"),
            "platform": "slack",
            "user_id": "U7924K784",
            "email": "carol@example.com"
        }),
    );
    Mock::given(method("GET"))
        .and(path(
            "/api/plugins/chatops/accountlink/l0000000-0000-0000-0000-000000000006/",
        ))
        .and(header("Authorization", format!("Token {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(carol))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(
            "/api/plugins/chatops/accountlink/l0000000-0000-0000-0000-000000000008/",
        ))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"detail": "Not found."})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/users/users/u0000000-0000-0000-0000-000000000002/"))
        .and(header("Authorization", format!("Token {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(user(
            &base,
            "u0000000-0000-0000-0000-000000000002",
            "bob",
        )))
        .mount(&server)
        .await;
    // Anything else: Nautobot's answer to a wrong token (or an unknown path).
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"detail": "Invalid token."})))
        .with_priority(10)
        .mount(&server)
        .await;
    server
}

/// A fake whose lists are all empty.
pub async fn start_empty() -> MockServer {
    let server = MockServer::start().await;
    for kind in ["accessgrant", "commandtoken", "accountlink"] {
        paged(&server, kind, Vec::new()).await;
    }
    change_log(&server, Vec::new()).await;
    server
}
