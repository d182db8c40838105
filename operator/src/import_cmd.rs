//! The `import` command line: arguments in, [`import`] run, the files
//! written and a summary on stderr. Exits 1 when nothing usable came out.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use chatops_crds::PlatformType;
use chatops_operator::import::{self, Options, python_literals, source::Nautobot, write};

/// `chatops-operator import`.
#[derive(clap::Args)]
pub struct ImportArgs {
    /// The root URL of the Nautobot running the ChatOps app, e.g. https://nautobot.example.com.
    #[arg(long, value_name = "URL")]
    nautobot: String,
    /// A Nautobot API token that may view the app's access grants, command tokens and
    /// account links. Never printed. Account links are listed for the token's own user
    /// only (the app's API shows no one else's).
    #[arg(long, value_name = "T", env = "NAUTOBOT_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// The original's nautobot_config.py: its PLUGINS_CONFIG["nautobot_chatops"] literal
    /// values are read (the file is never executed).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Write chatplatforms.yaml, accessgrants.yaml, accountlinks.yaml, integrations.yaml,
    /// secrets.yaml (mode 0600) and NOTES.md here (created if missing).
    #[arg(long, value_name = "DIR")]
    output_dir: PathBuf,
    /// The namespace of every resource.
    #[arg(long, value_name = "NS", default_value = "default")]
    namespace: String,
    /// Write the real credentials (the config file's literal strings, Mattermost command
    /// tokens) into secrets.yaml instead of placeholders. Only for a sealing step or a test.
    #[arg(long)]
    reveal_secrets: bool,
    /// Emit this ChatPlatform (slack, msteams, webex, mattermost), named NAME (default: the
    /// type); repeat for more. Default: those the config enables, or those the API shows.
    #[arg(long = "platform", value_name = "TYPE[=NAME]", value_parser = parse_platform)]
    platforms: Vec<(PlatformType, String)>,
}

/// `TYPE[=NAME]`.
fn parse_platform(text: &str) -> Result<(PlatformType, String), String> {
    let (kind, name) = text.split_once('=').unwrap_or((text, text));
    let kind = match kind {
        "slack" => PlatformType::Slack,
        "msteams" => PlatformType::Msteams,
        "webex" => PlatformType::Webex,
        "mattermost" => PlatformType::Mattermost,
        other => {
            return Err(format!(
                "{other:?} is not one of slack, msteams, webex, mattermost"
            ));
        }
    };
    let valid = !name.is_empty()
        && name.len() <= 63
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    if !valid {
        return Err(format!(
            "{name:?} is not a valid ChatPlatform name (lower case letters, digits and '-', at most 63)"
        ));
    }
    Ok((kind, name.to_owned()))
}

/// Runs the command.
pub fn run(args: ImportArgs) -> anyhow::Result<ExitCode> {
    let mut seen = std::collections::BTreeSet::new();
    for (kind, _) in &args.platforms {
        anyhow::ensure!(seen.insert(*kind), "--platform {kind} is given twice");
    }
    let token = args
        .token
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .context("no Nautobot token: give --token or set NAUTOBOT_TOKEN")?;
    let settings = match &args.config {
        Some(path) => {
            let text =
                std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
            let settings = python_literals::chatops_settings(&text)
                .with_context(|| format!("cannot read {} as Python", path.display()))?;
            Some(settings)
        }
        None => None,
    };
    let nautobot = Nautobot::new(&args.nautobot, token)?;
    let api = tokio::runtime::Runtime::new()
        .context("cannot start the async runtime")?
        .block_on(nautobot.read_all())
        .context("cannot read the Nautobot ChatOps app's API")?;
    let options = Options {
        nautobot_url: args.nautobot.clone(),
        namespace: args.namespace.clone(),
        reveal: args.reveal_secrets,
        platforms: args.platforms.clone(),
    };
    let imported = import::build(&options, settings.as_ref(), &api);
    if !imported.usable() {
        eprintln!(
            "chatops-operator: nothing to import from {}: no access grants, command tokens or account links{}",
            args.nautobot,
            if settings.is_some() {
                ", and no platform or integration in the config"
            } else {
                ", and no --config"
            }
        );
        for skipped in &imported.notes.skipped {
            eprintln!("  not carried over: {}: {}", skipped.what, skipped.reason);
        }
        return Ok(ExitCode::FAILURE);
    }
    let files = write::files(&imported, &args.nautobot, args.reveal_secrets)?;
    write::to_dir(&args.output_dir, &files)?;
    let counts = imported.counts();
    eprintln!("wrote {}", args.output_dir.display());
    eprintln!("{}", counts.summary(imported.notes.skipped.len()));
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platforms_take_a_type_and_an_optional_name() {
        assert_eq!(parse_platform("slack"), Ok((PlatformType::Slack, "slack".into())));
        assert_eq!(
            parse_platform("mattermost=mm-prod"),
            Ok((PlatformType::Mattermost, "mm-prod".into()))
        );
        assert!(parse_platform("irc").unwrap_err().contains("not one of"));
        assert!(
            parse_platform("slack=Bad_Name")
                .unwrap_err()
                .contains("not a valid")
        );
    }
}
