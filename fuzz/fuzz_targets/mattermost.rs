//! Mattermost: a slash command's form (or GET query) with its token check,
//! and an action callback's JSON (a button, a menu, a dialog submission).
//! The callback's signed context is checked next in production; here the
//! fuzzed context is also sealed with the key, so that what
//! `verify_action` and `verify_dialog` read after the MAC is fuzzed too.
#![no_main]

use chatops_gateway::platforms::mattermost::{
    inbound::{self, ActionRequest},
    verify,
};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

const KEY: &[u8] = b"fuzz-continuation-key";

fuzz_target!(|body: &[u8]| {
    let tokens = ["qzgakf1nx3yt9dr4n8585ihbxy", ""];
    let _ = verify::verify_slash_command(&tokens, Some("Token qzgakf1nx3yt9dr4n8585ihbxy"), body);
    let _ = verify::verify_slash_command(&tokens, None, body);
    let _ = inbound::parse_slash_command(body);

    match inbound::parse_action(body) {
        Ok(ActionRequest::Action(mut action)) => {
            let _ = verify::verify_action(KEY, &action);
            action.context = verify::seal_context(KEY, std::mem::take(&mut action.context));
            let _ = verify::verify_action(KEY, &action);
        }
        Ok(ActionRequest::Dialog(mut dialog)) => {
            let _ = verify::verify_dialog(KEY, &dialog);
            if let Ok(Value::Object(state)) = serde_json::from_str(&dialog.state) {
                dialog.state = Value::Object(verify::seal_context(KEY, state)).to_string();
                let _ = verify::verify_dialog(KEY, &dialog);
            }
        }
        Ok(ActionRequest::Other(_)) | Err(_) => {}
    }
});
