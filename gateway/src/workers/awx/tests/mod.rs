//! The awx worker behind the router, against the in-process fake AWX
//! (`chatops_testkit::fake_awx`): every sub-command, a menu step, the
//! confirmation, the survey form, who it acts as (a linked user's token, the
//! Integration's token or login), and what the person asking is told when AWX
//! refuses, is down or answers nonsense. Rendering is tested in
//! `commands/tests`.

mod client;
mod follow;
mod launch;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chatops_crds::IntegrationType;
use chatops_crds::config::{GatewaySecrets, IntegrationConfig, SecretKey};
use chatops_testkit::fake_awx::{self, FakeAwx};

use super::{Awx, Following};
use crate::commands::tests::fixtures::{
    ADMIN1, Fixture, TABLE_C, USER, assert_none_told, assert_private_error, choice_values, prompted, text,
};
use crate::commands::{Outcome, Routed};

/// What the Integration itself acts with, for chat users without a link.
#[derive(Clone, Copy)]
enum Service {
    /// No credential of its own.
    None,
    /// The admin's token.
    Token,
    /// The admin's username and password (HTTP Basic).
    Login,
}

/// The fixture's configuration with an `awx` command served by an [`Awx`]
/// at `endpoint`; alice (admin1) is linked with `alice_token`, and the
/// Integration acts with `service`.
fn fixture(endpoint: &str, alice_token: &str, service: Service) -> Fixture {
    following_as(endpoint, alice_token, service, Some(quickly()))
}

/// [`fixture`], with launched jobs followed as `following` says.
fn following_as(
    endpoint: &str,
    alice_token: &str,
    service: Service,
    following: Option<Following>,
) -> Fixture {
    let grants: Vec<&str> = TABLE_C
        .iter()
        .copied()
        .chain(["awx * channel any *", "awx * user any *"])
        .collect();
    let mut fixture = Fixture::with_grants(&grants);
    let key = |name: &str| SecretKey(format!("integration.default.awx.{name}"));
    let alice_key = SecretKey("accountlink.default.alice.awx".to_owned());
    let mut integration = IntegrationConfig {
        timeout_seconds: 2,
        ..IntegrationConfig::new("default/awx", IntegrationType::Awx, endpoint)
    };
    match service {
        Service::None => {}
        Service::Token => integration.token = Some(key("token")),
        Service::Login => {
            integration.username = Some(key("username"));
            integration.password = Some(key("password"));
        }
    }
    fixture.config.account_links[0]
        .tokens
        .insert("awx".to_owned(), alice_key.clone());
    let secrets = GatewaySecrets(BTreeMap::from([
        (key("token"), fake_awx::ADMIN_TOKEN.to_owned()),
        (key("username"), fake_awx::ADMIN_USER.to_owned()),
        (key("password"), fake_awx::ADMIN_PASSWORD.to_owned()),
        (alice_key, alice_token.to_owned()),
    ]));
    let worker = Awx::new("awx", &integration, &fixture.config.account_links, &secrets)
        .unwrap()
        .following(following);
    fixture.registry.register(Arc::new(worker)).unwrap();
    fixture.config.integrations.insert("awx".to_owned(), integration);
    fixture
}

/// Jobs followed as the Integration's defaults do, only faster: the fake's
/// jobs end on their third reading.
fn quickly() -> Following {
    Following {
        first_poll: Duration::from_millis(5),
        longest_poll: Duration::from_millis(20),
        for_at_most: Duration::from_secs(20),
    }
}

/// A fake AWX, alice linked as its limited user, the Integration with the admin's login.
async fn awx() -> (FakeAwx, Fixture) {
    let fake = FakeAwx::start().await;
    let fixture = fixture(&fake.url(), fake_awx::LIMITED_TOKEN, Service::Login);
    (fake, fixture)
}

/// No secret appears anywhere in what the chat is told.
#[track_caller]
fn assert_no_secret(routed: &Routed) {
    assert_none_told(
        routed,
        &[
            fake_awx::ADMIN_TOKEN,
            fake_awx::LIMITED_TOKEN,
            fake_awx::ADMIN_PASSWORD,
        ],
    );
}

/// The table rows of a reply, as `text` joins them (title first).
fn lines(routed: &Routed) -> Vec<String> {
    text(routed).lines().map(str::to_owned).collect()
}

#[tokio::test]
async fn the_dashboard_counts_what_the_linked_user_may_see() {
    let (fake, fixture) = awx().await;

    let routed = fixture.typed(ADMIN1, "awx get-dashboard").await;

    assert_eq!(routed.outcome, Outcome::Succeeded);
    let said = text(&routed);
    // The limited user does not see the Lab inventory nor its two hosts.
    let hosts = fake_awx::PRODUCTION_HOSTS + 2;
    assert!(said.contains(&format!("Hosts | {hosts} | 0")), "{said}");
    assert!(said.contains("Inventories | 2 | 0"), "{said}");
    assert!(
        said.contains(&format!("[Open AWX]({}/#/home)", fake.url())),
        "{said}"
    );
    let asked = fake.requests();
    assert_eq!(
        asked[0].header("authorization"),
        Some(format!("Bearer {}", fake_awx::LIMITED_TOKEN).as_str()),
        "alice acts with her own token"
    );
    assert_no_secret(&routed);
}

