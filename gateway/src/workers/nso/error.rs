//! What can go wrong talking to NSO: the toolkit's errors, naming NSO.

use crate::workers::toolkit::errors::{Backend, BackendError};

/// Cisco NSO's RESTCONF API, as errors name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NsoApi;

impl Backend for NsoApi {
    const NAME: &'static str = "NSO";
    const CREDENTIAL: &'static str = "password";
}

/// Why an NSO call failed. Names the object and the user, never a secret.
pub type NsoError = BackendError<NsoApi>;
