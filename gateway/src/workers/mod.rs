//! Workers: one module per integration, each answering its command's
//! sub-commands by calling the backend's API as the linked user, built on
//! the shared [`toolkit`].

pub mod aci;
pub mod awx;
pub mod cloudvision;
pub mod grafana;
pub mod ipfabric;
pub mod meraki;
pub mod nautobot;
pub mod nso;
pub mod panorama;
pub mod slurpit;
pub mod toolkit;
