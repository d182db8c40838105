//! Who is who in `examples/quickstart/`, as the tests that run the gateway on
//! it address them, and how long they wait for it.

use std::time::Duration;

pub use crate::slack_requests::QUICKSTART_SIGNING_SECRET as SIGNING_SECRET;

/// The content type of Slack's slash commands and interactions.
pub const FORM: &str = crate::signed::FORM;
/// The Slack workspace of the quickstart's grants.
pub const WORKSPACE: &str = "T0EXAMPLE01";
/// The channel of the quickstart's channel grant.
pub const CHANNEL: &str = "C0GENERAL01";
/// Linked to the user `alice` by the quickstart's AccountLink, with her own Nautobot token.
pub const ALICE: &str = "U0EXAMPLE01";
/// Linked to nobody: acts as the fallback user.
pub const BOB: &str = "U0SOMEBODY9";
/// Granted `chatops` only.
pub const CAROL: &str = "U0CAROL0001";
/// The quickstart's made-up Slack bot token, which the gateway sends as its bearer token.
pub const BOT_TOKEN: &str = "xoxb-0000000000-0000000000000-quickstartnotarealtoken";
/// Nothing listens there, for gateways whose tests never make them call Slack.
pub const NO_SLACK: &str = "http://127.0.0.1:9/api";
/// Generous: the gateway answers in milliseconds, but CI machines can be slow.
pub const PATIENCE: Duration = Duration::from_secs(10);
/// The settings the platform tests start from: answers in place, not private.
pub const DEFAULT_SETTINGS: &str = "  deleteInputOnSubmission: false\n  sendAllMessagesPrivate: false\n";
/// The settings of the tests of answered prompts: deleted once answered, answers not private.
pub const DELETE_INPUT: &str = "  deleteInputOnSubmission: true\n  sendAllMessagesPrivate: false\n";
