//! Microsoft Teams through the Bot Framework: activities in (under
//! `/hooks/{name}/messages`), each admitted only with a valid Bot Framework
//! JWT ([`verify`] against the keys [`keys`] caches); the Bot Connector
//! REST API out ([`client`], with the app's token from [`token`]).
//!
//! Answers are markdown messages and Adaptive Cards rendered by [`cards`];
//! [`app_package`] builds the Teams app an admin uploads, from the
//! ChatPlatform ([`package_input`]).

pub mod activity;
pub mod app_package;
pub mod cards;
pub mod client;
pub mod dispatcher;
pub mod keys;
pub mod package_input;
pub mod token;
pub mod verify;
mod wire;
