//! APIC's query filters (`query-target-filter`, `rsp-subtree-filter`): the
//! expressions of the REST API's documented grammar the original `aci`
//! commands and a worker send, parsed and evaluated on one managed object.
//!
//! `eq`, `ne`, `lt`, `gt`, `le`, `ge` compare `class.attribute` with a value
//! (quoted or not; numerically when both sides are numbers), `wcard` asks
//! whether the attribute contains the value (APIC documents it as a
//! wildcard match of a substring), and `and`, `or`, `not` combine them; `and`
//! and `or` take one argument or more, as APIC's do (the original's pending
//! nodes filter has an `or` of one).

use std::cmp::Ordering;

use super::tree::Mo;

/// A parsed filter.
#[derive(Clone, Debug, PartialEq)]
pub enum Filter {
    /// A comparison of `class.attribute` with a value.
    Compare {
        /// `eq`, `ne`, `lt`, `gt`, `le` or `ge`.
        op: Compare,
        /// The class the attribute is of.
        class: String,
        /// The attribute.
        attribute: String,
        /// The value compared with.
        value: String,
    },
    /// `wcard(class.attribute, "text")`: the attribute contains the text.
    Wildcard {
        /// The class the attribute is of.
        class: String,
        /// The attribute.
        attribute: String,
        /// The text it contains.
        text: String,
    },
    /// Every filter holds.
    And(Vec<Filter>),
    /// Some filter holds.
    Or(Vec<Filter>),
    /// The filter does not hold.
    Not(Box<Filter>),
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Compare {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
}

/// Why a filter did not parse: the fake answers it as APIC's 400.
#[derive(Debug, PartialEq)]
pub struct Malformed(pub String);

impl Filter {
    /// Parses `text`, the whole filter.
    pub fn parse(text: &str) -> Result<Filter, Malformed> {
        let mut parser = Parser { text, at: 0 };
        let filter = parser.expression()?;
        parser.skip_spaces();
        if parser.at != text.len() {
            return Err(parser.malformed("text after the filter"));
        }
        Ok(filter)
    }

    /// Whether `mo` satisfies the filter. A property of another class than
    /// `mo`'s does not hold (APIC filters a class query by its own class's
    /// properties), nor does one `mo` lacks.
    pub fn holds(&self, mo: &Mo) -> bool {
        match self {
            Filter::Compare {
                op,
                class,
                attribute,
                value,
            } => {
                let Some(actual) = property(mo, class, attribute) else {
                    return false;
                };
                let ordering = compare(actual, value);
                match op {
                    Compare::Eq => ordering == Ordering::Equal,
                    Compare::Ne => ordering != Ordering::Equal,
                    Compare::Lt => ordering == Ordering::Less,
                    Compare::Gt => ordering == Ordering::Greater,
                    Compare::Le => ordering != Ordering::Greater,
                    Compare::Ge => ordering != Ordering::Less,
                }
            }
            Filter::Wildcard {
                class,
                attribute,
                text,
            } => property(mo, class, attribute).is_some_and(|actual| actual.contains(text.as_str())),
            Filter::And(filters) => filters.iter().all(|f| f.holds(mo)),
            Filter::Or(filters) => filters.iter().any(|f| f.holds(mo)),
            Filter::Not(filter) => !filter.holds(mo),
        }
    }
}

fn property<'a>(mo: &'a Mo, class: &str, attribute: &str) -> Option<&'a str> {
    (mo.class == class).then(|| mo.attribute(attribute)).flatten()
}

/// Numbers compare as numbers, everything else as text.
fn compare(actual: &str, value: &str) -> Ordering {
    match (actual.parse::<f64>(), value.parse::<f64>()) {
        (Ok(a), Ok(b)) => a.partial_cmp(&b).unwrap_or(Ordering::Equal),
        _ => actual.cmp(value),
    }
}

struct Parser<'a> {
    text: &'a str,
    at: usize,
}

