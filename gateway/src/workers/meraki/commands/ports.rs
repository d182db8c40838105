//! `configure-basic-access-port` and `cycle-port`: the two sub-commands
//! that change a switch, each asking first unless `yes` was typed. Values
//! are read strictly: a port list `12` is port 12 (not ports 1 and 2), and a
//! state `false` disables the port (the original app took any text as true).

use serde_json::{Value, json};

use super::choose::{Kind, device_name, text};
use super::org_and_device;
use super::switches::ports_of;
use crate::model::{Choice, Field, FieldKind, Reply};
use crate::workers::meraki::client::Subject;
use crate::workers::meraki::{MerakiError, Session};
use crate::workers::toolkit::confirm::{Change, confirm};
use crate::workers::toolkit::menus::{ask_resuming, form_resuming};
use crate::workers::toolkit::render::{error, info, table_message};

/// A port state as typed: `true/false`, `yes/no`, `enabled/disabled`, in any case.
pub fn port_state(typed: &str) -> Option<bool> {
    match typed.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "enabled" => Some(true),
        "false" | "no" | "disabled" => Some(false),
        _ => None,
    }
}

/// A port list as typed (`5`, `1,3`, `1-4`, `1, 3-4`): the parts as Meraki
/// takes them (a port or a range), and every port they name; or why not.
pub fn port_list(typed: &str) -> Result<(Vec<String>, Vec<u32>), String> {
    let wrong =
        || format!("`{typed}` is not a list of ports; give a port (`5`), a list (`1,3`) or a range (`1-4`).");
    let mut parts = Vec::new();
    let mut ports = Vec::new();
    for part in typed.split(',').map(str::trim) {
        let (from, to) = match part.split_once('-') {
            Some((a, b)) => (a.trim().parse::<u32>(), b.trim().parse::<u32>()),
            None => (part.parse::<u32>(), part.parse::<u32>()),
        };
        let (Ok(from), Ok(to)) = (from, to) else {
            return Err(wrong());
        };
        if from > to || to - from > 1000 {
            return Err(wrong());
        }
        parts.push(if from == to {
            from.to_string()
        } else {
            format!("{from}-{to}")
        });
        ports.extend(from..=to);
    }
    ports.sort_unstable();
    ports.dedup();
    Ok((parts, ports))
}

/// `port 5` or `ports 1-4, 7`.
fn ports_said(parts: &[String], ports: usize) -> String {
    let noun = if ports == 1 { "port" } else { "ports" };
    format!("{noun} {}", parts.join(", "))
}

/// The port IDs of a switch's ports.
fn port_ids(ports: &[Value]) -> Vec<String> {
    ports.iter().filter_map(|port| text(port, "portId")).collect()
}

/// A menu's choices: each port's number with its name and what it is.
pub fn port_choices(ports: &[Value]) -> Vec<Choice> {
    ports
        .iter()
        .filter_map(|port| {
            let id = text(port, "portId")?;
            let state = if port.get("enabled") == Some(&Value::Bool(false)) {
                ", disabled"
            } else {
                ""
            };
            let name = text(port, "name").map(|n| format!(" {n}")).unwrap_or_default();
            let label = format!(
                "{id}:{name} ({}, VLAN {}{state})",
                super::shown(port.get("type")),
                super::shown(port.get("vlan"))
            );
            Some(Choice { label, value: id })
        })
        .collect()
}

