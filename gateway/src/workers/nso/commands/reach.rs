//! `ping` and `connect`: whether NSO reaches a device.

use serde_json::Value;

use super::{device_or_menu, message, or_no_device};
use crate::model::{Block, Level, Reply};
use crate::workers::nso::{NsoError, Session};

/// `ping [device]`: NSO pings the device from its own host.
pub async fn ping(session: &Session<'_>) -> Result<Reply, NsoError> {
    let device = match device_or_menu(session).await? {
        Ok(device) => device,
        Err(menu) => return Ok(menu),
    };
    let answer = session.action(Some(device), "ping").await;
    or_no_device(answer.map(|output| render_ping(device, output.as_ref())), device)
}

/// `connect [device]`: NSO opens its southbound session to the device.
pub async fn connect(session: &Session<'_>) -> Result<Reply, NsoError> {
    let device = match device_or_menu(session).await? {
        Ok(device) => device,
        Err(menu) => return Ok(menu),
    };
    let answer = session.action(Some(device), "connect").await;
    or_no_device(
        answer.map(|output| render_connect(device, output.as_ref())),
        device,
    )
}

/// Ping's output: answered or not (`100% packet loss`), and what ping printed.
pub fn render_ping(device: &str, output: Option<&Value>) -> Reply {
    let printed = output
        .and_then(|o| o.get("result"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .trim_end();
    let (level, said) = if printed.contains("100% packet loss") {
        (
            Level::Warning,
            format!("NSO's ping of **{device}** failed: no answer."),
        )
    } else if printed.contains(" received") {
        (Level::Info, format!("NSO's ping of **{device}** was answered."))
    } else {
        (
            Level::Warning,
            format!("NSO's ping of **{device}** did not say whether it was answered."),
        )
    };
    let mut blocks = vec![Block::Text(said)];
    if !printed.is_empty() {
        blocks.push(Block::Code(printed.to_owned()));
    }
    message(level, blocks)
}

/// Connect's output: `result` true or false, and NSO's `info`.
pub fn render_connect(device: &str, output: Option<&Value>) -> Reply {
    let connected = output
        .and_then(|o| o.get("result"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let info = output
        .and_then(|o| o.get("info"))
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|info| !info.is_empty());
    let said = match (connected, info) {
        (true, Some(info)) => format!("NSO connected to **{device}**: {info}"),
        (true, None) => format!("NSO connected to **{device}**."),
        (false, Some(info)) => format!("NSO could not connect to **{device}**: {info}"),
        (false, None) => format!("NSO could not connect to **{device}**."),
    };
    let level = if connected { Level::Info } else { Level::Warning };
    message(level, vec![Block::Text(said)])
}
