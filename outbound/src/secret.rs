//! A token or password that never shows in `Debug`.

/// A bot token, API token or app password. `Debug` prints no part of it.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The request with `Authorization: Bearer …`, marked sensitive so that
    /// reqwest's own logging never shows it.
    pub fn authorize(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        request.bearer_auth(&self.0)
    }

    /// The value itself, for a form field or another authorization scheme.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::Secret as Token;

    #[test]
    fn a_token_never_shows_in_debug() {
        let token = Token::new("xoxb-secret");
        assert!(!format!("{token:?}").contains("xoxb"));
    }
}
