//! What the person asking is told when a backend call fails: a refusal, a
//! missing object or a bad value as a private error sentence they can act
//! on; an outage as a failed command, which the router reports and counts.

use super::errors::{Backend, BackendError};
use super::render::error;
use crate::commands::{Call, CommandError};
use crate::model::Reply;

/// A sub-command's result as the router takes it.
pub fn answer<B: Backend>(result: Result<Reply, BackendError<B>>) -> Result<Reply, CommandError> {
    result.or_else(told)
}

/// What the person asking is told of `failure`: a private error sentence
/// when they can act on it, else a failed command. For an integration that
/// asks two backends (Grafana, with choices from Nautobot).
pub fn told<B: Backend>(failure: BackendError<B>) -> Result<Reply, CommandError> {
    if failure.is_answer() {
        Ok(error(sentence(&failure.to_string())))
    } else {
        Err(CommandError(failure.to_string()))
    }
}

/// Neither the chat user nor the Integration has a credential for `B`.
pub fn no_credential<B: Backend>(call: &Call<'_>) -> Reply {
    let (backend, credential) = (B::NAME, B::CREDENTIAL);
    error(format!(
        "There is no {backend} {credential} to act with: link your chat account to a {backend} user with a \
         {credential} (`{}chatops whoami` shows the AccountLink to commit), or give the Integration a \
         {credential} for the fallback user.",
        call.prefix()
    ))
}

/// `you may not …` → `You may not ….`
pub fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => format!(
            "{}{}.",
            first.to_uppercase(),
            chars.as_str().trim_end_matches('.')
        ),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::errors::tests::Grafana;
    use super::*;
    use crate::model::{Block, Level, Message};

    #[test]
    fn a_sentence_starts_with_a_capital_and_ends_with_one_full_stop() {
        for (error, said) in [
            ("you may not run jobs.", "You may not run jobs."),
            ("Grafana answered 400", "Grafana answered 400."),
            ("", ""),
        ] {
            assert_eq!(sentence(error), said);
        }
    }

    #[test]
    fn a_refusal_is_told_privately_and_an_outage_fails_the_command() {
        let refused: Result<Reply, BackendError<Grafana>> = Err(BackendError::Forbidden {
            user: "chatbot".to_owned(),
            linked: false,
            action: "run".to_owned(),
            object: "dashboards".to_owned(),
        });
        let Ok(Reply::Message(Message {
            level,
            blocks,
            private,
            ..
        })) = answer(refused)
        else {
            panic!("a message");
        };
        assert_eq!((level, private), (Level::Error, true));
        assert_eq!(
            blocks,
            [Block::Text(
                "You (not linked, acting as chatbot) may not run dashboards in Grafana.".to_owned()
            )]
        );

        let down: Result<Reply, BackendError<Grafana>> = Err(BackendError::Timeout { seconds: 9 });
        assert_eq!(
            answer(down),
            Err(CommandError("Grafana did not answer within 9 s".to_owned()))
        );
    }
}