#[tokio::test]
async fn an_unlinked_user_acts_with_the_integration_login() {
    let (fake, fixture) = awx().await;

    let routed = fixture.typed(USER, "awx get-dashboard").await;

    assert_eq!(routed.outcome, Outcome::Succeeded);
    let hosts = fake_awx::PRODUCTION_HOSTS + 4;
    assert!(
        text(&routed).contains(&format!("Hosts | {hosts} | 0")),
        "the admin sees every host"
    );
    let authorization = fake.requests()[0]
        .header("authorization")
        .unwrap_or_default()
        .to_owned();
    assert!(authorization.starts_with("Basic "), "{authorization}");
    assert_no_secret(&routed);
}

#[tokio::test]
async fn the_integration_token_is_taken_before_its_login() {
    let fake = FakeAwx::start().await;
    let fixture = fixture(&fake.url(), fake_awx::LIMITED_TOKEN, Service::Token);

    let routed = fixture.typed(USER, "awx get-projects").await;

    assert_eq!(routed.outcome, Outcome::Succeeded);
    assert_eq!(
        fake.requests()[0].header("authorization"),
        Some(format!("Bearer {}", fake_awx::ADMIN_TOKEN).as_str())
    );
}

#[tokio::test]
async fn without_any_credential_the_user_is_told_how_to_get_one() {
    let fake = FakeAwx::start().await;
    let fixture = fixture(&fake.url(), fake_awx::LIMITED_TOKEN, Service::None);

    let routed = fixture.typed(USER, "awx get-projects").await;

    assert!(
        text(&routed).starts_with("There is no AWX token to act with"),
        "{}",
        text(&routed)
    );
    assert!(fake.requests().is_empty(), "AWX is not asked");
}

#[tokio::test]
async fn get_inventory_asks_for_the_inventory_then_the_group_by_name() {
    let (_fake, fixture) = awx().await;

    let inventories = fixture.typed(ADMIN1, "awx get-inventory").await;
    assert_eq!(
        choice_values(prompted(&inventories)),
        ["Production", "Staging"],
        "the Lab inventory is hidden from the limited user, and no IDs"
    );

    let groups = fixture.typed(ADMIN1, "awx get-inventory Production").await;
    let menu = prompted(&groups);
    assert_eq!(choice_values(menu), ["all", "db", "web"]);
    assert_eq!(menu.choices[0].label, "All hosts of Production");

    let web = fixture.typed(ADMIN1, "awx get-inventory Production web").await;
    assert_eq!(web.outcome, Outcome::Succeeded);
    let rows = lines(&web);
    assert_eq!(rows[0], "Hosts of group web in inventory Production");
    assert_eq!(rows.len(), 1 + 20);
    assert_eq!(rows[1], "web01.prod.example.com | yes | no | —");
}

#[tokio::test]
async fn get_inventory_all_lists_every_host_of_the_inventory() {
    let (_fake, fixture) = awx().await;

    let routed = fixture.typed(ADMIN1, "awx get-inventory Production all").await;

    let rows = lines(&routed);
    assert_eq!(rows[0], "Hosts of inventory Production");
    assert_eq!(rows.len(), 1 + fake_awx::PRODUCTION_HOSTS);
    assert!(rows[1].starts_with("db01.prod.example.com"), "by name: {rows:?}");
}

#[tokio::test]
async fn an_inventory_or_group_the_user_may_not_see_is_said_so() {
    let (_fake, fixture) = awx().await;

    let hidden = fixture
        .typed(
            ADMIN1,
            &format!("awx get-inventory {}", fake_awx::HIDDEN_INVENTORY),
        )
        .await;
    assert_private_error(
        &hidden,
        "There is no inventory named `Lab` that you may see in AWX.",
    );
    let group = fixture.typed(ADMIN1, "awx get-inventory Staging db").await;
    assert_private_error(
        &group,
        "The inventory **Staging** has no group named `db` that you may see in AWX.",
    );
}

#[tokio::test]
async fn get_jobs_lists_the_newest_first_as_many_as_asked() {
    let (_fake, fixture) = awx().await;

    let two = fixture.typed(ADMIN1, "awx get-jobs 2").await;
    let rows = lines(&two);
    assert_eq!(rows[0], "The last 2 jobs");
    assert!(
        rows[1].starts_with("4 | Restart Services | successful"),
        "{rows:?}"
    );
    assert!(rows[2].starts_with("3 | Patch Servers | failed"), "{rows:?}");

    let all = fixture.typed(ADMIN1, "awx get-jobs").await;
    assert_eq!(lines(&all)[0], "The last 4 jobs (all you may see)");

    let bad = fixture.typed(ADMIN1, "awx get-jobs many").await;
    assert_private_error(&bad, "`many` is not a number of jobs; give one from 1 to 100.");
}

