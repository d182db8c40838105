//! The original's command tokens to the Mattermost ChatPlatform's slash
//! command tokens. Only Mattermost checks a per-command token; a token for
//! any other platform has no use here.

use super::{SecretDoc, SecretValue, placeholder};
use crate::import::notes::Notes;
use crate::import::source::RawToken;

/// Adds the Mattermost tokens to `secret` (keys `slash-token-1`...) and
/// returns their references; the rest go to `notes`. With `reveal` the real
/// tokens are written, else placeholders naming the comment.
pub fn map(
    tokens: &[RawToken],
    mattermost: bool,
    secret: Option<&mut SecretDoc>,
    reveal: bool,
    notes: &mut Notes,
) -> Vec<chatops_crds::SecretKeyRef> {
    let mut refs = Vec::new();
    let mut secret = secret;
    for token in tokens {
        let what = if token.comment.is_empty() {
            format!("{} command token {}", token.platform, token.id)
        } else {
            format!("{} command token {:?}", token.platform, token.comment)
        };
        if token.platform != "mattermost" {
            notes.skip(
                what,
                "only Mattermost slash commands carry a token; this platform verifies requests otherwise",
            );
            continue;
        }
        let Some(secret) = secret.as_deref_mut().filter(|_| mattermost) else {
            notes.skip(what, "no Mattermost ChatPlatform is imported (see --platform)");
            continue;
        };
        let key = format!("slash-token-{}", refs.len() + 1);
        let value = if reveal {
            SecretValue::Real(token.token.trim().to_owned())
        } else {
            let label = if token.comment.is_empty() {
                "a Mattermost slash command token".to_owned()
            } else {
                format!("the Mattermost slash command token {:?}", token.comment)
            };
            placeholder(&label, "the original's CommandToken; --reveal-secrets copies it")
        };
        refs.push(secret.add(&key, value));
    }
    refs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(platform: &str, value: &str, comment: &str) -> RawToken {
        RawToken {
            id: "id".into(),
            platform: platform.into(),
            token: value.into(),
            comment: comment.into(),
        }
    }

    #[test]
    fn mattermost_tokens_become_slash_tokens_and_others_are_noted() {
        let tokens = [
            token("mattermost", "tok1", "/nautobot"),
            token("slack", "x", ""),
            token("mattermost", "tok2", ""),
        ];
        let mut notes = Notes::default();
        let mut secret = SecretDoc::new("mm", "mattermost");
        let refs = map(&tokens, true, Some(&mut secret), false, &mut notes);
        assert_eq!(refs.len(), 2);
        assert_eq!(refs[1].key, "slash-token-2");
        assert_eq!(notes.skipped.len(), 1);
        assert!(
            format!("{:?}", secret.entries)
                .contains("REPLACE-ME: the Mattermost slash command token \\\"/nautobot\\\"")
        );
        assert!(!format!("{:?}", secret.entries).contains("tok1"));

        let mut revealed = SecretDoc::new("mm", "mattermost");
        map(&tokens, true, Some(&mut revealed), true, &mut Notes::default());
        assert_eq!(revealed.entries[0].1, SecretValue::Real("tok1".into()));
    }

    #[test]
    fn without_a_mattermost_platform_the_tokens_are_noted() {
        let mut notes = Notes::default();
        let refs = map(&[token("mattermost", "t", "c")], false, None, true, &mut notes);
        assert!(refs.is_empty());
        assert!(notes.skipped[0].reason.contains("--platform"));
    }
}
