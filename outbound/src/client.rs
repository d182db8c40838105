//! Building the HTTP client every outbound call shares.

use std::time::Duration;

use crate::OutboundError;

/// `chatops-gateway/0.1.0`: the user agent of `binary` at `version`.
pub fn user_agent(binary: &str, version: &str) -> String {
    format!("{binary}/{version}")
}

/// How a [`Client`] connects.
#[derive(Clone, Debug, Default)]
pub struct ClientSettings {
    /// Sent as `User-Agent` (see [`user_agent`]); none when empty.
    pub user_agent: String,
    /// How long a whole request may take, unless the call's policy says otherwise.
    pub timeout: Option<Duration>,
    /// How long connecting may take.
    pub connect_timeout: Option<Duration>,
    /// Certificates (a PEM bundle) trusted besides the system's roots.
    pub extra_ca_pem: Option<String>,
    /// Skip certificate verification (labs only; the caller warns once).
    pub insecure_skip_verify: bool,
    /// Follow up to this many redirects; 0 (the default) follows none, since
    /// a redirect would carry the request's token to wherever it points.
    pub max_redirects: usize,
    /// Speak HTTP/1.1 only, never HTTP/2: for connections upgraded to
    /// WebSocket, which HTTP/2 cannot carry (Slack Socket Mode).
    pub http1_only: bool,
}

impl ClientSettings {
    /// Settings with `user_agent` and nothing else.
    pub fn new(user_agent: impl Into<String>) -> Self {
        ClientSettings {
            user_agent: user_agent.into(),
            ..ClientSettings::default()
        }
    }

    /// Sets the whole-request timeout.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sets the connect timeout.
    pub fn with_connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Trusts the certificates of `pem` (a bundle) besides the system's roots.
    pub fn with_extra_ca(mut self, pem: Option<String>) -> Self {
        self.extra_ca_pem = pem;
        self
    }

    /// Skips certificate verification when `insecure`.
    pub fn with_insecure_skip_verify(mut self, insecure: bool) -> Self {
        self.insecure_skip_verify = insecure;
        self
    }

    /// Speaks HTTP/1.1 only (for WebSocket upgrades).
    pub fn with_http1_only(mut self) -> Self {
        self.http1_only = true;
        self
    }

    /// Builds the client.
    pub fn build(&self) -> Result<Client, OutboundError> {
        let redirects = match self.max_redirects {
            0 => reqwest::redirect::Policy::none(),
            n => reqwest::redirect::Policy::limited(n),
        };
        // The proxy comes from the environment (HTTPS_PROXY, NO_PROXY), reqwest's default.
        let mut builder = reqwest::Client::builder()
            .redirect(redirects)
            .danger_accept_invalid_certs(self.insecure_skip_verify);
        if !self.user_agent.is_empty() {
            builder = builder.user_agent(&self.user_agent);
        }
        if let Some(timeout) = self.timeout {
            builder = builder.timeout(timeout);
        }
        if self.http1_only {
            builder = builder.http1_only();
        }
        if let Some(timeout) = self.connect_timeout {
            builder = builder.connect_timeout(timeout);
        }
        if let Some(pem) = &self.extra_ca_pem {
            let certificates = reqwest::Certificate::from_pem_bundle(pem.as_bytes())
                .map_err(|err| OutboundError::CaBundle(err.to_string()))?;
            for certificate in certificates {
                builder = builder.add_root_certificate(certificate);
            }
        }
        let inner = builder
            .build()
            .map_err(|err| OutboundError::Build(crate::describe(&err)))?;
        Ok(Client { inner })
    }
}

/// The HTTP client of a binary: cheap to clone, one connection pool.
#[derive(Clone, Debug)]
pub struct Client {
    inner: reqwest::Client,
}

impl Default for Client {
    /// A client with default settings and no user agent (tests).
    fn default() -> Self {
        ClientSettings::default()
            .build()
            .expect("default client settings always build")
    }
}

impl Client {
    /// A request to `url`, to be sent with [`crate::send`].
    pub fn request(&self, method: reqwest::Method, url: impl reqwest::IntoUrl) -> reqwest::RequestBuilder {
        self.inner.request(method, url)
    }

    /// A `GET` of `url`.
    pub fn get(&self, url: impl reqwest::IntoUrl) -> reqwest::RequestBuilder {
        self.inner.get(url)
    }

    /// A `POST` to `url`.
    pub fn post(&self, url: impl reqwest::IntoUrl) -> reqwest::RequestBuilder {
        self.inner.post(url)
    }
}

impl From<reqwest::Client> for Client {
    /// A client built elsewhere (tests), its settings as they are.
    fn from(inner: reqwest::Client) -> Self {
        Client { inner }
    }
}
