//! The `awx` command's sub-commands and parameters, as help, usage and the
//! access grants see them.

use super::commands::jobs::MAX_JOBS;
use crate::commands::{CommandSpec, SubcommandSpec};
use crate::workers::toolkit::confirm::confirmable;

/// The spec of an awx Integration answering to `command`.
pub fn spec(command: &str) -> CommandSpec {
    let sub = SubcommandSpec::new;
    CommandSpec::new(
        command,
        "Ask AWX (Ansible Automation Platform) and launch its job templates",
    )
    .with(sub(
        "get-dashboard",
        "Show AWX's dashboard: hosts, inventories, projects and their failures",
    ))
    .with(
        sub(
            "get-inventory",
            "List the hosts of an inventory, or of one of its groups",
        )
        .param("inventory", "The inventory's name")
        .param(
            "group",
            "The group's name, or `all` for every host of the inventory",
        ),
    )
    .with(
        sub("get-jobs", "List the most recent jobs, newest first")
            .optional_param("count", format!("How many (default 10, at most {MAX_JOBS})")),
    )
    .with(sub("get-job-templates", "List the job templates you may see"))
    .with(sub("get-projects", "List the projects you may see"))
    .with(confirmable(
        sub(
            "run-job-template",
            "Launch a job template as yourself (changes things: asks first)",
        )
        .param("template", "The job template's name")
        .optional_param(
            "answers",
            "The survey's answers, one per question in order (a form asks for them otherwise)",
        ),
        "launch it",
    ))
}
