//! Loading a configuration from one of the two sources.

use std::path::{Path, PathBuf};

use chatops_crds::{
    Diagnostic,
    config::{GatewayConfig, GatewaySecrets, SecretKey},
    manifests::{self, ManifestError},
};

/// The ConfigMap file holding the configuration, as the operator renders it.
pub const CONFIG_FILE: &str = "config.yaml";
/// The ConfigMap file holding the hash of the Secret the configuration expects.
pub const SECRET_HASH_FILE: &str = "secret-hash";

/// Where the configuration is read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigSource {
    /// A directory of ChatPlatform, AccessGrant, AccountLink, Integration and
    /// Secret manifests, compiled in process (no cluster needed).
    Manifests {
        /// The directory, read recursively.
        dir: PathBuf,
        /// Namespace for manifests that name none.
        namespace: String,
    },
    /// The operator's rendered ConfigMap and Secret, mounted as
    /// `{dir}/config/` and `{dir}/secrets/`.
    Rendered {
        /// The parent of both mounts.
        dir: PathBuf,
    },
}

/// A configuration that loaded.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The configuration.
    pub config: GatewayConfig,
    /// Its secret material.
    pub secrets: GatewaySecrets,
    /// What compile said of resources left out (standalone mode only).
    pub rejected: Vec<Diagnostic>,
}

/// Why a configuration could not be loaded. Names files, never secret values.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The manifests could not be read.
    #[error(transparent)]
    Manifests(#[from] ManifestError),
    /// A mounted file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The rendered configuration is not what the operator writes.
    #[error("{path} is not a valid gateway configuration: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What the parser said.
        message: String,
    },
    /// The mounted Secret is not the one the configuration was rendered with
    /// (kubelet updates the two volumes independently); it will catch up.
    #[error("the mounted Secret does not match the configuration yet (expected {expected}, found {found})")]
    SecretOutOfDate {
        /// The hash the ConfigMap names.
        expected: String,
        /// The hash of the mounted Secret.
        found: String,
    },
}

impl ConfigSource {
    /// The directory to watch for changes.
    pub fn watched_dir(&self) -> &Path {
        match self {
            ConfigSource::Manifests { dir, .. } | ConfigSource::Rendered { dir } => dir,
        }
    }

    /// Reads the configuration as it is now.
    pub fn load(&self) -> Result<Loaded, LoadError> {
        match self {
            ConfigSource::Manifests { dir, namespace } => {
                let loaded = manifests::load_dir(dir, namespace)?;
                let compiled = loaded.compile();
                let rejected = compiled.rejected().cloned().collect();
                Ok(Loaded {
                    config: compiled.config,
                    secrets: compiled.secrets,
                    rejected,
                })
            }
            ConfigSource::Rendered { dir } => load_rendered(&dir.join("config"), &dir.join("secrets")),
        }
    }
}

fn load_rendered(config_dir: &Path, secrets_dir: &Path) -> Result<Loaded, LoadError> {
    let config_path = config_dir.join(CONFIG_FILE);
    let text = read(&config_path)?;
    let config: GatewayConfig = serde_saphyr::from_str(&text).map_err(|err| LoadError::Invalid {
        path: config_path.clone(),
        message: err.to_string(),
    })?;
    let expected = read(&config_dir.join(SECRET_HASH_FILE))?.trim().to_owned();

    let mut secrets = GatewaySecrets::default();
    let entries = std::fs::read_dir(secrets_dir).map_err(|source| LoadError::Io {
        path: secrets_dir.to_owned(),
        source,
    })?;
    for entry in entries {
        let entry = entry.map_err(|source| LoadError::Io {
            path: secrets_dir.to_owned(),
            source,
        })?;
        let name = entry.file_name().to_string_lossy().into_owned();
        // kubelet's `..data` and timestamped directories: the keys are the visible links.
        if name.starts_with('.') {
            continue;
        }
        secrets.0.insert(SecretKey(name), read(&entry.path())?);
    }
    let found = secrets.content_hash();
    if found != expected {
        return Err(LoadError::SecretOutOfDate { expected, found });
    }
    Ok(Loaded {
        config,
        secrets,
        rejected: Vec::new(),
    })
}

fn read(path: &Path) -> Result<String, LoadError> {
    std::fs::read_to_string(path).map_err(|source| LoadError::Io {
        path: path.to_owned(),
        source,
    })
}
