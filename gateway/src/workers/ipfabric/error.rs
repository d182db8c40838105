//! What can go wrong talking to IP Fabric: the toolkit's errors, naming IP Fabric.

use crate::workers::toolkit::errors::{Backend, BackendError};

/// IP Fabric's REST API, as errors name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IpfabricApi;

impl Backend for IpfabricApi {
    const NAME: &'static str = "IP Fabric";
    const CREDENTIAL: &'static str = "API token";
}

/// Why an IP Fabric call failed. Names the table and the user, never a token.
pub type IpfabricError = BackendError<IpfabricApi>;
