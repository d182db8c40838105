//! What the import could not carry over, and why; rendered as `NOTES.md`.

use std::fmt::Write as _;

/// One item not carried over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// What it was, e.g. `access grant "devops" (nautobot get-devices, user U123)`.
    pub what: String,
    /// Why it was left out.
    pub reason: String,
}

/// A setting read from the environment by the original.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FromEnv {
    /// The setting.
    pub key: String,
    /// The environment variable.
    pub var: String,
    /// What the import did about it.
    pub how: String,
}

/// Everything the user should read after the import.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Notes {
    /// Items not carried over.
    pub skipped: Vec<Skipped>,
    /// Settings set from the environment.
    pub from_env: Vec<FromEnv>,
    /// Things carried over that need a look.
    pub warnings: Vec<String>,
}

impl Notes {
    /// Records an item not carried over.
    pub fn skip(&mut self, what: impl Into<String>, reason: impl Into<String>) {
        self.skipped.push(Skipped {
            what: what.into(),
            reason: reason.into(),
        });
    }

    /// Records a setting the original read from `var`.
    pub fn env(&mut self, key: &str, var: &str, how: &str) {
        let entry = FromEnv {
            key: key.to_owned(),
            var: var.to_owned(),
            how: how.to_owned(),
        };
        if !self.from_env.contains(&entry) {
            self.from_env.push(entry);
        }
    }

    /// Records something carried over that needs a look.
    pub fn warn(&mut self, message: impl Into<String>) {
        let message = message.into();
        if !self.warnings.contains(&message) {
            self.warnings.push(message);
        }
    }
}

/// How many of each kind were written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// ChatPlatforms.
    pub platforms: usize,
    /// AccessGrants.
    pub grants: usize,
    /// AccountLinks.
    pub links: usize,
    /// Integrations.
    pub integrations: usize,
    /// Secrets.
    pub secrets: usize,
    /// Secret values left as placeholders.
    pub placeholders: usize,
}

impl Counts {
    /// Whether anything usable was produced.
    pub fn any(&self) -> bool {
        self.platforms + self.grants + self.links + self.integrations > 0
    }

    /// One line for stderr.
    pub fn summary(&self, not_carried: usize) -> String {
        format!(
            "imported {} ChatPlatforms, {} AccessGrants, {} AccountLinks, {} Integrations, {} Secrets \
             ({} values to fill in); {not_carried} items not carried over, see NOTES.md",
            self.platforms, self.grants, self.links, self.integrations, self.secrets, self.placeholders
        )
    }
}

/// `NOTES.md`: counts, what was not carried over, settings from the
/// environment, warnings and the next steps.
pub fn markdown(source: &str, counts: &Counts, notes: &Notes, revealed: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Imported from the Nautobot ChatOps app\n");
    let _ = writeln!(out, "Source: {source}\n");
    let _ = writeln!(out, "| file | kind | written |\n| --- | --- | --- |");
    for (file, kind, n) in [
        ("chatplatforms.yaml", "ChatPlatform", counts.platforms),
        ("accessgrants.yaml", "AccessGrant", counts.grants),
        ("accountlinks.yaml", "AccountLink", counts.links),
        ("integrations.yaml", "Integration", counts.integrations),
        ("secrets.yaml", "Secret", counts.secrets),
    ] {
        let _ = writeln!(out, "| `{file}` | {kind} | {n} |");
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "## Not carried over ({})\n", notes.skipped.len());
    if notes.skipped.is_empty() {
        let _ = writeln!(out, "Everything was carried over.");
    }
    for item in &notes.skipped {
        let _ = writeln!(out, "- {}: {}", item.what, item.reason);
    }
    let _ = writeln!(out);
    if !notes.from_env.is_empty() {
        let _ = writeln!(
            out,
            "## Settings the original read from the environment ({})\n\n\
             The import never reads your environment: these values were not known.\n",
            notes.from_env.len()
        );
        for entry in &notes.from_env {
            let _ = writeln!(
                out,
                "- `{}`: set from env {}; {}",
                entry.key, entry.var, entry.how
            );
        }
        let _ = writeln!(out);
    }
    if !notes.warnings.is_empty() {
        let _ = writeln!(out, "## Carried over, but check ({})\n", notes.warnings.len());
        for warning in &notes.warnings {
            let _ = writeln!(out, "- {warning}");
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(out, "## Next steps\n");
    if counts.placeholders > 0 {
        let _ = writeln!(
            out,
            "1. Fill in the {} values in `secrets.yaml` that start with `REPLACE-ME` (each says what \
             belongs there and where the original read it from), or create those Secrets another \
             way and drop the file. Seal or encrypt them (kubeseal, SOPS) before committing.",
            counts.placeholders
        );
    } else if revealed {
        let _ = writeln!(
            out,
            "1. `secrets.yaml` holds real credentials (`--reveal-secrets`): seal or encrypt it \
             (kubeseal, SOPS) and never commit it as it is."
        );
    } else {
        let _ = writeln!(
            out,
            "1. Review `secrets.yaml`; seal or encrypt it before committing."
        );
    }
    let _ = writeln!(
        out,
        "2. Create a Nautobot API token for the gateway (not the one used for this import) and put \
         it in the nautobot Integration's Secret.\n\
         3. Check the result offline: `chatops-operator render --manifests <this directory>`.\n\
         4. Commit the manifests to the GitOps repository (or `kubectl apply -f`), then point the \
         chat apps' URLs at the gateway's `/hooks/<ChatPlatform name>/` and try a command.\n\
         5. See docs/migrating.md for the whole procedure."
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_skipped_item_and_its_reason_is_listed() {
        let mut notes = Notes::default();
        notes.skip("access grant \"x\"", "its command is not a valid name");
        notes.env("slack_api_token", "SLACK_API_TOKEN", "placeholder");
        notes.env("slack_api_token", "SLACK_API_TOKEN", "placeholder");
        notes.warn("look");
        let counts = Counts {
            grants: 2,
            placeholders: 3,
            ..Counts::default()
        };
        let text = markdown("https://nautobot.example.com", &counts, &notes, false);
        assert!(text.contains("## Not carried over (1)"));
        assert!(text.contains("- access grant \"x\": its command is not a valid name"));
        assert!(text.contains("set from env SLACK_API_TOKEN"));
        assert_eq!(text.matches("SLACK_API_TOKEN").count(), 1);
        assert!(text.contains("| `accessgrants.yaml` | AccessGrant | 2 |"));
        assert!(text.contains("Fill in the 3 values"));
        assert_eq!(
            counts.summary(1),
            "imported 0 ChatPlatforms, 2 AccessGrants, 0 AccountLinks, 0 Integrations, 0 Secrets \
             (3 values to fill in); 1 items not carried over, see NOTES.md"
        );
    }
}
