//! The managed objects of the fake APIC: each a class, a distinguished name
//! (DN) and string attributes, as APIC's management information tree holds
//! them; an object's parent is the DN without its last relative name.

use serde_json::{Map, Value, json};

/// One managed object.
#[derive(Clone, Debug, PartialEq)]
pub struct Mo {
    /// The class, e.g. `fvTenant`.
    pub class: String,
    /// The distinguished name, e.g. `uni/tn-common`.
    pub dn: String,
    /// The attributes besides `dn`, in order; every value is text, as APIC gives it.
    pub attributes: Vec<(String, String)>,
}

impl Mo {
    /// An object of `class` at `dn` with `attributes`.
    pub fn new(class: &str, dn: &str, attributes: &[(&str, &str)]) -> Mo {
        Mo {
            class: class.to_owned(),
            dn: dn.to_owned(),
            attributes: attributes
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }

    /// The attribute `name` (`dn` included), if the object has it.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        if name == "dn" {
            return Some(&self.dn);
        }
        self.attributes
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Sets the attribute `name` to `value`.
    pub fn set(&mut self, name: &str, value: &str) {
        match self.attributes.iter_mut().find(|(k, _)| k == name) {
            Some((_, v)) => *v = value.to_owned(),
            None => self.attributes.push((name.to_owned(), value.to_owned())),
        }
    }

    /// The DN of the parent, if any.
    pub fn parent(&self) -> Option<&str> {
        parent_of(&self.dn)
    }

    /// The object as APIC gives it: `{class: {"attributes": {…, "dn"}}}`,
    /// with `children` when some are given.
    pub fn json(&self, children: Option<Vec<Value>>) -> Value {
        let mut attributes = Map::new();
        for (k, v) in &self.attributes {
            attributes.insert(k.clone(), json!(v));
        }
        attributes.insert("dn".into(), json!(self.dn));
        let mut body = Map::new();
        body.insert("attributes".into(), Value::Object(attributes));
        if let Some(children) = children {
            body.insert("children".into(), Value::Array(children));
        }
        json!({ self.class.clone(): body })
    }
}

/// The DN without its last relative name: the part before the last `/`
/// outside brackets (`pathep-[eth1/10]` is one name).
pub fn parent_of(dn: &str) -> Option<&str> {
    let mut depth = 0_i32;
    let mut last = None;
    for (i, c) in dn.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            '/' if depth == 0 => last = Some(i),
            _ => {}
        }
    }
    last.map(|i| &dn[..i])
}

/// Compares two texts with their runs of digits as numbers (`eth1/2` before
/// `eth1/10`), as APIC orders interface IDs.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    fn chunks(s: &str) -> Vec<(bool, &str)> {
        let mut out = Vec::new();
        let mut start = 0;
        let bytes = s.as_bytes();
        for i in 1..=bytes.len() {
            if i == bytes.len() || bytes[i].is_ascii_digit() != bytes[start].is_ascii_digit() {
                out.push((bytes[start].is_ascii_digit(), &s[start..i]));
                start = i;
            }
        }
        out
    }
    if a.is_empty() || b.is_empty() {
        return a.cmp(b);
    }
    for ((da, ca), (db, cb)) in chunks(a).into_iter().zip(chunks(b)) {
        let ordering = if da && db {
            ca.parse::<u64>()
                .unwrap_or(0)
                .cmp(&cb.parse::<u64>().unwrap_or(0))
        } else {
            ca.cmp(cb)
        };
        if ordering.is_ne() {
            return ordering;
        }
    }
    a.len().cmp(&b.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_parent_is_the_dn_without_its_last_name_and_brackets_hold_slashes() {
        assert_eq!(parent_of("uni/tn-common/ap-web"), Some("uni/tn-common"));
        assert_eq!(
            parent_of("topology/pod-1/paths-101/pathep-[eth1/10]"),
            Some("topology/pod-1/paths-101")
        );
        assert_eq!(
            parent_of("topology/pod-1/node-101/sys/phys-[eth1/1]/phys"),
            Some("topology/pod-1/node-101/sys/phys-[eth1/1]")
        );
        assert_eq!(parent_of("uni"), None);
    }

    #[test]
    fn interface_ids_order_by_their_numbers() {
        let mut ids = vec!["eth1/10", "eth1/2", "eth1/49", "eth1/1"];
        ids.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(ids, ["eth1/1", "eth1/2", "eth1/10", "eth1/49"]);
    }
}
