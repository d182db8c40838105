//! Mattermost: slash commands, interactive message buttons and menus, and
//! interactive dialogs in; the API v4 out.
//!
//! Mattermost signs nothing. A slash command carries the command's static
//! token (checked in constant time by [`verify`]); a button, menu or dialog
//! callback carries no credential at all, so every prompt the gateway posts
//! holds its own MAC in the action's `context` (or the dialog's `state`), and
//! a callback without it is refused ([`verify::verify_action`],
//! [`verify::verify_dialog`]).
//!
//! Pure: [`inbound`] parses, [`verify`] checks, [`render`] turns the neutral
//! model into the JSON of `POST /api/v4/posts`, `/api/v4/posts/ephemeral` and
//! `/api/v4/actions/dialogs/open`. [`client`] sends them (API v4 with the bot
//! token) and [`dispatcher`] decides what to send where.

pub mod client;
pub mod dispatcher;
pub mod inbound;
pub mod render;
pub mod verify;

#[cfg(test)]
mod tests;
