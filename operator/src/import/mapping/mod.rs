//! From what the original app holds (its REST API's rows and its
//! `PLUGINS_CONFIG`) to this project's resources. Pure: plain data in, the
//! resources, the Secrets and the notes out.

pub mod grants;
pub mod integrations;
pub mod links;
pub mod platforms;
pub mod tokens;

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use sha2::{Digest, Sha256};

use super::notes::Notes;
use super::python_literals::{ChatopsSettings, PyValue};

/// One value of a Secret the import writes.
#[derive(Clone, PartialEq)]
pub enum SecretValue {
    /// The credential itself (only with `--reveal-secrets`).
    Real(String),
    /// A marked stand-in the user replaces; it says what belongs there and
    /// where the original read it from, never a value.
    Placeholder(String),
}

impl std::fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SecretValue::Real(_) => f.write_str("Real(<redacted>)"),
            SecretValue::Placeholder(text) => write!(f, "Placeholder({text:?})"),
        }
    }
}

/// The prefix of every placeholder, to grep for before applying.
pub const PLACEHOLDER_PREFIX: &str = "REPLACE-ME";

/// A Secret the import writes: its name and its keys in order.
#[derive(Clone, Debug, PartialEq)]
pub struct SecretDoc {
    /// The Secret's name.
    pub name: String,
    /// What it is for, for the comment above it.
    pub purpose: String,
    /// Its keys and values.
    pub entries: Vec<(String, SecretValue)>,
}

impl SecretDoc {
    /// An empty Secret `name` for `purpose`.
    pub fn new(name: impl Into<String>, purpose: impl Into<String>) -> Self {
        SecretDoc {
            name: name.into(),
            purpose: purpose.into(),
            entries: Vec::new(),
        }
    }

    /// Adds `key` and returns a reference to it.
    pub fn add(&mut self, key: &str, value: SecretValue) -> chatops_crds::SecretKeyRef {
        self.entries.push((key.to_owned(), value));
        chatops_crds::SecretKeyRef::new(&self.name, key)
    }
}

/// What one setting says, as far as the import can know it.
#[derive(Clone, Debug, PartialEq)]
pub enum Known<'a> {
    /// Not in the file, or empty (`""`, `None`): as good as unset.
    Unset,
    /// A literal value.
    Literal(&'a PyValue),
    /// Read from the environment variable `var` when Nautobot starts.
    Env {
        /// The variable.
        var: &'a str,
        /// Its literal default, if any.
        default: Option<&'a PyValue>,
    },
    /// An expression the import does not evaluate.
    NotLiteral(&'a str),
}

/// The app's settings, remembering which keys the mapping looked at, so
/// that every other key can be listed as having no equivalent.
pub struct Config<'a> {
    settings: Option<&'a ChatopsSettings>,
    used: RefCell<BTreeSet<String>>,
}

impl<'a> Config<'a> {
    /// The settings of the file, or none when no `--config` was given.
    pub fn new(settings: Option<&'a ChatopsSettings>) -> Self {
        Config {
            settings,
            used: RefCell::new(BTreeSet::new()),
        }
    }

    /// Whether a config file was given.
    pub fn given(&self) -> bool {
        self.settings.is_some()
    }

