//! Command text to `(command, sub-command, arguments)`, exactly as the Nautobot ChatOps app
//! reads it, so that commands and shortcuts users know keep working.

use super::shlex;

/// A command line split into its parts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParsedCommand {
    /// The command (`nautobot`), or empty when the text was blank.
    pub command: String,
    /// The sub-command (`get-devices`), or empty for a bare command.
    pub subcommand: String,
    /// The arguments, unquoted.
    pub arguments: Vec<String>,
}

/// Splits typed command text, e.g. `nautobot get-devices location 'Las Vegas'`.
///
/// - Both `cmd sub args…` and `cmd-sub args…` are accepted: the first word is split at its
///   *first* hyphen, so command names cannot contain hyphens and sub-command names can.
/// - Smart quotes (`“ ” ‘ ’`) in the arguments become `'` first, as chat clients insert them.
/// - The arguments are split like a POSIX shell (`shlex.split`); if the quotes do not balance
///   (`O'Brien`), they are split on whitespace with the quotes kept, as the app's `posix=False`
///   fallback does. It never fails.
///
/// One deliberate difference: the app looks for a literal space to find the second word, so
/// `cmd<TAB>sub` became a command named `cmd\tsub`; here any whitespace separates words.
pub fn parse_command_text(text: &str) -> ParsedCommand {
    let text = text.trim();
    let (first, rest) = split_first_word(text);
    let (command, subcommand, argument_text) = match first.split_once('-') {
        Some((command, subcommand)) => (command, subcommand, rest),
        None => {
            let (subcommand, argument_text) = split_first_word(rest);
            (first, subcommand, argument_text)
        }
    };
    let argument_text = convert_smart_quotes(argument_text);
    let arguments =
        shlex::split_posix(&argument_text).unwrap_or_else(|| shlex::split_non_posix(&argument_text));
    ParsedCommand {
        command: command.to_owned(),
        subcommand: subcommand.to_owned(),
        arguments,
    }
}

/// Splits a slash command, where the platform sends the command apart from its text (Slack,
/// Mattermost: command `/nautobot`, text `get-devices location ams01`).
///
/// `command` is the command with the platform's prefix already removed (see
/// [`strip_command_prefix`]). It is read as the first word of the text, so a slash command
/// named `/nautobot-get-devices` works as the hyphenated form, as in the app.
pub fn parse_slash(command: &str, text: &str) -> ParsedCommand {
    parse_command_text(&format!("{command} {text}"))
}

/// Removes the platform's command prefix from a slash command's name: with the default `/`,
/// `/nautobot` becomes `nautobot`; with `/network-`, `/network-nautobot` becomes `nautobot`.
///
/// A command without the prefix loses only a leading `/`, so a slash command registered
/// outside the configured prefix still resolves to its name.
pub fn strip_command_prefix<'t>(prefix: &str, command: &'t str) -> &'t str {
    let command = command.trim();
    command
        .strip_prefix(prefix)
        .filter(|_| !prefix.is_empty())
        .or_else(|| command.strip_prefix('/'))
        .unwrap_or(command)
}

/// Replaces the typographic quotes chat clients substitute for `'` and `"` with `'`, as the
/// app's `convert_smart_quotes` does (both kinds become the single quote).
pub fn convert_smart_quotes(text: &str) -> String {
    text.replace(['\u{201c}', '\u{201d}', '\u{2018}', '\u{2019}'], "'")
}

