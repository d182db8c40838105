//! Faults on every kind of outbound call the gateway makes, injected by the
//! test kit's [`FaultProxy`](chatops_tests::fault_proxy::FaultProxy) in
//! front of the usual fakes, against the real gateway binary: 500s, 429s
//! with `Retry-After`, answers later than the gateway's timeout, connections
//! reset in the middle of an answer, and a service that goes away in the
//! middle of a command. One module per kind of call, each with the same
//! shape (one test per fault):
//!
//! - [`answer`]: the answer to the chat platform (Slack's response URL and
//!   Web API, Mattermost's response URL, Webex's messages API);
//! - [`backend`]: an integration's backend (AWX, whose job launch must never
//!   be sent twice);
//! - [`tokens`]: the token and key fetches (Teams' Bot Framework token, and
//!   its OpenID metadata and signing keys), and the Bot Connector on the
//!   same Microsoft side.
//!
//! What each checks: the person is told what happened (or, when the answer
//! itself cannot be delivered, the audit line says `errored` and why);
//! nothing runs twice; nothing waits past its timeout (an upper bound with a
//! generous margin, never a speed).
//!
//! [`consistency`] is the other half of the issue: grants swapped every
//! 100 ms while 1 000 commands run, each answered under one configuration.

mod answer;
mod backend;
mod consistency;
mod support;
mod tokens;