    /// The setting `key`, marked as looked at.
    pub fn get(&self, key: &str) -> Known<'a> {
        self.used.borrow_mut().insert(key.to_owned());
        let Some(setting) = self.settings.and_then(|s| s.values.get(key)) else {
            return Known::Unset;
        };
        match &setting.value {
            PyValue::None => Known::Unset,
            PyValue::Str(text) if text.is_empty() => Known::Unset,
            PyValue::Env { var, default, .. } => Known::Env {
                var,
                default: default.as_deref(),
            },
            PyValue::NotLiteral(what) => Known::NotLiteral(what),
            literal => Known::Literal(literal),
        }
    }

    /// The line `key` was set on, for notes.
    pub fn line(&self, key: &str) -> Option<usize> {
        self.settings?.values.get(key).map(|s| s.line)
    }

    /// Marks keys as dealt with (e.g. those of a disabled integration).
    pub fn consume(&self, keys: &[&str]) {
        self.used
            .borrow_mut()
            .extend(keys.iter().map(|k| (*k).to_owned()));
    }

    /// The keys set in the file that the mapping never looked at.
    pub fn unused(&self) -> Vec<String> {
        let used = self.used.borrow();
        self.settings
            .map(|s| s.values.keys().filter(|k| !used.contains(*k)).cloned().collect())
            .unwrap_or_default()
    }

    /// `key` as a boolean: `Some` for a literal, `None` when unknown (from
    /// the environment or not a literal), `default` when unset.
    pub fn flag(&self, key: &str, default: bool) -> Option<bool> {
        match self.get(key) {
            Known::Unset => Some(default),
            Known::Literal(value) => value.literal_bool(),
            Known::Env { .. } | Known::NotLiteral(_) => None,
        }
    }

    /// `key` as a non-secret text: the literal, or `None` (with a note when
    /// it was set some other way).
    pub fn text(&self, key: &str, notes: &mut Notes) -> Option<String> {
        match self.get(key) {
            Known::Unset => None,
            Known::Literal(PyValue::Str(text)) => Some(text.clone()),
            Known::Literal(PyValue::Int(i)) => Some(i.to_string()),
            Known::Literal(_) => {
                notes.skip(self.what(key), "its value is not a string");
                None
            }
            Known::Env {
                var,
                default: Some(PyValue::Str(text)),
            } => {
                notes.env(key, var, &format!("its default {text:?} was used"));
                Some(text.clone())
            }
            Known::Env { var, .. } => {
                notes.env(key, var, "left out: set it in the resource by hand");
                None
            }
            Known::NotLiteral(what) => {
                notes.skip(self.what(key), format!("it is {what}, not a literal"));
                None
            }
        }
    }

    /// `key` as a whole number, like [`Config::text`].
    pub fn number(&self, key: &str, notes: &mut Notes) -> Option<i64> {
        let from_text = |text: &str| text.trim().parse::<f64>().ok().map(|f| f as i64);
        match self.get(key) {
            Known::Literal(PyValue::Int(i)) => Some(*i),
            Known::Literal(PyValue::Float(f)) => Some(*f as i64),
            Known::Literal(PyValue::Str(text)) => from_text(text),
            Known::Env { var, default } => {
                let default = match default {
                    Some(PyValue::Int(i)) => Some(*i),
                    Some(PyValue::Str(text)) => from_text(text),
                    _ => None,
                };
                let how = match default {
                    Some(d) => format!("its default {d} was used"),
                    None => "left out".to_owned(),
                };
                notes.env(key, var, &how);
                default
            }
            Known::NotLiteral(what) => {
                notes.skip(self.what(key), format!("it is {what}, not a literal"));
                None
            }
            _ => None,
        }
    }

    /// A credential for a Secret: the literal (only with `reveal`), else a
    /// placeholder saying what belongs there. `None` when unset.
    pub fn credential(&self, key: &str, what: &str, reveal: bool, notes: &mut Notes) -> Option<SecretValue> {
        match self.get(key) {
            Known::Unset => None,
            Known::Literal(PyValue::Str(text)) if reveal => Some(SecretValue::Real(text.clone())),
            Known::Literal(_) => Some(placeholder(what, &format!("`{key}` in nautobot_config.py"))),
            Known::Env { var, .. } => {
                notes.env(key, var, "its Secret value is a placeholder naming the variable");
                Some(placeholder(what, &format!("the original read it from env {var}")))
            }
            Known::NotLiteral(kind) => {
                notes.skip(
                    self.what(key),
                    format!("it is {kind}, not a literal; its Secret value is a placeholder"),
                );
                Some(placeholder(what, &format!("`{key}` in nautobot_config.py")))
            }
        }
    }

    /// A credential that must exist: as [`Config::credential`], or a
    /// placeholder with a note when unset.
    pub fn required_credential(&self, key: &str, what: &str, reveal: bool, notes: &mut Notes) -> SecretValue {
        self.credential(key, what, reveal, notes).unwrap_or_else(|| {
            if self.given() {
                notes.warn(format!(
                    "`{key}` is not set in nautobot_config.py: the Secret holds a placeholder for {what}"
                ));
            }
            placeholder(what, "not found in the original's configuration")
        })
    }

    fn what(&self, key: &str) -> String {
        match self.line(key) {
            Some(line) => format!("setting `{key}` (in the assignment at nautobot_config.py line {line})"),
            None => format!("setting `{key}`"),
        }
    }
}

