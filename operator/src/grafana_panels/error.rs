//! What can keep `grafana-panels` from declaring the panels. No message
//! carries the token, nor the URL's path or query.

use std::path::PathBuf;

/// Why the panels could not be declared.
#[derive(Debug, thiserror::Error)]
pub enum GrafanaPanelsError {
    /// Neither a token file nor `GRAFANA_TOKEN`.
    #[error("no Grafana token: give --token-file PATH or set GRAFANA_TOKEN")]
    NoToken,
    /// The token file could not be read.
    #[error("cannot read the token file {0}: {1}")]
    TokenFile(PathBuf, std::io::Error),
    /// The token file or variable holds only whitespace.
    #[error("the Grafana token is empty")]
    EmptyToken,
    /// `--url` is not a Grafana URL that can be called.
    #[error("--url {0}")]
    BadUrl(&'static str),
    /// `--token-secret` is not `NAME/KEY`.
    #[error("--token-secret takes NAME/KEY, the Secret and the key in it that hold the token")]
    BadSecretRef,
    /// Grafana did not take the token.
    #[error(
        "Grafana refused the token (401 Unauthorized): is it a valid service account token of this Grafana?"
    )]
    Unauthorized,
    /// The token may not read something asked for.
    #[error("the token may not read {0} (403 Forbidden)")]
    Forbidden(String),
    /// Something asked for does not exist.
    #[error("Grafana has no {0} (404 Not Found)")]
    NotFound(String),
    /// A redirect: a proxy's login page, or a URL that is not Grafana's root.
    #[error(
        "Grafana answered {0} with a redirect (HTTP {1}), probably to a login page: is --url Grafana's root?"
    )]
    Redirected(String, u16),
    /// Any other status.
    #[error("Grafana answered HTTP {1} when asked for {0}")]
    Status(String, u16),
    /// The HTTP client could not be built (no TLS backend); the message says so.
    #[error("{0}")]
    Client(String),
    /// Grafana could not be reached, or did not answer in time.
    #[error("cannot reach Grafana at {0}")]
    Unreachable(String),
    /// An answer that is not what Grafana's API gives.
    #[error("Grafana's answer for {0} is not what its API gives: {1}")]
    Malformed(String, String),
    /// Nothing to declare.
    #[error("no dashboard with panels to declare{0}")]
    Nothing(&'static str),
    /// The output would not apply (a name or endpoint the CRD refuses).
    #[error("the output would not pass the Integration CRD: {0}")]
    Schema(String),
    /// The output could not be written as YAML.
    #[error("cannot write the declaration as YAML: {0}")]
    Yaml(String),
}
