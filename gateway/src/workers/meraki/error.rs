//! What can go wrong talking to Meraki: the toolkit's errors, naming Meraki.

use crate::workers::toolkit::errors::{Backend, BackendError};

/// Cisco Meraki's Dashboard API, as errors name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MerakiApi;

impl Backend for MerakiApi {
    const NAME: &'static str = "Meraki";
    const CREDENTIAL: &'static str = "API key";
}

/// Why a Meraki call failed. Names the object and the user, never a key.
pub type MerakiError = BackendError<MerakiApi>;
