//! What can go wrong talking to CloudVision: the toolkit's errors, naming CloudVision.

use crate::workers::toolkit::errors::{Backend, BackendError};

/// Arista CloudVision (CVaaS or on-premises CVP), as errors name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CloudVisionApi;

impl Backend for CloudVisionApi {
    const NAME: &'static str = "CloudVision";
    const CREDENTIAL: &'static str = "token or password";
}

/// Why a CloudVision call failed. Names the object and the user, never a secret.
pub type CloudVisionError = BackendError<CloudVisionApi>;