/// `configure-basic-access-port [org device port enabled vlan description] [yes]`.
pub async fn configure_basic_access_port(session: &Session<'_>) -> Result<Reply, MerakiError> {
    let (_, device, mut so_far) = match org_and_device(session, Kind::Switch).await? {
        Ok(chosen) => chosen,
        Err(ask) => return Ok(ask),
    };
    let switch = device_name(&device);
    let ports = ports_of(session, &device).await?;
    let Some(port) = session.arg(2) else {
        return Ok(ask_resuming(
            &session.call,
            so_far,
            format!("Which port of {switch}?"),
            port_choices(&ports),
            format!("{switch} has no ports that you may see."),
        ));
    };
    if !port_ids(&ports).iter().any(|id| id == port) {
        return Ok(error(format!(
            "{switch} has no port `{port}`; `get-switchports` lists them."
        )));
    }
    so_far.push(port.to_owned());
    let enabled = match session.arg(3).map(|typed| (typed, port_state(typed))) {
        Some((_, Some(enabled))) => Some(enabled),
        Some((typed, None)) => {
            return Ok(error(format!(
                "`{typed}` is not a port state; use `true` or `false` (or `yes`/`no`, `enabled`/`disabled`)."
            )));
        }
        None => None,
    };
    let (Some(enabled), Some(vlan), Some(description)) = (enabled, session.arg(4), session.arg(5)) else {
        return Ok(port_form(session, so_far, &switch, port));
    };
    let said = if enabled { "an enabled" } else { "a disabled" };
    let change = Change {
        question: format!(
            "Make port {port} of **{switch}** {said} access port on VLAN {vlan}, named \"{description}\"?"
        ),
        yes: format!("Yes, configure port {port}"),
        declined: format!("Not changed: port {port} of {switch} stays as it was."),
    };
    if let Some(unconfirmed) = confirm(&session.call, 6, change) {
        return Ok(unconfirmed);
    }
    // A VLAN that is a number is sent as one; anything else as typed, so
    // that Meraki's own validation says what is wrong with it.
    let vlan = vlan
        .parse::<u64>()
        .map_or_else(|_| Value::String(vlan.to_owned()), Value::from);
    let body = json!({"name": description, "enabled": enabled, "type": "access", "vlan": vlan});
    let serial = text(&device, "serial").unwrap_or_default();
    let object = format!("port {port} of {switch}");
    let subject = Subject {
        action: "change",
        object: &object,
    };
    let updated = session
        .put(&format!("devices/{serial}/switch/ports/{port}"), &body, subject)
        .await?;
    Ok(render_configured(
        &switch,
        port,
        &updated,
        &session.who.credential.user,
    ))
}

/// The form for the port's settings not typed yet, resuming with `so_far`
/// and those that were.
fn port_form(session: &Session<'_>, mut so_far: Vec<String>, switch: &str, port: &str) -> Reply {
    let enabled = Field::new(
        "Port state",
        FieldKind::Select(vec![
            Choice {
                label: "Enabled".to_owned(),
                value: "true".to_owned(),
            },
            Choice {
                label: "Disabled".to_owned(),
                value: "false".to_owned(),
            },
        ]),
    )
    .with_default("true");
    let all = [
        enabled,
        Field::new("VLAN", FieldKind::Text),
        Field::new("Port description", FieldKind::Text),
    ];
    let typed = (3..6).take_while(|index| session.arg(*index).is_some()).count();
    so_far.extend((3..3 + typed).filter_map(|index| session.arg(index).map(str::to_owned)));
    form_resuming(
        &session.call,
        so_far,
        format!("Port {port} of {switch}"),
        all.into_iter().skip(typed).collect(),
    )
}

/// The port as Meraki answered the change.
pub fn render_configured(switch: &str, port: &str, updated: &Value, by: &str) -> Reply {
    let rows = [
        ("Name", "name"),
        ("Enabled", "enabled"),
        ("Type", "type"),
        ("VLAN", "vlan"),
        ("Voice VLAN", "voiceVlan"),
        ("PoE", "poeEnabled"),
    ]
    .iter()
    .map(|(label, field)| vec![(*label).to_owned(), super::shown(updated.get(*field))])
    .collect();
    table_message(
        format!("Port {port} of {switch}, configured"),
        &["Setting", "Value"],
        rows,
        Some(format!("Changed by {by}.")),
    )
}

