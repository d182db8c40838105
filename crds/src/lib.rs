//! The `chatops.dev/v1alpha1` API: the four custom resources, the gateway
//! configuration they compile into, and [`compile()`] itself.
//!
//! Everything here is plain data and pure functions: no Kubernetes client and
//! no network. The operator feeds [`compile()`] from watches; the gateway's
//! standalone mode and `chatops-operator render` feed it from YAML files.

// kube-derive's `printcolumn(...)` attributes repeat `type_ = "string"`, which
// this lint mistakes for a duplicated attribute.
#![allow(clippy::duplicated_attributes)]

#[macro_use]
mod resource;

pub mod access_grant;
pub mod account_link;
pub mod chat_platform;
pub mod common;
pub mod compile;
pub mod config;
pub mod crd;
pub mod diagnostic;
pub mod integration;
pub mod manifests;
pub mod reference;
pub mod schema;
pub mod settings;

pub use access_grant::{AccessGrant, AccessGrantSpec, GrantType};
pub use account_link::{AccountLink, AccountLinkSpec, AccountLinkStatus, IntegrationToken};
pub use chat_platform::{ChatPlatform, ChatPlatformSpec, PlatformType};
pub use common::{Condition, ConditionStatus, ConditionType, GROUP, ResourceStatus, SecretKeyRef, VERSION};
pub use compile::{Compiled, Resources, compile};
pub use diagnostic::{Diagnostic, Kind, ObjectKey, Reason};
pub use integration::{Integration, IntegrationCredentials, IntegrationSpec, IntegrationType, TlsSettings};
