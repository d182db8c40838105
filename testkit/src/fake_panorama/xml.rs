//! The little XML the fake Panorama needs: a tree of elements it parses from
//! its seed, from `cmd=` and `element=` parameters, and writes back into its
//! answers. Elements, attributes, text, CDATA and the five predefined
//! entities; declarations, comments and processing instructions are skipped.
//! Mixed content keeps its text in one `text` (PAN-OS's configuration has none).

use std::fmt::Write;

/// One element.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct El {
    /// The tag.
    pub name: String,
    /// Attributes in document order.
    pub attrs: Vec<(String, String)>,
    /// Child elements in document order.
    pub children: Vec<El>,
    /// The element's own text, unescaped (trimmed when it is only whitespace).
    pub text: String,
}

/// Why a text is not XML the fake reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadXml(pub String);

impl El {
    /// An empty element `<name/>`.
    pub fn new(name: &str) -> El {
        El {
            name: name.to_owned(),
            ..El::default()
        }
    }

    /// `<name>text</name>`.
    pub fn text(name: &str, text: &str) -> El {
        El {
            text: text.to_owned(),
            ..El::new(name)
        }
    }

    /// `<entry name="…"/>`, PAN-OS's keyed list item.
    pub fn entry(name: &str) -> El {
        El::new("entry").attr("name", name)
    }

    /// The element plus the attribute `name="value"`.
    pub fn attr(mut self, name: &str, value: &str) -> El {
        self.attrs.push((name.to_owned(), value.to_owned()));
        self
    }

    /// The element plus `child`.
    pub fn child(mut self, child: El) -> El {
        self.children.push(child);
        self
    }

    /// The element plus `<name><member>…</member>…</name>`.
    pub fn members(self, name: &str, members: &[&str]) -> El {
        let list = members
            .iter()
            .fold(El::new(name), |list, m| list.child(El::text("member", m)));
        self.child(list)
    }

    /// The value of attribute `name`.
    pub fn get_attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The `name` attribute of an `<entry>`.
    pub fn key(&self) -> Option<&str> {
        self.get_attr("name")
    }

    /// The first child called `name`.
    pub fn find(&self, name: &str) -> Option<&El> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The first child called `name`, to change.
    pub fn find_mut(&mut self, name: &str) -> Option<&mut El> {
        self.children.iter_mut().find(|c| c.name == name)
    }

    /// The child called `name`, made when missing.
    pub fn find_or_add(&mut self, name: &str) -> &mut El {
        let at = match self.children.iter().position(|c| c.name == name) {
            Some(at) => at,
            None => {
                self.children.push(El::new(name));
                self.children.len() - 1
            }
        };
        &mut self.children[at]
    }

    /// The element down a `/`-separated path of child names.
    pub fn at(&self, path: &str) -> Option<&El> {
        path.split('/').try_fold(self, |el, step| el.find(step))
    }

    /// The text down `path`, or `""`.
    pub fn text_at(&self, path: &str) -> &str {
        self.at(path).map(|e| e.text.as_str()).unwrap_or_default()
    }

    /// The `<member>` texts of the child `name` (`<source><member>a</member></source>`).
    pub fn members_of(&self, name: &str) -> Vec<&str> {
        self.find(name)
            .map(|list| {
                list.children
                    .iter()
                    .filter(|m| m.name == "member")
                    .map(|m| m.text.as_str())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The `<entry name=…>` child keyed `key`.
    pub fn entry_named(&self, key: &str) -> Option<&El> {
        self.children
            .iter()
            .find(|c| c.name == "entry" && c.key() == Some(key))
    }

    /// The element written as XML.
    pub fn to_xml(&self) -> String {
        let mut out = String::new();
        self.write_to(&mut out);
        out
    }

    fn write_to(&self, out: &mut String) {
        out.push('<');
        out.push_str(&self.name);
        for (name, value) in &self.attrs {
            let _ = write!(out, " {name}=\"{}\"", escape(value));
        }
        if self.children.is_empty() && self.text.is_empty() {
            out.push_str("/>");
            return;
        }
        out.push('>');
        out.push_str(&escape(&self.text));
        for child in &self.children {
            child.write_to(out);
        }
        let _ = write!(out, "</{}>", self.name);
    }
}

/// `text` with `&`, `<`, `>` and `"` escaped.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn unescape(text: &str) -> Result<String, BadXml> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let end = rest[at..]
            .find(';')
            .ok_or_else(|| BadXml(format!("an unterminated entity in {text:?}")))?;
        let entity = &rest[at + 1..at + end];
        let decoded = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let number = entity
                    .strip_prefix("#x")
                    .map(|hex| u32::from_str_radix(hex, 16))
                    .or_else(|| entity.strip_prefix('#').map(str::parse))
                    .and_then(Result::ok)
                    .and_then(char::from_u32);
                number.ok_or_else(|| BadXml(format!("an unknown entity &{entity};")))?
            }
        };
        out.push(decoded);
        rest = &rest[at + end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Parses one document (or fragment with one root element).
pub fn parse(text: &str) -> Result<El, BadXml> {
    let mut parser = Parser { rest: text };
    parser.skip_misc()?;
    let root = parser.element()?;
    parser.skip_misc()?;
    if !parser.rest.is_empty() {
        return Err(BadXml(format!("text after the root element: {:?}", parser.rest)));
    }
    Ok(root)
}

struct Parser<'a> {
    rest: &'a str,
}

impl Parser<'_> {
    /// Skips whitespace, `<?…?>`, `<!--…-->` and `<!DOCTYPE…>`.
    fn skip_misc(&mut self) -> Result<(), BadXml> {
        loop {
            self.rest = self.rest.trim_start();
            let end = if self.rest.starts_with("<?") {
                "?>"
            } else if self.rest.starts_with("<!--") {
                "-->"
            } else if self.rest.starts_with("<!DOCTYPE") {
                ">"
            } else {
                return Ok(());
            };
            let at = self
                .rest
                .find(end)
                .ok_or_else(|| BadXml("an unterminated declaration or comment".into()))?;
            self.rest = &self.rest[at + end.len()..];
        }
    }

