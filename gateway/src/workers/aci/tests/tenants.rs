//! `get-tenants`, `get-aps`, `get-epgs`, `get-epg-details`, `get-vrfs` and
//! `get-bds` against the fake APIC, with their menus.

use chatops_testkit::fake_apic::{COOKIE, DEV_TENANT, PROD_TENANT};

use super::{apic, assert_no_secret, column, count, said, tables};
use crate::commands::Outcome;
use crate::commands::tests::fixtures::{
    USER, assert_private_error, choice_values, menu, message, prompted, text,
};
use crate::model::{Block, Level};

#[tokio::test]
async fn get_tenants_lists_every_tenant_logging_in_once() {
    let (fake, fixture) = apic().await;

    let routed = fixture.typed(USER, "aci get-tenants").await;

    assert_eq!(routed.outcome, Outcome::Succeeded);
    assert_eq!(
        column(&routed, 0),
        [DEV_TENANT, PROD_TENANT, "common", "infra", "mgmt"]
    );
    assert_eq!(tables(&routed)[0].rows[1][1], "Production e-commerce");
    let asked = fake.requests();
    assert_eq!(asked[0].path, "/api/aaaLogin.json");
    assert_eq!(asked[0].json()["aaaUser"]["attributes"]["name"], "admin");
    assert_eq!(asked[1].path, "/api/node/class/fvTenant.json");
    let cookie = asked[1].headers.get("cookie").unwrap().to_str().unwrap();
    assert!(cookie.starts_with(&format!("{COOKIE}=")), "{cookie}");
    assert_no_secret(&routed);

    fixture.typed(USER, "aci get-vrfs all").await;
    assert_eq!(count(&fake, "/api/aaaLogin.json"), 1, "the session is kept");
}

#[tokio::test]
async fn get_aps_asks_for_a_tenant_by_name_or_all() {
    let (_fake, fixture) = apic().await;

    let asked = fixture.typed(USER, "aci get-aps").await;
    let tenants = prompted(&asked);
    assert_eq!(
        choice_values(tenants),
        ["all", DEV_TENANT, PROD_TENANT, "common", "infra", "mgmt"]
    );
    assert_eq!(tenants.choices[0].label, "All tenants");
    let routed = fixture
        .answer(USER, &menu(&asked).continuation, &[PROD_TENANT])
        .await;
    assert_eq!(
        message(&routed).title.as_deref(),
        Some("Application profiles of acme-prod")
    );
    assert_eq!(column(&routed, 1), ["ecommerce", "monitoring"]);
    assert_eq!(tables(&routed)[0].rows[0][2], "Online shop");

    let every = fixture.typed(USER, "aci get-aps all").await;
    assert_eq!(column(&every, 1).len(), 4);
    assert!(text(&every).contains("infra | access"), "{}", text(&every));
    assert!(text(&every).contains("acme-dev | sandbox"));

    let none = fixture.typed(USER, "aci get-aps mgmt").await;
    assert_eq!(
        said(&none),
        (
            Level::Info,
            "APIC has no application profiles in tenant **mgmt**.".to_owned()
        )
    );
}

#[tokio::test]
async fn get_epgs_asks_for_the_tenant_then_the_application_profile() {
    let (_fake, fixture) = apic().await;

    let tenants = fixture.typed(USER, "aci get-epgs").await;
    let aps = fixture
        .answer(USER, &menu(&tenants).continuation, &[PROD_TENANT])
        .await;
    let aps_menu = prompted(&aps);
    assert_eq!(choice_values(aps_menu), ["all", "ecommerce", "monitoring"]);
    assert_eq!(aps_menu.choices[0].label, "All application profiles");
    let routed = fixture.answer(USER, &aps_menu.continuation, &["ecommerce"]).await;
    assert_eq!(column(&routed, 2), ["app", "db", "web"]);
    assert_eq!(column(&routed, 1), ["ecommerce"; 3]);

    let tenant_wide = fixture.typed(USER, "aci get-epgs acme-prod all").await;
    assert_eq!(column(&tenant_wide, 2), ["app", "db", "web", "collectors"]);

    let every = fixture.typed(USER, "aci get-epgs all").await;
    assert_eq!(
        every.outcome,
        Outcome::Succeeded,
        "all tenants means all profiles: no menu"
    );
    let said = text(&every);
    for row in [
        "acme-dev | sandbox | test",
        "infra | access | default",
        "acme-prod | monitoring | collectors",
    ] {
        assert!(said.contains(row), "{row} in {said}");
    }
}

