//! `get-tenants`, `get-aps`, `get-epgs`, `get-vrfs` and `get-bds`: what the
//! tenants hold, of one tenant or of all.

use super::{ask_tenant, name_arg, name_choices, scope, table_or, tenant_of, where_in};
use crate::model::Reply;
use crate::workers::aci::mo::{Mo, dn_part};
use crate::workers::aci::{AciError, Session};
use crate::workers::toolkit::render::{error, or_none};

/// `get-tenants`.
pub async fn get_tenants(session: &Session<'_>) -> Result<Reply, AciError> {
    Ok(render_tenants(&session.tenants().await?))
}

/// The tenants: name and description.
pub fn render_tenants(tenants: &[Mo]) -> Reply {
    let rows = tenants
        .iter()
        .map(|t| vec![t.attr("name").to_owned(), or_none(Some(t.attr("descr")))])
        .collect();
    table_or(
        "Tenants".to_owned(),
        &["Tenant", "Description"],
        rows,
        "APIC has no tenants that you may see.".to_owned(),
        None,
    )
}

/// The tenant argument (index 0), or the menu asking for it (with `all`).
async fn tenant_or_menu<'a>(
    session: &Session<'a>,
    with_all: bool,
) -> Result<Result<&'a str, Reply>, AciError> {
    match name_arg(session, 0, "tenant") {
        Err(said) => Ok(Err(said)),
        Ok(Some(tenant)) => Ok(Ok(tenant)),
        Ok(None) => Ok(Err(ask_tenant(session, with_all).await?)),
    }
}

/// `get-aps [tenant]`.
pub async fn get_aps(session: &Session<'_>) -> Result<Reply, AciError> {
    let tenant = match tenant_or_menu(session, true).await? {
        Ok(tenant) => scope(tenant),
        Err(reply) => return Ok(reply),
    };
    let aps = session.in_tenant(tenant, "fvAp").await?;
    Ok(render_aps(tenant, &aps))
}

/// The application profiles: tenant, name, description.
pub fn render_aps(tenant: Option<&str>, aps: &[Mo]) -> Reply {
    let rows = aps
        .iter()
        .map(|ap| {
            vec![
                tenant_of(ap.dn()),
                ap.attr("name").to_owned(),
                or_none(Some(ap.attr("descr"))),
            ]
        })
        .collect();
    table_or(
        title("Application profiles", tenant),
        &["Tenant", "Application profile", "Description"],
        rows,
        format!("APIC has no application profiles {}.", where_in(tenant)),
        None,
    )
}

/// `get-epgs [tenant ap]`: a tenant of `all` means every EPG.
pub async fn get_epgs(session: &Session<'_>) -> Result<Reply, AciError> {
    let tenant = match tenant_or_menu(session, true).await? {
        Ok(tenant) => scope(tenant),
        Err(reply) => return Ok(reply),
    };
    let ap = match (tenant, name_arg(session, 1, "application profile")) {
        (_, Err(said)) => return Ok(said),
        (None, _) => None,
        (Some(_), Ok(Some(ap))) => scope(ap),
        (Some(tenant), Ok(None)) => {
            let aps = session.in_tenant(Some(tenant), "fvAp").await?;
            if aps.is_empty() {
                return Ok(error(format!(
                    "APIC has no application profiles in tenant **{tenant}** that you may see."
                )));
            }
            let choices = name_choices(&aps, Some("All application profiles"));
            return Ok(session.menu("Which application profile?", choices));
        }
    };
    let dn = match (tenant, ap) {
        (Some(tenant), Some(ap)) => Some(format!("uni/tn-{tenant}/ap-{ap}")),
        (Some(tenant), None) => Some(format!("uni/tn-{tenant}")),
        (None, _) => None,
    };
    let epgs = session.under(dn.as_deref(), "fvAEPg", &[]).await?;
    Ok(render_epgs(tenant, ap, &epgs))
}

