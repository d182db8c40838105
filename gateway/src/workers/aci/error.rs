//! What can go wrong talking to APIC: the toolkit's errors, naming APIC.

use crate::workers::toolkit::errors::{Backend, BackendError};

/// Cisco APIC's REST API, as errors name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AciApi;

impl Backend for AciApi {
    const NAME: &'static str = "APIC";
    const CREDENTIAL: &'static str = "password";
}

/// Why an APIC call failed. Names the object and the user, never a secret.
pub type AciError = BackendError<AciApi>;
