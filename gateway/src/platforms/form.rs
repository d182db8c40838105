//! Form-encoded bodies (`application/x-www-form-urlencoded`): Slack's and
//! Mattermost's slash commands, and Slack's interactions.

use std::collections::BTreeMap;

/// The fields of a form body, each with all its values in order; `None` when
/// the body is not form text (not UTF-8, or JSON sent to a form endpoint).
pub fn fields(body: &[u8]) -> Option<BTreeMap<String, Vec<String>>> {
    let text = std::str::from_utf8(body).ok()?;
    if text.trim_start().starts_with(['{', '[']) {
        return None;
    }
    let mut fields: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (key, value) in form_urlencoded::parse(body) {
        fields
            .entry(key.into_owned())
            .or_default()
            .push(value.into_owned());
    }
    Some(fields)
}

/// Asserts that `parse` refuses the form `body` without each of `required`,
/// or with it empty, with `missing(field)`.
#[cfg(test)]
pub(crate) fn assert_required<T, E: std::fmt::Debug + PartialEq>(
    body: &str,
    required: &[&'static str],
    parse: impl Fn(&[u8]) -> Result<T, E>,
    missing: impl Fn(&'static str) -> E,
) {
    for field in required {
        let without: String = body
            .split('&')
            .filter(|pair| !pair.starts_with(&format!("{field}=")))
            .collect::<Vec<_>>()
            .join("&");
        assert_eq!(parse(without.as_bytes()).err(), Some(missing(field)), "{field}");
        let emptied = body.replace(&format!("{field}="), &format!("{field}=&x="));
        assert_eq!(
            parse(emptied.as_bytes()).err(),
            Some(missing(field)),
            "empty {field}"
        );
    }
}