/// The EPGs: tenant, application profile, name.
pub fn render_epgs(tenant: Option<&str>, ap: Option<&str>, epgs: &[Mo]) -> Reply {
    let rows = epgs
        .iter()
        .map(|epg| {
            vec![
                tenant_of(epg.dn()),
                dn_part(epg.dn(), "ap").unwrap_or("—").to_owned(),
                epg.attr("name").to_owned(),
            ]
        })
        .collect();
    let within = match (tenant, ap) {
        (Some(t), Some(a)) => format!("in application profile **{a}** of tenant **{t}**"),
        _ => where_in(tenant),
    };
    let title = match (tenant, ap) {
        (Some(t), Some(a)) => format!("EPGs of {t}/{a}"),
        _ => title("EPGs", tenant),
    };
    table_or(
        title,
        &["Tenant", "Application profile", "EPG"],
        rows,
        format!("APIC has no EPGs {within}."),
        None,
    )
}

/// `get-vrfs [tenant]`.
pub async fn get_vrfs(session: &Session<'_>) -> Result<Reply, AciError> {
    let tenant = match tenant_or_menu(session, true).await? {
        Ok(tenant) => scope(tenant),
        Err(reply) => return Ok(reply),
    };
    let vrfs = session.in_tenant(tenant, "fvCtx").await?;
    Ok(render_vrfs(tenant, &vrfs))
}

/// The VRFs: tenant, name, policy enforcement.
pub fn render_vrfs(tenant: Option<&str>, vrfs: &[Mo]) -> Reply {
    let rows = vrfs
        .iter()
        .map(|vrf| {
            vec![
                tenant_of(vrf.dn()),
                vrf.attr("name").to_owned(),
                or_none(Some(vrf.attr("pcEnfPref"))),
            ]
        })
        .collect();
    table_or(
        title("VRFs", tenant),
        &["Tenant", "VRF", "Policy enforcement"],
        rows,
        format!("APIC has no VRFs {}.", where_in(tenant)),
        None,
    )
}

/// `get-bds [tenant]`: each bridge domain with its VRF and subnets, in one query.
pub async fn get_bds(session: &Session<'_>) -> Result<Reply, AciError> {
    let tenant = match tenant_or_menu(session, true).await? {
        Ok(tenant) => scope(tenant),
        Err(reply) => return Ok(reply),
    };
    let children = [
        ("rsp-subtree", "children".to_owned()),
        ("rsp-subtree-class", "fvRsCtx,fvSubnet".to_owned()),
    ];
    let dn = tenant.map(|t| format!("uni/tn-{t}"));
    let bds = session.under(dn.as_deref(), "fvBD", &children).await?;
    Ok(render_bds(tenant, &bds))
}

/// The bridge domains, one row per subnet as the original shows them:
/// tenant, name, description, VRF, subnet, unicast routing, scope, unknown unicast.
pub fn render_bds(tenant: Option<&str>, bds: &[Mo]) -> Reply {
    let mut rows = Vec::new();
    for bd in bds {
        let vrf = bd
            .children_of("fvRsCtx")
            .map(|rs| rs.attr("tnFvCtxName"))
            .next()
            .unwrap_or_default();
        let row = |subnet: &str, scope: &str| {
            vec![
                tenant_of(bd.dn()),
                bd.attr("name").to_owned(),
                or_none(Some(bd.attr("descr"))),
                or_none(Some(vrf)),
                or_none(Some(subnet)),
                or_none(Some(bd.attr("unicastRoute"))),
                or_none(Some(scope)),
                or_none(Some(bd.attr("unkMacUcastAct"))),
            ]
        };
        let subnets: Vec<&Mo> = bd.children_of("fvSubnet").collect();
        if subnets.is_empty() {
            rows.push(row("", ""));
        }
        rows.extend(subnets.iter().map(|s| row(s.attr("ip"), s.attr("scope"))));
    }
    table_or(
        title("Bridge domains", tenant),
        &[
            "Tenant",
            "Bridge domain",
            "Description",
            "VRF",
            "Subnet",
            "Unicast routing",
            "Scope",
            "Unknown unicast",
        ],
        rows,
        format!("APIC has no bridge domains {}.", where_in(tenant)),
        None,
    )
}

/// "VRFs of acme-prod", or "VRFs of all tenants".
fn title(what: &str, tenant: Option<&str>) -> String {
    format!("{what} of {}", tenant.unwrap_or("all tenants"))
}
