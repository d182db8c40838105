//! One sub-command run against a backend: the integration's client, who it
//! acts as, and the call. An integration adds its API calls to its own
//! `Session<'_, ItsClient, ItsCredential>` (an `impl` block in its module).

use super::args::Args;
use super::menus;
use crate::commands::Call;
use crate::model::{Choice, Reply};

/// A sub-command being run against a backend as one user.
pub struct Session<'a, C, W> {
    /// The integration's client of the backend.
    pub client: &'a C,
    /// Who the backend sees.
    pub who: W,
    /// The chat call.
    pub call: Call<'a>,
    /// The backend's own address, for links.
    web_url: &'a str,
}

impl<'a, C, W> Session<'a, C, W> {
    /// A session of `call` on `client`, acting as `who`; `web_url` is the
    /// backend's own address, for links.
    pub fn new(client: &'a C, who: W, call: Call<'a>, web_url: &'a str) -> Self {
        Session {
            client,
            who,
            call,
            web_url,
        }
    }

    /// The `index`th argument, if given and not blank.
    pub fn arg(&self, index: usize) -> Option<&'a str> {
        self.call.given(index)
    }

    /// A menu asking `question` of `choices`, or `none` when there are none
    /// (see [`menus::ask`]).
    pub fn ask(&self, question: impl Into<String>, choices: Vec<Choice>, none: impl Into<String>) -> Reply {
        menus::ask(&self.call, question, choices, none)
    }

    /// A menu for the next argument (paged by [`Call::menu`]).
    pub fn menu(&self, text: impl Into<String>, choices: Vec<Choice>) -> Reply {
        self.call.menu(text, choices)
    }

    /// The link to `path` in the backend's web UI (e.g. `dcim/devices/{id}/`).
    pub fn web_link(&self, path: &str) -> String {
        format!("{}/{}", self.web_url, path.trim_start_matches('/'))
    }

    /// The backend's own address.
    pub fn web_url(&self) -> &str {
        self.web_url
    }
}
