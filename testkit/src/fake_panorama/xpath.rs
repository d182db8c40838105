//! The XPath of PAN-OS's `type=config` requests, as far as pan-os-python and
//! the worker write it: absolute location paths of element names (or `*`),
//! each with optional `[@attr='value']` predicates, an optional last
//! `@attr` step (`…/entry/@name`, the names only), and unions of such paths
//! with `|` (pan-os-python's refresh of one object's parts).

use super::xml::El;

/// One step of a location path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// An element step: its name (`*` for any) and `@attr='value'` predicates.
    Element {
        /// The element name, or `*`.
        name: String,
        /// The attribute values it must have.
        predicates: Vec<(String, String)>,
    },
    /// A last `@attr` step: the elements with that attribute, reduced to it.
    Attribute(String),
}

/// One absolute location path.
pub type Path = Vec<Step>;

/// Why PAN-OS would answer "Bad Xpath" (code 6).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadXpath(pub String);

/// Splits `text` at `sep` outside quotes and brackets.
fn split_outside(text: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut quote, mut start) = (0usize, None::<char>, 0usize);
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '[') => depth += 1,
            (None, ']') => depth = depth.saturating_sub(1),
            (None, c) if c == sep && depth == 0 => {
                parts.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// Parses an `xpath=` parameter into its union's paths.
pub fn parse(xpath: &str) -> Result<Vec<Path>, BadXpath> {
    split_outside(xpath.trim(), '|')
        .into_iter()
        .map(|one| parse_path(one.trim()))
        .collect()
}

fn parse_path(path: &str) -> Result<Path, BadXpath> {
    let bad = |why: &str| BadXpath(format!("{why} in {path:?}"));
    let rest = path
        .strip_prefix('/')
        .ok_or_else(|| bad("not an absolute path"))?;
    let steps: Vec<&str> = split_outside(rest, '/');
    let last = steps.len() - 1;
    steps
        .into_iter()
        .enumerate()
        .map(|(i, step)| {
            if let Some(attr) = step.strip_prefix('@') {
                return if i == last && is_name(attr) {
                    Ok(Step::Attribute(attr.to_owned()))
                } else {
                    Err(bad("an attribute step before the end"))
                };
            }
            let (name, mut preds) = match step.find('[') {
                Some(at) => (&step[..at], &step[at..]),
                None => (step, ""),
            };
            if name != "*" && !is_name(name) {
                return Err(bad(&format!("a bad step {step:?}")));
            }
            let mut predicates = Vec::new();
            while !preds.is_empty() {
                let close = preds.find(']').ok_or_else(|| bad("an unclosed ["))?;
                let inner = preds[1..close].trim();
                let (attr, value) = inner
                    .strip_prefix('@')
                    .and_then(|p| p.split_once('='))
                    .ok_or_else(|| bad(&format!("an unsupported predicate [{inner}]")))?;
                let value = value.trim();
                let unquoted = value
                    .strip_prefix('\'')
                    .and_then(|v| v.strip_suffix('\''))
                    .or_else(|| value.strip_prefix('"').and_then(|v| v.strip_suffix('"')))
                    .ok_or_else(|| bad("an unquoted predicate value"))?;
                predicates.push((attr.trim().to_owned(), unquoted.to_owned()));
                preds = &preds[close + 1..];
                if !preds.is_empty() && !preds.starts_with('[') {
                    return Err(bad("text after a predicate"));
                }
            }
            Ok(Step::Element {
                name: name.to_owned(),
                predicates,
            })
        })
        .collect()
}

fn is_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
}

fn matches(el: &El, name: &str, predicates: &[(String, String)]) -> bool {
    (name == "*" || el.name == name)
        && predicates
            .iter()
            .all(|(attr, value)| el.get_attr(attr) == Some(value.as_str()))
}

/// Every node `paths` select under the document `root` (whose own element is
/// the first step), copied, in document order per path.
pub fn select(root: &El, paths: &[Path]) -> Vec<El> {
    let mut found = Vec::new();
    for path in paths {
        let Some((Step::Element { name, predicates }, rest)) = path.split_first() else {
            continue;
        };
        if matches(root, name, predicates) {
            collect(root, rest, &mut found);
        }
    }
    found
}

fn collect(el: &El, steps: &[Step], found: &mut Vec<El>) {
    match steps.split_first() {
        None => found.push(el.clone()),
        Some((Step::Attribute(attr), _)) => {
            if let Some(value) = el.get_attr(attr) {
                found.push(El::new(&el.name).attr(attr, value));
            }
        }
        Some((Step::Element { name, predicates }, rest)) => {
            for child in el.children.iter().filter(|c| matches(c, name, predicates)) {
                collect(child, rest, found);
            }
        }
    }
}

/// The one node `path` names, made (with its `[@name=…]` keys) where
/// missing: where a `set` or `edit` writes. `None` for a path that names no
/// single node (`*`, `@attr`, or a root other than `root`'s).
pub fn locate_or_make<'a>(root: &'a mut El, path: &Path) -> Option<&'a mut El> {
    let (Step::Element { name, predicates }, rest) = path.split_first()? else {
        return None;
    };
    if !matches(root, name, predicates) {
        return None;
    }
    let mut el = root;
    for step in rest {
        let Step::Element { name, predicates } = step else {
            return None;
        };
        if name == "*" {
            return None;
        }
        let at = match el.children.iter().position(|c| matches(c, name, predicates)) {
            Some(at) => at,
            None => {
                let mut made = El::new(name);
                made.attrs = predicates.clone();
                el.children.push(made);
                el.children.len() - 1
            }
        };
        el = &mut el.children[at];
    }
    Some(el)
}

/// Removes every node `path` selects; how many went.
pub fn remove(root: &mut El, path: &Path) -> usize {
    let Some((Step::Element { name, predicates }, rest)) = path.split_first() else {
        return 0;
    };
    if !matches(root, name, predicates) || rest.is_empty() {
        return 0;
    }
    remove_under(root, rest)
}

fn remove_under(el: &mut El, steps: &[Step]) -> usize {
    match steps {
        [Step::Element { name, predicates }] => {
            let before = el.children.len();
            el.children.retain(|c| !matches(c, name, predicates));
            before - el.children.len()
        }
        [Step::Element { name, predicates }, rest @ ..] => el
            .children
            .iter_mut()
            .filter(|c| matches(c, name, predicates))
            .map(|c| remove_under(c, rest))
            .sum(),
        _ => 0,
    }
}
