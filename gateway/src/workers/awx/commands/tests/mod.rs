//! What a person sees of every awx sub-command: the pure `render_*`
//! functions and the survey's form and answers, fed with answers shaped as
//! AWX 24 gives them, read through the same serde structs the sub-commands
//! use. The worker behind the router, against the fake AWX, is tested in
//! `awx/tests`.

mod follow;
mod launch;
mod lists;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::model::{Block, Message, Reply};

/// `value` read as the sub-commands read AWX's answers.
fn read<T: DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).unwrap_or_else(|err| panic!("not read as AWX's answer: {err}"))
}

/// The message of a reply.
fn message(reply: &Reply) -> &Message {
    match reply {
        Reply::Message(message) => message,
        other => panic!("a message, not {other:?}"),
    }
}

/// The rows of the reply's one table.
fn rows(reply: &Reply) -> Vec<Vec<String>> {
    message(reply)
        .blocks
        .iter()
        .find_map(|block| match block {
            Block::Table(table) => Some(table.rows.clone()),
            _ => None,
        })
        .expect("a table")
}

/// The texts of the reply's text blocks.
fn texts(reply: &Reply) -> Vec<String> {
    message(reply)
        .blocks
        .iter()
        .filter_map(|block| match block {
            Block::Text(text) => Some(text.clone()),
            _ => None,
        })
        .collect()
}
