//! `get-inventory [inventory] [group]`: the hosts of an inventory, or of one
//! of its groups, with menus of names for what is missing.

use serde::Deserialize;
use serde_json::Value;

use crate::model::{Choice, Reply};
use crate::workers::awx::{AwxError, Session};
use crate::workers::toolkit::menus::choices_of;
use crate::workers::toolkit::paging::cut_note;
use crate::workers::toolkit::render::{error, info, or_none, table_message, yes_no};

/// The group value that means every host of the inventory: AWX reserves the
/// name `all` (no group may be called so), so it cannot shadow a group.
pub const ALL: &str = "all";

/// An inventory or a group, as AWX lists them.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Object {
    pub id: u64,
    #[serde(default)]
    pub name: String,
}

/// A host, as AWX lists it.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Host {
    #[serde(default)]
    pub name: String,
    pub description: Option<String>,
    #[serde(default = "enabled")]
    pub enabled: bool,
    #[serde(default)]
    pub has_active_failures: bool,
}

fn enabled() -> bool {
    true
}

/// `get-inventory [inventory] [group]`.
pub async fn get_inventory(session: &Session<'_>) -> Result<Reply, AwxError> {
    let Some(name) = session.arg(0) else {
        let (inventories, _): (Vec<Value>, _) = session.list("inventories/", &[]).await?;
        return Ok(session.ask(
            "Which inventory?",
            choices_of(&inventories, "name", "name"),
            "AWX has no inventories that you may see.",
        ));
    };
    let Some(inventory) = session.named::<Object>("inventories/", name).await? else {
        return Ok(error(format!(
            "There is no inventory named `{name}` that you may see in AWX."
        )));
    };
    let groups_path = format!("inventories/{}/groups/", inventory.id);
    let group = match session.arg(1) {
        Some(group) if group.eq_ignore_ascii_case(ALL) => None,
        Some(group) => match session.named::<Object>(&groups_path, group).await? {
            Some(found) => Some(found),
            None => {
                return Ok(error(format!(
                    "The inventory **{}** has no group named `{group}` that you may see in AWX.",
                    inventory.name
                )));
            }
        },
        None => {
            let (groups, _): (Vec<Value>, _) = session.list(&groups_path, &[]).await?;
            if groups.is_empty() {
                None
            } else {
                return Ok(session.menu(
                    format!("Which group of {}?", inventory.name),
                    group_choices(&inventory.name, &groups),
                ));
            }
        }
    };
    let (path, title) = match &group {
        Some(group) => (
            format!("groups/{}/hosts/", group.id),
            format!("Hosts of group {} in inventory {}", group.name, inventory.name),
        ),
        None => (
            format!("inventories/{}/hosts/", inventory.id),
            format!("Hosts of inventory {}", inventory.name),
        ),
    };
    let (hosts, count) = session.list(&path, &[("order_by", "name")]).await?;
    Ok(render_hosts(title, &hosts, count))
}

/// Every host first, then the groups by name.
pub fn group_choices(inventory: &str, groups: &[Value]) -> Vec<Choice> {
    let mut choices = vec![Choice {
        label: format!("All hosts of {inventory}"),
        value: ALL.to_owned(),
    }];
    choices.extend(choices_of(groups, "name", "name"));
    choices
}

/// The hosts as a table: name, enabled, failing, description.
pub fn render_hosts(title: String, hosts: &[Host], count: usize) -> Reply {
    if hosts.is_empty() {
        return info(format!("{title}: none that you may see."));
    }
    let rows = hosts
        .iter()
        .map(|host| {
            vec![
                host.name.clone(),
                yes_no(host.enabled),
                yes_no(host.has_active_failures),
                or_none(host.description.as_deref()),
            ]
        })
        .collect();
    table_message(
        title,
        &["Host", "Enabled", "Failing", "Description"],
        rows,
        cut_note(hosts.len(), count),
    )
}
