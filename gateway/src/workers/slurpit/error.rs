//! What can go wrong talking to Slurpit: the toolkit's errors, naming Slurpit.

use crate::workers::toolkit::errors::{Backend, BackendError};

/// Slurpit's portal API, as errors name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlurpitApi;

impl Backend for SlurpitApi {
    const NAME: &'static str = "Slurpit";
    const CREDENTIAL: &'static str = "token";
}

/// Why a Slurpit call failed. Names the object and the user, never a secret.
pub type SlurpitError = BackendError<SlurpitApi>;