/// The first word of `text` (which starts with no whitespace) and the rest, without the
/// whitespace between them.
fn split_first_word(text: &str) -> (&str, &str) {
    match text.find(char::is_whitespace) {
        Some(end) => (&text[..end], text[end..].trim_start()),
        None => (text, ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, command: &str, subcommand: &str, arguments: &[&str]) {
        let expected = ParsedCommand {
            command: command.to_owned(),
            subcommand: subcommand.to_owned(),
            arguments: arguments.iter().map(|a| a.to_string()).collect(),
        };
        assert_eq!(parse_command_text(text), expected, "{text:?}");
    }

    /// The cases of the app's `nc/tests/test_workers.py::test_parse_command_string`.
    #[test]
    fn the_apps_own_cases() {
        let cases: &[(&str, &str, &str, &[&str])] = &[
            ("", "", "", &[]),
            ("   ", "", "", &[]),
            ("command", "command", "", &[]),
            ("command   ", "command", "", &[]),
            ("   command   ", "command", "", &[]),
            ("command sub-command", "command", "sub-command", &[]),
            ("command-sub-command", "command", "sub-command", &[]),
            ("command   sub-command", "command", "sub-command", &[]),
            ("   command   sub-command   ", "command", "sub-command", &[]),
            ("command sub-command arg1", "command", "sub-command", &["arg1"]),
            (
                "command sub-command arg1 arg2",
                "command",
                "sub-command",
                &["arg1", "arg2"],
            ),
            (
                "command  sub-command  arg1   arg2",
                "command",
                "sub-command",
                &["arg1", "arg2"],
            ),
            (
                "   command  sub-command  arg1   arg2   ",
                "command",
                "sub-command",
                &["arg1", "arg2"],
            ),
            (
                "command sub-command arg1 arg2 arg3",
                "command",
                "sub-command",
                &["arg1", "arg2", "arg3"],
            ),
            (
                "   command sub-command   arg1   arg2   arg3",
                "command",
                "sub-command",
                &["arg1", "arg2", "arg3"],
            ),
            (
                "command sub-command 'Las Vegas' 'Dallas' Orlando",
                "command",
                "sub-command",
                &["Las Vegas", "Dallas", "Orlando"],
            ),
            ("command sub-command ar'g1", "command", "sub-command", &["ar'g1"]),
            (
                "command sub-command arg1 arg\"2",
                "command",
                "sub-command",
                &["arg1", "arg\"2"],
            ),
        ];
        for (text, command, subcommand, arguments) in cases {
            check(text, command, subcommand, arguments);
        }
    }

    #[test]
    fn hyphenated_first_word() {
        check(
            "nautobot-get-devices location ams01",
            "nautobot",
            "get-devices",
            &["location", "ams01"],
        );
        // With the hyphen form the rest is all arguments, even a word that looks like a sub-command.
        check(
            "nautobot-get-devices get-vlans",
            "nautobot",
            "get-devices",
            &["get-vlans"],
        );
        check("-sub", "", "sub", &[]);
    }

    #[test]
    fn smart_quotes_become_single_quotes() {
        check(
            "nautobot get-devices location \u{201c}Las Vegas\u{201d}",
            "nautobot",
            "get-devices",
            &["location", "Las Vegas"],
        );
        check(
            "nautobot get-devices location \u{2018}Las Vegas\u{2019}",
            "nautobot",
            "get-devices",
            &["location", "Las Vegas"],
        );
        assert_eq!(convert_smart_quotes("\u{201c}\u{201d}\u{2018}\u{2019}"), "''''");
        assert_eq!(convert_smart_quotes("''"), "''");
    }

    #[test]
    fn any_whitespace_separates_words() {
        check("network\tstatus\tams01", "network", "status", &["ams01"]);
        check("network\nstatus", "network", "status", &[]);
    }

    #[test]
    fn unbalanced_quotes_never_fail() {
        check(
            "nautobot get-devices name O'Brien-sw1",
            "nautobot",
            "get-devices",
            &["name", "O'Brien-sw1"],
        );
        check(
            "nautobot get-devices location 'Las Vegas",
            "nautobot",
            "get-devices",
            &["location", "'Las", "Vegas"],
        );
    }

    #[test]
    fn slash_commands() {
        let parsed = parse_slash("nautobot", "get-devices location ams01");
        assert_eq!(parsed.command, "nautobot");
        assert_eq!(parsed.subcommand, "get-devices");
        assert_eq!(parsed.arguments, ["location", "ams01"]);
        assert_eq!(
            parse_slash("nautobot", ""),
            ParsedCommand {
                command: "nautobot".into(),
                ..Default::default()
            }
        );
        let shortcut = parse_slash("nautobot-get-devices", "location ams01");
        assert_eq!(
            (shortcut.command.as_str(), shortcut.subcommand.as_str()),
            ("nautobot", "get-devices")
        );
        assert_eq!(shortcut.arguments, ["location", "ams01"]);
    }

    #[test]
    fn command_prefixes() {
        assert_eq!(strip_command_prefix("/", "/nautobot"), "nautobot");
        assert_eq!(strip_command_prefix("/network-", "/network-nautobot"), "nautobot");
        assert_eq!(strip_command_prefix("/network-", "/nautobot"), "nautobot");
        assert_eq!(strip_command_prefix("", "/nautobot"), "nautobot");
        assert_eq!(strip_command_prefix("", "nautobot"), "nautobot");
        assert_eq!(strip_command_prefix("/", " /nautobot "), "nautobot");
    }
}
