//! Python's `shlex.split`, in both its modes, because the Nautobot ChatOps app splits arguments
//! with it and users' muscle memory (and shortcuts pasted from old answers) depend on its quirks.
//!
//! Only what `shlex.split(text)` and `shlex.split(text, posix=False)` use is modelled: whitespace
//! splitting, `'` and `"` quotes, and (POSIX only) backslash escapes. Unlike the `shlex` crate,
//! `#` starts no comment, as `shlex.split` turns comments off.

/// The characters Python's shlex treats as whitespace.
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

fn is_quote(c: char) -> bool {
    matches!(c, '\'' | '"')
}

/// `shlex.split(text)`: POSIX rules. `None` when a quote is left open or the text ends in a
/// lone backslash, where Python raises `ValueError`.
pub(crate) fn split_posix(text: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut chars = text.chars();
    // The word being built, and whether it has any quoted part: `''` is an (empty) word.
    let mut word = String::new();
    let mut in_word = false;
    while let Some(c) = chars.next() {
        match c {
            c if is_space(c) => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\\' => {
                word.push(chars.next()?);
                in_word = true;
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '\'' => break,
                        c => word.push(c),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '"' => break,
                        // Inside double quotes a backslash escapes only `"` and itself.
                        '\\' => match chars.next()? {
                            c @ ('"' | '\\') => word.push(c),
                            c => {
                                word.push('\\');
                                word.push(c);
                            }
                        },
                        c => word.push(c),
                    }
                }
            }
            c => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Some(words)
}

/// `shlex.split(text, posix=False)`, the Nautobot app's fallback for unbalanced quotes: quotes
/// are kept, a quote opening a word runs to its match and ends the word there, and a quote
/// inside a word is an ordinary character.
///
/// Where Python would still raise (a quote opening a word is never closed), the rest of the
/// text is split on whitespace, quotes kept, so this never fails.
pub(crate) fn split_non_posix(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut rest = text.trim_start_matches(is_space);
    while let Some(first) = rest.chars().next() {
        let end = if is_quote(first) {
            match rest[1..].find(first) {
                Some(close) => 1 + close + 1,
                None => {
                    words.extend(rest.split(is_space).filter(|w| !w.is_empty()).map(str::to_owned));
                    return words;
                }
            }
        } else {
            rest.find(is_space).unwrap_or(rest.len())
        };
        words.push(rest[..end].to_owned());
        rest = rest[end..].trim_start_matches(is_space);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posix_matches_python() {
        // Each expectation is what CPython's `shlex.split` returns.
        let cases: &[(&str, Option<&[&str]>)] = &[
            ("", Some(&[])),
            ("  a  b  ", Some(&["a", "b"])),
            ("'Las Vegas' Dallas", Some(&["Las Vegas", "Dallas"])),
            ("\"Las Vegas\"", Some(&["Las Vegas"])),
            ("a'b c'd", Some(&["ab cd"])),
            ("''", Some(&[""])),
            ("a '' b", Some(&["a", "", "b"])),
            (r"a\ b", Some(&["a b"])),
            (r#""a\"b""#, Some(&["a\"b"])),
            (r#""a\$b""#, Some(&["a\\$b"])),
            (r"'a\b'", Some(&["a\\b"])),
            ("Ethernet1/1 #uplink", Some(&["Ethernet1/1", "#uplink"])),
            ("tab\tsep\nnl", Some(&["tab", "sep", "nl"])),
            ("ar'g1", None),
            ("\"open", None),
            ("trailing\\", None),
        ];
        for (text, expected) in cases {
            let expected = expected.map(|words| words.iter().map(|w| w.to_string()).collect::<Vec<_>>());
            assert_eq!(split_posix(text), expected, "{text:?}");
        }
    }

    #[test]
    fn non_posix_matches_python() {
        // Each expectation is what CPython's `shlex.split(text, posix=False)` returns, except the
        // last two, where Python raises and we split on whitespace.
        let cases: &[(&str, &[&str])] = &[
            ("ar'g1", &["ar'g1"]),
            ("arg1 arg\"2", &["arg1", "arg\"2"]),
            ("'Las Vegas' O'Brien", &["'Las Vegas'", "O'Brien"]),
            ("'a'b", &["'a'", "b"]),
            (r"a\ b", &[r"a\", "b"]),
            ("'Las Vegas", &["'Las", "Vegas"]),
            ("ok \"open it", &["ok", "\"open", "it"]),
        ];
        for (text, expected) in cases {
            assert_eq!(split_non_posix(text), *expected, "{text:?}");
        }
    }
}
