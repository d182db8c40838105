//! The access form of [`crate::prompts`] sent through a platform's own
//! dispatcher, as a worker's form reaches the chat.

use chatops_gateway::{
    model::{Prompt, Reply, ReplyContext},
    platforms::Dispatcher,
};

use crate::prompts::access_form;

/// Sends [`access_form`] of `to`'s user in `to`'s conversation on `platform`,
/// its continuation signed with `key`, through `dispatcher`.
pub async fn send_access_form(dispatcher: &impl Dispatcher, platform: &str, key: &[u8], to: &ReplyContext) {
    let user = to.user.as_deref().expect("a user to ask");
    let channel = to.conversation.as_deref().expect("a conversation to ask in");
    let form = access_form(platform, user, channel, key);
    dispatcher
        .send(to, &Reply::Prompt(Prompt::Form(form)))
        .await
        .expect("the form is sent");
}
