//! The chatops operator: turns chatops.dev resources into the gateway's
//! ConfigMap and Secret.
//!
//! So far this holds the offline half: [`render`] (the pure step from a
//! [`chatops_crds::Compiled`] to the two objects) and the `crdgen` and
//! `render` commands of the `chatops-operator` binary. The cluster half
//! (watches, server-side apply, status, Events) builds on the same `render`.

pub mod render;
