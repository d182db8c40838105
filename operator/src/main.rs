//! `chatops-operator`: `crdgen` writes the CRDs; `render` compiles a directory
//! of manifests offline into the gateway's ConfigMap and Secret.

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
    /// Print the CustomResourceDefinitions, or write one file per kind into DIR.
    Crdgen {
        /// Write `{plural}.chatops.dev.yaml` files here instead of printing.
        dir: Option<PathBuf>,
    },
    /// Compile a directory of manifests and print the gateway's ConfigMap and Secret
    /// (secret values redacted). Exits 2 when any resource is not ready.
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
    },
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
        Command::Crdgen { dir: None } => {
            let docs: Vec<String> = crd::all().iter().map(crd::to_yaml).collect();
            print!("{}", docs.join("---\n"));
            Ok(ExitCode::SUCCESS)
        }
        Command::Crdgen { dir: Some(dir) } => {
            for definition in crd::all() {
                let path = dir.join(crd::file_name(&definition));
                std::fs::write(&path, crd::to_yaml(&definition))
                    .with_context(|| format!("cannot write {}", path.display()))?;
                eprintln!("wrote {}", path.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Render {
            manifests: dir,
            namespace,
            name,
        } => {
            let loaded = manifests::load_dir(&dir, &namespace)?;
            let compiled = loaded.compile();
            let rendered = render::render(&compiled, &Target { namespace, name })?;
            let config_map = serde_saphyr::to_string(&rendered.config_map)?;
            let secret = serde_saphyr::to_string(&render::redacted(&rendered.secret))?;
            print!("{config_map}---\n{secret}");

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
