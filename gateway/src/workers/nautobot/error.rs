//! What can go wrong talking to Nautobot: the toolkit's errors, naming Nautobot.

use crate::workers::toolkit::errors::{Backend, BackendError};

/// Nautobot, as errors and messages name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NautobotApi;

impl Backend for NautobotApi {
    const NAME: &'static str = "Nautobot";
    const CREDENTIAL: &'static str = "token";
}

/// Why a Nautobot call failed. Names the object and the user, never a token.
pub type NautobotError = BackendError<NautobotApi>;