/// A placeholder for `what`, saying where the value comes from.
pub fn placeholder(what: &str, from: &str) -> SecretValue {
    SecretValue::Placeholder(format!("{PLACEHOLDER_PREFIX}: {what} ({from})"))
}

/// A DNS-1123 label made of `parts`: lower case, `-` between, `*` as `all`,
/// at most 63 characters.
pub fn dns_label(parts: &[&str]) -> String {
    let mut out = String::new();
    for part in parts {
        let part = if *part == "*" { "all" } else { part };
        for c in part.chars() {
            let c = c.to_ascii_lowercase();
            if c.is_ascii_alphanumeric() {
                out.push(c);
            } else if !out.ends_with('-') && !out.is_empty() {
                out.push('-');
            }
        }
        if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let mut out: String = out.trim_matches('-').chars().take(56).collect();
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        "imported".to_owned()
    } else {
        out
    }
}

/// Names handed out so far, so each is unique within its kind.
#[derive(Default)]
pub struct Names(BTreeSet<String>);

impl Names {
    /// `wanted`, or when taken `wanted-<hash of seed>`: the same input always
    /// gives the same names.
    pub fn claim(&mut self, wanted: String, seed: &str) -> String {
        let mut name = wanted.clone();
        let mut round = 0u32;
        while self.0.contains(&name) {
            let digest = hex::encode(Sha256::digest(format!("{seed}#{round}").as_bytes()));
            name = format!("{wanted}-{}", &digest[..6]);
            round += 1;
        }
        self.0.insert(name.clone());
        name
    }
}

/// The ChatPlatforms chosen, by type: their names.
pub type PlatformNames = BTreeMap<chatops_crds::PlatformType, String>;

/// The original's spelling of a platform (`PlatformChoices`).
pub fn platform_from_original(slug: &str) -> Option<chatops_crds::PlatformType> {
    use chatops_crds::PlatformType;
    match slug {
        "slack" => Some(PlatformType::Slack),
        "microsoft_teams" | "ms_teams" | "msteams" => Some(PlatformType::Msteams),
        "webex" => Some(PlatformType::Webex),
        "mattermost" => Some(PlatformType::Mattermost),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_dns_1123_and_short() {
        assert_eq!(dns_label(&["devops", "*", "*", "user"]), "devops-all-all-user");
        assert_eq!(
            dns_label(&["Ops Team!", "nautobot", "get-devices"]),
            "ops-team-nautobot-get-devices"
        );
        assert_eq!(dns_label(&["--", "é"]), "imported");
        let long = dns_label(&[&"a".repeat(100)]);
        assert!(long.len() <= 56);
    }

    #[test]
    fn a_taken_name_gets_a_stable_hash() {
        let mut first = Names::default();
        let mut second = Names::default();
        for names in [&mut first, &mut second] {
            assert_eq!(names.claim("x".into(), "a"), "x");
        }
        let a = first.claim("x".into(), "b");
        let b = second.claim("x".into(), "b");
        assert_eq!(a, b);
        assert!(a.starts_with("x-") && a.len() == 8);
        assert_ne!(first.claim("x".into(), "b"), a);
    }

    #[test]
    fn real_values_never_show_in_debug() {
        assert!(!format!("{:?}", SecretValue::Real("xoxb-1".into())).contains("xoxb"));
    }
}
