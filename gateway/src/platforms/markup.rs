//! Walking the model's light markup (`**bold**`, `` `code` ``, `[label](url)`)
//! for the renderers that write it as markup of their own: Slack's mrkdwn and
//! Mattermost's Markdown.

/// `text` converted: at each `` ` ``, `*` or `[`, `markup` may write the
/// construct that starts there into the output and return the bytes it took;
/// when it returns `None`, the character stands for itself. Everything that
/// is not markup goes through `escape`.
pub fn convert(
    text: &str,
    escape: impl Fn(&mut String, &str),
    mut markup: impl FnMut(&mut String, &str) -> Option<usize>,
) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut rest = text;
    while let Some(start) = rest.find(['`', '*', '[']) {
        escape(&mut out, &rest[..start]);
        rest = &rest[start..];
        match markup(&mut out, rest) {
            Some(len) => rest = &rest[len..],
            None => {
                // Not markup: the character stands for itself.
                let len = rest.chars().next().map_or(1, char::len_utf8);
                escape(&mut out, &rest[..len]);
                rest = &rest[len..];
            }
        }
    }
    escape(&mut out, rest);
    out
}

/// Writes `inner` between two `mark`s (a code span's or bold text's) and
/// returns `len`, the bytes of markup it stands for.
pub fn enclose(out: &mut String, mark: &str, inner: &str, len: usize) -> usize {
    out.push_str(mark);
    out.push_str(inner);
    out.push_str(mark);
    len
}
