//! `get-dashboard`: AWX's dashboard counts, as the user may see them.

use serde::Deserialize;

use crate::model::{Block, Reply};
use crate::workers::awx::{AwxError, Session};
use crate::workers::toolkit::render::titled;

/// One of the dashboard's counts (`/api/v2/dashboard/`).
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Tally {
    /// How many there are.
    #[serde(default)]
    pub total: u64,
    /// How many failed their last job (hosts, projects).
    pub failed: Option<u64>,
    /// Inventories whose last job failed.
    pub job_failed: Option<u64>,
    /// Inventories whose source sync failed.
    pub inventory_failed: Option<u64>,
}

/// The part of `/api/v2/dashboard/` shown.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Dashboard {
    pub hosts: Option<Tally>,
    pub inventories: Option<Tally>,
    pub projects: Option<Tally>,
    pub job_templates: Option<Tally>,
    pub organizations: Option<Tally>,
    pub users: Option<Tally>,
    pub teams: Option<Tally>,
    pub credentials: Option<Tally>,
}

/// `get-dashboard`.
pub async fn get_dashboard(session: &Session<'_>) -> Result<Reply, AwxError> {
    let dashboard: Dashboard = session.get("dashboard/").await?;
    Ok(render_dashboard(&dashboard, session.web_url()))
}

/// The counts as a table, failures beside them, and a link to AWX.
pub fn render_dashboard(dashboard: &Dashboard, web: &str) -> Reply {
    let count = |tally: &Option<Tally>| {
        tally
            .as_ref()
            .map_or_else(|| "—".to_owned(), |t| t.total.to_string())
    };
    let failures = |value: Option<u64>| value.map_or_else(|| "—".to_owned(), |v| v.to_string());
    let inventories = dashboard.inventories.as_ref();
    let rows = vec![
        vec![
            "Hosts".to_owned(),
            count(&dashboard.hosts),
            failures(dashboard.hosts.as_ref().and_then(|t| t.failed)),
        ],
        vec![
            "Inventories".to_owned(),
            count(&dashboard.inventories),
            failures(inventories.and_then(|t| t.job_failed)),
        ],
        vec![
            "Inventory syncs".to_owned(),
            count(&dashboard.inventories),
            failures(inventories.and_then(|t| t.inventory_failed)),
        ],
        vec![
            "Projects".to_owned(),
            count(&dashboard.projects),
            failures(dashboard.projects.as_ref().and_then(|t| t.failed)),
        ],
        vec![
            "Job templates".to_owned(),
            count(&dashboard.job_templates),
            "—".to_owned(),
        ],
        vec![
            "Organizations".to_owned(),
            count(&dashboard.organizations),
            "—".to_owned(),
        ],
        vec!["Users".to_owned(), count(&dashboard.users), "—".to_owned()],
        vec!["Teams".to_owned(), count(&dashboard.teams), "—".to_owned()],
        vec![
            "Credentials".to_owned(),
            count(&dashboard.credentials),
            "—".to_owned(),
        ],
    ];
    let table = crate::model::Table {
        title: "AWX dashboard".to_owned(),
        columns: vec!["Resource".to_owned(), "Total".to_owned(), "Failed".to_owned()],
        rows,
    };
    titled(
        "AWX dashboard",
        vec![
            Block::Table(table),
            Block::Text(format!("[Open AWX]({web}/#/home)")),
        ],
    )
}