    fn name(&mut self) -> Result<String, BadXml> {
        let end = self
            .rest
            .find(|c: char| c.is_whitespace() || matches!(c, '/' | '>' | '=' | '<'))
            .unwrap_or(self.rest.len());
        if end == 0 {
            return Err(BadXml(format!("a name expected at {:?}", head(self.rest))));
        }
        let name = self.rest[..end].to_owned();
        self.rest = &self.rest[end..];
        Ok(name)
    }

    fn element(&mut self) -> Result<El, BadXml> {
        self.rest = self
            .rest
            .strip_prefix('<')
            .ok_or_else(|| BadXml(format!("an element expected at {:?}", head(self.rest))))?;
        let mut el = El::new(&self.name()?);
        loop {
            self.rest = self.rest.trim_start();
            if let Some(rest) = self.rest.strip_prefix("/>") {
                self.rest = rest;
                return Ok(el);
            }
            if let Some(rest) = self.rest.strip_prefix('>') {
                self.rest = rest;
                break;
            }
            let name = self.name()?;
            self.rest = self.rest.trim_start();
            self.rest = self
                .rest
                .strip_prefix('=')
                .ok_or_else(|| BadXml(format!("= expected after attribute {name}")))?
                .trim_start();
            let quote = self
                .rest
                .chars()
                .next()
                .filter(|q| matches!(q, '"' | '\''))
                .ok_or_else(|| BadXml(format!("a quoted value expected for {name}")))?;
            let end = self.rest[1..]
                .find(quote)
                .ok_or_else(|| BadXml(format!("an unterminated value for {name}")))?;
            let value = unescape(&self.rest[1..1 + end])?;
            self.rest = &self.rest[end + 2..];
            el.attrs.push((name, value));
        }
        let mut text = String::new();
        loop {
            if let Some(rest) = self.rest.strip_prefix("</") {
                self.rest = rest;
                let name = self.name()?;
                if name != el.name {
                    return Err(BadXml(format!("</{name}> closes <{}>", el.name)));
                }
                self.rest = self
                    .rest
                    .trim_start()
                    .strip_prefix('>')
                    .ok_or_else(|| BadXml(format!("> expected after </{name}")))?;
                el.text = if text.trim().is_empty() && !el.children.is_empty() {
                    String::new()
                } else if el.children.is_empty() {
                    text
                } else {
                    text.trim().to_owned()
                };
                return Ok(el);
            }
            if let Some(rest) = self.rest.strip_prefix("<![CDATA[") {
                let end = rest
                    .find("]]>")
                    .ok_or_else(|| BadXml("an unterminated CDATA section".into()))?;
                text.push_str(&rest[..end]);
                self.rest = &rest[end + 3..];
                continue;
            }
            if self.rest.starts_with("<!--") || self.rest.starts_with("<?") {
                self.skip_misc()?;
                continue;
            }
            if self.rest.starts_with('<') {
                el.children.push(self.element()?);
                continue;
            }
            if self.rest.is_empty() {
                return Err(BadXml(format!("<{}> is never closed", el.name)));
            }
            let end = self.rest.find('<').unwrap_or(self.rest.len());
            text.push_str(&unescape(&self.rest[..end])?);
            self.rest = &self.rest[end..];
        }
    }
}

fn head(text: &str) -> &str {
    let end = text.char_indices().nth(40).map(|(i, _)| i).unwrap_or(text.len());
    &text[..end]
}