impl Parser<'_> {
    fn malformed(&self, what: &str) -> Malformed {
        Malformed(format!("{what} at character {} of {}", self.at, self.text))
    }

    fn skip_spaces(&mut self) {
        while self.text[self.at..].starts_with(' ') {
            self.at += 1;
        }
    }

    fn eat(&mut self, c: char) -> Result<(), Malformed> {
        self.skip_spaces();
        if self.text[self.at..].starts_with(c) {
            self.at += c.len_utf8();
            Ok(())
        } else {
            Err(self.malformed(&format!("'{c}' expected")))
        }
    }

    /// A run of the characters of names, properties and unquoted values.
    fn word(&mut self) -> &str {
        self.skip_spaces();
        let start = self.at;
        let rest = &self.text[start..];
        let len = rest.find(['(', ')', ',', '"', ' ']).unwrap_or(rest.len());
        self.at += len;
        &self.text[start..start + len]
    }

    fn expression(&mut self) -> Result<Filter, Malformed> {
        let name = self.word().to_owned();
        self.eat('(')?;
        let filter = match name.as_str() {
            "and" | "or" => {
                let mut filters = vec![self.expression()?];
                while self.comma() {
                    filters.push(self.expression()?);
                }
                if name == "and" {
                    Filter::And(filters)
                } else {
                    Filter::Or(filters)
                }
            }
            "not" => Filter::Not(Box::new(self.expression()?)),
            "wcard" => {
                let (class, attribute) = self.property()?;
                self.eat(',')?;
                Filter::Wildcard {
                    class,
                    attribute,
                    text: self.value()?,
                }
            }
            _ => {
                let op = match name.as_str() {
                    "eq" => Compare::Eq,
                    "ne" => Compare::Ne,
                    "lt" => Compare::Lt,
                    "gt" => Compare::Gt,
                    "le" => Compare::Le,
                    "ge" => Compare::Ge,
                    _ => return Err(self.malformed(&format!("unknown operator '{name}'"))),
                };
                let (class, attribute) = self.property()?;
                self.eat(',')?;
                Filter::Compare {
                    op,
                    class,
                    attribute,
                    value: self.value()?,
                }
            }
        };
        self.eat(')')?;
        Ok(filter)
    }

    fn comma(&mut self) -> bool {
        self.eat(',').is_ok()
    }

    fn property(&mut self) -> Result<(String, String), Malformed> {
        let word = self.word().to_owned();
        match word.split_once('.') {
            Some((class, attribute)) if !class.is_empty() && !attribute.is_empty() => {
                Ok((class.to_owned(), attribute.to_owned()))
            }
            _ => Err(self.malformed(&format!("'{word}' is not a class.property"))),
        }
    }

    fn value(&mut self) -> Result<String, Malformed> {
        self.skip_spaces();
        if self.text[self.at..].starts_with('"') {
            self.at += 1;
            let rest = &self.text[self.at..];
            let end = rest.find('"').ok_or_else(|| self.malformed("unclosed quote"))?;
            self.at += end + 1;
            Ok(rest[..end].to_owned())
        } else {
            let word = self.word().to_owned();
            if word.is_empty() {
                return Err(self.malformed("a value expected"));
            }
            Ok(word)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(dn: &str, ip: &str, role: &str) -> Mo {
        Mo::new(
            "dhcpClient",
            dn,
            &[("ip", ip), ("nodeRole", role), ("nodeId", "0")],
        )
    }

    #[test]
    fn the_originals_pending_nodes_filter_parses_and_selects() {
        let filter = Filter::parse(
            r#"and(not(wcard(dhcpClient.dn,"__ui_")),and(or(eq(dhcpClient.ip,"0.0.0.0")),or(eq(dhcpClient.nodeRole,"spine"),eq(dhcpClient.nodeRole,"leaf"),eq(dhcpClient.nodeRole,"unsupported"))))"#,
        )
        .unwrap();
        assert!(filter.holds(&client("client-[FDO1]", "0.0.0.0", "leaf")));
        assert!(!filter.holds(&client("client-[FDO1]", "10.0.72.64", "leaf")));
        assert!(!filter.holds(&client("client-[FDO1]", "0.0.0.0", "controller")));
        assert!(!filter.holds(&client("client-[__ui_FDO1]", "0.0.0.0", "leaf")));
    }

    #[test]
    fn comparisons_are_numeric_between_numbers_and_need_the_objects_class() {
        let node = Mo::new(
            "fabricNode",
            "topology/pod-1/node-101",
            &[("id", "101"), ("role", "leaf")],
        );
        let holds = |text: &str| Filter::parse(text).unwrap().holds(&node);
        assert!(
            holds("gt(fabricNode.id,\"99\")"),
            "101 > 99 as numbers, not as text"
        );
        assert!(holds("ne(fabricNode.role, \"controller\")"));
        assert!(holds("le(fabricNode.id,101)"));
        assert!(!holds("eq(topSystem.role,\"leaf\")"), "another class's property");
        assert!(!holds("eq(fabricNode.serial,\"x\")"), "a property it lacks");
    }

    #[test]
    fn malformed_filters_say_where() {
        for text in [
            "eq(fabricNode.role,\"leaf\"",
            "like(fabricNode.role,\"leaf\")",
            "eq(role,\"leaf\")",
            "eq(fabricNode.role,\"leaf)",
            "eq(fabricNode.role,\"leaf\") x",
        ] {
            let error = Filter::parse(text).unwrap_err();
            assert!(error.0.contains("at character"), "{text}: {error:?}");
        }
    }
}
