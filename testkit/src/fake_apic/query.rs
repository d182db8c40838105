//! APIC's query options, the part of a class or managed-object query after
//! `?`: which objects (`query-target`, `target-subtree-class`,
//! `query-target-filter`), what of their subtree comes along
//! (`rsp-subtree`, `rsp-subtree-class`, `rsp-subtree-filter`), in which
//! order (`order-by`) and which page (`page`, `page-size`).

use serde_json::Value;

use super::{
    filter::{Filter, Malformed},
    tree::{Mo, natural_cmp},
};

/// Which objects of a managed-object query answer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Target {
    /// The object itself (the default).
    Itself,
    /// Its direct children.
    Children,
    /// The object and everything under it.
    Subtree,
}

/// How much of each answered object's subtree comes with it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum RspSubtree {
    /// None (the default).
    No,
    /// Its direct children.
    Children,
    /// Everything under it.
    Full,
}

/// The parsed options of one query.
#[derive(Debug)]
pub struct Options {
    /// `query-target`.
    pub target: Target,
    /// `target-subtree-class`: the classes the targets are of (any when empty).
    pub classes: Vec<String>,
    /// `query-target-filter`.
    pub filter: Option<Filter>,
    /// `rsp-subtree`.
    pub rsp: RspSubtree,
    /// `rsp-subtree-class`.
    pub rsp_classes: Vec<String>,
    /// `rsp-subtree-filter`.
    pub rsp_filter: Option<Filter>,
    /// `order-by`: class, attribute, descending.
    pub order: Vec<(String, String, bool)>,
    /// `page` (from 0) and `page-size`.
    pub page: Option<(usize, usize)>,
}

/// Why the options were refused: APIC's 400 text.
#[derive(Debug, PartialEq)]
pub struct Refused(pub String);

impl From<Malformed> for Refused {
    fn from(m: Malformed) -> Refused {
        Refused(format!("Invalid filter: {}", m.0))
    }
}

fn list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn number(name: &str, value: Option<&str>) -> Result<Option<usize>, Refused> {
    value
        .map(|v| {
            v.parse::<usize>()
                .map_err(|_| Refused(format!("Invalid value '{v}' for {name}")))
        })
        .transpose()
}

impl Options {
    /// Parses the query string `query` (without `?`).
    pub fn parse(query: &str) -> Result<Options, Refused> {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
        let get = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
        let target = match get("query-target").unwrap_or("self") {
            "self" => Target::Itself,
            "children" => Target::Children,
            "subtree" => Target::Subtree,
            other => return Err(Refused(format!("Invalid value '{other}' for query-target"))),
        };
        let rsp = match get("rsp-subtree").unwrap_or("no") {
            "no" => RspSubtree::No,
            "children" => RspSubtree::Children,
            "full" => RspSubtree::Full,
            other => return Err(Refused(format!("Invalid value '{other}' for rsp-subtree"))),
        };
        let mut order = Vec::new();
        for item in list(get("order-by").unwrap_or_default()) {
            let (property, direction) = item.split_once('|').unwrap_or((&item, "asc"));
            let Some((class, attribute)) = property.split_once('.') else {
                return Err(Refused(format!("Invalid value '{item}' for order-by")));
            };
            let descending = match direction {
                "asc" => false,
                "desc" => true,
                _ => return Err(Refused(format!("Invalid value '{item}' for order-by"))),
            };
            order.push((class.to_owned(), attribute.to_owned(), descending));
        }
        let size = number("page-size", get("page-size"))?;
        let page = number("page", get("page"))?;
        if size == Some(0) {
            return Err(Refused("Invalid value '0' for page-size".into()));
        }
        Ok(Options {
            target,
            classes: list(get("target-subtree-class").unwrap_or_default()),
            filter: get("query-target-filter").map(Filter::parse).transpose()?,
            rsp,
            rsp_classes: list(get("rsp-subtree-class").unwrap_or_default()),
            rsp_filter: get("rsp-subtree-filter").map(Filter::parse).transpose()?,
            order,
            page: match (page, size) {
                (None, None) => None,
                (page, size) => Some((page.unwrap_or(0), size.unwrap_or(usize::MAX))),
            },
        })
    }

    /// Whether `mo` passes `target-subtree-class` and `query-target-filter`
    /// (APIC applies the class to the object's subtree only, not to the object).
    pub fn selects(&self, mo: &Mo) -> bool {
        (self.target == Target::Itself || self.classes.is_empty() || self.classes.contains(&mo.class))
            && self.filter.as_ref().is_none_or(|f| f.holds(mo))
    }

