//! One module per chat platform, each with the same shape: an inbound side
//! (verify, then parse into an [`crate::model::Invocation`]) and an outbound
//! side (a [`Dispatcher`] that renders a [`crate::model::Reply`]).

use std::future::Future;

use crate::model::{Reply, ReplyContext};

pub mod adaptive_card;
pub mod asker;
pub mod files;
pub mod form;
pub mod http;
pub mod json;
pub mod markup;
#[cfg(test)]
mod markup_tests;
pub mod mattermost;
pub mod rendering;
pub mod response_url;
pub mod slack;
pub mod teams;
pub mod webex;

/// Why an answer could not be delivered. Never carries a token.
#[derive(Debug, thiserror::Error)]
pub enum DispatchError {
    /// The platform's API could not be reached or timed out.
    #[error("{api}: request failed: {reason}")]
    Transport {
        /// The API method, e.g. `chat.postMessage`.
        api: &'static str,
        /// What went wrong, without URLs that carry secrets.
        reason: String,
    },
    /// The platform answered with an error.
    #[error("{api}: the platform answered {status}: {error}")]
    Rejected {
        /// The API method.
        api: &'static str,
        /// The HTTP status.
        status: u16,
        /// The platform's error code, e.g. `channel_not_found`.
        error: String,
    },
    /// The platform kept answering 429 after the retries allowed.
    #[error("{api}: still rate limited after {attempts} attempts")]
    RateLimited {
        /// The API method.
        api: &'static str,
        /// How many times it was tried.
        attempts: u32,
    },
    /// The reply cannot be shown on this platform (e.g. a form without a trigger).
    #[error("cannot deliver this reply: {0}")]
    Unsupported(String),
    /// A response URL that points somewhere the platform's answers never go.
    #[error("{api}: not followed: {reason}")]
    UrlRefused {
        /// The API method (`response_url`).
        api: &'static str,
        /// Why, naming the host only.
        reason: response_url::UrlRefused,
    },
}

/// Why a prompt (a menu or a form) cannot be shown on a platform, so the
/// user is asked to type the arguments instead. The `Display` is a sentence
/// for the user; each variant names the platforms whose limit it is.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PromptError {
    /// The signed continuation is longer than the element (Slack) or the card
    /// (Teams, Webex) that must carry it.
    #[error("this prompt's state is too long; type the arguments instead")]
    StateTooLong {
        /// Its length in characters.
        chars: usize,
        /// What the platform allows there.
        limit: usize,
    },
    /// A choice's value is longer than a Slack option may hold.
    #[error("a choice is too long for a Slack menu; type the arguments instead")]
    ValueTooLong {
        /// Its length in characters.
        chars: usize,
    },
    /// More fields than a Slack modal holds.
    #[error("this form has too many fields for Slack; type the arguments instead")]
    TooManyFields {
        /// How many fields the form has.
        fields: usize,
    },
    /// The card is larger than Teams accepts (too many or too long choices).
    /// Webex takes any card that fits its message, so only Teams says this.
    #[error("this prompt is too large to show in Teams; type the arguments instead")]
    CardTooLarge {
        /// The card's size in bytes.
        bytes: usize,
        /// What Teams accepts.
        limit: usize,
    },
    /// A choice has an empty value, which Mattermost refuses.
    #[error("a choice has no value; type the arguments instead")]
    EmptyValue,
}

/// The outcome of deleting an answered prompt: one already gone (404: the
/// user, another click or the platform removed it) is as good as deleted.
pub(crate) fn deleted_or_gone(outcome: Result<(), DispatchError>) -> Result<(), DispatchError> {
    match outcome {
        Err(DispatchError::Rejected { status: 404, .. }) => Ok(()),
        other => other,
    }
}

/// Delivers replies on one chat platform.
pub trait Dispatcher: Send + Sync {
    /// Sends `reply` to the conversation, thread or response URL in `to`.
    /// A [`crate::model::Message`] marked private is shown only to the user who asked.
    fn send(
        &self,
        to: &ReplyContext,
        reply: &Reply,
    ) -> impl Future<Output = Result<(), DispatchError>> + Send;

    /// Removes the prompt the user just answered (`deleteInputOnSubmission`).
    fn delete_prompt(&self, to: &ReplyContext) -> impl Future<Output = Result<(), DispatchError>> + Send;
}
