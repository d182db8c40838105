//! The client against the fake AWX: AWX's pages followed to the end, and
//! only on AWX's own origin.

use std::time::Duration;

use chatops_testkit::fake_awx::{self, FakeAwx, Scripted};
use serde_json::{Value, json};

use crate::workers::awx::{AwxClient, AwxError, ClientSettings};
use crate::workers::toolkit::credentials::{Credential, Secret};
use crate::workers::toolkit::paging::MAX_ROWS;

fn client(fake: &FakeAwx) -> AwxClient {
    AwxClient::new(&ClientSettings {
        endpoint: fake.url(),
        timeout: Duration::from_secs(2),
        ca_bundle_pem: None,
        insecure_skip_verify: false,
    })
    .unwrap()
}

fn admin() -> Credential {
    Credential {
        user: fake_awx::ADMIN_USER.to_owned(),
        linked: false,
        secret: Secret::Login {
            username: fake_awx::ADMIN_USER.to_owned(),
            password: fake_awx::ADMIN_PASSWORD.to_owned(),
        },
    }
}

#[tokio::test]
async fn pages_are_followed_to_the_end() {
    let fake = FakeAwx::start().await;

    let (hosts, count): (Vec<Value>, usize) = client(&fake)
        .list(&admin(), "hosts/", &[("page_size", "10")], MAX_ROWS)
        .await
        .unwrap();

    assert_eq!(
        (hosts.len(), count),
        (fake_awx::PRODUCTION_HOSTS + 4, fake_awx::PRODUCTION_HOSTS + 4)
    );
    let pages = fake
        .requests()
        .iter()
        .filter(|r| r.path == "/api/v2/hosts/")
        .count();
    assert_eq!(pages, 4, "{:?}", fake.method_paths());
}

#[tokio::test]
async fn a_next_page_elsewhere_is_not_followed() {
    let fake = FakeAwx::start().await;
    let page = json!({"count": 2, "next": "https://elsewhere.example/api/v2/hosts/?page=2", "previous": null,
                      "results": [{"id": 1, "name": "web01"}]});
    fake.script(Scripted::new(axum::http::StatusCode::OK, page.to_string()));

    let result: Result<(Vec<Value>, usize), AwxError> =
        client(&fake).list(&admin(), "hosts/", &[], MAX_ROWS).await;

    let Err(AwxError::Malformed(said)) = result else {
        panic!("refused: {result:?}");
    };
    assert!(
        said.contains("another origin (https://elsewhere.example)"),
        "{said}"
    );
    assert_eq!(fake.requests().len(), 1, "the credential went nowhere else");
}
