//! The sub-commands, one module per group, each with the same shape: an
//! async function that asks APIC through the [`Session`] and pure `render_*`
//! functions that turn answers into replies.

mod epg;
mod fabric;
mod register;
mod tenants;

use super::error::AciError;
use super::mo::{Mo, is_name};
use super::session::Session;
use crate::model::{Choice, Reply};
use crate::workers::toolkit::render::{error, table_message};

/// The argument that means every tenant or application profile.
pub const ALL: &str = "all";

/// Runs the session's sub-command.
pub async fn run(session: &Session<'_>) -> Result<Reply, AciError> {
    match session.call.invocation.subcommand.as_str() {
        "get-tenants" => tenants::get_tenants(session).await,
        "get-aps" => tenants::get_aps(session).await,
        "get-epgs" => tenants::get_epgs(session).await,
        "get-vrfs" => tenants::get_vrfs(session).await,
        "get-bds" => tenants::get_bds(session).await,
        "get-epg-details" => epg::get_epg_details(session).await,
        "get-pending-nodes" => fabric::get_pending_nodes(session).await,
        "get-nodes" => fabric::get_nodes(session, false).await,
        "get-controllers" => fabric::get_nodes(session, true).await,
        "get-interfaces" => fabric::get_interfaces(session).await,
        "register-node" => register::register_node(session).await,
        // The router runs only sub-commands of the spec.
        other => Ok(error(format!(
            "`{other}` is not a sub-command of the aci integration."
        ))),
    }
}

/// What argument `index` says: `Ok(None)` when not given, the name when it
/// is one APIC allows, else the reply that says it is not.
pub fn name_arg<'a>(session: &Session<'a>, index: usize, what: &str) -> Result<Option<&'a str>, Reply> {
    match session.arg(index) {
        None => Ok(None),
        Some(name) if is_name(name) => Ok(Some(name)),
        Some(name) => Err(error(format!(
            "`{name}` is no {what} name APIC allows (letters, digits, `_`, `.`, `:` and `-`); \
             leave it out to pick one from a menu."
        ))),
    }
}

/// A menu of the names of `objects` (of an attribute `name`), with `all` first when `with_all`.
pub fn name_choices(objects: &[Mo], with_all: Option<&str>) -> Vec<Choice> {
    let mut choices: Vec<Choice> = with_all
        .map(|label| Choice {
            label: label.to_owned(),
            value: ALL.to_owned(),
        })
        .into_iter()
        .collect();
    let mut names: Vec<&str> = objects
        .iter()
        .map(|mo| mo.attr("name"))
        .filter(|n| !n.is_empty())
        .collect();
    names.sort_unstable();
    names.dedup();
    choices.extend(names.into_iter().map(Choice::same));
    choices
}

/// The menu asking for a tenant (with `All tenants` when `with_all`).
pub async fn ask_tenant(session: &Session<'_>, with_all: bool) -> Result<Reply, AciError> {
    let tenants = session.tenants().await?;
    if tenants.is_empty() {
        return Ok(error("APIC has no tenants that you may see."));
    }
    let all = with_all.then_some("All tenants");
    Ok(session.menu("Which tenant?", name_choices(&tenants, all)))
}

/// `None` for `all`, else the name.
pub fn scope(name: &str) -> Option<&str> {
    (!name.eq_ignore_ascii_case(ALL)).then_some(name)
}

/// "in tenant **x**" or "in every tenant".
pub fn where_in(tenant: Option<&str>) -> String {
    tenant.map_or_else(|| "in any tenant".to_owned(), |t| format!("in tenant **{t}**"))
}

/// A table, or the sentence `none` when it has no rows.
pub fn table_or(
    title: String,
    columns: &[&str],
    rows: Vec<Vec<String>>,
    none: String,
    note: Option<String>,
) -> Reply {
    if rows.is_empty() {
        return crate::workers::toolkit::render::info(none);
    }
    table_message(title, columns, rows, note)
}

/// The tenant of a DN (`uni/tn-x/…`), or `—`.
pub fn tenant_of(dn: &str) -> String {
    super::mo::dn_part(dn, "tn").unwrap_or("—").to_owned()
}

#[cfg(test)]
mod tests;