    /// The answer to a query whose targets are `found`: ordered (by DN
    /// unless `order-by` says otherwise), counted, paged, and each with
    /// its subtree as `rsp-subtree` asks, taken from `tree`.
    pub fn answer(&self, mut found: Vec<&Mo>, tree: &[Mo]) -> Value {
        found.sort_by(|a, b| {
            for (class, attribute, descending) in &self.order {
                let key = |mo: &Mo| {
                    (mo.class == *class)
                        .then(|| mo.attribute(attribute))
                        .flatten()
                        .unwrap_or_default()
                        .to_owned()
                };
                let ordering = natural_cmp(&key(a), &key(b));
                let ordering = if *descending { ordering.reverse() } else { ordering };
                if ordering.is_ne() {
                    return ordering;
                }
            }
            natural_cmp(&a.dn, &b.dn)
        });
        let total = found.len();
        let shown: Vec<&Mo> = match self.page {
            Some((page, size)) => found
                .into_iter()
                .skip(page.saturating_mul(size))
                .take(size)
                .collect(),
            None => found,
        };
        let imdata: Vec<Value> = shown.iter().map(|mo| self.with_subtree(mo, tree)).collect();
        serde_json::json!({"totalCount": total.to_string(), "imdata": imdata})
    }

    /// `mo` with the children `rsp-subtree` asks for; none at all (no
    /// `children` key) when none pass, as APIC leaves it out.
    fn with_subtree(&self, mo: &Mo, tree: &[Mo]) -> Value {
        let children = |parent: &Mo| -> Vec<&Mo> {
            let mut children: Vec<&Mo> = tree
                .iter()
                .filter(|c| c.parent() == Some(parent.dn.as_str()))
                .filter(|c| self.rsp_classes.is_empty() || self.rsp_classes.contains(&c.class))
                .filter(|c| self.rsp_filter.as_ref().is_none_or(|f| f.holds(c)))
                .collect();
            children.sort_by(|a, b| natural_cmp(&a.dn, &b.dn));
            children
        };
        match self.rsp {
            RspSubtree::No => mo.json(None),
            RspSubtree::Children => {
                let found: Vec<Value> = children(mo).into_iter().map(|c| c.json(None)).collect();
                mo.json((!found.is_empty()).then_some(found))
            }
            RspSubtree::Full => {
                let found: Vec<Value> = children(mo)
                    .into_iter()
                    .map(|c| self.with_subtree(c, tree))
                    .collect();
                mo.json((!found.is_empty()).then_some(found))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn port(node: &str, id: &str, oper: &str) -> [Mo; 2] {
        let dn = format!("topology/pod-1/node-{node}/sys/phys-[{id}]");
        [
            Mo::new("l1PhysIf", &dn, &[("id", id)]),
            Mo::new("ethpmPhysIf", &format!("{dn}/phys"), &[("operSt", oper)]),
        ]
    }

    fn tree() -> Vec<Mo> {
        [
            port("101", "eth1/10", "up"),
            port("101", "eth1/2", "down"),
            port("101", "eth1/1", "up"),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    fn ids(answer: &Value) -> Vec<&str> {
        answer["imdata"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["l1PhysIf"]["attributes"]["id"].as_str().unwrap())
            .collect()
    }

    fn query(text: &str) -> Value {
        let tree = tree();
        let options = Options::parse(text).unwrap();
        let found = tree
            .iter()
            .filter(|m| m.class == "l1PhysIf" && options.selects(m))
            .collect();
        options.answer(found, &tree)
    }

    #[test]
    fn order_by_and_pages_count_every_match() {
        let answer = query("order-by=l1PhysIf.id|desc&page=0&page-size=2");
        assert_eq!(ids(&answer), ["eth1/10", "eth1/2"]);
        assert_eq!(answer["totalCount"], "3", "the count of all, as text");
        assert_eq!(
            ids(&query("order-by=l1PhysIf.id&page=1&page-size=2")),
            ["eth1/10"]
        );
        assert_eq!(ids(&query("page=5&page-size=2")), Vec::<&str>::new());
    }

    #[test]
    fn rsp_subtree_filters_children_and_leaves_out_the_key_when_none_pass() {
        let answer = query(
            "rsp-subtree=children&rsp-subtree-class=ethpmPhysIf&rsp-subtree-filter=eq(ethpmPhysIf.operSt,%22down%22)&order-by=l1PhysIf.id",
        );
        let imdata = answer["imdata"].as_array().unwrap();
        assert_eq!(imdata.len(), 3, "the filter is on the children, not the targets");
        assert!(imdata[0]["l1PhysIf"].get("children").is_none());
        assert_eq!(
            imdata[1]["l1PhysIf"]["children"][0]["ethpmPhysIf"]["attributes"]["operSt"],
            "down"
        );
    }

    #[test]
    fn bad_options_are_refused_with_a_reason() {
        for (text, says) in [
            ("query-target=parent", "query-target"),
            ("page-size=0", "page-size"),
            ("page=x&page-size=5", "page"),
            ("order-by=id", "order-by"),
            ("query-target-filter=eq(a)", "Invalid filter"),
        ] {
            let refused = Options::parse(text).unwrap_err();
            assert!(refused.0.contains(says), "{text}: {refused:?}");
        }
    }
}
