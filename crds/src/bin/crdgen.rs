//! Writes the CRD YAML files (one per kind) into a directory, or prints them all.
//!
//! `crdgen` prints every CRD as one multi-document stream (for `kubectl apply -f -`);
//! `crdgen DIR` writes `DIR/{plural}.chatops.dev.yaml`, which is how `crds/yaml/` is made.

use std::{fs, path::PathBuf, process::ExitCode};

fn main() -> ExitCode {
    let crds = chatops_crds::crd::all();
    match std::env::args_os().nth(1).map(PathBuf::from) {
        None => {
            let docs: Vec<String> = crds.iter().map(chatops_crds::crd::to_yaml).collect();
            print!("{}", docs.join("---\n"));
            ExitCode::SUCCESS
        }
        Some(dir) => {
            for crd in &crds {
                let path = dir.join(chatops_crds::crd::file_name(crd));
                if let Err(err) = fs::write(&path, chatops_crds::crd::to_yaml(crd)) {
                    eprintln!("crdgen: cannot write {}: {err}", path.display());
                    return ExitCode::FAILURE;
                }
                eprintln!("crdgen: wrote {}", path.display());
            }
            ExitCode::SUCCESS
        }
    }
}
