//! Properties: the parser takes anything, tokens survive the round trip and no edit, and what
//! is decoded behind a valid tag (a leaked key) is never trusted to be well formed.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use proptest::prelude::*;

use crate::commands::continuation::seal;
use crate::commands::{ContinuationError, derive_key, parse_command_text, sign, verify};
use crate::model::Continuation;

/// The bytes of a token's truncated HMAC-SHA256 tag, at its end.
const TAG_LEN: usize = 16;

fn continuation() -> impl Strategy<Value = Continuation> {
    (
        ".{0,20}",
        ".{0,20}",
        ".{0,20}",
        ".{0,20}",
        prop::option::of(".{1,20}"),
        prop::collection::vec(".{0,30}", 0..6),
        any::<u64>(),
    )
        .prop_map(
            |(platform, user, command, subcommand, channel, arguments, issued_at)| Continuation {
                platform,
                user,
                command,
                subcommand,
                channel,
                arguments,
                issued_at,
            },
        )
}

proptest! {
    #[test]
    fn parsing_never_panics(text in ".{0,200}") {
        let parsed = parse_command_text(&text);
        prop_assert!(!parsed.command.contains(char::is_whitespace));
        prop_assert!(!parsed.command.contains('-'));
    }

    #[test]
    fn parsing_quote_heavy_text_never_panics(text in "[a-z '\"\\\\\u{201c}\u{201d}\u{2018}\u{2019}\t-]{0,60}") {
        parse_command_text(&text);
    }

    #[test]
    fn tokens_round_trip(state in continuation(), secret in ".{0,40}") {
        let key = derive_key(&secret);
        let token = sign(&state, &key);
        let verified = verify(&token, &key, state.issued_at, 0, &state.platform, &state.user);
        prop_assert_eq!(verified, Ok(state));
    }

    #[test]
    fn no_single_byte_edit_verifies(state in continuation(), at in any::<prop::sample::Index>(), flip in 1u8..=255) {
        let key = derive_key("secret");
        let mut bytes = URL_SAFE_NO_PAD.decode(sign(&state, &key)).unwrap();
        let at = at.index(bytes.len());
        bytes[at] ^= flip;
        let token = URL_SAFE_NO_PAD.encode(&bytes);
        prop_assert!(verify(&token, &key, state.issued_at, 0, &state.platform, &state.user).is_err());
    }

    #[test]
    fn arbitrary_tokens_never_panic(token in "[A-Za-z0-9_-]{0,300}") {
        let _ = verify(&token, &derive_key("secret"), 0, 0, "", "");
    }

    /// Any bytes after the version byte, under a valid tag: decoded or refused, never a panic
    /// (the fuzz target `continuation` does this with coverage guidance, on nightly).
    #[test]
    fn signed_garbage_never_panics(rest in prop::collection::vec(any::<u8>(), 0..300)) {
        let key = derive_key("secret");
        let version = URL_SAFE_NO_PAD.decode(sign(&sample_state(), &key)).unwrap()[0];
        let body = [&[version][..], &rest].concat();
        let _ = verify(&seal(body, &key), &key, 0, u64::MAX, "", "");
    }

    /// A signed body cut short and signed again is malformed: the encoding has no complete
    /// prefix, so no field can be dropped from the end unnoticed.
    #[test]
    fn truncated_bodies_are_malformed(state in continuation(), cut in any::<prop::sample::Index>()) {
        let key = derive_key("secret");
        let bytes = URL_SAFE_NO_PAD.decode(sign(&state, &key)).unwrap();
        let body = &bytes[..bytes.len() - TAG_LEN];
        let cut = 1 + cut.index(body.len() - 1);
        let token = seal(body[..cut].to_vec(), &key);
        let verified = verify(&token, &key, state.issued_at, u64::MAX, &state.platform, &state.user);
        prop_assert_eq!(verified, Err(ContinuationError::Malformed));
    }
}

fn sample_state() -> Continuation {
    Continuation {
        platform: String::new(),
        user: String::new(),
        command: String::new(),
        subcommand: String::new(),
        channel: None,
        arguments: Vec::new(),
        issued_at: 0,
    }
}
