//! `get-projects`: the projects the user may see, with where they come from.

use serde::Deserialize;

use crate::model::Reply;
use crate::workers::awx::{AwxError, Session};
use crate::workers::toolkit::paging::cut_note;
use crate::workers::toolkit::render::{info, or_none, table_message};

/// A project, as AWX lists it.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Project {
    #[serde(default)]
    pub name: String,
    pub scm_type: Option<String>,
    pub scm_url: Option<String>,
    pub scm_branch: Option<String>,
    pub status: Option<String>,
}

/// `get-projects`.
pub async fn get_projects(session: &Session<'_>) -> Result<Reply, AwxError> {
    let (projects, count) = session.list("projects/", &[("order_by", "name")]).await?;
    Ok(render_projects(&projects, count))
}

/// The projects as a table: name, source, URL, branch, last update's status.
pub fn render_projects(projects: &[Project], count: usize) -> Reply {
    if projects.is_empty() {
        return info("Projects: none that you may see.");
    }
    let rows = projects
        .iter()
        .map(|p| {
            // AWX says a manual project's type as the empty string.
            let kind = p
                .scm_type
                .as_deref()
                .filter(|t| !t.is_empty())
                .unwrap_or("manual");
            vec![
                p.name.clone(),
                kind.to_owned(),
                or_none(p.scm_url.as_deref()),
                or_none(p.scm_branch.as_deref()),
                or_none(p.status.as_deref()),
            ]
        })
        .collect();
    table_message(
        "Projects".to_owned(),
        &["Name", "Type", "URL", "Branch", "Status"],
        rows,
        cut_note(projects.len(), count),
    )
}
