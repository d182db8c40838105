//! PAN-OS's XML answers as a small owned tree: what the worker reads of
//! `<response status=… code=…>`, its `<result>` and its `<msg>` lines.

/// One element: its name, attributes, text and children.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct El {
    /// The tag.
    pub name: String,
    /// Attributes in document order.
    pub attrs: Vec<(String, String)>,
    /// The element's own text, trimmed.
    pub text: String,
    /// Child elements in document order.
    pub children: Vec<El>,
}

impl El {
    /// Parses `text` as one XML document: its root element, or why not.
    pub fn parse(text: &str) -> Result<El, String> {
        let document = roxmltree::Document::parse(text).map_err(|err| err.to_string())?;
        Ok(Self::of(document.root_element()))
    }

    fn of(node: roxmltree::Node<'_, '_>) -> El {
        let text: String = node
            .children()
            .filter(|child| child.is_text())
            .filter_map(|child| child.text())
            .collect();
        El {
            name: node.tag_name().name().to_owned(),
            attrs: node
                .attributes()
                .map(|attr| (attr.name().to_owned(), attr.value().to_owned()))
                .collect(),
            text: text.trim().to_owned(),
            children: node.children().filter(|c| c.is_element()).map(Self::of).collect(),
        }
    }

    /// The attribute `name`.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first child named `name`.
    pub fn find(&self, name: &str) -> Option<&El> {
        self.children.iter().find(|child| child.name == name)
    }

    /// The element down `path` (`a/b/c`) of child names.
    pub fn at(&self, path: &str) -> Option<&El> {
        path.split('/').try_fold(self, |el, name| el.find(name))
    }

    /// The text down `path`, empty when there is none.
    pub fn text_at(&self, path: &str) -> &str {
        self.at(path).map_or("", |el| el.text.as_str())
    }

    /// The `<member>`s of the child `name` (`<source><member>a</member>…`).
    pub fn members(&self, name: &str) -> Vec<&str> {
        self.find(name)
            .map(|list| list.children.iter().map(|m| m.text.as_str()).collect())
            .unwrap_or_default()
    }

    /// The `<entry>` children.
    pub fn entries(&self) -> impl Iterator<Item = &El> {
        self.children.iter().filter(|child| child.name == "entry")
    }

    /// The `name` attribute of an `<entry>`.
    pub fn key(&self) -> &str {
        self.attr("name").unwrap_or_default()
    }

    /// Every text under this element, one per line, in document order: a
    /// `<msg>`'s `<line>`s, however deep.
    pub fn lines(&self) -> Vec<&str> {
        let mut lines = Vec::new();
        if !self.text.is_empty() {
            lines.push(self.text.as_str());
        }
        for child in &self.children {
            lines.extend(child.lines());
        }
        lines
    }
}

/// `text` escaped for an element's text or an attribute.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_response_reads_as_a_tree_with_its_lines() {
        let el = El::parse(
            "<response status=\"error\" code=\"17\"><msg><line>a &amp; b</line><line>c</line></msg></response>",
        )
        .unwrap();
        assert_eq!(el.attr("status"), Some("error"));
        assert_eq!(el.find("msg").unwrap().lines(), ["a & b", "c"]);
        assert!(El::parse("<html>").is_err());
        assert_eq!(escape("<a href='x'>&"), "&lt;a href=&apos;x&apos;&gt;&amp;");
    }
}
