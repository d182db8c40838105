//! APIC's managed objects as its JSON carries them: `{class: {"attributes":
//! {…}, "children": [{class: …}]}}`, every attribute as text, and the
//! answer around them, `{"totalCount": "N", "imdata": […]}`, whose `error`
//! objects say why APIC refused.

use serde_json::{Map, Value};

use super::error::AciError;

/// One managed object.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Mo {
    /// Its class (`fvTenant`).
    pub class: String,
    /// Its attributes.
    pub attributes: Map<String, Value>,
    /// The children the query asked for (`rsp-subtree`).
    pub children: Vec<Mo>,
}

impl Mo {
    /// The object of one `imdata` entry, if it is one.
    pub fn of(entry: &Value) -> Option<Mo> {
        let (class, body) = entry.as_object()?.iter().next()?;
        let attributes = body.get("attributes")?.as_object()?.clone();
        let children = body
            .get("children")
            .and_then(Value::as_array)
            .map(|children| children.iter().filter_map(Mo::of).collect())
            .unwrap_or_default();
        Some(Mo {
            class: class.clone(),
            attributes,
            children,
        })
    }

    /// The attribute `name` as text; empty when absent.
    pub fn attr(&self, name: &str) -> &str {
        self.attributes
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// Its distinguished name.
    pub fn dn(&self) -> &str {
        self.attr("dn")
    }

    /// Its children of `class`.
    pub fn children_of<'a>(&'a self, class: &'a str) -> impl Iterator<Item = &'a Mo> + 'a {
        self.children.iter().filter(move |child| child.class == class)
    }
}

/// One answer: the objects, and how many match in all (`totalCount`).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Imdata {
    /// The objects of this answer (one page of them when paged).
    pub objects: Vec<Mo>,
    /// How many match in all.
    pub total: usize,
}

/// The `code` and `text` of the first `error` object of an answer.
pub fn apic_error(answer: &Value) -> Option<(String, String)> {
    let attributes = answer
        .get("imdata")?
        .as_array()?
        .iter()
        .find_map(|entry| entry.get("error"))?
        .get("attributes")?;
    let text = |name: &str| {
        attributes
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    Some((text("code"), text("text")))
}

/// Why APIC refused, in its own words: the text of its `error` object.
pub fn reason(answer: &Value) -> Option<String> {
    apic_error(answer)
        .map(|(_, text)| text)
        .filter(|text| !text.is_empty())
}

/// The objects of a successful `answer` to the query on `object`; an
/// `error` inside a 200 (as APIC sends for some failed writes) is a refusal.
pub fn read(answer: &Value, object: &str) -> Result<Imdata, AciError> {
    if let Some((code, text)) = apic_error(answer) {
        return Err(AciError::Refused {
            status: code.parse().unwrap_or(400),
            detail: (!text.is_empty()).then_some(text),
        });
    }
    let entries = answer
        .get("imdata")
        .and_then(Value::as_array)
        .ok_or_else(|| AciError::Malformed(format!("{object}: no imdata")))?;
    let objects: Vec<Mo> = entries.iter().filter_map(Mo::of).collect();
    if objects.len() != entries.len() {
        return Err(AciError::Malformed(format!(
            "{object}: an imdata entry is not a managed object"
        )));
    }
    let total = match answer.get("totalCount") {
        Some(Value::String(count)) => count.parse().ok(),
        Some(Value::Number(count)) => count.as_u64().and_then(|n| usize::try_from(n).ok()),
        _ => None,
    }
    .unwrap_or(objects.len());
    Ok(Imdata { objects, total })
}

/// The value of `key` in a DN's part `key-value` (`pod` of
/// `topology/pod-1/node-101` is `1`), outside brackets.
pub fn dn_part<'a>(dn: &'a str, key: &str) -> Option<&'a str> {
    let prefix = format!("{key}-");
    split_dn(dn)
        .into_iter()
        .find_map(|part| part.strip_prefix(prefix.as_str()))
}

/// A DN's parts, split at the `/`s outside brackets (`pathep-[eth1/10]` is one part).
pub fn split_dn(dn: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, c) in dn.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '/' if depth == 0 => {
                parts.push(&dn[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&dn[start..]);
    parts
}

/// Whether `name` is a name APIC allows (letters, digits, `_`, `.`, `:`,
/// `-`, at most 64): what is typed goes into a DN, so nothing else is sent.
pub fn is_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '-'))
}
