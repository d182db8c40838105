//! What can go wrong talking to AWX: the toolkit's errors, naming AWX.

use crate::workers::toolkit::errors::{Backend, BackendError};

/// AWX (or Ansible Automation Platform's controller), as errors name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwxApi;

impl Backend for AwxApi {
    const NAME: &'static str = "AWX";
    const CREDENTIAL: &'static str = "token";
}

/// Why an AWX call failed. Names the object and the user, never a secret.
pub type AwxError = BackendError<AwxApi>;