/// `cycle-port [org device ports] [yes]`.
pub async fn cycle_port(session: &Session<'_>) -> Result<Reply, MerakiError> {
    let (_, device, so_far) = match org_and_device(session, Kind::Switch).await? {
        Ok(chosen) => chosen,
        Err(ask) => return Ok(ask),
    };
    let switch = device_name(&device);
    let ports = ports_of(session, &device).await?;
    let Some(typed) = session.arg(2) else {
        return Ok(ask_resuming(
            &session.call,
            so_far,
            format!("Which port of {switch}?"),
            port_choices(&ports),
            format!("{switch} has no ports that you may see."),
        ));
    };
    let (parts, asked) = match port_list(typed) {
        Ok(list) => list,
        Err(said) => return Ok(error(said)),
    };
    let known = port_ids(&ports);
    let unknown: Vec<String> = asked
        .iter()
        .map(u32::to_string)
        .filter(|port| !known.contains(port))
        .collect();
    if !unknown.is_empty() {
        let noun = if unknown.len() == 1 { "port" } else { "ports" };
        return Ok(error(format!(
            "{switch} has no {noun} {}; `get-switchports` lists them.",
            unknown.join(", ")
        )));
    }
    let said = ports_said(&parts, asked.len());
    let them = if asked.len() == 1 { "it" } else { "them" };
    let change = Change {
        question: format!(
            "Power-cycle {said} of **{switch}**? The link goes down for a few seconds and PoE devices restart."
        ),
        yes: format!("Yes, cycle {them}"),
        declined: format!("Not cycled: {said} of {switch}."),
    };
    if let Some(unconfirmed) = confirm(&session.call, 3, change) {
        return Ok(unconfirmed);
    }
    let serial = text(&device, "serial").unwrap_or_default();
    let object = format!("{said} of {switch}");
    let subject = Subject {
        action: "cycle",
        object: &object,
    };
    let answer = session
        .post(
            &format!("devices/{serial}/switch/ports/cycle"),
            &json!({ "ports": parts }),
            subject,
        )
        .await?;
    let cycled: Vec<String> = answer
        .get("ports")
        .and_then(Value::as_array)
        .map(|ports| {
            ports
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .filter(|ports: &Vec<String>| !ports.is_empty())
        .ok_or_else(|| MerakiError::Malformed(format!("{object}: no ports in the answer")))?;
    Ok(render_cycled(
        &switch,
        &cycled,
        asked.len(),
        &session.who.credential.user,
    ))
}

/// What was cycled, as Meraki answered.
pub fn render_cycled(switch: &str, cycled: &[String], count: usize, by: &str) -> Reply {
    info(format!(
        "Power-cycled {} of {switch} (by {by}).",
        ports_said(cycled, count)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_port_list_is_ports_lists_and_ranges_and_12_is_port_12() {
        assert_eq!(port_list("12"), Ok((vec!["12".to_owned()], vec![12])));
        assert_eq!(
            port_list("1,3"),
            Ok((vec!["1".to_owned(), "3".to_owned()], vec![1, 3]))
        );
        assert_eq!(port_list("1-4"), Ok((vec!["1-4".to_owned()], vec![1, 2, 3, 4])));
        assert_eq!(
            port_list(" 3-4, 7 ,4"),
            Ok((
                vec!["3-4".to_owned(), "7".to_owned(), "4".to_owned()],
                vec![3, 4, 7]
            ))
        );
        for wrong in ["", "a", "1,", "4-1", "1-", "1.5", "-3", "1-99999"] {
            assert!(port_list(wrong).is_err(), "{wrong}");
        }
    }

    #[test]
    fn a_port_state_is_read_strictly() {
        for (typed, state) in [
            ("true", Some(true)),
            ("Yes", Some(true)),
            ("ENABLED", Some(true)),
            ("false", Some(false)),
            ("no", Some(false)),
            ("Disabled", Some(false)),
            ("False ", Some(false)),
            ("0", None),
            ("off", None),
            ("maybe", None),
        ] {
            assert_eq!(port_state(typed), state, "{typed}");
        }
    }
}
