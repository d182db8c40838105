//! Session tokens of backends that log in (APIC's `aaaLogin`, CVP's
//! `authenticate.do`), kept in memory per login: one login serves many
//! sub-commands, and is refreshed (where the backend can) before it expires.
//! The map is bounded, so that many linked users cannot grow it without
//! end, and neither `Debug` nor any log shows a token.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::time::{Duration, Instant};

/// The most logins whose tokens are kept; the one closest to expiry makes room.
pub const MAX_LOGINS: usize = 256;

/// How long before expiry a token is refreshed, at most: half its life
/// when it is short.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// Whose token: the backend user and a fingerprint of the password, so that a
/// changed password logs in again and no password is kept a second time.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LoginKey {
    user: String,
    fingerprint: u64,
}

impl LoginKey {
    /// The key of `user`'s login with `password`.
    pub fn new(user: &str, password: &str) -> Self {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        password.hash(&mut hasher);
        LoginKey {
            user: user.to_owned(),
            fingerprint: hasher.finish(),
        }
    }
}

/// One session's token and when to refresh it.
#[derive(Clone, PartialEq, Eq)]
pub struct Token {
    /// The token (APIC's `APIC-cookie`, CVP's session id).
    pub value: String,
    /// From then on it is refreshed before use.
    pub refresh_at: Instant,
    /// From then on the backend no longer takes it.
    pub expires_at: Instant,
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

impl Token {
    /// A token issued at `now` that the backend says lives `lifetime`
    /// (APIC's `refreshTimeoutSeconds`): refreshed [`REFRESH_MARGIN`] before it
    /// expires, or halfway through a shorter life.
    pub fn issued(value: String, now: Instant, lifetime: Duration) -> Self {
        let margin = REFRESH_MARGIN.min(lifetime / 2);
        Token {
            value,
            refresh_at: now + (lifetime - margin),
            expires_at: now + lifetime,
        }
    }
}

/// What to do with a kept token at a moment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Use {
    /// Send it.
    Send(String),
    /// Refresh it first (it is still valid).
    Refresh(String),
    /// Log in: there is none, or it expired.
    Login,
}

/// The kept tokens.
#[derive(Default)]
pub struct Tokens {
    kept: HashMap<LoginKey, Token>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Tokens({} logins)", self.kept.len())
    }
}

impl Tokens {
    /// What to do for `key` at `now`.
    pub fn use_at(&self, key: &LoginKey, now: Instant) -> Use {
        match self.kept.get(key) {
            Some(token) if now >= token.expires_at => Use::Login,
            Some(token) if now >= token.refresh_at => Use::Refresh(token.value.clone()),
            Some(token) => Use::Send(token.value.clone()),
            None => Use::Login,
        }
    }

    /// Keeps `token` for `key`, making room when full.
    pub fn keep(&mut self, key: LoginKey, token: Token) {
        if !self.kept.contains_key(&key) && self.kept.len() >= MAX_LOGINS {
            let oldest = self
                .kept
                .iter()
                .min_by_key(|(_, token)| token.expires_at)
                .map(|(key, _)| key.clone());
            if let Some(oldest) = oldest {
                self.kept.remove(&oldest);
            }
        }
        self.kept.insert(key, token);
    }

    /// Forgets `key`'s token (the backend no longer takes it).
    pub fn forget(&mut self, key: &LoginKey) {
        self.kept.remove(key);
    }

    /// How many logins have a token.
    pub fn count(&self) -> usize {
        self.kept.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_sent_then_refreshed_before_expiry_then_replaced() {
        let now = Instant::now();
        let key = LoginKey::new("admin", "pw");
        let mut tokens = Tokens::default();
        assert_eq!(tokens.use_at(&key, now), Use::Login);
        tokens.keep(
            key.clone(),
            Token::issued("t1".to_owned(), now, Duration::from_secs(600)),
        );
        assert_eq!(
            tokens.use_at(&key, now + Duration::from_secs(539)),
            Use::Send("t1".to_owned())
        );
        assert_eq!(
            tokens.use_at(&key, now + Duration::from_secs(540)),
            Use::Refresh("t1".to_owned()),
            "a minute before expiry"
        );
        assert_eq!(tokens.use_at(&key, now + Duration::from_secs(600)), Use::Login);
        let short = Token::issued("t2".to_owned(), now, Duration::from_secs(2));
        assert_eq!(
            short.refresh_at,
            now + Duration::from_secs(1),
            "halfway through a short life"
        );
        assert_eq!(
            format!("{short:?} {tokens:?}"),
            "Token(<redacted>) Tokens(1 logins)"
        );
    }

    #[test]
    fn another_password_is_another_login_and_the_map_is_bounded() {
        assert_ne!(LoginKey::new("admin", "a"), LoginKey::new("admin", "b"));
        let now = Instant::now();
        let mut tokens = Tokens::default();
        for i in 0..=MAX_LOGINS {
            let lifetime = Duration::from_secs(1000 + i as u64);
            tokens.keep(
                LoginKey::new(&format!("u{i}"), "pw"),
                Token::issued(format!("t{i}"), now, lifetime),
            );
        }
        assert_eq!(tokens.count(), MAX_LOGINS);
        assert_eq!(
            tokens.use_at(&LoginKey::new("u0", "pw"), now),
            Use::Login,
            "the closest to expiry left"
        );
        tokens.forget(&LoginKey::new("u1", "pw"));
        assert_eq!(tokens.count(), MAX_LOGINS - 1);
    }
}
