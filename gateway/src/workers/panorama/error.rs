//! What can go wrong talking to Panorama: the toolkit's errors, naming Panorama.

use crate::workers::toolkit::errors::{Backend, BackendError};

/// Palo Alto Networks Panorama's XML API, as errors name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PanoramaApi;

impl Backend for PanoramaApi {
    const NAME: &'static str = "Panorama";
    const CREDENTIAL: &'static str = "password";
}

/// Why a Panorama call failed. Names the object and the user, never a secret.
pub type PanoramaError = BackendError<PanoramaApi>;
