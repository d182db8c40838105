//! Sub-command names for panels: `get-<command>`, made from panel titles.

use std::collections::HashSet;

/// The longest command the schema takes (`panels[].command`).
pub const MAX_COMMAND: usize = 48;

/// `title` as a command: lower case, runs of anything but `a-z0-9` as one
/// `-`, no `-` at either end, at most `max` characters; empty when nothing
/// is left (a title of only symbols, or in a script without Latin letters).
pub fn slugify(title: &str, max: usize) -> String {
    let mut slug = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.truncate(max);
    slug.trim_end_matches('-').to_owned()
}

/// Hands out commands unique across an Integration's dashboards.
#[derive(Debug, Default)]
pub struct Commands {
    taken: HashSet<String>,
}

impl Commands {
    /// The command for panel `id` titled `title`: its slug, else `panel-<id>`,
    /// with `-2`, `-3`, … when an earlier panel has it already.
    pub fn assign(&mut self, title: Option<&str>, id: u32) -> String {
        let mut base = slugify(title.unwrap_or_default(), MAX_COMMAND);
        if base.is_empty() {
            base = format!("panel-{id}");
        }
        let mut candidate = base.clone();
        let mut n = 1;
        while self.taken.contains(&candidate) {
            n += 1;
            let suffix = format!("-{n}");
            // Shorten the base, not the suffix, so the command stays within bounds.
            let head = slugify(&base, MAX_COMMAND - suffix.len());
            candidate = format!("{head}{suffix}");
        }
        self.taken.insert(candidate.clone());
        candidate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_become_lowercase_dashed_words() {
        assert_eq!(slugify("Traffic in / out", 48), "traffic-in-out");
        assert_eq!(
            slugify("  BGP: Prefixes (received)  ", 48),
            "bgp-prefixes-received"
        );
        assert_eq!(slugify("CPU %", 48), "cpu");
        assert_eq!(slugify("Über-Last 5m", 48), "ber-last-5m");
        assert_eq!(slugify("---", 48), "");
        assert_eq!(slugify("日本語", 48), "");
    }

    #[test]
    fn long_titles_are_cut_without_a_trailing_dash() {
        let slug = slugify("Interface errors and discards per direction and per queue", 48);
        assert!(slug.len() <= 48, "{slug}");
        assert_eq!(slug, "interface-errors-and-discards-per-direction-and");
        assert_eq!(slugify("abc def", 4), "abc");
    }

    #[test]
    fn repeated_titles_get_numbered_and_untitled_panels_their_id() {
        let mut commands = Commands::default();
        assert_eq!(commands.assign(Some("Traffic"), 1), "traffic");
        assert_eq!(commands.assign(Some("traffic!"), 2), "traffic-2");
        assert_eq!(commands.assign(Some("Traffic"), 7), "traffic-3");
        assert_eq!(commands.assign(None, 4), "panel-4");
        assert_eq!(commands.assign(Some("%%"), 4), "panel-4-2");
        assert_eq!(commands.assign(Some("panel 5"), 9), "panel-5");
        assert_eq!(commands.assign(None, 5), "panel-5-2");
    }

    #[test]
    fn a_numbered_long_command_stays_within_bounds() {
        let title = "x".repeat(60);
        let mut commands = Commands::default();
        assert_eq!(commands.assign(Some(&title), 1), "x".repeat(48));
        let second = commands.assign(Some(&title), 2);
        assert_eq!(second, format!("{}-2", "x".repeat(46)));
        assert_eq!(second.len(), 48);
    }
}
