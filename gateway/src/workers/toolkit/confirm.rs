//! Confirmation for destructive sub-commands: the change is made only when
//! its last argument is `yes`, given by a one-choice menu or typed ahead.

use crate::commands::{Call, SubcommandSpec};
use crate::model::{Choice, Level, Message, Reply};

/// The argument that confirms.
pub const YES: &str = "yes";

/// `sub` with the optional last parameter `confirm`, which makes `what`
/// ("change it") without asking.
pub fn confirmable(sub: SubcommandSpec, what: &str) -> SubcommandSpec {
    sub.optional_param("confirm", format!("`{YES}` to {what} without asking"))
}

/// A change about to be made, and how to ask about it.
pub struct Change {
    /// The question: "Change the status of **X** from **A** to **B**?".
    pub question: String,
    /// The one choice that makes it: "Yes, make it B".
    pub yes: String,
    /// What is said when the answer is not `yes`: "Not changed: …".
    pub declined: String,
}

/// Whether argument `index` of `call` confirms `change`: `None` when it is
/// `yes` (go ahead), else the reply to give (the question, or, for any
/// other answer, that nothing changed, said privately).
pub fn confirm(call: &Call<'_>, index: usize, change: Change) -> Option<Reply> {
    match call.arg(index).map(str::trim) {
        Some(answer) if answer.eq_ignore_ascii_case(YES) => None,
        None | Some("") => Some(call.menu(
            change.question,
            vec![Choice {
                label: change.yes,
                value: YES.to_owned(),
            }],
        )),
        Some(_) => Some(Reply::Message(
            Message::text(Level::Info, change.declined).privately(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_confirmable_sub_command_takes_yes_as_its_last_optional_parameter() {
        let sub = confirmable(
            SubcommandSpec::new("delete-device", "Delete a device").param("device", "The device's name"),
            "delete it",
        );
        let last = sub.params.last().expect("a parameter");
        assert_eq!(
            (last.name.as_str(), last.doc.as_str(), last.optional),
            ("confirm", "`yes` to delete it without asking", true)
        );
        assert_eq!(sub.params.len(), 2, "after the others");
    }
}
