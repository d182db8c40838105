//! `register-node [serial node-id name] [yes]`: registers a switch waiting
//! in the fabric (a `fabricNodeIdentP`), after asking. The serial comes
//! from a menu of the switches waiting, the node ID and name from a form.

use crate::model::{Choice, Field, FieldKind, Level, Message, Reply};
use crate::workers::aci::mo::{Mo, is_name};
use crate::workers::aci::{AciError, Session};
use crate::workers::toolkit::confirm::{Change, confirm};
use crate::workers::toolkit::menus::form_resuming;
use crate::workers::toolkit::render::error;

/// `register-node [serial node-id name] [yes]`.
pub async fn register_node(session: &Session<'_>) -> Result<Reply, AciError> {
    let given: Vec<&str> = (0..3).map_while(|i| session.arg(i)).collect();
    if given.len() < 3 {
        let pending = if given.is_empty() {
            let pending = session.pending_nodes().await?;
            if pending.is_empty() {
                return Ok(Reply::Message(
                    Message::text(Level::Info, "No switch is waiting for registration.").privately(),
                ));
            }
            pending
        } else {
            Vec::new()
        };
        let fields = form_fields(given.len(), &pending);
        let typed = given.iter().map(|s| (*s).to_owned()).collect();
        return Ok(form_resuming(&session.call, typed, "Register a switch", fields));
    }
    let [serial, node_id, name] = [given[0], given[1], given[2]];
    if !is_name(serial) || !is_name(name) {
        return Ok(error(format!(
            "`{serial}` or `{name}` is no name APIC allows (letters, digits, `_`, `.`, `:` and `-`)."
        )));
    }
    let change = Change {
        question: format!("Register switch **{serial}** as node **{node_id}** named **{name}**?"),
        yes: format!("Yes, register it as {name}"),
        declined: format!("Not registered: switch {serial} is still waiting."),
    };
    if let Some(ask) = confirm(&session.call, 3, change) {
        return Ok(ask);
    }
    match session.register(serial, node_id, name).await {
        Ok(()) => Ok(render_registered(serial, node_id, name)),
        Err(AciError::Refused { status, detail }) if status < 500 => {
            Ok(render_refused(serial, detail.as_deref()))
        }
        Err(other) => Err(other),
    }
}

/// The form's fields after the `given` first arguments: the serial (a
/// menu of the `pending` switches), the node ID, the name.
pub fn form_fields(given: usize, pending: &[Mo]) -> Vec<Field> {
    let serials = pending
        .iter()
        .map(|client| Choice {
            label: format!(
                "{} ({} {})",
                client.attr("id"),
                client.attr("nodeRole"),
                client.attr("model")
            ),
            value: client.attr("id").to_owned(),
        })
        .collect();
    let fields = [
        Field::new("Serial number", FieldKind::Select(serials)),
        Field::new("Node ID (101-4000)", FieldKind::Text),
        Field::new("Node name", FieldKind::Text),
    ];
    fields.into_iter().skip(given).collect()
}

/// The switch is registered.
pub fn render_registered(serial: &str, node_id: &str, name: &str) -> Reply {
    Reply::Message(Message::text(
        Level::Info,
        format!(
            "Registered switch **{serial}** as node **{node_id}** named **{name}**; it joins the fabric once APIC has discovered it."
        ),
    ))
}

/// APIC refused the registration, in its words.
pub fn render_refused(serial: &str, reason: Option<&str>) -> Reply {
    let reason = reason.map_or_else(
        || "it gave no reason".to_owned(),
        |r| r.trim_end_matches('.').to_owned(),
    );
    error(format!("APIC did not register switch **{serial}**: {reason}."))
}
