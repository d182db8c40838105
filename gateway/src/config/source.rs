//! Where the configuration comes from, and what can go wrong loading it.

use std::path::{Path, PathBuf};

use chatops_crds::{
    Diagnostic,
    config::{GatewayConfig, GatewaySecrets},
    manifests::{self, ManifestError},
};

use super::rendered::{CONFIG_KEY, load_mounted};

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
    /// The operator's rendered ConfigMap and Secret, both named `name`, watched
    /// through the Kubernetes API (see [`super::watch_cluster`]): a change
    /// arrives in about a second, where kubelet's volume sync can take a minute.
    Cluster {
        /// The namespace of both objects.
        namespace: String,
        /// The name of both objects.
        name: String,
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

/// Why a configuration could not be loaded. Names files, objects and keys, never secret values.
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
    #[error("{CONFIG_KEY} is not a valid gateway configuration: {message}")]
    Invalid {
        /// What the parser said (the configuration holds no secret values).
        message: String,
    },
    /// The rendered ConfigMap lacks a key the operator always writes.
    #[error("{object} has no key {key}")]
    MissingKey {
        /// `ConfigMap namespace/name`.
        object: String,
        /// The key.
        key: String,
    },
    /// A value of the rendered Secret is not UTF-8 text.
    #[error("{object} key {key} is not UTF-8 text")]
    NotText {
        /// `Secret namespace/name`.
        object: String,
        /// The key (never the value).
        key: String,
    },
    /// A watched object is not there: not created yet, or deleted.
    #[error("{object} not found")]
    NotFound {
        /// `Kind namespace/name`.
        object: String,
    },
    /// The cluster source is fed by its watch; there is nothing to read on demand.
    #[error("the configuration from the cluster arrives through the API watch, not by reading")]
    WatchOnly,
    /// The Secret is not the one the configuration was rendered with (the two
    /// objects, or kubelet's two volumes, change separately); it will catch up.
    #[error("the Secret does not match the configuration yet (expected {expected}, found {found})")]
    SecretOutOfDate {
        /// The hash the ConfigMap names.
        expected: String,
        /// The hash of the Secret seen.
        found: String,
    },
}

impl ConfigSource {
    /// The directory to watch for changes; `None` for the cluster source.
    pub fn watched_dir(&self) -> Option<&Path> {
        match self {
            ConfigSource::Manifests { dir, .. } | ConfigSource::Rendered { dir } => Some(dir),
            ConfigSource::Cluster { .. } => None,
        }
    }

    /// Reads the configuration as it is now.
    ///
    /// The cluster source answers [`LoadError::WatchOnly`]: its objects arrive
    /// through [`super::watch_cluster`].
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
            ConfigSource::Rendered { dir } => load_mounted(&dir.join("config"), &dir.join("secrets")),
            ConfigSource::Cluster { .. } => Err(LoadError::WatchOnly),
        }
    }
}
