//! `render --output-dir OUT`: the rendered ConfigMap and Secret as files.
//!
//! Two views of one render:
//!
//! - `OUT/configmap.yaml` and `OUT/secret.yaml`: the objects as manifests,
//!   to apply, or to feed a sealing step (kubeseal, SOPS);
//! - `OUT/config/<key>` and `OUT/secrets/<key>` (only with
//!   `--reveal-secrets`): the objects as kubelet mounts them, one file per
//!   key, which is exactly what `chatops-gateway --config OUT` reads.
//!
//! Every file is written to a hidden partial file and renamed into place, so
//! a gateway already serving `OUT` never reads half a file; and the
//! configuration's `secret-hash` is written last, so the gateway's hash check
//! refuses every mixture of old and new files until the last rename.

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
};

use anyhow::Context;
use chatops_operator::render::{Rendered, SECRET_HASH_KEY};

/// The file the ConfigMap manifest is written to.
pub const CONFIG_MAP_FILE: &str = "configmap.yaml";
/// The file the Secret manifest is written to.
pub const SECRET_FILE: &str = "secret.yaml";
/// The directory of the ConfigMap's keys, as `chatops-gateway --config` reads it.
pub const CONFIG_DIR: &str = "config";
/// The directory of the Secret's keys, as `chatops-gateway --config` reads it.
pub const SECRETS_DIR: &str = "secrets";

/// What [`write`] wrote, for the line on stderr.
pub struct Written {
    /// `configmap.yaml` and `secret.yaml`.
    pub manifests: [PathBuf; 2],
    /// `config/` and `secrets/` with their number of files, when written.
    pub mounted: Option<[(PathBuf, usize); 2]>,
}

/// Writes the render into `dir` (created if missing).
///
/// `config_map` and `secret` are the manifests as `render` prints them (the
/// Secret redacted unless `reveal`). The mounted layout needs the real values
/// to be of any use, so it is written only when `reveal` is set: without the
/// opt-in, no credential reaches the disk.
pub fn write(
    dir: &Path,
    rendered: &Rendered,
    config_map: &str,
    secret: &str,
    reveal: bool,
) -> anyhow::Result<Written> {
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let config_map_path = dir.join(CONFIG_MAP_FILE);
    write_file(&config_map_path, config_map.as_bytes(), None)?;
    // Owner-only whether it holds real values or the preview (sizes and keys).
    let secret_path = dir.join(SECRET_FILE);
    write_file(&secret_path, secret.as_bytes(), Some(0o600))?;
    let manifests = [config_map_path, secret_path];
    if !reveal {
        return Ok(Written {
            manifests,
            mounted: None,
        });
    }

    // The Secret first, then the configuration naming its hash: the order the
    // operator writes the objects in, for the same reason.
    let secret_files: Vec<(&str, &[u8])> = rendered
        .secret
        .data
        .iter()
        .flatten()
        .map(|(key, value)| (key.as_str(), value.0.as_slice()))
        .collect();
    let secrets_dir = dir.join(SECRETS_DIR);
    write_keys(&secrets_dir, &secret_files, Some(0o700), Some(0o600))?;

    let mut config_files: Vec<(&str, &[u8])> = rendered
        .config_map
        .data
        .iter()
        .flatten()
        .map(|(key, value)| (key.as_str(), value.as_bytes()))
        .collect();
    // `secret-hash` last: until it is renamed into place, a gateway reading
    // the directory sees the previous hash, which a changed Secret fails.
    config_files.sort_by_key(|(key, _)| *key == SECRET_HASH_KEY);
    let config_dir = dir.join(CONFIG_DIR);
    write_keys(&config_dir, &config_files, None, None)?;

    Ok(Written {
        manifests,
        mounted: Some([
            (config_dir, config_files.len()),
            (secrets_dir, secret_files.len()),
        ]),
    })
}

/// Makes `dir` hold exactly `files`, one file per key, as kubelet's volume does.
///
/// A file left from an earlier render whose key is gone is removed: the
/// gateway hashes every file in `secrets/`, so one stale key would make it
/// refuse the directory.
fn write_keys(
    dir: &Path,
    files: &[(&str, &[u8])],
    dir_mode: Option<u32>,
    file_mode: Option<u32>,
) -> anyhow::Result<()> {
    for (key, _) in files {
        check_key(key)?;
    }
    create_dir(dir, dir_mode)?;
    for (key, bytes) in files {
        write_file(&dir.join(key), bytes, file_mode)?;
    }
    let listing = |err| anyhow::Error::new(err).context(format!("cannot list {}", dir.display()));
    for entry in fs::read_dir(dir).map_err(listing)? {
        let entry = entry.map_err(listing)?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        // Dot entries are not keys (kubelet's `..data`, our partial files); the
        // gateway skips them too.
        if name.starts_with('.') || files.iter().any(|(key, _)| *key == name) {
            continue;
        }
        let path = entry.path();
        if entry.file_type().is_ok_and(|kind| kind.is_dir()) {
            anyhow::bail!(
                "{} is a directory, where only the files of {}'s keys belong",
                path.display(),
                dir.display()
            );
        }
        fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
    }
    Ok(())
}

/// Refuses a key that is not a plain file name. Kubernetes allows only
/// `[-._a-zA-Z0-9]+` as a ConfigMap or Secret key; a key starting with a dot
/// would be skipped by the gateway, as kubelet's own entries are.
fn check_key(key: &str) -> anyhow::Result<()> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    if key.is_empty() || key.starts_with('.') || !key.chars().all(allowed) {
        anyhow::bail!("the rendered key {key:?} cannot be written as a file of its own");
    }
    Ok(())
}

/// Creates `dir`; with `mode`, creates it with that mode, and narrows it when
/// it already exists with a wider one.
fn create_dir(dir: &Path, mode: Option<u32>) -> anyhow::Result<()> {
    let context = || format!("cannot create {}", dir.display());
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    if let Some(mode) = mode {
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, mode);
    }
    builder.create(dir).with_context(context)?;
    #[cfg(unix)]
    if let Some(mode) = mode {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir, fs::Permissions::from_mode(mode)).with_context(context)?;
    }
    Ok(())
}

/// Writes `bytes` to `path` through a new hidden file renamed over it.
///
/// With `mode`, the new file is created with that mode, so the content is
/// never readable by more than it should be: not while it is written, and not
/// through an older file with wider permissions (or a reader holding one
/// open), which the rename replaces instead of rewriting.
fn write_file(path: &Path, bytes: &[u8], mode: Option<u32>) -> anyhow::Result<()> {
    let context = || format!("cannot write {}", path.display());
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        anyhow::bail!("cannot write {}: not a file path", path.display());
    };
    let partial = dir.join(format!(
        ".{}.{}.partial",
        name.to_string_lossy(),
        std::process::id()
    ));
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if let Some(mode) = mode {
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
    }
    let written = options.open(&partial).and_then(|mut file| {
        file.write_all(bytes)?;
        file.sync_all()
    });
    if let Err(err) = written.and_then(|()| fs::rename(&partial, path)) {
        let _ = fs::remove_file(&partial);
        return Err(err).with_context(context);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_plain_file_names() {
        for key in [
            "config.yaml",
            "secret-hash",
            "chatplatform.chatops.slack.bot-token",
        ] {
            check_key(key).unwrap();
        }
        for key in ["", ".hidden", "..data", "a/b", "../escape", "a b"] {
            assert!(check_key(key).is_err(), "{key:?} accepted");
        }
    }
}
