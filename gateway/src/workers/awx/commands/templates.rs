//! `get-job-templates`: the job templates the user may see.

use serde::Deserialize;

use super::{Named, name_of};
use crate::model::Reply;
use crate::workers::awx::{AwxError, Session};
use crate::workers::toolkit::paging::cut_note;
use crate::workers::toolkit::render::{info, or_none, table_message, yes_no};

/// What a job template's summary names.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct TemplateSummary {
    pub inventory: Option<Named>,
    pub project: Option<Named>,
}

/// A job template, as AWX lists it.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct JobTemplate {
    pub id: u64,
    #[serde(default)]
    pub name: String,
    pub description: Option<String>,
    pub playbook: Option<String>,
    #[serde(default)]
    pub survey_enabled: bool,
    #[serde(default)]
    pub summary_fields: TemplateSummary,
}

/// `get-job-templates`.
pub async fn get_job_templates(session: &Session<'_>) -> Result<Reply, AwxError> {
    let (templates, count) = session.list("job_templates/", &[("order_by", "name")]).await?;
    Ok(render_job_templates(&templates, count))
}

/// The templates as a table: name, inventory, project, playbook, survey.
pub fn render_job_templates(templates: &[JobTemplate], count: usize) -> Reply {
    if templates.is_empty() {
        return info("Job templates: none that you may see.");
    }
    let rows = templates
        .iter()
        .map(|t| {
            vec![
                t.name.clone(),
                name_of(t.summary_fields.inventory.as_ref()),
                name_of(t.summary_fields.project.as_ref()),
                or_none(t.playbook.as_deref()),
                yes_no(t.survey_enabled),
                or_none(t.description.as_deref()),
            ]
        })
        .collect();
    table_message(
        "Job templates".to_owned(),
        &[
            "Name",
            "Inventory",
            "Project",
            "Playbook",
            "Survey",
            "Description",
        ],
        rows,
        cut_note(templates.len(), count),
    )
}