#[tokio::test]
async fn get_job_templates_and_get_projects_list_what_the_user_may_see() {
    let (_fake, fixture) = awx().await;

    let templates = fixture.typed(ADMIN1, "awx get-job-templates").await;
    let rows = lines(&templates);
    assert_eq!(rows[0], "Job templates");
    assert_eq!(
        rows[1],
        "Deploy Web App | Production | Web Playbooks | deploy.yml | yes | —"
    );
    assert_eq!(rows.len(), 1 + 4);

    let projects = fixture.typed(ADMIN1, "awx get-projects").await;
    assert_eq!(
        lines(&projects)[1..],
        [
            "Network Playbooks | git | https://git.example.com/ops/network-playbooks.git | main | successful",
            "Web Playbooks | git | https://git.example.com/ops/web-playbooks.git | main | successful",
        ]
    );
}

#[tokio::test]
async fn a_token_awx_does_not_accept_is_said_with_its_user() {
    let fake = FakeAwx::start().await;
    let fixture = fixture(&fake.url(), "not-a-token-awx-knows", Service::Login);

    let routed = fixture.typed(ADMIN1, "awx get-job-templates").await;

    assert_private_error(&routed, "AWX did not accept the token of alice.");
    assert_no_secret(&routed);
}

#[tokio::test]
async fn awx_down_fails_the_command_and_says_where() {
    let endpoint = chatops_testkit::endpoints::unreachable();
    let fixture = fixture(&endpoint, fake_awx::LIMITED_TOKEN, Service::Login);

    let routed = fixture.typed(ADMIN1, "awx get-dashboard").await;

    assert_eq!(
        routed.outcome,
        Outcome::Errored(format!("AWX at {endpoint} cannot be reached"))
    );
    assert_no_secret(&routed);
}

#[tokio::test]
async fn a_slow_awx_is_said_within_the_timeout() {
    let endpoint = chatops_testkit::endpoints::silent().await;
    let fixture = fixture(&endpoint, fake_awx::LIMITED_TOKEN, Service::Login);

    let started = std::time::Instant::now();
    let routed = fixture.typed(ADMIN1, "awx get-jobs").await;

    assert_eq!(
        routed.outcome,
        Outcome::Errored("AWX did not answer within 2 s".to_owned())
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

#[tokio::test]
async fn an_answer_awx_never_gives_fails_the_command() {
    let (fake, fixture) = awx().await;
    fake.script(fake_awx::Scripted::new(
        axum::http::StatusCode::OK,
        "<html>a proxy's login page</html>",
    ));

    let routed = fixture.typed(ADMIN1, "awx get-projects").await;

    let Outcome::Errored(said) = &routed.outcome else {
        panic!("a failed command: {:?}", routed.outcome);
    };
    assert!(
        said.starts_with("AWX's answer could not be read: projects:"),
        "{said}"
    );
}

#[tokio::test]
async fn two_awx_integrations_answer_each_from_its_own_awx_with_its_own_tokens() {
    let (prod, lab) = (FakeAwx::start().await, FakeAwx::start().await);
    // alice's link has the limited token for `awx` and the admin's for `awx_lab`.
    let mut fixture = fixture(&prod.url(), fake_awx::LIMITED_TOKEN, Service::Token);
    let lab_key = SecretKey("accountlink.default.alice.awx_lab".to_owned());
    fixture.config.account_links[0]
        .tokens
        .insert("awx_lab".to_owned(), lab_key.clone());
    let lab_integration = IntegrationConfig {
        timeout_seconds: 2,
        ..IntegrationConfig::new("default/awx-lab", IntegrationType::Awx, lab.url())
    };
    let secrets = GatewaySecrets(BTreeMap::from([(lab_key, fake_awx::ADMIN_TOKEN.to_owned())]));
    let worker = Awx::new(
        "awx_lab",
        &lab_integration,
        &fixture.config.account_links,
        &secrets,
    )
    .unwrap();
    fixture.registry.register(Arc::new(worker)).unwrap();
    fixture
        .config
        .integrations
        .insert("awx_lab".to_owned(), lab_integration);
    let mut grants = fixture.config.grants.clone();
    for grant in grants.iter_mut().filter(|g| g.command == "awx") {
        grant.command = "awx_lab".to_owned();
    }
    fixture.config.grants.extend(grants);
    fixture.grants = crate::access::GrantIndex::new(&fixture.config.grants);

    let in_prod = fixture.typed(ADMIN1, "awx get-inventory").await;
    let in_lab = fixture.typed(ADMIN1, "awx_lab get-inventory").await;

    assert_eq!(
        choice_values(prompted(&in_prod)),
        ["Production", "Staging"],
        "alice's own limited token in the first"
    );
    assert_eq!(
        choice_values(prompted(&in_lab)),
        ["Lab", "Production", "Staging"],
        "the admin's token in the second"
    );
    assert!(
        lab.requests()
            .iter()
            .all(|r| r.header("authorization") == Some(format!("Bearer {}", fake_awx::ADMIN_TOKEN).as_str()))
    );
    assert!(
        prod.requests().iter().all(
            |r| r.header("authorization") == Some(format!("Bearer {}", fake_awx::LIMITED_TOKEN).as_str())
        )
    );
}
