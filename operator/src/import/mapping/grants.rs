//! The original's access grants to AccessGrants. The shapes are nearly the
//! same; the original applies a grant on every platform, so `platform` is
//! left out (which here means every platform).

use std::collections::{BTreeMap, BTreeSet};

use chatops_crds::{AccessGrant, AccessGrantSpec, GrantType, schema};
use kube::api::ObjectMeta;

use super::{Names, dns_label};
use crate::import::notes::Notes;
use crate::import::source::RawGrant;

/// The grants as AccessGrants in `namespace`. `aliases` maps an original
/// command to the commands that serve it here (`aci` to one command per
/// APIC cluster); `served` are the commands an imported Integration answers.
pub fn map(
    grants: &[RawGrant],
    aliases: &BTreeMap<String, Vec<String>>,
    served: &BTreeSet<String>,
    namespace: &str,
    notes: &mut Notes,
) -> Vec<AccessGrant> {
    let mut sorted: Vec<&RawGrant> = grants.iter().collect();
    // The same grants always give the same names, whatever order the API used.
    sorted.sort_by(|a, b| {
        (&a.command, &a.subcommand, &a.grant_type, &a.value, &a.name).cmp(&(
            &b.command,
            &b.subcommand,
            &b.grant_type,
            &b.value,
            &b.name,
        ))
    });
    let mut names = Names::default();
    let mut out = Vec::new();
    let mut unserved: BTreeSet<String> = BTreeSet::new();
    for grant in sorted {
        let what = format!(
            "access grant {:?} ({} {}, {} {})",
            grant.name, grant.command, grant.subcommand, grant.grant_type, grant.value
        );
        let grant_type = match grant.grant_type.as_str() {
            "organization" => GrantType::Organization,
            "channel" => GrantType::Channel,
            "user" => GrantType::User,
            other => {
                notes.skip(
                    what,
                    format!("grant type {other:?} is not organization, channel or user"),
                );
                continue;
            }
        };
        if grant.command == "*" && grant.subcommand != "*" {
            notes.skip(
                what,
                "a command wildcard with a sub-command is not allowed (nor was it in the original)",
            );
            continue;
        }
        let commands = aliases
            .get(&grant.command)
            .cloned()
            .unwrap_or_else(|| vec![grant.command.clone()]);
        if commands.is_empty() {
            notes.skip(
                what,
                format!(
                    "the command {:?} is not served by any imported Integration",
                    grant.command
                ),
            );
            continue;
        }
        for command in commands {
            let wanted = dns_label(&[&grant.name, &command, &grant.subcommand, grant_type.as_str()]);
            let seed = format!(
                "{command}\0{}\0{}\0{}",
                grant.subcommand, grant.grant_type, grant.value
            );
            let name = names.claim(wanted, &seed);
            let spec = AccessGrantSpec {
                command: command.clone(),
                subcommand: grant.subcommand.clone(),
                grant_type,
                name: grant.name.trim().to_owned(),
                value: Some(grant.value.trim().to_owned()),
                channel_name: None,
                platform: None,
            };
            let mut resource = AccessGrant::new(&name, spec);
            resource.metadata = ObjectMeta {
                name: Some(name),
                namespace: Some(namespace.to_owned()),
                ..ObjectMeta::default()
            };
            match serde_json::to_value(&resource).map(|v| schema::validate_object(&v)) {
                Ok(Ok(())) => {
                    if command != "*" && !served.contains(&command) {
                        unserved.insert(command.clone());
                    }
                    out.push(resource);
                }
                Ok(Err(violations)) => {
                    let why: Vec<String> = violations.iter().map(ToString::to_string).collect();
                    notes.skip(
                        what.clone(),
                        format!("not a valid AccessGrant here: {}", why.join("; ")),
                    );
                }
                Err(err) => notes.skip(what.clone(), err.to_string()),
            }
        }
    }
    for command in unserved {
        notes.warn(format!(
            "grants allow the command `{command}`, which no imported Integration answers: add an \
             Integration with `command: {command}` or drop those grants"
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(command: &str, sub: &str, kind: &str, name: &str, value: &str) -> RawGrant {
        RawGrant {
            id: String::new(),
            command: command.into(),
            subcommand: sub.into(),
            grant_type: kind.into(),
            name: name.into(),
            value: value.into(),
        }
    }

    fn served(commands: &[&str]) -> BTreeSet<String> {
        commands.iter().map(|c| (*c).to_owned()).collect()
    }

    #[test]
    fn grants_keep_their_shape_and_apply_on_every_platform() {
        let mut notes = Notes::default();
        let out = map(
            &[
                grant("nautobot", "get-devices", "user", "admin1", "U2049K991"),
                grant("*", "*", "organization", "ntc", "*"),
            ],
            &BTreeMap::new(),
            &served(&["nautobot"]),
            "chatops",
            &mut notes,
        );
        assert_eq!(out.len(), 2);
        let user = out.iter().find(|g| g.spec.grant_type == GrantType::User).unwrap();
        assert_eq!(
            user.metadata.name.as_deref(),
            Some("admin1-nautobot-get-devices-user")
        );
        assert_eq!(user.spec.value.as_deref(), Some("U2049K991"));
        assert_eq!(user.spec.platform, None);
        assert_eq!(user.metadata.namespace.as_deref(), Some("chatops"));
        assert_eq!(notes, Notes::default());
    }

    #[test]
    fn colliding_names_get_a_hash_and_invalid_grants_are_noted() {
        let mut notes = Notes::default();
        let out = map(
            &[
                grant("nautobot", "*", "user", "ops", "U1"),
                grant("nautobot", "*", "user", "ops", "U2"),
                grant("Nautobot", "*", "user", "x", "U3"),
                grant("nautobot", "*", "team", "x", "U4"),
                grant("*", "get-devices", "user", "x", "U5"),
                grant("nautobot", "*", "user", "x", "two words"),
            ],
            &BTreeMap::new(),
            &served(&["nautobot"]),
            "default",
            &mut notes,
        );
        let names: Vec<_> = out.iter().filter_map(|g| g.metadata.name.clone()).collect();
        assert_eq!(names.len(), 2);
        assert_eq!(names[0], "ops-nautobot-all-user");
        assert!(names[1].starts_with("ops-nautobot-all-user-"));
        assert_eq!(notes.skipped.len(), 4, "{:?}", notes.skipped);
        assert!(
            notes
                .skipped
                .iter()
                .any(|s| s.reason.contains("grant type \"team\""))
        );
    }

    #[test]
    fn an_aliased_command_is_granted_on_each_of_its_commands_and_unserved_ones_are_flagged() {
        let mut notes = Notes::default();
        let aliases = BTreeMap::from([("aci".to_owned(), vec!["aci_dc1".to_owned(), "aci_dc2".to_owned()])]);
        let out = map(
            &[
                grant("aci", "*", "channel", "noc", "C1"),
                grant("clear", "*", "channel", "noc", "C1"),
            ],
            &aliases,
            &served(&["aci_dc1", "aci_dc2"]),
            "default",
            &mut notes,
        );
        let commands: Vec<_> = out.iter().map(|g| g.spec.command.as_str()).collect();
        assert_eq!(commands, ["aci_dc1", "aci_dc2", "clear"]);
        assert_eq!(notes.warnings.len(), 1);
        assert!(notes.warnings[0].contains("`clear`"));
    }
}
