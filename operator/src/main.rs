//! `chatops-operator`: `run` is the operator in a cluster; `crdgen` writes the
//! CRDs; `render` compiles a directory of manifests offline into the gateway's
//! ConfigMap and Secret, printed, or written as files (`--output-dir`, see
//! [`output_dir`]) that `chatops-gateway --config` can serve; `grafana-panels`
//! declares a live Grafana's panels for a grafana Integration; `import` carries
//! a Nautobot ChatOps app's grants, links and settings over.

mod grafana_panels_cmd;
mod import_cmd;
mod output_dir;
mod serve;

use std::{path::PathBuf, process::ExitCode};

use anyhow::Context;
use chatops_crds::{crd, manifests};
use chatops_operator::render::{self, Target};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    version,
    about = "Kubernetes-native ChatOps: compiles chatops.dev resources for the gateway"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the operator: watch the resources, render the gateway's ConfigMap and
    /// Secret, write statuses and Events (leader only).
    Run(Box<serve::RunArgs>),
    /// Print the CustomResourceDefinitions, or write one file per kind into DIR; with
    /// --reference FILE, write the Markdown field reference generated from them.
    Crdgen {
        /// Write `{plural}.chatops.dev.yaml` files here instead of printing.
        dir: Option<PathBuf>,
        /// Write the field reference (docs/reference.md) to FILE; alone, only that is written.
        #[arg(long, value_name = "FILE")]
        reference: Option<PathBuf>,
    },
    /// Compile a directory of manifests and print the gateway's ConfigMap and Secret
    /// (secret values redacted unless --reveal-secrets). Exits 2 when any resource is not ready.
    Render {
        /// Directory of YAML manifests: ChatPlatform, AccessGrant, AccountLink, Integration, Secret.
        #[arg(long)]
        manifests: PathBuf,
        /// Namespace for manifests that name none, and of the rendered objects.
        #[arg(long, default_value = "default")]
        namespace: String,
        /// Name of the rendered ConfigMap and Secret.
        #[arg(long, default_value = "chatops-gateway")]
        name: String,
        /// Output the Secret with its real values, ready to apply, instead of a redacted
        /// preview. Only for feeding a sealing or encrypting GitOps step (kubeseal, SOPS) or
        /// for local testing: the output then holds every credential the manifests refer to.
        #[arg(long)]
        reveal_secrets: bool,
        /// Write into DIR, created if missing, instead of printing: `configmap.yaml` and
        /// `secret.yaml` (mode 0600), the objects to apply or to seal; with --reveal-secrets, also
        /// `config/<key>` and `secrets/<key>` (directory 0700, files 0600), the objects as kubelet
        /// mounts them, which `chatops-gateway --config DIR` serves as they are.
        ///
        /// Without --reveal-secrets, `secret.yaml` is the redacted preview and `config/` and
        /// `secrets/` are not written. `secrets/` is made to hold exactly the Secret's keys: a file
        /// there whose key is no longer rendered is removed.
        #[arg(long, value_name = "DIR")]
        output_dir: Option<PathBuf>,
    },
    /// Read a live Grafana's dashboards and print the spec.grafana declaration of their
    /// panels (YAML), or with --integration a whole Integration ready to apply. The token
    /// comes from --token-file or GRAFANA_TOKEN and is never printed.
    GrafanaPanels(Box<grafana_panels_cmd::GrafanaPanelsArgs>),
    /// Import a running Nautobot ChatOps app: read its REST API (access grants, command
    /// tokens, account links) and, with --config, its nautobot_config.py (never executed),
    /// and write ChatPlatform, AccessGrant, AccountLink and Integration manifests, Secret
    /// templates and NOTES.md into --output-dir. Exits 1 when nothing usable came out.
    Import(Box<import_cmd::ImportArgs>),
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("chatops-operator: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Run(args) => serve::run(*args).map(|()| ExitCode::SUCCESS),
        Command::GrafanaPanels(args) => grafana_panels_cmd::run(*args).map(|()| ExitCode::SUCCESS),
        Command::Import(args) => import_cmd::run(*args),
        Command::Crdgen {
            dir,
            reference: Some(file),
        } => {
            let markdown = chatops_crds::reference::markdown(&crd::all());
            std::fs::write(&file, markdown).with_context(|| format!("cannot write {}", file.display()))?;
            eprintln!("wrote {}", file.display());
            if let Some(dir) = dir {
                write_crds(&dir)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Crdgen {
            dir: None,
            reference: None,
        } => {
            let docs: Vec<String> = crd::all().iter().map(crd::to_yaml).collect();
            print!("{}", docs.join("---\n"));
            Ok(ExitCode::SUCCESS)
        }
        Command::Crdgen {
            dir: Some(dir),
            reference: None,
        } => write_crds(&dir).map(|()| ExitCode::SUCCESS),
        Command::Render {
            manifests: dir,
            namespace,
            name,
            reveal_secrets,
            output_dir,
        } => {
            let loaded = manifests::load_dir(&dir, &namespace)?;
            let compiled = loaded.compile();
            let rendered = render::render(&compiled, &Target { namespace, name })?;
            let config_map = serde_saphyr::to_string(&rendered.config_map)?;
            // Redacted unless asked for: the default output is a preview that is safe in
            // a terminal or a CI log.
            let secret = if reveal_secrets {
                serde_saphyr::to_string(&rendered.secret)?
            } else {
                serde_saphyr::to_string(&render::redacted(&rendered.secret))?
            };
            match output_dir {
                None => print!("{config_map}---\n{secret}"),
                Some(out) => {
                    let written = output_dir::write(&out, &rendered, &config_map, &secret, reveal_secrets)?;
                    let [config_map_path, secret_path] = &written.manifests;
                    match &written.mounted {
                        Some([(config_dir, config_files), (secrets_dir, secret_files)]) => eprintln!(
                            "wrote {}, {}, {} ({config_files} files) and {} ({secret_files} files, \
                             owner only), which chatops-gateway --config {} serves",
                            config_map_path.display(),
                            secret_path.display(),
                            config_dir.display(),
                            secrets_dir.display(),
                            out.display()
                        ),
                        None => eprintln!(
                            "wrote {} and {} (redacted; --reveal-secrets writes the real values, \
                             and {}/ and {}/ for chatops-gateway --config {})",
                            config_map_path.display(),
                            secret_path.display(),
                            out.join(output_dir::CONFIG_DIR).display(),
                            out.join(output_dir::SECRETS_DIR).display(),
                            out.display()
                        ),
                    }
                }
            }

            for skipped in &loaded.ignored {
                eprintln!("skipped {skipped}");
            }
            for diagnostic in &compiled.diagnostics {
                eprintln!("{diagnostic}");
            }
            let rejected = compiled.rejected().count();
            let ready = compiled.diagnostics.len() - rejected;
            eprintln!("{ready} resources ready, {rejected} not ready");
            Ok(if rejected == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            })
        }
    }
}

/// `crdgen DIR`: one `{plural}.chatops.dev.yaml` per kind.
fn write_crds(dir: &std::path::Path) -> anyhow::Result<()> {
    for definition in crd::all() {
        let path = dir.join(crd::file_name(&definition));
        std::fs::write(&path, crd::to_yaml(&definition))
            .with_context(|| format!("cannot write {}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}