#[tokio::test]
async fn a_typed_name_apic_would_not_allow_is_refused_before_asking() {
    let (fake, fixture) = apic().await;

    let routed = fixture.typed(USER, r#"aci get-aps "a/../b""#).await;

    assert_private_error(
        &routed,
        "`a/../b` is no tenant name APIC allows (letters, digits, `_`, `.`, `:` and `-`); \
         leave it out to pick one from a menu.",
    );
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn get_epg_details_asks_tenant_ap_and_epg_then_shows_everything_it_points_at() {
    let (_fake, fixture) = apic().await;

    let tenants = fixture.typed(USER, "aci get-epg-details").await;
    assert!(
        !choice_values(prompted(&tenants)).contains(&"all"),
        "one EPG: no `all`"
    );
    let aps = fixture
        .answer(USER, &menu(&tenants).continuation, &[PROD_TENANT])
        .await;
    assert_eq!(choice_values(prompted(&aps)), ["ecommerce", "monitoring"]);
    let epgs = fixture
        .answer(USER, &menu(&aps).continuation, &["ecommerce"])
        .await;
    assert_eq!(choice_values(prompted(&epgs)), ["app", "db", "web"]);
    let routed = fixture.answer(USER, &menu(&epgs).continuation, &["web"]).await;

    assert_eq!(routed.outcome, Outcome::Succeeded);
    assert_eq!(
        message(&routed).title.as_deref(),
        Some("EPG web of acme-prod/ecommerce")
    );
    let tables = tables(&routed);
    assert_eq!(tables[0].rows, [["web", "web-bd", "10.10.10.1/24", "acme-phys"]]);
    assert_eq!(tables[1].title, "Provided contract web");
    assert_eq!(tables[1].rows, [["https", "ip", "tcp", "https", "permit"]]);
    assert_eq!(tables[2].title, "Consumed contract web-to-app");
    assert_eq!(
        tables[2].rows,
        [
            ["tcp-8080", "ip", "tcp", "8080", "permit"],
            ["icmp", "ip", "icmp", "unspecified", "permit"]
        ]
    );
    assert_eq!(tables[3].title, "Static paths");
    assert_eq!(
        tables[3].rows,
        [["101", "N/A", "eth1/10", "N/A", "vlan-110", "port"]]
    );
}

#[tokio::test]
async fn a_vpc_path_shows_both_nodes_ports_and_no_contracts_is_said() {
    let (_fake, fixture) = apic().await;

    let db = fixture
        .typed(USER, "aci get-epg-details acme-prod ecommerce db")
        .await;
    let paths = tables(&db)
        .into_iter()
        .find(|t| t.title == "Static paths")
        .unwrap();
    assert_eq!(paths.rows, [["101", "102", "1/20", "1/20", "vlan-130", "vPC"]]);
    assert!(text(&db).contains("Consumed contracts: none."), "{}", text(&db));

    let test = fixture
        .typed(USER, "aci get-epg-details acme-dev sandbox test")
        .await;
    let said = text(&test);
    for line in [
        "Provided contracts: none.",
        "Consumed contracts: none.",
        "Static paths: none.",
    ] {
        assert!(said.contains(line), "{said}");
    }
    assert_eq!(
        tables(&test)[0].rows,
        [["test", "dev-bd", "192.168.50.1/24", "—"]]
    );

    let missing = fixture
        .typed(USER, "aci get-epg-details acme-prod ecommerce cache")
        .await;
    assert_private_error(
        &missing,
        "APIC has no EPG **cache** in **acme-prod/ecommerce** that you may see; leave the name out to pick one.",
    );
}

#[tokio::test]
async fn get_vrfs_and_get_bds_of_a_tenant_or_all() {
    let (_fake, fixture) = apic().await;

    let asked = fixture.typed(USER, "aci get-vrfs").await;
    assert_eq!(choice_values(prompted(&asked))[0], "all");
    let vrfs = fixture.answer(USER, &menu(&asked).continuation, &["mgmt"]).await;
    assert_eq!(column(&vrfs, 1), ["inb", "oob"]);
    assert_eq!(column(&vrfs, 2), ["enforced", "enforced"]);
    let every = fixture.typed(USER, "aci get-vrfs all").await;
    assert_eq!(column(&every, 1).len(), 6);

    let bds = fixture.typed(USER, "aci get-bds acme-prod").await;
    let message = message(&bds);
    assert_eq!(message.title.as_deref(), Some("Bridge domains of acme-prod"));
    let Block::Table(table) = &message.blocks[0] else {
        panic!("a table");
    };
    assert_eq!(
        table.columns,
        [
            "Tenant",
            "Bridge domain",
            "Description",
            "VRF",
            "Subnet",
            "Unicast routing",
            "Scope",
            "Unknown unicast"
        ]
    );
    assert_eq!(
        table.rows[0],
        [
            "acme-prod",
            "app-bd",
            "Application tier",
            "prod-vrf",
            "10.10.20.1/24",
            "yes",
            "private",
            "proxy"
        ]
    );
    let db_rows: Vec<&Vec<String>> = table.rows.iter().filter(|r| r[1] == "db-bd").collect();
    assert_eq!(db_rows.len(), 2, "one row per subnet");
    let common = fixture.typed(USER, "aci get-bds common").await;
    assert_eq!(
        tables(&common)[0].rows,
        [["common", "default", "—", "default", "—", "no", "—", "proxy"]]
    );
}
